// What one compositor job paints: a band of rows of a tile (picture or placeholder, bars,
// border, label) or a band of background. Every write stays inside the job's rows, so
// jobs of one stage can run on different threads without locks.
#include <algorithm>
#include <cstring>

#include "video/compositor_state.h"

namespace tessera::mixer::compositor_internal {
namespace {

// Rows [r0, r1) of canvas rectangle `r` (canvas coordinates, all even) in colour `c`.
void Fill(I420MutableView canvas, const Rect& r, int r0, int r1, Yuv c) {
  r0 = std::max(r0, r.y);
  r1 = std::min(r1, r.bottom());
  if (r0 >= r1 || r.width <= 0) return;
  for (int y = r0; y < r1; ++y)
    std::memset(canvas.y + static_cast<ptrdiff_t>(y) * canvas.stride_y + r.x, c.y, r.width);
  for (int y = r0 / 2; y < r1 / 2; ++y) {
    std::memset(canvas.u + static_cast<ptrdiff_t>(y) * canvas.stride_u + r.x / 2, c.u, r.width / 2);
    std::memset(canvas.v + static_cast<ptrdiff_t>(y) * canvas.stride_v + r.x / 2, c.v, r.width / 2);
  }
}

void CopyRows(I420MutableView canvas, I420View from, const Rect& r, int r0, int r1) {
  r0 = std::max(r0, r.y);
  r1 = std::min(r1, r.bottom());
  if (r0 >= r1 || r.width <= 0) return;
  for (int y = r0; y < r1; ++y) {
    std::memcpy(canvas.y + static_cast<ptrdiff_t>(y) * canvas.stride_y + r.x,
                from.y + static_cast<ptrdiff_t>(y) * from.stride_y + r.x, static_cast<size_t>(r.width));
  }
  for (int y = r0 / 2; y < r1 / 2; ++y) {
    std::memcpy(canvas.u + static_cast<ptrdiff_t>(y) * canvas.stride_u + r.x / 2,
                from.u + static_cast<ptrdiff_t>(y) * from.stride_u + r.x / 2, static_cast<size_t>(r.width / 2));
    std::memcpy(canvas.v + static_cast<ptrdiff_t>(y) * canvas.stride_v + r.x / 2,
                from.v + static_cast<ptrdiff_t>(y) * from.stride_v + r.x / 2, static_cast<size_t>(r.width / 2));
  }
}

void Background(const State& s, I420MutableView canvas, const Rect& r, int r0, int r1) {
  if (s.has_background_image) {
    CopyRows(canvas, s.background_image.const_view(), r, r0, r1);
  } else {
    Fill(canvas, r, r0, r1, s.background);
  }
}

// Rows [r0, r1) of `overlay` placed with its top left at canvas (x, y).
void Blend(const State& s, I420MutableView canvas, const Overlay& o, int x, int y, int r0, int r1) {
  r0 = std::max(r0, y);
  r1 = std::min(r1, y + o.height);
  const BlendRowFn blend = s.options.blend_kernels.blend_row;
  for (int row = r0; row < r1; ++row) {
    const size_t src = static_cast<size_t>(row - y) * o.width;
    blend(o.y.data() + src, o.a.data() + src, canvas.y + static_cast<ptrdiff_t>(row) * canvas.stride_y + x, o.width);
  }
  const int cw = o.width / 2;
  for (int row = r0 / 2; row < r1 / 2; ++row) {
    const size_t src = static_cast<size_t>(row - y / 2) * cw;
    blend(o.u.data() + src, o.a_uv.data() + src, canvas.u + static_cast<ptrdiff_t>(row) * canvas.stride_u + x / 2, cw);
    blend(o.v.data() + src, o.a_uv.data() + src, canvas.v + static_cast<ptrdiff_t>(row) * canvas.stride_v + x / 2, cw);
  }
}

Rect Offset(const Rect& r, const Rect& by) {
  return {r.x + by.x, r.y + by.y, r.width, r.height};
}

void Scale(const PlaneScaler& luma, const PlaneScaler& chroma, I420View src, I420MutableView dst, int r0, int r1,
           uint8_t* scratch) {
  luma.ScaleRows(src.y, src.stride_y, dst.y, dst.stride_y, r0, r1, scratch);
  chroma.ScaleRows(src.u, src.stride_u, dst.u, dst.stride_u, r0 / 2, r1 / 2, scratch);
  chroma.ScaleRows(src.v, src.stride_v, dst.v, dst.stride_v, r0 / 2, r1 / 2, scratch);
}

void PaintTile(const State& s, const TileState& t, int r0, int r1, I420MutableView canvas, uint8_t* scratch) {
  const Rect& tr = t.tile.rect;
  const int y0 = tr.y + r0, y1 = tr.y + r1;  // canvas rows of this band
  switch (t.content) {
    case Content::kEmpty:
      Background(s, canvas, tr, y0, y1);
      break;
    case Content::kInitials:
      Fill(canvas, tr, y0, y1, t.placeholder_color);
      if (t.initials != nullptr) {
        Blend(s, canvas, *t.initials, tr.x + (tr.width - t.initials->width) / 4 * 2,
              tr.y + (tr.height - t.initials->height) / 4 * 2, y0, y1);
      }
      break;
    case Content::kPicture:
    case Content::kPlaceholderImage: {
      const Rect c = Offset(t.content_rect, tr);
      Background(s, canvas, {tr.x, tr.y, tr.width, c.y - tr.y}, y0, y1);                      // bar above
      Background(s, canvas, {tr.x, c.bottom(), tr.width, tr.bottom() - c.bottom()}, y0, y1);  // bar below
      Background(s, canvas, {tr.x, c.y, c.x - tr.x, c.height}, y0, y1);                       // bar left
      Background(s, canvas, {c.right(), c.y, tr.right() - c.right(), c.height}, y0, y1);      // bar right
      const int a = std::max(y0, c.y), b = std::min(y1, c.bottom());
      if (a < b) {
        const I420MutableView dst = canvas.SubRect(c.x, c.y, c.width, c.height);
        if (t.content == Content::kPicture) {
          Scale(t.luma, t.chroma, t.picture, dst, a - c.y, b - c.y, scratch);
        } else {
          Scale(t.placeholder_luma, t.placeholder_chroma, t.placeholder_image.const_view(), dst, a - c.y, b - c.y,
                scratch);
        }
      }
      break;
    }
  }
  // Border: the layout's border in the border colour, or the active speaker's highlight.
  int width = t.tile.border;
  Yuv color = s.border;
  if (t.highlight && s.highlight_width > 0) {
    width = std::max(width, s.highlight_width);
    color = s.highlight;
  }
  width = std::min({width, tr.width / 2, tr.height / 2}) / 2 * 2;
  if (width > 0) {
    Fill(canvas, {tr.x, tr.y, tr.width, width}, y0, y1, color);
    Fill(canvas, {tr.x, tr.bottom() - width, tr.width, width}, y0, y1, color);
    Fill(canvas, {tr.x, tr.y, width, tr.height}, y0, y1, color);
    Fill(canvas, {tr.right() - width, tr.y, width, tr.height}, y0, y1, color);
  }
  if (t.label != nullptr && !t.label->empty() && t.content != Content::kEmpty) {
    Blend(s, canvas, *t.label, tr.x + t.label_rect.x, tr.y + t.label_rect.y, y0, y1);
  }
}

}  // namespace

void PaintJob(const State& state, const Job& job, I420MutableView canvas, uint8_t* scratch) {
  if (job.tile < 0) {
    for (const Rect& r : state.background_bands[static_cast<size_t>(job.band)]) {
      Background(state, canvas, r, r.y, r.bottom());
    }
    return;
  }
  PaintTile(state, state.tiles[static_cast<size_t>(job.tile)], job.row_begin, job.row_end, canvas, scratch);
}

}  // namespace tessera::mixer::compositor_internal
