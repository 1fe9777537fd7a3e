// Access to tests/testdata/merkle-vectors.json and hex helpers for tests.
//
// The file is parsed once per process into the proto mirror of its JSON
// (tests/testdata/merkle_vectors.proto). Hashes in it are lowercase hex.
//
// Thread-safety: Vectors() is safe to call concurrently (static init).
#ifndef LINEAGE_TESTS_CRYPTO_TEST_VECTORS_H_
#define LINEAGE_TESTS_CRYPTO_TEST_VECTORS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/hash.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "tests/testdata/merkle_vectors.pb.h"

namespace lineage {

// The parsed vectors file. Aborts with a message if it cannot be read or
// parsed: no test in this binary means anything without it.
const testing::MerkleVectors& Vectors();

// Parses the vectors file text; exposed so the parser itself can be tested.
absl::StatusOr<testing::MerkleVectors> ParseVectors(const std::string& json);

// Strict hex decoding (even length, [0-9a-fA-F] only); nullopt otherwise.
std::optional<std::string> HexToBytes(absl::string_view hex);

// Hex that the vectors file promises is valid: records a test failure and
// returns "" (or a zero hash) if it is not.
std::string MustHexToBytes(absl::string_view hex);
Hash MustHash(absl::string_view hex);
std::vector<Hash> MustHashes(const google::protobuf::RepeatedPtrField<std::string>& hex);

// Lowercase hex of each hash, for readable comparisons in assertions.
std::vector<std::string> HashesToHex(const std::vector<Hash>& hashes);

// The root of the 8-leaf reference tree at `size` (0..8), from `roots`.
Hash VectorRoot(uint64_t size);

// The 8 reference leaves, as bytes.
std::vector<std::string> VectorLeaves();

}  // namespace lineage

#endif  // LINEAGE_TESTS_CRYPTO_TEST_VECTORS_H_
