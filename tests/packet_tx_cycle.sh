#!/bin/bash
# SPDX-License-Identifier: MIT
# packet_tx_cycle.sh [CYCLES] - open, transmit 64 frames, close at once, 1,000
# times, every other ring TX_ONLY: no descriptor or memory leak (also under
# ASan/LSan), no close blocks.  A slow token-bucket qdisc on the sender keeps
# frames in flight (queued in the kernel, holding ring pages) at close.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_PACKET_TX:?}"
cycles=${1:-1000}

nrt_require_root
nrt_require_cmd tc
nrt_trap_cleanup
nrt_pair_create nrtc
nrt_in "$NRT_NS_A" tc qdisc add dev "$NRT_IF_A" root tbf rate 10mbit \
	burst 16k latency 50ms || nrt_fail "tbf qdisc on $NRT_IF_A"
nrt_in "$NRT_NS_A" "$NRT_PACKET_TX" cycle -i "$NRT_IF_A" -n "$cycles"
