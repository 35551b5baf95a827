// SPDX-License-Identifier: MIT
/*
 * fault_many.c - many rings plugged at once in one process (one per
 * interface named on the command line, or every queue of one interface),
 * plugged and unplugged for several cycles: every plug succeeds, and
 * descriptors and memory come back to where they were after the first
 * cycle.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netring.h"

#define RINGS_MAX 256

#if defined(__SANITIZE_ADDRESS__)
#define NRF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NRF_ASAN 1
#endif
#endif
#ifdef NRF_ASAN
/* Freed memory in ASan's quarantine would look like growth; LSan still
 * reports leaks at exit. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=0";
}
#endif

static long open_fds(void)
{
	struct dirent *de;
	long n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

static long rss_kb(void)
{
	long vm, rss;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &vm, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Plug every interface, use each ring a little, unplug them all. */
static int cycle(char **names, int n, const struct netring_config *cfg,
		 unsigned want_queues)
{
	static struct netring *rings[RINGS_MAX];
	char errbuf[NETRING_ERRBUF_SIZE];
	struct netring_frame f[4];
	struct netring_stats st;
	struct netring_info info;
	int i, rc, bad = 0;

	for (i = 0; i < n; i++) {
		rc = netring_open(&rings[i], names[i], cfg, errbuf);
		if (rc) {
			fprintf(stderr, "FAIL: plug %d of %d (%s): %s: %s\n", i + 1,
				n, names[i], strerror(-rc), errbuf);
			bad = 1;
			break;
		}
		netring_get_info(rings[i], &info, sizeof(info));
		if (want_queues && info.queues != want_queues) {
			fprintf(stderr, "FAIL: %s: %u queues plugged, expected %u\n",
				names[i], info.queues, want_queues);
			bad = 1;
		}
		if (netring_rx_burst(rings[i], f, 4) < 0 ||
		    netring_stats_get(rings[i], &st, sizeof(st)) ||
		    netring_wait(rings[i], 0) < 0) {
			fprintf(stderr, "FAIL: %s: a plugged ring does not work: %s\n",
				names[i], netring_error(rings[i]));
			bad = 1;
		}
	}
	while (i-- > 0)
		netring_close(rings[i]);
	return bad;
}

int main(int argc, char **argv)
{
	struct netring_config cfg = { .sz = sizeof(cfg), .ring_frames = 64 };
	long fds0, fds1, fds2, rss1, rss2, growth_kb = 1024;
	unsigned cycles = 10, want_queues = 0;
	int opt, rc, n, bad = 0;

	while ((opt = getopt(argc, argv, "b:tac:q:g:")) != -1) {
		switch (opt) {
		case 'b':
			rc = netring_backend_parse(optarg);
			if (rc < 0)
				return 2;
			cfg.backend = (enum netring_backend)rc;
			break;
		case 't':
			cfg.mode = NETRING_MODE_TAKE;
			break;
		case 'a':
			cfg.queue = NETRING_QUEUE_ALL;
			break;
		case 'c':
			cycles = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'q':
			want_queues = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'g':
			growth_kb = strtol(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	n = argc - optind;
	if (n < 1 || n > RINGS_MAX || cycles < 2) {
		fprintf(stderr, "usage: fault_many [-b BACKEND] [-t] [-a] [-c CYCLES>=2] [-q QUEUES] [-g KB] IFACE...\n");
		return 2;
	}
	if (cfg.backend == NETRING_BACKEND_XDP)
		cfg.frame_size = 2048;

	fds0 = open_fds();
	bad |= cycle(argv + optind, n, &cfg, want_queues);
	/* The first cycle warms up allocator arenas and libbpf; measure
	 * from after it. */
	fds1 = open_fds();
	rss1 = rss_kb();
	for (unsigned c = 1; c < cycles && !bad; c++)
		bad |= cycle(argv + optind, n, &cfg, want_queues);
	fds2 = open_fds();
	rss2 = rss_kb();
	printf("%d rings x %u cycles: fds %ld -> %ld -> %ld, rss %ld -> %ld KiB\n",
	       n, cycles, fds0, fds1, fds2, rss1, rss2);
	if (fds1 != fds0 || fds2 != fds0) {
		fprintf(stderr, "FAIL: descriptors not given back\n");
		bad = 1;
	}
	if (rss2 - rss1 > growth_kb) {
		fprintf(stderr, "FAIL: resident memory grew by %ld KiB (bound %ld)\n",
			rss2 - rss1, growth_kb);
		bad = 1;
	}
	puts(bad ? "FAIL" : "PASS");
	return bad;
}
