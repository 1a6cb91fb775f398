// TPKT framing, Q.931 messages and the information elements H.225.0 uses: the reference
// captures (h323plus) parse and serialize back octet for octet, the typed elements read what
// the captures carry, and broken input gives an error with an offset.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <span>

#include "h323_capture.h"
#include "tessera/signaling/h323/h225_message.h"
#include "tessera/signaling/h323/q931.h"
#include "tessera/signaling/h323/q931_ies.h"
#include "tessera/signaling/h323/tpkt.h"

namespace tessera::signaling::h323 {
namespace {

using Bytes = std::vector<uint8_t>;

std::vector<testing::CapturedCall> Calls() {
  std::vector<testing::CapturedCall> calls;
  for (const auto& f : testing::CaptureFiles(testing::CaptureDir()))
    calls.push_back(testing::ExtractCall(f));
  return calls;
}

TEST(Q931Captures, EveryMessageParsesAndSerializesBackOctetForOctet) {
  const auto calls = Calls();
  ASSERT_FALSE(calls.empty()) << "no H.323 reference captures in " << testing::CaptureDir();
  std::set<Q931MessageType> types;
  size_t total = 0;
  for (const auto& call : calls) {
    for (const auto& frame : call.q931) {
      auto m = ParseQ931(frame.bytes);
      ASSERT_TRUE(m) << frame.origin << ": " << m.error().message;
      auto bytes = SerializeQ931(*m);
      ASSERT_TRUE(bytes) << frame.origin;
      EXPECT_EQ(*bytes, frame.bytes) << frame.origin;
      EXPECT_EQ(m->call_reference_length, 2) << frame.origin;
      types.insert(m->type());
      ++total;
    }
  }
  EXPECT_GT(total, 30u);
  for (auto t : {Q931MessageType::kSetup, Q931MessageType::kCallProceeding, Q931MessageType::kConnect,
                 Q931MessageType::kReleaseComplete, Q931MessageType::kFacility, Q931MessageType::kInformation}) {
    EXPECT_TRUE(types.count(t)) << ToString(t) << " not in the captures";
  }
}

TEST(Q931Captures, TypedElementsReadWhatTheCapturedCallsCarry) {
  const auto calls = Calls();
  ASSERT_FALSE(calls.empty());
  size_t bearer = 0, causes = 0, keypad_digits = 0;
  for (const auto& call : calls) {
    for (const auto& frame : call.q931) {
      auto m = ParseQ931(frame.bytes);
      ASSERT_TRUE(m);
      if (m->type() == Q931MessageType::kSetup) {
        const auto* ie = m->Find(q931_ie::kBearerCapability);
        ASSERT_NE(ie, nullptr) << frame.origin << ": SETUP without Bearer capability";
        auto b = DecodeBearerCapability(ie->contents);
        ASSERT_TRUE(b) << frame.origin;
        EXPECT_EQ(EncodeBearerCapability(*b), ie->contents) << frame.origin;
        ++bearer;
        // The caller's side of the call reference.
        EXPECT_FALSE(m->from_destination);
      }
      if (m->type() == Q931MessageType::kReleaseComplete) {
        if (const auto* ie = m->Find(q931_ie::kCause)) {
          auto c = DecodeCause(ie->contents);
          ASSERT_TRUE(c) << frame.origin;
          EXPECT_EQ(EncodeCause(*c), ie->contents);
          ++causes;
        }
      }
      if (const auto* ie = m->Find(q931_ie::kKeypad)) {
        auto digits = DecodeIa5Text(ie->contents);
        ASSERT_TRUE(digits) << frame.origin;
        EXPECT_EQ(digits->size(), 1u);
        EXPECT_NE(std::string("0123456789*#ABCD").find((*digits)[0]), std::string::npos);
        ++keypad_digits;
      }
      if (const auto* ie = m->Find(q931_ie::kDisplay)) {
        EXPECT_TRUE(DecodeIa5Text(ie->contents)) << frame.origin;
      }
    }
  }
  EXPECT_EQ(bearer, calls.size());
  EXPECT_GT(causes, 0u);
  EXPECT_GT(keypad_digits, 0u) << "call2.pcap sends DTMF in Keypad elements";
}

Bytes SetupWith(std::initializer_list<uint8_t> ies) {
  Bytes b = {0x08, 0x02, 0x12, 0x34, 0x05};
  for (uint8_t octet : ies)
    b.push_back(octet);  // (insert() trips a GCC 12 -Warray-bounds false positive)
  return b;
}

TEST(Q931, UnknownElementsAreKeptAndShiftedOnesGetTheirCodeset) {
  // Bearer capability; an unknown codeset-0 element 0x7F; a non-locking shift to codeset 6
  // (0x9E) applying to the next element only; a locking shift to codeset 5 (0x95).
  const Bytes b = SetupWith(
      {0x04, 0x03, 0x88, 0x90, 0xA5, 0x7F, 0x01, 0xAA, 0x9E, 0x20, 0x01, 0x01, 0x28, 0x01, 0x41, 0x95, 0x30, 0x00});
  auto m = ParseQ931(b);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->call_reference, 0x1234);
  EXPECT_FALSE(m->from_destination);
  ASSERT_EQ(m->ies.size(), 7u);
  EXPECT_EQ(m->ies[1].id, 0x7F);
  EXPECT_EQ(m->ies[3].codeset, 6);  // after the non-locking shift
  EXPECT_EQ(m->ies[4].codeset, 0);  // Display: back to codeset 0
  EXPECT_EQ(m->ies[6].codeset, 5);  // after the locking shift
  ASSERT_NE(m->Find(q931_ie::kDisplay), nullptr);
  auto again = SerializeQ931(*m);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, b);
}

TEST(Q931, TheUserUserElementHasATwoOctetLength) {
  Q931Message m;
  m.call_reference = 7;
  m.from_destination = true;
  m.message_type = static_cast<uint8_t>(Q931MessageType::kConnect);
  m.Set(q931_ie::kUserUser, Bytes(300, 0x05));
  m.Set(q931_ie::kDisplay, {'T', 'e', 's', 's', 'e', 'r', 'a'});
  auto b = SerializeQ931(m);
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)[2], 0x80);  // call reference flag
  // Display (0x28) is inserted before User-user (0x7E): ascending order.
  EXPECT_EQ((*b)[5], q931_ie::kDisplay);
  EXPECT_EQ((*b)[5 + 2 + 7], q931_ie::kUserUser);
  EXPECT_EQ((*b)[5 + 2 + 7 + 1], 0x01);
  EXPECT_EQ((*b)[5 + 2 + 7 + 2], 0x2C);
  auto back = ParseQ931(*b);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, m);
}

TEST(Q931, BrokenMessagesAreErrorsWithAnOffset) {
  struct Case {
    Bytes bytes;
    size_t offset;
  };
  const std::vector<Case> cases = {
      {{0x08, 0x02}, 2},                               // shorter than the header
      {{0x09, 0x02, 0x00, 0x01, 0x05}, 0},             // not Q.931
      {{0x08, 0x03, 0x00, 0x00, 0x01, 0x05}, 1},       // 3-octet call reference
      {{0x08, 0x02, 0x00, 0x01}, 4},                   // no message type
      {{0x08, 0x02, 0x00, 0x01, 0x85}, 4},             // message type with bit 8
      {SetupWith({0x04, 0x05, 0x88}), 5},              // element runs past the end
      {SetupWith({0x7E, 0x01}), 5},                    // User-user length truncated
      {SetupWith({0x7E, 0x00, 0x09, 0x05, 0x00}), 5},  // User-user runs past the end
  };
  for (const auto& c : cases) {
    auto m = ParseQ931(c.bytes);
    ASSERT_FALSE(m) << ::testing::PrintToString(c.bytes);
    EXPECT_EQ(m.error().offset, c.offset) << m.error().message;
    EXPECT_FALSE(m.error().message.empty());
  }
}

TEST(H225Message, AUserUserElementThatIsNotPerIsReportedAsSuch) {
  auto m = DecodeH225Message(SetupWith({0x7E, 0x00, 0x02, 0x04, 0x00}));  // discriminator 4, not 5
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, H225Error::Kind::kUserUser);
  auto per = DecodeH225Message(SetupWith({0x7E, 0x00, 0x02, 0x05, 0xFF}));
  ASSERT_FALSE(per);
  EXPECT_EQ(per.error().kind, H225Error::Kind::kPer);
  EXPECT_FALSE(per.error().per_error.path.empty());
}

TEST(Tpkt, FramesSplitAcrossReadsAreReassembled) {
  Bytes stream;
  ASSERT_TRUE(AppendTpkt(Bytes{1, 2, 3}, stream));
  ASSERT_TRUE(AppendTpkt(Bytes{}, stream));  // a keep-alive
  ASSERT_TRUE(AppendTpkt(Bytes(1000, 9), stream));
  for (size_t chunk : {1u, 3u, 7u, 1000u}) {
    TpktFramer framer;
    std::vector<Bytes> frames;
    for (size_t at = 0; at < stream.size(); at += chunk) {
      const size_t n = std::min(chunk, stream.size() - at);
      ASSERT_TRUE(framer.Append(std::span(stream).subspan(at, n)));
      while (auto f = framer.Next())
        frames.emplace_back(f->begin(), f->end());
    }
    ASSERT_EQ(frames.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(frames[0], (Bytes{1, 2, 3}));
    EXPECT_TRUE(frames[1].empty());
    EXPECT_EQ(frames[2].size(), 1000u);
    EXPECT_EQ(framer.buffered(), 0u);
    EXPECT_EQ(framer.error(), TpktError::kNone);
  }
}

TEST(Tpkt, ALengthPastTheDataWaitsAndABadHeaderFailsTheStream) {
  EXPECT_EQ(ParseTpkt(Bytes{3, 0, 0, 10, 1, 2}).status, TpktStatus::kNeedMore);
  EXPECT_EQ(ParseTpkt(Bytes{3, 0}).status, TpktStatus::kNeedMore);
  auto bad_length = ParseTpkt(Bytes{3, 0, 0, 3});
  EXPECT_EQ(bad_length.status, TpktStatus::kError);
  EXPECT_EQ(bad_length.error, TpktError::kBadLength);
  TpktFramer framer;
  ASSERT_TRUE(framer.Append(Bytes{'G', 'E', 'T', ' ', '/'}));  // garbage on port 1720
  EXPECT_FALSE(framer.Next());
  EXPECT_EQ(framer.error(), TpktError::kBadVersion);
  // Stays failed: a byte stream cannot find the next frame.
  ASSERT_TRUE(framer.Append(Bytes{3, 0, 0, 4}));
  EXPECT_FALSE(framer.Next());
}

TEST(Tpkt, AFramerHoldsNoMoreThanItsLimit) {
  TpktFramer framer(100);
  EXPECT_TRUE(framer.Append(Bytes{3, 0, 0xFF, 0xFF}));
  EXPECT_TRUE(framer.Append(Bytes(96, 0)));
  EXPECT_FALSE(framer.Append(Bytes{0}));
  Bytes too_long(kTpktMaxPayload + 1);
  Bytes out;
  EXPECT_FALSE(AppendTpkt(too_long, out));
  EXPECT_TRUE(out.empty());
}

// The property of tests/fuzz/signaling/h323/h225_message_fuzzer.cc on every input of its seed
// corpus, regression inputs of crashes found by fuzzing included. An input is a chunk-size
// octet followed by a TCP byte stream.
TEST(H225MessageFuzzCorpus, EveryInputKeepsTheFuzzProperty) {
  const std::filesystem::path dir = std::filesystem::path(TESSERA_FUZZ_CORPUS_DIR) / "h225_message";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t frames = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.empty()) continue;
    TpktFramer framer(1 << 17);
    ASSERT_TRUE(framer.Append(std::span(data).subspan(1)));
    while (auto frame = framer.Next()) {
      ++frames;
      auto q931 = ParseQ931(*frame);
      if (!q931) continue;
      auto bytes = SerializeQ931(*q931);
      ASSERT_TRUE(bytes) << entry.path();
      EXPECT_TRUE(std::equal(bytes->begin(), bytes->end(), frame->begin(), frame->end())) << entry.path();
      auto m = DecodeH225Message(*frame);
      if (!m || !m->user_information) continue;
      auto again = EncodeH225Message(m->q931, *m->user_information);
      if (!again) continue;
      auto back = DecodeH225Message(*again);
      ASSERT_TRUE(back) << entry.path() << ": " << back.error().ToString();
      EXPECT_TRUE(*back->user_information == *m->user_information) << entry.path();
    }
  }
  EXPECT_GT(frames, 0u);
}

}  // namespace
}  // namespace tessera::signaling::h323
