/* SPDX-License-Identifier: MIT */
/*
 * pacer.h - pacing `netring gen` and `send` to a rate without spinning.
 *
 * Frame k is due at t0 + k / pps.  tx_pacer_grant() sleeps with
 * clock_nanosleep() to the next deadline, so a low rate costs no CPU and a
 * high one goes out in batches of what has come due.  A sender that wakes
 * up late (its vCPU held, the ring full for a while) catches up at most
 * TX_PACER_CATCH_UP frames ahead of the rate and forgets the rest of the
 * debt, counted in `forgiven`: a stall's worth of frames at line rate
 * would only overflow the receiver, and --pps promises a rate, not a
 * count by a deadline.
 */
#ifndef NETRING_TOOL_PACER_H
#define NETRING_TOOL_PACER_H

#include <stdint.h>

#define TX_PACER_CATCH_UP 64u

struct tx_pacer {
	uint64_t pps;      /* 0: no pacing */
	uint64_t t0;       /* when frame `base` was due (CLOCK_MONOTONIC ns) */
	uint64_t base;     /* moved on when a late debt is forgiven */
	uint64_t done;     /* frames granted and sent */
	uint64_t forgiven; /* frames' worth of pacing given up when late */
};

void tx_pacer_start(struct tx_pacer *p, uint64_t pps, uint64_t now_ns);

/*
 * How many of `max` frames may go at `now_ns` (0 if none is due yet), with
 * a late debt above TX_PACER_CATCH_UP forgiven.  When 0, *next_ns is when
 * the next frame is due.  The clock is the caller's: this is what the unit
 * test drives.
 */
unsigned tx_pacer_due(struct tx_pacer *p, unsigned max, uint64_t now_ns,
		      uint64_t *next_ns);

/* tx_pacer_due() on the monotonic clock, sleeping until a frame is due:
 * > 0 frames may go; 0 when the sleep was interrupted by a signal. */
unsigned tx_pacer_grant(struct tx_pacer *p, unsigned max);

/* Tell the pacer how many of the granted frames actually went. */
static inline void tx_pacer_done(struct tx_pacer *p, unsigned n)
{
	p->done += n;
}

#endif
