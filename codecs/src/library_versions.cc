#include "tessera/codecs/library_versions.h"

#include <fmt/format.h>
#include <stdint.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <opus/opus.h>
#include <x264.h>
}

namespace tessera::codecs {
namespace internal {
std::string OpenH264VersionString();  // openh264_version.cc
}  // namespace internal
namespace {

std::string AvVersion(unsigned v) {
  return fmt::format("{}.{}.{}", AV_VERSION_MAJOR(v), AV_VERSION_MINOR(v), AV_VERSION_MICRO(v));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> CodecLibraryVersions() {
  return {
      {"ffmpeg", av_version_info()},
      {"libavcodec", AvVersion(avcodec_version())},
      {"x264", fmt::format("build {}", X264_BUILD)},
      {"openh264", internal::OpenH264VersionString()},
      {"opus", opus_get_version_string()},
  };
}

}  // namespace tessera::codecs
