#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_pcap.sh - `netring dump -w FILE -c N` writes a pcap file that holds
# exactly the N frames sent, whole, in order and byte for byte (VLAN tags
# back in place), and that tcpdump and tshark both read as N frames.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_SEND:?}" "${NRT_PCAP_VERIFY:?}"

count=3000 seed=201
stream=(--len 60:1514 --vlan-every 5)

nrt_require_root
nrt_require_cmd tcpdump tshark
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrt
pcap=$NRT_TMP/dump.pcap

# 10 ms blocks: 640 ms of headroom for a dump held off its CPU (1 ms
# blocks: 64 ms whatever the slots, see docs/reliability.md).
nrt_bg "$NRT_NS_B" "$NRT_TMP/dump.out" "$NRT_CLI" dump -i "$NRT_IF_B" \
	-b packet --block-timeout 10 -q -c "$count" -t 60 -w "$pcap"
dump_pid=$NRT_LAST_PID
# dump prints nothing when ready; its packet socket bound to the interface
# is the sign that frames sent from now on are received.
nrt_wait_plugged "$NRT_NS_B" "$NRT_IF_B" "$dump_pid" 30

nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	--pps 20000 "${stream[@]}" >"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
grep -qx "sent $count" "$NRT_TMP/send.out" || nrt_fail "sender: $(cat "$NRT_TMP/send.out")"

nrt_wait_exit "$dump_pid" 90
rc=$?
[ "$rc" -eq 0 ] || nrt_fail "netring dump exited $rc"

"$NRT_PCAP_VERIFY" -r "$pcap" -n "$count" -s "$seed" "${stream[@]}" ||
	nrt_fail "the pcap file does not hold the frames sent"

# --count: tcpdump prints "N packets" instead of decoding them.
n_tcpdump=$(tcpdump --count -r "$pcap" 2>/dev/null | sed -n 's/^\([0-9]*\) packets$/\1/p')
echo "tcpdump reads ${n_tcpdump:-no} frames"
[ "${n_tcpdump:-0}" -eq "$count" ] || nrt_fail "tcpdump read ${n_tcpdump:-no} frames, expected $count"
# Both decode the tags dump put back: every 5th frame is 802.1Q.
n_vlan=$(tcpdump --count -r "$pcap" vlan 2>/dev/null | sed -n 's/^\([0-9]*\) packets$/\1/p')
echo "tcpdump sees ${n_vlan:-no} 802.1Q frames"
[ "${n_vlan:-0}" -eq $((count / 5)) ] || nrt_fail "tcpdump saw ${n_vlan:-no} tagged frames, expected $((count / 5))"

n_tshark=$(tshark -r "$pcap" -T fields -e frame.number 2>/dev/null | wc -l)
echo "tshark reads $n_tshark frames"
[ "$n_tshark" -eq "$count" ] || nrt_fail "tshark read $n_tshark frames, expected $count"
n_vlan=$(tshark -r "$pcap" -Y vlan -T fields -e frame.number 2>/dev/null | wc -l)
echo "tshark sees $n_vlan 802.1Q frames"
[ "$n_vlan" -eq $((count / 5)) ] || nrt_fail "tshark saw $n_vlan tagged frames, expected $((count / 5))"
exit 0
