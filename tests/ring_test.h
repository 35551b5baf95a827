/* SPDX-License-Identifier: MIT */
/*
 * ring_test.h - the few helpers the slot-ring, TAP and pcap tests share:
 * a CHECK that names the failing expression and line, and exit codes for
 * CTest (0 pass, 1 fail, 77 skip).
 */
#ifndef NETRING_RING_TEST_H
#define NETRING_RING_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define T_PASS 0
#define T_FAIL 1
#define T_SKIP 77

static int t_failures;

/* Record a failure and go on, so one run shows every broken expectation. */
#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			t_failures++;                                          \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, \
				#cond);                                        \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

/* Same, but the test cannot go on. */
#define REQUIRE(cond, ...)                                                     \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, \
				#cond);                                        \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			exit(T_FAIL);                                          \
		}                                                              \
	} while (0)

static inline int t_result(const char *name)
{
	if (t_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name, t_failures);
		return T_FAIL;
	}
	printf("%s: pass\n", name);
	return T_PASS;
}

static inline uint64_t t_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* NETRING_RING_TEST_H */
