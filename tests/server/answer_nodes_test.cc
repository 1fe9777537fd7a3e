// MergeNamedNodes against the plain reference it replaced: a reflective
// walk of every field into an ordered set, on random requests and answers
// (dense and sparse IDs, duplicates, many namespaces, many pages).
#include "server/service/answer_nodes.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "lineage/v1/lineage.pb.h"

namespace lineage {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The reference: what the access record held before MergeNamedNodes.
void ReferenceCollect(const Message& m, int depth, std::set<uint64_t>& nodes,
                      std::set<std::string>& namespaces) {
  if (depth > 8) return;
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string& name = f->name();
    const bool node_field = name == "node_id" || name == "from_node_id" || name == "to_node_id" ||
                            name == "source_node_id" || name == "node_ids" ||
                            name == "witness_path" || name == "witness_predecessor" ||
                            name == "source_node_ids" || name == "witness_predecessors";
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_UINT64 && node_field) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) nodes.insert(r->GetRepeatedUInt64(m, f, i));
      } else if (r->GetUInt64(m, f) != 0) {
        nodes.insert(r->GetUInt64(m, f));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && !f->is_repeated() &&
               (name == "namespace" || name == "namespace_prefix")) {
      const std::string ns = r->GetString(m, f);
      if (!ns.empty() && namespaces.size() < 100) namespaces.insert(ns);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map()) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          ReferenceCollect(r->GetRepeatedMessage(m, f, i), depth + 1, nodes, namespaces);
        }
      } else {
        ReferenceCollect(r->GetMessage(m, f), depth + 1, nodes, namespaces);
      }
    }
  }
}

void ReferenceMerge(v1::AccessRecord& record, const Message& m) {
  std::set<uint64_t> nodes;
  std::set<std::string> namespaces(record.namespaces().begin(), record.namespaces().end());
  ReferenceCollect(m, 0, nodes, namespaces);
  std::set<uint64_t> recorded(record.node_ids().begin(), record.node_ids().end());
  for (uint64_t id : nodes) {
    if (recorded.insert(id).second) {
      record.set_nodes_answered(record.nodes_answered() + 1);
      if (record.node_ids_size() < 1000) record.add_node_ids(id);
    }
  }
  record.clear_namespaces();
  for (const std::string& ns : namespaces) record.add_namespaces(ns);
}

class AnswerNodesTest : public ::testing::Test {
 protected:
  // Dense IDs most of the time, now and then a far or zero one.
  uint64_t Id(uint64_t base, uint64_t spread) {
    const int dice = static_cast<int>(rng_() % 100);
    if (dice == 0) return 0;
    if (dice == 1) return (uint64_t{1} << 40) + rng_() % 1000;
    return base + rng_() % spread;
  }
  void FillNode(v1::Node& n, uint64_t base, uint64_t spread, int namespaces) {
    n.set_node_id(Id(base, spread));
    n.set_kind(v1::NODE_KIND_RUN);
    n.set_depth(static_cast<uint32_t>(rng_() % 10));
    if (namespaces > 0 && rng_() % 2 == 0) {
      n.set_namespace_(absl::StrCat("ns", rng_() % namespaces));
    }
    if (rng_() % 4 == 0) n.mutable_properties()->set_owner("team");
  }
  v1::TraverseResponse TraversePage(uint64_t base, uint64_t spread, int nodes, int namespaces) {
    v1::TraverseResponse page;
    for (int i = 0; i < nodes; ++i) FillNode(*page.add_nodes(), base, spread, namespaces);
    for (int i = 0; i < nodes / 3; ++i) {
      v1::Edge* e = page.add_edges();
      e->set_from_node_id(Id(base, spread));
      e->set_to_node_id(Id(base, spread));
    }
    if (rng_() % 2 == 0) {  // ANSWER_LAYOUT_COLUMNS.
      for (int i = 0; i < nodes; ++i) {
        page.mutable_columns()->add_node_ids(Id(base, spread));
        page.mutable_columns()->add_kinds(v1::NODE_KIND_RUN);
        page.mutable_columns()->add_depths(static_cast<uint32_t>(rng_() % 10));
      }
    }
    page.set_done(rng_() % 2 == 0);
    return page;
  }
  v1::DeletionImpactResponse ImpactPage(uint64_t base, uint64_t spread, int nodes) {
    v1::DeletionImpactResponse page;
    for (int i = 0; i < 3; ++i) FillNode(*page.add_sources(), base, spread, 5);
    for (int i = 0; i < nodes; ++i) {
      v1::ImpactedNode* n = rng_() % 2 == 0 ? page.add_runs() : page.add_dataset_versions();
      if (rng_() % 10 != 0) FillNode(*n->mutable_node(), base, spread, 5);
      n->set_owner("owner");
      n->set_source_node_id(Id(base, spread));
      const int len = static_cast<int>(rng_() % 20);
      for (int j = 0; j < len; ++j) n->add_witness_path(Id(base, spread));
      if (rng_() % 3 != 0) n->set_witness_predecessor(Id(base, spread));
    }
    if (rng_() % 2 == 0) {  // ANSWER_LAYOUT_COLUMNS.
      v1::ImpactColumns& columns = *page.mutable_impacted();
      columns.add_owner_names("owner");
      for (int i = 0; i < nodes; ++i) {
        columns.mutable_nodes()->add_node_ids(Id(base, spread));
        columns.add_owner_indexes(0);
        columns.add_source_node_ids(Id(base, spread));
        columns.add_witness_predecessors(Id(base, spread));
      }
    }
    return page;
  }

  std::mt19937_64 rng_{20261122};
};

void ExpectSameMerge(v1::AccessRecord& fast, v1::AccessRecord& reference, const Message& m) {
  MergeNamedNodes(fast, m);
  ReferenceMerge(reference, m);
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(reference, fast)) << diff;
}

TEST_F(AnswerNodesTest, TraversePagesMatchTheReference) {
  for (int trial = 0; trial < 40; ++trial) {
    v1::AccessRecord fast, reference;
    fast.add_node_ids(5);  // Named by the request.
    reference.add_node_ids(5);
    const uint64_t base = rng_() % 100000;
    const uint64_t spread = trial % 3 == 0 ? 50 : (trial % 3 == 1 ? 5000 : 10000000);
    for (int page = 0; page < 4; ++page) {
      ExpectSameMerge(fast, reference,
                      TraversePage(base, spread, static_cast<int>(rng_() % 1500), trial % 2 ? 300 : 3));
    }
  }
}

TEST_F(AnswerNodesTest, ImpactPagesMatchTheReference) {
  for (int trial = 0; trial < 20; ++trial) {
    v1::AccessRecord fast, reference;
    const uint64_t spread = trial % 2 == 0 ? 2000 : 100000000;
    for (int page = 0; page < 3; ++page) {
      ExpectSameMerge(fast, reference, ImpactPage(1000, spread, static_cast<int>(rng_() % 800)));
    }
  }
}

TEST_F(AnswerNodesTest, RequestsAndTracesMatchTheReference) {
  v1::AccessRecord fast, reference;
  v1::TraverseRequest request;
  request.add_start()->set_node_id(77);
  request.add_start()->set_namespace_("prod");
  request.add_stop_at()->set_namespace_prefix("raw/");
  ExpectSameMerge(fast, reference, request);
  v1::TraceResponse trace;
  FillNode(*trace.mutable_target(), 1, 100, 4);
  for (int p = 0; p < 50; ++p) {
    v1::LineagePath* path = trace.add_paths();
    for (int j = 0; j < 30; ++j) path->add_node_ids(Id(1, 3000));
    v1::Edge* e = path->add_edges();
    e->set_from_node_id(Id(1, 3000));
    e->set_to_node_id(Id(1, 3000));
  }
  for (int i = 0; i < 500; ++i) FillNode(*trace.add_nodes(), 1, 3000, 4);
  ExpectSameMerge(fast, reference, trace);
}

TEST(CountNewIdsTest, CountsDistinctUnknownAndListsTheSmallest) {
  std::vector<uint64_t> ids = {9, 3, 3, 7, 1, 9, 12};
  std::vector<uint64_t> smallest;
  EXPECT_EQ(CountNewIds(ids, {3, 100}, 2, smallest), 4u);  // 1, 7, 9, 12.
  EXPECT_EQ(smallest, (std::vector<uint64_t>{1, 7}));
  std::vector<uint64_t> sparse = {uint64_t{1} << 50, 2, uint64_t{1} << 50, 1};
  smallest.clear();
  EXPECT_EQ(CountNewIds(sparse, {1}, 10, smallest), 2u);
  EXPECT_EQ(smallest, (std::vector<uint64_t>{2, uint64_t{1} << 50}));
  // A few IDs a million apart: the bitmap path (at most 1 MiB).
  std::vector<uint64_t> spread = {1, 1000000, 500000, 1, 3, 7000000};
  smallest.clear();
  EXPECT_EQ(CountNewIds(spread, {3}, 3, smallest), 4u);
  EXPECT_EQ(smallest, (std::vector<uint64_t>{1, 500000, 1000000}));
  std::vector<uint64_t> none;
  EXPECT_EQ(CountNewIds(none, {}, 10, smallest), 0u);
}

}  // namespace
}  // namespace lineage
