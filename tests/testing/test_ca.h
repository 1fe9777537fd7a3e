// Certificates made at test time with OpenSSL: a CA, server certificates,
// and client certificates with chosen identities and validity, written as
// PEM files. Nothing is checked in: every test run makes fresh keys.
#ifndef LINEAGE_TESTS_TESTING_TEST_CA_H_
#define LINEAGE_TESTS_TESTING_TEST_CA_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;

namespace lineage::testing {

struct IssuedCert {
  std::string cert_pem;
  std::string key_pem;
};

struct CertSpec {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName DNS entries.
  std::vector<std::string> uris;       // subjectAltName URI entries (SPIFFE IDs).
  std::vector<std::string> ips;        // subjectAltName IP entries.
  absl::Duration not_before_offset = absl::Hours(-1);  // From now.
  absl::Duration not_after_offset = absl::Hours(24);
  bool server = false;                                 // serverAuth vs clientAuth.
};

class TestCa {
 public:
  explicit TestCa(const std::string& name);
  ~TestCa();

  const std::string& cert_pem() const { return cert_pem_; }
  IssuedCert Issue(const CertSpec& spec) const;

 private:
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  std::string cert_pem_;
};

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_TESTING_TEST_CA_H_
