// The loopback operator port (ServerOptions::local_listen_address, lineaged
// --local_listen): a second, plaintext port for the machine's own probes and
// operator tools beside the main port, refused off loopback.
#include "absl/strings/str_cat.h"
#include "client/ledger_client.h"
#include "common/log.h"
#include "gtest/gtest.h"
#include "lineage/v1/admin.grpc.pb.h"
#include "server/ledger/ledger.h"
#include "server/service/ledger_server.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

class LocalPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SetQuietLogging(true);
    LedgerOptions options;
    options.data_dir = dir_.path() + "/db";
    options.block_cache_bytes = 8 << 20;
    auto ledger = Ledger::Open(options, *Ed25519PrivateKey::Generate());
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = *std::move(ledger);
  }

  lineage::testing::TempDir dir_;
  std::unique_ptr<Ledger> ledger_;
};

TEST_F(LocalPortTest, ServesTheSameServicesOnALoopbackPort) {
  const std::string local = absl::StrCat("127.0.0.1:", lineage::testing::PickFreePort());
  auto server = LedgerServer::Start(
      *ledger_, {.listen_address = "127.0.0.1:0", .local_listen_address = local});
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel = grpc::CreateChannel(local, grpc::InsecureChannelCredentials());
  LedgerClient client(channel, absl::Seconds(10));
  EXPECT_TRUE(client.GetCheckpoint().ok());
  auto admin = v1::AdminService::NewStub(channel);
  grpc::ClientContext context;
  v1::LedgerStatus status;
  grpc::Status got = admin->GetStatus(&context, v1::GetStatusRequest(), &status);
  EXPECT_TRUE(got.ok()) << got.error_message();
  EXPECT_TRUE(status.writable());
  (*server)->Shutdown(absl::Seconds(1));
}

TEST_F(LocalPortTest, RefusesANonLoopbackLocalPort) {
  auto server = LedgerServer::Start(
      *ledger_, {.listen_address = "127.0.0.1:0", .local_listen_address = "0.0.0.0:50052"});
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition) << server.status();
}

}  // namespace
}  // namespace lineage
