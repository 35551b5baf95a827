// SPDX-License-Identifier: MIT
/*
 * packet_tx.c - the transmit half of the packet backend, driven through the
 * public API only:
 *   send   -i IF -n COUNT -s SEED [--pps N] [stream options]
 *          write the test stream (lib/frames.h) straight into reserved
 *          slots, paced, and check every frame is accounted as sent
 *   errors -i A -p B    (both ends of a veth pair, in our namespace)
 *          -EMSGSIZE, a VLAN-tagged 1518-byte frame, a frame the kernel
 *          refuses, TX_ONLY rings receiving nothing, our own frames not
 *          received back, -ENETDOWN with every slot usable afterwards,
 *          -ENODEV once A is deleted (A is deleted at the end)
 *   cycle  -i IF -n CYCLES
 *          open / transmit / close with frames in flight: no descriptor
 *          or memory leak, no close that blocks
 * Prints what it checked; exits 0 pass, 1 fail, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "frames.h"
#include "netring.h"
#include "nrt_util.h"

#define BURST 64

#if defined(__SANITIZE_ADDRESS__)
#define NRT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NRT_ASAN 1
#endif
#endif

#ifdef NRT_ASAN
/* ASan's quarantine of freed memory would look like RSS growth in the
 * cycle test; LeakSanitizer still catches leaks at exit. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=0";
}
#endif

static int failures;

static void __attribute__((format(printf, 2, 3)))
expect(bool ok, const char *fmt, ...)
{
	va_list ap;

	fputs(ok ? "ok: " : "FAIL: ", ok ? stdout : stderr);
	va_start(ap, fmt);
	vfprintf(ok ? stdout : stderr, fmt, ap);
	va_end(ap);
	fputc('\n', ok ? stdout : stderr);
	failures += !ok;
}

static struct netring *plug(const char *ifname, uint32_t flags,
			    uint32_t ring_frames, uint32_t tx_frames)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc;

	cfg.backend = NETRING_BACKEND_PACKET;
	cfg.flags = flags;
	cfg.ring_frames = ring_frames;
	cfg.tx_frames = tx_frames;
	rc = netring_open(&r, ifname, &cfg, err);
	if (rc < 0) {
		fprintf(stderr, "FAIL: netring_open(%s): %s: %s\n", ifname,
			strerror(-rc), err);
		exit(1);
	}
	return r;
}

static struct netring_stats stats(struct netring *r)
{
	struct netring_stats st;

	if (netring_stats_get(r, &st, sizeof(st)) < 0) {
		fprintf(stderr, "FAIL: netring_stats_get: %s\n", netring_error(r));
		exit(1);
	}
	return st;
}

static bool tx_accounted(const struct netring_stats *st)
{
	return st->tx_failed == st->tx_failed_down + st->tx_failed_too_big +
				       st->tx_failed_kernel &&
	       st->tx_queued == st->tx_sent + st->tx_failed + st->tx_in_flight;
}

/* ---------------------------------------------------------------- send */

static int run_send(const char *ifname, struct nrt_stream *stream,
		    uint32_t count, uint64_t pps)
{
	struct netring_tx_slot s[BURST];
	struct netring_stats st;
	struct netring *r = plug(ifname, 0, 0, 0);
	uint64_t bytes = 0, t0 = nrt_mono_ns();
	uint32_t seq = 0;
	int rc;

	while (seq < count) {
		uint64_t due = count;
		unsigned want;
		int n;

		if (pps) {
			due = (nrt_mono_ns() - t0) * pps / 1000000000ull + 1;
			if (due > count)
				due = count;
			if (due <= seq) {
				struct timespec ts = { 0, 200000 };

				nanosleep(&ts, NULL);
				continue;
			}
		}
		want = due - seq < BURST ? (unsigned)(due - seq) : BURST;
		n = netring_tx_reserve(r, s, want);
		if (n == 0) {
			rc = netring_tx_wait(r, 1000);
			if (rc < 0) {
				fprintf(stderr, "FAIL: tx_wait: %s\n", netring_error(r));
				return 1;
			}
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "FAIL: tx_reserve: %s\n", netring_error(r));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			/* Straight into the slot: nothing is copied. */
			int len = nrt_frame_build(stream, seq + (uint32_t)i,
						  s[i].data, s[i].capacity);

			if (len < 0) {
				fprintf(stderr, "FAIL: frame %u does not fit %u bytes\n",
					seq + (uint32_t)i, s[i].capacity);
				return 1;
			}
			s[i].len = (uint32_t)len;
			bytes += (uint64_t)len;
		}
		rc = netring_tx_commit(r, s, (unsigned)n);
		if (rc != n) {
			fprintf(stderr, "FAIL: tx_commit of %d: %d %s\n", n, rc,
				netring_error(r));
			return 1;
		}
		seq += (uint32_t)n;
	}
	rc = netring_tx_drain(r, 10000);
	expect(rc == 0, "every frame completed (tx_drain %d)", rc);
	st = stats(r);
	printf("tx_queued %" PRIu64 " tx_sent %" PRIu64 " tx_bytes %" PRIu64
	       " tx_failed %" PRIu64 " tx_in_flight %" PRIu64
	       " tx_wakeups %" PRIu64 " received %" PRIu64 "\n",
	       st.tx_queued, st.tx_sent, st.tx_bytes, st.tx_failed,
	       st.tx_in_flight, st.tx_wakeups, st.received);
	expect(st.tx_queued == count && st.tx_sent == count &&
		       st.tx_failed == 0 && st.tx_in_flight == 0,
	       "tx_queued == tx_sent == %u, nothing failed or in flight", count);
	expect(st.tx_bytes == bytes, "tx_bytes == %" PRIu64, bytes);
	expect(tx_accounted(&st), "tx counters add up");
	expect(st.tx_wakeups > 0 && st.tx_wakeups <= st.tx_queued,
	       "one kick per commit at most (%" PRIu64 ")", st.tx_wakeups);
	/* The peer sends nothing: anything received would be our own. */
	expect(st.received == 0 && st.kernel_seen == 0,
	       "our own frames were not received back (received %" PRIu64 ")",
	       st.received);
	netring_close(r);
	if (!failures)
		printf("sent %" PRIu64 "\n", st.tx_sent);
	return failures ? 1 : 0;
}

/* -------------------------------------------------------------- errors */

#define MARK_OFF 14 /* after an untagged header; +4 with a tag */

/* A frame from A to B: [tag] 0x88b5, a 32-bit mark, bytes from the mark. */
static uint32_t make_frame(uint8_t *f, uint32_t len, const uint8_t *dst,
			   const uint8_t *src, int tags, uint32_t mark)
{
	uint32_t off = 12, be = htonl(mark);

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	for (int t = 0; t < tags; t++) {
		f[off] = 0x81;
		f[off + 1] = 0x00;
		f[off + 2] = 0x00;
		f[off + 3] = (uint8_t)(5 + t);
		off += 4;
	}
	f[off] = 0x88;
	f[off + 1] = 0xb5;
	memcpy(f + off + 2, &be, 4);
	for (uint32_t i = off + 6; i < len; i++)
		f[i] = (uint8_t)(mark + i);
	return len;
}

struct rxlog {
	uint32_t n;
	uint32_t mark[2048];
	uint32_t bad; /* frames whose bytes differ from make_frame's */
};

static void log_frame(struct rxlog *lg, const struct netring_frame *f,
		      const uint8_t *dst, const uint8_t *src)
{
	static uint8_t want[2048];
	int tags = 0;
	uint32_t off = 12, mark;

	while (f->len >= off + 4 && f->data[off] == 0x81 && f->data[off + 1] == 0)
		tags++, off += 4;
	if (f->len < off + 6) {
		lg->bad++;
		return;
	}
	memcpy(&mark, f->data + off + 2, 4);
	mark = ntohl(mark);
	if (!dst) { /* either direction: the MACs as found */
		dst = f->data;
		src = f->data + 6;
	}
	make_frame(want, f->len, dst, src, tags, mark);
	if (f->len != f->wire_len || memcmp(want, f->data, f->len)) {
		uint32_t d = 0;

		while (d < f->len && want[d] == f->data[d])
			d++;
		if (lg->bad++ < 3)
			fprintf(stderr, "frame %u (mark %u): len %u wire_len %u, "
				"byte %u is 0x%02x, expected 0x%02x\n", lg->n,
				mark, f->len, f->wire_len, d,
				d < f->len ? f->data[d] : 0,
				d < f->len ? want[d] : 0);
	}
	if (lg->n < 2048)
		lg->mark[lg->n] = mark;
	lg->n++;
}

/* Take frames from r until `want` were logged or timeout_ms passed; then
 * a further settle_ms to catch any extra. */
static void collect(struct netring *r, struct rxlog *lg, uint32_t want,
		    int timeout_ms, int settle_ms, const uint8_t *dst,
		    const uint8_t *src)
{
	uint64_t end = nrt_mono_ns() + (uint64_t)timeout_ms * 1000000;
	struct netring_frame f[BURST];
	bool settling = false;

	for (;;) {
		int n = netring_rx_burst(r, f, BURST);

		for (int i = 0; i < n; i++)
			log_frame(lg, &f[i], dst, src);
		if (n > 0) {
			netring_rx_release(r, (unsigned)n);
			continue;
		}
		if (!settling && lg->n >= want) {
			settling = true;
			end = nrt_mono_ns() + (uint64_t)settle_ms * 1000000;
		}
		if (nrt_mono_ns() >= end)
			return;
		netring_wait(r, 10);
	}
}

/* Commit `n` frames of len bytes with marks mark..mark+n-1; returns the
 * commit's result. */
static int send_frames(struct netring *r, unsigned n, uint32_t len, int tags,
		       uint32_t mark, const uint8_t *dst, const uint8_t *src)
{
	struct netring_tx_slot s[BURST];
	int got = netring_tx_reserve(r, s, n);

	if (got != (int)n) {
		fprintf(stderr, "FAIL: reserve of %u gave %d (%s)\n", n, got,
			netring_error(r));
		exit(1);
	}
	for (unsigned i = 0; i < n; i++)
		s[i].len = make_frame(s[i].data, len, dst, src, tags, mark + i);
	return netring_tx_commit(r, s, n);
}

static int set_up(const char *ifname, bool up)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		rc = -errno;
	if (!rc) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			rc = -errno;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static bool link_running(const char *ifname)
{
	struct netring_if ifi;

	return netring_if_get(ifname, &ifi) == 0 &&
	       (ifi.flags & NETRING_IF_RUNNING);
}

static uint64_t cpu_ns(void)
{
	return nrt_clock_ns(CLOCK_PROCESS_CPUTIME_ID);
}

static int run_errors(const char *a, const char *b)
{
	static struct rxlog lg;
	struct netring_info ia, ib;
	struct netring_stats st, st0;
	struct netring_tx_slot s[BURST];
	uint8_t buf[2048];
	struct netring *ra, *rb, *rt, *ro;
	uint64_t t0, c0;
	int rc;

	ra = plug(a, 0, 0, 0);
	rb = plug(b, 0, 0, 0);
	netring_get_info(ra, &ia, sizeof(ia));
	netring_get_info(rb, &ib, sizeof(ib));
	const uint8_t *ma = ia.mac, *mb = ib.mac;

	expect(ia.mtu == 1500 && ia.tx_capacity == 1518 &&
		       ia.tx_frames == NETRING_TX_FRAMES_DEFAULT,
	       "info: mtu %u tx_capacity %u tx_frames %u (%s)", ia.mtu,
	       ia.tx_capacity, ia.tx_frames, ia.detail);

	/* An untagged frame one byte over MTU + header: refused, nothing
	 * queued, the reservation stands until given back. */
	rc = netring_tx_reserve(ra, s, 1);
	s[0].len = make_frame(s[0].data, 1515, mb, ma, 0, 1);
	rc = netring_tx_commit(ra, s, 1);
	expect(rc == -EMSGSIZE, "1515-byte untagged frame: %d (-EMSGSIZE)", rc);
	expect(netring_tx_reserve(ra, s, 1) == -EBUSY,
	       "the reservation stands after -EMSGSIZE");
	expect(netring_tx_commit(ra, s, 0) == 0, "commit 0 gives it back");
	st = stats(ra);
	expect(st.tx_queued == 0 && st.tx_failed == 0, "nothing queued");

	/* 1518 bytes with one 802.1Q tag, 1514 without: both sent whole. */
	rc = send_frames(ra, 1, 1518, 1, 10, mb, ma);
	expect(rc == 1, "1518-byte frame with a VLAN tag accepted: %d", rc);
	rc = send_frames(ra, 1, 1514, 0, 11, mb, ma);
	expect(rc == 1, "1514-byte untagged frame accepted: %d", rc);
	expect(netring_tx_drain(ra, 2000) == 0, "drained");
	collect(rb, &lg, 2, 3000, 100, mb, ma);
	expect(lg.n == 2 && lg.mark[0] == 10 && lg.mark[1] == 11 && !lg.bad,
	       "the peer got both, byte-exact, in order (%u frames, %u bad)",
	       lg.n, lg.bad);
	st = stats(ra);
	expect(st.tx_sent == 2 && st.tx_bytes == 1518 + 1514 &&
		       st.tx_in_flight == 0 && tx_accounted(&st),
	       "tx_sent 2, tx_bytes %" PRIu64, st.tx_bytes);

	/* Two tags: the kernel allows one tag's 4 bytes only, and so does
	 * the core: 1519 bytes are refused before anything is sent. */
	rc = netring_tx_reserve(ra, s, 1);
	s[0].len = make_frame(s[0].data, 1519, mb, ma, 2, 19);
	rc = netring_tx_commit(ra, s, 1);
	expect(rc == -EMSGSIZE, "1519 bytes with two tags: %d (-EMSGSIZE)", rc);
	expect(netring_tx_commit(ra, s, 0) == 0, "commit 0 gives it back");

	/* The MTU shrinks after plug: the core still checks against the
	 * MTU it saw, the kernel refuses.  That frame alone fails, counted,
	 * and the commit says why; the frames around it go out. */
	{
		uint32_t lens[3] = { 200, 1500, 300 };
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "ip link set dev %s mtu 1400", a);
		expect(system(cmd) == 0, "%s", cmd);
		netring_tx_reserve(ra, s, 3);
		for (int i = 0; i < 3; i++)
			s[i].len = make_frame(s[i].data, lens[i], mb, ma, 0,
					      20 + (uint32_t)i);
		rc = netring_tx_commit(ra, s, 3);
		snprintf(cmd, sizeof(cmd), "ip link set dev %s mtu 1500", a);
		expect(system(cmd) == 0, "%s", cmd);
	}
	expect(rc == -EMSGSIZE, "a frame the kernel refuses: %d (-EMSGSIZE): %s",
	       rc, netring_error(ra));
	rc = send_frames(ra, 1, 400, 0, 23, mb, ma);
	expect(rc == 1, "the ring sends again afterwards: %d", rc);
	expect(netring_tx_drain(ra, 2000) == 0, "drained");
	st = stats(ra);
	expect(st.tx_failed_kernel == 1 && st.tx_sent == 5 &&
		       st.tx_in_flight == 0 && tx_accounted(&st),
	       "tx_failed_kernel %" PRIu64 " (1) tx_sent %" PRIu64 " (5)",
	       st.tx_failed_kernel, st.tx_sent);
	lg.n = lg.bad = 0;
	collect(rb, &lg, 3, 3000, 100, mb, ma);
	expect(lg.n == 3 && lg.mark[0] == 20 && lg.mark[1] == 22 &&
		       lg.mark[2] == 23 && !lg.bad,
	       "the peer got the frames around it, nothing else (%u)", lg.n);

	/* Transmit only: no receive ring, nothing received, no spinning;
	 * it transmits.  With NETRING_CF_OUTGOING a ring sees what others
	 * send but never what it sent itself. */
	rt = plug(a, NETRING_CF_TX_ONLY, 0, 0);
	ro = plug(a, NETRING_CF_OUTGOING, 0, 0);
	st0 = stats(ra);
	rc = send_frames(rb, 50, 100, 0, 100, ma, mb);
	expect(rc == 50, "the peer sent 50 frames: %d", rc);
	lg.n = lg.bad = 0;
	collect(ra, &lg, 50, 3000, 100, ma, mb);
	expect(lg.n == 50 && !lg.bad, "a normal ring on A got them (%u)", lg.n);
	rc = netring_rx_burst(rt, (struct netring_frame[1]){ 0 }, 1);
	expect(rc == 0, "TX_ONLY: rx_burst returns 0");
	t0 = nrt_mono_ns();
	c0 = cpu_ns();
	rc = netring_wait(rt, 200);
	t0 = nrt_mono_ns() - t0;
	c0 = cpu_ns() - c0;
	expect(rc == 0 && t0 >= 190000000ull && c0 < 20000000ull,
	       "TX_ONLY: wait(200 ms) slept %" PRIu64 " ms using %" PRIu64
	       " ms of CPU, returned %d", t0 / 1000000, c0 / 1000000, rc);
	rc = send_frames(ro, 10, 120, 0, 200, mb, ma);
	expect(rc == 10, "OUTGOING ring sent 10: %d", rc);
	rc = send_frames(rt, 10, 130, 0, 300, mb, ma);
	expect(rc == 10, "TX_ONLY ring sent 10: %d", rc);
	expect(netring_tx_drain(ro, 2000) == 0 && netring_tx_drain(rt, 2000) == 0,
	       "drained");
	lg.n = lg.bad = 0;
	collect(rb, &lg, 20, 3000, 100, mb, ma);
	expect(lg.n == 20 && lg.mark[0] == 200 && lg.mark[10] == 300 && !lg.bad,
	       "the peer got both rings' frames (%u)", lg.n);
	lg.n = lg.bad = 0;
	collect(ro, &lg, 60, 300, 0, NULL, NULL); /* 50 in, 10 out, not its own */
	{
		uint32_t in = 0, own = 0, other = 0;

		for (uint32_t i = 0; i < lg.n && i < 2048; i++) {
			in += lg.mark[i] >= 100 && lg.mark[i] < 150;
			own += lg.mark[i] >= 200 && lg.mark[i] < 210;
			other += lg.mark[i] >= 300 && lg.mark[i] < 310;
		}
		expect(in == 50 && other == 10 && own == 0 && !lg.bad,
		       "OUTGOING ring: 50 received, 10 of the other ring's, 0 of its own (%u %u %u)",
		       in, other, own);
	}
	st = stats(rt);
	expect(st.received == 0 && st.kernel_seen == 0 && st.dropped == 0 &&
		       st.tx_sent == 10 && tx_accounted(&st),
	       "TX_ONLY stats: received %" PRIu64 " kernel_seen %" PRIu64
	       " dropped %" PRIu64 " tx_sent %" PRIu64, st.received,
	       st.kernel_seen, st.dropped, st.tx_sent);
	st = stats(ra);
	expect(st.received == st0.received + 50,
	       "the normal ring got none of A's own frames");
	netring_close(ro);

	/* Down: -ENETDOWN, counted, every slot free again, and none of the
	 * failed frames goes out once the link is back up. */
	expect(set_up(a, false) == 0, "%s down", a);
	st0 = stats(rt);
	rc = send_frames(rt, 8, 100, 0, 400, mb, ma);
	expect(rc == -ENETDOWN, "commit on a downed link: %d (-ENETDOWN)", rc);
	{
		struct netring_iov iov = { buf, make_frame(buf, 64, mb, ma, 0, 450) };

		rc = netring_tx_copy(rt, &iov, 1);
		expect(rc == -ENETDOWN, "tx_copy on a downed link: %d", rc);
	}
	st = stats(rt);
	expect(st.tx_failed_down == st0.tx_failed_down + 9 &&
		       st.tx_in_flight == 0 && tx_accounted(&st),
	       "tx_failed_down +9 (%" PRIu64 "), nothing in flight",
	       st.tx_failed_down - st0.tx_failed_down);
	rc = netring_tx_wait(rt, 0);
	expect(rc == (int)ia.tx_frames, "every slot free: %d", rc);
	expect(set_up(a, true) == 0, "%s up", a);
	for (int i = 0; i < 500 && !link_running(a); i++)
		usleep(10000);
	expect(link_running(a), "%s running again", a);
	usleep(100000); /* the qdisc is attached right after the operstate */
	/* A whole ring's worth after the failure: if a slot had stayed in
	 * SEND_REQUEST, the kernel and the ring would disagree and this
	 * would not drain. */
	st0 = stats(rt);
	lg.n = lg.bad = 0;
	for (uint32_t k = 0; k < ia.tx_frames; k += BURST) {
		rc = send_frames(rt, BURST, 100, 0, 1000 + k, mb, ma);
		if (rc != BURST)
			break;
	}
	expect(rc == BURST, "a whole ring committed after coming back up");
	expect(netring_tx_drain(rt, 3000) == 0, "drained");
	collect(rb, &lg, ia.tx_frames, 3000, 200, mb, ma);
	{
		uint32_t i = 0;

		while (i < lg.n && i < 2048 && lg.mark[i] == 1000 + i)
			i++;
		expect(lg.n == ia.tx_frames && i == lg.n && !lg.bad,
		       "the peer got exactly those %u frames, in order, none of the failed ones (%u; %u in order; %u bad)",
		       ia.tx_frames, lg.n, i, lg.bad);
	}
	st = stats(rt);
	expect(st.tx_sent == st0.tx_sent + ia.tx_frames && st.tx_in_flight == 0,
	       "tx_sent +%u", ia.tx_frames);

	/* Removed: -ENODEV, counted, and so on every later call. */
	rc = system("ip link del dev \"$NRT_DEL_IF\"");
	expect(rc == 0, "%s deleted", a);
	st0 = stats(rt);
	rc = send_frames(rt, 4, 100, 0, 5000, mb, ma);
	expect(rc == -ENODEV, "commit on a removed link: %d (-ENODEV)", rc);
	st = stats(rt);
	expect(st.tx_failed_down == st0.tx_failed_down + 4 &&
		       st.tx_in_flight == 0 && tx_accounted(&st),
	       "tx_failed_down +4");
	rc = netring_tx_reserve(rt, s, 1);
	expect(rc == -ENODEV, "then reserve: %d (-ENODEV)", rc);
	rc = netring_tx_wait(rt, 100);
	expect(rc == -ENODEV, "then tx_wait: %d (-ENODEV)", rc);
	rc = netring_tx_reserve(ra, s, 1);
	rc = rc == 1 ? netring_tx_commit(ra, (s[0].len = 60, s), 1) : rc;
	expect(rc == -ENODEV, "the other ring on A: %d (-ENODEV)", rc);
	netring_close(rt);
	netring_close(ra);
	netring_close(rb);
	if (!failures)
		printf("PASS\n");
	return failures ? 1 : 0;
}

/* --------------------------------------------------------------- cycle */

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
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int run_cycle(const char *ifname, uint32_t cycles)
{
	static const uint8_t dst[6] = NRT_MAC_DST, src[6] = NRT_MAC_SRC;
	uint64_t worst_close = 0, in_flight = 0, queued = 0, accounted = 0;
	int fds0 = count_fds();
	long rss_warm = 0, rss_end;

	for (uint32_t c = 0; c < cycles; c++) {
		struct netring *r = plug(ifname, c & 1 ? NETRING_CF_TX_ONLY : 0,
					 64, 64);
		struct netring_stats st;
		uint64_t t;
		int rc = send_frames(r, BURST, 1514, 0, c, dst, src);

		if (rc != BURST) {
			fprintf(stderr, "FAIL: cycle %u: commit %d: %s\n", c, rc,
				netring_error(r));
			return 1;
		}
		st = stats(r);
		queued += st.tx_queued;
		in_flight += st.tx_in_flight;
		accounted += tx_accounted(&st);
		t = nrt_mono_ns();
		netring_close(r);
		t = nrt_mono_ns() - t;
		if (t > worst_close)
			worst_close = t;
		if (c + 1 == cycles / 10)
			rss_warm = rss_kib();
	}
	rss_end = rss_kib();
	printf("cycles %u queued %" PRIu64 " in flight at close %" PRIu64
	       " worst close %" PRIu64 " us fds %d -> %d rss %ld -> %ld KiB\n",
	       cycles, queued, in_flight, worst_close / 1000, fds0, count_fds(),
	       rss_warm, rss_end);
	expect(queued == (uint64_t)cycles * BURST && accounted == cycles,
	       "every cycle queued %u frames and accounted for them", BURST);
	expect(in_flight > 0, "frames were in flight at close (%" PRIu64 ")",
	       in_flight);
	expect(count_fds() == fds0, "no descriptor leaked");
	expect(rss_end - rss_warm < 2048, "RSS stable (+%ld KiB)",
	       rss_end - rss_warm);
	expect(worst_close < 200000000ull, "no close blocked (worst %" PRIu64
	       " ms)", worst_close / 1000000);
	if (!failures)
		printf("PASS\n");
	return failures ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: packet_tx send -i IF -n COUNT [-s SEED] [--pps N] [stream options]\n"
		"       packet_tx errors -i A -p B   (deletes A at the end)\n"
		"       packet_tx cycle -i IF -n CYCLES\n" NRT_STREAM_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pps", required_argument, NULL, 'P' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *ifname = NULL, *peer = NULL, *mode;
	struct nrt_stream stream;
	uint64_t count = 0, pps = 0, val;
	int opt, idx, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	mode = argv[1];
	optind = 2;
	nrt_stream_init(&stream, 1);
	while ((opt = getopt_long(argc, argv, "i:p:n:s:h", longopts, &idx)) != -1) {
		rc = 0;
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'p':
			peer = optarg;
			break;
		case 'n':
			rc = nrt_parse_u64(optarg, UINT32_MAX, &count);
			break;
		case 's':
			rc = nrt_parse_u64(optarg, UINT32_MAX, &val);
			stream.seed = (uint32_t)val;
			break;
		case 'P':
			rc = nrt_parse_u64(optarg, 100000000, &pps);
			break;
		case 'L':
			rc = nrt_stream_option(&stream, longopts[idx].name,
					       optarg) == 1 ? 0 : -EINVAL;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (rc) {
			fprintf(stderr, "packet_tx: bad value '%s'\n", optarg);
			return 2;
		}
	}
	if (!ifname || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(mode, "send") && count)
		return run_send(ifname, &stream, (uint32_t)count, pps);
	if (!strcmp(mode, "errors") && peer) {
		setenv("NRT_DEL_IF", ifname, 1);
		return run_errors(ifname, peer);
	}
	if (!strcmp(mode, "cycle") && count)
		return run_cycle(ifname, (uint32_t)count);
	usage(stderr);
	return 2;
}
