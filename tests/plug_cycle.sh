#!/bin/bash
# SPDX-License-Identifier: MIT
# plug_cycle.sh BACKEND [MODE] - plugging a veth 1,000 times and unplugging it gives
# back every descriptor and all but a small bound of memory (plug_cycle
# measures and prints it).
set -u
. "$(dirname "$0")/lib/netns.sh"

[ $# -eq 1 ] || [ $# -eq 2 ] ||
	{ echo "usage: plug_cycle.sh BACKEND [monitor|take]" >&2; exit 2; }
backend=$1 mode=${2:-monitor}
: "${NRT_PLUG_CYCLE:?}"

nrt_require_root
nrt_trap_cleanup
nrt_pair_create nrt

nrt_in "$NRT_NS_B" "$NRT_PLUG_CYCLE" -i "$NRT_IF_B" -b "$backend" --mode "$mode" -n 1000 \
	--max-growth-kb 1024 || nrt_fail "plug_cycle failed"
