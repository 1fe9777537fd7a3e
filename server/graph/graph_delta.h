// What one commit group changed in the lineage graph: the new nodes, new
// edges, declared-classification rises and owner changes, in log order. The indexer builds
// it while filling the batch; the in-memory graph applies it after commit.
#ifndef LINEAGE_SERVER_GRAPH_GRAPH_DELTA_H_
#define LINEAGE_SERVER_GRAPH_GRAPH_DELTA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lineage/v1/lineage.pb.h"

namespace lineage {

struct GraphDelta {
  struct NewNode {
    uint64_t id;
    v1::NodeKind kind;
    std::string ns;
    uint64_t first_log_index;
  };
  struct NewEdge {
    uint64_t from;
    v1::EdgeKind kind;
    uint64_t to;
    uint64_t log_index;
  };
  struct TierRaise {
    uint64_t id;
    v1::Classification tier;
    uint64_t log_index;
  };
  // A new winning value of a node's "owner" property (deletion impact
  // answers each node's owner without reading its record).
  struct OwnerChange {
    uint64_t id;
    std::string owner;
    uint64_t log_index;
  };
  // Items in the order they happened (log order, then plan order).
  struct Item {
    enum class Type { kNode, kEdge, kTier, kOwner } type;
    size_t position;  // Into the vector of its type.
  };

  std::vector<NewNode> nodes;
  std::vector<NewEdge> edges;
  std::vector<TierRaise> tiers;
  std::vector<OwnerChange> owners;
  std::vector<Item> order;

  void AddNode(NewNode n) {
    order.push_back({Item::Type::kNode, nodes.size()});
    nodes.push_back(std::move(n));
  }
  void AddEdge(NewEdge e) {
    order.push_back({Item::Type::kEdge, edges.size()});
    edges.push_back(e);
  }
  void AddTier(TierRaise t) {
    order.push_back({Item::Type::kTier, tiers.size()});
    tiers.push_back(t);
  }
  void AddOwner(OwnerChange o) {
    order.push_back({Item::Type::kOwner, owners.size()});
    owners.push_back(std::move(o));
  }
  bool empty() const { return order.empty(); }
  void Clear() {
    nodes.clear();
    edges.clear();
    tiers.clear();
    owners.clear();
    order.clear();
  }
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_GRAPH_DELTA_H_
