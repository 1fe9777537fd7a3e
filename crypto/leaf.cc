#include "crypto/leaf.h"

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"

namespace lineage {

bool IsKnownEntryKind(uint8_t kind) {
  return kind == static_cast<uint8_t>(EntryKind::kLineageEvent) ||
         kind == static_cast<uint8_t>(EntryKind::kKeyRegistered) ||
         kind == static_cast<uint8_t>(EntryKind::kKeyRevoked);
}

std::string EncodeLeaf(const Leaf& leaf) {
  std::string out;
  out.reserve(kLeafV1Size);
  out.push_back(static_cast<char>(kLeafVersion1));
  out.push_back(static_cast<char>(leaf.kind));
  AppendBigEndian<uint64_t>(out, leaf.integrated_time_micros);
  out.append(leaf.key_id.AsBytes().data(), kKeyIdSize);
  out.append(reinterpret_cast<const char*>(leaf.commitment.data()), kHashSize);
  return out;
}

absl::StatusOr<Leaf> DecodeLeaf(absl::string_view bytes) {
  if (bytes.size() != kLeafV1Size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf: got ", bytes.size(), " bytes, want ", kLeafV1Size));
  }
  if (static_cast<uint8_t>(bytes[0]) != kLeafVersion1) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf: version ", static_cast<int>(static_cast<uint8_t>(bytes[0])),
                     " is not supported (want 1)"));
  }
  if (!IsKnownEntryKind(static_cast<uint8_t>(bytes[1]))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leaf: unknown entry kind ", static_cast<int>(static_cast<uint8_t>(bytes[1]))));
  }
  Leaf leaf;
  leaf.kind = static_cast<EntryKind>(bytes[1]);
  leaf.integrated_time_micros = ReadBigEndian<uint64_t>(bytes.data() + 2);
  std::copy(bytes.begin() + 10, bytes.begin() + 26, leaf.key_id.bytes.begin());
  std::copy(bytes.begin() + 26, bytes.end(), leaf.commitment.begin());
  return leaf;
}

}  // namespace lineage
