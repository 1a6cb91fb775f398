#pragma once
// CPU feature detection for run-time kernel dispatch (style.md practice 1).
//
// Features are detected once and cached. TESSERA_CPU_MASK caps them so one binary can run
// its whole suite on the C path and on every SIMD path:
//   TESSERA_CPU_MASK=c       C only (no SIMD kernels)
//   TESSERA_CPU_MASK=sse2 | ssse3 | sse4.1 | avx2 | avx512 | avx512vbmi
//                            everything up to and including that level ("all" = every level)
//   TESSERA_CPU_MASK=0x1f    a raw bit mask of CpuFeature values (ANDed with what is detected)
// An unrecognised mask is reported by ParseCpuMask and treated as "c" (safe) by
// GetCpuFeatures, which also logs it once.
//
// Thread safety: every function here may be called from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera {

enum CpuFeature : uint32_t {
  kCpuSse2 = 1u << 0,
  kCpuSsse3 = 1u << 1,
  kCpuSse41 = 1u << 2,
  kCpuAvx = 1u << 3,
  kCpuAvx2 = 1u << 4,    // AVX2 + FMA + BMI2, with OS support for YMM state
  kCpuAvx512 = 1u << 5,  // AVX-512 F + BW + VL + DQ, with OS support for ZMM state
  // kCpuAvx512 + VBMI (byte permutes across a whole register: Ice Lake, Zen 4 and later;
  // not Skylake-SP/Cascade Lake).
  kCpuAvx512Vbmi = 1u << 6,
};

class CpuFeatures {
 public:
  constexpr CpuFeatures() = default;
  constexpr explicit CpuFeatures(uint32_t bits) : bits_(bits) {}

  constexpr bool Has(CpuFeature f) const { return (bits_ & f) == f; }
  constexpr uint32_t bits() const { return bits_; }
  constexpr CpuFeatures Masked(uint32_t mask) const { return CpuFeatures(bits_ & mask); }
  constexpr bool operator==(const CpuFeatures&) const = default;

  // "sse2 ssse3 sse4.1 avx avx2 avx512 avx512vbmi", or "c" when nothing is set.
  std::string ToString() const;

 private:
  uint32_t bits_ = 0;
};

// What this CPU and OS support, ignoring TESSERA_CPU_MASK. Not cached.
CpuFeatures DetectCpuFeatures();

// Parses a TESSERA_CPU_MASK value into a bit mask; nullopt when it is not understood.
std::optional<uint32_t> ParseCpuMask(std::string_view text);

// Detected features capped by TESSERA_CPU_MASK, computed on first call and cached.
CpuFeatures GetCpuFeatures();

}  // namespace tessera
