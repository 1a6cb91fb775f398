// Resampler over libswresample (see resampler.h for why this library). swresample holds
// back half its filter on the first call; that shortfall is filled with leading silence
// once, so every call returns exactly the requested duration and the delay stays fixed.
#include "tessera/codecs/audio/resampler.h"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <cstring>

#include "ffmpeg/ffmpeg_util.h"

namespace tessera::codecs {
namespace {

bool SupportedRate(int rate) {
  return rate == 8000 || rate == 12000 || rate == 16000 || rate == 24000 || rate == 32000 || rate == 48000;
}

class PassThrough final : public Resampler {
 public:
  PassThrough(int rate, int channels) : rate_(rate), channels_(channels) {}
  Result<size_t, CodecError> Process(std::span<const int16_t> in, std::span<int16_t> out) override {
    const size_t frame = static_cast<size_t>(rate_ / 100 * channels_);
    if (in.empty() || in.size() % frame != 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "input is not whole 10 ms frames"});
    if (out.size() < in.size()) return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "output too small"});
    std::copy(in.begin(), in.end(), out.begin());
    return in.size() / static_cast<size_t>(channels_);
  }
  int input_rate() const override { return rate_; }
  int output_rate() const override { return rate_; }
  int channels() const override { return channels_; }
  int delay_samples() const override { return 0; }

 private:
  const int rate_;
  const int channels_;
};

class SwrResampler final : public Resampler {
 public:
  SwrResampler(int input_rate, int output_rate, int channels)
      : input_rate_(input_rate), output_rate_(output_rate), channels_(channels) {}

  Result<void, CodecError> Open() {
    AVChannelLayout layout;
    av_channel_layout_default(&layout, channels_);
    SwrContext* raw = nullptr;
    int ret = swr_alloc_set_opts2(&raw, &layout, AV_SAMPLE_FMT_S16, output_rate_, &layout, AV_SAMPLE_FMT_S16,
                                  input_rate_, 0, nullptr);
    swr_.reset(raw);
    if (ret >= 0) ret = swr_init(swr_.get());
    if (ret < 0) return MakeUnexpected(ffmpeg::ErrorFromAv(ret, "swresample set-up"));
    return {};
  }

  Result<size_t, CodecError> Process(std::span<const int16_t> in, std::span<int16_t> out) override {
    const size_t in_frame = static_cast<size_t>(input_rate_ / 100 * channels_);
    if (in.empty() || in.size() % in_frame != 0)
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "input is not whole 10 ms frames"});
    const size_t frames = in.size() / in_frame;
    const size_t want = frames * static_cast<size_t>(output_rate_ / 100);  // per channel
    if (out.size() < want * static_cast<size_t>(channels_))
      return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "output too small"});
    const uint8_t* src = reinterpret_cast<const uint8_t*>(in.data());
    uint8_t* dst = reinterpret_cast<uint8_t*>(out.data());
    const int got = swr_convert(swr_.get(), &dst, static_cast<int>(want), &src,
                                static_cast<int>(in.size() / static_cast<size_t>(channels_)));
    if (got < 0) return MakeUnexpected(ffmpeg::ErrorFromAv(got, "swresample conversion"));
    const size_t n = static_cast<size_t>(got);
    if (n < want) {
      // The first call: move what came out to the end, silence in front. (Later calls
      // always produce `want`: the filter is primed and every ratio here is exact per
      // 10 ms.)
      const size_t missing = (want - n) * static_cast<size_t>(channels_);
      std::memmove(out.data() + missing, out.data(), n * static_cast<size_t>(channels_) * sizeof(int16_t));
      std::fill_n(out.begin(), missing, int16_t{0});
      if (delay_ < 0) delay_ = static_cast<int>(want - n);
    } else if (delay_ < 0) {
      delay_ = 0;
    }
    return want;
  }
  int input_rate() const override { return input_rate_; }
  int output_rate() const override { return output_rate_; }
  int channels() const override { return channels_; }
  int delay_samples() const override {
    // Known exactly after the first call; before it, what swresample reports.
    return delay_ >= 0 ? delay_ : static_cast<int>(swr_get_delay(swr_.get(), output_rate_));
  }

 private:
  const int input_rate_;
  const int output_rate_;
  const int channels_;
  ffmpeg::SwrPtr swr_;
  int delay_ = -1;
};

}  // namespace

Result<std::unique_ptr<Resampler>, CodecError> CreateResampler(int input_rate, int output_rate, int channels) {
  if (!SupportedRate(input_rate) || !SupportedRate(output_rate))
    return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "rates are 8, 12, 16, 24, 32 or 48 kHz"});
  if (channels < 1 || channels > 2)
    return MakeUnexpected(CodecError{CodecErrorCode::kInvalidArgument, "1 or 2 channels"});
  if (input_rate == output_rate) return std::unique_ptr<Resampler>(std::make_unique<PassThrough>(input_rate, channels));
  auto resampler = std::make_unique<SwrResampler>(input_rate, output_rate, channels);
  if (auto opened = resampler->Open(); !opened) return MakeUnexpected(opened.error());
  return std::unique_ptr<Resampler>(std::move(resampler));
}

}  // namespace tessera::codecs
