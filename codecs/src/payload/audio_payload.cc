#include "tessera/codecs/payload/audio_payload.h"

namespace tessera::codecs::payload {

std::optional<AudioPayloadFormat> AudioFormatOf(CodecId codec) {
  switch (codec) {
    case CodecId::kOpus:
      return AudioPayloadFormat{48000, 48000, 0xFF};
    case CodecId::kPcmu:
      return AudioPayloadFormat{8000, 8000, 0};
    case CodecId::kPcma:
      return AudioPayloadFormat{8000, 8000, 8};
    case CodecId::kG722:
      return AudioPayloadFormat{8000, 16000, 9};
    case CodecId::kTelephoneEvent:
      return AudioPayloadFormat{8000, 8000, 0xFF};
    default:
      return std::nullopt;
  }
}

std::optional<uint32_t> OpusPacketSamples(std::span<const uint8_t> packet) {
  if (packet.empty()) return std::nullopt;
  const uint8_t toc = packet[0];
  const uint8_t config = toc >> 3;
  // Frame duration in 48 kHz samples (RFC 6716 Table 2).
  uint32_t frame;
  if (config < 12) {
    static constexpr uint32_t kSilk[4] = {480, 960, 1920, 2880};  // 10, 20, 40, 60 ms
    frame = kSilk[config % 4];
  } else if (config < 16) {
    frame = (config % 2) ? 960 : 480;  // hybrid: 10, 20 ms
  } else {
    static constexpr uint32_t kCelt[4] = {120, 240, 480, 960};  // 2.5, 5, 10, 20 ms
    frame = kCelt[config % 4];
  }
  uint32_t frames;
  switch (toc & 0x03) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default:
      if (packet.size() < 2) return std::nullopt;
      frames = packet[1] & 0x3F;
      if (frames == 0) return std::nullopt;
      break;
  }
  const uint32_t samples = frames * frame;
  if (samples > 5760) return std::nullopt;  // more than 120 ms is invalid
  return samples;
}

std::optional<uint32_t> RtpDurationOf(CodecId codec, std::span<const uint8_t> payload) {
  switch (codec) {
    case CodecId::kOpus:
      return OpusPacketSamples(payload);
    case CodecId::kPcmu:
    case CodecId::kPcma:
    case CodecId::kG722:
      // G.711: one 8 kHz sample per byte. G.722 at 64 kbit/s: one byte holds two 16 kHz
      // samples, which is one tick of its 8 kHz RTP clock.
      return static_cast<uint32_t>(payload.size());
    default:
      return std::nullopt;
  }
}

}  // namespace tessera::codecs::payload
