// VP8 with libvpx's real-time settings (what WebRTC uses): CBR, no lag, error resilient,
// one token partition, a capped intra size. libvpx is called directly rather than through
// FFmpeg's libvpx wrapper because that wrapper fixes the target bitrate when it opens (a
// mid-stream change of AVCodecContext::bit_rate is ignored; measured with FFmpeg 5.1),
// while vpx_codec_enc_config_set changes it on the next frame without a key frame. The
// input planes are wrapped, not copied (libvpx copies into its own lookahead).
#include "video/vpx_video_encoder.h"

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include <algorithm>

namespace tessera::codecs {
namespace {

int CpuUsed(EncoderSpeed speed) {
  // Negative: real-time mode without adaptive speed changes; larger is faster.
  switch (speed) {
    case EncoderSpeed::kUltrafast:
      return -12;
    case EncoderSpeed::kSuperfast:
      return -8;
    case EncoderSpeed::kVeryfast:
      return -6;
  }
  return -12;
}

class VpxVideoEncoder final : public VideoEncoder {
 public:
  explicit VpxVideoEncoder(const VideoEncoderConfig& config) : config_(config) {}
  ~VpxVideoEncoder() override {
    if (open_) vpx_codec_destroy(&codec_);
  }

  Result<void, CodecError> Open() {
    if (vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &cfg_, 0) != VPX_CODEC_OK)
      return MakeUnexpected(CodecError{CodecErrorCode::kLibraryError, "libvpx default configuration"});
    cfg_.g_w = static_cast<unsigned>(config_.width);
    cfg_.g_h = static_cast<unsigned>(config_.height);
    cfg_.g_timebase = {1, config_.fps};
    cfg_.g_threads = static_cast<unsigned>(config_.threads);
    cfg_.g_lag_in_frames = 0;
    cfg_.g_pass = VPX_RC_ONE_PASS;
    cfg_.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
    cfg_.rc_end_usage = VPX_CBR;
    cfg_.rc_min_quantizer = 2;
    cfg_.rc_max_quantizer = 63;  // hold the negotiated rate; quality gives way first
    cfg_.rc_undershoot_pct = 100;
    cfg_.rc_overshoot_pct = 15;
    cfg_.rc_dropframe_thresh = 0;  // one frame out per picture in
    cfg_.rc_resize_allowed = 0;
    cfg_.rc_buf_sz = static_cast<unsigned>(config_.rate_buffer_ms * 2);
    cfg_.rc_buf_initial_sz = static_cast<unsigned>(config_.rate_buffer_ms);
    cfg_.rc_buf_optimal_sz = static_cast<unsigned>(config_.rate_buffer_ms * 6 / 5);
    SetTarget(config_.bitrate_bps);
    if (config_.keyframe_interval > 0) {
      cfg_.kf_mode = VPX_KF_AUTO;
      cfg_.kf_min_dist = cfg_.kf_max_dist = static_cast<unsigned>(config_.keyframe_interval);
    } else {
      cfg_.kf_mode = VPX_KF_DISABLED;
    }
    if (vpx_codec_enc_init(&codec_, vpx_codec_vp8_cx(), &cfg_, 0) != VPX_CODEC_OK)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "libvpx rejected the configuration"});
    open_ = true;
    // An intra frame may be at most this many percent of an average frame: about half the
    // optimal buffer, as WebRTC's VP8 wrapper does.
    const unsigned max_intra_pct = std::max(300u, cfg_.rc_buf_optimal_sz * static_cast<unsigned>(config_.fps) / 20);
    vpx_codec_control(&codec_, VP8E_SET_CPUUSED, CpuUsed(config_.speed));
    vpx_codec_control(&codec_, VP8E_SET_STATIC_THRESHOLD, 1u);
    vpx_codec_control(&codec_, VP8E_SET_NOISE_SENSITIVITY, 0u);
    vpx_codec_control(&codec_, VP8E_SET_TOKEN_PARTITIONS, static_cast<int>(VP8_ONE_TOKENPARTITION));
    vpx_codec_control(&codec_, VP8E_SET_MAX_INTRA_BITRATE_PCT, max_intra_pct);
    return {};
  }

  Result<EncodedFrameView, CodecError> Encode(const I420View& picture, uint32_t rtp_timestamp) override {
    if (picture.empty() || picture.width != config_.width || picture.height != config_.height)
      return MakeUnexpected(
          CodecError{CodecErrorCode::kInvalidArgument, "picture size differs from the configuration"});
    vpx_image_t image;
    vpx_img_wrap(&image, VPX_IMG_FMT_I420, cfg_.g_w, cfg_.g_h, 1, const_cast<unsigned char*>(picture.y));
    image.planes[VPX_PLANE_Y] = const_cast<unsigned char*>(picture.y);  // read only by libvpx
    image.planes[VPX_PLANE_U] = const_cast<unsigned char*>(picture.u);
    image.planes[VPX_PLANE_V] = const_cast<unsigned char*>(picture.v);
    image.stride[VPX_PLANE_Y] = picture.stride_y;
    image.stride[VPX_PLANE_U] = picture.stride_u;
    image.stride[VPX_PLANE_V] = picture.stride_v;
    const bool forced = force_keyframe_;
    force_keyframe_ = false;
    const vpx_enc_frame_flags_t flags = forced ? VPX_EFLAG_FORCE_KF : 0;
    if (vpx_codec_encode(&codec_, &image, next_pts_++, 1, flags, VPX_DL_REALTIME) != VPX_CODEC_OK) {
      force_keyframe_ = forced;
      return MakeUnexpected(CodecError{CodecErrorCode::kLibraryError, "vpx_codec_encode failed"});
    }
    ++stats_.frames;
    EncodedFrameView out;
    out.codec = CodecId::kVp8;
    out.rtp_timestamp = rtp_timestamp;
    vpx_codec_iter_t iter = nullptr;
    while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(&codec_, &iter)) {
      if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) continue;
      // Without lag or output partitions there is one frame packet per picture.
      out.data = std::span<const uint8_t>(static_cast<const uint8_t*>(pkt->data.frame.buf), pkt->data.frame.sz);
      out.keyframe = (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
    }
    if (out.data.empty()) {
      ++stats_.skipped;
      return out;
    }
    int quantizer = -1;
    if (vpx_codec_control(&codec_, VP8E_GET_LAST_QUANTIZER_64, &quantizer) == VPX_CODEC_OK) stats_.last_qp = quantizer;
    if (out.keyframe) {
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
    SetTarget(bitrate_bps);
    if (vpx_codec_enc_config_set(&codec_, &cfg_) != VPX_CODEC_OK)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "libvpx rejected the bitrate"});
    config_.bitrate_bps = bitrate_bps;
    ++stats_.bitrate_changes;
    return {};
  }

  const VideoEncoderConfig& config() const override { return config_; }
  std::string_view implementation_name() const override { return "libvpx-vp8"; }
  const VideoEncoderStats& stats() const override { return stats_; }

 private:
  void SetTarget(int bitrate_bps) {
    cfg_.rc_target_bitrate = static_cast<unsigned>(std::max(1, (bitrate_bps + 500) / 1000));
  }

  VideoEncoderConfig config_;
  vpx_codec_enc_cfg_t cfg_{};
  vpx_codec_ctx_t codec_{};
  bool open_ = false;
  int64_t next_pts_ = 0;
  bool force_keyframe_ = false;
  VideoEncoderStats stats_;
};

}  // namespace

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateVpxVideoEncoder(const VideoEncoderConfig& config) {
  auto encoder = std::make_unique<VpxVideoEncoder>(config);
  if (auto opened = encoder->Open(); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<VideoEncoder>(std::move(encoder));
}

}  // namespace tessera::codecs
