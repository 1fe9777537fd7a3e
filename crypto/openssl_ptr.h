// Owning pointers for the OpenSSL objects this code base creates, so each
// is freed exactly once by its own free function (one set of deleters,
// shared by the crypto layer and the tools).
//
//   UniquePkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
//
// Thread-safety: as std::unique_ptr.
#ifndef LINEAGE_CRYPTO_OPENSSL_PTR_H_
#define LINEAGE_CRYPTO_OPENSSL_PTR_H_

#include <openssl/bio.h>
#include <openssl/conf.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace lineage {

struct OpenSslFree {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(CONF* p) const { NCONF_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(X509* p) const { X509_free(p); }
};

using UniqueBio = std::unique_ptr<BIO, OpenSslFree>;
using UniqueConf = std::unique_ptr<CONF, OpenSslFree>;
using UniquePkey = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using UniqueMdCtx = std::unique_ptr<EVP_MD_CTX, OpenSslFree>;
using UniqueX509 = std::unique_ptr<X509, OpenSslFree>;

}  // namespace lineage

#endif  // LINEAGE_CRYPTO_OPENSSL_PTR_H_
