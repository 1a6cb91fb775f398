// Compositor: scene set-up (tiles, background rectangles, labels, stages of jobs), the
// per-frame preparation (what each tile shows and its scaling filters), and running the
// jobs. What a job paints is in compositor_paint.cc.
#include "tessera/mixer/video/compositor.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "video/compositor_state.h"

namespace tessera::mixer {

using compositor_internal::Content;
using compositor_internal::Job;
using compositor_internal::State;
using compositor_internal::TileState;

namespace {

int EvenDown(double v) {
  return v <= 0 ? 0 : static_cast<int>(v / 2) * 2;
}

// Where a pw x ph picture goes in a tw x th tile, and which part of it is shown: the whole
// picture letterboxed, or the tile filled and the picture cropped. Either way the shown
// part has exactly the aspect ratio of where it goes (the crop is fractional). A letterbox
// whose bars would be under 1% of the tile is not worth bars: the picture fills the tile
// and loses that sliver instead.
struct Fit {
  Rect content;
  double crop_x, crop_y, crop_w, crop_h;
};
Fit ComputeFit(int pw, int ph, int tw, int th, FitMode mode) {
  const double picture_aspect = static_cast<double>(pw) / ph;
  const double tile_aspect = static_cast<double>(tw) / th;
  Fit f{};
  if (mode == FitMode::kCrop || std::abs(picture_aspect / tile_aspect - 1) < 0.01) {
    f.content = {0, 0, tw, th};
  } else if (picture_aspect > tile_aspect) {
    const int h = std::max(2, EvenDown(tw / picture_aspect + 1));
    f.content = {0, EvenDown((th - h) / 2.0), tw, std::min(h, th)};
  } else {
    const int w = std::max(2, EvenDown(th * picture_aspect + 1));
    f.content = {EvenDown((tw - w) / 2.0), 0, std::min(w, tw), th};
  }
  const double target = static_cast<double>(f.content.width) / f.content.height;
  if (picture_aspect > target) {
    f.crop_h = ph;
    f.crop_w = ph * target;
  } else {
    f.crop_w = pw;
    f.crop_h = pw / target;
  }
  f.crop_x = (pw - f.crop_w) / 2;
  f.crop_y = (ph - f.crop_h) / 2;
  return f;
}

// Luma and chroma geometries for showing the fitted part of a pw x ph picture.
bool ConfigureScalers(int pw, int ph, const Fit& f, PlaneScaler& luma, PlaneScaler& chroma) {
  const PlaneScaleGeometry lg{pw, ph, f.crop_x, f.crop_y, f.crop_w, f.crop_h, f.content.width, f.content.height};
  const PlaneScaleGeometry cg{(pw + 1) / 2, (ph + 1) / 2, f.crop_x / 2,        f.crop_y / 2,
                              f.crop_w / 2, f.crop_h / 2, f.content.width / 2, f.content.height / 2};
  if (luma.configured() && luma.geometry() == lg && chroma.configured() && chroma.geometry() == cg) return true;
  return luma.Configure(lg) && chroma.Configure(cg);
}

// Placeholder colours: muted, distinct, readable under white initials.
constexpr Rgb kPalette[] = {{52, 101, 164}, {117, 80, 123}, {78, 154, 6},   {196, 100, 0},  {32, 128, 128},
                            {164, 0, 64},   {90, 90, 160},  {140, 110, 40}, {40, 110, 170}, {150, 60, 60}};

Rgb ColorFor(const std::string& name) {
  const size_t h = std::hash<std::string>{}(name);
  return kPalette[h % (sizeof kPalette / sizeof kPalette[0])];
}

// Canvas minus the tiles, as rectangles grouped by horizontal band (one job each).
std::vector<std::vector<Rect>> BackgroundBands(Size canvas, const std::vector<Tile>& tiles) {
  std::vector<int> edges = {0, canvas.height};
  for (const Tile& t : tiles) {
    edges.push_back(t.rect.y);
    edges.push_back(t.rect.bottom());
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::vector<std::vector<Rect>> bands;
  for (size_t e = 0; e + 1 < edges.size(); ++e) {
    const int y0 = edges[e], y1 = edges[e + 1];
    if (y0 >= y1 || y0 < 0 || y1 > canvas.height) continue;
    std::vector<std::pair<int, int>> covered;
    for (const Tile& t : tiles) {
      if (t.rect.y <= y0 && t.rect.bottom() >= y1) covered.emplace_back(t.rect.x, t.rect.right());
    }
    std::sort(covered.begin(), covered.end());
    std::vector<Rect> band;
    int x = 0;
    for (const auto& [a, b] : covered) {
      if (a > x) band.push_back({x, y0, a - x, y1 - y0});
      x = std::max(x, b);
    }
    if (x < canvas.width) band.push_back({x, y0, canvas.width - x, y1 - y0});
    if (!band.empty()) bands.push_back(std::move(band));
  }
  return bands;
}

void CopyPicture(I420View from, I420Buffer& to) {
  to.Allocate(from.width, from.height);
  I420MutableView d = to.view();
  for (int y = 0; y < from.height; ++y)
    std::copy_n(from.y + static_cast<ptrdiff_t>(y) * from.stride_y, from.width,
                d.y + static_cast<ptrdiff_t>(y) * d.stride_y);
  for (int y = 0; y < from.chroma_height(); ++y) {
    std::copy_n(from.u + static_cast<ptrdiff_t>(y) * from.stride_u, from.chroma_width(),
                d.u + static_cast<ptrdiff_t>(y) * d.stride_u);
    std::copy_n(from.v + static_cast<ptrdiff_t>(y) * from.stride_v, from.chroma_width(),
                d.v + static_cast<ptrdiff_t>(y) * d.stride_v);
  }
}

}  // namespace

Compositor::Compositor(const Options& options) : state_(std::make_unique<State>()) {
  state_->options = options;
  state_->options.canvas = {std::max(2, options.canvas.width / 2 * 2), std::max(2, options.canvas.height / 2 * 2)};
  SetStyle(CompositorStyle{});
}

Compositor::~Compositor() = default;

void Compositor::SetStyle(const CompositorStyle& style) {
  State& s = *state_;
  s.style = style;
  s.style.background_image = {};  // copied below; the caller's view need not live on
  s.background = RgbToYuv(style.background);
  s.border = RgbToYuv(style.border);
  s.highlight = RgbToYuv(style.speaker_highlight);
  s.initials_ink = RgbToYuv(style.initials_text);
  s.label_ink = RgbToYuv(style.label_text);
  s.label_box = RgbToYuv(style.label_box);
  s.highlight_width = style.speaker_highlight_width >= 0 ? style.speaker_highlight_width / 2 * 2
                                                         : std::max(2, s.options.canvas.height / 270 / 2 * 2);
  s.has_background_image = false;
  const I420View image = style.background_image;
  if (!image.empty()) {
    const Size c = s.options.canvas;
    s.background_image.Allocate(c.width, c.height);
    const Fit f = ComputeFit(image.width, image.height, c.width, c.height, FitMode::kCrop);
    PlaneScaler luma(s.options.scale_kernels), chroma(s.options.scale_kernels);
    if (ConfigureScalers(image.width, image.height, f, luma, chroma)) {
      AlignedArray<uint8_t> scratch(std::max(luma.scratch_bytes(), chroma.scratch_bytes()));
      I420MutableView d = s.background_image.view();
      luma.ScaleRows(image.y, image.stride_y, d.y, d.stride_y, 0, c.height, scratch.data());
      chroma.ScaleRows(image.u, image.stride_u, d.u, d.stride_u, 0, c.height / 2, scratch.data());
      chroma.ScaleRows(image.v, image.stride_v, d.v, d.stride_v, 0, c.height / 2, scratch.data());
      s.has_background_image = true;
    }
  }
  if (!s.tiles.empty()) SetScene(s.layout, s.sources, s.workers);  // labels take the new colours
}

void Compositor::SetScene(const Layout& layout, std::span<const SceneSource> sources, int workers) {
  State& s = *state_;
  s.layout = layout;
  s.workers = std::max(1, workers);
  if (sources.data() != s.sources.data()) s.sources.assign(sources.begin(), sources.end());
  const Size canvas = s.options.canvas;
  // Tiles outside the canvas cannot be painted: a layout for another canvas size.
  std::vector<Tile> tiles;
  for (const Tile& t : layout.tiles) {
    if (!t.rect.empty() && Rect{0, 0, canvas.width, canvas.height}.Contains(t.rect) && t.rect.x % 2 == 0 &&
        t.rect.y % 2 == 0 && t.rect.width % 2 == 0 && t.rect.height % 2 == 0) {
      tiles.push_back(t);
    }
  }
  s.tiles.clear();
  s.tiles.resize(tiles.size());
  std::unordered_map<std::string, Overlay> previous;
  previous.swap(s.overlays);
  auto overlay = [&](const std::string& key, auto render) -> const Overlay* {
    auto it = s.overlays.find(key);
    if (it == s.overlays.end()) {
      auto old = previous.find(key);
      if (old != previous.end()) {
        it = s.overlays.emplace(key, std::move(old->second)).first;
      } else {
        it = s.overlays.emplace(key, Overlay{}).first;
        render(it->second);
      }
    }
    return it->second.empty() ? nullptr : &it->second;
  };
  for (size_t i = 0; i < tiles.size(); ++i) {
    TileState& t = s.tiles[i];
    t.luma = PlaneScaler(s.options.scale_kernels);
    t.chroma = PlaneScaler(s.options.scale_kernels);
    t.placeholder_luma = PlaneScaler(s.options.scale_kernels);
    t.placeholder_chroma = PlaneScaler(s.options.scale_kernels);
    t.tile = tiles[i];
    const int source = t.tile.source;
    if (source < 0 || static_cast<size_t>(source) >= sources.size()) {
      t.tile.source = -1;
      continue;
    }
    const SceneSource& src = sources[static_cast<size_t>(source)];
    t.highlight = src.active_speaker;
    t.placeholder_color = RgbToYuv(src.placeholder_color.value_or(ColorFor(src.name)));
    if (!src.placeholder_image.empty()) {
      CopyPicture(src.placeholder_image, t.placeholder_image);
      const Fit f = ComputeFit(src.placeholder_image.width, src.placeholder_image.height, t.tile.rect.width,
                               t.tile.rect.height, FitMode::kCrop);
      t.has_placeholder_image = ConfigureScalers(src.placeholder_image.width, src.placeholder_image.height, f,
                                                 t.placeholder_luma, t.placeholder_chroma);
    }
    TextRenderer* text = s.options.text;
    if (text == nullptr || src.name.empty()) continue;
    const int h = t.tile.rect.height;
    // Initials: about a third of the tile high.
    const int initials_size = std::max(8, h * 3 / 10);
    t.initials = overlay("i|" + std::to_string(initials_size) + "|" + src.name, [&](Overlay& o) {
      BuildTextOverlay(text->Render(Initials(src.name), initials_size, t.tile.rect.width * 9 / 10), s.initials_ink,
                       s.initials_ink, 0, 0, o);
    });
    if (s.style.labels) {
      // Labels: text about 1/16 of the tile high, readable from 10 to 40 pixels.
      const int size = std::clamp(h / 16, 10, 40);
      const int pad = std::max(2, size / 4);
      const int max_width = t.tile.rect.width - 4 * pad - 8;
      t.label =
          overlay("l|" + std::to_string(size) + "|" + std::to_string(max_width) + "|" + src.name, [&](Overlay& o) {
            BuildTextOverlay(text->Render(src.name, size, max_width), s.label_ink, s.label_box, s.style.label_box_alpha,
                             pad, o);
          });
    }
  }

  // Background: the canvas minus every tile, one job per horizontal band.
  s.background_bands = BackgroundBands(canvas, tiles);

  // Stages: a tile goes one stage above the highest earlier tile it overlaps, so tiles in
  // one stage never share a pixel; background jobs (disjoint from every tile) go in stage 0.
  std::vector<int> stage_of(tiles.size(), 0);
  int stage_count = 1;
  for (size_t i = 0; i < tiles.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (tiles[i].rect.Intersects(tiles[j].rect)) stage_of[i] = std::max(stage_of[i], stage_of[j] + 1);
    }
    stage_count = std::max(stage_count, stage_of[i] + 1);
  }
  s.stages.assign(static_cast<size_t>(stage_count), {});
  for (size_t b = 0; b < s.background_bands.size(); ++b)
    s.stages[0].push_back({-1, static_cast<int>(b), 0, 0});
  // Bands: enough jobs that `workers` threads share the tiles evenly, none under 32 rows.
  int bands = s.options.bands_per_tile;
  if (bands <= 0) {
    bands = tiles.empty() ? 1 : std::max(1, static_cast<int>((2 * workers + tiles.size() - 1) / tiles.size()));
  }
  for (size_t i = 0; i < tiles.size(); ++i) {
    const int h = tiles[i].rect.height;
    const int n = std::clamp(std::min(bands, h / 32), 1, std::max(1, h / 2));
    const int step = (h / n + 1) / 2 * 2;
    for (int r = 0; r < h; r += step) {
      s.stages[static_cast<size_t>(stage_of[i])].push_back({static_cast<int>(i), 0, r, std::min(h, r + step)});
    }
  }
}

void Compositor::SetActiveSpeaker(int source) {
  for (TileState& t : state_->tiles)
    t.highlight = source >= 0 && t.tile.source == source;
}

bool Compositor::Compose(std::span<const I420View> pictures, I420MutableView canvas) {
  SequentialFor sequential;
  return Compose(pictures, canvas, sequential);
}

bool Compositor::Compose(std::span<const I420View> pictures, I420MutableView canvas, ParallelFor& parallel_for) {
  State& s = *state_;
  if (canvas.empty() || canvas.width != s.options.canvas.width || canvas.height != s.options.canvas.height) {
    return false;
  }
  // What each tile shows this frame, and its filters (rebuilt only when a size changes).
  size_t scratch = 0;
  for (TileState& t : s.tiles) {
    const int source = t.tile.source;
    const I420View picture = source >= 0 && static_cast<size_t>(source) < pictures.size()
                                 ? pictures[static_cast<size_t>(source)]
                                 : I420View{};
    t.picture = {};
    t.content_rect = {0, 0, t.tile.rect.width, t.tile.rect.height};
    if (source < 0) {
      t.content = Content::kEmpty;
    } else if (!picture.empty()) {
      const Fit f = ComputeFit(picture.width, picture.height, t.tile.rect.width, t.tile.rect.height, t.tile.fit);
      if (ConfigureScalers(picture.width, picture.height, f, t.luma, t.chroma)) {
        t.content = Content::kPicture;
        t.picture = picture;
        t.content_rect = f.content;
        scratch = std::max({scratch, t.luma.scratch_bytes(), t.chroma.scratch_bytes()});
      } else {
        t.content = Content::kInitials;
      }
    } else if (t.has_placeholder_image) {
      t.content = Content::kPlaceholderImage;
      scratch = std::max({scratch, t.placeholder_luma.scratch_bytes(), t.placeholder_chroma.scratch_bytes()});
    } else {
      t.content = Content::kInitials;
    }
    if (t.label != nullptr) {
      // Bottom left of the picture, a little in from its edges.
      const Rect& c = t.content_rect;
      const int margin = std::max(2, c.height / 40) / 2 * 2;
      t.label_rect = {c.x + margin, std::max(c.y, c.bottom() - margin - t.label->height), t.label->width,
                      t.label->height};
      if (t.label_rect.right() > t.tile.rect.width || t.label_rect.bottom() > t.tile.rect.height) t.label_rect = {};
    }
  }
  const int workers = std::max(1, parallel_for.max_workers());
  if (s.scratch.size() < static_cast<size_t>(workers)) s.scratch.resize(static_cast<size_t>(workers));
  for (int w = 0; w < workers; ++w) {
    if (s.scratch[static_cast<size_t>(w)].size() < scratch) s.scratch[static_cast<size_t>(w)].Resize(scratch);
  }
  for (const std::vector<Job>& stage : s.stages) {
    parallel_for.Run(static_cast<int>(stage.size()), [&](int job, int worker) {
      compositor_internal::PaintJob(s, stage[static_cast<size_t>(job)], canvas,
                                    s.scratch[static_cast<size_t>(worker)].data());
    });
  }
  return true;
}

int Compositor::stage_count() const {
  return static_cast<int>(state_->stages.size());
}

int Compositor::job_count() const {
  int n = 0;
  for (const auto& stage : state_->stages)
    n += static_cast<int>(stage.size());
  return n;
}

const Layout& Compositor::layout() const {
  return state_->layout;
}

}  // namespace tessera::mixer
