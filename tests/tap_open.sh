#!/bin/bash
# SPDX-License-Identifier: MIT
# tap_open.sh - run tap_open in a namespace of its own (prefix nrr) holding
# a veth pair, a TUN device and a persistent TAP, so it can check what the
# tap backend creates, attaches to and refuses.  No traffic is sent.
set -u
. "$(dirname "$0")/lib/netns.sh"

nrt_require_root
nrt_require_cmd ip nsenter
: "${NRR_TAP_OPEN:?}"
nrt_trap_cleanup

ns=nrr-tapo-$$
nrt_ns_create "$ns"
nrt_in "$ns" ip link add "nrrv$$" type veth peer name "nrrw$$" ||
	nrt_fail "veth"
nrt_in "$ns" ip tuntap add dev "nrru$$" mode tun || nrt_fail "tun"
nrt_in "$ns" ip tuntap add dev "nrrp$$" mode tap || nrt_fail "tap"
nrt_in "$ns" "$NRR_TAP_OPEN" "nrrv$$" "nrru$$" "nrrp$$" "nrrn$$"
