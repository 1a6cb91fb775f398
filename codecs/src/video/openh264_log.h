#pragma once
// OpenH264's trace callback, routed to Tessera's logger at debug level (tag 'codec'), so
// the library never writes to stderr on its own. Included only by OpenH264 translation
// units (x264.h must never meet codec_api.h, see openh264_version.cc).

namespace tessera::codecs::openh264 {

// Matches WelsTraceCallback: void (*)(void* context, int level, const char* message).
void TraceToLog(void* context, int level, const char* message);

}  // namespace tessera::codecs::openh264
