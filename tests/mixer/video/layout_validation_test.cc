// Custom layout validation: every mistake is reported with the tile and field it is in.
#include "tessera/mixer/video/layout_validation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace tessera::mixer {
namespace {

LayoutSpec Custom(std::vector<TileSpec> tiles, bool overlap = false, std::string name = "my-layout") {
  LayoutSpec s;
  s.name = std::move(name);
  s.family = LayoutFamily::kCustom;
  s.custom_tiles = std::move(tiles);
  s.allow_overlap = overlap;
  return s;
}

std::vector<std::string> Messages(const LayoutSpec& spec) {
  std::vector<std::string> out;
  for (const auto& e : ValidateCustomLayout(spec))
    out.push_back(e.ToString());
  return out;
}

TEST(CustomLayoutValidation, AValidLayoutHasNoErrors) {
  EXPECT_TRUE(ValidateCustomLayout(Custom({{0, 0, 0.5, 1}, {0.5, 0, 0.5, 1, 0, TileRole::kActiveSpeaker}})).empty());
  EXPECT_TRUE(ValidateCustomLayout(Custom({{0.1, 0.2, 0.7, 0.8}})).empty());  // 0.1 + 0.7 in floating point
}

TEST(CustomLayoutValidation, OutOfRangeFractionsNameTheTileAndField) {
  const auto errors = ValidateCustomLayout(Custom({{0, 0, 0.5, 0.5}, {0.75, 0, 0.5, 0.5}}));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].tile, 1);
  EXPECT_EQ(errors[0].field, "width");
  EXPECT_EQ(errors[0].ToString(),
            "tiles[1].width: must keep the tile inside the canvas (x + width <= 1); got x = 0.75, width = 0.5");
}

TEST(CustomLayoutValidation, EveryBadNumberIsReported) {
  const auto m = Messages(Custom({{-0.1, 1.0, 0, std::nan("")}}));
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0], "tiles[0].x: must be in [0, 1); got -0.1");
  EXPECT_EQ(m[1], "tiles[0].width: must be in (0, 1]; got 0");
  EXPECT_EQ(m[2], "tiles[0].y: must be in [0, 1); got 1");
  EXPECT_EQ(m[3], "tiles[0].height: must be in (0, 1]; got nan");
}

TEST(CustomLayoutValidation, OverlapIsAnErrorUnlessDeclaredAndThenNeedsDistinctZ) {
  const std::vector<TileSpec> tiles = {{0, 0, 1, 1}, {0.5, 0.5, 0.25, 0.25}};
  auto m = Messages(Custom(tiles));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], "tiles[1]: overlaps tiles[0]; move it, or set allow_overlap and give the tile on top a higher z");
  m = Messages(Custom(tiles, /*overlap=*/true));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], "tiles[1].z: overlaps tiles[0] at the same z (0); give one of them a higher z");
  auto fixed = tiles;
  fixed[1].z = 1;
  EXPECT_TRUE(Messages(Custom(fixed, true)).empty());
  // Tiles that only touch do not overlap.
  EXPECT_TRUE(Messages(Custom({{0, 0, 0.5, 0.5}, {0.5, 0, 0.5, 0.5}, {0, 0.5, 1, 0.5}})).empty());
}

TEST(CustomLayoutValidation, SlotsMustSuitTheRoleAndNotRepeat) {
  auto m = Messages(Custom({{0, 0, 0.5, 0.5, 0, TileRole::kAny, 3},
                            {0.5, 0, 0.5, 0.5, 0, TileRole::kPinned, 0},
                            {0, 0.5, 0.5, 0.5, 0, TileRole::kSlot, 2},
                            {0.5, 0.5, 0.5, 0.5, 0, TileRole::kSlot, 2}}));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0], "tiles[0].slot: only pinned, slot and active-speaker tiles take a slot; got 3 on a any tile");
  EXPECT_EQ(m[1], "tiles[1].slot: must be in [1, 256] for a pinned tile; got 0");
  EXPECT_EQ(m[2], "tiles[3].slot: tiles[2] is already the slot tile with slot 2");
  m = Messages(Custom({{0, 0, 0.5, 0.5, 0, TileRole::kActiveSpeaker, 16}}));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_NE(m[0].find("tiles[0].slot: must be in [0, 15] for an active-speaker tile"), std::string::npos);
}

TEST(CustomLayoutValidation, BorderZAndRoleAreRangeChecked) {
  TileSpec t{0, 0, 1, 1};
  t.border = 65;
  t.z = 5000;
  t.role = static_cast<TileRole>(42);
  t.fit = static_cast<FitMode>(9);
  const auto m = Messages(Custom({t}));
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0], "tiles[0].z: must be in [-1000, 1000]; got 5000");
  EXPECT_EQ(m[1], "tiles[0].border: must be in [0, 64] pixels; got 65");
  EXPECT_EQ(m[2], "tiles[0].fit: must be letterbox or crop");
  EXPECT_EQ(m[3], "tiles[0].role: must be any, active-speaker, pinned, slot or presentation");
}

TEST(CustomLayoutValidation, NameAndTileCountAreChecked) {
  EXPECT_EQ(Messages(Custom({{0, 0, 1, 1}}, false, "3x3"))[0], "name: '3x3' is a built-in layout; choose another name");
  EXPECT_EQ(Messages(Custom({{0, 0, 1, 1}}, false, "my layout"))[0],
            "name: may hold only letters, digits and - _ + .; got 'my layout'");
  EXPECT_EQ(Messages(Custom({}))[0], "tiles: a layout needs at least one tile");
  std::vector<TileSpec> many(257, TileSpec{0, 0, 0.01, 0.01});
  for (size_t i = 0; i < many.size(); ++i)
    many[i].x = static_cast<double>(i % 90) / 100, many[i].y = (i / 90) / 10.0;
  EXPECT_EQ(Messages(Custom(many))[0], "tiles: at most 256 tiles; got 257");
  many.resize(256);
  EXPECT_TRUE(Messages(Custom(many)).empty());
}

TEST(CustomLayoutValidation, BuiltInSpecsAreNotCustom) {
  const auto m = Messages(*FindNamedLayout("3x3"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0], "not a custom layout");
}

}  // namespace
}  // namespace tessera::mixer
