// The shipped binaries, as a user runs them: lineaged on its development
// defaults, lineagectl and lineage-verify, plus what grpcurl relies on
// (server reflection, grpc.health.v1). Nothing in-process: a real server
// process on loopback.
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "grpc/health_v1.grpc.pb.h"
#include "grpc/reflection_v1alpha.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

using ::lineage::testing::ChildProcess;
using ::lineage::testing::CommandResult;
using ::lineage::testing::RunCommand;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

const std::string kBin = LINEAGE_BINARY_DIR;
const std::string kExample = std::string(LINEAGE_SOURCE_DIR) + "/docs/examples/training-run.json";

class LineagedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = lineage::testing::PickFreePort();
    address_ = absl::StrCat("127.0.0.1:", port_);
    StartServer();
  }

  void StartServer() {
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{kBin + "/server/lineaged", "--data_dir=" + dir_.path() + "/data",
                                 "--listen=" + address_},
        dir_.path() + "/lineaged.log");
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    ASSERT_TRUE(channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(20)))
        << Log();
  }

  std::string Log() { return ReadFile(dir_.path() + "/lineaged.log").value_or(""); }
  std::string Ctl(const std::string& args) {
    return absl::StrCat(kBin, "/tools/lineagectl --server=", address_, " ", args);
  }
  std::string Verify(const std::string& args) {
    return absl::StrCat(kBin, "/tools/lineage-verify ", args);
  }
  std::string Keys() { return dir_.path() + "/data/keys"; }

  lineage::testing::TempDir dir_;
  int port_ = 0;
  std::string address_;
  std::unique_ptr<ChildProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(LineagedTest, ReflectionListsAndDescribesEveryService) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  auto stream = stub->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest list;
  list.set_list_services("");
  ASSERT_TRUE(stream->Write(list));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> services;
  for (const auto& s : response.list_services_response().service()) services.push_back(s.name());
  EXPECT_THAT(services, IsSupersetOf({"lineage.v1.IngestService", "lineage.v1.LogService",
                                      "lineage.v1.KeyService", "grpc.health.v1.Health"}));

  grpc::reflection::v1alpha::ServerReflectionRequest describe;
  describe.set_file_containing_symbol("lineage.v1.IngestService");
  ASSERT_TRUE(stream->Write(describe));
  ASSERT_TRUE(stream->Read(&response));
  std::vector<std::string> files;
  for (const std::string& bytes : response.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(bytes));
    files.push_back(file.name());
  }
  EXPECT_THAT(files, Contains("lineage/v1/ingest.proto"));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(LineagedTest, HealthReportsServing) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const char* service : {"", "lineage.v1.IngestService", "lineage.v1.LogService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = health->Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_F(LineagedTest, DevDefaultsCreateKeysWithTightPermissions) {
  EXPECT_THAT(Log(), HasSubstr("log verifier key:"));
  EXPECT_THAT(Log(), HasSubstr("dev-producer.pem"));
  EXPECT_TRUE(ReadSecretFile(Keys() + "/log.pem").ok()) << "log key must be mode 0600";
  EXPECT_TRUE(ReadSecretFile(Keys() + "/dev-producer.pem").ok());
  CommandResult keys = RunCommand(Ctl("list-keys"));
  ASSERT_EQ(keys.exit_code, 0) << keys.output;
  EXPECT_THAT(keys.output, HasSubstr("\"owner\": \"local\""));
}

TEST_F(LineagedTest, AppendWithCliThenVerifyOfflineAcrossRestart) {
  const std::string vkey = Keys() + "/log.pem.vkey";
  const std::string evidence = dir_.path() + "/evidence";
  CommandResult append = RunCommand(Ctl(absl::StrCat("append --key=", Keys(), "/dev-producer.pem --vkey=",
                                                     vkey, " --save_dir=", evidence, " ", kExample)));
  ASSERT_EQ(append.exit_code, 0) << append.output;
  EXPECT_THAT(append.output, HasSubstr("RECEIPT_STATUS_ACCEPTED"));
  EXPECT_THAT(append.output, HasSubstr("verified 1 receipts"));

  // The example event is entry 1 (entry 0 registered the dev key).
  const std::string receipt = evidence + "/1.receipt.json";
  const std::string event = evidence + "/1.event.json";
  const std::string checkpoint = evidence + "/1.checkpoint";
  CommandResult proof = RunCommand(Ctl(absl::StrCat("inclusion --index=1 --vkey=", vkey, " 2>/dev/null > ",
                                                    dir_.path(), "/proof.json")));
  ASSERT_EQ(proof.exit_code, 0) << proof.output;
  CommandResult ok = RunCommand(Verify(absl::StrCat("receipt --vkey=", vkey, " --receipt=", receipt,
                                                    " --event=", event, " --checkpoint=", checkpoint,
                                                    " --proof=", dir_.path(), "/proof.json")));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_THAT(ok.output, HasSubstr("included in the signed tree of size 2"));

  // A different pinned key, or a changed receipt, must not verify.
  CommandResult other_key = RunCommand(Verify(absl::StrCat(
      "checkpoint --vkey=example.com/lineage-test-log+7e411281+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea",
      " --checkpoint=", checkpoint)));
  EXPECT_EQ(other_key.exit_code, 1) << other_key.output;
  std::string tampered = *ReadFile(receipt);
  const size_t salt = tampered.find("\"salt\": \"") + 9;
  tampered[salt] = tampered[salt] == 'A' ? 'B' : 'A';
  ASSERT_TRUE(CreateFile(dir_.path() + "/tampered.json", tampered, false).ok());
  CommandResult bad = RunCommand(Verify(absl::StrCat("receipt --vkey=", vkey, " --receipt=", dir_.path(),
                                                     "/tampered.json --event=", event)));
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("does not commit"));

  // SIGTERM stops the server cleanly; it restarts on the same chain.
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << Log();
  StartServer();
  CommandResult again = RunCommand(Ctl(absl::StrCat("append --key=", Keys(), "/dev-producer.pem --vkey=",
                                                    vkey, " ", kExample)));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("RECEIPT_STATUS_DUPLICATE"));
  CommandResult consistent = RunCommand(Ctl(absl::StrCat("consistency --vkey=", vkey,
                                                         " --old_checkpoint=", checkpoint)));
  EXPECT_EQ(consistent.exit_code, 0) << consistent.output;
}

TEST_F(LineagedTest, CliReportsRejectionsWithNonZeroExit) {
  CommandResult stranger_key = RunCommand(Ctl("keygen --out=" + dir_.path() + "/stranger.pem"));
  ASSERT_EQ(stranger_key.exit_code, 0) << stranger_key.output;
  CommandResult rejected =
      RunCommand(Ctl(absl::StrCat("append --key=", dir_.path(), "/stranger.pem ", kExample)));
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_THAT(rejected.output, HasSubstr("not a registered producer key"));
  CommandResult registered = RunCommand(Ctl(absl::StrCat(
      "register-key --public_key=", dir_.path(), "/stranger.pem.pub --namespaces=acme.ml/*")));
  ASSERT_EQ(registered.exit_code, 0) << registered.output;
  CommandResult accepted =
      RunCommand(Ctl(absl::StrCat("append --key=", dir_.path(), "/stranger.pem ", kExample)));
  EXPECT_EQ(accepted.exit_code, 0) << accepted.output;
}

}  // namespace
}  // namespace lineage
