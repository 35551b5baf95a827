# SPDX-License-Identifier: MIT
# Transmit on the TAP and pcap backends (issue 8).  Included from
# tests/CMakeLists.txt, after nrt_frames, nrt-pcap-verify and rx_verify are
# defined there.  Scripts build their own namespaces (prefix nrtx) and
# remove them on exit.
set(_ntp_dir ${CMAKE_CURRENT_LIST_DIR})

add_executable(tap_tx ${_ntp_dir}/tap_tx.c)
target_link_libraries(tap_tx PRIVATE netring nrt_frames)

add_executable(pcap_tx ${_ntp_dir}/pcap_tx.c)
target_link_libraries(pcap_tx PRIVATE netring nrt_frames PkgConfig::PCAP)

# ntp_test(NAME SCRIPT ARGS...): serial, as the TAP cases count every frame.
function(ntp_test name script)
  add_test(NAME ${name} COMMAND bash ${_ntp_dir}/${script} ${ARGN})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180
    RUN_SERIAL TRUE ENVIRONMENT
    "NTP_TAP_TX=$<TARGET_FILE:tap_tx>;NTP_PCAP_TX=$<TARGET_FILE:pcap_tx>;NRT_RX_VERIFY=$<TARGET_FILE:rx_verify>;NRT_PCAP_VERIFY=$<TARGET_FILE:nrt-pcap-verify>")
endfunction()

ntp_test(tap_tx_20000_frames_reach_host_packet_ring_and_tcpdump_exact tap_tx.sh exact)
ntp_test(tap_tx_eagain_keeps_frames_queued_and_sends_them_in_order tap_tx.sh eagain)
ntp_test(tap_tx_down_enetdown_gone_enodev_each_frame_counted tap_tx.sh down)
ntp_test(tap_tx_open_transmit_close_1000_times_leaks_nothing tap_tx.sh cycle)
ntp_test(pcap_tx_sink_writes_appends_refuses_and_reads_back_exact pcap_tx.sh)
