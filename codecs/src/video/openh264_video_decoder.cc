// OpenH264 decoder (selectable per source; FFmpeg is the default). DecodeFrameNoDelay
// returns the picture of the access unit it was given, as pointers into the decoder's own
// picture buffer, so the view costs no copy.
//
// OpenH264 trusts the SPS more than FFmpeg does, so every SPS is checked here first: size
// against max_pixels, and 8-bit 4:2:0 only (OpenH264 decodes nothing else).
#include "video/openh264_video_decoder.h"

#include <wels/codec_api.h>

#include <algorithm>
#include <chrono>

#include "tessera/base/log.h"
#include "tessera/codecs/video/h264_bitstream.h"
#include "video/keyframe_state.h"
#include "video/openh264_log.h"

namespace tessera::codecs {
namespace {

constexpr log::Component kLog{"codec.video_decoder", log::Tag::kCodec};
using namespace std::chrono_literals;

struct DecoderDeleter {
  void operator()(ISVCDecoder* d) const {
    d->Uninitialize();
    WelsDestroyDecoder(d);
  }
};

class OpenH264VideoDecoder final : public VideoDecoder {
 public:
  explicit OpenH264VideoDecoder(const VideoDecoderConfig& config) : config_(config) {}

  Result<void, CodecError> Open() {
    ISVCDecoder* raw = nullptr;
    if (WelsCreateDecoder(&raw) != 0 || raw == nullptr)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "WelsCreateDecoder failed"});
    decoder_.reset(raw);
    int trace_level = WELS_LOG_WARNING;
    WelsTraceCallback callback = &openh264::TraceToLog;
    decoder_->SetOption(DECODER_OPTION_TRACE_LEVEL, &trace_level);
    decoder_->SetOption(DECODER_OPTION_TRACE_CALLBACK, &callback);
    SDecodingParam param{};
    param.sVideoProperty.size = sizeof(param.sVideoProperty);
    param.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
    // No concealment: a damaged picture is an error, never an output. With concealment on,
    // OpenH264 2.3 still reports "concealed" for the clean IDR that follows a damaged one,
    // so the stream could never be seen to recover.
    param.eEcActiveIdc = ERROR_CON_DISABLE;
    if (decoder_->Initialize(&param) != 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kLibraryError, "OpenH264 decoder initialisation failed"});
    return {};
  }

  Result<std::optional<DecodedVideoFrame>, CodecError> Decode(std::span<const uint8_t> access_unit,
                                                              uint32_t rtp_timestamp) override {
    ++stats_.access_units;
    if (access_unit.empty()) return Refuse({CodecErrorCode::kInvalidArgument, "empty access unit"}, false);
    if (access_unit.size() > config_.max_access_unit_bytes || access_unit.size() > 0x7fffffff)
      return Refuse({CodecErrorCode::kResourceExhausted, "access unit larger than the configured maximum"}, true);

    const h264::AccessUnitPrefix prefix = h264::ScanAccessUnitPrefix(access_unit);
    for (int i = 0; i < std::min<int>(prefix.sps_count, static_cast<int>(prefix.sps.size())); ++i) {
      const auto sps = h264::ParseSps(prefix.sps[i]);
      if (!sps) {
        keyframe_.OnLoss();
        return Corrupt({CodecErrorCode::kCorruptData, "unparsable SPS"});
      }
      if (int64_t{sps->width} * sps->height > config_.max_pixels)
        return Refuse({CodecErrorCode::kResourceExhausted, "SPS picture size above the configured maximum"}, true);
      if (sps->chroma_format_idc != 1 || sps->bit_depth_luma != 8 || sps->bit_depth_chroma != 8 || !sps->frame_mbs_only)
        return Refuse({CodecErrorCode::kUnsupported, "OpenH264 decodes progressive 8-bit 4:2:0 only"}, true);
    }
    const bool input_is_keyframe = prefix.first_slice_type == h264::kNalIdr;
    const bool was_waiting = keyframe_.waiting();
    if (prefix.recovery_frame_cnt >= 0) keyframe_.OnRecoveryPoint(prefix.recovery_frame_cnt);

    unsigned char* planes[3] = {nullptr, nullptr, nullptr};
    SBufferInfo info{};
    info.uiInBsTimeStamp = rtp_timestamp;
    const DECODING_STATE state =
        decoder_->DecodeFrameNoDelay(access_unit.data(), static_cast<int>(access_unit.size()), planes, &info);
    const bool got = info.iBufferStatus == 1 && planes[0] != nullptr;

    if (state != dsErrorFree && state != dsFramePending) {
      if (prefix.first_slice_type != 0) {
        keyframe_.OnPicture(false, input_is_keyframe);
      } else {
        keyframe_.OnLoss();
      }
      if (was_waiting && !input_is_keyframe) return Waiting();
      if ((state & dsOutOfMemory) != 0) return Corrupt({CodecErrorCode::kResourceExhausted, "OpenH264 out of memory"});
      return Corrupt({CodecErrorCode::kCorruptData,
                      got ? "picture decoded with errors (concealed)" : "decoder rejected the access unit"});
    }
    if (!got) {
      if (prefix.first_slice_type == 0) return std::optional<DecodedVideoFrame>{};  // parameter sets only
      keyframe_.OnPicture(false, input_is_keyframe);
      return Corrupt({CodecErrorCode::kCorruptData, "picture produced no output"});
    }

    ++stats_.frames;
    const bool ended_wait = keyframe_.OnPicture(true, input_is_keyframe);
    if (input_is_keyframe) ++stats_.keyframes;
    const SSysMEMBuffer& b = info.UsrData.sSystemBuffer;
    if (b.iWidth != last_width_ || b.iHeight != last_height_) {
      if (last_width_ != 0) ++stats_.resolution_changes;
      last_width_ = b.iWidth;
      last_height_ = b.iHeight;
    }
    DecodedVideoFrame out;
    out.picture = {planes[0], planes[1], planes[2], b.iStride[0], b.iStride[1], b.iStride[1], b.iWidth, b.iHeight};
    out.rtp_timestamp = rtp_timestamp;
    out.keyframe = input_is_keyframe || ended_wait;  // an IDR, or a recovery point reached
    out.intact = !keyframe_.waiting();
    return std::optional<DecodedVideoFrame>{out};
  }

  void NotifyDataLost() override { keyframe_.OnLoss(); }
  bool NeedsKeyframe() const override { return keyframe_.waiting(); }
  CodecId codec() const override { return CodecId::kH264; }
  std::string_view implementation_name() const override { return "openh264"; }
  const VideoDecoderStats& stats() const override { return stats_; }

 private:
  using DecodeResult = Result<std::optional<DecodedVideoFrame>, CodecError>;

  DecodeResult Refuse(CodecError error, bool data_lost) {
    ++stats_.refused;
    if (data_lost) keyframe_.OnLoss();
    return MakeUnexpected(error);
  }
  DecodeResult Corrupt(CodecError error) {
    ++stats_.corrupt;
    if (log_limit_.Allow())
      TLOG_DEBUG(kLog, "openh264: {} ({} similar suppressed)", error.detail, log_limit_.suppressed());
    return MakeUnexpected(error);
  }
  DecodeResult Waiting() {
    ++stats_.waiting_for_keyframe;
    return MakeUnexpected(CodecError{CodecErrorCode::kNeedsKeyframe, "delta picture without a decoded keyframe"});
  }

  // Passed in.
  const VideoDecoderConfig config_;
  // Owned.
  std::unique_ptr<ISVCDecoder, DecoderDeleter> decoder_;
  // State.
  KeyframeState keyframe_;
  int last_width_ = 0;
  int last_height_ = 0;
  VideoDecoderStats stats_;
  log::RateLimit log_limit_{10s};
};

}  // namespace

Result<std::unique_ptr<VideoDecoder>, CodecError> CreateOpenH264VideoDecoder(const VideoDecoderConfig& config) {
  if (config.codec != CodecId::kH264)
    return MakeUnexpected(CodecError{CodecErrorCode::kUnsupported, "OpenH264 decodes H.264 only"});
  auto decoder = std::make_unique<OpenH264VideoDecoder>(config);
  if (auto opened = decoder->Open(); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<VideoDecoder>(std::move(decoder));
}

}  // namespace tessera::codecs
