# Warnings and sanitizers applied to every Tessera target (not to third-party code).

add_library(tessera_compile_options INTERFACE)
target_compile_options(tessera_compile_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12's -Wrestrict/-Wstringop-overflow misfire inside libstdc++ std::string at -O2.
  target_compile_options(tessera_compile_options INTERFACE -Wno-restrict -Wno-stringop-overflow)
endif()

if(TESSERA_SANITIZE)
  set(_san_flags -fsanitize=${TESSERA_SANITIZE} -fno-omit-frame-pointer)
  if(TESSERA_SANITIZE MATCHES "undefined")
    # A UB report is a failure, not a warning that scrolls by.
    list(APPEND _san_flags -fno-sanitize-recover=undefined)
  endif()
  add_compile_options(${_san_flags})
  add_link_options(${_san_flags})
  message(STATUS "Tessera: sanitizers ${TESSERA_SANITIZE}")
endif()

if(TESSERA_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TESSERA_BUILD_FUZZERS needs clang (use the 'fuzz' preset); "
                        "install it with: apt-get install clang libclang-rt-14-dev")
  endif()
  # Libraries get coverage instrumentation; only fuzz executables link libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# ISA flags for the per-ISA kernel files (style.md practice 1). The rest of the code
# stays at the x86-64 baseline; kernels are chosen at run time from cached CPU flags.
set(TESSERA_FLAGS_SSE41 -msse4.1)
set(TESSERA_FLAGS_AVX2 -mavx2 -mfma -mbmi2)
set(TESSERA_FLAGS_AVX512 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma -mbmi2)
set(TESSERA_FLAGS_AVX512VBMI ${TESSERA_FLAGS_AVX512} -mavx512vbmi)
