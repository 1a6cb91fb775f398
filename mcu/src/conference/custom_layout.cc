#include "tessera/mcu/conference/custom_layout.h"

#include <fmt/format.h>

#include "tessera/base/log.h"
#include "tessera/mixer/video/layout_validation.h"

namespace tessera::mcu::conference {

namespace {

constexpr log::Component kLog{"room.layout", log::Tag::kLayout};

}  // namespace

Result<mixer::LayoutSpec, std::vector<std::string>> BuildCustomLayout(std::string name, const CustomLayout& layout) {
  std::vector<std::string> errors;
  mixer::LayoutSpec spec;
  spec.name = std::move(name);
  spec.family = mixer::LayoutFamily::kCustom;
  spec.allow_overlap = layout.allow_overlap;
  spec.custom_tiles.reserve(std::min<size_t>(layout.tiles.size(), mixer::kMaxTiles + 1));
  for (size_t i = 0; i < layout.tiles.size() && i <= static_cast<size_t>(mixer::kMaxTiles); ++i) {
    const CustomTile& in = layout.tiles[i];
    mixer::TileSpec& t = spec.custom_tiles.emplace_back();
    t.x = in.x;
    t.y = in.y;
    t.width = in.width;
    t.height = in.height;
    t.z = in.z;
    t.slot = in.slot;
    t.border = in.border;
    if (auto role = mixer::ParseTileRole(in.role)) {
      t.role = *role;
    } else {
      errors.push_back(fmt::format(
          "tiles[{}].role: must be any, active-speaker, pinned, slot or presentation; got \"{}\"", i, in.role));
    }
    if (auto fit = mixer::ParseFitMode(in.fit)) {
      t.fit = *fit;
    } else {
      errors.push_back(fmt::format("tiles[{}].fit: must be letterbox or crop; got \"{}\"", i, in.fit));
    }
  }
  for (const mixer::LayoutError& e : mixer::ValidateCustomLayout(spec))
    errors.push_back(e.ToString());
  if (!errors.empty()) return MakeUnexpected(std::move(errors));
  return spec;
}

CustomLayout DescribeCustomLayout(const mixer::LayoutSpec& spec) {
  CustomLayout out;
  out.allow_overlap = spec.allow_overlap;
  for (const mixer::TileSpec& t : spec.custom_tiles) {
    out.tiles.push_back(CustomTile{t.x, t.y, t.width, t.height, t.z, std::string(mixer::TileRoleName(t.role)), t.slot,
                                   t.border, std::string(mixer::FitModeName(t.fit))});
  }
  return out;
}

LayoutCatalog::LayoutCatalog(const std::vector<NamedLayout>& custom) {
  for (const NamedLayout& named : custom) {
    auto spec = BuildCustomLayout(named.name, named.layout);
    if (!spec) {
      TLOG_ERROR(kLog, "layout {} left out: {}", named.name, spec.error().front());
      continue;
    }
    custom_.emplace(named.name, std::move(*spec));
  }
}

std::optional<mixer::LayoutSpec> LayoutCatalog::Find(std::string_view name) const {
  if (auto it = custom_.find(name); it != custom_.end()) return it->second;
  return mixer::FindNamedLayout(name);
}

std::vector<std::string> LayoutCatalog::Names() const {
  std::vector<std::string> names;
  for (std::string_view n : mixer::NamedLayoutNames())
    names.emplace_back(n);
  for (const auto& [name, spec] : custom_)
    names.push_back(name);
  return names;
}

}  // namespace tessera::mcu::conference
