// ComputeLayout: geometry (built-in families in layout_geometry.cc, custom tiles here),
// then source assignment by role, then drawing order.
#include "tessera/mixer/video/layout.h"

#include <algorithm>
#include <cmath>

#include "video/layout_geometry.h"

namespace tessera::mixer {
namespace {

using layout_geometry::PlacedTile;

int RoundEven(double v) {
  return static_cast<int>(std::lround(v / 2)) * 2;
}

// Fractions to even pixels. Both edges of every tile are rounded the same monotonic way,
// so tiles that do not overlap as fractions do not overlap as pixels either. Tiles with
// values no validated spec can hold (NaN, outside the canvas) are skipped, never trusted.
std::vector<PlacedTile> CustomGeometry(const LayoutSpec& spec, Size canvas) {
  std::vector<PlacedTile> out;
  const int count = std::min<int>(static_cast<int>(spec.custom_tiles.size()), kMaxTiles);
  for (int i = 0; i < count; ++i) {
    const TileSpec& t = spec.custom_tiles[static_cast<size_t>(i)];
    if (!(t.x >= 0 && t.y >= 0 && t.width > 0 && t.height > 0 && t.x + t.width <= 1.000001 &&
          t.y + t.height <= 1.000001)) {
      out.push_back({});  // keeps spec indices aligned; dropped as empty below
      continue;
    }
    const int x0 = std::clamp(RoundEven(t.x * canvas.width), 0, canvas.width);
    const int y0 = std::clamp(RoundEven(t.y * canvas.height), 0, canvas.height);
    const int x1 = std::clamp(RoundEven((t.x + t.width) * canvas.width), 0, canvas.width);
    const int y1 = std::clamp(RoundEven((t.y + t.height) * canvas.height), 0, canvas.height);
    out.push_back({{x0, y0, x1 - x0, y1 - y0}, t.z, t.role, t.slot});
  }
  return out;
}

// Does source `s` fill `tile` by its explicit role?
bool FillsRole(const LayoutSource& s, const Tile& tile) {
  switch (tile.role) {
    case TileRole::kActiveSpeaker:
      return s.speaker_rank >= 0 && s.speaker_rank == tile.slot;
    case TileRole::kPinned:
      return s.pin > 0 && s.pin == tile.slot;
    case TileRole::kSlot:
      return s.slot > 0 && s.slot == tile.slot;
    case TileRole::kPresentation:
      return s.presentation;
    case TileRole::kAny:
      return false;
  }
  return false;
}

// Which source each tile shows. Explicit roles first (so the active speaker is never taken
// by a kAny tile earlier in tile order), then every tile still empty, in tile order, takes
// the next unused source. When the layout has content tiles, content streams go only there.
void AssignSources(std::span<const LayoutSource> sources, std::vector<Tile>& tiles) {
  std::vector<bool> used(sources.size(), false);
  const bool has_content_tile =
      std::any_of(tiles.begin(), tiles.end(), [](const Tile& t) { return t.role == TileRole::kPresentation; });
  for (Tile& tile : tiles) {
    if (tile.role == TileRole::kAny) continue;
    for (size_t i = 0; i < sources.size(); ++i) {
      if (!used[i] && FillsRole(sources[i], tile)) {
        used[i] = true;
        tile.source = static_cast<int>(i);
        break;
      }
    }
  }
  size_t next = 0;
  for (Tile& tile : tiles) {
    if (tile.source >= 0) continue;
    while (next < sources.size() && (used[next] || (has_content_tile && sources[next].presentation)))
      ++next;
    if (next == sources.size()) break;
    used[next] = true;
    tile.source = static_cast<int>(next);
  }
}

}  // namespace

int EffectiveGutter(const LayoutSpec& spec, Size canvas) {
  // Never more than 1/16 of the canvas's smaller side, whatever was asked for: gutters
  // must leave room for tiles.
  const int cap = std::max(0, std::min(canvas.width, canvas.height) / 16 / 2 * 2);
  if (spec.gutter >= 0) return std::min({spec.gutter, 64, cap}) / 2 * 2;
  return std::min(cap, std::max(2, RoundEven(canvas.height / 135.0)));
}

Layout ComputeLayout(const LayoutSpec& spec, Size canvas, std::span<const LayoutSource> sources) {
  Layout layout;
  layout.canvas = {canvas.width / 2 * 2, canvas.height / 2 * 2};
  if (layout.canvas.width <= 0 || layout.canvas.height <= 0) return layout;

  std::vector<PlacedTile> placed;
  FitMode fit = spec.fit;
  int border = spec.border;
  if (spec.family == LayoutFamily::kCustom) {
    placed = CustomGeometry(spec, layout.canvas);
  } else {
    const LayoutSpec resolved = spec.family == LayoutFamily::kAuto ? AutoLayoutFor(sources) : spec;
    placed = layout_geometry::BuiltIn(resolved, layout.canvas, EffectiveGutter(spec, layout.canvas));
  }

  layout.tiles.reserve(placed.size());
  const Rect whole{0, 0, layout.canvas.width, layout.canvas.height};
  for (size_t i = 0; i < placed.size(); ++i) {
    const PlacedTile& p = placed[i];
    // A tile that would not fit (a canvas too small for the layout) is left out.
    if (p.rect.empty() || !whole.Contains(p.rect)) continue;
    Tile t;
    t.rect = p.rect;
    t.z = p.z;
    t.role = p.role;
    t.slot = p.slot;
    t.spec_index = static_cast<int>(i);
    if (spec.family == LayoutFamily::kCustom) {
      const TileSpec& c = spec.custom_tiles[i];
      t.fit = c.fit;
      t.border = std::clamp(c.border, 0, std::min(t.rect.width, t.rect.height) / 2);
    } else {
      t.fit = fit;
      t.border = std::clamp(border, 0, std::min(t.rect.width, t.rect.height) / 2);
    }
    layout.tiles.push_back(t);
  }
  AssignSources(sources, layout.tiles);
  std::stable_sort(layout.tiles.begin(), layout.tiles.end(), [](const Tile& a, const Tile& b) { return a.z < b.z; });
  for (size_t i = 0; i < layout.tiles.size() && !layout.overlapping; ++i) {
    for (size_t j = i + 1; j < layout.tiles.size(); ++j) {
      if (layout.tiles[i].rect.Intersects(layout.tiles[j].rect)) {
        layout.overlapping = true;
        break;
      }
    }
  }
  return layout;
}

}  // namespace tessera::mixer
