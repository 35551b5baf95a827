// SPDX-License-Identifier: MIT
/*
 * xdp_cycles.c - plug and unplug an interface N times in a row through the
 * xdp backend, alternating native and generic XDP.  Every plug must succeed
 * at once (re-binding a queue right after a close returns EBUSY for a while:
 * the library retries), every unplug must leave no XDP program, and after
 * the run the process holds exactly the descriptors, mappings and heap it
 * held before.
 *
 * Usage: xdp_cycles IFACE N (inside a test namespace; root).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netring.h"

/* AddressSanitizer's allocator maps regions of its own as it grows (and
 * LeakSanitizer checks the heap there): count mappings without it only. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

struct usage {
	long fds;
	long maps;
	size_t heap;
};

static long count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the descriptor opendir() holds */
}

static long count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	long n = 0;
	int c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void usage_now(struct usage *u)
{
	struct mallinfo2 mi = mallinfo2();

	u->fds = count_entries("/proc/self/fd");
	u->maps = count_lines("/proc/self/maps");
	u->heap = mi.uordblks + mi.hblkhd;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One plug and unplug; 0, or 1 with the reason printed. */
static int cycle(const char *ifname, unsigned i, uint64_t *slowest_ms)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_XDP,
				      .mode = NETRING_MODE_TAKE,
				      .ring_frames = 256,
				      .xdp_attach = i % 2 ? NETRING_XDP_ATTACH_GENERIC :
							    NETRING_XDP_ATTACH_NATIVE };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_if_caps caps;
	struct netring_info info;
	struct netring *r;
	uint64_t t0 = mono_ms(), dt;
	int rc;

	rc = netring_open(&r, ifname, &cfg, err);
	dt = mono_ms() - t0;
	if (dt > *slowest_ms)
		*slowest_ms = dt;
	if (rc) {
		printf("FAIL: cycle %u: netring_open: %s: %s\n", i, strerror(-rc), err);
		return 1;
	}
	netring_get_info(r, &info, sizeof(info));
	if (!(info.flags & (i % 2 ? NETRING_INFO_XDP_GENERIC : NETRING_INFO_XDP_NATIVE))) {
		printf("FAIL: cycle %u: flags 0x%x: not the XDP mode asked for\n", i,
		       info.flags);
		netring_close(r);
		return 1;
	}
	netring_close(r);
	rc = netring_if_probe(ifname, &caps, sizeof(caps));
	if (rc || (caps.flags & NETRING_CAP_XDP_ATTACHED)) {
		printf("FAIL: cycle %u: after the unplug: probe %d, program %u '%s' attached\n",
		       i, rc, caps.xdp_prog_id, caps.xdp_prog_name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct usage before, after;
	uint64_t slowest = 0, start;
	unsigned n, i;
	int bad = 0;

	if (argc != 3 || !(n = (unsigned)strtoul(argv[2], NULL, 10))) {
		fprintf(stderr, "usage: xdp_cycles IFACE N\n");
		return 2;
	}
	/* Warm up: libbpf and libc allocate some things once per process. */
	for (i = 0; i < 2; i++)
		if (cycle(argv[1], i, &slowest))
			return 1;
	usage_now(&before);
	start = mono_ms();
	slowest = 0;
	for (i = 0; i < n && !bad; i++)
		bad = cycle(argv[1], i, &slowest);
	usage_now(&after);
	printf("%u cycles in %" PRIu64 " ms, slowest plug %" PRIu64 " ms\n", i,
	       mono_ms() - start, slowest);
	printf("fds %ld -> %ld, mappings %ld -> %ld, heap %zu -> %zu bytes\n",
	       before.fds, after.fds, before.maps, after.maps, before.heap,
	       after.heap);
	if (!bad && (after.fds != before.fds ||
		     (!SANITIZED && after.maps != before.maps) ||
		     after.heap != before.heap)) {
		printf("FAIL: resources leaked\n");
		bad = 1;
	}
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad;
}
