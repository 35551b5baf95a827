#!/bin/bash
# SPDX-License-Identifier: MIT
# xdp_take_mac.sh MODE - take mode with a destination-MAC match leaves the
# host the rest of the interface: the application owns 02:6e:72:74:00:02
# (the address the test frames are sent to) on a veth whose own address is
# 02:6e:72:78:00:02; while the test stream is taken byte-exact, ping between
# the two host addresses (ARP included) keeps working, and the frames the
# program left to the host are counted.  MODE: native or generic XDP.
set -u
. "$(dirname "$0")/xdp_lib.sh"

[ $# -eq 1 ] || { echo "usage: xdp_take_mac.sh native|generic" >&2; exit 2; }
mode=$1
: "${NRX_SEND:?}" "${NRX_RX:?}"
app_mac=02:6e:72:74:00:02
host_mac=02:6e:72:78:00:02
count=4000 seed=311 pings=20

nrt_require_cmd ping
nrx_setup
nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" address "$host_mac" ||
	nrt_fail "set the host's MAC"

nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRX_RX" -i "$NRT_IF_B" -n "$count" \
	-s "$seed" -t 60 --attach "$mode" --match-mac "$app_mac" --expect-exact \
	--len 60:1514 --vlan-every 5
rx_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30

# The host's traffic and the application's at the same time: the first
# half of the stream while ping runs, the second half once it is done, so
# that the ring's final counts include every frame ping caused.
half=$((count / 2))
nrt_bg "$NRT_NS_A" "$NRT_TMP/ping.out" ping -n -c "$pings" -i 0.05 -W 2 "$NRT_IP_B"
ping_pid=$NRT_LAST_PID
nrt_in "$NRT_NS_A" "$NRX_SEND" -i "$NRT_IF_A" --first 0 -n "$half" -s "$seed" \
	--pps 4000 --len 60:1514 --vlan-every 5 >/dev/null || nrt_fail "sender failed"
nrt_wait_exit "$ping_pid" 30
ping_rc=$?
cat "$NRT_TMP/ping.out"
nrt_in "$NRT_NS_A" "$NRX_SEND" -i "$NRT_IF_A" --first "$half" -n "$half" \
	-s "$seed" --pps 4000 --len 60:1514 --vlan-every 5 >/dev/null ||
	nrt_fail "sender failed"
nrt_wait_exit "$rx_pid" 60
rx_rc=$?
cat "$NRT_TMP/rx.out"

[ "$ping_rc" -eq 0 ] || nrt_fail "ping between the host addresses failed while the ring was plugged"
grep -q "^$pings packets transmitted, $pings received" "$NRT_TMP/ping.out" ||
	nrt_fail "not every ping was answered"
nrt_in "$NRT_NS_A" ip neigh show "$NRT_IP_B" | grep -q "lladdr $host_mac" ||
	nrt_fail "ARP did not resolve $NRT_IP_B to the host's MAC"
[ "$rx_rc" -eq 0 ] && grep -qx PASS "$NRT_TMP/rx.out" ||
	nrt_fail "the application did not get its frames exactly"
# Every echo request and the ARP request reached the host through XDP_PASS.
passed=$(sed -n 's/.* passed \([0-9]*\) .*/\1/p' "$NRT_TMP/rx.out")
[ -n "$passed" ] && [ "$passed" -ge $((pings + 1)) ] ||
	nrt_fail "the program passed '$passed' frames to the host, expected at least $((pings + 1))"
exit 0
