#include "client/event_signer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "crypto/dsse.h"
#include "crypto/formats.h"

namespace lineage {

EventSigner::EventSigner(Ed25519PrivateKey key)
    : key_(std::move(key)), key_id_(KeyId::Of(key_.public_key())) {}

v1::SignedEvent EventSigner::Sign(const v1::LineageEvent& event) const {
  std::string payload;
  {
    google::protobuf::io::StringOutputStream stream(&payload);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);  // Stable map order; not a canonical form.
    event.SerializeToCodedStream(&coded);
  }
  return SignPayload(std::move(payload));
}

v1::SignedEvent EventSigner::SignPayload(std::string payload) const {
  v1::SignedEvent out;
  out.set_payload_type(std::string(kLineageEventPayloadType));
  out.set_key_id(key_id_.ToHex());
  out.set_signature(key_.Sign(PreAuthEncode(kLineageEventPayloadType, payload)));
  out.set_payload(std::move(payload));
  return out;
}

}  // namespace lineage
