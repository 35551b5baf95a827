#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_tx_usage.sh - `netring send`, `gen` and `fwd` refuse nonsense with exit
# status 2, a "netring: CMD: ..." line naming the option, and nothing on
# stdout; -h prints the usage with status 0.  No privilege, no interface is
# plugged: every case is refused before netring_open().
set -u
: "${NRT_CLI:?}"

fails=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nrc-txu.XXXXXX") || exit 1
trap 'rm -rf -- "$tmp"' EXIT

# expect STATUS PATTERN ARGS...: netring ARGS exits STATUS, stderr matches
# PATTERN (grep -E), and stdout is empty unless STATUS is 0.
expect() {
	local want=$1 pattern=$2 rc
	shift 2
	"$NRT_CLI" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL: netring $* exited $rc, expected $want: $(cat "$tmp/err")"
		fails=$((fails + 1))
		return
	fi
	if [ "$want" -ne 0 ] && [ -s "$tmp/out" ]; then
		echo "FAIL: netring $*: wrote to stdout: $(cat "$tmp/out")"
		fails=$((fails + 1))
	fi
	if [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$tmp/err" "$tmp/out"; then
		echo "FAIL: netring $*: output does not match '$pattern': $(cat "$tmp/err")"
		fails=$((fails + 1))
	fi
}

printf 'x' >"$tmp/x.pcap"

for cmd in send gen fwd; do
	expect 0 "usage: netring $cmd" "$cmd" -h
	expect 2 "netring: $cmd: unknown option '--bogus'" "$cmd" --bogus
	expect 2 "netring: $cmd: -b nope: unknown backend" "$cmd" -b nope
	expect 2 "netring: $cmd: --count 0: out of range" "$cmd" --count 0
	expect 2 "netring: $cmd: --count 'x': not a decimal number" "$cmd" --count x
	expect 2 "netring: $cmd: --count '-5': not a decimal number" "$cmd" --count -5
	expect 2 "netring: $cmd: -t 'soon': not a number of seconds" "$cmd" -t soon
	expect 2 "netring: $cmd: -t 0: out of range" "$cmd" -t 0
	expect 2 "netring: $cmd: --stats xml: the only format is 'json'" "$cmd" --stats xml
	expect 2 "netring: $cmd: --tx-frames 100: must be a power of two" "$cmd" --tx-frames 100
	expect 2 "netring: $cmd: --ring-frames 3: must be a power of two" "$cmd" --ring-frames 3
	expect 2 "netring: $cmd: option '--count' needs a value" "$cmd" --count
	expect 2 "netring: $cmd: -i: empty interface name" "$cmd" -i ''
	expect 2 "netring: $cmd: -i abcdefghijklmnop: interface names are at most 15" "$cmd" -i abcdefghijklmnop
done
for cmd in send gen; do
	expect 2 "netring: $cmd: --pps 0: out of range" "$cmd" --pps 0
	expect 2 "netring: $cmd: --pps 'fast': not a decimal number" "$cmd" --pps fast
	expect 2 "netring: $cmd: --pps 100000001: out of range" "$cmd" --pps 100000001
	expect 2 "netring: $cmd: -i: given twice" "$cmd" -i a -i b
done

expect 2 "netring: send: unexpected argument 'extra'" send -i lo -r "$tmp/x.pcap" extra
expect 2 "netring: gen: unexpected argument 'extra'" gen -i lo extra
expect 2 "netring: fwd: unexpected argument 'extra'" fwd -i lo -o lo extra

# send
expect 2 "netring: send: send needs an interface \(-i IFACE\) and a capture" send -i lo
expect 2 "netring: send: send needs an interface" send -r "$tmp/x.pcap"
expect 2 "netring: send: --loop 'many': not a decimal number" send --loop many
expect 2 "netring: send: --replay-speed 'slow': not a speed" send --replay-speed slow
expect 2 "netring: send: --replay-speed 0: leave it out" send --replay-speed 0
expect 2 "netring: send: --replay-speed 1.0001: out of range" send --replay-speed 1.0001
expect 2 "netring: send: --pps and --replay-speed exclude each other" send -i lo -r "$tmp/x.pcap" --pps 10 --replay-speed 1
expect 2 "netring: send: -r: empty file name" send -i lo -r ''
expect 2 "netring: send: -b pcap writes a file" send -i lo -r "$tmp/x.pcap" -b pcap
expect 2 "netring: send: .*$tmp/nonexistent.pcap" send -i lo -r "$tmp/nonexistent.pcap"
expect 2 "netring: send: .*x.pcap" send -i lo -r "$tmp/x.pcap"

# gen
expect 2 "netring: gen: gen needs an interface" gen
expect 2 "netring: gen: --size 59: out of range \(60 to 65536\)" gen -i lo --size 59
expect 2 "netring: gen: --size 'big': not a decimal number" gen -i lo --size big
expect 2 "netring: gen: --seed 'x': not a number" gen -i lo --seed x
expect 2 "netring: gen: --seed '4294967296': not a number" gen -i lo --seed 4294967296
expect 2 "netring: gen: --src-mac '02:00:00:00:00': not a MAC address" gen -i lo --src-mac 02:00:00:00:00
expect 2 "netring: gen: --dst-mac 'zz:00:00:00:00:01': not a MAC address" gen -i lo --dst-mac zz:00:00:00:00:01
expect 2 "netring: gen: --src-mac 01:00:5e:00:00:01: a group address" gen -i lo --src-mac 01:00:5e:00:00:01
expect 2 "netring: gen: option '--seq' takes no value" gen -i lo --seq=1
expect 2 "netring: gen: -b pcap writes a file" gen -i lo -b pcap
expect 2 "netring: gen: nosuch0: no such interface" gen -i nosuch0 -c 1

# fwd
expect 2 "netring: fwd: fwd needs -i IN -o OUT for each direction" fwd
expect 2 "netring: fwd: fwd needs -i IN -o OUT for each direction" fwd -i a
expect 2 "netring: fwd: -o b: give each direction as -i IN -o OUT" fwd -o b -i a
expect 2 "netring: fwd: -i c: give each direction as -i IN -o OUT" fwd -i a -i c
expect 2 "netring: fwd: -i c: at most 2 directions" fwd -i a -o b -i b -o a -i c
expect 2 "netring: fwd: -i a: receives for one direction at most" fwd -i a -o b -i a -o c
expect 2 "netring: fwd: -o b: sends for one direction at most" fwd -i a -o b -i c -o b
expect 2 "netring: fwd: --rewrite-dst-mac 'x': not a MAC address" fwd -i a -o b --rewrite-dst-mac x
expect 2 "netring: fwd: --rewrite-src-mac ff:ff:ff:ff:ff:ff: a group address" fwd -i a -o b --rewrite-src-mac ff:ff:ff:ff:ff:ff
expect 2 "netring: fwd: --pps is for send and gen" fwd -i a -o b --pps 10
expect 2 "netring: fwd: -b tap: fwd plugs interfaces with packet or xdp" fwd -i a -o b -b tap
expect 2 "netring: fwd: nosuch0: no such interface" fwd -i nosuch0 -o nosuch1

if [ "$fails" -ne 0 ]; then
	echo "FAIL: $fails case(s)"
	exit 1
fi
echo PASS
exit 0
