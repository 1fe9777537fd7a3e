#include "tests/testing/test_ca.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace lineage::testing {
namespace {

std::atomic<long> next_serial{1000};

void Check(bool ok) {
  if (!ok) std::abort();
}

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Check(key != nullptr);
  return key;
}

std::string ToPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

std::string KeyToPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Check(ext != nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* NewCert(const std::string& cn, EVP_PKEY* key, absl::Duration from, absl::Duration to) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), next_serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), static_cast<long>(absl::ToInt64Seconds(from)));
  X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(absl::ToInt64Seconds(to)));
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

}  // namespace

TestCa::TestCa(const std::string& name) {
  key_ = NewKey();
  cert_ = NewCert(name, key_, absl::Hours(-1), absl::Hours(48));
  X509_set_issuer_name(cert_, X509_get_subject_name(cert_));
  AddExtension(cert_, cert_, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert_, cert_, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert_, cert_, NID_subject_key_identifier, "hash");
  Check(X509_sign(cert_, key_, EVP_sha256()) > 0);
  cert_pem_ = ToPem(cert_);
}

TestCa::~TestCa() {
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

IssuedCert TestCa::Issue(const CertSpec& spec) const {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(spec.common_name, key, spec.not_before_offset, spec.not_after_offset);
  X509_set_issuer_name(cert, X509_get_subject_name(cert_));
  AddExtension(cert, cert_, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert, cert_, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  AddExtension(cert, cert_, NID_ext_key_usage, spec.server ? "serverAuth" : "clientAuth");
  AddExtension(cert, cert_, NID_authority_key_identifier, "keyid:always");
  std::vector<std::string> sans;
  for (const std::string& d : spec.dns_names) sans.push_back("DNS:" + d);
  for (const std::string& u : spec.uris) sans.push_back("URI:" + u);
  for (const std::string& ip : spec.ips) sans.push_back("IP:" + ip);
  if (!sans.empty()) AddExtension(cert, cert_, NID_subject_alt_name, absl::StrJoin(sans, ","));
  Check(X509_sign(cert, key_, EVP_sha256()) > 0);
  IssuedCert out{ToPem(cert), KeyToPem(key)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace lineage::testing
