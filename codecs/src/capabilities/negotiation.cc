// Offer/answer over capabilities. The rules, by payload format:
//   H.264 (RFC 6184 section 8.2.2): packetization modes must be equal; the profile must be
//     one we take (Baseline and constrained baseline are treated as one, as every
//     real endpoint does: a Baseline decoder decodes constrained baseline, and no endpoint
//     sends FMO/ASO); the answer carries the offered profile and, unless both allow level
//     asymmetry, the lower of the two levels, which then binds both directions.
//   H.263/H.261: the formats both take, each at the larger of the two MPIs.
//   VP8, Opus, G.722, G.711: the codec and its clock.
// Send limits come from the receiver's capability: its level or the max-* it raised it by,
// MPIs, max-fr/max-fs, and any bitrate cap.
#include "tessera/codecs/negotiation.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "tessera/codecs/video/h264_levels.h"

namespace tessera::codecs {
namespace {

bool IsBaselineFamily(H264ProfileKind k) {
  return k == H264ProfileKind::kConstrainedBaseline || k == H264ProfileKind::kBaseline;
}
bool IsHighFamily(H264ProfileKind k) {
  return k == H264ProfileKind::kHigh || k == H264ProfileKind::kConstrainedHigh;
}

bool H264Compatible(const H264Params& offer, const H264Params& ours) {
  if (offer.packetization_mode != ours.packetization_mode) return false;
  const H264ProfileKind o = offer.profile_level_id.kind(), u = ours.profile_level_id.kind();
  if (o == H264ProfileKind::kOther || o == H264ProfileKind::kExtended) return false;
  return o == u || (IsBaselineFamily(o) && IsBaselineFamily(u)) || (IsHighFamily(o) && IsHighFamily(u));
}

int CommonMpi(int a, int b) {
  return a > 0 && b > 0 ? std::max(a, b) : 0;
}

H263Params CommonH263(const H263Params& a, const H263Params& b) {
  H263Params c;
  c.sqcif_mpi = CommonMpi(a.sqcif_mpi, b.sqcif_mpi);
  c.qcif_mpi = CommonMpi(a.qcif_mpi, b.qcif_mpi);
  c.cif_mpi = CommonMpi(a.cif_mpi, b.cif_mpi);
  c.cif4_mpi = CommonMpi(a.cif4_mpi, b.cif4_mpi);
  c.cif16_mpi = CommonMpi(a.cif16_mpi, b.cif16_mpi);
  for (const auto& x : a.custom)
    for (const auto& y : b.custom)
      if (x.width == y.width && x.height == y.height && CommonMpi(x.mpi, y.mpi) > 0)
        c.custom.push_back({x.width, x.height, CommonMpi(x.mpi, y.mpi)});
  c.max_br_100bps = b.max_br_100bps;  // ours: what we take
  return c;
}

bool AnyFormat(const H263Params& p) {
  return p.sqcif_mpi || p.qcif_mpi || p.cif_mpi || p.cif4_mpi || p.cif16_mpi || !p.custom.empty();
}

// Whether `offer` and `ours` can be used together; fills the answer when they can.
bool MatchVideo(const Capability& offer, const Capability& ours, Capability& answer) {
  if (offer.codec != ours.codec || offer.clock_rate != ours.clock_rate) return false;
  answer = ours;
  switch (offer.codec) {
    case CodecId::kH264: {
      const auto* o = std::get_if<H264Params>(&offer.params);
      const auto* u = std::get_if<H264Params>(&ours.params);
      if (o == nullptr || u == nullptr || !H264Compatible(*o, *u)) return false;
      H264Params a = *u;
      a.profile_level_id.profile_idc = o->profile_level_id.profile_idc;
      a.profile_level_id.profile_iop = o->profile_level_id.profile_iop;
      a.level_asymmetry_allowed = o->level_asymmetry_allowed && u->level_asymmetry_allowed;
      if (!a.level_asymmetry_allowed && o->profile_level_id.level() < u->profile_level_id.level()) {
        a.profile_level_id.level_idc = o->profile_level_id.level_idc;  // with the offer's iop: 1b survives
        a.max_mbps = a.max_fs = a.max_br_kbps = 0;                     // the level's, both ways
      }
      answer.params = a;
      return true;
    }
    case CodecId::kH263:
    case CodecId::kH263Plus: {
      const auto* o = std::get_if<H263Params>(&offer.params);
      const auto* u = std::get_if<H263Params>(&ours.params);
      if (o == nullptr || u == nullptr) return false;
      H263Params common = CommonH263(*o, *u);
      if (!AnyFormat(common)) return false;
      answer.params = common;
      return true;
    }
    case CodecId::kH261: {
      const auto* o = std::get_if<H261Params>(&offer.params);
      const auto* u = std::get_if<H261Params>(&ours.params);
      if (o == nullptr || u == nullptr) return false;
      H261Params common{CommonMpi(o->qcif_mpi, u->qcif_mpi), CommonMpi(o->cif_mpi, u->cif_mpi), u->max_br_100bps};
      if (!common.qcif_mpi && !common.cif_mpi) return false;
      answer.params = common;
      return true;
    }
    case CodecId::kVp8:
      return true;
    default:
      return false;
  }
}

bool MatchAudio(const Capability& offer, const Capability& ours) {
  if (offer.codec != ours.codec || offer.clock_rate != ours.clock_rate) return false;
  return offer.codec != CodecId::kOpus || offer.channels == 2;  // RFC 7587: always opus/48000/2
}

template <typename Match>
std::optional<std::pair<size_t, size_t>> Choose(std::span<const Capability> offer, std::span<const Capability> ours,
                                                NegotiationPreference preference, Match match) {
  if (preference == NegotiationPreference::kOurs) {
    for (size_t u = 0; u < ours.size(); ++u)
      for (size_t o = 0; o < offer.size(); ++o)
        if (match(offer[o], ours[u])) return std::pair{o, u};
  } else {
    for (size_t o = 0; o < offer.size(); ++o)
      for (size_t u = 0; u < ours.size(); ++u)
        if (match(offer[o], ours[u])) return std::pair{o, u};
  }
  return std::nullopt;
}

int64_t Cap(int64_t a, int64_t b) {
  if (a <= 0) return b;
  if (b <= 0) return a;
  return std::min(a, b);
}

void AddPictureFormat(std::vector<VideoFormat>& formats, int w, int h, int mpi) {
  // MPI counts 1/29.97 s units: 1 -> 30 fps, 2 -> 15, 3 -> 10 ...
  if (mpi > 0) formats.push_back({w, h, std::max(1, 30 / mpi)});
}

}  // namespace

VideoSendLimits SendLimitsFor(const Capability& receiver) {
  VideoSendLimits limits;
  limits.max_bitrate_bps = receiver.max_bitrate_bps;
  if (const auto* p = std::get_if<H264Params>(&receiver.params)) {
    const auto level = h264::LimitsOf(p->profile_level_id.level());
    const auto base = level ? *level : *h264::LimitsOf(10);
    const bool high = IsHighFamily(p->profile_level_id.kind());
    limits.max_frame_macroblocks = std::max<int64_t>(base.max_fs, p->max_fs);
    limits.max_macroblocks_per_second = std::max<int64_t>(base.max_mbps, p->max_mbps);
    const int64_t max_br_kbps = std::max<int64_t>(base.max_br_kbps, p->max_br_kbps);
    limits.max_bitrate_bps = Cap(limits.max_bitrate_bps, max_br_kbps * (high ? 1250 : 1000));
    limits.max_side_macroblocks = static_cast<int>(std::sqrt(8.0 * static_cast<double>(limits.max_frame_macroblocks)));
    limits.h264_profile = high                                                   ? H264Profile::kHigh
                          : p->profile_level_id.kind() == H264ProfileKind::kMain ? H264Profile::kMain
                                                                                 : H264Profile::kConstrainedBaseline;
    limits.h264_level_idc = base.level_idc;
    limits.single_nal_unit = p->packetization_mode == 0;
  } else if (const auto* v = std::get_if<Vp8Params>(&receiver.params)) {
    limits.max_frame_macroblocks = v->max_fs;
    limits.max_fps = v->max_fr;
  } else if (const auto* h = std::get_if<H263Params>(&receiver.params)) {
    AddPictureFormat(limits.picture_formats, 1408, 1152, h->cif16_mpi);
    AddPictureFormat(limits.picture_formats, 704, 576, h->cif4_mpi);
    AddPictureFormat(limits.picture_formats, 352, 288, h->cif_mpi);
    AddPictureFormat(limits.picture_formats, 176, 144, h->qcif_mpi);
    AddPictureFormat(limits.picture_formats, 128, 96, h->sqcif_mpi);
    for (const auto& c : h->custom)
      AddPictureFormat(limits.picture_formats, c.width, c.height, c.mpi);
    std::stable_sort(
        limits.picture_formats.begin(), limits.picture_formats.end(),
        [](const VideoFormat& a, const VideoFormat& b) { return a.width * a.height > b.width * b.height; });
    limits.max_bitrate_bps = Cap(limits.max_bitrate_bps, h->max_br_100bps * 100);
  } else if (const auto* g = std::get_if<H261Params>(&receiver.params)) {
    AddPictureFormat(limits.picture_formats, 352, 288, g->cif_mpi);
    AddPictureFormat(limits.picture_formats, 176, 144, g->qcif_mpi);
    limits.max_bitrate_bps = Cap(limits.max_bitrate_bps, g->max_br_100bps * 100);
  }
  return limits;
}

std::optional<NegotiatedVideo> NegotiateVideo(std::span<const Capability> offer, std::span<const Capability> ours,
                                              NegotiationPreference preference) {
  Capability answer;
  const auto chosen = Choose(offer, ours, preference, [&](const Capability& o, const Capability& u) {
    Capability scratch;
    return MatchVideo(o, u, scratch);
  });
  if (!chosen) return std::nullopt;
  MatchVideo(offer[chosen->first], ours[chosen->second], answer);
  NegotiatedVideo result{chosen->first, answer, {}};
  // What we may send is what the offerer takes; without level asymmetry, the answer's
  // (possibly lower) level binds our direction too.
  Capability receiver = offer[chosen->first];
  if (const auto* a = std::get_if<H264Params>(&answer.params); a != nullptr && !a->level_asymmetry_allowed) {
    auto& r = std::get<H264Params>(receiver.params);
    if (a->profile_level_id.level() < r.profile_level_id.level()) {
      r.profile_level_id.level_idc = a->profile_level_id.level_idc;
      r.max_fs = r.max_mbps = r.max_br_kbps = 0;
    }
  }
  result.limits = SendLimitsFor(receiver);
  return result;
}

std::optional<NegotiatedAudio> NegotiateAudio(std::span<const Capability> offer, std::span<const Capability> ours,
                                              NegotiationPreference preference) {
  const auto chosen = Choose(offer, ours, preference, MatchAudio);
  if (!chosen) return std::nullopt;
  const Capability& theirs = offer[chosen->first];
  NegotiatedAudio result{chosen->first, ours[chosen->second], {}};
  result.encoder.codec = theirs.codec;
  if (const auto* p = std::get_if<OpusParams>(&theirs.params); p != nullptr && theirs.codec == CodecId::kOpus) {
    // RFC 7587 section 6.1: these describe what the receiver wants; the mixer sends mono
    // (always allowed, even when stereo is preferred).
    result.encoder.fec = p->useinbandfec;
    result.encoder.dtx = p->usedtx;
    result.encoder.max_playback_rate_hz = p->maxplaybackrate;
    const int64_t cap = Cap(p->maxaveragebitrate, theirs.max_bitrate_bps);
    if (cap > 0)
      result.encoder.bitrate_bps = static_cast<int>(std::clamp<int64_t>(std::min<int64_t>(cap, 32'000), 6000, 510'000));
  }
  return result;
}

std::span<const VideoFormat> StandardVideoFormats() {
  static constexpr std::array<VideoFormat, 10> kFormats = {{{1920, 1080, 0},
                                                            {1280, 720, 0},
                                                            {960, 540, 0},
                                                            {704, 576, 0},
                                                            {640, 360, 0},
                                                            {480, 270, 0},
                                                            {352, 288, 0},
                                                            {320, 180, 0},
                                                            {176, 144, 0},
                                                            {128, 96, 0}}};
  return kFormats;
}

std::optional<VideoFormat> FitVideoFormat(const VideoSendLimits& limits, std::span<const VideoFormat> candidates,
                                          int desired_fps) {
  if (desired_fps < 1) return std::nullopt;
  if (!limits.picture_formats.empty()) {
    // H.261/H.263: only the receiver's picture formats exist.
    for (const VideoFormat& c : candidates)
      for (const VideoFormat& f : limits.picture_formats)
        if (c.width == f.width && c.height == f.height)
          return VideoFormat{f.width, f.height, std::min(f.fps, desired_fps)};
    const VideoFormat& largest = limits.picture_formats.front();
    return VideoFormat{largest.width, largest.height, std::min(largest.fps, desired_fps)};
  }
  auto fps_for = [&](const VideoFormat& c) {
    const int64_t w = (c.width + 15) / 16, h = (c.height + 15) / 16;
    if (limits.max_frame_macroblocks > 0 && w * h > limits.max_frame_macroblocks) return 0;
    if (limits.max_side_macroblocks > 0 && (w > limits.max_side_macroblocks || h > limits.max_side_macroblocks))
      return 0;
    int64_t fps = desired_fps;
    if (limits.max_fps > 0) fps = std::min<int64_t>(fps, limits.max_fps);
    if (limits.max_macroblocks_per_second > 0)
      fps = std::min<int64_t>(fps, limits.max_macroblocks_per_second / (w * h));
    return static_cast<int>(fps);
  };
  const int full = limits.max_fps > 0 ? std::min(desired_fps, limits.max_fps) : desired_fps;
  // The largest format at the full rate; failing that, the largest at any rate.
  for (const VideoFormat& c : candidates)
    if (fps_for(c) >= full) return VideoFormat{c.width, c.height, full};
  for (const VideoFormat& c : candidates)
    if (const int fps = fps_for(c); fps >= 1) return VideoFormat{c.width, c.height, fps};
  return std::nullopt;
}

VideoEncoderConfig MakeVideoEncoderConfig(const NegotiatedVideo& negotiated, const VideoFormat& format, int bitrate_bps,
                                          int mtu_payload_bytes) {
  const VideoSendLimits& l = negotiated.limits;
  VideoEncoderConfig c;
  c.codec = negotiated.answer.codec;
  c.width = format.width;
  c.height = format.height;
  c.fps = format.fps;
  c.bitrate_bps = static_cast<int>(Cap(bitrate_bps, l.max_bitrate_bps));
  if (c.codec == CodecId::kH264) {
    c.h264_profile = l.h264_profile;
    const auto lowest = h264::LowestLevelFor(format.width, format.height, format.fps, c.bitrate_bps,
                                             l.h264_profile == H264Profile::kHigh);
    if (lowest && lowest->level_idc <= l.h264_level_idc) {
      c.h264_level_idc = lowest->level_idc;
    } else {
      // Allowed by raised max-fs/max-mbps/max-br, not by the level itself.
      c.h264_level_idc = l.h264_level_idc;
      c.h264_level_signalled_only = true;
    }
    if (l.single_nal_unit) c.max_slice_bytes = mtu_payload_bytes;
  } else if (c.codec == CodecId::kH263 || c.codec == CodecId::kH263Plus || c.codec == CodecId::kH261) {
    c.max_slice_bytes = mtu_payload_bytes;  // GOB-aligned packets for RFC 2190 mode A / RFC 4587
  }
  return c;
}

}  // namespace tessera::codecs
