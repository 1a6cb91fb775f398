#pragma once
// The [[layouts]] tables of the config: custom layouts, read into the schema the control API
// shares (tessera/mcu/layouts.h) and validated by the same code (conference/custom_layout.h),
// so a file and a request get the same verdict in the same words.

#include "config/toml_reader.h"
#include "tessera/mcu/layouts.h"

namespace tessera::mcu::config_internal {

// One [[layouts]] table; errors name the key down to the tile ("layouts[0].tiles[2].width").
void ParseLayout(TableReader& r, NamedLayout& layout);

}  // namespace tessera::mcu::config_internal
