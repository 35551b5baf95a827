// SPDX-License-Identifier: MIT
/*
 * xdp_send.c - send frames FIRST .. FIRST+COUNT-1 of a test stream
 * (lib/frames.h) out of one interface through a raw AF_PACKET socket.  The
 * multi-queue tests send one part of a stream from each CPU (XPS then puts
 * each part on its own queue); nrt-send always starts at frame 0.
 * Prints "sent N".
 */
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

#include "frames.h"
#include "nrt_util.h"

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "first", required_argument, NULL, 'f' },
		{ "pps", required_argument, NULL, 'p' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ 0 },
	};
	static uint8_t buf[NRT_FRAME_BUF];
	struct nrt_stream stream;
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
	uint64_t first = 0, count = 0, seed = 1, pps = 0, sent = 0, start;
	const char *ifname = NULL;
	int opt, idx, fd, rc;

	nrt_stream_init(&stream, 1);
	while ((opt = getopt_long(argc, argv, "i:n:s:", longopts, &idx)) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			rc = 0;
			break;
		case 'n':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &count);
			break;
		case 's':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &seed);
			break;
		case 'f':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &first);
			break;
		case 'p':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &pps);
			break;
		case 'L':
			rc = nrt_stream_option(&stream, longopts[idx].name, optarg) == 1 ?
				     0 :
				     -EINVAL;
			break;
		default:
			rc = -EINVAL;
		}
		if (rc) {
			fprintf(stderr,
				"usage: xdp_send -i IFACE -n COUNT [--first N] [-s SEED] [--pps R] [stream options]\n");
			return 2;
		}
	}
	if (!ifname || seed > UINT32_MAX || first + count > UINT32_MAX) {
		fprintf(stderr, "xdp_send: -i IFACE and a stream range are needed\n");
		return 2;
	}
	stream.seed = (uint32_t)seed;
	fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: never receives */
	if (fd < 0) {
		perror("xdp_send: socket(AF_PACKET)");
		return 1;
	}
	to.sll_ifindex = (int)if_nametoindex(ifname);
	if (!to.sll_ifindex) {
		fprintf(stderr, "xdp_send: no interface %s\n", ifname);
		return 1;
	}
	start = nrt_mono_ns();
	while (sent < count) {
		int len = nrt_frame_build(&stream, (uint32_t)(first + sent), buf,
					  sizeof(buf));

		if (pps) {
			uint64_t due = start + sent * 1000000000ull / pps;
			struct timespec ts = { .tv_sec = (time_t)(due / 1000000000ull),
					       .tv_nsec = (long)(due % 1000000000ull) };

			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
					       NULL) == EINTR)
				;
		}
		/* ENOBUFS: the frame was not queued; offer it again. */
		while (sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&to,
			      sizeof(to)) < 0) {
			if (errno != ENOBUFS && errno != EINTR) {
				fprintf(stderr, "xdp_send: after %" PRIu64 " frames: %s\n",
					sent, strerror(errno));
				printf("sent %" PRIu64 "\n", sent);
				return 1;
			}
		}
		sent++;
	}
	printf("sent %" PRIu64 "\n", sent);
	return 0;
}
