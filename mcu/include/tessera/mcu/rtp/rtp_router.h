#pragma once
// Routes incoming RTP packets to the stream that consumes them, by (socket, SSRC, payload
// type) — never by SSRC alone: several endpoints may send the same SSRC (every SIPp leg
// replaying one pcap does), and one endpoint sends several payload types on one SSRC
// (audio and telephone-event, or two H.264 packetization modes).
//
// A consumer ("sink") is bound to the payload types negotiated for it on a socket. The
// first SSRC seen with one of them latches the sink; packets with another SSRC are
// refused (kUnknownSsrc) unless the latched one has been silent for `ssrc_switch_after`,
// in which case the sink moves to the new SSRC and the result says so (a sender restarted,
// or an H.323 endpoint reopened its channel). Explicit SSRCs (SDP a=ssrc) can also be
// bound; they are checked first and never re-latch.
//
// Lookups are array indexing (socket id, payload type) plus one compare: no hashing, no
// allocation. Sockets are small dense ids handed out by the transport layer.
//
// Thread safety: configured and used on the network thread that owns the sockets.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "tessera/mcu/rtp/drop_counters.h"
#include "tessera/mcu/rtp/ntp_time.h"

namespace tessera::mcu::rtp {

using SocketId = uint32_t;
using SinkId = uint32_t;

struct RtpRouterConfig {
  size_t max_sockets = 4096;
  std::chrono::milliseconds ssrc_switch_after{1000};
};

struct RouteResult {
  SinkId sink = 0;
  bool new_ssrc = false;  // first packet of this SSRC for the sink (start or re-latch)
};

class RtpRouter {
 public:
  explicit RtpRouter(const RtpRouterConfig& config = {});

  // Binds payload type `payload_type` on `socket` to `sink` (latching its SSRC). Several
  // payload types may share a sink. False if the socket id or payload type is out of range.
  bool AddPayloadType(SocketId socket, uint8_t payload_type, SinkId sink);
  // Binds an explicit SSRC (with any of the sink's payload types, or `payload_type`).
  bool AddSsrc(SocketId socket, uint32_t ssrc, uint8_t payload_type, SinkId sink);
  void RemoveSocket(SocketId socket);

  // The sink for a packet, or null with the reason counted in `drops`.
  std::optional<RouteResult> Route(SocketId socket, uint32_t ssrc, uint8_t payload_type, TimePoint now,
                                   DropCounters& drops);
  // The SSRC a sink latched on a socket, if any.
  std::optional<uint32_t> LatchedSsrc(SocketId socket, SinkId sink) const;

 private:
  struct Latch {
    SinkId sink = 0;
    bool latched = false;
    uint32_t ssrc = 0;
    TimePoint last_seen{};
  };
  struct ExplicitSsrc {
    uint32_t ssrc = 0;
    uint8_t payload_type = 0;
    SinkId sink = 0;
  };
  struct SocketRoutes {
    bool active = false;
    std::array<int16_t, 128> latch_of_payload_type;  // index into latches, -1: none
    std::vector<Latch> latches;
    std::vector<ExplicitSsrc> explicit_ssrcs;
  };
  SocketRoutes* Routes(SocketId socket);

  RtpRouterConfig config_;
  std::vector<SocketRoutes> sockets_;
};

}  // namespace tessera::mcu::rtp
