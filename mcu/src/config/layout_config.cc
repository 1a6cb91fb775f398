#include "config/layout_config.h"

#include <fmt/format.h>

#include <charconv>

#include "tessera/mcu/conference/custom_layout.h"

namespace tessera::mcu::config_internal {

namespace {

void ParseTile(TableReader& r, CustomTile& tile) {
  for (const char* key : {"x", "y", "width", "height"})
    r.Require(key);
  r.Number("x", 0, 1, tile.x);
  r.Number("y", 0, 1, tile.y);
  r.Number("width", 0, 1, tile.width);
  r.Number("height", 0, 1, tile.height);
  r.Integer("z", -1000, 1000, tile.z);
  r.String("role", tile.role);
  r.Integer("slot", 0, 256, tile.slot);
  r.Integer("border", 0, 64, tile.border);
  r.String("fit", tile.fit);
  r.RejectUnknownKeys();
}

// The node a validation message ("tiles[2].width: ...") is about, for its line and column.
const toml::node& NodeOf(const TableReader& r, std::string_view path) {
  const toml::node* tiles = r.table().get("tiles");
  if (!path.starts_with("tiles[") || !tiles || !tiles->is_array()) return r.table();
  size_t index = 0;
  const char* begin = path.data() + 6;
  auto [end, ec] = std::from_chars(begin, path.data() + path.size(), index);
  const toml::node* tile = ec == std::errc() ? tiles->as_array()->get(index) : nullptr;
  if (!tile || !tile->is_table()) return *tiles;
  const std::string_view rest = path.substr(static_cast<size_t>(end - path.data()));
  if (rest.starts_with("].")) {
    if (const toml::node* field = tile->as_table()->get(rest.substr(2))) return *field;
  }
  return *tile;
}

}  // namespace

void ParseLayout(TableReader& r, NamedLayout& layout) {
  const size_t errors_before = r.errors().size();
  r.Require("name");
  if (r.String("name", layout.name) && layout.name == "custom")
    r.Invalid("name", "expected a name other than \"custom\", which means a layout set through the API");
  r.Boolean("allow_overlap", layout.layout.allow_overlap);
  r.Require("tiles");
  if (const toml::array* tiles = r.ArrayOfTables("tiles")) {
    for (size_t i = 0; i < tiles->size(); ++i) {
      TableReader tr(*tiles->get(i)->as_table(), fmt::format("{}[{}]", r.KeyPath("tiles"), i), r.errors());
      ParseTile(tr, layout.layout.tiles.emplace_back());
    }
  }
  r.RejectUnknownKeys();
  if (r.errors().size() != errors_before) return;  // the layout rules need well-typed tiles
  auto spec = conference::BuildCustomLayout(layout.name, layout.layout);
  if (spec) return;
  for (const std::string& problem : spec.error()) {
    // "tiles[2].width: must be ..." -> key "layouts[0].tiles[2].width", message "must be ...".
    const size_t colon = problem.find(": ");
    const std::string_view path = colon == std::string::npos ? "" : std::string_view(problem).substr(0, colon);
    const std::string message = colon == std::string::npos ? problem : problem.substr(colon + 2);
    r.InvalidAt(NodeOf(r, path), path.empty() ? r.KeyPath("tiles") : r.KeyPath(path), message);
  }
}

}  // namespace tessera::mcu::config_internal
