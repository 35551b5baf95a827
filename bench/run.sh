#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh - `make bench`: netring against the limit and against the tools
# people use, on one veth pair, in one run.  Builds the programs of bench/
# against the library in BUILD_DIR, installs what it needs when missing,
# creates its own namespaces (nrb-*), pins the generator, the kernel's
# receive work and the receiver, runs every case for a fixed time several
# times, prints a table with PASS/FAIL per target, and writes bench/results/
# (table.txt, runs.csv, summary.csv, bench.png, ...).  Everything it created
# is removed on exit, even on failure.  bench/README.md says how and why.
#
#   bench/run.sh [BUILD_DIR] [--long | --quick]
#
# --long: 10 repetitions of longer runs; --quick: 1 short repetition (a
# smoke test of the machinery, its numbers mean little).  NRB_SECTIONS
# (rate latency idle zeroloss cost instructions loop4 tx) runs only some.  Exit 0
# when every target is met, 3 when the run completed but some target was
# missed, 1 when the run itself failed.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=build
MODE=default
for arg in "$@"; do
	case $arg in
	--long) MODE=long ;;
	--quick) MODE=quick ;;
	-h | --help)
		sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "run.sh: unknown option $arg" >&2
		exit 2
		;;
	*) BUILD=$arg ;;
	esac
done
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
# The benchmarks are a project of their own (bench/CMakeLists.txt), built
# here against the library in BUILD.
BIN=$BUILD/bench-build

# shellcheck source=../tests/lib/netns.sh
. "$ROOT/tests/lib/netns.sh"

case $MODE in
default) REPS=3 SECS=4 SECS_SIZES=2 LAT_SECS=4 IDLE_SECS=3 CG_SECS=3 ;;
long) REPS=10 SECS=10 SECS_SIZES=5 LAT_SECS=10 IDLE_SECS=5 CG_SECS=5 ;;
quick) REPS=1 SECS=1 SECS_SIZES=1 LAT_SECS=1 IDLE_SECS=1 CG_SECS=2 ;;
esac
SIZES_MORE=${NRB_SIZES_MORE-512 1514}
LAT_PPS=1000
ZERO_LOSS_FRAMES=10000000
ZERO_LOSS_EXTRA_FRAMES=5000000 # the runs at half the reference's rate
ZL_FRAMES=32768 # ring slots of the zero-loss target's receiver
BUSY_US=2000 # longer than the 1 ms between frames at 1,000 frames/s

RESULTS=$HERE/results
RAW=$RESULTS/raw
T_START=$SECONDS

say() { printf '%s\n' "$*"; }
note() { printf '  %s\n' "$*" >&2; }

# ---- prerequisites ------------------------------------------------------

nrt_require_root

# Debian packages the run needs, installed when missing.
need_pkgs() {
	local p missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 || {
		apt-get update >/dev/null 2>&1
		# shellcheck disable=SC2086
		apt-get install -y --no-install-recommends $missing >/dev/null
	} || nrt_fail "apt-get install$missing"
}
need_pkgs cmake make gcc pkg-config clang bpftool libbpf-dev gnuplot-nox \
	valgrind tcpdump ethtool iproute2 util-linux
nrt_require_cmd gnuplot valgrind callgrind_annotate tcpdump ethtool taskset nsenter unshare chrt

[ -e "$BUILD/libnetring.so" ] || nrt_fail "no $BUILD/libnetring.so: build netring first (make bench does)"
say "building the benchmarks in $BIN"
{ cmake -S "$HERE" -B "$BIN" -DNETRING_BUILD="$BUILD" >"$BUILD/bench-build.log" 2>&1 &&
	cmake --build "$BIN" -j "$(nproc)" >>"$BUILD/bench-build.log" 2>&1; } ||
	{ tail -n 30 "$BUILD/bench-build.log" >&2; nrt_fail "building the benchmarks (log: $BUILD/bench-build.log)"; }

[ "$(nproc)" -ge 2 ] || nrt_fail "needs 2 CPUs (generator and receiver apart)"

rm -rf "$RAW"
mkdir -p "$RAW" || nrt_fail "mkdir $RAW"
nrt_trap_cleanup

# ---- the link -----------------------------------------------------------

nrt_pair_create nrb
NS_A=$NRT_NS_A NS_B=$NRT_NS_B IF_A=$NRT_IF_A IF_B=$NRT_IF_B

# XDP_REDIRECT into a veth needs its peer in NAPI mode: GRO on does that for
# the receivers that attach no XDP program.  TSO/GSO off on the sender.
nrt_in "$NS_B" ethtool -K "$IF_B" gro on >/dev/null || nrt_fail "gro on $IF_B"
nrt_in "$NS_A" ethtool -K "$IF_A" tso off gso off >/dev/null 2>&1

# Placement.  The generator runs in the kernel on GEN_CPU (BPF_PROG_RUN).
# The veth receive work (NAPI: the XDP program, the copy into an AF_XDP
# UMEM, or the skb, GRO and the copy into a TPACKET ring) runs as softirq
# on the CPU that sent, GEN_CPU, unless threaded NAPI moves it (NAPI_CPU).
# The receiving process runs on RX_CPU.  Measured here (64 B, XDP_DROP):
# with the receive work in a NAPI thread on the other CPU the limit fell
# from ~11 to ~4 Mpps (every frame's page goes back to the generator's page
# pool across CPUs), so by default the receive work stays with the sender
# and the receiver has a CPU of its own.  NRB_PLACEMENT=threaded moves the
# receive work to RX_CPU with threaded NAPI instead.
GEN_CPU=0
RX_CPU=1
RX_CPU_RATE=$RX_CPU
PLACEMENT=${NRB_PLACEMENT:-softirq}
case $PLACEMENT in
softirq) NAPI_THREADED=0 NAPI_CPU=$GEN_CPU ;;
threaded) NAPI_THREADED=1 NAPI_CPU=$RX_CPU ;;
*) nrt_fail "NRB_PLACEMENT: softirq or threaded, not $PLACEMENT" ;;
esac
# /sys/class/net shows the namespace that mounted sysfs: mount our own in a
# private mount namespace to reach the veth's attribute.
nrt_in "$NS_B" unshare -m sh -c \
	"mount -t sysfs sysfs /sys && echo $NAPI_THREADED > /sys/class/net/$IF_B/threaded" ||
	nrt_fail "threaded NAPI on $IF_B"

# The receiving ends: IF_B, and the loop4 section's extra pairs once made.
RX_IFS=$IF_B
napi_pids() {
	local f c p i
	for f in /proc/[0-9]*/comm; do
		read -r c <"$f" 2>/dev/null || continue
		for i in $RX_IFS; do
			case $c in "napi/$i-"*) p=${f#/proc/} && echo "${p%/comm}" ;; esac
		done
	done
}
# The NAPI thread is recreated when an XDP program comes or goes: pinned
# again before every run.
pin_napi() {
	local p
	[ "$NAPI_THREADED" = 1 ] || return 0
	for p in $(napi_pids); do
		taskset -pc "$NAPI_CPU" "$p" >/dev/null 2>&1
	done
}

# A program a crashed receiver left behind would make the next one fail.
xdp_off() {
	local i
	for i in $RX_IFS; do
		nrt_in "$NS_B" ip link set dev "$i" xdp off 2>/dev/null
	done
}

# ---- one run ------------------------------------------------------------

# kv FILE KEY: the value of KEY= on the last "result" line of FILE.
kv() {
	awk -v k="$2" '/^result / { line = $0 } END {
		n = split(line, f, " ")
		for (i = 2; i <= n; i++) { split(f[i], p, "="); if (p[1] == k) { print p[2]; exit } }
	}' "$1" 2>/dev/null
}
ru() { # ru FILE KEY: from nrb-rusage's line
	sed -n "s/.*[ ]$2=\([0-9]*\).*/\1/p" "$1" 2>/dev/null
}

# rx_command NAME [LATENCY_CDF]: the command line of receiver NAME.
rx_command() {
	local name=$1 cdf=${2:-} lat=()
	[ -n "$cdf" ] && lat=(-l -c "$cdf")
	case $name in
	limit) echo "$BIN/nrb-xdpdrop -i $IF_B" ;;
	ref-afxdp) echo "$BIN/nrb-ref-afxdp -i $IF_B ${lat[*]}" ;;
	netring-xdp) echo "$BIN/nrb-netring -i $IF_B -b xdp ${lat[*]}" ;;
	# The zero-loss target's receiver: a ring sized for the job, 22 ms
	# of frames at 1.5 M/s (the default 4096 slots last 2.7 ms, and this
	# VM has descheduled a receiver for longer).
	netring-xdp-zl) echo "$BIN/nrb-netring -i $IF_B -b xdp --frames $ZL_FRAMES ${lat[*]}" ;;
	netring-xdp-busy) echo "$BIN/nrb-netring -i $IF_B -b xdp --idle busy --busy-us $BUSY_US ${lat[*]}" ;;
	netring-xdp-sleep) echo "$BIN/nrb-netring -i $IF_B -b xdp --idle sleep ${lat[*]}" ;;
	ref-tpacket) echo "$BIN/nrb-ref-tpacket -i $IF_B ${lat[*]}" ;;
	tcpdump) echo "tcpdump -i $IF_B -w /dev/null" ;;
	netring-packet) echo "$BIN/nrb-netring -i $IF_B -b packet ${lat[*]}" ;;
	netring-packet-sleep) echo "$BIN/nrb-netring -i $IF_B -b packet --idle sleep ${lat[*]}" ;;
	# The loop4 section: every receiving end, one loop or a thread each.
	loop4-loop) echo "$BIN/nrb-loop --loop -b $LOOP_BACKEND $LOOP_RX_ARGS" ;;
	loop4-alone) echo "$BIN/nrb-loop --alone -b $LOOP_BACKEND $LOOP_RX_ARGS" ;;
	*) nrt_fail "no receiver $name" ;;
	esac
}

# Scheduling: other work on a shared machine should not decide when the
# generator and the receiver run.  Rate runs give both nice -20; latency
# runs SCHED_FIFO 50, except a busy-polling receiver (the kernel throttles
# a FIFO task that never sleeps: 50 ms stalls every second).
SCHED_GEN=(nice -n -20)
SCHED_RX=(nice -n -20)
RX_PID=
# rx_start TAG NAME [CDF]: start receiver NAME in NS_B on RX_CPU, measured
# by nrb-rusage; wait until it is ready to receive.
rx_start() {
	local tag=$1 name=$2 cdf=${3:-} cmd
	cmd=$(rx_command "$name" "$cdf")
	xdp_off
	# shellcheck disable=SC2086
	nsenter --net="/run/netns/$NS_B" "${SCHED_RX[@]}" taskset -c "$RX_CPU" \
		"$BIN/nrb-rusage" "$RAW/$tag.ru" $cmd >"$RAW/$tag.rx" 2>"$RAW/$tag.err" &
	RX_PID=$!
	NRT_PIDS+=("$RX_PID")
	if [ "$name" = tcpdump ]; then
		nrt_wait_until "tcpdump listening" 10 rx_listening "$RAW/$tag.err"
	else
		nrt_wait_until "$name ready" 10 rx_ready "$RAW/$tag.rx"
	fi
	pin_napi
}
rx_ready() {
	grep -q '^ready' "$1" && return 0
	nrt_running "$RX_PID" || { cat "${1%.rx}.err" >&2; nrt_fail "receiver exited early"; }
	return 1
}
rx_listening() {
	grep -q 'listening on' "$1" && return 0
	nrt_running "$RX_PID" || { cat "$1" >&2; nrt_fail "tcpdump exited early"; }
	return 1
}
rx_stop() {
	kill -TERM "$RX_PID" 2>/dev/null
	nrt_wait_exit "$RX_PID" 15 || note "receiver exited with status $?"
}

# gen TAG ARGS...: the generator in NS_A on GEN_CPU, in the foreground.
gen() {
	local tag=$1
	shift
	steal_start "$tag"
	nrt_in "$NS_A" "${SCHED_GEN[@]}" taskset -c "$GEN_CPU" "$BIN/nrb-gen" -i "$IF_A" "$@" \
		>"$RAW/$tag.gen" 2>>"$RAW/$tag.err" || nrt_fail "generator failed: $(cat "$RAW/$tag.err")"
	steal_stop "$tag"
}

# Steal time: the share of this VM's CPU time that the host gave to someone
# else while a run was sending (/proc/stat's steal column over all CPUs, in
# 1/100 s ticks).  It is the machine's noise, said beside each result: a
# run the host starved is slower, and its latency tail longer, whatever
# receiver it measured.
# user nice system idle iowait irq softirq steal ($2..$9; guest time is
# already in user and nice)
cpu_ticks() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t; exit }' /proc/stat; }
steal_start() { cpu_ticks >"$RAW/$1.steal0"; }
steal_stop() {
	local s0 t0 s1 t1
	read -r s0 t0 <"$RAW/$1.steal0"
	read -r s1 t1 < <(cpu_ticks)
	awk -v ds=$((s1 - s0)) -v dt=$((t1 - t0)) 'BEGIN {
		printf "result steal_pct=%.2f\n", (dt > 0 ? ds * 100 / dt : 0) }' >"$RAW/$1.steal"
	rm -f "$RAW/$1.steal0"
}

CSV=$RESULTS/runs.csv
echo "section,receiver,size,rep,seconds,sent,offered_pps,frames,rx_pps,dropped,lost,cpu_us,wall_us,cpu_ns_per_frame,lat_n,lat_p50_ns,lat_p99_ns,lat_p999_ns,steal_pct" >"$CSV"

# record SECTION RECEIVER SIZE REP TAG: one CSV row from a run's files.
record() {
	local sec=$1 name=$2 size=$3 rep=$4 tag=$5
	local f=$RAW/$tag.rx sent=0 el=1 frames dropped lost user sys cpu wall
	if [ -s "$RAW/$tag.gen" ]; then
		sent=$(kv "$RAW/$tag.gen" sent)
		el=$(kv "$RAW/$tag.gen" elapsed_ns)
	fi
	if [ "$name" = tcpdump ]; then
		frames=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$RAW/$tag.err")
		dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$RAW/$tag.err")
		lost=$((sent - frames))
	else
		frames=$(kv "$f" frames)
		dropped=$(kv "$f" dropped)
		lost=$(kv "$f" lost)
		# The limit reads no sequence numbers: what it did not count.
		[ "$name" = limit ] && lost=$((sent - frames))
	fi
	: "${frames:=0}" "${dropped:=0}" "${lost:=0}"
	user=$(ru "$RAW/$tag.ru" user_us)
	sys=$(ru "$RAW/$tag.ru" sys_us)
	cpu=$((${user:-0} + ${sys:-0}))
	wall=$(ru "$RAW/$tag.ru" wall_us)
	if [ "$sec" = idle ]; then
		# From "ready" to the end: waiting, without the set-up.
		cpu=$(kv "$f" ready_cpu_us)
		wall=$(kv "$f" ready_wall_us)
	fi
	: "${cpu:=0}" "${wall:=0}"
	awk -v sec="$sec" -v name="$name" -v size="$size" -v rep="$rep" \
		-v sent="$sent" -v el="$el" -v frames="$frames" -v dropped="$dropped" \
		-v lost="$lost" -v cpu="$cpu" -v wall="$wall" \
		-v n="$(kv "$f" lat_n)" -v p50="$(kv "$f" lat_p50_ns)" \
		-v p99="$(kv "$f" lat_p99_ns)" -v p999="$(kv "$f" lat_p999_ns)" \
		-v steal="$(kv "$RAW/$tag.steal" steal_pct)" 'BEGIN {
		s = el / 1e9
		printf "%s,%s,%s,%s,%.3f,%d,%.0f,%d,%.0f,%d,%d,%d,%d,%.1f,%s,%s,%s,%s,%s\n",
			sec, name, size, rep, s, sent, sent / s, frames, frames / s,
			dropped, lost, cpu, wall, frames ? cpu * 1000 / frames : 0,
			n, p50, p99, p999, steal }' >>"$CSV"
}

lat_note() {
	note "$(tail -n 1 "$CSV" | awk -F, '{ printf "%-22s rep %s: p50 %6.1f us  p99 %6.1f us  p99.9 %7.1f us  (%d frames, steal %.1f %%)", $2, $4, $16 / 1e3, $17 / 1e3, $18 / 1e3, $15, $19 }')"
}

# saturate NAME SIZE SECONDS REP: one run at full speed.
saturate() {
	local name=$1 size=$2 secs=$3 rep=$4 tag="rate-$1-$2-$4"
	rx_start "$tag" "$name"
	gen "$tag" -s "$size" -d "$secs"
	rx_stop
	record rate "$name" "$size" "$rep" "$tag"
	note "$(tail -n 1 "$CSV" | awk -F, '{ printf "%-16s %5s B rep %s: %6.3f Mpps received of %6.3f offered, %5.0f ns CPU/frame, steal %.1f %%", $2, $3, $4, $9 / 1e6, $7 / 1e6, $14, $19 }')"
}

# ---- the generator ------------------------------------------------------

# nrb-gen sends with BPF_PROG_RUN live frames where the kernel allows them;
# some hosts' kernels refuse them (EPERM), and it falls back to a tc
# program's bpf_clone_redirect(), an skb per frame, and says why.  A probe
# of 64 frames (into IF_B, nothing listening yet) tells which, for the table.
gen probe -n 64
GEN_MODE=$(kv "$RAW/probe.gen" mode)
case $GEN_MODE in
live) GEN_DESC="BPF_PROG_RUN live frames" ;;
clone) GEN_DESC="BPF_PROG_RUN of a tc program, bpf_clone_redirect() (this kernel refuses live frames: $(sed -n 's/.*BPF_F_TEST_XDP_LIVE_FRAMES: \([^)]*\)).*/\1/p' "$RAW/probe.err"))" ;;
*) nrt_fail "generator probe: no mode in $(cat "$RAW/probe.gen" "$RAW/probe.err")" ;;
esac

# ---- the cases ----------------------------------------------------------

# Each netring receiver runs next to what it is compared with (netring-xdp
# to the AF_XDP loop; netring-packet between the TPACKET_V3 loop and
# tcpdump), in both orders, so a paired ratio spans seconds, not a whole
# repetition of drift.
RATE_RECEIVERS=${NRB_RATE_RECEIVERS:-"limit ref-afxdp netring-xdp ref-tpacket netring-packet tcpdump"}
# Latency: NAME@CPU, the receiver's CPU.  Poll mode on the generator's CPU
# (the kernel's receive work runs there too: a local wake-up) and on the
# other; busy-poll needs a CPU of its own.
LAT_RECEIVERS="netring-xdp@$GEN_CPU ref-afxdp@$GEN_CPU netring-xdp@$RX_CPU ref-afxdp@$RX_CPU netring-xdp-busy@$RX_CPU netring-xdp-sleep@$RX_CPU netring-packet@$RX_CPU"
LAT_ROWS="wake-floor@$GEN_CPU wake-floor@$RX_CPU $LAT_RECEIVERS"
IDLE_RECEIVERS="netring-xdp netring-xdp-busy netring-xdp-sleep netring-packet netring-packet-sleep ref-afxdp ref-tpacket"

say "netring benchmarks ($MODE: $REPS repetitions; ${SECS} s runs at 64 B, ${SECS_SIZES} s at $SIZES_MORE B)"
say "link: veth $IF_A ($NS_A) -> $IF_B ($NS_B); kernel $(uname -r); $(nproc) CPUs"
say "generator: $GEN_DESC"
say "placement: generator on CPU $GEN_CPU;" \
	"veth receive work: $([ "$NAPI_THREADED" = 1 ] && echo "threaded NAPI pinned to CPU $NAPI_CPU" || echo "softirq on the sender's CPU $GEN_CPU")" \
	"; receiving process on CPU $RX_CPU"

# NRB_SECTIONS: run only some sections (for working on the benchmark).
SECTIONS=" ${NRB_SECTIONS:-rate latency idle zeroloss cost instructions loop4 tx} "
section() { case $SECTIONS in *" $1 "*) return 0 ;; esac; return 1; }

say ""
section rate &&
	say "== rates at saturation (frames/s received)"
# The order of the receivers is reversed every other repetition: the rates
# of this shared machine drift within a repetition, and a fixed order would
# put netring always after its reference.
RATE_RECEIVERS_REV=$(printf '%s\n' $RATE_RECEIVERS | tac | tr '\n' ' ')
rate_order() { if [ $(($1 % 2)) = 1 ]; then echo "$RATE_RECEIVERS"; else echo "$RATE_RECEIVERS_REV"; fi; }
section rate && for rep in $(seq 1 "$REPS"); do
	for name in $(rate_order "$rep"); do
		saturate "$name" 64 "$SECS" "$rep"
	done
done
section rate && for size in $SIZES_MORE; do
	for rep in $(seq 1 "$REPS"); do
		for name in $(rate_order "$rep"); do
			saturate "$name" "$size" "$SECS_SIZES" "$rep"
		done
	done
done

if section latency; then
	say "== latency at $LAT_PPS frames/s (send time in the frame to the handler)"
	# A thread woken through a pipe, on the same CPU and on the other: the
	# machine's own wake-up time, under every poll-mode latency.
	for rep in $(seq 1 "$REPS"); do
		for to in "$GEN_CPU" "$RX_CPU"; do
			name="wake-floor@$to"
			tag="lat-$name-$rep"
			steal_start "$tag"
			chrt -f 50 "$BIN/nrb-wake" -a "$GEN_CPU" -b "$to" -r "$LAT_PPS" \
				-d "$LAT_SECS" -c "$RAW/$tag.cdf" >"$RAW/$tag.rx" 2>"$RAW/$tag.err" ||
				nrt_fail "nrb-wake: $(cat "$RAW/$tag.err")"
			steal_stop "$tag"
			record latency "$name" 64 "$rep" "$tag"
			lat_note
		done
		SCHED_GEN=(chrt -f 50)
		for entry in $LAT_RECEIVERS; do
			name=${entry%@*}
			RX_CPU=${entry#*@}
			tag="lat-$entry-$rep"
			case $name in
			*-busy) SCHED_RX=(nice -n -20) ;;
			*) SCHED_RX=(chrt -f 50) ;;
			esac
			rx_start "$tag" "$name" "$RAW/$tag.cdf"
			# From user space (-S): a BPF_PROG_RUN call's set-up and
			# tear-down would sit between the stamp and a receiver on
			# the generator's CPU.
			gen "$tag" -s 64 -r "$LAT_PPS" -b 1 -t -S -d "$LAT_SECS"
			rx_stop
			record latency "$entry" 64 "$rep" "$tag"
			lat_note
		done
		SCHED_GEN=(nice -n -20)
		SCHED_RX=(nice -n -20)
		RX_CPU=$RX_CPU_RATE
	done
fi

section idle && say "== idle: CPU with no traffic (${IDLE_SECS} s, after set-up)"
section idle && for name in $IDLE_RECEIVERS; do
	tag="idle-$name"
	rx_start "$tag" "$name"
	# Nothing is sent: the receiver idles on its own for the period.
	nrt_in "$NS_A" sleep "$IDLE_SECS"
	rx_stop
	record idle "$name" 0 1 "$tag"
	note "$(tail -n 1 "$CSV" | awk -F, '{ printf "%-20s %5.2f %% of a CPU", $2, $13 ? $12 * 100 / $13 : 0 }')"
done

# median of the values on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# col SECTION RECEIVER SIZE COLUMN: that column of every matching run
col() {
	awk -F, -v s="$1" -v r="$2" -v z="$3" -v c="$4" \
		'$1 == s && $2 == r && $3 == z { print $c }' "$CSV"
}
LIMIT_64=$(col rate limit 64 9 | median)
REF_64=$(col rate ref-afxdp 64 9 | median)
: "${LIMIT_64:=0}" "${REF_64:=0}"
ZL_RATE=$(awk -v l="$LIMIT_64" 'BEGIN { printf "%d", l / 2 }')
ZL_REF_RATE=$(awk -v l="$REF_64" 'BEGIN { printf "%d", l / 2 }')

# zero_loss NAME LABEL RATE FRAMES: FRAMES frames paced at RATE.
zero_loss() {
	local name=$1 label=$2 rate=$3 count=$4 tag="zeroloss-$1-$2"
	rx_start "$tag" "$name"
	gen "$tag" -s 64 -r "$rate" -n "$count"
	rx_stop
	record zeroloss "$name@$label" 64 1 "$tag"
	note "$(tail -n 1 "$CSV" | awk -F, '{ printf "%-22s %d frames offered at %.3f Mpps: %d received, %d lost, %d dropped", $2, $6, $7 / 1e6, $8, $11, $10 }')"
}
if section zeroloss && [ "$ZL_RATE" -eq 0 ]; then
	note "zero-loss runs skipped: they need the rates of the rate runs"
elif section zeroloss; then
	say "== zero loss: $ZERO_LOSS_FRAMES frames at half the limit (default ring, and netring-xdp-zl: $ZL_FRAMES slots); $ZERO_LOSS_EXTRA_FRAMES at half the hand-written AF_XDP loop's rate"
	zero_loss netring-xdp half-limit "$ZL_RATE" "$ZERO_LOSS_FRAMES"
	zero_loss netring-xdp-zl half-limit "$ZL_RATE" "$ZERO_LOSS_FRAMES"
	zero_loss netring-xdp half-ref "$ZL_REF_RATE" "$ZERO_LOSS_EXTRA_FRAMES"
	zero_loss ref-afxdp half-ref "$ZL_REF_RATE" "$ZERO_LOSS_EXTRA_FRAMES"
fi

section instructions &&
	say "== instructions per frame, receive + release (callgrind, handler excluded)"
# cg_run NAME TOGGLES CMD...: the receiver under callgrind, counting only
# inside the toggled functions, fed more than it can take (full bursts).
CG_CSV=$RESULTS/instructions.csv
echo "receiver,frames,instructions,instructions_per_frame,batches,frames_per_batch" >"$CG_CSV"
cg_run() {
	local name=$1 toggles=$2 tag="cg-$1" t args=() ir frames batches
	shift 2
	for t in $toggles; do args+=(--toggle-collect="$t"); done
	xdp_off
	nsenter --net="/run/netns/$NS_B" taskset -c "$RX_CPU" \
		valgrind --tool=callgrind --callgrind-out-file="$RAW/$tag.out" \
		"${args[@]}" "$@" >"$RAW/$tag.rx" 2>"$RAW/$tag.err" &
	RX_PID=$!
	NRT_PIDS+=("$RX_PID")
	nrt_wait_until "$name ready under valgrind" 60 rx_ready "$RAW/$tag.rx"
	pin_napi
	# Far more than the receiver takes under valgrind (~50x slower), so
	# every burst is full.
	gen "$tag" -s 64 -r 1000000 -d "$CG_SECS"
	rx_stop
	ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$RAW/$tag.out")
	frames=$(kv "$RAW/$tag.rx" frames)
	batches=$(kv "$RAW/$tag.rx" bursts)
	[ -n "$batches" ] || batches=$(kv "$RAW/$tag.rx" batches)
	[ -n "$batches" ] || batches=$(kv "$RAW/$tag.rx" blocks)
	awk -v n="$name" -v f="${frames:-0}" -v ir="${ir:-0}" -v b="${batches:-0}" 'BEGIN {
		printf "%s,%d,%d,%.1f,%d,%.1f\n", n, f, ir, f ? ir / f : 0, b, b ? f / b : 0 }' >>"$CG_CSV"
	note "$(tail -n 1 "$CG_CSV" | awk -F, '{ printf "%-16s %6.1f instructions/frame over %d frames, %.1f frames per batch", $1, $4, $2, $6 }')"
}
# xdp_cost NAME: the kernel's run time per frame of the XDP program of
# receiver NAME (BPF run-time statistics), at a rate every receiver takes.
COST_CSV=$RESULTS/xdp_program_cost.csv
echo "receiver,program,frames,ns_per_frame" >"$COST_CSV"
xdp_cost() {
	local name=$1 tag="cost-$1" pid
	rx_start "$tag" "$name"
	nsenter --net="/run/netns/$NS_B" "$BIN/nrb-xdpcost" -i "$IF_B" \
		>"$RAW/$tag.cost" 2>>"$RAW/$tag.err" &
	pid=$!
	NRT_PIDS+=("$pid")
	nrt_wait_until "nrb-xdpcost ready" 10 grep -q '^ready' "$RAW/$tag.cost"
	gen "$tag" -s 64 -r 200000 -d "$CG_SECS"
	kill -TERM "$pid"
	nrt_wait_exit "$pid" 10 || nrt_fail "nrb-xdpcost: $(cat "$RAW/$tag.err")"
	rx_stop
	echo "$name,$(kv "$RAW/$tag.cost" prog),$(kv "$RAW/$tag.cost" runs),$(kv "$RAW/$tag.cost" ns_per_frame)" >>"$COST_CSV"
	note "$(tail -n 1 "$COST_CSV" | awk -F, '{ printf "%-16s XDP program %-16s %6.1f ns per frame (kernel, %d frames)", $1, $2, $4, $3 }')"
}

if section cost; then
	xdp_cost limit
	xdp_cost ref-afxdp
	xdp_cost netring-xdp
fi
if section instructions; then
	cg_run netring-xdp "netring_rx_burst netring_rx_release" \
		"$BIN/nrb-netring" -i "$IF_B" -b xdp
	cg_run netring-packet "netring_rx_burst netring_rx_release" \
		"$BIN/nrb-netring" -i "$IF_B" -b packet
	cg_run ref-afxdp "xsk_batch nrb_handler" "$BIN/nrb-ref-afxdp-count" -i "$IF_B"
	cg_run ref-tpacket "tp_block nrb_handler" "$BIN/nrb-ref-tpacket-count" -i "$IF_B"
fi

# ---- event loop: one loop over 4 rings against 4 rings alone (issue 7) ----

# Three more veth pairs in the same namespaces (nrbKaPID -> nrbKbPID, the
# same 02: MACs as the first, no addresses): deleting the namespaces on
# exit removes them with the first.  A generator per pair, all on GEN_CPU
# (with the veth receive work, as in the rate runs); the receiver, one
# process, on RX_CPU: either one netring_loop on one thread, or a thread
# per ring (dispatch/wait), all on that CPU.
LOOP_BACKEND=${NRB_LOOP_BACKEND:-packet}
LOOP_SECS=$SECS
LOOP_GEN_IFS=$IF_A
LOOP_RX_ARGS="-i $IF_B"
loop4_pairs() {
	local k a b
	for k in 1 2 3; do
		a="nrb${k}a$$" b="nrb${k}b$$"
		ip link add "$a" netns "$NS_A" address "$NRT_MAC_A" \
			type veth peer name "$b" netns "$NS_B" address "$NRT_MAC_B" ||
			nrt_fail "create veth $a/$b"
		nrt_in "$NS_A" ip link set dev "$a" up || nrt_fail "up $a"
		nrt_in "$NS_B" ip link set dev "$b" up || nrt_fail "up $b"
		nrt_wait_until "$a up" 5 nrt_link_up_in "$NS_A" "$a"
		nrt_wait_until "$b up" 5 nrt_link_up_in "$NS_B" "$b"
		nrt_in "$NS_B" ethtool -K "$b" gro on >/dev/null || nrt_fail "gro on $b"
		nrt_in "$NS_A" ethtool -K "$a" tso off gso off >/dev/null 2>&1
		nrt_in "$NS_B" unshare -m sh -c \
			"mount -t sysfs sysfs /sys && echo $NAPI_THREADED > /sys/class/net/$b/threaded" ||
			nrt_fail "threaded NAPI on $b"
		LOOP_GEN_IFS="$LOOP_GEN_IFS $a"
		LOOP_RX_ARGS="$LOOP_RX_ARGS -i $b"
		RX_IFS="$RX_IFS $b"
	done
}

# loop4_run MODE REP: the receiver in MODE (loop or alone) while the four
# generators run flat out for LOOP_SECS; one CSV row, the rates summed.
loop4_run() {
	local mode=$1 rep=$2 tag="loop4-$1-$2" name="loop4-$1" i pids=() pid bad=0
	rx_start "$tag" "$name"
	for i in $LOOP_GEN_IFS; do
		# nsenter execs the rest: $! is the generator itself.
		nsenter --net="/run/netns/$NS_A" "${SCHED_GEN[@]}" taskset -c "$GEN_CPU" "$BIN/nrb-gen" -i "$i" \
			-s 64 -d "$LOOP_SECS" >"$RAW/$tag.gen.$i" 2>>"$RAW/$tag.err" &
		pids+=("$!")
		NRT_PIDS+=("$!")
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || bad=1
	done
	[ "$bad" = 0 ] || nrt_fail "generator failed: $(cat "$RAW/$tag.err")"
	rx_stop
	# One .gen for record(): frames sent by all, over the longest sending
	# time (they ran side by side).
	for i in $LOOP_GEN_IFS; do
		echo "$(kv "$RAW/$tag.gen.$i" sent) $(kv "$RAW/$tag.gen.$i" elapsed_ns)"
	done | awk '{ s += $1; if ($2 > e) e = $2 } END { printf "result sent=%d elapsed_ns=%d\n", s, e }' >"$RAW/$tag.gen"
	record loop4 "netring-$LOOP_BACKEND-$mode" 64 "$rep" "$tag"
	note "$(tail -n 1 "$CSV" | awk -F, '{ printf "%-22s %5s B rep %s: %6.3f Mpps received of %6.3f offered (4 rings), %5.0f ns CPU/frame", $2, $3, $4, $9 / 1e6, $7 / 1e6, $14 }')"
}

if section loop4; then
	loop4_pairs
	say "== event loop: 4 rings ($LOOP_BACKEND) at saturation, one loop thread vs a thread per ring, all on CPU $RX_CPU (${LOOP_SECS} s runs)"
	for rep in $(seq 1 "$REPS"); do
		# Alternate the order, so drift favours neither.
		if [ $((rep % 2)) = 1 ]; then
			loop4_run loop "$rep"
			loop4_run alone "$rep"
		else
			loop4_run alone "$rep"
			loop4_run loop "$rep"
		fi
	done
fi

# ---- transmit and forward (issue 8) ----------------------------------------
#
# gen: netring gen (-b packet, with and without --qdisc-bypass, and -b xdp)
# against trafgen (netsniff-ng: TX_RING, qdisc bypassed) and tcpreplay
# --topspeed (preloaded pcap), all sending the same 60-byte UDP/IPv4 frame
# (64 on the wire) out of IF_A on GEN_CPU for TX_SECS; the rate is what
# IF_B received (its rx_packets) per second of the sender's run.
# fwd: nrb-gen floods IF_A -> IF_B; netring fwd -b xdp (shared UMEM) and
# the hand-written nrb-ref-xdpfwd forward IF_B -> IF_C on RX_CPU; the rate
# is what IF_C's peer IF_D received per second of the generator's run.

TX_SECS=$SECS
TX_ROWS="netring-gen-packet netring-gen-packet-bypass netring-gen-xdp trafgen tcpreplay"
FWD_ROWS="netring-fwd-xdp ref-xdpfwd"
# rx_packets NS IFACE: from /proc/net/dev as the namespace sees it.
rx_packets() {
	nrt_in "$1" cat /proc/net/dev | awk -v i="$2:" '$1 == i { print $3 }'
}
# tx_record SECTION NAME REP FRAMES NS: one runs.csv row (rate = frames / s).
tx_record() {
	awk -v sec="$1" -v name="$2" -v rep="$3" -v frames="$4" -v ns="$5" 'BEGIN {
		s = ns / 1e9
		printf "%s,%s,64,%s,%.3f,%d,%.0f,%d,%.0f,0,0,0,0,0,,,,,\n",
			sec, name, rep, s, frames, frames / s, frames, frames / s }' >>"$CSV"
	note "$(tail -n 1 "$CSV" | awk -F, '{ printf "%-26s rep %s: %6.3f Mpps", $2, $4, $9 / 1e6 }')"
}
# tx_send NAME REP: one sender run, measured at IF_B.
tx_send() {
	local name=$1 rep=$2 before after t0 t1 cmd
	case $name in
	netring-gen-packet) cmd=("$ROOT_CLI" gen -i "$IF_A" -b packet --size 60 --dst-mac 02:6e:72:74:00:02 -q -t "$TX_SECS") ;;
	netring-gen-packet-bypass) cmd=("$ROOT_CLI" gen -i "$IF_A" -b packet --qdisc-bypass --size 60 --dst-mac 02:6e:72:74:00:02 -q -t "$TX_SECS") ;;
	netring-gen-xdp) cmd=("$ROOT_CLI" gen -i "$IF_A" -b xdp --size 60 --dst-mac 02:6e:72:74:00:02 -q -t "$TX_SECS") ;;
	trafgen) cmd=(timeout -s INT "$TX_SECS" trafgen -o "$IF_A" -i "$RAW/tx.trafgen" -P 1 --no-sock-mem --notouch-irq --no-cpu-stats) ;;
	tcpreplay) cmd=(timeout -s INT "$TX_SECS" tcpreplay -i "$IF_A" --topspeed -K --loop=0 -q "$RAW/tx.pcap") ;;
	esac
	before=$(rx_packets "$NS_B" "$IF_B")
	t0=$(date +%s%N)
	nrt_in "$NS_A" "${SCHED_GEN[@]}" taskset -c "$GEN_CPU" "${cmd[@]}" \
		>"$RAW/tx-$name-$rep.out" 2>"$RAW/tx-$name-$rep.err"
	t1=$(date +%s%N)
	after=$(rx_packets "$NS_B" "$IF_B")
	tx_record tx "$name" "$rep" $((after - before)) $((t1 - t0))
}
# The frame netring gen sends by default, for trafgen and tcpreplay:
# 02:6e:72:74:00:02 <- :01, IPv4 198.51.100.1 -> 192.0.2.1, UDP 9 -> 9.
TX_FRAME="02 6e 72 74 00 02 02 6e 72 74 00 01 08 00 45 00 00 2e 00 00 40 00 40 11 4e 89 c6 33 64 01 c0 00 02 01 00 09 00 09 00 1a 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
tx_files() {
	local b hex="" rec i
	for b in $TX_FRAME; do hex="$hex\\x$b"; done
	echo "{ $(for b in $TX_FRAME; do printf '0x%s, ' "$b"; done | sed 's/, $//') }" >"$RAW/tx.trafgen"
	# pcap: little-endian, microseconds, snaplen 65535, Ethernet; 1000 records.
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$RAW/tx.pcap"
	rec="\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x3c\\x00\\x00\\x00\\x3c\\x00\\x00\\x00$hex"
	for i in $(seq 1 1000); do printf "$rec"; done >>"$RAW/tx.pcap"
}
# fwd_run NAME REP: one forwarder run between IF_B and IF_C, measured at IF_D.
fwd_run() {
	local name=$1 rep=$2 tag="fwd-$1-$2" before after pid
	xdp_off
	case $name in
	netring-fwd-xdp)
		nsenter --net="/run/netns/$NS_B" "${SCHED_RX[@]}" taskset -c "$RX_CPU" \
			"$ROOT_CLI" fwd -b xdp -i "$IF_B" -o "$IF_C" -q --stats json \
			>"$RAW/$tag.out" 2>"$RAW/$tag.err" &
		pid=$!
		NRT_PIDS+=("$pid")
		nrt_wait_until "fwd plugged" 10 grep -q "plugged for fwd: backend xdp" "$RAW/$tag.err" ;;
	ref-xdpfwd)
		nsenter --net="/run/netns/$NS_B" "${SCHED_RX[@]}" taskset -c "$RX_CPU" \
			"$BIN/nrb-ref-xdpfwd" -i "$IF_B" -o "$IF_C" >"$RAW/$tag.out" 2>"$RAW/$tag.err" &
		pid=$!
		NRT_PIDS+=("$pid")
		nrt_wait_until "ref-xdpfwd ready" 10 grep -q '^ready' "$RAW/$tag.out" ;;
	esac
	sleep 0.3 # both sockets bound
	before=$(rx_packets "$NS_C" "$IF_D")
	gen "$tag" -s 64 -d "$TX_SECS"
	after=$(rx_packets "$NS_C" "$IF_D")
	kill -TERM "$pid" 2>/dev/null
	nrt_wait_exit "$pid" 15 || note "$name exited with status $?"
	tx_record fwd "$name" "$rep" $((after - before)) "$(kv "$RAW/$tag.gen" elapsed_ns)"
}

if section tx; then
	need_pkgs netsniff-ng tcpreplay
	nrt_require_cmd trafgen tcpreplay
	ROOT_CLI=$BUILD/tools/netring
	[ -x "$ROOT_CLI" ] || nrt_fail "no $ROOT_CLI: build netring first"
	tx_files
	say "== transmit: 64-byte frames out of $IF_A on CPU $GEN_CPU for ${TX_SECS} s, frames/s received by $IF_B"
	for rep in $(seq 1 "$REPS"); do
		for name in $TX_ROWS; do tx_send "$name" "$rep"; done
	done
	# The forwarding pair: IF_C in NS_B, IF_D in NS_C.
	NS_C=nrb-c-$$ IF_C=nrbc$$ IF_D=nrbd$$
	nrt_ns_create "$NS_C"
	ip link add "$IF_C" netns "$NS_B" address 02:6e:72:74:00:03 type veth \
		peer name "$IF_D" netns "$NS_C" address 02:6e:72:74:00:04 || nrt_fail "veth $IF_C"
	nrt_in "$NS_B" ip link set dev "$IF_C" up || nrt_fail "up $IF_C"
	nrt_in "$NS_C" ip link set dev "$IF_D" up || nrt_fail "up $IF_D"
	nrt_wait_until "$IF_D up" 5 nrt_link_up_in "$NS_C" "$IF_D"
	say "== forward: $IF_B -> $IF_C (AF_XDP, shared UMEM) on CPU $RX_CPU, generator flooding $IF_A, frames/s received by $IF_D"
	for rep in $(seq 1 "$REPS"); do
		for name in $FWD_ROWS; do fwd_run "$name" "$rep"; done
	done
fi

# ---- summary ------------------------------------------------------------

SUMMARY=$RESULTS/summary.csv
TABLE=$RESULTS/table.txt
echo "section,receiver,size,reps,rx_pps_median,rx_pps_min,rx_pps_max,offered_pps_median,dropped_per_s_median,cpu_ns_per_frame_median,lat_p50_ns,lat_p99_ns,lat_p999_ns" >"$SUMMARY"
for size in 64 $SIZES_MORE; do
	for name in $RATE_RECEIVERS; do
		awk -F, -v r="$name" -v z="$size" '$1 == "rate" && $2 == r && $3 == z' "$CSV" >"$RAW/sel"
		[ -s "$RAW/sel" ] || continue
		echo "rate,$name,$size,$(wc -l <"$RAW/sel"),$(cut -d, -f9 "$RAW/sel" | median),$(cut -d, -f9 "$RAW/sel" | sort -g | head -n 1),$(cut -d, -f9 "$RAW/sel" | sort -g | tail -n 1),$(cut -d, -f7 "$RAW/sel" | median),$(awk -F, '{ print $10 / $5 }' "$RAW/sel" | median),$(cut -d, -f14 "$RAW/sel" | median),,," >>"$SUMMARY"
	done
done
LOOP_ROWS="netring-$LOOP_BACKEND-loop netring-$LOOP_BACKEND-alone"
for name in $LOOP_ROWS; do
	awk -F, -v r="$name" '$1 == "loop4" && $2 == r' "$CSV" >"$RAW/sel"
	[ -s "$RAW/sel" ] || continue
	echo "loop4,$name,64,$(wc -l <"$RAW/sel"),$(cut -d, -f9 "$RAW/sel" | median),$(cut -d, -f9 "$RAW/sel" | sort -g | head -n 1),$(cut -d, -f9 "$RAW/sel" | sort -g | tail -n 1),$(cut -d, -f7 "$RAW/sel" | median),$(awk -F, '{ print $10 / $5 }' "$RAW/sel" | median),$(cut -d, -f14 "$RAW/sel" | median),,," >>"$SUMMARY"
done
for name in $LAT_ROWS; do
	awk -F, -v r="$name" '$1 == "latency" && $2 == r' "$CSV" >"$RAW/sel"
	[ -s "$RAW/sel" ] || continue
	echo "latency,$name,64,$(wc -l <"$RAW/sel"),$(cut -d, -f9 "$RAW/sel" | median),,,$(cut -d, -f7 "$RAW/sel" | median),,$(cut -d, -f14 "$RAW/sel" | median),$(cut -d, -f16 "$RAW/sel" | median),$(cut -d, -f17 "$RAW/sel" | median),$(cut -d, -f18 "$RAW/sel" | median)" >>"$SUMMARY"
done

# sval SECTION RECEIVER SIZE COLUMN: one value of the summary
sval() {
	awk -F, -v s="$1" -v r="$2" -v z="$3" -v c="$4" \
		'$1 == s && $2 == r && $3 == z { print $c; exit }' "$SUMMARY"
}
# paired RECEIVER REFERENCE SIZE COLUMN [SECTION]: median over repetitions
# of the ratio between runs of the same repetition (they ran next to each
# other); SECTION: rate by default.
paired() {
	awk -F, -v a="$1" -v b="$2" -v z="$3" -v c="$4" -v s="${5:-rate}" '
		$1 == s && $3 == z && $2 == a { x[$4] = $c }
		$1 == s && $3 == z && $2 == b { y[$4] = $c }
		END { for (r in x) if ((r in y) && y[r] > 0) print x[r] / y[r] }' "$CSV" | median
}
spread() {
	awk -F, -v a="$1" -v b="$2" -v z="$3" -v c="$4" -v s="${5:-rate}" '
		$1 == s && $3 == z && $2 == a { x[$4] = $c }
		$1 == s && $3 == z && $2 == b { y[$4] = $c }
		END { for (r in x) if ((r in y) && y[r] > 0) print x[r] / y[r] }' "$CSV" |
		sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f..%.3f", lo, hi }'
}

# The limit takes all the generator sends (an XDP_DROP costs the kernel
# least).  A receiver within GEN_BOUND of the limit's rate may be bound by
# the generator rather than by its own receive path, and a ratio of two
# such rates compares the generator with itself.  Below it, the receive
# path is the bound, even where the receiver takes nearly all that is
# offered: the generator shares CPU 0 with the kernel's receive work, so a
# costlier receive path slows the generator too (offered = received).
GEN_BOUND=0.97
# gen_bound RECEIVER SIZE: true when its median rate is generator-bound.
gen_bound() {
	awk -F, -v r="$1" -v z="$2" -v g="$GEN_BOUND" '
		$1 == "rate" && $2 == "limit" && $3 == z { lim = $5 }
		$1 == "rate" && $2 == r && $3 == z { v = $5 }
		END { exit !(lim > 0 && v >= g * lim) }' "$SUMMARY"
}

PASSES=0
FAILS=0
SKIPS=0
# target VALUE OP LIMIT TEXT: PASS when VALUE OP LIMIT (OP: ge or le),
# SKIP when there is no value (its section did not run).
target() {
	local v=$1 op=$2 lim=$3 text=$4 ok
	if [ -z "$v" ]; then
		SKIPS=$((SKIPS + 1))
		printf 'SKIP  %s: not measured\n' "$text"
		return
	fi
	ok=$(awk -v a="$v" -v b="$lim" -v op="$op" 'BEGIN { print (op == "ge" ? a >= b : a <= b) ? 1 : 0 }')
	if [ "$ok" = 1 ]; then
		PASSES=$((PASSES + 1))
		printf 'PASS  %s\n' "$text"
	else
		FAILS=$((FAILS + 1))
		printf 'FAIL  %s\n' "$text"
	fi
}
# target_sat A B VALUE OP LIMIT TEXT: target() for a ratio of A to B at
# saturation, not measured when both rates are generator-bound.
target_sat() {
	local a=$1 b=$2
	shift 2
	if gen_bound "$a" 64 && gen_bound "$b" 64; then
		SKIPS=$((SKIPS + 1))
		printf 'SKIP  %s: not at saturation, both took >= %s x the limit, the most the generator (%s) sends\n' \
			"$4" "$GEN_BOUND" "$GEN_MODE"
		return
	fi
	target "$@"
}
f3() { [ -n "$1" ] && printf '%.3f' "$1" || printf -- '-'; }
us() { [ -n "$1" ] && awk -v v="$1" 'BEGIN { printf "%.1f us", v / 1e3 }' || printf -- '-'; }

{
	say "netring benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), $(nproc) CPUs, mode $MODE"
	say "generator: $GEN_DESC"
	say "placement: generator CPU $GEN_CPU; veth receive work $([ "$NAPI_THREADED" = 1 ] && echo "NAPI thread on CPU $NAPI_CPU" || echo "softirq on CPU $GEN_CPU (the sender's)"); receiver CPU $RX_CPU"
	say "host steal time while sending (share of the VM's CPU time the host took): $(awk -F, 'NR > 1 && $19 != "" { n++; t += $19; if ($19 > m) m = $19 } END { if (n) printf "mean %.2f %%, worst run %.2f %%", t / n, m; else printf "not measured" }' "$CSV")"
	say "reproduce: make bench   (bench/run.sh build [--long])"
	say ""
	say "Rates at saturation: median of $REPS runs (min..max), frames/s received"
	say "(generator-bound: the receiver took >= $GEN_BOUND x the limit's rate, the most the generator sends: it may take more)"
	printf '%-15s %5s %9s %20s %9s %10s %9s\n' receiver bytes Mpps "min..max" offered "drops/s" "ns CPU/f"
	for size in 64 $SIZES_MORE; do
		for name in $RATE_RECEIVERS; do
			[ -n "$(sval rate "$name" "$size" 5)" ] || continue
			mark=""
			[ "$name" != limit ] && gen_bound "$name" "$size" && mark="  generator-bound"
			awk -F, -v r="$name" -v z="$size" -v m="$mark" '$1 == "rate" && $2 == r && $3 == z {
				printf "%-15s %5s %9.3f %9.3f..%-9.3f %9.3f %10.0f %9.0f%s\n",
					$2, $3, $5 / 1e6, $6 / 1e6, $7 / 1e6, $8 / 1e6, $9, $10, m }' "$SUMMARY"
		done
	done
	say ""
	say "Ratios (median of per-repetition ratios, min..max)"
	for size in 64 $SIZES_MORE; do
		[ -n "$(sval rate netring-xdp "$size" 5)" ] || continue
		printf '  %4s B  netring-xdp / ref-afxdp      %s (%s)  netring-xdp / limit %s\n' "$size" \
			"$(f3 "$(paired netring-xdp ref-afxdp "$size" 9)")" "$(spread netring-xdp ref-afxdp "$size" 9)" \
			"$(f3 "$(paired netring-xdp limit "$size" 9)")"
		printf '  %4s B  netring-packet / ref-tpacket %s (%s)  netring-packet / limit %s\n' "$size" \
			"$(f3 "$(paired netring-packet ref-tpacket "$size" 9)")" "$(spread netring-packet ref-tpacket "$size" 9)" \
			"$(f3 "$(paired netring-packet limit "$size" 9)")"
		printf '  %4s B  netring-packet / tcpdump     %s (%s)  CPU per frame %s\n' "$size" \
			"$(f3 "$(paired netring-packet tcpdump "$size" 9)")" "$(spread netring-packet tcpdump "$size" 9)" \
			"$(f3 "$(paired netring-packet tcpdump "$size" 14)")"
	done
	say ""
	say "Latency at $LAT_PPS frames/s, 64 B, median of $REPS runs of ${LAT_SECS} s"
	printf '%-20s %10s %10s %10s\n' receiver "p50 us" "p99 us" "p99.9 us"
	for name in $LAT_ROWS; do
		awk -F, -v r="$name" '$1 == "latency" && $2 == r {
			printf "%-20s %10.1f %10.1f %10.1f\n", $2, $11 / 1e3, $12 / 1e3, $13 / 1e3 }' "$SUMMARY"
	done
	say ""
	say "Idle CPU, no traffic, ${IDLE_SECS} s after set-up"
	awk -F, '$1 == "idle" { printf "%-20s %6.2f %% of a CPU\n", $2, $13 ? $12 * 100 / $13 : 0 }' "$CSV"
	say ""
	say "Receive + release, user-space instructions per frame (callgrind, handler excluded)"
	awk -F, 'NR > 1 { printf "%-16s %7.1f   (%d frames, %.1f per batch)\n", $1, $4, $2, $6 }' "$CG_CSV"
	say ""
	say "XDP program run time per frame, kernel side (BPF run-time statistics, 200,000 frames/s)"
	awk -F, 'NR > 1 { printf "%-16s %-16s %7.1f ns\n", $1, $2, $4 }' "$COST_CSV"
	say ""
	say "Zero loss: frames paced at half the limit (half-limit) and at half the hand-written AF_XDP loop's rate (half-ref);"
	say "netring-xdp: the default ring (4096 slots); netring-xdp-zl: a ring of $ZL_FRAMES slots"
	awk -F, '$1 == "zeroloss" { printf "%-22s %8d offered at %6.3f Mpps: %8d received, %8d lost, %8d dropped\n", $2, $6, $7 / 1e6, $8, $11, $10 }' "$CSV"
	say ""
	say "Event loop: 4 rings (-b $LOOP_BACKEND), 4 veth pairs with a generator each on CPU $GEN_CPU, receiver on CPU $RX_CPU;"
	say "one loop thread vs a thread per ring on the same CPU, median of $REPS runs of ${LOOP_SECS} s, frames/s summed over the rings"
	printf '%-22s %9s %20s %9s %10s %9s\n' receiver Mpps "min..max" offered "drops/s" "ns CPU/f"
	for name in $LOOP_ROWS; do
		awk -F, -v r="$name" '$1 == "loop4" && $2 == r {
			printf "%-22s %9.3f %9.3f..%-9.3f %9.3f %10.0f %9.0f\n",
				$2, $5 / 1e6, $6 / 1e6, $7 / 1e6, $8 / 1e6, $9, $10 }' "$SUMMARY"
	done
	LOOP_RATIO=$(paired "netring-$LOOP_BACKEND-loop" "netring-$LOOP_BACKEND-alone" 64 9 loop4)
	[ -n "$LOOP_RATIO" ] && printf '  loop / alone %s (%s)  CPU per frame %s\n' "$(f3 "$LOOP_RATIO")" \
		"$(spread "netring-$LOOP_BACKEND-loop" "netring-$LOOP_BACKEND-alone" 64 9 loop4)" \
		"$(f3 "$(paired "netring-$LOOP_BACKEND-loop" "netring-$LOOP_BACKEND-alone" 64 14 loop4)")"
	say ""
	say "Transmit: 64-byte frames, one sender on CPU $GEN_CPU, median of $REPS runs of ${TX_SECS} s, frames/s received"
	for name in $TX_ROWS $FWD_ROWS; do
		awk -F, -v r="$name" '($1 == "tx" || $1 == "fwd") && $2 == r { print $9 }' "$CSV" | median |
			awk -v r="$name" 'NF { printf "%-26s %9.3f Mpps\n", r, $1 / 1e6 }'
	done
	TX_BEST=$(for n in netring-gen-packet netring-gen-packet-bypass netring-gen-xdp; do paired "$n" trafgen 64 9 tx; done | sort -g | tail -n 1)
	[ -n "$TX_BEST" ] && printf '  netring gen / trafgen: packet %s, packet --qdisc-bypass %s, xdp %s; netring gen -b packet / tcpreplay %s\n' \
		"$(f3 "$(paired netring-gen-packet trafgen 64 9 tx)")" "$(f3 "$(paired netring-gen-packet-bypass trafgen 64 9 tx)")" \
		"$(f3 "$(paired netring-gen-xdp trafgen 64 9 tx)")" "$(f3 "$(paired netring-gen-packet tcpreplay 64 9 tx)")"
	FWD_RATIO=$(paired netring-fwd-xdp ref-xdpfwd 64 9 fwd)
	[ -n "$FWD_RATIO" ] && printf '  netring fwd -b xdp / hand-written AF_XDP forwarder %s (%s)\n' "$(f3 "$FWD_RATIO")" "$(spread netring-fwd-xdp ref-xdpfwd 64 9 fwd)"
	say ""
	say "Targets"
	target_sat netring-xdp ref-afxdp "$(paired netring-xdp ref-afxdp 64 9)" ge 0.97 \
		"netring -b xdp >= 0.97 x hand-written AF_XDP loop, 64 B: $(f3 "$(paired netring-xdp ref-afxdp 64 9)")"
	target_sat netring-packet ref-tpacket "$(paired netring-packet ref-tpacket 64 9)" ge 1.0 \
		"netring -b packet >= 1.0 x hand-written TPACKET_V3 loop, 64 B: $(f3 "$(paired netring-packet ref-tpacket 64 9)")"
	target_sat netring-packet tcpdump "$(paired netring-packet tcpdump 64 9)" ge 1.0 \
		"netring -b packet >= 1.0 x tcpdump, 64 B: $(f3 "$(paired netring-packet tcpdump 64 9)")"
	target "$(paired netring-packet tcpdump 64 14)" le 0.7 \
		"netring -b packet CPU per frame <= 0.7 x tcpdump's, 64 B: $(f3 "$(paired netring-packet tcpdump 64 14)")"
	for name in netring-xdp netring-packet; do
		r=$(awk -F, -v n="$name" '$1 == n { print $4 }' "$CG_CSV" 2>/dev/null)
		target "$r" le 40 "receive+release <= 40 user-space instructions per frame, bursts of 64, $name: ${r:--}"
	done
	r=$(sval latency "netring-xdp@$GEN_CPU" 64 12)
	target "$r" le 50000 \
		"p99 latency at $LAT_PPS frames/s <= 50 us, netring -b xdp poll (receiver on CPU $GEN_CPU): $(us "$r") (the machine's wake-up floor: $(us "$(sval latency "wake-floor@$GEN_CPU" 64 12)"))"
	r=$(awk -F, -v n="$ZERO_LOSS_FRAMES" '$1 == "zeroloss" && $2 == "netring-xdp-zl@half-limit" {
		print ($11 == 0 && $10 == 0 && $8 == $6 && $6 == n) ? 0 : 1 }' "$CSV")
	target "$r" le 0 \
		"zero loss at half the limit, $ZERO_LOSS_FRAMES frames, -b xdp, $ZL_FRAMES slots: asked $(awk -v l="$ZL_RATE" 'BEGIN { printf "%.2f", l / 1e6 }') Mpps, offered $(awk -F, '$2 == "netring-xdp-zl@half-limit" { printf "%.2f Mpps, lost %d, dropped %d", $7 / 1e6, $11, $10 }' "$CSV") (default ring: $(awk -F, '$2 == "netring-xdp@half-limit" { printf "lost %d", $11 }' "$CSV"))"
	target "$LOOP_RATIO" ge 0.9 \
		"one loop over 4 rings >= 0.9 x 4 rings polled alone: $(f3 "$LOOP_RATIO")"
	target "$TX_BEST" ge 1.0 \
		"netring gen >= 1.0 x trafgen, 64 B (best netring backend): $(f3 "$TX_BEST")"
	target "$FWD_RATIO" ge 0.9 \
		"netring fwd -b xdp >= 0.9 x hand-written AF_XDP forwarder, 64 B: $(f3 "$FWD_RATIO")"
	say ""
	say "targets: $PASSES passed, $FAILS failed, $SKIPS not measured ($((SECONDS - T_START)) s)"
} >"$TABLE"
cat "$TABLE"

# ---- plot ---------------------------------------------------------------

# rates.dat: receiver, then median/min/max Mpps per frame size.
{
	echo "# receiver 64 64lo 64hi 512 512lo 512hi 1514 1514lo 1514hi"
	for name in $RATE_RECEIVERS; do
		line=$name
		for size in 64 $SIZES_MORE; do
			line="$line $(awk -F, -v r="$name" -v z="$size" '$1 == "rate" && $2 == r && $3 == z {
				printf "%.4f %.4f %.4f", $5 / 1e6, $6 / 1e6, $7 / 1e6; f = 1 }
				END { if (!f) printf "0 0 0" }' "$SUMMARY")"
		done
		echo "$line"
	done
} >"$RAW/rates.dat"
# Latency: the distribution of the repetition with the median p99.
plotted=""
for name in $LAT_ROWS; do
	rep=$(awk -F, -v r="$name" '$1 == "latency" && $2 == r { print $17, $4 }' "$CSV" |
		sort -g | awk '{ v[NR] = $2 } END { if (NR) print v[int((NR + 1) / 2)] }')
	[ -n "$rep" ] && [ -s "$RAW/lat-$name-$rep.cdf" ] || continue
	cp "$RAW/lat-$name-$rep.cdf" "$RAW/$name.cdf"
	plotted="$plotted $name"
done
gnuplot -e "raw='$RAW'; out='$RESULTS/bench.png'; lat='${plotted# }'; title='$(uname -r), $(nproc) CPUs, $MODE, placement $PLACEMENT, generator $GEN_MODE'" \
	"$HERE/plot.gp" 2>"$RAW/gnuplot.err" || nrt_fail "gnuplot: $(cat "$RAW/gnuplot.err")"
say "wrote $RESULTS/: table.txt runs.csv summary.csv instructions.csv xdp_program_cost.csv bench.png (raw/: every run's output)"
# 0: every target met; 3: the run completed and some target was missed.
[ "$FAILS" -eq 0 ] || exit 3
