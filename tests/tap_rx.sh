#!/bin/bash
# SPDX-License-Identifier: MIT
# tap_rx.sh CASE - frames the host sends into a TAP device the application
# owns reach netring's tap backend byte for byte.  In a namespace of its
# own (prefix nrr), tap_rx plugs the TAP; the host side gets 192.0.2.1/24,
# MAC 02:6e:72:74:00:01 and a static neighbour 192.0.2.2 at
# 02:6e:72:74:00:02 behind the TAP; then test-stream frames (nrt-send, raw)
# and pings to 192.0.2.2 go in.  tcpdump on the TAP records what the host
# sent; pcap-cmp checks that tap_rx got exactly that.
#
# Cases:
#   exact          2000 frames of 60..1514 bytes, every 7th 802.1Q-tagged, at
#                  20,000/s, and 5 pings: all arrive, whole, in order, none dropped
#   jumbo_cut      MTU 9000, every 3rd frame 9000 bytes, 2048-byte slots: those
#                  arrive cut to 1792 bytes, flagged, with their wire length
#   jumbo_whole    the same with 16384-byte slots: all whole
#   drops_counted  3000 frames while the application takes none: the TAP's
#                  queue overflows; delivered + dropped == sent, nothing twice
#   attach         a persistent TAP made by `ip tuntap` is attached to (-b tap
#                  NAME, no tap: prefix) and still exists after netring closes it
set -u
. "$(dirname "$0")/lib/netns.sh"

case=${1:?usage: tap_rx.sh CASE}
nrt_require_root
nrt_require_cmd ip nsenter ping tcpdump
: "${NRR_TAP_RX:?}" "${NRT_SEND:?}" "${NRR_PCAP_CMP:?}"
nrt_trap_cleanup
nrt_tmpdir

ns=nrr-tap-$$
tap=nrrt$$
count=2000
pings=5
mtu=1500
stream=(--len 60:1514)
rx_args=()
send_args=(--pps 20000)
cmp_args=()
hold=0
name=tap:$tap

case $case in
exact)
	stream+=(--vlan-every 7) ;;
jumbo_cut)
	count=300; pings=0; mtu=9000
	stream+=(--jumbo 3:9000)
	cmp_args=(--prefix) ;;
jumbo_whole)
	count=300; pings=0; mtu=9000
	stream+=(--jumbo 3:9000)
	rx_args=(--frame-size 16384) ;;
drops_counted)
	count=3000; pings=0; hold=1
	send_args=() ;;
attach)
	count=200; pings=2
	name=$tap
	rx_args=(-b tap) ;;
*)
	nrt_fail "unknown case $case" ;;
esac

nrt_ns_create "$ns"
if [ "$case" = attach ]; then
	nrt_in "$ns" ip tuntap add dev "$tap" mode tap || nrt_fail "ip tuntap add"
fi

# The application: plugs the TAP (creating it unless it exists).  Its
# stdin is a FIFO the script writes to: "go" ends --hold, and a line ends
# --linger (the TAP it created lives until then, for tcpdump to finish).
rx_out=$NRT_TMP/rx.out
mkfifo "$NRT_TMP/ctl"
exec 3<>"$NRT_TMP/ctl"
if [ "$hold" = 1 ]; then
	rx_args+=(--hold)
else
	rx_args+=(-w "$NRT_TMP/rx.pcap")
fi
nsenter --net="/run/netns/$ns" "$NRR_TAP_RX" -i "$name" -n "$count" \
	--pings "$pings" --linger "${rx_args[@]}" "${stream[@]}" \
	<"$NRT_TMP/ctl" >"$rx_out" &
rx_pid=$!
NRT_PIDS+=("$rx_pid")
nrt_wait_line "$rx_out" ready "$rx_pid" 10

# The host's side of the virtual link.
nrt_in "$ns" ip link set dev "$tap" address 02:6e:72:74:00:01 mtu "$mtu" up ||
	nrt_fail "configure $tap"
nrt_in "$ns" ip addr add 192.0.2.1/24 dev "$tap" || nrt_fail "address"
nrt_in "$ns" ip neigh replace 192.0.2.2 lladdr 02:6e:72:74:00:02 \
	nud permanent dev "$tap" || nrt_fail "neighbour"
tap_carrier() {
	nrt_in "$ns" ip -o link show dev "$tap" | grep -q 'LOWER_UP'
}
nrt_wait_until "$tap up with carrier" 5 tap_carrier

if [ "$hold" = 0 ]; then
	nrt_bg "$ns" "$NRT_TMP/tcpdump.out" tcpdump -i "$tap" -n -U -s 0 \
		-c $((count + pings)) -w "$NRT_TMP/host.pcap"
	dump_pid=$NRT_LAST_PID
	nrt_wait_plugged "$ns" "$tap" "$dump_pid" 10
fi

sent=$(nrt_in "$ns" "$NRT_SEND" -i "$tap" -n "$count" "${send_args[@]}" \
	"${stream[@]}") || nrt_fail "nrt-send: $sent"
grep -qx "sent $count" <<<"$sent" || nrt_fail "nrt-send: $sent"
if [ "$pings" -gt 0 ]; then
	# Nobody answers: ping's status says so, and does not matter.
	nrt_in "$ns" ping -n -q -c "$pings" -i 0.05 -s 100 -p a5 -W 1 \
		192.0.2.2 >/dev/null 2>&1
fi
[ "$hold" = 1 ] && echo go >&3

nrt_wait_line "$rx_out" done "$rx_pid" 30
if [ "$hold" = 0 ]; then
	nrt_wait_exit "$dump_pid" 10 || nrt_fail "tcpdump did not see every frame"
fi
echo close >&3
nrt_wait_exit "$rx_pid" 10
rc=$?
cat "$rx_out" >&2
[ "$rc" = 0 ] || nrt_fail "tap_rx exited $rc"

if [ "$hold" = 1 ]; then
	grep -q "dropped [1-9]" "$rx_out" ||
		nrt_fail "the application took nothing, yet nothing was dropped"
else
	"$NRR_PCAP_CMP" "${cmp_args[@]}" "$NRT_TMP/host.pcap" "$NRT_TMP/rx.pcap" ||
		nrt_fail "netring's frames differ from what the host sent"
fi
if [ "$case" = attach ]; then
	nrt_in "$ns" ip link show dev "$tap" >/dev/null 2>&1 ||
		nrt_fail "the persistent TAP is gone after netring closed it"
fi
echo "PASS: tap_rx $case"
