#pragma once
// Reading captures for tests: pcap and pcapng files (as written by tshark/dumpcap/tcpdump),
// and the TCP byte streams inside them, reassembled per direction. Enough to replay what a
// real peer sent (e.g. the H.323 reference captures) without linking libpcap.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tessera::testing {

struct PcapPacket {
  uint64_t timestamp_ns = 0;
  uint32_t link_type = 0;  // LINKTYPE_*: 1 Ethernet, 101 raw IP, 113 Linux SLL, 0 BSD loopback
  std::vector<uint8_t> data;
};

// Every packet of a pcap (either byte order, micro- or nanosecond) or pcapng file, in file
// order; nullopt with `error` set when the file cannot be read or is malformed.
std::optional<std::vector<PcapPacket>> ReadPcapFile(const std::filesystem::path& path, std::string* error = nullptr);

struct TcpEndpoint {
  std::string address;  // "127.0.0.1", "::1"
  uint16_t port = 0;
  bool operator==(const TcpEndpoint&) const = default;
};

// One direction of one TCP connection, its payload in sequence order (retransmissions and
// overlaps removed). `complete` is false when a gap in the sequence numbers was found; the
// bytes then stop at the gap.
struct TcpStream {
  TcpEndpoint source;
  TcpEndpoint destination;
  uint64_t first_timestamp_ns = 0;
  std::vector<uint8_t> bytes;
  bool complete = true;
};

// The TCP streams (IPv4 and IPv6 over the link types above) in the order their first packet
// appears. Directions of one connection are separate streams.
std::vector<TcpStream> ReassembleTcpStreams(const std::vector<PcapPacket>& packets);

}  // namespace tessera::testing
