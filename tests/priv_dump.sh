#!/bin/bash
# SPDX-License-Identifier: MIT
# priv_dump.sh CASE - `netring dump` gives up privilege once plugged, before
# it parses a frame, and still receives and counts every frame after.
#   packet, xdp  dump -Z nobody on a veth: while it runs /proc/PID/status
#                shows no capability in any set (effective, permitted,
#                inheritable, ambient, bounding), NoNewPrivs 1, every uid
#                and gid nobody's, nobody's group alone; N paced frames are
#                all received (JSON: received N, dropped 0)
#   root         the same without -Z: still uid 0, but no capability
#   glob         dump -b packet -i 'PREFIX*' -Z nobody: exactly CAP_NET_RAW
#                is kept (effective and permitted, bounding too), and a veth
#                created after the drop is plugged by nobody and its frames
#                counted
#   nosuchuser   -Z nosuchuser: exit 2, "no such user" naming it, nothing
#                plugged, no -w file left
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_SEND:?}" "${NRT_JSON:?}"

case=${1:?usage: priv_dump.sh packet|xdp|root|glob|nosuchuser}
count=1000

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrp
nobody_uid=$(id -u nobody) && nobody_gid=$(id -g nobody) ||
	nrt_fail "no user nobody on this machine"
err=$NRT_TMP/dump.err out=$NRT_TMP/dump.out

# status_field PID FIELD: the value of one /proc/PID/status line, tabs as
# single spaces.
status_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' ' |
		sed 's/ $//'
}
# caps_are PID EFF: CapEff has become EFF (the drop follows the plug).
caps_are() {
	[ "$(status_field "$1" CapEff)" = "$2" ]
}
# expect_status PID FIELD VALUE
expect_status() {
	local v
	v=$(status_field "$1" "$2")
	[ "$v" = "$3" ] || nrt_fail "/proc/$1/status $2: '$v', expected '$3'"
	nrt_log "  $2: $v"
}

wait_stderr() { # PID PATTERN SECONDS
	local deadline=$(($(date +%s%N) + $3 * 1000000000))
	until grep -q -- "$2" "$err"; do
		nrt_alive "$1" || nrt_fail "dump exited before '$2': $(cat "$err")"
		[ "$(date +%s%N)" -le "$deadline" ] ||
			nrt_fail "timed out waiting for '$2' on stderr"
		sleep 0.02
	done
}

send_paced() { # IFACE SEED
	nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$1" -n $count -s "$2" --pps 20000 \
		>"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
	grep -qx "sent $count" "$NRT_TMP/send.out" ||
		nrt_fail "sender: $(cat "$NRT_TMP/send.out")"
}

if [ "$case" = nosuchuser ]; then
	nrt_in "$NRT_NS_B" "$NRT_CLI" dump -i "$NRT_IF_B" -c 1 -t 5 \
		-w "$NRT_TMP/x.pcap" -Z nrp-no-such-user-$$ >"$out" 2>"$err"
	rc=$?
	cat "$err" >&2
	[ $rc = 2 ] || nrt_fail "exit status $rc, expected 2"
	grep -q "^netring: dump: -Z nrp-no-such-user-$$: no such user$" "$err" ||
		nrt_fail "stderr does not say 'no such user' naming it"
	[ ! -e "$NRT_TMP/x.pcap" ] || nrt_fail "-w file left behind"
	grep -q plugged "$err" && nrt_fail "it plugged before refusing -Z"
	echo "PASS: -Z nosuchuser: exit 2, named, nothing plugged or written"
	exit 0
fi

zero=0000000000000000
net_raw=0000000000002000 # 1 << CAP_NET_RAW (13)
args=(-q -c $count -t 60 --stats json)
case $case in
packet | root) args+=(-b packet -i "$NRT_IF_B") ;;
xdp) args+=(-b xdp --take -i "$NRT_IF_B") ;;
glob) args+=(-b packet -i "nrpb$$*" -c $((2 * count))) ;;
*) nrt_fail "unknown case $case" ;;
esac
[ "$case" = root ] || args+=(-Z nobody)

nrt_bg "$NRT_NS_B" "$out" "$NRT_CLI" dump "${args[@]}" 2>"$err"
pid=$NRT_LAST_PID
if [ "$case" = glob ]; then
	wait_stderr $pid "^netring: plugged $NRT_IF_B" 30
	want=$net_raw
else
	wait_stderr $pid ": plugged: " 30
	want=$zero
fi
nrt_wait_until "CapEff $want" 10 caps_are $pid $want
nrt_log "dump (pid $pid) after the plug:"
expect_status $pid CapEff $want
expect_status $pid CapPrm $want
expect_status $pid CapInh $zero
expect_status $pid CapAmb $zero
expect_status $pid CapBnd $want
expect_status $pid NoNewPrivs 1
if [ "$case" = root ]; then
	expect_status $pid Uid "0 0 0 0"
	expect_status $pid Gid "0 0 0 0"
else
	expect_status $pid Uid "$nobody_uid $nobody_uid $nobody_uid $nobody_uid"
	expect_status $pid Gid "$nobody_gid $nobody_gid $nobody_gid $nobody_gid"
	expect_status $pid Groups "$nobody_gid"
fi

send_paced "$NRT_IF_A" 41
if [ "$case" = glob ]; then
	# Plugged after the drop, by nobody with CAP_NET_RAW alone.
	ip link add "nrpc$$" netns "$NRT_NS_A" address 02:6e:72:74:00:03 \
		type veth peer name "nrpb$$"x netns "$NRT_NS_B" \
		address 02:6e:72:74:00:04 || nrt_fail "second veth"
	nrt_in "$NRT_NS_A" ip link set dev "nrpc$$" up || nrt_fail "up c"
	nrt_in "$NRT_NS_B" ip link set dev "nrpb$$x" up || nrt_fail "up bx"
	wait_stderr $pid "^netring: plugged nrpb$$x" 10
	nrt_wait_until "nrpb$$x up" 5 nrt_link_up_in "$NRT_NS_B" "nrpb$$x"
	send_paced "nrpc$$" 42
fi
nrt_wait_exit $pid 60
rc=$?
cat "$err" >&2
[ $rc = 0 ] || nrt_fail "netring dump exited $rc"
grep -q "giving up privileges" "$err" && nrt_fail "the drop complained"

if [ "$case" = glob ]; then
	total=$(tail -n 1 "$out" | "$NRT_JSON" total | sed -n 's/^total=//p')
	vals=$(printf '%s\n' "$total" | "$NRT_JSON" received dropped interfaces)
	expected="received=$((2 * count))
dropped=0
interfaces=2"
else
	vals=$(tail -n 1 "$out" | "$NRT_JSON" received dropped unread)
	expected="received=$count
dropped=0
unread=0"
fi
[ "$vals" = "$expected" ] ||
	nrt_fail "statistics: $(echo $vals), expected: $(echo $expected)"
echo "PASS: $case: capabilities $want after the plug, $(echo $vals)"
exit 0
