// SPDX-License-Identifier: MIT
/*
 * fuzz_ring_header.c - libFuzzer target: arbitrary bytes presented as a
 * shared slot ring.  The header check must refuse what it cannot trust
 * without reading outside the bytes; what it accepts is then used from
 * both sides (take and release every frame, reserve, fill and commit),
 * and every view must lie inside the bytes and inside its slot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_ring_header: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[NETRING_ERRBUF_SIZE];
	struct nr_ring_geom g;
	struct netring_ring r;
	struct netring_frame f[16];
	uint8_t *buf;
	int i, n;

	/* An allocation of exactly `size` bytes, so ASan sees any read past
	 * them; malloc's alignment suits the header's atomics. */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (nr_ring_validate(buf, size, &g, err) != 0) {
		if (!err[0])
			fail("refused without a reason");
		free(buf);
		return 0;
	}
	if ((uint64_t)g.slots_offset + (uint64_t)g.slot_count * g.slot_size > size)
		fail("accepted slots beyond the bytes");

	memset(&r, 0, sizeof(r));
	nr_ring_bind(&r, buf, size, &g);
	/* Consumer: everything the header says is waiting. */
	for (i = 0; i < 64; i++) {
		n = nr_ring_peek(&r, f, 16);
		if (n <= 0)
			break;
		for (int k = 0; k < n; k++) {
			const uint8_t *slot_end = f[k].data - NETRING_RING_SLOT_DESC +
						  g.slot_size;

			if (f[k].data < buf + g.slots_offset ||
			    f[k].data + f[k].len > buf + size ||
			    f[k].data + f[k].len > slot_end)
				fail("a view outside its slot");
		}
		nr_ring_release(&r, (unsigned)n);
	}
	/* Producer: fill what is free with a frame longer than any slot. */
	{
		static uint8_t big[NETRING_RING_SLOT_SIZE_MAX + 64];
		struct netring_frame in = { .data = big, .len = sizeof(big) };
		uint32_t idx;
		unsigned got = nr_ring_reserve(&r, 16, &idx);

		for (unsigned k = 0; k < got; k++)
			if (nr_ring_fill(&r, idx + k, &in) > r.capacity)
				fail("filled past the slot");
		nr_ring_commit(&r, got);
	}
	free(buf);
	return 0;
}
