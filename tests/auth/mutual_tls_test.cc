// Access control end to end: a real server with mutual TLS on loopback, a CA
// and certificates made at test time, an access policy file, real RocksDB
// and keys. Every refusal gets the right status and appends nothing.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <set>

#include "absl/strings/str_cat.h"
#include "client/event_signer.h"
#include "client/ledger_client.h"
#include "client/log_verifier.h"
#include "common/files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lineage/v1/audit.grpc.pb.h"
#include "lineage/v1/lineage.grpc.pb.h"
#include "server/lineage_ledger.h"
#include "server/service/ledger_server.h"
#include "tests/testing/events.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_ca.h"

namespace lineage {
namespace {

using ::lineage::testing::CertSpec;
using ::lineage::testing::IssuedCert;
using ::lineage::testing::MakeRunEvent;
using ::lineage::testing::TestCa;
using ::testing::HasSubstr;

constexpr char kProducer[] = "spiffe://acme.test/ci/airflow";
constexpr char kProducer2[] = "spiffe://acme.test/ci/dagster";
constexpr char kAdmin[] = "spiffe://acme.test/ops/key-admin";
constexpr char kAuditor[] = "spiffe://acme.test/audit/alice";
constexpr char kThrottled[] = "spiffe://acme.test/audit/bulk";
constexpr char kStranger[] = "spiffe://acme.test/nobody";

std::string PolicyText(bool with_producer) {
  std::string text = absl::StrCat(
      "bindings { principal: \"", kAdmin, "\" roles: ROLE_KEY_ADMIN roles: ROLE_OPERATOR }\n",
      "bindings { principal: \"", kAuditor, "\" roles: ROLE_AUDITOR roles: ROLE_DELETION_OFFICER }\n",
      "bindings { principal: \"", kThrottled, "\" roles: ROLE_AUDITOR",
      " rate_limit { calls_per_second: 2 } }\n",
      "bindings { principal: \"", kProducer2, "\" roles: ROLE_PRODUCER namespaces: \"acme/*\" }\n");
  if (with_producer) {
    absl::StrAppend(&text, "bindings { principal: \"", kProducer,
                    "\" roles: ROLE_PRODUCER namespaces: \"acme/*\" comment: \"airflow\" }\n");
  }
  return text;
}

class MutualTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CertSpec server_spec{"localhost", {"localhost"}, {}, {"127.0.0.1"}};
    server_spec.server = true;
    const IssuedCert server_cert = ca_.Issue(server_spec);
    ASSERT_TRUE(CreateFile(Path("server.pem"), server_cert.cert_pem, false).ok());
    ASSERT_TRUE(CreateFile(Path("server.key"), server_cert.key_pem, true).ok());
    ASSERT_TRUE(CreateFile(Path("ca.pem"), ca_.cert_pem(), false).ok());
    ASSERT_TRUE(ReplaceFile(Path("policy.textproto"), PolicyText(true)).ok());
    policies_ = std::make_unique<PolicyStore>(*AccessPolicy::Load(Path("policy.textproto")),
                                              Path("policy.textproto"));
    LineageLedgerOptions options;
    options.ledger.data_dir = Path("db");
    options.ledger.origin = "tls.test/log";
    options.ledger.block_cache_bytes = 8 << 20;
    node_ = *LineageLedger::Open(options, log_key_);
    ServerOptions server_options;
    server_options.listen_address = "127.0.0.1:0";
    server_options.tls_cert_file = Path("server.pem");
    server_options.tls_key_file = Path("server.key");
    server_options.tls_client_ca_file = Path("ca.pem");
    server_options.policies = policies_.get();
    server_options.audit = &node_->audit();
    auto server = LedgerServer::Start(node_->ledger(), server_options, &node_->graph().queries());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    verifier_ = std::make_unique<LogVerifier>(NoteVerifier("tls.test/log", log_key_.public_key()));
  }

  void TearDown() override {
    server_.reset();
    node_.reset();
  }

  std::string Path(const std::string& name) { return dir_.path() + "/" + name; }

  IssuedCert ClientCert(const std::string& uri, absl::Duration valid_until = absl::Hours(1)) {
    CertSpec spec{"client", {}, {uri}, {}};
    spec.not_after_offset = valid_until;
    if (valid_until < absl::ZeroDuration()) spec.not_before_offset = absl::Hours(-2);
    return ca_.Issue(spec);
  }

  std::shared_ptr<grpc::Channel> Channel(const IssuedCert* client,
                                         const std::string& roots = "") {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = roots.empty() ? ca_.cert_pem() : roots;
    if (client != nullptr) {
      ssl.pem_cert_chain = client->cert_pem;
      ssl.pem_private_key = client->key_pem;
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    args.SetInt("lineage.test.channel", ++channels_);  // Never share a connection.
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                     grpc::SslCredentials(ssl), args);
  }

  std::unique_ptr<LedgerClient> ClientAs(const std::string& principal) {
    certs_.push_back(std::make_unique<IssuedCert>(ClientCert(principal)));
    return std::make_unique<LedgerClient>(Channel(certs_.back().get()), absl::Seconds(10));
  }

  // Registers a producer key owned by `owner` (as the key admin).
  EventSigner RegisterKey(const std::string& owner, const std::string& ns = "*") {
    Ed25519PrivateKey key = *Ed25519PrivateKey::Generate();
    v1::RegisterKeyRequest request;
    request.set_public_key(key.public_key().raw());
    request.add_namespaces(ns);
    request.set_owner(owner);
    auto registered = ClientAs(kAdmin)->RegisterKey(request);
    EXPECT_TRUE(registered.ok()) << registered.status();
    return EventSigner(std::move(key));
  }

  uint64_t TreeSize() {
    auto checkpoint = ClientAs(kAuditor)->GetCheckpoint();
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status();
    return checkpoint.ok() ? checkpoint->tree_size() : 0;
  }

  testing::TempDir dir_;
  TestCa ca_{"Lineage Test CA"};
  Ed25519PrivateKey log_key_ = *Ed25519PrivateKey::Generate();
  std::unique_ptr<PolicyStore> policies_;
  std::unique_ptr<LineageLedger> node_;
  std::unique_ptr<LedgerServer> server_;
  std::unique_ptr<LogVerifier> verifier_;
  std::vector<std::unique_ptr<IssuedCert>> certs_;
  int channels_ = 0;
};

TEST_F(MutualTlsTest, ProducerWithItsOwnKeyAndRoleAppends) {
  EventSigner signer = RegisterKey(kProducer);
  auto response = ClientAs(kProducer)->AppendEvents({signer.Sign(MakeRunEvent("acme/fraud", "ok"))});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->receipts(0).status(), v1::RECEIPT_STATUS_ACCEPTED)
      << response->receipts(0).error_message();
  EXPECT_TRUE(verifier_->VerifyCheckpoint(response->checkpoint()).ok());
}

TEST_F(MutualTlsTest, CallersWithoutAValidCertificateAreRefused) {
  EventSigner signer = RegisterKey(kProducer);
  const uint64_t size = TreeSize();
  const v1::SignedEvent event = signer.Sign(MakeRunEvent("acme/fraud", "nocert"));
  // No client certificate at all.
  LedgerClient anonymous(Channel(nullptr), absl::Seconds(5));
  EXPECT_EQ(anonymous.AppendEvents({event}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(anonymous.GetCheckpoint().status().code(), absl::StatusCode::kUnavailable);
  // A certificate from another CA (the client trusts the server's CA).
  TestCa other("Some Other CA");
  const IssuedCert foreign = other.Issue(CertSpec{"client", {}, {kProducer}, {}});
  LedgerClient outsider(Channel(&foreign), absl::Seconds(5));
  EXPECT_EQ(outsider.AppendEvents({event}).status().code(), absl::StatusCode::kUnavailable);
  // An expired certificate from the right CA.
  const IssuedCert expired = ClientCert(kProducer, absl::Hours(-1));
  LedgerClient stale(Channel(&expired), absl::Seconds(5));
  EXPECT_EQ(stale.AppendEvents({event}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(TreeSize(), size);
}

TEST_F(MutualTlsTest, PrincipalsWithoutTheRoleArePermissionDenied) {
  EventSigner signer = RegisterKey(kAuditor);
  const uint64_t size = TreeSize();
  auto append = ClientAs(kAuditor)->AppendEvents({signer.Sign(MakeRunEvent("acme/x", "r"))});
  EXPECT_EQ(append.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(append.status().message(), HasSubstr(kAuditor));
  EXPECT_THAT(append.status().message(), HasSubstr("ROLE_PRODUCER"));
  EXPECT_EQ(ClientAs(kProducer)->GetCheckpoint().status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ClientAs(kStranger)->GetCheckpoint().status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::RegisterKeyRequest request;
  request.set_public_key(Ed25519PrivateKey::Generate()->public_key().raw());
  request.add_namespaces("*");
  EXPECT_EQ(ClientAs(kProducer)->RegisterKey(request).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(TreeSize(), size);
}

TEST_F(MutualTlsTest, NeitherAStolenCertificateNorAStolenKeyAloneCanWrite) {
  EventSigner producers_key = RegisterKey(kProducer);
  EventSigner admins_key = RegisterKey(kAdmin);
  const uint64_t size = TreeSize();
  // The producer's certificate with a key registered to someone else.
  auto wrong_key = ClientAs(kProducer)->AppendEvents(
      {admins_key.Sign(MakeRunEvent("acme/fraud", "stolen-key"))});
  ASSERT_TRUE(wrong_key.ok());
  EXPECT_EQ(wrong_key->receipts(0).error_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(wrong_key->receipts(0).error_message(), HasSubstr("belongs to principal"));
  // Another producer (right role, right namespace) with the producer's key.
  auto wrong_cert = ClientAs(kProducer2)->AppendEvents(
      {producers_key.Sign(MakeRunEvent("acme/fraud", "stolen-cert"))});
  ASSERT_TRUE(wrong_cert.ok());
  EXPECT_EQ(wrong_cert->receipts(0).error_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  // The right pair, but outside the principal's namespaces (the key allows "*").
  auto outside = ClientAs(kProducer)->AppendEvents(
      {producers_key.Sign(MakeRunEvent("globex/finance", "outside"))});
  ASSERT_TRUE(outside.ok());
  EXPECT_EQ(outside->receipts(0).error_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(outside->receipts(0).error_message(), HasSubstr("access policy"));
  EXPECT_EQ(TreeSize(), size);
}

TEST_F(MutualTlsTest, PolicyReloadTightensAccessAndABrokenFileKeepsTheOldOne) {
  EventSigner signer = RegisterKey(kProducer);
  std::unique_ptr<LedgerClient> producer = ClientAs(kProducer);
  ASSERT_EQ(producer->AppendEvents({signer.Sign(MakeRunEvent("acme/a", "1"))})->receipts(0).status(),
            v1::RECEIPT_STATUS_ACCEPTED);
  // A broken file: reload fails, the policy in force stays.
  ASSERT_TRUE(ReplaceFile(Path("policy.textproto"), "bindings { principal: \"x\" roles: NOPE }").ok());
  absl::Status broken = policies_->Reload();
  EXPECT_EQ(broken.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(broken.message(), HasSubstr("policy.textproto"));
  EXPECT_EQ(producer->AppendEvents({signer.Sign(MakeRunEvent("acme/a", "2"))})->receipts(0).status(),
            v1::RECEIPT_STATUS_ACCEPTED);
  // The producer's binding removed: the same connection is refused at once.
  ASSERT_TRUE(ReplaceFile(Path("policy.textproto"), PolicyText(false)).ok());
  ASSERT_TRUE(policies_->Reload().ok());
  const uint64_t size = TreeSize();
  auto refused = producer->AppendEvents({signer.Sign(MakeRunEvent("acme/a", "3"))});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(TreeSize(), size);
}

TEST_F(MutualTlsTest, AccessLogRecordsWhoReadWhatAndWhoWasRefused) {
  EventSigner signer = RegisterKey(kProducer);
  auto appended = ClientAs(kProducer)->AppendEvents({signer.Sign(MakeRunEvent("acme/fraud", "a"))});
  ASSERT_TRUE(appended.ok());
  std::unique_ptr<LedgerClient> auditor = ClientAs(kAuditor);
  ASSERT_TRUE(auditor->GetInclusionProofByIndex(appended->receipts(0).log_index()).ok());
  EXPECT_FALSE(ClientAs(kStranger)->GetEntries(0, 1).ok());
  // A traversal names nodes: the access log indexes them.
  certs_.push_back(std::make_unique<IssuedCert>(ClientCert(kAuditor)));
  auto channel = Channel(certs_.back().get());
  auto lineage = v1::LineageService::NewStub(channel);
  v1::TraverseRequest traverse;
  v1::NodeSelector* start = traverse.add_start();
  start->set_kind(v1::NODE_KIND_JOB);
  start->set_namespace_("acme/fraud");
  start->set_name("clean_transactions");
  traverse.set_direction(v1::DIRECTION_DOWNSTREAM);
  grpc::ClientContext traverse_context;
  auto reader = lineage->Traverse(&traverse_context, traverse);
  v1::TraverseResponse page;
  std::vector<uint64_t> answered;
  while (reader->Read(&page)) {
    for (const v1::Node& n : page.nodes()) answered.push_back(n.node_id());
  }
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_FALSE(answered.empty());

  auto audit = v1::AuditService::NewStub(channel);
  auto query = [&](const v1::QueryAccessLogRequest& request) {
    grpc::ClientContext context;
    v1::QueryAccessLogResponse response;
    EXPECT_TRUE(audit->QueryAccessLog(&context, request, &response).ok());
    return response;
  };
  v1::QueryAccessLogRequest by_auditor;
  by_auditor.set_principal(kAuditor);
  std::vector<std::string> methods;
  const v1::QueryAccessLogResponse auditor_records = query(by_auditor);
  for (const v1::AccessRecord& r : auditor_records.records()) methods.push_back(r.method());
  EXPECT_THAT(methods, ::testing::IsSupersetOf({"lineage.v1.LogService/GetInclusionProof",
                                                "lineage.v1.LineageService/Traverse"}));
  v1::QueryAccessLogRequest by_stranger;
  by_stranger.set_principal(kStranger);
  auto refused = query(by_stranger);
  ASSERT_EQ(refused.records_size(), 1);
  EXPECT_EQ(refused.records(0).method(), "lineage.v1.LogService/GetEntries");
  EXPECT_EQ(refused.records(0).status_code(), static_cast<int>(absl::StatusCode::kPermissionDenied));
  v1::QueryAccessLogRequest by_node;
  by_node.set_node_id(answered.back());
  auto touched = query(by_node);
  ASSERT_GE(touched.records_size(), 1);
  EXPECT_EQ(touched.records(0).principal(), kAuditor);
  EXPECT_EQ(touched.records(0).method(), "lineage.v1.LineageService/Traverse");
  // Pages walk the whole log without repeats.
  v1::QueryAccessLogRequest paged;
  paged.set_page_size(1);
  std::set<uint64_t> sequences;
  for (int i = 0; i < 100; ++i) {
    auto page_of_one = query(paged);
    for (const v1::AccessRecord& r : page_of_one.records()) {
      EXPECT_TRUE(sequences.insert(r.sequence()).second);
    }
    if (page_of_one.next_page_token().empty()) break;
    paged.set_page_token(page_of_one.next_page_token());
  }
  EXPECT_GE(sequences.size(), 4u);
}

TEST_F(MutualTlsTest, RateLimitsExhaustOnlyTheirPrincipal) {
  std::unique_ptr<LedgerClient> throttled = ClientAs(kThrottled);
  int exhausted = 0;
  for (int i = 0; i < 6; ++i) {
    absl::Status s = throttled->GetCheckpoint().status();
    if (s.code() == absl::StatusCode::kResourceExhausted) {
      ++exhausted;
      EXPECT_THAT(s.message(), HasSubstr("retry in"));
    }
  }
  EXPECT_GE(exhausted, 3);
  EXPECT_TRUE(ClientAs(kAuditor)->GetCheckpoint().ok());
}

// A TLS handshake with the server by OpenSSL directly (as the auditor,
// offering h2), with protocol versions up to `max_version`: the negotiated
// version and the verify result, or the handshake's error.
struct Handshake {
  bool connected = false;
  int version = 0;
  long verify_result = -1;
  std::string error;
};

Handshake HandshakeWith(const TestCa& ca, const IssuedCert& client, int port, int max_version) {
  Handshake out;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  // As a client outside this process would: the server's TLS 1.3-only
  // configuration is process-wide, so clear what it set on this context.
  SSL_CTX_clear_options(ctx, SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  BIO* ca_bio = BIO_new_mem_buf(ca.cert_pem().data(), static_cast<int>(ca.cert_pem().size()));
  X509* ca_cert = PEM_read_bio_X509(ca_bio, nullptr, nullptr, nullptr);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), ca_cert);
  BIO* cert_bio = BIO_new_mem_buf(client.cert_pem.data(), static_cast<int>(client.cert_pem.size()));
  BIO* key_bio = BIO_new_mem_buf(client.key_pem.data(), static_cast<int>(client.key_pem.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  SSL_CTX_use_certificate(ctx, cert);
  SSL_CTX_use_PrivateKey(ctx, key);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  static const unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof(kAlpn));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    out.error = "connect failed";
  } else {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) == 1) {
      out.connected = true;
      out.version = SSL_version(ssl);
      out.verify_result = SSL_get_verify_result(ssl);
    } else {
      out.error = ERR_error_string(ERR_get_error(), nullptr);
    }
    SSL_free(ssl);
  }
  ERR_clear_error();
  close(fd);
  X509_free(cert);
  X509_free(ca_cert);
  EVP_PKEY_free(key);
  BIO_free(ca_bio);
  BIO_free(cert_bio);
  BIO_free(key_bio);
  SSL_CTX_free(ctx);
  return out;
}

// The transport really is TLS 1.3 with the client certificate required.
TEST_F(MutualTlsTest, HandshakeIsTls13) {
  const Handshake h = HandshakeWith(ca_, ClientCert(kAuditor), server_->port(), TLS1_3_VERSION);
  ASSERT_TRUE(h.connected) << h.error;
  EXPECT_EQ(h.version, TLS1_3_VERSION);
  EXPECT_EQ(h.verify_result, X509_V_OK);
}

// gRPC alone would settle for TLS 1.2 with such a client; the server refuses
// it, and still serves TLS 1.3 clients afterwards.
TEST_F(MutualTlsTest, AClientOfferingOnlyTls12IsRefused) {
  const IssuedCert client = ClientCert(kAuditor);
  const Handshake old = HandshakeWith(ca_, client, server_->port(), TLS1_2_VERSION);
  // (The server ends the connection: the client sees an EOF, not an alert.)
  EXPECT_FALSE(old.connected) << "negotiated version " << std::hex << old.version;
  const Handshake current = HandshakeWith(ca_, client, server_->port(), TLS1_3_VERSION);
  ASSERT_TRUE(current.connected) << current.error;
  EXPECT_EQ(current.version, TLS1_3_VERSION);
  EXPECT_TRUE(ClientAs(kAuditor)->GetCheckpoint().ok());
}

TEST(ListenSafetyTest, PlaintextOffLoopbackNeedsTheInsecureFlag) {
  testing::TempDir dir;
  LineageLedgerOptions options;
  options.ledger.data_dir = dir.path() + "/db";
  auto node = *LineageLedger::Open(options, *Ed25519PrivateKey::Generate());
  ServerOptions open;
  open.listen_address = "0.0.0.0:0";
  auto refused = LedgerServer::Start(node->ledger(), open);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("not a loopback address"));
  open.allow_insecure_plaintext = true;
  EXPECT_TRUE(LedgerServer::Start(node->ledger(), open).ok());
  ServerOptions tls_without_policy;
  tls_without_policy.tls_cert_file = "a";
  tls_without_policy.tls_key_file = "b";
  tls_without_policy.tls_client_ca_file = "c";
  EXPECT_EQ(LedgerServer::Start(node->ledger(), tls_without_policy).status().code(),
            absl::StatusCode::kFailedPrecondition);
}


TEST_F(MutualTlsTest, RotatedCertificateFilesTakeEffectWithoutARestart) {
  ASSERT_TRUE(ClientAs(kAuditor)->GetCheckpoint().ok());
  // Rotate to a new CA: the server's certificate and key, and the client CA
  // it trusts, each replaced by an atomic rename, as a secret manager does.
  TestCa next("Rotated Lineage CA");
  CertSpec server_spec{"localhost", {"localhost"}, {}, {"127.0.0.1"}};
  server_spec.server = true;
  const IssuedCert rotated = next.Issue(server_spec);
  ASSERT_TRUE(CreateFile(Path("server.key.next"), rotated.key_pem, true).ok());
  ASSERT_TRUE(CreateFile(Path("server.pem.next"), rotated.cert_pem, false).ok());
  ASSERT_EQ(std::rename(Path("server.key.next").c_str(), Path("server.key").c_str()), 0);
  ASSERT_EQ(std::rename(Path("server.pem.next").c_str(), Path("server.pem").c_str()), 0);
  ASSERT_TRUE(ReplaceFile(Path("ca.pem"), next.cert_pem()).ok());
  // Within the reload interval (5 s here), a client of the new CA gets in.
  const IssuedCert client = next.Issue(CertSpec{"client", {}, {kAuditor}, {}});
  absl::Status status = absl::UnknownError("not tried");
  for (int attempt = 0; attempt < 60 && !status.ok(); ++attempt) {
    if (attempt > 0) absl::SleepFor(absl::Milliseconds(500));
    LedgerClient rotated_client(Channel(&client, next.cert_pem()), absl::Seconds(5));
    status = rotated_client.GetCheckpoint().status();
  }
  EXPECT_TRUE(status.ok()) << status;
  // And the old CA's certificates no longer work, the server still serving.
  EXPECT_EQ(ClientAs(kAuditor)->GetCheckpoint().status().code(), absl::StatusCode::kUnavailable);
}
}  // namespace
}  // namespace lineage
