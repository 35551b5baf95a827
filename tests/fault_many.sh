#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_many.sh CASE - many rings plugged at once in one process, plugged
# and unplugged for several cycles (tests/fault_many.c): every plug works,
# descriptors and memory come back.
#   veth64      64 veth pairs, one packet ring on each, 5 cycles
#   xdp_queues  every queue of a 4-queue veth on one xdp ring, 10 cycles
set -u
. "$(dirname "$0")/xdp_lib.sh"
# shellcheck disable=SC2034 # read by nrx_setup (xdp_lib.sh)
NRX_PREFIX=nrf

[ $# -eq 1 ] || { echo "usage: fault_many.sh CASE" >&2; exit 2; }
: "${NRF_MANY:?}"

case $1 in
veth64)
	nrt_require_root
	nrt_trap_cleanup
	nrt_tmpdir
	ns=nrf-m-$$
	nrt_ns_create "$ns"
	names=()
	for i in $(seq 0 63); do
		a=nrf$$a$i b=nrf$$b$i
		nrt_in "$ns" ip link add "$a" type veth peer name "$b" ||
			nrt_fail "veth pair $i"
		nrt_in "$ns" ip link set dev "$a" up && nrt_in "$ns" ip link set dev "$b" up ||
			nrt_fail "up pair $i"
		names+=("$b")
	done
	nrt_in "$ns" "$NRF_MANY" -b packet -c 5 "${names[@]}" >"$NRT_TMP/many.out"
	;;
xdp_queues)
	nrx_setup 1500 4
	nrt_in "$NRT_NS_B" "$NRF_MANY" -b xdp -t -a -q 4 -c 10 "$NRT_IF_B" \
		>"$NRT_TMP/many.out"
	;;
*)
	echo "fault_many.sh: unknown case '$1'" >&2
	exit 2
	;;
esac
rc=$?
cat "$NRT_TMP/many.out"
[ "$rc" -eq 0 ] && grep -qx PASS "$NRT_TMP/many.out" || nrt_fail "fault_many exited $rc"
exit 0
