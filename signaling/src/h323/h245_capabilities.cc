#include "tessera/signaling/h323/h245_capabilities.h"

#include <algorithm>
#include <array>

namespace tessera::signaling::h323 {
namespace {

using codecs::Capability;
using codecs::CodecId;

const asn1::ObjectIdentifier kH264Capability{0, 0, 8, 241, 0, 0, 1};
const asn1::ObjectIdentifier kH264SingleNal{0, 0, 8, 241, 0, 0, 0, 0};
const asn1::ObjectIdentifier kH264NonInterleaved{0, 0, 8, 241, 0, 0, 0, 1};
const asn1::ObjectIdentifier kH245Version{0, 0, 8, 245, 0, 13};

// H.241 Table 8-? profile bits (collapsing parameter 41).
constexpr uint16_t kProfileBaseline = 64;
constexpr uint16_t kProfileMain = 32;
constexpr uint16_t kProfileHigh = 8;

struct LevelPair {
  int h241;
  int level_idc;
};
constexpr std::array<LevelPair, 17> kLevels{{{15, 10},
                                             {19, 9},  // 1b (level_idc 9 as h264_levels numbers it)
                                             {22, 11},
                                             {29, 12},
                                             {36, 13},
                                             {43, 20},
                                             {50, 21},
                                             {57, 22},
                                             {64, 30},
                                             {71, 31},
                                             {78, 32},
                                             {85, 40},
                                             {92, 41},
                                             {99, 42},
                                             {106, 50},
                                             {113, 51},
                                             {120, 52}}};

Capability Audio(CodecId codec) {
  return {.codec = codec, .clock_rate = 8000, .channels = 1};
}

const h245::GenericParameter* FindParameter(const std::optional<std::vector<h245::GenericParameter>>& list,
                                            uint16_t id) {
  if (!list) return nullptr;
  for (const auto& p : *list) {
    const uint16_t* standard = std::get_if<0>(&p.parameterIdentifier.value);
    if (standard && *standard == id) return &p;
  }
  return nullptr;
}

std::optional<uint32_t> ParameterNumber(const h245::GenericParameter* p) {
  if (!p) return std::nullopt;
  switch (p->parameterValue.tag()) {
    case h245::ParameterValue::Tag::booleanArray:
      return std::get<1>(p->parameterValue.value);
    case h245::ParameterValue::Tag::unsignedMin:
      return std::get<2>(p->parameterValue.value);
    case h245::ParameterValue::Tag::unsignedMax:
      return std::get<3>(p->parameterValue.value);
    case h245::ParameterValue::Tag::unsigned32Min:
      return std::get<4>(p->parameterValue.value);
    case h245::ParameterValue::Tag::unsigned32Max:
      return std::get<5>(p->parameterValue.value);
    default:
      return std::nullopt;
  }
}

std::optional<Capability> H264FromGeneric(const h245::GenericCapability& g) {
  const asn1::ObjectIdentifier* oid = std::get_if<0>(&g.capabilityIdentifier.value);
  if (!oid || *oid != kH264Capability) return std::nullopt;
  const auto profile = ParameterNumber(FindParameter(g.collapsing, 41));
  const auto level = ParameterNumber(FindParameter(g.collapsing, 42));
  if (!profile || !level) return std::nullopt;
  codecs::H264Params p;
  if (*profile & kProfileHigh) {
    p.profile_level_id = {0x64, 0x00, 0};
  } else if (*profile & kProfileMain) {
    p.profile_level_id = {0x4d, 0x00, 0};
  } else if (*profile & kProfileBaseline) {
    // A Baseline decoder takes the constrained baseline Tessera sends.
    p.profile_level_id = {0x42, 0xe0, 0};
  } else {
    return std::nullopt;
  }
  const int level_idc = H241LevelToLevelIdc(static_cast<int>(*level));
  if (level_idc == 0) return std::nullopt;
  if (level_idc == 9) {
    // Level 1b: level_idc 11 with constraint_set3 in Baseline/Main, 9 in High.
    if (p.profile_level_id.profile_idc == 0x64) {
      p.profile_level_id.level_idc = 9;
    } else {
      p.profile_level_id.level_idc = 11;
      p.profile_level_id.profile_iop |= 0x10;
    }
  } else {
    p.profile_level_id.level_idc = static_cast<uint8_t>(level_idc);
  }
  if (auto v = ParameterNumber(FindParameter(g.collapsing, 3))) p.max_mbps = int64_t{*v} * 500;
  if (auto v = ParameterNumber(FindParameter(g.collapsing, 4))) p.max_fs = int64_t{*v} * 256;
  if (auto v = ParameterNumber(FindParameter(g.collapsing, 6))) p.max_br_kbps = int64_t{*v} * 25;
  p.packetization_mode = 1;  // the OLC's mediaPacketization says which; mode 1 is the common one
  p.level_asymmetry_allowed = true;
  Capability c{.codec = CodecId::kH264, .clock_rate = 90000, .channels = 1, .params = p};
  if (g.maxBitRate) c.max_bitrate_bps = int64_t{*g.maxBitRate} * 100;
  return c;
}

h245::GenericParameter Collapsing(uint16_t id, uint16_t value, bool boolean_array) {
  h245::GenericParameter p;
  p.parameterIdentifier.set_standard() = id;
  if (boolean_array) {
    p.parameterValue.set_booleanArray() = value;
  } else {
    p.parameterValue.set_unsignedMin() = value;
  }
  return p;
}

std::optional<h245::GenericCapability> GenericFromH264(const Capability& c) {
  const auto* p = std::get_if<codecs::H264Params>(&c.params);
  if (!p) return std::nullopt;
  uint16_t profile = 0;
  switch (p->profile_level_id.kind()) {
    case codecs::H264ProfileKind::kConstrainedBaseline:
    case codecs::H264ProfileKind::kBaseline:
      profile = kProfileBaseline;
      break;
    case codecs::H264ProfileKind::kMain:
      profile = kProfileMain;
      break;
    case codecs::H264ProfileKind::kHigh:
    case codecs::H264ProfileKind::kConstrainedHigh:
      profile = kProfileHigh;
      break;
    default:
      return std::nullopt;
  }
  const auto level = LevelIdcToH241Level(p->profile_level_id.level_idc, p->profile_level_id.level_1b());
  if (!level) return std::nullopt;
  h245::GenericCapability g;
  g.capabilityIdentifier.set_standard() = kH264Capability;
  // maxBitRate is mandatory for H.241 video capabilities (100 bit/s units).
  int64_t bps = c.max_bitrate_bps;
  if (bps <= 0) bps = p->max_br_kbps > 0 ? p->max_br_kbps * 1000 : 8'000'000;
  g.maxBitRate = static_cast<uint32_t>(std::clamp<int64_t>(bps / 100, 1, 0xFFFFFFFF));
  std::vector<h245::GenericParameter> params{Collapsing(41, profile, true),
                                             Collapsing(42, static_cast<uint16_t>(*level), false)};
  if (p->max_mbps > 0)
    params.push_back(Collapsing(3, static_cast<uint16_t>(std::min<int64_t>(p->max_mbps / 500, 0xFFFF)), false));
  if (p->max_fs > 0)
    params.push_back(Collapsing(4, static_cast<uint16_t>(std::min<int64_t>(p->max_fs / 256, 0xFFFF)), false));
  if (p->max_br_kbps > 0)
    params.push_back(Collapsing(6, static_cast<uint16_t>(std::min<int64_t>(p->max_br_kbps / 25, 0xFFFF)), false));
  g.collapsing = std::move(params);
  return g;
}

uint16_t Mpi(int mpi, int max) {
  return static_cast<uint16_t>(std::clamp(mpi, 1, max));
}

}  // namespace

int H241LevelToLevelIdc(int h241_level) {
  for (const auto& l : kLevels)
    if (l.h241 == h241_level) return l.level_idc;
  return 0;
}

std::optional<int> LevelIdcToH241Level(int level_idc, bool level_1b) {
  if (level_1b) return 19;
  for (const auto& l : kLevels)
    if (l.level_idc == level_idc && l.h241 != 19) return l.h241;
  return std::nullopt;
}

std::optional<int> StaticPayloadType(CodecId codec) {
  switch (codec) {
    case CodecId::kPcmu:
      return 0;
    case CodecId::kPcma:
      return 8;
    case CodecId::kG722:
      return 9;
    case CodecId::kH261:
      return 31;
    case CodecId::kH263:
      return 34;
    default:
      return std::nullopt;
  }
}

std::optional<Capability> CapabilityFromAudio(const h245::AudioCapability& audio) {
  switch (audio.tag()) {
    case h245::AudioCapability::Tag::g711Alaw64k:
      return Audio(CodecId::kPcma);
    case h245::AudioCapability::Tag::g711Ulaw64k:
      return Audio(CodecId::kPcmu);
    case h245::AudioCapability::Tag::g722_64k:
      return Audio(CodecId::kG722);
    default:
      return std::nullopt;
  }
}

std::optional<Capability> CapabilityFromVideo(const h245::VideoCapability& video) {
  if (const auto* h261 = video.h261VideoCapability()) {
    codecs::H261Params p;
    p.qcif_mpi = h261->qcifMPI.value_or(0);
    p.cif_mpi = h261->cifMPI.value_or(0);
    p.max_br_100bps = h261->maxBitRate;
    if (p.qcif_mpi == 0 && p.cif_mpi == 0) return std::nullopt;
    return Capability{.codec = CodecId::kH261,
                      .clock_rate = 90000,
                      .channels = 1,
                      .max_bitrate_bps = int64_t{h261->maxBitRate} * 100,
                      .params = p};
  }
  if (const auto* h263 = video.h263VideoCapability()) {
    codecs::H263Params p;
    p.sqcif_mpi = h263->sqcifMPI.value_or(0);
    p.qcif_mpi = h263->qcifMPI.value_or(0);
    p.cif_mpi = h263->cifMPI.value_or(0);
    p.cif4_mpi = h263->cif4MPI.value_or(0);
    p.cif16_mpi = h263->cif16MPI.value_or(0);
    p.max_br_100bps = h263->maxBitRate;
    if (!p.sqcif_mpi && !p.qcif_mpi && !p.cif_mpi && !p.cif4_mpi && !p.cif16_mpi) return std::nullopt;
    return Capability{.codec = CodecId::kH263,
                      .clock_rate = 90000,
                      .channels = 1,
                      .max_bitrate_bps = int64_t{h263->maxBitRate} * 100,
                      .params = p};
  }
  if (const auto* g = video.genericVideoCapability()) return H264FromGeneric(*g);
  return std::nullopt;
}

std::optional<h245::AudioCapability> AudioCapabilityFor(const Capability& c, uint16_t frames_per_packet_ms) {
  h245::AudioCapability a;
  switch (c.codec) {
    case CodecId::kPcma:
      a.set_g711Alaw64k() = frames_per_packet_ms;
      return a;
    case CodecId::kPcmu:
      a.set_g711Ulaw64k() = frames_per_packet_ms;
      return a;
    case CodecId::kG722:
      a.set_g722_64k() = frames_per_packet_ms;
      return a;
    default:
      return std::nullopt;
  }
}

std::optional<h245::VideoCapability> VideoCapabilityFor(const Capability& c) {
  h245::VideoCapability v;
  const int64_t max_100bps = c.max_bitrate_bps > 0 ? c.max_bitrate_bps / 100 : 0;
  if (const auto* p = std::get_if<codecs::H261Params>(&c.params); p && c.codec == CodecId::kH261) {
    auto& h261 = v.set_h261VideoCapability();
    if (p->qcif_mpi) h261.qcifMPI = Mpi(p->qcif_mpi, 4);
    if (p->cif_mpi) h261.cifMPI = Mpi(p->cif_mpi, 4);
    const int64_t br = p->max_br_100bps > 0 ? p->max_br_100bps : (max_100bps > 0 ? max_100bps : 19200);
    h261.maxBitRate = static_cast<uint16_t>(std::clamp<int64_t>(br, 1, 19200));
    return v;
  }
  if (const auto* p = std::get_if<codecs::H263Params>(&c.params); p && c.codec == CodecId::kH263) {
    auto& h263 = v.set_h263VideoCapability();
    if (p->sqcif_mpi) h263.sqcifMPI = Mpi(p->sqcif_mpi, 32);
    if (p->qcif_mpi) h263.qcifMPI = Mpi(p->qcif_mpi, 32);
    if (p->cif_mpi) h263.cifMPI = Mpi(p->cif_mpi, 32);
    if (p->cif4_mpi) h263.cif4MPI = Mpi(p->cif4_mpi, 32);
    if (p->cif16_mpi) h263.cif16MPI = Mpi(p->cif16_mpi, 32);
    const int64_t br = p->max_br_100bps > 0 ? p->max_br_100bps : (max_100bps > 0 ? max_100bps : 40000);
    h263.maxBitRate = static_cast<uint32_t>(std::clamp<int64_t>(br, 1, 192400));
    return v;
  }
  if (c.codec == CodecId::kH264) {
    auto g = GenericFromH264(c);
    if (!g) return std::nullopt;
    v.set_genericVideoCapability() = std::move(*g);
    return v;
  }
  return std::nullopt;
}

std::optional<Capability> CapabilityFromDataType(const h245::DataType& data_type) {
  if (const auto* a = data_type.audioData()) return CapabilityFromAudio(*a);
  if (const auto* v = data_type.videoData()) return CapabilityFromVideo(*v);
  return std::nullopt;
}

std::optional<h245::DataType> DataTypeFor(const Capability& c) {
  h245::DataType d;
  if (codecs::IsVideo(c.codec)) {
    auto v = VideoCapabilityFor(c);
    if (!v) return std::nullopt;
    d.set_videoData() = std::move(*v);
    return d;
  }
  auto a = AudioCapabilityFor(c);
  if (!a) return std::nullopt;
  d.set_audioData() = std::move(*a);
  return d;
}

h245::H2250LogicalChannelParameters_mediaPacketization H264Packetization(int mode, uint16_t payload_type) {
  h245::H2250LogicalChannelParameters_mediaPacketization m;
  auto& rtp = m.set_rtpPayloadType();
  rtp.payloadDescriptor.set_oid() = mode == 0 ? kH264SingleNal : kH264NonInterleaved;
  rtp.payloadType = payload_type;
  return m;
}

int H264PacketizationMode(const h245::H2250LogicalChannelParameters& params) {
  if (!params.mediaPacketization) return 0;
  const auto* rtp = std::get_if<1>(&params.mediaPacketization->value);
  if (!rtp) return 0;
  const auto* oid = std::get_if<2>(&rtp->payloadDescriptor.value);
  return oid && *oid == kH264NonInterleaved ? 1 : 0;
}

RemoteCapabilities ParseTerminalCapabilitySet(const h245::TerminalCapabilitySet& tcs) {
  RemoteCapabilities r;
  if (!tcs.capabilityTable) return r;
  for (const auto& entry : *tcs.capabilityTable) {
    if (!entry.capability) continue;
    const h245::Capability& cap = *entry.capability;
    using Tag = h245::Capability::Tag;
    switch (cap.tag()) {
      case Tag::receiveAudioCapability:
      case Tag::receiveAndTransmitAudioCapability: {
        const auto& a = cap.tag() == Tag::receiveAudioCapability ? std::get<4>(cap.value) : std::get<6>(cap.value);
        if (auto c = CapabilityFromAudio(a)) r.audio.push_back(std::move(*c));
        break;
      }
      case Tag::receiveVideoCapability:
      case Tag::receiveAndTransmitVideoCapability: {
        const auto& v = cap.tag() == Tag::receiveVideoCapability ? std::get<1>(cap.value) : std::get<3>(cap.value);
        if (auto c = CapabilityFromVideo(v)) {
          r.video.push_back(*c);
          // H.264 receivers take both packetization modes unless the channel says otherwise.
          if (auto* p = std::get_if<codecs::H264Params>(&c->params)) {
            p->packetization_mode = 0;
            r.video.push_back(std::move(*c));
          }
        }
        break;
      }
      case Tag::receiveRTPAudioTelephonyEventCapability:
        if (const auto* t = cap.receiveRTPAudioTelephonyEventCapability())
          r.telephone_event_payload_type = t->dynamicRTPPayloadType;
        break;
      case Tag::receiveUserInputCapability:
      case Tag::receiveAndTransmitUserInputCapability: {
        const auto& u =
            cap.tag() == Tag::receiveUserInputCapability ? std::get<15>(cap.value) : std::get<17>(cap.value);
        if (u.tag() == h245::UserInputCapability::Tag::basicString ||
            u.tag() == h245::UserInputCapability::Tag::iA5String ||
            u.tag() == h245::UserInputCapability::Tag::generalString)
          r.user_input_alphanumeric = true;
        if (u.tag() == h245::UserInputCapability::Tag::dtmf) r.user_input_dtmf = true;
        break;
      }
      default:
        break;
    }
  }
  return r;
}

h245::TerminalCapabilitySet BuildTerminalCapabilitySet(uint16_t sequence_number, const std::vector<Capability>& audio,
                                                       const std::vector<Capability>& video,
                                                       int telephone_event_payload_type) {
  h245::TerminalCapabilitySet tcs;
  tcs.sequenceNumber = static_cast<uint16_t>(sequence_number & 0xFF);
  tcs.protocolIdentifier = kH245Version;
  auto& h2250 = tcs.multiplexCapability.emplace().set_h2250Capability();
  h2250.maximumAudioDelayJitter = 250;
  for (auto* m : {&h2250.receiveMultipointCapability, &h2250.transmitMultipointCapability,
                  &h2250.receiveAndTransmitMultipointCapability}) {
    auto& d = m->mediaDistributionCapability.emplace_back();
    d.centralizedControl = true;
    d.centralizedAudio = true;
    d.centralizedVideo = true;
  }
  h2250.mcCapability.centralizedConferenceMC = true;
  h2250.rtcpVideoControlCapability = true;
  h2250.logicalChannelSwitchingCapability = false;
  h2250.t120DynamicPortCapability = false;

  auto& table = tcs.capabilityTable.emplace();
  std::vector<uint16_t> audio_set, video_set, others;
  auto add = [&](h245::Capability cap, std::vector<uint16_t>& set) {
    auto& e = table.emplace_back();
    e.capabilityTableEntryNumber = static_cast<uint16_t>(table.size());
    e.capability = std::move(cap);
    set.push_back(e.capabilityTableEntryNumber);
  };
  for (const auto& c : audio) {
    if (auto a = AudioCapabilityFor(c)) {
      h245::Capability cap;
      cap.set_receiveAudioCapability() = std::move(*a);
      add(std::move(cap), audio_set);
    }
  }
  std::vector<h245::VideoCapability> seen;  // the two H.264 packetization modes map to one entry
  for (const auto& c : video) {
    auto v = VideoCapabilityFor(c);
    if (!v || std::find(seen.begin(), seen.end(), *v) != seen.end()) continue;
    seen.push_back(*v);
    h245::Capability cap;
    cap.set_receiveVideoCapability() = std::move(*v);
    add(std::move(cap), video_set);
  }
  {
    h245::Capability cap;
    auto& t = cap.set_receiveRTPAudioTelephonyEventCapability();
    t.dynamicRTPPayloadType = static_cast<uint16_t>(telephone_event_payload_type);
    t.audioTelephoneEvent = "0-16";
    add(std::move(cap), others);
  }
  {
    h245::Capability cap;
    cap.set_receiveUserInputCapability().set_basicString();
    add(std::move(cap), others);
  }
  {
    h245::Capability cap;
    cap.set_receiveUserInputCapability().set_dtmf();
    add(std::move(cap), others);
  }
  auto& d = tcs.capabilityDescriptors.emplace().emplace_back();
  d.capabilityDescriptorNumber = 0;
  auto& sets = d.simultaneousCapabilities.emplace();
  if (!audio_set.empty()) sets.push_back(audio_set);
  if (!video_set.empty()) sets.push_back(video_set);
  for (uint16_t n : others)
    sets.push_back({n});
  return tcs;
}

}  // namespace tessera::signaling::h323
