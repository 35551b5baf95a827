/* SPDX-License-Identifier: MIT */
/*
 * netring_xsk.h - what the XDP program (netring_xsk.bpf.c) and the library
 * (backend_xdp.c) agree on: the program's name, its counters, and the
 * metadata record it writes in front of each frame it redirects.
 * Included by restricted C and by user space, so only __u* types.
 */
#ifndef NETRING_XSK_H
#define NETRING_XSK_H

#include <linux/types.h>

/* The start of both programs' names in the kernel (15 characters at
 * most): how a stale program left by netring is told from someone else's. */
#define NR_XSK_PROG_NAME "netring_xsk"

#define NR_XSK_MACS_MAX 8 /* = NETRING_MATCH_MACS_MAX */

/* Match fields, the same bits as enum netring_match_fields. */
#define NR_XSK_MATCH_DST_MAC (1u << 0)
#define NR_XSK_MATCH_ETHERTYPE (1u << 1)
#define NR_XSK_MATCH_IP_PROTO (1u << 2)
#define NR_XSK_MATCH_DST_PORT (1u << 3)
#define NR_XSK_MATCH_ARP_FOR (1u << 4)

/* Per-CPU counters, one array element. */
enum nr_xsk_counter {
	NR_XSK_MATCHED,    /* redirected to a socket */
	NR_XSK_PASSED,     /* not matched (or another queue's): to the host */
	NR_XSK_NO_SOCKET,  /* matched, but no socket on the queue: to the host */
	NR_XSK_COUNTERS,
};

struct nr_xsk_counters {
	__u64 n[NR_XSK_COUNTERS];
};

/*
 * Written with bpf_xdp_adjust_meta() so that it ends where the frame
 * begins; the kernel copies it into the UMEM slot with the frame.  Where
 * the kernel refuses that helper to XDP programs (seen: 6.18.44-fc-v1300,
 * "program of this type cannot use helper bpf_xdp_adjust_meta") the
 * program writes it with bpf_xdp_adjust_head() instead (`record_in_head`):
 * it is then the first bytes of what the socket receives, and the library
 * takes the frame from sizeof(struct nr_xsk_meta) after the descriptor's
 * address, so the record still ends where the frame begins.  Only
 * when the ring needs something a frame's bytes cannot tell (a kernel or
 * device stamp per frame, a stripped tag kept out of the bytes: the
 * program's `record`).  Then the program writes it for every frame it
 * redirects, so the library reads only `flags` (the four bytes right in
 * front of the frame) and, when a flag says so, the field it names.  A
 * driver that keeps no metadata makes the program set `meta_missing` (a
 * global the library maps): the library then ignores the records.
 *
 * Without a record the program puts a tag the device stripped back into
 * the bytes itself, and the library reads tags from the bytes.  Writing
 * the record costs more than its instructions: it is one more cache line
 * per frame that the kernel writes on one CPU and the reader fetches on
 * another (measured on veth, copy mode: 3 % of the saturation rate).
 */
#define NR_XSK_META_TS_HW (1u << 0)   /* ts from the device (kfunc) */
#define NR_XSK_META_TS_TAI (1u << 1)  /* ts is CLOCK_TAI when the hook ran */
#define NR_XSK_META_VLAN (1u << 2)    /* the device stripped this tag */
#define NR_XSK_META_VLAN_INBAND (1u << 3) /* a tag is in the bytes: vlan_tci */

struct nr_xsk_meta {
	__u64 ts;
	__u16 vlan_proto; /* host byte order; META_VLAN only */
	__u16 vlan_tci;   /* META_VLAN or META_VLAN_INBAND */
	__u32 flags;      /* last: the four bytes right in front of the frame */
};

#endif /* NETRING_XSK_H */
