#!/bin/bash
# SPDX-License-Identifier: MIT
# packet_tx_deliver.sh - 20,000 frames of the test stream (60..1514 bytes,
# every 7th VLAN-tagged) transmitted by a packet ring on one end of a veth
# pair arrive at a packet ring (rx_verify) AND at tcpdump on the other end,
# all of them, byte-exact and in order; the sender counts every frame sent
# and none failed.  Paced at 20,000 frames/s so neither receiver is overrun;
# a drop fails the test (rx_verify --expect-exact, tcpdump -c).
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_PACKET_TX:?}" "${NRT_RX_VERIFY:?}" "${NRT_PCAP_VERIFY:?}"

count=20000 seed=801 pps=20000
stream=(--len 60:1514 --vlan-every 7)

nrt_require_root
nrt_require_cmd tcpdump
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrtt
pcap=$NRT_TMP/peer.pcap

# The witness: 10 ms blocks hold 640 ms of a reader held off its CPU
# (1 ms blocks: 64 ms whatever the slots, see tests/tap_tx.sh).
nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRT_RX_VERIFY" -i "$NRT_IF_B" \
	-b packet --block-timeout 10 --expect-exact -n "$count" -s "$seed" \
	-t 60 "${stream[@]}"
rx_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30

# -Z root: write the file as root into our private directory; -c: exit
# after exactly the frames sent (a drop leaves it waiting: a failure).
nrt_bg "$NRT_NS_B" "$NRT_TMP/tcpdump.out" tcpdump -i "$NRT_IF_B" -n -s 0 \
	-B 16384 -Z root -c "$count" -w "$pcap" 2>"$NRT_TMP/tcpdump.err"
td_pid=$NRT_LAST_PID
nrt_wait_until "tcpdump listening" 30 grep -q "listening on" "$NRT_TMP/tcpdump.err"

nrt_in "$NRT_NS_A" "$NRT_PACKET_TX" send -i "$NRT_IF_A" -n "$count" \
	-s "$seed" --pps "$pps" "${stream[@]}" >"$NRT_TMP/send.out"
send_rc=$?
cat "$NRT_TMP/send.out"
[ "$send_rc" -eq 0 ] || nrt_fail "packet_tx send exited $send_rc"
grep -qx "sent $count" "$NRT_TMP/send.out" || nrt_fail "sender did not send $count"

nrt_wait_exit "$rx_pid" 60
rx_rc=$?
cat "$NRT_TMP/rx.out"
[ "$rx_rc" -eq 0 ] || nrt_fail "rx_verify exited $rx_rc"
grep -qx PASS "$NRT_TMP/rx.out" || nrt_fail "rx_verify did not pass"

nrt_wait_exit "$td_pid" 30
td_rc=$?
cat "$NRT_TMP/tcpdump.err" >&2
[ "$td_rc" -eq 0 ] || nrt_fail "tcpdump exited $td_rc"
grep -q "^0 packets dropped by kernel" "$NRT_TMP/tcpdump.err" ||
	nrt_fail "tcpdump reports drops"
"$NRT_PCAP_VERIFY" -r "$pcap" -n "$count" -s "$seed" "${stream[@]}" ||
	nrt_fail "tcpdump's capture does not hold exactly the frames sent"
echo PASS
