// Compositor, checked pixel by pixel: each tile's centre shows its source's colour, gutters
// and bars show the background, placeholders and labels appear where placed, borders and
// the speaker highlight frame their tiles, overlapping tiles stack by z, threads and kernel
// variants change nothing, and a frame after the first allocates nothing.
#include "tessera/mixer/video/compositor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "../allocation_counter.h"

namespace tessera::mixer {
namespace {

constexpr Size kCanvas{1920, 1080};

struct Picture {
  I420Buffer buffer;
  Picture(int w, int h, Yuv c) : buffer(w, h) {
    I420MutableView v = buffer.view();
    for (int y = 0; y < h; ++y)
      std::memset(v.y + y * v.stride_y, c.y, static_cast<size_t>(w));
    for (int y = 0; y < v.chroma_height(); ++y) {
      std::memset(v.u + y * v.stride_u, c.u, static_cast<size_t>(v.chroma_width()));
      std::memset(v.v + y * v.stride_v, c.v, static_cast<size_t>(v.chroma_width()));
    }
  }
  I420View view() const { return buffer.const_view(); }
};

Yuv At(const I420Buffer& canvas, int x, int y) {
  const I420View v = canvas.const_view();
  return {v.y[y * v.stride_y + x], v.u[(y / 2) * v.stride_u + x / 2], v.v[(y / 2) * v.stride_v + x / 2]};
}

::testing::AssertionResult SameColor(Yuv actual, Yuv expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "YUV " << int{actual.y} << "," << int{actual.u} << "," << int{actual.v}
                                       << " instead of " << int{expected.y} << "," << int{expected.u} << ","
                                       << int{expected.v};
}

// Distinct, easily told apart colours for source i.
Yuv SourceColor(int i) {
  return {static_cast<uint8_t>(40 + 20 * i), static_cast<uint8_t>(60 + 15 * i), static_cast<uint8_t>(200 - 12 * i)};
}

std::vector<LayoutSource> Sources(int n) {
  return std::vector<LayoutSource>(static_cast<size_t>(n));
}

Layout Grid3x3(int sources, int gutter = 8) {
  LayoutSpec spec = *FindNamedLayout("3x3");
  spec.gutter = gutter;
  return ComputeLayout(spec, kCanvas, Sources(sources));
}

CompositorStyle NoDecorations() {
  CompositorStyle s;
  s.labels = false;
  s.speaker_highlight_width = 0;
  return s;
}

Rect Centre(const Rect& r, int size) {
  return {r.x + r.width / 2 - size / 2, r.y + r.height / 2 - size / 2, size, size};
}

// Every pixel of `r` (canvas coordinates) has colour `c`.
::testing::AssertionResult AllPixels(const I420Buffer& canvas, const Rect& r, Yuv c) {
  for (int y = r.y; y < r.bottom(); ++y) {
    for (int x = r.x; x < r.right(); ++x) {
      if (!(At(canvas, x, y) == c)) {
        return ::testing::AssertionFailure()
               << "pixel " << x << "," << y << ": " << SameColor(At(canvas, x, y), c).message();
      }
    }
  }
  return ::testing::AssertionSuccess();
}

TEST(Compositor, EachTileShowsItsSourceAndGuttersShowTheBackground) {
  std::vector<Picture> pictures;
  std::vector<I420View> views;
  for (int i = 0; i < 9; ++i)
    pictures.emplace_back(1280, 720, SourceColor(i));
  for (const auto& p : pictures)
    views.push_back(p.view());
  Compositor compositor({kCanvas});
  compositor.SetStyle(NoDecorations());
  const Layout layout = Grid3x3(9);
  compositor.SetScene(layout, std::vector<SceneSource>(9));
  I420Buffer canvas(kCanvas.width, kCanvas.height);
  ASSERT_TRUE(compositor.Compose(views, canvas.view()));
  for (const Tile& t : layout.tiles) {
    SCOPED_TRACE("tile of source " + std::to_string(t.source));
    // The whole tile: a flat source scales to a flat tile, edge to edge (no bars: the
    // aspect ratios differ by 0.2%, so the picture is cropped by a sliver instead).
    EXPECT_TRUE(AllPixels(canvas, t.rect, SourceColor(t.source)));
    // The gutter to its right and below it.
    EXPECT_TRUE(
        AllPixels(canvas, {t.rect.right(), t.rect.y, 8, t.rect.height}, RgbToYuv(CompositorStyle{}.background)));
    EXPECT_TRUE(
        AllPixels(canvas, {t.rect.x, t.rect.bottom(), t.rect.width, 8}, RgbToYuv(CompositorStyle{}.background)));
  }
  EXPECT_TRUE(SameColor(At(canvas, 0, 0), RgbToYuv(CompositorStyle{}.background)));
  EXPECT_TRUE(SameColor(At(canvas, 1919, 1079), RgbToYuv(CompositorStyle{}.background)));
}

TEST(Compositor, LetterboxShowsBarsAndCropFillsTheTile) {
  const Picture four_three(640, 480, SourceColor(1));
  const I420View views[] = {four_three.view()};
  for (FitMode fit : {FitMode::kLetterbox, FitMode::kCrop}) {
    LayoutSpec spec = *FindNamedLayout("1x1");
    spec.fit = fit;
    const Layout layout = ComputeLayout(spec, kCanvas, Sources(1));
    Compositor compositor({kCanvas});
    compositor.SetStyle(NoDecorations());
    compositor.SetScene(layout, std::vector<SceneSource>(1));
    I420Buffer canvas(kCanvas.width, kCanvas.height);
    ASSERT_TRUE(compositor.Compose(views, canvas.view()));
    const Rect& t = layout.tiles[0].rect;
    EXPECT_TRUE(AllPixels(canvas, Centre(t, 200), SourceColor(1)));
    const Rect left_edge{t.x, t.y + t.height / 2, 4, 4};
    if (fit == FitMode::kLetterbox) {
      EXPECT_TRUE(AllPixels(canvas, left_edge, RgbToYuv(CompositorStyle{}.background)));
      // The picture is 4:3 and as high as the tile.
      const int picture_width = t.height * 4 / 3;
      const int bar = (t.width - picture_width) / 2;
      EXPECT_TRUE(AllPixels(canvas, {t.x + bar - 4, t.y + 10, 2, 2}, RgbToYuv(CompositorStyle{}.background)));
      EXPECT_TRUE(AllPixels(canvas, {t.x + bar + 4, t.y + 10, 2, 2}, SourceColor(1)));
    } else {
      EXPECT_TRUE(AllPixels(canvas, t, SourceColor(1)));
    }
  }
}

TEST(Compositor, SourcesWithoutPictureShowTheirPlaceholderAndEmptyTilesTheBackground) {
  auto text = CreateFreeTypeTextRenderer(kDefaultFontPath);
  ASSERT_TRUE(text.has_value()) << text.error();
  const Picture image(320, 180, SourceColor(7));
  std::vector<SceneSource> scene(3);
  scene[0].name = "Ada Lovelace";
  scene[0].placeholder_color = Rgb{20, 90, 160};
  scene[1].name = "Grace Hopper";
  scene[1].placeholder_image = image.view();
  scene[2].name = "Alan Turing";
  const Picture picture(1280, 720, SourceColor(2));
  const I420View views[] = {{}, {}, picture.view()};  // 0 and 1 have no picture

  Compositor::Options options{kCanvas};
  options.text = text->get();
  Compositor compositor(options);
  compositor.SetStyle(NoDecorations());
  const Layout layout = Grid3x3(3);
  compositor.SetScene(layout, scene);
  I420Buffer canvas(kCanvas.width, kCanvas.height);
  ASSERT_TRUE(compositor.Compose(views, canvas.view()));

  // Initials on the placeholder colour: the colour at the corners, white ink in the middle.
  const Rect& t0 = layout.tiles[0].rect;
  EXPECT_TRUE(AllPixels(canvas, {t0.x, t0.y, 40, 40}, RgbToYuv({20, 90, 160})));
  int ink = 0;
  const Rect mid = Centre(t0, 160);
  for (int y = mid.y; y < mid.bottom(); ++y)
    for (int x = mid.x; x < mid.right(); ++x)
      ink += At(canvas, x, y).y >= 230;
  EXPECT_GT(ink, 500) << "no initials in the middle of the placeholder";
  // The placeholder image fills its tile.
  EXPECT_TRUE(AllPixels(canvas, layout.tiles[1].rect, SourceColor(7)));
  // The source with a picture shows it; tiles 3 to 8 have no source: background.
  EXPECT_TRUE(AllPixels(canvas, Centre(layout.tiles[2].rect, 100), SourceColor(2)));
  for (size_t i = 3; i < 9; ++i)
    EXPECT_TRUE(AllPixels(canvas, layout.tiles[i].rect, RgbToYuv(CompositorStyle{}.background)));
}

TEST(Compositor, LabelsAppearBottomLeftOfThePictureAndOnlyWhenEnabled) {
  auto text = CreateFreeTypeTextRenderer(kDefaultFontPath);
  ASSERT_TRUE(text.has_value()) << text.error();
  const Picture picture(1280, 720, SourceColor(4));
  const I420View views[] = {picture.view()};
  std::vector<SceneSource> scene(1);
  scene[0].name = "Margaret Hamilton";
  const Layout layout = Grid3x3(1);
  const Rect& t = layout.tiles[0].rect;
  for (bool labels : {true, false}) {
    Compositor::Options options{kCanvas};
    options.text = text->get();
    Compositor compositor(options);
    CompositorStyle style = NoDecorations();
    style.labels = labels;
    compositor.SetStyle(style);
    compositor.SetScene(layout, scene);
    I420Buffer canvas(kCanvas.width, kCanvas.height);
    ASSERT_TRUE(compositor.Compose(views, canvas.view()));
    // Bottom-left quarter: the label's dark box and white text; top right: untouched.
    int dark = 0, white = 0;
    for (int y = t.y + t.height * 3 / 4; y < t.bottom(); ++y) {
      for (int x = t.x; x < t.x + t.width / 2; ++x) {
        dark += At(canvas, x, y).y < SourceColor(4).y - 30;
        white += At(canvas, x, y).y > 220;
      }
    }
    EXPECT_TRUE(AllPixels(canvas, {t.x + t.width / 2, t.y, t.width / 2, t.height / 2}, SourceColor(4)));
    if (labels) {
      EXPECT_GT(dark, 1000);
      EXPECT_GT(white, 100);
    } else {
      EXPECT_EQ(dark, 0);
      EXPECT_EQ(white, 0);
    }
  }
}

TEST(Compositor, BordersFrameTheirTilesAndTheHighlightFollowsTheSpeaker) {
  const Picture picture(1280, 720, SourceColor(3));
  const I420View views[] = {picture.view(), picture.view()};
  LayoutSpec spec = *FindNamedLayout("2x1");
  spec.border = 6;
  const Layout layout = ComputeLayout(spec, kCanvas, Sources(2));
  CompositorStyle style = NoDecorations();
  style.speaker_highlight_width = 10;
  Compositor compositor({kCanvas});
  compositor.SetStyle(style);
  std::vector<SceneSource> scene(2);
  scene[1].active_speaker = true;
  compositor.SetScene(layout, scene);
  I420Buffer canvas(kCanvas.width, kCanvas.height);
  ASSERT_TRUE(compositor.Compose(views, canvas.view()));
  const Rect& a = layout.tiles[0].rect;
  const Rect& b = layout.tiles[1].rect;
  const Yuv border = RgbToYuv(style.border), highlight = RgbToYuv(style.speaker_highlight);
  EXPECT_TRUE(AllPixels(canvas, {a.x, a.y, a.width, 6}, border));
  EXPECT_TRUE(AllPixels(canvas, {a.x, a.y + 6, 6, a.height - 12}, border));
  EXPECT_TRUE(SameColor(At(canvas, a.x + 6, a.y + 50), SourceColor(3)));
  EXPECT_TRUE(AllPixels(canvas, {b.right() - 10, b.y, 10, b.height}, highlight));
  EXPECT_TRUE(SameColor(At(canvas, b.x + 10, b.y + 50), SourceColor(3)));

  compositor.SetActiveSpeaker(0);
  ASSERT_TRUE(compositor.Compose(views, canvas.view()));
  EXPECT_TRUE(AllPixels(canvas, {a.x, a.y, a.width, 10}, highlight));
  EXPECT_TRUE(AllPixels(canvas, {b.x, b.y, b.width, 6}, border));
  EXPECT_TRUE(SameColor(At(canvas, b.x + 8, b.y + 50), SourceColor(3)));
}

TEST(Compositor, OverlappingTilesStackByZ) {
  const Picture big(1280, 720, SourceColor(0)), small(1280, 720, SourceColor(5));
  const I420View views[] = {big.view(), small.view()};
  const Layout layout = ComputeLayout(*FindNamedLayout("pip"), kCanvas, Sources(2));
  Compositor compositor({kCanvas});
  compositor.SetStyle(NoDecorations());
  compositor.SetScene(layout, std::vector<SceneSource>(2));
  EXPECT_EQ(compositor.stage_count(), 2);
  I420Buffer canvas(kCanvas.width, kCanvas.height);
  ASSERT_TRUE(compositor.Compose(views, canvas.view()));
  EXPECT_TRUE(AllPixels(canvas, layout.tiles[1].rect, SourceColor(5)));
  EXPECT_TRUE(AllPixels(canvas, Centre(layout.tiles[0].rect, 300), SourceColor(0)));
}

TEST(Compositor, BackgroundImageShowsInGuttersAndBars) {
  const Picture background(800, 600, SourceColor(6));
  const Picture picture(640, 480, SourceColor(1));  // 4:3: bars in a 16:9 tile
  const I420View views[] = {picture.view()};
  CompositorStyle style = NoDecorations();
  style.background_image = background.view();
  Compositor compositor({kCanvas});
  compositor.SetStyle(style);
  const Layout layout = Grid3x3(1);
  compositor.SetScene(layout, std::vector<SceneSource>(1));
  I420Buffer canvas(kCanvas.width, kCanvas.height);
  ASSERT_TRUE(compositor.Compose(views, canvas.view()));
  const Rect& t = layout.tiles[0].rect;
  EXPECT_TRUE(AllPixels(canvas, {0, 0, 8, 8}, SourceColor(6)));
  EXPECT_TRUE(AllPixels(canvas, {t.x, t.y + 20, 8, 8}, SourceColor(6)));  // bar
  EXPECT_TRUE(AllPixels(canvas, layout.tiles[4].rect, SourceColor(6)));   // empty tile
  EXPECT_TRUE(AllPixels(canvas, Centre(t, 50), SourceColor(1)));
}

TEST(Compositor, RefusesACanvasOfTheWrongSize) {
  Compositor compositor({kCanvas});
  compositor.SetScene(Grid3x3(0), {});
  I420Buffer small(1280, 720);
  EXPECT_FALSE(compositor.Compose({}, small.view()));
}

// A real thread pool: jobs are handed out from an atomic counter to `threads` threads.
class ThreadsFor final : public ParallelFor {
 public:
  explicit ThreadsFor(int threads) : threads_(threads) {}
  int max_workers() const override { return threads_; }
  void Run(int count, FunctionRef<void(int, int)> job) override {
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int w = 0; w < threads_; ++w) {
      pool.emplace_back([&, w] {
        for (int i = next++; i < count; i = next++)
          job(i, w);
      });
    }
    for (auto& t : pool)
      t.join();
  }

 private:
  int threads_;
};

// Random-ish pictures of several sizes (so tiles letterbox, crop and scale both ways).
std::vector<Picture> MixedPictures() {
  std::vector<Picture> pictures;
  const Size sizes[] = {{1280, 720}, {1920, 1080}, {640, 360}, {640, 480}, {352, 288}, {480, 640}, {1280, 720}};
  for (size_t i = 0; i < 7; ++i) {
    pictures.emplace_back(sizes[i].width, sizes[i].height, SourceColor(static_cast<int>(i)));
    I420MutableView v = pictures.back().buffer.view();
    for (int y = 0; y < v.height; ++y)
      for (int x = 0; x < v.width; ++x)
        v.y[y * v.stride_y + x] = static_cast<uint8_t>((x * 7 + y * 3 + i * 50) & 0xff);
  }
  return pictures;
}

TEST(Compositor, ThreadsAndKernelVariantsPaintTheSameCanvas) {
  const auto pictures = MixedPictures();
  std::vector<I420View> views;
  for (const auto& p : pictures)
    views.push_back(p.view());
  const Layout layout = ComputeLayout(*FindNamedLayout("1+5"), kCanvas, Sources(7));
  auto paint = [&](const ScaleKernels& kernels, ParallelFor& pf) {
    Compositor::Options options{kCanvas};
    options.scale_kernels = kernels;
    Compositor compositor(options);
    compositor.SetScene(layout, std::vector<SceneSource>(7), pf.max_workers());
    I420Buffer canvas(kCanvas.width, kCanvas.height);
    EXPECT_TRUE(compositor.Compose(views, canvas.view(), pf));
    const I420View v = canvas.const_view();
    std::vector<uint8_t> bytes(v.y, v.y + static_cast<size_t>(v.stride_y) * v.height);
    bytes.insert(bytes.end(), v.u, v.u + static_cast<size_t>(v.stride_u) * v.chroma_height());
    bytes.insert(bytes.end(), v.v, v.v + static_cast<size_t>(v.stride_v) * v.chroma_height());
    return bytes;
  };
  SequentialFor sequential;
  const auto reference = paint(AllScaleKernelVariants()[0].kernels, sequential);
  for (const auto& variant : AllScaleKernelVariants()) {
    if ((GetCpuFeatures().bits() & variant.required_features) != variant.required_features) continue;
    ThreadsFor threads(3);
    EXPECT_EQ(paint(variant.kernels, sequential), reference) << variant.kernels.isa;
    EXPECT_EQ(paint(variant.kernels, threads), reference) << variant.kernels.isa << " on 3 threads";
  }
}

TEST(Compositor, BandsSplitTilesForAPoolOfWorkers) {
  Compositor compositor({kCanvas});
  compositor.SetScene(ComputeLayout(*FindNamedLayout("1x1"), kCanvas, Sources(1)), std::vector<SceneSource>(1), 4);
  EXPECT_GE(compositor.job_count(), 8);  // one tile, eight bands (plus background)
}

TEST(Compositor, AFrameAfterTheFirstAllocatesNothing) {
  auto text = CreateFreeTypeTextRenderer(kDefaultFontPath);
  ASSERT_TRUE(text.has_value()) << text.error();
  const auto pictures = MixedPictures();
  std::vector<I420View> views;
  for (const auto& p : pictures)
    views.push_back(p.view());
  views[3] = {};  // one placeholder
  std::vector<SceneSource> scene(7);
  for (size_t i = 0; i < scene.size(); ++i)
    scene[i].name = "Participant " + std::to_string(i);
  Compositor::Options options{kCanvas};
  options.text = text->get();
  Compositor compositor(options);
  compositor.SetScene(ComputeLayout(*FindNamedLayout("3x3"), kCanvas, Sources(7)), scene, 2);
  I420Buffer canvas(kCanvas.width, kCanvas.height);
  ThreadsFor threads(2);
  ASSERT_TRUE(compositor.Compose(views, canvas.view(), threads));  // sizes filters and scratch
  SequentialFor sequential;
  tessera::testing::StartCountingAllocations();
  for (int frame = 0; frame < 3; ++frame)
    compositor.Compose(views, canvas.view(), sequential);
  EXPECT_EQ(tessera::testing::StopCountingAllocations(), 0);
}

}  // namespace
}  // namespace tessera::mixer
