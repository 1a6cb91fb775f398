#pragma once
// Tile rectangles of the built-in layout families (layout.h), before sources are assigned.
// Every rectangle has even coordinates and sizes and keeps the canvas aspect ratio within
// one even step; rectangles are disjoint except in kOverlay.

#include <vector>

#include "tessera/mixer/video/layout.h"

namespace tessera::mixer::layout_geometry {

struct PlacedTile {
  Rect rect;
  int z = 0;
  TileRole role = TileRole::kAny;
  int slot = 0;
};

// Built-in families only (kAuto is resolved by the caller, kCustom has its own tiles).
std::vector<PlacedTile> BuiltIn(const LayoutSpec& spec, Size canvas, int gutter);

// A columns x rows grid of canvas-aspect cells centred in `area` with `gutter` between and
// around the cells; only the first `cells` cells are returned, and a last row that is not
// full is centred.
std::vector<Rect> Grid(const Rect& area, int columns, int rows, int cells, int gutter, double aspect);

}  // namespace tessera::mixer::layout_geometry
