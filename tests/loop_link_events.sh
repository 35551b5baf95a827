#!/bin/bash
# SPDX-License-Identifier: MIT
# loop_link_events.sh BACKEND - a link plugged by auto-plug goes down, comes
# back up and changes its MTU while the loop runs.  The loop reports DOWN,
# UP and MTU (old and new) events; the ring stays plugged and receiving
# resumes after UP with every frame (AF_PACKET's socket is hooked again by
# the kernel; an AF_XDP socket stays bound through down and up); frames longer than a slot after
# the MTU was raised are delivered cut to the slot and counted as
# truncated (or dropped and counted, where the backend cannot cut), never
# written past it: received + dropped == sent, and every frame, whole or
# cut, matches what was sent.
#   BACKEND: packet (MTU 1500 -> 9000, frames up to 9000 bytes) or xdp
#   (take mode; MTU 1500 -> 3000, frames up to 3000 bytes: native XDP on a
#   veth refuses larger MTUs)
set -u
. "$(dirname "$0")/loop_lib.sh"

backend=${1:?usage: loop_link_events.sh packet|xdp}
case $backend in
packet) big=9000 ;;
xdp) big=3000 ;;
*) nrt_fail "unknown backend $backend" ;;
esac
count=1000
nrl_setup
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || nrt_fail "mount bpffs"
nrl_pairs_batch 0 0
r=nrl$$r0
s=nrl$$s0
nrl_wait_up "$NRL_NS_R" "$r"
nrl_wait_up "$NRL_NS_S" "$s"
nrl_rx_start --block-timeout 100 --auto "nrl$$r*" --auto-backend "$backend" --seed 402 --jumbo 3:$big
nrt_wait_line "$NRL_OUT" "plugged $r" "$NRL_RX_PID" 5

send() { # SEED COUNT [stream options]
	local seed=$1 n=$2
	shift 2
	nrt_in "$NRL_NS_S" "$NRT_SEND" -i "$s" -n "$n" -s "$seed" --pps 5000 "$@" \
		>"$NRT_TMP/send.out" || nrt_fail "nrt-send: $(cat "$NRT_TMP/send.out")"
	grep -qx "sent $n" "$NRT_TMP/send.out" || nrt_fail "sent: $(cat "$NRT_TMP/send.out")"
}

send 400 $count
nrl_wait_received $count 10

nrt_in "$NRL_NS_R" ip link set dev "$r" down || nrt_fail "down"
nrt_wait_line "$NRL_OUT" "event down $r" "$NRL_RX_PID" 5
nrt_in "$NRL_NS_R" ip link set dev "$r" up || nrt_fail "up"
nrt_wait_line "$NRL_OUT" "event up $r" "$NRL_RX_PID" 5
nrl_wait_up "$NRL_NS_R" "$r"
nrl_wait_up "$NRL_NS_S" "$s"
grep -q "^gone $r " "$NRL_OUT" && nrt_fail "unplugged on down/up: $(grep "^gone" "$NRL_OUT")"
send 401 $count
nrl_wait_received $((2 * count)) 10

nrt_in "$NRL_NS_R" ip link set dev "$r" mtu $big || nrt_fail "mtu $big on $r"
nrt_in "$NRL_NS_S" ip link set dev "$s" mtu $big || nrt_fail "mtu $big on $s"
nrt_wait_line "$NRL_OUT" "event mtu $r 1500 $big" "$NRL_RX_PID" 5
# Frames 0..300: every third ($big bytes) is cut or dropped.  At least the
# 201 short ones arrive; a long one cut to the slot arrives too, so no
# received count says all were handled: wait until the count settles.
big_count=301
long=100
send 402 $big_count --jumbo 3:$big
nrl_wait_received $((2 * count + big_count - long)) 10
nrl_wait_settled 10
nrl_rx_stop
line=$(grep "^final $r " "$NRL_OUT" | tail -1)
[ -n "$line" ] || nrt_fail "no summary for $r"
for kv in bad=0 foreign=0 reordered=0; do
	[ "$(nrl_field "$line" "${kv%%=*}")" = "${kv#*=}" ] || nrt_fail "want $kv: $line"
done
grep -qx "seed $r 402 .*" "$NRL_OUT" || nrt_fail "no frame after the MTU change"
read -r _ _ _ n402 _ _ <<<"$(grep "^seed $r 402 " "$NRL_OUT")"
dropped=$(nrl_field "$line" dropped)
truncated=$(nrl_field "$line" truncated)
[ $((n402 + dropped)) = $big_count ] ||
	nrt_fail "after the MTU change: received $n402 + dropped $dropped != sent $big_count: $line"
[ $((truncated + dropped)) = $long ] ||
	nrt_fail "frames longer than a slot: $truncated cut + $dropped dropped != $long"
grep -qx "seed $r 401 $count 0 $count" "$NRL_OUT" ||
	nrt_fail "after down/up: $(grep "^seed $r 401" "$NRL_OUT")"
grep -qx "seed $r 400 $count 0 $count" "$NRL_OUT" ||
	nrt_fail "before down: $(grep "^seed $r 400" "$NRL_OUT")"
echo "PASS: $backend: down, up and MTU events; receiving resumed; $truncated cut, $dropped dropped of $long long frames"
