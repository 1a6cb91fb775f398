// x264 called directly with the settings X264VideoEncoder uses (preset + zerolatency, ABR
// with a 500 ms VBV, Annex B, repeated headers, no scene cut), for the overhead comparison.
#include <stdint.h>
extern "C" {
#include <x264.h>
}

#include "raw_libraries.h"

namespace tessera::codecs_benchmarks {
namespace {

class RawX264 final : public RawEncoder {
 public:
  explicit RawX264(const RawEncoderSettings& s) {
    x264_param_t p;
    x264_param_default_preset(&p, s.x264_preset, "zerolatency");
    p.i_log_level = X264_LOG_NONE;
    p.i_csp = X264_CSP_I420;
    p.i_width = s.width;
    p.i_height = s.height;
    p.i_fps_num = static_cast<uint32_t>(s.fps);
    p.i_fps_den = 1;
    p.i_timebase_num = 1;
    p.i_timebase_den = static_cast<uint32_t>(s.fps);
    p.b_vfr_input = 0;
    p.i_threads = 1;
    p.b_sliced_threads = 0;
    p.i_lookahead_threads = 1;
    p.i_bframe = 0;
    p.b_annexb = 1;
    p.b_repeat_headers = 1;
    p.i_scenecut_threshold = 0;
    p.i_keyint_max = X264_KEYINT_MAX_INFINITE;
    p.i_keyint_min = 1;
    const int kbps = s.bitrate_bps / 1000;
    p.rc.i_rc_method = X264_RC_ABR;
    p.rc.i_bitrate = kbps;
    p.rc.i_vbv_max_bitrate = kbps;
    p.rc.i_vbv_buffer_size = kbps / 2;
    p.rc.f_vbv_buffer_init = 0.9f;
    p.analyse.b_psnr = 0;
    p.analyse.b_ssim = 0;
    x264_param_apply_profile(&p, "baseline");
    encoder_ = x264_encoder_open(&p);
  }
  ~RawX264() override { x264_encoder_close(encoder_); }

  size_t Encode(const I420View& v) override {
    x264_picture_t in, out;
    x264_picture_init(&in);
    in.img.i_csp = X264_CSP_I420;
    in.img.i_plane = 3;
    in.img.plane[0] = const_cast<uint8_t*>(v.y);
    in.img.plane[1] = const_cast<uint8_t*>(v.u);
    in.img.plane[2] = const_cast<uint8_t*>(v.v);
    in.img.i_stride[0] = v.stride_y;
    in.img.i_stride[1] = v.stride_u;
    in.img.i_stride[2] = v.stride_v;
    in.i_pts = pts_++;
    x264_nal_t* nals;
    int count;
    const int bytes = x264_encoder_encode(encoder_, &nals, &count, &in, &out);
    return bytes > 0 ? static_cast<size_t>(bytes) : 0;
  }

 private:
  x264_t* encoder_ = nullptr;
  int64_t pts_ = 0;
};

}  // namespace

std::unique_ptr<RawEncoder> MakeRawX264(const RawEncoderSettings& s) {
  return std::make_unique<RawX264>(s);
}

}  // namespace tessera::codecs_benchmarks
