#pragma once
// Custom layouts as the operator writes them: the one schema the config file's [[layouts]]
// tables and the control API's JSON both map onto. Plain data; the core validates it
// (conference/custom_layout.h) and says which tile and field is wrong.
//
// Thread safety: plain values.

#include <optional>
#include <string>
#include <vector>

namespace tessera::mcu {

// A tile in fractions of the canvas (0,0 = top left; 1,1 = bottom right).
struct CustomTile {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  int z = 0;                      // higher is drawn on top
  std::string role = "any";       // any, active-speaker, pinned, slot, presentation
  int slot = 0;                   // active-speaker: 0 = current, 1 = the one before...; pinned/slot: 1-based
  int border = 0;                 // pixels, drawn inside the tile
  std::string fit = "letterbox";  // letterbox, crop

  bool operator==(const CustomTile&) const = default;
};

struct CustomLayout {
  std::vector<CustomTile> tiles;
  bool allow_overlap = false;  // tiles may overlap; z decides which is on top

  bool operator==(const CustomLayout&) const = default;
};

// A layout by name (built-in or [[layouts]]) or by its tiles: what the API's layout
// requests carry. Exactly one of the two is set.
struct LayoutChoice {
  std::optional<std::string> name;
  std::optional<CustomLayout> custom;
};

// A [[layouts]] entry of the config: a custom layout usable by name wherever a built-in
// layout name is (a room's `layout`, a rung's `layout`, the API).
struct NamedLayout {
  std::string name;
  CustomLayout layout;
};

}  // namespace tessera::mcu
