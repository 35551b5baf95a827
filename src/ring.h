/* SPDX-License-Identifier: MIT */
/*
 * ring.h - the shared slot ring's memory layout and its hot path: the
 * single-producer/single-consumer index operations, static inline so the
 * TAP and pcap backends pay no call per frame.  Set-up, validation and the
 * exported API are in ring.c; the layout is documented in netring.h.
 */
#ifndef NETRING_RING_H
#define NETRING_RING_H

#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netring.h"

#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#define NR_CACHE_LINE 64

/* The shared header, exactly as netring.h documents it. */
struct nr_ring_shm {
	/* Line 0: written by the creator before the magic, then read-only. */
	_Atomic uint32_t magic;
	uint32_t version;
	uint32_t hdr_size;
	uint32_t slots_offset;
	uint32_t slot_size;
	uint32_t slot_count;
	uint32_t flags;
	uint32_t reserved;
	uint64_t map_size;
	uint8_t pad0[NR_CACHE_LINE - 40];

	/* Line 1: the producer writes it, the consumer reads it. */
	alignas(NR_CACHE_LINE) _Atomic uint32_t prod;
	uint32_t pad1;
	_Atomic uint64_t dropped;
	_Atomic uint64_t truncated;
	_Atomic uint64_t produced;
	uint8_t pad1b[NR_CACHE_LINE - 32];

	/* Line 2: the consumer writes it, the producer reads it. */
	alignas(NR_CACHE_LINE) _Atomic uint32_t cons;
	uint8_t pad2[NR_CACHE_LINE - 4];
};

struct nr_ring_slot {
	uint32_t len;
	uint32_t wire_len;
	uint64_t ts_ns;
	uint32_t ifindex;
	uint16_t vlan_tci;
	uint16_t flags;
	uint64_t reserved;
	uint8_t data[];
};

_Static_assert(sizeof(struct nr_ring_shm) == NETRING_RING_HDR_SIZE,
	       "header size");
_Static_assert(offsetof(struct nr_ring_shm, map_size) == 32, "map_size");
_Static_assert(offsetof(struct nr_ring_shm, prod) == 64, "prod line");
_Static_assert(offsetof(struct nr_ring_shm, dropped) == 72, "dropped");
_Static_assert(offsetof(struct nr_ring_shm, truncated) == 80, "truncated");
_Static_assert(offsetof(struct nr_ring_shm, produced) == 88, "produced");
_Static_assert(offsetof(struct nr_ring_shm, cons) == 128, "cons line");
_Static_assert(sizeof(struct nr_ring_slot) == NETRING_RING_SLOT_DESC,
	       "slot descriptor");
_Static_assert(sizeof(_Atomic uint32_t) == 4 && sizeof(_Atomic uint64_t) == 8,
	       "atomics change the layout");

/*
 * The private handle.  Geometry is copied from the header once it has been
 * validated and never read from shared memory again, so a peer that
 * scribbles on the header later cannot move our reads or writes.
 */
struct netring_ring {
	struct nr_ring_shm *shm;
	uint8_t *slots;
	uint32_t mask; /* slot_count - 1 */
	uint32_t slot_count;
	uint32_t slot_size;
	uint32_t capacity; /* slot_size - NETRING_RING_SLOT_DESC */

	/* Producer side: [prod_tail, prod_head) reserved, not committed. */
	alignas(NR_CACHE_LINE) uint32_t prod_head;
	uint32_t prod_tail;
	uint32_t cons_cache; /* the consumer's index, as last read */
	uint64_t produced;
	uint64_t dropped;
	uint64_t truncated;
	bool prod_corrupt; /* the consumer broke the protocol: stop */

	/* Consumer side: [cons_tail, cons_head) taken, not released.  The
	 * two sides share no private field, so one handle may serve a
	 * producer thread and a consumer thread at once. */
	alignas(NR_CACHE_LINE) uint32_t cons_head;
	uint32_t cons_tail;
	uint32_t prod_cache; /* the producer's index, as last read */
	bool cons_corrupt;   /* the producer broke the protocol: stop */

	int fd;
	size_t mapped; /* length of our mapping */
	/* An attached handle maps the slots read-only until it first
	 * produces: a consumer's stray store into a frame faults instead of
	 * corrupting what the producer wrote (ring.c, slots_writable()). */
	bool slots_ro;
	char *shm_name; /* set on the creator of a named ring: unlinked on close */
};

static inline struct nr_ring_slot *nr_ring_slot(const struct netring_ring *r,
						uint32_t idx)
{
	return (struct nr_ring_slot *)(r->slots +
				       (size_t)(idx & r->mask) * r->slot_size);
}

/*
 * Producer: reserve up to n slots.  Returns how many, the first at *idx;
 * 0 when full (or when the consumer's index is out of bounds: prod_corrupt).
 */
static inline unsigned nr_ring_reserve(struct netring_ring *r, unsigned n,
				       uint32_t *idx)
{
	uint32_t used = r->prod_head - r->cons_cache;
	uint32_t room = r->slot_count - used;

	if (room < n) {
		/* Acquire pairs with the release store of cons in
		 * nr_ring_release(): the consumer's reads of every slot
		 * before cons are done, so those slots may be rewritten. */
		r->cons_cache = atomic_load_explicit(&r->shm->cons,
						     memory_order_acquire);
		used = r->prod_head - r->cons_cache;
		if (unlikely(used > r->slot_count)) {
			r->prod_corrupt = true;
			return 0;
		}
		room = r->slot_count - used;
		if (room < n)
			n = room;
	}
	*idx = r->prod_head;
	r->prod_head += n;
	return n;
}

/* Producer: hand the n newest reserved slots back unused. */
static inline void nr_ring_cancel(struct netring_ring *r, unsigned n)
{
	r->prod_head -= n;
}

/* Producer: describe what is in reserved slot idx (len bytes written at
 * its data, already cut to the capacity by the caller). */
static inline void nr_ring_slot_set(struct netring_ring *r,
				    struct nr_ring_slot *s, uint32_t len,
				    uint32_t wire_len, uint64_t ts_ns,
				    uint32_t ifindex, uint16_t vlan_tci,
				    uint16_t flags)
{
	if (wire_len < len)
		wire_len = len;
	if (len < wire_len) {
		flags |= NETRING_FRAME_TRUNCATED;
		r->truncated++;
	} else {
		flags &= (uint16_t)~NETRING_FRAME_TRUNCATED;
	}
	s->len = len;
	s->wire_len = wire_len;
	s->ts_ns = ts_ns;
	s->ifindex = ifindex;
	s->vlan_tci = vlan_tci;
	s->flags = flags;
	s->reserved = 0;
}

/* Producer: copy a frame into reserved slot idx, cut to the capacity. */
static inline uint32_t nr_ring_fill(struct netring_ring *r, uint32_t idx,
				    const struct netring_frame *f)
{
	struct nr_ring_slot *s = nr_ring_slot(r, idx);
	uint32_t len = f->len < r->capacity ? f->len : r->capacity;

	if (len)
		memcpy(s->data, f->data, len);
	nr_ring_slot_set(r, s, len, f->len > f->wire_len ? f->len : f->wire_len,
			 f->ts_ns, f->ifindex, f->vlan_tci, f->flags);
	return len;
}

/* Producer: publish the n oldest reserved slots. */
static inline void nr_ring_commit(struct netring_ring *r, unsigned n)
{
	r->prod_tail += n;
	r->produced += n;
	/* The counters are for statistics only: relaxed, and written by us
	 * alone, so a plain read-modify-write of our copy is enough. */
	atomic_store_explicit(&r->shm->produced, r->produced,
			      memory_order_relaxed);
	atomic_store_explicit(&r->shm->truncated, r->truncated,
			      memory_order_relaxed);
	/* Release pairs with the acquire load of prod in nr_ring_peek() and
	 * nr_ring_waiting(): the descriptors and bytes of the slots before
	 * prod are complete when the consumer sees the new index. */
	atomic_store_explicit(&r->shm->prod, r->prod_tail, memory_order_release);
}

static inline void nr_ring_drop(struct netring_ring *r, unsigned n)
{
	r->dropped += n;
	atomic_store_explicit(&r->shm->dropped, r->dropped,
			      memory_order_relaxed);
}

/*
 * Consumer: frames committed and not yet taken, re-reading the producer's
 * index.  Sets cons_corrupt (and returns 0) when that index is out of bounds.
 */
static inline uint32_t nr_ring_waiting(struct netring_ring *r)
{
	uint32_t prod;

	/* Acquire pairs with the release store of prod in nr_ring_commit():
	 * every slot before prod is complete once we see it. */
	prod = atomic_load_explicit(&r->shm->prod, memory_order_acquire);
	if (unlikely(prod - r->cons_tail > r->slot_count ||
		     prod - r->cons_head > r->slot_count)) {
		r->cons_corrupt = true;
		return 0;
	}
	r->prod_cache = prod;
	return prod - r->cons_head;
}

/*
 * Consumer: fill up to max views of the oldest frames not taken yet.
 * Returns how many, or -EBADMSG when the producer broke the protocol (an
 * index or a slot length out of bounds); nothing is read past a slot.
 */
static inline int nr_ring_peek(struct netring_ring *r, struct netring_frame *f,
			       unsigned max)
{
	uint32_t avail = r->prod_cache - r->cons_head;
	unsigned n, i;

	if (unlikely(r->cons_corrupt))
		return -EBADMSG;
	if (avail < max) {
		avail = nr_ring_waiting(r);
		if (unlikely(r->cons_corrupt))
			return -EBADMSG;
	}
	n = avail < max ? avail : max;
	for (i = 0; i < n; i++) {
		const struct nr_ring_slot *s = nr_ring_slot(r, r->cons_head + i);
		/* Read once: the length bounds the view, so a producer that
		 * rewrote it after our check must not be able to widen it. */
		uint32_t len = *(const volatile uint32_t *)&s->len;

		if (unlikely(len > r->capacity)) {
			r->cons_corrupt = true;
			return -EBADMSG;
		}
		f[i].data = s->data;
		f[i].len = len;
		f[i].wire_len = s->wire_len;
		f[i].ts_ns = s->ts_ns;
		f[i].ifindex = s->ifindex;
		f[i].vlan_tci = s->vlan_tci;
		f[i].flags = s->flags;
	}
	r->cons_head += n;
	return (int)n;
}

/* Consumer: frames taken and not yet released. */
static inline uint32_t nr_ring_held(const struct netring_ring *r)
{
	return r->cons_head - r->cons_tail;
}

/* Consumer: give the n oldest taken slots back to the producer. */
static inline void nr_ring_release(struct netring_ring *r, unsigned n)
{
	r->cons_tail += n;
	/* Release pairs with the acquire load of cons in nr_ring_reserve():
	 * our reads of these slots are complete before the producer may
	 * reuse them. */
	atomic_store_explicit(&r->shm->cons, r->cons_tail, memory_order_release);
}

/* Internal to the library: set up, validate (ring.c). */
struct nr_ring_geom {
	uint32_t slot_size;
	uint32_t slot_count;
	uint32_t slots_offset;
	uint64_t map_size;
};

/*
 * Check the header at `base` (mapped for `mapped` bytes, 8-byte aligned)
 * before trusting any of it.  Returns 0 and fills *g, or -EBADMSG /
 * -EPROTONOSUPPORT and explains in err (NETRING_ERRBUF_SIZE bytes).
 */
int nr_ring_validate(const void *base, uint64_t mapped,
		     struct nr_ring_geom *g, char *err);

/* Point handle r at an already validated mapping (no allocation, no fd);
 * both sides start at the indices found in the header. */
void nr_ring_bind(struct netring_ring *r, void *base, uint64_t mapped,
		  const struct nr_ring_geom *g);

/*
 * The burst of a backend that fills a slot ring itself from its source (a
 * TAP's queue, a pcap file): take what waits, ask `pull` for more when that
 * is not enough, and count what is delivered in r's counters.  `source`
 * names the source in the error of a corrupt ring.
 */
struct netring;
int nr_ring_backend_burst(struct netring *r, struct netring_ring *ring,
			  struct netring_frame *f, unsigned max,
			  unsigned (*pull)(struct netring *r, unsigned want),
			  const char *source);

#endif /* NETRING_RING_H */
