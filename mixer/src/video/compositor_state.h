#pragma once
// The compositor's private state, shared by compositor.cc (scene set-up, per-frame
// preparation, staging) and compositor_paint.cc (what one job paints).

#include <string>
#include <unordered_map>
#include <vector>

#include "tessera/mixer/video/compositor.h"
#include "tessera/mixer/video/plane_scaler.h"
#include "video/overlay.h"

namespace tessera::mixer::compositor_internal {

enum class Content : uint8_t {
  kEmpty,             // no source: background
  kPicture,           // the source's latest picture
  kPlaceholderImage,  // the source's placeholder image
  kInitials,          // initials on a colour
};

struct TileState {
  Tile tile;
  // Set by SetScene.
  Yuv placeholder_color;
  bool has_placeholder_image = false;
  I420Buffer placeholder_image;
  PlaneScaler placeholder_luma, placeholder_chroma;
  const Overlay* initials = nullptr;  // in State::overlays
  const Overlay* label = nullptr;     // in State::overlays
  bool highlight = false;
  // Set per frame by Compose, before any job runs; read-only while jobs run.
  Content content = Content::kEmpty;
  I420View picture;
  Rect content_rect;  // tile-relative: where the picture goes; the rest is bars
  Rect label_rect;    // tile-relative
  PlaneScaler luma, chroma;
};

// A job: rows [row_begin, row_end) of one tile (tile-relative), or one horizontal band of
// background rectangles (tile == -1, band indexes State::background_bands).
struct Job {
  int tile = -1;
  int band = 0;
  int row_begin = 0;
  int row_end = 0;
};

struct State {
  Compositor::Options options;
  CompositorStyle style;
  Yuv background, border, highlight, initials_ink, label_ink, label_box;
  int highlight_width = 0;
  bool has_background_image = false;
  I420Buffer background_image;  // canvas-sized

  Layout layout;
  int workers = 1;
  std::vector<TileState> tiles;                     // in drawing order
  std::vector<std::vector<Rect>> background_bands;  // canvas minus tiles, by band
  std::vector<std::vector<Job>> stages;
  std::vector<AlignedArray<uint8_t>> scratch;  // per worker
  std::vector<SceneSource> sources;            // names kept for re-rendering
  // Rendered text by "<kind>|<size>|<text>"; entries the current scene does not use are
  // dropped by SetScene.
  std::unordered_map<std::string, Overlay> overlays;
};

// Paints one job (compositor_paint.cc). Writes only the job's rows.
void PaintJob(const State& state, const Job& job, I420MutableView canvas, uint8_t* scratch);

}  // namespace tessera::mixer::compositor_internal
