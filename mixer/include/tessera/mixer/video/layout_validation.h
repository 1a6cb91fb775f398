#pragma once
// Validation of custom layouts: the single schema the config file (TOML) and the control
// API (JSON) both map their trees onto. The mixer parses neither format; the loaders build
// a LayoutSpec with family kCustom and call ValidateCustomLayout, which says which tile and
// which field is wrong, in words an operator can act on:
//
//   tiles[3].width: must be in (0, 1] with x + width <= 1; got x = 0.75, width = 0.5
//   tiles[2]: overlaps tiles[0] at the same z (0); give one of them a higher z
//
// Thread safety: pure functions; call from any thread.

#include <string>
#include <vector>

#include "tessera/mixer/video/layout.h"

namespace tessera::mixer {

struct LayoutError {
  int tile = -1;      // index into custom_tiles, or -1 for the layout as a whole
  std::string field;  // "x", "width", "slot"...; empty when the tile as a whole is wrong
  std::string message;

  // "tiles[3].width: <message>", "tiles[2]: <message>" or "<field>: <message>".
  std::string ToString() const;
};

// Every problem found (empty when the layout is valid), in tile order.
std::vector<LayoutError> ValidateCustomLayout(const LayoutSpec& spec);

}  // namespace tessera::mixer
