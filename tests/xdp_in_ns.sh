#!/bin/bash
# SPDX-License-Identifier: MIT
# xdp_in_ns.sh WHAT [ARGS] - run one of the xdp backend's API tests inside
# a fresh namespace whose veth (NRT_IF_B) it may plug, and check that no XDP
# program is left behind:
#   config     xdp_config: bad configurations are refused, explained
#   probe      xdp_probe: what netring_if_probe() reports
#   match      xdp_match: the program takes exactly what the match names
#   foreign | fallback | stale | second   xdp_scene WHAT (see xdp_scene.c)
#   native_refused   xdp_scene on a bridge (no native XDP)
#   cycles N   xdp_cycles: N plug/unplug cycles leak nothing
set -u
. "$(dirname "$0")/xdp_lib.sh"

[ $# -ge 1 ] || { echo "usage: xdp_in_ns.sh WHAT [ARGS]" >&2; exit 2; }
what=$1
shift
nrx_setup

case $what in
config) cmd=("${NRX_CONFIG:?}" "$NRT_IF_B") ;;
probe) cmd=("$NRX_PROBE" "$NRT_IF_B") ;;
match) cmd=("${NRX_MATCH:?}" "$NRT_IF_B") ;;
native_refused)
	# A bridge without ports: Ethernet, no native XDP, receives nothing.
	NRT_IF_B="${NRX_PREFIX}d$$"
	nrt_in "$NRT_NS_B" ip link add "$NRT_IF_B" type bridge ||
		nrt_fail "create bridge $NRT_IF_B"
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" up || nrt_fail "up bridge"
	cmd=("${NRX_SCENE:?}" "$what" "$NRT_IF_B")
	;;
foreign | fallback | stale | second) cmd=("${NRX_SCENE:?}" "$what" "$NRT_IF_B") ;;
cycles)
	# The heap is compared before and after: glibc's per-thread cache
	# would count freed blocks as in use, and its moving mmap threshold
	# would shift large blocks (libbpf parses the kernel's BTF at every
	# load) between mmap and the heap.  Pin both.
	export GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=131072
	cmd=("${NRX_CYCLES:?}" "$NRT_IF_B" "$@")
	;;
*) echo "xdp_in_ns.sh: unknown test '$what'" >&2; exit 2 ;;
esac

nrt_in "$NRT_NS_B" "${cmd[@]}"
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
nrx_no_xdp "$NRT_NS_B" "$NRT_IF_B" || nrt_fail "an XDP program was left on $NRT_IF_B"
exit 0
