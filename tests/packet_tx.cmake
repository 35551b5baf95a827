# SPDX-License-Identifier: MIT
# Transmit on the packet backend (issue 8): byte-exact delivery to netring
# and tcpdump on the peer, error paths, open/transmit/close cycles.

# The transmit paths compared (not a test): as root,
#   NRT_TX_BENCH=build/tests/packet_tx_bench tests/packet_tx_rates.sh [SECONDS] [REPS]
add_executable(packet_tx_bench packet_tx_bench.c)
target_include_directories(packet_tx_bench PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/lib)
target_link_libraries(packet_tx_bench PRIVATE netring)

add_executable(packet_tx packet_tx.c)
target_link_libraries(packet_tx PRIVATE netring nrt_frames)
list(APPEND NRT_ENV NRT_PACKET_TX=$<TARGET_FILE:packet_tx>
  NRT_TX_BENCH=$<TARGET_FILE:packet_tx_bench>)

nrt_root_test(packet_tx_20000_frames_reach_netring_and_tcpdump_exactly
  packet_tx_deliver.sh)
nrt_root_test(packet_tx_errors_counted_and_tx_only_receives_nothing
  packet_tx_errors.sh)
nrt_root_test(packet_tx_open_transmit_close_1000_times_leaks_nothing
  packet_tx_cycle.sh)
