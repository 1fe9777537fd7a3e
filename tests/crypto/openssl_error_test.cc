// DrainOpenSslErrors (crypto/openssl_error.h): every queued error is
// reported, oldest first, and the queue is left empty.
#include "crypto/openssl_error.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace lineage {
namespace {

using ::testing::HasSubstr;

TEST(DrainOpenSslErrorsTest, EmptyQueueSaysSo) {
  ERR_clear_error();
  EXPECT_EQ(DrainOpenSslErrors(), "no OpenSSL error queued");
}

TEST(DrainOpenSslErrorsTest, ReportsEveryQueuedErrorInOrderAndEmptiesTheQueue) {
  ERR_clear_error();
  ERR_raise_data(ERR_LIB_EVP, EVP_R_UNSUPPORTED_ALGORITHM, "first");
  ERR_raise_data(ERR_LIB_EVP, EVP_R_INVALID_KEY_LENGTH, "second");
  const std::string text = DrainOpenSslErrors();
  EXPECT_THAT(text, HasSubstr("unsupported algorithm"));
  EXPECT_THAT(text, HasSubstr("invalid key length"));
  EXPECT_LT(text.find("unsupported algorithm"), text.find("invalid key length")) << text;
  EXPECT_THAT(text, HasSubstr("; "));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace lineage
