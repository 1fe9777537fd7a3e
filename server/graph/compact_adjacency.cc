#include "server/graph/compact_adjacency.h"

namespace lineage {

CompactAdjacency::Builder::Builder(uint64_t size, uint64_t node_count, uint64_t out_edges_hint,
                                   uint64_t in_edges_hint)
    : adjacency_(new CompactAdjacency()) {
  adjacency_->size_ = size;
  adjacency_->out_rows_.reserve(node_count + 1);
  adjacency_->in_rows_.reserve(node_count + 1);
  adjacency_->out_edges_.reserve(out_edges_hint);
  adjacency_->in_edges_.reserve(in_edges_hint);
  adjacency_->dirty_.assign(node_count / 64 + 1, 0);
}

void CompactAdjacency::Builder::AddNode(uint8_t kind, bool same_as, bool absent) {
  const uint8_t flags = (same_as ? kFlagSameAs : 0) | (absent ? kFlagAbsent : 0);
  CompactAdjacency& a = *adjacency_;
  a.out_rows_.push_back({static_cast<uint32_t>(a.out_edges_.size()), kind, flags, 0});
  a.in_rows_.push_back({static_cast<uint32_t>(a.in_edges_.size()), kind, flags, 0});
  ++a.node_count_;
  if (a.node_count_ / 64 >= a.dirty_.size()) a.dirty_.resize(a.node_count_ / 64 + 1, 0);
}

void CompactAdjacency::Builder::MarkLastDirty() {
  adjacency_->MarkDirty(adjacency_->node_count_ - 1);
}

std::unique_ptr<CompactAdjacency> CompactAdjacency::Builder::Finish() {
  CompactAdjacency& a = *adjacency_;
  const uint8_t absent = kFlagAbsent;
  a.out_rows_.push_back({static_cast<uint32_t>(a.out_edges_.size()), 0, absent, 0});
  a.in_rows_.push_back({static_cast<uint32_t>(a.in_edges_.size()), 0, absent, 0});
  a.out_rows_.shrink_to_fit();
  a.in_rows_.shrink_to_fit();
  a.out_edges_.shrink_to_fit();
  a.in_edges_.shrink_to_fit();
  return std::move(adjacency_);
}

size_t CompactAdjacency::bytes() const {
  return (out_rows_.capacity() + in_rows_.capacity()) * sizeof(Row) +
         (out_edges_.capacity() + in_edges_.capacity()) * sizeof(uint32_t) +
         dirty_.capacity() * sizeof(uint64_t);
}

uint64_t CompactAdjacency::dirty_count() const {
  uint64_t n = 0;
  for (uint64_t word : dirty_) n += __builtin_popcountll(word);
  return n;
}

}  // namespace lineage
