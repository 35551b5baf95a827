#!/bin/bash
# SPDX-License-Identifier: MIT
# valgrind-cli.sh [NETRING_CLI] - the netring CLI under valgrind
# --leak-check=full for a whole plug / dump / unplug cycle in a namespace
# of its own: `netring ls`, then `netring dump` of a paced stream to a pcap
# file until its frame count.  Any memory error or leak fails (exit 1);
# 77 when not root or valgrind is missing.  Test traffic only: veth pair
# nrf*, documentation addresses, 02: MACs, removed on exit.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/lib/netns.sh"

cli=${1:-${NRT_CLI:-}}
[ -n "$cli" ] && [ -x "$cli" ] ||
	{ echo "usage: valgrind-cli.sh NETRING_CLI (or NRT_CLI=...)" >&2; exit 2; }
: "${NRT_SEND:?NRT_SEND: the nrt-send test sender}"
command -v valgrind >/dev/null 2>&1 ||
	{ echo "SKIP: valgrind is not installed" >&2; exit 77; }
nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrf

count=300 seed=613
# shellcheck disable=SC2054 # the commas are valgrind's
vg=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1
    --track-fds=no)

nrt_in "$NRT_NS_B" "${vg[@]}" "$cli" ls >"$NRT_TMP/ls.out" 2>"$NRT_TMP/ls.err" ||
	{ cat "$NRT_TMP/ls.err" >&2; nrt_fail "netring ls under valgrind"; }
grep -q "$NRT_IF_B" "$NRT_TMP/ls.out" || nrt_fail "netring ls does not list $NRT_IF_B"

nrt_in "$NRT_NS_B" "${vg[@]}" --log-file="$NRT_TMP/vg.log" "$cli" dump \
	-i "$NRT_IF_B" -b packet -c "$count" -t 20 -w "$NRT_TMP/out.pcap" \
	>"$NRT_TMP/dump.out" 2>"$NRT_TMP/dump.err" &
dump=$!
NRT_PIDS+=("$dump")
nrt_wait_plugged "$NRT_NS_B" "$NRT_IF_B" "$dump" 60
nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	--pps 2000 --len 60:1514 >/dev/null || nrt_fail "nrt-send failed"
# Under valgrind the ring may overflow (and count its drops), so -c may not
# be reached: -t 20 ends the dump then, through the same clean stop.
nrt_wait_exit "$dump" 90
rc=$?
cat "$NRT_TMP/vg.log" "$NRT_TMP/dump.err" >&2
[ "$rc" -eq 0 ] || nrt_fail "netring dump under valgrind exited $rc"
[ -s "$NRT_TMP/out.pcap" ] || nrt_fail "no pcap file written"
grep -q "ERROR SUMMARY: [1-9]" "$NRT_TMP/vg.log" && nrt_fail "valgrind reported errors"
echo PASS
exit 0
