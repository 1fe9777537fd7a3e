// The gRPC channel lineagectl opens to the ledger: plaintext, TLS, or mutual
// TLS, chosen by its --tls_* flags. Kept apart from cli_util so that
// lineage-verify, which is offline, links no gRPC.
//
//   ChannelOptions options{"ledger.example.com:50051"};
//   options.ca_file = "ca.pem";          // verify the server: TLS
//   options.cert_file = "client.pem";    // present a client certificate: mutual TLS
//   options.key_file = "client.key";
//   ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, OpenChannel(options));
//
// No TLS field set: plaintext (what the loopback development default and the
// loopback operator port, lineaged --local_listen, speak). Any TLS field set:
// TLS, the server's certificate verified against `ca_file` (or gRPC's default
// roots without it) and its name against `server_name` (or the host of
// `address`). The files are read and checked here, before any connection, so
// a mistake is reported naming the flag and the file rather than as a failed
// handshake; private key bytes never appear in a message.
//
// Thread-safety: pure function over the file system.
#ifndef LINEAGE_TOOLS_CLIENT_CHANNEL_H_
#define LINEAGE_TOOLS_CLIENT_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace lineage::cli {

// One field per lineagectl flag; error messages name the flag.
struct ChannelOptions {
  std::string address;      // --server, host:port.
  std::string ca_file;      // --tls_ca: PEM roots that must have signed the server's certificate.
  std::string cert_file;    // --tls_cert: PEM client certificate chain (mutual TLS).
  std::string key_file;     // --tls_key: PEM private key of --tls_cert, mode 0600.
  std::string server_name;  // --tls_server_name: name the server's certificate must carry.

  bool tls() const {
    return !ca_file.empty() || !cert_file.empty() || !key_file.empty() || !server_name.empty();
  }
};

// A channel to `options.address` (connecting lazily, on the first call).
// INVALID_ARGUMENT, naming the flag and the file, if only one of cert_file
// and key_file is given, if a file cannot be read or holds no PEM of the
// right kind, if the key file is readable by group or others, or if the key
// does not match the certificate.
absl::StatusOr<std::shared_ptr<grpc::Channel>> OpenChannel(const ChannelOptions& options);

// `status` from a call on a channel OpenChannel(options) made, with a hint
// in terms of the --tls_* flags appended to the message when it is a
// failure to connect that they explain (plaintext against a TLS port or
// TLS against a plaintext one, no client certificate, a server certificate
// from another CA or for another name); any other status unchanged. gRPC reports all of these as
// UNAVAILABLE with a terse transport message.
absl::Status ExplainConnectionFailure(const ChannelOptions& options, const absl::Status& status);

}  // namespace lineage::cli

#endif  // LINEAGE_TOOLS_CLIENT_CHANNEL_H_
