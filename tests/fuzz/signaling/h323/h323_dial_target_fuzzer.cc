// H.323 dial-out addresses as the control API and the config take them
// ("h323:alias@ip:port;h245=separate"): any text gives a target or nothing, never a crash or
// an over-read; a target names a numeric address, a port and, with ";h245=", a mode.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "tessera/signaling/h323/h323_endpoint.h"

namespace h323 = tessera::signaling::h323;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto target = h323::ParseDialTarget(text);
  if (!target) return 0;
  boost::system::error_code ec;
  boost::asio::ip::make_address(target->host, ec);
  if (ec || target->port == 0) __builtin_trap();
  if (target->mode && text.find(";h245=") == std::string_view::npos) __builtin_trap();
  return 0;
}
