#!/bin/sh
# SPDX-License-Identifier: MIT
# Install what netring needs to build, test and demo, with apt-get, when it
# is missing.  A no-op when everything is there.
set -eu

# build: compilers, libpcap, libbpf and bpftool (the XDP program is compiled
# with clang and embedded as a skeleton), clang's sanitizer and libFuzzer
# runtimes; tests: iproute2, ethtool, ping, tcpdump, tshark, setpriv and
# prlimit, jq; checks: cppcheck, clang-tidy, valgrind.
PACKAGES="cmake make gcc clang pkg-config libpcap-dev libbpf-dev bpftool \
libclang-rt-14-dev tcpdump tshark iproute2 ethtool iputils-ping util-linux \
libcap2-bin jq cppcheck clang-tidy valgrind"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "netring: installing:$missing" >&2
if [ "$(id -u)" != 0 ]; then
	echo "netring: run as root (or install these packages):$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update >/dev/null
	apt-get install -y --no-install-recommends $missing >/dev/null
fi
