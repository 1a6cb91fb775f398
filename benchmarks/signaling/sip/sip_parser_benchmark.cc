// Messages per second through the SIP parser and serializer, and SDP per second through
// theirs, on what the server sees most: an INVITE from a softphone (baresip 1.0.0 as
// captured on loopback, SDP with Opus/G.722/G.711 and two H.264 modes), its 200 OK, and
// OPTIONS probes.
#include <benchmark/benchmark.h>

#include <string>

#include "tessera/signaling/sdp/session_description.h"
#include "tessera/signaling/sip/parser.h"

namespace {

std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const std::string kSdp = Crlf(R"(v=0
o=- 197853896 414322715 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
a=tool:baresip 1.0.0
m=audio 10014 RTP/AVP 96 9 0 8 101
a=rtpmap:96 opus/48000/2
a=fmtp:96 stereo=1;sprop-stereo=1;maxaveragebitrate=32000
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
a=label:1
a=rtcp-rsize
a=ssrc:678476212 cname:sip:alice@127.0.0.1:5160
a=minptime:20
a=ptime:20
m=video 10010 RTP/AVP 96 97 34 98 99
a=rtpmap:96 H264/90000
a=fmtp:96 packetization-mode=0;profile-level-id=42e01f
a=rtpmap:97 H264/90000
a=fmtp:97 packetization-mode=1;profile-level-id=42e01f
a=rtpmap:34 H263/90000
a=fmtp:34 CIF=1;CIF4=1
a=rtpmap:98 MP4V-ES/90000
a=fmtp:98 profile-level-id=3
a=rtpmap:99 H265/90000
a=fmtp:99 profile-id=1
a=sendrecv
a=label:2
a=rtcp-rsize
a=ssrc:2768324089 cname:sip:alice@127.0.0.1:5160
a=framerate:25.00
a=rtcp-fb:* nack pli
a=content:main
)");

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
