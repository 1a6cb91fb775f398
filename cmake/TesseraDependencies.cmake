# Every dependency comes from a Debian 12 package. When one is missing, configure stops
# and names the package to install (scripts/setup installs them all).

find_package(PkgConfig REQUIRED)

# tessera_require_pkg(<target-name> <pkg-config module> <debian package>)
function(tessera_require_pkg name module debian_package)
  pkg_check_modules(${name} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "Missing dependency '${module}'. Install it with: "
                        "apt-get install ${debian_package}  (or run scripts/setup)")
  endif()
  add_library(tessera::${name} ALIAS PkgConfig::${name})
  message(STATUS "Found ${module} ${${name}_VERSION}")
endfunction()

# tessera_require_package(<find_package name> <debian package> [find_package args...])
macro(tessera_require_package name debian_package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "Missing dependency '${name}'. Install it with: "
                        "apt-get install ${debian_package}  (or run scripts/setup)")
  endif()
endmacro()

tessera_require_pkg(avcodec libavcodec libavcodec-dev)
tessera_require_pkg(avformat libavformat libavformat-dev)
# Only benchmarks/mixer/compare_compositor links libavfilter: FFmpeg's filter graph is the
# peer the compositor is measured against. tessera_mixer itself never uses FFmpeg.
tessera_require_pkg(avfilter libavfilter libavfilter-dev)
tessera_require_pkg(avutil libavutil libavutil-dev)
tessera_require_pkg(swscale libswscale libswscale-dev)
tessera_require_pkg(swresample libswresample libswresample-dev)
tessera_require_pkg(opus opus libopus-dev)
tessera_require_pkg(x264 x264 libx264-dev)
tessera_require_pkg(openh264 openh264 libopenh264-dev)
tessera_require_pkg(srtp2 libsrtp2 libsrtp2-dev)
tessera_require_pkg(freetype freetype2 libfreetype-dev)
# The layout preview's PNG (deflate and CRC-32 of the IDAT/chunks).
tessera_require_pkg(zlib zlib zlib1g-dev)

# libyuv ships neither a pkg-config file nor a CMake package in Debian 12.
find_path(LIBYUV_INCLUDE_DIR libyuv.h)
find_library(LIBYUV_LIBRARY yuv)
if(NOT LIBYUV_INCLUDE_DIR OR NOT LIBYUV_LIBRARY)
  message(FATAL_ERROR "Missing dependency 'libyuv'. Install it with: "
                      "apt-get install libyuv-dev  (or run scripts/setup)")
endif()
add_library(tessera::yuv UNKNOWN IMPORTED GLOBAL)
set_target_properties(tessera::yuv PROPERTIES
  IMPORTED_LOCATION "${LIBYUV_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${LIBYUV_INCLUDE_DIR}")
message(STATUS "Found libyuv ${LIBYUV_LIBRARY}")

tessera_require_package(Boost libboost-dev 1.74)
tessera_require_package(spdlog libspdlog-dev)
tessera_require_package(fmt libfmt-dev)
tessera_require_package(nlohmann_json nlohmann-json3-dev 3.10)
tessera_require_package(OpenSSL libssl-dev)
tessera_require_package(Threads libc6-dev)

# toml++ is used header-only (one translation unit), so the fuzz build instruments the
# parser itself rather than calling an uninstrumented shared library.
tessera_require_package(tomlplusplus libtomlplusplus-dev)
find_path(TOMLPLUSPLUS_INCLUDE_DIR toml++/toml.h)
add_library(tessera::tomlplusplus INTERFACE IMPORTED GLOBAL)
set_target_properties(tessera::tomlplusplus PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${TOMLPLUSPLUS_INCLUDE_DIR}"
  INTERFACE_COMPILE_DEFINITIONS "TOML_HEADER_ONLY=1;TOML_ENABLE_FORMATTERS=0")

if(TESSERA_BUILD_TESTS)
  tessera_require_package(GTest "libgtest-dev libgmock-dev")
  include(GoogleTest)
  enable_testing()
endif()
if(TESSERA_BUILD_BENCHMARKS)
  tessera_require_package(benchmark libbenchmark-dev)
endif()
