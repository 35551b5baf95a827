// SPDX-License-Identifier: MIT
/*
 * tap_rx.c - the application side of a TAP: plug NAME with the tap backend,
 * say "ready", then take frames until COUNT frames of the test stream and
 * PINGS ICMP echo requests have arrived, checking each: stream frames byte
 * for byte (frames.h), echo requests field by field and checksum by
 * checksum.  Optionally writes every frame to a pcap file, so a script can
 * compare it with what tcpdump saw leave the host.
 *
 *	tap_rx -i NAME [-b BACKEND] -n COUNT [--pings P] [--frame-size N]
 *	       [--hold] [--linger] [-w FILE] [-t SECONDS] [stream options]
 *
 * --hold: after "ready", take nothing until a line arrives on stdin; then
 * frames the TAP's queue could not keep must be counted as dropped, so
 * delivered + dropped == COUNT.  --linger: keep the TAP (which goes away
 * with the last close when we created it) until a line or the end of
 * stdin, so other readers of it can finish.  Prints one summary line and
 * "done"; exit 0/1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "frames.h"
#include "netring.h"
#include "ring_test.h"

#define PING_DATA 100u /* ping -s 100 */
#define PING_PATTERN 0xa5u /* ping -p a5 */

struct rx {
	struct nrt_stream stream;
	uint32_t count, pings;
	bool hold;
	uint32_t capacity;
	/* what arrived */
	uint32_t stream_frames, next_seq, gaps, cut;
	uint32_t ping_frames, other;
	bool bad;
	pcap_dumper_t *dump;
};

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The Internet checksum of len bytes: 0 when a header's own sum is right. */
static uint16_t inet_sum(const uint8_t *p, uint32_t len)
{
	uint32_t s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += be16(p);
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An ICMP echo request from 192.0.2.1 to 192.0.2.2, as ping sends it. */
static bool is_ping(const struct netring_frame *f, char *why, size_t wsz)
{
	static const uint8_t dst[6] = NRT_MAC_DST, src[6] = NRT_MAC_SRC;
	static const uint8_t ip_src[4] = { 192, 0, 2, 1 }, ip_dst[4] = { 192, 0, 2, 2 };
	const uint8_t *d = f->data, *ip = d + 14, *icmp = ip + 20;
	const uint32_t len = 14 + 20 + 8 + PING_DATA;
	uint32_t i;

	if (f->len < 14 + 20 || be16(d + 12) != 0x0800 || ip[9] != 1)
		return false; /* not ICMP over IPv4: some other frame */
	snprintf(why, wsz, "echo request");
	if (f->len != len || f->wire_len != len) {
		snprintf(why, wsz, "ICMP frame of %u bytes (wire %u), expected %u",
			 f->len, f->wire_len, len);
		return true;
	}
	if (memcmp(d, dst, 6) || memcmp(d + 6, src, 6))
		snprintf(why, wsz, "MAC addresses");
	else if (ip[0] != 0x45 || be16(ip + 2) != 20 + 8 + PING_DATA)
		snprintf(why, wsz, "IPv4 version/length");
	else if (inet_sum(ip, 20) != 0)
		snprintf(why, wsz, "IPv4 header checksum");
	else if (memcmp(ip + 12, ip_src, 4) || memcmp(ip + 16, ip_dst, 4))
		snprintf(why, wsz, "IPv4 addresses");
	else if (icmp[0] != 8 || icmp[1] != 0)
		snprintf(why, wsz, "ICMP type %u code %u", icmp[0], icmp[1]);
	else if (inet_sum(icmp, 8 + PING_DATA) != 0)
		snprintf(why, wsz, "ICMP checksum");
	else {
		/* ping's data: a 16-byte time stamp, then the pattern. */
		for (i = 16; i < PING_DATA; i++)
			if (icmp[8 + i] != PING_PATTERN)
				break;
		if (i == PING_DATA)
			why[0] = '\0';
		else
			snprintf(why, wsz, "ping data byte %u is 0x%02x", i,
				 icmp[8 + i]);
	}
	return true;
}

static void take(struct rx *x, const struct netring_frame *f)
{
	char why[160];
	uint32_t seed, seq;

	if (x->dump) {
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = (time_t)(f->ts_ns / 1000000000ull),
				.tv_usec = (suseconds_t)(f->ts_ns % 1000000000ull /
							 1000) },
			.caplen = f->len,
			.len = f->wire_len,
		};

		pcap_dump((u_char *)x->dump, &h, f->data);
	}
	x->cut += !!(f->flags & NETRING_FRAME_TRUNCATED);
	if (nrt_frame_decode(f->data, f->len, &seed, &seq) == 0) {
		if (nrt_frame_verify(&x->stream, f->data, f->len, f->wire_len,
				     f->flags & NETRING_FRAME_TRUNCATED, &seq,
				     NULL, why, sizeof(why))) {
			CHECK(false, "stream frame: %s", why);
			x->bad = true;
			return;
		}
		/* Cut only when longer than a slot holds. */
		CHECK(!(f->flags & NETRING_FRAME_TRUNCATED) ||
			      (f->len == x->capacity && f->wire_len > x->capacity),
		      "seq %u cut to %u of %u", seq, f->len, f->wire_len);
		if (seq < x->next_seq || (!x->hold && seq != x->next_seq)) {
			CHECK(false, "seq %u where %u was due", seq, x->next_seq);
			x->bad = true;
			return;
		}
		x->gaps += seq - x->next_seq;
		x->next_seq = seq + 1;
		x->stream_frames++;
		return;
	}
	if (is_ping(f, why, sizeof(why))) {
		CHECK(why[0] == '\0', "ping %u: %s", x->ping_frames, why);
		if (why[0])
			x->bad = true;
		x->ping_frames++;
		return;
	}
	x->other++;
	fprintf(stderr, "tap_rx: other frame: %u bytes, ethertype 0x%04x\n",
		f->len, f->len >= 14 ? be16(f->data + 12) : 0);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tap_rx -i NAME [-b BACKEND] -n COUNT [--pings P] [--frame-size N]\n"
		   "              [--hold] [--linger] [-w FILE] [-t SECONDS] [-s SEED] [stream options]\n"
		   NRT_STREAM_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pings", required_argument, NULL, 'P' },
		{ "frame-size", required_argument, NULL, 'F' },
		{ "hold", no_argument, NULL, 'H' },
		{ "linger", no_argument, NULL, 'L' },
		{ "len", required_argument, NULL, 0 },
		{ "vlan-every", required_argument, NULL, 0 },
		{ "jumbo", required_argument, NULL, 0 },
		{ NULL, 0, NULL, 0 },
	};
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_frame f[64];
	struct netring_stats st = { 0 };
	struct netring_info info;
	const char *name = NULL, *wfile = NULL;
	bool linger = false;
	struct rx x = { 0 };
	pcap_t *dead = NULL;
	struct netring *r;
	uint64_t deadline, secs = 20;
	int opt, idx, rc, n;

	nrt_stream_init(&x.stream, 1);
	while ((opt = getopt_long(argc, argv, "i:b:n:s:w:t:", longopts, &idx)) !=
	       -1) {
		switch (opt) {
		case 'i':
			name = optarg;
			break;
		case 'b':
			rc = netring_backend_parse(optarg);
			if (rc < 0) {
				usage(stderr);
				return T_FAIL;
			}
			cfg.backend = (enum netring_backend)rc;
			break;
		case 'n':
			x.count = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 's':
			x.stream.seed = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'w':
			wfile = optarg;
			break;
		case 't':
			secs = strtoull(optarg, NULL, 10);
			break;
		case 'P':
			x.pings = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'F':
			cfg.frame_size = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'H':
			x.hold = true;
			break;
		case 'L':
			linger = true;
			break;
		case 0:
			if (nrt_stream_option(&x.stream, longopts[idx].name,
					      optarg) <= 0) {
				usage(stderr);
				return T_FAIL;
			}
			break;
		default:
			usage(stderr);
			return T_FAIL;
		}
	}
	if (!name) {
		usage(stderr);
		return T_FAIL;
	}

	rc = netring_open(&r, name, &cfg, err);
	if (rc) {
		fprintf(stderr, "tap_rx: %s: %s\n", name, err);
		return T_FAIL;
	}
	netring_get_info(r, &info, sizeof(info));
	x.capacity = info.frame_capacity;
	if (wfile) {
		dead = pcap_open_dead(DLT_EN10MB, 262144);
		x.dump = dead ? pcap_dump_open(dead, wfile) : NULL;
		REQUIRE(x.dump, "%s: cannot write", wfile);
	}
	fprintf(stderr, "tap_rx: %s ifindex %u: %s\n", info.ifname, info.ifindex,
		info.detail);
	printf("ready\n");
	fflush(stdout);
	if (x.hold) {
		char line[16];

		if (!fgets(line, sizeof(line), stdin))
			fprintf(stderr, "tap_rx: stdin closed; taking frames\n");
	}

	deadline = t_mono_ns() + secs * 1000000000ull;
	while (!x.bad) {
		n = netring_rx_burst(r, f, 64);
		if (n < 0) {
			CHECK(n >= 0, "burst: %s", netring_error(r));
			break;
		}
		for (int i = 0; i < n; i++)
			take(&x, &f[i]);
		netring_rx_release(r, (unsigned)n);
		if (n)
			continue;
		netring_stats_get(r, &st, sizeof(st));
		if (x.ping_frames >= x.pings &&
		    x.stream_frames + (x.hold ? st.dropped_ring_full : 0) >= x.count)
			break;
		if (t_mono_ns() > deadline) {
			CHECK(false, "timed out: %u of %u stream frames, %u of %u pings",
			      x.stream_frames, x.count, x.ping_frames, x.pings);
			break;
		}
		rc = netring_wait(r, 100);
		if (rc < 0 && rc != -EINTR) {
			CHECK(false, "wait: %d %s", rc, netring_error(r));
			break;
		}
	}
	netring_stats_get(r, &st, sizeof(st));
	printf("received %" PRIu64 " stream %u pings %u other %u cut %u dropped %" PRIu64
	       " seen %" PRIu64 "\n",
	       st.received, x.stream_frames, x.ping_frames, x.other, x.cut,
	       st.dropped_ring_full, st.kernel_seen);
	CHECK(st.received == (uint64_t)x.stream_frames + x.ping_frames + x.other,
	      "stats received %" PRIu64, st.received);
	CHECK(st.truncated == x.cut, "stats truncated %" PRIu64 ", saw %u",
	      st.truncated, x.cut);
	if (x.hold) {
		/* Every frame sent is delivered or counted, none twice. */
		CHECK(x.stream_frames + st.dropped_ring_full == x.count &&
			      x.gaps + (x.count - x.next_seq) == st.dropped_ring_full,
		      "delivered %u + dropped %" PRIu64 " of %u (gaps %u)",
		      x.stream_frames, st.dropped_ring_full, x.count, x.gaps);
		CHECK(st.kernel_seen == st.received + st.dropped_ring_full,
		      "kernel_seen %" PRIu64, st.kernel_seen);
	} else {
		CHECK(x.stream_frames == x.count && x.ping_frames == x.pings &&
			      st.dropped == 0,
		      "stream %u/%u pings %u/%u dropped %" PRIu64, x.stream_frames,
		      x.count, x.ping_frames, x.pings, st.dropped);
	}
	if (x.dump)
		pcap_dump_close(x.dump);
	if (dead)
		pcap_close(dead);
	rc = t_result("tap_rx");
	printf("done\n");
	fflush(stdout);
	if (linger) {
		char line[16];

		if (!fgets(line, sizeof(line), stdin))
			line[0] = '\0';
	}
	netring_close(r);
	return rc;
}
