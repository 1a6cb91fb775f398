#include "video/openh264_log.h"

#include <cstring>
#include <string_view>

#include "tessera/base/log.h"

namespace tessera::codecs::openh264 {
namespace {
constexpr log::Component kLog{"codec.openh264", log::Tag::kCodec};
}  // namespace

void TraceToLog(void* /*context*/, int /*level*/, const char* message) {
  if (message == nullptr || !log::DebugEnabled(kLog)) return;
  std::string_view text(message, std::strlen(message));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  TLOG_DEBUG(kLog, "{}", text);
}

}  // namespace tessera::codecs::openh264
