#!/bin/bash
# SPDX-License-Identifier: MIT
# xdp_kill.sh - a process killed with SIGKILL while plugged leaves nothing
# that blocks the next plug: its XDP program goes with its BPF link, and
# the library waits out the queue's EBUSY.  A second ring plugged right
# after the kill receives a paced stream exactly, and when it ends no XDP
# program is left.
set -u
. "$(dirname "$0")/xdp_lib.sh"

: "${NRT_SEND:?}" "${NRX_RX:?}"
count=5000 seed=321
nrx_setup

nrt_bg "$NRT_NS_B" "$NRT_TMP/first.out" "$NRX_RX" -i "$NRT_IF_B" -n 1000000 \
	-t 60 --expect-accounted
first=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/first.out" ready "$first" 30
nrt_in "$NRT_NS_B" ip -d link show dev "$NRT_IF_B" | grep -q 'prog/xdp' ||
	nrt_fail "the first ring's XDP program is not attached"
kill -KILL "$first"
wait "$first" 2>/dev/null
nrt_log "killed the plugged process $first"

nrt_bg "$NRT_NS_B" "$NRT_TMP/second.out" "$NRX_RX" -i "$NRT_IF_B" -n "$count" \
	-s "$seed" -t 60 --expect-exact --len 60:1514
second=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/second.out" ready "$second" 30
nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	--pps 20000 --len 60:1514 >/dev/null || nrt_fail "nrt-send failed"
nrt_wait_exit "$second" 60
rc=$?
cat "$NRT_TMP/second.out"
[ "$rc" -eq 0 ] && grep -qx PASS "$NRT_TMP/second.out" ||
	nrt_fail "the ring plugged after the kill did not receive exactly"
nrx_no_xdp "$NRT_NS_B" "$NRT_IF_B" || nrt_fail "an XDP program was left on $NRT_IF_B"
exit 0
