#!/bin/bash
# SPDX-License-Identifier: MIT
# loop_backends.sh - one loop holding a ring of every backend at once:
# AF_PACKET on one veth, AF_XDP (take mode) on another, a TAP device the
# application owns, and a pcap file.  Each gets a stream of its own (seed
# 300..303, 2000 frames); every ring delivers its whole stream, in order,
# byte-exact, and the pcap ring leaves the loop at the end of its file
# (GONE, -ENODATA) having delivered every record.
set -u
. "$(dirname "$0")/loop_lib.sh"

count=2000
: "${NRL_PCAP_GEN:?}"
nrl_setup
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || nrt_fail "mount bpffs"
"$NRL_PCAP_GEN" -o "$NRT_TMP/in.pcap" -n $count -s 303 >/dev/null ||
	nrt_fail "pcap-gen"
nrl_pairs_batch 0 1
for i in 0 1; do
	nrl_wait_up "$NRL_NS_R" "nrl$$r$i"
	nrl_wait_up "$NRL_NS_S" "nrl$$s$i"
done
tap=nrl$$t
nrl_rx_start --block-timeout 100 packet:nrl$$r0 xdp:nrl$$r1 tap:$tap pcap:"$NRT_TMP/in.pcap"
# The host's side of the TAP: up, and frames go in through it.  Its queue
# holds the whole stream, so a loop thread starved of CPU for a while by the
# three senders loses nothing.
nrt_in "$NRL_NS_R" ip link set dev "$tap" address 02:6e:72:74:00:01 \
	txqueuelen $count up ||
	nrt_fail "tap up"
nrt_wait_until "$tap up" 5 nrt_in "$NRL_NS_R" sh -c "ip -o link show dev $tap | grep -q '[<,]UP[,>]'"

nrt_in "$NRL_NS_S" "$NRT_SEND" -i nrl$$s0 -n $count -s 300 --pps 5000 >"$NRT_TMP/s0" &
p0=$!
nrt_in "$NRL_NS_S" "$NRT_SEND" -i nrl$$s1 -n $count -s 301 --pps 5000 >"$NRT_TMP/s1" &
p1=$!
nrt_in "$NRL_NS_R" "$NRT_SEND" -i "$tap" -n $count -s 302 --pps 5000 >"$NRT_TMP/s2" &
p2=$!
NRT_PIDS+=($p0 $p1 $p2)
for p in $p0 $p1 $p2; do
	wait $p || nrt_fail "a sender failed"
done
for f in s0 s1 s2; do
	grep -qx "sent $count" "$NRT_TMP/$f" || nrt_fail "$f: $(cat "$NRT_TMP/$f")"
done
nrl_wait_received $((4 * count)) 20
nrt_wait_line_re "$NRL_OUT" "^gone pcap:$NRT_TMP/in.pcap error=-61 received=$count " "$NRL_RX_PID" 5
nrl_rx_stop

seed=300
for name in packet:nrl$$r0 xdp:nrl$$r1 tap:$tap pcap:"$NRT_TMP/in.pcap"; do
	line=$(grep -F "final $name " "$NRL_OUT" | tail -1)
	[ -n "$line" ] || nrt_fail "no summary for $name"
	for kv in received=$count bad=0 foreign=0 reordered=0 gaps=0 dropped=0; do
		[ "$(nrl_field "$line" "${kv%%=*}")" = "${kv#*=}" ] ||
			nrt_fail "$name: want $kv: $line"
	done
	[ "$(grep -cF "seed $name " "$NRL_OUT")" = 1 ] &&
		grep -qxF "seed $name $seed $count 0 $count" "$NRL_OUT" ||
		nrt_fail "$name: not exactly stream $seed 0..$((count - 1)): $(grep -F "seed $name " "$NRL_OUT")"
	nrt_log "$name: stream $seed, $count frames, exact, in order"
	seed=$((seed + 1))
done
echo "PASS: packet, xdp, tap and pcap rings in one loop, every frame delivered"
