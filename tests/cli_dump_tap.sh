#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_tap.sh - `netring dump -i tap:NAME -c N --stats json` creates the
# TAP NAME, receives the N frames the host sends into it (every 5th
# VLAN-tagged, kept in place), counts them all with backend "tap", and
# removes the TAP again when it exits.  `-b tap -i NAME` attaches to a TAP
# that exists and leaves it there.  In a namespace of its own.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_SEND:?}" "${NRT_JSON:?}"

count=1000 seed=331
stream=(--len 60:1514 --vlan-every 5)
ns="nrc-t-$$"
tap="nrct$$"

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_ns_create "$ns"

link_exists() {
	nrt_in "$ns" ip link show dev "$tap" >/dev/null 2>&1
}

# A TAP's operational state stays UNKNOWN; its flags say up and carrier.
tap_carrier() {
	nrt_in "$ns" ip -o link show dev "$tap" | grep -q '[<,]UP,LOWER_UP[,>]'
}

# receive_from_tap WHAT ARGS...: run dump ARGS in the background, bring the
# TAP up once it is plugged, send the stream into it, check the JSON.
receive_from_tap() {
	local what=$1 pid rc values deadline
	shift
	nrt_bg "$ns" "$NRT_TMP/dump.out" "$NRT_CLI" dump "$@" -q -c "$count" \
		-t 60 --stats json 2>"$NRT_TMP/dump.err"
	pid=$NRT_LAST_PID
	deadline=$(($(date +%s%N) + 30 * 1000000000))
	until grep -q ': plugged: ' "$NRT_TMP/dump.err"; do
		nrt_alive "$pid" || nrt_fail "$what: dump exited: $(cat "$NRT_TMP/dump.err")"
		[ "$(date +%s%N)" -le "$deadline" ] || nrt_fail "$what: dump did not plug"
		sleep 0.02
	done
	link_exists || nrt_fail "$what: no TAP $tap while plugged"
	# The host's side of the TAP is the host's to configure.
	nrt_in "$ns" ip link set dev "$tap" up || nrt_fail "$what: TAP up"
	nrt_wait_until "$tap up with carrier" 5 tap_carrier
	nrt_in "$ns" "$NRT_SEND" -i "$tap" -n "$count" -s "$seed" --pps 20000 \
		"${stream[@]}" >"$NRT_TMP/send.out" || nrt_fail "$what: nrt-send failed"
	sent_bytes=$(sed -n 's/^bytes //p' "$NRT_TMP/send.out")
	nrt_wait_exit "$pid" 60
	rc=$?
	cat "$NRT_TMP/dump.err"
	[ "$rc" -eq 0 ] || nrt_fail "$what: dump exited $rc"
	grep -q "^netring: $tap: plugged: backend tap, monitor," "$NRT_TMP/dump.err" ||
		nrt_fail "$what: the plugged line does not name $tap and the tap backend"
	values=$("$NRT_JSON" interface backend received bytes dropped truncated \
		unread <"$NRT_TMP/dump.out") || nrt_fail "$what: stdout is not the JSON object"
	expected="interface=$tap
backend=tap
received=$count
bytes=$sent_bytes
dropped=0
truncated=0
unread=0"
	[ "$values" = "$expected" ] ||
		nrt_fail "$what: statistics: $(echo $values), expected: $(echo $expected)"
}

link_exists && nrt_fail "$tap exists before the test"
receive_from_tap "tap:NAME" -i "tap:$tap"
nrt_wait_until "the TAP dump created to be removed" 10 bash -c "! nsenter --net=/run/netns/$ns ip link show dev $tap >/dev/null 2>&1"

# An existing TAP is attached to and left in place.
nrt_in "$ns" ip tuntap add dev "$tap" mode tap || nrt_fail "ip tuntap add"
receive_from_tap "-b tap" -b tap -i "$tap"
link_exists || nrt_fail "-b tap removed a TAP it did not create"
exit 0
