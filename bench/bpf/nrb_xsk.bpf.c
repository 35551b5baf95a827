// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * nrb_xsk.bpf.c - the XDP program of the hand-written AF_XDP reference, as
 * the kernel's AF_XDP documentation shows it: every frame to the socket of
 * its queue, or to the stack when there is none.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} xsks SEC(".maps");

SEC("xdp")
int nrb_xsk(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
