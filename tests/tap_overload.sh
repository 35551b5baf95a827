#!/bin/bash
# SPDX-License-Identifier: MIT
# tap_overload.sh [COUNT] - overload accounting on the tap backend, as
# overload_accounting.sh does for packet and xdp: COUNT sequence-numbered
# frames (default 1,000,000; 60..300 bytes, every 11th VLAN-tagged) sent by
# the host as fast as nrt-send can into a TAP the application owns, whose
# ring has 64 slots and whose handler spins 2 us per frame (tests/fault_rx.c
# -b tap).  Every frame taken is intact, each sequence number at most once
# and in order; some are dropped (else it was no overload), each counted in
# exactly one reason (dropped == the sum of the reasons); received + dropped
# == sent.  In a namespace of its own (prefix nrf).
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRF_RX:?}" "${NRT_SEND:?}"

count=${1:-1000000}
nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
ns=nrf-tapo-$$
tap=nrfto$$
seed=613
stream=(--len 60:300 --vlan-every 11)
nrt_ns_create "$ns"

nrt_bg "$ns" "$NRT_TMP/rx.out" "$NRF_RX" -i "tap:$tap" -b tap \
	-n "$count" -s "$seed" -t $((60 + count / 20000)) --accounted \
	--ring-frames 64 --slow-ns 2000 "${stream[@]}"
rx=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx" 30

# The host's side of the virtual link; a static neighbour, so the host
# itself sends nothing into the TAP but the test stream (IPv6 is off).
nrt_in "$ns" ip link set dev "$tap" address 02:6e:72:74:00:01 up ||
	nrt_fail "configure $tap"
tap_carrier() {
	nrt_in "$ns" ip -o link show dev "$tap" | grep -q 'LOWER_UP'
}
nrt_wait_until "$tap up with carrier" 5 tap_carrier

nrt_in "$ns" "$NRT_SEND" -i "$tap" -n "$count" -s "$seed" "${stream[@]}" \
	>"$NRT_TMP/send.out" || nrt_fail "nrt-send failed: $(cat "$NRT_TMP/send.out")"
sent=$(sed -n 's/^sent //p' "$NRT_TMP/send.out")
nrt_wait_exit "$rx" $((120 + count / 10000))
rc=$?
cat "$NRT_TMP/send.out" "$NRT_TMP/rx.out"
[ "$sent" = "$count" ] || nrt_fail "nrt-send sent $sent of $count"
[ "$rc" -eq 0 ] && grep -qx PASS "$NRT_TMP/rx.out" || nrt_fail "fault_rx exited $rc"
line=$(grep '^received [0-9]* dropped ' "$NRT_TMP/rx.out") || nrt_fail "no statistics line"
read -r received dropped <<<"$(sed -n 's/^received \([0-9]*\) dropped \([0-9]*\) .*/\1 \2/p' <<<"$line")"
[ "$dropped" -gt 0 ] || nrt_fail "the ring never overflowed: not an overload"
[ $((received + dropped)) = "$count" ] ||
	nrt_fail "received $received + dropped $dropped != sent $count"
echo "PASS: tap: sent $count, received $received, dropped $dropped ($line)"
