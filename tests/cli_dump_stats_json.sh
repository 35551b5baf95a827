#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_stats_json.sh - `netring dump -c N --stats json` ends its stdout
# with one JSON object that counts the N frames sent: received N, bytes
# equal to what was sent, nothing dropped or truncated.  --block-timeout 10
# reaches the ring (the plugged line says so) and gives it 640 ms of
# headroom for a reader held off its CPU (1 ms blocks: 64 ms, see
# docs/reliability.md).
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_SEND:?}" "${NRT_JSON:?}"

count=2000 seed=202
stream=(--len 60:1514 --vlan-every 9)

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrt

# stderr to its own file (exec: the PID stays the dump's).
nrt_bg "$NRT_NS_B" "$NRT_TMP/dump.out" bash -c 'exec "$@" 2>"$0"' \
	"$NRT_TMP/dump.err" "$NRT_CLI" dump -i "$NRT_IF_B" -b packet \
	-c "$count" -t 60 --block-timeout 10 --stats json
dump_pid=$NRT_LAST_PID
nrt_wait_plugged "$NRT_NS_B" "$NRT_IF_B" "$dump_pid" 30
nrt_wait_until "dump's plugged line" 10 grep -q "^netring: $NRT_IF_B: plugged:" \
	"$NRT_TMP/dump.err"
grep -q "^netring: $NRT_IF_B: plugged: backend packet, .* 10 ms timeout" \
	"$NRT_TMP/dump.err" ||
	nrt_fail "the plugged line does not say 10 ms blocks: $(head -n 1 "$NRT_TMP/dump.err")"

nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	--pps 20000 "${stream[@]}" >"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
grep -qx "sent $count" "$NRT_TMP/send.out" || nrt_fail "sender: $(cat "$NRT_TMP/send.out")"
sent_bytes=$(sed -n 's/^bytes //p' "$NRT_TMP/send.out")

nrt_wait_exit "$dump_pid" 90
rc=$?
[ "$rc" -eq 0 ] || nrt_fail "netring dump exited $rc: $(cat "$NRT_TMP/dump.err")"

# Frame lines first (one per frame), the JSON object last.
lines=$(wc -l <"$NRT_TMP/dump.out")
[ "$lines" -eq $((count + 1)) ] || nrt_fail "stdout has $lines lines, expected $count frame lines + 1"
last=$(tail -n 1 "$NRT_TMP/dump.out")
echo "last line: $last"
values=$(printf '%s\n' "$last" | "$NRT_JSON" received bytes dropped \
	dropped_ring_full dropped_interface truncated) ||
	nrt_fail "the last line is not a JSON object with the expected keys"
expected="received=$count
bytes=$sent_bytes
dropped=0
dropped_ring_full=0
dropped_interface=0
truncated=0"
[ "$values" = "$expected" ] || nrt_fail "statistics: $(echo $values), expected: $(echo $expected)"
exit 0
