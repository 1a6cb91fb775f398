// CreateAudioEncoder / CreateAudioDecoder: the rules of each codec, checked once, then the
// implementation.
#include "audio/ffmpeg_g722_codec.h"
#include "audio/g711_codec.h"
#include "audio/opus_codec.h"
#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"

namespace tessera::codecs {
namespace {

Unexpected<CodecError> Invalid(const char* detail) {
  return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, detail});
}

int NaturalRate(CodecId codec) {
  switch (codec) {
    case CodecId::kOpus:
      return 48000;
    case CodecId::kG722:
      return 16000;
    default:
      return 8000;
  }
}

bool IsOpusRate(int rate) {
  return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 48000;
}

}  // namespace

Result<std::unique_ptr<AudioEncoder>, CodecError> CreateAudioEncoder(const AudioEncoderConfig& config) {
  AudioEncoderConfig c = config;
  if (c.codec != CodecId::kOpus && c.codec != CodecId::kPcmu && c.codec != CodecId::kPcma && c.codec != CodecId::kG722)
    return Invalid("not an audio codec with an encoder (Opus, PCMU, PCMA, G722)");
  if (c.sample_rate == 0) c.sample_rate = NaturalRate(c.codec);
  if (c.codec == CodecId::kOpus) {
    if (!IsOpusRate(c.sample_rate)) return Invalid("Opus takes 8, 12, 16, 24 or 48 kHz");
    if (c.channels < 1 || c.channels > 2) return Invalid("Opus takes 1 or 2 channels");
    if (c.frame_ms != 10 && c.frame_ms != 20 && c.frame_ms != 40 && c.frame_ms != 60)
      return Invalid("Opus frames are 10, 20, 40 or 60 ms");
    if (c.complexity < 0 || c.complexity > 10) return Invalid("Opus complexity is 0..10");
    if (c.bitrate_bps != 0 && (c.bitrate_bps < 6000 || c.bitrate_bps > 510'000))
      return Invalid("Opus bitrate must be 6..510 kbit/s");
    if (c.packet_loss_percent < 0 || c.packet_loss_percent > 100) return Invalid("packet loss is a percentage");
    return CreateOpusEncoder(c);
  }
  if (c.sample_rate != NaturalRate(c.codec)) return Invalid("G.711 takes 8 kHz and G.722 16 kHz; resample first");
  if (c.channels != 1) return Invalid("G.711 and G.722 are mono");
  if (c.frame_ms != 10 && c.frame_ms != 20) return Invalid("frames are 10 or 20 ms");
  if (c.bitrate_bps != 0 || c.fec || c.dtx || c.music)
    return MakeUnexpected(
        CodecError{CodecErrorCode::kUnsupported, "bitrate, FEC, DTX and music mode are Opus options"});
  if (c.codec == CodecId::kG722) return CreateFfmpegG722Encoder(c);
  return CreateG711Encoder(c);
}

Result<std::unique_ptr<AudioDecoder>, CodecError> CreateAudioDecoder(const AudioDecoderConfig& config) {
  AudioDecoderConfig c = config;
  if (c.codec != CodecId::kOpus && c.codec != CodecId::kPcmu && c.codec != CodecId::kPcma && c.codec != CodecId::kG722)
    return Invalid("not an audio codec with a decoder (Opus, PCMU, PCMA, G722)");
  if (c.sample_rate == 0) c.sample_rate = NaturalRate(c.codec);
  if (c.codec == CodecId::kOpus) {
    if (!IsOpusRate(c.sample_rate)) return Invalid("Opus decodes to 8, 12, 16, 24 or 48 kHz");
    if (c.channels < 1 || c.channels > 2) return Invalid("Opus decodes to 1 or 2 channels");
    return CreateOpusDecoder(c);
  }
  if (c.sample_rate != NaturalRate(c.codec)) return Invalid("G.711 decodes to 8 kHz and G.722 to 16 kHz");
  if (c.channels != 1) return Invalid("G.711 and G.722 are mono");
  if (c.codec == CodecId::kG722) return CreateFfmpegG722Decoder(c);
  return std::unique_ptr<AudioDecoder>(CreateG711Decoder(c));
}

}  // namespace tessera::codecs
