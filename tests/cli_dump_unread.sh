#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_unread.sh - frames still in the ring when `netring dump -c K`
# stops are reported: "N frames left unread in the ring" on stderr and
# "unread" in the JSON, with received + dropped + unread = frames sent.
# dump is stopped (SIGSTOP) while N frames are sent, so they all wait in
# its ring when it resumes and takes K of them.  The packet backend, so it
# runs on any build.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_SEND:?}" "${NRT_JSON:?}"

count=300 take=40 seed=341

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrc

nrt_bg "$NRT_NS_B" "$NRT_TMP/dump.out" "$NRT_CLI" dump -b packet \
	-i "$NRT_IF_B" -q -c "$take" -t 60 --stats json 2>"$NRT_TMP/dump.err"
dump_pid=$NRT_LAST_PID
nrt_wait_plugged "$NRT_NS_B" "$NRT_IF_B" "$dump_pid" 30
kill -STOP "$dump_pid"
# A stopped process is state T in /proc: then nothing is taken.
nrt_wait_until "dump to stop" 10 bash -c \
	"grep -q '^State:[[:space:]]*T' /proc/$dump_pid/status"

nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	--pps 20000 >"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
grep -qx "sent $count" "$NRT_TMP/send.out" || nrt_fail "sender: $(cat "$NRT_TMP/send.out")"
# The veth peer counts a frame when it takes it in, before any socket:
# wait until all of them are through (/proc/net/dev is per namespace;
# /sys would show ours).
rx_packets_at_least() {
	local n
	n=$(nrt_in "$NRT_NS_B" awk -v dev="$NRT_IF_B" \
		'{ sub(/^ +/, ""); split($0, a, ":"); if (a[1] == dev) { split(a[2], f, " "); print f[2] } }' \
		/proc/net/dev)
	[ "${n:-0}" -ge "$1" ]
}
nrt_wait_until "$count frames on $NRT_IF_B" 10 rx_packets_at_least "$count"
kill -CONT "$dump_pid"

nrt_wait_exit "$dump_pid" 60
rc=$?
cat "$NRT_TMP/dump.err"
[ "$rc" -eq 0 ] || nrt_fail "netring dump exited $rc"
values=$("$NRT_JSON" received dropped kernel_seen unread <"$NRT_TMP/dump.out") ||
	nrt_fail "stdout is not the JSON object"
expected="received=$take
dropped=0
kernel_seen=$count
unread=$((count - take))"
[ "$values" = "$expected" ] ||
	nrt_fail "statistics: $(echo $values), expected: $(echo $expected)"
grep -qx "netring: $NRT_IF_B: $((count - take)) frames left unread in the ring" \
	"$NRT_TMP/dump.err" || nrt_fail "no 'frames left unread' line"
exit 0
