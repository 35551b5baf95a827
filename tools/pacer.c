/* SPDX-License-Identifier: MIT */
/*
 * pacer.c - pacing to a rate with a bounded catch-up (pacer.h).
 */
#include <time.h>

#include "pacer.h"

#define NS 1000000000u

void tx_pacer_start(struct tx_pacer *p, uint64_t pps, uint64_t now_ns)
{
	p->pps = pps;
	p->t0 = now_ns;
	p->base = 0;
	p->done = 0;
	p->forgiven = 0;
}

unsigned tx_pacer_due(struct tx_pacer *p, unsigned max, uint64_t now_ns,
		      uint64_t *next_ns)
{
	uint64_t due;

	if (!p->pps)
		return max;
	if (now_ns < p->t0) {
		*next_ns = p->t0;
		return 0;
	}
	/* Frames due by now (128 bits: no overflow for any run length and
	 * rate). */
	due = p->base + 1 +
	      (uint64_t)((unsigned __int128)(now_ns - p->t0) * p->pps / NS);
	if (due <= p->done) {
		/* Rounded up: at *next_ns the frame is due, never 1 ns early
		 * (the division above rounds down). */
		unsigned __int128 k = p->done - p->base;

		*next_ns = p->t0 + (uint64_t)((k * NS + p->pps - 1) / p->pps);
		return 0;
	}
	if (due - p->done > TX_PACER_CATCH_UP) {
		/* Late: the next TX_PACER_CATCH_UP frames are due now, the
		 * last of them is the new base, and the rate resumes from
		 * there. */
		p->forgiven += due - p->done - TX_PACER_CATCH_UP;
		p->base = p->done + TX_PACER_CATCH_UP - 1;
		p->t0 = now_ns;
		due = p->done + TX_PACER_CATCH_UP;
	}
	return due - p->done < max ? (unsigned)(due - p->done) : max;
}

unsigned tx_pacer_grant(struct tx_pacer *p, unsigned max)
{
	struct timespec now, next;
	uint64_t next_ns = 0;
	unsigned n;

	clock_gettime(CLOCK_MONOTONIC, &now);
	n = tx_pacer_due(p, max,
			 (uint64_t)now.tv_sec * NS + (uint64_t)now.tv_nsec,
			 &next_ns);
	if (n)
		return n;
	next.tv_sec = (time_t)(next_ns / NS);
	next.tv_nsec = (long)(next_ns % NS);
	if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL))
		return 0; /* a signal: let the caller look at tx_stop */
	return 1;
}
