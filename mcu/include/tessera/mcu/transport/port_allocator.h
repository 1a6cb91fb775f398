#pragma once
// Hands out local UDP ports for RTP sessions from the configured range (config.h,
// [rtp] port_min..port_max): an even port for RTP and, unless RTCP is multiplexed
// (RFC 5761), the odd port above it for RTCP (RFC 3550 §11).
//
// Ports are tried round robin from where the last search stopped, so a port just released
// is not reused at once (a late packet of the previous call would land in the new one).
// A port another process holds is skipped: binding is the test, not a guess.
//
// Thread safety: Open/Release may be called from any thread (a mutex guards the cursor;
// this is the control path, once per call leg).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "tessera/base/result.h"

namespace tessera::mcu::transport {

struct UdpSocketPair {
  boost::asio::ip::udp::socket rtp;
  std::optional<boost::asio::ip::udp::socket> rtcp;  // none with rtcp-mux
  uint16_t rtp_port = 0;
  uint16_t rtcp_port = 0;  // == rtp_port with rtcp-mux
};

class PortAllocator {
 public:
  // `address` is the local address to bind ("0.0.0.0", "::", "127.0.0.1" ...).
  PortAllocator(std::string address, uint16_t port_min, uint16_t port_max);

  // Binds a socket pair; fails with a message when the address is invalid or no pair in
  // the range is free.
  Result<UdpSocketPair, std::string> Open(boost::asio::io_context& io, bool rtcp_mux);
  const std::string& address() const { return address_; }
  uint16_t port_min() const { return port_min_; }
  uint16_t port_max() const { return port_max_; }

 private:
  std::string address_;
  uint16_t port_min_;  // even
  uint16_t port_max_;
  std::mutex mutex_;
  uint16_t next_;  // guarded by mutex_
};

}  // namespace tessera::mcu::transport
