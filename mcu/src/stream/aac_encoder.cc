#include "tessera/mcu/stream/aac_encoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
}

namespace tessera::mcu::stream {

namespace {
std::string AvError(int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof(text));
  return text;
}
constexpr int64_t kFrameUs = int64_t{AacEncoder::kFrameSamples} * 1'000'000 / AacEncoder::kSampleRate;
}  // namespace

Result<std::unique_ptr<AacEncoder>, std::string> AacEncoder::Create(int bitrate_bps) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
  if (!codec) return MakeUnexpected(std::string("this FFmpeg has no AAC encoder"));
  std::unique_ptr<AacEncoder> e(new AacEncoder());
  e->context_ = avcodec_alloc_context3(codec);
  e->frame_ = av_frame_alloc();
  e->packet_ = av_packet_alloc();
  if (!e->context_ || !e->frame_ || !e->packet_) return MakeUnexpected(std::string("out of memory"));
  AVCodecContext* c = e->context_;
  c->sample_rate = kSampleRate;
  c->sample_fmt = AV_SAMPLE_FMT_FLTP;
  av_channel_layout_default(&c->ch_layout, kChannels);
  c->bit_rate = bitrate_bps;
  c->time_base = AVRational{1, kSampleRate};
  c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // FLV and MP4 carry the config in the header
  if (const int rc = avcodec_open2(c, codec, nullptr); rc < 0) return MakeUnexpected("AAC encoder: " + AvError(rc));
  if (c->frame_size != kFrameSamples)
    return MakeUnexpected("AAC encoder: unexpected frame size " + std::to_string(c->frame_size));
  e->extradata_.assign(c->extradata, c->extradata + c->extradata_size);
  e->bitrate_bps_ = bitrate_bps;
  e->frame_->format = AV_SAMPLE_FMT_FLTP;
  e->frame_->sample_rate = kSampleRate;
  e->frame_->nb_samples = kFrameSamples;
  av_channel_layout_default(&e->frame_->ch_layout, kChannels);
  if (const int rc = av_frame_get_buffer(e->frame_, 0); rc < 0) return MakeUnexpected("AAC frame: " + AvError(rc));
  return e;
}

AacEncoder::~AacEncoder() {
  av_packet_free(&packet_);
  av_frame_free(&frame_);
  avcodec_free_context(&context_);
}

void AacEncoder::Encode(std::span<const int16_t> mono, int64_t time_us,
                        const std::function<void(const AacPacket&)>& out) {
  // A jump of more than a millisecond from where the last input ended: the partial frame
  // is padded out and the new input starts a frame of its own at its own time.
  if (next_time_us_ >= 0 && (time_us - next_time_us_ > 1000 || time_us < next_time_us_ - 1000) && filled_ > 0) {
    for (int ch = 0; ch < kChannels; ++ch) {
      float* dst = reinterpret_cast<float*>(frame_->data[ch]);
      std::fill(dst + filled_, dst + kFrameSamples, 0.0f);
    }
    filled_ = kFrameSamples;
    EncodeFrame(out);
  }
  size_t offset = 0;
  while (offset < mono.size()) {
    if (filled_ == 0) {
      frame_time_us_ = time_us + static_cast<int64_t>(offset) * 1'000'000 / kSampleRate;
      if (av_frame_make_writable(frame_) < 0) {
        ++errors_;
        return;
      }
    }
    const size_t n = std::min(mono.size() - offset, static_cast<size_t>(kFrameSamples - filled_));
    float* left = reinterpret_cast<float*>(frame_->data[0]);
    float* right = reinterpret_cast<float*>(frame_->data[1]);
    for (size_t i = 0; i < n; ++i) {
      const float s = static_cast<float>(mono[offset + i]) * (1.0f / 32768.0f);
      left[filled_ + static_cast<int>(i)] = s;
      right[filled_ + static_cast<int>(i)] = s;
    }
    filled_ += static_cast<int>(n);
    offset += n;
    if (filled_ == kFrameSamples) EncodeFrame(out);
  }
  next_time_us_ = time_us + static_cast<int64_t>(mono.size()) * 1'000'000 / kSampleRate;
}

void AacEncoder::EncodeFrame(const std::function<void(const AacPacket&)>& out) {
  filled_ = 0;
  frame_->pts = samples_out_;
  samples_out_ += kFrameSamples;
  sent_[sent_count_++ % sent_.size()] = SentFrame{frame_->pts, frame_time_us_};
  if (avcodec_send_frame(context_, frame_) < 0) {
    ++errors_;
    return;
  }
  while (avcodec_receive_packet(context_, packet_) == 0) {
    out(AacPacket{{packet_->data, static_cast<size_t>(packet_->size)}, MediaTimeOf(packet_->pts), kFrameUs});
    av_packet_unref(packet_);
  }
}

int64_t AacEncoder::MediaTimeOf(int64_t pts) const {
  // The newest sent frame that starts at or before `pts`; priming packets (negative pts)
  // are placed before the oldest one kept.
  const size_t kept = std::min(sent_count_, sent_.size());
  const SentFrame* best = nullptr;
  const SentFrame* oldest = nullptr;
  for (size_t i = 0; i < kept; ++i) {
    const SentFrame& f = sent_[i];
    if (!oldest || f.pts < oldest->pts) oldest = &f;
    if (f.pts <= pts && (!best || f.pts > best->pts)) best = &f;
  }
  const SentFrame* base = best ? best : oldest;
  if (!base) return 0;
  return base->time_us + (pts - base->pts) * 1'000'000 / kSampleRate;
}

}  // namespace tessera::mcu::stream
