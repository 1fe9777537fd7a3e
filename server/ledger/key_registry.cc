#include "server/ledger/key_registry.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace lineage {

absl::StatusOr<std::shared_ptr<const RegisteredKey>> KeyRegistry::FromRecord(
    v1::ProducerKey record) {
  ASSIGN_OR_RETURN(Ed25519PublicKey public_key, Ed25519PublicKey::FromRaw(record.public_key()));
  KeyId id = KeyId::Of(public_key);
  if (id.ToHex() != record.key_id()) {
    return absl::DataLossError(absl::StrCat("producer key record ", record.key_id(),
                                            " holds the public key of ", id.ToHex()));
  }
  return std::make_shared<const RegisteredKey>(
      RegisteredKey{id, std::move(public_key), std::move(record)});
}

absl::StatusOr<std::unique_ptr<KeyRegistry>> KeyRegistry::Load(const LogStore& store) {
  auto registry = std::make_unique<KeyRegistry>();
  absl::Status status = absl::OkStatus();
  RETURN_IF_ERROR(store.ScanKeys([&](const KeyId& id, absl::string_view bytes) {
    if (!status.ok()) return;
    v1::ProducerKey record;
    if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      status = absl::DataLossError(absl::StrCat("stored producer key ", id.ToHex(),
                                                " is not a valid ProducerKey message"));
      return;
    }
    absl::StatusOr<std::shared_ptr<const RegisteredKey>> key = FromRecord(std::move(record));
    if (!key.ok()) {
      status = absl::DataLossError(absl::StrCat("stored producer key ", id.ToHex(), ": ",
                                                key.status().message()));
      return;
    }
    registry->Put(*std::move(key));
  }));
  RETURN_IF_ERROR(status);
  return registry;
}

std::shared_ptr<const RegisteredKey> KeyRegistry::Find(const KeyId& id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = keys_.find(std::string(id.AsBytes()));
  return it == keys_.end() ? nullptr : it->second;
}

void KeyRegistry::Put(std::shared_ptr<const RegisteredKey> key) {
  absl::MutexLock lock(&mu_);
  keys_[std::string(key->id.AsBytes())] = std::move(key);
}

std::vector<std::shared_ptr<const RegisteredKey>> KeyRegistry::List() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<std::shared_ptr<const RegisteredKey>> out;
  out.reserve(keys_.size());
  for (const auto& [id, key] : keys_) out.push_back(key);
  return out;
}

}  // namespace lineage
