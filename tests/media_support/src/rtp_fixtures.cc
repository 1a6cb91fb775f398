#include "tessera/testing/rtp_fixtures.h"

#include <cstdio>

#include "tessera/testing/paths.h"

namespace tessera::testing {

std::filesystem::path RtpFixturePath(std::string_view file_name) {
  return SourceDir() / "tests" / "data" / "rtp" / std::string(file_name);
}

std::vector<UdpDatagram> LoadRtpFixture(std::string_view file_name, uint16_t destination_port) {
  std::string error;
  auto all = ReadPcapUdp(RtpFixturePath(file_name), &error);
  if (!all) {
    std::fprintf(stderr, "cannot read fixture %s: %s\n", std::string(file_name).c_str(), error.c_str());
    return {};
  }
  if (destination_port == 0) return *all;
  std::vector<UdpDatagram> out;
  for (auto& d : *all) {
    if (d.destination_port == destination_port) out.push_back(std::move(d));
  }
  return out;
}

std::vector<FixtureRtp> RtpPacketsOf(const std::vector<UdpDatagram>& datagrams, uint8_t payload_type) {
  std::vector<FixtureRtp> out;
  for (const auto& d : datagrams) {
    const auto& b = d.payload;
    if (b.size() < 12 || (b[0] >> 6) != 2) continue;
    if (b[1] >= 192 && b[1] <= 223) continue;  // RTCP
    FixtureRtp p;
    p.payload_type = b[1] & 0x7F;
    if (p.payload_type != payload_type) continue;
    p.marker = (b[1] & 0x80) != 0;
    p.sequence_number = static_cast<uint16_t>((b[2] << 8) | b[3]);
    p.timestamp = (uint32_t{b[4]} << 24) | (uint32_t{b[5]} << 16) | (uint32_t{b[6]} << 8) | b[7];
    p.ssrc = (uint32_t{b[8]} << 24) | (uint32_t{b[9]} << 16) | (uint32_t{b[10]} << 8) | b[11];
    size_t offset = 12 + 4 * size_t{b[0] & 0x0Fu};
    if (b[0] & 0x10) {
      if (offset + 4 > b.size()) continue;
      offset += 4 + 4 * size_t{static_cast<uint16_t>((b[offset + 2] << 8) | b[offset + 3])};
    }
    size_t end = b.size();
    if (b[0] & 0x20) end -= b.back();
    if (offset > end) continue;
    p.payload.assign(b.begin() + static_cast<long>(offset), b.begin() + static_cast<long>(end));
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<std::vector<std::vector<uint8_t>>> FramesOf(const std::vector<FixtureRtp>& packets) {
  std::vector<std::vector<std::vector<uint8_t>>> frames;
  bool ended = false;  // the last frame's last packet had the marker bit
  for (size_t i = 0; i < packets.size(); ++i) {
    if (i == 0 || packets[i].timestamp != packets[i - 1].timestamp) frames.emplace_back();
    frames.back().push_back(packets[i].payload);
    ended = packets[i].marker;
  }
  // A capture cut with editcap may end inside a frame: leave that frame out.
  if (!frames.empty() && !ended) frames.pop_back();
  return frames;
}

}  // namespace tessera::testing
