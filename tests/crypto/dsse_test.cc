// DSSE pre-authentication encoding (crypto/dsse.h).
#include "crypto/dsse.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/crypto/test_vectors.h"

namespace lineage {
namespace {

TEST(DsseTest, PreAuthEncodeMatchesSpecVector) {
  const auto& v = Vectors().signing_vectors().dsse_pae();
  EXPECT_EQ(PreAuthEncode(v.payload_type(), v.payload_ascii()), v.pae_ascii());
}

TEST(DsseTest, LengthsAreByteCountsAndEmptyFieldsKeepTheirSpaces) {
  EXPECT_EQ(PreAuthEncode("", ""), "DSSEv1 0  0 ");
  // U+00E9 is two bytes in UTF-8; the body carries a NUL byte.
  EXPECT_EQ(PreAuthEncode("t\xC3\xA9", std::string("a\0b", 3)),
            std::string("DSSEv1 3 t\xC3\xA9 3 a\0b", 18));
}

}  // namespace
}  // namespace lineage
