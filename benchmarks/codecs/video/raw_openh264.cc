// OpenH264's encoder and decoder called directly with the settings the wrappers use.
#include <wels/codec_api.h>

#include <cstring>

#include "raw_libraries.h"

namespace tessera::codecs_benchmarks {
namespace {

class RawOpenH264Encoder final : public RawEncoder {
 public:
  explicit RawOpenH264Encoder(const RawEncoderSettings& s) : fps_(s.fps) {
    WelsCreateSVCEncoder(&encoder_);
    int quiet = WELS_LOG_QUIET;
    encoder_->SetOption(ENCODER_OPTION_TRACE_LEVEL, &quiet);
    SEncParamExt p;
    encoder_->GetDefaultParams(&p);
    p.iUsageType = CAMERA_VIDEO_REAL_TIME;
    p.iPicWidth = s.width;
    p.iPicHeight = s.height;
    p.iTargetBitrate = s.bitrate_bps;
    p.iMaxBitrate = s.bitrate_bps;
    p.iRCMode = RC_BITRATE_MODE;
    p.fMaxFrameRate = static_cast<float>(s.fps);
    p.iTemporalLayerNum = 1;
    p.iSpatialLayerNum = 1;
    p.iComplexityMode = LOW_COMPLEXITY;
    p.uiIntraPeriod = 0;
    p.iNumRefFrame = 1;
    p.eSpsPpsIdStrategy = CONSTANT_ID;
    p.bEnableFrameSkip = false;
    p.iMultipleThreadIdc = 1;
    p.bEnableDenoise = false;
    p.bEnableBackgroundDetection = true;
    p.bEnableAdaptiveQuant = true;
    p.bEnableSceneChangeDetect = false;
    p.sSpatialLayers[0].iVideoWidth = s.width;
    p.sSpatialLayers[0].iVideoHeight = s.height;
    p.sSpatialLayers[0].fFrameRate = static_cast<float>(s.fps);
    p.sSpatialLayers[0].iSpatialBitrate = s.bitrate_bps;
    p.sSpatialLayers[0].iMaxSpatialBitrate = s.bitrate_bps;
    p.sSpatialLayers[0].uiProfileIdc = PRO_BASELINE;
    p.sSpatialLayers[0].sSliceArgument.uiSliceMode = SM_SINGLE_SLICE;
    p.sSpatialLayers[0].sSliceArgument.uiSliceNum = 1;
    encoder_->InitializeExt(&p);
    int format = videoFormatI420;
    encoder_->SetOption(ENCODER_OPTION_DATAFORMAT, &format);
  }
  ~RawOpenH264Encoder() override {
    encoder_->Uninitialize();
    WelsDestroySVCEncoder(encoder_);
  }

  size_t Encode(const I420View& v) override {
    SSourcePicture in{};
    in.iColorFormat = videoFormatI420;
    in.iPicWidth = v.width;
    in.iPicHeight = v.height;
    in.iStride[0] = v.stride_y;
    in.iStride[1] = v.stride_u;
    in.iStride[2] = v.stride_v;
    in.pData[0] = const_cast<unsigned char*>(v.y);
    in.pData[1] = const_cast<unsigned char*>(v.u);
    in.pData[2] = const_cast<unsigned char*>(v.v);
    in.uiTimeStamp = frame_++ * 1000 / fps_;
    SFrameBSInfo info;
    std::memset(&info, 0, sizeof(info));
    encoder_->EncodeFrame(&in, &info);
    return static_cast<size_t>(info.iFrameSizeInBytes);
  }

 private:
  ISVCEncoder* encoder_ = nullptr;
  int fps_;
  int64_t frame_ = 0;
};

class RawOpenH264Decoder final : public RawDecoder {
 public:
  RawOpenH264Decoder() {
    WelsCreateDecoder(&decoder_);
    int quiet = WELS_LOG_QUIET;
    decoder_->SetOption(DECODER_OPTION_TRACE_LEVEL, &quiet);
    SDecodingParam p{};
    p.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
    p.eEcActiveIdc = ERROR_CON_DISABLE;
    decoder_->Initialize(&p);
  }
  ~RawOpenH264Decoder() override {
    decoder_->Uninitialize();
    WelsDestroyDecoder(decoder_);
  }
  int Decode(std::span<const uint8_t> au) override {
    unsigned char* planes[3] = {};
    SBufferInfo info{};
    decoder_->DecodeFrameNoDelay(au.data(), static_cast<int>(au.size()), planes, &info);
    return info.iBufferStatus == 1 ? info.UsrData.sSystemBuffer.iWidth : 0;
  }

 private:
  ISVCDecoder* decoder_ = nullptr;
};

}  // namespace

std::unique_ptr<RawEncoder> MakeRawOpenH264Encoder(const RawEncoderSettings& s) {
  return std::make_unique<RawOpenH264Encoder>(s);
}
std::unique_ptr<RawDecoder> MakeRawOpenH264Decoder() {
  return std::make_unique<RawOpenH264Decoder>();
}

}  // namespace tessera::codecs_benchmarks
