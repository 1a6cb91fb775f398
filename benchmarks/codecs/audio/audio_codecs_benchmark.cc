// Audio codec costs per frame, single thread, each wrapper beside its raw library on the
// same samples in the same run, and the peers that lost the choice of implementation:
//   Opus encode, 20 ms at 48 kHz mono, 32 kbit/s, complexity 0 / 5 / 10 (libopus raw)
//   G.722 encode and decode, 20 ms (libavcodec raw; spandsp as the peer not chosen)
//   resampling 16 -> 48, 48 -> 16, 8 -> 48 kHz, 10 ms (libswresample raw; speexdsp at its
//     VoIP quality 5 as the peer not chosen)
//   G.711 mu-law encode and decode, 20 ms (our tables; spandsp's per-sample code as peer)
// One iteration = one frame.
//
//   build/release/benchmarks/codecs/audio/audio_codecs_benchmark
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
#include <opus/opus.h>
#include <spandsp.h>
#include <speex/speex_resampler.h>
}

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "common/pair_reporter.h"
#include "tessera/codecs/audio/audio_decoder.h"
#include "tessera/codecs/audio/audio_encoder.h"
#include "tessera/codecs/audio/g711.h"
#include "tessera/codecs/audio/resampler.h"

namespace {

using namespace tessera::codecs;

// One second of a voice-like signal: a few harmonics wandering in pitch, with noise, so
// the encoders do real work (a pure tone or silence would flatter them).
std::vector<int16_t> Signal(int rate) {
  std::vector<int16_t> s(static_cast<size_t>(rate));
  std::mt19937 rng(3);
  std::normal_distribution<double> noise(0, 300);
  double phase = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const double t = static_cast<double>(i) / rate;
    phase += 2 * M_PI * (140 + 40 * std::sin(2 * M_PI * 3 * t)) / rate;
    double v = 0;
    for (int h = 1; h <= 6; ++h)
      v += 4000.0 / h * std::sin(h * phase);
    s[i] = static_cast<int16_t>(std::clamp(v + noise(rng), -32768.0, 32767.0));
  }
  return s;
}

// ---- Opus ----
void BM_OpusRaw(benchmark::State& state, int complexity) {
  const auto pcm = Signal(48000);
  int error = 0;
  OpusEncoder* e = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &error);
  opus_encoder_ctl(e, OPUS_SET_BITRATE(32000));
  opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(complexity));
  opus_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(0));
  opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(0));
  opus_encoder_ctl(e, OPUS_SET_DTX(0));
  opus_encoder_ctl(e, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_FULLBAND));
  uint8_t out[kMaxAudioPayloadBytes];
  size_t pos = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(opus_encode(e, pcm.data() + pos, 960, out, sizeof(out)));
    pos = (pos + 960) % (pcm.size() - 960 + 1);
  }
  state.SetItemsProcessed(state.iterations());
  opus_encoder_destroy(e);
}

void BM_OpusWrapper(benchmark::State& state, int complexity) {
  const auto pcm = Signal(48000);
  auto e = CreateAudioEncoder({.codec = CodecId::kOpus, .bitrate_bps = 32000, .complexity = complexity});
  uint8_t out[kMaxAudioPayloadBytes];
  size_t pos = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*e)->Encode(std::span<const int16_t>(pcm.data() + pos, 960), out));
    pos = (pos + 960) % (pcm.size() - 960 + 1);
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- G.722 ----
std::vector<std::vector<uint8_t>> G722Payloads(const std::vector<int16_t>& pcm) {
  g722_encode_state_t* s = g722_encode_init(nullptr, 64000, 0);
  std::vector<std::vector<uint8_t>> out;
  for (size_t pos = 0; pos + 320 <= pcm.size(); pos += 320) {
    out.emplace_back(160);
    g722_encode(s, out.back().data(), pcm.data() + pos, 320);
  }
  g722_encode_free(s);
  return out;
}

void BM_G722EncodeRaw(benchmark::State& state) {
  const auto pcm = Signal(16000);
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_ADPCM_G722);
  AVCodecContext* c = avcodec_alloc_context3(codec);
  c->sample_rate = 16000;
  c->ch_layout = AV_CHANNEL_LAYOUT_MONO;
  c->sample_fmt = AV_SAMPLE_FMT_S16;
  c->frame_size = 320;
  avcodec_open2(c, codec, nullptr);
  AVFrame* f = av_frame_alloc();
  f->nb_samples = 320;
  f->format = AV_SAMPLE_FMT_S16;
  av_channel_layout_copy(&f->ch_layout, &c->ch_layout);
  av_frame_get_buffer(f, 0);
  AVPacket* p = av_packet_alloc();
  size_t pos = 0;
  for (auto _ : state) {
    av_frame_make_writable(f);
    std::memcpy(f->data[0], pcm.data() + pos, 640);
    avcodec_send_frame(c, f);
    avcodec_receive_packet(c, p);
    benchmark::DoNotOptimize(p->data);
    av_packet_unref(p);
    pos = (pos + 320) % (pcm.size() - 320 + 1);
  }
  state.SetItemsProcessed(state.iterations());
  av_packet_free(&p);
  av_frame_free(&f);
  avcodec_free_context(&c);
}

void BM_G722EncodeWrapper(benchmark::State& state) {
  const auto pcm = Signal(16000);
  auto e = CreateAudioEncoder({.codec = CodecId::kG722});
  uint8_t out[kMaxAudioPayloadBytes];
  size_t pos = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*e)->Encode(std::span<const int16_t>(pcm.data() + pos, 320), out));
    pos = (pos + 320) % (pcm.size() - 320 + 1);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_G722EncodeSpandsp(benchmark::State& state) {
  const auto pcm = Signal(16000);
  g722_encode_state_t* s = g722_encode_init(nullptr, 64000, 0);
  uint8_t out[160];
  size_t pos = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(g722_encode(s, out, pcm.data() + pos, 320));
    pos = (pos + 320) % (pcm.size() - 320 + 1);
  }
  state.SetItemsProcessed(state.iterations());
  g722_encode_free(s);
}

void BM_G722DecodeRaw(benchmark::State& state) {
  const auto payloads = G722Payloads(Signal(16000));
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_ADPCM_G722);
  AVCodecContext* c = avcodec_alloc_context3(codec);
  c->sample_rate = 16000;
  c->ch_layout = AV_CHANNEL_LAYOUT_MONO;
  avcodec_open2(c, codec, nullptr);
  std::vector<AVPacket*> packets;
  for (const auto& payload : payloads) {
    AVPacket* p = av_packet_alloc();
    av_new_packet(p, 160);
    std::memcpy(p->data, payload.data(), 160);
    packets.push_back(p);
  }
  AVFrame* f = av_frame_alloc();
  int16_t out[320];
  size_t i = 0;
  for (auto _ : state) {
    avcodec_send_packet(c, packets[i++ % packets.size()]);
    avcodec_receive_frame(c, f);
    std::memcpy(out, f->data[0], sizeof(out));  // the wrapper hands out caller-owned PCM too
    benchmark::DoNotOptimize(out);
    av_frame_unref(f);
  }
  state.SetItemsProcessed(state.iterations());
  av_frame_free(&f);
  for (AVPacket* p : packets)
    av_packet_free(&p);
  avcodec_free_context(&c);
}

void BM_G722DecodeWrapper(benchmark::State& state) {
  const auto payloads = G722Payloads(Signal(16000));
  auto d = CreateAudioDecoder({.codec = CodecId::kG722});
  std::vector<int16_t> out(kMaxAudioFrameSamples);
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize((*d)->Decode(payloads[i++ % payloads.size()], out));
  state.SetItemsProcessed(state.iterations());
}

void BM_G722DecodeSpandsp(benchmark::State& state) {
  const auto payloads = G722Payloads(Signal(16000));
  g722_decode_state_t* s = g722_decode_init(nullptr, 64000, 0);
  int16_t out[320];
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(g722_decode(s, out, payloads[i++ % payloads.size()].data(), 160));
  state.SetItemsProcessed(state.iterations());
  g722_decode_free(s);
}

// ---- resampling, 10 ms ----
void BM_ResampleRaw(benchmark::State& state, int in_rate, int out_rate) {
  const auto pcm = Signal(in_rate);
  SwrContext* s = nullptr;
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
  swr_alloc_set_opts2(&s, &mono, AV_SAMPLE_FMT_S16, out_rate, &mono, AV_SAMPLE_FMT_S16, in_rate, 0, nullptr);
  swr_init(s);
  const int n_in = in_rate / 100, n_out = out_rate / 100;
  std::vector<int16_t> out(static_cast<size_t>(n_out));
  size_t pos = 0;
  for (auto _ : state) {
    const uint8_t* in = reinterpret_cast<const uint8_t*>(pcm.data() + pos);
    uint8_t* o = reinterpret_cast<uint8_t*>(out.data());
    benchmark::DoNotOptimize(swr_convert(s, &o, n_out, &in, n_in));
    pos = (pos + static_cast<size_t>(n_in)) % (pcm.size() - static_cast<size_t>(n_in) + 1);
  }
  state.SetItemsProcessed(state.iterations());
  swr_free(&s);
}

void BM_ResampleWrapper(benchmark::State& state, int in_rate, int out_rate) {
  const auto pcm = Signal(in_rate);
  auto r = CreateResampler(in_rate, out_rate);
  const size_t n_in = static_cast<size_t>(in_rate / 100);
  std::vector<int16_t> out(static_cast<size_t>(out_rate / 100));
  size_t pos = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*r)->Process(std::span<const int16_t>(pcm.data() + pos, n_in), out));
    pos = (pos + n_in) % (pcm.size() - n_in + 1);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ResampleSpeexdsp(benchmark::State& state, int in_rate, int out_rate) {
  const auto pcm = Signal(in_rate);
  int error = 0;
  SpeexResamplerState* s =
      speex_resampler_init(1, static_cast<spx_uint32_t>(in_rate), static_cast<spx_uint32_t>(out_rate), 5, &error);
  const spx_uint32_t n_in = static_cast<spx_uint32_t>(in_rate / 100);
  std::vector<int16_t> out(static_cast<size_t>(out_rate / 100));
  size_t pos = 0;
  for (auto _ : state) {
    spx_uint32_t in_len = n_in, out_len = static_cast<spx_uint32_t>(out.size());
    benchmark::DoNotOptimize(speex_resampler_process_int(s, 0, pcm.data() + pos, &in_len, out.data(), &out_len));
    pos = (pos + n_in) % (pcm.size() - n_in + 1);
  }
  state.SetItemsProcessed(state.iterations());
  speex_resampler_destroy(s);
}

// ---- G.711, 20 ms ----
void BM_UlawEncode(benchmark::State& state, bool ours) {
  const auto pcm = Signal(8000);
  uint8_t out[160];
  size_t pos = 0;
  for (auto _ : state) {
    if (ours) {
      g711::EncodeUlaw(std::span<const int16_t>(pcm.data() + pos, 160), out);
    } else {
      for (int i = 0; i < 160; ++i)
        out[i] = linear_to_ulaw(pcm[pos + static_cast<size_t>(i)]);
    }
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
    pos = (pos + 160) % (pcm.size() - 160 + 1);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_UlawDecode(benchmark::State& state, bool ours) {
  std::vector<uint8_t> codes(8000);
  for (size_t i = 0; i < codes.size(); ++i)
    codes[i] = static_cast<uint8_t>(i * 37);
  int16_t out[160];
  size_t pos = 0;
  for (auto _ : state) {
    if (ours) {
      g711::DecodeUlaw(std::span<const uint8_t>(codes.data() + pos, 160), out);
    } else {
      for (int i = 0; i < 160; ++i)
        out[i] = ulaw_to_linear(codes[pos + static_cast<size_t>(i)]);
    }
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
    pos = (pos + 160) % (codes.size() - 160 + 1);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

int main(int argc, char** argv) {
  for (int complexity : {0, 5, 10}) {
    const std::string base = "BM_OpusEncode20ms/complexity" + std::to_string(complexity);
    benchmark::RegisterBenchmark((base + "/raw").c_str(), BM_OpusRaw, complexity)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((base + "/wrapper").c_str(), BM_OpusWrapper, complexity)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("BM_G722Encode20ms/ffmpeg/raw", BM_G722EncodeRaw)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_G722Encode20ms/ffmpeg/wrapper", BM_G722EncodeWrapper)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_G722Encode20ms/spandsp_peer", BM_G722EncodeSpandsp)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_G722Decode20ms/ffmpeg/raw", BM_G722DecodeRaw)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_G722Decode20ms/ffmpeg/wrapper", BM_G722DecodeWrapper)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_G722Decode20ms/spandsp_peer", BM_G722DecodeSpandsp)->Unit(benchmark::kMicrosecond);
  for (const auto& [in, out] : {std::pair{16000, 48000}, std::pair{48000, 16000}, std::pair{8000, 48000}}) {
    const std::string base =
        "BM_Resample10ms/" + std::to_string(in / 1000) + "k_to_" + std::to_string(out / 1000) + "k";
    benchmark::RegisterBenchmark((base + "/swresample/raw").c_str(), BM_ResampleRaw, in, out)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((base + "/swresample/wrapper").c_str(), BM_ResampleWrapper, in, out)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((base + "/speexdsp_q5_peer").c_str(), BM_ResampleSpeexdsp, in, out)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("BM_UlawEncode20ms/tables", BM_UlawEncode, true);
  benchmark::RegisterBenchmark("BM_UlawEncode20ms/spandsp_peer", BM_UlawEncode, false);
  benchmark::RegisterBenchmark("BM_UlawDecode20ms/tables", BM_UlawDecode, true);
  benchmark::RegisterBenchmark("BM_UlawDecode20ms/spandsp_peer", BM_UlawDecode, false);
  return tessera::codecs_benchmarks::RunWithPairReport(argc, argv, "worst_audio_wrapper_over_raw");
}
