#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_nonsense.sh - every option of every `netring` subcommand given each
# kind of nonsense that fits it: a negative number, a huge one (2^64 + 1), a
# non-number, an empty value, a name longer than IFNAMSIZ, a directory for a
# file, an unknown backend or word, a value for an option that takes none.
# Each case must end with exit status 2 (never a signal: no crash, no core),
# a message on stderr naming the option (every stderr line "netring: ..."),
# nothing on stdout, and no output file left behind (every dump case also
# says -w FILE).  As root it runs in a network namespace of its own, so even
# a wrongly accepted case cannot touch a real interface.
#
# The table: one line per case, "EXPECT | ARGUMENTS": EXPECT must appear in
# stderr; ARGUMENTS are shell words after `netring` ($D is a directory, and
# a dump's base arguments are added by the script: -i nrq0 -w $OUT).
set -u
: "${NRT_CLI:?}"
NRT_CLI=$(realpath -- "$NRT_CLI") || exit 1

if [ "$(id -u)" = 0 ] && [ -z "${NRQ_IN_NETNS:-}" ]; then
	NRQ_IN_NETNS=1 exec unshare --net bash "$0" "$@"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/nrq.XXXXXX") || exit 1
trap 'rm -rf -- "$T"' EXIT
D=$T/adir
OUT=$T/out.pcap
mkdir -p "$D" "$T/cwd"
HUGE=18446744073709551617 # 2^64 + 1
LONG=nrqaaaaaaaaaaaaaaaaaaaaaa # 25 characters, IFNAMSIZ is 16

cases=$(cat <<'TABLE'
# --- netring ls ---
--all    | ls --all=1
--json   | ls --json=1
--watch  | ls --watch=1
--help   | ls --help=1
--nosuch | ls --nosuch
extra    | ls extra
# --- netring dump (base: -i nrq0 -w $OUT) ---
-i       | dump -i ''
-i       | dump -i $LONG
tap:     | dump -i tap:
-i       | dump -i tap:$LONG
-c       | dump -c -5
-c       | dump -c $HUGE
-c       | dump -c 12abc
-c       | dump -c ''
-c       | dump -c 0
-t       | dump -t -5
-t       | dump -t $HUGE
-t       | dump -t 1s
-t       | dump -t ''
-t       | dump -t 0
-w       | dump -w ''
$D       | dump -w $D
-r       | dump -r '' -i nrq0
-b       | dump -b nosuchbackend
-b       | dump -b ''
-b       | dump -b -5
--nano   | dump --nano=1
--ring-frames | dump --ring-frames -5
--ring-frames | dump --ring-frames $HUGE
--ring-frames | dump --ring-frames many
--ring-frames | dump --ring-frames ''
--ring-frames | dump --ring-frames 100
--frame-size  | dump --frame-size -5
--frame-size  | dump --frame-size $HUGE
--frame-size  | dump --frame-size big
--frame-size  | dump --frame-size ''
--frame-size  | dump --frame-size 3000
--busy-poll   | dump --busy-poll -5
--busy-poll   | dump --busy-poll $HUGE
--busy-poll   | dump --busy-poll fast
--busy-poll   | dump --busy-poll ''
--block-timeout | dump --block-timeout -5
--block-timeout | dump --block-timeout $HUGE
--block-timeout | dump --block-timeout x
--block-timeout | dump --block-timeout ''
--queue  | dump --queue -5
--queue  | dump --queue $HUGE
--queue  | dump --queue first
--queue  | dump --queue ''
--outgoing | dump --outgoing=1
--promisc  | dump --promisc=1
--take     | dump --take=1
--fallback | dump --fallback=1
--quiet    | dump --quiet=1
--help     | dump --help=1
--stats  | dump --stats xml
--stats  | dump --stats ''
--xdp-mode | dump --take --xdp-mode fastest
--xdp-mode | dump --take --xdp-mode ''
--bind   | dump --take --bind nosuch
--bind   | dump --take --bind ''
--match-mac | dump --take --match-mac 02:zz:00:00:00:01
--match-mac | dump --take --match-mac ''
--match-mac | dump --take --match-mac -5
--match-mac | dump --take --match-mac 02:00:00:00:00:01:02
--match-ethertype | dump --take --match-ethertype -5
--match-ethertype | dump --take --match-ethertype $HUGE
--match-ethertype | dump --take --match-ethertype ipv4
--match-ethertype | dump --take --match-ethertype ''
--match-proto | dump --take --match-proto -5
--match-proto | dump --take --match-proto $HUGE
--match-proto | dump --take --match-proto sctp7
--match-proto | dump --take --match-proto ''
--match-port | dump --take --match-port -5
--match-port | dump --take --match-port $HUGE
--match-port | dump --take --match-port http
--match-port | dump --take --match-port ''
--match-arp-for | dump --take --match-arp-for -5
--match-arp-for | dump --take --match-arp-for 192.0.2.256
--match-arp-for | dump --take --match-arp-for ''
--replay-speed | dump --replay-speed -5 -r $T/none.pcap -i ''
--replay-speed | dump --replay-speed $HUGE
--replay-speed | dump --replay-speed fast
--replay-speed | dump --replay-speed ''
-Z       | dump -Z ''
-Z       | dump -Z nrq-no-such-user
-Z       | dump -Z $LONG$LONG$LONG$LONG$LONG$LONG$LONG$LONG$LONG$LONG$LONG$LONG
--nosuch | dump --nosuch
extra    | dump extra
TABLE
)

# Subcommands another part of the tool adds: their tables run when the
# binary knows them (`netring CMD -h` exits 0).
tx_cases=$(cat <<'TABLE'
# --- netring send / gen / fwd (options they share) ---
-b       | send -i nrq0 -r $T/none.pcap -b nosuchbackend
-b       | gen -i nrq0 -b ''
-b       | fwd -i nrq0 -o nrq1 -b nosuchbackend
--pps    | send -i nrq0 -r $T/none.pcap --pps -5
--pps    | gen -i nrq0 --pps $HUGE
--pps    | gen -i nrq0 --pps lots
--pps    | fwd -i nrq0 -o nrq1 --pps ''
-c       | gen -i nrq0 -c -5
-c       | gen -i nrq0 -c $HUGE
-c       | send -i nrq0 -r $T/none.pcap -c many
-c       | fwd -i nrq0 -o nrq1 -c ''
-t       | gen -i nrq0 -t -5
-t       | gen -i nrq0 -t $HUGE
-t       | fwd -i nrq0 -o nrq1 -t soon
-t       | send -i nrq0 -r $T/none.pcap -t ''
--quiet  | gen -i nrq0 --quiet=1
--stats  | gen -i nrq0 --stats xml
--stats  | fwd -i nrq0 -o nrq1 --stats ''
--tx-frames | gen -i nrq0 --tx-frames -5
--tx-frames | gen -i nrq0 --tx-frames $HUGE
--tx-frames | send -i nrq0 -r $T/none.pcap --tx-frames many
--tx-frames | fwd -i nrq0 -o nrq1 --tx-frames ''
--ring-frames | gen -i nrq0 --ring-frames -5
--ring-frames | gen -i nrq0 --ring-frames $HUGE
--ring-frames | fwd -i nrq0 -o nrq1 --ring-frames many
--ring-frames | send -i nrq0 -r $T/none.pcap --ring-frames ''
--help   | gen --help=1
# --- send ---
-i       | send -i '' -r $T/none.pcap
-i       | send -i $LONG -r $T/none.pcap
-r       | send -i nrq0 -r ''
$D       | send -i nrq0 -r $D
--loop   | send -i nrq0 -r $T/none.pcap --loop -5
--loop   | send -i nrq0 -r $T/none.pcap --loop $HUGE
--loop   | send -i nrq0 -r $T/none.pcap --loop forever
--loop   | send -i nrq0 -r $T/none.pcap --loop ''
--replay-speed | send -i nrq0 -r $T/none.pcap --replay-speed -5
--replay-speed | send -i nrq0 -r $T/none.pcap --replay-speed $HUGE
--replay-speed | send -i nrq0 -r $T/none.pcap --replay-speed fast
--replay-speed | send -i nrq0 -r $T/none.pcap --replay-speed ''
--nosuch | send --nosuch
# --- gen ---
-i       | gen -i ''
-i       | gen -i $LONG
--size   | gen -i nrq0 --size -5
--size   | gen -i nrq0 --size $HUGE
--size   | gen -i nrq0 --size big
--size   | gen -i nrq0 --size ''
--seq    | gen -i nrq0 --seq=1
--seed   | gen -i nrq0 --seed -5
--seed   | gen -i nrq0 --seed $HUGE
--seed   | gen -i nrq0 --seed random
--seed   | gen -i nrq0 --seed ''
--src-mac | gen -i nrq0 --src-mac -5
--src-mac | gen -i nrq0 --src-mac 02:zz:00:00:00:01
--src-mac | gen -i nrq0 --src-mac ''
--dst-mac | gen -i nrq0 --dst-mac -5
--dst-mac | gen -i nrq0 --dst-mac 02:00:00:00:00:01:02
--dst-mac | gen -i nrq0 --dst-mac ''
--nosuch | gen --nosuch
# --- fwd ---
-i       | fwd -i '' -o nrq1
-i       | fwd -i $LONG -o nrq1
-o       | fwd -i nrq0 -o ''
-o       | fwd -i nrq0 -o $LONG
--rewrite-dst-mac | fwd -i nrq0 -o nrq1 --rewrite-dst-mac -5
--rewrite-dst-mac | fwd -i nrq0 -o nrq1 --rewrite-dst-mac ''
--rewrite-src-mac | fwd -i nrq0 -o nrq1 --rewrite-src-mac 02:zz:00:00:00:01
--rewrite-src-mac | fwd -i nrq0 -o nrq1 --rewrite-src-mac ''
--nosuch | fwd --nosuch
TABLE
)

have_cmd() {
	"$NRT_CLI" "$1" -h >/dev/null 2>&1
}
for c in send gen fwd; do
	if have_cmd $c; then
		cases+=$'\n'$(grep -E "^#|\| $c " <<<"$tx_cases")
	else
		echo "note: this netring has no '$c' command: its cases are not run"
	fi
done

n=0 failed=0 case_failed=0
fail() {
	echo "FAIL: netring $line: $*"
	case_failed=1
}
while IFS= read -r row; do
	case $row in '' | '#'*) continue ;; esac
	expect=${row%%|*} line=${row#*|}
	expect=${expect%"${expect##*[![:space:]]}"} line=${line#"${line%%[![:space:]]*}"}
	eval "expect=\"$expect\""
	eval "args=($line)"
	[ "${args[0]}" = dump ] && args=(dump -i nrq0 -w "$OUT" "${args[@]:1}")
	n=$((n + 1)) case_failed=0
	rm -f -- "$OUT"
	(cd "$T/cwd" && exec "$NRT_CLI" "${args[@]}") >"$T/stdout" 2>"$T/stderr" </dev/null
	rc=$?
	[ $rc -lt 128 ] || fail "killed by signal $((rc - 128))"
	[ $rc = 2 ] || fail "exit status $rc, expected 2"
	grep -qF -- "$expect" "$T/stderr" || fail "stderr does not name '$expect': $(head -c 300 "$T/stderr")"
	[ -s "$T/stderr" ] && ! grep -qv '^netring: ' "$T/stderr" ||
		fail "a stderr line does not start with 'netring: ': $(head -c 300 "$T/stderr")"
	[ ! -s "$T/stdout" ] || fail "stdout not empty: $(head -c 200 "$T/stdout")"
	[ ! -e "$OUT" ] || fail "the -w file was left behind"
	left=("$T"/cwd/* "$T"/cwd/.[!.]*)
	if [ -e "${left[0]}" ] || [ -e "${left[1]}" ]; then
		fail "left ${left[*]} (a core?)"
		rm -rf -- "${T:?}/cwd" && mkdir "$T/cwd"
	fi
	failed=$((failed + case_failed))
done <<<"$cases"
echo "$n cases, $failed failed"
[ $failed = 0 ] && [ $n -gt 100 ]
