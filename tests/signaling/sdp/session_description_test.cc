// SDP parser and serializer on offers captured from the real peers the MCU meets
// (baresip 1.0.0, linphonec 5.1.65, SIPp, ffmpeg), an SRTP offer, and malformed input.
#include "tessera/signaling/sdp/session_description.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "real_offers.h"
#include "tessera/testing/paths.h"

namespace tessera::signaling::sdp {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// baresip 1.0.0 calling with Opus/G.722/G.711 and H.264 in both packetization modes.
const std::string kBaresip = Crlf(testing::kBaresipOffer);

// linphonec 5.1.65: Opus + telephone-event/48000, H.264 without packetization-mode.
const std::string kLinphone = Crlf(R"(v=0
o=lin1 4060 86 IN IP4 127.0.0.1
s=Talk
c=IN IP4 127.0.0.1
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
m=audio 17178 RTP/AVP 96 97
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:97 telephone-event/48000
a=rtcp-fb:* trr-int 5000
a=rtcp-fb:* ccm tmmbr
m=video 19178 RTP/AVP 96
a=rtpmap:96 H264/90000
a=fmtp:96 profile-level-id=42801F
a=rtcp-fb:* trr-int 5000
a=rtcp-fb:* ccm tmmbr
a=rtcp-fb:96 nack pli
a=rtcp-fb:96 ccm fir
)");

// SIPp scenario offer: static payload type without rtpmap.
const std::string kSipp = Crlf(R"(v=0
o=sipp 53655765 2353687637 IN IP4 127.0.0.1
s=sipp
c=IN IP4 127.0.0.1
t=0 0
m=audio 30000 RTP/AVP 0
a=ptime:20
a=sendrecv
m=video 30002 RTP/AVP 96
a=rtpmap:96 H264/90000
a=fmtp:96 profile-level-id=42e01f;packetization-mode=1
a=sendrecv
)");

// An SDES-SRTP offer with AVPF feedback, rtcp-mux, bandwidth and an explicit RTCP port.
const std::string kSrtp = Crlf(R"(v=0
o=room 1 2 IN IP6 2001:db8::5
s=Room system
c=IN IP6 2001:db8::5
b=AS:2048
t=0 0
m=audio 49170 RTP/SAVPF 9 101
b=TIAS:64000
a=rtpmap:9 G722/8000
a=rtpmap:101 telephone-event/8000
a=rtcp:49171 IN IP6 2001:db8::6
a=rtcp-mux
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32 KDR=1
a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj
a=recvonly
m=video 0 RTP/SAVPF 97
a=rtpmap:97 H264/90000
a=rtcp-fb:97 ccm fir
a=rtcp-fb:97 ccm tmmbr
a=inactive
)");

TEST(Sdp, ParsesBaresipOffer) {
  auto sdp = ParseSdp(kBaresip);
  ASSERT_TRUE(sdp) << sdp.error().ToString();
  EXPECT_EQ(sdp->origin.session_id, "197853896");
  EXPECT_EQ(sdp->origin.session_version, "414322715");
  ASSERT_TRUE(sdp->connection);
  EXPECT_EQ(sdp->connection->address, "127.0.0.1");
  ASSERT_EQ(sdp->media.size(), 2u);
  const MediaDescription& audio = sdp->media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 10014);
  EXPECT_THAT(audio.PayloadTypes(), ElementsAre(96, 9, 0, 8, 101));
  EXPECT_EQ(audio.EffectiveRtpMap(96)->encoding_name, "opus");
  EXPECT_EQ(audio.EffectiveRtpMap(96)->channels, 2u);
  EXPECT_EQ(audio.EffectiveRtpMap(9)->clock_rate, 8000u);  // G.722's RTP clock
  EXPECT_THAT(ParseFmtpParameters(audio.FindFmtp(96)->parameters),
              ElementsAre(Pair("stereo", "1"), Pair("sprop-stereo", "1"), Pair("maxaveragebitrate", "32000")));
  EXPECT_EQ(audio.ptime, 20u);
  EXPECT_EQ(audio.direction, Direction::kSendRecv);
  EXPECT_NE(audio.FindAttribute("rtcp-rsize"), nullptr);
  EXPECT_EQ(audio.FindAttribute("ssrc")->value, "678476212 cname:sip:alice@127.0.0.1:5160");

  const MediaDescription& video = sdp->media[1];
  EXPECT_THAT(ParseFmtpParameters(video.FindFmtp(96)->parameters)[0], Pair("packetization-mode", "0"));
  EXPECT_THAT(ParseFmtpParameters(video.FindFmtp(97)->parameters)[0], Pair("packetization-mode", "1"));
  ASSERT_EQ(video.FeedbackFor(97).size(), 1u);
  EXPECT_EQ(video.FeedbackFor(97)[0].type, "nack");
  EXPECT_EQ(video.FeedbackFor(97)[0].parameter, "pli");
  EXPECT_EQ(video.FindAttribute("framerate")->value, "25.00");
  EXPECT_FALSE(video.IsSecure());
  EXPECT_FALSE(video.HasFeedbackProfile());
}

TEST(Sdp, ParsesLinphoneOffer) {
  auto sdp = ParseSdp(kLinphone);
  ASSERT_TRUE(sdp) << sdp.error().ToString();
  EXPECT_EQ(sdp->session_name, "Talk");
  EXPECT_EQ(sdp->attributes.at(0).name, "rtcp-xr");
  const MediaDescription& video = sdp->media[1];
  EXPECT_EQ(video.FindFmtp(96)->parameters, "profile-level-id=42801F");
  const auto fb = video.FeedbackFor(96);
  ASSERT_EQ(fb.size(), 4u);
  EXPECT_EQ(fb[3].type, "ccm");
  EXPECT_EQ(fb[3].parameter, "fir");
  EXPECT_EQ(sdp->media[0].EffectiveRtpMap(97)->clock_rate, 48000u);
}

TEST(Sdp, StaticPayloadTypesNeedNoRtpmap) {
  auto sdp = ParseSdp(kSipp);
  ASSERT_TRUE(sdp) << sdp.error().ToString();
  const auto pcmu = sdp->media[0].EffectiveRtpMap(0);
  ASSERT_TRUE(pcmu);
  EXPECT_EQ(pcmu->encoding_name, "PCMU");
  EXPECT_EQ(pcmu->clock_rate, 8000u);
  EXPECT_TRUE(sdp->media[0].rtpmaps.empty());
  EXPECT_FALSE(sdp->media[0].EffectiveRtpMap(96));
}

TEST(Sdp, ParsesSrtpFeedbackBandwidthAndRtcpAttributes) {
  auto sdp = ParseSdp(kSrtp);
  ASSERT_TRUE(sdp) << sdp.error().ToString();
  EXPECT_EQ(sdp->origin.addr_type, "IP6");
  EXPECT_EQ(sdp->bandwidths.at(0).type, "AS");
  EXPECT_EQ(sdp->bandwidths.at(0).value, 2048u);
  const MediaDescription& audio = sdp->media[0];
  EXPECT_TRUE(audio.IsSecure());
  EXPECT_TRUE(audio.HasFeedbackProfile());
  EXPECT_EQ(audio.GetBandwidth("TIAS"), 64000u);
  EXPECT_TRUE(audio.rtcp_mux);
  ASSERT_TRUE(audio.rtcp);
  EXPECT_EQ(audio.rtcp->port, 49171);
  EXPECT_EQ(audio.rtcp->connection->address, "2001:db8::6");
  ASSERT_EQ(audio.cryptos.size(), 2u);
  EXPECT_EQ(audio.cryptos[0].tag, 1u);
  EXPECT_EQ(audio.cryptos[0].suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(audio.cryptos[0].key_params, "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32");
  EXPECT_EQ(audio.cryptos[0].session_params, "KDR=1");
  EXPECT_EQ(sdp->EffectiveDirection(audio), Direction::kRecvOnly);
  EXPECT_EQ(sdp->media[1].port, 0);
  EXPECT_EQ(sdp->EffectiveDirection(sdp->media[1]), Direction::kInactive);
  EXPECT_EQ(sdp->EffectiveConnection(sdp->media[1])->address, "2001:db8::5");
}

TEST(Sdp, SerializesToTheSameStructures) {
  for (const std::string* text : {&kBaresip, &kLinphone, &kSipp, &kSrtp}) {
    auto sdp = ParseSdp(*text);
    ASSERT_TRUE(sdp) << sdp.error().ToString();
    const std::string written = SerializeSdp(*sdp);
    auto again = ParseSdp(written);
    ASSERT_TRUE(again) << again.error().ToString() << "\n" << written;
    EXPECT_EQ(*again, *sdp) << written;
    EXPECT_EQ(SerializeSdp(*again), written);
  }
}

TEST(Sdp, SerializerWritesRfc4566OrderForABuiltOffer) {
  SessionDescription s;
  s.origin = {"tessera", "42", "1", "IN", "IP4", "192.0.2.1"};
  s.connection = Connection{"IN", "IP4", "192.0.2.1", {}, {}};
  MediaDescription m;
  m.media = "audio";
  m.port = 20000;
  m.protocol = "RTP/AVP";
  m.formats = {"0", "101"};
  m.rtpmaps = {{0, "PCMU", 8000, 0}, {101, "telephone-event", 8000, 0}};
  m.fmtps = {{"101", "0-15"}};
  m.ptime = 20;
  m.direction = Direction::kSendRecv;
  s.media.push_back(m);
  EXPECT_EQ(SerializeSdp(s),
            "v=0\r\n"
            "o=tessera 42 1 IN IP4 192.0.2.1\r\n"
            "s=-\r\n"
            "c=IN IP4 192.0.2.1\r\n"
            "t=0 0\r\n"
            "m=audio 20000 RTP/AVP 0 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-15\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n");
}

TEST(Sdp, AcceptsBareLineFeedsMissingTimingAndMulticastConnections) {
  auto sdp = ParseSdp("v=0\no=- 1 1 IN IP4 224.2.17.12\ns=x\nc=IN IP4 224.2.1.1/127/3\nm=audio 5004/2 RTP/AVP 0\n");
  ASSERT_TRUE(sdp) << sdp.error().ToString();
  EXPECT_EQ(sdp->connection->ttl, 127u);
  EXPECT_EQ(sdp->connection->count, 3u);
  EXPECT_EQ(sdp->media[0].port_count, 2);
  EXPECT_EQ(sdp->timings.size(), 1u);
}

TEST(Sdp, RejectsMalformedDescriptionsNamingTheLine) {
  struct Case {
    std::string text;
    const char* error;
  };
  const std::string head = "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n";
  for (const Case& c : std::vector<Case>{
           {"", "empty session description"},
           {"o=- 1 1 IN IP4 1.2.3.4\n", "line 1: the first line must be v=0"},
           {"v=1\n", "unsupported SDP version"},
           {"v=0\ns=-\n", "missing o= line"},
           {"v=0\no=- x 1 IN IP4 1.2.3.4\n", "line 2: o=: session id and version must be decimal"},
           {head + "m=audio 70000 RTP/AVP 0\n", "line 5: m=: invalid port"},
           {head + "m=audio\n", "m=: expected"},
           {head + "m=audio 1 RTP/AVP 0\na=rtpmap:200 X/8000\n", "line 6: a=rtpmap: payload type must be 0-127"},
           {head + "m=audio 1 RTP/AVP 0\na=rtpmap:0 PCMU\n", "a=rtpmap: expected '<encoding>/<clock rate>'"},
           {head + "m=audio 1 RTP/AVP 0\na=rtpmap:0 PCMU/0\n", "invalid clock rate"},
           {head + "m=audio 1 RTP/AVP 0\na=rtcp-fb:x nack\n", "a=rtcp-fb: payload type"},
           {head + "m=audio 1 RTP/AVP 0\na=crypto:1 AES\n", "a=crypto: expected"},
           {head + "m=audio 1 RTP/AVP 0\na=ptime:abc\n", "a=ptime: expected milliseconds"},
           {head + "c=IN IP4\n", "c=: expected"},
           {head + "b=AS\n", "b=: expected"},
           {head + "garbage\n", "line 5: expected <type>=<value>"},
           {head + std::string("a=x\0y\n", 6), "NUL"},
       }) {
    auto sdp = ParseSdp(c.text);
    ASSERT_FALSE(sdp) << c.text;
    EXPECT_THAT(sdp.error().ToString(), HasSubstr(c.error)) << c.text;
  }
}

TEST(Sdp, LimitsMediaSections) {
  std::string text = "v=0\no=- 1 1 IN IP4 1.2.3.4\ns=-\nt=0 0\n";
  for (int i = 0; i < 70; ++i)
    text += "m=audio 1 RTP/AVP 0\n";
  auto sdp = ParseSdp(text);
  ASSERT_FALSE(sdp);
  EXPECT_THAT(sdp.error().message, HasSubstr("more than 64 m= lines"));
}

}  // namespace
}  // namespace tessera::signaling::sdp

namespace tessera::signaling::sdp {
namespace {

// Bodies captured from baresip, linphonec, SIPp and through Kamailio (fuzz seed corpus).
TEST(Sdp, ParsesEveryDescriptionCapturedFromRealPeers) {
  const auto dir = tessera::testing::SourceDir() / "tests/fuzz/corpus/sdp";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto sdp = ParseSdp(text);
    ASSERT_TRUE(sdp) << entry.path() << ": " << sdp.error().ToString();
    auto again = ParseSdp(SerializeSdp(*sdp));
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *sdp) << entry.path();
    ++parsed;
  }
  EXPECT_GE(parsed, 10);
}

}  // namespace
}  // namespace tessera::signaling::sdp

namespace tessera::signaling::sdp {
namespace {

// Found by sdp_fuzzer: fmtp lines out of rtpmap order came back reordered.
TEST(Sdp, SerializerKeepsTheOrderOfFmtpLinesThatDoNotFollowTheirRtpmaps) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 1 RTP/AVP 96 98 99\r\n"
      "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=0\r\na=fmtp:99 profile-id=1\r\n"
      "a=rtpmap:98 MP4V-ES/90000\r\na=fmtp:98 profile-level-id=3\r\na=rtpmap:99 H265/90000\r\n"
      "a=fmtp:99 profile-id=1\r\n";
  auto sdp = ParseSdp(text);
  ASSERT_TRUE(sdp) << sdp.error().ToString();
  auto again = ParseSdp(SerializeSdp(*sdp));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->media[0].fmtps, sdp->media[0].fmtps);
  EXPECT_EQ(*again, *sdp);
}

}  // namespace
}  // namespace tessera::signaling::sdp

namespace tessera::signaling::sdp {
namespace {

// Found by sdp_fuzzer: an empty s= line was written back as "s=-".
TEST(Sdp, EmptySessionNameReadsAsADash) {
  auto sdp = ParseSdp("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=\r\nt=0 0\r\n");
  ASSERT_TRUE(sdp);
  EXPECT_EQ(sdp->session_name, "-");
  EXPECT_EQ(*ParseSdp(SerializeSdp(*sdp)), *sdp);
}

}  // namespace
}  // namespace tessera::signaling::sdp
