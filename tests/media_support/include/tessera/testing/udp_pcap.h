#pragma once
// Reading and writing classic libpcap files of UDP datagrams, for golden RTP/RTCP captures
// (made with dumpcap/editcap from real clients) and for handing our own packets to tshark.
// Link types: Ethernet, Linux cooked (SLL), raw IP and BSD loopback; IPv4 and IPv6.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tessera::testing {

struct UdpDatagram {
  double time = 0;     // seconds since the epoch, from the capture
  std::string source;  // "ip:port"
  std::string destination;
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  std::vector<uint8_t> payload;
};

// Every UDP datagram of a pcap file, in file order; nullopt (and `error`) if the file
// cannot be read or is not a classic pcap. Non-UDP frames are skipped.
std::optional<std::vector<UdpDatagram>> ReadPcapUdp(const std::filesystem::path& path, std::string* error = nullptr);

// Writes datagrams as Ethernet/IPv4/UDP frames from 127.0.0.1:source_port to
// 127.0.0.1:destination_port. False on I/O error.
bool WritePcapUdp(const std::filesystem::path& path, std::span<const UdpDatagram> datagrams);

}  // namespace tessera::testing
