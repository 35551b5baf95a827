#!/bin/bash
# SPDX-License-Identifier: MIT
# loop_cli_dump_all.sh - `netring dump -i all --stats json` in a namespace
# with 3 veth pairs: one stream of lines, each naming its interface; 2 more
# pairs created while it runs are plugged ("netring: plugged IF" on stderr)
# and their frames shown; one pair deleted while it runs is reported gone
# with its final count and the dump goes on; on SIGINT the last stdout line
# is {"interfaces": {...}, "total": {...}} with every interface, the
# vanished one included, each with received + dropped == sent, received ==
# the lines shown for it, and totals that add up.
set -u
. "$(dirname "$0")/loop_lib.sh"

: "${NRL_CLI:?}" "${NRT_JSON:?}"
# Each stream (200 frames in 40 ms) fits in its ring's blocks even when
# they are handed over part full every few milliseconds, so a dump the
# busy machine starves of CPU for a while still loses nothing.
count=200
nrl_setup
nrl_pairs_batch 0 2
for i in 0 1 2; do
	nrl_wait_up "$NRL_NS_S" "nrl$$s$i"
done
out=$NRT_TMP/dump.out
err=$NRT_TMP/dump.err
nsenter --net="/run/netns/$NRL_NS_R" "$NRL_CLI" dump -i all --stats json \
	>"$out" 2>"$err" &
cli=$!
NRT_PIDS+=($cli)
for i in 0 1 2; do
	nrt_wait_line "$err" "netring: plugged nrl$$r$i" $cli 5
done

send_all() { # FIRST LAST
	local i pids=()
	for ((i = $1; i <= $2; i++)); do
		nrt_in "$NRL_NS_S" "$NRT_SEND" -i "nrl$$s$i" -n $count -s $((600 + i)) \
			--pps 5000 >"$NRT_TMP/send$i.out" &
		pids+=($!)
		NRT_PIDS+=($!)
	done
	for ((i = $1; i <= $2; i++)); do
		wait "${pids[$((i - $1))]}" || nrt_fail "nrt-send $i"
		grep -qx "sent $count" "$NRT_TMP/send$i.out" || nrt_fail "send $i: $(cat "$NRT_TMP/send$i.out")"
	done
}
lines_of() {
	grep -c "^[0-9:.]* nrl$$r$1 " "$out"
}
has_lines() { # IFINDEX N: counted anew at every call
	[ "$(lines_of "$1")" -ge "$2" ]
}
wait_lines() { # IFINDEX N
	nrt_wait_until "$2 lines of nrl$$r$1" 10 has_lines "$1" "$2"
}

send_all 0 2
for i in 0 1 2; do wait_lines $i $count; done

# Links that appear while it runs are plugged.
nrl_pairs_batch 3 4
for i in 3 4; do
	nrt_wait_line "$err" "netring: plugged nrl$$r$i" $cli 5
	nrl_wait_up "$NRL_NS_S" "nrl$$s$i"
done
send_all 3 4
for i in 3 4; do wait_lines $i $count; done

# One goes away: reported with its final count; the dump goes on.
nrt_in "$NRL_NS_S" ip link del dev nrl$$s1 || nrt_fail "delete pair 1"
nrt_wait_until "nrl$$r1 reported gone" 5 \
	grep -q "^netring: nrl$$r1: gone (.*): $count frames received, 0 dropped" "$err"
nrt_running $cli || nrt_fail "netring dump exited when an interface went away"
send_all 0 0 2>/dev/null || true # stream 600 again: seqs 0.. once more
wait_lines 0 $((2 * count))

kill -INT $cli
nrt_wait_exit $cli 10 || nrt_fail "netring dump exited $?: $(cat "$err")"

last=$(tail -n 1 "$out")
interfaces=$(printf '%s\n' "$last" | "$NRT_JSON" interfaces total) ||
	nrt_fail "last line is not the JSON summary: $last"
ifs_obj=$(sed -n 's/^interfaces=//p' <<<"$interfaces")
total_obj=$(sed -n 's/^total=//p' <<<"$interfaces")
sum=0
for i in 0 1 2 3 4; do
	name=nrl$$r$i
	sent=$count
	[ $i = 0 ] && sent=$((2 * count))
	obj=$(printf '%s\n' "$ifs_obj" | "$NRT_JSON" "$name" | sed -n "s/^$name=//p")
	[ -n "$obj" ] || nrt_fail "$name missing from the summary: $last"
	vals=$(printf '%s\n' "$obj" | "$NRT_JSON" received dropped)
	rx=$(sed -n 's/^received=//p' <<<"$vals")
	dr=$(sed -n 's/^dropped=//p' <<<"$vals")
	[ $((rx + dr)) = $sent ] || nrt_fail "$name: received $rx + dropped $dr != sent $sent"
	[ "$(lines_of $i)" = "$rx" ] || nrt_fail "$name: $(lines_of $i) lines, received $rx"
	sum=$((sum + rx))
	nrt_log "$name: sent $sent, received $rx, dropped $dr, $(lines_of $i) lines"
done
vals=$(printf '%s\n' "$total_obj" | "$NRT_JSON" received interfaces gone)
[ "$(sed -n 's/^received=//p' <<<"$vals")" = $sum ] || nrt_fail "total: $total_obj, sum $sum"
[ "$(sed -n 's/^interfaces=//p' <<<"$vals")" = 5 ] || nrt_fail "total: $total_obj"
[ "$(sed -n 's/^gone=//p' <<<"$vals")" = 1 ] || nrt_fail "total: $total_obj"
other=$(grep -v "^[0-9:.]* nrl$$r[0-4] " "$out" | grep -vc '^{"interfaces"')
[ "$other" = 0 ] || nrt_fail "$other stdout lines name no interface of ours"
echo "PASS: dump -i all: 5 interfaces (2 hot-plugged, 1 gone), every frame shown and counted"
