// ChunkedVector: a growable array whose elements never move. They live in
// chunks of 2^kChunkBits elements, so growing allocates new chunks and
// copies nothing: a std::vector of a million 64-byte graph nodes took 140 ms
// to grow (moving every node), a stall every append waiting on the log
// writer saw. References stay valid across growth, and indexing is one more
// load (the chunk table is small enough to stay in cache).
//
//   ChunkedVector<Node> nodes;
//   nodes.GrowTo(id + 1);
//   nodes[id].kind = ...;
//
// Thread-safety: like std::vector (the caller synchronises).
#ifndef LINEAGE_SERVER_GRAPH_CHUNKED_VECTOR_H_
#define LINEAGE_SERVER_GRAPH_CHUNKED_VECTOR_H_

#include <cstddef>
#include <memory>
#include <vector>

namespace lineage {

template <typename T, int kChunkBits = 14>
class ChunkedVector {
 public:
  static constexpr size_t kChunkSize = size_t{1} << kChunkBits;

  size_t size() const { return size_; }
  T& operator[](size_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }

  // Makes size() at least `n`; new elements are value-initialised. Never
  // shrinks.
  void GrowTo(size_t n) {
    while (chunks_.size() * kChunkSize < n) chunks_.push_back(std::make_unique<T[]>(kChunkSize));
    if (n > size_) size_ = n;
  }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_CHUNKED_VECTOR_H_
