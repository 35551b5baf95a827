# SPDX-License-Identifier: MIT
# Tests of the netring tool (tools/).  Unit tests, which need no privilege:
# frame summary, pcap writer, argument parsing, JSON quoting, --pps
# pacing, the binary's answers to bad command lines, and `dump -r` of files
# it writes itself.
# Integration tests (root; their own namespaces, prefix nrc): the CLI on
# capture files, veth pairs (AF_PACKET, AF_XDP) and TAPs.  Included by
# tests/CMakeLists.txt after nrt_root_test and NRT_ENV are defined.

# cli_unit_test(NAME SOURCE-BASENAME LIBRARY [ARGS...])
function(cli_unit_test name src lib)
  add_executable(${src} ${CMAKE_CURRENT_SOURCE_DIR}/${src}.c)
  target_link_libraries(${src} PRIVATE ${lib})
  add_test(NAME ${name} COMMAND ${src} ${ARGN})
  set_tests_properties(${name} PROPERTIES TIMEOUT 120)
endfunction()

cli_unit_test(summary_describes_any_frame_without_overreading
  unit_summary netring_tool)
cli_unit_test(pcap_writer_round_trips_bytes_lengths_and_stamps
  unit_pcapw netring_tool)
cli_unit_test(cli_arguments_are_parsed_strictly unit_args netring_tool)
cli_unit_test(cli_json_quotes_any_interface_name unit_cli_json netring_tool)
cli_unit_test(cli_pps_pacing_keeps_the_rate_and_bounds_a_late_catch_up
  unit_pacer netring_tool)
cli_unit_test(cli_refuses_bad_command_lines_with_exit_2 unit_cli
  netring_static $<TARGET_FILE:netring_cli>)
cli_unit_test(cli_dump_read_stops_at_the_end_of_the_file unit_cli_read
  netring_static $<TARGET_FILE:netring_cli>)

# --- the CLI against files, veth pairs and TAPs --------------------------------
if(DEFINED NRT_CLI AND COMMAND nrt_root_test)
  # pcap-gen and pcap-cmp come from ring.cmake, included after this file:
  # generator expressions may name them before they exist.
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/ring.cmake)
    nrt_root_test(cli_dump_pcap_roundtrip cli_dump_pcap_roundtrip.sh)
    set_property(TEST cli_dump_pcap_roundtrip APPEND PROPERTY ENVIRONMENT
      NRC_PCAP_GEN=$<TARGET_FILE:pcap-gen>
      NRC_PCAP_CMP=$<TARGET_FILE:pcap-cmp>)
  endif()
  nrt_root_test(cli_dump_xdp_take_counts_every_frame cli_dump_xdp_take.sh
    native)
  nrt_root_test(cli_dump_xdp_take_counts_every_frame_generic
    cli_dump_xdp_take.sh generic)
  nrt_root_test(cli_dump_xdp_busy_falls_back cli_dump_xdp_busy.sh)
  nrt_root_test(cli_ls_shows_xdp_caps cli_ls_xdp_caps.sh)
  nrt_root_test(cli_dump_tap_counts_every_frame cli_dump_tap.sh)
  nrt_root_test(cli_dump_reports_frames_left_unread cli_dump_unread.sh)
endif()
