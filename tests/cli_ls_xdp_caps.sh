#!/bin/bash
# SPDX-License-Identifier: MIT
# cli_ls_xdp_caps.sh - `netring ls` and `netring ls --json` show what a
# veth can do for the xdp backend as this kernel reports it (native XDP
# and multi-buffer yes, zero-copy no), no program attached; then, while a
# `netring dump -b xdp --take` is plugged, netring's program attached
# natively with its id.  A TAP shows kind "tap".  In a namespace of its own.
set -u
. "$(dirname "$0")/lib/netns.sh"
: "${NRT_CLI:?}" "${NRT_JSON:?}"

nrt_require_root
nrt_trap_cleanup
nrt_tmpdir
nrt_pair_create nrc

# ls_json_of IFACE: the --json object of IFACE, alone on a line.  In
# namespace b, `ls` (Ethernet links only) lists the veth end alone.
ls_json_of() {
	local out
	out=$(nrt_in "$NRT_NS_B" "$NRT_CLI" ls --json) || nrt_fail "ls --json failed"
	case $out in
	\[*\]) ;;
	*) nrt_fail "ls --json is not one array: $out" ;;
	esac
	out=${out#[}
	out=${out%]}
	printf '%s\n' "$out"
}

keys=(name kind xdp_features_known xdp_native xdp_zerocopy xdp_multibuf
	xdp_attached xdp_prog_id xdp_prog_name xdp_attach_mode)

values=$(ls_json_of "$NRT_IF_B" | "$NRT_JSON" "${keys[@]}") ||
	nrt_fail "ls --json: not one object with the XDP keys"
echo "$values"
# Kernels before 6.3 do not report XDP features: nothing to compare.
if printf '%s\n' "$values" | grep -qx 'xdp_features_known=false'; then
	echo "SKIP: this kernel does not report XDP features (netdev family)" >&2
	exit "$NRT_SKIP"
fi
expected="name=$NRT_IF_B
kind=veth
xdp_features_known=true
xdp_native=true
xdp_zerocopy=false
xdp_multibuf=true
xdp_attached=false
xdp_prog_id=0
xdp_prog_name=
xdp_attach_mode="
[ "$values" = "$expected" ] || nrt_fail "ls --json: $(echo $values), expected: $(echo $expected)"

# The table: NAME ... KIND XDP ZC MB META PROG.
row=$(nrt_in "$NRT_NS_B" "$NRT_CLI" ls | awk -v n="$NRT_IF_B" '$1 == n')
echo "$row"
set -- $row
[ "$9 ${10} ${11} ${12} ${14}" = "veth native no yes -" ] ||
	nrt_fail "ls row: '$row'"

# Plugged: netring's program is attached, natively, and named.
nrt_bg "$NRT_NS_B" "$NRT_TMP/dump.out" "$NRT_CLI" dump -b xdp --take \
	-i "$NRT_IF_B" -q -t 120 2>"$NRT_TMP/dump.err"
dump_pid=$NRT_LAST_PID
deadline=$(($(date +%s%N) + 30 * 1000000000))
until grep -q ': plugged: ' "$NRT_TMP/dump.err"; do
	if ! nrt_alive "$dump_pid"; then
		grep -q 'backend is not available in this build' "$NRT_TMP/dump.err" &&
			{ echo "SKIP: this build has no AF_XDP backend" >&2; exit "$NRT_SKIP"; }
		nrt_fail "dump exited: $(cat "$NRT_TMP/dump.err")"
	fi
	[ "$(date +%s%N)" -le "$deadline" ] || nrt_fail "dump did not plug"
	sleep 0.02
done
id=$(nrt_in "$NRT_NS_B" ip -d link show dev "$NRT_IF_B" |
	sed -n 's/.*prog\/xdp id \([0-9]*\) .*/\1/p')
[ -n "$id" ] || nrt_fail "ip link shows no XDP program while plugged"
values=$(ls_json_of "$NRT_IF_B" | "$NRT_JSON" xdp_attached xdp_prog_id \
	xdp_prog_name xdp_attach_mode) || nrt_fail "ls --json while plugged"
echo "$values"
[ "$values" = "xdp_attached=true
xdp_prog_id=$id
xdp_prog_name=netring_xsk
xdp_attach_mode=native" ] || nrt_fail "ls --json while plugged: $(echo $values)"
row=$(nrt_in "$NRT_NS_B" "$NRT_CLI" ls | awk -v n="$NRT_IF_B" '$1 == n')
case $row in
*" netring_xsk(id $id, native)") ;;
*) nrt_fail "ls row while plugged: '$row'" ;;
esac
kill -TERM "$dump_pid"
nrt_wait_exit "$dump_pid" 30 || nrt_fail "dump exited $? after SIGTERM"

# A TAP is listed (with -a only if not Ethernet: it is) with kind "tap".
tap="nrct$$"
nrt_in "$NRT_NS_B" ip tuntap add dev "$tap" mode tap || nrt_fail "ip tuntap add"
values=$(nrt_in "$NRT_NS_B" "$NRT_CLI" ls --json -a | tr -d '[]' |
	sed 's/},{/}\n{/g' | grep "\"name\":\"$tap\"" | "$NRT_JSON" kind ethernet) ||
	nrt_fail "ls --json: no object for $tap"
[ "$values" = "kind=tap
ethernet=true" ] || nrt_fail "the TAP: $(echo $values)"
row=$(nrt_in "$NRT_NS_B" "$NRT_CLI" ls | awk -v n="$tap" '$1 == n')
set -- $row
[ "$9" = tap ] || nrt_fail "ls row of the TAP: '$row'"
exit 0
