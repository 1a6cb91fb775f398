// [[layouts]]: custom layouts in the config, read into the schema the API shares and
// checked by the same rules, with errors naming the layout, the tile and the field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_errors.h"
#include "tessera/mcu/config.h"

#include <fstream>
#include <sstream>

#include "tessera/testing/paths.h"

namespace tessera::mcu {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(LayoutConfig, ACustomLayoutIsReadAndARoomCanUseIt) {
  auto r = ParseConfig(R"(
[[layouts]]
name = "speaker-and-two"
allow_overlap = true
tiles = [
  { x = 0, y = 0, width = 1, height = 1, role = "active-speaker" },
  { x = 0.75, y = 0.75, width = 0.25, height = 0.25, z = 1, role = "any", border = 2, fit = "crop" },
]
[[rooms]]
id = "1000"
layout = "speaker-and-two"
[[rooms]]
id = "2000"
layout = "1+5"
)",
                       "t.toml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  ASSERT_EQ(r->layouts.size(), 1u);
  const NamedLayout& l = r->layouts[0];
  EXPECT_EQ(l.name, "speaker-and-two");
  EXPECT_TRUE(l.layout.allow_overlap);
  ASSERT_EQ(l.layout.tiles.size(), 2u);
  EXPECT_EQ(l.layout.tiles[0], (CustomTile{0, 0, 1, 1, 0, "active-speaker", 0, 0, "letterbox"}));
  EXPECT_EQ(l.layout.tiles[1], (CustomTile{0.75, 0.75, 0.25, 0.25, 1, "any", 0, 2, "crop"}));
  EXPECT_EQ(r->rooms[0].layout, "speaker-and-two");
  EXPECT_EQ(r->rooms[1].layout, "1+5");  // built-in names with '+' are layout names too
}

TEST(LayoutConfig, TileErrorsNameTheLayoutTheTileAndTheField) {
  const auto errors = Errors(R"(
[[layouts]]
name = "halves"
tiles = [
  { x = 0, y = 0, width = 0.5, height = 1 },
  { x = 0.75, y = 0, width = 0.5, height = 1, role = "boss" },
]
)");
  ASSERT_EQ(errors.size(), 2u) << ::testing::PrintToString(errors);
  // Line 6 is the second tile; the messages are the ones the API gives.
  EXPECT_THAT(errors[0], HasSubstr("t.toml:6:"));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("layouts[0].tiles[1].role")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("layouts[0].tiles[1].width")));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("x + width <= 1")));
}

TEST(LayoutConfig, OverlapsNeedAllowOverlapAndTypesAndRangesAreChecked) {
  EXPECT_THAT(Errors(R"(
[[layouts]]
name = "stacked"
tiles = [ { x = 0, y = 0, width = 1, height = 1 }, { x = 0.5, y = 0.5, width = 0.5, height = 0.5 } ]
)"),
              ElementsAre(HasSubstr("layouts[0].tiles[1]")));
  EXPECT_THAT(Errors(R"(
[[layouts]]
name = "odd"
tiles = [ { x = "left", y = 0, width = 1.5, height = 1, colour = 3 } ]
)"),
              ElementsAre(HasSubstr("layouts[0].tiles[0].x': expected a number from 0 to 1, got a string"),
                          HasSubstr("layouts[0].tiles[0].width': expected a number from 0 to 1, got 1.5"),
                          HasSubstr("layouts[0].tiles[0].colour': unknown key")));
  EXPECT_THAT(Errors("[[layouts]]\nname = \"empty\"\ntiles = []\n"),
              ElementsAre(HasSubstr("layouts[0].tiles': a layout needs at least one tile")));
  EXPECT_THAT(Errors("[[layouts]]\ntiles = [ { x = 0, y = 0, width = 1, height = 1 } ]\n"),
              ElementsAre(HasSubstr("layouts[0].name': required but missing")));
}

TEST(LayoutConfig, NamesAreUniqueNotBuiltInNotCustomAndRoomsMustNameAKnownLayout) {
  const std::string tile = "tiles = [ { x = 0, y = 0, width = 1, height = 1 } ]\n";
  EXPECT_THAT(Errors("[[layouts]]\nname = \"a\"\n" + tile + "[[layouts]]\nname = \"a\"\n" + tile),
              ElementsAre(HasSubstr("layouts[1].name': expected a unique layout name")));
  EXPECT_THAT(Errors("[[layouts]]\nname = \"2x2\"\n" + tile), ElementsAre(HasSubstr("is a built-in layout")));
  EXPECT_THAT(Errors("[[layouts]]\nname = \"custom\"\n" + tile),
              ElementsAre(HasSubstr("layouts[0].name': expected a name other than \"custom\"")));
  EXPECT_THAT(Errors("[[rooms]]\nid = \"1\"\nlayout = \"4x4x4\"\n"),
              ElementsAre(HasSubstr("rooms[0].layout': expected a built-in layout")));
}

TEST(LayoutConfig, ARungCanHaveALayoutOfItsOwn) {
  auto r = ParseConfig(R"(
[[rungs]]
name = "720p"
width = 1280
height = 720
bitrate_kbps = 1500
[[rungs]]
name = "360p"
width = 640
height = 360
bitrate_kbps = 500
[[layouts]]
name = "right-half"
tiles = [ { x = 0.5, y = 0, width = 0.5, height = 1 } ]
[[rooms]]
id = "1000"
layout = "3x3"
output_layouts = { "360p" = "1x1", "720p" = "right-half" }
)",
                       "t.toml");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_THAT(r->rooms[0].output_layouts,
              ::testing::UnorderedElementsAre(std::pair<std::string, std::string>{"360p", "1x1"},
                                              std::pair<std::string, std::string>{"720p", "right-half"}));
}

TEST(LayoutConfig, AnOutputLayoutMustNameARungOfTheRoomAndAKnownLayout) {
  const std::string rungs =
      "[[rungs]]\nname = \"720p\"\nwidth = 1280\nheight = 720\nbitrate_kbps = 1500\n[[rungs]]\nname = \"360p\"\nwidth "
      "= 640\nheight = "
      "360\nbitrate_kbps = 500\n";
  EXPECT_THAT(Errors(rungs + "[[rooms]]\nid = \"1\"\noutput_layouts = { \"4k\" = \"2x2\" }\n"),
              ElementsAre(HasSubstr("rooms[0].output_layouts.4k': expected the name of one of the room's rungs")));
  // A rung the server has but this room does not offer.
  EXPECT_THAT(
      Errors(rungs + "[[rooms]]\nid = \"1\"\nrungs = [\"720p\"]\noutput_layouts = { \"360p\" = \"2x2\" }\n"),
      ElementsAre(HasSubstr("rooms[0].output_layouts.360p': expected the name of one of the room's rungs (720p)")));
  EXPECT_THAT(Errors(rungs + "[[rooms]]\nid = \"1\"\noutput_layouts = { \"360p\" = \"4x4x4\" }\n"),
              ElementsAre(HasSubstr("rooms[0].output_layouts.360p': expected a built-in layout")));
  EXPECT_THAT(Errors(rungs + "[[rooms]]\nid = \"1\"\noutput_layouts = { \"360p\" = 3 }\n"),
              ElementsAre(HasSubstr("rooms[0].output_layouts.360p': expected a layout name (a string)")));
  EXPECT_THAT(Errors(rungs + "[[rooms]]\nid = \"1\"\noutput_layouts = \"1x1\"\n"),
              ElementsAre(HasSubstr("rooms[0].output_layouts': expected a table")));
}

TEST(LayoutConfig, TheExampleInTheShippedConfigIsValid) {
  std::ifstream file(testing::SourceDir() / "config" / "tessera.toml");
  std::string line, example;
  bool inside = false;
  while (std::getline(file, line)) {
    if (line == "# [[layouts]]") inside = true;
    if (inside && (line.empty() || !line.starts_with("# "))) break;
    if (inside) example += line.substr(2) + "\n";
  }
  ASSERT_FALSE(example.empty()) << "no commented [[layouts]] example in config/tessera.toml";
  auto r = ParseConfig(example + "[[rooms]]\nid = \"1\"\nlayout = \"speaker-and-strip\"\n", "example");
  ASSERT_TRUE(r) << r.error().front().ToString();
  EXPECT_EQ(r->layouts.at(0).layout.tiles.size(), 5u);
}

}  // namespace
}  // namespace tessera::mcu
