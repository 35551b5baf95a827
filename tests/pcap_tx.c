// SPDX-License-Identifier: MIT
/*
 * pcap_tx.c - the pcap backend as a sink (NETRING_CF_TX_ONLY): frames
 * transmitted are appended to a pcap file, one record each, and read back
 * byte for byte, in order, by the pcap backend (and by tcpdump: pcap_tx.sh).
 *
 *   pcap_tx DIR   runs every case below in DIR and leaves DIR/out.pcap with
 *                 frames 0..24999 of the stream (seed 1, 60..1514 bytes,
 *                 every 7th tagged) for pcap_tx.sh to give to tcpdump.
 *
 * Cases: 20,000 frames to a new file (reserve/commit in batches of 1..64,
 * every 100th through netring_tx_copy() in two pieces), time stamps of the
 * commit; 5,000 more appended; a second writer refused (-EBUSY); files that
 * are not pcap (text, pcapng, cut inside a record, another link type, a
 * short snaplen, a directory) refused and left unchanged; the source side
 * refuses to transmit (-EOPNOTSUPP naming NETRING_CF_TX_ONLY); oversize
 * (-EMSGSIZE) and undersize (-EINVAL) frames refused with the reservation
 * kept; a big-endian microsecond file appended to in its own format; a full
 * disk (RLIMIT_FSIZE: EFBIG) cuts the file back to whole records and counts
 * the rest in tx_failed_kernel; open/transmit/close 1,000 times leaks
 * nothing.  Exit 0 pass, 1 fail.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netring.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frames.h"
#include "nrt_util.h"

#define FIRST 20000u

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
#define MORE 5000u

static int failures;
static const char *dir;
static struct nrt_stream stream;

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

static const char *path_of(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static int open_pcap(struct netring **r, const char *path, bool sink,
		     uint32_t tx_frames, char *err)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };

	cfg.backend = NETRING_BACKEND_PCAP;
	cfg.tx_frames = tx_frames;
	if (sink)
		cfg.flags = NETRING_CF_TX_ONLY;
	return netring_open(r, path, &cfg, err);
}

static struct netring *sink_open(const char *path, uint32_t tx_frames)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc = open_pcap(&r, path, true, tx_frames, err);

	if (rc) {
		fprintf(stderr, "FAIL: open %s for writing: %s (%d)\n", path, err, rc);
		exit(1);
	}
	return r;
}

/* Frame seq of the stream, as a sender would build it. */
static uint32_t build(uint8_t *buf, uint32_t cap, uint32_t seq)
{
	int len = nrt_frame_build(&stream, seq, buf, cap);

	if (len < 0) {
		fprintf(stderr, "FAIL: frame %u does not fit %u bytes\n", seq, cap);
		exit(1);
	}
	return (uint32_t)len;
}

/*
 * Transmit frames first..first+n-1: batches of 1..64 slots, every 100th
 * frame through netring_tx_copy() in two pieces.  Returns the bytes sent,
 * or stops at the first error (*rc).
 */
static uint64_t transmit(struct netring *r, uint32_t first, uint32_t n, int *rc)
{
	struct netring_tx_slot s[64];
	uint8_t frame[NRT_FRAME_BUF];
	uint32_t seq = first, end = first + n, rnd = first * 2654435761u + 1;
	uint64_t bytes = 0;

	*rc = 0;
	while (seq < end) {
		unsigned want;
		int got, i;

		if (seq % 100 == 0) {
			uint32_t len = build(frame, sizeof(frame), seq);
			struct netring_iov iov[2] = { { frame, 14 },
						      { frame + 14, len - 14 } };

			got = netring_tx_copy(r, iov, 2);
			if (got == 0)
				got = netring_tx_wait(r, 1000) > 0 ? 0 : -ETIMEDOUT;
			else if (got == 1)
				seq++, bytes += len;
			if (got < 0) {
				*rc = got;
				return bytes;
			}
			continue;
		}
		rnd = rnd * 1103515245u + 12345u;
		want = 1 + (rnd >> 16) % 64;
		if (want > end - seq)
			want = end - seq;
		if (want > 100 - seq % 100) /* stop before the next copy */
			want = 100 - seq % 100;
		got = netring_tx_reserve(r, s, want);
		if (got == 0)
			got = netring_tx_wait(r, 1000) > 0 ? 0 : -ETIMEDOUT;
		if (got < 0) {
			*rc = got;
			return bytes;
		}
		for (i = 0; i < got; i++) {
			s[i].len = build(s[i].data, s[i].capacity, seq + (uint32_t)i);
			bytes += s[i].len;
		}
		if (got) {
			int c = netring_tx_commit(r, s, (unsigned)got);

			if (c != got) {
				*rc = c < 0 ? c : -EIO;
				return bytes;
			}
		}
		seq += (uint32_t)got;
	}
	return bytes;
}

/*
 * Read `path` with the pcap backend: frames first..first+n-1 of the
 * stream, whole, in order, stamped within [t0, t1] (CLOCK_REALTIME, ns),
 * never going back; then the end.
 */
static void read_back(const char *path, uint32_t n, uint64_t t0, uint64_t t1,
		      uint64_t ts_unit)
{
	char err[NETRING_ERRBUF_SIZE], why[256];
	struct netring_frame f[64];
	struct netring *r;
	uint32_t seen = 0;
	uint64_t last_ts = 0;
	int rc = open_pcap(&r, path, false, 0, err);

	if (rc) {
		fail("read back %s: %s (%d)", path, err, rc);
		return;
	}
	for (;;) {
		int got = netring_rx_burst(r, f, 64);

		if (got < 0) {
			fail("rx_burst: %d", got);
			break;
		}
		if (got == 0) {
			rc = netring_wait(r, 1000);
			if (rc == 1)
				continue;
			CHECK_EQ("netring_wait at the end", rc, -ENODATA);
			break;
		}
		for (int i = 0; i < got; i++) {
			uint32_t seq;

			if (nrt_frame_verify(&stream, f[i].data, f[i].len,
					     f[i].wire_len,
					     f[i].flags & NETRING_FRAME_TRUNCATED,
					     &seq, NULL, why, sizeof(why))) {
				if (failures < 10)
					fail("%s record %u: %s", path, seen, why);
				failures++;
			} else if (seq != seen) {
				if (failures < 10)
					fail("%s record %u holds frame %u", path, seen, seq);
				failures++;
			}
			/* The file's precision may round down. */
			if (f[i].ts_ns < t0 / ts_unit * ts_unit || f[i].ts_ns > t1 ||
			    f[i].ts_ns < last_ts) {
				if (failures < 10)
					fail("%s record %u: time stamp %" PRIu64
					     " outside [%" PRIu64 ", %" PRIu64 "] or going back",
					     path, seen, f[i].ts_ns, t0, t1);
				failures++;
			}
			last_ts = f[i].ts_ns;
			seen++;
		}
		netring_rx_release(r, (unsigned)got);
	}
	CHECK_EQ("records read back", seen, n);
	netring_close(r);
}

static void check_sent(struct netring *r, uint64_t n, uint64_t bytes)
{
	struct netring_stats st;

	if (netring_stats_get(r, &st, sizeof(st))) {
		fail("netring_stats_get");
		return;
	}
	CHECK_EQ("tx_queued", st.tx_queued, n);
	CHECK_EQ("tx_sent", st.tx_sent, n);
	CHECK_EQ("tx_bytes", st.tx_bytes, bytes);
	CHECK_EQ("tx_failed", st.tx_failed, 0);
	CHECK_EQ("tx_in_flight", st.tx_in_flight, 0);
}

static void case_write_and_append(void)
{
	const char *path = path_of("out.pcap");
	struct netring_frame f[4];
	struct netring_info info;
	struct netring *r, *r2;
	char err[NETRING_ERRBUF_SIZE];
	uint64_t t0, t1, bytes;
	int rc;

	unlink(path);
	t0 = nrt_clock_ns(CLOCK_REALTIME);
	r = sink_open(path, 0);
	if (netring_get_info(r, &info, sizeof(info)) == 0) {
		CHECK_EQ("info.backend", info.backend, NETRING_BACKEND_PCAP);
		CHECK_EQ("info.tx_capacity", info.tx_capacity, 2048 - 256);
		printf("sink: %s\n", info.detail);
	}
	/* Nothing to read, nothing to wake for. */
	CHECK_EQ("rx_burst on a sink", netring_rx_burst(r, f, 4), 0);
	CHECK_EQ("netring_wait on a sink", netring_wait(r, 20), 0);
	/* A second writer of the same file is refused. */
	CHECK_EQ("second writer", open_pcap(&r2, path, true, 0, err), -EBUSY);

	bytes = transmit(r, 0, FIRST, &rc);
	CHECK_EQ("transmit", rc, 0);
	CHECK_EQ("drain", netring_tx_drain(r, 1000), 0);
	check_sent(r, FIRST, bytes);
	netring_close(r);
	t1 = nrt_clock_ns(CLOCK_REALTIME);
	read_back(path, FIRST, t0, t1, 1);

	/* Appended: both parts are there. */
	r = sink_open(path, 128);
	if (netring_get_info(r, &info, sizeof(info)) == 0) {
		printf("sink: %s\n", info.detail);
		if (!strstr(info.detail, "appended after 20000 records"))
			fail("detail does not say it appends: %s", info.detail);
	}
	bytes = transmit(r, FIRST, MORE, &rc);
	CHECK_EQ("transmit (append)", rc, 0);
	/* No drain: close writes what is left. */
	netring_close(r);
	t1 = nrt_clock_ns(CLOCK_REALTIME);
	read_back(path, FIRST + MORE, t0, t1, 1);
	(void)bytes;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "we");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "FAIL: writing %s\n", path);
		exit(1);
	}
}

/* A pcap file header, in our byte order. */
static void pcap_header(uint8_t h[24], uint32_t magic, uint32_t snaplen,
			uint32_t linktype)
{
	uint32_t w[6] = { magic, 2u | 4u << 16, 0, 0, snaplen, linktype };

	memcpy(h, w, 24);
}

static void expect_refused(const char *name, int want, const char *words)
{
	const char *path = path_of(name);
	char err[NETRING_ERRBUF_SIZE];
	struct stat before, after;
	struct netring *r = NULL;
	int rc;

	if (stat(path, &before))
		before.st_size = -1;
	rc = open_pcap(&r, path, true, 0, err);
	if (rc != want)
		fail("%s: open for writing gave %d (%s), expected %d", name, rc,
		     err, want);
	else if (!strstr(err, words))
		fail("%s: the message does not say '%s': %s", name, words, err);
	else
		printf("refused %s: %s\n", name, err);
	if (!rc)
		netring_close(r);
	if (stat(path, &after))
		after.st_size = -1;
	CHECK_EQ("size after a refusal", after.st_size, before.st_size);
}

static void case_refusals(void)
{
	uint8_t buf[256], h[24];
	char d[512];
	int fd;

	write_file(path_of("text.txt"), "these are words, not frames\n", 28);
	expect_refused("text.txt", -EBADMSG, "not a pcap file");

	memset(buf, 0, sizeof(buf));
	memcpy(buf, "\x0a\x0d\x0d\x0a", 4);
	write_file(path_of("ng.pcapng"), buf, 64);
	expect_refused("ng.pcapng", -EBADMSG, "pcapng");

	write_file(path_of("short.pcap"), "\xd4\xc3\xb2\xa1", 4);
	expect_refused("short.pcap", -EBADMSG, "too short");

	/* Cut inside its first record: appending would hide behind it. */
	pcap_header(buf, 0xa1b23c4du, 65535, 1);
	memcpy(buf + 24, (uint32_t[4]){ 0, 0, 100, 100 }, 16);
	write_file(path_of("cut.pcap"), buf, 24 + 16 + 50);
	expect_refused("cut.pcap", -EBADMSG, "runs past the end");
	write_file(path_of("cuthdr.pcap"), buf, 24 + 10);
	expect_refused("cuthdr.pcap", -EBADMSG, "inside a record header");

	pcap_header(h, 0xa1b2c3d4u, 65535, 105); /* 802.11 */
	write_file(path_of("wifi.pcap"), h, 24);
	expect_refused("wifi.pcap", -EPROTOTYPE, "not Ethernet");

	pcap_header(h, 0xa1b2c3d4u, 96, 1);
	write_file(path_of("snap96.pcap"), h, 24);
	expect_refused("snap96.pcap", -EMSGSIZE, "snaplen 96");

	snprintf(d, sizeof(d), "%s", path_of("adir"));
	if (mkdir(d, 0700) && errno != EEXIST)
		fail("mkdir %s", d);
	expect_refused("adir", -EISDIR, "directory");

	/* A FIFO is not a file: refused, never blocked on. */
	if (mkfifo(path_of("fifo"), 0600) && errno != EEXIST)
		fail("mkfifo");
	expect_refused("fifo", -EINVAL, "not a regular file");
	fd = open(path_of("text.txt"), O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		CHECK_EQ("text.txt unchanged", n, 28);
		close(fd);
	}
}

static void case_source_refuses(void)
{
	struct netring_tx_slot s[1];
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc = open_pcap(&r, path_of("out.pcap"), false, 0, err);

	if (rc) {
		fail("open the source: %s", err);
		return;
	}
	CHECK_EQ("tx_reserve on a source", netring_tx_reserve(r, s, 1), -EOPNOTSUPP);
	if (!strstr(netring_error(r), "NETRING_CF_TX_ONLY"))
		fail("the refusal does not say how: %s", netring_error(r));
	else
		printf("source: %s\n", netring_error(r));
	CHECK_EQ("tx_wait on a source", netring_tx_wait(r, 0), -EOPNOTSUPP);
	netring_close(r);
}

static void case_sizes(void)
{
	const char *path = path_of("sizes.pcap");
	struct netring_tx_slot s[2];
	uint8_t big[2048] = { 0 };
	struct netring_iov iov = { big, 1793 };
	struct netring_stats st;
	struct netring *r;

	unlink(path);
	r = sink_open(path, 64);
	CHECK_EQ("reserve 2", netring_tx_reserve(r, s, 2), 2);
	CHECK_EQ("slot capacity", s[0].capacity, 1792);
	s[0].len = build(s[0].data, s[0].capacity, 0);
	s[1].len = s[1].capacity + 1;
	CHECK_EQ("oversize", netring_tx_commit(r, s, 2), -EMSGSIZE);
	s[1].len = 13;
	CHECK_EQ("undersize", netring_tx_commit(r, s, 2), -EINVAL);
	/* The reservation stood: send the good one, give the other back. */
	CHECK_EQ("commit 1 of 2", netring_tx_commit(r, s, 1), 1);
	CHECK_EQ("tx_copy oversize", netring_tx_copy(r, &iov, 1), -EMSGSIZE);
	iov.len = 1792;
	memcpy(big, "\x02\x6e\x72\x74\x00\x02\x02\x6e\x72\x74\x00\x01\x88\xb5", 14);
	CHECK_EQ("tx_copy of exactly the capacity", netring_tx_copy(r, &iov, 1), 1);
	CHECK_EQ("drain", netring_tx_drain(r, 1000), 0);
	if (netring_stats_get(r, &st, sizeof(st)) == 0) {
		CHECK_EQ("tx_queued", st.tx_queued, 2);
		CHECK_EQ("tx_sent", st.tx_sent, 2);
	}
	netring_close(r);
}

/* An existing big-endian microsecond file: appended to in its own format. */
static void case_foreign_format(void)
{
	const char *path = path_of("be_usec.pcap");
	uint8_t h[24] = { 0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0,
			  0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 1 };
	struct netring *r;
	uint64_t t0, t1, bytes;
	int rc;

	write_file(path, h, sizeof(h));
	t0 = nrt_clock_ns(CLOCK_REALTIME);
	r = sink_open(path, 64);
	bytes = transmit(r, 0, 300, &rc);
	CHECK_EQ("transmit (big-endian file)", rc, 0);
	CHECK_EQ("drain", netring_tx_drain(r, 1000), 0);
	check_sent(r, 300, bytes);
	netring_close(r);
	t1 = nrt_clock_ns(CLOCK_REALTIME);
	read_back(path, 300, t0, t1, 1000);
}

/*
 * The disk fills (RLIMIT_FSIZE gives EFBIG, SIGXFSZ ignored), in a child so
 * the limit stays there: the file keeps whole records only, and every frame
 * is sent or counted failed.
 */
static void case_disk_full(void)
{
	const char *path = path_of("full.pcap");
	int pfd[2], status;
	uint64_t sent = 0;
	pid_t pid;

	unlink(path);
	if (pipe(pfd))
		fail("pipe");
	fflush(stdout); /* or the child prints it again */
	pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 300000, 300000 };
		struct netring_stats st;
		struct netring *r;
		int rc, drc;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl))
			_exit(3);
		r = sink_open(path, 64);
		transmit(r, 0, FIRST, &rc);
		drc = netring_tx_drain(r, 1000);
		if (netring_stats_get(r, &st, sizeof(st)))
			_exit(4);
		printf("disk full: transmit %d (%s), drain %d, queued %" PRIu64
		       " sent %" PRIu64 " failed_kernel %" PRIu64 "\n",
		       rc, netring_error(r), drc, st.tx_queued, st.tx_sent,
		       st.tx_failed_kernel);
		fflush(stdout);
		netring_close(r);
		if (rc != -EFBIG || drc != 0 || !st.tx_failed_kernel ||
		    st.tx_queued != st.tx_sent + st.tx_failed_kernel ||
		    st.tx_in_flight)
			_exit(1);
		if (write(pfd[1], &st.tx_sent, sizeof(st.tx_sent)) != sizeof(st.tx_sent))
			_exit(5);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &sent, sizeof(sent)) != sizeof(sent))
		sent = 0;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fail("disk-full child: status %d", status);
		return;
	}
	if (sent == 0 || sent >= FIRST)
		fail("disk full: %" PRIu64 " frames sent", sent);
	read_back(path, (uint32_t)sent, 0, UINT64_MAX, 1);
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

static void case_cycle(void)
{
	const char *path = path_of("cycle.pcap");
	long rss0 = 0;
	int fds0 = 0, rc;

	for (int i = 0; i < 1020 && failures < 5; i++) {
		struct netring *r;

		if (i == 20) { /* after the allocator's first use */
			fds0 = count_fds();
			rss0 = rss_kib();
		}
		unlink(path);
		r = sink_open(path, 64);
		transmit(r, 0, 16, &rc);
		if (rc)
			fail("cycle %d: transmit %d", i, rc);
		netring_close(r);
	}
	printf("cycles 1000: fds %d -> %d, rss %ld -> %ld KiB\n", fds0,
	       count_fds(), rss0, rss_kib());
	CHECK_EQ("descriptors after 1000 cycles", count_fds(), fds0);
	if (rss_kib() - rss0 > RSS_BOUND_KIB)
		fail("RSS grew by %ld KiB", rss_kib() - rss0);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pcap_tx DIR\n");
		return 2;
	}
	dir = argv[1];
	nrt_stream_init(&stream, 1);
	stream.vlan_every = 7;

	case_write_and_append();
	case_refusals();
	case_source_refuses();
	case_sizes();
	case_foreign_format();
	case_disk_full();
	case_cycle();
	if (failures) {
		fprintf(stderr, "FAIL: %d failures\n", failures);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
