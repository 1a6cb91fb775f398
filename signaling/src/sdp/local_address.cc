#include "tessera/signaling/sdp/local_address.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

namespace tessera::signaling::sdp {

std::string LocalAddressToward(std::string_view remote) {
  if (remote.size() > 2 && remote.front() == '[' && remote.back() == ']') remote = remote.substr(1, remote.size() - 2);
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(remote), ec);
  if (ec || address.is_unspecified()) return {};
  boost::asio::io_context io;
  boost::asio::ip::udp::socket socket(io);
  socket.open(address.is_v4() ? boost::asio::ip::udp::v4() : boost::asio::ip::udp::v6(), ec);
  if (!ec) socket.connect({address, 9}, ec);  // the discard port; a UDP connect sends nothing
  if (ec) return {};
  const auto local = socket.local_endpoint(ec);
  return ec ? std::string() : local.address().to_string();
}

void ReplaceUnspecifiedAddresses(mcu::ParticipantResult& result, std::string_view remote) {
  std::string local;
  for (mcu::MediaStreamResult& s : result.streams) {
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(s.local_address, ec);
    if (ec || !address.is_unspecified()) continue;
    if (local.empty()) local = LocalAddressToward(remote);
    if (local.empty()) return;
    s.local_address = local;
  }
}

}  // namespace tessera::signaling::sdp
