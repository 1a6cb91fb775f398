// PlaneScaler with arbitrary geometries (fractional crops, any ratio up and down, NaN):
// Configure accepts or refuses, never crashes; an accepted geometry scales reading only the
// source plane (an exact-size heap buffer: ASan catches any over-read) and writing only the
// destination, with every kernel variant this CPU runs giving the reference's bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_input.h"
#include "tessera/mixer/video/plane_scaler.h"

using namespace tessera::mixer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tessera::fuzzing::FuzzInput in(data, size);
  PlaneScaleGeometry g;
  g.src_width = in.Int(0, 300);
  g.src_height = in.Int(0, 300);
  g.dst_width = in.Int(0, 300);
  g.dst_height = in.Int(0, 300);
  // Crop fractions of the source (Double() is mostly in [-0.1, 1.1], sometimes anything).
  const double x = in.Double(), y = in.Double(), w = in.Double(), h = in.Double();
  g.crop_x = x * g.src_width;
  g.crop_y = y * g.src_height;
  g.crop_width = w * g.src_width;
  g.crop_height = h * g.src_height;
  if (in.Bool()) g = WholePlane(g.src_width, g.src_height, g.dst_width, g.dst_height);

  PlaneScaler reference(AllScaleKernelVariants()[0].kernels);
  if (!reference.Configure(g)) return 0;
  std::vector<uint8_t> src(static_cast<size_t>(g.src_width) * g.src_height);
  for (size_t i = 0; i < src.size(); ++i)
    src[i] = static_cast<uint8_t>(in.Byte() ^ (i * 37));
  std::vector<uint8_t> expected(static_cast<size_t>(g.dst_width) * g.dst_height);
  AlignedArray<uint8_t> scratch(reference.scratch_bytes());
  reference.ScaleRows(src.data(), g.src_width, expected.data(), g.dst_width, 0, g.dst_height, scratch.data());
  const uint32_t cpu = tessera::GetCpuFeatures().bits();
  for (const auto& variant : AllScaleKernelVariants()) {
    if ((cpu & variant.required_features) != variant.required_features) continue;
    PlaneScaler scaler(variant.kernels);
    if (!scaler.Configure(g)) __builtin_trap();
    scratch.Resize(scaler.scratch_bytes());
    std::vector<uint8_t> out(expected.size());
    const int band = g.dst_height / 2;  // two bands, as the compositor may split a tile
    scaler.ScaleRows(src.data(), g.src_width, out.data(), g.dst_width, 0, band, scratch.data());
    scaler.ScaleRows(src.data(), g.src_width, out.data(), g.dst_width, band, g.dst_height, scratch.data());
    if (out != expected) __builtin_trap();
  }
  return 0;
}
