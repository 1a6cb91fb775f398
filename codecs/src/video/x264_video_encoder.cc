// x264 for real-time use: tune zerolatency (no lookahead, no B-frames, sliced threads),
// one-pass ABR with a VBV as small as rate_buffer_ms so frames stay near the negotiated
// rate, Annex B output with SPS/PPS repeated before every IDR (a receiver that joins or
// lost packets recovers from any keyframe), and no scene-cut keyframes (a layout change in
// the MCU would otherwise send every subscriber an IDR at once).
//
// x264 copies the input planes into its own frame, so the I420View is read in place; the
// NAL units it returns are contiguous in memory, so the access unit is returned as a view.
#include "video/x264_video_encoder.h"

#include <stdint.h>
extern "C" {
#include <x264.h>
}

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string_view>

#include "tessera/base/log.h"

namespace tessera::codecs {
namespace {

constexpr log::Component kLog{"codec.x264", log::Tag::kCodec};

void LogCallback(void* /*private*/, int level, const char* format, va_list args) {
  if (level > X264_LOG_WARNING || !log::DebugEnabled(kLog)) return;
  char line[512];
  const int n = std::vsnprintf(line, sizeof(line), format, args);
  if (n <= 0) return;
  std::string_view text(line, std::min<size_t>(static_cast<size_t>(n), sizeof(line) - 1));
  while (!text.empty() && text.back() == '\n')
    text.remove_suffix(1);
  TLOG_DEBUG(kLog, "{}", text);
}

const char* PresetName(EncoderSpeed speed) {
  switch (speed) {
    case EncoderSpeed::kUltrafast:
      return "ultrafast";
    case EncoderSpeed::kSuperfast:
      return "superfast";
    case EncoderSpeed::kVeryfast:
      return "veryfast";
  }
  return "ultrafast";
}

const char* ProfileName(H264Profile profile) {
  switch (profile) {
    case H264Profile::kConstrainedBaseline:
      return "baseline";  // x264's baseline is constrained baseline (no FMO/ASO/redundant)
    case H264Profile::kMain:
      return "main";
    case H264Profile::kHigh:
      return "high";
  }
  return "baseline";
}

struct EncoderDeleter {
  void operator()(x264_t* e) const { x264_encoder_close(e); }
};

class X264VideoEncoder final : public VideoEncoder {
 public:
  explicit X264VideoEncoder(const VideoEncoderConfig& config) : config_(config) {}

  Result<void, CodecError> Open() {
    x264_param_t p;
    if (x264_param_default_preset(&p, PresetName(config_.speed), "zerolatency") < 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kLibraryError, "x264 preset"});
    p.pf_log = &LogCallback;
    p.i_log_level = X264_LOG_WARNING;
    p.i_csp = X264_CSP_I420;
    p.i_width = config_.width;
    p.i_height = config_.height;
    p.i_fps_num = static_cast<uint32_t>(config_.fps);
    p.i_fps_den = 1;
    p.i_timebase_num = 1;
    p.i_timebase_den = static_cast<uint32_t>(config_.fps);
    p.b_vfr_input = 0;  // rate control by frame count: the media clock calls at fps
    p.i_threads = config_.threads;
    p.b_sliced_threads = config_.threads > 1;
    p.i_lookahead_threads = 1;
    p.i_level_idc = config_.h264_level_idc;
    p.i_bframe = 0;
    p.b_annexb = 1;
    p.b_repeat_headers = 1;
    p.b_aud = 0;
    p.i_scenecut_threshold = 0;
    if (config_.intra_refresh) {
      p.b_intra_refresh = 1;
      p.i_keyint_max = config_.keyframe_interval > 0 ? config_.keyframe_interval : config_.fps;
    } else {
      p.i_keyint_max = config_.keyframe_interval > 0 ? config_.keyframe_interval : X264_KEYINT_MAX_INFINITE;
    }
    p.i_keyint_min = 1;
    p.i_slice_max_size = config_.max_slice_bytes;
    ApplyRate(p, config_.bitrate_bps);
    p.rc.i_rc_method = X264_RC_ABR;
    p.rc.f_vbv_buffer_init = 0.9f;
    p.analyse.b_psnr = 0;
    p.analyse.b_ssim = 0;
    if (x264_param_apply_profile(&p, ProfileName(config_.h264_profile)) < 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "x264 rejected the profile"});
    encoder_.reset(x264_encoder_open(&p));
    if (!encoder_) return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "x264 rejected the parameters"});
    return {};
  }

  Result<EncodedFrameView, CodecError> Encode(const I420View& picture, uint32_t rtp_timestamp) override {
    if (picture.empty() || picture.width != config_.width || picture.height != config_.height)
      return MakeUnexpected(
          CodecError{CodecErrorCode::kInvalidArgument, "picture size differs from the configuration"});
    x264_picture_t in;
    x264_picture_init(&in);
    in.img.i_csp = X264_CSP_I420;
    in.img.i_plane = 3;
    in.img.plane[0] = const_cast<uint8_t*>(picture.y);  // x264 only reads the input planes
    in.img.plane[1] = const_cast<uint8_t*>(picture.u);
    in.img.plane[2] = const_cast<uint8_t*>(picture.v);
    in.img.i_stride[0] = picture.stride_y;
    in.img.i_stride[1] = picture.stride_u;
    in.img.i_stride[2] = picture.stride_v;
    in.i_pts = next_pts_++;
    const bool forced = force_keyframe_;
    in.i_type = forced ? X264_TYPE_IDR : X264_TYPE_AUTO;
    force_keyframe_ = false;

    x264_nal_t* nals = nullptr;
    int nal_count = 0;
    x264_picture_t out;
    const int bytes = x264_encoder_encode(encoder_.get(), &nals, &nal_count, &in, &out);
    if (bytes < 0) {
      force_keyframe_ = forced;
      return MakeUnexpected(CodecError{CodecErrorCode::kLibraryError, "x264_encoder_encode failed"});
    }
    ++stats_.frames;
    EncodedFrameView frame;
    frame.codec = CodecId::kH264;
    frame.rtp_timestamp = rtp_timestamp;
    if (bytes == 0 || nal_count == 0) {
      ++stats_.skipped;
      return frame;
    }
    frame.data = std::span<const uint8_t>(nals[0].p_payload, static_cast<size_t>(bytes));
    frame.keyframe = out.i_type == X264_TYPE_IDR;
    // On output, the frame's average QP + 1 (as FFmpeg's libx264 reads it). x264's rate
    // control runs up to QP 69 and maps what is above 51 onto coarser quantization at the
    // bitstream's maximum, so the bitstream's QP is at most 51.
    stats_.last_qp = std::min(out.i_qpplus1 - 1, 51);
    if (frame.keyframe) {
      ++stats_.keyframes;
      if (forced) ++stats_.forced_keyframes;
    }
    stats_.bytes += static_cast<uint64_t>(bytes);
    return frame;
  }

  void ForceKeyframe() override { force_keyframe_ = true; }

  Result<void, CodecError> SetBitrate(int bitrate_bps) override {
    if (bitrate_bps <= 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "bitrate must be positive"});
    x264_param_t p;
    x264_encoder_parameters(encoder_.get(), &p);
    ApplyRate(p, bitrate_bps);
    if (x264_encoder_reconfig(encoder_.get(), &p) < 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "x264 rejected the bitrate"});
    config_.bitrate_bps = bitrate_bps;
    ++stats_.bitrate_changes;
    return {};
  }

  const VideoEncoderConfig& config() const override { return config_; }
  std::string_view implementation_name() const override { return "x264"; }
  const VideoEncoderStats& stats() const override { return stats_; }

 private:
  void ApplyRate(x264_param_t& p, int bitrate_bps) const {
    const int kbps = std::max(1, (bitrate_bps + 500) / 1000);
    p.rc.i_bitrate = kbps;
    p.rc.i_vbv_max_bitrate = kbps;
    p.rc.i_vbv_buffer_size = std::max(1, kbps * config_.rate_buffer_ms / 1000);
  }

  VideoEncoderConfig config_;
  std::unique_ptr<x264_t, EncoderDeleter> encoder_;
  int64_t next_pts_ = 0;
  bool force_keyframe_ = false;
  VideoEncoderStats stats_;
};

}  // namespace

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateX264VideoEncoder(const VideoEncoderConfig& config) {
  auto encoder = std::make_unique<X264VideoEncoder>(config);
  if (auto opened = encoder->Open(); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<VideoEncoder>(std::move(encoder));
}

}  // namespace tessera::codecs
