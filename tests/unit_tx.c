/* SPDX-License-Identifier: MIT */
/*
 * unit_tx.c - the backend-independent half of transmit (src/core.c), on
 * rings that need no privilege: a pcap file sink (NETRING_CF_TX_ONLY) and a
 * pcap source.  Reservation rules, length checks before anything is sent,
 * the gather copy, the copying forward with its too-big accounting, and the
 * statistics identity tx_queued == tx_sent + tx_failed + tx_in_flight.
 * The file written is read back through the pcap source, byte for byte.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netring.h>

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			failures++;                                            \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

#define LONG_LEN 2000u /* longer than a 2048-byte slot delivers (1792) */

/* Frame k: a recognisable Ethernet frame of len bytes. */
static void frame_make(uint8_t *p, uint32_t len, uint32_t k)
{
	static const uint8_t hdr[14] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0,
					 0,    0, 1, 0x88, 0xb5 };

	memcpy(p, hdr, sizeof(hdr));
	for (uint32_t i = sizeof(hdr); i < len; i++)
		p[i] = (uint8_t)(k * 7 + i);
}

static uint32_t frame_len(uint32_t k)
{
	return 60 + (k * 97) % 1400;
}

static struct netring *sink_open(const char *path, uint32_t frame_size)
{
	struct netring_config cfg = {
		.sz = sizeof(cfg),
		.backend = NETRING_BACKEND_PCAP,
		.flags = NETRING_CF_TX_ONLY,
		.frame_size = frame_size,
		.tx_frames = 64,
	};
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r = NULL;
	int rc = netring_open(&r, path, &cfg, err);

	CHECK(rc == 0, "open sink %s: %d %s", path, rc, err);
	return r;
}

static struct netring *source_open(const char *path)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_PCAP };
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r = NULL;
	int rc = netring_open(&r, path, &cfg, err);

	CHECK(rc == 0, "open source %s: %d %s", path, rc, err);
	return r;
}

static void stats_identity(struct netring *r, const char *what)
{
	struct netring_stats st;

	CHECK(netring_stats_get(r, &st, sizeof(st)) == 0, "%s: stats", what);
	CHECK(st.tx_queued == st.tx_sent + st.tx_failed + st.tx_in_flight,
	      "%s: queued %llu != sent %llu + failed %llu + in flight %llu",
	      what, (unsigned long long)st.tx_queued,
	      (unsigned long long)st.tx_sent,
	      (unsigned long long)st.tx_failed,
	      (unsigned long long)st.tx_in_flight);
	CHECK(st.tx_failed == st.tx_failed_down + st.tx_failed_too_big +
				      st.tx_failed_kernel,
	      "%s: tx_failed is not the sum of its reasons", what);
}

/* Reservation and length rules; writes frames 0..9 (frame 3 in pieces). */
static void test_reserve_commit(const char *path)
{
	struct netring *r = sink_open(path, 2048);
	struct netring_tx_slot s[8];
	struct netring_info info;
	struct netring_stats st;
	int n;

	if (!r)
		return;
	CHECK(netring_get_info(r, &info, sizeof(info)) == 0, "info");
	CHECK(info.tx_capacity == 2048 - NETRING_FRAME_HEADROOM,
	      "tx_capacity %u", info.tx_capacity);
	CHECK(info.tx_frames == 64, "tx_frames %u", info.tx_frames);
	CHECK(netring_tx_reserve(NULL, s, 1) == -EINVAL, "NULL ring");
	CHECK(netring_tx_reserve(r, NULL, 1) == -EINVAL, "NULL slots");
	CHECK(netring_tx_reserve(r, s, 0) == 0, "reserve 0");

	n = netring_tx_reserve(r, s, 3);
	CHECK(n == 3, "reserve 3: %d", n);
	CHECK(netring_tx_reserve(r, s, 1) == -EBUSY, "second reserve not -EBUSY");
	for (int i = 0; i < 3; i++)
		CHECK(s[i].data && s[i].capacity == info.tx_capacity,
		      "slot %d: %p, %u", i, (void *)s[i].data, s[i].capacity);
	CHECK(netring_tx_commit(r, s, 4) == -EINVAL, "commit more than reserved");

	/* A bad length anywhere: nothing is sent, the reservation stands. */
	frame_make(s[0].data, frame_len(0), 0);
	s[0].len = frame_len(0);
	s[1].len = 13;
	CHECK(netring_tx_commit(r, s, 2) == -EINVAL, "13-byte frame not -EINVAL");
	CHECK(strstr(netring_error(r), "frame 1"), "error: %s", netring_error(r));
	s[1].len = info.tx_capacity + 1;
	CHECK(netring_tx_commit(r, s, 2) == -EMSGSIZE, "too long not -EMSGSIZE");
	CHECK(netring_tx_in_flight(r) == 0, "something was queued");
	frame_make(s[1].data, frame_len(1), 1);
	s[1].len = frame_len(1);
	frame_make(s[2].data, frame_len(2), 2);
	s[2].len = frame_len(2);
	/* Commit two of three: the third slot goes back. */
	CHECK(netring_tx_commit(r, s, 2) == 2, "commit 2: %s", netring_error(r));
	CHECK(netring_tx_commit(r, s, 0) == 0, "commit 0 with nothing reserved");

	/* Frame 2 was never sent: write it again, then one of pieces. */
	n = netring_tx_reserve(r, s, 1);
	CHECK(n == 1, "reserve 1: %d", n);
	frame_make(s[0].data, frame_len(2), 2);
	s[0].len = frame_len(2);
	CHECK(netring_tx_commit(r, s, 1) == 1, "commit 1");
	{
		uint8_t buf[1600];
		uint32_t len = frame_len(3);
		struct netring_iov iov[3] = { { buf, 14 },
					      { buf + 14, 100 },
					      { buf + 114, len - 114 } };

		frame_make(buf, len, 3);
		CHECK(netring_tx_copy(r, iov, 3) == 1, "copy: %s",
		      netring_error(r));
		iov[2].len = 5000;
		CHECK(netring_tx_copy(r, iov, 3) == -EMSGSIZE,
		      "a 5114-byte copy not -EMSGSIZE");
		iov[0].base = NULL;
		CHECK(netring_tx_copy(r, iov, 1) == -EINVAL, "NULL piece");
	}
	/* Then 4..9 in one batch. */
	n = netring_tx_reserve(r, s, 6);
	CHECK(n == 6, "reserve 6: %d", n);
	for (int i = 0; i < n; i++) {
		frame_make(s[i].data, frame_len(4 + (uint32_t)i), 4 + (uint32_t)i);
		s[i].len = frame_len(4 + (uint32_t)i);
	}
	CHECK(netring_tx_commit(r, s, (unsigned)n) == n, "commit 6");
	CHECK(netring_tx_drain(r, 1000) == 0, "drain: %s", netring_error(r));
	CHECK(netring_tx_in_flight(r) == 0, "in flight after drain");
	CHECK(netring_tx_wait(r, 0) > 0, "no free slot after drain");
	CHECK(netring_stats_get(r, &st, sizeof(st)) == 0, "stats");
	CHECK(st.tx_queued == 10 && st.tx_sent == 10 && st.tx_failed == 0,
	      "queued %llu sent %llu failed %llu",
	      (unsigned long long)st.tx_queued, (unsigned long long)st.tx_sent,
	      (unsigned long long)st.tx_failed);
	{
		uint64_t bytes = 0;

		for (uint32_t k = 0; k < 10; k++)
			bytes += frame_len(k);
		CHECK(st.tx_bytes == bytes, "tx_bytes %llu, want %llu",
		      (unsigned long long)st.tx_bytes,
		      (unsigned long long)bytes);
	}
	stats_identity(r, "sink");
	netring_close(r);
}

/* The file holds frames 0..count-1 of frame_len(), and nothing else. */
static void check_file(const char *path, uint32_t count, uint32_t skip_long)
{
	struct netring *r = source_open(path);
	struct netring_frame f[16];
	uint8_t want[2048];
	uint32_t k = 0;
	int n;

	if (!r)
		return;
	while ((n = netring_rx_burst(r, f, 16)) > 0) {
		for (int i = 0; i < n; i++, k++) {
			uint32_t len = frame_len(k);

			if (k == skip_long)
				k++, len = frame_len(k);
			frame_make(want, len, k);
			CHECK(f[i].len == len && !memcmp(f[i].data, want, len),
			      "%s: frame %u differs (len %u, want %u)", path, k,
			      f[i].len, len);
		}
		netring_rx_release(r, (unsigned)n);
	}
	CHECK(n == 0, "burst: %d", n);
	CHECK(k == count, "%s: %u frames, want %u", path, k, count);
	netring_close(r);
}

/*
 * Forward from a pcap source to a pcap sink: copied once, counted; a view
 * cut to its slot is never sent.
 */
static void test_forward(const char *dir)
{
	char src_path[512], dst_path[512];
	struct netring *sink, *src, *out;
	struct netring_tx_slot s[16];
	struct netring_frame f[16];
	struct netring_stats st;
	uint32_t total = 0;
	int n;

	snprintf(src_path, sizeof(src_path), "%s/fwd-src.pcap", dir);
	snprintf(dst_path, sizeof(dst_path), "%s/fwd-dst.pcap", dir);
	/* 12 frames; frame 5 is LONG_LEN bytes (4096-byte slots hold it). */
	sink = sink_open(src_path, 4096);
	if (!sink)
		return;
	n = netring_tx_reserve(sink, s, 12);
	CHECK(n == 12, "reserve 12: %d", n);
	for (uint32_t k = 0; k < 12 && n == 12; k++) {
		s[k].len = k == 5 ? LONG_LEN : frame_len(k);
		frame_make(s[k].data, s[k].len, k);
	}
	CHECK(netring_tx_commit(sink, s, 12) == 12, "commit 12: %s",
	      netring_error(sink));
	netring_close(sink);

	src = source_open(src_path);
	out = sink_open(dst_path, 2048);
	if (!src || !out)
		goto out;
	CHECK(netring_tx_forward(out, src, f, 1) == -EINVAL,
	      "forward of frames not held");
	while ((n = netring_rx_burst(src, f, 5)) > 0) {
		int done = netring_tx_forward(out, src, f, (unsigned)n);

		CHECK(done == n, "forward %d: %d %s", n, done, netring_error(out));
		netring_rx_release(src, (unsigned)n);
		total += (uint32_t)n;
	}
	CHECK(total == 12, "read %u frames", total);
	CHECK(netring_tx_drain(out, 1000) == 0, "drain");
	CHECK(netring_stats_get(out, &st, sizeof(st)) == 0, "stats");
	CHECK(st.tx_forwarded_copied == 11 && st.tx_forwarded_zerocopy == 0,
	      "forwarded copied %llu zerocopy %llu",
	      (unsigned long long)st.tx_forwarded_copied,
	      (unsigned long long)st.tx_forwarded_zerocopy);
	CHECK(st.tx_failed_too_big == 1 && st.tx_sent == 11 &&
		      st.tx_queued == 12,
	      "too big %llu sent %llu queued %llu",
	      (unsigned long long)st.tx_failed_too_big,
	      (unsigned long long)st.tx_sent,
	      (unsigned long long)st.tx_queued);
	stats_identity(out, "forward");
	/* Transmitting on a source is refused, with a reason. */
	CHECK(netring_tx_reserve(src, s, 1) == -EOPNOTSUPP,
	      "transmit on a pcap source");
out:
	netring_close(src);
	netring_close(out);
	check_file(dst_path, 12, 5);
	unlink(src_path);
	unlink(dst_path);
}

int main(void)
{
	char dir[] = "/tmp/netring-unit-tx-XXXXXX";
	char path[512];

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/sink.pcap", dir);
	test_reserve_commit(path);
	check_file(path, 10, UINT32_MAX);
	unlink(path);
	test_forward(dir);
	rmdir(dir);
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	puts("unit_tx: ok");
	return 0;
}
