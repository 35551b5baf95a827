# SPDX-License-Identifier: MIT
# The event loop over many rings (issue 7): one receiver program, loop_rx,
# driven by one script per behaviour.  Included from tests/CMakeLists.txt
# (after nrt_frames, nrt-send and nrt_root_test are defined there).  Each
# script builds its own namespaces (prefix nrl) and removes them on exit.
set(_nrl_dir ${CMAKE_CURRENT_LIST_DIR})

add_executable(loop_rx ${_nrl_dir}/loop_rx.c)
target_link_libraries(loop_rx PRIVATE netring nrt_frames)

# nrl_test(NAME SCRIPT ARGS...): serial, as they count every frame.
function(nrl_test name script)
  add_test(NAME ${name} COMMAND bash ${_nrl_dir}/${script} ${ARGN})
  set(_env NRT_SEND=$<TARGET_FILE:nrt-send> NRL_LOOP_RX=$<TARGET_FILE:loop_rx>)
  if(TARGET pcap-gen)
    list(APPEND _env NRL_PCAP_GEN=$<TARGET_FILE:pcap-gen>)
  endif()
  if(TARGET netring_cli)
    list(APPEND _env NRL_CLI=$<TARGET_FILE:netring_cli>
      NRT_JSON=$<TARGET_FILE:nrt-json>)
  endif()
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180
    RUN_SERIAL TRUE ENVIRONMENT "${_env}")
endfunction()

nrl_test(loop_16_pairs_one_thread_exact_in_order loop_many_pairs.sh)
nrl_test(loop_autoplug_follows_8_links_coming_and_going_packet loop_hotplug.sh packet)
nrl_test(loop_autoplug_follows_8_links_coming_and_going_xdp loop_hotplug.sh xdp)
nrl_test(loop_holds_packet_xdp_tap_pcap_rings_at_once loop_backends.sh)
nrl_test(loop_link_down_up_mtu_events_packet loop_link_events.sh packet)
nrl_test(loop_link_down_up_mtu_events_xdp loop_link_events.sh xdp)
nrl_test(loop_budget_keeps_slow_ring_under_1ms_beside_a_flood loop_fairness.sh xdp)

# Without privileges or traffic: options, timeouts, breaks, a pcap ring.
add_executable(loop_api ${_nrl_dir}/loop_api.c)
target_link_libraries(loop_api PRIVATE netring nrt_frames)
add_test(NAME loop_api_options_timeouts_breaks_and_pcap_end COMMAND loop_api)
set_tests_properties(loop_api_options_timeouts_breaks_and_pcap_end PROPERTIES
  SKIP_RETURN_CODE 77 TIMEOUT 60)

# The CLI over many interfaces (netring dump -i all, netring ls --watch).
if(TARGET netring_cli)
  nrl_test(loop_cli_dump_all_follows_links_and_counts_each loop_cli_dump_all.sh)
  nrl_test(loop_cli_ls_watch_prints_link_events loop_cli_ls_watch.sh)
  nrl_test(loop_cli_dump_named_interfaces loop_cli_dump_named.sh)
endif()
