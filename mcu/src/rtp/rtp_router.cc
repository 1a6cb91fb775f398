#include "tessera/mcu/rtp/rtp_router.h"

namespace tessera::mcu::rtp {

RtpRouter::RtpRouter(const RtpRouterConfig& config) : config_(config) {}

RtpRouter::SocketRoutes* RtpRouter::Routes(SocketId socket) {
  if (socket >= config_.max_sockets) return nullptr;
  if (socket >= sockets_.size()) sockets_.resize(socket + 1);  // configuration time only
  SocketRoutes& r = sockets_[socket];
  if (!r.active) {
    r.active = true;
    r.latch_of_payload_type.fill(-1);
    r.latches.clear();
    r.explicit_ssrcs.clear();
  }
  return &r;
}

bool RtpRouter::AddPayloadType(SocketId socket, uint8_t payload_type, SinkId sink) {
  if (payload_type > 127) return false;
  SocketRoutes* r = Routes(socket);
  if (!r) return false;
  // Payload types of one sink share its latch.
  int16_t index = -1;
  for (size_t i = 0; i < r->latches.size(); ++i) {
    if (r->latches[i].sink == sink) index = static_cast<int16_t>(i);
  }
  if (index < 0) {
    r->latches.push_back(Latch{sink});
    index = static_cast<int16_t>(r->latches.size() - 1);
  }
  r->latch_of_payload_type[payload_type] = index;
  return true;
}

bool RtpRouter::AddSsrc(SocketId socket, uint32_t ssrc, uint8_t payload_type, SinkId sink) {
  if (payload_type > 127) return false;
  SocketRoutes* r = Routes(socket);
  if (!r) return false;
  r->explicit_ssrcs.push_back(ExplicitSsrc{ssrc, payload_type, sink});
  return true;
}

void RtpRouter::RemoveSocket(SocketId socket) {
  if (socket < sockets_.size()) {
    sockets_[socket].active = false;
    sockets_[socket].latches.clear();
    sockets_[socket].explicit_ssrcs.clear();
  }
}

std::optional<RouteResult> RtpRouter::Route(SocketId socket, uint32_t ssrc, uint8_t payload_type, TimePoint now,
                                            DropCounters& drops) {
  if (socket >= sockets_.size() || !sockets_[socket].active || payload_type > 127) {
    drops.Add(DropReason::kUnknownPayloadType);
    return std::nullopt;
  }
  SocketRoutes& r = sockets_[socket];
  for (const ExplicitSsrc& e : r.explicit_ssrcs) {
    if (e.ssrc == ssrc && e.payload_type == payload_type) return RouteResult{e.sink, false};
  }
  const int16_t index = r.latch_of_payload_type[payload_type];
  if (index < 0) {
    drops.Add(DropReason::kUnknownPayloadType);
    return std::nullopt;
  }
  Latch& latch = r.latches[static_cast<size_t>(index)];
  if (latch.latched && latch.ssrc == ssrc) {
    latch.last_seen = now;
    return RouteResult{latch.sink, false};
  }
  if (latch.latched && now - latch.last_seen < config_.ssrc_switch_after) {
    drops.Add(DropReason::kUnknownSsrc);
    return std::nullopt;
  }
  latch.latched = true;
  latch.ssrc = ssrc;
  latch.last_seen = now;
  return RouteResult{latch.sink, true};
}

std::optional<uint32_t> RtpRouter::LatchedSsrc(SocketId socket, SinkId sink) const {
  if (socket >= sockets_.size() || !sockets_[socket].active) return std::nullopt;
  for (const Latch& l : sockets_[socket].latches) {
    if (l.sink == sink && l.latched) return l.ssrc;
  }
  return std::nullopt;
}

}  // namespace tessera::mcu::rtp
