#include "tessera/signaling/sdp/codec_formats.h"

#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace tessera::signaling::sdp {
namespace {

using codecs::Capability;
using codecs::CodecId;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// A non-negative decimal that fits `max`; nullopt for anything else (a bad fmtp value is
// ignored rather than refusing the whole format).
std::optional<int64_t> Number(std::string_view s, int64_t max) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
  return v;
}

using Params = std::vector<std::pair<std::string, std::string>>;

Params ParamsOf(const Fmtp* fmtp) {
  return fmtp ? ParseFmtpParameters(fmtp->parameters) : Params{};
}

codecs::H264Params H264From(const Params& params) {
  codecs::H264Params p;
  p.profile_level_id = {0x42, 0x00, 0x0a};  // RFC 6184 §8.1: absent means baseline level 1.0
  for (const auto& [k, v] : params) {
    if (EqualsNoCase(k, "profile-level-id")) {
      if (auto id = codecs::H264ProfileLevelId::Parse(v)) p.profile_level_id = *id;
    } else if (EqualsNoCase(k, "packetization-mode")) {
      p.packetization_mode = static_cast<int>(Number(v, 2).value_or(0));
    } else if (EqualsNoCase(k, "level-asymmetry-allowed")) {
      p.level_asymmetry_allowed = v == "1";
    } else if (EqualsNoCase(k, "max-mbps")) {
      p.max_mbps = Number(v, int64_t{1} << 40).value_or(0);
    } else if (EqualsNoCase(k, "max-fs")) {
      p.max_fs = Number(v, int64_t{1} << 40).value_or(0);
    } else if (EqualsNoCase(k, "max-br")) {
      p.max_br_kbps = Number(v, int64_t{1} << 40).value_or(0);
    }
  }
  return p;
}

codecs::H263Params H263From(const Params& params) {
  codecs::H263Params p;
  bool any_size = false;
  auto mpi = [&](std::string_view v, int& field) {
    if (auto n = Number(v, 32); n && *n >= 1) {
      field = static_cast<int>(*n);
      any_size = true;
    }
  };
  for (const auto& [k, v] : params) {
    if (EqualsNoCase(k, "SQCIF")) {
      mpi(v, p.sqcif_mpi);
    } else if (EqualsNoCase(k, "QCIF")) {
      mpi(v, p.qcif_mpi);
    } else if (EqualsNoCase(k, "CIF")) {
      mpi(v, p.cif_mpi);
    } else if (EqualsNoCase(k, "CIF4")) {
      mpi(v, p.cif4_mpi);
    } else if (EqualsNoCase(k, "CIF16")) {
      mpi(v, p.cif16_mpi);
    } else if (EqualsNoCase(k, "CUSTOM")) {
      // CUSTOM=Xmax,Ymax,MPI
      std::string_view rest = v;
      int64_t parts[3] = {};
      bool ok = true;
      for (int i = 0; i < 3 && ok; ++i) {
        const size_t comma = i < 2 ? rest.find(',') : rest.size();
        if (comma == std::string_view::npos) {
          ok = false;
          break;
        }
        auto n = Number(rest.substr(0, comma), 4096);
        ok = n.has_value();
        parts[i] = n.value_or(0);
        rest = comma < rest.size() ? rest.substr(comma + 1) : std::string_view{};
      }
      if (ok && parts[0] > 0 && parts[1] > 0 && parts[2] >= 1 && parts[2] <= 32) {
        p.custom.push_back({static_cast<int>(parts[0]), static_cast<int>(parts[1]), static_cast<int>(parts[2])});
        any_size = true;
      }
    } else if (EqualsNoCase(k, "MaxBR")) {
      p.max_br_100bps = Number(v, int64_t{1} << 40).value_or(0);
    }
  }
  // No picture size at all: QCIF at full rate, which every H.263 decoder must take.
  if (!any_size) p.qcif_mpi = 1;
  return p;
}

codecs::H261Params H261From(const Params& params) {
  codecs::H261Params p;
  for (const auto& [k, v] : params) {
    if (EqualsNoCase(k, "QCIF")) {
      p.qcif_mpi = static_cast<int>(Number(v, 4).value_or(0));
    } else if (EqualsNoCase(k, "CIF")) {
      p.cif_mpi = static_cast<int>(Number(v, 4).value_or(0));
    } else if (EqualsNoCase(k, "MaxBR")) {
      p.max_br_100bps = Number(v, int64_t{1} << 40).value_or(0);
    }
  }
  if (!p.qcif_mpi && !p.cif_mpi) p.qcif_mpi = 1;  // RFC 4587: QCIF is mandatory for H.261
  return p;
}

codecs::Vp8Params Vp8From(const Params& params) {
  codecs::Vp8Params p;
  for (const auto& [k, v] : params) {
    if (EqualsNoCase(k, "max-fr")) {
      p.max_fr = static_cast<int>(Number(v, 1000).value_or(0));
    } else if (EqualsNoCase(k, "max-fs")) {
      p.max_fs = static_cast<int>(Number(v, 1 << 24).value_or(0));
    }
  }
  return p;
}

codecs::OpusParams OpusFrom(const Params& params) {
  codecs::OpusParams p;
  for (const auto& [k, v] : params) {
    if (EqualsNoCase(k, "maxplaybackrate")) {
      if (auto n = Number(v, 48000); n && *n >= 8000) p.maxplaybackrate = static_cast<int>(*n);
    } else if (EqualsNoCase(k, "maxaveragebitrate")) {
      p.maxaveragebitrate = static_cast<int>(Number(v, 510000).value_or(0));
    } else if (EqualsNoCase(k, "stereo")) {
      p.stereo = v == "1";
    } else if (EqualsNoCase(k, "useinbandfec")) {
      p.useinbandfec = v == "1";
    } else if (EqualsNoCase(k, "usedtx")) {
      p.usedtx = v == "1";
    } else if (EqualsNoCase(k, "cbr")) {
      p.cbr = v == "1";
    }
  }
  return p;
}

void AppendParam(std::string& out, std::string_view text) {
  if (!out.empty()) out += ';';
  out += text;
}

std::string H263ParamsText(const codecs::H263Params& p) {
  std::string out;
  if (p.sqcif_mpi) AppendParam(out, fmt::format("SQCIF={}", p.sqcif_mpi));
  if (p.qcif_mpi) AppendParam(out, fmt::format("QCIF={}", p.qcif_mpi));
  if (p.cif_mpi) AppendParam(out, fmt::format("CIF={}", p.cif_mpi));
  if (p.cif4_mpi) AppendParam(out, fmt::format("CIF4={}", p.cif4_mpi));
  if (p.cif16_mpi) AppendParam(out, fmt::format("CIF16={}", p.cif16_mpi));
  for (const auto& c : p.custom)
    AppendParam(out, fmt::format("CUSTOM={},{},{}", c.width, c.height, c.mpi));
  if (p.max_br_100bps) AppendParam(out, fmt::format("MaxBR={}", p.max_br_100bps));
  return out;
}

}  // namespace

std::optional<Capability> CapabilityFromSdp(const RtpMap& rtpmap, const Fmtp* fmtp) {
  const std::string_view name = rtpmap.encoding_name;
  Capability c;
  c.clock_rate = static_cast<int>(rtpmap.clock_rate);
  c.channels = rtpmap.channels == 0 ? 1 : static_cast<int>(rtpmap.channels);
  if (EqualsNoCase(name, "H264")) {
    c.codec = CodecId::kH264;
    c.params = H264From(ParamsOf(fmtp));
  } else if (EqualsNoCase(name, "VP8")) {
    c.codec = CodecId::kVp8;
    c.params = Vp8From(ParamsOf(fmtp));
  } else if (EqualsNoCase(name, "H263-1998") || EqualsNoCase(name, "H263-2000")) {
    c.codec = CodecId::kH263Plus;
    c.params = H263From(ParamsOf(fmtp));
  } else if (EqualsNoCase(name, "H263")) {
    c.codec = CodecId::kH263;
    c.params = H263From(ParamsOf(fmtp));
  } else if (EqualsNoCase(name, "H261")) {
    c.codec = CodecId::kH261;
    c.params = H261From(ParamsOf(fmtp));
  } else if (EqualsNoCase(name, "opus")) {
    c.codec = CodecId::kOpus;
    c.params = OpusFrom(ParamsOf(fmtp));
  } else if (EqualsNoCase(name, "PCMU")) {
    c.codec = CodecId::kPcmu;
  } else if (EqualsNoCase(name, "PCMA")) {
    c.codec = CodecId::kPcma;
  } else if (EqualsNoCase(name, "G722")) {
    c.codec = CodecId::kG722;
  } else if (EqualsNoCase(name, "telephone-event")) {
    c.codec = CodecId::kTelephoneEvent;
  } else {
    return std::nullopt;
  }
  return c;
}

SdpFormat SdpFormatOf(const Capability& c) {
  SdpFormat f;
  f.clock_rate = static_cast<uint32_t>(c.clock_rate);
  switch (c.codec) {
    case CodecId::kH264: {
      f.encoding_name = "H264";
      if (const auto* p = std::get_if<codecs::H264Params>(&c.params)) {
        AppendParam(f.parameters, "profile-level-id=" + p->profile_level_id.ToString());
        AppendParam(f.parameters, fmt::format("packetization-mode={}", p->packetization_mode));
        if (p->level_asymmetry_allowed) AppendParam(f.parameters, "level-asymmetry-allowed=1");
        if (p->max_mbps) AppendParam(f.parameters, fmt::format("max-mbps={}", p->max_mbps));
        if (p->max_fs) AppendParam(f.parameters, fmt::format("max-fs={}", p->max_fs));
        if (p->max_br_kbps) AppendParam(f.parameters, fmt::format("max-br={}", p->max_br_kbps));
      }
      break;
    }
    case CodecId::kVp8:
      f.encoding_name = "VP8";
      if (const auto* p = std::get_if<codecs::Vp8Params>(&c.params)) {
        if (p->max_fr) AppendParam(f.parameters, fmt::format("max-fr={}", p->max_fr));
        if (p->max_fs) AppendParam(f.parameters, fmt::format("max-fs={}", p->max_fs));
      }
      break;
    case CodecId::kH263Plus:
    case CodecId::kH263:
      f.encoding_name = c.codec == CodecId::kH263 ? "H263" : "H263-1998";
      if (const auto* p = std::get_if<codecs::H263Params>(&c.params)) f.parameters = H263ParamsText(*p);
      break;
    case CodecId::kH261:
      f.encoding_name = "H261";
      if (const auto* p = std::get_if<codecs::H261Params>(&c.params)) {
        if (p->qcif_mpi) AppendParam(f.parameters, fmt::format("QCIF={}", p->qcif_mpi));
        if (p->cif_mpi) AppendParam(f.parameters, fmt::format("CIF={}", p->cif_mpi));
        if (p->max_br_100bps) AppendParam(f.parameters, fmt::format("MaxBR={}", p->max_br_100bps));
      }
      break;
    case CodecId::kOpus:
      f.encoding_name = "opus";
      f.channels = 2;  // RFC 7587 §7: always opus/48000/2
      if (const auto* p = std::get_if<codecs::OpusParams>(&c.params)) {
        if (p->maxplaybackrate != 48000)
          AppendParam(f.parameters, fmt::format("maxplaybackrate={}", p->maxplaybackrate));
        if (p->maxaveragebitrate) AppendParam(f.parameters, fmt::format("maxaveragebitrate={}", p->maxaveragebitrate));
        if (p->stereo) AppendParam(f.parameters, "stereo=1");
        if (p->useinbandfec) AppendParam(f.parameters, "useinbandfec=1");
        if (p->usedtx) AppendParam(f.parameters, "usedtx=1");
        if (p->cbr) AppendParam(f.parameters, "cbr=1");
      }
      break;
    case CodecId::kPcmu:
      f.encoding_name = "PCMU";
      break;
    case CodecId::kPcma:
      f.encoding_name = "PCMA";
      break;
    case CodecId::kG722:
      f.encoding_name = "G722";
      break;
    case CodecId::kTelephoneEvent:
      f.encoding_name = "telephone-event";
      f.parameters = "0-15";
      break;
  }
  return f;
}

void AddFormat(MediaDescription& m, int payload_type, const Capability& capability) {
  const SdpFormat f = SdpFormatOf(capability);
  m.formats.push_back(std::to_string(payload_type));
  m.rtpmaps.push_back({payload_type, f.encoding_name, f.clock_rate, f.channels});
  if (!f.parameters.empty()) m.fmtps.push_back({std::to_string(payload_type), f.parameters});
}

}  // namespace tessera::signaling::sdp
