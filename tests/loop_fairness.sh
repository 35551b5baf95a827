#!/bin/bash
# SPDX-License-Identifier: MIT
# loop_fairness.sh BACKEND - one loop thread, two rings: one interface
# flooded (a sender as fast as it can go), the other at 100 frames/s.  The
# per-ring budget keeps the flood from starving the slow ring: all of its
# frames are delivered, in order, and 99% of them within 1 ms of the
# kernel's timestamp (the frame's ts_ns, taken when the frame arrived, to
# the moment the callback sees it).
#   BACKEND: the slow ring's backend; the flooded ring is AF_PACKET.  xdp
#   is the one registered: AF_XDP hands over each frame as it comes, while
#   AF_PACKET (TPACKET_V3) hands over a block when it is full or when its
#   retire timer fires, which is a jiffy at the least (4 ms at HZ=250): at
#   100 frames/s a packet ring's latency is that timer's, loop or no loop.
# A veth receives on the sending CPU's backlog queue, and the kernel stamps
# a frame when it enters that queue: a slow frame sent from the flooding
# CPU would wait behind up to netdev_max_backlog flood frames before any
# socket sees it, which says nothing about the loop.  So the flood is sent
# from CPU 0 and the slow stream from CPU 1, where loop_rx runs too.
set -u
. "$(dirname "$0")/loop_lib.sh"

backend=${1:-xdp}
slow_count=300
nrl_setup
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || nrt_fail "mount bpffs"
nrl_pairs_batch 0 1
for i in 0 1; do
	nrl_wait_up "$NRL_NS_R" "nrl$$r$i"
	nrl_wait_up "$NRL_NS_S" "nrl$$s$i"
done
nrt_require_cmd taskset chrt
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs 2 CPUs"; exit 77; }
# One attempt: loop_rx over both rings, the flood on, the slow stream
# sent; every slow frame must arrive, exact and in order.  Sets p99.
attempt() {
	local flood flood_line slow_line kv
	nrl_rx_start --latency --light packet:nrl$$r0 packet:nrl$$r0 "$backend":nrl$$r1
	nrt_in "$NRL_NS_S" taskset -c 0 "$NRT_SEND" -i nrl$$s0 -n 100000000 -s 500 >/dev/null &
	flood=$!
	NRT_PIDS+=($flood)
	taskset -p -c 1 "$NRL_RX_PID" >/dev/null || nrt_fail "pin loop_rx"
	# Real-time priority: on a machine shared with other work (compilers,
	# other tests) a time-shared thread waits milliseconds for a CPU,
	# which is the scheduler's latency, not the loop's.  The flooded
	# ring's frames are checked by header only (--light), so the loop
	# keeps up and sleeps at times: a real-time thread busy for 950 ms of
	# a second is stopped by the kernel for the other 50.
	chrt -f -p 20 "$NRL_RX_PID" || nrt_fail "chrt loop_rx"
	nrl_wait_received 10000 10 # the flood is on
	nrt_in "$NRL_NS_S" taskset -c 1 "$NRT_SEND" -i nrl$$s1 -n $slow_count -s 501 --pps 100 \
		>"$NRT_TMP/slow.out" || nrt_fail "slow sender"
	grep -qx "sent $slow_count" "$NRT_TMP/slow.out" || nrt_fail "slow: $(cat "$NRT_TMP/slow.out")"
	nrt_running $flood || nrt_fail "the flood ended before the slow stream did"
	kill -TERM $flood
	wait $flood 2>/dev/null
	nrl_rx_stop

	flood_line=$(nrl_final packet:nrl$$r0)
	slow_line=$(nrl_final "$backend":nrl$$r1)
	nrt_log "flooded: $flood_line"
	nrt_log "slow:    $slow_line"
	[ "$(nrl_field "$flood_line" bad)" = 0 ] && [ "$(nrl_field "$flood_line" reordered)" = 0 ] ||
		nrt_fail "flooded ring: frames out of order or not of the stream"
	for kv in received=$slow_count bad=0 foreign=0 reordered=0 gaps=0 dropped=0 lat_n=$slow_count; do
		[ "$(nrl_field "$slow_line" "${kv%%=*}")" = "${kv#*=}" ] ||
			nrt_fail "slow ring: want $kv: $slow_line"
	done
	p99=$(nrl_field "$slow_line" lat_p99_us)
	flood_rx=$(nrl_field "$flood_line" received)
}

# Softirq work of other programs on this shared machine preempts even the
# highest priority; a measurement it spoiled is taken again, at most three
# times in all.  Delivery is checked exactly in every attempt.
p99s=()
for try in 1 2 3; do
	attempt
	p99s+=("$p99")
	[ "$p99" -lt 1000 ] && break
done
[ "$p99" -lt 1000 ] || nrt_fail "slow ring: p99 latency at or over 1 ms in all three attempts: ${p99s[*]} us"
echo "PASS: slow ring beside a flood: $slow_count/$slow_count frames, p99 ${p99} us (attempts: ${p99s[*]} us), flood $flood_rx frames"
