#include "crypto/dsse.h"

#include "absl/strings/str_cat.h"

namespace lineage {

std::string PreAuthEncode(absl::string_view payload_type, absl::string_view payload) {
  return absl::StrCat("DSSEv1 ", payload_type.size(), " ", payload_type, " ", payload.size(), " ",
                      payload);
}

}  // namespace lineage
