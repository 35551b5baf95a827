// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * nrb_gen.bpf.c - the benchmark's traffic generator, run by BPF_PROG_RUN in
 * "live frames" mode: every run numbers the frame (and, for latency runs,
 * stamps it) and sends it out of the peer veth with a redirect.
 */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "../nrb_frame.h"

const volatile __u32 out_ifindex; /* set before loading */
const volatile __u8 stamp;        /* write NRB_TS_OFF on every frame */

/* Frames numbered so far; read by user space (mmapped .bss) as the count
 * sent.  BPF_PROG_RUN runs on one CPU with migration disabled, so a plain
 * increment is exact. */
__u64 next_seq;

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

char LICENSE[] SEC("license") = "Dual MIT/GPL";
