#include "tessera/base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace tessera {
namespace {

Result<int, std::string> Half(int x) {
  if (x % 2 != 0) return MakeUnexpected(std::string("odd"));
  return x / 2;
}

TEST(Result, CarriesValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 2);
  auto bad = Half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "odd");
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>, std::string> r(std::make_unique<int>(7));
  std::unique_ptr<int> p = *std::move(r);
  EXPECT_EQ(*p, 7);
}

TEST(Result, VoidSpecialisation) {
  Result<void, std::string> ok;
  EXPECT_TRUE(ok);
  Result<void, std::string> bad = MakeUnexpected(std::string("no"));
  EXPECT_FALSE(bad);
  EXPECT_EQ(bad.error(), "no");
}

}  // namespace
}  // namespace tessera
