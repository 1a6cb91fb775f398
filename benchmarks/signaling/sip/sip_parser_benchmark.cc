// Messages per second through the SIP parser and serializer, and SDP per second through
// theirs, on what the server sees most: an INVITE from a softphone (baresip 1.0.0 as
// captured on loopback, SDP with Opus/G.722/G.711 and two H.264 modes), its 200 OK, and
// OPTIONS probes.
#include <benchmark/benchmark.h>

#include <string>

#include "tessera/signaling/sdp/session_description.h"
#include "tessera/signaling/sip/parser.h"
#include "real_offers.h"

namespace {

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// baresip 1.0.0's offer, as captured for the offer/answer tests.
const std::string kSdp = Crlf(tessera::signaling::sdp::testing::kBaresipOffer);

const std::string kInvite = Crlf(R"(INVITE sip:1000@127.0.0.1:5060 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5160;branch=z9hG4bK2878f2bb307dbda1;rport
Contact: <sip:alice-0x56155748f410@127.0.0.1:5160>
Max-Forwards: 70
To: <sip:1000@127.0.0.1:5060>
From: <sip:alice@127.0.0.1:5160>;tag=86990cb2a9ea5c29
Call-ID: a5028afc9ca80cca
CSeq: 26241 INVITE
User-Agent: baresip v1.0.0 (x86_64/linux)
Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,REFER
Supported: gruu
Content-Type: application/sdp
Content-Length: )") + std::to_string(kSdp.size()) +
                            "\r\n\r\n" + kSdp;

const std::string kOptions = Crlf(R"(OPTIONS sip:127.0.0.1:5060 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK0a7c.4f1e2b3a000000000000000000000000.0
To: <sip:127.0.0.1:5060>
From: <sip:dispatcher@localhost>;tag=e1b3d8f1
CSeq: 10 OPTIONS
Call-ID: 4fd85b8a2b1e3c4d-12345@127.0.0.1
Max-Forwards: 70
Content-Length: 0

)");

void BM_ParseInvite(benchmark::State& state) {
  for (auto _ : state) {
    auto m = tessera::signaling::sip::ParseMessage(kInvite);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kInvite.size()));
}
BENCHMARK(BM_ParseInvite);

void BM_ParseOptions(benchmark::State& state) {
  for (auto _ : state) {
    auto m = tessera::signaling::sip::ParseMessage(kOptions);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseOptions);

void BM_SerializeInvite(benchmark::State& state) {
  const auto m = tessera::signaling::sip::ParseMessage(kInvite);
  for (auto _ : state) {
    std::string s = m->ToString();
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializeInvite);

void BM_ParseSdp(benchmark::State& state) {
  for (auto _ : state) {
    auto s = tessera::signaling::sdp::ParseSdp(kSdp);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseSdp);

void BM_SerializeSdp(benchmark::State& state) {
  const auto s = tessera::signaling::sdp::ParseSdp(kSdp);
  for (auto _ : state) {
    std::string text = tessera::signaling::sdp::SerializeSdp(*s);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializeSdp);

}  // namespace

BENCHMARK_MAIN();
