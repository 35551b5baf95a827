// SPDX-License-Identifier: MIT
/*
 * badapi_calls.c - every public call given nonsense (NULL pointers, zero
 * sizes, sizes that are not powers of two, releasing more than is held)
 * returns -EINVAL and leaves the handle usable.  No privilege needed: the
 * rings are a pcap file the test writes and shared slot rings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netring.h"

static int failures;

#define EXPECT(call, want)                                                     \
	do {                                                                   \
		long got_ = (long)(call);                                      \
		if (got_ != (long)(want)) {                                    \
			fprintf(stderr, "FAIL line %d: %s = %ld, expected %ld\n", \
				__LINE__, #call, got_, (long)(want));          \
			failures++;                                            \
		}                                                              \
	} while (0)

/* A pcap file of three 60-byte Ethernet frames. */
static int pcap_write(const char *path)
{
	const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	uint8_t frame[60] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x88, 0xb5 };
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -errno;
	ok = fwrite(hdr, sizeof(hdr), 1, f) == 1;
	for (uint32_t i = 0; ok && i < 3; i++) {
		const uint32_t rec[4] = { 1, i, sizeof(frame), sizeof(frame) };

		ok = fwrite(rec, sizeof(rec), 1, f) == 1 &&
		     fwrite(frame, sizeof(frame), 1, f) == 1;
	}
	return fclose(f) == 0 && ok ? 0 : -EIO;
}

static void open_rejects(const char *path)
{
	struct netring_config cfg = { .sz = sizeof(cfg), .backend = NETRING_BACKEND_PCAP };
	struct {
		struct netring_config cfg;
		uint8_t extra[8];
	} newer;
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r = (struct netring *)&cfg; /* must be reset to NULL */
	const uint32_t bad_frames[] = { 0, 3, 63, 100, NETRING_RING_FRAMES_MAX * 2 };
	const uint32_t bad_sizes[] = { 1000, 256, NETRING_FRAME_SIZE_MAX * 2 };

	EXPECT(netring_open(NULL, path, &cfg, err), -EINVAL);
	EXPECT(netring_open(&r, NULL, &cfg, err), -EINVAL);
	EXPECT(r == NULL, 1);
	EXPECT(netring_open(&r, "", &cfg, err), -EINVAL);
	EXPECT(netring_open(&r, "nrf-no-such-interface-name", NULL, err), -EINVAL);
	cfg.sz = 1;
	EXPECT(netring_open(&r, path, &cfg, err), -EINVAL);
	cfg.sz = sizeof(cfg);
	memset(&newer, 0, sizeof(newer));
	newer.cfg = cfg;
	newer.cfg.sz = sizeof(newer);
	newer.extra[3] = 1;
	EXPECT(netring_open(&r, path, &newer.cfg, err), -EINVAL);
	for (size_t i = 0; i < sizeof(bad_frames) / sizeof(bad_frames[0]); i++) {
		cfg.ring_frames = bad_frames[i] ? bad_frames[i] : 3;
		EXPECT(netring_open(&r, path, &cfg, err), -EINVAL);
	}
	cfg.ring_frames = 0;
	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		cfg.frame_size = bad_sizes[i];
		EXPECT(netring_open(&r, path, &cfg, err), -EINVAL);
	}
	cfg.frame_size = 0;
	cfg.backend = (enum netring_backend)99;
	EXPECT(netring_open(&r, path, &cfg, err), -EINVAL);
	cfg.backend = NETRING_BACKEND_PCAP;
	cfg.mode = (enum netring_mode)7;
	EXPECT(netring_open(&r, path, &cfg, err), -EINVAL);
	cfg.mode = 0;
	cfg.flags = 1u << 30;
	EXPECT(netring_open(&r, path, &cfg, err), -EINVAL);
	cfg.flags = 0;
	cfg.queue = -2;
	EXPECT(netring_open(&r, path, &cfg, err), -EINVAL);
	EXPECT(r == NULL, 1);
	/* errbuf may be NULL. */
	EXPECT(netring_open(&r, NULL, &cfg, NULL), -EINVAL);
}

static void handle_rejects(const char *path)
{
	struct netring_config cfg = { .sz = sizeof(cfg), .backend = NETRING_BACKEND_PCAP };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_frame f[4];
	struct netring_stats st;
	struct netring_info info;
	struct netring *r;
	int rc;

	rc = netring_open(&r, path, &cfg, err);
	if (rc) {
		fprintf(stderr, "FAIL: pcap open: %s: %s\n", strerror(-rc), err);
		failures++;
		return;
	}
	/* NULL handles. */
	EXPECT(netring_rx_burst(NULL, f, 4), -EINVAL);
	EXPECT(netring_rx_release(NULL, 1), -EINVAL);
	EXPECT(netring_rx_held(NULL), 0);
	EXPECT(netring_dispatch(NULL, 4, NULL, NULL), -EINVAL);
	EXPECT(netring_wait(NULL, 0), -EINVAL);
	EXPECT(netring_break(NULL), -EINVAL);
	EXPECT(netring_fd(NULL), -EINVAL);
	EXPECT(netring_stats_get(NULL, &st, sizeof(st)), -EINVAL);
	EXPECT(netring_get_info(NULL, &info, sizeof(info)), -EINVAL);
	EXPECT(strlen(netring_error(NULL)) > 0, 1);
	netring_close(NULL);
	/* NULL out-pointers and zero sizes. */
	EXPECT(netring_rx_burst(r, NULL, 4), -EINVAL);
	EXPECT(netring_rx_burst(r, f, 0), 0); /* documented: up to max */
	EXPECT(netring_dispatch(r, 4, NULL, NULL), -EINVAL);
	EXPECT(netring_stats_get(r, NULL, sizeof(st)), -EINVAL);
	EXPECT(netring_stats_get(r, &st, 0), -EINVAL);
	EXPECT(netring_get_info(r, NULL, sizeof(info)), -EINVAL);
	EXPECT(netring_get_info(r, &info, 0), -EINVAL);
	/* Releasing what is not held, before and after a burst. */
	EXPECT(netring_rx_release(r, 1), -EINVAL);
	EXPECT(netring_rx_release(r, 0), 0);
	EXPECT(netring_rx_burst(r, f, 2), 2);
	EXPECT(netring_rx_release(r, 3), -EINVAL);
	EXPECT(netring_rx_held(r), 2); /* a refused release gives back nothing */
	EXPECT(strstr(netring_error(r), "held") != NULL, 1);
	EXPECT(netring_rx_release(r, 2), 0);
	EXPECT(netring_rx_release(r, 1), -EINVAL);
	/* Still usable after every refusal: the third frame, then the end. */
	EXPECT(netring_rx_burst(r, f, 4), 1);
	EXPECT(f[0].len, 60);
	EXPECT(netring_rx_release(r, UINT32_MAX), -EINVAL);
	EXPECT(netring_rx_release(r, 1), 0);
	EXPECT(netring_wait(r, 0), -ENODATA);
	EXPECT(netring_stats_get(r, &st, sizeof(st)), 0);
	EXPECT(st.received, 3);
	netring_close(r);
}

static void if_rejects(void)
{
	struct netring_if ifi;
	struct netring_if_caps caps;

	EXPECT(netring_if_get(NULL, &ifi), -EINVAL);
	EXPECT(netring_if_get("lo", NULL), -EINVAL);
	EXPECT(netring_if_get("", &ifi), -EINVAL);
	EXPECT(netring_if_get("nrf-name-longer-than-ifnamsiz", &ifi), -ENODEV);
	EXPECT(netring_if_list(NULL, 4, 0), -EINVAL);
	EXPECT(netring_if_list(NULL, 0, 0) >= 1, 1); /* counts only: lo */
	EXPECT(netring_if_list(&ifi, 1, 1u << 20), -EINVAL);
	EXPECT(netring_if_probe(NULL, &caps, sizeof(caps)), -EINVAL);
	EXPECT(netring_if_probe("lo", NULL, sizeof(caps)), -EINVAL);
	EXPECT(netring_if_probe("lo", &caps, 0), -EINVAL);
	EXPECT(netring_backend_parse(NULL), -EINVAL);
	EXPECT(netring_backend_parse("bogus"), -EINVAL);
	EXPECT(strcmp(netring_backend_name((enum netring_backend)42), "unknown"), 0);
}

static void slot_ring_rejects(void)
{
	struct netring_ring_opts o = { .sz = sizeof(o), .slot_count = 8, .slot_size = 128 };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_frame f = { .len = 10, .wire_len = 10 }, v[8];
	struct netring_ring_stats st;
	struct netring_ring_info info;
	struct netring_ring *ring;
	uint32_t idx;
	int rc;

	EXPECT(netring_ring_create(NULL, &o, err), -EINVAL);
	o.slot_count = 6;
	EXPECT(netring_ring_create(&ring, &o, err), -EINVAL);
	o.slot_count = 8;
	o.slot_size = 100;
	EXPECT(netring_ring_create(&ring, &o, err), -EINVAL);
	o.slot_size = 32;
	EXPECT(netring_ring_create(&ring, &o, err), -EINVAL);
	o.slot_size = 128;
	o.sz = 1;
	EXPECT(netring_ring_create(&ring, &o, err), -EINVAL);
	o.sz = sizeof(o);
	EXPECT(netring_ring_attach_fd(NULL, 0, err), -EINVAL);
	EXPECT(netring_ring_attach_fd(&ring, -1, err), -EBADF);
	EXPECT(netring_ring_attach_name(&ring, NULL, err), -EINVAL);
	netring_ring_close(NULL);
	EXPECT(netring_ring_fd(NULL), -EINVAL);

	rc = netring_ring_create(&ring, &o, err);
	if (rc) {
		fprintf(stderr, "FAIL: ring create: %s\n", err);
		failures++;
		return;
	}
	EXPECT(netring_ring_reserve(NULL, 1, &idx), -EINVAL);
	EXPECT(netring_ring_reserve(ring, 1, NULL), -EINVAL);
	EXPECT(netring_ring_reserve(ring, 0, &idx), 0);
	EXPECT(netring_ring_commit(ring, 1), -EINVAL); /* nothing reserved */
	EXPECT(netring_ring_cancel(ring, 1), -EINVAL);
	EXPECT(netring_ring_slot_data(ring, 5) == NULL, 1);
	EXPECT(netring_ring_slot_set(ring, 5, &f), -EINVAL);
	EXPECT(netring_ring_slot_fill(ring, 5, &f), -EINVAL);
	EXPECT(netring_ring_reserve(ring, 2, &idx), 2);
	EXPECT(netring_ring_slot_set(ring, idx, NULL), -EINVAL);
	EXPECT(netring_ring_commit(ring, 3), -EINVAL);
	EXPECT(netring_ring_cancel(ring, 1), 0);
	EXPECT(netring_ring_slot_set(ring, idx, &f), 10);
	EXPECT(netring_ring_commit(ring, 1), 0);
	EXPECT(netring_ring_push(NULL, &f, 1), -EINVAL);
	EXPECT(netring_ring_peek(NULL, v, 8), -EINVAL);
	EXPECT(netring_ring_peek(ring, NULL, 8), -EINVAL);
	EXPECT(netring_ring_peek(ring, v, 0), 0);
	EXPECT(netring_ring_release(ring, 1), -EINVAL);
	EXPECT(netring_ring_peek(ring, v, 8), 1);
	EXPECT(netring_ring_release(ring, 2), -EINVAL);
	EXPECT(netring_ring_release(ring, 1), 0);
	EXPECT(netring_ring_get_info(ring, NULL, sizeof(info)), -EINVAL);
	EXPECT(netring_ring_get_info(ring, &info, 0), -EINVAL);
	EXPECT(netring_ring_stats_get(ring, NULL, sizeof(st)), -EINVAL);
	EXPECT(netring_ring_stats_get(ring, &st, 0), -EINVAL);
	EXPECT(netring_ring_stats_get(ring, &st, sizeof(st)), 0);
	EXPECT(st.produced, 1);
	netring_ring_drop(NULL, 1);
	netring_ring_close(ring);
}

int main(void)
{
	char path[] = "/tmp/nrf-badapi-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || pcap_write(path)) {
		perror("FAIL: pcap file");
		return 1;
	}
	close(fd);
	open_rejects(path);
	handle_rejects(path);
	if_rejects();
	slot_ring_rejects();
	unlink(path);
	puts(failures ? "FAIL" : "PASS");
	return failures != 0;
}
