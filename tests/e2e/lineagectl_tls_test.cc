// lineagectl against lineaged serving mutual TLS, both as separate processes
// the way an operator runs them: certificates made at test time with
// OpenSSL, an access policy file, and the CLI's --tls_* flags. The right
// files succeed; a missing client certificate, a foreign CA on either side,
// a wrong server name, plaintext to the TLS port and TLS to the plaintext
// one all fail with a hint naming what to fix; flag mistakes are named
// before any connection, and private key bytes never reach the output.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_ca.h"

namespace lineage {
namespace {

using ::lineage::testing::CertSpec;
using ::lineage::testing::ChildProcess;
using ::lineage::testing::CommandResult;
using ::lineage::testing::IssuedCert;
using ::lineage::testing::RunCommand;
using ::lineage::testing::TestCa;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kBin = LINEAGE_BINARY_DIR;
constexpr char kServerName[] = "ledger.test";  // The server certificate's only name.
constexpr char kOperator[] = "spiffe://lineage.test/ops/cli";
constexpr char kStranger[] = "spiffe://lineage.test/nobody";
constexpr char kOrigin[] = "tls.test/log";

class LineagectlTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CertSpec server_spec{kServerName, {kServerName}, {}, {}};
    server_spec.server = true;
    const IssuedCert server = ca_.Issue(server_spec);
    client_ = ca_.Issue(CertSpec{"cli", {}, {kOperator}, {}});
    stranger_ = ca_.Issue(CertSpec{"stranger", {}, {kStranger}, {}});
    foreign_ = other_ca_.Issue(CertSpec{"cli", {}, {kOperator}, {}});
    ASSERT_TRUE(CreateFile(Path("ca.pem"), ca_.cert_pem(), false).ok());
    ASSERT_TRUE(CreateFile(Path("other-ca.pem"), other_ca_.cert_pem(), false).ok());
    ASSERT_TRUE(CreateFile(Path("server.pem"), server.cert_pem, false).ok());
    ASSERT_TRUE(CreateFile(Path("server.key"), server.key_pem, true).ok());
    ASSERT_TRUE(CreateFile(Path("client.pem"), client_.cert_pem, false).ok());
    ASSERT_TRUE(CreateFile(Path("client.key"), client_.key_pem, true).ok());
    ASSERT_TRUE(CreateFile(Path("stranger.pem"), stranger_.cert_pem, false).ok());
    ASSERT_TRUE(CreateFile(Path("stranger.key"), stranger_.key_pem, true).ok());
    ASSERT_TRUE(CreateFile(Path("foreign.pem"), foreign_.cert_pem, false).ok());
    ASSERT_TRUE(CreateFile(Path("foreign.key"), foreign_.key_pem, true).ok());
    ASSERT_TRUE(ReplaceFile(Path("policy.textproto"),
                            absl::StrCat("bindings { principal: \"", kOperator,
                                         "\" roles: ROLE_OPERATOR roles: ROLE_AUDITOR }\n"))
                    .ok());

    const int port = lineage::testing::PickFreePort();
    int local_port = lineage::testing::PickFreePort();
    while (local_port == port) local_port = lineage::testing::PickFreePort();
    address_ = absl::StrCat("127.0.0.1:", port);
    local_address_ = absl::StrCat("127.0.0.1:", local_port);
    server_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{
            kBin + "/server/lineaged", "--data_dir=" + Path("data"), "--listen=" + address_,
            std::string("--origin=") + kOrigin, "--tls_cert_file=" + Path("server.pem"),
            "--tls_key_file=" + Path("server.key"), "--tls_client_ca_file=" + Path("ca.pem"),
            "--policy_file=" + Path("policy.textproto"), "--local_listen=" + local_address_},
        Path("lineaged.log"));
    // Readiness through the test's own mutual-TLS channel, not lineagectl.
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ca_.cert_pem();
    ssl.pem_cert_chain = client_.cert_pem;
    ssl.pem_private_key = client_.key_pem;
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride(kServerName);
    auto channel = grpc::CreateCustomChannel(address_, grpc::SslCredentials(ssl), args);
    ASSERT_TRUE(
        channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30)))
        << ReadFile(Path("lineaged.log")).value_or("");
  }

  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  // Runs lineagectl with `flags` against the server and checks that no line
  // of any private key's PEM body appears in what it printed.
  CommandResult Ctl(const std::string& flags) { return CtlAt(address_, flags); }
  CommandResult CtlAt(const std::string& address, const std::string& flags) {
    CommandResult result = RunCommand(absl::StrCat(kBin, "/tools/lineagectl --server=", address,
                                                   " --timeout_seconds=10 ", flags));
    for (const IssuedCert* cert : {&client_, &stranger_, &foreign_}) {
      for (absl::string_view line : absl::StrSplit(cert->key_pem, '\n', absl::SkipEmpty())) {
        if (absl::StartsWith(line, "-----")) continue;
        EXPECT_THAT(result.output, Not(HasSubstr(std::string(line))))
            << "private key bytes printed by: lineagectl " << flags;
      }
    }
    return result;
  }

  // The full, correct mutual-TLS flags, with `change` appended (absl flags:
  // a later value wins).
  std::string Mtls(const std::string& change = "") {
    return absl::StrCat("--tls_ca=", Path("ca.pem"), " --tls_cert=", Path("client.pem"),
                        " --tls_key=", Path("client.key"), " --tls_server_name=", kServerName, " ",
                        change);
  }

  std::string Vkey() { return Path("data/keys/log.pem.vkey"); }

  lineage::testing::TempDir dir_;
  TestCa ca_{"Lineage Test CA"};
  TestCa other_ca_{"Some Other CA"};
  IssuedCert client_;          // kOperator, from ca_.
  IssuedCert stranger_;        // kStranger, from ca_: no binding in the policy.
  IssuedCert foreign_;         // kOperator, from other_ca_.
  std::string address_;        // Mutual TLS.
  std::string local_address_;  // Plaintext loopback operator port (--local_listen).
  std::unique_ptr<ChildProcess> server_;
};

TEST_F(LineagectlTlsTest, RightCaCertificateAndKeySucceed) {
  CommandResult health = Ctl(Mtls() + " health");
  EXPECT_EQ(health.exit_code, 0) << health.output;
  EXPECT_THAT(health.output, HasSubstr("(server): SERVING"));

  CommandResult checkpoint = Ctl(Mtls() + " checkpoint --vkey=" + Vkey());
  EXPECT_EQ(checkpoint.exit_code, 0) << checkpoint.output;
  EXPECT_THAT(checkpoint.output, HasSubstr(kOrigin));
  EXPECT_THAT(checkpoint.output, HasSubstr("verified against the pinned log key"));

  CommandResult status = Ctl(Mtls() + " status");  // ROLE_OPERATOR, by the certificate's URI.
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("\"writable\": true"));
}

TEST_F(LineagectlTlsTest, ThePolicySeesTheClientCertificatesIdentity) {
  CommandResult stranger = Ctl(absl::StrCat(Mtls(), " --tls_cert=", Path("stranger.pem"),
                                            " --tls_key=", Path("stranger.key"), " checkpoint"));
  EXPECT_EQ(stranger.exit_code, 1) << stranger.output;
  EXPECT_THAT(stranger.output, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(stranger.output, HasSubstr(kStranger));
}

TEST_F(LineagectlTlsTest, WithoutAClientCertificateTheServerRefuses) {
  CommandResult result =
      Ctl(absl::StrCat("--tls_ca=", Path("ca.pem"), " --tls_server_name=", kServerName, " health"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("error: UNAVAILABLE"));
  EXPECT_THAT(result.output, HasSubstr("hint: the server closed the connection; it may require a "
                                       "client certificate: give --tls_cert and --tls_key"));
  EXPECT_THAT(result.output, Not(HasSubstr("SERVING")));
}

TEST_F(LineagectlTlsTest, AClientCertificateFromAnotherCaIsRefused) {
  CommandResult result = Ctl(absl::StrCat(Mtls(), " --tls_cert=", Path("foreign.pem"),
                                          " --tls_key=", Path("foreign.key"), " health"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("error: UNAVAILABLE"));
  EXPECT_THAT(result.output, HasSubstr("may not accept the client certificate in --tls_cert " +
                                       Path("foreign.pem")));
  EXPECT_THAT(result.output, Not(HasSubstr("SERVING")));
}

TEST_F(LineagectlTlsTest, AServerCertificateFromAnotherCaIsRefused) {
  CommandResult result = Ctl(Mtls("--tls_ca=" + Path("other-ca.pem")) + " health");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("error: UNAVAILABLE"));
  EXPECT_THAT(result.output, HasSubstr("hint: the server's certificate is not signed by a CA in "
                                       "--tls_ca " +
                                       Path("other-ca.pem")));
  EXPECT_THAT(result.output, Not(HasSubstr("SERVING")));
}

TEST_F(LineagectlTlsTest, TheServerNameIsChecked) {
  // By IP without --tls_server_name: the certificate names only ledger.test.
  CommandResult by_ip = Ctl(Mtls("--tls_server_name=") + " health");
  EXPECT_EQ(by_ip.exit_code, 1) << by_ip.output;
  EXPECT_THAT(by_ip.output, HasSubstr("Peer name 127.0.0.1 is not in peer certificate"));
  EXPECT_THAT(by_ip.output, HasSubstr("give a name it carries with --tls_server_name"));
  EXPECT_THAT(by_ip.output, Not(HasSubstr("SERVING")));
  CommandResult wrong = Ctl(Mtls("--tls_server_name=other.test") + " health");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output;
  EXPECT_THAT(wrong.output, HasSubstr("Peer name other.test is not in peer certificate"));
  EXPECT_THAT(wrong.output, Not(HasSubstr("SERVING")));
}

TEST_F(LineagectlTlsTest, PlaintextOnlyOnThePlaintextPort) {
  // No TLS flag: plaintext, as before, which the loopback operator port speaks...
  CommandResult local = CtlAt(local_address_, "health");
  EXPECT_EQ(local.exit_code, 0) << local.output;
  EXPECT_THAT(local.output, HasSubstr("(server): SERVING"));
  // ...and the mutual-TLS port refuses.
  CommandResult plaintext = Ctl("health");
  EXPECT_EQ(plaintext.exit_code, 1) << plaintext.output;
  EXPECT_THAT(plaintext.output, HasSubstr("error: UNAVAILABLE"));
  EXPECT_THAT(plaintext.output,
              HasSubstr("hint: the server closed a plaintext connection; if it speaks TLS"));
  EXPECT_THAT(plaintext.output, Not(HasSubstr("SERVING")));
  // TLS to the plaintext port fails too, rather than falling back.
  CommandResult tls_to_plaintext = CtlAt(local_address_, Mtls() + " health");
  EXPECT_EQ(tls_to_plaintext.exit_code, 1) << tls_to_plaintext.output;
  EXPECT_THAT(tls_to_plaintext.output, HasSubstr("does not speak TLS on this port"));
  EXPECT_THAT(tls_to_plaintext.output, Not(HasSubstr("SERVING")));
}

TEST_F(LineagectlTlsTest, FlagMistakesNameTheFlagAndTheFile) {
  CommandResult cert_only =
      Ctl(absl::StrCat("--tls_ca=", Path("ca.pem"), " --tls_cert=", Path("client.pem"), " health"));
  EXPECT_EQ(cert_only.exit_code, 2) << cert_only.output;
  EXPECT_THAT(cert_only.output, HasSubstr("--tls_key: missing"));

  CommandResult key_only =
      Ctl(absl::StrCat("--tls_ca=", Path("ca.pem"), " --tls_key=", Path("client.key"), " health"));
  EXPECT_EQ(key_only.exit_code, 2) << key_only.output;
  EXPECT_THAT(key_only.output, HasSubstr("--tls_cert: missing"));

  CommandResult no_ca = Ctl(Mtls("--tls_ca=" + Path("absent.pem")) + " health");
  EXPECT_EQ(no_ca.exit_code, 2) << no_ca.output;
  EXPECT_THAT(no_ca.output, HasSubstr("--tls_ca: opening " + Path("absent.pem")));

  ASSERT_TRUE(CreateFile(Path("loose.key"), client_.key_pem, false).ok());  // Mode 0644.
  CommandResult loose = Ctl(Mtls("--tls_key=" + Path("loose.key")) + " health");
  EXPECT_EQ(loose.exit_code, 2) << loose.output;
  EXPECT_THAT(loose.output, HasSubstr("--tls_key: secret file " + Path("loose.key")));
  EXPECT_THAT(loose.output, HasSubstr("chmod 600"));

  CommandResult other_key = Ctl(Mtls("--tls_key=" + Path("stranger.key")) + " health");
  EXPECT_EQ(other_key.exit_code, 2) << other_key.output;
  EXPECT_THAT(other_key.output,
              HasSubstr(absl::StrCat("--tls_key: ", Path("stranger.key"),
                                     " is not the private key of the certificate in --tls_cert ",
                                     Path("client.pem"))));

  CommandResult swapped = Ctl(absl::StrCat(Mtls(), " --tls_cert=", Path("client.key"),
                                           " --tls_key=", Path("client.pem"), " health"));
  EXPECT_EQ(swapped.exit_code, 2) << swapped.output;
  EXPECT_THAT(swapped.output, HasSubstr(absl::StrCat("--tls_cert: ", Path("client.key"),
                                                     " holds no PEM certificate")));

  for (const CommandResult* result :
       {&cert_only, &key_only, &no_ca, &loose, &other_key, &swapped}) {
    EXPECT_THAT(result->output, Not(HasSubstr("SERVING")));
  }
}

}  // namespace
}  // namespace lineage
