/* SPDX-License-Identifier: MIT */
/*
 * nrt_util.h - the small helpers every test program needs: a clock in
 * nanoseconds and strict decimal parsing of option values.
 */
#ifndef NRT_UTIL_H
#define NRT_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t nrt_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t nrt_mono_ns(void)
{
	return nrt_clock_ns(CLOCK_MONOTONIC);
}

/* Digits only (no sign, space or base prefix), at most max; -EINVAL else. */
static inline int nrt_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end || *out > max ? -EINVAL : 0;
}

#endif /* NRT_UTIL_H */
