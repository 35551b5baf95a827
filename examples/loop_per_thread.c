/* SPDX-License-Identifier: MIT */
/*
 * loop_per_thread.c - a thread per interface, as the original design had
 * it: one netring_loop per thread, each holding one ring (loops share
 * nothing, so the threads need no locks).  Ctrl-C breaks every loop from
 * the signal handler.
 * Usage: loop_per_thread IFACE... [-t SECONDS]
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netring.h>

#define THREADS_MAX 64

struct worker {
	pthread_t thread;
	const char *ifname;
	struct netring *ring;
	struct netring_loop *loop;
	int seconds;
	unsigned long long frames, bytes;
	int rc;
};

static struct worker workers[THREADS_MAX];
static int nworkers;

static void count(const struct netring_frame *f, void *user)
{
	struct worker *w = user;

	w->frames++;
	w->bytes += f->wire_len;
}

static void on_event(struct netring_loop *l, const struct netring_event *ev,
		     void *user)
{
	(void)l;
	(void)user;
	if (ev->kind == NETRING_EV_GONE)
		printf("%s: gone: %s\n", ev->link.name, ev->message);
	else if (ev->kind == NETRING_EV_DOWN || ev->kind == NETRING_EV_UP)
		printf("%s: %s\n", ev->link.name,
		       ev->kind == NETRING_EV_UP ? "up" : "down");
}

static void *run(void *arg)
{
	struct worker *w = arg;

	w->rc = netring_loop_run(w->loop, w->seconds * 1000);
	return NULL;
}

static void stop(int sig)
{
	(void)sig;
	/* netring_loop_break() is async-signal-safe; the loops are
	 * published before the handler is installed. */
	for (int i = 0; i < nworkers; i++)
		netring_loop_break(workers[i].loop);
}

int main(int argc, char **argv)
{
	struct netring_loop_opts opts = { .sz = sizeof(opts),
					  .event_fn = on_event };
	char err[NETRING_ERRBUF_SIZE];
	int seconds = 10, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			seconds = atoi(argv[++i]);
			continue;
		}
		if (nworkers == THREADS_MAX) {
			fprintf(stderr, "at most %d interfaces\n", THREADS_MAX);
			return 2;
		}
		workers[nworkers++].ifname = argv[i];
	}
	if (!nworkers) {
		fprintf(stderr, "usage: %s IFACE... [-t SECONDS]\n", argv[0]);
		return 2;
	}

	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		w->seconds = seconds;
		rc = netring_open(&w->ring, w->ifname, NULL, err);
		if (rc < 0) {
			fprintf(stderr, "%s: %s\n", w->ifname, err);
			goto out;
		}
		rc = netring_loop_new(&w->loop, &opts, err);
		if (rc < 0) {
			fprintf(stderr, "loop: %s\n", err);
			goto out;
		}
		rc = netring_loop_add(w->loop, w->ring, count, w);
		if (rc < 0) {
			fprintf(stderr, "%s: %s\n", w->ifname,
				netring_loop_error(w->loop));
			goto out;
		}
	}
	signal(SIGINT, stop);
	signal(SIGTERM, stop);
	for (int i = 0; i < nworkers; i++) {
		rc = pthread_create(&workers[i].thread, NULL, run, &workers[i]);
		if (rc) {
			fprintf(stderr, "pthread_create: %s\n", strerror(rc));
			stop(0);
			for (int k = 0; k < i; k++)
				pthread_join(workers[k].thread, NULL);
			rc = -rc;
			goto out;
		}
	}
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		pthread_join(w->thread, NULL);
		if (w->rc < 0 && w->rc != -ECANCELED)
			fprintf(stderr, "%s: %s\n", w->ifname, strerror(-w->rc));
		printf("%s: %llu frames, %llu bytes\n", w->ifname, w->frames,
		       w->bytes);
	}
out:
	for (int i = 0; i < nworkers; i++) {
		/* The loop leaves the rings it was given to their owner. */
		netring_loop_free(workers[i].loop);
		netring_close(workers[i].ring);
	}
	return rc < 0 ? 1 : 0;
}
