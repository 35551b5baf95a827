#!/bin/bash
# SPDX-License-Identifier: MIT
# xdp_tx.sh CASE - the xdp backend's transmit tests (xdp_tx.c does the
# work), each on namespaces and veth pairs of its own (prefix nrq):
#   send    20,000 frames 60..1514 bytes, every 7th VLAN-tagged, sent by
#           netring -b xdp on one end: received by netring -b xdp on the
#           other byte-exact and in order; then again (a TX-only ring)
#           with tcpdump alone on the receiving end (an XDP program takes
#           frames before tcpdump could see them), its capture checked
#           byte-exact and in order; tx_sent == 20,000, tx_failed == 0
#   fwd     A -> [b1 forwarder b2] -> C across two veth pairs: two xdp rings
#           sharing a UMEM forward 100,000 frames; C receives them all
#           byte-exact in order; every TX descriptor is the RX view's own
#           address; received == forwarded + dropped
#   faults  oversize -> -EMSGSIZE, interface down -> -ENETDOWN, 20 plug/
#           unplug cycles of two rings sharing a UMEM with frames in flight
set -u
. "$(dirname "$0")/xdp_lib.sh"
NRX_PREFIX=nrq

[ $# -eq 1 ] || { echo "usage: xdp_tx.sh send|fwd|faults" >&2; exit 2; }
: "${NRQ_TX:?}" "${NRX_RX:?}" "${NRT_SEND:?}" "${NRT_PCAP_VERIFY:?}"
stream=(--len 60:1514 --vlan-every 7)

case $1 in
send)
	nrx_setup
	nrt_require_cmd tcpdump
	count=20000 seed=801
	nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRX_RX" -i "$NRT_IF_B" -n "$count" \
		-s "$seed" -t 60 --match-ethertype 88b5 --expect-exact "${stream[@]}"
	rx_pid=$NRT_LAST_PID
	nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30
	nrt_in "$NRT_NS_A" "$NRQ_TX" send -i "$NRT_IF_A" -n "$count" -s "$seed" \
		--pps 20000 "${stream[@]}" >"$NRT_TMP/tx.out" 2>&1
	tx_rc=$?
	cat "$NRT_TMP/tx.out"
	[ "$tx_rc" -eq 0 ] || nrt_fail "xdp_tx send exited $tx_rc"
	nrt_wait_exit "$rx_pid" 60 || nrt_fail "xdp_rx failed: $(cat "$NRT_TMP/rx.out")"
	cat "$NRT_TMP/rx.out"
	grep -qx PASS "$NRT_TMP/rx.out" || nrt_fail "xdp_rx did not pass"

	# The same stream to tcpdump (no XDP program on the receiving end).
	nrx_no_xdp "$NRT_NS_B" "$NRT_IF_B" || nrt_fail "an XDP program is still attached"
	nsenter --net="/run/netns/$NRT_NS_B" tcpdump -U -n -i "$NRT_IF_B" \
		-w "$NRT_TMP/rx.pcap" 'ether proto 0x88b5 or vlan' 2>"$NRT_TMP/tcpdump.err" &
	td_pid=$!
	NRT_PIDS+=("$td_pid")
	nrt_wait_until "tcpdump listening" 10 grep -q 'listening on' "$NRT_TMP/tcpdump.err"
	nrt_in "$NRT_NS_A" "$NRQ_TX" send -i "$NRT_IF_A" -n "$count" -s "$seed" \
		--pps 20000 --tx-only "${stream[@]}" >"$NRT_TMP/tx2.out" 2>&1
	tx_rc=$?
	cat "$NRT_TMP/tx2.out"
	[ "$tx_rc" -eq 0 ] || nrt_fail "xdp_tx send --tx-only exited $tx_rc"
	# -U: every frame is in the file as soon as tcpdump has it.
	pcap_holds_stream() {
		"$NRT_PCAP_VERIFY" -r "$NRT_TMP/rx.pcap" -n "$count" -s "$seed" \
			"${stream[@]}" >/dev/null 2>&1
	}
	nrt_wait_until "tcpdump's capture to hold the stream" 20 pcap_holds_stream
	kill -INT "$td_pid"
	nrt_wait_exit "$td_pid" 10
	cat "$NRT_TMP/tcpdump.err"
	"$NRT_PCAP_VERIFY" -r "$NRT_TMP/rx.pcap" -n "$count" -s "$seed" "${stream[@]}" ||
		nrt_fail "tcpdump's capture is not the stream"
	;;
fwd)
	nrt_require_root
	nrt_trap_cleanup
	nrt_tmpdir
	count=100000 seed=802
	ns_a="$NRX_PREFIX-a-$$" ns_m="$NRX_PREFIX-m-$$" ns_c="$NRX_PREFIX-c-$$"
	a1="nrqa1$$" b1="nrqb1$$" b2="nrqb2$$" a2="nrqa2$$"
	for ns in "$ns_a" "$ns_m" "$ns_c"; do nrt_ns_create "$ns"; done
	ip link add "$a1" netns "$ns_a" address 02:6e:72:74:00:01 type veth \
		peer name "$b1" netns "$ns_m" address 02:6e:72:74:00:02 ||
		nrt_fail "veth $a1/$b1"
	ip link add "$b2" netns "$ns_m" address 02:6e:72:74:00:03 type veth \
		peer name "$a2" netns "$ns_c" address 02:6e:72:74:00:02 ||
		nrt_fail "veth $b2/$a2"
	nrt_in "$ns_a" ip link set dev "$a1" up && nrt_in "$ns_m" ip link set dev "$b1" up &&
		nrt_in "$ns_m" ip link set dev "$b2" up && nrt_in "$ns_c" ip link set dev "$a2" up ||
		nrt_fail "links up"
	for l in "$ns_a $a1" "$ns_m $b1" "$ns_m $b2" "$ns_c $a2"; do
		# shellcheck disable=SC2086
		nrt_wait_until "$l up" 5 nrt_link_up_in $l
	done
	NRT_NS_B=$ns_c NRT_IF_B=$a2
	nrt_in "$ns_c" "$NRX_PROBE" --built "$a2" >/dev/null
	case $? in 0) ;; 77) exit 77 ;; *) nrt_fail "xdp_probe" ;; esac
	nrt_bg "$ns_c" "$NRT_TMP/rx.out" "$NRX_RX" -i "$a2" -n "$count" -s "$seed" \
		-t 90 --match-ethertype 88b5 --expect-exact "${stream[@]}"
	rx_pid=$NRT_LAST_PID
	nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30
	nrt_bg "$ns_m" "$NRT_TMP/fwd.out" "$NRQ_TX" fwd -i "$b1" -o "$b2" -n "$count" -t 90
	fwd_pid=$NRT_LAST_PID
	nrt_wait_line "$NRT_TMP/fwd.out" ready "$fwd_pid" 30
	# 20,000 frames/s, as the other zero-loss tests: 4,096 slots hold
	# 205 ms of it.  At 50,000 they held 82 ms, less than the ~100 ms
	# that an idle vCPU of the PVM guest this ran on can stay halted
	# before the hypervisor runs it again (IPI and timer both held:
	# docs/reliability.md), so either receiver lost ~900 frames, counted.
	nrt_in "$ns_a" "$NRT_SEND" -i "$a1" -n "$count" -s "$seed" --pps 20000 \
		"${stream[@]}" >"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
	nrt_wait_exit "$fwd_pid" 90
	fwd_rc=$?
	cat "$NRT_TMP/fwd.out"
	[ "$fwd_rc" -eq 0 ] || nrt_fail "the forwarder exited $fwd_rc"
	nrt_wait_exit "$rx_pid" 60 || nrt_fail "xdp_rx failed: $(cat "$NRT_TMP/rx.out")"
	cat "$NRT_TMP/rx.out"
	grep -qx PASS "$NRT_TMP/rx.out" || nrt_fail "the far end did not receive the stream"
	;;
faults)
	nrx_setup
	c="nrqc$$" d="nrqd$$"
	ip link add "$c" netns "$NRT_NS_B" address 02:6e:72:74:00:04 type veth \
		peer name "$d" netns "$NRT_NS_A" address 02:6e:72:74:00:03 ||
		nrt_fail "veth $c/$d"
	nrt_in "$NRT_NS_B" ip link set dev "$c" up && nrt_in "$NRT_NS_A" ip link set dev "$d" up ||
		nrt_fail "links up"
	nrt_wait_until "$c up" 5 nrt_link_up_in "$NRT_NS_B" "$c"
	nrt_in "$NRT_NS_B" "$NRQ_TX" faults -i "$NRT_IF_B" -o "$c" --cycles 20 \
		>"$NRT_TMP/faults.out" 2>&1
	rc=$?
	cat "$NRT_TMP/faults.out"
	[ "$rc" -eq 0 ] || nrt_fail "xdp_tx faults exited $rc"
	;;
*)
	echo "xdp_tx.sh: unknown case '$1'" >&2
	exit 2
	;;
esac
echo PASS
