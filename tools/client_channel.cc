#include "tools/client_channel.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "crypto/openssl_ptr.h"

namespace lineage::cli {
namespace {

UniqueBio MemoryBio(const std::string& pem) {
  return UniqueBio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Refuses to ask for a pass phrase: OpenSSL's default callback would prompt
// on the terminal, and gRPC cannot use an encrypted key anyway.
int NoPassphrase(char*, int, int, void*) { return -1; }

// The file behind `flag`, any read error restated as INVALID_ARGUMENT
// naming the flag (the message already names the file).
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path,
                                         bool secret) {
  absl::StatusOr<std::string> contents = secret ? ReadSecretFile(path) : ReadFile(path);
  if (!contents.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", contents.status().message()));
  }
  return contents;
}

// The first certificate of a PEM text, or INVALID_ARGUMENT naming the flag
// and the file.
absl::StatusOr<UniqueX509> FirstCertificate(absl::string_view flag, const std::string& path,
                                            const std::string& pem) {
  UniqueBio bio = MemoryBio(pem);
  UniqueX509 cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        flag, ": ", path, " holds no PEM certificate (want \"-----BEGIN CERTIFICATE-----\")"));
  }
  return cert;
}

// Checks that `key_pem` is an unencrypted PEM private key, and the key of
// `cert`. Never quotes the key.
absl::Status CheckClientKey(const ChannelOptions& options, X509& cert, const std::string& key_pem) {
  UniqueBio bio = MemoryBio(key_pem);
  UniquePkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--tls_key: ", options.key_file,
        " holds no unencrypted PEM private key (want a \"-----BEGIN PRIVATE KEY-----\" block; "
        "an encrypted key must be decrypted first, e.g. openssl pkey -in KEY -out KEY.pem)"));
  }
  const bool matches = X509_check_private_key(&cert, key.get()) == 1;
  ERR_clear_error();
  if (!matches) {
    return absl::InvalidArgumentError(absl::StrCat("--tls_key: ", options.key_file,
                                                   " is not the private key of the certificate in "
                                                   "--tls_cert ",
                                                   options.cert_file));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const ChannelOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        options.key_file.empty()
            ? "--tls_key: missing; --tls_cert needs the matching private key "
              "(--tls_key=FILE) for mutual TLS"
            : "--tls_cert: missing; --tls_key needs the matching client certificate "
              "(--tls_cert=FILE) for mutual TLS");
  }
  grpc::SslCredentialsOptions ssl;  // Empty roots: gRPC's default roots.
  if (!options.ca_file.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadFlagFile("--tls_ca", options.ca_file, false));
    RETURN_IF_ERROR(FirstCertificate("--tls_ca", options.ca_file, ssl.pem_root_certs).status());
  }
  if (!options.cert_file.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadFlagFile("--tls_cert", options.cert_file, false));
    ASSIGN_OR_RETURN(UniqueX509 cert,
                     FirstCertificate("--tls_cert", options.cert_file, ssl.pem_cert_chain));
    ASSIGN_OR_RETURN(ssl.pem_private_key, ReadFlagFile("--tls_key", options.key_file, true));
    absl::Status key = CheckClientKey(options, *cert, ssl.pem_private_key);
    if (!key.ok()) {
      OPENSSL_cleanse(ssl.pem_private_key.data(), ssl.pem_private_key.size());
      return key;
    }
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::SslCredentials(ssl);
  OPENSSL_cleanse(ssl.pem_private_key.data(), ssl.pem_private_key.size());  // gRPC has a copy.
  return credentials;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const ChannelOptions& options) {
  if (!options.tls()) {
    return grpc::CreateChannel(options.address, grpc::InsecureChannelCredentials());
  }
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials, TlsCredentials(options));
  grpc::ChannelArguments args;
  if (!options.server_name.empty()) args.SetSslTargetNameOverride(options.server_name);
  return grpc::CreateCustomChannel(options.address, credentials, args);
}

absl::Status ExplainConnectionFailure(const ChannelOptions& options, const absl::Status& status) {
  // gRPC 1.51's words for each case; a newer gRPC's other words just get no hint.
  const absl::string_view message = status.message();
  if (!absl::IsUnavailable(status) || !absl::StrContains(message, "failed to connect")) {
    return status;
  }
  std::string hint;
  if (!options.tls()) {
    if (absl::StrContains(message, "Socket closed")) {
      hint =
          "the server closed a plaintext connection; if it speaks TLS (lineaged does on every "
          "non-loopback address), give --tls_ca, and --tls_cert and --tls_key for mutual TLS";
    }
  } else if (absl::StrContains(message, "Socket closed")) {
    hint = options.cert_file.empty()
               ? "the server closed the connection; it may require a client certificate: give "
                 "--tls_cert and --tls_key"
               : absl::StrCat(
                     "the server closed the connection; it may not accept the client "
                     "certificate in --tls_cert ",
                     options.cert_file, " (signed by another CA, or expired)");
  } else if (absl::StrContains(message, "certificate verify failed")) {
    hint = options.ca_file.empty()
               ? "the server's certificate is not signed by a CA gRPC trusts by default; give "
                 "its CA with --tls_ca"
               : absl::StrCat("the server's certificate is not signed by a CA in --tls_ca ",
                              options.ca_file, " (or has expired)");
  } else if (absl::StrContains(message, "wrong version number")) {
    hint =
        "the server does not speak TLS on this port (a plaintext port such as lineaged's "
        "--local_listen): leave out the --tls_* flags there";
  } else if (absl::StrContains(message, "not in peer certificate")) {
    hint =
        "the server's certificate is not for the host in --server; give a name it carries with "
        "--tls_server_name";
  }
  if (hint.empty()) return status;
  return absl::Status(status.code(), absl::StrCat(message, "\nhint: ", hint));
}

}  // namespace lineage::cli
