/* SPDX-License-Identifier: MIT */
/*
 * xdp_audit.h - a debug view of the xdp backend's UMEM chunks, for tests:
 * where every chunk is, whether the places add up to the total, and the
 * addresses of the newest transmit descriptors.  Not public API.
 */
#ifndef NETRING_XDP_AUDIT_H
#define NETRING_XDP_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netring;

/*
 * Chunks by place, over every UMEM the ring uses and every ring sharing
 * them.  The kernel's indices are read as published: exact when no
 * traffic moves.  RX side per queue: fill (in the fill ring), kernel_rx
 * (taken from the fill ring, not yet in the RX ring: in flight, or kept
 * by the kernel after a drop), rx (in the RX ring, held included).  TX
 * side: tx_reserved, tx_ring (not yet read by the kernel), kernel_tx
 * (read, not completed), completion (completed, not yet reclaimed).
 */
struct nr_xdp_audit {
	uint32_t total;
	uint32_t free;
	uint32_t fill;
	uint32_t kernel_rx;
	uint32_t rx;
	uint32_t held;
	uint32_t tx_reserved;
	uint32_t tx_ring;
	uint32_t kernel_tx;
	uint32_t completion;
	uint32_t retired; /* lost with a closed sharer's socket */
	uint32_t rings;   /* rings on the UMEM(s) */
	uint32_t umems;
	/* every place summed == total, and each queue's RX side holds
	 * exactly its RX chunks and its TX side exactly tx_out */
	bool consistent;
	const uint8_t *area; /* queue 0's UMEM and its size */
	size_t area_len;
	uint32_t chunk_size;
};

/* 0, or -EINVAL when r is not an xdp ring. */
int nr_xdp_audit(struct netring *r, struct nr_xdp_audit *a);

/* The UMEM addresses (offsets) of the n newest descriptors written to r's
 * TX ring, newest last; returns how many (n at most, the ring's size at
 * most), or -EINVAL. */
int nr_xdp_tx_last(struct netring *r, uint64_t *addrs, unsigned n);

#endif /* NETRING_XDP_AUDIT_H */
