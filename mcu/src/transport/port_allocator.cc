#include "tessera/mcu/transport/port_allocator.h"

#include <boost/asio/ip/address.hpp>

namespace tessera::mcu::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

// Larger kernel buffers absorb a keyframe's burst of packets arriving at once; the kernel
// caps the request at net.core.rmem_max, so this is best effort.
constexpr int kSocketBufferBytes = 1 << 20;

bool OpenBound(asio::io_context& io, const asio::ip::address& address, uint16_t port, std::optional<udp::socket>* out) {
  udp::socket s(io);
  boost::system::error_code ec;
  s.open(address.is_v6() ? udp::v6() : udp::v4(), ec);
  if (ec) return false;
  s.set_option(asio::socket_base::receive_buffer_size(kSocketBufferBytes), ec);
  s.set_option(asio::socket_base::send_buffer_size(kSocketBufferBytes), ec);
  s.bind(udp::endpoint(address, port), ec);
  if (ec) return false;
  s.non_blocking(true, ec);
  if (ec) return false;
  out->emplace(std::move(s));
  return true;
}

}  // namespace

PortAllocator::PortAllocator(std::string address, uint16_t port_min, uint16_t port_max)
    : address_(std::move(address)),
      port_min_(static_cast<uint16_t>(port_min + (port_min % 2))),
      port_max_(port_max),
      next_(port_min_) {}

Result<UdpSocketPair, std::string> PortAllocator::Open(asio::io_context& io, bool rtcp_mux) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(address_, ec);
  if (ec) return MakeUnexpected("invalid RTP address '" + address_ + "'");
  if (port_min_ >= port_max_) return MakeUnexpected(std::string("empty RTP port range"));
  const uint32_t pairs = (uint32_t{port_max_} - port_min_ + 1) / 2;
  std::lock_guard<std::mutex> lock(mutex_);
  for (uint32_t attempt = 0; attempt < pairs; ++attempt) {
    const uint16_t port = next_;
    next_ = static_cast<uint16_t>(port + 2 > port_max_ - (rtcp_mux ? 0 : 1) ? port_min_ : port + 2);
    if (port + (rtcp_mux ? 0 : 1) > port_max_) continue;
    std::optional<udp::socket> rtp, rtcp;
    if (!OpenBound(io, address, port, &rtp)) continue;
    if (!rtcp_mux && !OpenBound(io, address, static_cast<uint16_t>(port + 1), &rtcp)) continue;
    UdpSocketPair pair{std::move(*rtp), std::move(rtcp), port, static_cast<uint16_t>(rtcp_mux ? port : port + 1)};
    return pair;
  }
  return MakeUnexpected("no free RTP port pair in " + std::to_string(port_min_) + "-" + std::to_string(port_max_) +
                        " on " + address_);
}

}  // namespace tessera::mcu::transport
