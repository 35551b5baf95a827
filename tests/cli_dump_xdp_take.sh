#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_xdp_take.sh MODE - `netring dump -b xdp --take --xdp-mode MODE
# -i IF -q -c N --stats json` on a veth, while nrt-send sends N frames (every
# 7th VLAN-tagged): the JSON counts N received and N taken by the XDP
# program, nothing dropped, passed or left unread, backend "xdp", mode
# "take"; the plugged line says MODE XDP and copy mode (veth has no
# zero-copy).  MODE: native or generic.  Skips (77) when not root or when
# the library was built without AF_XDP.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_SEND:?}" "${NRT_JSON:?}"

mode=${1:?usage: cli_dump_xdp_take.sh native|generic}
count=2000 seed=311
stream=(--len 60:1514 --vlan-every 7)

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrc

# wait_plugged ERRFILE PID SECONDS: dump says it is plugged (on stderr,
# after netring_open() returned: frames sent from then on are taken).
wait_plugged() {
	local err=$1 pid=$2 limit=$3 deadline
	deadline=$(($(date +%s%N) + limit * 1000000000))
	until grep -q ': plugged: ' "$err"; do
		if ! nrt_alive "$pid"; then
			if grep -q 'backend is not available in this build' "$err"; then
				echo "SKIP: this build has no AF_XDP backend" >&2
				exit "$NRT_SKIP"
			fi
			nrt_fail "netring dump exited before plugging: $(cat "$err")"
		fi
		[ "$(date +%s%N)" -le "$deadline" ] ||
			nrt_fail "timed out after ${limit}s waiting for dump to plug"
		sleep 0.02
	done
}

nrt_bg "$NRT_NS_B" "$NRT_TMP/dump.out" "$NRT_CLI" dump -b xdp --take \
	--xdp-mode "$mode" -i "$NRT_IF_B" -q -c "$count" -t 60 \
	--stats json 2>"$NRT_TMP/dump.err"
dump_pid=$NRT_LAST_PID
wait_plugged "$NRT_TMP/dump.err" "$dump_pid" 30

nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	--pps 20000 "${stream[@]}" >"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
grep -qx "sent $count" "$NRT_TMP/send.out" || nrt_fail "sender: $(cat "$NRT_TMP/send.out")"
sent_bytes=$(sed -n 's/^bytes //p' "$NRT_TMP/send.out")

nrt_wait_exit "$dump_pid" 90
rc=$?
cat "$NRT_TMP/dump.err"
[ "$rc" -eq 0 ] || nrt_fail "netring dump exited $rc"

grep -q ": plugged: backend xdp, take, .*, xdp: $mode, copy" "$NRT_TMP/dump.err" ||
	nrt_fail "the plugged line does not say '$mode' XDP in copy mode"
grep -q "the XDP program took $count frames and passed 0 to the host" \
	"$NRT_TMP/dump.err" || nrt_fail "no XDP program line counting $count frames"
[ "$(wc -l <"$NRT_TMP/dump.out")" -eq 1 ] || nrt_fail "stdout is not one line"
values=$("$NRT_JSON" backend mode received bytes dropped dropped_ring_full \
	dropped_no_buffer dropped_redirect xdp_matched xdp_passed unread note \
	<"$NRT_TMP/dump.out") || nrt_fail "stdout is not a JSON object with the keys"
expected="backend=xdp
mode=take
received=$count
bytes=$sent_bytes
dropped=0
dropped_ring_full=0
dropped_no_buffer=0
dropped_redirect=0
xdp_matched=$count
xdp_passed=0
unread=0
note="
# The one note a plug without fallback may carry: a kernel that refuses
# bpf_xdp_adjust_meta() to XDP programs (seen: 6.18.44-fc-v1300) has the
# stamps travel in the head of each frame instead (netring_xsk.h).
in_head="the kernel refuses bpf_xdp_adjust_meta() to XDP programs: stamps and tags travel in front of each frame, 16 bytes of each slot"
[ "$values" = "$expected$in_head" ] && expected=$values
[ "$values" = "$expected" ] ||
	nrt_fail "statistics: $(echo $values), expected: $(echo $expected)"
exit 0
