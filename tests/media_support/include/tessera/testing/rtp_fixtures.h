#pragma once
// Golden captures from real clients, committed in tests/data/rtp (see the capture scripts
// there for how each was made).

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "tessera/testing/udp_pcap.h"

namespace tessera::testing {

std::filesystem::path RtpFixturePath(std::string_view file_name);

// The datagrams of a fixture sent to `destination_port` (0: all of them); empty (and the
// reason on stderr) if the file cannot be read, which the calling test then asserts on.
std::vector<UdpDatagram> LoadRtpFixture(std::string_view file_name, uint16_t destination_port = 0);

// The RTP fields of a fixture packet, read by a deliberately simple parser of its own (the
// tests check Tessera's parsers against fixtures, so they must not read them with those).
struct FixtureRtp {
  uint8_t payload_type = 0;
  bool marker = false;
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  std::vector<uint8_t> payload;
};
// The RTP packets among `datagrams` with payload type `payload_type` (RTCP and others are
// skipped), in capture order.
std::vector<FixtureRtp> RtpPacketsOf(const std::vector<UdpDatagram>& datagrams, uint8_t payload_type);
// Groups packets into frames by timestamp (consecutive packets with equal timestamps),
// returning each frame's payloads; a last frame without its marker packet is left out.
std::vector<std::vector<std::vector<uint8_t>>> FramesOf(const std::vector<FixtureRtp>& packets);

}  // namespace tessera::testing
