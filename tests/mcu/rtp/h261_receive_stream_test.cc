// H.261 (RFC 4587) through the video receive path: the jitter buffer sees where pictures
// start from the payload headers, so after a lost packet it drops the broken picture and
// resumes at the next one (every H.261 picture is a recovery point), and the frames it
// hands out depacketize to exactly what the encoder made.
#include <gtest/gtest.h>

#include <vector>

#include "tessera/codecs/payload/h261_payload.h"
#include "tessera/codecs/video/video_encoder.h"
#include "tessera/mcu/rtp/video_receive_stream.h"

namespace tessera::mcu::rtp {
namespace {

using Bytes = std::vector<uint8_t>;
const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

std::vector<Bytes> EncodeQcif(int frames) {
  codecs::VideoEncoderConfig config{.codec = codecs::CodecId::kH261, .width = 176, .height = 144};
  config.bitrate_bps = 256'000;
  auto encoder = codecs::CreateVideoEncoder(config);
  EXPECT_TRUE(encoder);
  if (!encoder) return {};
  I420Buffer picture(176, 144);
  std::vector<Bytes> out;
  for (int i = 0; i < frames; ++i) {
    // A moving gradient, so that every picture has something to code.
    const I420MutableView v = picture.view();
    for (int y = 0; y < v.height; ++y)
      for (int x = 0; x < v.width; ++x)
        v.y[y * v.stride_y + x] = static_cast<uint8_t>(x * 2 + y + i * 7);
    for (int y = 0; y < v.height / 2; ++y)
      for (int x = 0; x < v.width / 2; ++x) {
        v.u[y * v.stride_u + x] = static_cast<uint8_t>(96 + x);
        v.v[y * v.stride_v + x] = static_cast<uint8_t>(160 - y);
      }
    auto au = (*encoder)->Encode(picture.const_view(), static_cast<uint32_t>(i * 3000));
    EXPECT_TRUE(au && !au->data.empty());
    if (au) out.emplace_back(au->data.begin(), au->data.end());
  }
  return out;
}

TEST(H261ReceiveStream, ALostPacketDropsItsPictureAndTheNextPictureIsDelivered) {
  const auto pictures = EncodeQcif(4);
  ASSERT_EQ(pictures.size(), 4u);
  VideoReceiveStream stream(
      VideoReceiveStreamConfig{.local_ssrc = 0x10, .codec = codecs::CodecId::kH261, .nack = false});
  codecs::payload::H261Packetizer packetizer({.max_payload_size = 200});
  codecs::payload::PayloadArena arena(256, 200);
  uint16_t seq = 500;
  size_t lost = 0;
  TimePoint now = kT0;
  for (size_t f = 0; f < pictures.size(); ++f) {
    arena.Clear();
    ASSERT_TRUE(packetizer.Packetize(pictures[f], arena));
    if (f == 1) ASSERT_GE(arena.size(), 2u) << "the picture that loses a packet has several";
    for (size_t i = 0; i < arena.size(); ++i, ++seq) {
      if (f == 1 && i == 1) {
        ++lost;  // picture 1 loses its second packet
        continue;
      }
      Bytes packet(12);
      WriteRtpHeader(RtpHeader{.payload_type = 31,
                               .marker = arena.marker(i),
                               .sequence_number = seq,
                               .timestamp = static_cast<uint32_t>(f * 3000),
                               .ssrc = 0xABC},
                     packet);
      packet.insert(packet.end(), arena.payload(i).begin(), arena.payload(i).end());
      stream.OnRtpPacket(*ParseRtp(packet), now);
    }
    now += std::chrono::milliseconds(33);
  }
  ASSERT_EQ(lost, 1u);
  // Past the jitter buffer's longest wait, everything it will deliver is out.
  std::vector<Bytes> delivered;
  for (TimePoint t = now; t < now + std::chrono::seconds(1); t += std::chrono::milliseconds(20)) {
    while (auto frame = stream.PopFrame(t)) {
      Bytes out(64 * 1024);
      auto r = codecs::payload::DepacketizeH261(frame->payloads, out);
      ASSERT_TRUE(r) << codecs::payload::DepacketizeErrorName(r.error());
      out.resize(r->size);
      delivered.push_back(out);
    }
  }
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_EQ(delivered[0], pictures[0]);
  EXPECT_EQ(delivered[1], pictures[2]) << "the picture after the loss";
  EXPECT_EQ(delivered[2], pictures[3]);
}

}  // namespace
}  // namespace tessera::mcu::rtp
