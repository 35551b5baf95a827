/* SPDX-License-Identifier: MIT */
/*
 * ring_backend.c - what the TAP and pcap backends share: both fill a slot
 * ring from their source and deliver from it.  Apart from ring.c, which
 * stays free of the ring handle so it can be fuzzed on its own.
 */
#include "netring_int.h"
#include "ring.h"

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
