#include "tessera/testing/pcap.h"

#include <arpa/inet.h>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <span>
#include <tuple>

namespace tessera::testing {
namespace {

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data) : data_(data) {}
  bool Has(size_t n) const { return data_.size() - pos_ >= n; }
  size_t pos() const { return pos_; }
  void Seek(size_t p) { pos_ = p; }
  uint32_t U32(bool swap) {
    uint32_t v;
    std::memcpy(&v, data_.data() + pos_, 4);
    pos_ += 4;
    return swap ? __builtin_bswap32(v) : v;
  }
  uint16_t U16(bool swap) {
    uint16_t v;
    std::memcpy(&v, data_.data() + pos_, 2);
    pos_ += 2;
    return swap ? __builtin_bswap16(v) : v;
  }
  std::span<const uint8_t> Bytes(size_t n) {
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

constexpr uint32_t kPcapMagicUs = 0xA1B2C3D4;
constexpr uint32_t kPcapMagicNs = 0xA1B23C4D;
constexpr uint32_t kPcapngSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kPcapngByteOrderMagic = 0x1A2B3C4D;

bool ReadClassic(std::span<const uint8_t> data, std::vector<PcapPacket>& packets, std::string& error) {
  Reader r(data);
  const uint32_t magic = r.U32(false);
  bool swap = false;
  bool nanos = false;
  if (magic == kPcapMagicUs || magic == kPcapMagicNs) {
    nanos = magic == kPcapMagicNs;
  } else if (__builtin_bswap32(magic) == kPcapMagicUs || __builtin_bswap32(magic) == kPcapMagicNs) {
    swap = true;
    nanos = __builtin_bswap32(magic) == kPcapMagicNs;
  } else {
    return error = "not a pcap or pcapng file", false;
  }
  if (!r.Has(20)) return error = "truncated pcap header", false;
  r.Seek(20);
  const uint32_t link_type = r.U32(swap) & 0x0FFFFFFF;
  while (r.Has(16)) {
    const uint32_t sec = r.U32(swap);
    const uint32_t frac = r.U32(swap);
    const uint32_t captured = r.U32(swap);
    r.U32(swap);  // original length
    if (!r.Has(captured)) return error = "truncated pcap record", false;
    PcapPacket p;
    p.timestamp_ns = uint64_t{sec} * 1000000000 + (nanos ? frac : uint64_t{frac} * 1000);
    p.link_type = link_type;
    auto bytes = r.Bytes(captured);
    p.data.assign(bytes.begin(), bytes.end());
    packets.push_back(std::move(p));
  }
  return true;
}

bool ReadPcapng(std::span<const uint8_t> data, std::vector<PcapPacket>& packets, std::string& error) {
  Reader r(data);
  bool swap = false;
  struct Interface {
    uint32_t link_type;
    uint64_t ticks_per_second;
  };
  std::vector<Interface> interfaces;
  while (r.Has(12)) {
    const size_t start = r.pos();
    uint32_t type = r.U32(swap);
    if (type == kPcapngSectionHeader) {
      r.U32(false);  // length, byte order not known yet
      const uint32_t bom = r.U32(false);
      if (bom == kPcapngByteOrderMagic) {
        swap = false;
      } else if (__builtin_bswap32(bom) == kPcapngByteOrderMagic) {
        swap = true;
      } else {
        return error = "bad pcapng byte-order magic", false;
      }
      interfaces.clear();
      r.Seek(start + 4);
    }
    const uint32_t length = r.U32(swap);
    if (length < 12 || length % 4 != 0 || !r.Has(length - 8)) {
      return error = "bad pcapng block length", false;
    }
    const size_t body = start + 8;
    const size_t end = start + length;
    if (type == 1) {  // Interface Description Block
      r.Seek(body);
      const uint16_t link = r.U16(swap);
      r.U16(swap);
      r.U32(swap);  // snaplen
      uint64_t ticks = 1000000;
      // Options: if_tsresol (9) changes the timestamp unit.
      while (r.pos() + 4 <= end - 4) {
        const uint16_t code = r.U16(swap);
        const uint16_t olen = r.U16(swap);
        if (code == 0 || r.pos() + olen > end - 4) break;
        auto value = r.Bytes(olen);
        if (code == 9 && olen >= 1) {
          const uint8_t res = value[0];
          ticks = 1;
          for (int i = 0; i < (res & 0x7F); ++i)
            ticks *= (res & 0x80) ? 2 : 10;
        }
        r.Seek(r.pos() + ((4 - olen % 4) % 4));
      }
      interfaces.push_back({link, ticks});
    } else if (type == 6 || type == 3) {  // Enhanced / Simple Packet Block
      r.Seek(body);
      uint32_t iface = 0;
      uint64_t ts = 0;
      uint32_t captured;
      if (type == 6) {
        iface = r.U32(swap);
        const uint64_t hi = r.U32(swap);
        const uint64_t lo = r.U32(swap);
        ts = (hi << 32) | lo;
        captured = r.U32(swap);
        r.U32(swap);  // original length
      } else {
        captured = r.U32(swap);
        captured = std::min<uint32_t>(captured, length - 16);
      }
      if (iface >= interfaces.size()) return error = "packet on an undeclared interface", false;
      if (r.pos() + captured > end) return error = "truncated pcapng packet", false;
      PcapPacket p;
      const auto& i = interfaces[iface];
      p.timestamp_ns = i.ticks_per_second >= 1000000000 ? ts / (i.ticks_per_second / 1000000000)
                                                        : ts * (1000000000 / i.ticks_per_second);
      p.link_type = i.link_type;
      auto bytes = r.Bytes(captured);
      p.data.assign(bytes.begin(), bytes.end());
      packets.push_back(std::move(p));
    }
    r.Seek(end);
  }
  return true;
}

// The IP packet inside a link-layer frame, or an empty span.
std::span<const uint8_t> IpPayload(const PcapPacket& p) {
  std::span<const uint8_t> d(p.data);
  size_t offset = 0;
  uint16_t ethertype = 0;
  switch (p.link_type) {
    case 1:  // Ethernet, possibly with 802.1Q tags
      if (d.size() < 14) return {};
      offset = 12;
      ethertype = static_cast<uint16_t>((d[offset] << 8) | d[offset + 1]);
      offset += 2;
      while (ethertype == 0x8100 && d.size() >= offset + 4) {
        ethertype = static_cast<uint16_t>((d[offset + 2] << 8) | d[offset + 3]);
        offset += 4;
      }
      if (ethertype != 0x0800 && ethertype != 0x86DD) return {};
      break;
    case 113:  // Linux cooked capture
      if (d.size() < 16) return {};
      offset = 16;
      break;
    case 0:  // BSD loopback: 4-byte address family
      if (d.size() < 4) return {};
      offset = 4;
      break;
    case 101:
    case 228:
    case 229:  // raw IP
      break;
    default:
      return {};
  }
  return d.subspan(offset);
}

struct FlowKey {
  std::string src;
  uint16_t sport;
  std::string dst;
  uint16_t dport;
  bool operator<(const FlowKey& o) const {
    return std::tie(src, sport, dst, dport) < std::tie(o.src, o.sport, o.dst, o.dport);
  }
};

struct Flow {
  uint64_t first_ts = 0;
  size_t order = 0;
  bool have_isn = false;
  uint32_t isn = 0;                                                 // sequence number of the first payload byte
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> segments;  // relative offset, bytes
};

std::string Address(const uint8_t* a, bool v6) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, a, buf, sizeof buf);
  return buf;
}

}  // namespace

std::optional<std::vector<PcapPacket>> ReadPcapFile(const std::filesystem::path& path, std::string* error) {
  std::string why;
  std::vector<PcapPacket> packets;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    why = "cannot open";
  } else {
    const std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    uint32_t magic = 0;
    if (data.size() < 24) {
      why = "too short for a capture";
    } else {
      std::memcpy(&magic, data.data(), 4);
      const bool ok = magic == kPcapngSectionHeader ? ReadPcapng(data, packets, why) : ReadClassic(data, packets, why);
      if (ok) return packets;
    }
  }
  if (error) *error = path.string() + ": " + why;
  return std::nullopt;
}

std::vector<TcpStream> ReassembleTcpStreams(const std::vector<PcapPacket>& packets) {
  std::map<FlowKey, Flow> flows;
  for (const auto& p : packets) {
    auto ip = IpPayload(p);
    if (ip.empty()) continue;
    const int version = ip[0] >> 4;
    size_t header;
    size_t total;
    std::string src, dst;
    if (version == 4) {
      if (ip.size() < 20 || ip[9] != 6) continue;  // TCP only
      header = (ip[0] & 0x0F) * 4u;
      total = std::min<size_t>(ip.size(), (ip[2] << 8) | ip[3]);
      if ((((ip[6] & 0x1F) << 8) | ip[7]) != 0 || (ip[6] & 0x20)) continue;  // fragments are not reassembled
      src = Address(&ip[12], false);
      dst = Address(&ip[16], false);
    } else if (version == 6) {
      if (ip.size() < 40 || ip[6] != 6) continue;  // TCP directly after the fixed header only
      header = 40;
      total = std::min<size_t>(ip.size(), 40u + ((ip[4] << 8) | ip[5]));
      src = Address(&ip[8], true);
      dst = Address(&ip[24], true);
    } else {
      continue;
    }
    if (total < header + 20) continue;
    auto tcp = ip.subspan(header, total - header);
    const uint16_t sport = static_cast<uint16_t>((tcp[0] << 8) | tcp[1]);
    const uint16_t dport = static_cast<uint16_t>((tcp[2] << 8) | tcp[3]);
    const uint32_t seq = (uint32_t{tcp[4]} << 24) | (tcp[5] << 16) | (tcp[6] << 8) | tcp[7];
    const size_t data_offset = (tcp[12] >> 4) * 4u;
    const bool syn = tcp[13] & 0x02;
    if (data_offset < 20 || data_offset > tcp.size()) continue;
    auto [it, inserted] = flows.try_emplace(FlowKey{src, sport, dst, dport});
    Flow& f = it->second;
    if (inserted) {
      f.first_ts = p.timestamp_ns;
      f.order = flows.size();
    }
    if (syn) {
      f.have_isn = true;
      f.isn = seq + 1;
      continue;
    }
    auto payload = tcp.subspan(data_offset);
    if (payload.empty()) continue;
    if (!f.have_isn) {  // capture started mid-connection: count from the first byte seen
      f.have_isn = true;
      f.isn = seq;
    }
    const uint64_t offset = static_cast<uint32_t>(seq - f.isn);
    f.segments.emplace_back(offset, std::vector<uint8_t>(payload.begin(), payload.end()));
  }
  std::vector<std::pair<size_t, TcpStream>> ordered;
  for (auto& [key, f] : flows) {
    if (f.segments.empty()) continue;
    TcpStream s;
    s.source = {key.src, key.sport};
    s.destination = {key.dst, key.dport};
    s.first_timestamp_ns = f.first_ts;
    std::stable_sort(f.segments.begin(), f.segments.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    uint64_t next = 0;
    for (const auto& [offset, bytes] : f.segments) {
      if (offset > next) {
        s.complete = false;
        break;
      }
      const uint64_t end = offset + bytes.size();
      if (end <= next) continue;  // retransmission
      s.bytes.insert(s.bytes.end(), bytes.begin() + static_cast<std::ptrdiff_t>(next - offset), bytes.end());
      next = end;
    }
    ordered.emplace_back(f.order, std::move(s));
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<TcpStream> out;
  for (auto& [order, s] : ordered)
    out.push_back(std::move(s));
  return out;
}

}  // namespace tessera::testing
