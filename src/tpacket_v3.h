/* SPDX-License-Identifier: MIT */
/*
 * tpacket_v3.h - reading a TPACKET_V3 ring in place: walking the blocks the
 * kernel hands over, turning each frame into a view, and giving blocks back
 * once all their frames are released.  Pure memory logic with no system
 * calls, so unit tests can drive it over blocks they build themselves.
 */
#ifndef NETRING_TPACKET_V3_H
#define NETRING_TPACKET_V3_H

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "netring.h"

#define TP3_VLAN_TAG_LEN 4

struct tp3_reader {
	uint8_t *map;        /* block_mask + 1 blocks of block_size bytes */
	uint32_t block_size;
	uint32_t block_mask; /* the block count is a power of two */
	uint32_t capacity;   /* longest frame delivered whole; views are cut
			      * to it whether or not the kernel did */
	uint32_t ifindex;
	bool vlan_restore;  /* put a stripped 802.1Q tag back into the bytes */
	bool check_pkttype; /* look at each frame's sll_pkttype ... */
	bool skip_outgoing; /* ... to drop frames the host sent */

	/*
	 * Blocks rel_blk .. rel_blk+walked-1 have been read to the end and
	 * wait for their frames to be released; blk_cur (== rel_blk+walked)
	 * is being read when `reading`, else it is the block we wait for.
	 * taken[b] counts frames of block b delivered and not yet released.
	 */
	uint32_t rel_blk;
	uint32_t walked;
	uint32_t blk_cur;
	uint32_t left; /* frames of blk_cur not read yet */
	bool reading;
	const uint8_t *pkt; /* next frame header in blk_cur */
	uint32_t *taken;    /* block_mask + 1 counters */
};

/* What one read delivered, for the ring's counters. */
struct tp3_counts {
	uint64_t bytes;
	uint64_t wire_bytes;
	unsigned truncated;
};

static inline struct tpacket_block_desc *tp3_block(const struct tp3_reader *t,
						   uint32_t b)
{
	return (struct tpacket_block_desc *)(t->map + (size_t)b * t->block_size);
}

static inline bool tp3_block_is_ours(const struct tp3_reader *t, uint32_t b)
{
	/* Pairs with the kernel's smp_wmb() before it sets TP_STATUS_USER:
	 * the frames of the block are visible once we see the status. */
	return __atomic_load_n(&tp3_block(t, b)->hdr.bh1.block_status,
			       __ATOMIC_ACQUIRE) &
	       TP_STATUS_USER;
}

static inline void tp3_give_back(struct tp3_reader *t, uint32_t b)
{
	/* Orders our reads (and VLAN rewrites) of the block before the kernel
	 * may fill it again. */
	__atomic_store_n(&tp3_block(t, b)->hdr.bh1.block_status,
			 TP_STATUS_KERNEL, __ATOMIC_RELEASE);
}

/* Give back the read-to-the-end blocks whose frames are all released. */
static inline void tp3_give_back_done(struct tp3_reader *t)
{
	while (t->walked && t->taken[t->rel_blk] == 0) {
		tp3_give_back(t, t->rel_blk);
		t->rel_blk = (t->rel_blk + 1) & t->block_mask;
		t->walked--;
	}
}

static inline void tp3_finish_block(struct tp3_reader *t)
{
	t->reading = false;
	t->walked++;
	t->blk_cur = (t->blk_cur + 1) & t->block_mask;
	tp3_give_back_done(t);
}

/* Put a tag the kernel stripped back in front of the EtherType, moving the
 * MAC addresses into the headroom PACKET_RESERVE keeps before the frame (as
 * libpcap does), so the frame stays contiguous.  Returns the new start. */
static inline uint8_t *tp3_vlan_restore(uint8_t *mac, uint16_t tpid,
					uint16_t tci)
{
	uint16_t be_tpid = htons(tpid), be_tci = htons(tci);

	memmove(mac - TP3_VLAN_TAG_LEN, mac, 2 * ETH_ALEN);
	mac -= TP3_VLAN_TAG_LEN;
	memcpy(mac + 2 * ETH_ALEN, &be_tpid, 2);
	memcpy(mac + 2 * ETH_ALEN + 2, &be_tci, 2);
	return mac;
}

static inline bool tp3_ready(const struct tp3_reader *t)
{
	if (t->reading)
		return true;
	return t->walked <= t->block_mask && tp3_block_is_ours(t, t->blk_cur);
}

/* Open the next block if the kernel has handed it over; false if not. */
static inline bool tp3_open_block(struct tp3_reader *t)
{
	const struct tpacket_block_desc *bd;

	/* every block held by us: nothing new can be there */
	if (t->walked > t->block_mask || !tp3_block_is_ours(t, t->blk_cur))
		return false;
	bd = tp3_block(t, t->blk_cur);
	t->left = bd->hdr.bh1.num_pkts;
	t->pkt = (const uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
	t->reading = true;
	return true;
}

/*
 * Fill up to max views from the blocks the kernel has handed over.  The
 * inner loop works on locals (the reader and the counters are written back
 * once per block), so per frame it only reads the frame's header and
 * writes its view.
 */
static inline unsigned tp3_read(struct tp3_reader *t, struct netring_frame *f,
				unsigned max, struct tp3_counts *c)
{
	const bool check_pkttype = t->check_pkttype;
	const uint32_t capacity = t->capacity, ifindex = t->ifindex;
	unsigned n = 0;

	while (n < max) {
		uint64_t bytes = 0, wire_bytes = 0;
		unsigned k, got, truncated = 0;
		struct netring_frame *v = f + n;
		const uint8_t *pkt;

		if (!t->reading && !tp3_open_block(t))
			break;
		k = t->left < max - n ? t->left : max - n;
		pkt = t->pkt;
		for (unsigned i = k; i; i--) {
			const struct tpacket3_hdr *h = (const void *)pkt;
			const uint32_t status = h->tp_status;
			uint8_t *mac = (uint8_t *)pkt + h->tp_mac;
			uint32_t snap = h->tp_snaplen, wire = h->tp_len;
			uint16_t flags = NETRING_FRAME_TS_SOFTWARE, tci = 0;

			pkt += h->tp_next_offset;
			/* only with PACKET_TIMESTAMP, which netring does not ask
			 * for; otherwise the stamp is the kernel's software one */
			if (__builtin_expect(status & TP_STATUS_TS_RAW_HARDWARE, 0))
				flags = NETRING_FRAME_TS_HARDWARE;
			if (__builtin_expect(check_pkttype, 0)) {
				const struct sockaddr_ll *sll = (const void *)(
					(const uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));

				if (sll->sll_pkttype == PACKET_OUTGOING) {
					if (t->skip_outgoing)
						continue;
					flags |= NETRING_FRAME_OUTGOING;
				}
			}
			if (__builtin_expect(status & TP_STATUS_VLAN_VALID, 0)) {
				flags |= NETRING_FRAME_VLAN;
				tci = h->hv1.tp_vlan_tci;
				if (t->vlan_restore && snap >= 2 * ETH_ALEN) {
					uint16_t tpid =
						(status & TP_STATUS_VLAN_TPID_VALID) ?
							h->hv1.tp_vlan_tpid :
							ETH_P_8021Q;

					mac = tp3_vlan_restore(mac, tpid, tci);
					snap += TP3_VLAN_TAG_LEN;
					wire += TP3_VLAN_TAG_LEN;
					flags |= NETRING_FRAME_VLAN_RESTORED;
				}
			}
			/*
			 * Longer than a slot: the view ends at the capacity.
			 * With the snap filter attached the kernel cut the
			 * frame there already; without it the whole frame is
			 * in the block.  The kernel cuts a frame only there
			 * (or at the end of a block, which is further), so
			 * snap < wire implies wire > capacity and this one
			 * test finds every cut frame.
			 */
			if (__builtin_expect(wire > capacity, 0)) {
				if (snap > capacity)
					snap = capacity;
				flags |= NETRING_FRAME_TRUNCATED;
				truncated++;
			}
			v->data = mac;
			v->len = snap;
			v->wire_len = wire;
			v->ts_ns = (uint64_t)h->tp_sec * 1000000000ull + h->tp_nsec;
			v->ifindex = ifindex;
			v->vlan_tci = tci;
			v->flags = flags;
			bytes += snap;
			wire_bytes += wire;
			v++;
		}
		got = (unsigned)(v - (f + n));
		t->pkt = pkt;
		t->left -= k;
		t->taken[t->blk_cur] += got;
		c->bytes += bytes;
		c->wire_bytes += wire_bytes;
		c->truncated += truncated;
		n += got;
		if (!t->left)
			tp3_finish_block(t);
	}
	return n;
}

/* Release the n oldest frames delivered (the caller checked n <= held). */
static inline void tp3_release(struct tp3_reader *t, unsigned n)
{
	while (n) {
		uint32_t *k = &t->taken[t->rel_blk];
		uint32_t step = *k < n ? *k : n;

		*k -= step;
		n -= step;
		if (*k || !t->walked)
			break; /* what is still held is in this block */
		tp3_give_back_done(t);
	}
}

#endif /* NETRING_TPACKET_V3_H */
