// Opus (RFC 6716, RTP per RFC 7587). The encoder runs in VoIP mode unless music is asked
// for; FEC, DTX, complexity, bitrate and the receiver's maxplaybackrate map to encoder
// controls. The decoder conceals a lost packet with Opus' own PLC, or rebuilds it from the
// FEC data of the next packet.
#include "audio/opus_codec.h"

#include <opus/opus.h>

#include <algorithm>

namespace tessera::codecs {
namespace {

struct EncoderDeleter {
  void operator()(OpusEncoder* e) const { opus_encoder_destroy(e); }
};
struct DecoderDeleter {
  void operator()(OpusDecoder* d) const { opus_decoder_destroy(d); }
};

CodecError FromOpus(int error, const char* detail) {
  switch (error) {
    case OPUS_BAD_ARG:
    case OPUS_BUFFER_TOO_SMALL:
      return {CodecErrorCode::kInvalidArgument, detail};
    case OPUS_INVALID_PACKET:
    case OPUS_INTERNAL_ERROR:
      return {CodecErrorCode::kCorruptData, detail};
    case OPUS_ALLOC_FAIL:
      return {CodecErrorCode::kResourceExhausted, detail};
    default:
      return {CodecErrorCode::kLibraryError, detail};
  }
}

// maxplaybackrate (RFC 7587 section 6.1) -> the widest band worth coding.
int BandwidthFor(int max_playback_rate_hz) {
  if (max_playback_rate_hz <= 0) return OPUS_BANDWIDTH_FULLBAND;
  if (max_playback_rate_hz <= 8000) return OPUS_BANDWIDTH_NARROWBAND;
  if (max_playback_rate_hz <= 12000) return OPUS_BANDWIDTH_MEDIUMBAND;
  if (max_playback_rate_hz <= 16000) return OPUS_BANDWIDTH_WIDEBAND;
  if (max_playback_rate_hz <= 24000) return OPUS_BANDWIDTH_SUPERWIDEBAND;
  return OPUS_BANDWIDTH_FULLBAND;
}

class OpusAudioEncoder final : public AudioEncoder {
 public:
  OpusAudioEncoder(const AudioEncoderConfig& config, OpusEncoder* encoder)
      : config_(config), encoder_(encoder), frame_samples_(config.sample_rate * config.frame_ms / 1000) {}

  Result<void, CodecError> Configure() {
    const int bitrate = config_.bitrate_bps > 0 ? config_.bitrate_bps : 32'000 * config_.channels;
    int r = opus_encoder_ctl(encoder_.get(), OPUS_SET_BITRATE(bitrate));
    r |= opus_encoder_ctl(encoder_.get(), OPUS_SET_COMPLEXITY(config_.complexity));
    r |= opus_encoder_ctl(encoder_.get(), OPUS_SET_INBAND_FEC(config_.fec ? 1 : 0));
    r |= opus_encoder_ctl(encoder_.get(), OPUS_SET_PACKET_LOSS_PERC(config_.packet_loss_percent));
    r |= opus_encoder_ctl(encoder_.get(), OPUS_SET_DTX(config_.dtx ? 1 : 0));
    r |= opus_encoder_ctl(encoder_.get(), OPUS_SET_MAX_BANDWIDTH(BandwidthFor(config_.max_playback_rate_hz)));
    if (!config_.music) r |= opus_encoder_ctl(encoder_.get(), OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
    if (r != OPUS_OK) return MakeUnexpected(FromOpus(r, "Opus rejected the configuration"));
    return {};
  }

  Result<size_t, CodecError> Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) override {
    if (pcm.size() != static_cast<size_t>(frame_samples_ * config_.channels))
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "PCM is not one frame"});
    const int n = opus_encode(encoder_.get(), pcm.data(), frame_samples_, out.data(),
                              static_cast<opus_int32>(std::min<size_t>(out.size(), kMaxAudioPayloadBytes)));
    if (n < 0) return MakeUnexpected(FromOpus(n, "opus_encode failed"));
    // RFC 7587 section 3.1.3: with DTX, packets of 2 bytes or less need not be sent.
    if (config_.dtx && n <= 2) return size_t{0};
    return static_cast<size_t>(n);
  }

  Result<void, CodecError> SetBitrate(int bitrate_bps) override {
    if (bitrate_bps < 6000 || bitrate_bps > 510'000)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "Opus bitrate must be 6..510 kbit/s"});
    const int r = opus_encoder_ctl(encoder_.get(), OPUS_SET_BITRATE(bitrate_bps));
    if (r != OPUS_OK) return MakeUnexpected(FromOpus(r, "Opus rejected the bitrate"));
    config_.bitrate_bps = bitrate_bps;
    return {};
  }
  void SetPacketLossPercent(int percent) override {
    opus_encoder_ctl(encoder_.get(), OPUS_SET_PACKET_LOSS_PERC(std::clamp(percent, 0, 100)));
  }
  CodecId codec() const override { return CodecId::kOpus; }
  int sample_rate() const override { return config_.sample_rate; }
  int channels() const override { return config_.channels; }
  int frame_samples() const override { return frame_samples_; }
  // The Opus RTP clock is always 48 kHz (RFC 7587 section 4.1).
  uint32_t rtp_timestamp_increment() const override { return static_cast<uint32_t>(48 * config_.frame_ms); }
  std::string_view implementation_name() const override { return "libopus"; }

 private:
  AudioEncoderConfig config_;
  std::unique_ptr<OpusEncoder, EncoderDeleter> encoder_;
  const int frame_samples_;
};

class OpusAudioDecoder final : public AudioDecoder {
 public:
  OpusAudioDecoder(const AudioDecoderConfig& config, OpusDecoder* decoder) : config_(config), decoder_(decoder) {}

  Result<size_t, CodecError> Decode(std::span<const uint8_t> payload, std::span<int16_t> out) override {
    if (payload.empty()) return MakeUnexpected(CodecError{CodecErrorCode::kCorruptData, "empty Opus payload"});
    return Run(payload.data(), payload.size(), Capacity(out), out, 0);
  }
  Result<size_t, CodecError> Conceal(size_t samples, std::span<int16_t> out) override {
    if (samples == 0 || samples > Capacity(out))
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "concealment length"});
    return Run(nullptr, 0, samples, out, 0);
  }
  Result<size_t, CodecError> DecodeFec(std::span<const uint8_t> next_payload, size_t samples,
                                       std::span<int16_t> out) override {
    if (samples == 0 || samples > Capacity(out))
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "FEC length"});
    if (next_payload.empty()) return Conceal(samples, out);
    // Without FEC data in the next packet, libopus falls back to its PLC by itself.
    return Run(next_payload.data(), next_payload.size(), samples, out, 1);
  }
  CodecId codec() const override { return CodecId::kOpus; }
  int sample_rate() const override { return config_.sample_rate; }
  int channels() const override { return config_.channels; }
  std::string_view implementation_name() const override { return "libopus"; }

 private:
  size_t Capacity(std::span<int16_t> out) const { return out.size() / static_cast<size_t>(config_.channels); }

  Result<size_t, CodecError> Run(const uint8_t* data, size_t size, size_t samples, std::span<int16_t> out, int fec) {
    if (size > 0x7fffffff) return MakeUnexpected(CodecError{CodecErrorCode::kCorruptData, "Opus payload too large"});
    const int n = opus_decode(decoder_.get(), data, static_cast<opus_int32>(size), out.data(),
                              static_cast<int>(std::min<size_t>(samples, 5760)), fec);
    if (n < 0)
      return MakeUnexpected(FromOpus(n == OPUS_BUFFER_TOO_SMALL ? OPUS_INVALID_PACKET : n, "opus_decode failed"));
    return static_cast<size_t>(n);
  }

  const AudioDecoderConfig config_;
  std::unique_ptr<OpusDecoder, DecoderDeleter> decoder_;
};

}  // namespace

Result<std::unique_ptr<AudioEncoder>, CodecError> CreateOpusEncoder(const AudioEncoderConfig& config) {
  int error = OPUS_OK;
  OpusEncoder* raw = opus_encoder_create(config.sample_rate, config.channels,
                                         config.music ? OPUS_APPLICATION_AUDIO : OPUS_APPLICATION_VOIP, &error);
  if (raw == nullptr || error != OPUS_OK) return MakeUnexpected(FromOpus(error, "opus_encoder_create failed"));
  auto encoder = std::make_unique<OpusAudioEncoder>(config, raw);
  if (auto configured = encoder->Configure(); !configured) return MakeUnexpected(configured.error());
  return std::unique_ptr<AudioEncoder>(std::move(encoder));
}

Result<std::unique_ptr<AudioDecoder>, CodecError> CreateOpusDecoder(const AudioDecoderConfig& config) {
  int error = OPUS_OK;
  OpusDecoder* raw = opus_decoder_create(config.sample_rate, config.channels, &error);
  if (raw == nullptr || error != OPUS_OK) return MakeUnexpected(FromOpus(error, "opus_decoder_create failed"));
  return std::unique_ptr<AudioDecoder>(std::make_unique<OpusAudioDecoder>(config, raw));
}

}  // namespace tessera::codecs
