#include "tests/crypto/test_vectors.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace lineage {

absl::StatusOr<testing::MerkleVectors> ParseVectors(const std::string& json) {
  testing::MerkleVectors vectors;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  google::protobuf::util::Status status =
      google::protobuf::util::JsonStringToMessage(json, &vectors, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("merkle-vectors.json: ", status.ToString()));
  }
  return vectors;
}

const testing::MerkleVectors& Vectors() {
  static const testing::MerkleVectors* vectors = [] {
    const std::string path = std::string(LINEAGE_TESTDATA_DIR) + "/merkle-vectors.json";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot open %s\n", path.c_str());
      std::abort();
    }
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<testing::MerkleVectors> parsed = ParseVectors(text.str());
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", parsed.status().ToString().c_str());
      std::abort();
    }
    return new testing::MerkleVectors(*std::move(parsed));
  }();
  return *vectors;
}

std::optional<std::string> HexToBytes(absl::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return absl::HexStringToBytes(hex);
}

std::string MustHexToBytes(absl::string_view hex) {
  std::optional<std::string> bytes = HexToBytes(hex);
  if (!bytes.has_value()) {
    ADD_FAILURE() << "vectors file: not hex: \"" << hex << "\"";
    return "";
  }
  return *bytes;
}

Hash MustHash(absl::string_view hex) {
  absl::StatusOr<Hash> hash = HashFromBytes(MustHexToBytes(hex), "vector hash");
  if (!hash.ok()) {
    ADD_FAILURE() << hash.status();
    return Hash{};
  }
  return *hash;
}

std::vector<Hash> MustHashes(const google::protobuf::RepeatedPtrField<std::string>& hex) {
  std::vector<Hash> out;
  for (const std::string& h : hex) out.push_back(MustHash(h));
  return out;
}

std::vector<std::string> HashesToHex(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const Hash& h : hashes) out.push_back(HashToHex(h));
  return out;
}

Hash VectorRoot(uint64_t size) {
  const auto& roots = Vectors().roots();
  auto it = roots.find(absl::StrCat(size));
  if (it == roots.end()) {
    ADD_FAILURE() << "vectors file has no root for size " << size;
    return Hash{};
  }
  return MustHash(it->second);
}

std::vector<std::string> VectorLeaves() {
  std::vector<std::string> out;
  for (const std::string& hex : Vectors().leaves_hex()) out.push_back(MustHexToBytes(hex));
  return out;
}

}  // namespace lineage
