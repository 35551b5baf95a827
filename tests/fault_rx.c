// SPDX-License-Identifier: MIT
/*
 * fault_rx.c - the receiving half of the fault and overload tests: plug an
 * interface, take the test stream while a script breaks things around it
 * (link deleted, down/up, MTU raised) or while a slow handler lets the ring
 * overflow, and check what the caller is told: every frame in order at
 * most once, received + dropped == sent per reason, the expected error, and
 * every descriptor given back after netring_close().
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frames.h"
#include "nrt_util.h"
#include "netring.h"

#define BURST 64
#define MAX_REPORTS 10

struct fault_rx {
	struct nrt_stream stream;
	struct netring_info info;
	uint64_t count;     /* frames the sender sends */
	uint64_t mark;      /* print "mark N" once this many were taken */
	uint64_t slow_ns;   /* the handler spins this long per frame */
	bool exact;         /* every frame, none dropped */
	bool expect_gone;   /* the interface is deleted: wait must say so */
	int expect_err;     /* the error wait must end with (ENODEV, ...) */
	const char *expect_text; /* ... and what netring_error() must say */
	bool hold;          /* take nothing until the interface is gone */

	uint64_t received;
	uint64_t truncated;
	uint64_t failures;
	int64_t last_seq;
	bool marked;
};

static void pause_ms(unsigned ms)
{
	struct timespec ts = { 0, (long)ms * 1000000 };

	nanosleep(&ts, NULL);
}

static void __attribute__((format(printf, 2, 3)))
failure(struct fault_rx *v, const char *fmt, ...)
{
	va_list ap;

	if (v->failures++ >= MAX_REPORTS)
		return;
	fputs("FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

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
	return n - 1; /* the directory's own descriptor */
}

static void take_one(struct fault_rx *v, const struct netring_frame *f)
{
	bool truncated = f->flags & NETRING_FRAME_TRUNCATED;
	struct nrt_shape shape;
	char why[160];
	uint32_t seq;

	v->received++;
	v->truncated += truncated;
	if (nrt_frame_verify(&v->stream, f->data, f->len, f->wire_len,
			     truncated, &seq, &shape, why, sizeof(why))) {
		failure(v, "frame %" PRIu64 ": %s", v->received - 1, why);
	} else {
		if (seq >= v->count)
			failure(v, "seq %" PRIu32 " beyond the %" PRIu64 " sent",
				seq, v->count);
		if ((int64_t)seq <= v->last_seq)
			failure(v, "seq %" PRIu32 " after %" PRId64
				": reordered or duplicated", seq, v->last_seq);
		else if (v->exact && (int64_t)seq != v->last_seq + 1)
			failure(v, "seq %" PRIu32 " after %" PRId64 ": missing",
				seq, v->last_seq);
		v->last_seq = seq;
		/* Cut exactly at the slot, never past it. */
		if (shape.len > v->info.frame_capacity ?
			    !truncated || f->len != v->info.frame_capacity :
			    truncated)
			failure(v, "seq %" PRIu32 " (%" PRIu32 " bytes): len %"
				PRIu32 " flags 0x%x, capacity %" PRIu32, seq,
				shape.len, f->len, f->flags,
				v->info.frame_capacity);
	}
	if (v->slow_ns) {
		uint64_t until = nrt_mono_ns() + v->slow_ns;

		while (nrt_mono_ns() < until)
			;
	}
}

static int take(struct netring *r, struct fault_rx *v)
{
	struct netring_frame frames[BURST];
	int n = netring_rx_burst(r, frames, BURST);

	if (n <= 0)
		return n;
	for (int i = 0; i < n; i++)
		take_one(v, &frames[i]);
	if (netring_rx_release(r, (unsigned)n))
		failure(v, "release of %d frames refused", n);
	if (v->mark && !v->marked && v->received >= v->mark) {
		v->marked = true;
		printf("mark %" PRIu64 "\n", v->received);
		fflush(stdout);
	}
	return n;
}

/* The frames are in the ring, then the interface goes: nothing is taken
 * before, so they must all still be delivered after. */
static int hold_until_gone(struct netring *r, struct fault_rx *v,
			   uint64_t deadline)
{
	struct netring_stats st;
	struct netring_if ifi;
	int rc;

	for (;;) {
		rc = netring_stats_get(r, &st, sizeof(st));
		if (rc)
			return rc;
		if (st.kernel_seen >= v->count)
			break;
		if (nrt_mono_ns() > deadline)
			return -ETIMEDOUT;
		pause_ms(5);
	}
	printf("queued %" PRIu64 "\n", st.kernel_seen);
	fflush(stdout);
	while ((rc = netring_if_get(v->info.ifname, &ifi)) != -ENODEV) {
		if (rc && rc != 0)
			return rc;
		if (nrt_mono_ns() > deadline)
			return -ETIMEDOUT;
		pause_ms(5);
	}
	return 0;
}

static int receive(struct netring *r, struct fault_rx *v, uint64_t deadline)
{
	struct netring_stats st;
	int rc;

	for (;;) {
		rc = take(r, v);
		if (rc > 0)
			continue;
		if (rc < 0)
			return rc;
		rc = netring_stats_get(r, &st, sizeof(st));
		if (rc < 0)
			return rc;
		/* Waiting for the end is waiting for the error. */
		if (!v->expect_gone && st.received + st.dropped >= v->count)
			return 0;
		if (nrt_mono_ns() > deadline)
			return -ETIMEDOUT;
		rc = netring_wait(r, 100);
		if (rc < 0 && rc != -EINTR)
			return rc;
	}
}

static int check(bool ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "FAIL: %s\n", what);
	return !ok;
}

static const char usage_text[] =
	"usage: fault_rx -i IFACE -n COUNT (--exact|--accounted) [-b BACKEND]\n"
	"       [--mode monitor|take] [-s SEED] [-t SECONDS] [--frame-size N]\n"
	"       [--ring-frames N] [--block-timeout MS] [--mark N] [--slow-ns N]\n"
	"       [--expect-gone] [--hold-until-gone] [--expect-detached]\n"
	"       [--promisc] [stream options]\n" NRT_STREAM_USAGE;

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "frame-size", required_argument, NULL, 'F' },
		{ "ring-frames", required_argument, NULL, 'R' },
		{ "block-timeout", required_argument, NULL, 'T' },
		{ "exact", no_argument, NULL, 'E' },
		{ "accounted", no_argument, NULL, 'A' },
		{ "mode", required_argument, NULL, 'M' },
		{ "mark", required_argument, NULL, 'k' },
		{ "slow-ns", required_argument, NULL, 'w' },
		{ "expect-gone", no_argument, NULL, 'g' },
		{ "hold-until-gone", no_argument, NULL, 'H' },
		{ "expect-detached", no_argument, NULL, 'D' },
		{ "promisc", no_argument, NULL, 'p' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ 0 },
	};
	static struct fault_rx v = { .last_seq = -1 };
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	uint64_t val, timeout_s = 60, deadline;
	struct netring_stats st;
	const char *ifname = NULL;
	bool have_expect = false;
	struct netring *r;
	long fds_before, fds_after;
	int opt, idx, rc, bad = 0;

	nrt_stream_init(&v.stream, 1);
	while ((opt = getopt_long(argc, argv, "i:b:n:s:t:", longopts, &idx)) != -1) {
		rc = 0;
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'b':
			rc = netring_backend_parse(optarg);
			if (rc >= 0) {
				cfg.backend = (enum netring_backend)rc;
				rc = 0;
			}
			break;
		case 'n':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &v.count);
			break;
		case 's':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &val);
			v.stream.seed = (uint32_t)val;
			break;
		case 't':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &timeout_s);
			break;
		case 'F':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &val);
			cfg.frame_size = (uint32_t)val;
			break;
		case 'R':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &val);
			cfg.ring_frames = (uint32_t)val;
			break;
		case 'T':
			rc = nrt_parse_u64(optarg, UINT32_MAX, &val);
			cfg.block_timeout_ms = (uint32_t)val;
			break;
		case 'E':
		case 'A':
			v.exact = opt == 'E';
			have_expect = true;
			break;
		case 'M':
			if (!strcmp(optarg, "take"))
				cfg.mode = NETRING_MODE_TAKE;
			else if (strcmp(optarg, "monitor"))
				rc = -EINVAL;
			break;
		case 'k':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &v.mark);
			break;
		case 'w':
			rc = nrt_parse_u64(optarg, UINT64_MAX, &v.slow_ns);
			break;
		case 'g':
		case 'H':
			v.expect_gone = true;
			v.hold = opt == 'H';
			v.expect_err = ENODEV;
			v.expect_text = "went away";
			break;
		case 'p':
			cfg.flags |= NETRING_CF_PROMISC;
			break;
		case 'D':
			v.expect_gone = true;
			v.expect_err = ENOLINK;
			v.expect_text = "detached";
			break;
		case 'L':
			rc = nrt_stream_option(&v.stream, longopts[idx].name,
					       optarg) == 1 ? 0 : -EINVAL;
			break;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
		if (rc) {
			fprintf(stderr, "fault_rx: bad value '%s'\n", optarg);
			return 2;
		}
	}
	if (!ifname || !have_expect || !v.count || optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}

	fds_before = open_fds();
	rc = netring_open(&r, ifname, &cfg, errbuf);
	if (rc < 0) {
		fprintf(stderr, "FAIL: netring_open(%s): %s: %s\n", ifname,
			strerror(-rc), errbuf);
		return 1;
	}
	netring_get_info(r, &v.info, sizeof(v.info));
	printf("plugged %s backend %s ring_frames %" PRIu32 " capacity %" PRIu32
	       " (%s)\nready\n", v.info.ifname,
	       netring_backend_name(v.info.backend), v.info.ring_frames,
	       v.info.frame_capacity, v.info.detail);
	fflush(stdout);

	deadline = nrt_mono_ns() + timeout_s * 1000000000ull;
	rc = v.hold ? hold_until_gone(r, &v, deadline) : 0;
	if (!rc)
		rc = receive(r, &v, deadline);
	/* Whatever is still in the ring counts too. */
	while (take(r, &v) > 0)
		;
	if (v.expect_gone) {
		printf("wait returned %d (%s): %s\n", rc, strerror(-rc),
		       netring_error(r));
		bad |= check(rc == -v.expect_err,
			     "netring_wait ends with the expected error");
		bad |= check(strstr(netring_error(r), v.expect_text) != NULL,
			     "netring_error says what happened");
		/* It stays so: the next call says it again, at once. */
		rc = netring_wait(r, -1);
		bad |= check(rc == -v.expect_err,
			     "a second netring_wait returns the same error");
	} else if (rc) {
		fprintf(stderr, "FAIL: receiving: %s: %s\n", strerror(-rc),
			netring_error(r));
		bad = 1;
	}

	/* Whether the kernel runs a snap filter per frame (packet backend);
	 * the scripts say when one is expected. */
	printf("socket_filter %d\n", nrt_socket_filter_len(netring_fd(r)));
	rc = netring_stats_get(r, &st, sizeof(st));
	bad |= check(rc == 0, "netring_stats_get works on a plugged ring");
	printf("received %" PRIu64 " dropped %" PRIu64 " (ring_full %" PRIu64
	       " interface %" PRIu64 " no_buffer %" PRIu64 " redirect %" PRIu64
	       ") truncated %" PRIu64 " kernel_seen %" PRIu64 " unread %" PRIu64
	       " if_rx_dropped %" PRIu64 " freezes %" PRIu64 " of %" PRIu64 "\n",
	       st.received, st.dropped, st.dropped_ring_full,
	       st.dropped_interface, st.dropped_no_buffer, st.dropped_redirect,
	       st.truncated, st.kernel_seen, st.unread, st.if_rx_dropped,
	       st.freezes, v.count);
	bad |= check(v.failures == 0, "every frame taken is intact, in order, once");
	bad |= check(st.received == v.received,
		     "stats.received equals the frames taken");
	bad |= check(st.truncated == v.truncated,
		     "stats.truncated equals the frames flagged");
	bad |= check(st.dropped == st.dropped_ring_full + st.dropped_interface +
					   st.dropped_no_buffer + st.dropped_redirect,
		     "stats.dropped is the sum of its reasons");
	bad |= check(st.received + st.dropped == v.count,
		     "received + dropped == sent");
	if (v.exact)
		bad |= check(st.dropped == 0 && v.received == v.count,
			     "every frame received, none dropped");

	netring_close(r);
	fds_after = open_fds();
	printf("fds before %ld after %ld\n", fds_before, fds_after);
	bad |= check(fds_before >= 0 && fds_after == fds_before,
		     "netring_close gives back every descriptor");
	puts(bad ? "FAIL" : "PASS");
	return bad;
}
