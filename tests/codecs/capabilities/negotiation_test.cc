// Offers as the real peers make them (tests/codecs/../peers README: baresip, linphone,
// ffmpeg, SIPp; room systems' H.263/H.261), negotiated against Tessera's capabilities:
// the chosen format, the answer, and encoder settings that the encoders accept.
#include "tessera/codecs/negotiation.h"

#include <gtest/gtest.h>

namespace tessera::codecs {
namespace {

Capability H264(std::string_view pli, int mode, bool asymmetry = false) {
  H264Params p;
  p.profile_level_id = *H264ProfileLevelId::Parse(pli);
  p.packetization_mode = mode;
  p.level_asymmetry_allowed = asymmetry;
  return {.codec = CodecId::kH264, .params = p};
}

Capability Opus(OpusParams p = {}) {
  return {.codec = CodecId::kOpus, .clock_rate = 48000, .channels = 2, .params = p};
}
Capability Static(CodecId codec) {
  return {.codec = codec, .clock_rate = 8000, .channels = 1};
}

// Negotiated settings must be something the encoders take.
void ExpectEncoderAccepts(const NegotiatedVideo& n, int desired_fps = 30) {
  const auto format = FitVideoFormat(n.limits, StandardVideoFormats(), desired_fps);
  ASSERT_TRUE(format);
  const VideoEncoderConfig config = MakeVideoEncoderConfig(n, *format, 1'000'000, 1200);
  auto encoder = CreateVideoEncoder(config);
  EXPECT_TRUE(encoder) << (encoder ? "" : encoder.error().detail);
}

TEST(NegotiateVideo, BaresipOfferGetsConstrainedBaselineModeOneAt720p) {
  // baresip 1.0: PT 96 mode 0, PT 97 mode 1, both 42e01f.
  const std::vector<Capability> offer = {H264("42e01f", 0), H264("42e01f", 1)};
  const auto n = NegotiateVideo(offer, DefaultVideoCapabilities());
  ASSERT_TRUE(n);
  EXPECT_EQ(n->offer_index, 1u);  // we prefer mode 1 (FU-A) over single NAL units
  const auto& answer = std::get<H264Params>(n->answer.params);
  EXPECT_EQ(answer.profile_level_id.ToString(), "42e01f");  // their profile, min(level): 3.1
  EXPECT_EQ(answer.packetization_mode, 1);
  EXPECT_FALSE(answer.level_asymmetry_allowed);
  EXPECT_EQ(n->limits.h264_profile, H264Profile::kConstrainedBaseline);
  EXPECT_EQ(n->limits.h264_level_idc, 31);
  EXPECT_EQ(n->limits.max_frame_macroblocks, 3600);
  EXPECT_EQ(n->limits.max_bitrate_bps, 14'000'000);
  EXPECT_FALSE(n->limits.single_nal_unit);
  EXPECT_EQ(FitVideoFormat(n->limits, StandardVideoFormats(), 30), (VideoFormat{1280, 720, 30}));
  ExpectEncoderAccepts(*n);
}

TEST(NegotiateVideo, LinphoneBaselineWithoutModeGetsSingleNalUnits) {
  // linphone 5.1 (OpenH264): profile-level-id=42801F, no packetization-mode (= 0).
  const std::vector<Capability> offer = {H264("42801f", 0)};
  const auto n = NegotiateVideo(offer, DefaultVideoCapabilities());
  ASSERT_TRUE(n);
  EXPECT_EQ(std::get<H264Params>(n->answer.params).profile_level_id.ToString(), "42801f");
  EXPECT_TRUE(n->limits.single_nal_unit);
  const auto format = FitVideoFormat(n->limits, StandardVideoFormats(), 30);
  ASSERT_TRUE(format);
  const VideoEncoderConfig config = MakeVideoEncoderConfig(*n, *format, 800'000, 1200);
  EXPECT_EQ(config.max_slice_bytes, 1200);
  EXPECT_EQ(config.h264_profile, H264Profile::kConstrainedBaseline);
  EXPECT_TRUE(CreateVideoEncoder(config));
}

TEST(NegotiateVideo, HighProfileOfferIsSentHighAtTheLowerLevel) {
  const std::vector<Capability> offer = {H264("640c1f", 1)};  // constrained high 3.1
  const auto n = NegotiateVideo(offer, DefaultVideoCapabilities());
  ASSERT_TRUE(n);
  EXPECT_EQ(std::get<H264Params>(n->answer.params).profile_level_id.ToString(), "640c1f");
  EXPECT_EQ(n->limits.h264_profile, H264Profile::kHigh);
  EXPECT_EQ(n->limits.max_bitrate_bps, 17'500'000);  // 1.25 x 14 Mbit/s for High
  ExpectEncoderAccepts(*n);
}

TEST(NegotiateVideo, RaisedMaxFsAndMbpsAllowMoreThanTheLevel) {
  // Level 3.1 but max-fs/max-mbps for 1080p30, level asymmetry on both sides.
  Capability offer = H264("42e01f", 1, true);
  auto& p = std::get<H264Params>(offer.params);
  p.max_fs = 8160;
  p.max_mbps = 244800;
  p.max_br_kbps = 5000;
  const auto n = NegotiateVideo(std::vector<Capability>{offer}, DefaultVideoCapabilities());
  ASSERT_TRUE(n);
  EXPECT_TRUE(std::get<H264Params>(n->answer.params).level_asymmetry_allowed);
  EXPECT_EQ(std::get<H264Params>(n->answer.params).profile_level_id.level_idc, 41);  // ours, asymmetric
  const auto format = FitVideoFormat(n->limits, StandardVideoFormats(), 30);
  EXPECT_EQ(format, (VideoFormat{1920, 1080, 30}));
  const VideoEncoderConfig config = MakeVideoEncoderConfig(*n, *format, 4'000'000, 1200);
  EXPECT_EQ(config.h264_level_idc, 31);
  EXPECT_TRUE(config.h264_level_signalled_only);
  EXPECT_EQ(config.bitrate_bps, 4'000'000);
  EXPECT_TRUE(CreateVideoEncoder(config));
}

TEST(NegotiateVideo, BitrateCapsComeFromTheLevelMaxBrAndBandwidth) {
  Capability offer = H264("42e01e", 1);  // level 3: 10 Mbit/s
  offer.max_bitrate_bps = 512'000;       // b=TIAS
  const auto n = NegotiateVideo(std::vector<Capability>{offer}, DefaultVideoCapabilities());
  ASSERT_TRUE(n);
  EXPECT_EQ(n->limits.max_bitrate_bps, 512'000);
  // 4CIF would need 47520 MB/s at 30 fps; level 3 has 40500, so 640x360 at full rate wins.
  EXPECT_EQ(FitVideoFormat(n->limits, StandardVideoFormats(), 30), (VideoFormat{640, 360, 30}));
  EXPECT_EQ(FitVideoFormat(n->limits, StandardVideoFormats(), 25), (VideoFormat{704, 576, 25}));
  const auto config = MakeVideoEncoderConfig(*n, {640, 360, 30}, 2'000'000, 1200);
  EXPECT_EQ(config.bitrate_bps, 512'000);
}

TEST(NegotiateVideo, ModesMustMatchAndUnsupportedProfilesAreSkipped) {
  const std::vector<Capability> extended_only = {H264("58001e", 1)};
  EXPECT_FALSE(NegotiateVideo(extended_only, DefaultVideoCapabilities()));
  const std::vector<Capability> high10_then_cb = {H264("6e0028", 1), H264("42e01f", 1)};
  const auto n = NegotiateVideo(high10_then_cb, DefaultVideoCapabilities());
  ASSERT_TRUE(n);
  EXPECT_EQ(n->offer_index, 1u);
  const std::vector<Capability> mode2 = {H264("42e01f", 2)};
  EXPECT_FALSE(NegotiateVideo(mode2, DefaultVideoCapabilities()));
}

TEST(NegotiateVideo, RoomSystemH263GetsTheLargestCommonFormatAtItsMpi) {
  H263Params p;
  p.qcif_mpi = 1;
  p.cif_mpi = 2;  // CIF at 15 fps only
  p.max_br_100bps = 3840;
  const std::vector<Capability> offer = {{.codec = CodecId::kH263, .params = p}};
  const auto n = NegotiateVideo(offer, DefaultVideoCapabilities());
  ASSERT_TRUE(n);
  EXPECT_EQ(n->answer.codec, CodecId::kH263);
  const auto& answer = std::get<H263Params>(n->answer.params);
  EXPECT_EQ(answer.cif_mpi, 2);
  EXPECT_EQ(answer.qcif_mpi, 1);
  EXPECT_EQ(answer.cif4_mpi, 0);
  EXPECT_EQ(n->limits.max_bitrate_bps, 384'000);
  EXPECT_EQ(FitVideoFormat(n->limits, StandardVideoFormats(), 30), (VideoFormat{352, 288, 15}));
  ExpectEncoderAccepts(*n);
}

TEST(NegotiateVideo, H263PlusCustomSizesAreSentWhenTheReceiverListsThem) {
  H263Params p;
  p.cif_mpi = 1;
  p.custom.push_back({640, 360, 1});
  const Capability receiver{.codec = CodecId::kH263Plus, .params = p};
  const VideoSendLimits limits = SendLimitsFor(receiver);
  EXPECT_EQ(FitVideoFormat(limits, StandardVideoFormats(), 30), (VideoFormat{640, 360, 30}));
  const auto n = NegotiateVideo(std::vector<Capability>{receiver}, DefaultVideoCapabilities());
  ASSERT_TRUE(n);
  ExpectEncoderAccepts(*n);
}

TEST(NegotiateVideo, H261AndVp8Limits) {
  H261Params h261;
  h261.qcif_mpi = 1;
  h261.cif_mpi = 3;
  const auto n261 =
      NegotiateVideo(std::vector<Capability>{{.codec = CodecId::kH261, .params = h261}}, DefaultVideoCapabilities());
  ASSERT_TRUE(n261);
  EXPECT_EQ(FitVideoFormat(n261->limits, StandardVideoFormats(), 30), (VideoFormat{352, 288, 10}));
  ExpectEncoderAccepts(*n261);

  const std::vector<Capability> vp8 = {{.codec = CodecId::kVp8, .params = Vp8Params{.max_fr = 15, .max_fs = 3600}}};
  const auto nvp8 = NegotiateVideo(vp8, DefaultVideoCapabilities());
  ASSERT_TRUE(nvp8);
  EXPECT_EQ(FitVideoFormat(nvp8->limits, StandardVideoFormats(), 30), (VideoFormat{1280, 720, 15}));
  ExpectEncoderAccepts(*nvp8);
}

TEST(NegotiateVideo, PreferenceDecidesBetweenOursAndTheOfferersOrder) {
  const std::vector<Capability> offer = {{.codec = CodecId::kVp8, .params = Vp8Params{}}, H264("42e01f", 1)};
  const auto ours = NegotiateVideo(offer, DefaultVideoCapabilities(), NegotiationPreference::kOurs);
  const auto theirs = NegotiateVideo(offer, DefaultVideoCapabilities(), NegotiationPreference::kOffer);
  ASSERT_TRUE(ours && theirs);
  EXPECT_EQ(ours->answer.codec, CodecId::kH264);
  EXPECT_EQ(theirs->answer.codec, CodecId::kVp8);
}

TEST(FitVideoFormat, LowersTheFrameRateOnlyWhenNoSizeFitsAtFullRate) {
  VideoSendLimits limits;
  limits.max_frame_macroblocks = 99;         // QCIF
  limits.max_macroblocks_per_second = 1485;  // level 1: QCIF at 15 fps
  limits.max_side_macroblocks = 28;
  // Full rate first: sub-QCIF runs at 30 fps, QCIF only at 15.
  EXPECT_EQ(FitVideoFormat(limits, StandardVideoFormats(), 30), (VideoFormat{128, 96, 30}));
  EXPECT_EQ(FitVideoFormat(limits, StandardVideoFormats(), 15), (VideoFormat{176, 144, 15}));
  // Nothing at full rate: the largest at whatever rate it gets.
  const std::vector<VideoFormat> only_large = {{352, 288, 0}, {176, 144, 0}};
  EXPECT_EQ(FitVideoFormat(limits, only_large, 30), (VideoFormat{176, 144, 15}));
  limits.max_frame_macroblocks = 10;
  EXPECT_FALSE(FitVideoFormat(limits, StandardVideoFormats(), 30));
}

TEST(NegotiateAudio, PeersOffersPickOpusWithTheirReceivePreferences) {
  // baresip: opus stereo=1 sprop-stereo=1, G722, PCMU, PCMA.
  OpusParams baresip;
  baresip.stereo = true;
  const std::vector<Capability> offer1 = {Opus(baresip), Static(CodecId::kG722), Static(CodecId::kPcmu),
                                          Static(CodecId::kPcma)};
  const auto a = NegotiateAudio(offer1, DefaultAudioCapabilities());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->offer_index, 0u);
  EXPECT_EQ(a->encoder.codec, CodecId::kOpus);
  EXPECT_FALSE(a->encoder.fec);
  EXPECT_EQ(a->encoder.channels, 1);                                 // the mix is mono; sending mono is always allowed
  EXPECT_TRUE(std::get<OpusParams>(a->answer.params).useinbandfec);  // we take FEC
  EXPECT_TRUE(CreateAudioEncoder(a->encoder));

  // linphone: opus useinbandfec=1; a receiver limiting bandwidth and bitrate.
  OpusParams linphone;
  linphone.useinbandfec = true;
  linphone.usedtx = true;
  linphone.maxplaybackrate = 16000;
  linphone.maxaveragebitrate = 20000;
  const auto b = NegotiateAudio(std::vector<Capability>{Opus(linphone)}, DefaultAudioCapabilities());
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->encoder.fec);
  EXPECT_TRUE(b->encoder.dtx);
  EXPECT_EQ(b->encoder.max_playback_rate_hz, 16000);
  EXPECT_EQ(b->encoder.bitrate_bps, 20000);
  EXPECT_TRUE(CreateAudioEncoder(b->encoder));
}

TEST(NegotiateAudio, RoomSystemsGetG722OrG711AndBadOpusIsSkipped) {
  const std::vector<Capability> room = {Static(CodecId::kPcmu), Static(CodecId::kG722)};
  const auto a = NegotiateAudio(room, DefaultAudioCapabilities());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->encoder.codec, CodecId::kG722);  // ours: wideband first
  EXPECT_TRUE(CreateAudioEncoder(a->encoder));
  const auto by_offer = NegotiateAudio(room, DefaultAudioCapabilities(), NegotiationPreference::kOffer);
  ASSERT_TRUE(by_offer);
  EXPECT_EQ(by_offer->encoder.codec, CodecId::kPcmu);
  Capability mono_opus = Opus();
  mono_opus.channels = 1;  // not RFC 7587
  const auto c = NegotiateAudio(std::vector<Capability>{mono_opus, Static(CodecId::kPcma)}, DefaultAudioCapabilities());
  ASSERT_TRUE(c);
  EXPECT_EQ(c->encoder.codec, CodecId::kPcma);
  EXPECT_FALSE(NegotiateAudio(std::vector<Capability>{Static(CodecId::kTelephoneEvent)}, DefaultAudioCapabilities()));
}

}  // namespace
}  // namespace tessera::codecs
