#include "tessera/codecs/payload/telephone_event.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tessera/testing/rtp_fixtures.h"

namespace tessera::codecs::payload {
namespace {

using Bytes = std::vector<uint8_t>;
using std::chrono::milliseconds;

// "B1", "E1" ... for the notifications of a stream of packets.
std::string Feed(TelephoneEventReceiver& r, uint32_t ts, const Bytes& payload) {
  std::string out;
  const auto result = r.OnPacket(ts, payload);
  for (size_t i = 0; i < result.count; ++i) {
    const auto& n = result.notifications[i];
    out += (n.kind == DtmfNotification::Kind::kBegin ? "B" : "E");
    out += DtmfChar(n.event);
  }
  return out;
}

TEST(TelephoneEvent, TheSippDigitCaptureGivesOneBeginAndOneEnd) {
  // SIPp's dtmf_2833_1.pcap: digit 1, seven updates, then the end packet three times.
  auto packets = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture("sipp_dtmf_2833_1.pcap"), 101);
  ASSERT_EQ(packets.size(), 10u);
  TelephoneEventReceiver r;
  std::string events;
  uint16_t final_duration = 0;
  for (const auto& p : packets) {
    const auto result = r.OnPacket(p.timestamp, p.payload);
    for (size_t i = 0; i < result.count; ++i) {
      const auto& n = result.notifications[i];
      events += (n.kind == DtmfNotification::Kind::kBegin ? "B" : "E");
      events += DtmfChar(n.event);
      if (n.kind == DtmfNotification::Kind::kEnd) final_duration = n.duration;
    }
  }
  EXPECT_EQ(events, "B1E1");
  EXPECT_EQ(final_duration, 2240);
  EXPECT_TRUE(packets[0].marker);
}

TEST(TelephoneEvent, ThePoundCaptureIsEventEleven) {
  auto packets = tessera::testing::RtpPacketsOf(tessera::testing::LoadRtpFixture("sipp_dtmf_2833_pound.pcap"), 101);
  ASSERT_FALSE(packets.empty());
  auto events = ParseTelephoneEvents(packets[0].payload);
  ASSERT_TRUE(events);
  EXPECT_EQ(events->events[0].event, 11);
  EXPECT_EQ(DtmfChar(events->events[0].event), '#');
}

TEST(TelephoneEvent, ALostEndIsReportedWhenTheNextPressBegins) {
  TelephoneEventReceiver r;
  EXPECT_EQ(Feed(r, 1000, {5, 10, 0, 0}), "B5");
  EXPECT_EQ(Feed(r, 1000, {5, 10, 1, 0}), "");
  EXPECT_EQ(Feed(r, 9000, {7, 10, 0, 0}), "E5B7");
  EXPECT_EQ(Feed(r, 9000, {7, 0x8A, 3, 0}), "E7");
  EXPECT_EQ(Feed(r, 9000, {7, 0x8A, 3, 0}), "");         // repeated end
  EXPECT_EQ(Feed(r, 1000, {5, 0x8A, 2, 0}), "");         // a late end of an event already closed
  EXPECT_EQ(Feed(r, 20000, {2, 0x8A, 0, 160}), "B2E2");  // a press in one packet
}

TEST(TelephoneEvent, ATimeoutEndsAPressWhoseEndNeverCame) {
  TelephoneEventReceiver r;
  Feed(r, 1000, {9, 10, 0, 0});
  auto result = r.OnTimeout();
  ASSERT_EQ(result.count, 1u);
  EXPECT_EQ(result.notifications[0].kind, DtmfNotification::Kind::kEnd);
  EXPECT_EQ(r.OnTimeout().count, 0u);
}

TEST(TelephoneEvent, MalformedPayloadsAreCountedAndIgnored) {
  TelephoneEventReceiver r;
  EXPECT_EQ(Feed(r, 1, {1, 2, 3}), "");
  EXPECT_EQ(Feed(r, 1, {}), "");
  EXPECT_EQ(r.malformed(), 2u);
  EXPECT_FALSE(ParseTelephoneEvents(Bytes{1, 2, 3, 4, 5}));
  auto two = ParseTelephoneEvents(Bytes{1, 0x80, 0, 10, 2, 0, 0, 5});
  ASSERT_TRUE(two);
  EXPECT_EQ(two->count, 2u);
  EXPECT_EQ(two->events[1], (TelephoneEvent{2, false, 0, 5}));
}

TEST(TelephoneEvent, SenderEmitsStartUpdatesAndThreeEndsThatTheReceiverReadsOnce) {
  TelephoneEventSender s(8000, milliseconds(50));
  s.Start(*DtmfEvent('#'), 10, 123456, milliseconds(200));
  std::vector<TelephoneEventPacket> packets;
  while (auto p = s.Next())
    packets.push_back(*p);
  // Durations 0, 400, 800, 1200 then the end (1600) three times.
  ASSERT_EQ(packets.size(), 7u);
  EXPECT_TRUE(packets[0].marker);
  TelephoneEventReceiver r;
  std::string events;
  for (size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].rtp_timestamp, 123456u);
    EXPECT_EQ(packets[i].marker, i == 0);
    auto e = ParseTelephoneEvents(packets[i].payload);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->events[0].event, 11);
    EXPECT_EQ(e->events[0].volume, 10);
    EXPECT_EQ(e->events[0].duration, std::min<int>(1600, 400 * static_cast<int>(i)));
    EXPECT_EQ(e->events[0].end, i >= 4);
    events += Feed(r, packets[i].rtp_timestamp, Bytes(packets[i].payload.begin(), packets[i].payload.end()));
  }
  EXPECT_EQ(events, "B#E#");
  EXPECT_FALSE(s.active());
}

TEST(TelephoneEvent, DtmfCharactersMapBothWays) {
  const std::string keys = "0123456789*#ABCD";
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(DtmfChar(static_cast<uint8_t>(i)), keys[i]);
    EXPECT_EQ(DtmfEvent(keys[i]), i);
  }
  EXPECT_EQ(DtmfEvent('a'), 12);
  EXPECT_FALSE(DtmfEvent('x'));
  EXPECT_EQ(DtmfChar(16), 0);
}

}  // namespace
}  // namespace tessera::codecs::payload
