// SPDX-License-Identifier: MIT
/*
 * wake.c - nrb-wake: the floor under every poll-mode latency: how long a
 * thread sleeping in poll() on one CPU takes to run again after another CPU
 * signals it (a pipe carrying the send time), at a fixed rate.  No frames,
 * no network: what the machine adds before any receive path does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nrb.h"

struct wake {
	int fds[2]; /* a pipe: one send time per 8 bytes, never merged */
	int cpu;
	struct nrb_rx st;
};

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *waiter(void *arg)
{
	struct wake *w = arg;

	if (pin(w->cpu))
		return (void *)1;
	for (;;) {
		struct pollfd pfd = { .fd = w->fds[0], .events = POLLIN };
		uint64_t sent;
		ssize_t n;

		if (poll(&pfd, 1, 5000) != 1)
			return (void *)1;
		n = read(w->fds[0], &sent, sizeof(sent));
		if (n == 0)
			return NULL; /* the sender closed: done */
		if (n != sizeof(sent))
			return (void *)1;
		nrb_lat_add(&w->st, nrb_mono_ns() - sent);
	}
}

int main(int argc, char **argv)
{
	uint64_t from = 0, to = 1, rate = 1000, seconds = 5, next;
	const char *cdf = NULL;
	struct wake w = { .fds = { -1, -1 } };
	uint64_t count;
	pthread_t t;
	void *bad;
	int opt;

	while ((opt = getopt(argc, argv, "a:b:r:d:c:")) != -1) {
		uint64_t *v = opt == 'a' ? &from : opt == 'b' ? &to :
			      opt == 'r' ? &rate : opt == 'd' ? &seconds : NULL;

		if (opt == 'c') {
			cdf = optarg;
		} else if (!v || !nrb_parse_u64(optarg, v)) {
			fprintf(stderr,
				"usage: nrb-wake [-a FROM_CPU] [-b TO_CPU] [-r PER_S] [-d SECONDS] [-c CDF]\n");
			return 2;
		}
	}
	if (!rate || rate > 100000) {
		fprintf(stderr, "nrb-wake: rate from 1 to 100000\n");
		return 2;
	}
	w.cpu = (int)to;
	count = rate * seconds;
	if (pipe(w.fds) || nrb_rx_init(&w.st, true) || pin((int)from)) {
		fprintf(stderr, "nrb-wake: set-up: %s\n", strerror(errno));
		return 1;
	}
	if (pthread_create(&t, NULL, waiter, &w)) {
		fprintf(stderr, "nrb-wake: thread: %s\n", strerror(errno));
		return 1;
	}
	next = nrb_mono_ns() + 1000000;
	for (uint64_t i = 0; i < count; i++) {
		struct timespec ts = { .tv_sec = (time_t)(next / 1000000000ull),
				       .tv_nsec = (long)(next % 1000000000ull) };
		uint64_t now;

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
		       EINTR)
			;
		now = nrb_mono_ns();
		if (write(w.fds[1], &now, sizeof(now)) != sizeof(now)) {
			fprintf(stderr, "nrb-wake: write: %s\n", strerror(errno));
			return 1;
		}
		next += 1000000000ull / rate;
	}
	close(w.fds[1]);
	pthread_join(t, &bad);
	if (bad) {
		fprintf(stderr, "nrb-wake: the waiter failed\n");
		return 1;
	}
	w.st.frames = w.st.lat_n;
	nrb_rx_report(&w.st, NULL, cdf);
	return 0;
}
