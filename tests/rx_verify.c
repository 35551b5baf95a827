// SPDX-License-Identifier: MIT
/*
 * rx_verify.c - the receiving half of the delivery tests: plug an interface,
 * take the test stream (lib/frames.h) through netring_rx_burst() or
 * netring_dispatch(), check every frame byte for byte and in order, and
 * check that netring_stats accounts for every frame that was sent.
 */
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
#define MAX_REPORTS 10 /* frame failures printed; all are counted */

enum expect {
	EXPECT_EXACT,     /* every frame, consecutive, nothing dropped */
	EXPECT_ACCOUNTED, /* received + dropped == sent, in order */
};

struct verifier {
	struct nrt_stream stream;
	struct netring_info info;
	uint64_t expected;
	enum expect expect;
	uint64_t plug_ns; /* CLOCK_REALTIME when plugged */

	uint64_t received;
	uint64_t bytes;
	uint64_t wire_bytes;
	uint64_t truncated;
	uint64_t vlan;
	uint64_t failures;
	int64_t last_seq; /* -1 before the first frame */
};

static void __attribute__((format(printf, 2, 3)))
frame_failure(struct verifier *v, const char *fmt, ...)
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

/* Everything one delivered frame must satisfy. */
static void verify_frame(struct verifier *v, const struct netring_frame *f)
{
	bool truncated = f->flags & NETRING_FRAME_TRUNCATED;
	struct nrt_shape shape;
	char why[160];
	uint32_t seq;

	v->received++;
	v->bytes += f->len;
	v->wire_bytes += f->wire_len;
	v->truncated += truncated;

	if (nrt_frame_verify(&v->stream, f->data, f->len, f->wire_len,
			     truncated, &seq, &shape, why, sizeof(why))) {
		frame_failure(v, "frame %" PRIu64 ": %s", v->received - 1, why);
		return;
	}
	if (seq >= v->expected)
		frame_failure(v, "seq %" PRIu32 " beyond the %" PRIu64
			      " frames sent", seq, v->expected);
	if ((int64_t)seq <= v->last_seq)
		frame_failure(v, "seq %" PRIu32 " after seq %" PRId64
			      ": out of order or duplicated", seq, v->last_seq);
	else if (v->expect == EXPECT_EXACT && (int64_t)seq != v->last_seq + 1)
		frame_failure(v, "seq %" PRIu32 " after seq %" PRId64
			      ": frames missing", seq, v->last_seq);
	v->last_seq = seq;

	/* Cut exactly when the frame is longer than a slot holds. */
	if (shape.len > v->info.frame_capacity) {
		if (!truncated || f->len != v->info.frame_capacity)
			frame_failure(v, "seq %" PRIu32 " (%" PRIu32
				      " bytes): len %" PRIu32 " flags 0x%x, "
				      "expected truncated to %" PRIu32,
				      seq, shape.len, f->len, f->flags,
				      v->info.frame_capacity);
	} else if (truncated) {
		frame_failure(v, "seq %" PRIu32 " (%" PRIu32 " bytes) flagged "
			      "truncated with capacity %" PRIu32, seq,
			      shape.len, v->info.frame_capacity);
	}

	/* A tagged frame comes back tagged in its bytes (checked above) and
	 * in vlan_tci; an untagged one carries no VLAN flag.  AF_PACKET always
	 * strips the tag, so there it must also say it put the tag back. */
	if (shape.vlan) {
		uint16_t want = NETRING_FRAME_VLAN;

		if (v->info.backend == NETRING_BACKEND_PACKET)
			want |= NETRING_FRAME_VLAN_RESTORED;
		v->vlan++;
		if ((f->flags & want) != want || f->vlan_tci != shape.tci)
			frame_failure(v, "seq %" PRIu32 ": flags 0x%x tci 0x%04x"
				      ", expected flags 0x%x tci 0x%04x",
				      seq, f->flags, f->vlan_tci, want, shape.tci);
	} else if (f->flags & (NETRING_FRAME_VLAN | NETRING_FRAME_VLAN_RESTORED)) {
		frame_failure(v, "seq %" PRIu32 ": untagged, flags 0x%x", seq,
			      f->flags);
	}

	if (f->ifindex != v->info.ifindex)
		frame_failure(v, "seq %" PRIu32 ": ifindex %" PRIu32
			      ", plugged %" PRIu32, seq, f->ifindex,
			      v->info.ifindex);
	/* Sent after the plug, received before now; a second of slack for
	 * a real-time clock that is stepped meanwhile. */
	if (f->ts_ns + 1000000000ull < v->plug_ns ||
	    f->ts_ns > nrt_clock_ns(CLOCK_REALTIME) + 1000000000ull)
		frame_failure(v, "seq %" PRIu32 ": ts_ns %" PRIu64
			      " outside the run (plugged at %" PRIu64 ")",
			      seq, f->ts_ns, v->plug_ns);
}

static void verify_dispatched(const struct netring_frame *f, void *user)
{
	verify_frame(user, f);
}

/* Frames in the whole stream that are longer than a slot. */
static uint64_t stream_truncated(const struct verifier *v)
{
	struct nrt_shape shape;
	uint64_t n = 0;
	uint32_t seq;

	for (seq = 0; seq < v->expected; seq++) {
		nrt_frame_shape(&v->stream, seq, &shape);
		n += shape.len > v->info.frame_capacity;
	}
	return n;
}

static int take_frames(struct netring *r, struct verifier *v, bool dispatch)
{
	struct netring_frame frames[BURST];
	int n, i, rc;

	if (dispatch)
		return netring_dispatch(r, BURST, verify_dispatched, v);

	n = netring_rx_burst(r, frames, BURST);
	if (n <= 0)
		return n;
	/* Every view of the burst stays valid until released. */
	for (i = 0; i < n; i++)
		verify_frame(v, &frames[i]);
	if (netring_rx_held(r) != (unsigned)n)
		frame_failure(v, "%u frames held after a burst of %d",
			      netring_rx_held(r), n);
	rc = netring_rx_release(r, (unsigned)n);
	return rc < 0 ? rc : n;
}

static int check(bool ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "FAIL: %s\n", what);
	return ok ? 0 : 1;
}

static int final_checks(struct netring *r, const struct verifier *v,
			const struct netring_stats *st)
{
	int bad = 0;

	bad |= check(st->received == v->received,
		     "stats.received equals the frames the application got");
	bad |= check(st->bytes == v->bytes,
		     "stats.bytes equals the sum of delivered lengths");
	bad |= check(st->wire_bytes == v->wire_bytes,
		     "stats.wire_bytes equals the sum of wire lengths");
	bad |= check(st->truncated == v->truncated,
		     "stats.truncated equals the frames flagged truncated");
	bad |= check(st->dropped == st->dropped_ring_full +
					    st->dropped_interface +
					    st->dropped_no_buffer +
					    st->dropped_redirect,
		     "stats.dropped is the sum of its reasons");
	bad |= check(st->received + st->dropped == v->expected,
		     "received + dropped == sent");
	bad |= check(netring_rx_held(r) == 0, "no frame still held");
	if (v->expect == EXPECT_EXACT) {
		bad |= check(st->dropped == 0, "no frame dropped");
		bad |= check(v->received == v->expected &&
				     v->last_seq + 1 == (int64_t)v->expected,
			     "every frame received");
		bad |= check(st->truncated == stream_truncated(v),
			     "stats.truncated equals the stream's frames "
			     "longer than a slot");
	}
	return bad;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rx_verify -i IFACE -n COUNT (--expect-exact|--expect-accounted)\n"
		"                 [-b BACKEND] [--mode monitor|take] [-s SEED] [-t SECONDS]\n"
		"                 [--api burst|dispatch]\n"
		"                 [--frame-size N] [--ring-frames N] [--block-timeout MS]\n"
		"                 [stream options]\n"
		"Prints 'ready' once plugged, then checks frames 0..COUNT-1 of the stream.\n"
		NRT_STREAM_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "frame-size", required_argument, NULL, 'F' },
		{ "ring-frames", required_argument, NULL, 'R' },
		{ "block-timeout", required_argument, NULL, 'T' },
		{ "expect-exact", no_argument, NULL, 'E' },
		{ "expect-accounted", no_argument, NULL, 'A' },
		{ "api", required_argument, NULL, 'P' },
		{ "mode", required_argument, NULL, 'M' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct netring_config cfg = { .sz = sizeof(cfg) };
	static struct verifier v = { .last_seq = -1 };
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	uint64_t val, timeout_s = 30, deadline;
	struct netring_stats st;
	const char *ifname = NULL;
	bool dispatch = false, have_expect = false;
	struct netring *r;
	int opt, idx, rc, bad;

	nrt_stream_init(&v.stream, 1);
	while ((opt = getopt_long(argc, argv, "i:b:n:s:t:h", longopts,
				  &idx)) != -1) {
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
			rc = nrt_parse_u64(optarg, UINT32_MAX, &v.expected);
			break;
		case 's':
			rc = nrt_parse_u64(optarg, UINT32_MAX, &val);
			v.stream.seed = (uint32_t)val;
			break;
		case 't':
			rc = nrt_parse_u64(optarg, 3600, &timeout_s);
			break;
		case 'F':
			rc = nrt_parse_u64(optarg, UINT32_MAX, &val);
			cfg.frame_size = (uint32_t)val;
			break;
		case 'R':
			rc = nrt_parse_u64(optarg, UINT32_MAX, &val);
			cfg.ring_frames = (uint32_t)val;
			break;
		case 'T':
			rc = nrt_parse_u64(optarg, UINT32_MAX, &val);
			cfg.block_timeout_ms = (uint32_t)val;
			break;
		case 'E':
		case 'A':
			v.expect = opt == 'E' ? EXPECT_EXACT : EXPECT_ACCOUNTED;
			have_expect = true;
			break;
		case 'P':
			dispatch = !strcmp(optarg, "dispatch");
			rc = dispatch || !strcmp(optarg, "burst") ? 0 : -EINVAL;
			break;
		case 'M':
			if (!strcmp(optarg, "take"))
				cfg.mode = NETRING_MODE_TAKE;
			else if (strcmp(optarg, "monitor"))
				rc = -EINVAL;
			break;
		case 'L':
			rc = nrt_stream_option(&v.stream, longopts[idx].name,
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
			fprintf(stderr, "rx_verify: bad value '%s'\n", optarg);
			return 2;
		}
	}
	if (!ifname || !have_expect || !v.expected || optind != argc) {
		usage(stderr);
		return 2;
	}

	rc = netring_open(&r, ifname, &cfg, errbuf);
	if (rc < 0) {
		fprintf(stderr, "FAIL: netring_open(%s): %s: %s\n", ifname,
			strerror(-rc), errbuf);
		return 1;
	}
	v.plug_ns = nrt_clock_ns(CLOCK_REALTIME);
	rc = netring_get_info(r, &v.info, sizeof(v.info));
	if (rc < 0) {
		fprintf(stderr, "FAIL: netring_get_info: %s\n", strerror(-rc));
		netring_close(r);
		return 1;
	}
	printf("plugged %s backend %s mode %s frame_size %" PRIu32
	       " capacity %" PRIu32 " ring_frames %" PRIu32 " api %s (%s)\n",
	       v.info.ifname, netring_backend_name(v.info.backend),
	       v.info.mode == NETRING_MODE_TAKE ? "take" : "monitor",
	       v.info.frame_size, v.info.frame_capacity, v.info.ring_frames,
	       dispatch ? "dispatch" : "burst", v.info.detail);
	printf("ready\n");
	fflush(stdout);

	/* Until every sent frame is either received or counted as dropped. */
	deadline = nrt_clock_ns(CLOCK_MONOTONIC) + timeout_s * 1000000000ull;
	for (;;) {
		uint64_t now;

		rc = take_frames(r, &v, dispatch);
		if (rc > 0)
			continue;
		if (rc < 0)
			break;
		rc = netring_stats_get(r, &st, sizeof(st));
		if (rc < 0 || st.received + st.dropped >= v.expected)
			break;
		now = nrt_clock_ns(CLOCK_MONOTONIC);
		if (now >= deadline) {
			fprintf(stderr, "FAIL: timed out after %" PRIu64
				"s: received %" PRIu64 " + dropped %" PRIu64
				" of %" PRIu64 "\n", timeout_s, st.received,
				st.dropped, v.expected);
			rc = -ETIMEDOUT;
			break;
		}
		rc = netring_wait(r, (int)((deadline - now) / 1000000 < 100 ?
						   (deadline - now) / 1000000 :
						   100));
		if (rc < 0 && rc != -EINTR)
			break;
	}
	if (rc < 0 && rc != -ETIMEDOUT)
		fprintf(stderr, "FAIL: receiving: %s: %s\n", strerror(-rc),
			netring_error(r));
	/* Anything still waiting is more than was sent: take it so the
	 * checks see it. */
	while (rc >= 0 && take_frames(r, &v, dispatch) > 0)
		;

	/* Whether the kernel runs a snap filter per frame (packet backend);
	 * the scripts say when one is expected. */
	printf("socket_filter %d\n", nrt_socket_filter_len(netring_fd(r)));
	bad = rc < 0;
	if (netring_stats_get(r, &st, sizeof(st)) < 0) {
		fprintf(stderr, "FAIL: netring_stats_get\n");
		bad = 1;
	} else {
		printf("received %" PRIu64 " dropped %" PRIu64 " (ring_full %" PRIu64
		       " interface %" PRIu64 " no_buffer %" PRIu64
		       " redirect %" PRIu64 ") sent %" PRIu64 "\n",
		       st.received, st.dropped, st.dropped_ring_full,
		       st.dropped_interface, st.dropped_no_buffer,
		       st.dropped_redirect, v.expected);
		printf("truncated %" PRIu64 " vlan %" PRIu64 " bytes %" PRIu64
		       " wire_bytes %" PRIu64 " kernel_seen %" PRIu64
		       " freezes %" PRIu64 " if_rx_dropped %" PRIu64 "\n",
		       st.truncated, v.vlan, st.bytes, st.wire_bytes,
		       st.kernel_seen, st.freezes, st.if_rx_dropped);
		bad |= final_checks(r, &v, &st);
	}
	if (v.failures) {
		fprintf(stderr, "FAIL: %" PRIu64 " frame check(s) failed\n",
			v.failures);
		bad = 1;
	}
	netring_close(r);
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}
