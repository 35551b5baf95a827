#!/bin/bash
# SPDX-License-Identifier: MIT
# rx_gso.sh BACKEND - a TCP stream (16 MiB, nrt-tcp) from one end of a veth
# pair to the other, with TSO/GSO on the sending end, so the receiving end
# gets GSO super-frames of up to 64 KiB; a ring plugged there (rx_gso)
# must deliver each cut to its slot, flagged and counted as truncated, the
# rest whole, every byte it holds the stream's, and drop nothing.  The
# stream itself must arrive whole at its TCP sink.
#
# The packet backend only: the xdp backend must take the frames it reads
# (--take), which would take the stream from its sink, and an XDP program
# on a veth turns TSO off on the peer (seen here: tcp-segmentation-offload
# off while netring -b xdp is plugged), so its hook sees no super-frame.
set -u
. "$(dirname "$0")/lib/netns.sh"

backend=${1:?usage: rx_gso.sh BACKEND}
: "${NRT_TCP:?}" "${NRT_RX_GSO:?}"
bytes=$((16 << 20)) port=5201

nrt_require_root
nrt_require_cmd ethtool
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrtg

# veth offers TSO and GSO by default; say so rather than rely on it.
nrt_in "$NRT_NS_A" ethtool -K "$NRT_IF_A" tso on gso on >/dev/null ||
	nrt_fail "ethtool -K $NRT_IF_A tso on gso on"
offloads=$(nrt_in "$NRT_NS_A" ethtool -k "$NRT_IF_A" |
	grep -E '^(tcp|generic)-segmentation-offload:' | tr -s ' \n' ' ')
nrt_log "$bytes bytes of TCP $NRT_IF_A -> $NRT_IF_B:$port, backend $backend; $offloads"

nrt_bg "$NRT_NS_B" "$NRT_TMP/sink.out" "$NRT_TCP" sink -p "$port"
sink_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/sink.out" ready "$sink_pid" 10

# The ring holds the whole stream uncut: 32,768 slots of 2 KiB are 64 MiB.
# Until the ring has seen its first long frame, the kernel copies long
# frames whole (netring then attaches its snap filter), and TCP moves
# 16 MiB over a veth in milliseconds: with the default 8 MiB ring, a
# receiver held off its CPU at the start (once in CI; by SIGSTOP for
# 300 ms: 170 frames ring_full) loses frames, counted, that this test is
# not about (overload has its own tests).  With 64 MiB: none.
nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRT_RX_GSO" -i "$NRT_IF_B" \
	-b "$backend" -p "$port" -n "$bytes" -R 32768 -t 60
rx_pid=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx_pid" 30

nrt_in "$NRT_NS_A" "$NRT_TCP" send -a "$NRT_IP_B" -p "$port" -n "$bytes" \
	>"$NRT_TMP/send.out" || nrt_fail "nrt-tcp send failed"
nrt_wait_exit "$sink_pid" 30 ||
	nrt_fail "the TCP sink failed: $(cat "$NRT_TMP/sink.out")"
grep -qx "received $bytes" "$NRT_TMP/sink.out" ||
	nrt_fail "the TCP sink: $(cat "$NRT_TMP/sink.out"), not $bytes bytes"

nrt_wait_exit "$rx_pid" 90
rc=$?
cat "$NRT_TMP/rx.out" >&2
[ "$rc" = 0 ] || nrt_fail "rx_gso (netring -b $backend on $NRT_IF_B) exited $rc"
grep -q '^PASS$' "$NRT_TMP/rx.out" || nrt_fail "rx_gso did not pass"
echo "PASS: rx_gso $backend"
