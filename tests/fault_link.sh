#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_link.sh CASE BACKEND - break the plugged interface while a ring
# (tests/fault_rx.c) receives, and check what the caller is told:
#   deleted     frames are queued, then `ip link del`: every queued frame is
#               still delivered, then netring_wait returns -ENODEV, close
#               gives back every descriptor
#   down_up     frames, link down, link up, more frames: all of them arrive
#               in order without a re-plug
#   mtu_raised  the MTU goes from 1500 to 9000 while plugged: every 5th
#               frame is 9000 bytes and arrives cut to the slot, flagged
#   detached    (xdp) frames arrive; `ip link set xdp off` is refused (the
#               program is held by a BPF link); another process detaches
#               the link with bpftool: netring_wait returns -ENOLINK
# BACKEND is packet (monitor) or xdp (take, generic XDP: native XDP on veth
# refuses an MTU above ~3.5 KB).
set -u
. "$(dirname "$0")/xdp_lib.sh"
# shellcheck disable=SC2034 # read by nrx_setup (xdp_lib.sh)
NRX_PREFIX=nrf

[ $# -eq 2 ] || { echo "usage: fault_link.sh CASE BACKEND" >&2; exit 2; }
case_name=$1 backend=$2
: "${NRF_RX:?}" "${NRX_SEND:?}"

rx_opts=(-b "$backend")
if [ "$backend" = xdp ]; then
	nrx_setup 1500
	rx_opts+=(--mode take)
else
	nrt_require_root
	nrt_trap_cleanup
	nrt_tmpdir
	nrt_pair_create nrf
fi

# send_part FIRST COUNT: frames FIRST..FIRST+COUNT-1 of the stream, paced
# so that no frame is lost on the way.
send_part() {
	nrt_in "$NRT_NS_A" "$NRX_SEND" -i "$NRT_IF_A" --first "$1" -n "$2" \
		-s "$seed" --pps 20000 "${stream[@]}" >/dev/null ||
		nrt_fail "sending frames $1.. failed"
}

link_state_is() {
	nrt_in "$1" ip -o link show dev "$2" | grep -q "state $3"
}

seed=611
stream=(--len 60:1514)
case $case_name in
deleted)
	# Nothing is taken until the link is gone, and AF_PACKET hands over
	# a part-full block every millisecond: 500 frames at 20,000/s fill
	# about 25 of the ring's 64 blocks, so none is dropped.
	count=500
	rx_opts+=(-n "$count" --exact --hold-until-gone)
	;;
down_up)
	count=4000
	rx_opts+=(-n "$count" --exact --mark 2000)
	;;
mtu_raised)
	count=2000
	stream=(--len 60:1514 --jumbo 5:9000)
	rx_opts+=(-n "$count" --exact)
	;;
detached)
	[ "$backend" = xdp ] || { echo "detached: xdp only" >&2; exit 2; }
	nrt_require_cmd bpftool jq
	count=1000
	rx_opts+=(-n "$count" --exact --mark "$count" --expect-detached)
	;;
*)
	echo "fault_link.sh: unknown case '$case_name'" >&2
	exit 2
	;;
esac
# A packet ring that must take 2,000 or 4,000 frames at 20,000/s exactly:
# 10 ms blocks hold 640 ms for a reader held off its CPU (1 ms blocks:
# 64 ms, docs/reliability.md).  `deleted` keeps 1 ms: see above.
if [ "$backend" = packet ] && [ "$case_name" != deleted ]; then
	rx_opts+=(--block-timeout 10)
fi

nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRF_RX" -i "$NRT_IF_B" "${rx_opts[@]}" -s "$seed" \
	-t 60 "${stream[@]}"
rx=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx" 30

case $case_name in
deleted)
	send_part 0 "$count"
	nrt_wait_line "$NRT_TMP/rx.out" "queued $count" "$rx" 30
	# Deleting A's end deletes B's, the plugged one.
	nrt_in "$NRT_NS_A" ip link del dev "$NRT_IF_A" || nrt_fail "ip link del"
	;;
down_up)
	send_part 0 2000
	nrt_wait_line "$NRT_TMP/rx.out" "mark 2000" "$rx" 30
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" down || nrt_fail "down"
	nrt_wait_until "$NRT_IF_B down" 5 link_state_is "$NRT_NS_B" "$NRT_IF_B" DOWN
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" up || nrt_fail "up"
	nrt_wait_until "$NRT_IF_B up" 5 nrt_link_up_in "$NRT_NS_B" "$NRT_IF_B"
	nrt_wait_until "$NRT_IF_A up" 5 nrt_link_up_in "$NRT_NS_A" "$NRT_IF_A"
	send_part 2000 2000
	;;
mtu_raised)
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" mtu 9000 ||
		nrt_fail "the kernel refused MTU 9000 on the plugged $NRT_IF_B"
	nrt_in "$NRT_NS_A" ip link set dev "$NRT_IF_A" mtu 9000 || nrt_fail "mtu a"
	send_part 0 "$count"
	;;
detached)
	send_part 0 "$count"
	nrt_wait_line "$NRT_TMP/rx.out" "mark $count" "$rx" 30
	prog=$(nrt_in "$NRT_NS_B" ip -d link show dev "$NRT_IF_B" |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	[ -n "$prog" ] || nrt_fail "no XDP program on $NRT_IF_B"
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" xdp off 2>/dev/null &&
		nrt_fail "ip link set xdp off removed a program held by a BPF link"
	link=$(bpftool -j link show | jq -r --argjson p "$prog" \
		'.[] | select(.prog_id == $p) | .id')
	[ -n "$link" ] || nrt_fail "no BPF link holds program $prog"
	bpftool link detach id "$link" || nrt_fail "bpftool link detach id $link"
	nrx_no_xdp "$NRT_NS_B" "$NRT_IF_B" || nrt_fail "the program is still attached"
	;;
esac

nrt_wait_exit "$rx" 60
rc=$?
cat "$NRT_TMP/rx.out"
[ "$rc" -eq 0 ] && grep -qx PASS "$NRT_TMP/rx.out" ||
	nrt_fail "fault_rx exited $rc"
if [ "$case_name" = mtu_raised ]; then
	grep -q " truncated $((count / 5)) " "$NRT_TMP/rx.out" ||
		nrt_fail "expected exactly $((count / 5)) truncated frames"
	# Plugged at MTU 1500 without the snap filter; the first frame longer
	# than a slot made the ring attach it.
	if [ "$backend" = packet ]; then
		grep -qx "socket_filter 1" "$NRT_TMP/rx.out" ||
			nrt_fail "the snap filter was not attached after the first long frame"
	fi
fi
if [ "$backend" = xdp ] && [ "$case_name" != deleted ]; then
	nrx_no_xdp "$NRT_NS_B" "$NRT_IF_B" || nrt_fail "an XDP program was left"
fi
exit 0
