#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_unprivileged.sh - `netring dump` run by a user without
# CAP_NET_RAW fails at run time (exit 1) and says which capability is
# missing.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}"

nrt_require_root
nrt_require_cmd setpriv
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrt

# nobody, no groups, no capabilities at all (effective, permitted,
# inheritable, ambient, bounding).
nrt_in "$NRT_NS_B" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --ambient-caps=-all --bounding-set=-all \
	"$NRT_CLI" dump -i "$NRT_IF_B" -c 1 -t 5 >"$NRT_TMP/out" 2>"$NRT_TMP/err"
rc=$?
cat "$NRT_TMP/err"
[ "$rc" -ne 126 ] && [ "$rc" -ne 127 ] || nrt_fail "could not run $NRT_CLI as nobody (exit $rc)"
[ "$rc" -eq 1 ] || nrt_fail "exit status $rc, expected 1"
grep -q CAP_NET_RAW "$NRT_TMP/err" || nrt_fail "stderr does not name CAP_NET_RAW"
exit 0
