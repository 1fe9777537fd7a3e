#include "server/log_key.h"

#include "absl/synchronization/notification.h"
#include "common/files.h"
#include "server/auth/access_policy.h"
#include "common/status_macros.h"
#include "crypto/key_id.h"

namespace lineage {

absl::StatusOr<LoadedKey> LoadOrCreatePrivateKey(const std::string& path, bool create) {
  absl::StatusOr<std::string> pem = ReadSecretFile(path);
  if (pem.ok()) {
    ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::FromPem(*pem));
    return LoadedKey{std::move(key), false};
  }
  if (!absl::IsNotFound(pem.status()) || !create) return pem.status();
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  RETURN_IF_ERROR(CreateFile(path, key.ToPem(), /*secret=*/true));
  return LoadedKey{std::move(key), true};
}

absl::StatusOr<std::string> EnsureDevProducerKey(Ledger& ledger, const std::string& path) {
  ASSIGN_OR_RETURN(LoadedKey loaded, LoadOrCreatePrivateKey(path, /*create=*/true));
  const std::string key_id = KeyId::Of(loaded.key.public_key()).ToHex();
  v1::ListKeysRequest list;
  list.set_include_inactive(true);
  ASSIGN_OR_RETURN(v1::ListKeysResponse keys, ledger.ListKeys(list));
  for (const v1::ProducerKey& k : keys.keys()) {
    if (k.key_id() == key_id) return key_id;
  }
  v1::RegisterKeyRequest request;
  request.set_public_key(loaded.key.public_key().raw());
  request.add_namespaces(std::string("*"));  // std::string: avoids a GCC 12 -Wrestrict false positive.
  request.set_owner(std::string(kLocalPrincipal));  // The plaintext development caller.
  request.set_description("development producer key created by lineaged on first start");
  absl::Notification registered;
  absl::Status status;
  ledger.RegisterKey(request, "lineaged (development default)",
                     [&](absl::StatusOr<v1::ProducerKey> key) {
                       status = key.status();
                       registered.Notify();
                     });
  registered.WaitForNotification();
  RETURN_IF_ERROR(status);
  return key_id;
}

}  // namespace lineage
