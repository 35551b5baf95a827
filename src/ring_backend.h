/* SPDX-License-Identifier: MIT */
/*
 * ring_backend.h - the transmit half the TAP and pcap backends share: a
 * private queue of transmit slots, handed out in order and written out in
 * order by the backend (write() to a TAP, writev() to a file).
 */
#ifndef NETRING_RING_BACKEND_H
#define NETRING_RING_BACKEND_H

#include <stdint.h>

#include "netring_int.h"

/*
 * `count` slots of `size` bytes in one mapping made at open.  A slot's
 * frame starts NETRING_FRAME_HEADROOM bytes in; the headroom holds the
 * frame's length and commit time, and the pcap sink builds its record
 * header right in front of the frame so one iovec covers both.  Indices are
 * free-running: [head, tail) are committed and not yet written (in
 * flight), [tail, head + count) are free.
 */
struct nr_txq {
	uint8_t *mem;
	size_t map_size;
	uint32_t count; /* power of two */
	uint32_t size;
	uint32_t head;
	uint32_t tail;
};

struct nr_txq_meta {
	uint32_t len;
	uint32_t reserved;
	uint64_t ts_ns;
};

static inline uint8_t *nr_txq_slot(const struct nr_txq *q, uint32_t i)
{
	return q->mem + (size_t)(i & (q->count - 1)) * q->size;
}

static inline uint8_t *nr_txq_data(const struct nr_txq *q, uint32_t i)
{
	return nr_txq_slot(q, i) + NETRING_FRAME_HEADROOM;
}

static inline struct nr_txq_meta *nr_txq_meta(const struct nr_txq *q,
					      uint32_t i)
{
	return (struct nr_txq_meta *)nr_txq_slot(q, i);
}

static inline uint32_t nr_txq_pending(const struct nr_txq *q)
{
	return q->tail - q->head;
}

static inline uint32_t nr_txq_free(const struct nr_txq *q)
{
	return q->count - (q->tail - q->head);
}

/* 0 or -ENOMEM. */
int nr_txq_init(struct nr_txq *q, uint32_t count, uint32_t size);
void nr_txq_fini(struct nr_txq *q);
/* Hand out up to max free slots (each `capacity` bytes), oldest first. */
unsigned nr_txq_reserve(struct nr_txq *q, struct netring_tx_slot *s,
			unsigned max, uint32_t capacity);
/* Queue the first n slots reserve handed out (the rest go back), stamped
 * ts_ns, and count them in r->tx.queued. */
void nr_txq_commit(struct netring *r, struct nr_txq *q,
		   const struct netring_tx_slot *s, unsigned n, uint64_t ts_ns);
/* Count every frame in flight as failed (*reason += n) and free them. */
void nr_txq_fail_all(struct nr_txq *q, uint64_t *reason);

#endif /* NETRING_RING_BACKEND_H */
