#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_tx_fwd.sh BACKEND - `netring fwd -b BACKEND` both ways between two veth
# pairs: ns a (nrfa) | (nrfx) ns f (nrfy) | (nrfb) ns b.  nrt-send sends
# 100,000 frames of the test stream (60..1514 bytes, every 7th VLAN-tagged)
# from a; rx_verify in b receives every one, in order, byte for byte.  fwd's
# JSON accounts for every frame per direction: received == forwarded +
# dropped (by reason), all 100,000 forwarded and sent, nothing came back;
# with xdp (shared UMEM) every frame forwarded without a copy, with packet
# each copied once.  BACKEND: packet or xdp.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_SEND:?}" "${NRT_RX_VERIFY:?}" "${NRT_JSON:?}"

backend=${1:?usage: cli_tx_fwd.sh packet|xdp}
count=100000 seed=911 pps=25000 # the ASan build verifies every byte slower
stream=(--len 60:1514 --vlan-every 7)

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir

ns_a=nrf-a-$$ ns_f=nrf-f-$$ ns_b=nrf-b-$$
if_a=nrfa$$ if_x=nrfx$$ if_y=nrfy$$ if_b=nrfb$$
nrt_ns_create "$ns_a"
nrt_ns_create "$ns_f"
nrt_ns_create "$ns_b"
ip link add "$if_a" netns "$ns_a" address 02:6e:72:74:00:01 type veth \
	peer name "$if_x" netns "$ns_f" address 02:6e:72:74:00:03 ||
	nrt_fail "veth $if_a/$if_x"
ip link add "$if_y" netns "$ns_f" address 02:6e:72:74:00:04 type veth \
	peer name "$if_b" netns "$ns_b" address 02:6e:72:74:00:02 ||
	nrt_fail "veth $if_y/$if_b"
for pair in "$ns_a $if_a" "$ns_f $if_x" "$ns_f $if_y" "$ns_b $if_b"; do
	set -- $pair
	nrt_in "$1" ip link set dev "$2" up || nrt_fail "up $2"
done
for pair in "$ns_a $if_a" "$ns_f $if_x" "$ns_f $if_y" "$ns_b $if_b"; do
	set -- $pair
	nrt_wait_until "$2 up" 5 nrt_link_up_in "$1" "$2"
done

# A larger ring than the default: the forwarder hands frames over in
# bursts, and this machine may deschedule the receiver for a while; 10 ms
# blocks hold 640 ms of it (1 ms blocks: 64 ms whatever the slots, see
# tests/tap_tx.sh).
nrt_bg "$ns_b" "$NRT_TMP/rx.out" "$NRT_RX_VERIFY" -i "$if_b" -b packet --ring-frames 16384 \
	--block-timeout 10 --expect-exact -n "$count" -s "$seed" -t 120 \
	"${stream[@]}"
rx_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30

nrt_bg "$ns_f" "$NRT_TMP/fwd.out" "$NRT_CLI" fwd -b "$backend" \
	-i "$if_x" -o "$if_y" -i "$if_y" -o "$if_x" -c "$count" -t 120 -q \
	--stats json 2>"$NRT_TMP/fwd.err"
fwd_pid=$NRT_LAST_PID
# Plugged: one "plugged for fwd" line per interface, after netring_open().
deadline=$((SECONDS + 30))
until [ "$(grep -c 'plugged for fwd' "$NRT_TMP/fwd.err")" -eq 2 ]; do
	nrt_alive "$fwd_pid" || nrt_fail "fwd exited before plugging: $(cat "$NRT_TMP/fwd.err")"
	[ "$SECONDS" -le "$deadline" ] || nrt_fail "fwd did not plug in 30 s"
	sleep 0.05
done

nrt_in "$ns_a" "$NRT_SEND" -i "$if_a" -n "$count" -s "$seed" --pps "$pps" \
	"${stream[@]}" >"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
grep -qx "sent $count" "$NRT_TMP/send.out" || nrt_fail "sender: $(cat "$NRT_TMP/send.out")"

nrt_wait_exit "$fwd_pid" 120
rc=$?
cat "$NRT_TMP/fwd.err" >&2
[ "$rc" -eq 0 ] || nrt_fail "netring fwd exited $rc"
nrt_wait_exit "$rx_pid" 120
rc=$?
cat "$NRT_TMP/rx.out" >&2
[ "$rc" -eq 0 ] || nrt_fail "rx_verify exited $rc"
grep -q '^PASS$' "$NRT_TMP/rx.out" || nrt_fail "rx_verify did not pass"
grep -q "^received $count dropped 0 " "$NRT_TMP/rx.out" ||
	nrt_fail "receiver: not $count received and 0 dropped"

[ "$(wc -l <"$NRT_TMP/fwd.out")" -eq 1 ] || nrt_fail "fwd's stdout is not one line"
"$NRT_JSON" seconds <"$NRT_TMP/fwd.out" >/dev/null ||
	nrt_fail "fwd's stdout is not one JSON object"
# dir FROM TO: the direction's counters as "key=value" lines.
dir() {
	grep -o "{\"from\":\"$1\",\"to\":\"$2\",[^}]*}" "$NRT_TMP/fwd.out" |
		sed 's/^{//; s/}$//; s/"//g' | tr ',' '\n' | tr ':' '='
}
fwd_ab=$(dir "$if_x" "$if_y")
fwd_ba=$(dir "$if_y" "$if_x")
[ -n "$fwd_ab" ] && [ -n "$fwd_ba" ] || nrt_fail "no counters per direction"
get() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }

received=$(get "$fwd_ab" received)
forwarded=$(get "$fwd_ab" forwarded)
dropped=$(get "$fwd_ab" dropped)
too_big=$(get "$fwd_ab" dropped_too_big)
out_full=$(get "$fwd_ab" dropped_out_full)
nrt_log "$if_x -> $if_y: received $received forwarded $forwarded dropped $dropped ($too_big too big, $out_full out full)"
[ "$received" -eq $((forwarded + dropped)) ] ||
	nrt_fail "received $received != forwarded $forwarded + dropped $dropped"
[ "$dropped" -eq $((too_big + out_full)) ] ||
	nrt_fail "dropped $dropped != too big $too_big + out full $out_full"
[ "$received" -eq "$count" ] && [ "$forwarded" -eq "$count" ] && [ "$dropped" -eq 0 ] ||
	nrt_fail "expected $count received and forwarded, 0 dropped"
[ "$(get "$fwd_ab" sent)" -eq "$count" ] || nrt_fail "not $count sent"
[ "$(get "$fwd_ab" tx_failed)" -eq 0 ] || nrt_fail "transmit failures"
[ "$(get "$fwd_ab" tx_in_flight)" -eq 0 ] || nrt_fail "frames left in flight"
[ "$(get "$fwd_ab" in_dropped)" -eq 0 ] || nrt_fail "frames dropped on $if_x"
if [ "$backend" = xdp ]; then
	[ "$(get "$fwd_ab" forwarded_zerocopy)" -eq "$count" ] &&
		[ "$(get "$fwd_ab" forwarded_copied)" -eq 0 ] ||
		nrt_fail "xdp: not every frame forwarded without a copy"
else
	[ "$(get "$fwd_ab" forwarded_copied)" -eq "$count" ] ||
		nrt_fail "packet: not every frame copied once"
fi
[ "$(get "$fwd_ba" received)" -eq 0 ] && [ "$(get "$fwd_ba" forwarded)" -eq 0 ] ||
	nrt_fail "frames came back $if_y -> $if_x: $(echo $fwd_ba)"
exit 0
