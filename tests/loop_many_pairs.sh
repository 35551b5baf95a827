#!/bin/bash
# SPDX-License-Identifier: MIT
# loop_many_pairs.sh - one loop thread over 16 AF_PACKET rings: 16 veth
# pairs, frames sent on all at once (one nrt-send per pair, in parallel,
# each with a stream seed of its own): every interface's frames arrive
# byte-exact, in order, none lost, none from another interface, and are
# counted per interface.  Each stream (2000 frames of at most 1514 bytes)
# fits in its ring (AF_PACKET blocks handed over when full or after 200 ms,
# not part full every millisecond), so a loop thread that the 16 senders
# starve of CPU for a while on a 2-CPU machine must still lose nothing.
set -u
. "$(dirname "$0")/loop_lib.sh"

pairs=16
count=2000
nrl_setup
nrl_pairs_batch 0 $((pairs - 1))
specs=()
for ((i = 0; i < pairs; i++)); do
	nrl_wait_up "$NRL_NS_R" "nrl$$r$i"
	nrl_wait_up "$NRL_NS_S" "nrl$$s$i"
	specs+=("packet:nrl$$r$i")
done
nrl_rx_start --block-timeout 200 "${specs[@]}"

pids=()
for ((i = 0; i < pairs; i++)); do
	nrt_in "$NRL_NS_S" "$NRT_SEND" -i "nrl$$s$i" -n $count -s $((100 + i)) \
		--pps 2000 >"$NRT_TMP/send$i.out" &
	pids+=($!)
	NRT_PIDS+=($!)
done
for ((i = 0; i < pairs; i++)); do
	wait "${pids[$i]}" || nrt_fail "nrt-send $i failed"
	grep -qx "sent $count" "$NRT_TMP/send$i.out" || nrt_fail "sender $i: $(cat "$NRT_TMP/send$i.out")"
done
nrl_wait_received $((pairs * count)) 20
nrl_rx_stop

for ((i = 0; i < pairs; i++)); do
	name=packet:nrl$$r$i
	line=$(nrl_final "$name")
	[ -n "$line" ] || nrt_fail "no summary for $name"
	for kv in received=$count bad=0 foreign=0 reordered=0 gaps=0 dropped=0 gone=0; do
		[ "$(nrl_field "$line" "${kv%%=*}")" = "${kv#*=}" ] ||
			nrt_fail "$name: want $kv: $line"
	done
	seeds=$(grep -c "^seed $name " "$NRL_OUT")
	[ "$seeds" = 1 ] || nrt_fail "$name: frames of $seeds streams"
	grep -qx "seed $name $((100 + i)) $count 0 $count" "$NRL_OUT" ||
		nrt_fail "$name: not stream $((100 + i)) 0..$((count - 1)): $(grep "^seed $name " "$NRL_OUT")"
done
echo "PASS: $pairs interfaces, $count frames each, exact and in order, one loop thread"
