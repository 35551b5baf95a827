// SPDX-License-Identifier: MIT
/*
 * xdp_rx.c - the receiving half of the xdp backend's delivery tests: plug an
 * interface in take mode through AF_XDP (native or generic), take the test
 * stream (lib/frames.h), check every frame byte for byte, in order, its
 * flags and timestamp, and check that the statistics account for every
 * frame sent: received + dropped == sent, dropped == the sum of its reasons.
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
#include <unistd.h>

#include "frames.h"
#include "nrt_util.h"
#include "netring.h"

#define BURST 64
#define MAX_REPORTS 10

enum ts_expect { TS_ANY, TS_SOFTWARE, TS_BURST };

struct verifier {
	struct nrt_stream stream;
	struct netring_info info;
	uint64_t expected;
	bool exact;     /* every frame, nothing dropped */
	bool unordered; /* several queues: no order across them */
	enum ts_expect ts;
	int32_t pushed_tci; /* >= 0: the sender's tc pushed this tag
			     * out of band (skb metadata), -1: none */
	uint64_t plug_ns;

	uint64_t received;
	uint64_t bytes;
	uint64_t wire_bytes;
	uint64_t truncated;
	uint64_t vlan;
	uint64_t ts_software, ts_hardware, ts_burst;
	uint64_t failures;
	int64_t last_seq;
	uint8_t *seen; /* unordered: one bit per seq */
};

static void __attribute__((format(printf, 2, 3)))
failure(struct verifier *v, const char *fmt, ...)
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

static void verify_order(struct verifier *v, uint32_t seq)
{
	if (v->unordered) {
		if (v->seen[seq / 8] & (1u << (seq % 8)))
			failure(v, "seq %" PRIu32 " delivered twice", seq);
		v->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
		return;
	}
	if ((int64_t)seq <= v->last_seq)
		failure(v, "seq %" PRIu32 " after seq %" PRId64
			": out of order or duplicated", seq, v->last_seq);
	else if (v->exact && (int64_t)seq != v->last_seq + 1)
		failure(v, "seq %" PRIu32 " after seq %" PRId64 ": frames missing",
			seq, v->last_seq);
	v->last_seq = seq;
}

static void verify_ts(struct verifier *v, const struct netring_frame *f,
		      uint32_t seq)
{
	unsigned sources = !!(f->flags & NETRING_FRAME_TS_SOFTWARE) +
			   !!(f->flags & NETRING_FRAME_TS_HARDWARE) +
			   !!(f->flags & NETRING_FRAME_TS_BURST);

	if (sources != 1)
		failure(v, "seq %" PRIu32 ": flags 0x%x name %u timestamp sources",
			seq, f->flags, sources);
	v->ts_software += !!(f->flags & NETRING_FRAME_TS_SOFTWARE);
	v->ts_hardware += !!(f->flags & NETRING_FRAME_TS_HARDWARE);
	v->ts_burst += !!(f->flags & NETRING_FRAME_TS_BURST);
	if ((v->ts == TS_SOFTWARE && !(f->flags & NETRING_FRAME_TS_SOFTWARE)) ||
	    (v->ts == TS_BURST && !(f->flags & NETRING_FRAME_TS_BURST)))
		failure(v, "seq %" PRIu32 ": flags 0x%x: not the expected timestamp source",
			seq, f->flags);
	/* Stamped after the plug and before now: a hardware clock is not
	 * CLOCK_REALTIME, so only the others are checked; one second of
	 * slack for a stepped clock. */
	if (!(f->flags & NETRING_FRAME_TS_HARDWARE) &&
	    (f->ts_ns + 1000000000ull < v->plug_ns ||
	     f->ts_ns > nrt_clock_ns(CLOCK_REALTIME) + 1000000000ull))
		failure(v, "seq %" PRIu32 ": ts_ns %" PRIu64
			" outside the run (plugged at %" PRIu64 ")", seq, f->ts_ns,
			v->plug_ns);
}

/* A tag the device stripped (pushed by the sender's tc program, so it
 * travelled in the skb's metadata) must be back in the bytes, after the
 * MAC addresses, and named in the view; returns the frame as sent (tag
 * removed) in buf, or NULL after reporting the failure. */
static const uint8_t *untag_pushed(struct verifier *v,
				   const struct netring_frame *f, uint8_t *buf,
				   size_t size)
{
	const uint8_t *d = f->data;
	uint16_t tci = (uint16_t)v->pushed_tci;

	if (f->len < 18 || f->len - 4 > size || d[12] != 0x81 || d[13] != 0x00 ||
	    d[14] != (tci >> 8) || d[15] != (tci & 0xff)) {
		failure(v, "frame %" PRIu64 " (%" PRIu32 " bytes): no 802.1Q tag %u after the MACs"
			" (bytes 12..15: %02x%02x %02x%02x)", v->received - 1,
			f->len, tci, f->len >= 16 ? d[12] : 0, f->len >= 16 ? d[13] : 0,
			f->len >= 16 ? d[14] : 0, f->len >= 16 ? d[15] : 0);
		return NULL;
	}
	if (!(f->flags & NETRING_FRAME_VLAN) || f->vlan_tci != tci) {
		failure(v, "frame %" PRIu64 ": flags 0x%x tci 0x%04x, expected VLAN tci 0x%04x",
			v->received - 1, f->flags, f->vlan_tci, tci);
		return NULL;
	}
	v->vlan++;
	memcpy(buf, d, 12);
	memcpy(buf + 12, d + 16, f->len - 16);
	return buf;
}

static void verify_frame(struct verifier *v, const struct netring_frame *f)
{
	bool truncated = f->flags & NETRING_FRAME_TRUNCATED;
	static uint8_t untagged[16384];
	const uint8_t *data = f->data;
	uint32_t len = f->len, wire_len = f->wire_len;
	struct nrt_shape shape;
	char why[160];
	uint32_t seq;

	v->received++;
	v->bytes += f->len;
	v->wire_bytes += f->wire_len;
	v->truncated += truncated;

	if (v->pushed_tci >= 0) {
		data = untag_pushed(v, f, untagged, sizeof(untagged));
		if (!data)
			return;
		len -= 4;
		wire_len -= 4;
	}
	if (nrt_frame_verify(&v->stream, data, len, wire_len, truncated,
			     &seq, &shape, why, sizeof(why))) {
		failure(v, "frame %" PRIu64 ": %s", v->received - 1, why);
		return;
	}
	if (seq >= v->expected) {
		failure(v, "seq %" PRIu32 " beyond the %" PRIu64 " frames sent",
			seq, v->expected);
		return;
	}
	verify_order(v, seq);

	if (shape.len > v->info.frame_capacity) {
		if (!truncated || f->len != v->info.frame_capacity)
			failure(v, "seq %" PRIu32 " (%" PRIu32 " bytes): len %" PRIu32
				" flags 0x%x, expected cut to %" PRIu32, seq,
				shape.len, f->len, f->flags,
				v->info.frame_capacity);
	} else if (truncated) {
		failure(v, "seq %" PRIu32 " (%" PRIu32 " bytes) flagged truncated",
			seq, shape.len);
	}

	/* The bytes were compared with the tag in place; the view must also
	 * name the tag.  XDP sees the frame as sent, so a tag that was never
	 * stripped is reported, not "restored". */
	if (v->pushed_tci >= 0) {
		/* checked above */
	} else if (shape.vlan) {
		v->vlan++;
		if (!(f->flags & NETRING_FRAME_VLAN) || f->vlan_tci != shape.tci)
			failure(v, "seq %" PRIu32 ": flags 0x%x tci 0x%04x, expected VLAN tci 0x%04x",
				seq, f->flags, f->vlan_tci, shape.tci);
	} else if (f->flags & (NETRING_FRAME_VLAN | NETRING_FRAME_VLAN_RESTORED)) {
		failure(v, "seq %" PRIu32 ": untagged, flags 0x%x", seq, f->flags);
	}
	if (f->ifindex != v->info.ifindex)
		failure(v, "seq %" PRIu32 ": ifindex %" PRIu32 ", plugged %" PRIu32,
			seq, f->ifindex, v->info.ifindex);
	verify_ts(v, f, seq);
}

static void verify_dispatched(const struct netring_frame *f, void *user)
{
	verify_frame(user, f);
}

static int take_frames(struct netring *r, struct verifier *v, bool dispatch)
{
	struct netring_frame frames[BURST];
	int n;

	if (dispatch)
		return netring_dispatch(r, BURST, verify_dispatched, v);
	n = netring_rx_burst(r, frames, BURST);
	if (n <= 0)
		return n;
	for (int i = 0; i < n; i++)
		verify_frame(v, &frames[i]);
	if (netring_rx_held(r) != (unsigned)n)
		failure(v, "%u frames held after a burst of %d", netring_rx_held(r),
			n);
	return netring_rx_release(r, (unsigned)n) < 0 ? -EINVAL : n;
}

static uint64_t stream_truncated(const struct verifier *v)
{
	struct nrt_shape shape;
	uint64_t n = 0;

	for (uint32_t seq = 0; seq < v->expected; seq++) {
		nrt_frame_shape(&v->stream, seq, &shape);
		n += shape.len > v->info.frame_capacity;
	}
	return n;
}

static int check(bool ok, const char *what)
{
	if (!ok)
		fprintf(stderr, "FAIL: %s\n", what);
	return !ok;
}

static int final_checks(struct netring *r, const struct verifier *v,
			const struct netring_stats *st)
{
	int bad = 0;

	bad |= check(st->received == v->received,
		     "stats.received equals the frames the application got");
	bad |= check(st->bytes == v->bytes, "stats.bytes equals the delivered bytes");
	bad |= check(st->wire_bytes == v->wire_bytes,
		     "stats.wire_bytes equals the wire lengths");
	bad |= check(st->truncated == v->truncated,
		     "stats.truncated equals the frames flagged truncated");
	bad |= check(st->dropped == st->dropped_ring_full + st->dropped_interface +
					    st->dropped_no_buffer +
					    st->dropped_redirect,
		     "stats.dropped is the sum of its reasons");
	bad |= check(st->received + st->dropped == v->expected,
		     "received + dropped == sent");
	bad |= check(st->dropped_redirect == 0,
		     "no matched frame found its queue without a socket");
	bad |= check(st->xdp_matched == st->received + st->dropped_no_buffer +
						 st->dropped_ring_full,
		     "every frame the program matched was received or dropped by the socket");
	bad |= check(netring_rx_held(r) == 0, "no frame still held");
	if (v->exact) {
		bad |= check(st->dropped == 0, "no frame dropped");
		bad |= check(v->received == v->expected, "every frame received");
		bad |= check(st->truncated == stream_truncated(v),
			     "stats.truncated equals the stream's frames longer than a slot");
	}
	return bad;
}

static int parse_u64(const char *str, uint64_t max, uint64_t *out, int base)
{
	char *end;

	if (!*str || *str == '-' || *str == '+' || *str == ' ')
		return -EINVAL;
	errno = 0;
	*out = strtoull(str, &end, base);
	return errno || *end || *out > max ? -EINVAL : 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* Wait, with a deadline, until `path` exists: the script creates it once
 * the sender is done, so the ring is overrun on purpose meanwhile. */
static int stall_until(const char *path, uint64_t deadline)
{
	while (access(path, F_OK) != 0) {
		struct timespec ts = { 0, 10 * 1000000 };

		if (nrt_clock_ns(CLOCK_MONOTONIC) >= deadline)
			return -ETIMEDOUT;
		nanosleep(&ts, NULL);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xdp_rx -i IFACE -n COUNT (--expect-exact|--expect-accounted) [options]\n"
		"  -s SEED  -t SECONDS  --api burst|dispatch\n"
		"  --attach auto|native|generic   --bind auto|copy|zerocopy\n"
		"  --frame-size N  --ring-frames N  --queue N|all\n"
		"  --match-ethertype HEX  --match-mac MAC (repeatable)\n"
		"  --stall-until FILE   take nothing until FILE exists\n"
		"  --expect-ts any|software|burst\n"
		"  --pushed-vlan TCI   the sender's tc pushes this tag out of band:\n"
		"                      expect it in the bytes and the view\n"
		"Prints 'ready' once plugged, then checks frames 0..COUNT-1.\n"
		NRT_STREAM_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "frame-size", required_argument, NULL, 'F' },
		{ "ring-frames", required_argument, NULL, 'R' },
		{ "expect-exact", no_argument, NULL, 'E' },
		{ "expect-accounted", no_argument, NULL, 'A' },
		{ "expect-ts", required_argument, NULL, 'T' },
		{ "api", required_argument, NULL, 'P' },
		{ "attach", required_argument, NULL, 'a' },
		{ "bind", required_argument, NULL, 'B' },
		{ "queue", required_argument, NULL, 'q' },
		{ "match-ethertype", required_argument, NULL, 'e' },
		{ "match-mac", required_argument, NULL, 'm' },
		{ "stall-until", required_argument, NULL, 'S' },
		{ "pushed-vlan", required_argument, NULL, 'V' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_XDP,
				      .mode = NETRING_MODE_TAKE };
	static struct verifier v = { .last_seq = -1, .pushed_tci = -1 };
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	uint64_t val, timeout_s = 30, deadline;
	const char *ifname = NULL, *stall = NULL;
	bool dispatch = false, have_expect = false;
	struct netring_stats st;
	struct netring *r;
	int opt, idx, rc, bad;

	nrt_stream_init(&v.stream, 1);
	while ((opt = getopt_long(argc, argv, "i:n:s:t:h", longopts, &idx)) != -1) {
		rc = 0;
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'n':
			rc = parse_u64(optarg, UINT32_MAX, &v.expected, 10);
			break;
		case 's':
			rc = parse_u64(optarg, UINT32_MAX, &val, 10);
			v.stream.seed = (uint32_t)val;
			break;
		case 't':
			rc = parse_u64(optarg, 3600, &timeout_s, 10);
			break;
		case 'F':
			rc = parse_u64(optarg, UINT32_MAX, &val, 10);
			cfg.frame_size = (uint32_t)val;
			break;
		case 'R':
			rc = parse_u64(optarg, UINT32_MAX, &val, 10);
			cfg.ring_frames = (uint32_t)val;
			break;
		case 'E':
		case 'A':
			v.exact = opt == 'E';
			have_expect = true;
			break;
		case 'T':
			v.ts = !strcmp(optarg, "software") ? TS_SOFTWARE :
			       !strcmp(optarg, "burst")    ? TS_BURST :
							     TS_ANY;
			rc = v.ts != TS_ANY || !strcmp(optarg, "any") ? 0 : -EINVAL;
			break;
		case 'P':
			dispatch = !strcmp(optarg, "dispatch");
			rc = dispatch || !strcmp(optarg, "burst") ? 0 : -EINVAL;
			break;
		case 'a':
			cfg.xdp_attach = !strcmp(optarg, "native") ? NETRING_XDP_ATTACH_NATIVE :
					 !strcmp(optarg, "generic") ? NETRING_XDP_ATTACH_GENERIC :
								      NETRING_XDP_ATTACH_AUTO;
			rc = cfg.xdp_attach || !strcmp(optarg, "auto") ? 0 : -EINVAL;
			break;
		case 'B':
			cfg.xdp_bind = !strcmp(optarg, "copy")     ? NETRING_XDP_BIND_COPY :
				       !strcmp(optarg, "zerocopy") ? NETRING_XDP_BIND_ZEROCOPY :
								     NETRING_XDP_BIND_AUTO;
			rc = cfg.xdp_bind || !strcmp(optarg, "auto") ? 0 : -EINVAL;
			break;
		case 'q':
			if (!strcmp(optarg, "all")) {
				cfg.queue = NETRING_QUEUE_ALL;
				v.unordered = true;
			} else {
				rc = parse_u64(optarg, 1024, &val, 10);
				cfg.queue = (int32_t)val;
			}
			break;
		case 'e':
			rc = parse_u64(optarg, 0xffff, &val, 16);
			cfg.match.fields |= NETRING_MATCH_ETHERTYPE;
			cfg.match.ethertype = (uint16_t)val;
			break;
		case 'm':
			if (cfg.match.mac_count == NETRING_MATCH_MACS_MAX) {
				rc = -EINVAL;
				break;
			}
			rc = parse_mac(optarg, cfg.match.macs[cfg.match.mac_count]);
			cfg.match.mac_count++;
			cfg.match.fields |= NETRING_MATCH_DST_MAC;
			break;
		case 'S':
			stall = optarg;
			break;
		case 'V':
			rc = parse_u64(optarg, 4095, &val, 10);
			v.pushed_tci = (int32_t)val;
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
			fprintf(stderr, "xdp_rx: bad value '%s'\n", optarg);
			return 2;
		}
	}
	if (!ifname || !have_expect || !v.expected || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (v.unordered) {
		v.seen = calloc((size_t)(v.expected / 8 + 1), 1);
		if (!v.seen)
			return 1;
	}

	/* Kernel stamps on AF_XDP cost a clock read per frame in the XDP
	 * program: asked for only when the test expects them. */
	if (v.ts == TS_SOFTWARE)
		cfg.flags |= NETRING_CF_TS_EACH_FRAME;
	rc = netring_open(&r, ifname, &cfg, errbuf);
	if (rc < 0) {
		fprintf(stderr, "FAIL: netring_open(%s): %s: %s\n", ifname,
			strerror(-rc), errbuf);
		return 1;
	}
	v.plug_ns = nrt_clock_ns(CLOCK_REALTIME);
	netring_get_info(r, &v.info, sizeof(v.info));
	printf("plugged %s backend %s queues %" PRIu32 " flags 0x%x capacity %" PRIu32
	       " (%s)%s%s\n",
	       v.info.ifname, netring_backend_name(v.info.backend), v.info.queues,
	       v.info.flags, v.info.frame_capacity, v.info.detail,
	       v.info.note[0] ? " note: " : "", v.info.note);
	bad = 0;
	if (cfg.xdp_attach == NETRING_XDP_ATTACH_NATIVE)
		bad |= check(v.info.flags & NETRING_INFO_XDP_NATIVE,
			     "info says native XDP");
	if (cfg.xdp_attach == NETRING_XDP_ATTACH_GENERIC)
		bad |= check(v.info.flags & NETRING_INFO_XDP_GENERIC,
			     "info says generic XDP");
	bad |= check(v.info.backend == NETRING_BACKEND_XDP &&
			     v.info.mode == NETRING_MODE_TAKE,
		     "info says xdp backend, take mode");
	printf("ready\n");
	fflush(stdout);

	deadline = nrt_clock_ns(CLOCK_MONOTONIC) + timeout_s * 1000000000ull;
	rc = stall ? stall_until(stall, deadline) : 0;
	if (rc)
		fprintf(stderr, "FAIL: %s never appeared\n", stall);
	while (rc >= 0) {
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
		rc = netring_wait(r, (deadline - now) / 1000000 < 100 ?
					     (int)((deadline - now) / 1000000) : 100);
		if (rc == -EINTR)
			rc = 0;
	}
	if (rc < 0 && rc != -ETIMEDOUT)
		fprintf(stderr, "FAIL: receiving: %s: %s\n", strerror(-rc),
			netring_error(r));
	/* Anything still waiting is more than was sent: take it too. */
	while (rc >= 0 && take_frames(r, &v, dispatch) > 0)
		;
	bad |= rc < 0;
	if (netring_stats_get(r, &st, sizeof(st)) < 0) {
		fprintf(stderr, "FAIL: netring_stats_get\n");
		bad = 1;
	} else {
		printf("received %" PRIu64 " dropped %" PRIu64 " (ring_full %" PRIu64
		       " no_buffer %" PRIu64 " redirect %" PRIu64 " interface %" PRIu64
		       ") sent %" PRIu64 "\n",
		       st.received, st.dropped, st.dropped_ring_full,
		       st.dropped_no_buffer, st.dropped_redirect,
		       st.dropped_interface, v.expected);
		printf("truncated %" PRIu64 " vlan %" PRIu64 " matched %" PRIu64
		       " passed %" PRIu64 " fill_empty %" PRIu64 " ts software %" PRIu64
		       " hardware %" PRIu64 " burst %" PRIu64 "\n",
		       st.truncated, v.vlan, st.xdp_matched, st.xdp_passed,
		       st.xdp_fill_empty, v.ts_software, v.ts_hardware, v.ts_burst);
		bad |= final_checks(r, &v, &st);
	}
	if (v.failures) {
		fprintf(stderr, "FAIL: %" PRIu64 " frame check(s) failed\n",
			v.failures);
		bad = 1;
	}
	netring_close(r);
	free(v.seen);
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad ? 1 : 0;
}
