// SPDX-License-Identifier: MIT
/*
 * ring_ops.c - the slot ring's producer and consumer operations, one step
 * at a time, producer and consumer on two mappings of one ring: order and
 * bytes across the index wrap, a full ring dropping and counting, an
 * oversize frame cut at its slot, reserve/cancel/commit batches, and the
 * calls that must be refused.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "netring.h"
#include "ring_test.h"

#define SLOTS 8u
#define SLOT_SIZE 128u
#define CAP (SLOT_SIZE - NETRING_RING_SLOT_DESC)

/* Frame `seq`: its length and bytes are a function of seq alone. */
static uint32_t frame_len(uint32_t seq)
{
	return 1 + (seq * 37u) % (CAP + 40); /* some longer than a slot */
}

static uint8_t frame_byte(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131u + i * 7u + (i >> 8));
}

static void frame_make(uint32_t seq, uint8_t *buf, struct netring_frame *f)
{
	uint32_t len = frame_len(seq), i;

	for (i = 0; i < len; i++)
		buf[i] = frame_byte(seq, i);
	memset(f, 0, sizeof(*f));
	f->data = buf;
	f->len = len;
	f->wire_len = len;
	f->ts_ns = 1000ull * seq;
	f->ifindex = seq;
}

/* A view must be frame `seq`, whole or cut to the slot and flagged. */
static bool frame_ok(uint32_t seq, const struct netring_frame *v)
{
	uint32_t len = frame_len(seq), want = len < CAP ? len : CAP, i;

	if (v->ifindex != seq || v->ts_ns != 1000ull * seq)
		return false;
	if (v->len != want || v->wire_len != len)
		return false;
	if (!!(v->flags & NETRING_FRAME_TRUNCATED) != (len > CAP))
		return false;
	for (i = 0; i < v->len; i++)
		if (v->data[i] != frame_byte(seq, i))
			return false;
	return true;
}

static void open_pair(uint32_t first, struct netring_ring **p,
		      struct netring_ring **c)
{
	struct netring_ring_opts o = { .sz = sizeof(o), .slot_count = SLOTS,
				       .slot_size = SLOT_SIZE,
				       .first_index = first };
	char err[NETRING_ERRBUF_SIZE];

	REQUIRE(netring_ring_create(p, &o, err) == 0, "create: %s", err);
	REQUIRE(netring_ring_attach_fd(c, netring_ring_fd(*p), err) == 0,
		"attach: %s", err);
}

/* Random-sized pushes, peeks and releases across the index wrap: every
 * frame comes out once, in order, with its bytes; drops are counted. */
static void test_order_across_wrap(void)
{
	struct netring_ring *p, *c;
	struct netring_frame in[SLOTS + 3], out[SLOTS + 3];
	static uint8_t bufs[SLOTS + 3][CAP + 64];
	struct netring_ring_stats st;
	uint32_t next_in = 0, next_out = 0, rnd = 12345, held = 0;
	uint64_t dropped = 0, truncated = 0;
	int step;

	open_pair(UINT32_MAX - 20, &p, &c);
	for (step = 0; step < 2000; step++) {
		unsigned n, i;
		int got;

		rnd = rnd * 1103515245u + 12345u;
		n = (rnd >> 16) % (SLOTS + 3);
		for (i = 0; i < n; i++)
			frame_make(next_in + i, bufs[i], &in[i]);
		got = netring_ring_push(p, in, n);
		REQUIRE(got >= 0 && (unsigned)got <= n, "push %d of %u", got, n);
		/* The frames that found no room are gone: skip their seqs
		 * on the consumer side too, and count them. */
		for (i = 0; i < (unsigned)got; i++)
			truncated += frame_len(next_in + i) > CAP;
		dropped += n - (unsigned)got;
		next_in += n;

		rnd = rnd * 1103515245u + 12345u;
		got = netring_ring_peek(c, out, (rnd >> 16) % (SLOTS + 3));
		REQUIRE(got >= 0, "peek %d", got);
		for (i = 0; i < (unsigned)got; i++) {
			/* Skip the sequence numbers that were dropped. */
			while (next_out < next_in && !frame_ok(next_out, &out[i]))
				next_out++;
			CHECK(next_out < next_in, "step %d: view %u is no frame",
			      step, i);
			next_out++;
		}
		held += (unsigned)got;
		rnd = rnd * 1103515245u + 12345u;
		if (held && (rnd >> 16) % 3) {
			unsigned r = 1 + (rnd >> 8) % held;

			CHECK(netring_ring_release(c, r) == 0, "release %u", r);
			held -= r;
		}
	}
	CHECK(netring_ring_stats_get(c, &st, sizeof(st)) == 0, "stats");
	CHECK(st.dropped == dropped && dropped > 0, "dropped %llu, expected %llu",
	      (unsigned long long)st.dropped, (unsigned long long)dropped);
	CHECK(st.truncated == truncated && truncated > 0,
	      "truncated %llu, expected %llu", (unsigned long long)st.truncated,
	      (unsigned long long)truncated);
	CHECK(st.produced + st.dropped == next_in, "produced %llu + dropped",
	      (unsigned long long)st.produced);
	netring_ring_close(c);
	netring_ring_close(p);
}

static void test_full_ring_drops(void)
{
	struct netring_ring *p, *c;
	struct netring_frame in[SLOTS + 2], out[SLOTS + 2];
	static uint8_t bufs[SLOTS + 2][CAP + 64];
	struct netring_ring_stats st;
	unsigned i;
	int n;

	open_pair(UINT32_MAX - 3, &p, &c);
	for (i = 0; i < SLOTS + 2; i++)
		frame_make(i, bufs[i], &in[i]);
	n = netring_ring_push(p, in, SLOTS + 2);
	CHECK(n == (int)SLOTS, "push into an empty ring of %u: %d", SLOTS, n);
	CHECK(netring_ring_push(p, in, 1) == 0, "push into a full ring");
	CHECK(netring_ring_stats_get(p, &st, sizeof(st)) == 0 && st.dropped == 3 &&
		      st.waiting == SLOTS && st.produced == SLOTS,
	      "dropped %llu waiting %u produced %llu",
	      (unsigned long long)st.dropped, st.waiting,
	      (unsigned long long)st.produced);
	/* Taken but not released is still full. */
	n = netring_ring_peek(c, out, SLOTS + 2);
	CHECK(n == (int)SLOTS, "peek %d", n);
	for (i = 0; i < SLOTS; i++)
		CHECK(frame_ok(i, &out[i]), "frame %u", i);
	CHECK(netring_ring_push(p, in, 1) == 0, "push while all are held");
	CHECK(netring_ring_release(c, SLOTS + 1) == -EINVAL,
	      "release more than held");
	CHECK(netring_ring_release(c, 2) == 0, "release 2");
	CHECK(netring_ring_push(p, in, 3) == 2, "room for 2 after release");
	netring_ring_close(c);
	netring_ring_close(p);
}

/* An oversize frame is cut at its slot: the neighbour is intact. */
static void test_oversize_stays_in_its_slot(void)
{
	struct netring_ring *p, *c;
	struct netring_frame f, out[2];
	uint8_t big[CAP * 3], small[40];
	uint32_t idx;
	unsigned i;
	int rc;

	open_pair(SLOTS - 1, &p, &c); /* the first slot is the last one */
	memset(big, 0xaa, sizeof(big));
	memset(small, 0x55, sizeof(small));
	REQUIRE(netring_ring_reserve(p, 2, &idx) == 2, "reserve 2");
	CHECK((idx & (SLOTS - 1)) == SLOTS - 1, "first slot %u", idx);
	f = (struct netring_frame){ .data = small, .len = sizeof(small),
				    .wire_len = sizeof(small) };
	CHECK(netring_ring_slot_fill(p, idx + 1, &f) == (int)sizeof(small),
	      "fill the neighbour first");
	f = (struct netring_frame){ .data = big, .len = sizeof(big),
				    .wire_len = 5000 };
	rc = netring_ring_slot_fill(p, idx, &f);
	CHECK(rc == (int)CAP, "oversize fill stored %d", rc);
	CHECK(netring_ring_commit(p, 2) == 0, "commit");
	REQUIRE(netring_ring_peek(c, out, 2) == 2, "peek");
	CHECK(out[0].len == CAP && out[0].wire_len == 5000 &&
		      (out[0].flags & NETRING_FRAME_TRUNCATED),
	      "cut frame: len %u wire %u flags 0x%x", out[0].len,
	      out[0].wire_len, out[0].flags);
	for (i = 0; i < out[0].len; i++)
		if (out[0].data[i] != 0xaa)
			break;
	CHECK(i == CAP, "cut frame bytes differ at %u", i);
	CHECK(out[1].len == sizeof(small) && out[1].wire_len == sizeof(small) &&
		      !(out[1].flags & NETRING_FRAME_TRUNCATED) &&
		      memcmp(out[1].data, small, sizeof(small)) == 0,
	      "the neighbour was overwritten");
	netring_ring_close(c);
	netring_ring_close(p);
}

/* Writing in place: reserve, write, describe, cancel the rest, commit. */
static void test_reserve_in_place(void)
{
	struct netring_ring *p, *c;
	struct netring_frame f = { 0 }, out[SLOTS];
	uint32_t idx;
	uint8_t *d;
	int n, i;

	open_pair(UINT32_MAX, &p, &c);
	n = netring_ring_reserve(p, 5, &idx);
	REQUIRE(n == 5, "reserve 5: %d", n);
	CHECK(idx == UINT32_MAX, "first index %u", idx);
	for (i = 0; i < 3; i++) {
		d = netring_ring_slot_data(p, idx + (uint32_t)i);
		REQUIRE(d, "slot data %d", i);
		memset(d, 'a' + i, 10 + i);
		f.len = 10 + (uint32_t)i;
		f.wire_len = 0; /* raised to len */
		f.ifindex = (uint32_t)i;
		CHECK(netring_ring_slot_set(p, idx + (uint32_t)i, &f) == 10 + i,
		      "describe %d", i);
	}
	f.len = CAP + 1; /* claims more than fits: cut, flagged */
	CHECK(netring_ring_slot_set(p, idx + 3, &f) == (int)CAP, "describe 3");
	CHECK(netring_ring_slot_data(p, idx + 5) == NULL, "data of unreserved");
	CHECK(netring_ring_slot_set(p, idx + 5, &f) == -EINVAL,
	      "describe unreserved");
	CHECK(netring_ring_commit(p, 6) == -EINVAL, "commit more than reserved");
	CHECK(netring_ring_cancel(p, 6) == -EINVAL, "cancel more than reserved");
	CHECK(netring_ring_cancel(p, 1) == 0, "cancel the newest");
	CHECK(netring_ring_commit(p, 3) == 0, "commit 3 of 4");
	n = netring_ring_peek(c, out, SLOTS);
	CHECK(n == 3, "consumer sees the committed 3, not the reserved one: %d",
	      n);
	for (i = 0; i < n; i++)
		CHECK(out[i].len == 10u + (uint32_t)i &&
			      out[i].wire_len == out[i].len &&
			      out[i].data[0] == 'a' + i && out[i].ifindex == (uint32_t)i,
		      "frame %d", i);
	CHECK(netring_ring_commit(p, 1) == 0, "commit the 4th");
	n = netring_ring_peek(c, out, SLOTS);
	CHECK(n == 1 && out[0].len == CAP && out[0].wire_len == CAP + 1 &&
		      (out[0].flags & NETRING_FRAME_TRUNCATED),
	      "4th: n %d len %u", n, out[0].len);
	/* The cancelled slot is reserved again by the next reserve. */
	n = netring_ring_reserve(p, 1, &idx);
	CHECK(n == 1 && idx == (uint32_t)(UINT32_MAX + 4u), "reserve after cancel");
	netring_ring_close(c);
	netring_ring_close(p);
}

static void test_refused_calls(void)
{
	struct netring_ring *p, *c;
	struct netring_frame f = { .data = NULL, .len = 5 }, out[1];
	uint32_t idx;

	open_pair(0, &p, &c);
	CHECK(netring_ring_push(p, &f, 1) == -EINVAL, "frame without data");
	CHECK(netring_ring_push(NULL, &f, 1) == -EINVAL, "no ring");
	CHECK(netring_ring_peek(c, NULL, 1) == -EINVAL, "no views");
	CHECK(netring_ring_peek(c, out, 0) == 0, "max 0");
	CHECK(netring_ring_release(c, 1) == -EINVAL, "release nothing held");
	CHECK(netring_ring_reserve(p, 1, NULL) == -EINVAL, "no idx");
	CHECK(netring_ring_reserve(p, 0, &idx) == 0, "reserve 0");
	CHECK(netring_ring_fd(NULL) == -EINVAL, "fd of NULL");
	netring_ring_close(NULL);
	netring_ring_close(c);
	netring_ring_close(p);
}

int main(void)
{
	test_order_across_wrap();
	test_full_ring_drops();
	test_oversize_stays_in_its_slot();
	test_reserve_in_place();
	test_refused_calls();
	return t_result("ring_ops");
}
