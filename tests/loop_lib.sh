# SPDX-License-Identifier: MIT
# loop_lib.sh - sourced by the event-loop tests (tests/loop_*.sh): a
# receiving namespace nrl-r-$$ where loop_rx runs, a sending namespace
# nrl-s-$$, veth pairs between them, and ways to ask loop_rx how far it got.
# Everything is removed on exit (netns.sh's trap).
. "$(dirname "$0")/lib/netns.sh"

nrl_setup() {
	nrt_require_root
	nrt_require_cmd ip nsenter
	: "${NRL_LOOP_RX:?}" "${NRT_SEND:?}"
	nrt_trap_cleanup
	nrt_tmpdir
	NRL_NS_R=nrl-r-$$
	NRL_NS_S=nrl-s-$$
	nrt_ns_create "$NRL_NS_R"
	nrt_ns_create "$NRL_NS_S"
	NRL_OUT=$NRT_TMP/rx.out
}

# nrl_pairs_batch FIRST LAST [MTU]: veth pairs nrl$$rI (receiving side, MAC
# :02) <-> nrl$$sI (sending side, MAC :01) for I in FIRST..LAST, made in one
# `ip -batch` and brought up.  No wait: callers wait for what they need.
nrl_pairs_batch() {
	local i mtu=${3:-1500}
	{
		for ((i = $1; i <= $2; i++)); do
			echo "link add nrl$$r$i netns $NRL_NS_R address 02:6e:72:74:00:02 mtu $mtu type veth peer name nrl$$s$i netns $NRL_NS_S address 02:6e:72:74:00:01 mtu $mtu"
		done
	} | ip -batch - || nrt_fail "create veth pairs $1..$2"
	{
		for ((i = $1; i <= $2; i++)); do
			echo "link set dev nrl$$r$i up"
		done
	} | nrt_in "$NRL_NS_R" ip -batch - || nrt_fail "up r $1..$2"
	{
		for ((i = $1; i <= $2; i++)); do
			echo "link set dev nrl$$s$i up"
		done
	} | nrt_in "$NRL_NS_S" ip -batch - || nrt_fail "up s $1..$2"
}

# nrl_wait_up NS IF: the operational state follows linkwatch, later.
nrl_wait_up() {
	nrt_wait_until "$2 up" 5 nrt_link_up_in "$1" "$2"
}

# nrl_rx_start ARGS...: loop_rx ARGS in the receiving namespace; waits
# for its "ready" line.  Sets NRL_RX_PID.
nrl_rx_start() {
	nrt_bg "$NRL_NS_R" "$NRL_OUT" "$NRL_LOOP_RX" "$@"
	NRL_RX_PID=$NRT_LAST_PID
	nrt_wait_line_re "$NRL_OUT" '^ready fds=[0-9]+$' "$NRL_RX_PID" 10
}

# nrt_wait_line_re FILE REGEX PID SECONDS: wait until FILE has a line
# matching REGEX; fail if PID exits first or the deadline passes.
nrt_wait_line_re() {
	local file=$1 re=$2 pid=$3 limit=$4 deadline
	deadline=$(($(date +%s%N) + limit * 1000000000))
	until grep -Eq -- "$re" "$file" 2>/dev/null; do
		nrt_alive "$pid" || {
			grep -Eq -- "$re" "$file" 2>/dev/null && return 0
			cat "$file" >&2
			nrt_fail "process $pid exited before printing /$re/"
		}
		[ "$(date +%s%N)" -gt "$deadline" ] &&
			nrt_fail "timed out after ${limit}s waiting for /$re/ in $file"
		sleep 0.02
	done
}

# nrl_status: ask loop_rx for a status line; prints it.
nrl_status() {
	local before deadline
	before=$(grep -c '^status ' "$NRL_OUT")
	kill -USR1 "$NRL_RX_PID" || nrt_fail "loop_rx is gone"
	deadline=$(($(date +%s%N) + 5000000000))
	until [ "$(grep -c '^status ' "$NRL_OUT")" -gt "$before" ]; do
		nrt_alive "$NRL_RX_PID" || nrt_fail "loop_rx exited"
		[ "$(date +%s%N)" -gt "$deadline" ] && nrt_fail "no status from loop_rx"
		sleep 0.01
	done
	grep '^status ' "$NRL_OUT" | tail -1
}

# nrl_received: loop_rx's received count now (asks it for a status line).
nrl_received() {
	nrl_status | sed -n 's/.* received=\([0-9]*\).*/\1/p'
}

# nrl_wait_received N SECONDS: until loop_rx has received N frames in all.
nrl_wait_received() {
	local want=$1 limit=$2 deadline got
	deadline=$(($(date +%s%N) + limit * 1000000000))
	while :; do
		got=$(nrl_received)
		[ "$got" -ge "$want" ] && return 0
		if [ "$(date +%s%N)" -gt "$deadline" ]; then
			kill -TERM "$NRL_RX_PID"
			nrt_wait_exit "$NRL_RX_PID" 10
			grep -v '^status' "$NRL_OUT" >&2
			nrt_fail "loop_rx received $got of $want frames in ${limit}s"
		fi
		sleep 0.05
	done
}

# nrl_wait_settled LIMIT: after the sender returned, until loop_rx's
# received count stops moving (the same over 200 ms), for at most LIMIT
# seconds: every frame the kernel did not drop is then in.  For streams
# where some frames may be delivered or dropped, so that no count of
# received frames says "all handled".
nrl_wait_settled() {
	local limit=$1 deadline last got
	deadline=$(($(date +%s%N) + limit * 1000000000))
	last=$(nrl_received)
	while :; do
		sleep 0.2
		got=$(nrl_received)
		[ "$got" = "$last" ] && return 0
		[ "$(date +%s%N)" -gt "$deadline" ] &&
			nrt_fail "loop_rx still receiving after ${limit}s ($got frames)"
		last=$got
	done
}

# nrl_rx_stop: end loop_rx (SIGTERM: it breaks its loop and summarises).
nrl_rx_stop() {
	kill -TERM "$NRL_RX_PID"
	nrt_wait_exit "$NRL_RX_PID" 10 || nrt_fail "loop_rx failed"
}

# nrl_field LINE KEY: the value of KEY=VALUE in LINE.
nrl_field() {
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"
}

# nrl_final NAME: loop_rx's final line for ring NAME.
nrl_final() {
	grep -E "^final $1 " "$NRL_OUT" | tail -1
}
