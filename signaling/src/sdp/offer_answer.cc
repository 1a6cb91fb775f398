#include "tessera/signaling/sdp/offer_answer.h"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

#include "tessera/codecs/negotiation.h"
#include "tessera/signaling/sdp/codec_formats.h"

namespace tessera::signaling::sdp {
namespace {

using codecs::Capability;
using codecs::CodecId;
using mcu::MediaKind;
using mcu::MediaStreamRequest;

constexpr std::array<std::string_view, 3> kSrtpSuites = {"AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
                                                         "AEAD_AES_128_GCM"};
constexpr std::array<std::string_view, 4> kRtpProfiles = {"RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF"};

// The decision for one m= line, before the one-stream-per-kind rule.
struct LineDecision {
  bool ok = false;
  std::string reason;
  MediaStreamRequest stream;
  Capability answer;
};

LineDecision Refuse(std::string reason) {
  LineDecision d;
  d.reason = std::move(reason);
  return d;
}

std::optional<MediaKind> KindOf(const MediaDescription& m) {
  if (m.media == "audio") return MediaKind::kAudio;
  if (m.media == "video") return MediaKind::kVideo;
  return std::nullopt;
}

// b=TIAS (bit/s, RFC 3890) is more precise than b=AS (kbit/s, with overhead); media level
// before session level.
int64_t BandwidthOf(const SessionDescription& s, const MediaDescription& m) {
  if (auto tias = m.GetBandwidth("TIAS")) return static_cast<int64_t>(std::min<uint64_t>(*tias, 1ULL << 40));
  if (auto as = m.GetBandwidth("AS")) return static_cast<int64_t>(std::min<uint64_t>(*as, 1ULL << 30)) * 1000;
  for (const Bandwidth& b : s.bandwidths)
    if (b.type == "TIAS") return static_cast<int64_t>(std::min<uint64_t>(b.value, 1ULL << 40));
  for (const Bandwidth& b : s.bandwidths)
    if (b.type == "AS") return static_cast<int64_t>(std::min<uint64_t>(b.value, 1ULL << 30)) * 1000;
  return 0;
}

std::string OfferedNames(const MediaDescription& m) {
  std::string names;
  for (int pt : m.PayloadTypes()) {
    auto r = m.EffectiveRtpMap(pt);
    if (!names.empty()) names += ", ";
    names += r ? fmt::format("{}/{}", r->encoding_name, r->clock_rate) : std::to_string(pt);
  }
  return names.empty() ? "none" : names;
}

void TakeFeedback(const MediaDescription& m, int pt, MediaStreamRequest& s) {
  for (const RtcpFeedback& fb : m.FeedbackFor(pt)) {
    if (fb.type == "nack" && fb.parameter.empty()) s.nack = true;
    if (fb.type == "nack" && fb.parameter == "pli") s.pli = true;
    if (fb.type == "ccm" && fb.parameter == "fir") s.fir = true;
    if (fb.type == "ccm" && fb.parameter == "tmmbr") s.tmmbr = true;
    if (fb.type == "goog-remb") s.remb = true;
  }
}

LineDecision PlanLine(const SessionDescription& s, const MediaDescription& m, const AnswerPolicy& policy) {
  const auto kind = KindOf(m);
  if (!kind) return Refuse(fmt::format("m={} is not audio or video", m.media));
  if (std::find(kRtpProfiles.begin(), kRtpProfiles.end(), m.protocol) == kRtpProfiles.end())
    return Refuse(fmt::format("transport {} is not supported (RTP/AVP, RTP/AVPF, RTP/SAVP, RTP/SAVPF)", m.protocol));
  if (m.port == 0) return Refuse("disabled in the offer (port 0)");
  const bool secure = m.IsSecure();
  if (!secure && policy.srtp_required) return Refuse("this room requires SRTP (RTP/SAVP with a=crypto)");
  const Connection* c = s.EffectiveConnection(m);
  if (c == nullptr || c->net_type != "IN" || (c->addr_type != "IP4" && c->addr_type != "IP6") || c->address.empty())
    return Refuse("no usable c= address");
  if (*kind == MediaKind::kVideo) {
    if (const Attribute* content = m.FindAttribute("content"); content && content->value != "main")
      return Refuse(fmt::format("content sharing (a=content:{}) is not supported yet", content->value.value_or("")));
  }

  // The offered formats Tessera knows, in offer order.
  std::vector<Capability> caps;
  std::vector<int> pts;
  std::vector<std::pair<int, int>> events;  // (payload type, clock rate) of telephone-event
  const int64_t bandwidth = BandwidthOf(s, m);
  for (int pt : m.PayloadTypes()) {
    auto rtpmap = m.EffectiveRtpMap(pt);
    if (!rtpmap) continue;
    auto cap = CapabilityFromSdp(*rtpmap, m.FindFmtp(pt));
    if (!cap) continue;
    if (cap->codec == CodecId::kTelephoneEvent) {
      events.emplace_back(pt, cap->clock_rate);
      continue;
    }
    if (codecs::IsVideo(cap->codec) != (*kind == MediaKind::kVideo)) continue;
    cap->max_bitrate_bps = bandwidth;
    caps.push_back(std::move(*cap));
    pts.push_back(pt);
  }

  LineDecision d;
  MediaStreamRequest& st = d.stream;
  st.kind = *kind;
  size_t chosen = 0;
  if (*kind == MediaKind::kAudio) {
    auto audio = codecs::NegotiateAudio(caps, policy.audio);
    if (!audio) return Refuse(fmt::format("no common audio codec (offered: {})", OfferedNames(m)));
    chosen = audio->offer_index;
    d.answer = audio->answer;
    st.format = caps[chosen];
    // RFC 4733 §2.1: the event clock should be the codec's; endpoints that offer only
    // /8000 next to Opus still get events, at /8000.
    for (auto [pt, clock] : events) {
      if (clock == st.format.clock_rate || !st.telephone_event_payload_type) {
        st.telephone_event_payload_type = pt;
        st.telephone_event_clock_rate = clock;
        if (clock == st.format.clock_rate) break;
      }
    }
    if (m.ptime && *m.ptime >= 10 && *m.ptime <= 120) st.ptime_ms = static_cast<int>(*m.ptime);
  } else {
    auto video = codecs::NegotiateVideo(caps, policy.video);
    if (!video) return Refuse(fmt::format("no common video codec (offered: {})", OfferedNames(m)));
    chosen = video->offer_index;
    d.answer = video->answer;
    st.format = caps[chosen];
    // Without level asymmetry the answer's (lower) level binds our sending too.
    auto* a = std::get_if<codecs::H264Params>(&d.answer.params);
    auto* r = std::get_if<codecs::H264Params>(&st.format.params);
    if (a && r && !a->level_asymmetry_allowed && a->profile_level_id.level() < r->profile_level_id.level()) {
      r->profile_level_id.level_idc = a->profile_level_id.level_idc;
      r->max_fs = r->max_mbps = r->max_br_kbps = 0;
    }
  }
  st.payload_type = pts[chosen];
  d.answer.max_bitrate_bps = 0;

  const Direction dir = s.EffectiveDirection(m);
  st.receive = dir == Direction::kSendRecv || dir == Direction::kSendOnly;
  st.send = dir == Direction::kSendRecv || dir == Direction::kRecvOnly;
  if (c->address == "0.0.0.0") st.send = false;  // RFC 2543 hold
  st.remote_address = c->address;
  st.remote_rtp_port = m.port;
  if (m.rtcp && m.rtcp->port != 0) st.remote_rtcp_port = m.rtcp->port;
  st.rtcp_mux = m.rtcp_mux;
  if (m.HasFeedbackProfile() || !policy.feedback_requires_avpf) TakeFeedback(m, st.payload_type, st);

  if (secure) {
    for (const Crypto& crypto : m.cryptos) {
      if (std::find(kSrtpSuites.begin(), kSrtpSuites.end(), crypto.suite) == kSrtpSuites.end()) continue;
      if (!crypto.key_params.starts_with("inline:") || crypto.key_params.size() <= 7) continue;
      st.srtp = mcu::SrtpRequest{crypto.tag, crypto.suite, crypto.key_params};
      break;
    }
    if (!st.srtp)
      return Refuse(
          "no a=crypto with a supported suite (AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, "
          "AEAD_AES_128_GCM) and an inline key");
  }
  d.ok = true;
  return d;
}

std::string NothingUsable(const SessionDescription& offer, const std::vector<MediaLinePlan>& lines) {
  if (offer.media.empty()) return "the offer has no m= lines";
  std::string reason = "no usable media stream:";
  for (size_t i = 0; i < lines.size(); ++i)
    reason += fmt::format(" m={} (#{}): {};", offer.media[i].media, i + 1, lines[i].reason);
  reason.pop_back();
  return reason;
}

Direction Answered(Direction offered) {
  switch (offered) {
    case Direction::kSendOnly:
      return Direction::kRecvOnly;
    case Direction::kRecvOnly:
      return Direction::kSendOnly;
    case Direction::kInactive:
      return Direction::kInactive;
    case Direction::kSendRecv:
      break;
  }
  return Direction::kSendRecv;
}

Connection ConnectionFor(const std::string& address) {
  Connection c;
  c.addr_type = address.find(':') != std::string::npos ? "IP6" : "IP4";
  c.address = address;
  return c;
}

void AddBandwidth(MediaDescription& m, int64_t bps) {
  if (bps <= 0) return;
  m.bandwidths.push_back({"AS", static_cast<uint64_t>((bps + 999) / 1000)});
  m.bandwidths.push_back({"TIAS", static_cast<uint64_t>(bps)});
}

void AddFeedback(MediaDescription& m, int pt, const MediaStreamRequest& s) {
  const std::string f = std::to_string(pt);
  if (s.nack) m.rtcp_feedback.push_back({f, "nack", ""});
  if (s.pli) m.rtcp_feedback.push_back({f, "nack", "pli"});
  if (s.fir) m.rtcp_feedback.push_back({f, "ccm", "fir"});
  if (s.tmmbr) m.rtcp_feedback.push_back({f, "ccm", "tmmbr"});
  if (s.remb) m.rtcp_feedback.push_back({f, "goog-remb", ""});
}

SessionDescription SessionFor(const AnswerIdentity& id, const std::string& address) {
  SessionDescription s;
  s.origin.username = id.username.empty() ? "-" : id.username;
  s.origin.session_id = std::to_string(id.session_id);
  s.origin.session_version = std::to_string(id.session_version);
  const Connection c = ConnectionFor(address.empty() ? "0.0.0.0" : address);
  s.origin.addr_type = c.addr_type;
  s.origin.address = c.address;
  s.session_name = id.session_name.empty() ? "-" : id.session_name;
  s.connection = c;
  s.timings.push_back({});
  return s;
}

// Dynamic payload types of our own offers: audio and video lines number independently.
struct OfferFormat {
  int payload_type;
  Capability capability;
};
std::vector<OfferFormat> OfferFormats(const std::vector<Capability>& caps) {
  std::vector<OfferFormat> out;
  int next = 96;
  for (const Capability& c : caps) {
    int pt = 0;
    switch (c.codec) {
      case CodecId::kPcmu:
        pt = 0;
        break;
      case CodecId::kPcma:
        pt = 8;
        break;
      case CodecId::kG722:
        pt = 9;
        break;
      case CodecId::kH263:
        pt = 34;
        break;
      case CodecId::kH261:
        pt = 31;
        break;
      default:
        pt = next++;
        if (next == 101) next = 102;  // 101 is telephone-event's, by habit
    }
    out.push_back({pt, c});
  }
  return out;
}
constexpr int kEventPt8k = 101;
constexpr int kEventPt48k = 100;

}  // namespace

Result<OfferAnswerPlan, OfferError> PlanAnswer(const SessionDescription& offer, const AnswerPolicy& policy) {
  OfferAnswerPlan plan;
  bool have_audio = false, have_video = false;
  for (const MediaDescription& m : offer.media) {
    LineDecision d = PlanLine(offer, m, policy);
    MediaLinePlan line;
    if (d.ok) {
      bool& have = d.stream.kind == MediaKind::kAudio ? have_audio : have_video;
      if (have) {
        d.ok = false;
        d.reason = fmt::format("only one {} stream per participant", m.media);
      }
      have = true;
    }
    if (d.ok) {
      line.accepted = true;
      line.stream = plan.request.streams.size();
      line.answer = std::move(d.answer);
      plan.request.streams.push_back(std::move(d.stream));
    } else {
      line.reason = std::move(d.reason);
    }
    plan.lines.push_back(std::move(line));
  }
  if (plan.request.streams.empty()) return MakeUnexpected(OfferError{NothingUsable(offer, plan.lines)});
  return plan;
}

Result<OfferAnswerPlan, OfferError> PlanUpdate(const SessionDescription& offer, const AnswerPolicy& policy,
                                               const OfferAnswerPlan& previous) {
  if (offer.media.size() < previous.lines.size())
    return MakeUnexpected(
        OfferError{fmt::format("the offer has {} m= lines, the session {} (RFC 3264 §8: lines are "
                               "never removed, only disabled with port 0)",
                               offer.media.size(), previous.lines.size())});
  std::vector<LineDecision> decisions;
  for (const MediaDescription& m : offer.media)
    decisions.push_back(PlanLine(offer, m, policy));

  OfferAnswerPlan plan;
  plan.request = previous.request;
  plan.lines.resize(offer.media.size());
  bool have_audio = false, have_video = false;
  bool any = false;
  // Lines that carried a stream keep it (updated, or stopped when refused now).
  for (size_t i = 0; i < previous.lines.size(); ++i) {
    const MediaLinePlan& before = previous.lines[i];
    MediaLinePlan& line = plan.lines[i];
    if (!before.accepted) continue;
    MediaStreamRequest& stream = plan.request.streams[before.stream];
    LineDecision& d = decisions[i];
    if (d.ok && d.stream.kind == stream.kind) {
      (stream.kind == MediaKind::kAudio ? have_audio : have_video) = true;
      line.accepted = true;
      line.stream = before.stream;
      line.answer = std::move(d.answer);
      stream = std::move(d.stream);
      any = true;
    } else {
      line.reason = d.ok ? "the line changed its media type" : std::move(d.reason);
      stream.remote_rtp_port = 0;
      stream.send = stream.receive = false;
    }
  }
  // Other lines may start a stream of a kind the session does not have yet.
  for (size_t i = 0; i < offer.media.size(); ++i) {
    if (i < previous.lines.size() && previous.lines[i].accepted) continue;
    MediaLinePlan& line = plan.lines[i];
    LineDecision& d = decisions[i];
    if (!d.ok) {
      line.reason = std::move(d.reason);
      continue;
    }
    bool& have = d.stream.kind == MediaKind::kAudio ? have_audio : have_video;
    if (have) {
      line.reason = fmt::format("only one {} stream per participant", offer.media[i].media);
      continue;
    }
    have = true;
    line.accepted = true;
    line.stream = plan.request.streams.size();
    line.answer = std::move(d.answer);
    plan.request.streams.push_back(std::move(d.stream));
    any = true;
  }
  if (!any) return MakeUnexpected(OfferError{NothingUsable(offer, plan.lines)});
  return plan;
}

std::string BuildAnswer(const SessionDescription& offer, const OfferAnswerPlan& plan,
                        const mcu::ParticipantResult& result, const AnswerIdentity& identity) {
  std::string session_address;
  for (const MediaLinePlan& line : plan.lines) {
    if (line.accepted && line.stream < result.streams.size()) {
      session_address = result.streams[line.stream].local_address;
      break;
    }
  }
  SessionDescription a = SessionFor(identity, session_address);
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& o = offer.media[i];
    MediaDescription m;
    m.media = o.media;
    m.protocol = o.protocol;
    m.mid = o.mid;  // RFC 5888 §9.1: the answer keeps the offer's identification
    const MediaLinePlan* line = i < plan.lines.size() ? &plan.lines[i] : nullptr;
    const bool accepted =
        line && line->accepted && line->stream < plan.request.streams.size() && line->stream < result.streams.size();
    if (!accepted) {
      // RFC 3264 §6: port 0 and at least one format; the offer's list is the safe choice.
      m.port = 0;
      m.formats = o.formats.empty() ? std::vector<std::string>{"0"} : o.formats;
      a.media.push_back(std::move(m));
      continue;
    }
    const MediaStreamRequest& req = plan.request.streams[line->stream];
    const mcu::MediaStreamResult& res = result.streams[line->stream];
    m.port = res.local_rtp_port;
    if (!res.local_address.empty() && res.local_address != session_address)
      m.connections.push_back(ConnectionFor(res.local_address));
    AddBandwidth(m, req.kind == MediaKind::kAudio ? identity.audio_bitrate_bps : identity.video_bitrate_bps);
    AddFormat(m, req.payload_type, line->answer);
    if (req.telephone_event_payload_type) {
      Capability event{.codec = CodecId::kTelephoneEvent, .clock_rate = req.telephone_event_clock_rate};
      AddFormat(m, *req.telephone_event_payload_type, event);
    }
    AddFeedback(m, req.payload_type, req);
    if (req.rtcp_mux) {
      m.rtcp_mux = true;
    } else if (res.local_rtcp_port != 0 && res.local_rtcp_port != res.local_rtp_port + 1) {
      m.rtcp = RtcpAddress{res.local_rtcp_port, std::nullopt};
    }
    if (req.kind == MediaKind::kAudio && o.ptime) m.ptime = static_cast<uint32_t>(req.ptime_ms);
    if (res.srtp) m.cryptos.push_back({res.srtp->tag, res.srtp->suite, res.srtp->key_params, ""});
    m.direction = Answered(offer.EffectiveDirection(o));
    a.media.push_back(std::move(m));
  }
  return SerializeSdp(a);
}

mcu::ParticipantRequest OfferRequest(const OfferOptions& options) {
  mcu::ParticipantRequest request;
  auto add = [&](MediaKind kind, const std::vector<Capability>& caps) {
    if (caps.empty()) return;
    const std::vector<OfferFormat> formats = OfferFormats(caps);
    MediaStreamRequest s;
    s.kind = kind;
    s.receive = true;
    s.send = false;  // nothing to send to before the answer
    s.payload_type = formats.front().payload_type;
    s.format = formats.front().capability;
    if (kind == MediaKind::kAudio) s.telephone_event_payload_type = kEventPt8k;
    if (options.policy.srtp_required) s.srtp = mcu::SrtpRequest{1, std::string(kSrtpSuites[0]), ""};
    request.streams.push_back(std::move(s));
  };
  add(MediaKind::kAudio, options.policy.audio);
  if (options.video) add(MediaKind::kVideo, options.policy.video);
  return request;
}

std::string BuildOffer(const OfferOptions& options, const mcu::ParticipantResult& result,
                       const AnswerIdentity& identity) {
  SessionDescription s = SessionFor(identity, result.streams.empty() ? "" : result.streams.front().local_address);
  const bool audio = !options.policy.audio.empty();
  for (size_t i = 0; i < result.streams.size(); ++i) {
    const bool is_audio = audio && i == 0;
    const mcu::MediaStreamResult& res = result.streams[i];
    MediaDescription m;
    m.media = is_audio ? "audio" : "video";
    m.port = res.local_rtp_port;
    // Plain AVP with rtcp-fb, as baresip and linphone offer: legacy endpoints refuse AVPF.
    m.protocol = res.srtp ? "RTP/SAVP" : "RTP/AVP";
    if (res.local_address != s.connection->address) m.connections.push_back(ConnectionFor(res.local_address));
    AddBandwidth(m, is_audio ? identity.audio_bitrate_bps : identity.video_bitrate_bps);
    for (const OfferFormat& f : OfferFormats(is_audio ? options.policy.audio : options.policy.video)) {
      AddFormat(m, f.payload_type, f.capability);
      if (!is_audio) {
        MediaStreamRequest fb;
        fb.nack = fb.pli = fb.fir = fb.tmmbr = true;
        AddFeedback(m, f.payload_type, fb);
      }
    }
    if (is_audio) {
      AddFormat(m, kEventPt8k, {.codec = CodecId::kTelephoneEvent, .clock_rate = 8000});
      AddFormat(m, kEventPt48k, {.codec = CodecId::kTelephoneEvent, .clock_rate = 48000});
      m.ptime = 20;
    }
    if (res.local_rtcp_port != 0 && res.local_rtcp_port != res.local_rtp_port + 1)
      m.rtcp = RtcpAddress{res.local_rtcp_port, std::nullopt};
    if (res.srtp) m.cryptos.push_back({res.srtp->tag, res.srtp->suite, res.srtp->key_params, ""});
    m.direction = Direction::kSendRecv;
    s.media.push_back(std::move(m));
  }
  return SerializeSdp(s);
}

Result<OfferAnswerPlan, OfferError> PlanFromAnswer(const SessionDescription& our_offer,
                                                   const SessionDescription& answer, const AnswerPolicy& policy) {
  if (answer.media.size() != our_offer.media.size())
    return MakeUnexpected(OfferError{fmt::format("the answer has {} m= lines for our {} (RFC 3264 §6)",
                                                 answer.media.size(), our_offer.media.size())});
  OfferAnswerPlan plan;
  bool any = false;
  for (size_t i = 0; i < answer.media.size(); ++i) {
    const MediaDescription& ours = our_offer.media[i];
    const MediaDescription& theirs = answer.media[i];
    MediaLinePlan line;
    line.stream = plan.request.streams.size();
    LineDecision d = theirs.media == ours.media ? PlanLine(answer, theirs, policy)
                                                : Refuse("the answer changed the media type of the line");
    // The answer may only use formats we offered (RFC 3264 §6.1).
    if (d.ok && std::find(ours.formats.begin(), ours.formats.end(), std::to_string(d.stream.payload_type)) ==
                    ours.formats.end())
      d = Refuse(fmt::format("payload type {} was not in our offer", d.stream.payload_type));
    if (d.ok) {
      line.accepted = true;
      line.answer = std::move(d.answer);
      plan.request.streams.push_back(std::move(d.stream));
      any = true;
    } else {
      // Refused (port 0) or unusable: the stream reserved for the line stops.
      line.reason = std::move(d.reason);
      MediaStreamRequest stopped;
      stopped.kind = ours.media == "video" ? MediaKind::kVideo : MediaKind::kAudio;
      stopped.receive = stopped.send = false;
      plan.request.streams.push_back(std::move(stopped));
    }
    plan.lines.push_back(std::move(line));
  }
  if (!any) return MakeUnexpected(OfferError{NothingUsable(answer, plan.lines)});
  return plan;
}

}  // namespace tessera::signaling::sdp
