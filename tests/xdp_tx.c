// SPDX-License-Identifier: MIT
/*
 * xdp_tx.c - the xdp backend's transmit tests, one program, one mode each:
 *   send   send frames 0..N-1 of a test stream (lib/frames.h) with
 *          reserve/commit, drain, check tx_sent == N, tx_failed == 0 and the
 *          UMEM audit; with --seconds, flat out for that long (a rate)
 *   fwd    receive on -i, forward to -o through a shared UMEM; every
 *          forwarded frame's TX descriptor must point at the RX view's own
 *          bytes; received == forwarded + dropped by reason
 *   faults oversize -> -EMSGSIZE, interface down -> -ENETDOWN counted in
 *          tx_failed_down, plug/unplug with frames in flight and a shared
 *          UMEM leaks no chunk (audit) and no descriptor
 * Links with the static library for the audit (src/xdp_audit.h).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frames.h"
#include "netring.h"
#include "nrt_util.h"
#include "xdp_audit.h"

#define BURST 64

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

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fputs("FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static struct netring *plug(const char *ifname, uint32_t flags,
			    struct netring *share)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc;

	cfg.backend = NETRING_BACKEND_XDP;
	cfg.mode = NETRING_MODE_TAKE;
	cfg.flags = flags;
	cfg.share_umem = share;
	/* Only the test stream: the host keeps anything else. */
	if (!(flags & NETRING_CF_TX_ONLY)) {
		cfg.match.fields = NETRING_MATCH_ETHERTYPE;
		cfg.match.ethertype = NRT_ETHERTYPE;
	}
	rc = netring_open(&r, ifname, &cfg, err);
	if (rc)
		die("open %s: %s (%s)", ifname, err, strerror(-rc));
	return r;
}

static void audit_check(struct netring *r, const char *when,
			struct nr_xdp_audit *out)
{
	struct nr_xdp_audit a;

	if (nr_xdp_audit(r, &a))
		die("audit: not an xdp ring");
	printf("audit %s: total %u free %u fill %u kernel_rx %u rx %u held %u tx_reserved %u tx_ring %u kernel_tx %u completion %u retired %u rings %u %s\n",
	       when, a.total, a.free, a.fill, a.kernel_rx, a.rx, a.held,
	       a.tx_reserved, a.tx_ring, a.kernel_tx, a.completion, a.retired,
	       a.rings, a.consistent ? "consistent" : "INCONSISTENT");
	if (!a.consistent)
		fail("audit %s: the chunks do not add up", when);
	if (out)
		*out = a;
}

static void stats_print(struct netring *r, const char *name,
			struct netring_stats *st)
{
	if (netring_stats_get(r, st, sizeof(*st)))
		die("stats of %s", name);
	printf("%s: received %" PRIu64 " dropped %" PRIu64 " tx_queued %" PRIu64
	       " tx_sent %" PRIu64 " tx_bytes %" PRIu64 " tx_failed %" PRIu64
	       " (down %" PRIu64 " too_big %" PRIu64 " kernel %" PRIu64
	       ") in_flight %" PRIu64 " zerocopy %" PRIu64 " copied %" PRIu64
	       " wakeups %" PRIu64 "\n",
	       name, st->received, st->dropped, st->tx_queued, st->tx_sent,
	       st->tx_bytes, st->tx_failed, st->tx_failed_down,
	       st->tx_failed_too_big, st->tx_failed_kernel, st->tx_in_flight,
	       st->tx_forwarded_zerocopy, st->tx_forwarded_copied,
	       st->tx_wakeups);
}

static uint32_t pps; /* 0: as fast as the ring takes them */

/* Send frames [first, first + n) of the stream, waiting for room, paced
 * at pps frames/s when asked. */
static uint64_t send_stream(struct netring *r, const struct nrt_stream *s,
			    uint32_t first, uint32_t n, uint64_t *bytes)
{
	struct netring_tx_slot slots[BURST];
	uint32_t seq = first, end = first + n;
	uint64_t t0 = nrt_mono_ns();

	while (seq != end) {
		if (pps) {
			uint64_t due = t0 + (uint64_t)(seq - first) * 1000000000ull / pps;

			while (nrt_mono_ns() < due)
				;
		}
		unsigned want = end - seq < BURST ? end - seq : BURST;
		int got = netring_tx_reserve(r, slots, pps && want > 16 ? 16 : want);
		int k;

		if (got < 0)
			die("reserve: %s (%s)", strerror(-got), netring_error(r));
		if (got == 0) {
			int rc = netring_tx_wait(r, 1000);

			if (rc < 0)
				die("tx_wait: %s", strerror(-rc));
			continue;
		}
		for (k = 0; k < got; k++) {
			int len = nrt_frame_build(s, seq + (uint32_t)k, slots[k].data,
						  slots[k].capacity);

			if (len < 0)
				die("frame %u does not fit %u bytes", seq + k,
				    slots[k].capacity);
			slots[k].len = (uint32_t)len;
			*bytes += (uint32_t)len;
		}
		k = netring_tx_commit(r, slots, (unsigned)got);
		if (k != got)
			die("commit of %d: %d (%s)", got, k, netring_error(r));
		seq += (uint32_t)got;
	}
	return n;
}

static int mode_send(const char *ifname, const struct nrt_stream *s,
		     uint32_t count, double seconds, bool tx_only)
{
	struct netring *r = plug(ifname, tx_only ? NETRING_CF_TX_ONLY : 0, NULL);
	struct netring_stats st;
	uint64_t bytes = 0, sent = 0, t0;
	int rc;

	audit_check(r, "plugged", NULL);
	printf("ready\n");
	fflush(stdout);
	t0 = nrt_mono_ns();
	if (seconds > 0) {
		uint64_t end = t0 + (uint64_t)(seconds * 1e9);

		while (nrt_mono_ns() < end)
			sent += send_stream(r, s, (uint32_t)sent, 4096, &bytes);
		count = (uint32_t)sent;
	} else {
		sent = send_stream(r, s, 0, count, &bytes);
	}
	rc = netring_tx_drain(r, 5000);
	if (rc)
		fail("drain: %s (%s)", strerror(-rc), netring_error(r));
	printf("rate %.0f frames/s over %.3f s\n",
	       (double)sent / ((double)(nrt_mono_ns() - t0) / 1e9),
	       (double)(nrt_mono_ns() - t0) / 1e9);
	stats_print(r, ifname, &st);
	audit_check(r, "drained", NULL);
	if (st.tx_sent != count || st.tx_queued != count)
		fail("tx_sent %" PRIu64 ", tx_queued %" PRIu64 ", expected %u",
		     st.tx_sent, st.tx_queued, count);
	if (st.tx_bytes != bytes)
		fail("tx_bytes %" PRIu64 ", expected %" PRIu64, st.tx_bytes, bytes);
	if (st.tx_failed || st.tx_in_flight)
		fail("tx_failed %" PRIu64 ", in flight %" PRIu64, st.tx_failed,
		     st.tx_in_flight);
	netring_close(r);
	printf("%s\n", failures ? "FAILED" : "PASS");
	return failures ? 1 : 0;
}

/*
 * Forward every frame of `in` to `out`.  After each forward, the newest TX
 * descriptors of `out` must be the views' own addresses in the shared
 * UMEM: the frame was not copied.
 */
static int mode_fwd(const char *in_name, const char *out_name, uint32_t count,
		    double timeout)
{
	struct netring *in = plug(in_name, NETRING_CF_UMEM_SHAREABLE, NULL);
	struct netring *out = plug(out_name, NETRING_CF_TX_ONLY, in);
	struct netring_frame f[BURST];
	uint64_t addrs[BURST], received = 0, forwarded = 0, t0 = 0, t_end = 0;
	uint64_t deadline = nrt_mono_ns() + (uint64_t)(timeout * 1e9);
	struct nr_xdp_audit a;
	struct netring_stats si, so;
	unsigned checked = 0;

	audit_check(in, "plugged", &a);
	if (a.rings != 2)
		fail("the two rings do not share one UMEM (%u rings on it)", a.rings);
	printf("ready\n");
	fflush(stdout);
	while (received < count && nrt_mono_ns() < deadline) {
		int n = netring_rx_burst(in, f, BURST), done = 0;

		if (n < 0)
			die("burst: %s", strerror(-n));
		if (n == 0) {
			/* Every frame received or counted as dropped: none is
			 * coming (the checks below say what went wrong). */
			if (netring_wait(in, 100) == 0 &&
			    netring_stats_get(in, &si, sizeof(si)) == 0 &&
			    si.received + si.dropped >= count)
				break;
			continue;
		}
		t_end = nrt_mono_ns();
		if (!t0)
			t0 = t_end;
		received += (unsigned)n;
		while (done < n) {
			int k = netring_tx_forward(out, in, f + done, (unsigned)(n - done));

			if (k < 0)
				die("forward: %s (%s)", strerror(-k), netring_error(out));
			if (k > 0) {
				int got = nr_xdp_tx_last(out, addrs, (unsigned)k);

				for (int i = 0; i < got; i++, checked++)
					if (a.area + addrs[i] != f[done + i].data)
						fail("frame %" PRIu64 ": TX descriptor at UMEM offset %" PRIu64
						     ", the RX view at %td: copied",
						     forwarded + (uint64_t)i, addrs[i],
						     f[done + i].data - a.area);
			}
			forwarded += (unsigned)k;
			done += k;
			if (done < n && netring_tx_wait(out, 1000) < 0)
				die("tx_wait");
		}
		netring_rx_release(in, (unsigned)n);
	}
	if (netring_tx_drain(out, 5000))
		fail("drain: %s", netring_error(out));
	printf("rate %.0f frames/s forwarded (first frame to last burst)\n",
	       t0 && t_end > t0 ? (double)forwarded / ((double)(t_end - t0) / 1e9) : 0.0);
	stats_print(in, in_name, &si);
	stats_print(out, out_name, &so);
	audit_check(in, "drained", NULL);
	printf("checked %u descriptors by address\n", checked);
	if (si.received != count)
		fail("received %" PRIu64 ", expected %u", si.received, count);
	if (si.received != forwarded + so.tx_failed_too_big)
		fail("received %" PRIu64 " != forwarded %" PRIu64 " + too big %" PRIu64,
		     si.received, forwarded, so.tx_failed_too_big);
	if (so.tx_forwarded_zerocopy != forwarded || so.tx_forwarded_copied)
		fail("zerocopy %" PRIu64 ", copied %" PRIu64 ", forwarded %" PRIu64,
		     so.tx_forwarded_zerocopy, so.tx_forwarded_copied, forwarded);
	if (so.tx_sent != forwarded || so.tx_failed || so.tx_in_flight)
		fail("out: sent %" PRIu64 " failed %" PRIu64 " in flight %" PRIu64
		     ", forwarded %" PRIu64,
		     so.tx_sent, so.tx_failed, so.tx_in_flight, forwarded);
	if (checked != forwarded)
		fail("checked %u of %" PRIu64 " descriptors", checked, forwarded);
	netring_close(out);
	netring_close(in);
	printf("%s\n", failures ? "FAILED" : "PASS");
	return failures ? 1 : 0;
}

static int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		die("/proc/self/fd");
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own */
}

static void run(const char *cmd)
{
	if (system(cmd) != 0)
		die("%s", cmd);
}

/* Commit n frames of 60 bytes (the stream's first); returns commit's rc. */
static int commit_some(struct netring *r, const struct nrt_stream *s,
		       unsigned n, int *reserved)
{
	struct netring_tx_slot slots[BURST];
	int got = netring_tx_reserve(r, slots, n), rc;

	*reserved = got;
	if (got <= 0)
		return got;
	for (int k = 0; k < got; k++)
		slots[k].len = (uint32_t)nrt_frame_build(s, (uint32_t)k, slots[k].data,
							 slots[k].capacity);
	rc = netring_tx_commit(r, slots, (unsigned)got);
	if (rc < 0 && netring_tx_commit(r, slots, 0) < 0)
		die("commit 0 after a failure");
	return rc;
}

static int mode_faults(const char *a_name, const char *b_name,
		       const struct nrt_stream *s, unsigned cycles)
{
	struct netring_tx_slot slot;
	struct netring_stats st;
	struct netring_info info;
	struct nr_xdp_audit au;
	struct netring *a, *b;
	char cmd[128];
	int rc, got, fds0;

	/* Oversize: refused before anything is sent, the slot still ours. */
	a = plug(a_name, 0, NULL);
	netring_get_info(a, &info, sizeof(info));
	if (netring_tx_reserve(a, &slot, 1) != 1)
		die("reserve 1");
	slot.len = info.tx_capacity + 1;
	memset(slot.data, 0, info.tx_capacity);
	rc = netring_tx_commit(a, &slot, 1);
	if (rc != -EMSGSIZE)
		fail("oversize (%u bytes): commit returned %d, expected -EMSGSIZE",
		     slot.len, rc);
	if (netring_tx_commit(a, &slot, 0) != 0)
		fail("commit 0 after -EMSGSIZE");
	stats_print(a, "oversize", &st);
	if (st.tx_queued || st.tx_failed)
		fail("an oversize frame was queued or counted");
	printf("oversize: -EMSGSIZE\n");

	/* Down.  The commit that finds it down (its kick fails) leaves its
	 * frames queued in flight: the kernel may have read them, so they
	 * stay and go out once the interface is up.  Later commits send
	 * nothing and count every frame in tx_failed_down. */
	snprintf(cmd, sizeof(cmd), "ip link set dev %s down", a_name);
	run(cmd);
	rc = commit_some(a, s, BURST, &got);
	if (rc != -ENETDOWN)
		fail("commit on a downed interface: %d, expected -ENETDOWN", rc);
	rc = commit_some(a, s, BURST, &got);
	if (rc != -ENETDOWN)
		fail("second commit on a downed interface: %d, expected -ENETDOWN", rc);
	stats_print(a, "down", &st);
	if (st.tx_failed_down != BURST || st.tx_queued != 2 * BURST ||
	    st.tx_in_flight != BURST || st.tx_sent)
		fail("down: failed_down %" PRIu64 " queued %" PRIu64 " in flight %" PRIu64
		     " sent %" PRIu64 ", expected %d failed, %d in flight, none sent",
		     st.tx_failed_down, st.tx_queued, st.tx_in_flight, st.tx_sent,
		     BURST, BURST);
	audit_check(a, "down", &au);
	if (au.tx_ring + au.kernel_tx != BURST || au.tx_reserved)
		fail("down: %u chunks in the TX ring and kernel, expected %d",
		     au.tx_ring + au.kernel_tx, BURST);
	snprintf(cmd, sizeof(cmd), "ip link set dev %s up", a_name);
	run(cmd);
	for (int i = 0; i < 100; i++) {
		rc = commit_some(a, s, 8, &got);
		if (rc == 8)
			break;
		usleep(50000); /* the carrier comes back asynchronously */
	}
	if (rc != 8)
		fail("after up: commit returned %d", rc);
	if (netring_tx_drain(a, 2000))
		fail("drain after up");
	stats_print(a, "up again", &st);
	if (st.tx_sent != BURST + 8 || st.tx_in_flight ||
	    st.tx_sent + st.tx_failed_down != st.tx_queued)
		fail("after up: sent %" PRIu64 " (expected %d), in flight %" PRIu64
		     ", failed_down %" PRIu64 ", queued %" PRIu64,
		     st.tx_sent, BURST + 8, st.tx_in_flight, st.tx_failed_down,
		     st.tx_queued);
	audit_check(a, "up again", &au);
	if (au.free != au.total / 2 + au.total / 2 - au.fill - au.kernel_rx - au.rx)
		fail("after up: %u chunks free", au.free);
	netring_close(a);
	printf("down: -ENETDOWN\n");

	/* Plug/unplug with frames in flight and the UMEM shared, in both
	 * close orders: the survivor's audit adds up, nothing retired, and
	 * no descriptor stays open. */
	fds0 = fd_count();
	for (unsigned c = 0; c < cycles; c++) {
		a = plug(a_name, NETRING_CF_UMEM_SHAREABLE, NULL);
		b = plug(b_name, c % 2 ? NETRING_CF_TX_ONLY : 0, a);
		commit_some(a, s, BURST, &got);
		commit_some(b, s, BURST, &got);
		commit_some(b, s, BURST, &got); /* reserve with in-flight */
		audit_check(a, "shared, in flight", &au);
		if (au.rings != 2)
			fail("cycle %u: %u rings on the UMEM", c, au.rings);
		if (c % 2) {
			netring_close(a);
			audit_check(b, "b alone", &au);
			if (au.rings != 1 || au.retired)
				fail("cycle %u: %u rings, %u retired after closing the owner",
				     c, au.rings, au.retired);
			if (au.free + au.fill + au.kernel_rx + au.rx + au.tx_ring +
				    au.kernel_tx + au.completion != au.total)
				fail("cycle %u: chunks lost closing the owner", c);
			netring_close(b);
		} else {
			netring_close(b);
			audit_check(a, "a alone", &au);
			if (au.rings != 1 || au.retired)
				fail("cycle %u: %u rings, %u retired after closing the sharer",
				     c, au.rings, au.retired);
			netring_close(a);
		}
	}
	if (fd_count() != fds0)
		fail("%d descriptors before the cycles, %d after", fds0, fd_count());
	printf("cycles: %u, descriptors %d -> %d\n", cycles, fds0, fd_count());
	printf("%s\n", failures ? "FAILED" : "PASS");
	return failures ? 1 : 0;
}

static uint32_t u32_arg(const char *v)
{
	uint64_t x;

	if (nrt_parse_u64(v, UINT32_MAX, &x))
		die("not a number: '%s'", v);
	return (uint32_t)x;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xdp_tx send -i IF -n N [-s SEED] [--seconds S] [--pps N] [--tx-only] [stream options]\n"
		"       xdp_tx fwd -i IN -o OUT -n N [-t SECONDS]\n"
		"       xdp_tx faults -i IF -o IF2 [--cycles N]\n" NRT_STREAM_USAGE);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 'S' },
		{ "tx-only", no_argument, NULL, 'T' },
		{ "cycles", required_argument, NULL, 'C' },
		{ "pps", required_argument, NULL, 'P' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode, *ifname = NULL, *out = NULL;
	uint32_t count = 0, seed = 1, cycles = 20;
	double seconds = 0, timeout = 60;
	bool tx_only = false;
	struct nrt_stream s;
	int opt, idx;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	nrt_stream_init(&s, seed);
	while ((opt = getopt_long(argc, argv, "i:o:n:s:t:", longopts, &idx)) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'n':
			count = u32_arg(optarg);
			break;
		case 's':
			seed = u32_arg(optarg);
			s.seed = seed;
			break;
		case 't':
			timeout = u32_arg(optarg);
			break;
		case 'S':
			seconds = u32_arg(optarg);
			break;
		case 'T':
			tx_only = true;
			break;
		case 'C':
			cycles = u32_arg(optarg);
			break;
		case 'P':
			pps = u32_arg(optarg);
			break;
		case 'L':
			if (nrt_stream_option(&s, longopts[idx].name, optarg) != 1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (!ifname || nrt_stream_check(&s))
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "send") && (count || seconds > 0))
		return mode_send(ifname, &s, count, seconds, tx_only);
	if (!strcmp(mode, "fwd") && out && count)
		return mode_fwd(ifname, out, count, timeout);
	if (!strcmp(mode, "faults") && out)
		return mode_faults(ifname, out, &s, cycles);
	usage();
}
