#pragma once
// Versions of the codec libraries this binary runs with (printed by --version and served
// by /healthz), so a bug report says which FFmpeg, x264, OpenH264 and Opus were in use.

#include <string>
#include <utility>
#include <vector>

namespace tessera::codecs {

// (library name, version) pairs, in a stable order.
std::vector<std::pair<std::string, std::string>> CodecLibraryVersions();

}  // namespace tessera::codecs
