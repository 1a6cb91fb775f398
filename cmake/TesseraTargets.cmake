# Helpers that keep every folder's CMakeLists.txt short and uniform.

# tessera_library(<name> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# A library with public headers in <folder>/include and private ones beside the sources.
function(tessera_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE tessera_compile_options ${ARG_PRIVATE_DEPS})
endfunction()

# tessera_isa_sources(<target> <ISA: SSE41|AVX2|AVX512|AVX512VBMI> files...)
# Compiles the given kernel files with that ISA's flags only (style.md practice 1).
function(tessera_isa_sources target isa)
  target_sources(${target} PRIVATE ${ARGN})
  set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target}
    PROPERTIES COMPILE_OPTIONS "${TESSERA_FLAGS_${isa}}")
endfunction()

# tessera_test(<name> SOURCES ... DEPS ... [LABELS ...] [TIMEOUT s] [ENVIRONMENT ...])
# A GoogleTest binary; each TEST becomes its own ctest entry.
function(tessera_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;DEPS;LABELS;ENVIRONMENT" ${ARGN})
  if(NOT TESSERA_BUILD_TESTS)
    return()
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 60)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} tessera_test_support GTest::gmock GTest::gtest_main
                                        tessera_compile_options)
  set(properties TIMEOUT ${ARG_TIMEOUT})
  if(ARG_LABELS)
    list(APPEND properties LABELS "${ARG_LABELS}")
  endif()
  if(ARG_ENVIRONMENT)
    list(APPEND properties ENVIRONMENT "${ARG_ENVIRONMENT}")
  endif()
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ${properties})
endfunction()

# tessera_fuzzer(<name> SOURCES ... DEPS ... [CORPUS dir])
# A libFuzzer target, built only by the 'fuzz' preset. scripts/fuzz <name> <seconds> runs it.
function(tessera_fuzzer name)
  cmake_parse_arguments(ARG "" "CORPUS" "SOURCES;DEPS" ${ARGN})
  if(NOT TESSERA_BUILD_FUZZERS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} tessera_compile_options)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()

# tessera_benchmark(<name> SOURCES ... DEPS ...)
function(tessera_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} tessera_test_support benchmark::benchmark
                                        tessera_compile_options)
endfunction()

# tessera_test_cpu_masks(<test target> <mask>...)
# Runs every test of a kernel test binary once more per TESSERA_CPU_MASK value, so the
# whole suite is checked on the C path and on each SIMD path (style.md practice 1).
function(tessera_test_cpu_masks target)
  if(NOT TESSERA_BUILD_TESTS)
    return()
  endif()
  foreach(mask IN LISTS ARGN)
    gtest_discover_tests(${target}
      TEST_SUFFIX ".cpu_mask_${mask}"
      DISCOVERY_TIMEOUT 60
      PROPERTIES ENVIRONMENT "TESSERA_CPU_MASK=${mask}" LABELS "kernels")
  endforeach()
endfunction()

# tessera_add_subdirectories([EXCLUDE dir...])
# Adds every immediate subfolder that has a CMakeLists.txt, so a new area of tests,
# benchmarks or fuzz targets registers itself without editing its parent.
function(tessera_add_subdirectories)
  cmake_parse_arguments(ARG "" "" "EXCLUDE" ${ARGN})
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(child IN_LIST ARG_EXCLUDE)
      continue()
    endif()
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()
