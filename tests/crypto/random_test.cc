// CSPRNG bytes (crypto/random.h).
#include "crypto/random.h"

#include <string>

#include "gtest/gtest.h"

namespace lineage {
namespace {

TEST(RandomTest, ReturnsRequestedLength) {
  EXPECT_EQ(RandomBytes(0), "");
  EXPECT_EQ(RandomBytes(1).size(), 1u);
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  EXPECT_EQ(RandomBytes(4096).size(), 4096u);
}

TEST(RandomTest, SaltsDoNotRepeat) {
  // Two equal 32-byte draws (or an all-zero one) would mean no randomness.
  const std::string a = RandomBytes(32);
  const std::string b = RandomBytes(32);
  EXPECT_NE(a, b);
  EXPECT_NE(a, std::string(32, '\0'));
}

}  // namespace
}  // namespace lineage
