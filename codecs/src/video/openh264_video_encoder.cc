// OpenH264 for endpoints that require Cisco's encoder or strict constrained baseline:
// real-time camera usage, bitrate-mode rate control, one spatial and temporal layer,
// constant SPS/PPS ids (the parameter sets before each IDR are identical, so a receiver
// that joins late needs nothing it has not seen), no scene-change IDRs.
//
// OpenH264 writes every layer of a frame into one buffer, back to back, each NAL unit with
// a 4-byte start code; that buffer is returned as the access unit when the layers are
// contiguous (they are, in 2.x), otherwise they are gathered into an owned buffer.
//
// Its statistics do not carry the quantizer (the average QP of SEncoderStatistics stays 0),
// so last_qp is read back from the slice headers just written: a few dozen bytes per slice,
// with the SPS/PPS remembered from the last keyframe.
#include "video/openh264_video_encoder.h"

#include <wels/codec_api.h>

#include <cstring>
#include <vector>

#include "tessera/codecs/video/h264_bitstream.h"
#include "video/openh264_log.h"

namespace tessera::codecs {
namespace {

ECOMPLEXITY_MODE Complexity(EncoderSpeed speed) {
  switch (speed) {
    case EncoderSpeed::kUltrafast:
      return LOW_COMPLEXITY;
    case EncoderSpeed::kSuperfast:
      return MEDIUM_COMPLEXITY;
    case EncoderSpeed::kVeryfast:
      return HIGH_COMPLEXITY;
  }
  return LOW_COMPLEXITY;
}

struct EncoderDeleter {
  void operator()(ISVCEncoder* e) const {
    e->Uninitialize();
    WelsDestroySVCEncoder(e);
  }
};

class OpenH264VideoEncoder final : public VideoEncoder {
 public:
  explicit OpenH264VideoEncoder(const VideoEncoderConfig& config) : config_(config) {}

  Result<void, CodecError> Open() {
    ISVCEncoder* raw = nullptr;
    if (WelsCreateSVCEncoder(&raw) != 0 || raw == nullptr)
      return MakeUnexpected(CodecError{CodecErrorCode::kResourceExhausted, "WelsCreateSVCEncoder failed"});
    encoder_.reset(raw);
    int trace_level = WELS_LOG_WARNING;
    WelsTraceCallback callback = &openh264::TraceToLog;
    encoder_->SetOption(ENCODER_OPTION_TRACE_LEVEL, &trace_level);
    encoder_->SetOption(ENCODER_OPTION_TRACE_CALLBACK, &callback);

    SEncParamExt p;
    encoder_->GetDefaultParams(&p);
    p.iUsageType = CAMERA_VIDEO_REAL_TIME;
    p.iPicWidth = config_.width;
    p.iPicHeight = config_.height;
    p.iTargetBitrate = config_.bitrate_bps;
    p.iMaxBitrate = config_.bitrate_bps;
    p.iRCMode = RC_BITRATE_MODE;
    p.fMaxFrameRate = static_cast<float>(config_.fps);
    p.iTemporalLayerNum = 1;
    p.iSpatialLayerNum = 1;
    p.iComplexityMode = Complexity(config_.speed);
    p.uiIntraPeriod = static_cast<unsigned>(config_.keyframe_interval);
    p.iNumRefFrame = 1;
    p.eSpsPpsIdStrategy = CONSTANT_ID;
    p.bPrefixNalAddingCtrl = false;
    p.bEnableSSEI = false;
    p.bSimulcastAVC = false;
    p.iPaddingFlag = 0;
    p.iEntropyCodingModeFlag = 0;  // CAVLC: constrained baseline
    p.bEnableFrameSkip = false;    // one access unit per picture; the VBV absorbs the rest
    p.bEnableLongTermReference = false;
    p.iMultipleThreadIdc = static_cast<unsigned short>(config_.threads);
    p.iLoopFilterDisableIdc = 0;
    p.bEnableDenoise = false;
    p.bEnableBackgroundDetection = true;
    p.bEnableAdaptiveQuant = true;
    p.bEnableSceneChangeDetect = false;
    p.bEnableFrameCroppingFlag = true;
    SSpatialLayerConfig& layer = p.sSpatialLayers[0];
    layer.iVideoWidth = config_.width;
    layer.iVideoHeight = config_.height;
    layer.fFrameRate = static_cast<float>(config_.fps);
    layer.iSpatialBitrate = config_.bitrate_bps;
    layer.iMaxSpatialBitrate = config_.bitrate_bps;
    layer.uiProfileIdc = PRO_BASELINE;
    layer.uiLevelIdc = static_cast<ELevelIdc>(config_.h264_level_idc);
    if (config_.max_slice_bytes > 0) {
      layer.sSliceArgument.uiSliceMode = SM_SIZELIMITED_SLICE;
      layer.sSliceArgument.uiSliceSizeConstraint = static_cast<unsigned>(config_.max_slice_bytes);
      p.uiMaxNalSize = static_cast<unsigned>(config_.max_slice_bytes);
    } else {
      layer.sSliceArgument.uiSliceMode = SM_SINGLE_SLICE;
      layer.sSliceArgument.uiSliceNum = 1;
    }
    if (encoder_->InitializeExt(&p) != cmResultSuccess)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "OpenH264 rejected the parameters"});
    int format = videoFormatI420;
    encoder_->SetOption(ENCODER_OPTION_DATAFORMAT, &format);
    return {};
  }

  Result<EncodedFrameView, CodecError> Encode(const I420View& picture, uint32_t rtp_timestamp) override {
    if (picture.empty() || picture.width != config_.width || picture.height != config_.height)
      return MakeUnexpected(
          CodecError{CodecErrorCode::kInvalidArgument, "picture size differs from the configuration"});
    const bool forced = force_keyframe_;
    if (forced) encoder_->ForceIntraFrame(true);
    force_keyframe_ = false;

    SSourcePicture in{};
    in.iColorFormat = videoFormatI420;
    in.iPicWidth = picture.width;
    in.iPicHeight = picture.height;
    in.iStride[0] = picture.stride_y;
    in.iStride[1] = picture.stride_u;
    in.iStride[2] = picture.stride_v;
    in.pData[0] = const_cast<unsigned char*>(picture.y);  // OpenH264 only reads the input
    in.pData[1] = const_cast<unsigned char*>(picture.u);
    in.pData[2] = const_cast<unsigned char*>(picture.v);
    // Its rate control runs on these millisecond timestamps.
    in.uiTimeStamp = frame_count_ * 1000 / config_.fps;
    ++frame_count_;

    SFrameBSInfo info;
    std::memset(&info, 0, sizeof(info));
    if (encoder_->EncodeFrame(&in, &info) != cmResultSuccess) {
      force_keyframe_ = forced;
      return MakeUnexpected(CodecError{CodecErrorCode::kLibraryError, "OpenH264 EncodeFrame failed"});
    }
    ++stats_.frames;
    EncodedFrameView frame;
    frame.codec = CodecId::kH264;
    frame.rtp_timestamp = rtp_timestamp;
    if (info.eFrameType == videoFrameTypeSkip || info.eFrameType == videoFrameTypeInvalid || info.iLayerNum == 0) {
      ++stats_.skipped;
      return frame;
    }
    frame.data = Gather(info);
    stats_.last_qp = h264::ReadAccessUnitQp(frame.data, parameter_sets_).value_or(-1);
    frame.keyframe = info.eFrameType == videoFrameTypeIDR;
    if (frame.keyframe) {
      ++stats_.keyframes;
      if (forced) ++stats_.forced_keyframes;
    }
    stats_.bytes += frame.data.size();
    return frame;
  }

  void ForceKeyframe() override { force_keyframe_ = true; }

  Result<void, CodecError> SetBitrate(int bitrate_bps) override {
    if (bitrate_bps <= 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "bitrate must be positive"});
    // Raise the ceiling first when going up and lower it last when going down, so the
    // target never sits above the maximum in between.
    SBitrateInfo target{SPATIAL_LAYER_ALL, bitrate_bps};
    SBitrateInfo ceiling{SPATIAL_LAYER_0, bitrate_bps};
    int r = 0;
    if (bitrate_bps > config_.bitrate_bps) {
      r |= encoder_->SetOption(ENCODER_OPTION_MAX_BITRATE, &ceiling);
      r |= encoder_->SetOption(ENCODER_OPTION_BITRATE, &target);
    } else {
      r |= encoder_->SetOption(ENCODER_OPTION_BITRATE, &target);
      r |= encoder_->SetOption(ENCODER_OPTION_MAX_BITRATE, &ceiling);
    }
    if (r != cmResultSuccess)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "OpenH264 rejected the bitrate"});
    config_.bitrate_bps = bitrate_bps;
    ++stats_.bitrate_changes;
    return {};
  }

  const VideoEncoderConfig& config() const override { return config_; }
  std::string_view implementation_name() const override { return "openh264"; }
  const VideoEncoderStats& stats() const override { return stats_; }

 private:
  std::span<const uint8_t> Gather(const SFrameBSInfo& info) {
    const uint8_t* start = info.sLayerInfo[0].pBsBuf;
    const uint8_t* end = start;
    bool contiguous = true;
    size_t total = 0;
    for (int i = 0; i < info.iLayerNum; ++i) {
      const SLayerBSInfo& layer = info.sLayerInfo[i];
      size_t bytes = 0;
      for (int n = 0; n < layer.iNalCount; ++n)
        bytes += static_cast<size_t>(layer.pNalLengthInByte[n]);
      contiguous &= layer.pBsBuf == end;
      end = layer.pBsBuf + bytes;
      total += bytes;
    }
    if (contiguous) return {start, total};
    gathered_.clear();
    for (int i = 0; i < info.iLayerNum; ++i) {
      const SLayerBSInfo& layer = info.sLayerInfo[i];
      size_t bytes = 0;
      for (int n = 0; n < layer.iNalCount; ++n)
        bytes += static_cast<size_t>(layer.pNalLengthInByte[n]);
      gathered_.insert(gathered_.end(), layer.pBsBuf, layer.pBsBuf + bytes);
    }
    return gathered_;
  }

  VideoEncoderConfig config_;
  std::unique_ptr<ISVCEncoder, EncoderDeleter> encoder_;
  std::vector<uint8_t> gathered_;       // only if OpenH264 ever returns non-contiguous layers
  h264::ParameterSets parameter_sets_;  // of the frames written so far, for last_qp
  int64_t frame_count_ = 0;
  bool force_keyframe_ = false;
  VideoEncoderStats stats_;
};

}  // namespace

Result<std::unique_ptr<VideoEncoder>, CodecError> CreateOpenH264VideoEncoder(const VideoEncoderConfig& config) {
  auto encoder = std::make_unique<OpenH264VideoEncoder>(config);
  if (auto opened = encoder->Open(); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<VideoEncoder>(std::move(encoder));
}

}  // namespace tessera::codecs
