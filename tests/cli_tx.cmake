# SPDX-License-Identifier: MIT
# Tests of `netring send`, `gen` and `fwd` (issue 8).  The usage test needs
# no privilege; the others (root) build their own namespaces and veth pairs
# (prefixes nrs, nrg, nrf).  Included by tests/CMakeLists.txt after NRT_ENV,
# nrt_test and nrt_root_test are defined.

if(DEFINED NRT_CLI)
  nrt_test(cli_tx_refuses_bad_command_lines_with_exit_2
    bash ${CMAKE_CURRENT_SOURCE_DIR}/cli_tx_usage.sh)

  # gen --seq's receiver: frames complete, in order, byte-exact but the seq.
  add_executable(cli_tx_seqrx ${CMAKE_CURRENT_SOURCE_DIR}/cli_tx_seqrx.c)
  target_include_directories(cli_tx_seqrx PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}/lib)
  target_link_libraries(cli_tx_seqrx PRIVATE netring)

  if(COMMAND nrt_root_test)
    # pcap-gen comes from ring.cmake, included after this file: generator
    # expressions may name it before it exists.
    foreach(backend packet xdp)
      nrt_root_test(cli_tx_send_pcap_byte_exact_${backend} cli_tx_send.sh
        ${backend})
      nrt_root_test(cli_tx_gen_seq_complete_in_order_${backend}
        cli_tx_gen.sh ${backend})
      nrt_root_test(cli_tx_fwd_100k_byte_exact_accounted_${backend}
        cli_tx_fwd.sh ${backend})
      foreach(t send_pcap_byte_exact gen_seq_complete_in_order
                fwd_100k_byte_exact_accounted)
        set_property(TEST cli_tx_${t}_${backend} APPEND PROPERTY ENVIRONMENT
          NRC_SEQRX=$<TARGET_FILE:cli_tx_seqrx>
          NRC_PCAP_GEN=$<TARGET_FILE:pcap-gen>)
      endforeach()
    endforeach()
  endif()
endif()
