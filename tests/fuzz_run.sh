#!/bin/bash
# SPDX-License-Identifier: MIT
# fuzz_run.sh FUZZER SEEDS KIND SECONDS - run a libFuzzer target for SECONDS
# from a fresh corpus that fuzz-seeds (SEEDS) writes for KIND (ring|pcap).
# Fails when the fuzzer finds a crash, a leak or a sanitizer report.
#
# The suite runs 10 seconds per target.  A longer run, from the build
# directory of `make check-sanitize` (clang):
#
#	mkdir -p corpus/ring && ./fuzz-seeds corpus/ring ring
#	./fuzz_ring_header -max_len=16384 -max_total_time=3600 -jobs=2 corpus/ring
#	mkdir -p corpus/pcap && ./fuzz-seeds corpus/pcap pcap
#	./fuzz_pcap -max_len=16384 -max_total_time=3600 -jobs=2 corpus/pcap
set -u
fuzzer=${1:?fuzzer} seeds=${2:?seeds} kind=${3:?kind} secs=${4:-10}

dir=$(mktemp -d "${TMPDIR:-/tmp}/nrr-fuzz.XXXXXX") || exit 1
trap 'rm -rf -- "$dir"' EXIT
"$seeds" "$dir" "$kind" || { echo "FAIL: fuzz-seeds $kind" >&2; exit 1; }
n=$(ls "$dir" | wc -l)
echo "fuzzing $(basename "$fuzzer") for ${secs}s from $n seeds" >&2
# -seed fixed: the same run each time; leaks are failures.
"$fuzzer" -seed=1 -max_len=16384 -max_total_time="$secs" -detect_leaks=1 \
	-print_final_stats=1 "$dir" 2>"$dir.log"
rc=$?
tail -n 20 "$dir.log" >&2
rm -f -- "$dir.log"
[ "$rc" = 0 ] || { echo "FAIL: $(basename "$fuzzer") exited $rc" >&2; exit 1; }
echo "PASS: $(basename "$fuzzer")"
