#!/bin/bash
# SPDX-License-Identifier: MIT
# loop_hotplug.sh - auto-plug follows links as they come and go.  loop_rx
# runs with auto-plug "all" in a namespace that has no Ethernet link yet.
# 8 veth pairs are created: each is plugged and receiving within 1 s of
# coming up (a paced stream starts as it comes up: the first frame
# delivered is one of the first second's), and every frame from the first
# on arrives, in order, byte-exact.  Then all 8 are deleted while frames
# still flow: each ring is unplugged with its final count (equal to what the
# application got), the process keeps running, and it holds exactly the
# descriptors it held before the first link appeared.
#   loop_hotplug.sh [packet|xdp]: the backend auto-plug uses (xdp: take
#   mode; a removed link is seen through rtnetlink only, as an AF_XDP
#   socket's poll() says nothing of it).
set -u
. "$(dirname "$0")/loop_lib.sh"

backend=${1:-packet}

pairs=8
pps=1000
count=30000 # longer than the test: the links are deleted under the stream
nrl_setup
# Blocks handed over when full or after 100 ms: the rings hold seconds of
# these streams, so a loop starved of CPU for a while loses nothing.
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || nrt_fail "mount bpffs"
nrl_rx_start --auto all --auto-backend "$backend" --block-timeout 100
fds0=$(sed -n 's/^ready fds=//p' "$NRL_OUT")
grep -q '^plugged ' "$NRL_OUT" && nrt_fail "plugged a link before any existed: $(grep '^plugged' "$NRL_OUT")"

nrl_pairs_batch 0 $((pairs - 1))
for ((i = 0; i < pairs; i++)); do
	nrl_wait_up "$NRL_NS_S" "nrl$$s$i"
	nrt_in "$NRL_NS_S" "$NRT_SEND" -i "nrl$$s$i" -n $count -s $((200 + i)) \
		--pps $pps >"$NRT_TMP/send$i.out" 2>&1 &
	NRT_PIDS+=($!)
done
for ((i = 0; i < pairs; i++)); do
	nrt_wait_line "$NRL_OUT" "plugged nrl$$r$i" "$NRL_RX_PID" 5
done
# Every ring receiving (2 s of stream each, on average), then the links go
# while the senders still send.
nrl_wait_received $((pairs * 2 * pps)) 20
{
	for ((i = 0; i < pairs; i++)); do
		echo "link del dev nrl$$s$i"
	done
} | nrt_in "$NRL_NS_S" ip -batch - || nrt_fail "delete the pairs"
for ((i = 0; i < pairs; i++)); do
	nrt_wait_line_re "$NRL_OUT" "^gone nrl$$r$i error=-19 " "$NRL_RX_PID" 5
done
status=$(nrl_status)
[ "$(nrl_field "$status" rings)" = 0 ] || nrt_fail "rings left in the loop: $status"
[ "$(nrl_field "$status" fds)" = "$fds0" ] ||
	nrt_fail "descriptors: $fds0 before the links, $(nrl_field "$status" fds) after they went"
nrl_rx_stop

for ((i = 0; i < pairs; i++)); do
	name=nrl$$r$i
	line=$(nrl_final "$name")
	gone=$(grep "^gone $name " "$NRL_OUT")
	for kv in bad=0 foreign=0 reordered=0 gaps=0 gone=1; do
		[ "$(nrl_field "$line" "${kv%%=*}")" = "${kv#*=}" ] ||
			nrt_fail "$name: want $kv: $line"
	done
	got=$(nrl_field "$line" received)
	[ "$(nrl_field "$gone" received)" = "$got" ] ||
		nrt_fail "$name: final count $(nrl_field "$gone" received), the application got $got"
	read -r _ _ seed n first next <<<"$(grep "^seed $name " "$NRL_OUT")"
	[ "$seed" = $((200 + i)) ] || nrt_fail "$name: stream $seed"
	[ "$n" = "$got" ] && [ $((next - first)) = "$n" ] ||
		nrt_fail "$name: frames $first..$((next - 1)) but $n of them"
	[ "$first" -lt $pps ] ||
		nrt_fail "$name: first frame delivered was #$first: not receiving within 1 s of coming up"
	nrt_log "$name: plugged, frames $first..$((next - 1)) all delivered, unplugged with received=$got"
done
grep -q '^fds=' "$NRL_OUT" || nrt_fail "loop_rx did not finish"
echo "PASS: $backend: $pairs links plugged as they came, unplugged as they went, $fds0 descriptors before and after"
