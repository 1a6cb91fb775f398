#pragma once
// PlaneScaler: scales a (possibly fractional) rectangle of one 8-bit source plane onto a
// whole destination plane with the separable kernels of scale_kernels.h, straight from the
// source rows into the destination rows (pointer + stride; style.md practice 3).
//
// Filters: area averaging when shrinking (each output pixel is the mean of the source area
// it covers, with fractional edge weights, so a 2.07:1 tile does not alias the way point or
// 2-tap bilinear sampling does), bilinear when enlarging, a plain row copy when the sizes
// match and the crop is whole pixels. A footprint wider than kMaxFilterTaps source pixels
// (a 4K source in a 30-pixel tile) keeps its central kMaxFilterTaps pixels.
//
// Threading: Configure() allocates and runs on the owner's thread (the conference strand)
// when the geometry changes; ScaleRows() is const, allocation-free and may run on any
// number of threads at once for disjoint row ranges, each with its own scratch.

#include <cstdint>
#include <vector>

#include "tessera/mixer/aligned_array.h"

#include "tessera/mixer/video/kernels/scale_kernels.h"

namespace tessera::mixer {

struct PlaneScaleGeometry {
  int src_width = 0;  // the whole source plane
  int src_height = 0;
  // The source rectangle to show, in source pixels; must lie inside the plane and be
  // non-empty. Fractional values are honoured (used to crop to an exact aspect ratio).
  double crop_x = 0;
  double crop_y = 0;
  double crop_width = 0;
  double crop_height = 0;
  int dst_width = 0;
  int dst_height = 0;

  bool operator==(const PlaneScaleGeometry&) const = default;
};

// A geometry showing the whole source.
PlaneScaleGeometry WholePlane(int src_width, int src_height, int dst_width, int dst_height);

class PlaneScaler {
 public:
  // The kernels are fixed for the scaler's lifetime (its gather tables are laid out for them).
  PlaneScaler() : PlaneScaler(SelectScaleKernels(GetCpuFeatures())) {}
  explicit PlaneScaler(const ScaleKernels& kernels) : kernels_(kernels) {}

  // Builds the filters. Returns false (and scales nothing) for an invalid geometry: empty
  // sizes, or a crop that is empty or leaves the source plane. Reuses its storage when the
  // new filters fit, so switching between geometries seen before does not allocate.
  bool Configure(const PlaneScaleGeometry& geometry);
  bool configured() const { return configured_; }
  const PlaneScaleGeometry& geometry() const { return geometry_; }

  // Bytes of scratch ScaleRows needs (the intermediate row, with read padding). The scratch
  // must be initialised memory (an AlignedArray is): padding taps read it with weight 0.
  size_t scratch_bytes() const { return scratch_bytes_; }

  // Writes destination rows [row_begin, row_end) of the dst_width x dst_height plane at
  // `dst`. Reads only the source rows and columns the filters touch, and prefetches the
  // source rows of the output rows ahead (decoded frames arrive cold from memory).
  void ScaleRows(const uint8_t* src, int src_stride, uint8_t* dst, int dst_stride, int row_begin, int row_end,
                 uint8_t* scratch) const;

  // Filter introspection for tests: taps per output of the horizontal pass, and the number
  // of (vertical) source rows read for output row y.
  int horizontal_taps() const { return h_.taps; }
  int vertical_taps(int y) const { return v_offsets_[y + 1] - v_offsets_[y]; }
  bool is_copy() const { return copy_; }
  const ScaleKernels& kernels() const { return kernels_; }

 private:
  ScaleKernels kernels_;
  bool configured_ = false;
  bool copy_ = false;
  PlaneScaleGeometry geometry_;
  size_t scratch_bytes_ = 0;
  // Source columns [read_x0_, read_x0_ + read_width_) feed the vertical pass.
  int read_x0_ = 0;
  int read_width_ = 0;
  // Horizontal filter (positions relative to read_x0_); h_ points into the vectors, and
  // h_table_ is the kernels' gather table for it.
  HorizontalTaps h_;
  std::vector<int32_t> h_positions_;
  std::vector<uint8_t> h_weights_;
  AlignedArray<uint8_t> h_table_;
  // Vertical filter: output row y uses taps [v_offsets_[y], v_offsets_[y + 1]) of
  // v_rows_ (source row index) and v_weights_.
  std::vector<int32_t> v_offsets_;
  std::vector<int32_t> v_rows_;
  std::vector<uint8_t> v_weights_;
};

}  // namespace tessera::mixer
