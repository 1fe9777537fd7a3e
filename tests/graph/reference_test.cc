// The lineage graph on real RocksDB against a naive in-memory reference
// (tests/graph/reference_graph.h): random layered pipelines, with and
// without cycles, served from the in-memory index and from RocksDB only.
#include <map>
#include <random>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lineage/v1/audit.grpc.pb.h"
#include "server/service/answer_nodes.h"
#include "tests/graph/graph_expect.h"
#include "tests/graph/graph_ledger.h"
#include "tests/graph/pipeline_generator.h"

namespace lineage {
namespace {

using ::lineage::testing::ExpectImpact;
using ::lineage::testing::ExpectTrace;
using ::lineage::testing::ExpectTraversal;
using ::lineage::testing::ExpectWholeGraph;
using ::lineage::testing::GraphClient;
using ::lineage::testing::GraphLedger;
using ::lineage::testing::PipelineNamespaces;
using ::lineage::testing::RandomPipeline;
using ::lineage::testing::RandomPipelineOptions;
using ::lineage::testing::ReferenceGraph;

struct Mode {
  bool in_memory;
  bool cycles;
};

std::string ModeName(const ::testing::TestParamInfo<Mode>& info) {
  return absl::StrCat(info.param.in_memory ? "Memory" : "RocksDb",
                      info.param.cycles ? "Cycles" : "Dag");
}

// One ledger per mode, shared by the tests (they only read it).
class ReferenceTest : public ::testing::TestWithParam<Mode> {
 protected:
  static void TearDownTestSuite() { Ledgers().clear(); }

  void SetUp() override {
    std::unique_ptr<GraphLedger>& shared = Ledgers()[ModeName({GetParam(), 0})];
    if (shared == nullptr) {
      auto ledger = std::make_unique<GraphLedger>(GetParam().in_memory);
      ASSERT_TRUE(ledger->Start().ok());
      RandomPipelineOptions options;
      options.seed = GetParam().cycles ? 202 : 101;
      options.runs = 90;
      options.back_edges = GetParam().cycles ? 8 : 0;
      ASSERT_TRUE(ledger->Append(RandomPipeline(options), /*batch=*/16).ok());
      ASSERT_TRUE(ledger->LoadKeys().ok());
      shared = std::move(ledger);
    }
    ledger_ = shared.get();
    for (const auto& [key, node] : ledger_->reference().nodes()) keys_.push_back(key);
  }

  static std::map<std::string, std::unique_ptr<GraphLedger>>& Ledgers() {
    static auto* ledgers = new std::map<std::string, std::unique_ptr<GraphLedger>>();
    return *ledgers;
  }

  const std::string& RandomKey() { return keys_[rng_() % keys_.size()]; }
  std::string RandomKeyOf(v1::NodeKind kind) {
    std::vector<std::string> of = ledger_->reference().KeysOfKind(kind);
    return of.empty() ? RandomKey() : of[rng_() % of.size()];
  }
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }

  // A random traversal: 1-3 start nodes, a direction, and sometimes a
  // depth limit, edge and node kind filters, a stop condition, a minimum
  // effective classification.
  ReferenceGraph::TraverseSpec RandomSpec() {
    ReferenceGraph::TraverseSpec spec;
    for (int i = 0, n = 1 + Pick(3); i < n; ++i) spec.start.push_back(RandomKey());
    spec.upstream = Pick(2) == 0;
    if (Pick(3) == 0) spec.max_depth = 1 + Pick(4);
    if (Pick(3) == 0) {
      for (int k = v1::EDGE_KIND_INPUT_TO; k <= v1::EDGE_KIND_EXECUTES; ++k) {
        if (Pick(2) == 0) spec.edge_kinds.insert(static_cast<v1::EdgeKind>(k));
      }
    }
    if (Pick(3) == 0) {
      for (int k = v1::NODE_KIND_DATASET; k <= v1::NODE_KIND_DEPLOYMENT; ++k) {
        if (Pick(2) == 0) spec.node_kinds.insert(static_cast<v1::NodeKind>(k));
      }
    }
    if (Pick(4) == 0) {
      const v1::NodeKind kind = static_cast<v1::NodeKind>(Pick(8));
      const std::string prefix =
          Pick(2) == 0 ? std::string(PipelineNamespaces()[Pick(5)]) : std::string("acme.");
      spec.stop_at.push_back({kind, prefix});
    }
    if (Pick(4) == 0) spec.min_effective = static_cast<v1::Classification>(1 + Pick(4));
    spec.include_start = Pick(2) == 0;
    return spec;
  }

  GraphLedger* ledger_ = nullptr;
  std::vector<std::string> keys_;
  std::mt19937 rng_{7};
};

TEST_P(ReferenceTest, NodesPropertiesAndEdgesMatchTheReference) {
  ExpectWholeGraph(*ledger_, /*compare_order_dependent=*/true, "whole graph");
}

TEST_P(ReferenceTest, TraversalsMatchTheReference) {
  for (int i = 0; i < 60; ++i) {
    const ReferenceGraph::TraverseSpec spec = RandomSpec();
    v1::TraverseRequest request = ToRequest(*ledger_, spec);
    request.set_page_size(1 + Pick(40));  // Several pages, most of the time.
    absl::StatusOr<GraphClient::Traversal> got = ledger_->graph().Traverse(request);
    ASSERT_TRUE(got.ok()) << got.status();
    const std::string context = absl::StrCat("traversal ", i, ": ", request.ShortDebugString());
    ExpectTraversal(*ledger_, spec, *got, context);

    // Columns: the same nodes, kinds and depths in the same order, and the
    // same edges and summary, as messages of the ID view.
    request.set_view(v1::NODE_VIEW_ID);
    absl::StatusOr<GraphClient::Traversal> messages = ledger_->graph().Traverse(request);
    request.set_layout(v1::ANSWER_LAYOUT_COLUMNS);
    absl::StatusOr<GraphClient::Traversal> columns = ledger_->graph().Traverse(request);
    ASSERT_TRUE(messages.ok()) << messages.status();
    ASSERT_TRUE(columns.ok()) << columns.status();
    EXPECT_TRUE(columns->columns) << context;
    EXPECT_FALSE(messages->columns) << context;
    ASSERT_EQ(columns->nodes.size(), messages->nodes.size()) << context;
    for (size_t k = 0; k < columns->nodes.size(); ++k) {
      ASSERT_EQ(columns->nodes[k].ShortDebugString(), messages->nodes[k].ShortDebugString())
          << context << ": node " << k;
    }
    ASSERT_EQ(columns->edges.size(), messages->edges.size()) << context;
    for (size_t k = 0; k < columns->edges.size(); ++k) {
      EXPECT_EQ(columns->edges[k].ShortDebugString(), messages->edges[k].ShortDebugString())
          << context << ": edge " << k;
    }
    EXPECT_EQ(columns->last.ShortDebugString(), messages->last.ShortDebugString()) << context;
    EXPECT_EQ(columns->pages, messages->pages) << context;
  }
}

TEST_P(ReferenceTest, ColumnsRefuseWhatTheyCannotHold) {
  const std::string start = RandomKeyOf(v1::NODE_KIND_DATASET_VERSION);
  v1::TraverseRequest traverse;
  *traverse.add_start() = testing::ById(ledger_->IdOf(start));
  traverse.set_direction(v1::DIRECTION_DOWNSTREAM);
  traverse.set_layout(v1::ANSWER_LAYOUT_COLUMNS);
  traverse.set_view(v1::NODE_VIEW_FULL);
  absl::Status status = ledger_->graph().Traverse(traverse).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("NODE_VIEW_ID"));
  traverse.set_view(v1::NODE_VIEW_UNSPECIFIED);
  traverse.set_layout(static_cast<v1::AnswerLayout>(9));
  status = ledger_->graph().Traverse(traverse).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("layout"));
  traverse.set_layout(v1::ANSWER_LAYOUT_COLUMNS);  // With no view: the ID view.
  EXPECT_TRUE(ledger_->graph().Traverse(traverse).ok());

  v1::DeletionImpactRequest impact;
  *impact.add_sources() = testing::ById(ledger_->IdOf(start));
  impact.set_layout(v1::ANSWER_LAYOUT_COLUMNS);
  impact.set_witness(v1::WITNESS_FORM_FULL_PATH);
  status = ledger_->graph().DeletionImpact(impact).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("witness"));
  impact.set_witness(v1::WITNESS_FORM_UNSPECIFIED);
  impact.set_view(v1::NODE_VIEW_BASIC);
  status = ledger_->graph().DeletionImpact(impact).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("view"));
  impact.set_view(v1::NODE_VIEW_UNSPECIFIED);
  EXPECT_TRUE(ledger_->graph().DeletionImpact(impact).ok());
}

TEST_P(ReferenceTest, UnfilteredTraversalsFromEveryKindMatchTheReference) {
  for (int kind = v1::NODE_KIND_DATASET; kind <= v1::NODE_KIND_DEPLOYMENT; ++kind) {
    for (bool upstream : {true, false}) {
      ReferenceGraph::TraverseSpec spec;
      spec.start = {RandomKeyOf(static_cast<v1::NodeKind>(kind))};
      spec.upstream = upstream;
      spec.include_start = true;
      v1::TraverseRequest request = ToRequest(*ledger_, spec);
      absl::StatusOr<GraphClient::Traversal> got = ledger_->graph().Traverse(request);
      ASSERT_TRUE(got.ok()) << got.status();
      ExpectTraversal(*ledger_, spec, *got, request.ShortDebugString());
    }
  }
}

TEST_P(ReferenceTest, TracesMatchTheReference) {
  const v1::NodeKind kinds[] = {v1::NODE_KIND_MODEL_VERSION, v1::NODE_KIND_DEPLOYMENT,
                                v1::NODE_KIND_RUN, v1::NODE_KIND_DATASET_VERSION};
  for (int i = 0; i < 24; ++i) {
    const std::string target = RandomKeyOf(kinds[i % 4]);
    v1::TraceRequest request;
    *request.mutable_target() = testing::ById(ledger_->IdOf(target));
    const uint32_t max_paths = i % 3 == 0 ? 2 : 100;
    if (max_paths != 100) request.set_max_paths(max_paths);
    absl::StatusOr<v1::TraceResponse> got = ledger_->graph().Trace(request);
    ASSERT_TRUE(got.ok()) << got.status();
    ExpectTrace(*ledger_, target, max_paths, *got, absl::StrCat("trace from ", target));
  }
}

TEST_P(ReferenceTest, DeletionImpactsMatchTheReference) {
  const std::vector<std::string> versions =
      ledger_->reference().KeysOfKind(v1::NODE_KIND_DATASET_VERSION);
  for (int i = 0; i < 16; ++i) {
    v1::DeletionImpactRequest request;
    std::set<std::string> sources;
    if (i % 2 == 0) {
      for (int k = 0, n = 1 + Pick(2); k < n; ++k) {
        const std::string& v = versions[Pick(versions.size())];
        sources.insert(v);
        *request.add_sources() = testing::ById(ledger_->IdOf(v));
      }
    } else {
      std::vector<std::string> tokens;
      for (int k = 0, n = 1 + Pick(2); k < n; ++k) {
        tokens.push_back(absl::StrCat("subj:token-", Pick(10)));
        request.add_subject_tokens(tokens.back());
      }
      sources = ledger_->reference().VersionsWithTokens(tokens);
    }
    request.set_page_size(1 + Pick(30));
    absl::StatusOr<GraphClient::Impact> got = ledger_->graph().DeletionImpact(request);
    ASSERT_TRUE(got.ok()) << got.status();
    ExpectImpact(*ledger_, sources, *got, absl::StrCat("impact ", request.ShortDebugString()));

    // The predecessor form: the same nodes, sources and witness steps as the
    // full paths just checked, without the paths.
    request.set_witness(v1::WITNESS_FORM_PREDECESSOR);
    absl::StatusOr<GraphClient::Impact> compact = ledger_->graph().DeletionImpact(request);
    ASSERT_TRUE(compact.ok()) << compact.status();
    const std::string context = absl::StrCat("impact ", request.ShortDebugString());
    auto steps = [](const GraphClient::Impact& impact, bool paths) {
      std::map<uint64_t, std::tuple<uint64_t, uint64_t, std::string, int>> out;
      for (const auto* group : {&impact.dataset_versions, &impact.runs, &impact.model_versions,
                                &impact.deployments}) {
        for (const v1::ImpactedNode& n : *group) {
          out[n.node().node_id()] = {n.source_node_id(), n.witness_predecessor(), n.owner(),
                                     paths ? 0 : n.witness_path_size()};
        }
      }
      return out;
    };
    EXPECT_EQ(steps(*compact, false), steps(*got, true)) << context;
    EXPECT_EQ(compact->sources.size(), got->sources.size()) << context;

    // Columns: the same nodes, in traversal order (depth ascending), with
    // the same kinds, depths, owners, sources and predecessors.
    request.set_witness(v1::WITNESS_FORM_UNSPECIFIED);  // Predecessors, with columns.
    request.set_layout(v1::ANSWER_LAYOUT_COLUMNS);
    absl::StatusOr<GraphClient::Impact> columns = ledger_->graph().DeletionImpact(request);
    ASSERT_TRUE(columns.ok()) << columns.status();
    EXPECT_TRUE(columns->columns) << context;
    EXPECT_EQ(steps(*columns, false), steps(*got, true)) << context;
    auto kinds_depths = [](const GraphClient::Impact& impact) {
      std::map<uint64_t, std::pair<int, uint32_t>> out;
      for (const auto* group : {&impact.dataset_versions, &impact.runs, &impact.model_versions,
                                &impact.deployments}) {
        for (const v1::ImpactedNode& n : *group) {
          out[n.node().node_id()] = {n.node().kind(), n.node().depth()};
        }
      }
      return out;
    };
    EXPECT_EQ(kinds_depths(*columns), kinds_depths(*got)) << context;
    EXPECT_EQ(columns->sources.size(), got->sources.size()) << context;
    EXPECT_EQ(columns->last.total_dataset_versions(), got->last.total_dataset_versions());
    EXPECT_EQ(columns->last.total_runs(), got->last.total_runs()) << context;
    EXPECT_EQ(columns->last.total_model_versions(), got->last.total_model_versions());
    EXPECT_EQ(columns->last.total_deployments(), got->last.total_deployments()) << context;
    EXPECT_TRUE(columns->last.complete()) << context;
  }
}

// A paged answer's access record is written before its first page, from
// what the traversal found: it must name exactly what the pages then held
// (every node ID in any field, counted once; the namespaces of the node
// messages), in every layout, view and witness form.
TEST_P(ReferenceTest, AccessRecordsNameWhatTheAnswersHeld) {
  auto audit = v1::AuditService::NewStub(ledger_->harness().channel());
  // The one record of `method` made since the clock was last advanced.
  auto record_of = [&](absl::Time since, absl::string_view method) -> v1::AccessRecord {
    v1::QueryAccessLogRequest request;
    request.mutable_from_time()->set_seconds(absl::ToUnixSeconds(since));
    grpc::ClientContext context;
    v1::QueryAccessLogResponse response;
    EXPECT_TRUE(audit->QueryAccessLog(&context, request, &response).ok());
    std::vector<v1::AccessRecord> of;
    for (const v1::AccessRecord& r : response.records()) {
      if (r.method() == method) of.push_back(r);
    }
    EXPECT_EQ(of.size(), 1u) << method;
    return of.empty() ? v1::AccessRecord() : of.back();
  };
  // What the request and the pages name, merged as one answer.
  auto expected = [](const google::protobuf::Message& request, const auto& pages) {
    v1::AccessRecord record;
    MergeNamedNodes(record, request);
    record.set_nodes_answered(0);
    std::vector<uint64_t> ids;
    std::set<std::string> namespaces(record.namespaces().begin(), record.namespaces().end());
    for (const auto& page : pages) CollectNamedNodes(page, ids, namespaces);
    MergeIds(record, ids, namespaces);
    return record;
  };
  auto expect_same = [](const v1::AccessRecord& want, const v1::AccessRecord& got,
                        const std::string& context) {
    EXPECT_EQ(got.status_code(), 0) << context;
    EXPECT_EQ(got.nodes_answered(), want.nodes_answered()) << context;
    EXPECT_EQ(std::vector<uint64_t>(got.node_ids().begin(), got.node_ids().end()),
              std::vector<uint64_t>(want.node_ids().begin(), want.node_ids().end()))
        << context;
    EXPECT_EQ(std::vector<std::string>(got.namespaces().begin(), got.namespaces().end()),
              std::vector<std::string>(want.namespaces().begin(), want.namespaces().end()))
        << context;
  };
  const v1::NodeView views[] = {v1::NODE_VIEW_ID, v1::NODE_VIEW_BASIC, v1::NODE_VIEW_FULL};
  int with_namespaces = 0;
  int answered_impacts = 0;
  for (int i = 0; i < 24; ++i) {
    v1::TraverseRequest request = ToRequest(*ledger_, RandomSpec());
    request.set_page_size(1 + Pick(40));
    if (i % 4 == 3) {
      request.set_layout(v1::ANSWER_LAYOUT_COLUMNS);
      request.clear_view();
    } else {
      request.set_view(views[i % 4]);
    }
    ledger_->clock().Advance(absl::Seconds(5));
    const absl::Time since = ledger_->clock().Now();
    absl::StatusOr<std::vector<v1::TraverseResponse>> pages = ledger_->graph().TraversePages(request);
    ASSERT_TRUE(pages.ok()) << pages.status();
    const v1::AccessRecord want = expected(request, *pages);
    with_namespaces += want.namespaces_size() > request.start_size() ? 1 : 0;
    expect_same(want, record_of(since, "lineage.v1.LineageService/Traverse"),
                absl::StrCat("traversal ", i, ": ", request.ShortDebugString()));
  }
  const std::vector<std::string> versions =
      ledger_->reference().KeysOfKind(v1::NODE_KIND_DATASET_VERSION);
  for (int i = 0; i < 12; ++i) {
    v1::DeletionImpactRequest request;
    for (int k = 0, n = 1 + Pick(2); k < n; ++k) {
      *request.add_sources() = testing::ById(ledger_->IdOf(versions[Pick(versions.size())]));
    }
    if (i % 3 == 2) request.add_subject_tokens(absl::StrCat("subj:token-", Pick(10)));
    request.set_page_size(1 + Pick(30));
    switch (i % 4) {
      case 0:  // Whole paths, BASIC messages.
        break;
      case 1:
        request.set_witness(v1::WITNESS_FORM_PREDECESSOR);
        request.set_view(v1::NODE_VIEW_FULL);
        break;
      case 2:
        request.set_witness(v1::WITNESS_FORM_PREDECESSOR);
        request.set_view(v1::NODE_VIEW_ID);
        break;
      default:
        request.set_layout(v1::ANSWER_LAYOUT_COLUMNS);
    }
    ledger_->clock().Advance(absl::Seconds(5));
    const absl::Time since = ledger_->clock().Now();
    absl::StatusOr<std::vector<v1::DeletionImpactResponse>> pages =
        ledger_->graph().DeletionImpactPages(request);
    ASSERT_TRUE(pages.ok()) << pages.status();
    const v1::AccessRecord want = expected(request, *pages);
    with_namespaces += want.namespaces_size() > 0 ? 1 : 0;
    answered_impacts += want.nodes_answered() > 0 ? 1 : 0;
    expect_same(want, record_of(since, "lineage.v1.LineageService/DeletionImpact"),
                absl::StrCat("impact ", i, ": ", request.ShortDebugString()));
  }
  EXPECT_GT(with_namespaces, 10);  // The namespaces were really compared.
  EXPECT_GT(answered_impacts, 6);  // And impacts of more than their sources.
}

TEST_P(ReferenceTest, DeletionImpactRejectsAnUnknownWitnessForm) {
  const std::vector<std::string> versions =
      ledger_->reference().KeysOfKind(v1::NODE_KIND_DATASET_VERSION);
  v1::DeletionImpactRequest request;
  *request.add_sources() = testing::ById(ledger_->IdOf(versions.front()));
  request.set_witness(static_cast<v1::WitnessForm>(7));
  absl::Status status = ledger_->graph().DeletionImpact(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("witness"));
}

INSTANTIATE_TEST_SUITE_P(Modes, ReferenceTest,
                         ::testing::Values(Mode{true, false}, Mode{false, false}, Mode{true, true},
                                           Mode{false, true}),
                         ModeName);

}  // namespace
}  // namespace lineage
