#pragma once
// Compositor: paints one canvas per video tick from the latest picture of every visible
// source, following a Layout (layout.h). Every picture is scaled straight into its tile's
// sub-planes of the canvas (pointer + stride; no intermediate picture), letterboxed or
// cropped per tile; gutters and bars show the background colour or image; a source without
// a picture shows a placeholder (its image, or its initials on a colour); tiles get borders,
// the active speaker a highlight, and names a label.
//
// Work is split into jobs that write disjoint memory — horizontal bands of tiles and of the
// background — and run through a caller-provided ParallelFor (the engine's worker pool), in
// stages when tiles overlap (a stage's tiles are drawn over the previous stage's).
//
// Costs: SetStyle and SetScene run when the style, layout or names change: they allocate,
// scale the background image, and render labels and initials (FreeType). Compose runs per
// frame and does not allocate — except, once, when a source's picture first arrives in a
// size whose filters need more memory than any before (then PlaneScaler grows).
//
// Thread safety: owned by the conference strand. SetStyle, SetScene, SetActiveSpeaker and
// Compose are called from it only; Compose blocks until its jobs are done.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/base/video_frame.h"
#include "tessera/mixer/parallel_for.h"
#include "tessera/mixer/video/color.h"
#include "tessera/mixer/video/kernels/blend_kernels.h"
#include "tessera/mixer/video/kernels/scale_kernels.h"
#include "tessera/mixer/video/layout.h"
#include "tessera/mixer/video/text_renderer.h"

namespace tessera::mixer {
namespace compositor_internal {
struct State;
}

struct CompositorStyle {
  Rgb background{24, 24, 28};
  // A picture behind the tiles (gutters, bars, empty tiles), cropped to fill the canvas.
  // Copied and scaled by SetStyle; need not outlive the call. Empty: the colour only.
  I420View background_image;
  Rgb border{70, 70, 78};               // tiles whose layout gives them a border
  Rgb speaker_highlight{250, 190, 40};  // a frame around the active speaker's tile
  int speaker_highlight_width = -1;     // pixels; -1: canvas height / 270 (4 at 1080p); 0: off
  bool labels = true;                   // participant names, bottom left of each picture
  Rgb label_text{255, 255, 255};
  Rgb label_box{0, 0, 0};
  uint8_t label_box_alpha = 150;
  Rgb initials_text{255, 255, 255};
};

// What the compositor shows for a source besides its pictures (index = source index in
// the Layout).
struct SceneSource {
  std::string name;                      // label and initials (UTF-8); empty: neither
  std::optional<Rgb> placeholder_color;  // behind the initials; default: picked from the name
  // Shown, cropped to fill the tile, while the source has no picture. Copied by SetScene.
  I420View placeholder_image;
  bool active_speaker = false;
};

class Compositor {
 public:
  struct Options {
    Size canvas{1920, 1080};  // even width and height
    // Bands per tile; 0: enough that a pool of ParallelFor::max_workers() threads stays busy.
    int bands_per_tile = 0;
    ScaleKernels scale_kernels = SelectScaleKernels(GetCpuFeatures());
    BlendKernels blend_kernels = SelectBlendKernels(GetCpuFeatures());
    TextRenderer* text = nullptr;  // not owned; must outlive the compositor. Null: no text.
  };

  explicit Compositor(const Options& options);
  ~Compositor();
  Compositor(const Compositor&) = delete;
  Compositor& operator=(const Compositor&) = delete;

  // Control path: when the look changes.
  void SetStyle(const CompositorStyle& style);
  // Control path: when the layout, the sources or their names change. `workers` is the
  // ParallelFor::max_workers() of the pool Compose will use (it sizes the bands).
  void SetScene(const Layout& layout, std::span<const SceneSource> sources, int workers = 1);
  // Cheap: moves the highlight without re-rendering anything. -1: nobody.
  void SetActiveSpeaker(int source);

  // Per frame: paints `canvas` (options.canvas in size) from `pictures[i]`, the latest
  // picture of source i (an empty view, or i past the end: no picture). Returns false, and
  // paints nothing, when the canvas has the wrong size.
  bool Compose(std::span<const I420View> pictures, I420MutableView canvas, ParallelFor& parallel_for);
  bool Compose(std::span<const I420View> pictures, I420MutableView canvas);  // on this thread

  // Introspection for tests and metrics.
  int stage_count() const;
  int job_count() const;  // over all stages
  const Layout& layout() const;

 private:
  std::unique_ptr<compositor_internal::State> state_;  // owned; private layout in src/video/
};

}  // namespace tessera::mixer
