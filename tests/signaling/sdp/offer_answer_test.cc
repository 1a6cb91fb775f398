// SDP offer/answer over offers from real endpoints (baresip, linphonec, ffmpeg, SIPp) and
// vendor-style room-system offers: what is accepted, what the core is asked for, and the
// answer that goes back.
#include "tessera/signaling/sdp/offer_answer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "real_offers.h"
#include "tessera/codecs/negotiation.h"
#include "tessera/signaling/sdp/codec_formats.h"

namespace tessera::signaling::sdp {
namespace {

using codecs::CodecId;
using mcu::MediaKind;
using ::testing::HasSubstr;
using ::testing::Not;

SessionDescription Parse(std::string_view text) {
  auto parsed = ParseSdp(text);
  EXPECT_TRUE(parsed) << parsed.error().ToString();
  return parsed ? *parsed : SessionDescription{};
}

// What the core would return: ports 40000, 40002... on 192.0.2.10, our own SDES key.
mcu::ParticipantResult ResultFor(const mcu::ParticipantRequest& request) {
  mcu::ParticipantResult r{"p1", "1000", {}};
  for (size_t i = 0; i < request.streams.size(); ++i) {
    mcu::MediaStreamResult s;
    s.local_address = "192.0.2.10";
    s.local_rtp_port = static_cast<uint16_t>(40000 + 2 * i);
    s.local_rtcp_port = request.streams[i].rtcp_mux ? s.local_rtp_port : s.local_rtp_port + 1;
    if (request.streams[i].srtp)
      s.srtp = mcu::SrtpRequest{request.streams[i].srtp->tag, request.streams[i].srtp->suite,
                                "inline:T1VSS0VZT1VSS0VZT1VSS0VZT1VSS0VZT1VSS0VZ"};
    r.streams.push_back(s);
  }
  return r;
}

struct Answered {
  OfferAnswerPlan plan;
  SessionDescription answer;
  std::string text;
};

Answered Answer(std::string_view offer_text, const AnswerPolicy& policy = {}) {
  const SessionDescription offer = Parse(offer_text);
  auto plan = PlanAnswer(offer, policy);
  EXPECT_TRUE(plan) << plan.error().reason;
  if (!plan) return {};
  Answered a{*plan, {}, BuildAnswer(offer, *plan, ResultFor(plan->request), {.session_id = 7, .session_version = 1})};
  a.answer = Parse(a.text);
  EXPECT_EQ(a.answer.media.size(), offer.media.size()) << a.text;
  return a;
}

const codecs::H264Params& H264Of(const codecs::Capability& c) {
  return std::get<codecs::H264Params>(c.params);
}

TEST(OfferAnswerTest, BaresipGetsOpusWithEventsAndH264InPacketizationMode1) {
  const Answered a = Answer(testing::kBaresipOffer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  const auto& audio = a.plan.request.streams[0];
  EXPECT_EQ(audio.kind, MediaKind::kAudio);
  EXPECT_EQ(audio.format.codec, CodecId::kOpus);
  EXPECT_EQ(audio.payload_type, 96);
  EXPECT_EQ(audio.telephone_event_payload_type, 101);
  EXPECT_EQ(audio.telephone_event_clock_rate, 8000);
  EXPECT_EQ(audio.remote_address, "127.0.0.1");
  EXPECT_EQ(audio.remote_rtp_port, 10014);
  EXPECT_TRUE(audio.send && audio.receive);
  // The receiver's own wishes stay in the format: the engine's Opus encoder needs them.
  EXPECT_EQ(std::get<codecs::OpusParams>(audio.format.params).maxaveragebitrate, 32000);

  const auto& video = a.plan.request.streams[1];
  EXPECT_EQ(video.format.codec, CodecId::kH264);
  EXPECT_EQ(video.payload_type, 97);
  EXPECT_EQ(H264Of(video.format).packetization_mode, 1);
  EXPECT_TRUE(video.pli);  // a=rtcp-fb:* nack pli, on RTP/AVP
  EXPECT_FALSE(video.nack);
  EXPECT_FALSE(video.fir);

  const MediaDescription& am = a.answer.media[0];
  EXPECT_EQ(am.port, 40000);
  EXPECT_EQ(am.formats, (std::vector<std::string>{"96", "101"}));
  EXPECT_EQ(am.EffectiveRtpMap(96)->encoding_name, "opus");
  EXPECT_EQ(am.EffectiveRtpMap(96)->channels, 2u);
  EXPECT_EQ(am.FindFmtp(96)->parameters, "useinbandfec=1");
  EXPECT_EQ(am.FindFmtp(101)->parameters, "0-15");
  EXPECT_EQ(am.ptime, 20u);
  EXPECT_EQ(am.direction, Direction::kSendRecv);
  const MediaDescription& vm = a.answer.media[1];
  EXPECT_EQ(vm.port, 40002);
  EXPECT_EQ(vm.formats, std::vector<std::string>{"97"});
  EXPECT_EQ(vm.FindFmtp(97)->parameters, "profile-level-id=42e01f;packetization-mode=1");
  EXPECT_EQ(vm.rtcp_feedback, (std::vector<RtcpFeedback>{{"97", "nack", "pli"}}));
  EXPECT_EQ(a.answer.connection->address, "192.0.2.10");
  EXPECT_EQ(a.answer.origin.session_id, "7");
}

TEST(OfferAnswerTest, AnOfferWithoutMode1IsAnsweredInPacketizationMode0) {
  std::string offer = testing::kBaresipOffer;
  offer.replace(offer.find("packetization-mode=1"), 20, "packetization-mode=0");
  const Answered a = Answer(offer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  EXPECT_EQ(a.plan.request.streams[1].payload_type, 96);
  EXPECT_EQ(a.answer.media[1].FindFmtp(96)->parameters, "profile-level-id=42e01f;packetization-mode=0");
}

TEST(OfferAnswerTest, LinphoneH264WithoutPacketizationModeIsMode0AndEventsFollowOpusClock) {
  const Answered a = Answer(testing::kLinphoneOffer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  const auto& audio = a.plan.request.streams[0];
  EXPECT_EQ(audio.telephone_event_payload_type, 97);
  EXPECT_EQ(audio.telephone_event_clock_rate, 48000);
  EXPECT_TRUE(audio.tmmbr);
  const auto& video = a.plan.request.streams[1];
  EXPECT_EQ(H264Of(video.format).packetization_mode, 0);
  EXPECT_EQ(H264Of(video.format).profile_level_id.ToString(), "42801f");
  EXPECT_TRUE(video.pli && video.fir && video.tmmbr);
  EXPECT_FALSE(video.nack);
  EXPECT_THAT(a.text, HasSubstr("a=fmtp:96 profile-level-id=42801f;packetization-mode=0\r\n"));
  EXPECT_THAT(a.text, HasSubstr("a=rtpmap:97 telephone-event/48000\r\n"));
  EXPECT_THAT(a.text, HasSubstr("a=rtcp-fb:96 ccm fir\r\n"));
}

TEST(OfferAnswerTest, FeedbackOnPlainAvpCanBeRefusedByPolicy) {
  AnswerPolicy strict;
  strict.feedback_requires_avpf = true;
  const Answered a = Answer(testing::kLinphoneOffer, strict);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  const auto& video = a.plan.request.streams[1];
  EXPECT_FALSE(video.pli || video.fir || video.tmmbr || video.nack);
  EXPECT_THAT(a.text, Not(HasSubstr("rtcp-fb")));
}

TEST(OfferAnswerTest, FfmpegVideoFirstKeepsItsOrderAndItsBandwidth) {
  const Answered a = Answer(testing::kFfmpegOffer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  EXPECT_EQ(a.plan.request.streams[0].kind, MediaKind::kVideo);
  EXPECT_EQ(a.plan.request.streams[0].format.max_bitrate_bps, 800000);
  EXPECT_EQ(a.plan.request.streams[1].format.max_bitrate_bps, 64000);
  EXPECT_EQ(a.answer.media[0].media, "video");
  EXPECT_EQ(a.answer.media[0].formats, std::vector<std::string>{"96"});
  EXPECT_EQ(a.answer.media[1].formats, std::vector<std::string>{"111"});
  // No profile-level-id means baseline level 1.0 (RFC 6184 §8.1), and without level
  // asymmetry that level binds what we send.
  EXPECT_EQ(H264Of(a.plan.request.streams[0].format).profile_level_id.level(), 10);
  EXPECT_EQ(a.plan.request.streams[0].ptime_ms, 20);
}

TEST(OfferAnswerTest, FfmpegG722WithAStaticPayloadTypeAndNoRtpmap) {
  const Answered a = Answer(testing::kFfmpegG722Offer);
  ASSERT_EQ(a.plan.request.streams.size(), 1u);
  EXPECT_EQ(a.plan.request.streams[0].format.codec, CodecId::kG722);
  EXPECT_EQ(a.plan.request.streams[0].payload_type, 9);
  EXPECT_FALSE(a.plan.request.streams[0].telephone_event_payload_type);
  EXPECT_THAT(a.text, HasSubstr("m=audio 40000 RTP/AVP 9\r\na=rtpmap:9 G722/8000\r\n"));
}

TEST(OfferAnswerTest, SippPcmuAndH264) {
  const Answered a = Answer(testing::kSippOffer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  EXPECT_EQ(a.plan.request.streams[0].format.codec, CodecId::kPcmu);
  EXPECT_EQ(a.plan.request.streams[0].remote_rtp_port, 6000);
  EXPECT_EQ(a.plan.request.streams[1].remote_rtp_port, 6002);
  EXPECT_THAT(a.text, HasSubstr("m=audio 40000 RTP/AVP 0\r\n"));
  EXPECT_THAT(a.text, HasSubstr("a=ptime:20\r\n"));
}

TEST(OfferAnswerTest, BaresipSrtpGetsOurKeyUnderTheSameTagAndRtcpMux) {
  const Answered a = Answer(testing::kBaresipSrtpOffer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  for (const auto& s : a.plan.request.streams) {
    ASSERT_TRUE(s.srtp);
    EXPECT_EQ(s.srtp->tag, 1u);
    EXPECT_EQ(s.srtp->suite, "AES_CM_128_HMAC_SHA1_80");
    EXPECT_TRUE(s.srtp->key_params.starts_with("inline:"));
    EXPECT_TRUE(s.rtcp_mux);
  }
  EXPECT_EQ(a.plan.request.streams[0].format.codec, CodecId::kOpus);
  EXPECT_EQ(a.plan.request.streams[1].format.codec, CodecId::kH264);  // preferred over its VP8
  for (const MediaDescription& m : a.answer.media) {
    EXPECT_EQ(m.protocol, "RTP/SAVPF");
    EXPECT_TRUE(m.rtcp_mux);
    ASSERT_EQ(m.cryptos.size(), 1u);
    EXPECT_EQ(m.cryptos[0].tag, 1u);
    EXPECT_EQ(m.cryptos[0].key_params, "inline:T1VSS0VZT1VSS0VZT1VSS0VZT1VSS0VZT1VSS0VZ");
  }
  // The offerer's key never reaches our answer.
  EXPECT_THAT(a.text, Not(HasSubstr("SeO2jtYSQrU8")));
}

TEST(OfferAnswerTest, PolyStyleOfferKeepsBfcpAndSlidesLinesRejectedInPlace) {
  const Answered a = Answer(testing::kPolyStyleOffer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  ASSERT_EQ(a.answer.media.size(), 4u);
  EXPECT_EQ(a.plan.request.streams[0].format.codec, CodecId::kG722);
  EXPECT_EQ(a.plan.request.streams[0].payload_type, 9);
  EXPECT_EQ(a.plan.request.streams[0].format.max_bitrate_bps, 2048000);  // session b=AS
  const auto& video = a.plan.request.streams[1];
  EXPECT_EQ(video.payload_type, 109);  // High, mode 1: first in our preference
  EXPECT_EQ(video.format.max_bitrate_bps, 1920000);
  EXPECT_EQ(H264Of(video.format).max_fs, 8160);
  EXPECT_EQ(H264Of(video.format).max_mbps, 245000);
  EXPECT_TRUE(video.fir && video.tmmbr);
  EXPECT_EQ(a.answer.media[2].media, "application");
  EXPECT_EQ(a.answer.media[2].port, 0);
  EXPECT_EQ(a.answer.media[2].protocol, "TCP/BFCP");
  EXPECT_EQ(a.answer.media[3].port, 0);
  EXPECT_FALSE(a.plan.lines[2].accepted);
  EXPECT_THAT(a.plan.lines[3].reason, HasSubstr("a=content:slides"));
  EXPECT_EQ(a.answer.media[1].FindFmtp(109)->parameters,
            "profile-level-id=640020;packetization-mode=1");  // no asymmetry offered: its level 3.2 binds
}

TEST(OfferAnswerTest, CiscoStyleSavpTakesTheFirstSupportedCryptoAndKeepsMaxFs) {
  const Answered a = Answer(testing::kCiscoStyleOffer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  EXPECT_EQ(a.plan.request.streams[0].format.codec, CodecId::kG722);
  EXPECT_EQ(a.plan.request.streams[0].format.max_bitrate_bps, 64000);  // media b=TIAS wins
  EXPECT_EQ(a.plan.request.streams[0].telephone_event_payload_type, 102);
  EXPECT_EQ(a.plan.request.streams[0].srtp->suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(a.plan.request.streams[0].srtp->tag, 1u);
  const auto& video = a.plan.request.streams[1];
  EXPECT_EQ(video.payload_type, 97);
  EXPECT_EQ(H264Of(video.format).max_fs, 32400);
  EXPECT_TRUE(video.pli && video.fir && video.tmmbr && video.nack == false);
  EXPECT_EQ(video.format.max_bitrate_bps, 6000000);
  // Sending to it, the raised max-fs allows 1080p although level 2.2 alone would not.
  EXPECT_EQ(codecs::SendLimitsFor(video.format).max_frame_macroblocks, 32400);
  EXPECT_EQ(a.answer.media[1].protocol, "RTP/SAVP");
}

TEST(OfferAnswerTest, LowercaseH263ParametersAreRead) {
  const RtpMap map{99, "H263-1998", 90000, 0};
  const Fmtp fmtp{"99", "custom=1280,720,2;custom=1024,768,1;cif4=1;cif=1;qcif=1;maxbr=20000"};
  auto cap = CapabilityFromSdp(map, &fmtp);
  ASSERT_TRUE(cap);
  const auto& p = std::get<codecs::H263Params>(cap->params);
  EXPECT_EQ(p.cif4_mpi, 1);
  EXPECT_EQ(p.qcif_mpi, 1);
  ASSERT_EQ(p.custom.size(), 2u);
  EXPECT_EQ(p.custom[0], (codecs::H263Params::Custom{1280, 720, 2}));
  EXPECT_EQ(p.max_br_100bps, 20000);
}

TEST(OfferAnswerTest, H263Only) {
  std::string offer = testing::kPolyStyleOffer;
  offer.replace(offer.find("m=video 49154 RTP/AVP 109 110 111 96 34 31"), 42, "m=video 49154 RTP/AVP 96 34 31");
  const Answered a = Answer(offer);
  ASSERT_EQ(a.plan.request.streams.size(), 2u);
  EXPECT_EQ(a.plan.request.streams[1].format.codec, CodecId::kH263Plus);
  EXPECT_EQ(a.plan.request.streams[1].payload_type, 96);
  EXPECT_THAT(a.text, HasSubstr("a=rtpmap:96 H263-1998/90000\r\na=fmtp:96 SQCIF=1;QCIF=1;CIF=1;CIF4=1\r\n"));
}

TEST(OfferAnswerTest, SrtpRequiredRefusesPlainRtpWithAReason) {
  AnswerPolicy policy;
  policy.srtp_required = true;
  auto plan = PlanAnswer(Parse(testing::kBaresipOffer), policy);
  ASSERT_FALSE(plan);
  EXPECT_THAT(plan.error().reason, HasSubstr("requires SRTP"));
  EXPECT_TRUE(PlanAnswer(Parse(testing::kBaresipSrtpOffer), policy));
}

TEST(OfferAnswerTest, SavpWithoutAUsableCryptoRejectsThatLine) {
  std::string offer = testing::kCiscoStyleOffer;
  // The video line keeps only an unknown suite.
  const std::string video_key = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:vnG1";
  offer.replace(offer.find(video_key), video_key.size(), "a=crypto:1 F8_128_HMAC_SHA1_80 inline:vnG1");
  const Answered a = Answer(offer);
  ASSERT_EQ(a.plan.request.streams.size(), 1u);
  EXPECT_EQ(a.answer.media[1].port, 0);
  EXPECT_THAT(a.plan.lines[1].reason, HasSubstr("a=crypto"));
}

TEST(OfferAnswerTest, WebRtcDtlsOfferIsRefusedWithTheReasonPerLine) {
  const char* offer = R"(v=0
o=- 4611731400430051336 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0
m=audio 9 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=mid:0
a=rtpmap:111 opus/48000/2
a=fingerprint:sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2
a=setup:actpass
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=mid:1
)";
  auto plan = PlanAnswer(Parse(offer), {});
  ASSERT_FALSE(plan);
  EXPECT_THAT(plan.error().reason, HasSubstr("m=audio (#1): transport UDP/TLS/RTP/SAVPF is not supported"));
  EXPECT_THAT(plan.error().reason, HasSubstr("m=application (#2)"));
}

TEST(OfferAnswerTest, NoCommonCodecNamesWhatWasOffered) {
  const char* offer =
      "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
      "m=audio 5000 RTP/AVP 18 4\na=rtpmap:18 G729/8000\n";
  auto plan = PlanAnswer(Parse(offer), {});
  ASSERT_FALSE(plan);
  EXPECT_THAT(plan.error().reason, HasSubstr("no common audio codec (offered: G729/8000, G723/8000)"));
}

TEST(OfferAnswerTest, DirectionsAreFlippedAndHoldStopsSending) {
  struct Case {
    const char* offered;
    bool receive, send;
    Direction answered;
  };
  for (const Case& c :
       {Case{"a=sendonly", true, false, Direction::kRecvOnly}, Case{"a=recvonly", false, true, Direction::kSendOnly},
        Case{"a=inactive", false, false, Direction::kInactive}, Case{"a=sendrecv", true, true, Direction::kSendRecv}}) {
    std::string offer = testing::kSippOffer;
    offer.replace(offer.find("a=sendrecv"), 10, c.offered);
    const Answered a = Answer(offer);
    ASSERT_EQ(a.plan.request.streams.size(), 2u) << c.offered;
    EXPECT_EQ(a.plan.request.streams[0].receive, c.receive) << c.offered;
    EXPECT_EQ(a.plan.request.streams[0].send, c.send) << c.offered;
    EXPECT_EQ(a.answer.media[0].direction, c.answered) << c.offered;
    EXPECT_EQ(a.answer.media[1].direction, Direction::kSendRecv) << c.offered;
  }
  std::string old_hold = testing::kSippOffer;
  old_hold.replace(old_hold.find("c=IN IP4 127.0.0.1"), 18, "c=IN IP4 0.0.0.0");
  const Answered a = Answer(old_hold);
  EXPECT_FALSE(a.plan.request.streams[0].send);
  EXPECT_TRUE(a.plan.request.streams[0].receive);
}

TEST(OfferAnswerTest, ReofferKeepsStreamPositionsStopsRemovedVideoAndAppendsNewVideo) {
  const auto initial = PlanAnswer(Parse(testing::kSippOffer), {});
  ASSERT_TRUE(initial);
  // Hold: both lines sendonly.
  std::string hold = testing::kSippOffer;
  while (hold.find("a=sendrecv") != std::string::npos)
    hold.replace(hold.find("a=sendrecv"), 10, "a=sendonly");
  auto held = PlanUpdate(Parse(hold), {}, *initial);
  ASSERT_TRUE(held) << held.error().reason;
  ASSERT_EQ(held->request.streams.size(), 2u);
  EXPECT_FALSE(held->request.streams[0].send);
  EXPECT_FALSE(held->request.streams[1].send);
  // Video removed: port 0 on the same line.
  std::string no_video = testing::kSippOffer;
  no_video.replace(no_video.find("m=video 6002"), 12, "m=video 0");
  auto removed = PlanUpdate(Parse(no_video), {}, *initial);
  ASSERT_TRUE(removed) << removed.error().reason;
  ASSERT_EQ(removed->request.streams.size(), 2u);
  EXPECT_EQ(removed->request.streams[1].remote_rtp_port, 0);
  EXPECT_FALSE(removed->lines[1].accepted);
  // From audio only, video added as a new third line, after the refused second one.
  std::string audio_only = testing::kSippOffer;
  audio_only.replace(audio_only.find("m=video 6002"), 12, "m=video 0");
  auto first = PlanAnswer(Parse(audio_only), {});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->request.streams.size(), 1u);
  std::string added = audio_only + "m=video 6004 RTP/AVP 100\na=rtpmap:100 VP8/90000\n";
  auto upgraded = PlanUpdate(Parse(added), {}, *first);
  ASSERT_TRUE(upgraded) << upgraded.error().reason;
  ASSERT_EQ(upgraded->request.streams.size(), 2u);
  EXPECT_EQ(upgraded->request.streams[1].format.codec, CodecId::kVp8);
  EXPECT_EQ(upgraded->lines[2].stream, 1u);
  const std::string answer = BuildAnswer(Parse(added), *upgraded, ResultFor(upgraded->request), {});
  EXPECT_THAT(answer, HasSubstr("m=video 0 RTP/AVP 96\r\n"));
  EXPECT_THAT(answer, HasSubstr("m=video 40002 RTP/AVP 100\r\n"));
  // Codec change on the audio line.
  std::string pcma = testing::kSippOffer;
  const std::string pcmu = "RTP/AVP 0\na=rtpmap:0 PCMU/8000";
  pcma.replace(pcma.find(pcmu), pcmu.size(), "RTP/AVP 8\na=rtpmap:8 PCMA/8000");
  auto changed = PlanUpdate(Parse(pcma), {}, *initial);
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->request.streams[0].format.codec, CodecId::kPcma);
  // Lines are never removed.
  EXPECT_FALSE(PlanUpdate(Parse(testing::kFfmpegG722Offer), {}, *initial));
}

TEST(OfferAnswerTest, LateOfferRoundTripsThroughAnAnswer) {
  OfferOptions options;
  const mcu::ParticipantRequest provisional = OfferRequest(options);
  ASSERT_EQ(provisional.streams.size(), 2u);
  EXPECT_EQ(provisional.streams[0].remote_rtp_port, 0);
  EXPECT_FALSE(provisional.streams[0].send);
  const std::string offer_text = BuildOffer(options, ResultFor(provisional), {.session_id = 9});
  const SessionDescription offer = Parse(offer_text);
  ASSERT_EQ(offer.media.size(), 2u);
  EXPECT_EQ(offer.media[0].formats, (std::vector<std::string>{"96", "9", "0", "8", "101", "100"}));
  EXPECT_EQ(provisional.streams[0].payload_type, 96);
  EXPECT_EQ(offer.media[1].EffectiveRtpMap(34)->encoding_name, "H263");
  // A callee answering the way baresip would: opus and H.264 mode 0, sendrecv.
  const char* answer = R"(v=0
o=- 1 2 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 10020 RTP/AVP 96 101
a=rtpmap:96 opus/48000/2
a=rtpmap:101 telephone-event/8000
m=video 10022 RTP/AVP 98
a=rtpmap:98 H264/90000
a=fmtp:98 profile-level-id=64001f;packetization-mode=0
a=rtcp-fb:98 nack pli
)";
  auto plan = PlanFromAnswer(offer, Parse(answer), {});
  ASSERT_TRUE(plan) << plan.error().reason;
  ASSERT_EQ(plan->request.streams.size(), 2u);
  EXPECT_EQ(plan->request.streams[0].remote_rtp_port, 10020);
  EXPECT_TRUE(plan->request.streams[0].send);
  EXPECT_EQ(plan->request.streams[1].payload_type, 98);
  EXPECT_EQ(H264Of(plan->request.streams[1].format).packetization_mode, 0);
  EXPECT_TRUE(plan->request.streams[1].pli);
  // Video refused by the callee: the reserved stream stops.
  std::string refused = answer;
  refused.replace(refused.find("m=video 10022"), 13, "m=video 0");
  auto audio_only = PlanFromAnswer(offer, Parse(refused), {});
  ASSERT_TRUE(audio_only);
  EXPECT_EQ(audio_only->request.streams[1].remote_rtp_port, 0);
  // A payload type we never offered is not taken.
  std::string foreign = answer;
  foreign.replace(foreign.find("m=audio 10020 RTP/AVP 96 101"), 28, "m=audio 10020 RTP/AVP 97 101");
  foreign.replace(foreign.find("a=rtpmap:96 opus"), 16, "a=rtpmap:97 opus");
  auto bad = PlanFromAnswer(offer, Parse(foreign), {});
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->lines[0].accepted);
}

TEST(OfferAnswerTest, CapabilitiesSurviveTheirSdpForm) {
  for (const auto& caps : {codecs::DefaultAudioCapabilities(), codecs::DefaultVideoCapabilities()}) {
    for (const codecs::Capability& c : caps) {
      const SdpFormat f = SdpFormatOf(c);
      const Fmtp fmtp{"96", f.parameters};
      auto back = CapabilityFromSdp({96, f.encoding_name, f.clock_rate, f.channels}, &fmtp);
      ASSERT_TRUE(back) << f.encoding_name;
      EXPECT_EQ(back->codec, c.codec);
      EXPECT_EQ(back->clock_rate, c.clock_rate);
      EXPECT_EQ(back->params.index(), c.params.index()) << f.encoding_name;
    }
  }
}

}  // namespace
}  // namespace tessera::signaling::sdp
