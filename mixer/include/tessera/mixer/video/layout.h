#pragma once
// The layout engine (style.md practice 4): pure maths from a layout spec, a canvas size and
// the ordered list of sources to tiles — rectangles on the canvas, z-order, which source
// each shows (or none), how the picture fits. No state, no I/O, no allocation beyond the
// returned vector; recomputed only when the layout, the canvas or the sources change.
//
// Guarantees, for every spec and canvas (tested exhaustively over the named layouts):
// tiles lie inside the canvas, on even coordinates with even sizes (4:2:0 chroma siting);
// tiles do not overlap unless the spec declares it (picture-in-picture, overlays, custom
// layouts with allow_overlap), and then z-order says which is on top; built-in layouts
// keep the canvas aspect ratio in every tile; a source appears in at most one tile.
//
// Thread safety: pure functions; call from any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::mixer {

struct Size {
  int width = 0;
  int height = 0;
  bool operator==(const Size&) const = default;
};

struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;

  int right() const { return x + width; }
  int bottom() const { return y + height; }
  bool empty() const { return width <= 0 || height <= 0; }
  bool Intersects(const Rect& o) const {
    return !empty() && !o.empty() && x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom();
  }
  bool Contains(const Rect& o) const { return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom(); }
  bool operator==(const Rect&) const = default;
};

// How a picture whose aspect ratio differs from its tile's is fitted.
enum class FitMode : uint8_t {
  kLetterbox,  // whole picture visible, bars (background colour) on two sides
  kCrop,       // tile filled, picture cropped on two sides
};

// Which source a tile shows. Tiles with explicit roles are served first; a role nobody
// currently fills (no pinned participant, no content stream...) falls back to kAny, so
// no tile stays empty while a source is left over.
enum class TileRole : uint8_t {
  kAny,            // the next source in the engine's order not shown elsewhere
  kActiveSpeaker,  // slot 0: the current active speaker; slot 1, 2...: the ones before
  kPinned,         // the participant an operator pinned at position `slot` (1-based)
  kSlot,           // the participant an operator assigned to numbered slot `slot` (1-based)
  kPresentation,   // a content stream (slides from H.239 / BFCP), not a camera
};

// A tile of a custom layout, in fractions of the canvas (0,0 = top left; 1,1 = bottom right).
struct TileSpec {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  int z = 0;  // higher is drawn on top
  TileRole role = TileRole::kAny;
  int slot = 0;    // see TileRole; must be 0 for kAny and kPresentation
  int border = 0;  // border width in canvas pixels, drawn inside the tile
  FitMode fit = FitMode::kLetterbox;
};

inline constexpr int kMaxTiles = 256;

enum class LayoutFamily : uint8_t {
  kAuto,               // picks a grid (or a presentation layout) by the number of sources
  kGrid,               // columns x rows
  kSpeakerGrid,        // grid_size x grid_size cells, the speaker spans speaker_span x speaker_span
  kSpeakerStrip,       // the speaker large, `count` thumbnails along one side
  kOverlay,            // the speaker on the whole canvas, `count` thumbnails over it
  kTwoSpeakers,        // the two latest speakers side by side, `count` thumbnails below
  kContentAndSpeaker,  // content two thirds and the speaker one third of the width
  kCustom,             // custom_tiles
};

enum class Side : uint8_t { kBottom, kTop, kLeft, kRight };

// A layout: a built-in family with its parameters (FindNamedLayout builds these from a
// name such as "3x3" or "1+5") or a custom tile list. Custom specs come from the config
// file and the API, through ValidateCustomLayout (layout_validation.h).
struct LayoutSpec {
  std::string name;
  LayoutFamily family = LayoutFamily::kAuto;
  int columns = 0;              // kGrid
  int rows = 0;                 // kGrid
  int grid_size = 0;            // kSpeakerGrid
  int speaker_span = 0;         // kSpeakerGrid
  bool centre_speaker = false;  // kSpeakerGrid: speaker in the middle rather than top left
  int count = 0;                // thumbnails of kSpeakerStrip, kOverlay, kTwoSpeakers; kGrid: cells used
  Side side = Side::kBottom;    // kSpeakerStrip
  // kSpeakerStrip, kOverlay: the large tile shows the content stream and the first
  // thumbnail the active speaker (the presentation layouts).
  bool content = false;
  std::vector<TileSpec> custom_tiles;  // kCustom
  bool allow_overlap = false;          // kCustom: tiles may overlap (z decides)

  // Applied to built-in families (custom tiles carry their own).
  // Pixels between tiles and around them; -1: canvas height / 135, even, >= 2. Capped at
  // 1/16 of the canvas's smaller side.
  int gutter = -1;
  FitMode fit = FitMode::kLetterbox;
  int border = 0;
};

// What the layout needs to know about each source, in the engine's order (for example
// by who spoke last). The index in this list is what a Tile refers to.
struct LayoutSource {
  int speaker_rank = -1;      // 0: the current active speaker, 1: the one before...; -1: none
  int pin = 0;                // position an operator pinned it at (1-based); 0: not pinned
  int slot = 0;               // numbered slot an operator assigned it to (1-based); 0: none
  bool presentation = false;  // a content stream
};

struct Tile {
  Rect rect;
  int z = 0;
  int source = -1;  // index into the sources, or -1: nothing to show (background)
  TileRole role = TileRole::kAny;
  int slot = 0;  // the role's parameter (see TileRole)
  FitMode fit = FitMode::kLetterbox;
  int border = 0;
  int spec_index = 0;  // which tile of the layout this is (custom: index in custom_tiles)
};

struct Layout {
  Size canvas;
  std::vector<Tile> tiles;   // in drawing order: by z, then by tile order
  bool overlapping = false;  // some tiles overlap (drawn in order, later on top)
};

// The tiles of `spec` on `canvas` for `sources`. A canvas smaller than 16x16 or odd-sized is
// used as its even part; tiles that would round to nothing are left out. Custom specs are
// expected to have passed ValidateCustomLayout; invalid tiles are skipped, never trusted.
Layout ComputeLayout(const LayoutSpec& spec, Size canvas, std::span<const LayoutSource> sources);

// The gutter ComputeLayout uses for `spec` on `canvas`.
int EffectiveGutter(const LayoutSpec& spec, Size canvas);

// ---- Names (for the config file and the API) -----------------------------------------

// A built-in layout by name: "auto", grids "CxR" (1 <= C, R <= 10), speaker grids "1+5",
// "1+7", "1+9", "1+12", "1+16", "1+20", strips "1+N-bottom|top|left|right" (1 <= N <= 24),
// overlays "pip" (= "1+1") and "1+N-overlay" (1 <= N <= 8), "2+N" (0 <= N <= 12), and
// "presentation-right", "presentation-bottom", "presentation-pip", "presentation+speaker".
std::optional<LayoutSpec> FindNamedLayout(std::string_view name);
// The names listed in documentation and offered by the API (a representative set of the
// parametric families above, each accepted by FindNamedLayout).
std::span<const std::string_view> NamedLayoutNames();
// The layout "auto" resolves to for these sources.
LayoutSpec AutoLayoutFor(std::span<const LayoutSource> sources);

std::string_view TileRoleName(TileRole role);  // "any", "active-speaker", "pinned", "slot", "presentation"
std::optional<TileRole> ParseTileRole(std::string_view name);
std::string_view FitModeName(FitMode fit);  // "letterbox", "crop"
std::optional<FitMode> ParseFitMode(std::string_view name);

}  // namespace tessera::mixer
