#!/bin/bash
# SPDX-License-Identifier: MIT
# loop_cli_dump_named.sh - `netring dump -i IF1 -i IF2 --stats json`: both
# interfaces' frames in one stream of lines naming them, exact counts per
# interface in the JSON summary; when the named interfaces are all gone
# nothing more can come, and it ends by itself (exit 0) with their final
# counts.  Bad uses exit 2: an interface named twice, two patterns.
set -u
. "$(dirname "$0")/loop_lib.sh"

: "${NRL_CLI:?}" "${NRT_JSON:?}"
nrl_setup
"$NRL_CLI" dump -i lo -i lo >/dev/null 2>"$NRT_TMP/e1"
[ $? = 2 ] && grep -q -- "-i lo: given twice" "$NRT_TMP/e1" || nrt_fail "-i twice: $(cat "$NRT_TMP/e1")"
nsenter --net="/run/netns/$NRL_NS_R" "$NRL_CLI" dump -i 'a*' -i 'b*' >/dev/null 2>"$NRT_TMP/e2"
[ $? = 2 ] && grep -q "one pattern at most" "$NRT_TMP/e2" || nrt_fail "two patterns: $(cat "$NRT_TMP/e2")"

count=300 # in 60 ms: fits in the ring, however late the dump runs
nrl_pairs_batch 0 1
for i in 0 1; do nrl_wait_up "$NRL_NS_S" "nrl$$s$i"; done
out=$NRT_TMP/dump.out
err=$NRT_TMP/dump.err
nsenter --net="/run/netns/$NRL_NS_R" "$NRL_CLI" dump -i nrl$$r0 -i nrl$$r1 \
	--stats json >"$out" 2>"$err" &
cli=$!
NRT_PIDS+=($cli)
for i in 0 1; do
	nrt_wait_line_re "$err" "^netring: nrl$$r$i: plugged: backend packet" $cli 5
done
for i in 0 1; do
	nrt_in "$NRL_NS_S" "$NRT_SEND" -i nrl$$s$i -n $((count + i)) -s $((700 + i)) \
		--pps 5000 >"$NRT_TMP/send$i" || nrt_fail "send $i"
done
has_lines() { # IFNAME N: counted anew at every call
	[ "$(grep -c "^[0-9:.]* $1 " "$out")" -ge "$2" ]
}
for i in 0 1; do
	nrt_wait_until "lines of nrl$$r$i" 10 has_lines nrl$$r$i $((count + i))
done
nrt_in "$NRL_NS_S" ip link del dev nrl$$s0 || nrt_fail "del 0"
nrt_in "$NRL_NS_S" ip link del dev nrl$$s1 || nrt_fail "del 1"
nrt_wait_exit $cli 10 || nrt_fail "dump exited $?: $(cat "$err")"
for i in 0 1; do
	grep -q "^netring: nrl$$r$i: gone (.*): $((count + i)) frames received, 0 dropped" "$err" ||
		nrt_fail "nrl$$r$i: no final count: $(cat "$err")"
done
ifs=$(tail -n 1 "$out" | "$NRT_JSON" interfaces | sed -n 's/^interfaces=//p')
for i in 0 1; do
	rx=$(printf '%s\n' "$ifs" | "$NRT_JSON" nrl$$r$i | sed -n "s/^nrl$$r$i=//p" |
		"$NRT_JSON" received | sed -n 's/^received=//p')
	[ "$rx" = $((count + i)) ] || nrt_fail "nrl$$r$i: received '$rx' in $(tail -n 1 "$out")"
done
echo "PASS: dump -i IF1 -i IF2: both counted exactly; ends when both are gone"
