#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_xdp_busy.sh - when an XDP program is already attached to the
# interface, `netring dump -b xdp --take` fails with status 1 and a message
# naming that program, and `netring dump -b auto --take --fallback` plugs
# AF_PACKET instead (monitor mode), says so (plugged line, note line, JSON
# "note"), and receives every frame the other program left to the host.
# Twice: under someone else's program (xdp-tools' xdpfilt_alw_all, which
# passes everything; this part is left out, with a message, if the object
# file is not installed), and under another `netring dump -b xdp --take`
# whose match (IPv4 only) leaves the test frames to the host.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_SEND:?}" "${NRT_JSON:?}"

count=500 seed=321
foreign_obj=${NRC_XDP_PASS_OBJ:-/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o}

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrc

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

# refused WHAT PATTERN: -b xdp --take fails with status 1, nothing on
# stdout, and a netring line matching PATTERN (grep -E) on stderr.
refused() {
	local what=$1 pattern=$2 rc
	nrt_in "$NRT_NS_B" "$NRT_CLI" dump -b xdp --take -i "$NRT_IF_B" -q -c 1 \
		-t 10 >"$NRT_TMP/busy.out" 2>"$NRT_TMP/busy.err"
	rc=$?
	cat "$NRT_TMP/busy.err"
	if [ "$rc" -eq 1 ] && grep -q 'backend is not available in this build' "$NRT_TMP/busy.err"; then
		echo "SKIP: this build has no AF_XDP backend" >&2
		exit "$NRT_SKIP"
	fi
	[ "$rc" -eq 1 ] || nrt_fail "$what: -b xdp --take exited $rc, expected 1"
	grep -qE "^netring: $NRT_IF_B: $pattern" "$NRT_TMP/busy.err" ||
		nrt_fail "$what: no line matching '$pattern'"
	[ ! -s "$NRT_TMP/busy.out" ] || nrt_fail "$what: printed on stdout"
}

# falls_back WHAT: -b auto --take --fallback -c N receives the N frames
# sent, on AF_PACKET in monitor mode, and says why.
falls_back() {
	local what=$1 pid rc values
	nrt_bg "$NRT_NS_B" "$NRT_TMP/fb.out" "$NRT_CLI" dump -b auto --take \
		--fallback -i "$NRT_IF_B" -q -c "$count" -t 60 --stats json \
		2>"$NRT_TMP/fb.err"
	pid=$NRT_LAST_PID
	wait_plugged "$NRT_TMP/fb.err" "$pid" 30
	nrt_wait_plugged "$NRT_NS_B" "$NRT_IF_B" "$pid" 30
	nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
		--pps 20000 >"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
	nrt_wait_exit "$pid" 60
	rc=$?
	cat "$NRT_TMP/fb.err"
	[ "$rc" -eq 0 ] || nrt_fail "$what: --fallback exited $rc"
	grep -q "^netring: $NRT_IF_B: plugged: backend packet (fallback), monitor," \
		"$NRT_TMP/fb.err" || nrt_fail "$what: the plugged line does not say fallback"
	grep -q "^netring: $NRT_IF_B: note: fell back to AF_PACKET" "$NRT_TMP/fb.err" ||
		nrt_fail "$what: no note line"
	values=$("$NRT_JSON" backend mode received dropped <"$NRT_TMP/fb.out") ||
		nrt_fail "$what: stdout is not a JSON object with the keys"
	[ "$values" = "backend=packet
mode=monitor
received=$count
dropped=0" ] || nrt_fail "$what: statistics: $(echo $values)"
	"$NRT_JSON" note <"$NRT_TMP/fb.out" | grep -q '^note=fell back to AF_PACKET' ||
		nrt_fail "$what: the JSON note does not say it fell back"
}

# --- someone else's program ------------------------------------------------
if [ -r "$foreign_obj" ]; then
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" xdpgeneric obj "$foreign_obj" \
		sec xdp || nrt_fail "cannot attach $foreign_obj"
	refused "foreign program" \
		"XDP program 'xdpfilt_alw_all' \\(id [0-9]+, generic\\) is already attached"
	falls_back "foreign program"
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" xdpgeneric off ||
		nrt_fail "cannot detach $foreign_obj"
else
	echo "note: $foreign_obj not installed (xdp-tools): the foreign-program part is not run"
fi

# --- another netring ring ----------------------------------------------------
nrt_bg "$NRT_NS_B" "$NRT_TMP/first.out" "$NRT_CLI" dump -b xdp --take \
	-i "$NRT_IF_B" -q --match-ethertype 0x0800 -t 120 --stats json \
	2>"$NRT_TMP/first.err"
first_pid=$NRT_LAST_PID
wait_plugged "$NRT_TMP/first.err" "$first_pid" 30
refused "netring ring" \
	"already plugged by another netring ring \\(XDP program id [0-9]+"
falls_back "netring ring"

# The first ring took none of them (not IPv4) and passed them all: the
# link carries no other frames (IPv6 is off, nrt-send needs no ARP).
kill -TERM "$first_pid"
nrt_wait_exit "$first_pid" 30
rc=$?
cat "$NRT_TMP/first.err"
[ "$rc" -eq 0 ] || nrt_fail "the first dump exited $rc after SIGTERM"
values=$("$NRT_JSON" backend received xdp_matched xdp_passed <"$NRT_TMP/first.out") ||
	nrt_fail "first dump: stdout is not a JSON object"
[ "$values" = "backend=xdp
received=0
xdp_matched=0
xdp_passed=$count" ] || nrt_fail "first dump: $(echo $values)"
exit 0
