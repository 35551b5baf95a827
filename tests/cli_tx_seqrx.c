// SPDX-License-Identifier: MIT
/*
 * cli_tx_seqrx.c - the receiving half of the `netring gen --seq` test: plug
 * an interface (AF_PACKET, monitor), take the UDP/IPv4 frames gen sends and
 * check that frames 0..N-1 arrive complete and in order, each the same bytes
 * as the first apart from its sequence number (the test header of
 * lib/frames.h at the start of the UDP payload: "NRT1", seed, seq, length,
 * flags, big-endian).  Other frames are counted and ignored.
 *
 *	cli_tx_seqrx -i IFACE -n COUNT [-s SIZE] [-t SECONDS] [-T MS]
 *
 * -T: the ring's block timeout (ms; default netring's).  Prints "ready" once
 * plugged, then "received R in_order O lost L reordered X other Y" and PASS
 * or FAIL.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netring.h"
#include "nrt_util.h"

#define HDRS (14u + 20u + 8u) /* Ethernet, IPv4, UDP */
#define SEQ_OFF (HDRS + 8u)
#define MAGIC "NRT1"

struct seqrx {
	uint64_t expected, size;
	uint64_t received, in_order, reordered, other, bad;
	uint32_t next;
	bool have_first;
	uint8_t first[NETRING_FRAME_SIZE_MAX];
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool is_gen_frame(const uint8_t *d, uint32_t len)
{
	return len >= SEQ_OFF + 8 && d[12] == 0x08 && d[13] == 0x00 &&
	       d[23] == 17 && memcmp(d + HDRS, MAGIC, 4) == 0;
}

static void on_frame(const struct netring_frame *f, void *user)
{
	struct seqrx *s = user;
	uint32_t seq;

	if (!is_gen_frame(f->data, f->len)) {
		s->other++;
		return;
	}
	s->received++;
	seq = get32(f->data + SEQ_OFF);
	if (f->len != s->size || f->wire_len != s->size) {
		if (s->bad++ < 5)
			fprintf(stderr, "frame %u: %u bytes (wire %u), expected %" PRIu64 "\n",
				seq, f->len, f->wire_len, s->size);
		return;
	}
	if (!s->have_first) {
		memcpy(s->first, f->data, f->len);
		s->have_first = true;
	}
	/* Byte-exact apart from the sequence number. */
	if (memcmp(f->data, s->first, SEQ_OFF) ||
	    memcmp(f->data + SEQ_OFF + 4, s->first + SEQ_OFF + 4,
		   f->len - SEQ_OFF - 4)) {
		if (s->bad++ < 5)
			fprintf(stderr, "frame %u: bytes differ from frame 0's\n",
				seq);
		return;
	}
	if (seq == s->next) {
		s->in_order++;
		s->next++;
	} else {
		if (s->reordered++ < 5)
			fprintf(stderr, "frame %u where %u was next\n", seq,
				s->next);
		if (seq > s->next)
			s->next = seq + 1;
	}
}

int main(int argc, char **argv)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	static struct seqrx s = { .size = 60 };
	uint64_t timeout_s = 60, deadline, block_ms = 0;
	const char *ifname = NULL;
	struct netring *r;
	int opt, rc;

	while ((opt = getopt(argc, argv, "i:n:s:t:T:")) != -1) {
		rc = 0;
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'n':
			rc = nrt_parse_u64(optarg, UINT32_MAX, &s.expected);
			break;
		case 's':
			rc = nrt_parse_u64(optarg, NETRING_FRAME_SIZE_MAX, &s.size);
			break;
		case 't':
			rc = nrt_parse_u64(optarg, 3600, &timeout_s);
			break;
		case 'T': /* the ring's block timeout, ms */
			rc = nrt_parse_u64(optarg, 1000, &block_ms);
			break;
		default:
			rc = -EINVAL;
		}
		if (rc) {
			fprintf(stderr, "usage: cli_tx_seqrx -i IFACE -n COUNT [-s SIZE] [-t SECONDS] [-T MS]\n");
			return 2;
		}
	}
	if (!ifname || !s.expected || s.size < SEQ_OFF + 8) {
		fprintf(stderr, "usage: cli_tx_seqrx -i IFACE -n COUNT [-s SIZE] [-t SECONDS] [-T MS]\n");
		return 2;
	}
	cfg.backend = NETRING_BACKEND_PACKET;
	cfg.block_timeout_ms = (uint32_t)block_ms;
	rc = netring_open(&r, ifname, &cfg, errbuf);
	if (rc < 0) {
		fprintf(stderr, "FAIL: netring_open(%s): %s\n", ifname, errbuf);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	deadline = nrt_mono_ns() + timeout_s * 1000000000ull;
	while (s.received < s.expected && nrt_mono_ns() < deadline) {
		rc = netring_dispatch(r, 64, on_frame, &s);
		if (rc == 0)
			rc = netring_wait(r, 100);
		if (rc < 0 && rc != -EINTR) {
			fprintf(stderr, "FAIL: %s\n", netring_error(r));
			break;
		}
	}
	/* Anything more would be frames that should not exist. */
	usleep(200000);
	while (netring_dispatch(r, 64, on_frame, &s) > 0)
		;
	netring_close(r);
	printf("received %" PRIu64 " in_order %" PRIu64 " lost %" PRIu64
	       " reordered %" PRIu64 " bad %" PRIu64 " other %" PRIu64 "\n",
	       s.received, s.in_order,
	       s.expected > s.in_order ? s.expected - s.in_order : 0,
	       s.reordered, s.bad, s.other);
	rc = s.received == s.expected && s.in_order == s.expected &&
	     !s.reordered && !s.bad;
	printf("%s\n", rc ? "PASS" : "FAIL");
	return rc ? 0 : 1;
}
