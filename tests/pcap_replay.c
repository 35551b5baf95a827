// SPDX-License-Identifier: MIT
/*
 * pcap_replay.c - the pcap backend's replay_speed_permille: 1000 hands
 * frame k over no earlier than (ts_k - ts_0) after the first, 4000 four
 * times sooner, 0 without waiting; netring_wait() and the descriptor sleep
 * until the next frame is due and not before.  Lower bounds are exact (the
 * clock cannot run early); upper bounds leave room for a loaded machine.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <unistd.h>

#include "netring.h"
#include "pcap_files.h"
#include "ring_test.h"

#define MS ((uint64_t)1000000)
#define FRAMES 21u
#define GAP (30 * MS) /* 600 ms from first to last at the file's pace */

static char dir[256];

static struct netring *open_speed(const char *path, uint32_t speed)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_PCAP,
				      .replay_speed_permille = speed };
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc = netring_open(&r, path, &cfg, err);

	REQUIRE(rc == 0, "open at %u: %d %s", speed, rc, err);
	return r;
}

/* Take every frame, sleeping in netring_wait(); when each arrived. */
static void take_all(struct netring *r, uint64_t *at, uint32_t *count)
{
	struct netring_frame f[8];
	int n, rc;

	*count = 0;
	for (;;) {
		n = netring_rx_burst(r, f, 8);
		REQUIRE(n >= 0, "burst %d", n);
		for (int i = 0; i < n && *count < FRAMES; i++)
			at[(*count)++] = t_mono_ns();
		netring_rx_release(r, (unsigned)n);
		if (n)
			continue;
		rc = netring_wait(r, 5000);
		if (rc == -ENODATA)
			return;
		REQUIRE(rc == 1, "wait %d after %u frames", rc, *count);
	}
}

static void test_speed(const char *path, uint32_t speed)
{
	const uint64_t span = (FRAMES - 1) * GAP;
	struct netring *r = open_speed(path, speed);
	uint64_t at[FRAMES];
	uint32_t count, k;

	take_all(r, at, &count);
	REQUIRE(count == FRAMES, "speed %u: %u frames", speed, count);
	if (speed == 0) {
		CHECK(at[FRAMES - 1] - at[0] < span / 2,
		      "as fast as possible took %" PRIu64 " ms",
		      (at[FRAMES - 1] - at[0]) / MS);
	} else {
		for (k = 1; k < FRAMES; k++) {
			/* Frame 0 is read (and the clock started) just
			 * before it is delivered: 1 ms covers that. */
			uint64_t due = k * GAP * 1000 / speed;

			CHECK(at[k] - at[0] + MS >= due,
			      "speed %u: frame %u after %" PRIu64 " us, due at %" PRIu64,
			      speed, k, (at[k] - at[0]) / 1000, due / 1000);
		}
		CHECK(at[FRAMES - 1] - at[0] < span * 1000 / speed + 500 * MS,
		      "speed %u: took %" PRIu64 " ms for %" PRIu64 " ms of file",
		      speed, (at[FRAMES - 1] - at[0]) / MS, span * 1000 / speed / MS);
	}
	netring_close(r);
}

/* Between two frames 500 ms apart, neither wait nor poll wakes early. */
static void test_no_early_wake(void)
{
	struct pf_spec sp = { .format = PF_PCAP_NS, .count = 2,
			      .t0_ns = 1700000000ull * 1000000000ull,
			      .gap_ns = 500 * MS };
	char path[512];
	struct netring_frame f[2];
	struct netring *r;
	struct pollfd pfd;
	uint64_t t0;
	int rc;

	nrt_stream_init(&sp.stream, 3);
	snprintf(path, sizeof(path), "%s/two.pcap", dir);
	REQUIRE(pf_write(path, &sp) == 0, "write");
	r = open_speed(path, 1000);
	REQUIRE(netring_rx_burst(r, f, 2) == 1, "frame 0 at once");
	t0 = t_mono_ns();
	netring_rx_release(r, 1);
	rc = netring_wait(r, 50);
	CHECK(rc == 0 || t_mono_ns() - t0 > 400 * MS,
	      "wait woke %d, %" PRIu64 " ms before frame 1 was due", rc,
	      (500 * MS - (t_mono_ns() - t0)) / MS);
	pfd = (struct pollfd){ .fd = netring_fd(r), .events = POLLIN };
	rc = poll(&pfd, 1, 50);
	CHECK(rc == 0 || t_mono_ns() - t0 > 400 * MS,
	      "descriptor readable before frame 1 was due");
	rc = netring_wait(r, 5000);
	CHECK(rc == 1 && t_mono_ns() - t0 + MS >= 500 * MS,
	      "wait %d after %" PRIu64 " ms", rc, (t_mono_ns() - t0) / MS);
	CHECK(netring_rx_burst(r, f, 2) == 1, "frame 1");
	netring_rx_release(r, 1);
	CHECK(netring_wait(r, 1000) == -ENODATA, "the end");
	netring_close(r);
	unlink(path);
}

int main(void)
{
	struct pf_spec sp = { .format = PF_PCAPNG, .count = FRAMES,
			      .t0_ns = 1700000000ull * 1000000000ull,
			      .gap_ns = GAP };
	const char *tmp = getenv("TMPDIR");
	char path[512];

	snprintf(dir, sizeof(dir), "%s/nrr-pcap-replay-XXXXXX",
		 tmp ? tmp : "/tmp");
	REQUIRE(mkdtemp(dir), "mkdtemp");
	nrt_stream_init(&sp.stream, 5);
	snprintf(path, sizeof(path), "%s/paced.pcapng", dir);
	REQUIRE(pf_write(path, &sp) == 0, "write");

	test_speed(path, 0);
	test_speed(path, 1000);
	test_speed(path, 4000);
	test_no_early_wake();
	unlink(path);
	rmdir(dir);
	return t_result("pcap_replay");
}
