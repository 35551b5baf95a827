#!/bin/bash
# SPDX-License-Identifier: MIT
# tap_tx.sh CASE - frames an application transmits on its TAP (netring -b
# tap) arrive at the host, byte for byte, in order, each one counted.  In a
# namespace of its own (prefix nrtx), tap_tx plugs tap:NAME; the host side
# brings the TAP up and listens on it with netring -b packet (rx_verify)
# and tcpdump at the same time.
#
# Cases:
#   exact    20,000 frames of 60..1514 bytes, every 7th 802.1Q-tagged, at
#            20,000/s, NETRING_CF_TX_ONLY: rx_verify and tcpdump both get
#            all of them whole and in order; tx_sent == 20,000
#   eagain   the same 20,000 unpaced with the TAP's send buffer shrunk to
#            4 KiB and its receive work moved to the other CPU (RPS), so
#            writes meet EAGAIN: frames wait in the transmit queue (seen
#            in flight) and still all arrive, in order
#   down     a TAP that is down: -ENETDOWN, tx_failed_down; up: sent;
#            deleted: -ENODEV; every frame counted once (tap_tx down)
#   cycle    open, transmit 16 frames, close, 1,000 times: no descriptor
#            or memory left (tap_tx cycle; ASan's leak check in the
#            sanitizer build)
# The host-to-TAP direction is tests/tap_rx.sh.
set -u
. "$(dirname "$0")/lib/netns.sh"

case=${1:?usage: tap_tx.sh CASE}
nrt_require_root
nrt_require_cmd ip nsenter tcpdump
: "${NTP_TAP_TX:?}" "${NRT_RX_VERIFY:?}" "${NRT_PCAP_VERIFY:?}"
nrt_trap_cleanup
nrt_tmpdir

ns=nrtx-$case-$$
tap=nrtx$$
seed=$((RANDOM + 1))
count=20000
stream=(--len 60:1514 --vlan-every 7)
tx_args=(--tx-only --pps 20000)

nrt_ns_create "$ns"

# The witness's ring: at 20,000/s it keeps up with 16,384 slots; unpaced
# (eagain) the whole stream can arrive before a sanitizer build's verifier
# has released a block (once in CI: 5,836 frames dropped ring_full), so it
# gets room for all of it.  What is checked does not change: every frame,
# in order, none dropped.
#
# Its blocks (64 of them, -b packet) retire partly filled after the block
# timeout, so a reader that is not run for a while holds at most 64 x the
# timeout of traffic, however many slots it has.  With the default 1 ms
# that is 64 ms: a 150 ms SIGSTOP of the witness lost 10,370 frames
# ring_full unpaced (the CI flake: 2,178, 15 freezes) and 1,184 at
# 20,000/s, as a held vCPU can (docs/reliability.md).  With 10 ms blocks
# (640 ms) the same stop lost none in either case, nor did 300 ms.
rx_ring=16384
case $case in
exact) ;;
eagain)
	tx_args=(--sndbuf 4096 --batch 64)
	rx_ring=65536 ;;
down)
	nrt_in "$ns" "$NTP_TAP_TX" down -i "$tap" -s "$seed" "${stream[@]}" ||
		nrt_fail "tap_tx down"
	echo "PASS: tap_tx $case"
	exit 0 ;;
cycle)
	nrt_in "$ns" "$NTP_TAP_TX" cycle -i "$tap" -c 1000 "${stream[@]}" ||
		nrt_fail "tap_tx cycle"
	echo "PASS: tap_tx $case"
	exit 0 ;;
*)
	nrt_fail "unknown case $case" ;;
esac

# The application: creates the TAP, says ready, sends on "go", closes on
# the next line.  Pinned to CPU 0 so RPS (eagain) moves the host's receive
# work away from it.
mkfifo "$NRT_TMP/ctl"
exec 3<>"$NRT_TMP/ctl"
nsenter --net="/run/netns/$ns" taskset -c 0 "$NTP_TAP_TX" send -i "$tap" \
	-n "$count" -s "$seed" "${tx_args[@]}" "${stream[@]}" \
	<"$NRT_TMP/ctl" >"$NRT_TMP/tx.out" &
tx_pid=$!
NRT_PIDS+=("$tx_pid")
nrt_wait_line "$NRT_TMP/tx.out" ready "$tx_pid" 10

nrt_in "$ns" ip link set dev "$tap" address 02:6e:72:74:00:02 up ||
	nrt_fail "configure $tap"
tap_carrier() {
	nrt_in "$ns" ip -o link show dev "$tap" | grep -q 'LOWER_UP'
}
nrt_wait_until "$tap up with carrier" 5 tap_carrier
if [ "$case" = eagain ]; then
	# /sys shows the namespace that mounted it: mount one privately.
	nrt_in "$ns" unshare -m sh -c "mount -t sysfs sysfs /sys &&
		echo 2 >/sys/class/net/$tap/queues/rx-0/rps_cpus" ||
		nrt_fail "RPS on $tap"
fi

nrt_bg "$ns" "$NRT_TMP/tcpdump.out" tcpdump -i "$tap" -n -U -s 0 -B 65536 \
	-c "$count" -w "$NRT_TMP/host.pcap"
dump_pid=$NRT_LAST_PID
nrt_wait_plugged "$ns" "$tap" "$dump_pid" 10

nrt_bg "$ns" "$NRT_TMP/rx.out" "$NRT_RX_VERIFY" -i "$tap" -b packet \
	--expect-exact -n "$count" -s "$seed" -t 60 --ring-frames "$rx_ring" \
	--block-timeout 10 "${stream[@]}"
rx_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 10

echo go >&3
nrt_wait_line "$NRT_TMP/tx.out" done "$tx_pid" 60
nrt_wait_exit "$rx_pid" 60
rx_rc=$?
cat "$NRT_TMP/rx.out" >&2
[ "$rx_rc" = 0 ] || nrt_fail "rx_verify (netring -b packet on $tap) exited $rx_rc"
grep -q '^PASS$' "$NRT_TMP/rx.out" || nrt_fail "rx_verify did not pass"
nrt_wait_exit "$dump_pid" 20 || nrt_fail "tcpdump did not see every frame"
"$NRT_PCAP_VERIFY" -r "$NRT_TMP/host.pcap" -n "$count" -s "$seed" \
	"${stream[@]}" || nrt_fail "tcpdump's capture differs from what was sent"

echo close >&3
nrt_wait_exit "$tx_pid" 10
tx_rc=$?
cat "$NRT_TMP/tx.out" >&2
[ "$tx_rc" = 0 ] || nrt_fail "tap_tx exited $tx_rc"
grep -q "^sent $count queued $count failed 0 in_flight 0 " "$NRT_TMP/tx.out" ||
	nrt_fail "tap_tx's counters"
if [ "$case" = eagain ]; then
	grep -q "max_in_flight [1-9]" "$NRT_TMP/tx.out" ||
		nrt_fail "no write met EAGAIN: nothing ever waited in the queue"
fi
echo "PASS: tap_tx $case"
