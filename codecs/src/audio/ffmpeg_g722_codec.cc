// G.722 at 64 kbit/s (mode 1) with libavcodec's adpcm_g722, chosen over spandsp's G.722
// by benchmarks/codecs/audio/audio_codecs_benchmark: per 20 ms frame libavcodec encodes in
// 11.2 us of CPU against spandsp's 16.8 us and decodes in 7.2 against 10.5 (medians of 5;
// its QMF is vectorised). Audio is 16 kHz; the RTP clock is 8 kHz (RFC 3551 4.5.2).
//
// Nothing is allocated per frame after warm-up: the input AVFrame is reused (made
// writable again only if libavcodec still holds it), encoded packets come from a buffer
// pool through get_encode_buffer, and decoder input from a pool of padded buffers.
#include "audio/ffmpeg_g722_codec.h"

extern "C" {
#include <libavutil/channel_layout.h>
}

#include <cstring>

#include "audio/fade_concealer.h"
#include "ffmpeg/ffmpeg_util.h"

namespace tessera::codecs {
namespace {

constexpr int kRate = 16000;
constexpr size_t kPoolBytes = 4096 + AV_INPUT_BUFFER_PADDING_SIZE;  // 120 ms of G.722 and more

int PooledEncodeBuffer(AVCodecContext* context, AVPacket* packet, int /*flags*/) {
  auto* pool = static_cast<AVBufferPool*>(context->opaque);
  if (static_cast<size_t>(packet->size) + AV_INPUT_BUFFER_PADDING_SIZE > kPoolBytes) return AVERROR(EINVAL);
  packet->buf = av_buffer_pool_get(pool);
  if (packet->buf == nullptr) return AVERROR(ENOMEM);
  packet->data = packet->buf->data;
  std::memset(packet->data + packet->size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
  return 0;
}

class FfmpegG722Encoder final : public AudioEncoder {
 public:
  explicit FfmpegG722Encoder(const AudioEncoderConfig& config) : frame_samples_(kRate * config.frame_ms / 1000) {}

  Result<void, CodecError> Open() {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_ADPCM_G722);
    if (codec == nullptr) return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "no G.722 encoder"});
    pool_.reset(av_buffer_pool_init(kPoolBytes, nullptr));
    context_.reset(avcodec_alloc_context3(codec));
    frame_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
    if (!pool_ || !context_ || !frame_ || !packet_)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "allocating G.722 encoder"});
    AVCodecContext* c = context_.get();
    c->sample_rate = kRate;
    c->ch_layout = AV_CHANNEL_LAYOUT_MONO;
    c->sample_fmt = AV_SAMPLE_FMT_S16;
    c->bit_rate = 64000;
    c->frame_size = frame_samples_;
    c->opaque = pool_.get();
    if (codec->capabilities & AV_CODEC_CAP_DR1) c->get_encode_buffer = &PooledEncodeBuffer;
    const int ret = avcodec_open2(c, codec, nullptr);
    if (ret < 0) return MakeUnexpected(ffmpeg::ErrorFromAv(ret, "opening the G.722 encoder"));
    frame_->nb_samples = frame_samples_;
    frame_->format = AV_SAMPLE_FMT_S16;
    frame_->sample_rate = kRate;
    av_channel_layout_copy(&frame_->ch_layout, &c->ch_layout);
    if (av_frame_get_buffer(frame_.get(), 0) < 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "G.722 input frame"});
    return {};
  }

  Result<size_t, CodecError> Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) override {
    if (pcm.size() != static_cast<size_t>(frame_samples_))
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "PCM is not one frame"});
    if (out.size() < pcm.size() / 2)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "output too small"});
    if (av_frame_make_writable(frame_.get()) < 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "G.722 input frame"});
    std::memcpy(frame_->data[0], pcm.data(), pcm.size_bytes());
    frame_->pts = next_pts_;
    next_pts_ += frame_samples_;
    int ret = avcodec_send_frame(context_.get(), frame_.get());
    if (ret >= 0) ret = avcodec_receive_packet(context_.get(), packet_.get());
    if (ret < 0) return MakeUnexpected(ffmpeg::ErrorFromAv(ret, "G.722 encoding"));
    const size_t n = std::min(static_cast<size_t>(packet_->size), out.size());
    std::memcpy(out.data(), packet_->data, n);
    av_packet_unref(packet_.get());
    return n;
  }

  Result<void, CodecError> SetBitrate(int) override {
    return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "G.722 runs at 64 kbit/s"});
  }
  void SetPacketLossPercent(int) override {}
  CodecId codec() const override { return CodecId::kG722; }
  int sample_rate() const override { return kRate; }
  int channels() const override { return 1; }
  int frame_samples() const override { return frame_samples_; }
  uint32_t rtp_timestamp_increment() const override { return static_cast<uint32_t>(frame_samples_ / 2); }
  std::string_view implementation_name() const override { return "ffmpeg-g722"; }

 private:
  const int frame_samples_;
  ffmpeg::BufferPoolPtr pool_;  // outlives context_ (declared first, destroyed last)
  ffmpeg::CodecContextPtr context_;
  ffmpeg::FramePtr frame_;
  ffmpeg::PacketPtr packet_;
  int64_t next_pts_ = 0;
};

class FfmpegG722Decoder final : public AudioDecoder {
 public:
  Result<void, CodecError> Open() {
    const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_ADPCM_G722);
    if (codec == nullptr) return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "no G.722 decoder"});
    pool_.reset(av_buffer_pool_init(kPoolBytes, nullptr));
    context_.reset(avcodec_alloc_context3(codec));
    frame_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
    if (!pool_ || !context_ || !frame_ || !packet_)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "allocating G.722 decoder"});
    context_->sample_rate = kRate;
    context_->ch_layout = AV_CHANNEL_LAYOUT_MONO;
    const int ret = avcodec_open2(context_.get(), codec, nullptr);
    if (ret < 0) return MakeUnexpected(ffmpeg::ErrorFromAv(ret, "opening the G.722 decoder"));
    return {};
  }

  Result<size_t, CodecError> Decode(std::span<const uint8_t> payload, std::span<int16_t> out) override {
    if (payload.empty()) return MakeUnexpected(CodecError{CodecErrorCode::kCorruptData, "empty G.722 payload"});
    if (payload.size() + AV_INPUT_BUFFER_PADDING_SIZE > kPoolBytes)
      return MakeUnexpected(CodecError{CodecErrorCode::kCorruptData, "G.722 payload longer than 120 ms"});
    if (out.size() < payload.size() * 2)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "output too small"});
    AVBufferRef* buffer = av_buffer_pool_get(pool_.get());
    if (buffer == nullptr) return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "G.722 packet"});
    std::memcpy(buffer->data, payload.data(), payload.size());
    std::memset(buffer->data + payload.size(), 0, AV_INPUT_BUFFER_PADDING_SIZE);
    packet_->buf = buffer;
    packet_->data = buffer->data;
    packet_->size = static_cast<int>(payload.size());
    int ret = avcodec_send_packet(context_.get(), packet_.get());
    av_packet_unref(packet_.get());
    size_t written = 0;
    while (ret >= 0 && avcodec_receive_frame(context_.get(), frame_.get()) >= 0) {
      const size_t n = std::min(static_cast<size_t>(frame_->nb_samples), out.size() - written);
      std::memcpy(out.data() + written, frame_->data[0], n * sizeof(int16_t));
      written += n;
      av_frame_unref(frame_.get());
    }
    if (ret < 0) return MakeUnexpected(ffmpeg::ErrorFromAv(ret, "G.722 decoding"));
    concealer_.Remember(out.first(written));
    return written;
  }
  Result<size_t, CodecError> Conceal(size_t samples, std::span<int16_t> out) override {
    if (out.size() < samples) return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "output too small"});
    concealer_.Conceal(out.first(samples));
    return samples;
  }
  Result<size_t, CodecError> DecodeFec(std::span<const uint8_t>, size_t samples, std::span<int16_t> out) override {
    return Conceal(samples, out);
  }
  CodecId codec() const override { return CodecId::kG722; }
  int sample_rate() const override { return kRate; }
  int channels() const override { return 1; }
  std::string_view implementation_name() const override { return "ffmpeg-g722"; }

 private:
  ffmpeg::BufferPoolPtr pool_;
  ffmpeg::CodecContextPtr context_;
  ffmpeg::FramePtr frame_;
  ffmpeg::PacketPtr packet_;
  FadeConcealer concealer_;
};

}  // namespace

Result<std::unique_ptr<AudioEncoder>, CodecError> CreateFfmpegG722Encoder(const AudioEncoderConfig& config) {
  ffmpeg::InstallFfmpegLogBridge();
  auto encoder = std::make_unique<FfmpegG722Encoder>(config);
  if (auto opened = encoder->Open(); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<AudioEncoder>(std::move(encoder));
}

Result<std::unique_ptr<AudioDecoder>, CodecError> CreateFfmpegG722Decoder(const AudioDecoderConfig&) {
  ffmpeg::InstallFfmpegLogBridge();
  auto decoder = std::make_unique<FfmpegG722Decoder>();
  if (auto opened = decoder->Open(); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<AudioDecoder>(std::move(decoder));
}

}  // namespace tessera::codecs
