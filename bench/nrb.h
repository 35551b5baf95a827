/* SPDX-License-Identifier: MIT */
/*
 * nrb.h - what every benchmark receiver does the same way, so that they
 * differ only in how they get frames: read each frame's sequence number
 * (loss and late frames), optionally its send time (latency), stop on
 * SIGINT/SIGTERM, and print one "result key=value ..." line at the end.
 */
#ifndef NRB_H
#define NRB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "nrb_frame.h"

#define nrb_likely(x) __builtin_expect(!!(x), 1)

struct nrb_rx {
	uint64_t frames; /* bench frames handled */
	uint64_t other;  /* frames that were not bench frames */
	uint64_t lost;   /* sequence numbers skipped (never seen) */
	uint64_t late;   /* frames older than one already seen */
	uint32_t next;   /* the sequence number expected next */
	/* Latency, when asked for: one sample per frame, in ns. */
	bool lat_on;
	uint32_t *lat;
	uint64_t lat_n;
	uint64_t lat_cap;
	/* CPU time and clock when set-up was done (nrb_ready()), so the
	 * report can give the CPU spent receiving, without the set-up. */
	uint64_t ready_cpu_us;
	uint64_t ready_ns;
};

static inline uint64_t nrb_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void nrb_rx_gap(struct nrb_rx *s, uint32_t seq);
void nrb_rx_latency(struct nrb_rx *s, const uint8_t *d);
/* One latency sample, in ns (kept while there is room). */
void nrb_lat_add(struct nrb_rx *s, uint64_t ns);

/* The handler every receiver runs on every frame. */
static inline void nrb_rx_frame(struct nrb_rx *s, const uint8_t *d,
				uint32_t len)
{
	uint32_t seq;

	if (!nrb_frame_seq(d, len, &seq)) {
		s->other++;
		return;
	}
	s->frames++;
	if (s->lat_on)
		nrb_rx_latency(s, d);
	if (nrb_likely(seq == s->next)) {
		s->next++;
		return;
	}
	nrb_rx_gap(s, seq);
}

/* Latency samples kept at most (a 1,000 frames/s run needs few). */
#define NRB_LAT_CAP (1u << 22)

int nrb_rx_init(struct nrb_rx *s, bool latency);
/* Print "result frames=... lost=... [lat_*]" plus `extra` (may be NULL) and
 * write the latency distribution (percentile ns per line) to cdf_path. */
void nrb_rx_report(struct nrb_rx *s, const char *extra, const char *cdf_path);
void nrb_rx_free(struct nrb_rx *s);

/* Call fn on SIGINT and SIGTERM, without SA_RESTART: a blocked poll()
 * returns EINTR. */
void nrb_on_stop(void (*fn)(int));

/* Say that set-up is done and traffic may start; s (may be NULL) notes the
 * CPU time spent so far. */
void nrb_ready(struct nrb_rx *s, const char *what);

/* Parse a decimal unsigned number, all of it; false if it is not one. */
bool nrb_parse_u64(const char *s, uint64_t *v);

#endif /* NRB_H */
