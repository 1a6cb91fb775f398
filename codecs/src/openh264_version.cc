// OpenH264's headers and x264.h declare the same enumerators (NAL_SLICE ...), so no
// translation unit may include both; this one holds the OpenH264 side of the versions.
#include <fmt/format.h>
#include <wels/codec_api.h>

#include <string>

namespace tessera::codecs::internal {

std::string OpenH264VersionString() {
  const OpenH264Version v = WelsGetCodecVersion();
  return fmt::format("{}.{}.{}", v.uMajor, v.uMinor, v.uRevision);
}

}  // namespace tessera::codecs::internal
