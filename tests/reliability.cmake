# SPDX-License-Identifier: MIT
# Reliability (issue 6): faults while plugged, accounting under overload,
# bad API input, fuzzing of the CLI's parsers, static analysis and valgrind.
# Included at the end of tests/CMakeLists.txt, after its shared pieces
# (nrt_frames, nrt-send, NRT_ENV) and xdp.cmake/ring.cmake.  Namespaces and
# veth pairs use the prefix nrf; exit 0 pass, 1 fail, 77 skip.
set(_nrf_dir ${CMAKE_CURRENT_LIST_DIR})
set(_nrf_root ${CMAKE_CURRENT_LIST_DIR}/..)

foreach(t fault_rx fault_open fault_many)
  add_executable(${t} ${_nrf_dir}/${t}.c)
  target_link_libraries(${t} PRIVATE netring nrt_frames)
endforeach()

set(_nrf_env ${NRT_ENV}
  NRF_RX=$<TARGET_FILE:fault_rx>
  NRF_OPEN=$<TARGET_FILE:fault_open>
  NRF_MANY=$<TARGET_FILE:fault_many>)
if(TARGET xdp_send)
  list(APPEND _nrf_env NRX_SEND=$<TARGET_FILE:xdp_send>
    NRX_PROBE=$<TARGET_FILE:xdp_probe>)
endif()

# nrf_test(NAME SCRIPT ARGS...): serial (traffic and counts must not share
# the two CPUs with another test's traffic).
function(nrf_test name script)
  add_test(NAME ${name} COMMAND bash ${_nrf_dir}/${script} ${ARGN})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300
    RUN_SERIAL TRUE ENVIRONMENT "${_nrf_env}")
endfunction()

# --- faults while plugged --------------------------------------------------------

if(TARGET xdp_send)
  foreach(backend packet xdp)
    nrf_test(fault_link_deleted_delivers_queued_then_enodev_${backend}
      fault_link.sh deleted ${backend})
    nrf_test(fault_link_down_up_resumes_without_replug_${backend}
      fault_link.sh down_up ${backend})
    nrf_test(fault_mtu_raised_while_plugged_cuts_at_the_slot_${backend}
      fault_link.sh mtu_raised ${backend})
  endforeach()
  nrf_test(fault_xdp_program_detached_by_another_process_is_reported
    fault_link.sh detached xdp)
endif()

nrf_test(fault_kill_9_then_replug_receives_exactly_packet fault_kill.sh)
nrf_test(fault_no_cap_net_raw_names_the_capability_packet
  fault_privilege.sh no_cap_net_raw)
nrf_test(fault_memlock_zero_still_plugs_packet fault_privilege.sh memlock_packet)
if(TARGET xdp_send)
  nrf_test(fault_no_cap_bpf_names_the_capability_xdp
    fault_privilege.sh no_cap_bpf)
  nrf_test(fault_memlock_zero_names_rlimit_memlock_xdp
    fault_privilege.sh memlock)
endif()

nrf_test(fault_64_veth_pairs_plugged_at_once_cycle_without_leaks_packet
  fault_many.sh veth64)
if(TARGET xdp_send)
  nrf_test(fault_every_queue_of_4_queue_veth_cycles_without_leaks_xdp
    fault_many.sh xdp_queues)
endif()

# --- accounting under overload (1 M frames here; 10 M: see the script) ----------

nrf_test(overload_1m_frames_small_ring_slow_handler_accounted_packet
  overload_accounting.sh packet 1000000)
if(TARGET xdp_send)
  nrf_test(overload_1m_frames_small_ring_slow_handler_accounted_xdp
    overload_accounting.sh xdp 1000000)
endif()

# --- bad API input (no privilege) -----------------------------------------------

add_executable(badapi_calls ${_nrf_dir}/badapi_calls.c)
target_link_libraries(badapi_calls PRIVATE netring)
add_test(NAME badapi_every_call_rejects_nonsense_with_einval
  COMMAND badapi_calls)
set_tests_properties(badapi_every_call_rejects_nonsense_with_einval PROPERTIES
  SKIP_RETURN_CODE 77 TIMEOUT 60)

# --- fuzzing the CLI's parsers (libFuzzer: clang only) ----------------------------

set(_nrf_tools ${_nrf_root}/tools)
foreach(kind summary args)
  add_executable(fuzz-${kind}-seeds ${_nrf_dir}/fuzz_${kind}.c)
  target_compile_definitions(fuzz-${kind}-seeds PRIVATE NRF_FUZZ_SEEDS=1)
  target_include_directories(fuzz-${kind}-seeds PRIVATE ${_nrf_tools}
    ${_nrf_root}/include)
endforeach()
target_link_libraries(fuzz-summary-seeds PRIVATE nrt_frames)

if(NOT DEFINED NETRING_HAVE_LIBFUZZER)
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
endif()

if(NETRING_HAVE_LIBFUZZER)
  # The parsers' own sources are compiled into the target (instrumented);
  # the library they call (netring_backend_parse) is linked as it is.
  set(_nrf_fuzz_opts -fsanitize=fuzzer)
  if(NOT NETRING_SANITIZE)
    list(APPEND _nrf_fuzz_opts -fsanitize=address,undefined -fno-sanitize-recover=all)
  endif()
  add_executable(fuzz_summary ${_nrf_dir}/fuzz_summary.c ${_nrf_tools}/summary.c)
  add_executable(fuzz_args ${_nrf_dir}/fuzz_args.c ${_nrf_tools}/args.c)
  target_link_libraries(fuzz_args PRIVATE netring_static)
  foreach(kind summary args)
    target_include_directories(fuzz_${kind} PRIVATE ${_nrf_tools} ${_nrf_root}/include)
    target_compile_options(fuzz_${kind} PRIVATE ${_nrf_fuzz_opts} -g)
    target_link_options(fuzz_${kind} PRIVATE ${_nrf_fuzz_opts})
    # tests/fuzz_run.sh FUZZER SEEDS KIND SECONDS (from ring.cmake's
    # fuzzers); `make fuzz`-style long runs: see docs/reliability.md.
    add_test(NAME fuzz_${kind}_10s_finds_nothing
      COMMAND bash ${_nrf_dir}/fuzz_run.sh $<TARGET_FILE:fuzz_${kind}>
              $<TARGET_FILE:fuzz-${kind}-seeds> ${kind} 10)
    set_tests_properties(fuzz_${kind}_10s_finds_nothing PROPERTIES TIMEOUT 120)
  endforeach()
endif()

# --- static analysis and valgrind -------------------------------------------------

# The sources are the same in every build: analysed once, in the plain one.
if(NOT NETRING_SANITIZE AND NOT NETRING_TSAN)
  add_test(NAME static_analysis_src_is_clean_cppcheck_clang_tidy
    COMMAND bash ${_nrf_root}/scripts/static-analysis.sh)
  set_tests_properties(static_analysis_src_is_clean_cppcheck_clang_tidy
    PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()

# valgrind cannot run sanitizer-instrumented programs (the sanitizer
# build has LeakSanitizer instead).
if(TARGET netring_cli AND NOT NETRING_SANITIZE AND NOT NETRING_TSAN)
  add_test(NAME valgrind_cli_plug_dump_unplug_no_leak_no_error
    COMMAND bash ${_nrf_root}/scripts/valgrind-cli.sh $<TARGET_FILE:netring_cli>)
  set_tests_properties(valgrind_cli_plug_dump_unplug_no_leak_no_error PROPERTIES
    SKIP_RETURN_CODE 77 TIMEOUT 300 RUN_SERIAL TRUE ENVIRONMENT "${_nrf_env}")
endif()

# --- least privilege (issue 6, item 4) ----------------------------------------

if(TARGET netring_cli)
  nrf_test(priv_dump_z_nobody_drops_every_capability_and_still_counts_packet
    priv_dump.sh packet)
  nrf_test(priv_dump_as_root_keeps_no_capability_packet priv_dump.sh root)
  nrf_test(priv_dump_glob_keeps_only_cap_net_raw_and_hotplugs_as_nobody
    priv_dump.sh glob)
  nrf_test(priv_dump_z_nosuchuser_exits_2_naming_it priv_dump.sh nosuchuser)
  if(TARGET xdp_send)
    nrf_test(priv_dump_z_nobody_drops_every_capability_and_still_counts_xdp
      priv_dump.sh xdp)
  endif()
endif()

add_executable(priv_ring ${_nrf_dir}/priv_ring.c)
target_include_directories(priv_ring PRIVATE ${_nrf_dir})
target_link_libraries(priv_ring PRIVATE netring)
add_test(NAME priv_ring_is_0600_refused_to_other_users_and_read_only_to_consumers
  COMMAND priv_ring)
set_tests_properties(priv_ring_is_0600_refused_to_other_users_and_read_only_to_consumers
  PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)

# --- overload accounting on the tap backend (1 M frames; 10 M: see the script) ---

nrf_test(tap_overload_1m_frames_small_ring_slow_handler_accounted
  tap_overload.sh 1000000)

# --- every option of every subcommand given nonsense ------------------------------

if(TARGET netring_cli)
  add_test(NAME cli_nonsense_every_option_of_every_command_exits_2_naming_it
    COMMAND bash ${_nrf_dir}/cli_nonsense.sh)
  set_tests_properties(cli_nonsense_every_option_of_every_command_exits_2_naming_it
    PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180 ENVIRONMENT "${_nrf_env}")
endif()
