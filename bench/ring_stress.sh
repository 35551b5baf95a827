#!/bin/bash
# SPDX-License-Identifier: MIT
# ring_stress.sh [BUILD_DIR] [FRAMES] - the full-length slot-ring stress
# run: FRAMES (default 100 million) frames of 60..1514 bytes, each with its
# sequence number and checksum, from a producer thread to a consumer thread
# and from a producer process to a consumer process (memfd), in a 1024-slot
# ring of 2048-byte slots.  One phase in eight of 4 M frames lets the ring
# overflow (drops counted and checked).  Prints frames/s for each.
#
# Takes about a minute per mode on 2 cores; run it on a quiet machine.
set -eu
build=${1:-build}
frames=${2:-100000000}

bin=
for d in "$build/tests" "$build"; do
	if [ -x "$d/ring_stress" ]; then
		bin=$d/ring_stress
		break
	fi
done
[ -n "$bin" ] || { echo "no ring_stress under $build (build it first)" >&2; exit 1; }

for mode in thread process; do
	"$bin" -m "$mode" -n "$frames" -s 1024 -z 2048 -p 22 -l 60:1514
done
