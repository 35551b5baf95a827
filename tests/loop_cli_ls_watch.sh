#!/bin/bash
# SPDX-License-Identifier: MIT
# loop_cli_ls_watch.sh - `netring ls --watch` prints link events as they
# happen: a veth appearing (new), coming up (up), changing MTU (mtu OLD ->
# NEW) and MAC address (addr), going down (down) and away (del); it exits 0
# on SIGINT.
set -u
. "$(dirname "$0")/loop_lib.sh"

: "${NRL_CLI:?}"
nrl_setup
out=$NRT_TMP/ls.out
nsenter --net="/run/netns/$NRL_NS_R" "$NRL_CLI" ls --watch >"$out" 2>"$NRT_TMP/ls.err" &
cli=$!
NRT_PIDS+=($cli)
# The list comes first (the header), and the subscription before it.
nrt_wait_until "the list" 5 grep -q . "$out"
r=nrl$$r0
nrl_pairs_batch 0 0
nrt_wait_line_re "$out" "^new $r index [0-9]+ kind veth mtu 1500 (up|down)\$" $cli 5
nrt_wait_line "$out" "up $r" $cli 5
nrt_in "$NRL_NS_R" ip link set dev $r mtu 1400 || nrt_fail "mtu"
nrt_wait_line "$out" "mtu $r 1500 -> 1400" $cli 5
nrt_in "$NRL_NS_R" ip link set dev $r address 02:6e:72:74:00:99 || nrt_fail "address"
nrt_wait_line "$out" "addr $r 02:6e:72:74:00:99" $cli 5
nrt_in "$NRL_NS_R" ip link set dev $r down || nrt_fail "down"
nrt_wait_line "$out" "down $r" $cli 5
nrt_in "$NRL_NS_S" ip link del dev nrl$$s0 || nrt_fail "del"
nrt_wait_line_re "$out" "^del $r index [0-9]+\$" $cli 5
kill -INT $cli
nrt_wait_exit $cli 5 || nrt_fail "ls --watch exited $?: $(cat "$NRT_TMP/ls.err")"
echo "PASS: ls --watch: new, up, mtu, addr, down, del"
