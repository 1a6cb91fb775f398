#include "audio/g711_codec.h"

#include "audio/fade_concealer.h"
#include "tessera/codecs/audio/g711.h"

namespace tessera::codecs {
namespace {

class G711Encoder final : public AudioEncoder {
 public:
  explicit G711Encoder(const AudioEncoderConfig& config)
      : codec_(config.codec), frame_samples_(8000 * config.frame_ms / 1000) {}

  Result<size_t, CodecError> Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) override {
    if (pcm.size() != static_cast<size_t>(frame_samples_))
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "PCM is not one frame"});
    if (out.size() < pcm.size())
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "output too small"});
    if (codec_ == CodecId::kPcmu) {
      g711::EncodeUlaw(pcm, out);
    } else {
      g711::EncodeAlaw(pcm, out);
    }
    return pcm.size();
  }
  Result<void, CodecError> SetBitrate(int) override {
    return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "G.711 is 64 kbit/s"});
  }
  void SetPacketLossPercent(int) override {}
  CodecId codec() const override { return codec_; }
  int sample_rate() const override { return 8000; }
  int channels() const override { return 1; }
  int frame_samples() const override { return frame_samples_; }
  uint32_t rtp_timestamp_increment() const override { return static_cast<uint32_t>(frame_samples_); }
  std::string_view implementation_name() const override { return codec_ == CodecId::kPcmu ? "g711-ulaw" : "g711-alaw"; }

 private:
  const CodecId codec_;
  const int frame_samples_;
};

class G711Decoder final : public AudioDecoder {
 public:
  explicit G711Decoder(const AudioDecoderConfig& config) : codec_(config.codec) {}

  Result<size_t, CodecError> Decode(std::span<const uint8_t> payload, std::span<int16_t> out) override {
    if (payload.empty()) return MakeUnexpected(CodecError{CodecErrorCode::kCorruptData, "empty G.711 payload"});
    if (out.size() < payload.size())
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "output too small"});
    if (codec_ == CodecId::kPcmu) {
      g711::DecodeUlaw(payload, out);
    } else {
      g711::DecodeAlaw(payload, out);
    }
    concealer_.Remember(out.first(payload.size()));
    return payload.size();
  }
  Result<size_t, CodecError> Conceal(size_t samples, std::span<int16_t> out) override {
    if (out.size() < samples) return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "output too small"});
    concealer_.Conceal(out.first(samples));
    return samples;
  }
  Result<size_t, CodecError> DecodeFec(std::span<const uint8_t>, size_t samples, std::span<int16_t> out) override {
    return Conceal(samples, out);
  }
  CodecId codec() const override { return codec_; }
  int sample_rate() const override { return 8000; }
  int channels() const override { return 1; }
  std::string_view implementation_name() const override { return codec_ == CodecId::kPcmu ? "g711-ulaw" : "g711-alaw"; }

 private:
  const CodecId codec_;
  FadeConcealer concealer_;
};

}  // namespace

std::unique_ptr<AudioEncoder> CreateG711Encoder(const AudioEncoderConfig& config) {
  return std::make_unique<G711Encoder>(config);
}
std::unique_ptr<AudioDecoder> CreateG711Decoder(const AudioDecoderConfig& config) {
  return std::make_unique<G711Decoder>(config);
}

}  // namespace tessera::codecs
