// The aligned-PER primitives (X.691) against encodings worked out from the standard and
// confirmed with Erlang/OTP's asn1 compiler (option per), and the decoder's behaviour on
// input that is not a valid encoding.

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "tessera/signaling/asn1/per_decoder.h"
#include "tessera/signaling/asn1/per_encoder.h"

namespace tessera::signaling::asn1 {
namespace {

using Bytes = std::vector<uint8_t>;

IntegerRange Range(int64_t lb, int64_t ub, bool ext = false) {
  return {lb, ub, true, true, ext};
}
SizeRange Size(uint64_t lb, uint64_t ub, bool ext = false) {
  return {lb, ub, true, ext};
}

// Encodes with a leading and a trailing TRUE bit, as a field between two BOOLEANs of a
// SEQUENCE: that shows whether the value is octet-aligned or a bit-field.
template <typename F>
Bytes Framed(F put) {
  Bytes out;
  PerEncoder e(out);
  e.PutBoolean(true);
  EXPECT_TRUE(put(e));
  e.PutBoolean(true);
  e.FinishComplete();
  return out;
}

template <typename F>
Bytes Plain(F put) {
  Bytes out;
  PerEncoder e(out);
  EXPECT_TRUE(put(e));
  e.FinishComplete();
  return out;
}

TEST(PerInteger, RangeUpTo255IsABitFieldThatIsNotOctetAligned) {
  // Pitfall 3 of the brief: INTEGER (1..255) takes 8 bits right after the previous field.
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutInteger(5, Range(1, 255)); }), (Bytes{0x82, 0x40}));
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutInteger(3, Range(0, 7)); }), (Bytes{0xB8}));
}

TEST(PerInteger, RangeOf256IsOneAlignedOctetAndUpTo64KTwo) {
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutInteger(5, Range(0, 255)); }), (Bytes{0x80, 0x05, 0x80}));
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutInteger(5, Range(0, 256)); }), (Bytes{0x80, 0x00, 0x05, 0x80}));
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutInteger(65535, Range(0, 65535)); }),
            (Bytes{0x80, 0xFF, 0xFF, 0x80}));
}

TEST(PerInteger, LargerRangesSendAnOctetCountThenTheOctets) {
  const auto r = Range(0, 4294967295);
  EXPECT_EQ(Plain([&](PerEncoder& e) { return e.PutInteger(0, r); }), (Bytes{0x00, 0x00}));
  EXPECT_EQ(Plain([&](PerEncoder& e) { return e.PutInteger(255, r); }), (Bytes{0x00, 0xFF}));
  EXPECT_EQ(Plain([&](PerEncoder& e) { return e.PutInteger(256, r); }), (Bytes{0x40, 0x01, 0x00}));
  EXPECT_EQ(Plain([&](PerEncoder& e) { return e.PutInteger(4294967295, r); }), (Bytes{0xC0, 0xFF, 0xFF, 0xFF, 0xFF}));
}

TEST(PerInteger, SemiConstrainedAndUnconstrainedCarryALength) {
  const IntegerRange from_one{1, 0, true, false, false};
  EXPECT_EQ(Framed([&](PerEncoder& e) { return e.PutInteger(1, from_one); }), (Bytes{0x80, 0x01, 0x00, 0x80}));
  EXPECT_EQ(Framed([&](PerEncoder& e) { return e.PutInteger(256, from_one); }), (Bytes{0x80, 0x01, 0xFF, 0x80}));
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutInteger(-1, kUnconstrainedInteger); }),
            (Bytes{0x80, 0x01, 0xFF, 0x80}));
  EXPECT_EQ(Plain([](PerEncoder& e) { return e.PutInteger(128, kUnconstrainedInteger); }), (Bytes{0x02, 0x00, 0x80}));
}

TEST(PerInteger, ExtensibleRangeSendsValuesOutsideTheRootUnconstrained) {
  const auto r = Range(0, 16383, true);
  EXPECT_EQ(Framed([&](PerEncoder& e) { return e.PutInteger(5, r); }), (Bytes{0x80, 0x00, 0x05, 0x80}));
  EXPECT_EQ(Framed([&](PerEncoder& e) { return e.PutInteger(20000, r); }), (Bytes{0xC0, 0x02, 0x4E, 0x20, 0x80}));
}

TEST(PerInteger, ValueOutsideANonExtensibleRangeIsAnEncodeError) {
  Bytes out;
  PerEncoder e(out);
  EXPECT_FALSE(e.PutInteger(0, Range(1, 255)));
  EXPECT_NE(e.trace().ToError().reason.find("outside (1..255)"), std::string::npos);
}

TEST(PerInteger, EveryRangeShapeRoundTripsAtItsEdges) {
  const std::vector<IntegerRange> ranges = {Range(0, 0),
                                            Range(0, 1),
                                            Range(0, 254),
                                            Range(0, 255),
                                            Range(0, 256),
                                            Range(1, 65535),
                                            Range(0, 65536),
                                            Range(-262144, 262143),
                                            Range(0, 4294967295),
                                            Range(1, 16, true),
                                            {1, 0, true, false, false},
                                            kUnconstrainedInteger,
                                            {0, 0, false, false, true}};
  std::mt19937_64 rng(7);
  for (const auto& r : ranges) {
    std::vector<int64_t> values;
    const int64_t lo = r.has_lb ? r.lb : INT64_MIN;
    const int64_t hi = r.has_ub ? r.ub : INT64_MAX;
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    values = {lo, hi, static_cast<int64_t>(static_cast<uint64_t>(lo) + span / 2)};
    if (hi > lo) values.push_back(lo + 1);
    if (r.extensible) values.insert(values.end(), {-1000000, 1000000, INT64_MIN, INT64_MAX});
    for (int i = 0; i < 20; ++i) {
      values.push_back(
          static_cast<int64_t>(static_cast<uint64_t>(lo) + (span == UINT64_MAX ? rng() : rng() % (span + 1))));
    }
    for (int64_t v : values) {
      Bytes out;
      PerEncoder e(out);
      e.PutBit(true);  // misalign on purpose
      ASSERT_TRUE(e.PutInteger(v, r)) << v;
      e.FinishComplete();
      PerDecoder d(out);
      bool first;
      int64_t back = 0;
      ASSERT_TRUE(d.GetBit(first));
      ASSERT_TRUE(d.GetInteger(back, r)) << v << ": " << d.trace().ToError().ToString();
      EXPECT_EQ(back, v);
    }
  }
}

TEST(PerChoice, ExtensionAlternativeIndexIsANormallySmallNumber) {
  // Pitfall 1 of the brief: after the extension bit, the index of an extension alternative is
  // a normally small non-negative number (X.691 23.8), not a constrained one.
  EXPECT_EQ(Plain([](PerEncoder& e) { return e.PutChoiceIndex(2, 2, true); }), (Bytes{0x80}));
  EXPECT_EQ(Plain([](PerEncoder& e) { return e.PutChoiceIndex(3, 2, true); }), (Bytes{0x81}));
  EXPECT_EQ(Plain([](PerEncoder& e) { return e.PutChoiceIndex(1, 2, true); }), (Bytes{0x40}));
  const Bytes b{0x83};
  PerDecoder d(b);
  uint64_t index = 0;
  ASSERT_TRUE(d.GetChoiceIndex(index, 5, true));
  EXPECT_EQ(index, 5u + 3u);
}

TEST(PerChoice, NormallySmallNumbersAbove63TakeALength) {
  EXPECT_EQ(Plain([](PerEncoder& e) {
              e.PutNormallySmall(64);
              return true;
            }),
            (Bytes{0x80, 0x01, 0x40}));
}

TEST(PerLength, UnconstrainedLengthsUseOneOrTwoOctetsThenFragments) {
  auto octets = [](size_t n) {
    Bytes out;
    PerEncoder e(out);
    EXPECT_TRUE(e.PutOctetString(Bytes(n, 0xAB), kUnconstrainedSize));
    return out;
  };
  EXPECT_EQ(octets(127)[0], 0x7F);
  const Bytes b128 = octets(128);
  EXPECT_EQ(Bytes(b128.begin(), b128.begin() + 2), (Bytes{0x80, 0x80}));
  const Bytes b16383 = octets(16383);
  EXPECT_EQ(Bytes(b16383.begin(), b16383.begin() + 2), (Bytes{0xBF, 0xFF}));
  // 16384: one full fragment (0xC1) and a final empty one.
  const Bytes f = octets(16384);
  ASSERT_EQ(f.size(), 1u + 16384u + 1u);
  EXPECT_EQ(f.front(), 0xC1);
  EXPECT_EQ(f.back(), 0x00);
  // 70000 = 4 x 16K (0xC4) + 4464 (0x91 0x70).
  const Bytes g = octets(70000);
  ASSERT_EQ(g.size(), 1u + 65536u + 2u + 4464u);
  EXPECT_EQ(g[0], 0xC4);
  EXPECT_EQ(g[1 + 65536], 0x91);
  EXPECT_EQ(g[2 + 65536], 0x70);
  for (size_t n : {0u, 1u, 16383u, 16384u, 16385u, 32768u, 65536u, 70000u, 81920u}) {
    Bytes v(n);
    for (size_t i = 0; i < n; ++i)
      v[i] = static_cast<uint8_t>(i * 7);
    Bytes out;
    PerEncoder e(out);
    ASSERT_TRUE(e.PutOctetString(v, kUnconstrainedSize));
    PerDecoder d(out);
    Bytes back;
    ASSERT_TRUE(d.GetOctetString(back, kUnconstrainedSize)) << n << ": " << d.trace().ToError().ToString();
    EXPECT_EQ(back, v) << n;
  }
}

TEST(PerOctetString, FixedSizesUpToTwoOctetsAreNotAligned) {
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutOctetString(Bytes{1, 2}, Size(2, 2)); }), (Bytes{0x80, 0x81, 0x40}));
  EXPECT_EQ(Framed([](PerEncoder& e) {
              return e.PutOctetString(Bytes{1, 2, 3}, Size(3, 3));
            }),
            (Bytes{0x80, 0x01, 0x02, 0x03, 0x80}));
  EXPECT_EQ(Framed([](PerEncoder& e) {
              return e.PutOctetString(Bytes{1, 2, 3}, Size(0, 10));
            }),
            (Bytes{0x98, 0x01, 0x02, 0x03, 0x80}));
}

TEST(PerBitString, FixedSizesUpTo16BitsAreNotAligned) {
  EXPECT_EQ(Framed([](PerEncoder& e) {
              return e.PutBitString(BitString({0x01, 0x02}, 16), Size(16, 16));
            }),
            (Bytes{0x80, 0x81, 0x40}));
  EXPECT_EQ(Framed([](PerEncoder& e) {
              return e.PutBitString(BitString({0x01, 0x02, 0x80}, 17), Size(17, 17));
            }),
            (Bytes{0x80, 0x01, 0x02, 0xC0}));
  // Variable sizes are aligned: length 1 in 4 bits, padding, then the bit.
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutBitString(BitString::FromBits({true}), Size(0, 10)); }),
            (Bytes{0x88, 0xC0}));
}

TEST(PerString, PermittedAlphabetCharactersTakeTheIndexWidth) {
  // Pitfall 2 of the brief: dialedDigits IA5String (SIZE (1..128)) (FROM ("0123456789#*,")):
  // 13 characters -> 4 bits per character, coded as their index in the alphabet.
  const PermittedAlphabet digits{U"#*,0123456789", 0, 0, 4, true};
  EXPECT_EQ(Plain([&](PerEncoder& e) { return e.PutString("1000", Size(1, 128), digits); }), (Bytes{0x06, 0x43, 0x33}));
  // NumericString: " 0123456789", 4 bits, index.
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutString("1", Size(1, 2), kNumericStringAlphabet); }), (Bytes{0x8A}));
}

TEST(PerString, CharactersAreAlignedWhenTheLongestStringTakes16BitsOrMore) {
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutString("a", Size(1, 1), kIa5StringAlphabet); }),
            (Bytes{0xB0, 0xC0}));
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutString("ab", Size(2, 2), kIa5StringAlphabet); }),
            (Bytes{0x80, 0x61, 0x62, 0x80}));
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutString("a", Size(1, 2, true), kIa5StringAlphabet); }),
            (Bytes{0x80, 0x61, 0x80}));
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutString("abc", Size(1, 2, true), kIa5StringAlphabet); }),
            (Bytes{0xC0, 0x03, 0x61, 0x62, 0x63, 0x80}));
  EXPECT_EQ(Framed([](PerEncoder& e) { return e.PutString(u"A", Size(1, 1), kBmpStringAlphabet); }),
            (Bytes{0x80, 0x00, 0x41, 0x80}));
}

TEST(PerString, CharacterOutsideTheAlphabetIsAnEncodeError) {
  const PermittedAlphabet digits{U"#*,0123456789", 0, 0, 4, true};
  Bytes out;
  PerEncoder e(out);
  EXPECT_FALSE(e.PutString("12a", Size(1, 128), digits));
  EXPECT_NE(e.trace().ToError().reason.find("not in the permitted alphabet"), std::string::npos);
}

TEST(PerObjectIdentifier, IsALengthAndTheBerContents) {
  EXPECT_EQ(Plain([](PerEncoder& e) {
              return e.PutObjectIdentifier({0, 0, 8, 2250, 0, 7});
            }),
            (Bytes{0x06, 0x00, 0x08, 0x91, 0x4A, 0x00, 0x07}));
  const Bytes b{0x07, 0x00, 0x08, 0x81, 0x75, 0x00, 0x0F, 0x00};
  PerDecoder d(b);
  ObjectIdentifier oid;
  ASSERT_TRUE(d.GetObjectIdentifier(oid));
  EXPECT_EQ(oid.ToString(), "0.0.8.245.0.15.0");
  EXPECT_EQ(ObjectIdentifier({2, 999, 3}).ToString(), "2.999.3");
  EXPECT_EQ(Plain([](PerEncoder& e) { return e.PutObjectIdentifier({2, 999, 3}); }), (Bytes{0x03, 0x88, 0x37, 0x03}));
}

TEST(PerOpenType, AnEmptyValueIsOneZeroOctetAndLongOnesGetATwoOctetLength) {
  EXPECT_EQ(Plain([](PerEncoder& e) {
              const size_t m = e.BeginOpenType();
              e.EndOpenType(m);
              return true;
            }),
            (Bytes{0x01, 0x00}));
  const Bytes long_value = Plain([](PerEncoder& e) {
    const size_t m = e.BeginOpenType();
    for (int i = 0; i < 200; ++i)
      e.PutBits(0x5A, 8);
    e.EndOpenType(m);
    return true;
  });
  ASSERT_EQ(long_value.size(), 202u);
  EXPECT_EQ(long_value[0], 0x80);
  EXPECT_EQ(long_value[1], 200);
  EXPECT_EQ(long_value[2], 0x5A);
}

TEST(PerExtensions, BitmapHasOneBitPerKnownAdditionUnlessTrimmed) {
  const bool present[3] = {true, false, false};
  EXPECT_EQ(Plain([&](PerEncoder& e) { return e.PutExtensionBitmap(present, {}); }), (Bytes{0x05, 0x00}));
  Bytes out;
  PerEncoder trimmed(out, EncodeOptions{.trim_extension_bitmaps = true});
  ASSERT_TRUE(trimmed.PutExtensionBitmap(present, {}));
  trimmed.FinishComplete();
  EXPECT_EQ(out, (Bytes{0x01}));
}

// --- the decoder on bad input ---

Error DecodeError(const Bytes& input, const std::function<bool(PerDecoder&)>& read) {
  PerDecoder d(input);
  EXPECT_FALSE(read(d));
  return d.trace().ToError();
}

TEST(PerDecoderErrors, RunningOutOfBitsIsAnErrorNotAnOverRead) {
  const Error e = DecodeError({0x80}, [](PerDecoder& d) {
    int64_t v;
    return d.GetInteger(v, Range(0, 65535));
  });
  EXPECT_NE(e.reason.find("unexpected end of data"), std::string::npos) << e.ToString();
}

TEST(PerDecoderErrors, ALengthBeyondTheRemainingDataIsRejectedBeforeAllocating) {
  const Error e = DecodeError({0x28, 1, 2, 3}, [](PerDecoder& d) {
    Bytes v;
    return d.GetOctetString(v, kUnconstrainedSize);
  });
  EXPECT_NE(e.reason.find("needs more than"), std::string::npos) << e.ToString();
}

TEST(PerDecoderErrors, AConstrainedNumberBeyondItsRangeIsRejected) {
  // Range 0..4 takes 3 bits; 7 does not exist.
  const Error e = DecodeError({0xE0}, [](PerDecoder& d) {
    int64_t v;
    return d.GetInteger(v, Range(0, 4));
  });
  EXPECT_NE(e.reason.find("beyond its range"), std::string::npos) << e.ToString();
}

TEST(PerDecoderErrors, InvalidFragmentHeadersAndEmptyOpenTypesAreRejected) {
  EXPECT_NE(DecodeError({0xC5, 0x00},
                        [](PerDecoder& d) {
                          Bytes v;
                          return d.GetOctetString(v, kUnconstrainedSize);
                        })
                .reason.find("fragment header"),
            std::string::npos);
  EXPECT_NE(DecodeError({0x00},
                        [](PerDecoder& d) {
                          OpenScope s;
                          return d.BeginOpenType(s);
                        })
                .reason.find("no contents"),
            std::string::npos);
}

TEST(PerDecoderErrors, NonMinimalOrTruncatedObjectIdentifiersAreRejected) {
  EXPECT_FALSE(DecodeError({0x02, 0x80, 0x01}, [](PerDecoder& d) {
                 ObjectIdentifier o;
                 return d.GetObjectIdentifier(o);
               }).reason.empty());
  EXPECT_NE(DecodeError({0x01, 0x81},
                        [](PerDecoder& d) {
                          ObjectIdentifier o;
                          return d.GetObjectIdentifier(o);
                        })
                .reason.find("inside a subidentifier"),
            std::string::npos);
}

TEST(PerDecoderErrors, ListsOfItemsTakingNoBitsAreCapped) {
  // A SEQUENCE OF NULL announcing 4 x 16K items per fragment header: the items cost nothing on
  // the wire, so the decoder's own cap stops it.
  Bytes input(8, 0xC4);
  PerDecoder d(input);
  ListCursor c;
  bool ok = d.BeginList(kUnconstrainedSize, 0, c);
  uint64_t i = 0;
  bool more = true;
  while (ok && more) {
    ok = d.NextItem(c, i, 0, more);
    if (ok && more) ++i;
  }
  EXPECT_FALSE(ok);
  EXPECT_LE(i, kMaxZeroBitItems);
  EXPECT_NE(d.trace().ToError().reason.find("take no bits"), std::string::npos);
}

TEST(PerDecoderErrors, CharacterIndexOutsideTheAlphabetIsRejected) {
  const PermittedAlphabet digits{U"#*,0123456789", 0, 0, 4, true};
  // Length 1 (offset 0 in 7 bits), then index 15 of a 13-character alphabet.
  const Error e = DecodeError({0x00, 0xF0}, [&](PerDecoder& d) {
    std::string s;
    return d.GetString(s, Size(1, 128), digits);
  });
  EXPECT_NE(e.reason.find("outside the alphabet"), std::string::npos) << e.ToString();
}

TEST(PerErrorPath, FramesJoinIntoAnAsn1Path) {
  ErrorTrace t;
  t.SetReason("unexpected end of data", 42);
  t.SetReason("ignored: only the first failure counts", 7);
  t.PushIndex(2);
  t.PushName("fastStart");
  t.PushName("setup");
  t.PushName("h323-message-body");
  t.PushName("h323-uu-pdu");
  t.PushName("H323-UserInformation");
  const Error e = t.ToError();
  EXPECT_EQ(e.path, "H323-UserInformation.h323-uu-pdu.h323-message-body.setup.fastStart[2]");
  EXPECT_EQ(e.ToString(),
            "H323-UserInformation.h323-uu-pdu.h323-message-body.setup.fastStart[2]: unexpected end of data (bit 42)");
}

}  // namespace
}  // namespace tessera::signaling::asn1
