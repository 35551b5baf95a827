#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_not_ethernet.sh - `netring dump -i lo` is refused as bad input
# (exit 2, with a reason on stderr): loopback is not an Ethernet interface.
# Run in a namespace of its own, so no real interface is ever touched.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}"

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_ns_create "nrt-l-$$"
nrt_in "nrt-l-$$" ip link set dev lo up || nrt_fail "lo up"

nrt_in "nrt-l-$$" "$NRT_CLI" dump -i lo -c 1 -t 5 >"$NRT_TMP/out" 2>"$NRT_TMP/err"
rc=$?
cat "$NRT_TMP/err"
[ "$rc" -eq 2 ] || nrt_fail "exit status $rc, expected 2"
grep -qi ethernet "$NRT_TMP/err" || nrt_fail "stderr does not say it is not Ethernet"
[ ! -s "$NRT_TMP/out" ] || nrt_fail "printed on stdout: $(cat "$NRT_TMP/out")"
exit 0
