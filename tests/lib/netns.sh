# SPDX-License-Identifier: MIT
# netns.sh - sourced (bash) by the integration tests and the demo: build two
# network namespaces joined by a veth pair, run programs inside them, wait
# for conditions with deadlines, and remove everything on any exit.
#
# Traffic stays on the pair: locally administered MACs, documentation
# addresses, IPv6 disabled inside the namespaces so the only frames on the
# link are the ones a test sends.

NRT_SKIP=77
NRT_PIDS=()
NRT_NAMESPACES=()
NRT_TMPDIRS=()

nrt_log() {
	printf '%s\n' "$*" >&2
}

nrt_fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

nrt_require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root (network namespaces, AF_PACKET)" >&2
		exit "$NRT_SKIP"
	fi
}

# nrt_require_cmd CMD...: the tools a test cannot do without (scripts/deps.sh
# installs them); a missing one is a failure, not a skip.
nrt_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || nrt_fail "needs '$c' (run scripts/deps.sh)"
	done
}

# nrt_running PID: PID is one of our background jobs and still running.
# Asking the job table, not the PID alone, means a PID the kernel has
# handed to another process since is never signalled.
nrt_running() {
	local job
	for job in $(jobs -rp); do
		[ "$job" = "$1" ] && return 0
	done
	return 1
}

nrt_cleanup() {
	local rc=$? pid ns dir deadline
	trap - EXIT INT TERM
	for pid in "${NRT_PIDS[@]}"; do
		nrt_running "$pid" && kill -TERM "$pid" 2>/dev/null
	done
	# Give each a moment to exit cleanly, then insist.
	deadline=$((SECONDS + 3))
	for pid in "${NRT_PIDS[@]}"; do
		while nrt_running "$pid" && [ "$SECONDS" -lt "$deadline" ]; do
			sleep 0.05
		done
		nrt_running "$pid" && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	# Deleting a namespace destroys the veth end inside it, and with it
	# the peer.
	for ns in "${NRT_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	for dir in "${NRT_TMPDIRS[@]}"; do
		rm -rf -- "$dir"
	done
	exit "$rc"
}

# Install the cleanup: on normal exit, on failure, and on Ctrl-C / kill.
nrt_trap_cleanup() {
	trap nrt_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# nrt_tmpdir: a private directory removed on exit, in $NRT_TMP.
nrt_tmpdir() {
	NRT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nrt.XXXXXX") || nrt_fail "mktemp"
	NRT_TMPDIRS+=("$NRT_TMP")
}

# nrt_in NS CMD...: run CMD in namespace NS.  nsenter only switches the
# network namespace; `ip netns exec` would also remount /sys.
nrt_in() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# nrt_bg NS OUT CMD...: start CMD in NS in the background, stdout to OUT,
# and remember its PID (in $NRT_LAST_PID) so cleanup ends it.  nsenter
# execs CMD, so the PID is CMD's own.
nrt_bg() {
	local ns=$1 out=$2
	shift 2
	nsenter --net="/run/netns/$ns" "$@" >"$out" &
	NRT_LAST_PID=$!
	NRT_PIDS+=("$NRT_LAST_PID")
}

nrt_ns_create() {
	local ns=$1
	ip netns add "$ns" || nrt_fail "ip netns add $ns"
	NRT_NAMESPACES+=("$ns")
	# Before any link exists, so no link ever gets an IPv6 address and
	# none sends neighbour discovery or router solicitations.
	if [ -d /proc/sys/net/ipv6 ]; then
		nrt_in "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 ||
			nrt_fail "disable IPv6 in $ns"
	fi
}

# nrt_wait_until DESCRIPTION SECONDS CMD...: run CMD until it succeeds or
# SECONDS pass (then fail, naming DESCRIPTION).
nrt_wait_until() {
	local what=$1 limit=$2 deadline
	shift 2
	deadline=$(($(date +%s%N) + limit * 1000000000))
	until "$@"; do
		if [ "$(date +%s%N)" -gt "$deadline" ]; then
			nrt_fail "timed out after ${limit}s waiting for $what"
		fi
		sleep 0.02
	done
}

nrt_link_up_in() {
	nrt_in "$1" ip -o link show dev "$2" 2>/dev/null | grep -q 'state UP'
}

# nrt_pair_create PREFIX [MTU]: namespaces $PREFIX-a-$$ and $PREFIX-b-$$
# joined by veth ${PREFIX}a$$ (in a) <-> ${PREFIX}b$$ (in b), up, with MACs
# 02:6e:72:74:00:01 (a) and :02 (b) - the addresses frames.h uses - and
# 192.0.2.1/24 (a), 192.0.2.2/24 (b).  Sets NRT_NS_A, NRT_NS_B, NRT_IF_A,
# NRT_IF_B, NRT_MAC_A, NRT_MAC_B, NRT_IP_A, NRT_IP_B.
nrt_pair_create() {
	local prefix=$1 mtu=${2:-1500}
	NRT_NS_A="$prefix-a-$$"
	NRT_NS_B="$prefix-b-$$"
	NRT_IF_A="${prefix}a$$"
	NRT_IF_B="${prefix}b$$"
	NRT_MAC_A=02:6e:72:74:00:01
	NRT_MAC_B=02:6e:72:74:00:02
	NRT_IP_A=192.0.2.1
	NRT_IP_B=192.0.2.2
	[ ${#NRT_IF_A} -le 15 ] || nrt_fail "interface name $NRT_IF_A too long"

	nrt_ns_create "$NRT_NS_A"
	nrt_ns_create "$NRT_NS_B"
	# Created straight into the namespaces: nothing appears in ours.
	ip link add "$NRT_IF_A" netns "$NRT_NS_A" address "$NRT_MAC_A" mtu "$mtu" \
		type veth peer name "$NRT_IF_B" netns "$NRT_NS_B" \
		address "$NRT_MAC_B" mtu "$mtu" ||
		nrt_fail "create veth $NRT_IF_A/$NRT_IF_B"
	nrt_in "$NRT_NS_A" ip addr add "$NRT_IP_A/24" dev "$NRT_IF_A" || nrt_fail "address a"
	nrt_in "$NRT_NS_B" ip addr add "$NRT_IP_B/24" dev "$NRT_IF_B" || nrt_fail "address b"
	nrt_in "$NRT_NS_A" ip link set dev "$NRT_IF_A" up || nrt_fail "up a"
	nrt_in "$NRT_NS_B" ip link set dev "$NRT_IF_B" up || nrt_fail "up b"
	# The operational state follows asynchronously (linkwatch).
	nrt_wait_until "$NRT_IF_A up" 5 nrt_link_up_in "$NRT_NS_A" "$NRT_IF_A"
	nrt_wait_until "$NRT_IF_B up" 5 nrt_link_up_in "$NRT_NS_B" "$NRT_IF_B"
}

nrt_alive() {
	nrt_running "$1"
}

# nrt_wait_line FILE LINE PID SECONDS: wait until FILE holds the line LINE
# (written by PID); fail early if PID exits first.
nrt_file_has_line() {
	grep -qx -- "$2" "$1" 2>/dev/null
}
nrt_wait_line() {
	local file=$1 line=$2 pid=$3 limit=$4 deadline
	deadline=$(($(date +%s%N) + limit * 1000000000))
	until nrt_file_has_line "$file" "$line"; do
		if ! nrt_alive "$pid"; then
			nrt_file_has_line "$file" "$line" && return 0
			nrt_fail "process $pid exited before printing '$line'"
		fi
		if [ "$(date +%s%N)" -gt "$deadline" ]; then
			nrt_fail "timed out after ${limit}s waiting for '$line' in $file"
		fi
		sleep 0.02
	done
}

# nrt_packet_socket_bound NS IFACE: some AF_PACKET socket in NS is bound
# to IFACE and running (/proc/net/packet shows the reader's namespace;
# columns: sk RefCnt Type Proto Iface R Rmem User Inode).
nrt_packet_socket_bound() {
	local ns=$1 ifindex
	ifindex=$(nrt_in "$ns" ip -o link show dev "$2" | cut -d: -f1)
	nrt_in "$ns" cat /proc/net/packet |
		awk -v idx="$ifindex" 'NR > 1 && $5 == idx && $6 == 1 { found = 1 } END { exit !found }'
}

# nrt_wait_plugged NS IFACE PID SECONDS: wait until a program (PID) that
# gives no readiness signal has its packet socket on IFACE, so frames sent
# from now on reach it.
nrt_wait_plugged() {
	local ns=$1 ifname=$2 pid=$3 limit=$4 deadline
	deadline=$(($(date +%s%N) + limit * 1000000000))
	until nrt_packet_socket_bound "$ns" "$ifname"; do
		nrt_alive "$pid" || nrt_fail "process $pid exited before plugging $ifname"
		if [ "$(date +%s%N)" -gt "$deadline" ]; then
			nrt_fail "timed out after ${limit}s waiting for a packet socket on $ifname"
		fi
		sleep 0.02
	done
}

# nrt_wait_exit PID SECONDS: wait for a background PID to finish; its exit
# status is returned (fails the test on timeout).
nrt_wait_exit() {
	local pid=$1 limit=$2 deadline
	deadline=$(($(date +%s%N) + limit * 1000000000))
	while nrt_alive "$pid"; do
		if [ "$(date +%s%N)" -gt "$deadline" ]; then
			nrt_fail "process $pid still running after ${limit}s"
		fi
		sleep 0.02
	done
	wait "$pid"
}
