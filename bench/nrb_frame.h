/* SPDX-License-Identifier: MIT */
/*
 * nrb_frame.h - where the benchmark's frames carry their sequence number
 * and send time.  The frames are those of tests/lib/frames.h (destination
 * 02:6e:72:74:00:02, EtherType 0x88B5, test header "NRT1" seed seq ...);
 * the generator's XDP program rewrites seq on every frame and, for latency
 * runs, puts its CLOCK_MONOTONIC send time (native byte order) right after
 * the test header.  Included by the BPF programs too: no libc types there.
 */
#ifndef NRB_FRAME_H
#define NRB_FRAME_H

#define NRB_TYPE_OFF 12 /* EtherType, big-endian */
#define NRB_SEQ_OFF 22  /* u32 big-endian: 14 + magic(4) + seed(4) */
#define NRB_TS_OFF 30   /* u64 native: after the 16-byte test header */
#define NRB_FRAME_MIN 38
#define NRB_ETHERTYPE 0x88b5
/* Copies the generator's tc program (clone mode) sends per run, at most. */
#define NRB_CLONE_MAX 64

#ifndef __bpf__
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* The frame's sequence number, or false when it is not a bench frame. */
static inline bool nrb_frame_seq(const uint8_t *d, uint32_t len, uint32_t *seq)
{
	uint32_t be;

	if (len < NRB_FRAME_MIN || d[NRB_TYPE_OFF] != (NRB_ETHERTYPE >> 8) ||
	    d[NRB_TYPE_OFF + 1] != (NRB_ETHERTYPE & 0xff))
		return false;
	memcpy(&be, d + NRB_SEQ_OFF, 4);
	*seq = __builtin_bswap32(be);
	return true;
}

static inline uint64_t nrb_frame_ts(const uint8_t *d)
{
	uint64_t ts;

	memcpy(&ts, d + NRB_TS_OFF, 8);
	return ts;
}
#endif

#endif /* NRB_FRAME_H */
