// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * nrb_drop.bpf.c - "the limit": count every frame and drop it, in the
 * driver (native XDP), before any socket or skb exists.  No receive path
 * can deliver more than this.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} frames SEC(".maps");

SEC("xdp")
int nrb_drop(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&frames, &key);

	(void)ctx;
	if (n)
		(*n)++;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
