// Aligned-PER decode and encode of the H.323 messages a call exchanges most: a SETUP UUIE with
// four fast-start proposals, a CONNECT UUIE accepting two, and a 30-capability
// TerminalCapabilitySet (H.245). Messages per second on one core, for the issue's
// "encode and decode rate" figures; the headline line gives ns per PDU for each.
//
//   build/release/benchmarks/signaling/asn1/h323_codec_benchmark
//       --benchmark_repetitions=5 --benchmark_report_aggregates_only=true

#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "h323_samples.h"
#include "tessera/signaling/asn1/per.h"

namespace tessera::signaling {
namespace {

template <typename T>
void BM_Decode(benchmark::State& state, const T& (*make)()) {
  const T& sample = make();
  const auto bytes = asn1::EncodePer(sample).value();
  for (auto _ : state) {
    auto v = asn1::DecodePer<T>(bytes);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
  state.counters["octets"] = static_cast<double>(bytes.size());
}

template <typename T>
void BM_Encode(benchmark::State& state, const T& (*make)()) {
  const T& sample = make();
  std::vector<uint8_t> out;  // capacity reused, as a connection's send buffer would be
  for (auto _ : state) {
    out.clear();
    auto r = asn1::EncodePerTo(sample, out);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// What a received message costs end to end: decode, then encode the answer-sized value.
template <typename T>
void BM_DecodeEncode(benchmark::State& state, const T& (*make)()) {
  const T& sample = make();
  const auto bytes = asn1::EncodePer(sample).value();
  std::vector<uint8_t> out;
  for (auto _ : state) {
    auto v = asn1::DecodePer<T>(bytes);
    out.clear();
    auto r = asn1::EncodePerTo(*v, out);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// A SETUP as call control reads it: the UUIE and then each fast-start proposal inside it
// (OpenLogicalChannel, carried as octet strings).
void BM_DecodeSetupAndProposals(benchmark::State& state, const h225::H323_UserInformation& (*make)()) {
  const auto& sample = make();
  const auto bytes = asn1::EncodePer(sample).value();
  for (auto _ : state) {
    auto v = asn1::DecodePer<h225::H323_UserInformation>(bytes);
    for (const auto& proposal : *v->h323_uu_pdu.h323_message_body.setup()->fastStart) {
      auto olc = asn1::DecodePer<h245::OpenLogicalChannel>(proposal);
      benchmark::DoNotOptimize(olc);
    }
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}

// Built on first use: the samples read constants of another translation unit, whose static
// initialisation may not have run yet when this one's globals are constructed.
const h225::H323_UserInformation& Setup() {
  static const auto v = h323::testing::MakeSetup(4);
  return v;
}
const h225::H323_UserInformation& Connect() {
  static const auto v = h323::testing::MakeConnect(2);
  return v;
}
const h245::MultimediaSystemControlMessage& Tcs() {
  static const auto v = h323::testing::MakeTerminalCapabilitySet(30);
  return v;
}

BENCHMARK_CAPTURE(BM_Decode, SetupFastStart4, Setup);
BENCHMARK_CAPTURE(BM_Encode, SetupFastStart4, Setup);
BENCHMARK_CAPTURE(BM_DecodeEncode, SetupFastStart4, Setup);
BENCHMARK_CAPTURE(BM_DecodeSetupAndProposals, SetupFastStart4, Setup);
BENCHMARK_CAPTURE(BM_Decode, Connect, Connect);
BENCHMARK_CAPTURE(BM_Encode, Connect, Connect);
BENCHMARK_CAPTURE(BM_DecodeEncode, Connect, Connect);
BENCHMARK_CAPTURE(BM_Decode, TerminalCapabilitySet30, Tcs);
BENCHMARK_CAPTURE(BM_Encode, TerminalCapabilitySet30, Tcs);
BENCHMARK_CAPTURE(BM_DecodeEncode, TerminalCapabilitySet30, Tcs);

}  // namespace
}  // namespace tessera::signaling

BENCHMARK_MAIN();
