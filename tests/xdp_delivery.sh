#!/bin/bash
# SPDX-License-Identifier: MIT
# xdp_delivery.sh CASE MODE - frames sent into one end of a veth pair reach
# a ring plugged into the other end through the xdp backend (MODE: native
# or generic XDP) exactly as sent; xdp_rx checks every byte, the order, the
# flags, the timestamps and that received + dropped == sent.  Cases:
#   paced_exact            20,000 frames at 20,000/s, 60..1514 bytes, every
#                          7th VLAN-tagged: all arrive, in order, byte-exact,
#                          stamped by the kernel, 0 drops (burst API)
#   unthrottled_accounted  100,000 frames as fast as the sender goes, tagged
#                          every 7th, into 256 slots: received + dropped ==
#                          sent (dispatch API)
#   stalled_accounted      a ring of 64 slots takes nothing until the 20,000
#                          frames are sent: exactly 64 received, 19,936
#                          dropped (no free slot), all counted
#   jumbo_truncated        MTU 9000, 10,000/s: 4000..9000-byte frames arrive
#                          cut to the 1792 bytes of a slot (multi-buffer),
#                          flagged and counted; every 5th is 1792 bytes and
#                          arrives whole
#   jumbo_truncated_4096   the same with 4096-byte slots: cut to 3840 bytes
#   all_queues_exact       two RX queues, all plugged: the first half of the
#                          stream is sent from CPU 0 (queue 0), the second
#                          from CPU 1 (queue 1); every frame arrives once
#   offloaded_vlan_burst   (native only) the sender's tc egress program
#                          (tests/bpf/nrt_vlan_push.bpf.c) tags 2,000 frames
#                          with VLAN 100 out of band, in the skb's metadata,
#                          as a VLAN device on a veth does; the XDP program
#                          sees them untagged.  Every one arrives in order,
#                          as sent with the tag after the MAC addresses,
#                          flagged VLAN, tci 100, 0 dropped.  Burst stamps:
#                          the program writes no record and puts the tag
#                          back itself
#   offloaded_vlan_kernel  the same with a kernel stamp per frame: records,
#                          and the library puts the tag back
set -u
. "$(dirname "$0")/xdp_lib.sh"

[ $# -eq 2 ] || { echo "usage: xdp_delivery.sh CASE native|generic" >&2; exit 2; }
case_name=$1 mode=$2
case $mode in native | generic) ;; *) echo "unknown mode '$mode'" >&2; exit 2 ;; esac
: "${NRT_SEND:?}" "${NRX_RX:?}" "${NRX_SEND:?}"

mtu=1500 queues=1 pps=0 api=burst
rx_opts=() stream=()
case $case_name in
paced_exact)
	count=20000 seed=301 pps=20000
	stream=(--len 60:1514 --vlan-every 7)
	rx_opts=(--expect-exact --expect-ts software)
	;;
unthrottled_accounted)
	count=100000 seed=302 api=dispatch
	stream=(--len 60:1514 --vlan-every 7)
	rx_opts=(--expect-accounted --ring-frames 256 --expect-ts burst)
	;;
stalled_accounted)
	count=20000 seed=303
	stream=(--len 60:200)
	rx_opts=(--expect-accounted --ring-frames 64)
	;;
jumbo_truncated)
	# Up to 6 slots a frame (multi-buffer): room for a backlog of a
	# receiver that is slow at checking 9000-byte frames (sanitizers).
	count=5000 seed=304 pps=10000 mtu=9000
	stream=(--len 4000:9000 --jumbo 5:1792)
	rx_opts=(--expect-exact --frame-size 2048 --ring-frames 16384)
	;;
jumbo_truncated_4096)
	# 4096-byte slots hold 3840 bytes: the same, one size up.
	count=5000 seed=306 pps=10000 mtu=9000
	stream=(--len 4000:9000 --jumbo 5:3840)
	rx_opts=(--expect-exact --frame-size 4096 --ring-frames 8192)
	;;
all_queues_exact)
	count=4000 seed=305 pps=20000 queues=2
	stream=(--len 60:1514 --vlan-every 7)
	rx_opts=(--expect-exact --queue all)
	;;
offloaded_vlan_burst | offloaded_vlan_kernel)
	# Generic XDP has no way to read a tag kept in the skb (see
	# docs/reliability.md): the case is about native XDP.
	[ "$mode" = native ] || { echo "xdp_delivery.sh: $case_name is native only" >&2; exit 2; }
	count=2000 seed=311 pps=20000
	stream=(--len 60:1514)
	ts=software
	[ "$case_name" = offloaded_vlan_burst ] && ts=burst
	rx_opts=(--expect-exact --pushed-vlan 100 --expect-ts "$ts")
	;;
*)
	echo "xdp_delivery.sh: unknown case '$case_name'" >&2
	exit 2
	;;
esac

nrx_setup "$mtu" "$queues"
case $case_name in
offloaded_vlan_*)
	: "${NRX_VLAN_PUSH_OBJ:?}"
	[ -f "$NRX_VLAN_PUSH_OBJ" ] || nrt_fail "no $NRX_VLAN_PUSH_OBJ (built with the BPF compiler)"
	nrt_in "$NRT_NS_A" tc qdisc add dev "$NRT_IF_A" clsact ||
		nrt_fail "clsact on $NRT_IF_A"
	nrt_in "$NRT_NS_A" tc filter add dev "$NRT_IF_A" egress bpf da \
		obj "$NRX_VLAN_PUSH_OBJ" sec tc || nrt_fail "tc egress program on $NRT_IF_A"
	off=$(nrt_in "$NRT_NS_A" ethtool -k "$NRT_IF_A" | sed -n 's/^tx-vlan-offload: //p')
	case $off in on*) ;; *) nrt_fail "$NRT_IF_A: tx-vlan-offload is '$off': the tag would go in the bytes" ;; esac
	;;
esac
stall_file="$NRT_TMP/sender-done"
[ "$case_name" = stalled_accounted ] && rx_opts+=(--stall-until "$stall_file")

nrt_log "$case_name ($mode XDP): $count frames, seed $seed, ${stream[*]}, $NRT_IF_A -> $NRT_IF_B"
nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRX_RX" -i "$NRT_IF_B" -n "$count" \
	-s "$seed" -t 60 --attach "$mode" --api "$api" \
	--match-ethertype 88b5 "${rx_opts[@]}" "${stream[@]}"
rx_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30

if [ "$case_name" = all_queues_exact ]; then
	nrx_xps "$NRT_NS_A" "$NRT_IF_A"
	half=$((count / 2))
	nrt_in "$NRT_NS_A" taskset -c 0 "$NRX_SEND" -i "$NRT_IF_A" -s "$seed" \
		--first 0 -n "$half" --pps "$pps" "${stream[@]}" >"$NRT_TMP/send0.out" ||
		nrt_fail "sender on CPU 0 failed"
	nrt_in "$NRT_NS_A" taskset -c 1 "$NRX_SEND" -i "$NRT_IF_A" -s "$seed" \
		--first "$half" -n "$half" --pps "$pps" "${stream[@]}" >"$NRT_TMP/send1.out" ||
		nrt_fail "sender on CPU 1 failed"
	sent=$(($(sed -n 's/^sent //p' "$NRT_TMP/send0.out") +
		$(sed -n 's/^sent //p' "$NRT_TMP/send1.out")))
else
	nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
		--pps "$pps" "${stream[@]}" >"$NRT_TMP/send.out" ||
		nrt_fail "nrt-send failed: $(cat "$NRT_TMP/send.out")"
	sent=$(sed -n 's/^sent //p' "$NRT_TMP/send.out")
fi
nrt_log "sent $sent"
touch "$stall_file"

nrt_wait_exit "$rx_pid" 90
rx_rc=$?
cat "$NRT_TMP/rx.out"
[ "$sent" = "$count" ] || nrt_fail "sent $sent frames, expected $count"
[ "$rx_rc" -eq 0 ] || nrt_fail "xdp_rx exited $rx_rc"
grep -qx PASS "$NRT_TMP/rx.out" || nrt_fail "xdp_rx did not pass"

case $case_name in
stalled_accounted)
	grep -q "^received 64 dropped $((count - 64)) (ring_full 0 no_buffer $((count - 64)) " \
		"$NRT_TMP/rx.out" ||
		nrt_fail "expected exactly 64 frames received and $((count - 64)) dropped for want of a slot"
	;;
jumbo_truncated | jumbo_truncated_4096)
	grep -q "^truncated 4000 " "$NRT_TMP/rx.out" ||
		nrt_fail "expected exactly 4000 truncated frames"
	;;
offloaded_vlan_*)
	grep -q "^truncated 0 vlan $count " "$NRT_TMP/rx.out" ||
		nrt_fail "expected all $count frames flagged VLAN, none truncated"
	;;
all_queues_exact)
	grep -q "queues 2 " "$NRT_TMP/rx.out" || nrt_fail "expected 2 queues plugged"
	if [ "$mode" = native ]; then
		# veth counts per queue what its XDP program redirected.
		stats=$(nrt_in "$NRT_NS_B" ethtool -S "$NRT_IF_B")
		for q in 0 1; do
			n=$(printf '%s\n' "$stats" | sed -n "s/^ *rx_queue_${q}_xdp_redirect: //p")
			[ "$n" = "$half" ] ||
				nrt_fail "queue $q redirected '$n' frames, expected $half"
		done
	fi
	;;
esac
nrx_no_xdp "$NRT_NS_B" "$NRT_IF_B" || nrt_fail "an XDP program was left on $NRT_IF_B"
exit 0
