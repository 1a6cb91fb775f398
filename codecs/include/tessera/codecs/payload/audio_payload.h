#pragma once
// Audio payload formats: Opus (RFC 7587), G.711 µ-law/A-law and G.722 (RFC 3551), where one
// RTP payload is one codec frame (or, for G.711/G.722, any number of samples).
//
// What transport needs from them is how much time a payload covers, in RTP timestamp units
// and in audio samples — which differ for G.722: SDP says G722/8000 and the timestamp
// advances at 8 kHz (an RFC 1890 error kept for compatibility), but the audio is 16 kHz.
// Opus always uses a 48 kHz RTP clock whatever its internal rate.
//
// Thread safety: pure functions; any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "tessera/codecs/codec_types.h"

namespace tessera::codecs::payload {

struct AudioPayloadFormat {
  uint32_t rtp_clock_rate = 0;         // what the SDP rtpmap says and timestamps count
  uint32_t sample_rate = 0;            // the decoded audio's rate
  uint8_t static_payload_type = 0xFF;  // RFC 3551 static type, 0xFF if dynamic
};
// For kOpus, kPcmu, kPcma, kG722, kTelephoneEvent (8 kHz default); nullopt for video codecs.
std::optional<AudioPayloadFormat> AudioFormatOf(CodecId codec);

// RFC 6716 §3.1: the samples (at 48 kHz) an Opus packet decodes to, from its TOC byte and
// frame count; nullopt for a malformed packet (empty, code 3 without its count byte,
// more than 120 ms).
std::optional<uint32_t> OpusPacketSamples(std::span<const uint8_t> packet);

// RTP timestamp units one payload covers (Opus from its TOC; G.711 one per byte; G.722
// one per byte, i.e. two 16 kHz samples per 8 kHz tick); nullopt when unknown or malformed.
std::optional<uint32_t> RtpDurationOf(CodecId codec, std::span<const uint8_t> payload);

}  // namespace tessera::codecs::payload
