// The conference engine end to end on real sockets, with ffmpeg as every endpoint: three
// participants send H.264 colour patterns with tones (Opus, PCMU, G.722), a fourth sends
// a tone and records what the room sends it. The recording is decoded here: every tile
// shows its participant's colour, the audio holds the others' tones and not the
// receiver's own; a participant behind 10% loss and 50 ms jitter does not slow the others
// and recovers once the impairment stops; a participant that vanishes becomes a placeholder.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <functional>

#include "conference_harness.h"
#include "tessera/mixer/video/layout.h"

namespace tessera::mcu::conference::testing {
namespace {

using namespace std::chrono_literals;
constexpr int kWidth = 640;
constexpr int kHeight = 360;

struct Yuv {
  int y, u, v;
};

// BT.601 limited range, what ffmpeg's colour source and libx264 produce from RGB.
Yuv FromRgb(int r, int g, int b) {
  return {16 + (65 * r + 129 * g + 25 * b) / 256, 128 + (-38 * r - 74 * g + 112 * b) / 256,
          128 + (112 * r - 94 * g - 18 * b) / 256};
}

Yuv PixelAt(const std::vector<uint8_t>& frame, int x, int y) {
  const uint8_t* u = frame.data() + kWidth * kHeight;
  const uint8_t* v = u + (kWidth / 2) * (kHeight / 2);
  return {frame[static_cast<size_t>(y * kWidth + x)], u[(y / 2) * (kWidth / 2) + x / 2], v[(y / 2) * (kWidth / 2) + x / 2]};
}

bool Near(Yuv a, Yuv b, int tolerance = 24) {
  return std::abs(a.y - b.y) <= tolerance && std::abs(a.u - b.u) <= tolerance && std::abs(a.v - b.v) <= tolerance;
}

// The tiles the room shows for `sources` video sources at the test canvas.
std::vector<mixer::Rect> TileRects(int sources) {
  std::vector<mixer::LayoutSource> s(static_cast<size_t>(sources));
  const mixer::Layout layout = mixer::ComputeLayout(mixer::AutoLayoutFor(s), {kWidth, kHeight}, s);
  std::vector<mixer::Rect> rects;
  for (const mixer::Tile& t : layout.tiles)
    if (t.source >= 0) rects.push_back(t.rect);
  return rects;
}

// Which tile shows `colour` in `frame`; -1 if none.
int TileShowing(const std::vector<uint8_t>& frame, const std::vector<mixer::Rect>& rects, Yuv colour) {
  for (size_t i = 0; i < rects.size(); ++i) {
    const mixer::Rect& r = rects[i];
    if (Near(PixelAt(frame, r.x + r.width / 2, r.y + r.height / 2), colour)) return static_cast<int>(i);
  }
  return -1;
}

// Whether the top band of a tile (where the white square moves) differs between frames.
bool TopBandChanged(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, const mixer::Rect& r) {
  int64_t diff = 0;
  const int band = std::max(4, r.height / 4);
  for (int y = r.y; y < r.y + band; ++y)
    for (int x = r.x; x < r.x + r.width; ++x)
      diff += std::abs(int(a[static_cast<size_t>(y * kWidth + x)]) - int(b[static_cast<size_t>(y * kWidth + x)]));
  return diff > int64_t{r.width} * band;  // more than one luma level per pixel on average
}

const Yuv kRed = FromRgb(255, 0, 0);
const Yuv kGreen = FromRgb(0, 255, 0);
const Yuv kBlue = FromRgb(0, 0, 255);

bool WaitForFrames(const std::filesystem::path& file, int frames, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (CountI420Frames(file, kWidth, kHeight) >= frames) return true;
    std::this_thread::sleep_for(50ms);  // polling a file's growth against a deadline
  }
  return false;
}

TEST(ConferenceWithFfmpeg, EveryTileShowsItsSourceAndTalkersDoNotHearThemselves) {
  ConferenceHarness h;
  auto a = h.AddSender({"Red", "0xFF0000", 440, codecs::CodecId::kOpus});
  auto b = h.AddSender({"Green", "0x00FF00", 660, codecs::CodecId::kPcmu});
  auto c = h.AddSender({"Blue", "0x0000FF", 880, codecs::CodecId::kG722});
  ASSERT_TRUE(a.ffmpeg && b.ffmpeg && c.ffmpeg) << "ffmpeg is needed (apt-get install ffmpeg)";
  auto r = h.AddReceiver("listener", 1100, 6);
  ASSERT_FALSE(r.id.empty());
  ASSERT_TRUE(r.tone);
  ASSERT_EQ(r.recorder->WaitForExit(60s), 0) << r.recorder->output();

  const int frames = CountI420Frames(r.video, kWidth, kHeight);
  EXPECT_GE(frames, 6 * 15 * 7 / 10) << "the 15 fps output should arrive at close to its rate";
  ASSERT_GT(frames, 10);
  const auto rects = TileRects(3);
  ASSERT_EQ(rects.size(), 3u);
  const auto last = ReadI420Frame(r.video, kWidth, kHeight, frames - 1);
  const int red = TileShowing(last, rects, kRed);
  const int green = TileShowing(last, rects, kGreen);
  const int blue = TileShowing(last, rects, kBlue);
  EXPECT_GE(red, 0);
  EXPECT_GE(green, 0);
  EXPECT_GE(blue, 0);
  EXPECT_TRUE(red != green && green != blue && red != blue);

  // Audio: skip the first second (jitter buffers filling, talkers being selected).
  auto samples = ReadWav(r.audio);
  ASSERT_GT(samples.size(), 48000u * 3) << r.recorder->output();
  samples.erase(samples.begin(), samples.begin() + 48000);
  const double p440 = TonePower(samples, 48000, 440);
  const double p660 = TonePower(samples, 48000, 660);
  const double p880 = TonePower(samples, 48000, 880);
  const double own = TonePower(samples, 48000, 1100);
  EXPECT_GT(p440, 0.05) << "Opus participant";
  EXPECT_GT(p660, 0.05) << "PCMU participant";
  EXPECT_GT(p880, 0.05) << "G.722 participant";
  EXPECT_LT(own, 0.005) << "the receiver hears itself";
  EXPECT_GT(std::min({p440, p660, p880}), 20 * own);

  const RoomCounters& counters = h.room().counters();
  EXPECT_GT(counters.frames_encoded.load(), 0u);
  EXPECT_GT(counters.rtp_packets_received.load(), 0u);
}

TEST(ConferenceWithFfmpeg, AnImpairedSourceHoldsNobodyBackAndRecoversWhenTheImpairmentEnds) {
  ConferenceHarness h;
  tessera::testing::relay::ImpairmentConfig lossy;
  lossy.loss = 0.10;
  lossy.jitter = 50ms;
  lossy.seed = 7;
  auto a = h.AddSender({"Red", "0xFF0000", 440, codecs::CodecId::kOpus}, &lossy);
  auto b = h.AddSender({"Green", "0x00FF00", 660, codecs::CodecId::kOpus});
  auto c = h.AddSender({"Blue", "0x0000FF", 880, codecs::CodecId::kOpus});
  ASSERT_TRUE(a.ffmpeg && b.ffmpeg && c.ffmpeg && a.video_relay);
  auto r = h.AddReceiver("listener", 1100, 10);
  ASSERT_FALSE(r.id.empty());

  // Five seconds of impairment (counted in received frames), then a clean path.
  ASSERT_TRUE(WaitForFrames(r.video, 5 * 15, 30s)) << r.recorder->output();
  const auto impaired = a.video_relay->stats().forward_impairment;
  a.video_relay->SetImpairment({}, {});
  const int clean_from = CountI420Frames(r.video, kWidth, kHeight);
  ASSERT_EQ(r.recorder->WaitForExit(60s), 0) << r.recorder->output();
  const int frames = CountI420Frames(r.video, kWidth, kHeight);
  ASSERT_GT(frames, clean_from + 30);
  ASSERT_GT(impaired.packets, 50u);
  EXPECT_NEAR(double(impaired.lost_random) / double(impaired.packets), 0.10, 0.06)
      << "the relay should have dropped about 10% of the red video";

  const auto rects = TileRects(3);
  const auto probe = ReadI420Frame(r.video, kWidth, kHeight, frames - 1);
  const int red = TileShowing(probe, rects, kRed);
  const int green = TileShowing(probe, rects, kGreen);
  ASSERT_GE(red, 0);
  ASSERT_GE(green, 0);

  // The clean sources' tiles kept moving at the output's rate while the red one was impaired.
  int pairs = 0, green_moved = 0;
  for (int i = 15; i + 1 < clean_from; ++i) {
    const auto f0 = ReadI420Frame(r.video, kWidth, kHeight, i);
    const auto f1 = ReadI420Frame(r.video, kWidth, kHeight, i + 1);
    ++pairs;
    green_moved += TopBandChanged(f0, f1, rects[static_cast<size_t>(green)]);
  }
  ASSERT_GT(pairs, 30);
  EXPECT_GE(green_moved * 100 / pairs, 85) << green_moved << " of " << pairs;

  // One second after the path is clean, the red tile moves again in (nearly) every frame.
  int red_pairs = 0, red_moved = 0;
  for (int i = clean_from + 15; i + 1 < frames; ++i) {
    const auto f0 = ReadI420Frame(r.video, kWidth, kHeight, i);
    const auto f1 = ReadI420Frame(r.video, kWidth, kHeight, i + 1);
    ++red_pairs;
    red_moved += TopBandChanged(f0, f1, rects[static_cast<size_t>(red)]);
  }
  ASSERT_GT(red_pairs, 20);
  EXPECT_GE(red_moved * 100 / red_pairs, 85) << red_moved << " of " << red_pairs;
  const RoomCounters& counters = h.room().counters();
  EXPECT_LE(counters.late_video_ticks.load() * 20, counters.video_ticks.load()) << "more than 5% late ticks";
}

TEST(ConferenceWithFfmpeg, AParticipantThatVanishesIsShownByItsPlaceholder) {
  ConferenceHarness h;
  auto a = h.AddSender({"Red", "0xFF0000", 440, codecs::CodecId::kOpus}, nullptr, 3);  // stops after 3 s
  auto b = h.AddSender({"Green", "0x00FF00", 660, codecs::CodecId::kOpus});
  ASSERT_TRUE(a.ffmpeg && b.ffmpeg);
  auto r = h.AddReceiver("listener", 1100, 9);
  ASSERT_FALSE(r.id.empty());
  ASSERT_EQ(r.recorder->WaitForExit(60s), 0) << r.recorder->output();
  const int frames = CountI420Frames(r.video, kWidth, kHeight);
  ASSERT_GT(frames, 60);
  const auto rects = TileRects(2);
  ASSERT_EQ(rects.size(), 2u);
  // Early on both show their colours; at the end (over 2 s after red stopped) red's tile
  // shows its placeholder: neither red nor green, and not the background's black.
  const auto early = ReadI420Frame(r.video, kWidth, kHeight, 15);
  EXPECT_GE(TileShowing(early, rects, kRed), 0);
  const auto last = ReadI420Frame(r.video, kWidth, kHeight, frames - 1);
  EXPECT_LT(TileShowing(last, rects, kRed), 0) << "the stalled source still shows its last frame";
  EXPECT_GE(TileShowing(last, rects, kGreen), 0);
}

}  // namespace
}  // namespace tessera::mcu::conference::testing

namespace tessera::mcu::conference::testing {
namespace {

using namespace std::chrono_literals;

bool WaitFor(const std::function<bool()>& condition, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);  // polling a counter against a deadline
  }
  return condition();
}

TEST(ConferenceUpdates, HoldAndResumeDetachAndReattachTheSubscriberAndACodecChangeIsTaken) {
  ConferenceHarness h;
  ParticipantRequest request;
  request.display_name = "phone";
  request.streams.push_back(AudioStream(codecs::CodecId::kPcmu, FreeEvenPort(), true, true));
  request.streams.push_back(H264Stream(FreeEvenPort(), true, true));
  auto added = h.manager().AddParticipant("r1", request);
  ASSERT_TRUE(added) << added.error().message;
  ASSERT_TRUE(WaitFor([&] { return h.room().counters().outputs.load() == 1; }, 5s));

  // Hold (re-INVITE with a=sendonly from the phone): we stop sending to it.
  ParticipantRequest hold = request;
  hold.streams[0].send = false;
  hold.streams[1].send = false;
  ASSERT_TRUE(h.manager().UpdateParticipant("r1", added->participant_id, hold));
  EXPECT_TRUE(WaitFor([&] { return h.room().counters().outputs.load() == 0; }, 5s)) << "the output should close";

  // Resume with another audio codec.
  ParticipantRequest resume = request;
  resume.streams[0] = AudioStream(codecs::CodecId::kG722, request.streams[0].remote_rtp_port, true, true);
  auto resumed = h.manager().UpdateParticipant("r1", added->participant_id, resume);
  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ(resumed->streams[0].local_rtp_port, added->streams[0].local_rtp_port) << "ports are kept";
  EXPECT_TRUE(WaitFor([&] { return h.room().counters().outputs.load() == 1; }, 5s));

  // What cannot change is refused and changes nothing.
  ParticipantRequest more = resume;
  more.streams.push_back(H264Stream(FreeEvenPort(), true, true));
  EXPECT_FALSE(h.manager().UpdateParticipant("r1", added->participant_id, more));
  EXPECT_FALSE(h.manager().UpdateParticipant("r1", "p999", resume));
}

}  // namespace
}  // namespace tessera::mcu::conference::testing

namespace tessera::mcu::conference::testing {
namespace {

using namespace std::chrono_literals;

// 30 bytes of key and salt, base64: what an endpoint's a=crypto inline: carries.
constexpr const char* kSenderKey = "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMk";

TEST(ConferenceWithFfmpeg, SrtpBothWaysWithFfmpegsOwnSrtp) {
  ConferenceHarness h;
  // The sender protects with its key; Tessera checks it (a wrong tag would drop everything).
  ParticipantRequest request;
  request.display_name = "Secure";
  request.streams.push_back(AudioStream(codecs::CodecId::kOpus, FreeEvenPort(), true, false));
  request.streams.push_back(H264Stream(FreeEvenPort(), true, false));
  for (auto& s : request.streams) s.srtp = SrtpRequest{1, "AES_CM_128_HMAC_SHA1_80", std::string("inline:") + kSenderKey};
  auto added = h.manager().AddParticipant("r1", request);
  ASSERT_TRUE(added) << added.error().message;
  ASSERT_TRUE(added->streams[0].srtp);
  EXPECT_NE(added->streams[0].srtp->key_params, request.streams[0].srtp->key_params) << "our key is our own";
  auto sender = StartSender({"Secure", "0xFF0000", 440, codecs::CodecId::kOpus, true, kSenderKey},
                            added->streams[1].local_rtp_port, added->streams[0].local_rtp_port, 30);
  ASSERT_TRUE(sender);

  // A plain receiver sees the red tile: SRTP in was unprotected.
  auto r = h.AddReceiver("plain", 1100, 5);
  ASSERT_FALSE(r.id.empty());
  ASSERT_EQ(r.recorder->WaitForExit(60s), 0) << r.recorder->output();
  const int frames = CountI420Frames(r.video, 640, 360);
  ASSERT_GT(frames, 20);
  const auto last = ReadI420Frame(r.video, 640, 360, frames - 1);
  std::vector<mixer::LayoutSource> one(1);
  const mixer::Layout layout = mixer::ComputeLayout(mixer::AutoLayoutFor(one), {640, 360}, one);
  ASSERT_FALSE(layout.tiles.empty());
  const mixer::Rect t = layout.tiles[0].rect;
  const int cy = t.y + t.height / 2, cx = t.x + t.width / 2;
  EXPECT_NEAR(last[static_cast<size_t>(cy * 640 + cx)], 81, 25) << "red's luma";
  EXPECT_GT(last[640 * 360 + 320 * 180 + (cy / 2) * 320 + cx / 2], 200) << "red's V";

  // A receiver with SRTP hears the tone: SRTP out is decrypted by ffmpeg.
  const uint16_t audio_port = FreeEvenPort();
  ParticipantRequest listener;
  listener.display_name = "secure listener";
  listener.streams.push_back(AudioStream(codecs::CodecId::kOpus, audio_port, false, true));
  listener.streams[0].srtp = SrtpRequest{1, "AES_CM_128_HMAC_SHA1_80", std::string("inline:") + kSenderKey};
  auto joined = h.manager().AddParticipant("r1", listener);
  ASSERT_TRUE(joined) << joined.error().message;
  ASSERT_TRUE(joined->streams[0].srtp);
  const auto sdp = h.dir() / "secure.sdp";
  std::ofstream(sdp) << "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=secure\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                     << "m=audio " << audio_port << " RTP/SAVP 111\r\na=rtpmap:111 opus/48000/2\r\n"
                     << "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " << joined->streams[0].srtp->key_params << "\r\n";
  const auto wav = h.dir() / "secure.wav";
  auto recorder = tessera::testing::Subprocess::Start({"ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                                                        "-protocol_whitelist", "file,udp,rtp,srtp,crypto", "-i",
                                                        sdp.string(), "-t", "3", "-ac", "1", "-ar", "48000", "-y",
                                                        wav.string()});
  ASSERT_TRUE(recorder);
  ASSERT_EQ(recorder->WaitForExit(30s), 0) << recorder->output();
  auto samples = ReadWav(wav);
  ASSERT_GT(samples.size(), 48000u * 2);
  samples.erase(samples.begin(), samples.begin() + 24000);
  EXPECT_GT(TonePower(samples, 48000, 440), 0.3) << "the secure listener hears the secure sender";
}

}  // namespace
}  // namespace tessera::mcu::conference::testing
