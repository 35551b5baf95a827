# SPDX-License-Identifier: MIT
# xdp_lib.sh - sourced by the xdp backend's test scripts: the shared
# namespace helpers (lib/netns.sh) with the prefix nrx, plus what only these
# tests need: a veth pair with several queues, and skipping when the library
# has no xdp backend.
. "$(dirname "${BASH_SOURCE[0]}")/lib/netns.sh"

NRX_PREFIX=nrx

# nrx_setup [MTU [QUEUES]]: root, cleanup on exit, a temporary directory,
# and the veth pair of lib/netns.sh (names in NRT_NS_A/B, NRT_IF_A/B).  With
# QUEUES > 1 both ends get that many RX and TX queues.
nrx_setup() {
	local mtu=${1:-1500} queues=${2:-1}
	: "${NRX_PROBE:?}"
	nrt_require_root
	nrt_trap_cleanup
	nrt_tmpdir
	if [ "$queues" -le 1 ]; then
		nrt_pair_create "$NRX_PREFIX" "$mtu"
	else
		nrx_pair_create_mq "$mtu" "$queues"
	fi
	nrt_in "$NRT_NS_B" "$NRX_PROBE" --built "$NRT_IF_B" >/dev/null
	case $? in
	0) ;;
	77) echo "SKIP: netring was built without the xdp backend" >&2; exit 77 ;;
	*) nrt_fail "cannot tell whether the xdp backend is built" ;;
	esac
}

# Same addresses and names as nrt_pair_create, with QUEUES queues per end.
nrx_pair_create_mq() {
	local mtu=$1 queues=$2
	NRT_NS_A="$NRX_PREFIX-a-$$"
	NRT_NS_B="$NRX_PREFIX-b-$$"
	NRT_IF_A="${NRX_PREFIX}a$$"
	NRT_IF_B="${NRX_PREFIX}b$$"
	NRT_MAC_A=02:6e:72:74:00:01
	NRT_MAC_B=02:6e:72:74:00:02
	NRT_IP_A=192.0.2.1
	NRT_IP_B=192.0.2.2
	nrt_ns_create "$NRT_NS_A"
	nrt_ns_create "$NRT_NS_B"
	ip link add "$NRT_IF_A" netns "$NRT_NS_A" address "$NRT_MAC_A" mtu "$mtu" \
		numtxqueues "$queues" numrxqueues "$queues" \
		type veth peer name "$NRT_IF_B" netns "$NRT_NS_B" \
		address "$NRT_MAC_B" mtu "$mtu" \
		numtxqueues "$queues" numrxqueues "$queues" ||
		nrt_fail "create veth $NRT_IF_A/$NRT_IF_B with $queues queues"
	nrt_in "$NRT_NS_A" ip addr add "$NRT_IP_A/24" dev "$NRT_IF_A" || nrt_fail "address a"
	nrt_in "$NRT_NS_B" ip addr add "$NRT_IP_B/24" dev "$NRT_IF_B" || nrt_fail "address b"
	nrt_in "$NRT_NS_A" ip link set dev "$NRT_IF_A" up || nrt_fail "up a"
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" up || nrt_fail "up b"
	nrt_wait_until "$NRT_IF_A up" 5 nrt_link_up_in "$NRT_NS_A" "$NRT_IF_A"
	nrt_wait_until "$NRT_IF_B up" 5 nrt_link_up_in "$NRT_NS_B" "$NRT_IF_B"
}

# nrx_xps NS IFACE: TX queue i of IFACE is used by CPU i only, so a sender
# pinned to CPU i sends into queue i (and veth hands it to RX queue i of
# the peer).  sysfs shows a namespace's links only from inside it: `ip
# netns exec` mounts that view for this one command.
nrx_xps() {
	local ns=$1 ifname=$2 q=0 dir
	for dir in $(ip netns exec "$ns" sh -c "ls -d /sys/class/net/$ifname/queues/tx-*"); do
		ip netns exec "$ns" sh -c "printf '%x' $((1 << q)) > $dir/xps_cpus" ||
			nrt_fail "XPS for $ifname tx-$q"
		q=$((q + 1))
	done
}

# nrx_no_xdp NS IFACE: no XDP program is attached to IFACE.
nrx_no_xdp() {
	! nrt_in "$1" ip -d link show dev "$2" | grep -q 'prog/xdp'
}
