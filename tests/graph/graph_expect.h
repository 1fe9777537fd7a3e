// Comparisons of LineageService answers with the ReferenceGraph, shared by
// the graph tests. Each adds gtest failures naming the node or edge that
// differs (by natural key), with `context` saying which query it was.
#ifndef LINEAGE_TESTS_GRAPH_GRAPH_EXPECT_H_
#define LINEAGE_TESTS_GRAPH_GRAPH_EXPECT_H_

#include <set>
#include <string>
#include <vector>

#include "tests/graph/graph_client.h"
#include "tests/graph/graph_ledger.h"
#include "tests/graph/reference_graph.h"

namespace lineage::testing {

// The request a reference spec stands for (start nodes by ID).
v1::TraverseRequest ToRequest(const GraphLedger& ledger, const ReferenceGraph::TraverseSpec& spec);

// A complete traversal (no node limit reached) against the reference.
void ExpectTraversal(const GraphLedger& ledger, const ReferenceGraph::TraverseSpec& spec,
                     const GraphClient::Traversal& got, const std::string& context);

// Trace from `target` with the default edge kinds and max_paths.
void ExpectTrace(const GraphLedger& ledger, const std::string& target, uint32_t max_paths,
                 const v1::TraceResponse& got, const std::string& context);

// Deletion impact from the dataset versions `sources` (already resolved).
void ExpectImpact(const GraphLedger& ledger, const std::set<std::string>& sources,
                  const GraphClient::Impact& got, const std::string& context);

// Every node (FULL view, as SearchNodes returns them) and every edge of the
// graph against the reference; `compare_order_dependent` also checks
// first_log_index, first_seen and first-mention names.
void ExpectWholeGraph(GraphLedger& ledger, bool compare_order_dependent,
                      const std::string& context);

// "<natural key>@<depth>" for each node, in order.
std::vector<std::string> KeyDepths(const GraphLedger& ledger, const std::vector<v1::Node>& nodes);

// The nodes of a graph as a comparable text, one line per node, by natural
// key, without what depends on arrival order (IDs, indices, first seen).
std::string SemanticNodes(const std::vector<v1::Node>& nodes);

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_GRAPH_EXPECT_H_
