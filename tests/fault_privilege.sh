#!/bin/bash
# SPDX-License-Identifier: MIT
# fault_privilege.sh CASE - plugging without what it needs fails with the
# exact errno and an errbuf that names what is missing (tests/fault_open.c):
#   no_cap_net_raw  packet backend as `nobody` with no capability: -EPERM,
#                   "CAP_NET_RAW"
#   no_cap_bpf      xdp backend as root without CAP_BPF/CAP_SYS_ADMIN:
#                   -EPERM, "CAP_BPF"
#   memlock         xdp backend with RLIMIT_MEMLOCK 0 and no CAP_IPC_LOCK:
#                   -ENOBUFS, "RLIMIT_MEMLOCK"
#   memlock_packet  packet backend, same limits: plugs (an AF_PACKET ring
#                   is not charged to locked memory)
set -u
. "$(dirname "$0")/xdp_lib.sh"
# shellcheck disable=SC2034 # read by nrx_setup (xdp_lib.sh)
NRX_PREFIX=nrf

[ $# -eq 1 ] || { echo "usage: fault_privilege.sh CASE" >&2; exit 2; }
: "${NRF_OPEN:?}"
nrt_require_cmd setpriv prlimit

case $1 in
no_cap_net_raw)
	nrt_require_root
	nrt_trap_cleanup
	nrt_tmpdir
	nrt_pair_create nrf
	run=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	     --bounding-set=-all -- "$NRF_OPEN" -i "$NRT_IF_B" -b packet
	     -e EPERM -m CAP_NET_RAW)
	;;
no_cap_bpf)
	nrx_setup
	# shellcheck disable=SC2054 # the commas are setpriv's
	run=(setpriv --inh-caps=-all --bounding-set=-bpf,-sys_admin,-perfmon --
	     "$NRF_OPEN" -i "$NRT_IF_B" -b xdp -t -e EPERM -m CAP_BPF)
	;;
memlock)
	nrx_setup
	run=(prlimit --memlock=0:0 setpriv --inh-caps=-all --bounding-set=-ipc_lock --
	     "$NRF_OPEN" -i "$NRT_IF_B" -b xdp -t -e ENOBUFS -m RLIMIT_MEMLOCK)
	;;
memlock_packet)
	nrt_require_root
	nrt_trap_cleanup
	nrt_tmpdir
	nrt_pair_create nrf
	run=(prlimit --memlock=0:0 setpriv --inh-caps=-all --bounding-set=-ipc_lock --
	     "$NRF_OPEN" -i "$NRT_IF_B" -b packet -e 0)
	;;
*)
	echo "fault_privilege.sh: unknown case '$1'" >&2
	exit 2
	;;
esac

nrt_in "$NRT_NS_B" "${run[@]}" >"$NRT_TMP/open.out" 2>&1
rc=$?
cat "$NRT_TMP/open.out"
[ "$rc" -eq 0 ] && grep -qx PASS "$NRT_TMP/open.out" ||
	nrt_fail "the plug did not end as it must"
nrx_no_xdp "$NRT_NS_B" "$NRT_IF_B" || nrt_fail "a failed plug left an XDP program"
exit 0
