// SPDX-License-Identifier: MIT
/*
 * loop_rx.c - nrb-loop: the event loop case of the benchmark (issue 7).
 * Plugs every interface given with -i and receives from all of them, in
 * one of two ways, on one CPU:
 *   --loop   one netring_loop, run by one thread, serves every ring
 *   --alone  a thread per ring, each with the plain netring_dispatch() /
 *            netring_wait() loop; all the threads pinned to the same CPU
 * Both hand every frame to the same callback (nrb.h's handler, one
 * sequence counter per ring: each ring has its own generator), so they
 * differ only in who does the waiting and the turn-taking.  Prints one
 * "result key=value ..." line with the totals (and per-ring frames).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netring.h>

#include "nrb.h"

#define RINGS_MAX 16

struct rx_ring {
	const char *ifname;
	struct netring *r;
	struct nrb_rx st;
	uint64_t dispatches; /* alone: dispatch calls that handed frames */
	uint64_t empty;      /* alone: waits */
	int err;             /* alone: the error that ended the thread */
	pthread_t tid;
};

static struct rx_ring rings[RINGS_MAX];
static unsigned nrings;
static struct netring_loop *loop;
static volatile sig_atomic_t stop;
static unsigned budget = 64;
static int cpu = -1;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
	/* Both async-signal-safe: they wake a current or the next wait. */
	if (loop)
		netring_loop_break(loop);
	for (unsigned i = 0; i < nrings; i++)
		if (rings[i].r)
			netring_break(rings[i].r);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nrb-loop --loop|--alone -i IFACE [-i IFACE ...] [options]\n"
		"  -b packet|xdp  backend (default packet; xdp takes the frames)\n"
		"  --loop         one netring_loop on one thread serves every ring\n"
		"  --alone        a thread per ring (dispatch/wait), all on one CPU\n"
		"  --budget N     frames per ring per turn / dispatch (default 64)\n"
		"  --cpu N        the CPU (default: the first one allowed)\n");
	exit(2);
}

static void on_frame(const struct netring_frame *f, void *user)
{
	nrb_rx_frame(user, f->data, f->len);
}

static int pin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static void *alone_thread(void *arg)
{
	struct rx_ring *x = arg;
	int n;

	if (pin()) {
		x->err = -EPERM;
		return NULL;
	}
	for (;;) {
		n = netring_dispatch(x->r, budget, on_frame, &x->st);
		if (n > 0) {
			x->dispatches++;
			continue;
		}
		if (n < 0) {
			x->err = n;
			break;
		}
		if (stop)
			break; /* and the ring is empty: nothing left behind */
		x->empty++;
		n = netring_wait(x->r, -1);
		if (n < 0 && n != -EINTR && n != -ECANCELED) {
			x->err = n;
			break;
		}
	}
	return NULL;
}

static int run_alone(void)
{
	sigset_t block, old;
	int rc = 0;

	/* The workers never take the stop signal: the main thread does, and
	 * breaks their waits. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (unsigned i = 0; i < nrings; i++) {
		rc = pthread_create(&rings[i].tid, NULL, alone_thread, &rings[i]);
		if (rc) {
			fprintf(stderr, "nrb-loop: pthread_create: %s\n",
				strerror(rc));
			exit(1);
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	nrb_ready(&rings[0].st, "alone");
	for (unsigned i = 0; i < nrings; i++) {
		pthread_join(rings[i].tid, NULL);
		if (rings[i].err) {
			fprintf(stderr, "nrb-loop: %s: %s\n", rings[i].ifname,
				netring_error(rings[i].r));
			rc = -1;
		}
	}
	return rc;
}

static int run_loop(void)
{
	struct netring_loop_opts lo = { .sz = sizeof(lo), .budget = budget };
	char err[NETRING_ERRBUF_SIZE];
	int rc;

	rc = netring_loop_new(&loop, &lo, err);
	if (rc) {
		fprintf(stderr, "nrb-loop: netring_loop_new: %s\n", err);
		return -1;
	}
	for (unsigned i = 0; i < nrings; i++) {
		rc = netring_loop_add(loop, rings[i].r, on_frame, &rings[i].st);
		if (rc) {
			fprintf(stderr, "nrb-loop: netring_loop_add %s: %s\n",
				rings[i].ifname, netring_loop_error(loop));
			return -1;
		}
	}
	nrb_ready(&rings[0].st, "loop");
	while (!stop) {
		rc = netring_loop_run(loop, -1);
		if (rc < 0 && rc != -EINTR && rc != -ECANCELED) {
			fprintf(stderr, "nrb-loop: netring_loop_run: %s\n",
				netring_loop_error(loop));
			return -1;
		}
	}
	/* Deliver what is left: turns without sleeping until one is empty. */
	while ((rc = netring_loop_run(loop, 0)) > 0 || rc == -ECANCELED)
		;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "loop", no_argument, NULL, 'L' },
		{ "alone", no_argument, NULL, 'A' },
		{ "budget", required_argument, NULL, 'B' },
		{ "cpu", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_PACKET };
	char err[NETRING_ERRBUF_SIZE], extra[1024];
	uint64_t v, frames = 0, lost = 0, late = 0, other = 0, dropped = 0,
		    received = 0, kseen = 0, dispatches = 0, empty = 0;
	struct netring_stats ns;
	struct netring_info info;
	struct nrb_rx tot;
	int opt, rc, mode = 0;
	size_t off;

	while ((opt = getopt_long(argc, argv, "i:b:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (nrings == RINGS_MAX)
				usage();
			rings[nrings++].ifname = optarg;
			break;
		case 'b':
			rc = netring_backend_parse(optarg);
			if (rc < 0)
				usage();
			cfg.backend = (enum netring_backend)rc;
			break;
		case 'L':
		case 'A':
			mode = opt;
			break;
		case 'B':
			if (!nrb_parse_u64(optarg, &v) || !v || v > 65536)
				usage();
			budget = (unsigned)v;
			break;
		case 'C':
			if (!nrb_parse_u64(optarg, &v) || v >= CPU_SETSIZE)
				usage();
			cpu = (int)v;
			break;
		default:
			usage();
		}
	}
	if (!nrings || !mode || optind != argc)
		usage();
	if (cpu < 0) {
		cpu_set_t set;

		if (sched_getaffinity(0, sizeof(set), &set)) {
			perror("nrb-loop: sched_getaffinity");
			return 1;
		}
		for (int c = 0; c < CPU_SETSIZE && cpu < 0; c++)
			if (CPU_ISSET(c, &set))
				cpu = c;
	}
	/* One CPU for everything, the set-up included. */
	if (cpu < 0 || pin()) {
		perror("nrb-loop: sched_setaffinity");
		return 1;
	}
	/* AF_XDP can only take frames; AF_PACKET only watches them. */
	cfg.mode = cfg.backend == NETRING_BACKEND_XDP ? NETRING_MODE_TAKE :
							NETRING_MODE_MONITOR;
	for (unsigned i = 0; i < nrings; i++) {
		nrb_rx_init(&rings[i].st, false);
		rc = netring_open(&rings[i].r, rings[i].ifname, &cfg, err);
		if (rc) {
			fprintf(stderr, "nrb-loop: %s: %s\n", rings[i].ifname,
				err);
			return 1;
		}
		netring_get_info(rings[i].r, &info, sizeof(info));
		fprintf(stderr, "nrb-loop: %s: %s\n", rings[i].ifname,
			info.detail);
	}
	nrb_on_stop(on_stop);
	rc = mode == 'L' ? run_loop() : run_alone();

	/* Totals over the rings; the set-up time of the first ring. */
	nrb_rx_init(&tot, false);
	off = 0;
	for (unsigned i = 0; i < nrings; i++) {
		struct rx_ring *x = &rings[i];

		memset(&ns, 0, sizeof(ns));
		netring_stats_get(x->r, &ns, sizeof(ns));
		frames += x->st.frames;
		lost += x->st.lost;
		late += x->st.late;
		other += x->st.other;
		dropped += ns.dropped;
		received += ns.received;
		kseen += ns.kernel_seen;
		dispatches += x->dispatches;
		empty += x->empty;
		if (off < sizeof(extra))
			off += (size_t)snprintf(extra + off, sizeof(extra) - off,
						"frames%u=%" PRIu64 " ", i,
						x->st.frames);
	}
	tot.frames = frames;
	tot.lost = lost;
	tot.late = late;
	tot.other = other;
	tot.ready_cpu_us = rings[0].st.ready_cpu_us;
	tot.ready_ns = rings[0].st.ready_ns;
	if (off < sizeof(extra))
		snprintf(extra + off, sizeof(extra) - off,
			 "rings=%u mode=%s cpu=%d dropped=%" PRIu64
			 " received=%" PRIu64 " kernel_seen=%" PRIu64
			 " bursts=%" PRIu64 " empty=%" PRIu64,
			 nrings, mode == 'L' ? "loop" : "alone", cpu, dropped,
			 received, kseen, dispatches, empty);
	nrb_rx_report(&tot, extra, NULL);
	netring_loop_free(loop);
	for (unsigned i = 0; i < nrings; i++) {
		netring_close(rings[i].r);
		nrb_rx_free(&rings[i].st);
	}
	return rc ? 1 : 0;
}
