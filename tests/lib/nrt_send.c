// SPDX-License-Identifier: MIT
/*
 * nrt_send.c - nrt-send: send frames 0..COUNT-1 of a test stream (frames.h)
 * out of one interface through a raw AF_PACKET socket, optionally paced to
 * a fixed rate by the pacer of `netring gen` and `send` (tools/pacer.h: a
 * late wake-up catches up TX_PACER_CATCH_UP frames at most).
 * Prints "sent N" (frames the kernel accepted) and "bytes B" (their total
 * length) on stdout.
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frames.h"
#include "nrt_util.h"
#include "pacer.h"

#define BATCH 64

struct sender {
	int fd;
	struct sockaddr_ll to;
	struct nrt_stream stream;
	uint64_t count;
	uint64_t pps;
	uint64_t sent;
	uint64_t bytes;
	uint64_t enobufs;
	uint64_t forgiven; /* pacing slots given up after late wake-ups */
	/* Frames built but not yet accepted by the kernel. */
	uint8_t bufs[BATCH][NRT_FRAME_BUF];
	struct mmsghdr msgs[BATCH];
	struct iovec iovs[BATCH];
};

/* Build frames sent..sent+n-1 into the batch. */
static int sender_fill(struct sender *s, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		int len = nrt_frame_build(&s->stream, (uint32_t)(s->sent + i),
					  s->bufs[i], sizeof(s->bufs[i]));

		if (len < 0)
			return len;
		s->iovs[i].iov_base = s->bufs[i];
		s->iovs[i].iov_len = (size_t)len;
		memset(&s->msgs[i], 0, sizeof(s->msgs[i]));
		s->msgs[i].msg_hdr.msg_name = &s->to;
		s->msgs[i].msg_hdr.msg_namelen = sizeof(s->to);
		s->msgs[i].msg_hdr.msg_iov = &s->iovs[i];
		s->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

/*
 * Send the n built frames.  sendmmsg() stops at the first frame that
 * fails.  ENOBUFS means the frame did not get through (a full qdisc or
 * device queue), so the same frame is offered again and counted once.  On
 * a veth it can also mean the peer's backlog refused the frame (the peer
 * counts that in its rx_dropped); the retry still arrives.  How many
 * retries there were goes to stderr, to explain any surprise in counts.
 */
static int sender_flush(struct sender *s, unsigned n)
{
	unsigned done = 0;

	while (done < n) {
		int rc = sendmmsg(s->fd, s->msgs + done, n - done, 0);

		if (rc < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				s->enobufs++;
				continue;
			}
			return -errno;
		}
		for (; rc > 0; rc--, done++) {
			s->sent++;
			s->bytes += s->iovs[done].iov_len;
		}
	}
	return 0;
}

static int sender_run(struct sender *s)
{
	/* Absolute deadlines, so a late wake-up is caught up rather than
	 * lowering the rate, but by TX_PACER_CATCH_UP frames at most: after
	 * the sender's vCPU was held (docs/reliability.md: ~100 ms here) a
	 * stall's worth of frames at line rate would overflow the receivers'
	 * rings, which no test is about. */
	struct tx_pacer pacer;
	int rc = 0;

	tx_pacer_start(&pacer, s->pps, nrt_mono_ns());
	while (s->sent < s->count) {
		uint64_t left = s->count - s->sent;
		unsigned n = left < BATCH ? (unsigned)left : BATCH;

		n = tx_pacer_grant(&pacer, n);

		if (!n)
			continue; /* a signal ended the sleep */
		rc = sender_fill(s, n);
		if (rc == 0)
			rc = sender_flush(s, n);
		if (rc < 0)
			break;
		tx_pacer_done(&pacer, n);
	}
	s->forgiven = pacer.forgiven;
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nrt-send -i IFACE -n COUNT [-s SEED] [--pps RATE] [stream options]\n"
		"  -i IFACE          interface to send out of\n"
		"  -n COUNT          frames 0..COUNT-1 of the stream\n"
		"  -s SEED           stream seed (default 1)\n"
		"  --pps RATE        frames per second, 0: as fast as possible (default 0)\n"
		NRT_STREAM_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pps", required_argument, NULL, 'p' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct sender s; /* large: the batch buffers */
	const char *ifname = NULL;
	uint64_t seed = 1;
	int opt, idx, rc;

	nrt_stream_init(&s.stream, 1);
	while ((opt = getopt_long(argc, argv, "i:n:s:h", longopts, &idx)) !=
	       -1) {
		rc = 0;
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'n':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &s.count);
			break;
		case 's':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &seed);
			if (!rc && seed > UINT32_MAX)
				rc = -EINVAL;
			break;
		case 'p':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &s.pps);
			break;
		case 'L':
			rc = nrt_stream_option(&s.stream, longopts[idx].name,
					       optarg) == 1 ? 0 : -EINVAL;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (rc) {
			fprintf(stderr, "nrt-send: bad value '%s'\n", optarg);
			return 2;
		}
	}
	if (!ifname || optind != argc || s.count > UINT32_MAX) {
		usage(stderr);
		return 2;
	}
	s.stream.seed = (uint32_t)seed;

	s.fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: never receives */
	if (s.fd < 0) {
		perror("nrt-send: socket(AF_PACKET)");
		return 1;
	}
	s.to.sll_family = AF_PACKET;
	s.to.sll_ifindex = (int)if_nametoindex(ifname);
	s.to.sll_halen = 6;
	if (!s.to.sll_ifindex) {
		fprintf(stderr, "nrt-send: no interface %s\n", ifname);
		return 1;
	}

	rc = sender_run(&s);
	printf("sent %" PRIu64 "\nbytes %" PRIu64 "\n", s.sent, s.bytes);
	if (s.enobufs)
		fprintf(stderr, "nrt-send: %" PRIu64
			" sends returned ENOBUFS and were retried\n", s.enobufs);
	if (s.forgiven)
		fprintf(stderr, "nrt-send: woke up late; %" PRIu64
			" frames' worth of pacing not caught up (at most %u are)\n",
			s.forgiven, TX_PACER_CATCH_UP);
	if (rc < 0) {
		fprintf(stderr, "nrt-send: after %" PRIu64 " frames: %s\n",
			s.sent, strerror(-rc));
		return 1;
	}
	return 0;
}
