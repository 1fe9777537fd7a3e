#include "server/graph/visit_map.h"

namespace lineage {

uint32_t VisitMap::Find(uint64_t id) const {
  if (id >= kDenseLimit) {
    auto it = far_.find(id);
    return it == far_.end() ? kNone : it->second - 1;
  }
  const uint64_t page = id >> kPageBits;
  if (page >= pages_.size() || pages_[page] == nullptr) return kNone;
  return pages_[page][id & ((uint64_t{1} << kPageBits) - 1)] - 1;  // 0 - 1 is kNone.
}

std::pair<uint32_t, bool> VisitMap::Insert(uint64_t id, uint32_t index) {
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
  if (*slot != 0) return {*slot - 1, false};
  *slot = index + 1;
  ++size_;
  return {index, true};
}

}  // namespace lineage
