// The generator and the runtime on Tessera-PER-Test.asn: the constructs H.323's modules use
// little or not at all (extension addition groups, DEFAULT, a second root component list,
// SET, extensible sizes, fragmentation, recursion, parameterized and open types), and values
// from a newer version of a type kept through an older one.

#include <gtest/gtest.h>

#include "random_value.h"
#include "tessera/signaling/asn1/per.h"
#include "tessera/signaling/asn1/test_gen/per_test.h"

namespace tessera::signaling::per_test {
namespace {

using asn1::testing::KnownAlternatives;
using asn1::testing::RandomValue;
using asn1::testing::RoundTrip;
using Bytes = std::vector<uint8_t>;

TEST(PerTestModule, EveryAlternativeOfMessageRoundTrips) {
  static_assert(KnownAlternatives<Message>() == 11);
  for (uint64_t alt = 0; alt < KnownAlternatives<Message>(); ++alt) {
    for (uint64_t seed = 0; seed < 200; ++seed) {
      auto v = RandomValue<Message>(seed + 7000 * alt, {alt});
      ASSERT_TRUE(v) << "alternative " << alt;
      ASSERT_EQ(v->value.index(), alt);
      auto [bytes, problem] = RoundTrip(*v);
      ASSERT_TRUE(problem.empty()) << "alternative " << alt << " seed " << seed << ": " << problem;
    }
  }
}

TEST(PerTestModule, DefaultValuesAreLeftOutAndRestoredWhenDecoding) {
  Defaults d;
  EXPECT_EQ(d.count, 10);
  EXPECT_TRUE(d.enabled);
  EXPECT_EQ(d.level, Level::medium);
  auto bytes = asn1::EncodePer(d);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, (Bytes{0x00}));  // extension bit and four absent-component bits
  d.count = 11;
  bytes = asn1::EncodePer(d);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, (Bytes{0x40, 0xB0}));  // count's bit, then 11 in 7 bits
  auto back = asn1::DecodePer<Defaults>(*bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->count, 11);
  EXPECT_TRUE(back->enabled);
  EXPECT_EQ(back->level, Level::medium);
}

TEST(PerTestModule, AnExtensionGroupIsPresentWithItsMandatoryComponents) {
  Versioned v;
  v.first = 5;
  v.last = true;
  v.groupOptional = true;  // without groupMandatory: the group cannot be encoded
  auto r = asn1::EncodePer(v);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().reason.find("groupMandatory absent"), std::string::npos) << r.error().ToString();
  v.groupMandatory = 200;
  auto [bytes, problem] = RoundTrip(v);
  EXPECT_TRUE(problem.empty()) << problem;
}

TEST(PerTestModule, ComponentsAfterTheSecondExtensionMarkerAreRootComponents) {
  Versioned v;
  v.first = 5;
  v.last = true;
  auto bytes = asn1::EncodePer(v);
  ASSERT_TRUE(bytes);
  // extension bit 0, `maybe` absent, first = 101, last = 1: 0 0 101 1 (+ 2 padding bits)
  // -> 0010 1100
  EXPECT_EQ(*bytes, (Bytes{0x2C}));
}

TEST(PerTestModule, ValuesOfANewerVersionSurviveAnOlderOne) {
  VersionTwo two;
  two.a = 3;
  two.b = true;
  two.pick.emplace().set_z() = "abc";
  two.mood = MoodTwo::grumpy;
  two.c = "extra";
  two.d = -42;
  auto bytes = asn1::EncodePer(two);
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  auto one = asn1::DecodePer<VersionOne>(*bytes);
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->a, 3);
  EXPECT_EQ(one->b, true);
  ASSERT_TRUE(one->pick);
  ASSERT_NE(one->pick->unknown_extension(), nullptr);
  EXPECT_EQ(one->pick->unknown_extension()->index, 1u);
  EXPECT_EQ(static_cast<uint32_t>(*one->mood), 2u);  // beyond MoodOne's known values
  ASSERT_EQ(one->unknown_extensions.size(), 2u);
  EXPECT_EQ(one->unknown_extensions[0].index, 3u);
  EXPECT_EQ(one->unknown_extensions[1].index, 4u);
  // Re-encoded by the older version, it is what the newer one sent.
  auto again = asn1::EncodePer(*one);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(*again, *bytes);
  auto back = asn1::DecodePer<VersionTwo>(*again);
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == two);
}

TEST(PerTestModule, LongListsAndStringsAreFragmented) {
  Lists l;
  l.fixedList = {1, 2, 3};
  l.rangeList = {true};
  l.freeList.assign(20000, Bytes{});  // 16K items, then the rest: two length headers
  l.setOf = {7};
  auto [bytes, problem] = RoundTrip(l);
  ASSERT_TRUE(problem.empty()) << problem;
  Octets o;
  o.one = {1};
  o.two = {1, 2};
  o.three = {1, 2, 3};
  o.range = {1, 2};
  o.free.assign(70000, 0x5A);
  o.extSize = {1, 2, 3, 4, 5};  // outside the extensible root SIZE (4)
  o.bits16 = asn1::BitString({1, 2}, 16);
  o.bits17 = asn1::BitString({1, 2, 0x80}, 17);
  o.bitsFree = asn1::BitString(Bytes(3000, 0xA5), 24000);  // 16K bits, then the rest
  o.open.encoding = {0x80};
  auto [obytes, oproblem] = RoundTrip(o);
  ASSERT_TRUE(oproblem.empty()) << oproblem;
}

TEST(PerTestModule, ConstraintsAreCheckedWhenEncoding) {
  Lists l;
  l.fixedList = {1, 2};  // SIZE (3)
  l.rangeList = {true};
  l.setOf = {7};
  auto r = asn1::EncodePer(l);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "Lists.fixedList");
  Strings s;
  s.ia5One = "ab";  // SIZE (1)
  r = asn1::EncodePer(s);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().path.find("Strings."), std::string::npos);
}

TEST(PerTestModule, DecodedMemoryIsBoundedByABudgetProportionalToTheInput) {
  // A `light` item costs one bit but sizeof(HeavyItem) bytes once decoded.
  static_assert(sizeof(HeavyItem) >= 1000);
  auto encode = [](size_t items) {
    Heavy v;
    v.items.resize(items);
    for (auto& item : v.items)
      item.set_light();
    return asn1::EncodePer(v).value();
  };
  const Bytes small = encode(500);
  auto ok = asn1::DecodePer<Heavy>(small);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->items.size(), 500u);
  const Bytes large = encode(20000);
  ASSERT_LT(large.size(), 2600u);
  ASSERT_GT(20000 * sizeof(HeavyItem), asn1::kDecodedBytesBase + asn1::kDecodedBytesPerInputByte * large.size());
  auto refused = asn1::DecodePer<Heavy>(large);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().reason.find("memory budget"), std::string::npos) << refused.error().ToString();
}

}  // namespace
}  // namespace tessera::signaling::per_test
