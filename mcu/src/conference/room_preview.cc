// Room: a picture of the layout for the control API's preview — the canvas as last
// composed when the room composes one (someone receives video), else the layout's tiles
// drawn plainly (background, tile, border) for the participants with video. A layout the
// operator is trying out (posted with the request) is always drawn plainly.
#include <boost/asio/post.hpp>

#include <cstring>

#include "tessera/mcu/conference/room.h"

namespace tessera::mcu::conference {

namespace {

// BT.601 limited range: dark background, mid-grey tiles, light borders.
constexpr uint8_t kBackgroundY = 32, kTileY = 110, kBorderY = 200, kChroma = 128;

void Fill(I420MutableView v, const mixer::Rect& r, uint8_t y) {
  for (int row = r.y; row < r.bottom(); ++row)
    std::memset(v.y + static_cast<ptrdiff_t>(row) * v.stride_y + r.x, y, r.width);
}

}  // namespace

void Room::TakePreview(mixer::Size size, std::optional<mixer::LayoutSpec> asked, std::function<void(I420Buffer)> done,
                       std::string rung) {
  boost::asio::post(video_strand_, [this, size, asked = std::move(asked), done = std::move(done),
                                    rung = std::move(rung)] {
    I420Buffer picture;
    // The rung's own view, or the room's when the rung follows the room's layout.
    const std::string view_name = ViewOf(rung);
    const auto view = views_.find(view_name);
    if (!asked && view != views_.end() && view->second.composed) {
      const I420View c = view->second.canvas.const_view();
      picture.Allocate(c.width, c.height);
      I420MutableView d = picture.view();
      for (int y = 0; y < c.height; ++y)
        std::memcpy(d.y + y * d.stride_y, c.y + y * c.stride_y, c.width);
      for (int y = 0; y < c.chroma_height(); ++y) {
        std::memcpy(d.u + y * d.stride_u, c.u + y * c.stride_u, c.chroma_width());
        std::memcpy(d.v + y * d.stride_v, c.v + y * c.stride_v, c.chroma_width());
      }
      done(std::move(picture));
      return;
    }
    // No canvas: the tiles the layout gives the participants with video.
    std::vector<mixer::LayoutSource> sources;
    for (auto& p : video_participants_)
      if (p->has_video_source() && !p->lobby.load(std::memory_order_relaxed)) sources.push_back({});
    const mixer::LayoutSpec& chosen = asked ? *asked : SpecOfView(view_name);
    const mixer::LayoutSpec spec = chosen.family == mixer::LayoutFamily::kAuto ? mixer::AutoLayoutFor(sources) : chosen;
    const mixer::Layout layout = mixer::ComputeLayout(spec, size, sources);
    picture.Allocate(size.width, size.height);
    I420MutableView v = picture.view();
    Fill(v, {0, 0, size.width, size.height}, kBackgroundY);
    for (int y = 0; y < v.chroma_height(); ++y) {
      std::memset(v.u + y * v.stride_u, kChroma, v.chroma_width());
      std::memset(v.v + y * v.stride_v, kChroma, v.chroma_width());
    }
    for (const mixer::Tile& t : layout.tiles) {
      Fill(v, t.rect, kBorderY);
      const int b = std::max(2, std::min(t.rect.width, t.rect.height) / 60);
      if (t.rect.width > 2 * b && t.rect.height > 2 * b)
        Fill(v, {t.rect.x + b, t.rect.y + b, t.rect.width - 2 * b, t.rect.height - 2 * b}, kTileY);
    }
    done(std::move(picture));
  });
}

}  // namespace tessera::mcu::conference
