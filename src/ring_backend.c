/* SPDX-License-Identifier: MIT */
/*
 * ring_backend.c - what the TAP and pcap backends share: both fill a slot
 * ring from their source and deliver from it, and both write what they
 * transmit from a queue of slots of their own (ring_backend.h).  Apart from
 * ring.c, which stays free of the ring handle so it can be fuzzed alone.
 */
#include <string.h>
#include <sys/mman.h>

#include "netring_int.h"
#include "ring.h"
#include "ring_backend.h"

int nr_ring_backend_burst(struct netring *r, struct netring_ring *ring,
			  struct netring_frame *f, unsigned max,
			  unsigned (*pull)(struct netring *r, unsigned want),
			  const char *source)
{
	uint64_t bytes = 0, wire_bytes = 0;
	unsigned truncated = 0;
	int n, i;

	n = nr_ring_peek(ring, f, max);
	if (n >= 0 && (unsigned)n < max && pull(r, max - (unsigned)n)) {
		int more = nr_ring_peek(ring, f + n, max - (unsigned)n);

		if (more > 0)
			n += more;
	}
	if (unlikely(n < 0))
		return nr_set_error(r, n, "%s: the slot ring is corrupt", source);
	for (i = 0; i < n; i++) {
		bytes += f[i].len;
		wire_bytes += f[i].wire_len;
		truncated += !!(f[i].flags & NETRING_FRAME_TRUNCATED);
	}
	r->received += (unsigned)n;
	r->bytes += bytes;
	r->wire_bytes += wire_bytes;
	r->truncated += truncated;
	return n;
}

/* ------------------------------------------------------------------------
 * Transmit slots
 * ------------------------------------------------------------------------ */

int nr_txq_init(struct nr_txq *q, uint32_t count, uint32_t size)
{
	size_t bytes = (size_t)count * size;
	void *m;

	memset(q, 0, sizeof(*q));
	/* Anonymous pages: the kernel backs only the slots ever written. */
	m = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	q->mem = m;
	q->map_size = bytes;
	q->count = count;
	q->size = size;
	return 0;
}

void nr_txq_fini(struct nr_txq *q)
{
	if (q->mem)
		munmap(q->mem, q->map_size);
	q->mem = NULL;
}

unsigned nr_txq_reserve(struct nr_txq *q, struct netring_tx_slot *s,
			unsigned max, uint32_t capacity)
{
	uint32_t free_slots = nr_txq_free(q);
	unsigned n = max < free_slots ? max : free_slots;

	for (unsigned i = 0; i < n; i++) {
		s[i].data = nr_txq_data(q, q->tail + i);
		s[i].capacity = capacity;
		s[i].len = 0;
	}
	return n;
}

void nr_txq_commit(struct netring *r, struct nr_txq *q,
		   const struct netring_tx_slot *s, unsigned n, uint64_t ts_ns)
{
	for (unsigned i = 0; i < n; i++) {
		struct nr_txq_meta *m = nr_txq_meta(q, q->tail + i);

		m->len = s[i].len;
		m->ts_ns = ts_ns;
	}
	/* Slots reserved beyond n were never taken from the free range. */
	q->tail += n;
	r->tx.queued += n;
}

void nr_txq_fail_all(struct nr_txq *q, uint64_t *reason)
{
	*reason += nr_txq_pending(q);
	q->head = q->tail;
}
