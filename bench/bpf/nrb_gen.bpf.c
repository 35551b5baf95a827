// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * nrb_gen.bpf.c - the benchmark's traffic generator, run by BPF_PROG_RUN.
 * nrb_gen: XDP, in "live frames" mode: every run numbers the frame (and,
 * for latency runs, stamps it) and sends it out of the veth with a
 * redirect.  nrb_gen_clone: tc, for kernels that refuse live frames (EPERM
 * on some hosts): every run sends clone_per_run numbered copies of the
 * test skb out of the veth with bpf_clone_redirect().
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "../nrb_frame.h"

const volatile __u32 out_ifindex; /* set before loading */
const volatile __u8 stamp;        /* write NRB_TS_OFF on every frame */

/* Frames numbered so far; read by user space (mmapped .bss) as the count
 * sent.  BPF_PROG_RUN runs on one CPU with migration disabled, so a plain
 * increment is exact. */
__u64 next_seq;

/* nrb_gen_clone: copies per run (set by user space before each call, at
 * most NRB_CLONE_MAX) and copies the device refused (ENETDOWN, a full
 * queue: NET_XMIT_DROP); both read through the mmapped .bss. */
__u32 clone_per_run;
__u64 clone_refused;

SEC("xdp")
int nrb_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 seq = (__u32)next_seq++;

	if (data + NRB_TS_OFF + 8 > end)
		return XDP_ABORTED;
	seq = bpf_htonl(seq);
	__builtin_memcpy(data + NRB_SEQ_OFF, &seq, 4);
	if (stamp) {
		__u64 now = bpf_ktime_get_ns();

		__builtin_memcpy(data + NRB_TS_OFF, &now, 8);
	}
	return bpf_redirect(out_ifindex, 0);
}

SEC("tc")
int nrb_gen_clone(struct __sk_buff *skb)
{
	__u32 n = clone_per_run;

	for (__u32 i = 0; i < NRB_CLONE_MAX; i++) {
		__u32 seq;

		if (i >= n)
			break;
		seq = bpf_htonl((__u32)next_seq++);
		if (bpf_skb_store_bytes(skb, NRB_SEQ_OFF, &seq, 4, 0))
			return TC_ACT_SHOT;
		if (stamp) {
			__u64 now = bpf_ktime_get_ns();

			if (bpf_skb_store_bytes(skb, NRB_TS_OFF, &now, 8, 0))
				return TC_ACT_SHOT;
		}
		if (bpf_clone_redirect(skb, out_ifindex, 0))
			clone_refused++;
	}
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
