#include "tessera/base/cpu_features.h"

#include <cpuid.h>

#include <cstdlib>

#include "tessera/base/log.h"

namespace tessera {
namespace {

constexpr log::Component kLog{"cpu"};

struct CpuidRegs {
  uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

CpuidRegs Cpuid(uint32_t leaf, uint32_t subleaf) {
  CpuidRegs r;
  __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
  return r;
}

// XCR0: which register states the OS saves on context switch.
uint64_t ReadXcr0() {
  uint32_t lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

constexpr uint32_t kAllUpTo(CpuFeature f) {
  return (static_cast<uint32_t>(f) << 1) - 1;
}

}  // namespace

std::string CpuFeatures::ToString() const {
  static constexpr struct {
    CpuFeature f;
    const char* name;
  } kNames[] = {{kCpuSse2, "sse2"}, {kCpuSsse3, "ssse3"},   {kCpuSse41, "sse4.1"},         {kCpuAvx, "avx"},
                {kCpuAvx2, "avx2"}, {kCpuAvx512, "avx512"}, {kCpuAvx512Vbmi, "avx512vbmi"}};
  std::string out;
  for (const auto& n : kNames) {
    if (Has(n.f)) {
      if (!out.empty()) out += ' ';
      out += n.name;
    }
  }
  return out.empty() ? "c" : out;
}

CpuFeatures DetectCpuFeatures() {
  uint32_t bits = 0;
  const uint32_t max_leaf = Cpuid(0, 0).eax;
  const CpuidRegs l1 = Cpuid(1, 0);
  if (l1.edx & bit_SSE2) bits |= kCpuSse2;
  if (l1.ecx & bit_SSSE3) bits |= kCpuSsse3;
  if (l1.ecx & bit_SSE4_1) bits |= kCpuSse41;

  const bool osxsave = (l1.ecx & bit_OSXSAVE) != 0;
  const uint64_t xcr0 = osxsave ? ReadXcr0() : 0;
  const bool ymm_state = (xcr0 & 0x6) == 0x6;    // SSE + AVX state
  const bool zmm_state = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM_Hi256, Hi16_ZMM
  if (ymm_state && (l1.ecx & bit_AVX)) bits |= kCpuAvx;

  if (max_leaf >= 7) {
    const CpuidRegs l7 = Cpuid(7, 0);
    const bool fma = (l1.ecx & bit_FMA) != 0;
    if ((bits & kCpuAvx) && (l7.ebx & bit_AVX2) && fma && (l7.ebx & bit_BMI2)) bits |= kCpuAvx2;
    const uint32_t avx512_needed = bit_AVX512F | bit_AVX512BW | bit_AVX512VL | bit_AVX512DQ;
    if ((bits & kCpuAvx2) && zmm_state && (l7.ebx & avx512_needed) == avx512_needed) {
      bits |= kCpuAvx512;
      if (l7.ecx & bit_AVX512VBMI) bits |= kCpuAvx512Vbmi;
    }
  }
  return CpuFeatures(bits);
}

std::optional<uint32_t> ParseCpuMask(std::string_view text) {
  if (text == "c" || text == "C" || text == "none" || text == "scalar") return 0u;
  if (text == "sse2") return kAllUpTo(kCpuSse2);
  if (text == "ssse3") return kAllUpTo(kCpuSsse3);
  if (text == "sse4.1" || text == "sse41") return kAllUpTo(kCpuSse41);
  if (text == "avx") return kAllUpTo(kCpuAvx);
  if (text == "avx2") return kAllUpTo(kCpuAvx2);
  if (text == "avx512") return kAllUpTo(kCpuAvx512);
  if (text == "avx512vbmi" || text == "all") return kAllUpTo(kCpuAvx512Vbmi);
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    uint32_t value = 0;
    for (char c : text.substr(2)) {
      uint32_t digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return std::nullopt;
      if (value > 0x0fffffffu) return std::nullopt;
      value = value * 16 + digit;
    }
    return value;
  }
  return std::nullopt;
}

CpuFeatures GetCpuFeatures() {
  static const CpuFeatures features = [] {
    const CpuFeatures detected = DetectCpuFeatures();
    const char* env = std::getenv("TESSERA_CPU_MASK");
    if (env == nullptr || *env == '\0') return detected;
    const std::optional<uint32_t> mask = ParseCpuMask(env);
    if (!mask) {
      TLOG_WARN(kLog,
                "TESSERA_CPU_MASK='{}' is not understood (expected c, sse2, ssse3, sse4.1, "
                "avx, avx2, avx512, avx512vbmi or 0x<hex>); using the C kernels only",
                env);
      return CpuFeatures(0);
    }
    return detected.Masked(*mask);
  }();
  return features;
}

}  // namespace tessera
