#include "server/service/tls_floor.h"

#include <openssl/conf.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/base/call_once.h"
#include "absl/strings/str_cat.h"
#include "crypto/openssl_error.h"
#include "crypto/openssl_ptr.h"

namespace lineage {
namespace {

// OpenSSL configuration, as openssl.cnf(5) would hold it. "Protocol"
// (unlike MinProtocol) works through the SSL_OP_NO_* flags.
constexpr char kConfig[] =
    "openssl_conf = lineaged_openssl\n"
    "[lineaged_openssl]\n"
    "ssl_conf = lineaged_ssl\n"
    "[lineaged_ssl]\n"
    "system_default = lineaged_tls\n"
    "[lineaged_tls]\n"
    "Protocol = -ALL, TLSv1.3\n"
    "CipherString = DEFAULT:@SECLEVEL=2\n";

absl::Status Apply() {
  if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_CONFIG, nullptr) != 1) {
    return absl::InternalError(absl::StrCat("OPENSSL_init_ssl: ", DrainOpenSslErrors()));
  }
  OPENSSL_load_builtin_modules();
  UniqueConf conf(NCONF_new(nullptr));
  UniqueBio bio(BIO_new_mem_buf(kConfig, -1));
  long error_line = 0;
  if (conf == nullptr || bio == nullptr ||
      NCONF_load_bio(conf.get(), bio.get(), &error_line) != 1 ||
      CONF_modules_load(conf.get(), nullptr, 0) != 1) {
    return absl::InternalError(
        absl::StrCat("loading the TLS 1.3-only OpenSSL configuration: ", DrainOpenSslErrors()));
  }
  // What gRPC will get: a fresh context, with gRPC's own minimum applied.
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()),
                                                        SSL_CTX_free);
  if (ctx == nullptr)
    return absl::InternalError(absl::StrCat("SSL_CTX_new: ", DrainOpenSslErrors()));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  const uint64_t below13 =
      SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TLSv1_2;
  const uint64_t options = SSL_CTX_get_options(ctx.get());
  if ((options & below13) != below13 || (options & SSL_OP_NO_TLSv1_3) != 0) {
    return absl::InternalError(
        "OpenSSL did not apply the TLS 1.3-only configuration to new contexts; refusing to serve "
        "TLS that would accept TLS 1.2");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RequireTls13() {
  static absl::once_flag once;
  static absl::Status* status = nullptr;
  absl::call_once(once, [] { status = new absl::Status(Apply()); });
  return *status;
}

}  // namespace lineage
