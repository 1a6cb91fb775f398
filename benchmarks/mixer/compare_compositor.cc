// compare_compositor: CPU per composed canvas, Tessera's compositor against FFmpeg's filter
// graph (buffer -> scale -> xstack -> buffersink, in process), on the same frames, the same
// layout and the same thread, in one run.
//
// Cases: a 1920x1080 canvas from 9 sources of 1280x720 in a 3x3 grid with 8-pixel gutters
// (620x348 tiles, so the ratio is not exact), and from 4 sources in a 2x2 grid. Inputs are
// cold: every source rotates through --frames distinct frames (default 8: 9 x 8 x 1.4 MB =
// 100 MB, beyond the last-level cache), as a decoder's output would arrive. Both sides run
// single-threaded (FFmpeg's graph with nb_threads = 1); CPU time is the calling thread's
// (CLOCK_THREAD_CPUTIME_ID), so other processes on a shared machine do not count against
// either side, though they still compete for memory bandwidth. The two sides alternate in
// --rounds rounds of --canvases canvases; the figures are medians over every canvas.
//
// FFmpeg is run with each swscale filter (the headline uses "area", the same filter family
// as Tessera's: an area average when shrinking; "bicubic" is the scale filter's default),
// and the output of both sides is compared (PSNR) to show they did the same work. The
// memory floor — reading every input byte once, nothing else — is measured on the same
// frames in the same run: on a shared machine it moves with everyone else's memory traffic,
// and it bounds what any compositor can do. The last line is the headline:
//   compose_speedup_vs_ffmpeg: <FFmpeg area ms / Tessera ms, 3x3>
//
//   build/release/benchmarks/mixer/compare_compositor [--frames N] [--rounds N] [--canvases N]
//                                                     [--tessera-only]  (profiling: no FFmpeg)
#ifndef __STDC_CONSTANT_MACROS
#define __STDC_CONSTANT_MACROS  // libavutil's C headers in C++
#endif
extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
}

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tessera/mixer/video/compositor.h"

namespace {

using tessera::I420Buffer;
using tessera::I420MutableView;
using tessera::I420View;
using namespace tessera::mixer;

bool g_tessera_only = false;  // --tessera-only: skip FFmpeg (for profiling the compositor)

constexpr int kCanvasW = 1920, kCanvasH = 1080, kSourceW = 1280, kSourceH = 720, kGutter = 8;

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

[[noreturn]] void Die(const std::string& what, int err = 0) {
  char buf[256] = "";
  if (err != 0) av_strerror(err, buf, sizeof buf);
  std::fprintf(stderr, "compare_compositor: %s %s\n", what.c_str(), buf);
  std::exit(1);
}

// Frames shared by both sides: FFmpeg reads them as AVFrames, Tessera as I420Views of the
// same memory. Content: a moving gradient with texture, distinct per source and frame.
struct Sources {
  std::vector<std::vector<AVFrame*>> frames;  // [source][frame]
  Sources(int sources, int per_source) {
    std::mt19937 rng(7);
    frames.resize(static_cast<size_t>(sources));
    for (int s = 0; s < sources; ++s) {
      for (int f = 0; f < per_source; ++f) {
        AVFrame* frame = av_frame_alloc();
        frame->format = AV_PIX_FMT_YUV420P;
        frame->width = kSourceW;
        frame->height = kSourceH;
        if (av_frame_get_buffer(frame, 64) < 0) Die("av_frame_get_buffer failed");
        for (int y = 0; y < kSourceH; ++y) {
          uint8_t* row = frame->data[0] + static_cast<ptrdiff_t>(y) * frame->linesize[0];
          for (int x = 0; x < kSourceW; ++x)
            row[x] = static_cast<uint8_t>((x + y + 9 * f + 40 * s) / 3 + (rng() & 7));
        }
        for (int p = 1; p < 3; ++p) {
          for (int y = 0; y < kSourceH / 2; ++y) {
            uint8_t* row = frame->data[p] + static_cast<ptrdiff_t>(y) * frame->linesize[p];
            for (int x = 0; x < kSourceW / 2; ++x)
              row[x] = static_cast<uint8_t>(64 + p * 40 + ((x * p + y + s * 20) & 63));
          }
        }
        frames[static_cast<size_t>(s)].push_back(frame);
      }
    }
  }
  ~Sources() {
    for (auto& v : frames)
      for (AVFrame* f : v)
        av_frame_free(&f);
  }
  static I420View View(const AVFrame* f) {
    return {f->data[0], f->data[1], f->data[2], f->linesize[0], f->linesize[1], f->linesize[2], f->width, f->height};
  }
};

// FFmpeg: one buffer source per input, scale each to its tile, xstack them at the tiles'
// positions over a fill colour. xstack sizes its output to the inputs' extent, so a 2x2
// filler input at the bottom-right corner makes it the full canvas (gutters included).
class FfmpegGraph {
 public:
  FfmpegGraph(const Layout& layout, const char* sws_flags) {
    graph_ = avfilter_graph_alloc();
    graph_->nb_threads = 1;
    const size_t n = layout.tiles.size();
    std::string desc;
    std::string stack_layout;
    for (size_t i = 0; i < n; ++i) {
      const Rect& r = layout.tiles[i].rect;
      desc += "[in" + std::to_string(i) + "]scale=" + std::to_string(r.width) + ":" + std::to_string(r.height) +
              ":flags=" + sws_flags + "[s" + std::to_string(i) + "];";
      stack_layout += (i ? "|" : "") + std::to_string(r.x) + "_" + std::to_string(r.y);
    }
    for (size_t i = 0; i < n; ++i)
      desc += "[s" + std::to_string(i) + "]";
    desc += "[filler]xstack=inputs=" + std::to_string(n + 1) + ":layout=" + stack_layout + "|" +
            std::to_string(kCanvasW - 2) + "_" + std::to_string(kCanvasH - 2) + ":fill=0x18181c[out]";

    AVFilterInOut* inputs = nullptr;
    AVFilterInOut* outputs = nullptr;
    if (int e = avfilter_graph_parse2(graph_, desc.c_str(), &inputs, &outputs); e < 0) Die("parse " + desc, e);
    int index = 0;
    for (AVFilterInOut* io = inputs; io != nullptr; io = io->next, ++index) {
      const bool filler = std::string(io->name) == "filler";
      const std::string args =
          "video_size=" + std::string(filler ? "2x2" : "1280x720") + ":pix_fmt=yuv420p:time_base=1/30:pixel_aspect=1/1";
      AVFilterContext* src = nullptr;
      if (int e = avfilter_graph_create_filter(&src, avfilter_get_by_name("buffer"), io->name, args.c_str(), nullptr,
                                               graph_);
          e < 0)
        Die("buffer", e);
      if (int e = avfilter_link(src, 0, io->filter_ctx, static_cast<unsigned>(io->pad_idx)); e < 0) Die("link", e);
      if (filler) {
        filler_src_ = src;
      } else {
        sources_.push_back(src);
      }
    }
    if (int e =
            avfilter_graph_create_filter(&sink_, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, graph_);
        e < 0)
      Die("buffersink", e);
    if (int e = avfilter_link(outputs->filter_ctx, static_cast<unsigned>(outputs->pad_idx), sink_, 0); e < 0)
      Die("link out", e);
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    if (int e = avfilter_graph_config(graph_, nullptr); e < 0) Die("config", e);
    filler_ = av_frame_alloc();
    filler_->format = AV_PIX_FMT_YUV420P;
    filler_->width = filler_->height = 2;
    av_frame_get_buffer(filler_, 64);
    std::memset(filler_->data[0], 0x18, 2 * static_cast<size_t>(filler_->linesize[0]));
    std::memset(filler_->data[1], 0x80, static_cast<size_t>(filler_->linesize[1]));
    std::memset(filler_->data[2], 0x80, static_cast<size_t>(filler_->linesize[2]));
    out_ = av_frame_alloc();
  }
  ~FfmpegGraph() {
    av_frame_free(&filler_);
    av_frame_free(&out_);
    avfilter_graph_free(&graph_);
  }

  // Feeds one frame per source (by reference: no copy) and pulls the composed canvas.
  const AVFrame* Compose(const std::vector<AVFrame*>& inputs) {
    av_frame_unref(out_);
    for (size_t i = 0; i < sources_.size(); ++i) {
      inputs[i]->pts = pts_;
      if (int e = av_buffersrc_add_frame_flags(sources_[i], inputs[i], AV_BUFFERSRC_FLAG_KEEP_REF); e < 0)
        Die("add frame", e);
    }
    filler_->pts = pts_;
    if (int e = av_buffersrc_add_frame_flags(filler_src_, filler_, AV_BUFFERSRC_FLAG_KEEP_REF); e < 0)
      Die("add filler", e);
    ++pts_;
    if (int e = av_buffersink_get_frame(sink_, out_); e < 0) Die("get frame", e);
    return out_;
  }

 private:
  AVFilterGraph* graph_ = nullptr;
  std::vector<AVFilterContext*> sources_;
  AVFilterContext* filler_src_ = nullptr;
  AVFilterContext* sink_ = nullptr;
  AVFrame* filler_ = nullptr;
  AVFrame* out_ = nullptr;
  int64_t pts_ = 0;
};

double Psnr(const I420View& a, const AVFrame* b) {
  double se = 0;
  int64_t n = 0;
  for (int y = 0; y < kCanvasH; ++y) {
    for (int x = 0; x < kCanvasW; ++x) {
      const double d = a.y[y * a.stride_y + x] - b->data[0][y * b->linesize[0] + x];
      se += d * d;
      ++n;
    }
  }
  return se == 0 ? 99 : 10 * std::log10(255.0 * 255.0 * n / se);
}

// Reads every byte of the frames (what any compositor must at least do) and returns a
// checksum, so the memory floor is measured on the same frames in the same run.
uint64_t ReadAll(const std::vector<AVFrame*>& frames) {
  uint64_t sum = 0;
  for (const AVFrame* f : frames) {
    for (int p = 0; p < 3; ++p) {
      const int h = p == 0 ? f->height : f->height / 2;
      const size_t bytes = static_cast<size_t>(f->linesize[p]) * h;
      const uint64_t* q = reinterpret_cast<const uint64_t*>(f->data[p]);
      uint64_t a = 0, b = 0, c = 0, d = 0;
      for (size_t i = 0; i + 4 <= bytes / 8; i += 4) {
        a += q[i], b += q[i + 1], c += q[i + 2], d += q[i + 3];
      }
      sum += a ^ b ^ c ^ d;
    }
  }
  return sum;
}

struct CaseResult {
  double floor_ms;
  double tessera_ms;
  std::vector<std::pair<std::string, double>> ffmpeg_ms;  // by swscale flags
  double psnr_vs_area;
};

CaseResult RunCase(const char* name, int sources, const char* layout_name, int frames, int rounds, int canvases) {
  LayoutSpec spec = *FindNamedLayout(layout_name);
  spec.gutter = kGutter;
  const Layout layout =
      ComputeLayout(spec, {kCanvasW, kCanvasH}, std::vector<LayoutSource>(static_cast<size_t>(sources)));
  Sources input(sources, frames);

  Compositor::Options options{{kCanvasW, kCanvasH}};
  Compositor compositor(options);
  CompositorStyle style;
  style.labels = false;  // FFmpeg's graph draws none either
  style.speaker_highlight_width = 0;
  compositor.SetStyle(style);
  compositor.SetScene(layout, std::vector<SceneSource>(static_cast<size_t>(sources)));
  I420Buffer canvas(kCanvasW, kCanvasH);

  const char* flags[] = {"area", "fast_bilinear", "bilinear", "bicubic"};
  std::vector<FfmpegGraph*> graphs;
  for (const char* f : flags)
    graphs.push_back(new FfmpegGraph(layout, f));

  std::vector<I420View> views(static_cast<size_t>(sources));
  std::vector<AVFrame*> avframes(static_cast<size_t>(sources));
  auto pick = [&](int k) {
    for (int s = 0; s < sources; ++s) {
      AVFrame* f = input.frames[static_cast<size_t>(s)][static_cast<size_t>(k % frames)];
      views[static_cast<size_t>(s)] = Sources::View(f);
      avframes[static_cast<size_t>(s)] = f;
    }
  };
  std::vector<double> ours, floor;
  std::vector<std::vector<double>> theirs(graphs.size());
  uint64_t checksum = 0;
  int k = 0;
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < canvases; ++i, ++k) {
      pick(k);
      const double t0 = ThreadCpuMs();
      checksum += ReadAll(avframes);
      floor.push_back(ThreadCpuMs() - t0);
    }
    for (int i = 0; i < canvases; ++i, ++k) {
      pick(k);
      const double t0 = ThreadCpuMs();
      compositor.Compose(views, canvas.view());
      ours.push_back(ThreadCpuMs() - t0);
    }
    for (size_t g = 0; g < graphs.size() && !g_tessera_only; ++g) {
      for (int i = 0; i < canvases; ++i, ++k) {
        pick(k);
        const double t0 = ThreadCpuMs();
        graphs[g]->Compose(avframes);
        theirs[g].push_back(ThreadCpuMs() - t0);
      }
    }
  }
  // Same frames through both: how close are the pictures?
  pick(0);
  compositor.Compose(views, canvas.view());
  const double psnr = Psnr(canvas.const_view(), graphs[0]->Compose(avframes));

  CaseResult r{Median(floor), Median(ours), {}, psnr};
  std::printf("%s (%d sources of %dx%d, %d-pixel gutters, %d frames per source, %zu canvases per side):\n", name,
              sources, kSourceW, kSourceH, kGutter, frames, ours.size());
  std::printf("  memory floor: read every input byte once   %7.3f ms CPU per canvas (median; checksum %llx)\n",
              Median(floor), static_cast<unsigned long long>(checksum & 0xff));
  std::printf("  tessera compositor (%s kernels)      %7.3f ms CPU per canvas (median)\n", options.scale_kernels.isa,
              r.tessera_ms);
  for (size_t g = 0; g < graphs.size(); ++g) {
    const double ms = Median(theirs[g]);
    r.ffmpeg_ms.emplace_back(flags[g], ms);
    std::printf("  ffmpeg scale(flags=%-13s)+xstack %7.3f ms CPU per canvas (median)  ratio %.2fx\n", flags[g], ms,
                ms / r.tessera_ms);
    delete graphs[g];
  }
  std::printf("  luma PSNR tessera vs ffmpeg area: %.1f dB\n", psnr);
  std::printf(
      "  tessera / memory floor: %.2f; ffmpeg area / memory floor: %.2f (the most any compositor that\n"
      "  reads its inputs could gain over ffmpeg area on this machine in this run)\n",
      r.tessera_ms / r.floor_ms, r.ffmpeg_ms[0].second / r.floor_ms);
  return r;
}

int Flag(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::max(1, std::atoi(argv[i + 1]));
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  av_log_set_level(AV_LOG_ERROR);
  const int frames = Flag(argc, argv, "--frames", 8);
  const int rounds = Flag(argc, argv, "--rounds", 5);
  const int canvases = Flag(argc, argv, "--canvases", 60);
  for (int i = 1; i < argc; ++i)
    g_tessera_only |= std::strcmp(argv[i], "--tessera-only") == 0;
  const CaseResult two = RunCase("2x2", 4, "2x2", frames, rounds, canvases);
  const CaseResult three = RunCase("3x3", 9, "3x3", frames, rounds, canvases);
  double fastest = 1e9;
  for (const auto& [flag, ms] : three.ffmpeg_ms)
    fastest = std::min(fastest, ms);
  std::printf("3x3 speedup vs ffmpeg's fastest filter (any flags): %.2fx\n", fastest / three.tessera_ms);
  std::printf("2x2 speedup vs ffmpeg area: %.2fx\n", two.ffmpeg_ms[0].second / two.tessera_ms);
  std::printf("compose_speedup_vs_ffmpeg: %.2f\n", three.ffmpeg_ms[0].second / three.tessera_ms);
  return 0;
}
