# SPDX-License-Identifier: MIT
# Unit tests of the netring tool (tools/): frame summary, pcap writer,
# argument parsing, JSON quoting, and the binary's answers to bad command
# lines.  None needs privileges.  Included by tests/CMakeLists.txt.

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
cli_unit_test(cli_refuses_bad_command_lines_with_exit_2 unit_cli
  netring_static $<TARGET_FILE:netring_cli>)
