#!/bin/bash
# SPDX-License-Identifier: MIT
# demo.sh BINARY - `make demo`: netring dump watching a veth in a network
# namespace of its own while the other end pings it and sends it UDP
# datagrams.  Everything it creates is removed on exit, also on Ctrl-C.
set -u

bin=${1:-}
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
	echo "usage: demo.sh PATH-TO-netring (built by 'make')" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root: it creates network namespaces and a veth pair" >&2
	exit 1
fi
. "$(dirname "$0")/../tests/lib/netns.sh"

say() {
	printf '\n=== %s\n' "$*"
}

nrt_trap_cleanup
trap 'say "Interrupted: stopping dump, removing the namespaces and the veth pair"; exit 130' INT
nrt_tmpdir

say "Creating network namespaces nrd-a-$$ and nrd-b-$$, joined by a veth pair:"
nrt_pair_create nrd
echo "    $NRT_IF_A ($NRT_MAC_A, $NRT_IP_A/24) in $NRT_NS_A"
echo "    $NRT_IF_B ($NRT_MAC_B, $NRT_IP_B/24) in $NRT_NS_B"
echo "    (IPv6 is off in both, so the only frames are the ones sent below)"

say "Starting 'netring dump -i $NRT_IF_A -t 6' in $NRT_NS_A: one line per frame received"
nsenter --net="/run/netns/$NRT_NS_A" "$bin" dump -i "$NRT_IF_A" -t 6 &
dump_pid=$!
NRT_PIDS+=("$dump_pid")
nrt_wait_plugged "$NRT_NS_A" "$NRT_IF_A" "$dump_pid" 10

say "From $NRT_NS_B: ping -c 5 -i 0.2 $NRT_IP_A"
nrt_in "$NRT_NS_B" ping -c 5 -i 0.2 "$NRT_IP_A" >"$NRT_TMP/ping.out" 2>&1 ||
	{ cat "$NRT_TMP/ping.out"; nrt_fail "ping failed"; }
sed 's/^/    ping: /' "$NRT_TMP/ping.out"

say "From $NRT_NS_B: 20 UDP datagrams to $NRT_IP_A port 9 (discard)"
nrt_in "$NRT_NS_B" bash -c '
	for i in $(seq 1 20); do
		echo "netring demo datagram $i" >"/dev/udp/$1/9"
	done' udp-burst "$NRT_IP_A" || nrt_fail "sending UDP datagrams failed"

say "Waiting for dump to finish its 6 seconds; it prints its summary on stderr"
nrt_wait_exit "$dump_pid" 15
rc=$?
[ "$rc" -eq 0 ] || nrt_fail "netring dump exited $rc"

say "Done: removing $NRT_NS_A, $NRT_NS_B and the veth pair"
exit 0
