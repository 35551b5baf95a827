#!/bin/bash
# SPDX-License-Identifier: MIT
# pcap_tx.sh - the pcap sink: pcap_tx writes, appends, refuses, and reads
# back with the pcap backend; then tcpdump -r reads the same file: 25,000
# records (20,000 written, 5,000 appended), frames 0..24999 of the stream,
# byte for byte, in order.  No privileges and no interfaces needed.
set -u
: "${NTP_PCAP_TX:?}" "${NRT_PCAP_VERIFY:?}"
command -v tcpdump >/dev/null || { echo "FAIL: needs tcpdump" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nrtx-pcap.XXXXXX") || exit 1
trap 'rm -rf -- "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$NTP_PCAP_TX" "$tmp" || fail "pcap_tx"
# One line per record (tcpdump adds indented hex lines for EtherType 0x88b5).
lines=$(tcpdump -r "$tmp/out.pcap" -n --nano 2>/dev/null | grep -vc '^[[:space:]]')
[ "$lines" = 25000 ] || fail "tcpdump -r reads $lines records, expected 25000"
# tcpdump rewrites what it read; the rewrite must still be every frame.
tcpdump -r "$tmp/out.pcap" -w "$tmp/copy.pcap" 2>/dev/null ||
	fail "tcpdump -r -w"
"$NRT_PCAP_VERIFY" -r "$tmp/copy.pcap" -n 25000 -s 1 --vlan-every 7 ||
	fail "tcpdump's copy differs from the frames transmitted"
"$NRT_PCAP_VERIFY" -r "$tmp/out.pcap" -n 25000 -s 1 --vlan-every 7 ||
	fail "the file differs from the frames transmitted"
echo "PASS: pcap_tx"
