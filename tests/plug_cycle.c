// SPDX-License-Identifier: MIT
/*
 * plug_cycle.c - plugging and unplugging an interface many times gives back
 * everything: no descriptor stays open, and resident and virtual memory do
 * not grow by more than a small bound.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netring.h"

#if defined(__SANITIZE_ADDRESS__)
#define NRT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NRT_ASAN 1
#endif
#endif

#ifdef NRT_ASAN
/*
 * ASan keeps freed memory in a quarantine (256 MB by default) to catch
 * use-after-free, which would show up here as RSS growth that is not ours.
 * Leaks are still caught by LeakSanitizer at exit.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=0";
}
#endif

struct usage_sample {
	long fds;
	long rss_kb;
	long vm_kb;
};

static int sample_usage(struct usage_sample *u)
{
	long page_kb = sysconf(_SC_PAGESIZE) / 1024, vm_pages, rss_pages;
	struct dirent *de;
	FILE *f;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	u->fds = 0;
	while ((de = readdir(d)))
		u->fds += de->d_name[0] != '.';
	closedir(d);
	u->fds--; /* the directory's own descriptor */

	f = fopen("/proc/self/statm", "r");
	if (!f)
		return -errno;
	if (fscanf(f, "%ld %ld", &vm_pages, &rss_pages) != 2) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	u->rss_kb = rss_pages * page_kb;
	u->vm_kb = vm_pages * page_kb;
	return 0;
}

/* One plug/unplug, touching the calls an application makes in between. */
static int plug_once(const char *ifname, const struct netring_config *cfg)
{
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	struct netring_frame frames[8];
	struct netring_stats st;
	struct netring_info info;
	struct netring *r;
	int rc;

	rc = netring_open(&r, ifname, cfg, errbuf);
	if (rc < 0) {
		fprintf(stderr, "FAIL: netring_open(%s): %s: %s\n", ifname,
			strerror(-rc), errbuf);
		return rc;
	}
	rc = netring_get_info(r, &info, sizeof(info));
	if (rc >= 0)
		rc = netring_rx_burst(r, frames, 8);
	if (rc > 0)
		rc = netring_rx_release(r, (unsigned)rc);
	if (rc >= 0)
		rc = netring_stats_get(r, &st, sizeof(st));
	if (rc >= 0)
		rc = netring_wait(r, 0);
	if (rc < 0)
		fprintf(stderr, "FAIL: on a freshly plugged %s: %s: %s\n",
			ifname, strerror(-rc), netring_error(r));
	netring_close(r);
	return rc < 0 ? rc : 0;
}

static int plug_cycles(const char *ifname, const struct netring_config *cfg,
		       unsigned n)
{
	unsigned i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = plug_once(ifname, cfg);
		if (rc < 0) {
			fprintf(stderr, "FAIL: cycle %u\n", i);
			return rc;
		}
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: plug_cycle -i IFACE [-n CYCLES] [-b BACKEND] [--mode monitor|take]\n"
		"                  [--max-growth-kb KB]\n"
		"Plugs IFACE CYCLES times (default 1000); fails if a descriptor\n"
		"leaks or RSS/VM grow by more than KB (default 1024).\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-growth-kb", required_argument, NULL, 'G' },
		{ "mode", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct netring_config cfg = { .sz = sizeof(cfg) };
	/* Long enough for lazily allocated library and libc state (the
	 * first netlink buffers, stdio) to be in place before measuring. */
	const unsigned warmup = 20;
	struct usage_sample before, after;
	long cycles = 1000, max_growth_kb = 1024;
	const char *ifname = NULL;
	int opt, rc, bad = 0;
	char *end;

	while ((opt = getopt_long(argc, argv, "i:n:b:h", longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'n':
			cycles = strtol(optarg, &end, 10);
			if (*end || cycles <= 0)
				goto bad_usage;
			break;
		case 'b':
			rc = netring_backend_parse(optarg);
			if (rc < 0)
				goto bad_usage;
			cfg.backend = (enum netring_backend)rc;
			break;
		case 'M':
			if (!strcmp(optarg, "take"))
				cfg.mode = NETRING_MODE_TAKE;
			else if (strcmp(optarg, "monitor"))
				goto bad_usage;
			break;
		case 'G':
			max_growth_kb = strtol(optarg, &end, 10);
			if (*end || max_growth_kb < 0)
				goto bad_usage;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad_usage;
		}
	}
	if (!ifname || optind != argc)
		goto bad_usage;

	if (plug_cycles(ifname, &cfg, warmup) < 0)
		return 1;
	if (sample_usage(&before) < 0) {
		fprintf(stderr, "FAIL: reading /proc/self\n");
		return 1;
	}
	if (plug_cycles(ifname, &cfg, (unsigned)cycles) < 0)
		return 1;
	if (sample_usage(&after) < 0) {
		fprintf(stderr, "FAIL: reading /proc/self\n");
		return 1;
	}

	printf("%ld plug/unplug cycles on %s\n", cycles, ifname);
	printf("fds: %ld -> %ld\n", before.fds, after.fds);
	printf("rss: %ld kB -> %ld kB (growth %ld kB, bound %ld kB)\n",
	       before.rss_kb, after.rss_kb, after.rss_kb - before.rss_kb,
	       max_growth_kb);
	printf("vm:  %ld kB -> %ld kB (growth %ld kB, bound %ld kB)\n",
	       before.vm_kb, after.vm_kb, after.vm_kb - before.vm_kb,
	       max_growth_kb);
	if (after.fds != before.fds) {
		fprintf(stderr, "FAIL: %ld descriptor(s) leaked\n",
			after.fds - before.fds);
		bad = 1;
	}
	if (after.rss_kb - before.rss_kb > max_growth_kb) {
		fprintf(stderr, "FAIL: RSS grew by more than %ld kB\n",
			max_growth_kb);
		bad = 1;
	}
	if (after.vm_kb - before.vm_kb > max_growth_kb) {
		fprintf(stderr, "FAIL: virtual memory grew by more than %ld kB\n",
			max_growth_kb);
		bad = 1;
	}
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad;

bad_usage:
	usage(stderr);
	return 2;
}
