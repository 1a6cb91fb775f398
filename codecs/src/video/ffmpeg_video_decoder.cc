// FFmpeg video decoder. One thread per stream and no frame threading, so a picture comes
// out of the same Decode call that got its access unit (no added delay). The returned view
// points into the AVFrame that libavcodec decoded into (its buffer pool), so nothing is
// copied unless the stream is not 8-bit 4:2:0.
//
// Input goes into pooled, padded packet buffers (libavcodec reads up to 64 bytes past the
// end), so after warm-up a Decode call allocates nothing of its own.
#include "video/ffmpeg_video_decoder.h"

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "ffmpeg/ffmpeg_util.h"
#include "tessera/base/log.h"
#include "tessera/codecs/video/h261_bitstream.h"
#include "tessera/codecs/video/h264_bitstream.h"
#include "tessera/codecs/video/vp8_bitstream.h"
#include "video/keyframe_state.h"

namespace tessera::codecs {
namespace {

constexpr log::Component kLog{"codec.video_decoder", log::Tag::kCodec};
using namespace std::chrono_literals;

struct CodecChoice {
  AVCodecID id;
  std::string_view name;
};

std::optional<CodecChoice> ChooseCodec(CodecId codec) {
  switch (codec) {
    case CodecId::kH264:
      return CodecChoice{AV_CODEC_ID_H264, "ffmpeg-h264"};
    case CodecId::kH263:
    case CodecId::kH263Plus:
      // One decoder reads both: the picture header says which syntax follows.
      return CodecChoice{AV_CODEC_ID_H263, "ffmpeg-h263"};
    case CodecId::kH261:
      return CodecChoice{AV_CODEC_ID_H261, "ffmpeg-h261"};
    case CodecId::kVp8:
      return CodecChoice{AV_CODEC_ID_VP8, "ffmpeg-vp8"};
    default:
      return std::nullopt;
  }
}

bool IsPlainI420(int format) {
  return format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUVJ420P;
}

class FfmpegVideoDecoder final : public VideoDecoder {
 public:
  using DecodeResult = Result<std::optional<DecodedVideoFrame>, CodecError>;

  FfmpegVideoDecoder(const VideoDecoderConfig& config, std::string_view name) : config_(config), name_(name) {}

  Result<void, CodecError> Open(AVCodecID id) {
    const AVCodec* codec = avcodec_find_decoder(id);
    if (codec == nullptr) return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "decoder not in libavcodec"});
    context_.reset(avcodec_alloc_context3(codec));
    frame_.reset(av_frame_alloc());
    scratch_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
    if (!context_ || !frame_ || !scratch_ || !packet_)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "allocating decoder"});
    // No frame threading (it delays output by one frame per thread) and no slice threads:
    // parallelism comes from decoding many sources at once, one per worker.
    context_->thread_count = 1;
    context_->thread_type = 0;
    context_->max_pixels = config_.max_pixels;
    context_->pkt_timebase = AVRational{1, 90000};
    const int ret = avcodec_open2(context_.get(), codec, nullptr);
    if (ret < 0) return MakeUnexpected(ffmpeg::ErrorFromAv(ret, "opening decoder"));
    return {};
  }

  Result<std::optional<DecodedVideoFrame>, CodecError> Decode(std::span<const uint8_t> access_unit,
                                                              uint32_t rtp_timestamp) override {
    ++stats_.access_units;
    av_frame_unref(frame_.get());  // the previous picture's view ends here
    if (access_unit.empty()) return Refuse({CodecErrorCode::kInvalidArgument, "empty access unit"}, false);
    if (access_unit.size() > config_.max_access_unit_bytes)
      return Refuse({CodecErrorCode::kResourceExhausted, "access unit larger than the configured maximum"}, true);

    const Probe probe = Inspect(access_unit);
    if (probe.refusal) {
      keyframe_.OnLoss();
      if (probe.refusal->code == CodecErrorCode::kCorruptData) return Corrupt(*probe.refusal);
      return Refuse(*probe.refusal, true);
    }
    const bool was_waiting = keyframe_.waiting();
    if (probe.recovery_frame_cnt >= 0) keyframe_.OnRecoveryPoint(probe.recovery_frame_cnt);

    if (auto filled = FillPacket(access_unit, rtp_timestamp); !filled) return Refuse(filled.error(), true);
    // Errors from here on are about this picture.
    auto failed = [&](CodecError error) -> DecodeResult {
      keyframe_.OnPicture(false, probe.keyframe);
      // A delta picture before any keyframe is the normal start of a joined stream.
      if (was_waiting && !probe.keyframe) return Waiting();
      return Corrupt(error);
    };
    const int sent = avcodec_send_packet(context_.get(), packet_.get());
    av_packet_unref(packet_.get());

    // Drain whatever the decoder has (normally exactly one picture); keep the last.
    bool got = false;
    while (avcodec_receive_frame(context_.get(), scratch_.get()) >= 0) {
      if (got) ++stats_.frames;  // a picture superseded within one call still counts
      av_frame_unref(frame_.get());
      av_frame_move_ref(frame_.get(), scratch_.get());
      got = true;
    }

    if (sent < 0) {
      av_frame_unref(frame_.get());
      // Whatever libavcodec says (EINVAL included, e.g. a size beyond max_pixels in an
      // H.263 header), the input is what is wrong: corrupt, unless memory ran out.
      return failed(sent == AVERROR(ENOMEM)
                        ? CodecError{CodecErrorCode::kResourceExhausted, "decoder out of memory"}
                        : CodecError{CodecErrorCode::kCorruptData, "decoder rejected the access unit"});
    }
    if (!got) {
      if (!probe.has_picture) return std::optional<DecodedVideoFrame>{};  // parameter sets only
      // FFmpeg holds back H.264 pictures until a keyframe or a completed recovery point.
      if (keyframe_.waiting()) {
        keyframe_.OnPicture(true, probe.keyframe);
        // Still waiting: a delta picture FFmpeg would not show. Otherwise this keyframe
        // (or recovery point) is held for reordering and comes out with a later call.
        if (keyframe_.waiting()) return Waiting();
        return std::optional<DecodedVideoFrame>{};
      }
      if (context_->has_b_frames > 0) return std::optional<DecodedVideoFrame>{};  // reordering delay
      return failed({CodecErrorCode::kCorruptData, "picture produced no output"});
    }

    AVFrame* f = frame_.get();
    if (f->decode_error_flags != 0 || (f->flags & AV_FRAME_FLAG_CORRUPT) != 0) {
      av_frame_unref(f);
      return failed({CodecErrorCode::kCorruptData, "picture decoded with errors (concealed)"});
    }
    ++stats_.frames;
    const bool keyframe = f->key_frame != 0 || probe.keyframe;
    // H.261 pictures carry no type: an intra picture cannot be told from an inter one
    // without decoding every macroblock type, so any clean picture ends the wait. The
    // sender's forced updates (every macroblock intra at least once per 132 pictures,
    // H.261 section 3.4) heal what concealment left.
    const bool ended_wait = keyframe_.OnPicture(true, keyframe || config_.codec == CodecId::kH261);
    if (keyframe) ++stats_.keyframes;
    if (f->width != last_width_ || f->height != last_height_) {
      if (last_width_ != 0) {
        ++stats_.resolution_changes;
        TLOG_DEBUG(kLog, "{}: resolution {}x{} -> {}x{}", name_, last_width_, last_height_, f->width, f->height);
      }
      last_width_ = f->width;
      last_height_ = f->height;
    }

    DecodedVideoFrame out;
    out.rtp_timestamp = f->pts == AV_NOPTS_VALUE ? rtp_timestamp : static_cast<uint32_t>(f->pts);
    out.keyframe = keyframe || (ended_wait && config_.codec != CodecId::kH261);  // recovery point reached
    out.intact = !keyframe_.waiting();
    if (IsPlainI420(f->format)) {
      out.picture = {f->data[0],     f->data[1],     f->data[2], f->linesize[0],
                     f->linesize[1], f->linesize[2], f->width,   f->height};
    } else {
      auto converted = Convert(f);
      if (!converted) {
        keyframe_.OnLoss();
        return Corrupt(converted.error());
      }
      out.picture = *converted;
    }
    return std::optional<DecodedVideoFrame>{out};
  }

  void NotifyDataLost() override { keyframe_.OnLoss(); }
  bool NeedsKeyframe() const override { return keyframe_.waiting(); }
  CodecId codec() const override { return config_.codec; }
  std::string_view implementation_name() const override { return name_; }
  const VideoDecoderStats& stats() const override { return stats_; }

 private:
  // What the headers say before the decoder sees the access unit: whether it starts a
  // keyframe or a recovery point, whether it holds a picture at all, and whether its size
  // is refused (above max_pixels, before the decoder sizes buffers for it).
  struct Probe {
    std::optional<CodecError> refusal;
    bool keyframe = false;
    bool has_picture = true;
    int recovery_frame_cnt = -1;
  };
  Probe Inspect(std::span<const uint8_t> au) const {
    Probe probe;
    if (config_.codec == CodecId::kH264) {
      const h264::AccessUnitPrefix prefix = h264::ScanAccessUnitPrefix(au);
      probe.keyframe = prefix.first_slice_type == h264::kNalIdr;
      probe.has_picture = prefix.first_slice_type != 0;
      probe.recovery_frame_cnt = prefix.recovery_frame_cnt;
      if (!probe.has_picture && prefix.sps_count == 0 && !prefix.has_pps)
        probe.refusal = CodecError{CodecErrorCode::kCorruptData, "no H.264 NAL unit a decoder can use"};
      for (int i = 0; i < std::min<int>(prefix.sps_count, static_cast<int>(prefix.sps.size())); ++i) {
        const auto sps = h264::ParseSps(prefix.sps[i]);
        if (!sps) {
          probe.refusal = CodecError{CodecErrorCode::kCorruptData, "unparsable SPS"};
        } else if (int64_t{sps->width} * sps->height > config_.max_pixels) {
          probe.refusal =
              CodecError{CodecErrorCode::kResourceExhausted, "SPS picture size above the configured maximum"};
        }
      }
    } else if (config_.codec == CodecId::kVp8) {
      const auto header = vp8::ParseFrameHeader(au);
      if (!header) {
        probe.refusal = CodecError{CodecErrorCode::kCorruptData, "truncated VP8 frame header"};
      } else {
        probe.keyframe = header->keyframe;
        if (int64_t{header->width} * header->height > config_.max_pixels)
          probe.refusal =
              CodecError{CodecErrorCode::kResourceExhausted, "VP8 picture size above the configured maximum"};
      }
    }
    if (config_.codec == CodecId::kH261) {
      const auto picture = h261::ScanPicture(au);
      if (!picture) {
        probe.refusal = CodecError{CodecErrorCode::kCorruptData, "no H.261 picture start code"};
      } else if (!picture->complete) {
        probe.refusal = CodecError{CodecErrorCode::kCorruptData, "H.261 picture is missing GOBs"};
      }
    }
    // H.263: the picture type sits after the header's variable part; libavcodec reports it
    // on output (key_frame) and flags damage. Sizes are bounded by the standard (16CIF).
    return probe;
  }

  Result<void, CodecError> FillPacket(std::span<const uint8_t> au, uint32_t rtp_timestamp) {
    const size_t needed = au.size() + AV_INPUT_BUFFER_PADDING_SIZE;
    if (!pool_ || needed > pool_buffer_size_) {
      // Grows by doubling up to the largest access unit seen; old buffers return to the
      // old pool, which FFmpeg frees when its last buffer comes back.
      pool_buffer_size_ = std::max<size_t>({needed, pool_buffer_size_ * 2, 64 * 1024});
      pool_.reset(av_buffer_pool_init(pool_buffer_size_, nullptr));
      if (!pool_) return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "packet buffer pool"});
    }
    AVBufferRef* buffer = av_buffer_pool_get(pool_.get());
    if (buffer == nullptr) return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "packet buffer"});
    std::memcpy(buffer->data, au.data(), au.size());
    std::memset(buffer->data + au.size(), 0, AV_INPUT_BUFFER_PADDING_SIZE);
    packet_->buf = buffer;
    packet_->data = buffer->data;
    packet_->size = static_cast<int>(au.size());
    packet_->pts = rtp_timestamp;
    packet_->dts = AV_NOPTS_VALUE;
    return {};
  }

  Result<I420View, CodecError> Convert(const AVFrame* f) {
    ++stats_.converted;
    if (converted_.width() != f->width || converted_.height() != f->height) converted_.Allocate(f->width, f->height);
    sws_.reset(sws_getCachedContext(sws_.release(), f->width, f->height, static_cast<AVPixelFormat>(f->format),
                                    f->width, f->height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, nullptr, nullptr, nullptr));
    if (!sws_) return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "pixel format cannot be converted"});
    I420MutableView dst = converted_.view();
    uint8_t* planes[4] = {dst.y, dst.u, dst.v, nullptr};
    int strides[4] = {dst.stride_y, dst.stride_u, dst.stride_v, 0};
    sws_scale(sws_.get(), f->data, f->linesize, 0, f->height, planes, strides);
    return converted_.const_view();
  }

  DecodeResult Refuse(CodecError error, bool data_lost) {
    ++stats_.refused;
    if (data_lost) keyframe_.OnLoss();
    TLOG_DEBUG(kLog, "{}: access unit refused: {}", name_, error.detail);
    return MakeUnexpected(error);
  }
  DecodeResult Corrupt(CodecError error) {
    ++stats_.corrupt;
    if (log_limit_.Allow())
      TLOG_DEBUG(kLog, "{}: {} ({} similar suppressed)", name_, error.detail, log_limit_.suppressed());
    return MakeUnexpected(error);
  }
  DecodeResult Waiting() {
    ++stats_.waiting_for_keyframe;
    return MakeUnexpected(CodecError{CodecErrorCode::kNeedsKeyframe, "delta picture without a decoded keyframe"});
  }

  // Passed in.
  const VideoDecoderConfig config_;
  const std::string_view name_;
  // Owned.
  ffmpeg::CodecContextPtr context_;
  ffmpeg::FramePtr frame_;    // the picture last returned; its buffers back the view
  ffmpeg::FramePtr scratch_;  // receives the next picture before it replaces frame_
  ffmpeg::PacketPtr packet_;
  ffmpeg::BufferPoolPtr pool_;
  size_t pool_buffer_size_ = 0;
  I420Buffer converted_;  // only for streams that are not 8-bit 4:2:0
  ffmpeg::SwsPtr sws_;
  // State.
  KeyframeState keyframe_;
  int last_width_ = 0;
  int last_height_ = 0;
  VideoDecoderStats stats_;
  log::RateLimit log_limit_{10s};
};

}  // namespace

Result<std::unique_ptr<VideoDecoder>, CodecError> CreateFfmpegVideoDecoder(const VideoDecoderConfig& config) {
  const auto choice = ChooseCodec(config.codec);
  if (!choice)
    return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "FFmpeg decodes H.264, H.263, H.261, VP8"});
  ffmpeg::InstallFfmpegLogBridge();
  auto decoder = std::make_unique<FfmpegVideoDecoder>(config, choice->name);
  if (auto opened = decoder->Open(choice->id); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<VideoDecoder>(std::move(decoder));
}

}  // namespace tessera::codecs
