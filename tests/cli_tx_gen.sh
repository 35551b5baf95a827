#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_tx_gen.sh BACKEND - `netring gen -b BACKEND --seq --count 20000` on one
# end of a veth pair: the receiver on the other end (cli_tx_seqrx, netring
# AF_PACKET) gets frames 0..19999 complete, in order, each the same bytes
# as frame 0 apart from its sequence number; gen's JSON says 20000 sent,
# none failed, and --pps 20000 held it to the rate: the last frame cannot
# go before 19999/20000 s.  BACKEND: packet or xdp.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_JSON:?}" "${NRC_SEQRX:?}"

backend=${1:?usage: cli_tx_gen.sh packet|xdp}
# 20,000 frames/s, the rate of every zero-loss test, into a receiver with
# 10 ms blocks: 640 ms of headroom (its 4,096 slots would hold 205 ms),
# more than a halted vCPU of this guest can be held (docs/reliability.md;
# 1 ms blocks would hold 64 ms).
count=20000 size=128 pps=20000

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrg

nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRC_SEQRX" -i "$NRT_IF_B" -n "$count" \
	-s "$size" -t 60 -T 10
rx_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30

nrt_in "$NRT_NS_A" "$NRT_CLI" gen -b "$backend" -i "$NRT_IF_A" --seq \
	--count "$count" --size "$size" --pps "$pps" --dst-mac "$NRT_MAC_B" -q \
	--stats json >"$NRT_TMP/gen.out" 2>"$NRT_TMP/gen.err"
rc=$?
cat "$NRT_TMP/gen.err" >&2
[ "$rc" -eq 0 ] || nrt_fail "netring gen exited $rc"

nrt_wait_exit "$rx_pid" 90
rc=$?
cat "$NRT_TMP/rx.out" >&2
[ "$rc" -eq 0 ] || nrt_fail "cli_tx_seqrx exited $rc"
grep -qx "received $count in_order $count lost 0 reordered 0 bad 0 other 0" \
	"$NRT_TMP/rx.out" || nrt_fail "receiver: not $count frames complete and in order"

values=$("$NRT_JSON" backend tx_queued tx_sent tx_bytes tx_failed tx_in_flight \
	seconds <"$NRT_TMP/gen.out") || nrt_fail "gen's stdout is not one JSON object with the keys"
seconds=$(echo "$values" | sed -n 's/^seconds=//p')
values=$(echo "$values" | grep -v '^seconds=')
awk -v s="$seconds" -v n="$count" -v r="$pps" 'BEGIN { exit !(s >= (n - 1) / r) }' ||
	nrt_fail "gen sent $count frames in $seconds s: faster than --pps $pps"
expected="backend=$backend
tx_queued=$count
tx_sent=$count
tx_bytes=$((count * size))
tx_failed=0
tx_in_flight=0"
[ "$values" = "$expected" ] ||
	nrt_fail "gen: $(echo $values), expected: $(echo $expected)"
grep -q "^netring: $NRT_IF_A: $count frames sent ($((count * size)) bytes) in .* frames/s; 0 failed" \
	"$NRT_TMP/gen.err" || nrt_fail "gen's summary line does not say $count sent, 0 failed"
exit 0
