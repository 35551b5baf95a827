// SPDX-License-Identifier: MIT
/*
 * tap_tx.c - the application side of the TAP transmit tests (tap_tx.sh):
 * frames the application writes into its TAP arrive at the host.
 *
 *   tap_tx send -i NAME -n COUNT ...  plug tap:NAME, print "ready", wait
 *       for a line on stdin, transmit frames 0..COUNT-1 of the test stream
 *       with reserve/commit, drain, check the counters, print "done", and
 *       close after one more line on stdin (the host side keeps its TAP
 *       until its receivers are finished).
 *   tap_tx down -i NAME       transmit on a TAP that is down, up, down
 *       again, then deleted: -ENETDOWN / -ENODEV, each frame counted once.
 *   tap_tx cycle -i NAME -c N open, transmit, close N times: no descriptor
 *       and no memory is left behind.
 * Exit 0 pass, 1 fail.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netring.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frames.h"
#include "nrt_util.h"

#define BATCH_MAX 256

#if defined(__SANITIZE_ADDRESS__)
#define NRT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NRT_ASAN 1
#endif
#endif

#ifdef NRT_ASAN
/* ASan's quarantine of freed memory would look like RSS growth; leaks are
 * still caught by LeakSanitizer at exit. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=0";
}
/* Its allocator still grows to a plateau a few MiB up. */
#define RSS_BOUND_KIB 4096
#else
#define RSS_BOUND_KIB 1024
#endif

struct opts {
	const char *name;
	uint64_t count;
	uint64_t pps;
	uint64_t cycles;
	uint64_t sndbuf;
	uint32_t seed;
	unsigned batch;
	bool tx_only;
	struct nrt_stream stream;
};

static int failures;

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	fputs("FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define CHECK_EQ(what, got, want)                                              \
	do {                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);       \
		if (g_ != w_)                                                  \
			fail("%s: %lld, expected %lld (line %d)", what, g_, w_, \
			     __LINE__);                                        \
	} while (0)

static struct netring *plug(const struct opts *o, bool tx_only)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char err[NETRING_ERRBUF_SIZE], name[64];
	struct netring *r;
	int rc;

	cfg.backend = NETRING_BACKEND_TAP;
	cfg.tx_frames = 256;
	if (tx_only)
		cfg.flags |= NETRING_CF_TX_ONLY;
	snprintf(name, sizeof(name), "tap:%s", o->name);
	rc = netring_open(&r, name, &cfg, err);
	if (rc) {
		fprintf(stderr, "FAIL: netring_open %s: %s (%d)\n", name, err, rc);
		exit(1);
	}
	return r;
}

static void get_stats(struct netring *r, struct netring_stats *st)
{
	if (netring_stats_get(r, st, sizeof(*st)))
		fail("netring_stats_get");
}

/* Administratively up or down, as `ip link set` would. */
static int link_set_up(const char *name, bool up)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		rc = -errno;
	} else {
		ifr.ifr_flags = (short)(up ? ifr.ifr_flags | IFF_UP
					   : ifr.ifr_flags & ~IFF_UP);
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			rc = -errno;
	}
	close(s);
	return rc;
}

/* The TAP's receive counter (frames the host got from the application),
 * from /proc/self/net/dev: the first column after the name is bytes. */
static int64_t tap_rx_packets(const char *name)
{
	char line[512];
	int64_t v = -1;
	FILE *f = fopen("/proc/self/net/dev", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *p = line;
		unsigned long long bytes, packets;

		if (!colon)
			continue;
		*colon = '\0';
		while (*p == ' ')
			p++;
		if (strcmp(p, name) == 0 &&
		    sscanf(colon + 1, "%llu %llu", &bytes, &packets) == 2)
			v = (int64_t)packets;
	}
	fclose(f);
	return v;
}

/* Find the library's /dev/net/tun descriptor (the test's white-box way to
 * shrink its send buffer, so that writes meet EAGAIN). */
static int tun_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], target[64];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "/dev/net/tun") == 0)
			fd = atoi(e->d_name);
	}
	closedir(d);
	return fd;
}

static void wait_line(void)
{
	char line[64];

	if (!fgets(line, sizeof(line), stdin)) {
		/* The script went away: go on, it will see the exit. */
	}
}

static void sleep_until(uint64_t mono_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(mono_ns / 1000000000ull),
			       .tv_nsec = (long)(mono_ns % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int run_send(const struct opts *o)
{
	struct netring_tx_slot s[BATCH_MAX];
	struct netring_stats st;
	struct netring *r = plug(o, o->tx_only);
	uint64_t seq = 0, bytes = 0, t0;
	unsigned max_in_flight = 0;
	int rc;

	if (o->sndbuf) {
		int fd = tun_fd(), sb = (int)o->sndbuf;

		if (fd < 0 || ioctl(fd, TUNSETSNDBUF, &sb) < 0) {
			fail("TUNSETSNDBUF on the TAP's descriptor");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	wait_line();

	t0 = nrt_mono_ns();
	while (seq < o->count) {
		unsigned want = o->batch;
		int n;

		if (o->count - seq < want)
			want = (unsigned)(o->count - seq);
		if (o->pps)
			sleep_until(t0 + seq * 1000000000ull / o->pps);
		n = netring_tx_reserve(r, s, want);
		if (n < 0) {
			fail("netring_tx_reserve: %d (%s)", n, netring_error(r));
			break;
		}
		if (n == 0) {
			rc = netring_tx_wait(r, 5000);
			if (rc <= 0) {
				fail("netring_tx_wait: %d (%s)", rc, netring_error(r));
				break;
			}
			continue;
		}
		for (int i = 0; i < n; i++) {
			int len = nrt_frame_build(&o->stream, (uint32_t)(seq + (unsigned)i),
						  s[i].data, s[i].capacity);

			if (len < 0) {
				fail("frame %" PRIu64 " does not fit a slot of %u",
				     seq + (unsigned)i, s[i].capacity);
				return 1;
			}
			s[i].len = (uint32_t)len;
			bytes += (uint32_t)len;
		}
		rc = netring_tx_commit(r, s, (unsigned)n);
		if (rc != n) {
			fail("netring_tx_commit: %d (%s)", rc, netring_error(r));
			break;
		}
		seq += (unsigned)n;
		if (netring_tx_in_flight(r) > max_in_flight)
			max_in_flight = netring_tx_in_flight(r);
	}
	rc = netring_tx_drain(r, 10000);
	if (rc)
		fail("netring_tx_drain: %d (%s)", rc, netring_error(r));
	get_stats(r, &st);
	printf("sent %" PRIu64 " queued %" PRIu64 " failed %" PRIu64
	       " in_flight %" PRIu64 " bytes %" PRIu64 " max_in_flight %u\n",
	       st.tx_sent, st.tx_queued, st.tx_failed, st.tx_in_flight,
	       st.tx_bytes, max_in_flight);
	CHECK_EQ("tx_sent", st.tx_sent, o->count);
	CHECK_EQ("tx_queued", st.tx_queued, o->count);
	CHECK_EQ("tx_failed", st.tx_failed, 0);
	CHECK_EQ("tx_in_flight", st.tx_in_flight, 0);
	CHECK_EQ("tx_bytes", st.tx_bytes, bytes);
	if (o->tx_only) {
		struct netring_frame f[4];

		CHECK_EQ("rx_burst with NETRING_CF_TX_ONLY", netring_rx_burst(r, f, 4), 0);
	}
	printf("done\n");
	fflush(stdout);
	wait_line();
	netring_close(r);
	return failures ? 1 : 0;
}

/* Fill n slots with frames seq0.. of the stream. */
static void build(const struct opts *o, struct netring_tx_slot *s, int n,
		  uint32_t seq0)
{
	for (int i = 0; i < n; i++)
		s[i].len = (uint32_t)nrt_frame_build(&o->stream, seq0 + (uint32_t)i,
						     s[i].data, s[i].capacity);
}

static int run_down(const struct opts *o)
{
	struct netring_tx_slot s[8];
	struct netring_stats st;
	struct netring_info info;
	struct netring *r = plug(o, o->tx_only);
	uint8_t frame[64] = { 0x02, 0x6e, 0x72, 0x74, 0x00, 0x02,
			      0x02, 0x6e, 0x72, 0x74, 0x00, 0x01, 0x88, 0xb5 };
	struct netring_iov iov = { frame, sizeof(frame) };
	int64_t rx0;
	char cmd[96];
	int rc;

	if (netring_get_info(r, &info, sizeof(info)))
		fail("netring_get_info");
	CHECK_EQ("info.mtu", info.mtu, 1500);
	CHECK_EQ("info.tx_capacity", info.tx_capacity, 1500 + 14 + 4);

	/* A new TAP is down. */
	CHECK_EQ("reserve while down", netring_tx_reserve(r, s, 8), 8);
	build(o, s, 8, 0);
	rc = netring_tx_commit(r, s, 8);
	CHECK_EQ("commit while down", rc, -ENETDOWN);
	if (!strstr(netring_error(r), "down"))
		fail("error after -ENETDOWN does not say down: '%s'", netring_error(r));
	CHECK_EQ("tx_copy while down", netring_tx_copy(r, &iov, 1), -ENETDOWN);
	get_stats(r, &st);
	CHECK_EQ("tx_queued", st.tx_queued, 9);
	CHECK_EQ("tx_failed_down", st.tx_failed_down, 9);
	CHECK_EQ("tx_failed", st.tx_failed, 9);
	CHECK_EQ("tx_sent", st.tx_sent, 0);
	CHECK_EQ("tx_in_flight", st.tx_in_flight, 0);
	CHECK_EQ("tx_wait(0) gives every slot back", netring_tx_wait(r, 0), 256);

	/* Up: the same frames go, and the host counts them. */
	if (link_set_up(o->name, true))
		fail("set %s up", o->name);
	rx0 = tap_rx_packets(o->name);
	CHECK_EQ("reserve when up", netring_tx_reserve(r, s, 8), 8);
	build(o, s, 8, 0);
	CHECK_EQ("commit when up", netring_tx_commit(r, s, 8), 8);
	CHECK_EQ("tx_copy when up", netring_tx_copy(r, &iov, 1), 1);
	CHECK_EQ("drain", netring_tx_drain(r, 1000), 0);
	CHECK_EQ("host rx_packets", tap_rx_packets(o->name) - rx0, 9);
	get_stats(r, &st);
	CHECK_EQ("tx_sent", st.tx_sent, 9);
	CHECK_EQ("tx_queued", st.tx_queued, 18);

	/* Too long for the MTU: refused, nothing queued, reservation kept. */
	CHECK_EQ("reserve 2", netring_tx_reserve(r, s, 2), 2);
	build(o, s, 2, 0);
	s[0].len = 1515; /* untagged: MTU + 14 + 1 */
	CHECK_EQ("oversize commit", netring_tx_commit(r, s, 1), -EMSGSIZE);
	s[0].len = info.tx_capacity + 1;
	CHECK_EQ("beyond capacity", netring_tx_commit(r, s, 1), -EMSGSIZE);
	CHECK_EQ("commit 0 gives the slots back", netring_tx_commit(r, s, 0), 0);
	get_stats(r, &st);
	CHECK_EQ("tx_queued after refusals", st.tx_queued, 18);

	/* Down again. */
	if (link_set_up(o->name, false))
		fail("set %s down", o->name);
	CHECK_EQ("reserve", netring_tx_reserve(r, s, 4), 4);
	build(o, s, 4, 0);
	CHECK_EQ("commit after down", netring_tx_commit(r, s, 4), -ENETDOWN);

	/* Deleted under us: -ENODEV, and it stays so. */
	snprintf(cmd, sizeof(cmd), "ip link del dev %s", o->name);
	if (system(cmd) != 0)
		fail("%s", cmd);
	CHECK_EQ("reserve after delete", netring_tx_reserve(r, s, 4), 4);
	build(o, s, 4, 0);
	CHECK_EQ("commit after delete", netring_tx_commit(r, s, 4), -ENODEV);
	CHECK_EQ("reserve when gone", netring_tx_reserve(r, s, 4), -ENODEV);
	get_stats(r, &st);
	CHECK_EQ("tx_queued", st.tx_queued, 26);
	CHECK_EQ("tx_sent", st.tx_sent, 9);
	CHECK_EQ("tx_failed_down", st.tx_failed_down, 17);
	CHECK_EQ("tx_failed_kernel", st.tx_failed_kernel, 0);
	CHECK_EQ("tx_in_flight", st.tx_in_flight, 0);
	printf("down: queued %" PRIu64 " sent %" PRIu64 " failed_down %" PRIu64 "\n",
	       st.tx_queued, st.tx_sent, st.tx_failed_down);
	netring_close(r);
	return failures ? 1 : 0;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static long rss_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void one_cycle(const struct opts *o, uint64_t i)
{
	struct netring_tx_slot s[16];
	struct netring *r = plug(o, i & 1);
	int n;

	if (link_set_up(o->name, true))
		fail("cycle %" PRIu64 ": set up", i);
	n = netring_tx_reserve(r, s, 16);
	if (n != 16) {
		fail("cycle %" PRIu64 ": reserve %d", i, n);
	} else {
		build(o, s, 16, (uint32_t)i * 16);
		n = netring_tx_commit(r, s, 16);
		if (n != 16)
			fail("cycle %" PRIu64 ": commit %d (%s)", i, n, netring_error(r));
	}
	if (netring_tx_in_flight(r) != 0)
		fail("cycle %" PRIu64 ": %u in flight", i, netring_tx_in_flight(r));
	netring_close(r);
}

static int run_cycle(const struct opts *o)
{
	int fds0;
	long rss0, rss1;

	/* Warm up: the allocator's and libc's first-use memory. */
	for (uint64_t i = 0; i < 20; i++)
		one_cycle(o, i);
	fds0 = count_fds();
	rss0 = rss_kib();
	for (uint64_t i = 0; i < o->cycles && failures < 5; i++)
		one_cycle(o, i);
	rss1 = rss_kib();
	printf("cycles %" PRIu64 " fds %d -> %d rss %ld -> %ld KiB\n", o->cycles,
	       fds0, count_fds(), rss0, rss1);
	CHECK_EQ("open descriptors after the cycles", count_fds(), fds0);
	if (rss1 - rss0 > RSS_BOUND_KIB)
		fail("RSS grew by %ld KiB over %" PRIu64 " cycles", rss1 - rss0,
		     o->cycles);
	return failures ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tap_tx send|down|cycle -i NAME [-n COUNT] [-s SEED] [--pps N]\n"
		"              [--tx-only] [--batch N] [--sndbuf BYTES] [-c CYCLES]\n"
		NRT_STREAM_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pps", required_argument, NULL, 'p' },
		{ "tx-only", no_argument, NULL, 'T' },
		{ "batch", required_argument, NULL, 'B' },
		{ "sndbuf", required_argument, NULL, 'S' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ 0 },
	};
	struct opts o = { .count = 1000, .cycles = 1000, .seed = 1, .batch = 32 };
	const char *mode;
	uint64_t v;
	int c, idx;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	mode = argv[1];
	optind = 2;
	nrt_stream_init(&o.stream, o.seed);
	while ((c = getopt_long(argc, argv, "i:n:s:c:", longopts, &idx)) != -1) {
		switch (c) {
		case 'i':
			o.name = optarg;
			break;
		case 'n':
			if (nrt_parse_u64(optarg, UINT32_MAX, &o.count))
				return 2;
			break;
		case 's':
			if (nrt_parse_u64(optarg, UINT32_MAX, &v))
				return 2;
			o.stream.seed = (uint32_t)v;
			break;
		case 'c':
			if (nrt_parse_u64(optarg, 1000000, &o.cycles))
				return 2;
			break;
		case 'p':
			if (nrt_parse_u64(optarg, 100000000, &o.pps))
				return 2;
			break;
		case 'T':
			o.tx_only = true;
			break;
		case 'B':
			if (nrt_parse_u64(optarg, BATCH_MAX, &v) || !v)
				return 2;
			o.batch = (unsigned)v;
			break;
		case 'S':
			if (nrt_parse_u64(optarg, INT32_MAX, &o.sndbuf) || !o.sndbuf)
				return 2;
			break;
		case 'L':
			if (nrt_stream_option(&o.stream, longopts[idx].name, optarg) != 1)
				return 2;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o.name || nrt_stream_check(&o.stream)) {
		usage(stderr);
		return 2;
	}
	if (strcmp(mode, "send") == 0)
		return run_send(&o);
	if (strcmp(mode, "down") == 0)
		return run_down(&o);
	if (strcmp(mode, "cycle") == 0)
		return run_cycle(&o);
	usage(stderr);
	return 2;
}
