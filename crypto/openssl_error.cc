#include "crypto/openssl_error.h"

#include <openssl/err.h>

#include "absl/strings/str_cat.h"

namespace lineage {

std::string DrainOpenSslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    absl::StrAppend(&out, out.empty() ? "" : "; ", buf);
  }
  return out.empty() ? "no OpenSSL error queued" : out;
}

}  // namespace lineage
