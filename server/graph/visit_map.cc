#include "server/graph/visit_map.h"

#include <cstdio>
#include <cstdlib>

namespace lineage {

uint32_t VisitMap::Slot(uint64_t id) const {
  if (id >= kDenseLimit) {
    auto it = far_.find(id);
    return it == far_.end() ? 0 : it->second;
  }
  const uint64_t page = id >> kPageBits;
  if (page >= pages_.size() || pages_[page] == nullptr) return 0;
  return pages_[page][id & ((uint64_t{1} << kPageBits) - 1)];
}

const Visit* VisitMap::find(uint64_t id) const {
  const uint32_t slot = Slot(id);
  return slot == 0 ? nullptr : &at_index(slot - 1).visit;
}

const Visit& VisitMap::at(uint64_t id) const {
  const Visit* visit = find(id);
  if (visit == nullptr) {
    std::fprintf(stderr, "VisitMap::at: node %llu was not reached\n",
                 static_cast<unsigned long long>(id));
    std::abort();
  }
  return *visit;
}

bool VisitMap::HasNext(uint64_t id) const {
  const uint32_t slot = Slot(id);
  return slot != 0 && at_index(slot - 1).has_next;
}

v1::NodeKind VisitMap::NodeKind(uint64_t id) const {
  const uint32_t slot = Slot(id);
  return slot == 0 ? v1::NODE_KIND_UNSPECIFIED
                   : static_cast<v1::NodeKind>(at_index(slot - 1).node_kind);
}

std::pair<Visit*, bool> VisitMap::TryEmplace(uint64_t id) {
  uint32_t* slot;
  if (id >= kDenseLimit) {
    slot = &far_[id];
  } else {
    if (id / 64 >= reached_.size()) reached_.resize(id / 64 + 1);
    reached_[id / 64] |= uint64_t{1} << (id % 64);
    const uint64_t page = id >> kPageBits;
    if (page >= pages_.size()) pages_.resize(page + 1);
    if (pages_[page] == nullptr) pages_[page].reset(new uint32_t[uint64_t{1} << kPageBits]());
    slot = &pages_[page][id & ((uint64_t{1} << kPageBits) - 1)];
  }
  if (*slot != 0) return {&at_index(*slot - 1).visit, false};
  if (const auto [chunk, offset] = ChunkOf(size_); static_cast<size_t>(chunk) == chunks_.size()) {
    chunks_.emplace_back(new Entry[size_t{1} << (chunk + kFirstChunkBits)]);
  }
  Entry& e = at_index(size_);
  ++size_;
  *slot = size_;
  return {&e.visit, true};
}

}  // namespace lineage
