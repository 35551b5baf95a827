# SPDX-License-Identifier: MIT
# The AF_XDP backend's tests (issue 3).  Included from tests/CMakeLists.txt
# after its shared pieces (nrt_frames, nrt-send, nrt_test, NRT_ENV); every
# integration test builds and removes its own namespaces (prefix nrx) and
# skips (77) when not root or when the library was built without AF_XDP.
set(_nrx_dir ${CMAKE_CURRENT_LIST_DIR})

pkg_check_modules(NRX_LIBBPF IMPORTED_TARGET libbpf)

# The receiver/verifier uses the public header and the shared library only.
add_executable(xdp_rx ${_nrx_dir}/xdp_rx.c)
target_link_libraries(xdp_rx PRIVATE netring nrt_frames)
# Sends a part of a stream (nrt-send always starts at frame 0).
add_executable(xdp_send ${_nrx_dir}/xdp_send.c)
target_link_libraries(xdp_send PRIVATE nrt_frames)

# Programs that set a scene with libbpf (someone else's XDP program, a
# stale one) and then use the public API.
foreach(t xdp_scene xdp_cycles xdp_probe xdp_config xdp_match)
  add_executable(${t} ${_nrx_dir}/${t}.c)
  target_link_libraries(${t} PRIVATE netring)
  if(NRX_LIBBPF_FOUND)
    target_link_libraries(${t} PRIVATE PkgConfig::NRX_LIBBPF)
    target_compile_definitions(${t} PRIVATE NRX_HAVE_LIBBPF=1)
  endif()
endforeach()

# A tc program that tags frames out of band (tests/bpf/nrt_vlan_push.bpf.c),
# compiled as the library's XDP program is (cmake/xdp.cmake, there only
# when the xdp backend is built; the tests skip without it); loaded by tc.
set(_nrx_vlan_push_obj ${CMAKE_CURRENT_BINARY_DIR}/nrt_vlan_push.bpf.o)
if(COMMAND nr_bpf_object)
  nr_bpf_object(${_nrx_vlan_push_obj} ${_nrx_dir}/bpf/nrt_vlan_push.bpf.c)
  add_custom_target(nrt_vlan_push_bpf ALL DEPENDS ${_nrx_vlan_push_obj})
endif()

set(_nrx_env
  NRX_VLAN_PUSH_OBJ=${_nrx_vlan_push_obj}
  NRT_SEND=$<TARGET_FILE:nrt-send>
  NRX_RX=$<TARGET_FILE:xdp_rx>
  NRX_SEND=$<TARGET_FILE:xdp_send>
  NRX_SCENE=$<TARGET_FILE:xdp_scene>
  NRX_CYCLES=$<TARGET_FILE:xdp_cycles>
  NRX_PROBE=$<TARGET_FILE:xdp_probe>
  NRX_CONFIG=$<TARGET_FILE:xdp_config>
  NRX_MATCH=$<TARGET_FILE:xdp_match>)

# nrx_test(NAME SCRIPT ARGS...): serial (traffic tests must not share the
# two CPUs with another test), 77 means skipped.
function(nrx_test name script)
  add_test(NAME ${name} COMMAND bash ${_nrx_dir}/${script} ${ARGN})
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 180
    RUN_SERIAL TRUE ENVIRONMENT "${_nrx_env}")
endfunction()

# Delivery (tests/xdp_delivery.sh describes the cases), in both XDP modes.
foreach(mode native generic)
  foreach(case paced_exact unthrottled_accounted stalled_accounted
               jumbo_truncated jumbo_truncated_4096 all_queues_exact)
    nrx_test(xdp_delivery_${case}_${mode} xdp_delivery.sh ${case} ${mode})
  endforeach()
  nrx_test(xdp_take_mac_leaves_host_ping_working_${mode} xdp_take_mac.sh
    ${mode})
endforeach()

# A tag the device stripped (veth, offloaded) is back in the bytes: put
# there by the program (no record) or by the library (record mode).
nrx_test(xdp_offloaded_vlan_tag_is_put_back_burst_stamps xdp_delivery.sh
  offloaded_vlan_burst native)
nrx_test(xdp_offloaded_vlan_tag_is_put_back_kernel_stamps xdp_delivery.sh
  offloaded_vlan_kernel native)

nrx_test(xdp_config_rejects_bad_values xdp_in_ns.sh config)
nrx_test(xdp_match_takes_exactly_what_it_names xdp_in_ns.sh match)
nrx_test(xdp_native_refused_falls_back_to_generic_saying_why xdp_in_ns.sh
  native_refused)
nrx_test(xdp_probe_reports_veth_features xdp_in_ns.sh probe)
nrx_test(xdp_plug_over_foreign_program_fails_clearly xdp_in_ns.sh foreign)
nrx_test(xdp_auto_fallback_to_packet_says_why xdp_in_ns.sh fallback)
nrx_test(xdp_stale_netring_program_is_replaced xdp_in_ns.sh stale)
nrx_test(xdp_second_plug_fails_while_first_lives xdp_in_ns.sh second)
nrx_test(xdp_plug_unplug_200_times_leaks_nothing xdp_in_ns.sh cycles 200)
nrx_test(xdp_kill_9_then_replug_works xdp_kill.sh)
