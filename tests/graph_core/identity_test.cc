// Version identity: digests identify, names with a version label link to
// them, names without a label stand for "some version" and link to nothing.
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lineage/v1/lineage.grpc.pb.h"
#include "tests/testing/events.h"
#include "tests/testing/ledger_harness.h"

namespace lineage {
namespace {

using ::lineage::testing::DigestOf;
using ::lineage::testing::LedgerHarness;

v1::LineageEvent RunEvent(const std::string& id, const v1::DatasetVersion* in,
                          const v1::DatasetVersion* out) {
  v1::LineageEvent e;
  e.set_event_id(id);
  e.set_namespace_("acme");
  e.set_event_type(v1::EVENT_TYPE_COMPLETE);
  e.mutable_run()->set_run_id("run-" + id);
  e.mutable_job()->set_name("job-" + id);
  if (in != nullptr) *e.add_inputs()->mutable_dataset() = *in;
  if (out != nullptr) *e.add_outputs()->mutable_dataset() = *out;
  return e;
}

v1::DatasetVersion Dataset(const std::string& version, const std::string& digest) {
  v1::DatasetVersion d;
  d.set_name("warehouse.orders");
  d.set_version(version);
  d.set_digest(digest);
  return d;
}

class VersionIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(harness_.Start().ok());
    signer_ = std::make_unique<EventSigner>(*harness_.AddProducer({"*"}));
    stub_ = v1::LineageService::NewStub(harness_.channel());
  }
  void Send(const v1::LineageEvent& e) {
    auto r = harness_.client().AppendEvents({signer_->Sign(e)});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED)
        << r->receipts(0).error_message();
  }
  // Run IDs downstream of a dataset version given by digest.
  std::set<std::string> RunsDownstream(const std::string& digest) {
    v1::TraverseRequest request;
    v1::NodeSelector* s = request.add_start();
    s->set_kind(v1::NODE_KIND_DATASET_VERSION);
    s->set_digest(digest);
    request.set_direction(v1::DIRECTION_DOWNSTREAM);
    request.add_node_kinds(v1::NODE_KIND_RUN);
    grpc::ClientContext context;
    auto reader = stub_->Traverse(&context, request);
    std::set<std::string> runs;
    v1::TraverseResponse page;
    while (reader->Read(&page)) {
      for (const v1::Node& n : page.nodes()) runs.insert(n.run_id());
    }
    EXPECT_TRUE(reader->Finish().ok());
    return runs;
  }

  LedgerHarness harness_;
  std::unique_ptr<EventSigner> signer_;
  std::unique_ptr<v1::LineageService::Stub> stub_;
};

TEST_F(VersionIdentityTest, NamesWithoutAVersionLabelDoNotMergeDigests) {
  const v1::DatasetVersion day1 = Dataset("", DigestOf("day1"));
  const v1::DatasetVersion day2 = Dataset("", DigestOf("day2"));
  const v1::DatasetVersion unlabelled = Dataset("", "");
  Send(RunEvent("w1", nullptr, &day1));
  Send(RunEvent("w2", nullptr, &day2));
  Send(RunEvent("r2", &day2, nullptr));
  Send(RunEvent("any", &unlabelled, nullptr));  // Reads "some version".
  EXPECT_EQ(RunsDownstream(DigestOf("day1")), std::set<std::string>());
  EXPECT_EQ(RunsDownstream(DigestOf("day2")), std::set<std::string>({"run-r2"}));
}

TEST_F(VersionIdentityTest, ANameWithAVersionLabelLinksToItsDigest) {
  const v1::DatasetVersion by_digest = Dataset("2026-11-20", DigestOf("v20"));
  const v1::DatasetVersion by_name = Dataset("2026-11-20", "");
  Send(RunEvent("reader", &by_name, nullptr));  // The name first, the digest later.
  Send(RunEvent("writer", nullptr, &by_digest));
  EXPECT_EQ(RunsDownstream(DigestOf("v20")), std::set<std::string>({"run-reader"}));
}

}  // namespace
}  // namespace lineage
