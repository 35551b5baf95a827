#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_dump_pcap_roundtrip.sh - `netring dump -r in -w out -q` copies a
# capture of 60..9000-byte frames exactly: for pcap (us) and pcap (ns) input
# the output file is the same bytes; for pcapng input the output is a
# nanosecond pcap with the same frames, lengths and time stamps.  The tool
# stops at the end of the file with status 0 and its summary counts every
# frame.  With 2048-byte slots the long frames come out cut, flagged and
# counted as truncated.  Reads files only: needs no root and no namespace.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_JSON:?}" "${NRC_PCAP_GEN:?}" "${NRC_PCAP_CMP:?}"

count=3000 seed=301
stream=(--len 60:9000 --vlan-every 7)

nrt_require_cmd tcpdump
nrt_trap_cleanup
nrt_tmpdir

# stamps FILE: every record's time stamp, in nanoseconds.
stamps() {
	tcpdump -r "$1" -nn -q -tt --time-stamp-precision=nano 2>/dev/null |
		grep -oE '^[0-9]+\.[0-9]{9} '

}

# copy_and_check FORMAT: generate, copy with dump -r -w, compare.
copy_and_check() {
	local format=$1 in=$NRT_TMP/in.$1 out=$NRT_TMP/out.$1 rc values
	"$NRC_PCAP_GEN" -o "$in" -f "$format" -n "$count" -s "$seed" \
		--gap-us 13 "${stream[@]}" || nrt_fail "pcap-gen -f $format"
	"$NRT_CLI" dump -r "$in" -w "$out" -q --stats json >"$NRT_TMP/json" \
		2>"$NRT_TMP/err"
	rc=$?
	cat "$NRT_TMP/err"
	[ "$rc" -eq 0 ] || nrt_fail "$format: netring dump -r exited $rc"
	grep -qx "netring: $in: end of file after $count frames" "$NRT_TMP/err" ||
		nrt_fail "$format: no end-of-file line"
	grep -qx "netring: $out: $count frames written" "$NRT_TMP/err" ||
		nrt_fail "$format: no '$count frames written' line"

	values=$("$NRT_JSON" backend received wire_bytes dropped truncated unread \
		<"$NRT_TMP/json") || nrt_fail "$format: stdout is not the JSON object"
	# Whole frames: the bytes received are the records' bytes, which a
	# pcap file holds after its 24-byte header and 16 bytes per record.
	local bytes
	bytes=$(($(stat -c %s "$out") - 24 - 16 * count))
	expected="backend=pcap
received=$count
wire_bytes=$bytes
dropped=0
truncated=0
unread=0"
	[ "$values" = "$expected" ] ||
		nrt_fail "$format: statistics: $(echo $values), expected: $(echo $expected)"

	"$NRC_PCAP_CMP" "$in" "$out" || nrt_fail "$format: the frames differ"
	[ "$(stamps "$in" | md5sum)" = "$(stamps "$out" | md5sum)" ] ||
		nrt_fail "$format: the time stamps differ"
	[ "$(stamps "$out" | wc -l)" -eq "$count" ] || nrt_fail "$format: tcpdump count"
	echo "$format: $count frames, $bytes bytes, copied exactly"
}

copy_and_check pcap
cmp "$NRT_TMP/in.pcap" "$NRT_TMP/out.pcap" || nrt_fail "pcap: the files differ"
copy_and_check pcap-ns
cmp "$NRT_TMP/in.pcap-ns" "$NRT_TMP/out.pcap-ns" || nrt_fail "pcap-ns: the files differ"
copy_and_check pcapng
# The copy of a pcapng file is a nanosecond pcap (magic a1b23c4d).
[ "$(od -An -tx4 -N4 "$NRT_TMP/out.pcapng" | tr -d ' ')" = a1b23c4d ] ||
	nrt_fail "pcapng: the copy is not a nanosecond pcap"

# 2048-byte slots: frames longer than 1792 bytes come out cut to it.
in=$NRT_TMP/in.pcap out=$NRT_TMP/cut.pcap
long=$(tcpdump -r "$in" --count greater 1793 2>/dev/null |
	sed -n 's/^\([0-9]*\) packets$/\1/p')
[ "${long:-0}" -gt 0 ] || nrt_fail "the stream has no frame longer than 1792 bytes"
"$NRT_CLI" dump -r "$in" -w "$out" -q --frame-size 2048 --stats json \
	>"$NRT_TMP/json" 2>"$NRT_TMP/err" || nrt_fail "dump -r --frame-size 2048: $(cat "$NRT_TMP/err")"
values=$("$NRT_JSON" received truncated dropped <"$NRT_TMP/json") ||
	nrt_fail "--frame-size 2048: stdout is not the JSON object"
expected="received=$count
truncated=$long
dropped=0"
[ "$values" = "$expected" ] ||
	nrt_fail "--frame-size 2048: statistics: $(echo $values), expected: $(echo $expected)"
"$NRC_PCAP_CMP" --prefix "$in" "$out" || nrt_fail "cut frames are not prefixes"
echo "2048-byte slots: $long of $count frames cut, the rest whole"
exit 0
