#!/bin/bash
# SPDX-License-Identifier: MIT
# overload_accounting.sh BACKEND [COUNT] - COUNT sequence-numbered frames
# (default 1,000,000) sent as fast as nrt-send can into a deliberately small
# ring (64 slots) read by a deliberately slow handler (2 us per frame):
# every frame taken is intact, each sequence number at most once and in
# order, some frames are dropped, and received + dropped == sent, printed
# per reason (tests/fault_rx.c).  The long run (10 M frames) is
#	NRF_RX=build/tests/fault_rx NRT_SEND=build/tests/nrt-send \
#	NRX_PROBE=build/tests/xdp_probe tests/overload_accounting.sh packet 10000000
set -u
. "$(dirname "$0")/xdp_lib.sh"
# shellcheck disable=SC2034 # read by nrx_setup (xdp_lib.sh)
NRX_PREFIX=nrf

[ $# -ge 1 ] && [ $# -le 2 ] ||
	{ echo "usage: overload_accounting.sh BACKEND [COUNT]" >&2; exit 2; }
backend=$1 count=${2:-1000000}
: "${NRF_RX:?}" "${NRT_SEND:?}"

rx_opts=(-b "$backend")
if [ "$backend" = xdp ]; then
	nrx_setup
	rx_opts+=(--mode take)
else
	nrt_require_root
	nrt_trap_cleanup
	nrt_tmpdir
	nrt_pair_create nrf
fi
seed=612
stream=(--len 60:300 --vlan-every 11)

nrt_bg "$NRT_NS_B" "$NRT_TMP/rx.out" "$NRF_RX" -i "$NRT_IF_B" "${rx_opts[@]}" \
	-n "$count" -s "$seed" -t $((60 + count / 20000)) --accounted \
	--ring-frames 64 --slow-ns 2000 "${stream[@]}"
rx=$NRT_LAST_PID
nrt_wait_line "$NRT_TMP/rx.out" ready "$rx" 30
nrt_in "$NRT_NS_A" "$NRT_SEND" -i "$NRT_IF_A" -n "$count" -s "$seed" \
	"${stream[@]}" >"$NRT_TMP/send.out" || nrt_fail "nrt-send failed"
sent=$(sed -n 's/^sent //p' "$NRT_TMP/send.out")
nrt_wait_exit "$rx" $((120 + count / 10000))
rc=$?
cat "$NRT_TMP/rx.out"
[ "$sent" = "$count" ] || nrt_fail "nrt-send sent $sent of $count"
[ "$rc" -eq 0 ] && grep -qx PASS "$NRT_TMP/rx.out" || nrt_fail "fault_rx exited $rc"
dropped=$(sed -n 's/^received [0-9]* dropped \([0-9]*\) .*/\1/p' "$NRT_TMP/rx.out")
[ "${dropped:-0}" -gt 0 ] || nrt_fail "the ring never overflowed: not an overload"
exit 0
