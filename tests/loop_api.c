// SPDX-License-Identifier: MIT
/*
 * loop_api.c - the event loop's contract without privileges or traffic:
 * options are checked, a run times out when told, a break (before a run,
 * from another thread, from a signal handler) ends it with -ECANCELED, and
 * a pcap ring delivers its file in order, then leaves the loop with a GONE
 * event (-ENODATA) carrying its final statistics; paced, the loop sleeps
 * between its frames.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "frames.h"
#include "netring.h"

#define FRAMES 100

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			failures++;                                            \
		}                                                              \
	} while (0)

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void options_are_checked(void)
{
	struct netring_loop *l = (struct netring_loop *)1;
	struct {
		struct netring_loop_opts o;
		uint32_t future;
	} big = { .o = { .sz = sizeof(big) }, .future = 1 };
	struct netring_loop_opts o = { .sz = 1 };
	char err[NETRING_ERRBUF_SIZE];

	CHECK(netring_loop_new(NULL, NULL, err) == -EINVAL, "NULL handle");
	CHECK(netring_loop_new(&l, &o, err) == -EINVAL && !l, "sz 1: %s", err);
	CHECK(netring_loop_new(&l, &big.o, err) == -EINVAL,
	      "unknown tail accepted");
	o = (struct netring_loop_opts){ .sz = sizeof(o), .flags = 1u << 31 };
	CHECK(netring_loop_new(&l, &o, err) == -EINVAL, "unknown flag");
	big.future = 0; /* a zero tail is just a newer caller's default */
	CHECK(netring_loop_new(&l, &big.o, err) == 0, "zero tail: %s", err);
	CHECK(netring_loop_fd(l) >= 0, "fd");
	CHECK(netring_loop_add(l, NULL, NULL, NULL) == -EINVAL, "add NULL");
	CHECK(netring_loop_run(l, -2) == -EINVAL, "timeout -2");
	netring_loop_free(l);
	netring_loop_free(NULL);
}

static void runs_time_out(struct netring_loop *l)
{
	uint64_t t0;
	int rc;

	CHECK(netring_loop_run(l, 0) == 0, "empty loop, one turn");
	t0 = mono_ms();
	rc = netring_loop_run(l, 50);
	CHECK(rc == 0, "run(50) = %d", rc);
	CHECK(mono_ms() - t0 >= 50 && mono_ms() - t0 < 1000,
	      "run(50) took %llu ms", (unsigned long long)(mono_ms() - t0));
}

static void *break_later(void *arg)
{
	usleep(50000);
	netring_loop_break(arg);
	return NULL;
}

static struct netring_loop *alarm_loop;

static void on_alarm(int sig)
{
	(void)sig;
	netring_loop_break(alarm_loop);
}

static void breaks_end_runs(struct netring_loop *l)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 30000 } };
	pthread_t t;
	int rc;

	/* A break before the run ends the next run, once. */
	CHECK(netring_loop_break(l) == 0, "break");
	CHECK(netring_loop_run(l, -1) == -ECANCELED, "break before run");
	CHECK(netring_loop_run(l, 0) == 0, "the break was not consumed");

	CHECK(pthread_create(&t, NULL, break_later, l) == 0, "thread");
	CHECK(netring_loop_run(l, 5000) == -ECANCELED, "break from a thread");
	pthread_join(t, NULL);

	/* From a signal handler: the run sees the signal (-EINTR) or the
	 * break first; the break is never lost. */
	alarm_loop = l;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	rc = netring_loop_run(l, 5000);
	if (rc == -EINTR)
		rc = netring_loop_run(l, 5000);
	CHECK(rc == -ECANCELED, "break from a signal handler: %d", rc);
	CHECK(netring_loop_break(NULL) == -EINVAL, "break NULL");
}

/* A classic pcap file of frames 0..n-1 of stream `seed`, frame k stamped
 * k * gap_us after the first. */
static int write_pcap(const char *path, uint32_t seed, uint32_t n,
		      uint32_t gap_us)
{
	const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	struct nrt_stream s;
	uint8_t buf[NRT_FRAME_BUF];
	FILE *f = fopen(path, "wb");

	if (!f)
		return -errno;
	nrt_stream_init(&s, seed);
	fwrite(hdr, sizeof(hdr), 1, f);
	for (uint32_t i = 0; i < n; i++) {
		int len = nrt_frame_build(&s, i, buf, sizeof(buf));
		uint64_t us = (uint64_t)i * gap_us;
		uint32_t rec[4] = { 1700000000 + (uint32_t)(us / 1000000),
				    (uint32_t)(us % 1000000), (uint32_t)len,
				    (uint32_t)len };

		fwrite(rec, sizeof(rec), 1, f);
		fwrite(buf, (size_t)len, 1, f);
	}
	return fclose(f) ? -errno : 0;
}

struct delivery {
	uint32_t next;
	uint32_t bad;
	int gone_error;
	uint64_t gone_received;
	int gone_events;
	struct netring *ring;
};

static void on_frame(const struct netring_frame *f, void *user)
{
	struct delivery *d = user;
	uint32_t seed, seq;

	if (nrt_frame_decode(f->data, f->len, &seed, &seq) || seed != 7 ||
	    seq != d->next)
		d->bad++;
	d->next++;
}

static void on_event(struct netring_loop *l, const struct netring_event *ev,
		     void *user)
{
	struct delivery *d = user;

	(void)l;
	if (ev->kind != NETRING_EV_GONE)
		return;
	d->gone_events++;
	d->gone_error = ev->error;
	d->gone_received = ev->stats->received;
	CHECK(ev->ring == d->ring && ev->ring_user == d, "GONE names the ring");
	CHECK(ev->message && ev->message[0], "GONE says why");
}

static uint64_t cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

/*
 * FRAMES frames 3 ms apart, replayed at the file's pace: the loop sleeps
 * between them (it takes the file's 297 ms, and far less CPU time than
 * that), and still ends with GONE.
 */
static void paced_pcap_ring_sleeps_between_frames(void)
{
	struct delivery d = { 0 };
	struct netring_loop_opts o = { .sz = sizeof(o), .event_fn = on_event,
				       .event_user = &d };
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_PCAP,
				      .replay_speed_permille = 1000 };
	char path[] = "/tmp/nrl-loop-api-XXXXXX";
	char err[NETRING_ERRBUF_SIZE];
	struct netring_loop *l;
	struct netring *r;
	uint64_t t0, c0, wall, cpu;
	int fd = mkstemp(path);

	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	close(fd);
	CHECK(write_pcap(path, 7, FRAMES, 3000) == 0, "write %s", path);
	CHECK(netring_open(&r, path, &cfg, err) == 0, "open: %s", err);
	unlink(path);
	CHECK(netring_loop_new(&l, &o, err) == 0, "loop: %s", err);
	d.ring = r;
	CHECK(netring_loop_add(l, r, on_frame, &d) == 0, "add");
	t0 = mono_ms();
	c0 = cpu_ms();
	while (!d.gone_events && mono_ms() - t0 < 5000)
		netring_loop_run(l, 100);
	wall = mono_ms() - t0;
	cpu = cpu_ms() - c0;
	CHECK(d.next == FRAMES && d.bad == 0 && d.gone_events == 1,
	      "paced: delivered %u, %u out of order, %d GONE", d.next, d.bad,
	      d.gone_events);
	CHECK(wall >= (FRAMES - 1) * 3 - 5, "paced: took %llu ms",
	      (unsigned long long)wall);
	CHECK(cpu * 4 < wall, "paced: %llu ms of CPU in %llu ms: not sleeping",
	      (unsigned long long)cpu, (unsigned long long)wall);
	netring_loop_free(l);
	netring_close(r);
}

static void pcap_ring_ends_with_gone(void)
{
	struct delivery d = { 0 };
	struct netring_loop_opts o = { .sz = sizeof(o), .event_fn = on_event,
				       .event_user = &d, .budget = 8 };
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_PCAP };
	char path[] = "/tmp/nrl-loop-api-XXXXXX";
	char err[NETRING_ERRBUF_SIZE];
	struct netring_loop *l;
	struct netring *r, *out[2];
	uint64_t t0 = mono_ms();
	int fd = mkstemp(path), rc;

	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	close(fd);
	CHECK(write_pcap(path, 7, FRAMES, 1) == 0, "write %s", path);
	CHECK(netring_open(&r, path, &cfg, err) == 0, "open: %s", err);
	unlink(path);
	CHECK(netring_loop_new(&l, &o, err) == 0, "loop: %s", err);
	d.ring = r;
	CHECK(netring_loop_set_user(l, r, &d) == -ENOENT, "set_user, not in");
	CHECK(netring_loop_add(l, r, on_frame, &d) == 0, "add: %s",
	      netring_loop_error(l));
	CHECK(netring_loop_add(l, r, on_frame, &d) == -EEXIST, "added twice");
	CHECK(netring_loop_rings(l, out, 2) == 1 && out[0] == r, "rings");
	/* Budget 8: it takes turns, each bounded, until the file ends. */
	while (!d.gone_events && mono_ms() - t0 < 5000) {
		rc = netring_loop_run(l, 100);
		CHECK(rc >= 0 && rc <= FRAMES, "run = %d", rc);
		if (rc < 0)
			break;
	}
	CHECK(d.next == FRAMES && d.bad == 0, "delivered %u, %u out of order",
	      d.next, d.bad);
	CHECK(d.gone_events == 1 && d.gone_error == -ENODATA &&
		      d.gone_received == FRAMES,
	      "GONE: %d events, error %d, received %llu", d.gone_events,
	      d.gone_error, (unsigned long long)d.gone_received);
	CHECK(netring_loop_rings(l, NULL, 0) == 0, "the ring left the loop");
	CHECK(netring_loop_remove(l, r) == -ENOENT, "remove after GONE");
	netring_loop_free(l);
	netring_close(r); /* the caller's: the loop never closes it */
}

int main(void)
{
	struct netring_loop *l;
	char err[NETRING_ERRBUF_SIZE];

	options_are_checked();
	if (netring_loop_new(&l, NULL, err)) {
		fprintf(stderr, "FAIL: loop: %s\n", err);
		return 1;
	}
	runs_time_out(l);
	breaks_end_runs(l);
	netring_loop_free(l);
	pcap_ring_ends_with_gone();
	paced_pcap_ring_sleeps_between_frames();
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	printf("PASS: loop options, timeouts, breaks, pcap ring to its end, paced\n");
	return 0;
}
