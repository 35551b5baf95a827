# SPDX-License-Identifier: MIT
# The xdp backend's transmit tests (issue 8): send, zero-copy forward
# through a shared UMEM, faults.  Included from tests/CMakeLists.txt after
# xdp.cmake; each test builds and removes its own namespaces (prefix nrq).
if(TARGET xdp_rx)
  set(_nrq_dir ${CMAKE_CURRENT_LIST_DIR})
  # The static library: the UMEM audit (src/xdp_audit.h) is internal.
  add_executable(xdp_tx ${_nrq_dir}/xdp_tx.c)
  target_include_directories(xdp_tx PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(xdp_tx PRIVATE netring_static nrt_frames)

  set(_nrq_env
    NRT_SEND=$<TARGET_FILE:nrt-send>
    NRT_PCAP_VERIFY=$<TARGET_FILE:nrt-pcap-verify>
    NRX_RX=$<TARGET_FILE:xdp_rx>
    NRX_PROBE=$<TARGET_FILE:xdp_probe>
    NRQ_TX=$<TARGET_FILE:xdp_tx>)

  function(nrq_test name)
    add_test(NAME ${name} COMMAND bash ${_nrq_dir}/xdp_tx.sh ${ARGN})
    set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 240
      RUN_SERIAL TRUE ENVIRONMENT "${_nrq_env}")
  endfunction()

  nrq_test(xdp_tx_20k_frames_exact_at_xdp_and_tcpdump send)
  nrq_test(xdp_tx_forward_100k_zero_copy_by_address fwd)
  nrq_test(xdp_tx_emsgsize_enetdown_shared_unplug_leak_nothing faults)
endif()
