#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_tx_send.sh BACKEND - `netring send -b BACKEND -i IF -r FILE` on one end
# of a veth pair replays a capture byte-exact: a pcap file and a pcapng file
# of the test stream (60..1514 bytes, every 7th VLAN-tagged) are received on
# the other end by rx_verify (netring, AF_PACKET) whole, in order, byte for
# byte, with nothing dropped; send's JSON counts every frame sent and none
# failed.  BACKEND: packet or xdp.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_RX_VERIFY:?}" "${NRT_JSON:?}" "${NRC_PCAP_GEN:?}"

backend=${1:?usage: cli_tx_send.sh packet|xdp}
count=3000
stream=(--len 60:1514 --vlan-every 7)

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrs

# replay FORMAT SEED: one file through send, checked at the receiver.
replay() {
	local format=$1 seed=$2 file="$NRT_TMP/in.$1" rx_pid rc values expected bytes
	"$NRC_PCAP_GEN" -o "$file" -n "$count" -f "$format" -s "$seed" \
		"${stream[@]}" || nrt_fail "pcap-gen $format"
	# The witness: 10 ms blocks hold 640 ms of a reader held off its CPU
	# (1 ms blocks: 64 ms whatever the slots, see tests/tap_tx.sh).
	nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.$format" "$NRT_RX_VERIFY" -i "$NRT_IF_B" \
		-b packet --block-timeout 10 --expect-exact -n "$count" \
		-s "$seed" -t 60 "${stream[@]}"
	rx_pid=$NRT_LAST_PID
	nrt_wait_line "$NRT_TMP/rx.$format" ready "$rx_pid" 30

	nrt_in "$NRT_NS_A" "$NRT_CLI" send -b "$backend" -i "$NRT_IF_A" -r "$file" \
		--pps 20000 -q --stats json >"$NRT_TMP/send.$format" \
		2>"$NRT_TMP/send.$format.err"
	rc=$?
	cat "$NRT_TMP/send.$format.err" >&2
	[ "$rc" -eq 0 ] || nrt_fail "netring send ($format) exited $rc"

	nrt_wait_exit "$rx_pid" 90
	rc=$?
	cat "$NRT_TMP/rx.$format" >&2
	[ "$rc" -eq 0 ] || nrt_fail "rx_verify ($format) exited $rc"
	grep -q '^PASS$' "$NRT_TMP/rx.$format" || nrt_fail "rx_verify ($format) did not pass"
	grep -q "^received $count dropped 0 " "$NRT_TMP/rx.$format" ||
		nrt_fail "receiver ($format): not $count received and 0 dropped"

	bytes=$(sed -n 's/.* bytes \([0-9]*\) wire_bytes.*/\1/p' "$NRT_TMP/rx.$format")
	values=$("$NRT_JSON" backend tx_queued tx_sent tx_bytes tx_failed \
		tx_in_flight tx_forwarded_copied mtu <"$NRT_TMP/send.$format") ||
		nrt_fail "send's stdout is not one JSON object with the keys"
	expected="backend=$backend
tx_queued=$count
tx_sent=$count
tx_bytes=$bytes
tx_failed=0
tx_in_flight=0
tx_forwarded_copied=$count
mtu=1500"
	[ "$values" = "$expected" ] ||
		nrt_fail "send ($format): $(echo $values), expected: $(echo $expected)"
	grep -q "frames read from $file" "$NRT_TMP/send.$format.err" ||
		nrt_fail "send ($format): no 'frames read' line"
	grep -q "^netring: send: $count frames read" "$NRT_TMP/send.$format.err" ||
		nrt_fail "send ($format) did not read $count frames"
}

replay pcap 801
replay pcapng 802
exit 0
