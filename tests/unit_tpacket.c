/* SPDX-License-Identifier: MIT */
/*
 * unit_tpacket.c - the TPACKET_V3 block walker (src/tpacket_v3.h) over blocks
 * built here the way the kernel lays them out: frame views, VLAN tags put
 * back into the bytes, truncation, outgoing frames, and when each block is
 * given back to the kernel.  Needs no privileges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpacket_v3.h"

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			failures++;                                            \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

#define BLOCKS 4
#define BLOCK_SIZE 8192
#define CAPACITY 1792
/* Where the kernel puts the MAC header with PACKET_RESERVE 4:
 * TPACKET_ALIGN(TPACKET3_HDRLEN + 16) + 4 - ETH_HLEN. */
#define MAC_OFFSET (TPACKET_ALIGN(TPACKET3_HDRLEN + 16) + 4 - ETH_HLEN)

struct test_frame {
	uint32_t len;  /* bytes in the ring (after the kernel stripped a tag) */
	uint32_t wire; /* skb->len */
	uint32_t status;
	uint16_t tci, tpid;
	uint8_t pkttype;
	uint8_t fill; /* payload byte pattern seed */
};

struct ring {
	uint8_t *map;
	uint32_t taken[BLOCKS];
	struct tp3_reader rd;
};

static void ring_init(struct ring *r)
{
	memset(r, 0, sizeof(*r));
	r->map = aligned_alloc(4096, BLOCKS * BLOCK_SIZE);
	memset(r->map, 0, BLOCKS * BLOCK_SIZE);
	r->rd.map = r->map;
	r->rd.block_size = BLOCK_SIZE;
	r->rd.block_mask = BLOCKS - 1;
	r->rd.capacity = CAPACITY;
	r->rd.ifindex = 7;
	r->rd.vlan_restore = true;
	r->rd.taken = r->taken;
}

static uint8_t frame_byte(const struct test_frame *tf, uint32_t i)
{
	return (uint8_t)(tf->fill + i * 7);
}

/* Fill block b with frames and hand it to "user space", as the kernel does. */
static void block_fill(struct ring *r, uint32_t b, const struct test_frame *tf,
		       unsigned n)
{
	struct tpacket_block_desc *bd =
		(struct tpacket_block_desc *)(r->map + b * BLOCK_SIZE);
	uint32_t off = TPACKET_ALIGN(sizeof(*bd));

	memset(bd, 0, BLOCK_SIZE);
	bd->version = TPACKET_V3;
	bd->hdr.bh1.num_pkts = n;
	bd->hdr.bh1.offset_to_first_pkt = off;
	for (unsigned i = 0; i < n; i++) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)((uint8_t *)bd + off);
		struct sockaddr_ll *sll =
			(struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
		uint8_t *mac = (uint8_t *)h + MAC_OFFSET;

		h->tp_mac = MAC_OFFSET;
		h->tp_snaplen = tf[i].len;
		h->tp_len = tf[i].wire;
		h->tp_status = tf[i].status | TP_STATUS_USER;
		h->tp_sec = 1000 + i;
		h->tp_nsec = 500 + b;
		h->hv1.tp_vlan_tci = tf[i].tci;
		h->hv1.tp_vlan_tpid = tf[i].tpid;
		sll->sll_pkttype = tf[i].pkttype;
		for (uint32_t k = 0; k < tf[i].len; k++)
			mac[k] = frame_byte(&tf[i], k);
		off += TPACKET_ALIGN(MAC_OFFSET + tf[i].len);
		h->tp_next_offset = i + 1 < n ? TPACKET_ALIGN(MAC_OFFSET + tf[i].len) : 0;
		if (off + MAC_OFFSET + 2048 > BLOCK_SIZE && i + 1 < n) {
			fprintf(stderr, "test bug: block %u overfull\n", b);
			exit(1);
		}
	}
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_USER,
			 __ATOMIC_RELEASE);
}

static bool block_is_kernels(const struct ring *r, uint32_t b)
{
	const struct tpacket_block_desc *bd =
		(const struct tpacket_block_desc *)(r->map + b * BLOCK_SIZE);

	return bd->hdr.bh1.block_status == TP_STATUS_KERNEL;
}

static bool bytes_match(const struct netring_frame *f, const struct test_frame *tf)
{
	for (uint32_t k = 0; k < f->len; k++)
		if (f->data[k] != frame_byte(tf, k))
			return false;
	return true;
}

static void test_views_in_order(void)
{
	struct ring r;
	struct test_frame a[3] = { { 60, 60, 0, 0, 0, 0, 1 },
				   { 1514, 1514, 0, 0, 0, 0, 2 },
				   { 200, 200, TP_STATUS_TS_RAW_HARDWARE, 0, 0, 0, 3 } };
	struct test_frame b[2] = { { 100, 100, 0, 0, 0, 0, 4 },
				   { 101, 101, 0, 0, 0, 0, 5 } };
	struct netring_frame f[8];
	struct tp3_counts c = { 0 };
	unsigned n;

	ring_init(&r);
	CHECK(!tp3_ready(&r.rd), "empty ring reported ready");
	CHECK(tp3_read(&r.rd, f, 8, &c) == 0, "read from an empty ring");
	block_fill(&r, 0, a, 3);
	block_fill(&r, 1, b, 2);
	CHECK(tp3_ready(&r.rd), "filled ring not ready");

	n = tp3_read(&r.rd, f, 2, &c); /* stops in the middle of block 0 */
	CHECK(n == 2, "first read: %u", n);
	n += tp3_read(&r.rd, f + 2, 8, &c);
	CHECK(n == 5, "all frames: %u", n);
	for (unsigned i = 0; i < 3; i++) {
		CHECK(f[i].len == a[i].len && f[i].wire_len == a[i].wire,
		      "frame %u lengths %u/%u", i, f[i].len, f[i].wire_len);
		CHECK(bytes_match(&f[i], &a[i]), "frame %u bytes", i);
		CHECK(f[i].ifindex == 7, "frame %u ifindex", i);
		CHECK(f[i].ts_ns == (1000ull + i) * 1000000000ull + 500,
		      "frame %u ts %llu", i, (unsigned long long)f[i].ts_ns);
	}
	CHECK(f[0].flags == NETRING_FRAME_TS_SOFTWARE, "flags 0x%x", f[0].flags);
	CHECK(f[2].flags == NETRING_FRAME_TS_HARDWARE, "hw ts flags 0x%x", f[2].flags);
	CHECK(bytes_match(&f[3], &b[0]) && bytes_match(&f[4], &b[1]), "block 1 bytes");
	CHECK(c.bytes == 60 + 1514 + 200 + 100 + 101 && c.wire_bytes == c.bytes,
	      "bytes %llu", (unsigned long long)c.bytes);
	CHECK(c.truncated == 0, "truncated %u", c.truncated);
	free(r.map);
}

static void test_vlan(void)
{
	struct ring r;
	struct test_frame v[4] = {
		/* stripped 802.1Q tag, TPID not reported: 0x8100 is put back */
		{ 100, 100, TP_STATUS_VLAN_VALID, 0x2005, 0, 0, 9 },
		/* 802.1ad, TPID reported */
		{ 100, 100, TP_STATUS_VLAN_VALID | TP_STATUS_VLAN_TPID_VALID,
		  0x0007, 0x88a8, 0, 11 },
		/* a tag on a frame already as long as a slot: cut to capacity */
		{ CAPACITY, CAPACITY, TP_STATUS_VLAN_VALID, 0x0001, 0, 0, 13 },
		/* no tag */
		{ 80, 80, 0, 0, 0, 0, 15 },
	};
	struct netring_frame f[4];
	struct tp3_counts c = { 0 };
	unsigned n;

	ring_init(&r);
	block_fill(&r, 0, v, 4);
	n = tp3_read(&r.rd, f, 4, &c);
	CHECK(n == 4, "read %u", n);

	CHECK(f[0].len == 104 && f[0].wire_len == 104, "vlan lengths %u/%u",
	      f[0].len, f[0].wire_len);
	CHECK(f[0].flags == (NETRING_FRAME_VLAN | NETRING_FRAME_VLAN_RESTORED |
			     NETRING_FRAME_TS_SOFTWARE),
	      "vlan flags 0x%x", f[0].flags);
	CHECK(f[0].vlan_tci == 0x2005, "tci 0x%x", f[0].vlan_tci);
	/* MACs first, then the tag, then the rest of the frame unchanged */
	for (unsigned k = 0; k < 12; k++)
		CHECK(f[0].data[k] == frame_byte(&v[0], k), "mac byte %u", k);
	CHECK(f[0].data[12] == 0x81 && f[0].data[13] == 0x00 &&
	      f[0].data[14] == 0x20 && f[0].data[15] == 0x05,
	      "tag bytes %02x%02x %02x%02x", f[0].data[12], f[0].data[13],
	      f[0].data[14], f[0].data[15]);
	for (unsigned k = 12; k < 100; k++)
		CHECK(f[0].data[k + 4] == frame_byte(&v[0], k), "byte %u after tag", k);

	CHECK(f[1].data[12] == 0x88 && f[1].data[13] == 0xa8 &&
	      f[1].data[14] == 0x00 && f[1].data[15] == 0x07, "802.1ad tag");

	CHECK(f[2].len == CAPACITY && f[2].wire_len == CAPACITY + 4,
	      "capped lengths %u/%u", f[2].len, f[2].wire_len);
	CHECK(f[2].flags & NETRING_FRAME_TRUNCATED, "capped frame not flagged");
	CHECK(c.truncated == 1, "truncated count %u", c.truncated);

	CHECK(f[3].len == 80 && !(f[3].flags & NETRING_FRAME_VLAN) &&
	      f[3].vlan_tci == 0, "untagged frame");
	free(r.map);

	/* With restoring off the bytes stay as the kernel left them. */
	ring_init(&r);
	r.rd.vlan_restore = false;
	block_fill(&r, 0, v, 1);
	n = tp3_read(&r.rd, f, 4, &c);
	CHECK(n == 1 && f[0].len == 100 && bytes_match(&f[0], &v[0]) &&
	      f[0].flags == (NETRING_FRAME_VLAN | NETRING_FRAME_TS_SOFTWARE) &&
	      f[0].vlan_tci == 0x2005, "no-restore view");
	free(r.map);
}

static void test_truncated(void)
{
	struct ring r;
	struct test_frame t[1] = { { CAPACITY, 9000, 0, 0, 0, 0, 21 } };
	struct netring_frame f[1];
	struct tp3_counts c = { 0 };

	ring_init(&r);
	block_fill(&r, 0, t, 1);
	CHECK(tp3_read(&r.rd, f, 1, &c) == 1, "read");
	CHECK(f[0].len == CAPACITY && f[0].wire_len == 9000 &&
	      (f[0].flags & NETRING_FRAME_TRUNCATED) && c.truncated == 1 &&
	      c.wire_bytes == 9000 && c.bytes == CAPACITY, "truncated view");
	CHECK(bytes_match(&f[0], &t[0]), "truncated prefix");
	free(r.map);

	/* No snap filter yet: the kernel wrote the whole frame into the
	 * block; the view still ends at the capacity, flagged and counted. */
	{
		struct test_frame w[2] = { { 3000, 3000, 0, 0, 0, 0, 23 },
					   { 1500, 1500, 0, 0, 0, 0, 25 } };
		struct netring_frame g[2];
		struct tp3_counts d = { 0 };

		ring_init(&r);
		block_fill(&r, 0, w, 2);
		CHECK(tp3_read(&r.rd, g, 2, &d) == 2, "read uncut");
		CHECK(g[0].len == CAPACITY && g[0].wire_len == 3000 &&
		      (g[0].flags & NETRING_FRAME_TRUNCATED), "uncut frame view %u/%u",
		      g[0].len, g[0].wire_len);
		CHECK(bytes_match(&g[0], &w[0]) && bytes_match(&g[1], &w[1]) &&
		      g[1].len == 1500 && !(g[1].flags & NETRING_FRAME_TRUNCATED),
		      "uncut frame bytes, next frame whole");
		CHECK(d.truncated == 1 && d.bytes == CAPACITY + 1500 &&
		      d.wire_bytes == 4500, "uncut counts");
		free(r.map);
	}
}

static void test_outgoing(void)
{
	struct ring r;
	struct test_frame o[3] = { { 60, 60, 0, 0, 0, PACKET_HOST, 1 },
				   { 61, 61, 0, 0, 0, PACKET_OUTGOING, 2 },
				   { 62, 62, 0, 0, 0, PACKET_BROADCAST, 3 } };
	struct netring_frame f[3];
	struct tp3_counts c = { 0 };
	unsigned n;

	ring_init(&r);
	r.rd.check_pkttype = true;
	r.rd.skip_outgoing = true;
	block_fill(&r, 0, o, 3);
	n = tp3_read(&r.rd, f, 3, &c);
	CHECK(n == 2 && f[0].len == 60 && f[1].len == 62, "outgoing skipped: %u", n);
	tp3_release(&r.rd, n);
	CHECK(block_is_kernels(&r, 0), "block with a skipped frame not given back");
	free(r.map);

	ring_init(&r);
	r.rd.check_pkttype = true;
	block_fill(&r, 0, o, 3);
	n = tp3_read(&r.rd, f, 3, &c);
	CHECK(n == 3 && !(f[0].flags & NETRING_FRAME_OUTGOING) &&
	      (f[1].flags & NETRING_FRAME_OUTGOING) &&
	      !(f[2].flags & NETRING_FRAME_OUTGOING), "outgoing flagged");
	free(r.map);
}

static void test_give_back(void)
{
	struct ring r;
	struct test_frame two[2] = { { 60, 60, 0, 0, 0, 0, 1 },
				     { 60, 60, 0, 0, 0, 0, 2 } };
	struct netring_frame f[16];
	struct tp3_counts c = { 0 };
	unsigned n;

	ring_init(&r);
	block_fill(&r, 0, two, 2);
	block_fill(&r, 1, two, 2);
	n = tp3_read(&r.rd, f, 3, &c); /* all of block 0, one of block 1 */
	CHECK(n == 3, "read %u", n);
	tp3_release(&r.rd, 1);
	CHECK(!block_is_kernels(&r, 0), "block 0 given back with a frame held");
	tp3_release(&r.rd, 1);
	CHECK(block_is_kernels(&r, 0), "block 0 not given back when released");
	tp3_release(&r.rd, 1);
	CHECK(!block_is_kernels(&r, 1), "block 1 given back before it was read");
	n = tp3_read(&r.rd, f, 16, &c);
	CHECK(n == 1, "rest of block 1: %u", n);
	CHECK(!block_is_kernels(&r, 1), "block 1 given back with a frame held");
	tp3_release(&r.rd, 1);
	CHECK(block_is_kernels(&r, 1), "block 1 not given back");
	free(r.map);
}

/* Every block held by the application: nothing is read twice, and after
 * release the ring wraps around. */
static void test_full_ring_and_wrap(void)
{
	struct ring r;
	struct test_frame one[1] = { { 64, 64, 0, 0, 0, 0, 0 } };
	struct netring_frame f[16];
	struct tp3_counts c = { 0 };
	unsigned n, total = 0;

	ring_init(&r);
	for (uint32_t b = 0; b < BLOCKS; b++) {
		one[0].fill = (uint8_t)b;
		block_fill(&r, b, one, 1);
	}
	n = tp3_read(&r.rd, f, 16, &c);
	CHECK(n == BLOCKS, "read %u of %u", n, BLOCKS);
	CHECK(!tp3_ready(&r.rd), "fully held ring reported ready");
	CHECK(tp3_read(&r.rd, f, 16, &c) == 0, "fully held ring read again");

	for (unsigned round = 0; round < 3 * BLOCKS; round++) {
		uint32_t b = round % BLOCKS;

		tp3_release(&r.rd, 1); /* the oldest block goes back */
		CHECK(block_is_kernels(&r, b), "round %u: block %u not given back",
		      round, b);
		one[0].fill = (uint8_t)(100 + round);
		block_fill(&r, b, one, 1);
		n = tp3_read(&r.rd, f, 16, &c);
		CHECK(n == 1 && f[0].data[0] == (uint8_t)(100 + round),
		      "round %u: read %u", round, n);
		total += n;
	}
	CHECK(total == 3 * BLOCKS, "wrapped reads %u", total);
	free(r.map);
}

static void test_empty_block(void)
{
	struct ring r;
	struct test_frame one[1] = { { 64, 64, 0, 0, 0, 0, 3 } };
	struct netring_frame f[4];
	struct tp3_counts c = { 0 };

	ring_init(&r);
	block_fill(&r, 0, one, 0);
	block_fill(&r, 1, one, 1);
	CHECK(tp3_read(&r.rd, f, 4, &c) == 1, "frame after an empty block");
	CHECK(block_is_kernels(&r, 0), "empty block not given back");
	free(r.map);
}

int main(void)
{
	test_views_in_order();
	test_vlan();
	test_truncated();
	test_outgoing();
	test_give_back();
	test_full_ring_and_wrap();
	test_empty_block();
	if (failures) {
		fprintf(stderr, "unit_tpacket: %d failures\n", failures);
		return 1;
	}
	printf("unit_tpacket: ok\n");
	return 0;
}
