// What an integrity check found wrong, and where: one IntegrityFinding per
// damaged record, collected by a FindingSink that keeps the first N and
// counts them all.
//
//   findings.Add({.column = "leaves", .key = "index 42", .index = 42,
//                 .problem = "leaf does not commit to the stored entry",
//                 .expected = HashToHex(recomputed), .got = HashToHex(leaf.commitment)});
//
// Thread-safety: not thread-safe; one check owns one sink.
#ifndef LINEAGE_SERVER_LEDGER_INTEGRITY_FINDING_H_
#define LINEAGE_SERVER_LEDGER_INTEGRITY_FINDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lineage {

struct IntegrityFinding {
  // The column family (as in docs/formats.md §7), or "files" for damage
  // RocksDB itself detects in an SST file.
  std::string column;
  // The record's key, readable: "index 42", "level 3 index 5",
  // "acme.ml/fraud\0event-7", a key ID in hex, or a file name.
  std::string key;
  // The log index concerned, when there is one.
  std::optional<uint64_t> index;
  // What is wrong, in words.
  std::string problem;
  // What the replay of the log says the value should be, and what is
  // stored (hex for hashes, "" when it does not apply).
  std::string expected;
  std::string got;

  // "leaves[index 42] (log index 42): <problem>: expected <e>, got <g>".
  std::string ToString() const;
};

class FindingSink {
 public:
  explicit FindingSink(size_t max_kept) : max_kept_(max_kept) {}

  void Add(IntegrityFinding finding);

  // Every finding added, kept or not.
  uint64_t count() const { return count_; }
  // The first max_kept findings, in the order they were found.
  const std::vector<IntegrityFinding>& kept() const { return kept_; }
  std::vector<IntegrityFinding> TakeKept() { return std::move(kept_); }

 private:
  size_t max_kept_;
  uint64_t count_ = 0;
  std::vector<IntegrityFinding> kept_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_LEDGER_INTEGRITY_FINDING_H_
