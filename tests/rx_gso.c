// SPDX-License-Identifier: MIT
/*
 * rx_gso.c - rx_gso: a ring on the receiving end of a TCP stream (nrt-tcp
 * send, bytes of nrt_tcp.h) over a veth, where the sender's TSO/GSO makes
 * frames up to 64 KiB that no slot holds.  Every view must stay within its
 * slot: a frame longer than the ring's capacity comes cut to exactly the
 * capacity, flagged NETRING_FRAME_TRUNCATED, with its wire length intact;
 * every other frame whole and unflagged.  The bytes a view holds must be
 * the stream's at the frame's sequence number, the frames seen must cover
 * the whole stream, and the ring's counters must say the same: every frame
 * received, `truncated` the super-frames, nothing dropped.
 *
 * usage: rx_gso -i IFACE -p PORT -n BYTES [-b BACKEND] [-R SLOTS]
 *               [-t SECONDS]
 * Prints "ready" once plugged, then the counts and PASS or FAIL lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netring.h>

#include "nrt_tcp.h"
#include "nrt_util.h"

#define BURST 64

struct check {
	uint32_t capacity;
	uint16_t port;
	uint64_t bytes; /* the stream's length */
	bool have_isn, fin;
	uint32_t isn;
	uint8_t *seen;    /* a bit per stream byte carried by a frame seen */
	uint64_t covered; /* bits set in seen */
	uint64_t end;     /* the furthest stream byte seen, + 1 */
	uint64_t frames, other, data, super, cut_flags, max_wire;
	uint64_t bad_views, bad_bytes, reordered;
};

static void fail(const char *what)
{
	printf("FAIL: %s\n", what);
}

/* One view: its bounds, then, for the stream's own frames, its bytes. */
static void check_frame(struct check *c, const struct netring_frame *f)
{
	const uint8_t *d = f->data;
	const struct iphdr *ip;
	const struct tcphdr *tcp;
	uint32_t ihl, doff, plen, hdrs, have, off;
	uint16_t type;

	c->frames++;
	if (f->wire_len > c->max_wire)
		c->max_wire = f->wire_len;
	if (f->flags & NETRING_FRAME_TRUNCATED)
		c->cut_flags++;
	if (f->wire_len > c->capacity) {
		c->super++;
		/* cut to the slot, flagged, wire length kept */
		if (f->len != c->capacity ||
		    !(f->flags & NETRING_FRAME_TRUNCATED))
			c->bad_views++;
	} else if (f->len != f->wire_len ||
		   (f->flags & NETRING_FRAME_TRUNCATED)) {
		c->bad_views++;
	}
	if (f->len > c->capacity) {
		c->bad_views++;
		return;
	}
	if (f->len < ETH_HLEN + sizeof(*ip))
		goto other;
	memcpy(&type, d + 12, 2);
	if (ntohs(type) != ETH_P_IP)
		goto other;
	ip = (const void *)(d + ETH_HLEN);
	ihl = ip->ihl * 4u;
	if (ip->protocol != IPPROTO_TCP || ihl < 20 ||
	    f->len < ETH_HLEN + ihl + sizeof(*tcp))
		goto other;
	tcp = (const void *)(d + ETH_HLEN + ihl);
	if (ntohs(tcp->dest) != c->port)
		goto other;
	doff = tcp->doff * 4u;
	hdrs = ETH_HLEN + ihl + doff;
	if (tcp->syn) {
		c->isn = ntohl(tcp->seq);
		c->have_isn = true;
		return;
	}
	if (tcp->fin)
		c->fin = true;
	if (!c->have_isn || ntohs(ip->tot_len) < ihl + doff)
		return;
	plen = ntohs(ip->tot_len) - ihl - doff;
	if (!plen)
		return;
	c->data++;
	off = ntohl(tcp->seq) - c->isn - 1; /* stream offset, mod 2^32 */
	have = f->len > hdrs ? f->len - hdrs : 0;
	if (have > plen)
		have = plen;
	for (uint32_t i = 0; i < have; i++)
		if (d[hdrs + i] != nrt_tcp_byte((uint64_t)off + i)) {
			c->bad_bytes++;
			break;
		}
	/* Frames may come out of order: a sender that moves between CPUs
	 * leaves its frames in two CPUs' backlogs.  Count those, and mark
	 * the stream bytes each frame carried. */
	if (off < c->end)
		c->reordered++;
	if ((uint64_t)off + plen > c->end)
		c->end = (uint64_t)off + plen;
	/* (bytes past the stream's end show in `end`, which must equal
	 * the stream's length) */
	for (uint64_t k = off; k < (uint64_t)off + plen && k < c->bytes; k++) {
		uint8_t bit = (uint8_t)(1u << (k & 7));

		if (!(c->seen[k >> 3] & bit)) {
			c->seen[k >> 3] |= bit;
			c->covered++;
		}
	}
	return;
other:
	c->other++;
}

int main(int argc, char **argv)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	struct netring_frame f[BURST];
	struct check c = { 0 };
	struct netring_info info;
	struct netring_stats st;
	const char *ifname = NULL;
	uint64_t v, timeout_s = 30, deadline, missing = 0;
	struct netring *r;
	int opt, rc, bad = 0;

	while ((opt = getopt(argc, argv, "i:b:p:n:R:t:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'b':
			rc = netring_backend_parse(optarg);
			if (rc < 0)
				goto usage;
			cfg.backend = (enum netring_backend)rc;
			break;
		case 'p':
			if (nrt_parse_u64(optarg, 65535, &v) || !v)
				goto usage;
			c.port = (uint16_t)v;
			break;
		case 'n':
			if (nrt_parse_u64(optarg, UINT32_MAX, &c.bytes))
				goto usage;
			break;
		case 'R':
			if (nrt_parse_u64(optarg, UINT32_MAX, &v))
				goto usage;
			cfg.ring_frames = (uint32_t)v;
			break;
		case 't':
			if (nrt_parse_u64(optarg, 3600, &timeout_s))
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (!ifname || !c.port || !c.bytes)
		goto usage;
	c.seen = calloc((size_t)(c.bytes + 7) / 8, 1);
	if (!c.seen) {
		fprintf(stderr, "rx_gso: out of memory\n");
		return 1;
	}

	rc = netring_open(&r, ifname, &cfg, errbuf);
	if (rc) {
		fprintf(stderr, "rx_gso: %s\n", errbuf);
		return 1;
	}
	netring_get_info(r, &info, sizeof(info));
	c.capacity = info.frame_capacity;
	printf("ready\n");
	fflush(stdout);

	deadline = nrt_mono_ns() + timeout_s * 1000000000ull;
	for (;;) {
		uint64_t now = nrt_mono_ns();
		int n = netring_rx_burst(r, f, BURST);

		if (n < 0) {
			fprintf(stderr, "rx_gso: %s\n", netring_error(r));
			return 1;
		}
		for (int i = 0; i < n; i++)
			check_frame(&c, &f[i]);
		if (n)
			netring_rx_release(r, (unsigned)n);
		/* Done once the FIN and every byte of the stream were seen
		 * (frames may come out of order, so both), and the ring is
		 * drained; or at the deadline. */
		if (c.fin && c.covered == c.bytes && !n)
			break;
		if (now >= deadline)
			break;
		if (!n)
			netring_wait(r, 10);
	}
	netring_stats_get(r, &st, sizeof(st));
	for (uint64_t k = 0; k < c.bytes; k++)
		if (!(c.seen[k >> 3] & (1u << (k & 7)))) {
			if (!missing)
				printf("stream bytes from %" PRIu64
				       " were in no frame seen\n", k);
			missing++;
		}

	printf("capacity %" PRIu32 " frames %" PRIu64 " data %" PRIu64
	       " other %" PRIu64 " super %" PRIu64 " max_wire %" PRIu64
	       " reordered %" PRIu64 " stream bytes %" PRIu64 " missing %"
	       PRIu64 " end %" PRIu64 "\n",
	       c.capacity, c.frames, c.data, c.other, c.super, c.max_wire,
	       c.reordered, c.bytes, missing, c.end);
	printf("received %" PRIu64 " truncated %" PRIu64 " dropped %" PRIu64
	       " (ring_full %" PRIu64 " no_buffer %" PRIu64 ") kernel_seen %"
	       PRIu64 " unread %" PRIu64 "\n",
	       st.received, st.truncated, st.dropped, st.dropped_ring_full,
	       st.dropped_no_buffer, st.kernel_seen, st.unread);
#define EXPECT(cond, what)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fail(what);                                            \
			bad++;                                                 \
		}                                                              \
	} while (0)
	EXPECT(c.have_isn && c.fin, "the connection's SYN and FIN were seen");
	EXPECT(c.super > 0, "a frame longer than a slot arrived (a GSO "
			    "super-frame; is TSO on?)");
	EXPECT(c.bad_views == 0, "every view within its slot: long frames cut "
				 "to the capacity and flagged, the rest whole");
	EXPECT(c.bad_bytes == 0, "every byte of every view is the stream's");
	EXPECT(missing == 0 && c.end == c.bytes,
	       "the frames seen carry every byte of the stream, and no more");
	EXPECT(st.received == c.frames, "received counts every frame");
	EXPECT(st.truncated == c.super && c.cut_flags == c.super,
	       "truncated counts exactly the frames longer than a slot");
	EXPECT(st.dropped == 0, "no frame dropped");
	printf(bad ? "FAIL\n" : "PASS\n");
	netring_close(r);
	free(c.seen);
	return bad ? 1 : 0;
usage:
	fprintf(stderr, "usage: rx_gso -i IFACE -p PORT -n BYTES [-b BACKEND] "
			"[-R SLOTS] [-t SECONDS]\n");
	return 2;
}
