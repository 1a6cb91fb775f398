// Layout names and custom layouts from arbitrary bytes: FindNamedLayout, ValidateCustomLayout
// and ComputeLayout never crash, every error formats, and every computed layout keeps the
// invariants of layout.h (inside the canvas, even, each source at most once, no overlap a
// valid spec did not declare).
#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include "fuzz_input.h"
#include "tessera/mixer/video/layout.h"
#include "tessera/mixer/video/layout_validation.h"

using namespace tessera::mixer;

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckLayout(const Layout& layout, Size canvas, size_t sources, bool overlap_allowed) {
  const Rect whole{0, 0, canvas.width / 2 * 2, canvas.height / 2 * 2};
  std::set<int> shown;
  for (size_t i = 0; i < layout.tiles.size(); ++i) {
    const Tile& t = layout.tiles[i];
    Check(!t.rect.empty() && whole.Contains(t.rect));
    Check(t.rect.x % 2 == 0 && t.rect.y % 2 == 0 && t.rect.width % 2 == 0 && t.rect.height % 2 == 0);
    Check(t.source < static_cast<int>(sources));
    if (t.source >= 0) Check(shown.insert(t.source).second);
    if (i > 0) Check(layout.tiles[i - 1].z <= t.z);
    for (size_t j = 0; j < i && !overlap_allowed; ++j)
      Check(!t.rect.Intersects(layout.tiles[j].rect));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tessera::fuzzing::FuzzInput in(data, size);
  const Size canvas{in.Int(0, 4096), in.Int(0, 4096)};
  std::vector<LayoutSource> sources(static_cast<size_t>(in.Int(0, 300)));
  for (auto& s : sources) {
    const uint8_t b = in.Byte();
    s.speaker_rank = (b & 7) - 1;
    s.pin = (b >> 3) & 3;
    s.slot = (b >> 5) & 3;
    s.presentation = (b & 0x80) != 0;
  }
  if (in.Bool()) {
    const auto spec = FindNamedLayout(in.Rest());
    if (!spec) return 0;
    LayoutSpec s = *spec;
    s.gutter = static_cast<int>(data[0]) - 8;  // including negative: auto
    const Layout layout = ComputeLayout(s, canvas, sources);
    CheckLayout(layout, canvas, sources.size(), s.family == LayoutFamily::kOverlay);
    return 0;
  }
  LayoutSpec spec;
  spec.family = LayoutFamily::kCustom;
  spec.name = in.Bool() ? "custom" : "3x3";
  spec.allow_overlap = in.Bool();
  const int tiles = in.Int(0, 300);
  for (int i = 0; i < tiles && !in.empty(); ++i) {
    TileSpec t;
    t.x = in.Double();
    t.y = in.Double();
    t.width = in.Double();
    t.height = in.Double();
    t.z = in.Int(-1200, 1200);
    t.role = static_cast<TileRole>(in.Byte() % 6);
    t.slot = in.Int(-2, 300);
    t.border = in.Int(-2, 70);
    t.fit = static_cast<FitMode>(in.Byte() % 3);
    spec.custom_tiles.push_back(t);
  }
  const auto errors = ValidateCustomLayout(spec);
  for (const auto& e : errors)
    Check(!e.ToString().empty());
  const Layout layout = ComputeLayout(spec, canvas, sources);
  CheckLayout(layout, canvas, sources.size(), spec.allow_overlap || !errors.empty());
  return 0;
}
