// Layout engine: properties every named layout keeps at every canvas size and source count,
// the exact geometry of the grids an MCU uses most, and how sources are assigned to roles.
#include "tessera/mixer/video/layout.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace tessera::mixer {
namespace {

const Size kCanvases[] = {{1920, 1080}, {1280, 720},  {640, 360}, {352, 288}, {320, 180},
                          {1080, 1920}, {3840, 2160}, {176, 144}, {1024, 768}};
const int kSourceCounts[] = {0, 1, 2, 3, 5, 9, 13, 17, 40, 100, 300};

std::vector<LayoutSource> Sources(int n, bool with_content = false) {
  std::vector<LayoutSource> s(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    s[static_cast<size_t>(i)].speaker_rank = i < 3 ? i : -1;
  if (with_content && n > 0) s.back().presentation = true;
  return s;
}

std::string Describe(std::string_view name, Size canvas, int sources) {
  return std::string(name) + " on " + std::to_string(canvas.width) + "x" + std::to_string(canvas.height) + " with " +
         std::to_string(sources) + " sources";
}

// The invariants of layout.h, checked for one computed layout.
void ExpectLayoutInvariants(const LayoutSpec& spec, const Layout& layout, Size canvas, size_t source_count,
                            bool built_in) {
  const double aspect = static_cast<double>(canvas.width) / canvas.height;
  std::set<int> shown;
  for (size_t i = 0; i < layout.tiles.size(); ++i) {
    const Tile& t = layout.tiles[i];
    SCOPED_TRACE("tile " + std::to_string(i));
    ASSERT_FALSE(t.rect.empty());
    ASSERT_TRUE((Rect{0, 0, canvas.width, canvas.height}.Contains(t.rect)));
    ASSERT_EQ(t.rect.x % 2, 0);
    ASSERT_EQ(t.rect.y % 2, 0);
    ASSERT_EQ(t.rect.width % 2, 0);
    ASSERT_EQ(t.rect.height % 2, 0);
    if (built_in) {
      // Canvas aspect kept within one even step of either side.
      ASSERT_LE(std::abs(t.rect.width - t.rect.height * aspect), 2 * aspect + 2.01)
          << t.rect.width << "x" << t.rect.height;
    }
    if (i > 0) {
      ASSERT_LE(layout.tiles[i - 1].z, t.z) << "tiles must come in drawing order";
    }
    if (t.source >= 0) {
      ASSERT_LT(static_cast<size_t>(t.source), source_count);
      ASSERT_TRUE(shown.insert(t.source).second) << "source " << t.source << " shown twice";
    }
    for (size_t j = 0; j < i; ++j) {
      if (!t.rect.Intersects(layout.tiles[j].rect)) continue;
      ASSERT_TRUE(spec.family == LayoutFamily::kOverlay || spec.allow_overlap)
          << "tiles " << j << " and " << i << " overlap";
      ASSERT_LT(layout.tiles[j].z, t.z) << "overlapping tiles need distinct z";
      ASSERT_TRUE(layout.overlapping);
    }
  }
  // No tile stays empty while a source is left over (content streams only go to content
  // tiles when the layout has one).
  const size_t filled = shown.size();
  if (layout.tiles.size() > filled) {
    ASSERT_EQ(filled, source_count) << "a tile is empty but not every source is shown";
  }
}

TEST(NamedLayouts, ThereAreAtLeastThirtyAndEveryListedNameResolves) {
  EXPECT_GE(NamedLayoutNames().size(), 30u);
  std::set<std::string_view> unique;
  for (std::string_view name : NamedLayoutNames()) {
    EXPECT_TRUE(unique.insert(name).second) << name << " listed twice";
    const auto spec = FindNamedLayout(name);
    ASSERT_TRUE(spec.has_value()) << name;
    EXPECT_EQ(spec->name, name);
  }
}

TEST(NamedLayouts, UnknownOrOutOfRangeNamesAreRejected) {
  for (std::string_view name :
       {"",           "foo",         "0x3",        "3x0",          "11x2", "3x",         "x3",    "3x3x3", "1+6",
        "1+0-bottom", "1+25-bottom", "1+4-middle", "1+9-overlay",  "2+13", "2+4-bottom", "3+1",   "1+",    "+5",
        "1+-5",       "1+5 ",        " 3x3",       "presentation", "AUTO", "3X3",        "1+0005"}) {
    EXPECT_FALSE(FindNamedLayout(name).has_value()) << "'" << name << "'";
  }
  // Parametric names beyond the listed ones are accepted.
  EXPECT_TRUE(FindNamedLayout("7x3").has_value());
  EXPECT_TRUE(FindNamedLayout("1+24-left").has_value());
  EXPECT_TRUE(FindNamedLayout("1+8-overlay").has_value());
  EXPECT_TRUE(FindNamedLayout("2+12").has_value());
}

TEST(NamedLayouts, EveryLayoutKeepsItsInvariantsAtEveryCanvasAndSourceCount) {
  for (std::string_view name : NamedLayoutNames()) {
    const LayoutSpec spec = *FindNamedLayout(name);
    for (const Size canvas : kCanvases) {
      for (int n : kSourceCounts) {
        for (bool content : {false, true}) {
          SCOPED_TRACE(Describe(name, canvas, n) + (content ? " (one is content)" : ""));
          const auto sources = Sources(n, content);
          const Layout layout = ComputeLayout(spec, canvas, sources);
          ASSERT_FALSE(layout.tiles.empty());
          ExpectLayoutInvariants(spec.family == LayoutFamily::kAuto ? AutoLayoutFor(sources) : spec, layout, canvas,
                                 sources.size(), true);
        }
      }
    }
  }
}

TEST(NamedLayouts, EveryGridUpToTenByTenKeepsItsInvariantsWithOrWithoutGutters) {
  for (int columns = 1; columns <= 10; ++columns) {
    for (int rows = 1; rows <= 10; ++rows) {
      LayoutSpec spec = *FindNamedLayout(std::to_string(columns) + "x" + std::to_string(rows));
      for (int gutter : {-1, 0, 8}) {
        spec.gutter = gutter;
        for (const Size canvas : {Size{1920, 1080}, Size{640, 360}, Size{352, 288}}) {
          SCOPED_TRACE(Describe(spec.name, canvas, 7) + " gutter " + std::to_string(gutter));
          const Layout layout = ComputeLayout(spec, canvas, Sources(7));
          ASSERT_EQ(layout.tiles.size(), static_cast<size_t>(columns * rows));
          ExpectLayoutInvariants(spec, layout, canvas, 7, true);
        }
      }
    }
  }
}

TEST(NamedLayouts, ThreeByThreeOnFullHdWithEightPixelGuttersHasEqualCellsEightPixelsApart) {
  LayoutSpec spec = *FindNamedLayout("3x3");
  spec.gutter = 8;
  const Layout layout = ComputeLayout(spec, {1920, 1080}, Sources(9));
  ASSERT_EQ(layout.tiles.size(), 9u);
  for (const Tile& t : layout.tiles) {
    EXPECT_EQ(t.rect.width, 620);
    EXPECT_EQ(t.rect.height, 348);
  }
  EXPECT_EQ(layout.tiles[1].rect.x - layout.tiles[0].rect.right(), 8);
  EXPECT_EQ(layout.tiles[3].rect.y - layout.tiles[0].rect.bottom(), 8);
  // The grid is centred: equal margins left and right, top and bottom (within rounding).
  EXPECT_NEAR(layout.tiles[0].rect.x, 1920 - layout.tiles[2].rect.right(), 2);
  EXPECT_NEAR(layout.tiles[0].rect.y, 1080 - layout.tiles[8].rect.bottom(), 2);
  for (int i = 0; i < 9; ++i)
    EXPECT_EQ(layout.tiles[static_cast<size_t>(i)].source, i);
}

TEST(NamedLayouts, DefaultGutterScalesWithTheCanvas) {
  const LayoutSpec spec = *FindNamedLayout("2x2");
  EXPECT_EQ(EffectiveGutter(spec, {1920, 1080}), 8);
  EXPECT_EQ(EffectiveGutter(spec, {1280, 720}), 6);
  EXPECT_EQ(EffectiveGutter(spec, {176, 144}), 2);
}

// Regression (layout_fuzzer): a 64-pixel gutter on a 1920x56 canvas put the thumbnail strip
// of "1+4-bottom" below the canvas. Gutters are now capped at 1/16 of the smaller side, and
// a tile that cannot fit is left out rather than placed outside.
TEST(NamedLayouts, AWideGutterOnAThinCanvasKeepsEveryTileInside) {
  LayoutSpec spec = *FindNamedLayout("1+4-bottom");
  spec.gutter = 120;
  EXPECT_EQ(EffectiveGutter(spec, {1920, 56}), 2);
  for (const Size canvas : {Size{1920, 56}, Size{56, 1920}, Size{16, 16}, Size{2, 2}}) {
    for (std::string_view name : NamedLayoutNames()) {
      LayoutSpec s = *FindNamedLayout(name);
      s.gutter = 120;
      const auto sources = Sources(12);
      ExpectLayoutInvariants(s.family == LayoutFamily::kAuto ? AutoLayoutFor(sources) : s,
                             ComputeLayout(s, canvas, sources), canvas, sources.size(), true);
    }
  }
}

TEST(AutoLayout, ShowsEverySourceOnceAndPicksTheSmallestGrid) {
  struct Expectation {
    int sources, columns, rows;
  };
  for (const Expectation e : {Expectation{1, 1, 1},
                              {2, 2, 1},
                              {3, 2, 2},
                              {4, 2, 2},
                              {5, 3, 2},
                              {6, 3, 2},
                              {7, 3, 3},
                              {9, 3, 3},
                              {10, 4, 3},
                              {16, 4, 4},
                              {25, 5, 5},
                              {100, 10, 10},
                              {256, 16, 16}}) {
    const auto sources = Sources(e.sources);
    const LayoutSpec resolved = AutoLayoutFor(sources);
    EXPECT_EQ(resolved.columns, e.columns) << e.sources;
    EXPECT_EQ(resolved.rows, e.rows) << e.sources;
    const Layout layout = ComputeLayout(*FindNamedLayout("auto"), {1920, 1080}, sources);
    EXPECT_EQ(layout.tiles.size(), static_cast<size_t>(e.sources));
  }
}

TEST(AutoLayout, CentresAnIncompleteLastRow) {
  const Layout layout = ComputeLayout(*FindNamedLayout("auto"), {1920, 1080}, Sources(5));
  ASSERT_EQ(layout.tiles.size(), 5u);
  const Rect& a = layout.tiles[3].rect;
  const Rect& b = layout.tiles[4].rect;
  EXPECT_EQ(a.y, b.y);
  EXPECT_NEAR(a.x, 1920 - b.right(), 2);
}

TEST(AutoLayout, PutsContentLargeWhenSomeoneShares) {
  const auto sources = Sources(4, /*with_content=*/true);
  const Layout layout = ComputeLayout(*FindNamedLayout("auto"), {1920, 1080}, sources);
  const Tile* content = nullptr;
  for (const Tile& t : layout.tiles)
    if (t.source == 3) content = &t;
  ASSERT_NE(content, nullptr);
  EXPECT_EQ(content->role, TileRole::kPresentation);
  for (const Tile& t : layout.tiles)
    EXPECT_LE(t.rect.width, content->rect.width);
}

TEST(LayoutAssignment, ActiveSpeakerTakesTheLargeTileWhereverItIsInTheOrder) {
  auto sources = Sources(6);
  for (auto& s : sources)
    s.speaker_rank = -1;
  sources[4].speaker_rank = 0;
  const Layout layout = ComputeLayout(*FindNamedLayout("1+5"), {1920, 1080}, sources);
  ASSERT_EQ(layout.tiles.size(), 6u);
  const Tile& big = layout.tiles[0];
  EXPECT_EQ(big.role, TileRole::kActiveSpeaker);
  EXPECT_EQ(big.source, 4);
  for (size_t i = 1; i < 6; ++i)
    EXPECT_GT(big.rect.width, layout.tiles[i].rect.width * 1.9);
  // The others fill the thumbnails in order.
  EXPECT_EQ(layout.tiles[1].source, 0);
  EXPECT_EQ(layout.tiles[5].source, 5);
}

TEST(LayoutAssignment, WithoutAnActiveSpeakerTheLargeTileShowsTheFirstSource) {
  auto sources = Sources(3);
  for (auto& s : sources)
    s.speaker_rank = -1;
  const Layout layout = ComputeLayout(*FindNamedLayout("1+5"), {1920, 1080}, sources);
  EXPECT_EQ(layout.tiles[0].source, 0);
  EXPECT_EQ(layout.tiles[1].source, 1);
  EXPECT_EQ(layout.tiles[2].source, 2);
  EXPECT_EQ(layout.tiles[3].source, -1);  // nothing left to show
}

TEST(LayoutAssignment, TwoSpeakersLayoutShowsTheCurrentAndPreviousSpeakerOnTop) {
  auto sources = Sources(6);
  for (auto& s : sources)
    s.speaker_rank = -1;
  sources[5].speaker_rank = 1;
  sources[2].speaker_rank = 0;
  const Layout layout = ComputeLayout(*FindNamedLayout("2+4"), {1920, 1080}, sources);
  ASSERT_EQ(layout.tiles.size(), 6u);
  EXPECT_EQ(layout.tiles[0].source, 2);
  EXPECT_EQ(layout.tiles[1].source, 5);
  EXPECT_EQ(layout.tiles[0].rect.y, layout.tiles[1].rect.y);
  EXPECT_LT(layout.tiles[0].rect.x, layout.tiles[1].rect.x);
}

TEST(LayoutAssignment, PipDrawsTheInsetOverTheSpeaker) {
  const Layout layout = ComputeLayout(*FindNamedLayout("pip"), {1280, 720}, Sources(2));
  ASSERT_EQ(layout.tiles.size(), 2u);
  EXPECT_TRUE(layout.overlapping);
  EXPECT_EQ(layout.tiles[0].rect, (Rect{0, 0, 1280, 720}));
  EXPECT_EQ(layout.tiles[0].source, 0);
  EXPECT_GT(layout.tiles[1].z, layout.tiles[0].z);
  EXPECT_EQ(layout.tiles[1].source, 1);
  EXPECT_GT(layout.tiles[1].rect.x, 640);  // bottom right
  EXPECT_GT(layout.tiles[1].rect.y, 360);
}

LayoutSpec Custom(std::vector<TileSpec> tiles, bool overlap = false) {
  LayoutSpec s;
  s.name = "custom";
  s.family = LayoutFamily::kCustom;
  s.custom_tiles = std::move(tiles);
  s.allow_overlap = overlap;
  return s;
}

TEST(CustomLayout, PinnedAndNumberedSlotsTakeTheirParticipantsAndTheRestFillInOrder) {
  const LayoutSpec spec = Custom({
      {0.0, 0.0, 0.5, 0.5, 0, TileRole::kAny},
      {0.5, 0.0, 0.5, 0.5, 0, TileRole::kPinned, 1},
      {0.0, 0.5, 0.5, 0.5, 0, TileRole::kSlot, 2},
      {0.5, 0.5, 0.5, 0.5, 0, TileRole::kAny},
  });
  auto sources = Sources(5);
  for (auto& s : sources)
    s.speaker_rank = -1;
  sources[3].pin = 1;
  sources[1].slot = 2;
  const Layout layout = ComputeLayout(spec, {1280, 720}, sources);
  ASSERT_EQ(layout.tiles.size(), 4u);
  EXPECT_EQ(layout.tiles[0].source, 0);
  EXPECT_EQ(layout.tiles[1].source, 3);
  EXPECT_EQ(layout.tiles[2].source, 1);
  EXPECT_EQ(layout.tiles[3].source, 2);
  EXPECT_EQ(layout.tiles[1].rect, (Rect{640, 0, 640, 360}));
}

TEST(CustomLayout, TwoHundredFiftySixTilesAreLaidOutWithoutOverlap) {
  std::vector<TileSpec> tiles;
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 16; ++c)
      tiles.push_back({c / 16.0, r / 16.0, 1 / 16.0, 1 / 16.0});
  const LayoutSpec spec = Custom(tiles);
  const Layout layout = ComputeLayout(spec, {1920, 1080}, Sources(300));
  ASSERT_EQ(layout.tiles.size(), 256u);
  ExpectLayoutInvariants(spec, layout, {1920, 1080}, 300, false);
  EXPECT_FALSE(layout.overlapping);
}

TEST(CustomLayout, OverlappingTilesAreDrawnByZ) {
  const LayoutSpec spec = Custom({{0.6, 0.6, 0.3, 0.3, 5}, {0, 0, 1, 1, 0}}, /*overlap=*/true);
  const Layout layout = ComputeLayout(spec, {1280, 720}, Sources(2));
  ASSERT_EQ(layout.tiles.size(), 2u);
  EXPECT_EQ(layout.tiles[0].spec_index, 1);  // z 0 first
  EXPECT_EQ(layout.tiles[1].spec_index, 0);
  EXPECT_TRUE(layout.overlapping);
}

TEST(CustomLayout, UnvalidatedNonsenseIsSkippedRatherThanTrusted) {
  const LayoutSpec spec =
      Custom({{std::nan(""), 0, 0.5, 0.5}, {0.5, 0.5, 2.0, 0.5}, {-1, 0, 0.5, 0.5}, {0, 0, 0.5, 0.5}});
  const Layout layout = ComputeLayout(spec, {640, 360}, Sources(4));
  ASSERT_EQ(layout.tiles.size(), 1u);
  EXPECT_EQ(layout.tiles[0].spec_index, 3);
}

TEST(CustomLayout, FractionsRoundToEvenPixelsAndTouchingTilesStayDisjoint) {
  const LayoutSpec spec = Custom({{0, 0, 1 / 3.0, 1}, {1 / 3.0, 0, 1 / 3.0, 1}, {2 / 3.0, 0, 1 / 3.0, 1}});
  for (const Size canvas : kCanvases) {
    const Layout layout = ComputeLayout(spec, canvas, Sources(3));
    ASSERT_EQ(layout.tiles.size(), 3u);
    ExpectLayoutInvariants(spec, layout, canvas, 3, false);
    EXPECT_EQ(layout.tiles[0].rect.right(), layout.tiles[1].rect.x);
    EXPECT_EQ(layout.tiles[2].rect.right(), canvas.width / 2 * 2);
  }
}

TEST(LayoutNames, RolesAndFitModesRoundTrip) {
  for (TileRole r :
       {TileRole::kAny, TileRole::kActiveSpeaker, TileRole::kPinned, TileRole::kSlot, TileRole::kPresentation}) {
    EXPECT_EQ(ParseTileRole(TileRoleName(r)), r);
  }
  EXPECT_EQ(ParseTileRole("speaker"), std::nullopt);
  EXPECT_EQ(ParseFitMode("crop"), FitMode::kCrop);
  EXPECT_EQ(ParseFitMode("letterbox"), FitMode::kLetterbox);
  EXPECT_EQ(ParseFitMode("stretch"), std::nullopt);
}

}  // namespace
}  // namespace tessera::mixer
