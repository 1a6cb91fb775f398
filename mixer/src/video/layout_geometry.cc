#include "video/layout_geometry.h"

#include <algorithm>
#include <cmath>

namespace tessera::mixer::layout_geometry {
namespace {

int FloorEven(double v) {
  return v <= 0 ? 0 : static_cast<int>(std::floor(v / 2)) * 2;
}

// The largest even w x h with w / h close to `aspect` inside max_w x max_h.
Size FitAspect(double max_w, double max_h, double aspect) {
  double w = std::min(max_w, max_h * aspect);
  int even_w = FloorEven(w);
  int even_h = FloorEven(even_w / aspect + 1.0);  // nearest even height for that width
  if (even_h > FloorEven(max_h)) {
    even_h = FloorEven(max_h);
    even_w = std::min(even_w, FloorEven(even_h * aspect + 1.0));
  }
  if (even_w < 2 || even_h < 2) return {0, 0};
  return {even_w, even_h};
}

// Even offset that centres `inner` in `outer` starting at (even) `origin`.
int Centre(int origin, int outer, int inner) {
  return origin + FloorEven((outer - inner) / 2.0);
}

// A rectangle of canvas aspect centred in `block` (used where a tile spans several cells and
// the gutters between them would otherwise stretch it).
Rect FitInBlock(const Rect& block, double aspect) {
  const Size s = FitAspect(block.width, block.height, aspect);
  return {std::min(Centre(block.x, block.width, s.width), block.right() - s.width),
          std::min(Centre(block.y, block.height, s.height), block.bottom() - s.height), s.width, s.height};
}

void Add(std::vector<PlacedTile>& out, const Rect& r, TileRole role = TileRole::kAny, int slot = 0, int z = 0) {
  if (!r.empty()) out.push_back({r, z, role, slot});
}

// A speaker (or content) tile and `count` thumbnails along `side`, everything centred.
// Thumbnails are at most a quarter of the canvas wide (or high), so a short strip is
// centred rather than stretched.
void SpeakerStrip(std::vector<PlacedTile>& out, Size canvas, int g, Side side, int count, TileRole big_role,
                  TileRole first_thumb_role, double aspect) {
  const bool horizontal = side == Side::kBottom || side == Side::kTop;
  Size thumb;
  if (horizontal) {
    const double w = std::min((canvas.width - (count + 1.0) * g) / count, canvas.width / 4.0);
    thumb = FitAspect(w, canvas.height / 3.0, aspect);
  } else {
    const double h = std::min((canvas.height - (count + 1.0) * g) / count, canvas.height / 4.0);
    thumb = FitAspect(canvas.width / 3.0, h, aspect);
  }
  if (thumb.width == 0) return;
  Size big;
  if (horizontal) {
    big = FitAspect(canvas.width - 2.0 * g, canvas.height - thumb.height - 3.0 * g, aspect);
  } else {
    big = FitAspect(canvas.width - thumb.width - 3.0 * g, canvas.height - 2.0 * g, aspect);
  }
  if (horizontal) {
    const int total_h = big.height + g + thumb.height;
    const int top = Centre(0, canvas.height, total_h);
    const int big_y = side == Side::kBottom ? top : top + thumb.height + g;
    const int strip_y = side == Side::kBottom ? top + big.height + g : top;
    Add(out, {Centre(0, canvas.width, big.width), big_y, big.width, big.height}, big_role);
    const int strip_w = count * thumb.width + (count - 1) * g;
    const int x0 = Centre(0, canvas.width, strip_w);
    for (int i = 0; i < count; ++i) {
      Add(out, {x0 + i * (thumb.width + g), strip_y, thumb.width, thumb.height},
          i == 0 ? first_thumb_role : TileRole::kAny);
    }
  } else {
    const int total_w = big.width + g + thumb.width;
    const int left = Centre(0, canvas.width, total_w);
    const int big_x = side == Side::kRight ? left : left + thumb.width + g;
    const int strip_x = side == Side::kRight ? left + big.width + g : left;
    Add(out, {big_x, Centre(0, canvas.height, big.height), big.width, big.height}, big_role);
    const int strip_h = count * thumb.height + (count - 1) * g;
    const int y0 = Centre(0, canvas.height, strip_h);
    for (int i = 0; i < count; ++i) {
      Add(out, {strip_x, y0 + i * (thumb.height + g), thumb.width, thumb.height},
          i == 0 ? first_thumb_role : TileRole::kAny);
    }
  }
}

// The speaker on the whole canvas and `count` thumbnails over its lower edge (z = 1).
void Overlay(std::vector<PlacedTile>& out, Size canvas, int g, int count, TileRole big_role, double aspect) {
  Add(out, {0, 0, canvas.width, canvas.height}, big_role);
  const double max_w =
      count == 1 ? canvas.width / 4.0 : std::min(canvas.width / 5.0, (canvas.width - (count + 1.0) * g) / count);
  const Size thumb = FitAspect(max_w, canvas.height / 4.0, aspect);
  if (thumb.width == 0) return;
  const int margin = 2 * g;
  const int y = canvas.height - margin - thumb.height;
  const int strip_w = count * thumb.width + (count - 1) * g;
  const int x0 = count == 1 ? canvas.width - margin - thumb.width : Centre(0, canvas.width, strip_w);
  for (int i = 0; i < count; ++i) {
    Add(out, {x0 + i * (thumb.width + g), y, thumb.width, thumb.height},
        big_role == TileRole::kPresentation && i == 0 ? TileRole::kActiveSpeaker : TileRole::kAny, 0, /*z=*/1);
  }
}

void SpeakerGrid(std::vector<PlacedTile>& out, Size canvas, int g, int n, int span, bool centre, double aspect) {
  const std::vector<Rect> cells = Grid({0, 0, canvas.width, canvas.height}, n, n, n * n, g, aspect);
  if (cells.size() != static_cast<size_t>(n * n)) return;
  const int origin = centre ? (n - span) / 2 : 0;
  const Rect& first = cells[static_cast<size_t>(origin * n + origin)];
  const Rect& last = cells[static_cast<size_t>((origin + span - 1) * n + origin + span - 1)];
  Add(out, FitInBlock({first.x, first.y, last.right() - first.x, last.bottom() - first.y}, aspect),
      TileRole::kActiveSpeaker);
  for (int row = 0; row < n; ++row) {
    for (int col = 0; col < n; ++col) {
      const bool in_speaker = row >= origin && row < origin + span && col >= origin && col < origin + span;
      if (!in_speaker) Add(out, cells[static_cast<size_t>(row * n + col)]);
    }
  }
}

void TwoSpeakers(std::vector<PlacedTile>& out, Size canvas, int g, int count, double aspect) {
  Size thumb{0, 0};
  if (count > 0) {
    const double w = std::min((canvas.width - (count + 1.0) * g) / count, canvas.width / 4.0);
    thumb = FitAspect(w, canvas.height / 3.0, aspect);
    if (thumb.width == 0) count = 0;
  }
  const int below = count > 0 ? thumb.height + g : 0;
  const Size big = FitAspect((canvas.width - 3.0 * g) / 2, canvas.height - 2.0 * g - below, aspect);
  if (big.width == 0) return;
  const int total_h = big.height + below;
  const int top = Centre(0, canvas.height, total_h);
  const int x0 = Centre(0, canvas.width, 2 * big.width + g);
  Add(out, {x0, top, big.width, big.height}, TileRole::kActiveSpeaker, 0);
  Add(out, {x0 + big.width + g, top, big.width, big.height}, TileRole::kActiveSpeaker, 1);
  const int strip_w = count * thumb.width + (count - 1) * g;
  const int sx = Centre(0, canvas.width, strip_w);
  for (int i = 0; i < count; ++i)
    Add(out, {sx + i * (thumb.width + g), top + big.height + g, thumb.width, thumb.height});
}

void PresentationAndSpeaker(std::vector<PlacedTile>& out, Size canvas, int g, double aspect) {
  // Content two thirds, speaker one third of the width, tops aligned, both centred.
  const double unit = (canvas.width - 3.0 * g) / 3;
  const Size content = FitAspect(2 * unit, canvas.height - 2.0 * g, aspect);
  const Size speaker = FitAspect(unit, canvas.height - 2.0 * g, aspect);
  if (content.width == 0 || speaker.width == 0) return;
  const int x0 = Centre(0, canvas.width, content.width + g + speaker.width);
  const int y0 = Centre(0, canvas.height, content.height);
  Add(out, {x0, y0, content.width, content.height}, TileRole::kPresentation);
  Add(out, {x0 + content.width + g, y0, speaker.width, speaker.height}, TileRole::kActiveSpeaker);
}

}  // namespace

std::vector<Rect> Grid(const Rect& area, int columns, int rows, int cells, int gutter, double aspect) {
  std::vector<Rect> out;
  if (columns <= 0 || rows <= 0 || cells <= 0) return out;
  const double cell_w = (area.width - (columns + 1.0) * gutter) / columns;
  const double cell_h = (area.height - (rows + 1.0) * gutter) / rows;
  const Size cell = FitAspect(cell_w, cell_h, aspect);
  if (cell.width == 0) return out;
  const int used_rows = std::min(rows, (cells + columns - 1) / columns);
  const int total_h = used_rows * cell.height + (used_rows - 1) * gutter;
  const int y0 = Centre(area.y, area.height, total_h);
  for (int i = 0; i < cells && i < columns * rows; ++i) {
    const int row = i / columns;
    const int in_row = std::min(columns, cells - row * columns);
    const int total_w = in_row * cell.width + (in_row - 1) * gutter;
    const int x0 = Centre(area.x, area.width, total_w);
    out.push_back(
        {x0 + (i % columns) * (cell.width + gutter), y0 + row * (cell.height + gutter), cell.width, cell.height});
  }
  return out;
}

std::vector<PlacedTile> BuiltIn(const LayoutSpec& spec, Size canvas, int g) {
  std::vector<PlacedTile> out;
  const double aspect = static_cast<double>(canvas.width) / canvas.height;
  switch (spec.family) {
    case LayoutFamily::kGrid: {
      if (spec.columns < 1 || spec.rows < 1 || spec.columns * spec.rows > kMaxTiles) break;
      const int cells = spec.count > 0 ? std::min(spec.count, spec.columns * spec.rows) : spec.columns * spec.rows;
      for (const Rect& r : Grid({0, 0, canvas.width, canvas.height}, spec.columns, spec.rows, cells, g, aspect)) {
        Add(out, r);
      }
      break;
    }
    case LayoutFamily::kSpeakerGrid:
      if (spec.grid_size < 2 || spec.speaker_span < 1 || spec.speaker_span >= spec.grid_size) break;
      SpeakerGrid(out, canvas, g, spec.grid_size, spec.speaker_span, spec.centre_speaker, aspect);
      break;
    case LayoutFamily::kSpeakerStrip:
      if (spec.count < 1) break;
      if (spec.content) {
        SpeakerStrip(out, canvas, g, spec.side, spec.count, TileRole::kPresentation, TileRole::kActiveSpeaker, aspect);
      } else {
        SpeakerStrip(out, canvas, g, spec.side, spec.count, TileRole::kActiveSpeaker, TileRole::kAny, aspect);
      }
      break;
    case LayoutFamily::kOverlay:
      if (spec.count < 1) break;
      Overlay(out, canvas, g, spec.count, spec.content ? TileRole::kPresentation : TileRole::kActiveSpeaker, aspect);
      break;
    case LayoutFamily::kTwoSpeakers:
      TwoSpeakers(out, canvas, g, std::max(0, spec.count), aspect);
      break;
    case LayoutFamily::kContentAndSpeaker:
      PresentationAndSpeaker(out, canvas, g, aspect);
      break;
    case LayoutFamily::kAuto:
    case LayoutFamily::kCustom:
      break;
  }
  return out;
}

}  // namespace tessera::mixer::layout_geometry
