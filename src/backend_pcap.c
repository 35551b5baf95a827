// SPDX-License-Identifier: MIT
/*
 * backend_pcap.c - frames from a pcap or pcapng file (read with libpcap),
 * delivered through the same burst API as a live interface, as fast as they
 * are taken or at the file's own pace, so applications and tests can run
 * without any interface.
 *
 * Records are copied into the slots of a private slot ring (ring.h): the
 * views stay valid until released, whatever libpcap does with its buffer.
 * When pacing, the next record waits in a reserved slot until it is due and
 * a timerfd (the ring's descriptor) wakes netring_wait() then.
 */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "netring_int.h"
#include "ring.h"

#define PCAP_BATCH 64u
#define REPLAY_SPEED_MAX 1000000u /* a thousand times the file's pace */

struct pcap_source {
	struct netring base;
	pcap_t *pc;
	struct netring_ring *ring;
	char *path;        /* for messages */
	uint32_t capacity; /* longest frame delivered whole */
	uint32_t speed;    /* thousandths of the file's pace; 0: no pacing */
	uint64_t records;  /* read from the file */

	/* The end: set once a read found no more records. */
	bool at_end;
	int end_rc; /* -ENODATA, or -EBADMSG for a damaged file */
	char end_why[NETRING_ERRBUF_SIZE];

	/* Pacing.  A record read but not yet due waits, reserved, in the
	 * oldest uncommitted slot. */
	bool started;
	uint64_t file_t0; /* ts_ns of the first record */
	uint64_t mono_t0; /* CLOCK_MONOTONIC when it was read */
	bool pending;
	uint64_t pending_due;
	uint64_t timer_at; /* what the timerfd is armed for */
};

static inline struct pcap_source *to_pcap(struct netring *r)
{
	return container_of(r, struct pcap_source, base);
}

/* Make the descriptor readable at CLOCK_MONOTONIC `at` (1: now). */
static void timer_arm(struct pcap_source *p, uint64_t at)
{
	struct itimerspec its = { 0 };

	if (at == p->timer_at)
		return;
	its.it_value.tv_sec = (time_t)(at / 1000000000ull);
	its.it_value.tv_nsec = (long)(at % 1000000000ull);
	/* Re-arming also clears an expiry not read yet, so the descriptor
	 * is readable only from `at` on. */
	if (timerfd_settime(p->base.fd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		p->timer_at = at;
}

/* When a record stamped ts_ns is due, by the monotonic clock. */
static uint64_t record_due(struct pcap_source *p, uint64_t ts_ns)
{
	uint64_t d = ts_ns > p->file_t0 ? ts_ns - p->file_t0 : 0;
	uint64_t q = d / p->speed;

	if (q > (UINT64_MAX - p->mono_t0) / 1000 - 1)
		return UINT64_MAX;
	/* d * 1000 / speed without overflowing d * 1000. */
	return p->mono_t0 + q * 1000 + (d % p->speed) * 1000 / p->speed;
}

static void source_end(struct pcap_source *p, int rc, const char *why)
{
	p->at_end = true;
	p->end_rc = rc;
	snprintf(p->end_why, sizeof(p->end_why), "%.100s: %.150s", p->path, why);
	/* Readable at the end, so an epoll loop comes to see it. */
	timer_arm(p, 1);
}

/*
 * Read the next record into a newly reserved slot (left reserved: the
 * caller commits it when due).  false at the end of the file, on a read
 * error, or when the ring has no free slot.
 */
static bool record_read(struct pcap_source *p)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct nr_ring_slot *s;
	uint32_t idx, len, wire;
	uint64_t ts;
	int rc;

	if (p->at_end || !nr_ring_reserve(p->ring, 1, &idx))
		return false;
	rc = pcap_next_ex(p->pc, &h, &data);
	if (rc != 1) {
		char why[NETRING_ERRBUF_SIZE];

		nr_ring_cancel(p->ring, 1);
		if (rc == PCAP_ERROR_BREAK) {
			snprintf(why, sizeof(why), "end of file after %llu frames",
				 (unsigned long long)p->records);
			source_end(p, -ENODATA, why);
		} else {
			snprintf(why, sizeof(why), "damaged after %llu frames: %.180s",
				 (unsigned long long)p->records,
				 pcap_geterr(p->pc));
			source_end(p, -EBADMSG, why);
		}
		return false;
	}
	p->records++;
	s = nr_ring_slot(p->ring, idx);
	len = h->caplen < p->capacity ? h->caplen : p->capacity;
	wire = h->len > h->caplen ? h->len : h->caplen;
	memcpy(s->data, data, len);
	/* The file's time stamp; libpcap scaled it to nanoseconds. */
	ts = (uint64_t)((int64_t)h->ts.tv_sec * 1000000000ll +
			(int64_t)h->ts.tv_usec);
	nr_ring_slot_set(p->ring, s, len, wire, ts, 0, 0, 0);

	if (p->speed) {
		if (!p->started) {
			p->started = true;
			p->file_t0 = ts;
			p->mono_t0 = nr_mono_ns();
		}
		p->pending_due = record_due(p, ts);
	}
	p->pending = true;
	return true;
}

/*
 * Move up to `want` records that are due into the ring; returns how many.
 * Stops at the end of the file, when the ring is full (frames held), or at
 * a record not due yet (then the timer is armed for it).
 */
static unsigned source_fill(struct pcap_source *p, unsigned want)
{
	uint64_t now = 0;
	unsigned n = 0;

	while (n < want) {
		if (!p->pending && !record_read(p))
			break;
		if (p->speed) {
			if (!now || p->pending_due > now)
				now = nr_mono_ns();
			if (p->pending_due > now) {
				timer_arm(p, p->pending_due);
				break;
			}
		}
		/* The pending record is the oldest reserved slot. */
		nr_ring_commit(p->ring, 1);
		p->pending = false;
		n++;
	}
	return n;
}

static unsigned source_fill_for_burst(struct netring *r, unsigned want)
{
	return source_fill(to_pcap(r), want);
}

static int source_rx_burst(struct netring *r, struct netring_frame *f,
			  unsigned max)
{
	struct pcap_source *p = to_pcap(r);

	return nr_ring_backend_burst(r, p->ring, f, max, source_fill_for_burst,
				     p->path);
}

static void source_rx_release(struct netring *r, unsigned n)
{
	nr_ring_release(to_pcap(r)->ring, n);
}

static bool source_rx_ready(struct netring *r)
{
	struct pcap_source *p = to_pcap(r);

	return nr_ring_waiting(p->ring) > 0 || source_fill(p, PCAP_BATCH) > 0;
}

static int source_ended(struct netring *r)
{
	struct pcap_source *p = to_pcap(r);

	if (!p->at_end || p->pending || nr_ring_waiting(p->ring))
		return 0;
	return nr_set_error(r, p->end_rc, "%s", p->end_why);
}

static int source_stats(struct netring *r, struct netring_backend_stats *st)
{
	struct pcap_source *p = to_pcap(r);

	/* A file drops nothing: a record waits in it until there is room. */
	memset(st, 0, sizeof(*st));
	st->kernel_seen = p->records;
	return 0;
}

static void pcap_source_close(struct netring *r)
{
	struct pcap_source *p = to_pcap(r);

	if (p->pc)
		pcap_close(p->pc); /* closes the FILE, and with it the file */
	netring_ring_close(p->ring);
	if (r->fd >= 0)
		close(r->fd);
	free(p->path);
	free(p);
}

/* Open the file ourselves, so its errors keep their errno. */
static int file_open(const char *path, pcap_t **pcp, char *err)
{
	char perr[PCAP_ERRBUF_SIZE];
	struct stat st;
	FILE *f;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		return nr_fail(err, rc, "%.200s: %s", path, strerror(-rc));
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return nr_fail(err, -EISDIR, "%.200s: a directory, not a pcap file",
			       path);
	}
	f = fdopen(fd, "rb");
	if (!f) {
		rc = -errno;
		close(fd);
		return nr_fail(err, rc, "%.200s: %s", path, strerror(-rc));
	}
	perr[0] = '\0';
	*pcp = pcap_fopen_offline_with_tstamp_precision(
		f, PCAP_TSTAMP_PRECISION_NANO, perr);
	if (!*pcp) {
		fclose(f);
		return nr_fail(err, -EBADMSG,
			       "%.160s: not a pcap or pcapng file libpcap can read: %.80s",
			       path, perr);
	}
	return 0;
}

static int pcap_source_open(const struct netring_plug *pl, struct netring **rp,
			    char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	const char *path = pl->source;
	const char *base_name;
	struct netring_ring_opts ro;
	struct pcap_source *p;
	int dlt, rc;

	if (cfg->replay_speed_permille > REPLAY_SPEED_MAX)
		return nr_fail(err, -EINVAL,
			       "replay speed %u: at most %u thousandths of the file's pace",
			       cfg->replay_speed_permille, REPLAY_SPEED_MAX);
	/* A file has no host to take frames from, and no wire. */
	if (cfg->mode == NETRING_MODE_TAKE)
		return nr_fail(err, -EOPNOTSUPP,
			       "%s: a pcap file is read, not taken from a host: use monitor mode",
			       path);
	if (cfg->flags & (NETRING_CF_PROMISC | NETRING_CF_OUTGOING))
		return nr_fail(err, -EINVAL,
			       "%s: promiscuous mode and outgoing frames mean nothing for a file",
			       path);
	if (cfg->queue > 0)
		return nr_fail(err, -EOPNOTSUPP,
			       "%.200s: a file has no queues; queue %d cannot be chosen",
			       path, cfg->queue);

	p = calloc(1, sizeof(*p));
	if (!p)
		return nr_fail(err, -ENOMEM, "out of memory");
	p->base.ops = &netring_pcap_ops;
	p->base.fd = -1;
	p->base.break_fd = -1;
	p->capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	p->speed = cfg->replay_speed_permille;
	p->path = strdup(path);
	if (!p->path) {
		rc = nr_fail(err, -ENOMEM, "out of memory");
		goto fail;
	}
	rc = file_open(path, &p->pc, err);
	if (rc)
		goto fail;
	dlt = pcap_datalink(p->pc);
	if (dlt != DLT_EN10MB) {
		const char *dname = pcap_datalink_val_to_name(dlt);

		rc = nr_fail(err, -EPROTOTYPE,
			     "%.160s: link type %s (%d), not Ethernet", path,
			     dname ? dname : "unknown", dlt);
		goto fail;
	}

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.slot_count = cfg->ring_frames;
	ro.slot_size = cfg->frame_size;
	rc = netring_ring_create(&p->ring, &ro, err);
	if (rc)
		goto fail;
	p->base.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (p->base.fd < 0) {
		rc = nr_fail(err, -errno, "timerfd: %s", strerror(errno));
		goto fail;
	}
	/* The first record is due at once. */
	timer_arm(p, 1);

	base_name = strrchr(path, '/');
	base_name = base_name && base_name[1] ? base_name + 1 : path;
	snprintf(p->base.info.ifname, sizeof(p->base.info.ifname), "%.15s",
		 base_name);
	if (p->speed)
		snprintf(p->base.info.detail, sizeof(p->base.info.detail),
			 "pcap file, snaplen %d, replayed at %u.%03ux its pace",
			 pcap_snapshot(p->pc), p->speed / 1000, p->speed % 1000);
	else
		snprintf(p->base.info.detail, sizeof(p->base.info.detail),
			 "pcap file, snaplen %d, as fast as frames are taken",
			 pcap_snapshot(p->pc));
	*rp = &p->base;
	return 0;
fail:
	pcap_source_close(&p->base);
	return rc;
}

const struct netring_ops netring_pcap_ops = {
	.name = "pcap",
	.open = pcap_source_open,
	.close = pcap_source_close,
	.rx_burst = source_rx_burst,
	.rx_release = source_rx_release,
	.rx_ready = source_rx_ready,
	.stats = source_stats,
	.no_link = true,
	.ended = source_ended,
};
