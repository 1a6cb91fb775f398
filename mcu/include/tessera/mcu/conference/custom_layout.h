#pragma once
// Custom layouts from the operator (config [[layouts]], the control API) to the mixer's
// LayoutSpec and back, and the catalogue of names a room can use: the built-in layouts and
// the config's custom ones.
//
// Thread safety: pure functions; a LayoutCatalog is immutable after construction.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/base/result.h"
#include "tessera/mcu/layouts.h"
#include "tessera/mixer/video/layout.h"

namespace tessera::mcu::conference {

// The mixer's spec for `layout`, named `name`, or every problem found, each naming the tile
// and field ("tiles[2].role: must be any, active-speaker, pinned, slot or presentation;
// got \"boss\"", "tiles[1].width: must be in (0, 1]; got 1.5").
Result<mixer::LayoutSpec, std::vector<std::string>> BuildCustomLayout(std::string name, const CustomLayout& layout);

// The operator's form of a custom spec (for the API to report what a room shows).
CustomLayout DescribeCustomLayout(const mixer::LayoutSpec& spec);

class LayoutCatalog {
 public:
  LayoutCatalog() = default;
  // `custom` must have been validated (the config parser does); invalid entries are left
  // out with a log line rather than trusted.
  explicit LayoutCatalog(const std::vector<NamedLayout>& custom);

  // A built-in layout or a custom one by name.
  std::optional<mixer::LayoutSpec> Find(std::string_view name) const;
  // The names the API offers: the built-in representatives, then the custom ones.
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, mixer::LayoutSpec, std::less<>> custom_;
};

}  // namespace tessera::mcu::conference
