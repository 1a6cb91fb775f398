// Cost of one SDP offer/answer on the control thread: parse the offer, PlanAnswer (codec
// negotiation included), BuildAnswer, for offers captured from baresip and ffmpeg and a
// Poly-style room-system offer with four m= lines.
#include <benchmark/benchmark.h>

#include "sdp/real_offers.h"
#include "tessera/signaling/sdp/offer_answer.h"

namespace sdp = tessera::signaling::sdp;

namespace {

void OfferAnswer(benchmark::State& state, const char* text) {
  const sdp::AnswerPolicy policy;
  for (auto _ : state) {
    auto offer = sdp::ParseSdp(text);
    auto plan = sdp::PlanAnswer(*offer, policy);
    tessera::mcu::ParticipantResult result{"p", "1000", {}};
    for (size_t i = 0; i < plan->request.streams.size(); ++i)
      result.streams.push_back(
          {"192.0.2.10", static_cast<uint16_t>(40000 + 2 * i), static_cast<uint16_t>(40001 + 2 * i), 1, std::nullopt});
    std::string answer = sdp::BuildAnswer(*offer, *plan, result, {});
    benchmark::DoNotOptimize(answer);
  }
}

}  // namespace

BENCHMARK_CAPTURE(OfferAnswer, baresip, sdp::testing::kBaresipOffer);
BENCHMARK_CAPTURE(OfferAnswer, ffmpeg, sdp::testing::kFfmpegOffer);
BENCHMARK_CAPTURE(OfferAnswer, poly_style, sdp::testing::kPolyStyleOffer);
BENCHMARK_MAIN();
