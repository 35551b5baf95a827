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
 * begins; the kernel copies it into the UMEM slot with the frame.  The
 * library zeroes `magic` before a slot goes back to the kernel, so a record
 * it finds with the magic belongs to the frame in the slot.
 */
#define NR_XSK_META_MAGIC 0x4e52584du /* "NRXM" */
#define NR_XSK_META_TS_HW (1u << 0)   /* ts from the device (kfunc) */
#define NR_XSK_META_TS_TAI (1u << 1)  /* ts is CLOCK_TAI when the hook ran */
#define NR_XSK_META_VLAN (1u << 2)    /* the device stripped this tag */

struct nr_xsk_meta {
	__u64 ts;
	__u16 vlan_proto; /* host byte order */
	__u16 vlan_tci;
	__u32 flags;
	__u32 reserved;
	__u32 magic; /* last: the four bytes right in front of the frame */
};

#endif /* NETRING_XSK_H */
