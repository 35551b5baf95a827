#!/bin/bash
# SPDX-License-Identifier: MIT
# packet_tx_rates.sh [SECONDS] [REPS] - measure each AF_PACKET transmit path
# (packet_tx_bench) on a veth pair of our own, 64- and 1514-byte frames, the
# paths interleaved in each repetition so a change of load on the machine
# hits them alike; prints the median, min and max frames/s of each.  A
# measurement, not part of make test.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_TX_BENCH:?}"
secs=${1:-2} reps=${2:-5}
paths=(ring ring-bypass mmsg mmsg-bypass netring netring-bypass)

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrtr
for _ in $(seq "$reps"); do
	for size in 64 1514; do
		for path in "${paths[@]}"; do
			nrt_in "$NRT_NS_A" "$NRT_TX_BENCH" "$NRT_IF_A" "$path" \
				"$size" "$secs" 2>/dev/null >>"$NRT_TMP/runs"
		done
	done
done
# median MIN MAX of the numbers on stdin
stats() {
	sort -n | awk '{ v[NR] = $1 } END { printf "%.0f %.0f %.0f", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
for size in 64 1514; do
	for path in "${paths[@]}"; do
		read -r rate rmin rmax < <(awk -v p="$path" -v s="$size" '$1 == p && $2 == s { print $3 }' "$NRT_TMP/runs" | stats)
		read -r cpu _ _ < <(awk -v p="$path" -v s="$size" '$1 == p && $2 == s { print $4 }' "$NRT_TMP/runs" | stats)
		printf "%-12s %5d  frames/s median %8s  min %8s  max %8s   CPU ns/frame median %5s\n" \
			"$path" "$size" "$rate" "$rmin" "$rmax" "$cpu"
	done
done
