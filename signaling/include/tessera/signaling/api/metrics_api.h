#pragma once
// GET /metrics (read access): Prometheus text exposition format 0.0.4 — the process (RSS,
// CPU time, uptime), every room's engine counters (ticks, late ticks, the video tick
// duration histogram, frames, packets, forced keyframes), every output's encoder counters,
// and every participant's RTP statistics per media (packets, bytes, loss, jitter, RTT,
// NACK/PLI/FIR, decode errors). Rates (fps, bit/s) are left to PromQL's rate() over the
// counters, as Prometheus intends.
//
// Thread: the control io_context thread (snapshots wait briefly for the media strands).

#include <string>

#include "tessera/mcu/control.h"
#include "tessera/signaling/http/router.h"

namespace tessera::signaling::api {

// `control` is not owned and must outlive the router.
void RegisterMetricsRoutes(http::Router& router, mcu::ConferenceControl& control);

// The exposition text (exposed for tests).
std::string RenderMetrics(mcu::ConferenceControl& control);

}  // namespace tessera::signaling::api
