#include "tessera/testing/udp_pcap.h"

#include <cstring>
#include <fstream>
#include <iterator>

namespace tessera::testing {
namespace {

constexpr uint32_t kMagicMicros = 0xA1B2C3D4;
constexpr uint32_t kMagicNanos = 0xA1B23C4D;
constexpr uint32_t kLinkNull = 0;
constexpr uint32_t kLinkEthernet = 1;
constexpr uint32_t kLinkRaw = 101;
constexpr uint32_t kLinkLinuxSll = 113;

uint16_t Be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

std::string Ipv4(const uint8_t* p) {
  return std::to_string(p[0]) + "." + std::to_string(p[1]) + "." + std::to_string(p[2]) + "." + std::to_string(p[3]);
}

std::string Ipv6(const uint8_t* p) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; i += 2) {
    if (i) s += ':';
    for (int j = 0; j < 2; ++j) {
      s += kHex[p[i + j] >> 4];
      s += kHex[p[i + j] & 15];
    }
  }
  return "[" + s + "]";
}

// Extracts a UDP datagram from an IP packet; false if it is not UDP or is truncated.
bool ParseIp(const uint8_t* p, size_t n, UdpDatagram* out) {
  if (n < 1) return false;
  const int version = p[0] >> 4;
  const uint8_t* udp = nullptr;
  size_t udp_len = 0;
  std::string src, dst;
  if (version == 4) {
    if (n < 20) return false;
    const size_t ihl = size_t{p[0] & 0x0Fu} * 4;
    if (ihl < 20 || n < ihl || p[9] != 17) return false;
    const size_t total = Be16(p + 2);
    if (total < ihl || total > n) return false;
    udp = p + ihl;
    udp_len = total - ihl;
    src = Ipv4(p + 12);
    dst = Ipv4(p + 16);
  } else if (version == 6) {
    if (n < 40 || p[6] != 17) return false;  // no extension headers expected in captures
    const size_t payload = Be16(p + 4);
    if (40 + payload > n) return false;
    udp = p + 40;
    udp_len = payload;
    src = Ipv6(p + 8);
    dst = Ipv6(p + 24);
  } else {
    return false;
  }
  if (udp_len < 8) return false;
  const size_t len = Be16(udp + 4);
  if (len < 8 || len > udp_len) return false;
  out->source_port = Be16(udp);
  out->destination_port = Be16(udp + 2);
  out->source = src + ":" + std::to_string(out->source_port);
  out->destination = dst + ":" + std::to_string(out->destination_port);
  out->payload.assign(udp + 8, udp + len);
  return true;
}

}  // namespace

std::optional<std::vector<UdpDatagram>> ReadPcapUdp(const std::filesystem::path& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "cannot open " + path.string();
    return std::nullopt;
  }
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (file.size() < 24) {
    if (error) *error = "too short for a pcap header";
    return std::nullopt;
  }
  uint32_t magic;
  std::memcpy(&magic, file.data(), 4);
  bool swap = false, nanos = false;
  if (magic == kMagicMicros || magic == kMagicNanos) {
    nanos = magic == kMagicNanos;
  } else if (__builtin_bswap32(magic) == kMagicMicros || __builtin_bswap32(magic) == kMagicNanos) {
    swap = true;
    nanos = __builtin_bswap32(magic) == kMagicNanos;
  } else {
    if (error) *error = "not a classic pcap file (pcapng? convert with editcap -F pcap)";
    return std::nullopt;
  }
  auto u32 = [&](size_t off) {
    uint32_t v;
    std::memcpy(&v, file.data() + off, 4);
    return swap ? __builtin_bswap32(v) : v;
  };
  const uint32_t link = u32(20);
  std::vector<UdpDatagram> out;
  size_t off = 24;
  while (off + 16 <= file.size()) {
    const uint32_t sec = u32(off), frac = u32(off + 4), caplen = u32(off + 8);
    off += 16;
    if (caplen > file.size() - off) {
      if (error) *error = "truncated record";
      return std::nullopt;
    }
    const uint8_t* p = file.data() + off;
    size_t n = caplen;
    off += caplen;
    size_t skip = 0;
    if (link == kLinkEthernet) {
      if (n < 14) continue;
      uint16_t ethertype = Be16(p + 12);
      skip = 14;
      if (ethertype == 0x8100 && n >= 18) {  // VLAN tag
        ethertype = Be16(p + 16);
        skip = 18;
      }
      if (ethertype != 0x0800 && ethertype != 0x86DD) continue;
    } else if (link == kLinkLinuxSll) {
      skip = 16;
    } else if (link == kLinkNull) {
      skip = 4;
    } else if (link != kLinkRaw) {
      if (error) *error = "unsupported link type " + std::to_string(link);
      return std::nullopt;
    }
    if (n < skip) continue;
    UdpDatagram d;
    d.time = sec + frac / (nanos ? 1e9 : 1e6);
    if (ParseIp(p + skip, n - skip, &d)) out.push_back(std::move(d));
  }
  return out;
}

bool WritePcapUdp(const std::filesystem::path& path, std::span<const UdpDatagram> datagrams) {
  std::ofstream f(path, std::ios::binary);
  if (!f) return false;
  auto put32 = [&](uint32_t v) { f.write(reinterpret_cast<const char*>(&v), 4); };
  auto put16 = [&](uint16_t v) { f.write(reinterpret_cast<const char*>(&v), 2); };
  put32(kMagicMicros);
  put16(2);
  put16(4);
  put32(0);
  put32(0);
  put32(65535);
  put32(kLinkEthernet);
  for (const UdpDatagram& d : datagrams) {
    const size_t udp_len = 8 + d.payload.size();
    const size_t ip_len = 20 + udp_len;
    std::vector<uint8_t> frame(14 + ip_len, 0);
    frame[12] = 0x08;  // IPv4
    uint8_t* ip = frame.data() + 14;
    ip[0] = 0x45;
    ip[2] = static_cast<uint8_t>(ip_len >> 8);
    ip[3] = static_cast<uint8_t>(ip_len);
    ip[8] = 64;
    ip[9] = 17;
    const uint8_t loopback[4] = {127, 0, 0, 1};
    std::memcpy(ip + 12, loopback, 4);
    std::memcpy(ip + 16, loopback, 4);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
      sum += (ip[i] << 8) | ip[i + 1];
    while (sum >> 16)
      sum = (sum & 0xFFFF) + (sum >> 16);
    ip[10] = static_cast<uint8_t>(~sum >> 8);
    ip[11] = static_cast<uint8_t>(~sum);
    uint8_t* udp = ip + 20;
    udp[0] = static_cast<uint8_t>(d.source_port >> 8);
    udp[1] = static_cast<uint8_t>(d.source_port);
    udp[2] = static_cast<uint8_t>(d.destination_port >> 8);
    udp[3] = static_cast<uint8_t>(d.destination_port);
    udp[4] = static_cast<uint8_t>(udp_len >> 8);
    udp[5] = static_cast<uint8_t>(udp_len);
    if (!d.payload.empty()) std::memcpy(udp + 8, d.payload.data(), d.payload.size());
    const double t = d.time;
    put32(static_cast<uint32_t>(t));
    put32(static_cast<uint32_t>((t - static_cast<uint32_t>(t)) * 1e6));
    put32(static_cast<uint32_t>(frame.size()));
    put32(static_cast<uint32_t>(frame.size()));
    f.write(reinterpret_cast<const char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
  }
  return static_cast<bool>(f);
}

}  // namespace tessera::testing
