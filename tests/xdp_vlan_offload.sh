#!/bin/bash
# SPDX-License-Identifier: MIT
# xdp_vlan_offload.sh STAMPS - a VLAN tag that never was in the bytes
# reaches an xdp ring in the bytes.  The sending veth's tc egress program
# (tests/bpf/nrt_vlan_push.bpf.c) tags every frame with VLAN 100 out of
# band, in the skb's metadata, as a VLAN device on top of a veth does; the
# receiving end's native XDP program sees the frame untagged.  2,000
# frames, 60..1514 bytes, at 20,000/s: every one arrives in order, byte
# for byte as sent with the tag after the MAC addresses, flagged VLAN with
# tci 100; 0 dropped.  STAMPS: burst (the program writes no record and
# puts the tag back itself) or software (a record per frame with a kernel
# stamp: the library puts the tag back).
set -u
. "$(dirname "$0")/xdp_lib.sh"

stamps=${1:-}
case $stamps in burst | software) ;; *) echo "usage: xdp_vlan_offload.sh burst|software" >&2; exit 2 ;; esac
: "${NRT_SEND:?}" "${NRX_RX:?}" "${NRX_VLAN_PUSH_OBJ:?}"
[ -f "$NRX_VLAN_PUSH_OBJ" ] || nrt_fail "no $NRX_VLAN_PUSH_OBJ (built with the BPF compiler)"
count=2000 seed=311 pps=20000
stream=(--len 60:1514)

nrx_setup
nrt_in "$NRT_NS_A" tc qdisc add dev "$NRT_IF_A" clsact ||
	nrt_fail "clsact on $NRT_IF_A"
nrt_in "$NRT_NS_A" tc filter add dev "$NRT_IF_A" egress bpf da \
	obj "$NRX_VLAN_PUSH_OBJ" sec tc || nrt_fail "tc egress program on $NRT_IF_A"
off=$(nrt_in "$NRT_NS_A" ethtool -k "$NRT_IF_A" | sed -n 's/^tx-vlan-offload: //p')
case $off in on*) ;; *) nrt_fail "$NRT_IF_A: tx-vlan-offload is '$off': the tag would go in the bytes" ;; esac

nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRX_RX" -i "$NRT_IF_B" -n "$count" \
	-s "$seed" -t 60 --attach native --expect-exact --expect-ts "$stamps" \
	--pushed-vlan 100 --match-ethertype 88b5 "${stream[@]}"
rx_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30

nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	--pps "$pps" "${stream[@]}" >"$NRT_TMP/send.out" ||
	nrt_fail "nrt-send failed: $(cat "$NRT_TMP/send.out")"
sent=$(sed -n 's/^sent //p' "$NRT_TMP/send.out")
nrt_wait_exit "$rx_pid" 90
rx_rc=$?
cat "$NRT_TMP/rx.out"
[ "$sent" = "$count" ] || nrt_fail "sent $sent frames, expected $count"
[ "$rx_rc" -eq 0 ] || nrt_fail "xdp_rx exited $rx_rc"
grep -qx PASS "$NRT_TMP/rx.out" || nrt_fail "xdp_rx did not pass"
grep -q "^truncated 0 vlan $count " "$NRT_TMP/rx.out" ||
	nrt_fail "expected all $count frames flagged VLAN, none truncated"
nrx_no_xdp "$NRT_NS_B" "$NRT_IF_B" || nrt_fail "an XDP program was left on $NRT_IF_B"
exit 0
