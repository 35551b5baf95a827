#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_kill.sh - a process killed with SIGKILL while plugged (packet
# backend, promiscuous) leaves nothing behind: the next ring plugged on the
# same interface receives a paced stream exactly, and the interface's
# promiscuity count is back to what it was.  (xdp: xdp_kill_9_then_replug_works.)
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRF_RX:?}" "${NRT_SEND:?}"

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrf

promiscuity() {
	nrt_in "$NRT_NS_B" ip -d -o link show dev "$NRT_IF_B" |
		sed -n 's/.* promiscuity \([0-9]*\) .*/\1/p'
}
before=$(promiscuity)

nrt_bg "$NRT_NS_B" "$NRT_TMP/first.out" "$NRF_RX" -i "$NRT_IF_B" -b packet \
	-n 1000000 --accounted --promisc -t 60
first=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/first.out" ready "$first" 30
[ "$(promiscuity)" -gt "$before" ] || nrt_fail "the first ring is not promiscuous"
nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n 1000 -s 1 --pps 20000 >/dev/null ||
	nrt_fail "nrt-send to the first ring failed"
kill -KILL "$first"
wait "$first" 2>/dev/null
nrt_log "killed the plugged process $first"

# 3,000 frames at 20,000/s last 150 ms: 10 ms blocks hold 640 ms of them
# for a reader held off its CPU (1 ms blocks: 64 ms, docs/reliability.md).
count=3000 seed=614
nrt_bg "$NRT_NS_B" "$NRT_TMP/second.out" "$NRF_RX" -i "$NRT_IF_B" -b packet \
	-n "$count" -s "$seed" --exact --block-timeout 10 -t 60
second=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/second.out" ready "$second" 30
nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	--pps 20000 >/dev/null || nrt_fail "nrt-send failed"
nrt_wait_exit "$second" 60
rc=$?
cat "$NRT_TMP/second.out"
[ "$rc" -eq 0 ] && grep -qx PASS "$NRT_TMP/second.out" ||
	nrt_fail "the ring plugged after the kill did not receive exactly"
after=$(promiscuity)
[ "$after" = "$before" ] || nrt_fail "promiscuity $before before, $after after"
exit 0
