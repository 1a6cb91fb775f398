#pragma once
// GET /healthz: liveness for load balancers and orchestrators. Always 200 with
// {"status":"ok","name":...,"version":...,"uptime_seconds":...,"libraries":{...}} while
// the control loop runs; a hung control loop shows as a timeout.

#include "tessera/mcu/control.h"
#include "tessera/signaling/http/router.h"

namespace tessera::signaling::api {

// `control` is not owned and must outlive the router.
void RegisterHealthRoutes(http::Router& router, const mcu::ConferenceControl& control);

}  // namespace tessera::signaling::api
