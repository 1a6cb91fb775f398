// H.263, H.263+ and H.261 through libavcodec's mpegvideo encoders, for room systems that
// send and want nothing newer. No B-frames, so each picture comes straight back; the
// quantiser of each picture comes from QuantizerRateControl (see its header for why).
//
// libavcodec keeps a reference to the frames it is given, so the canvas is copied into an
// encoder-owned AVFrame (made writable again only if libavcodec still holds the last one);
// at CIF that copy is about 150 kB, small beside the encode.
#include "video/ffmpeg_video_encoder.h"

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
}

#include "ffmpeg/ffmpeg_util.h"
#include "video/quantizer_rate_control.h"

namespace tessera::codecs {
namespace {

struct CodecChoice {
  AVCodecID id;
  std::string_view name;
};

CodecChoice ChooseCodec(CodecId codec) {
  switch (codec) {
    case CodecId::kH263:
      return {AV_CODEC_ID_H263, "ffmpeg-h263"};
    case CodecId::kH263Plus:
      return {AV_CODEC_ID_H263P, "ffmpeg-h263p"};
    default:
      return {AV_CODEC_ID_H261, "ffmpeg-h261"};
  }
}

// mpegvideo refuses a GOP longer than this; with keyframe_interval 0 it is the period.
constexpr int kMaxGop = 600;

class FfmpegVideoEncoder final : public VideoEncoder {
 public:
  FfmpegVideoEncoder(const VideoEncoderConfig& config, std::string_view name)
      : config_(config),
        name_(name),
        rate_control_(config.bitrate_bps, config.fps, config.rate_buffer_ms, config.width * config.height) {}

  Result<void, CodecError> Open(AVCodecID id) {
    const AVCodec* codec = avcodec_find_encoder(id);
    if (codec == nullptr) return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "encoder not in libavcodec"});
    context_.reset(avcodec_alloc_context3(codec));
    frame_.reset(av_frame_alloc());
    packet_.reset(av_packet_alloc());
    if (!context_ || !frame_ || !packet_)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "allocating encoder"});
    AVCodecContext* c = context_.get();
    c->width = config_.width;
    c->height = config_.height;
    c->pix_fmt = AV_PIX_FMT_YUV420P;
    c->time_base = AVRational{1, config_.fps};
    c->framerate = AVRational{config_.fps, 1};
    c->gop_size = config_.keyframe_interval > 0 ? std::min(config_.keyframe_interval, kMaxGop) : kMaxGop;
    c->max_b_frames = 0;
    c->flags |= AV_CODEC_FLAG_QSCALE;  // the quantiser comes with each frame
    c->qmin = QuantizerRateControl::kMinQuantizer;
    c->qmax = QuantizerRateControl::kMaxQuantizer;
    if (id == AV_CODEC_ID_H263P && config_.threads > 1) {
      c->thread_count = config_.threads;
      c->thread_type = FF_THREAD_SLICE;
    } else {
      c->thread_count = 1;
    }
    // Scene-change intra pictures would surprise every subscriber at once.
    av_opt_set_int(c->priv_data, "sc_threshold", 1000000000, 0);
    if (config_.max_slice_bytes > 0) av_opt_set_int(c->priv_data, "ps", config_.max_slice_bytes, 0);
    if (config_.speed == EncoderSpeed::kVeryfast) av_opt_set(c, "mbd", "bits", AV_OPT_SEARCH_CHILDREN);
    const int ret = avcodec_open2(c, codec, nullptr);
    if (ret < 0) return MakeUnexpected(ffmpeg::ErrorFromAv(ret, "opening encoder"));

    frame_->format = AV_PIX_FMT_YUV420P;
    frame_->width = config_.width;
    frame_->height = config_.height;
    if (av_frame_get_buffer(frame_.get(), 0) < 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "allocating the input frame"});
    return {};
  }

  Result<EncodedFrameView, CodecError> Encode(const I420View& picture, uint32_t rtp_timestamp) override {
    if (picture.empty() || picture.width != config_.width || picture.height != config_.height)
      return MakeUnexpected(
          CodecError{CodecErrorCode::kInvalidArgument, "picture size differs from the configuration"});
    av_packet_unref(packet_.get());  // the previous access unit's view ends here
    if (av_frame_make_writable(frame_.get()) < 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "input frame"});
    AVFrame* f = frame_.get();
    av_image_copy_plane(f->data[0], f->linesize[0], picture.y, picture.stride_y, picture.width, picture.height);
    av_image_copy_plane(f->data[1], f->linesize[1], picture.u, picture.stride_u, picture.chroma_width(),
                        picture.chroma_height());
    av_image_copy_plane(f->data[2], f->linesize[2], picture.v, picture.stride_v, picture.chroma_width(),
                        picture.chroma_height());

    // An intra picture comes when forced, first, or when the GOP runs out.
    const bool forced = force_keyframe_;
    const bool intra = forced || next_pts_ == 0 || next_pts_ - last_intra_pts_ >= context_->gop_size;
    const int q = rate_control_.Next(intra);
    f->pts = next_pts_++;
    f->quality = q * FF_QP2LAMBDA;
    f->pict_type = forced ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    force_keyframe_ = false;

    int ret = avcodec_send_frame(context_.get(), f);
    if (ret >= 0) ret = avcodec_receive_packet(context_.get(), packet_.get());
    if (ret < 0) {
      force_keyframe_ = forced;
      return MakeUnexpected(ffmpeg::ErrorFromAv(ret, "encoding a picture"));
    }
    ++stats_.frames;
    EncodedFrameView out;
    out.codec = config_.codec;
    out.rtp_timestamp = rtp_timestamp;
    out.data = std::span<const uint8_t>(packet_->data, static_cast<size_t>(packet_->size));
    out.keyframe = (packet_->flags & AV_PKT_FLAG_KEY) != 0;
    rate_control_.Update(out.keyframe, q, out.data.size());
    stats_.last_qp = q;  // our rate control chose it (f->quality)
    if (out.keyframe) {
      last_intra_pts_ = f->pts;
      ++stats_.keyframes;
      if (forced) ++stats_.forced_keyframes;
    }
    stats_.bytes += out.data.size();
    return out;
  }

  void ForceKeyframe() override { force_keyframe_ = true; }

  Result<void, CodecError> SetBitrate(int bitrate_bps) override {
    if (bitrate_bps <= 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "bitrate must be positive"});
    rate_control_.SetBitrate(bitrate_bps);
    config_.bitrate_bps = bitrate_bps;
    ++stats_.bitrate_changes;
    return {};
  }

  const VideoEncoderConfig& config() const override { return config_; }
  std::string_view implementation_name() const override { return name_; }
  const VideoEncoderStats& stats() const override { return stats_; }

 private:
  VideoEncoderConfig config_;
  const std::string_view name_;
  ffmpeg::CodecContextPtr context_;
  ffmpeg::FramePtr frame_;
  ffmpeg::PacketPtr packet_;  // the access unit last returned
  QuantizerRateControl rate_control_;
  int64_t next_pts_ = 0;
  int64_t last_intra_pts_ = 0;
  bool force_keyframe_ = false;
  VideoEncoderStats stats_;
};

}  // namespace

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateFfmpegVideoEncoder(const VideoEncoderConfig& config) {
  ffmpeg::InstallFfmpegLogBridge();
  const CodecChoice choice = ChooseCodec(config.codec);
  auto encoder = std::make_unique<FfmpegVideoEncoder>(config, choice.name);
  if (auto opened = encoder->Open(choice.id); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<VideoEncoder>(std::move(encoder));
}

}  // namespace tessera::codecs
