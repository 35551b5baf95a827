# SPDX-License-Identifier: MIT
# Tests of the shared slot ring, the TAP backend and the pcap source (issue
# 4).  Included by tests/CMakeLists.txt (include(ring.cmake)); paths are
# relative to this file so it also works from a scratch project.  Exit 0
# pass, 1 fail, 77 skip.
set(_nrr_dir ${CMAKE_CURRENT_LIST_DIR})
set(_nrr_src ${CMAKE_CURRENT_LIST_DIR}/../src)

# The frame stream of tests/lib, shared with the other tests when their
# CMakeLists.txt has defined it.
if(NOT TARGET nrt_frames)
  add_library(nrt_frames STATIC ${_nrr_dir}/lib/frames.c)
  target_include_directories(nrt_frames PUBLIC ${_nrr_dir}/lib)
endif()
if(NOT TARGET nrt-send)
  add_executable(nrt-send ${_nrr_dir}/lib/nrt_send.c ${_nrr_dir}/../tools/pacer.c)
  target_include_directories(nrt-send PRIVATE ${_nrr_dir}/../tools)
  target_link_libraries(nrt-send PRIVATE nrt_frames)
endif()

# nrr_test(NAME EXECUTABLE SOURCE [ARGS...]): one test program, one behaviour.
function(nrr_test name exe)
  add_test(NAME ${name} COMMAND ${exe} ${ARGN})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180)
endfunction()

function(nrr_program exe)
  add_executable(${exe} ${_nrr_dir}/${exe}.c)
  target_link_libraries(${exe} PRIVATE netring_static)
endfunction()

# --- the slot ring ------------------------------------------------------------

nrr_program(ring_layout)
nrr_test(ring_layout_is_documented_and_corrupt_rings_are_refused ring_layout)

nrr_program(ring_ops)
nrr_test(ring_ops_keep_order_count_drops_and_cut_at_the_slot ring_ops)

# Producer and consumer in two threads, two processes sharing a memfd, and
# two processes sharing a named object: sequence numbers, checksums, drops
# forced and counted.  Short runs here; bench/ring_stress.sh runs 100 M.
nrr_program(ring_stress)
find_package(Threads REQUIRED)
target_link_libraries(ring_stress PRIVATE Threads::Threads)
nrr_test(ring_stress_threads_lose_nothing_uncounted ring_stress -m thread -n 2000000)
nrr_test(ring_stress_processes_memfd_lose_nothing_uncounted ring_stress -m process -n 2000000)
nrr_test(ring_stress_processes_shm_lose_nothing_uncounted ring_stress -m shm -n 1000000)

# The thread stress test again under ThreadSanitizer: its own executable
# (the suite is built with gcc, or clang with ASan, which TSan excludes), so
# the global sanitizer options are replaced, not added to.  Both threads
# share one mapping, so TSan sees every acquire/release pair.
add_executable(ring_stress_tsan ${_nrr_dir}/ring_stress.c ${_nrr_src}/ring.c)
target_include_directories(ring_stress_tsan PRIVATE
  ${_nrr_dir}/../include ${_nrr_src} ${_nrr_dir})
set_target_properties(ring_stress_tsan PROPERTIES
  COMPILE_OPTIONS "-fsanitize=thread;-fno-omit-frame-pointer;-g;-O1;-Wall;-Wextra"
  LINK_OPTIONS "-fsanitize=thread")
target_link_libraries(ring_stress_tsan PRIVATE Threads::Threads)
nrr_test(ring_stress_threads_are_clean_under_tsan ring_stress_tsan
  -m thread -n 200000 -s 64 -p 10)
set_tests_properties(ring_stress_threads_are_clean_under_tsan PROPERTIES
  ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1:exitcode=66")

# --- the pcap source ----------------------------------------------------------

add_library(nrr_pcap_files STATIC ${_nrr_dir}/pcap_files.c)
target_include_directories(nrr_pcap_files PUBLIC ${_nrr_dir})
target_link_libraries(nrr_pcap_files PUBLIC nrt_frames PkgConfig::PCAP)

# pcap-gen: capture files of the test stream (for `netring dump -r` tests).
add_executable(pcap-gen ${_nrr_dir}/pcap_gen.c)
target_link_libraries(pcap-gen PRIVATE nrr_pcap_files)

nrr_program(pcap_read)
target_link_libraries(pcap_read PRIVATE nrr_pcap_files)
nrr_test(pcap_source_delivers_every_frame_exactly_then_the_end pcap_read)

nrr_program(pcap_replay)
target_link_libraries(pcap_replay PRIVATE nrr_pcap_files)
nrr_test(pcap_replay_speed_paces_frames_and_wait_sleeps_until_due pcap_replay)

# --- the TAP backend -----------------------------------------------------------

add_executable(pcap-cmp ${_nrr_dir}/pcap_cmp.c)
target_link_libraries(pcap-cmp PRIVATE PkgConfig::PCAP)

nrr_program(tap_rx)
target_link_libraries(tap_rx PRIVATE nrt_frames PkgConfig::PCAP)

# nrr_tap_test(CASE): tests/tap_rx.sh CASE, in a namespace of its own;
# serial, as it paces traffic and counts drops.
function(nrr_tap_test case)
  add_test(NAME tap_rx_${case} COMMAND bash ${_nrr_dir}/tap_rx.sh ${case})
  set_tests_properties(tap_rx_${case} PROPERTIES SKIP_RETURN_CODE 77
    TIMEOUT 120 RUN_SERIAL TRUE
    ENVIRONMENT "NRR_TAP_RX=$<TARGET_FILE:tap_rx>;NRT_SEND=$<TARGET_FILE:nrt-send>;NRR_PCAP_CMP=$<TARGET_FILE:pcap-cmp>")
endfunction()
nrr_tap_test(exact)
nrr_tap_test(jumbo_cut)
nrr_tap_test(jumbo_whole)
nrr_tap_test(drops_counted)
nrr_tap_test(attach)

nrr_program(tap_open)
add_test(NAME tap_backend_creates_attaches_and_refuses_what_it_must
  COMMAND bash ${_nrr_dir}/tap_open.sh)
set_tests_properties(tap_backend_creates_attaches_and_refuses_what_it_must
  PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60
  ENVIRONMENT "NRR_TAP_OPEN=$<TARGET_FILE:tap_open>")

# --- fuzzing (libFuzzer: clang only, e.g. the `make check-sanitize` build) -----

add_executable(fuzz-seeds ${_nrr_dir}/fuzz_seeds.c)
target_link_libraries(fuzz-seeds PRIVATE netring_static nrr_pcap_files)

include(CheckCSourceCompiles)
set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=fuzzer)
check_c_source_compiles([[
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; return (int)n & 0; }
]] NETRING_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)

if(NETRING_HAVE_LIBFUZZER)
  # nrr_fuzzer(NAME SOURCES...): a fuzz target; ASan and UBSan too unless
  # the whole build already has them.
  function(nrr_fuzzer name)
    add_executable(${name} ${ARGN})
    target_include_directories(${name} PRIVATE ${_nrr_dir}/../include ${_nrr_src})
    set(opts -fsanitize=fuzzer)
    if(NOT NETRING_SANITIZE)
      list(APPEND opts -fsanitize=address,undefined -fno-sanitize-recover=all)
    endif()
    target_compile_options(${name} PRIVATE ${opts} -g)
    target_link_options(${name} PRIVATE ${opts})
  endfunction()
  nrr_fuzzer(fuzz_ring_header ${_nrr_dir}/fuzz_ring_header.c ${_nrr_src}/ring.c)
  nrr_fuzzer(fuzz_pcap ${_nrr_dir}/fuzz_pcap.c ${_nrr_dir}/fuzz_stubs.c
    ${_nrr_src}/backend_pcap.c ${_nrr_src}/ring.c ${_nrr_src}/ring_backend.c)
  target_link_libraries(fuzz_pcap PRIVATE PkgConfig::PCAP)
  foreach(kind ring_header pcap)
    string(REGEX REPLACE "_header$" "" seeds ${kind})
    add_test(NAME fuzz_${kind}_10s_finds_nothing
      COMMAND bash ${_nrr_dir}/fuzz_run.sh $<TARGET_FILE:fuzz_${kind}>
              $<TARGET_FILE:fuzz-seeds> ${seeds} 10)
    set_tests_properties(fuzz_${kind}_10s_finds_nothing PROPERTIES TIMEOUT 120)
  endforeach()
else()
  message(STATUS "netring: no libFuzzer (needs clang): fuzz tests not built")
endif()
