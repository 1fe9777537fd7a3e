// The fixed keys, registry and clock the fuzz targets and their seed
// generator share, so a seed signed by make_seeds verifies in the fuzzers.
//
//   producer key 0  RFC 8032 test 1 seed; active; owner "fuzz-producer";
//                   may write "acme.ml/*" and "shared"
//   producer key 1  RFC 8032 test 2 seed; revoked
//   producer key 2  RFC 8032 test 3 seed; active; owner "someone-else"; "*"
//   log key         RFC 8032 test 1 seed, named "example.com/lineage-test-log"
//                   (the golden checkpoint of docs/formats.md section 6)
//
// Thread-safety: the returned objects are immutable after first use.
#ifndef LINEAGE_TESTS_FUZZ_FUZZ_KEYS_H_
#define LINEAGE_TESTS_FUZZ_FUZZ_KEYS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "crypto/ed25519.h"
#include "crypto/key_id.h"
#include "crypto/signed_note.h"
#include "server/ledger/event_verifier.h"
#include "server/ledger/key_registry.h"

namespace lineage::fuzz {

inline constexpr int kProducerKeyCount = 3;
inline constexpr absl::string_view kLogName = "example.com/lineage-test-log";
inline constexpr absl::string_view kProducerPrincipal = "fuzz-producer";

// The moment every fuzzed verification happens at (2025-11-20T00:53:20Z).
inline absl::Time FuzzNow() { return absl::FromUnixSeconds(1763600000); }

inline const Ed25519PrivateKey& ProducerKey(int i) {
  static const auto* keys = [] {
    const char* seeds[kProducerKeyCount] = {
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    };
    auto* out = new std::vector<Ed25519PrivateKey>();
    for (const char* seed : seeds) {
      out->push_back(*Ed25519PrivateKey::FromSeed(absl::HexStringToBytes(seed)));
    }
    return out;
  }();
  return (*keys)[i % kProducerKeyCount];
}

inline const Ed25519PrivateKey& LogKey() { return ProducerKey(0); }

inline const NoteVerifier& LogVerifierKey() {
  static const auto* verifier = new NoteVerifier(std::string(kLogName), LogKey().public_key());
  return *verifier;
}

// A registry holding the three producer keys, built without storage.
inline const KeyRegistry& FuzzRegistry() {
  static const KeyRegistry* registry = [] {
    auto* out = new KeyRegistry();
    for (int i = 0; i < kProducerKeyCount; ++i) {
      v1::ProducerKey record;
      record.set_key_id(KeyId::Of(ProducerKey(i).public_key()).ToHex());
      record.set_public_key(ProducerKey(i).public_key().raw());
      record.mutable_not_before()->set_seconds(1700000000);
      record.mutable_not_after()->set_seconds(1900000000);
      if (i == 2) {
        record.set_owner("someone-else");
        record.add_namespaces("*");
      } else {
        record.set_owner(std::string(kProducerPrincipal));
        record.add_namespaces("acme.ml/*");
        record.add_namespaces("shared");
      }
      if (i == 1) {
        record.mutable_revoked_at()->set_seconds(1750000000);
        record.set_revocation_reason("fuzz: revoked");
      }
      out->Put(*KeyRegistry::FromRecord(std::move(record)));
    }
    return out;
  }();
  return *registry;
}

// The submitting principal: may write "acme.ml/*" only.
inline const ProducerIdentity& FuzzProducer() {
  static const auto* producer =
      new ProducerIdentity{std::string(kProducerPrincipal), {"acme.ml/*"}};
  return *producer;
}

}  // namespace lineage::fuzz

#endif  // LINEAGE_TESTS_FUZZ_FUZZ_KEYS_H_
