#!/bin/bash
# SPDX-License-Identifier: MIT
# packet_tx_errors.sh - the packet backend's transmit errors and TX_ONLY on
# a veth pair (MTU 1500) whose two ends are both in one namespace of ours
# (packet_tx errors describes each check; it deletes the pair at the end).
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_PACKET_TX:?}"

nrt_require_root
nrt_trap_cleanup
ns="nrte-$$" a="nrtea$$" b="nrteb$$"
nrt_ns_create "$ns"
ip link add "$a" netns "$ns" address 02:6e:72:74:00:01 mtu 1500 type veth \
	peer name "$b" netns "$ns" address 02:6e:72:74:00:02 mtu 1500 ||
	nrt_fail "create veth $a/$b"
nrt_in "$ns" ip link set dev "$a" up || nrt_fail "up $a"
nrt_in "$ns" ip link set dev "$b" up || nrt_fail "up $b"
nrt_wait_until "$a up" 5 nrt_link_up_in "$ns" "$a"
nrt_wait_until "$b up" 5 nrt_link_up_in "$ns" "$b"
nrt_in "$ns" "$NRT_PACKET_TX" errors -i "$a" -p "$b"
