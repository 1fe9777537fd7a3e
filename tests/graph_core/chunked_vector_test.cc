// ChunkedVector: growing keeps every element in place and its value; new
// elements are value-initialised; size never shrinks.
#include "server/graph/chunked_vector.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace lineage {
namespace {

TEST(ChunkedVectorTest, GrowingMovesNothingAndKeepsValues) {
  ChunkedVector<std::string, 4> v;  // Chunks of 16, so growth crosses many.
  EXPECT_EQ(v.size(), 0u);
  std::vector<const std::string*> addresses;
  for (size_t i = 0; i < 1000; ++i) {
    v.GrowTo(i + 1);
    EXPECT_TRUE(v[i].empty()) << i;  // Value-initialised.
    v[i] = std::string(i % 40 + 1, static_cast<char>('a' + i % 26));
    addresses.push_back(&v[i]);
  }
  EXPECT_EQ(v.size(), 1000u);
  v.GrowTo(5000);
  v.GrowTo(10);  // Never shrinks.
  EXPECT_EQ(v.size(), 5000u);
  for (size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(&v[i], addresses[i]) << i;
    EXPECT_EQ(v[i], std::string(i % 40 + 1, static_cast<char>('a' + i % 26))) << i;
  }
  for (size_t i = 1000; i < 5000; ++i) EXPECT_TRUE(v[i].empty()) << i;
}

struct alignas(64) Wide {
  int value = 7;
};

TEST(ChunkedVectorTest, OverAlignedElementsAreAlignedAndDefaultConstructed) {
  ChunkedVector<Wide, 3> v;
  v.GrowTo(100);
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(&v[i]) % 64, 0u) << i;
    EXPECT_EQ(v[i].value, 7) << i;
  }
}

}  // namespace
}  // namespace lineage
