#include "crypto/merkle_verify.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "crypto/merkle_hash.h"

namespace lineage {
namespace {

// After hashing on the right, RFC 9162 shifts until fn has its low bit set
// or is zero.
void SkipRightBorder(uint64_t& fn, uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

absl::StatusOr<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                            absl::Span<const Hash> proof) {
  if (index >= size) {
    return absl::InvalidArgumentError(
        absl::StrCat("leaf index ", index, " is not in a tree of size ", size));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (size_t i = 0; i < proof.size(); ++i) {
    if (sn == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "inclusion proof for index ", index, " in size ", size, ": got ", proof.size(),
          " hashes, want ", i));
    }
    if ((fn & 1) != 0 || fn == sn) {
      r = HashChildren(proof[i], r);
      SkipRightBorder(fn, sn);
    } else {
      r = HashChildren(r, proof[i]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat("inclusion proof for index ", index,
                                                   " in size ", size, ": got ", proof.size(),
                                                   " hashes, too few"));
  }
  return r;
}

absl::Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                             absl::Span<const Hash> proof, const Hash& root) {
  absl::StatusOr<Hash> computed = RootFromInclusionProof(index, size, leaf_hash, proof);
  if (!computed.ok()) return computed.status();
  if (!ConstantTimeEquals(HashBytes(*computed), HashBytes(root))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "inclusion proof for index ", index, " in size ", size, " leads to root ",
        HashToHex(*computed), ", want ", HashToHex(root)));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, absl::Span<const Hash> proof,
                               const Hash& root1, const Hash& root2) {
  if (size1 == 0) {
    return absl::InvalidArgumentError("consistency from size 0 is not verifiable (want size1 >= 1)");
  }
  if (size1 > size2) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency from size ", size1, " to smaller size ", size2));
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency between equal sizes: got ", proof.size(),
                       " hashes, want 0"));
    }
    if (!ConstantTimeEquals(HashBytes(root1), HashBytes(root2))) {
      return absl::FailedPreconditionError(
          absl::StrCat("two different roots for the same size ", size1, ": ", HashToHex(root1),
                       " and ", HashToHex(root2)));
    }
    return absl::OkStatus();
  }
  if (proof.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency from ", size1, " to ", size2, ": empty proof"));
  }
  // When size1 is a power of two, the old root is itself a node of the new
  // tree and RFC 9162 omits it from the proof.
  const bool old_is_complete = std::has_single_bit(size1);
  size_t next = 0;
  Hash fr = old_is_complete ? root1 : proof[next++];
  Hash sr = fr;
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  for (; next < proof.size(); ++next) {
    if (sn == 0) {
      return absl::InvalidArgumentError(absl::StrCat("consistency from ", size1, " to ", size2,
                                                     ": got ", proof.size(),
                                                     " hashes, too many"));
    }
    const Hash& c = proof[next];
    if ((fn & 1) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      SkipRightBorder(fn, sn);
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat("consistency from ", size1, " to ", size2,
                                                   ": got ", proof.size(),
                                                   " hashes, too few"));
  }
  if (!ConstantTimeEquals(HashBytes(fr), HashBytes(root1))) {
    return absl::FailedPreconditionError(
        absl::StrCat("consistency proof leads to old root ", HashToHex(fr), ", want ",
                     HashToHex(root1)));
  }
  if (!ConstantTimeEquals(HashBytes(sr), HashBytes(root2))) {
    return absl::FailedPreconditionError(
        absl::StrCat("consistency proof leads to new root ", HashToHex(sr), ", want ",
                     HashToHex(root2)));
  }
  return absl::OkStatus();
}

}  // namespace lineage
