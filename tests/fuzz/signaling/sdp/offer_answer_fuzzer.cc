// Any parsed SDP given to PlanAnswer yields a plan or a reason; a plan has one line per m=
// line and one stream per accepted line; its answer parses again with the same number of
// m= lines; a re-offer of the same SDP updates the plan without moving streams; and the
// offer read as an answer to itself never crashes PlanFromAnswer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tessera/signaling/sdp/offer_answer.h"

namespace sdp = tessera::signaling::sdp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto offer = sdp::ParseSdp(text);
  if (!offer) return 0;
  const sdp::AnswerPolicy policy;
  auto plan = sdp::PlanAnswer(*offer, policy);
  (void)sdp::PlanFromAnswer(*offer, *offer, policy);
  if (!plan) {
    if (plan.error().reason.empty()) __builtin_trap();
    return 0;
  }
  if (plan->lines.size() != offer->media.size() || plan->request.streams.empty()) __builtin_trap();
  tessera::mcu::ParticipantResult result{"p", "r", {}};
  for (size_t i = 0; i < plan->request.streams.size(); ++i) {
    tessera::mcu::MediaStreamResult s{"127.0.0.1", static_cast<uint16_t>(20000 + 2 * i),
                                      static_cast<uint16_t>(20001 + 2 * i), 1, plan->request.streams[i].srtp};
    result.streams.push_back(s);
  }
  const std::string answer = sdp::BuildAnswer(*offer, *plan, result, {});
  auto parsed = sdp::ParseSdp(answer);
  if (!parsed || parsed->media.size() != offer->media.size()) __builtin_trap();
  auto again = sdp::PlanUpdate(*offer, policy, *plan);
  if (!again || again->request.streams.size() != plan->request.streams.size()) __builtin_trap();
  return 0;
}
