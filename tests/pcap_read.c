// SPDX-License-Identifier: MIT
/*
 * pcap_read.c - the pcap backend delivers every frame of a pcap or pcapng
 * file through netring_rx_burst()/netring_dispatch(): in order, byte for
 * byte, with the file's lengths and time stamps, cut and flagged where the
 * capture or the slot cut them; then reports the end of the file
 * (-ENODATA) and refuses, with the errno the header documents, what it
 * cannot read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netring.h"
#include "pcap_files.h"
#include "ring_test.h"

static char dir[256];

struct read_case {
	const char *name;
	enum pf_format format;
	uint32_t count;
	uint32_t len_min, len_max;
	uint32_t vlan_every;
	uint32_t snaplen;
	uint32_t frame_size; /* 0: default */
	uint32_t ring_frames;
	bool dispatch;
};

struct verify {
	const struct read_case *c;
	const struct pf_spec *sp;
	uint32_t next;
	uint32_t cut;
	bool bad;
};

static void verify_frame(const struct netring_frame *f, void *user)
{
	struct verify *v = user;
	struct nrt_shape shape;
	uint32_t seq = UINT32_MAX, capacity;
	char why[160];
	bool cut = f->flags & NETRING_FRAME_TRUNCATED;
	int rc;

	if (v->bad)
		return;
	rc = nrt_frame_verify(&v->sp->stream, f->data, f->len, f->wire_len, cut,
			      &seq, &shape, why, sizeof(why));
	capacity = (v->c->frame_size ? v->c->frame_size :
				       NETRING_FRAME_SIZE_DEFAULT) -
		   NETRING_FRAME_HEADROOM;
	if (rc) {
		CHECK(rc == 0, "%s: frame %u: %s", v->c->name, v->next, why);
		v->bad = true;
		return;
	}
	/* The record holds min(len, snaplen); the slot min(that, capacity). */
	{
		uint32_t want = shape.len;

		if (v->c->snaplen && want > v->c->snaplen)
			want = v->c->snaplen;
		if (want > capacity)
			want = capacity;
		CHECK(f->len == want && cut == (want < shape.len),
		      "%s: frame %u: len %u (expected %u), flags 0x%x",
		      v->c->name, seq, f->len, want, f->flags);
	}
	CHECK(seq == v->next, "%s: frame %u where %u was due", v->c->name, seq,
	      v->next);
	CHECK(f->ts_ns == pf_stamp_read(v->sp, seq),
	      "%s: frame %u: ts %" PRIu64 ", file has %" PRIu64, v->c->name, seq,
	      f->ts_ns, pf_stamp_read(v->sp, seq));
	if (seq != v->next || f->ts_ns != pf_stamp_read(v->sp, seq))
		v->bad = true;
	v->cut += cut;
	v->next = seq + 1;
}

static void spec_of(const struct read_case *c, struct pf_spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->format = c->format;
	sp->count = c->count;
	sp->snaplen = c->snaplen;
	sp->t0_ns = 1700000000ull * 1000000000ull;
	sp->gap_ns = 12345;
	nrt_stream_init(&sp->stream, 7);
	sp->stream.len_min = c->len_min;
	sp->stream.len_max = c->len_max;
	sp->stream.vlan_every = c->vlan_every;
}

static void read_file(const struct read_case *c)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_PCAP,
				      .frame_size = c->frame_size,
				      .ring_frames = c->ring_frames };
	char path[512], err[NETRING_ERRBUF_SIZE], want_end[64];
	struct netring_frame f[100];
	struct netring_stats st;
	struct netring_info info;
	struct verify v = { .c = c };
	struct pf_spec sp;
	struct netring *r;
	struct pollfd pfd;
	unsigned max = 1;
	int n, rc;

	spec_of(c, &sp);
	v.sp = &sp;
	snprintf(path, sizeof(path), "%s/%s.%s", dir, c->name,
		 c->format == PF_PCAPNG ? "pcapng" : "pcap");
	REQUIRE(pf_write(path, &sp) == 0, "write %s", path);

	rc = netring_open(&r, path, &cfg, err);
	REQUIRE(rc == 0, "%s: open: %d %s", c->name, rc, err);
	REQUIRE(netring_get_info(r, &info, sizeof(info)) == 0, "info");
	snprintf(want_end, sizeof(want_end), "%.15s", strrchr(path, '/') + 1);
	CHECK(info.backend == NETRING_BACKEND_PCAP && info.ifindex == 0 &&
		      strcmp(info.ifname, want_end) == 0,
	      "%s: info backend %d ifindex %u name '%s'", c->name, info.backend,
	      info.ifindex, info.ifname);

	while (!v.bad) {
		if (c->dispatch) {
			n = netring_dispatch(r, 100, verify_frame, &v);
		} else {
			/* Bursts of every size from 1 to 100, holding each
			 * until the next is taken. */
			n = netring_rx_burst(r, f, max);
			for (int i = 0; i < n; i++)
				verify_frame(&f[i], &v);
			if (n > 0)
				CHECK(netring_rx_release(r, (unsigned)n) == 0,
				      "release");
			max = max % 100 + 1;
		}
		if (n < 0) {
			CHECK(n >= 0, "%s: %d %s", c->name, n, netring_error(r));
			break;
		}
		if (n == 0) {
			rc = netring_wait(r, 2000);
			if (rc == -ENODATA)
				break;
			CHECK(rc == 1, "%s: wait %d before the end (frame %u)",
			      c->name, rc, v.next);
			if (rc != 1)
				break;
		}
	}
	CHECK(v.next == c->count, "%s: %u of %u frames", c->name, v.next,
	      c->count);
	/* The end stays the end, and says so. */
	CHECK(netring_rx_burst(r, f, 10) == 0, "%s: burst after the end",
	      c->name);
	CHECK(netring_wait(r, 0) == -ENODATA, "%s: wait after the end",
	      c->name);
	snprintf(want_end, sizeof(want_end), "end of file after %u frames",
		 c->count);
	CHECK(strstr(netring_error(r), want_end), "%s: error '%s'", c->name,
	      netring_error(r));
	pfd = (struct pollfd){ .fd = netring_fd(r), .events = POLLIN };
	CHECK(poll(&pfd, 1, 0) == 1, "%s: the descriptor is readable at the end",
	      c->name);
	REQUIRE(netring_stats_get(r, &st, sizeof(st)) == 0, "stats");
	CHECK(st.received == c->count && st.truncated == v.cut &&
		      st.dropped == 0 && st.kernel_seen == c->count,
	      "%s: stats received %" PRIu64 " truncated %" PRIu64
	      " (saw %u) dropped %" PRIu64 " seen %" PRIu64,
	      c->name, st.received, st.truncated, v.cut, st.dropped,
	      st.kernel_seen);
	netring_close(r);
	unlink(path);
}

static void test_read_cases(void)
{
	static const struct read_case cases[] = {
		{ "pcap-us", PF_PCAP_US, 3000, 60, 1514, 7, 0, 0, 0, false },
		{ "pcap-ns-dispatch", PF_PCAP_NS, 3000, 60, 1514, 0, 0, 0, 0, true },
		{ "pcapng", PF_PCAPNG, 3000, 60, 1514, 5, 0, 0, 0, false },
		{ "pcapng-dispatch", PF_PCAPNG, 3000, 60, 1514, 0, 0, 0, 64, true },
		/* 60..9000-byte frames whole in 16 KiB slots, and cut to
		 * 1792 bytes (flagged, wire_len kept) in 2 KiB ones. */
		{ "jumbo-whole", PF_PCAP_NS, 2000, 60, 9000, 3, 0, 16384, 64, false },
		{ "jumbo-whole-ng", PF_PCAPNG, 2000, 60, 9000, 0, 0, 16384, 0, true },
		{ "jumbo-cut", PF_PCAP_US, 2000, 60, 9000, 0, 0, 2048, 0, false },
		/* Records the capture cut at 128 bytes. */
		{ "snaplen-128", PF_PCAP_US, 1000, 60, 1514, 0, 128, 0, 0, false },
		{ "snaplen-128-ng", PF_PCAPNG, 1000, 60, 1514, 0, 128, 0, 0, true },
		{ "empty", PF_PCAP_US, 0, 60, 1514, 0, 0, 0, 0, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		read_file(&cases[i]);
}

static int open_pcap(const char *path, uint32_t speed, int queue, char *err)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_PCAP,
				      .queue = queue,
				      .replay_speed_permille = speed };
	struct netring *r = NULL;
	int rc = netring_open(&r, path, &cfg, err);

	netring_close(r);
	return rc;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	REQUIRE(fd >= 0, "create %s", path);
	REQUIRE(write(fd, data, len) == (ssize_t)len, "write %s", path);
	close(fd);
}

static void test_refusals(void)
{
	struct pf_spec sp;
	struct read_case c = { .format = PF_PCAP_US, .count = 10, .len_min = 60,
			       .len_max = 100 };
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_PCAP };
	char path[512], err[NETRING_ERRBUF_SIZE];
	struct netring_frame f[16];
	struct netring *r;
	struct stat st;
	int rc, n, total = 0;

	snprintf(path, sizeof(path), "%s/missing.pcap", dir);
	rc = open_pcap(path, 0, 0, err);
	CHECK(rc == -ENOENT && strstr(err, "missing.pcap"), "missing: %d %s", rc,
	      err);
	rc = open_pcap(dir, 0, 0, err);
	CHECK(rc == -EISDIR, "directory: %d %s", rc, err);

	snprintf(path, sizeof(path), "%s/garbage.pcap", dir);
	write_bytes(path, "this is not a capture file at all\n", 34);
	rc = open_pcap(path, 0, 0, err);
	CHECK(rc == -EBADMSG && strstr(err, "not a pcap or pcapng file"),
	      "garbage: %d %s", rc, err);
	write_bytes(path, "", 0);
	rc = open_pcap(path, 0, 0, err);
	CHECK(rc == -EBADMSG, "empty file: %d %s", rc, err);

	spec_of(&c, &sp);
	sp.linktype = DLT_RAW;
	snprintf(path, sizeof(path), "%s/raw-ip.pcap", dir);
	REQUIRE(pf_write(path, &sp) == 0, "write");
	rc = open_pcap(path, 0, 0, err);
	CHECK(rc == -EPROTOTYPE && strstr(err, "not Ethernet"), "DLT_RAW: %d %s",
	      rc, err);

	sp.linktype = 0;
	snprintf(path, sizeof(path), "%s/ok.pcap", dir);
	REQUIRE(pf_write(path, &sp) == 0, "write");
	rc = open_pcap(path, 1000001, 0, err);
	CHECK(rc == -EINVAL && strstr(err, "replay speed 1000001"),
	      "replay speed: %d %s", rc, err);
	rc = open_pcap(path, 1000000, 0, err);
	CHECK(rc == 0, "replay speed 1000000: %d %s", rc, err);
	rc = open_pcap(path, 0, 1, err);
	CHECK(rc == -EOPNOTSUPP && strstr(err, "queue 1"), "queue 1: %d %s", rc,
	      err);
	{
		struct netring_config tcfg = cfg;

		rc = netring_open(&r, "tap:x", &tcfg, err);
		CHECK(rc == -EINVAL && strstr(err, "not pcap"),
		      "tap: name with -b pcap: %d %s", rc, err);
	}

	/* A file cut inside its last record: the whole records, then the
	 * damage is reported (not taken for a clean end). */
	REQUIRE(stat(path, &st) == 0, "stat");
	REQUIRE(truncate(path, st.st_size - 5) == 0, "truncate");
	rc = netring_open(&r, path, &cfg, err);
	REQUIRE(rc == 0, "open damaged: %d %s", rc, err);
	for (;;) {
		n = netring_rx_burst(r, f, 16);
		if (n > 0) {
			total += n;
			netring_rx_release(r, (unsigned)n);
			continue;
		}
		rc = netring_wait(r, 1000);
		if (rc != 1)
			break;
	}
	CHECK(total == 9 && rc == -EBADMSG &&
		      strstr(netring_error(r), "damaged after 9 frames"),
	      "damaged file: %d frames, wait %d, '%s'", total, rc,
	      netring_error(r));
	netring_close(r);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/nrr-pcap-read-XXXXXX", tmp ? tmp : "/tmp");
	REQUIRE(mkdtemp(dir), "mkdtemp");
	test_read_cases();
	test_refusals();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return t_result("pcap_read");
}
