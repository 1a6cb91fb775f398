#include "tessera/mixer/video/layout_validation.h"

#include <fmt/format.h>

#include <cmath>

namespace tessera::mixer {
namespace {

constexpr double kSlack = 1e-9;  // tolerance for fractions written as decimals (0.1 + 0.9)
constexpr int kMaxBorder = 64;
constexpr int kMaxZ = 1000;
constexpr int kMaxSpeakerRank = 15;

class Collector {
 public:
  explicit Collector(std::vector<LayoutError>& out) : out_(out) {}
  template <typename... Args>
  void Add(int tile, std::string field, fmt::format_string<Args...> format, Args&&... args) {
    out_.push_back({tile, std::move(field), fmt::format(format, std::forward<Args>(args)...)});
  }

 private:
  std::vector<LayoutError>& out_;
};

// A position (x or y) and its extent (width or height) along one axis.
void CheckAxis(Collector& c, int i, const char* pos_name, double pos, const char* len_name, double len) {
  if (!std::isfinite(pos) || pos < 0 || pos >= 1) {
    c.Add(i, pos_name, "must be in [0, 1); got {}", pos);
  }
  if (!std::isfinite(len) || len <= 0 || len > 1) {
    c.Add(i, len_name, "must be in (0, 1]; got {}", len);
  } else if (std::isfinite(pos) && pos >= 0 && pos + len > 1 + kSlack) {
    c.Add(i, len_name, "must keep the tile inside the canvas ({0} + {1} <= 1); got {0} = {2}, {1} = {3}", pos_name,
          len_name, pos, len);
  }
}

bool Overlap(const TileSpec& a, const TileSpec& b) {
  return a.x + kSlack < b.x + b.width && b.x + kSlack < a.x + a.width && a.y + kSlack < b.y + b.height &&
         b.y + kSlack < a.y + a.height;
}

bool Valid(const TileSpec& t) {
  return std::isfinite(t.x) && std::isfinite(t.y) && std::isfinite(t.width) && std::isfinite(t.height);
}

}  // namespace

std::string LayoutError::ToString() const {
  if (tile < 0) return field.empty() ? message : fmt::format("{}: {}", field, message);
  if (field.empty()) return fmt::format("tiles[{}]: {}", tile, message);
  return fmt::format("tiles[{}].{}: {}", tile, field, message);
}

std::vector<LayoutError> ValidateCustomLayout(const LayoutSpec& spec) {
  std::vector<LayoutError> errors;
  Collector c(errors);
  if (spec.family != LayoutFamily::kCustom) {
    c.Add(-1, "", "not a custom layout");
    return errors;
  }
  if (spec.name.empty() || spec.name.size() > 64) {
    c.Add(-1, "name", "must be 1 to 64 characters; got {} characters", spec.name.size());
  } else {
    for (char ch : spec.name) {
      const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                      ch == '_' || ch == '+' || ch == '.';
      if (!ok) {
        c.Add(-1, "name", "may hold only letters, digits and - _ + .; got '{}'", spec.name);
        break;
      }
    }
    if (FindNamedLayout(spec.name)) c.Add(-1, "name", "'{}' is a built-in layout; choose another name", spec.name);
  }
  const size_t count = spec.custom_tiles.size();
  if (count == 0) c.Add(-1, "tiles", "a layout needs at least one tile");
  if (count > static_cast<size_t>(kMaxTiles)) c.Add(-1, "tiles", "at most {} tiles; got {}", kMaxTiles, count);

  for (size_t n = 0; n < count && n < static_cast<size_t>(kMaxTiles); ++n) {
    const int i = static_cast<int>(n);
    const TileSpec& t = spec.custom_tiles[n];
    CheckAxis(c, i, "x", t.x, "width", t.width);
    CheckAxis(c, i, "y", t.y, "height", t.height);
    if (t.z < -kMaxZ || t.z > kMaxZ) c.Add(i, "z", "must be in [{}, {}]; got {}", -kMaxZ, kMaxZ, t.z);
    if (t.border < 0 || t.border > kMaxBorder)
      c.Add(i, "border", "must be in [0, {}] pixels; got {}", kMaxBorder, t.border);
    if (t.fit != FitMode::kLetterbox && t.fit != FitMode::kCrop) c.Add(i, "fit", "must be letterbox or crop");
    switch (t.role) {
      case TileRole::kAny:
      case TileRole::kPresentation:
        if (t.slot != 0) {
          c.Add(i, "slot", "only pinned, slot and active-speaker tiles take a slot; got {} on a {} tile", t.slot,
                TileRoleName(t.role));
        }
        break;
      case TileRole::kActiveSpeaker:
        if (t.slot < 0 || t.slot > kMaxSpeakerRank) {
          c.Add(i, "slot",
                "must be in [0, {}] for an active-speaker tile (0: the current speaker, 1: the one "
                "before...); got {}",
                kMaxSpeakerRank, t.slot);
        }
        break;
      case TileRole::kPinned:
      case TileRole::kSlot:
        if (t.slot < 1 || t.slot > kMaxTiles) {
          c.Add(i, "slot", "must be in [1, {}] for a {} tile; got {}", kMaxTiles, TileRoleName(t.role), t.slot);
        }
        break;
      default:
        c.Add(i, "role", "must be any, active-speaker, pinned, slot or presentation");
        break;
    }
    // A role with the same slot twice would leave one of the tiles unfillable by its role.
    for (size_t m = 0; m < n; ++m) {
      const TileSpec& o = spec.custom_tiles[m];
      if (t.role != TileRole::kAny && t.role != TileRole::kPresentation && o.role == t.role && o.slot == t.slot) {
        c.Add(i, "slot", "tiles[{}] is already the {} tile with slot {}", m, TileRoleName(t.role), t.slot);
        break;
      }
    }
    if (!Valid(t)) continue;
    for (size_t m = 0; m < n; ++m) {
      const TileSpec& o = spec.custom_tiles[m];
      if (!Valid(o) || !Overlap(t, o)) continue;
      if (!spec.allow_overlap) {
        c.Add(i, "", "overlaps tiles[{}]; move it, or set allow_overlap and give the tile on top a higher z", m);
        break;
      }
      if (o.z == t.z) {
        c.Add(i, "z", "overlaps tiles[{}] at the same z ({}); give one of them a higher z", m, t.z);
        break;
      }
    }
  }
  return errors;
}

}  // namespace tessera::mixer
