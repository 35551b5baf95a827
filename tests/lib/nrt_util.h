/* SPDX-License-Identifier: MIT */
/*
 * nrt_util.h - the small helpers every test program needs: a clock in
 * nanoseconds, strict decimal parsing of option values, a socket's filter.
 */
#ifndef NRT_UTIL_H
#define NRT_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
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

/* Instructions of the classic BPF filter attached to socket fd (0: none),
 * or -errno.  SO_GET_FILTER with no buffer reports just the length. */
static inline int nrt_socket_filter_len(int fd)
{
	socklen_t len = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, NULL, &len) < 0)
		return -errno;
	return (int)len;
}

#endif /* NRT_UTIL_H */
