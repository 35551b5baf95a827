// SPDX-License-Identifier: MIT
/*
 * netring_rx.c - nrb-netring: the netring receiver of the benchmark, using
 * only the public API: plug, take a burst, handle it, release it, and wait
 * when the ring is empty.  How it waits is the subject of the latency runs:
 *   poll   netring_wait(): sleep in poll() on the ring's descriptor
 *   busy   netring_wait() with busy_poll_us: spin first, then sleep
 *   sleep  the original design: check the ring, sleep 1 ms when empty
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netring.h>

#include "nrb.h"

#define BURST_MAX 1024u

enum idle { IDLE_POLL, IDLE_BUSY, IDLE_SLEEP };

static struct netring *ring;
static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
	netring_break(ring); /* async-signal-safe: wakes netring_wait() */
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nrb-netring -i IFACE -b packet|xdp [options]\n"
		"  --idle poll|busy|sleep  how to wait for frames (default poll)\n"
		"  --busy-us N             busy-poll time for --idle busy (default 50)\n"
		"  --burst N               frames per netring_rx_burst (default 64)\n"
		"  --frames N              ring slots (default: netring's)\n"
		"  -l                      record latency from the frames' send time\n"
		"  -c FILE                 write the latency distribution to FILE\n");
	exit(2);
}

static void sleep_1ms(void)
{
	struct timespec ts = { .tv_nsec = 1000000 };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "idle", required_argument, NULL, 'I' },
		{ "busy-us", required_argument, NULL, 'U' },
		{ "burst", required_argument, NULL, 'B' },
		{ "frames", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	struct netring_config cfg = { .sz = sizeof(cfg) };
	static struct netring_frame frames[BURST_MAX];
	uint64_t burst = 64, busy_us = 50, nframes = 0, bursts = 0, empty = 0;
	const char *ifname = NULL, *cdf = NULL;
	char err[NETRING_ERRBUF_SIZE], extra[256];
	enum idle idle = IDLE_POLL;
	struct netring_stats ns = { 0 };
	struct netring_info info;
	struct nrb_rx st;
	bool latency = false;
	int opt, rc, n;

	while ((opt = getopt_long(argc, argv, "i:b:lc:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'b':
			rc = netring_backend_parse(optarg);
			if (rc < 0)
				usage();
			cfg.backend = (enum netring_backend)rc;
			break;
		case 'I':
			if (!strcmp(optarg, "poll"))
				idle = IDLE_POLL;
			else if (!strcmp(optarg, "busy"))
				idle = IDLE_BUSY;
			else if (!strcmp(optarg, "sleep"))
				idle = IDLE_SLEEP;
			else
				usage();
			break;
		case 'U':
			if (!nrb_parse_u64(optarg, &busy_us))
				usage();
			break;
		case 'B':
			if (!nrb_parse_u64(optarg, &burst) || !burst ||
			    burst > BURST_MAX)
				usage();
			break;
		case 'F':
			if (!nrb_parse_u64(optarg, &nframes))
				usage();
			break;
		case 'l':
			latency = true;
			break;
		case 'c':
			cdf = optarg;
			break;
		default:
			usage();
		}
	}
	if (!ifname || optind != argc)
		usage();
	/* AF_XDP can only take frames; AF_PACKET only watches them. */
	cfg.mode = cfg.backend == NETRING_BACKEND_XDP ? NETRING_MODE_TAKE :
							NETRING_MODE_MONITOR;
	cfg.ring_frames = (uint32_t)nframes;
	if (idle == IDLE_BUSY)
		cfg.busy_poll_us = (uint32_t)busy_us;
	if (nrb_rx_init(&st, latency)) {
		fprintf(stderr, "nrb-netring: out of memory\n");
		return 1;
	}
	rc = netring_open(&ring, ifname, &cfg, err);
	if (rc) {
		fprintf(stderr, "nrb-netring: %s\n", err);
		return 1;
	}
	netring_get_info(ring, &info, sizeof(info));
	fprintf(stderr, "nrb-netring: %s\n", info.detail);
	nrb_on_stop(on_stop);
	nrb_ready(&st, netring_backend_name(info.backend));

	for (;;) {
		n = netring_rx_burst(ring, frames, (unsigned)burst);
		if (n > 0) {
			for (int i = 0; i < n; i++)
				nrb_rx_frame(&st, frames[i].data, frames[i].len);
			netring_rx_release(ring, (unsigned)n);
			bursts++;
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "nrb-netring: %s\n", netring_error(ring));
			break;
		}
		if (stop)
			break; /* and the ring is empty: nothing left behind */
		empty++;
		if (idle == IDLE_SLEEP) {
			sleep_1ms();
			continue;
		}
		rc = netring_wait(ring, -1);
		if (rc < 0 && rc != -EINTR && rc != -ECANCELED) {
			fprintf(stderr, "nrb-netring: wait: %s\n",
				netring_error(ring));
			break;
		}
	}

	netring_stats_get(ring, &ns, sizeof(ns));
	snprintf(extra, sizeof(extra),
		 "dropped=%" PRIu64 " received=%" PRIu64 " bursts=%" PRIu64
		 " empty=%" PRIu64 " ring_full=%" PRIu64 " no_buffer=%" PRIu64
		 " kernel_seen=%" PRIu64,
		 ns.dropped, ns.received, bursts, empty, ns.dropped_ring_full,
		 ns.dropped_no_buffer, ns.kernel_seen);
	nrb_rx_report(&st, extra, cdf);
	nrb_rx_free(&st);
	netring_close(ring);
	return n < 0 ? 1 : 0;
}
