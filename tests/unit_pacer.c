/* SPDX-License-Identifier: MIT */
/*
 * unit_pacer.c - the --pps pacer of `netring gen` and `send` (tools/
 * pacer.h) on a clock the test drives: frames come due at k / pps, none
 * early; a run of any length keeps the rate exactly; a late wake-up
 * catches up TX_PACER_CATCH_UP frames at most and counts the rest as
 * forgiven, and the rate resumes from there; no pacing grants everything.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "pacer.h"
#include "ring_test.h" /* CHECK, t_result() */

#define MS ((uint64_t)1000000)
#define T0 (1000 * MS) /* an arbitrary start, not 0 */

/* Take everything due at `now`, in grants of up to `max`. */
static uint64_t take(struct tx_pacer *p, uint64_t now, unsigned max)
{
	uint64_t got = 0, next;
	unsigned n;

	while ((n = tx_pacer_due(p, max, now, &next)) > 0) {
		tx_pacer_done(p, n);
		got += n;
	}
	return got;
}

/* Take what is due every `step` ns from `from` to `to` (inclusive). */
static uint64_t run(struct tx_pacer *p, uint64_t from, uint64_t to,
		    uint64_t step)
{
	uint64_t got = 0;

	for (uint64_t t = from; t <= to; t += step)
		got += take(p, t, 64);
	return got;
}

static void test_on_time(void)
{
	struct tx_pacer p;
	uint64_t next = 0;
	unsigned n;

	tx_pacer_start(&p, 1000, T0); /* one frame a millisecond */
	n = tx_pacer_due(&p, 64, T0, &next);
	CHECK(n == 1, "frame 0 is due at the start: granted %u", n);
	tx_pacer_done(&p, n);
	n = tx_pacer_due(&p, 64, T0 + MS - 1, &next);
	CHECK(n == 0, "frame 1 is not due 1 ns early: granted %u", n);
	CHECK(next == T0 + MS, "frame 1 is due at +1 ms, not %" PRIu64,
	      next - T0);
	n = tx_pacer_due(&p, 64, T0 + MS, &next);
	CHECK(n == 1, "frame 1 is due at +1 ms: granted %u", n);
	tx_pacer_done(&p, n);
	/* 10 ms later: frames 2..10 are due, 9 of them, within the bound. */
	CHECK(take(&p, T0 + 10 * MS, 64) == 9, "frames 2..10 at +10 ms");
	CHECK(p.forgiven == 0, "nothing forgiven on time: %" PRIu64,
	      p.forgiven);
	/* A grant is capped by `max` but nothing is lost by it. */
	n = tx_pacer_due(&p, 3, T0 + 20 * MS, &next);
	CHECK(n == 3, "max caps a grant: %u", n);
	tx_pacer_done(&p, 1); /* only one of them went */
	CHECK(take(&p, T0 + 20 * MS, 64) == 9,
	      "what was granted but not sent stays due");
}

static void test_exact_rate(void)
{
	struct tx_pacer p;
	uint64_t sent = 0;

	/* 1,000,000 frames/s for 10 s, looked at every 50 us: 10 M + 1 frames
	 * (frame 0 at t0, frame 10 M at t0 + 10 s), never more than due. */
	tx_pacer_start(&p, 1000000, T0);
	for (uint64_t t = T0; t <= T0 + 10000 * MS; t += 50000) {
		sent += take(&p, t, 64);
		if (sent > (t - T0) / 1000 + 1) {
			CHECK(0, "ahead of the rate at +%" PRIu64 " ns", t - T0);
			break;
		}
	}
	CHECK(sent == 10000001, "10 s at 1 M/s: %" PRIu64, sent);
	CHECK(p.forgiven == 0, "nothing forgiven: %" PRIu64, p.forgiven);
}

static void test_late(void)
{
	struct tx_pacer p;
	uint64_t next = 0, got;
	unsigned n;

	tx_pacer_start(&p, 20000, T0); /* 20 frames a millisecond */
	CHECK(run(&p, T0, T0 + 10 * MS, MS) == 201, "on time up to +10 ms");
	/* Held for 100 ms: 2,000 frames were due; 64 go, 1,936 forgiven. */
	got = take(&p, T0 + 110 * MS, 64);
	CHECK(got == TX_PACER_CATCH_UP, "a late wake-up catches up %u, not %"
	      PRIu64, TX_PACER_CATCH_UP, got);
	CHECK(p.forgiven == 2000 - TX_PACER_CATCH_UP,
	      "the rest is forgiven: %" PRIu64, p.forgiven);
	/* The rate resumes from the wake-up: the next frame 50 us later. */
	n = tx_pacer_due(&p, 64, T0 + 110 * MS, &next);
	CHECK(n == 0 && next == T0 + 110 * MS + 50000,
	      "next frame at +50 us after the wake-up (granted %u, +%" PRIu64
	      " ns)", n, next - T0 - 110 * MS);
	CHECK(run(&p, T0 + 111 * MS, T0 + 120 * MS, MS) == 200,
	      "200 in the next 10 ms");
	/* A delay within the bound is caught up whole. */
	CHECK(take(&p, T0 + 123 * MS, 64) == 60, "3 ms late: 60 caught up");
	CHECK(p.forgiven == 2000 - TX_PACER_CATCH_UP,
	      "nothing more forgiven: %" PRIu64, p.forgiven);
}

static void test_uneven_rate(void)
{
	struct tx_pacer p;
	uint64_t now = T0, next = 0, other = 0, sent = 0;
	unsigned n;

	/* 3 frames/s: frame k is due at k/3 s, not a whole number of
	 * nanoseconds.  At the deadline the pacer gives, the frame is due;
	 * 1 ns before it, it is not. */
	tx_pacer_start(&p, 3, T0);
	for (int k = 0; k < 30; k++) {
		n = tx_pacer_due(&p, 64, now, &next);
		CHECK(n == 1, "frame %d due at the deadline given: %u", k, n);
		tx_pacer_done(&p, n);
		sent += n;
		n = tx_pacer_due(&p, 64, now, &next);
		CHECK(n == 0, "frame %d not due with frame %d: %u", k + 1, k, n);
		n = tx_pacer_due(&p, 64, next - 1, &other);
		CHECK(n == 0, "frame %d not due 1 ns early: %u", k + 1, n);
		now = next;
	}
	CHECK(sent == 30, "30 frames: %" PRIu64, sent);
	CHECK(next == T0 + 10000 * MS, "frame 30 at +10 s: +%" PRIu64,
	      next - T0);
}

static void test_unpaced(void)
{
	struct tx_pacer p;
	uint64_t next = 0;

	tx_pacer_start(&p, 0, T0);
	CHECK(tx_pacer_due(&p, 64, T0, &next) == 64, "no pacing: all of max");
	CHECK(tx_pacer_due(&p, 7, 0, &next) == 7, "no pacing: any clock");
	CHECK(tx_pacer_grant(&p, 5) == 5, "no pacing: grant does not sleep");
}

static void test_grant_sleeps(void)
{
	struct tx_pacer p;
	struct timespec a, b;
	uint64_t ns;
	unsigned n;

	/* On the real clock: 100 frames/s, frame 1 due 10 ms after frame 0. */
	clock_gettime(CLOCK_MONOTONIC, &a);
	tx_pacer_start(&p, 100,
		       (uint64_t)a.tv_sec * 1000000000u + (uint64_t)a.tv_nsec);
	n = tx_pacer_grant(&p, 64);
	CHECK(n == 1, "frame 0 at once: %u", n);
	tx_pacer_done(&p, n);
	n = tx_pacer_grant(&p, 64);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u +
	     (uint64_t)b.tv_nsec - (uint64_t)a.tv_nsec;
	CHECK(n == 1, "frame 1 after the sleep: %u", n);
	CHECK(ns >= 10 * MS, "slept until frame 1 was due: %" PRIu64 " ns",
	      ns);
}

int main(void)
{
	test_on_time();
	test_exact_rate();
	test_late();
	test_uneven_rate();
	test_unpaced();
	test_grant_sleeps();
	return t_result("unit_pacer");
}
