// SRTP protect and unprotect per packet, for each suite, at audio (160-byte) and video
// (1200-byte) payload sizes. The peer is libsrtp called directly with the same policy in
// the same run: the difference is what Tessera's wrapper costs.
//   build/release/benchmarks/mcu/rtp/srtp_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <srtp2/srtp.h>

#include <array>
#include <vector>

#include "tessera/mcu/rtp/rtp_packet.h"
#include "tessera/mcu/rtp/srtp_session.h"

namespace {

using namespace tessera::mcu::rtp;

SrtpKeyMaterial Keys(SrtpSuite suite) {
  std::array<uint8_t, 30> key{};
  for (size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<uint8_t>(i * 7 + 3);
  return SrtpKeyMaterial{suite, SecretBytes(std::span(key).first(SrtpKeySaltSize(suite))), std::nullopt};
}

std::vector<uint8_t> Packet(size_t payload) {
  std::vector<uint8_t> p(12 + payload + SrtpSession::kMaxTrailer, 0x5A);
  WriteRtpHeader(RtpHeader{.payload_type = 96, .ssrc = 0x1234}, p);
  return p;
}

void BM_SrtpProtect(benchmark::State& state, SrtpSuite suite) {
  auto session = std::move(*SrtpSession::Create(SrtpSession::Direction::kOutbound, Keys(suite)));
  const size_t size = 12 + static_cast<size_t>(state.range(0));
  auto packet = Packet(static_cast<size_t>(state.range(0)));
  uint16_t seq = 0;
  for (auto _ : state) {
    RewriteRtpHeader(packet, seq++, 0, 0x1234);
    auto n = session->ProtectRtp(packet, size);
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(size));
}

void BM_SrtpUnprotect(benchmark::State& state, SrtpSuite suite) {
  auto tx = std::move(*SrtpSession::Create(SrtpSession::Direction::kOutbound, Keys(suite)));
  auto rx = std::move(*SrtpSession::Create(SrtpSession::Direction::kInbound, Keys(suite)));
  const size_t size = 12 + static_cast<size_t>(state.range(0));
  // A window of protected packets, re-protected with new sequence numbers as they are
  // used (outside the timing), so the replay check always passes.
  constexpr size_t kWindow = 256;
  std::vector<std::vector<uint8_t>> packets;
  std::vector<size_t> sizes;
  uint16_t seq = 0;
  for (size_t i = 0; i < kWindow; ++i) {
    packets.push_back(Packet(static_cast<size_t>(state.range(0))));
    RewriteRtpHeader(packets.back(), seq++, 0, 0x1234);
    sizes.push_back(*tx->ProtectRtp(packets.back(), size));
  }
  std::vector<uint8_t> work(packets[0].size());
  size_t i = 0;
  for (auto _ : state) {
    std::copy(packets[i].begin(), packets[i].begin() + static_cast<long>(sizes[i]), work.begin());
    auto n = rx->UnprotectRtp(std::span(work).first(sizes[i]));
    if (!n) state.SkipWithError("unprotect failed");
    state.PauseTiming();
    RewriteRtpHeader(packets[i], seq++, 0, 0x1234);
    std::fill(packets[i].begin() + 12, packets[i].end(), 0x5A);
    sizes[i] = *tx->ProtectRtp(packets[i], size);
    state.ResumeTiming();
    i = (i + 1) % kWindow;
  }
  state.SetItemsProcessed(state.iterations());
}

// The peer: libsrtp's srtp_protect with the same policy, no wrapper.
void BM_LibsrtpProtectDirect(benchmark::State& state, SrtpSuite suite) {
  // SrtpSession initialised libsrtp already (the benchmarks above run first).
  (void)SrtpSession::Create(SrtpSession::Direction::kOutbound, Keys(suite));
  srtp_policy_t policy{};
  switch (suite) {
    case SrtpSuite::kAesCm128HmacSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      break;
    case SrtpSuite::kAesCm128HmacSha1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      break;
    case SrtpSuite::kAeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      break;
  }
  policy.rtcp = policy.rtp;
  const SrtpKeyMaterial keys = Keys(suite);
  std::array<uint8_t, 32> key{};
  std::copy(keys.key_salt.bytes().begin(), keys.key_salt.bytes().end(), key.begin());
  policy.key = key.data();
  policy.ssrc.type = ssrc_any_outbound;
  policy.window_size = 1024;
  policy.allow_repeat_tx = 1;
  srtp_t session = nullptr;
  if (srtp_create(&session, &policy) != srtp_err_status_ok) {
    state.SkipWithError("srtp_create failed");
    return;
  }
  const int size = 12 + static_cast<int>(state.range(0));
  auto packet = Packet(static_cast<size_t>(state.range(0)));
  uint16_t seq = 0;
  for (auto _ : state) {
    RewriteRtpHeader(packet, seq++, 0, 0x1234);
    int len = size;
    benchmark::DoNotOptimize(srtp_protect(session, packet.data(), &len));
  }
  srtp_dealloc(session);
  state.SetItemsProcessed(state.iterations());
}

void Register() {
  for (auto [suite, name] : {std::pair{SrtpSuite::kAesCm128HmacSha1_80, "AES_CM_128_HMAC_SHA1_80"},
                             std::pair{SrtpSuite::kAesCm128HmacSha1_32, "AES_CM_128_HMAC_SHA1_32"},
                             std::pair{SrtpSuite::kAeadAes128Gcm, "AEAD_AES_128_GCM"}}) {
    benchmark::RegisterBenchmark((std::string("BM_SrtpProtect/") + name).c_str(), BM_SrtpProtect, suite)
        ->Arg(160)
        ->Arg(1200);
    benchmark::RegisterBenchmark((std::string("BM_SrtpUnprotect/") + name).c_str(), BM_SrtpUnprotect, suite)
        ->Arg(160)
        ->Arg(1200);
    benchmark::RegisterBenchmark((std::string("BM_LibsrtpProtectDirect/") + name).c_str(), BM_LibsrtpProtectDirect,
                                 suite)
        ->Arg(160)
        ->Arg(1200);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Register();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
