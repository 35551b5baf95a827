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
 *
 * Opened with NETRING_CF_TX_ONLY the file is a sink instead: transmitting
 * appends one record per frame (see "The sink" below).
 */
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netring_int.h"
#include "ring.h"
#include "ring_backend.h"

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

/* A file read from is not written to: say how to get a sink. */
static int source_tx_refuse(struct netring *r)
{
	return nr_set_error(r, -EOPNOTSUPP,
			    "%.200s: opened for reading; to write frames to a pcap file open it with NETRING_CF_TX_ONLY",
			    to_pcap(r)->path);
}

static int source_tx_reserve(struct netring *r, struct netring_tx_slot *s,
			     unsigned max)
{
	(void)s;
	(void)max;
	return source_tx_refuse(r);
}

/* Never reached: reserve hands out no slot. */
static int source_tx_commit(struct netring *r, const struct netring_tx_slot *s,
			    unsigned n, unsigned reserved)
{
	(void)s;
	(void)n;
	(void)reserved;
	return source_tx_refuse(r);
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

static int pcap_sink_open(const struct netring_plug *pl, struct netring **rp,
			  char *err);

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
	if (cfg->flags & NETRING_CF_TX_ONLY)
		return pcap_sink_open(pl, rp, err);

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
	.tx_reserve = source_tx_reserve,
	.tx_commit = source_tx_commit,
	.tx_reclaim = source_tx_refuse,
};

/* ------------------------------------------------------------------------
 * The sink
 * ------------------------------------------------------------------------
 *
 * With NETRING_CF_TX_ONLY the path is written, not read.  A missing or empty
 * file gets a pcap header (LINKTYPE_ETHERNET, nanosecond time stamps,
 * snaplen 65535, more than any slot holds); an existing pcap file of
 * Ethernet frames is appended to, in its own byte order and time-stamp
 * precision, once its records are found to run exactly to its end (a file
 * cut inside a record would swallow what follows); anything else is
 * refused (pcapng included: netring writes only pcap records).  An
 * exclusive flock() keeps two netring writers out of one file.
 *
 * Each frame becomes one record stamped with the time of its commit
 * (CLOCK_REALTIME).  The record header is built in the slot's headroom
 * right in front of the frame, so the transmit slots themselves are the
 * buffer and pwritev() takes one iovec per record: frames are written by a
 * commit that finds half the slots in flight or the oldest a second old, by
 * a reserve that finds too few free, and by netring_tx_wait(),
 * netring_tx_drain() and close.  "Sent" means written to the file; until
 * then a frame is in flight (tx_in_flight), so drain before reading the
 * file from elsewhere.  A failed write (ENOSPC,
 * EIO...) cuts the file back to its last whole record and counts the frames
 * not written in tx_failed_kernel.
 */

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du
#define PCAPNG_MAGIC 0x0a0d0d0au
#define PCAP_LINKTYPE_ETHERNET 1u
#define PCAP_SNAPLEN 65535u
#define PCAP_CAPLEN_MAX 262144u /* libpcap refuses longer records */
#define PCAP_FILE_HDR 24u
#define PCAP_REC_HDR 16u
#define SINK_IOV 1024u                  /* IOV_MAX on Linux */
#define SINK_AGE_NS 1000000000ull       /* write frames a second old */

_Static_assert(PCAP_REC_HDR <= NETRING_FRAME_HEADROOM - sizeof(struct nr_txq_meta),
	       "the record header fits in the slot's headroom");

struct pcap_sink {
	struct netring base;
	int file_fd;
	char *path;
	bool nsec;    /* fractions in nanoseconds, else microseconds */
	bool swapped; /* the file's byte order is not ours */
	off_t end;    /* where the last whole record ends */
	uint64_t records_before;
	struct nr_txq txq;
};

static inline struct pcap_sink *to_sink(struct netring *r)
{
	return container_of(r, struct pcap_sink, base);
}

static inline uint32_t sink_u32(const struct pcap_sink *k, uint32_t v)
{
	return k->swapped ? __builtin_bswap32(v) : v;
}

static inline uint16_t sink_u16(const struct pcap_sink *k, uint16_t v)
{
	return k->swapped ? __builtin_bswap16(v) : v;
}

/* Write the frames in flight.  0, or -errno with every frame counted. */
static int sink_flush(struct pcap_sink *k)
{
	struct netring *r = &k->base;
	struct nr_txq *q = &k->txq;
	struct iovec iov[SINK_IOV];
	size_t skip = 0; /* bytes of the oldest record already written */
	unsigned lost;
	int e;

	while (q->head != q->tail) {
		unsigned n = 0;
		size_t done;
		ssize_t w;

		for (uint32_t i = q->head; i != q->tail && n < SINK_IOV; i++, n++) {
			iov[n].iov_base = nr_txq_data(q, i) - PCAP_REC_HDR;
			iov[n].iov_len = PCAP_REC_HDR + nr_txq_meta(q, i)->len;
		}
		iov[0].iov_base = (uint8_t *)iov[0].iov_base + skip;
		iov[0].iov_len -= skip;
		w = pwritev(k->file_fd, iov, (int)n, k->end + (off_t)skip);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : EIO;
			goto fail;
		}
		/* Whole records are sent; a part stays for the next write. */
		done = skip + (size_t)w;
		while (q->head != q->tail) {
			uint32_t len = nr_txq_meta(q, q->head)->len;

			if (done < PCAP_REC_HDR + len)
				break;
			done -= PCAP_REC_HDR + len;
			k->end += PCAP_REC_HDR + len;
			r->tx.sent++;
			r->tx.bytes += len;
			q->head++;
		}
		skip = done;
	}
	return 0;
fail:
	lost = nr_txq_pending(q);
	nr_txq_fail_all(q, &r->tx.failed_kernel);
	/* Nothing after the last whole record: the file stays readable. */
	if (ftruncate(k->file_fd, k->end) < 0)
		return nr_set_error(r, -e,
				    "%.150s: %s; %u frames not written, and the file could not be cut back to its last whole record",
				    k->path, strerror(e), lost);
	return nr_set_error(r, -e, "%.150s: %s; %u frames not written",
			    k->path, strerror(e), lost);
}

static int sink_tx_reserve(struct netring *r, struct netring_tx_slot *s,
			   unsigned max)
{
	struct pcap_sink *k = to_sink(r);

	if (nr_txq_free(&k->txq) < max && nr_txq_pending(&k->txq)) {
		int rc = sink_flush(k);

		if (rc < 0)
			return rc;
	}
	return (int)nr_txq_reserve(&k->txq, s, max, r->info.tx_capacity);
}

static int sink_tx_commit(struct netring *r, const struct netring_tx_slot *s,
			  unsigned n, unsigned reserved)
{
	struct pcap_sink *k = to_sink(r);
	struct nr_txq *q = &k->txq;
	uint64_t now = nr_now_ns();
	uint32_t sec = sink_u32(k, (uint32_t)(now / 1000000000ull));
	uint32_t frac = (uint32_t)(now % 1000000000ull);
	int rc;

	(void)reserved;
	frac = sink_u32(k, k->nsec ? frac : frac / 1000);
	for (unsigned i = 0; i < n; i++) {
		uint32_t rec[4] = { sec, frac, sink_u32(k, s[i].len),
				    sink_u32(k, s[i].len) };

		memcpy(s[i].data - PCAP_REC_HDR, rec, sizeof(rec));
	}
	nr_txq_commit(r, q, s, n, now);
	if (nr_txq_pending(q) >= q->count / 2 ||
	    now - nr_txq_meta(q, q->head)->ts_ns >= SINK_AGE_NS) {
		rc = sink_flush(k);
		if (rc < 0)
			return rc;
	}
	return (int)n;
}

static int sink_tx_reclaim(struct netring *r)
{
	struct pcap_sink *k = to_sink(r);
	int rc = nr_txq_pending(&k->txq) ? sink_flush(k) : 0;

	return rc < 0 ? rc : (int)nr_txq_free(&k->txq);
}

/* A regular file is always writable. */
static int sink_tx_fd(struct netring *r)
{
	return to_sink(r)->file_fd;
}

/* Nothing is read from a sink. */
static int sink_rx_burst(struct netring *r, struct netring_frame *f,
			 unsigned max)
{
	(void)r;
	(void)f;
	(void)max;
	return 0;
}

static void sink_rx_release(struct netring *r, unsigned n)
{
	(void)r;
	(void)n;
}

static bool sink_rx_ready(struct netring *r)
{
	(void)r;
	return false;
}

static int sink_stats(struct netring *r, struct netring_backend_stats *st)
{
	(void)r;
	memset(st, 0, sizeof(*st));
	return 0;
}

static void pcap_sink_close(struct netring *r)
{
	struct pcap_sink *k = to_sink(r);

	if (k->txq.mem && nr_txq_pending(&k->txq))
		sink_flush(k);
	nr_txq_fini(&k->txq);
	if (k->file_fd >= 0)
		close(k->file_fd); /* and with it the lock */
	if (r->fd >= 0)
		close(r->fd);
	free(k->path);
	free(k);
}

/* Read exactly n bytes at off: 0, or -errno (-EBADMSG when the file is
 * shorter). */
static int sink_pread(int fd, void *buf, size_t n, off_t off)
{
	ssize_t got;

	do
		got = pread(fd, buf, n, off);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return -errno;
	return (size_t)got == n ? 0 : -EBADMSG;
}

/*
 * May we append to this non-empty file?  Sets byte order, precision, the
 * end and the records already there; 0, or -errno explained in err.
 */
static int sink_check(struct pcap_sink *k, off_t size, uint32_t capacity,
		      char *err)
{
	uint8_t h[PCAP_FILE_HDR];
	uint32_t magic, snaplen, linktype;
	uint16_t major;
	off_t off;
	int rc;

	if (size < (off_t)PCAP_FILE_HDR)
		return nr_fail(err, -EBADMSG,
			       "%.180s: %lld bytes, too short for a pcap file: refusing to append to it",
			       k->path, (long long)size);
	rc = sink_pread(k->file_fd, h, sizeof(h), 0);
	if (rc)
		return nr_fail(err, rc, "%.200s: %s", k->path, strerror(-rc));
	memcpy(&magic, h, 4);
	if (magic == PCAP_MAGIC_USEC || magic == PCAP_MAGIC_NSEC) {
		k->swapped = false;
	} else if (__builtin_bswap32(magic) == PCAP_MAGIC_USEC ||
		   __builtin_bswap32(magic) == PCAP_MAGIC_NSEC) {
		k->swapped = true;
	} else if (magic == PCAPNG_MAGIC) {
		return nr_fail(err, -EBADMSG,
			       "%.180s: a pcapng file: netring appends only to pcap files",
			       k->path);
	} else {
		return nr_fail(err, -EBADMSG,
			       "%.180s: not a pcap file (magic 0x%08x): refusing to write to it",
			       k->path, magic);
	}
	k->nsec = sink_u32(k, magic) == PCAP_MAGIC_NSEC;
	memcpy(&major, h + 4, 2);
	memcpy(&snaplen, h + 16, 4);
	memcpy(&linktype, h + 20, 4);
	if (sink_u16(k, major) != 2)
		return nr_fail(err, -EBADMSG,
			       "%.180s: pcap version %u, not 2: refusing to append to it",
			       k->path, sink_u16(k, major));
	linktype = sink_u32(k, linktype);
	if (linktype != PCAP_LINKTYPE_ETHERNET)
		return nr_fail(err, -EPROTOTYPE,
			       "%.180s: link type %u, not Ethernet (1): refusing to append Ethernet frames",
			       k->path, linktype);
	snaplen = sink_u32(k, snaplen);
	if (snaplen < capacity)
		return nr_fail(err, -EMSGSIZE,
			       "%.150s: snaplen %u is shorter than the frames this ring sends (%u bytes): use a smaller frame_size or another file",
			       k->path, snaplen, capacity);

	/* Walk the records: the last must end exactly at the end. */
	for (off = PCAP_FILE_HDR; off < size;) {
		uint32_t rec[4], caplen;

		if (size - off < (off_t)PCAP_REC_HDR)
			return nr_fail(err, -EBADMSG,
				       "%.150s: ends inside a record header at offset %lld (a damaged file): refusing to append to it",
				       k->path, (long long)off);
		rc = sink_pread(k->file_fd, rec, sizeof(rec), off);
		if (rc)
			return nr_fail(err, rc, "%.200s: %s", k->path,
				       strerror(-rc));
		caplen = sink_u32(k, rec[2]);
		if (caplen > PCAP_CAPLEN_MAX || off + (off_t)PCAP_REC_HDR + caplen > size)
			return nr_fail(err, -EBADMSG,
				       "%.150s: the record at offset %lld (%u bytes) runs past the end (a damaged file): refusing to append to it",
				       k->path, (long long)off, caplen);
		off += PCAP_REC_HDR + caplen;
		k->records_before++;
	}
	k->end = size;
	return 0;
}

/* A new file's header: ours, nanosecond stamps. */
static int sink_header(struct pcap_sink *k, char *err)
{
	uint32_t h[6] = { PCAP_MAGIC_NSEC, 2u | 4u << 16, 0, 0, PCAP_SNAPLEN,
			  PCAP_LINKTYPE_ETHERNET };
	ssize_t w;

	k->nsec = true;
	k->swapped = false;
	do
		w = pwrite(k->file_fd, h, sizeof(h), 0);
	while (w < 0 && errno == EINTR);
	if (w != (ssize_t)sizeof(h)) {
		int rc = w < 0 ? -errno : -EIO;

		if (ftruncate(k->file_fd, 0) < 0) {
			/* Nothing more to do: the message says it failed. */
		}
		return nr_fail(err, rc, "%.180s: writing the pcap header: %s",
			       k->path, strerror(-rc));
	}
	k->end = PCAP_FILE_HDR;
	return 0;
}

static const struct netring_ops pcap_sink_ops = {
	.name = "pcap",
	.close = pcap_sink_close,
	.rx_burst = sink_rx_burst,
	.rx_release = sink_rx_release,
	.rx_ready = sink_rx_ready,
	.stats = sink_stats,
	.no_link = true,
	.tx_reserve = sink_tx_reserve,
	.tx_commit = sink_tx_commit,
	.tx_reclaim = sink_tx_reclaim,
	.tx_fd = sink_tx_fd,
};

static int pcap_sink_open(const struct netring_plug *pl, struct netring **rp,
			  char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	const char *path = pl->source;
	uint32_t capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	const char *base_name;
	struct pcap_sink *k;
	struct stat st;
	bool created;
	int rc;

	if (cfg->replay_speed_permille)
		return nr_fail(err, -EINVAL,
			       "%.200s: a replay speed means nothing for a file being written",
			       path);
	k = calloc(1, sizeof(*k));
	if (!k)
		return nr_fail(err, -ENOMEM, "out of memory");
	k->base.ops = &pcap_sink_ops;
	k->base.fd = -1;
	k->base.break_fd = -1;
	k->path = strdup(path);
	if (!k->path) {
		k->file_fd = -1;
		rc = nr_fail(err, -ENOMEM, "out of memory");
		goto fail;
	}
	k->file_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (k->file_fd < 0) {
		rc = -errno;
		if (rc == -EISDIR)
			nr_fail(err, rc, "%.200s: a directory, not a pcap file",
				path);
		else
			nr_fail(err, rc, "%.200s: %s", path, strerror(-rc));
		goto fail;
	}
	if (fstat(k->file_fd, &st) < 0) {
		rc = nr_fail(err, -errno, "%.200s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = nr_fail(err, -EINVAL,
			     "%.200s: not a regular file: frames are written only to files",
			     path);
		goto fail;
	}
	if (flock(k->file_fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		if (rc == -EWOULDBLOCK)
			rc = nr_fail(err, -EBUSY,
				     "%.200s: another netring ring is writing it",
				     path);
		else
			nr_fail(err, rc, "%.200s: flock: %s", path,
				strerror(-rc));
		goto fail;
	}
	created = st.st_size == 0;
	rc = created ? sink_header(k, err)
		     : sink_check(k, st.st_size, capacity, err);
	if (rc)
		goto fail;
	if (nr_txq_init(&k->txq, cfg->tx_frames, cfg->frame_size)) {
		rc = nr_fail(err, -ENOMEM, "no memory for %u transmit slots",
			     cfg->tx_frames);
		goto fail;
	}
	/* Nothing is read: a descriptor that never becomes readable, so
	 * netring_wait() and an epoll loop sleep. */
	k->base.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (k->base.fd < 0) {
		rc = nr_fail(err, -errno, "eventfd: %s", strerror(errno));
		goto fail;
	}

	base_name = strrchr(path, '/');
	base_name = base_name && base_name[1] ? base_name + 1 : path;
	snprintf(k->base.info.ifname, sizeof(k->base.info.ifname), "%.15s",
		 base_name);
	if (created)
		snprintf(k->base.info.detail, sizeof(k->base.info.detail),
			 "pcap file written (new, nanosecond time stamps)");
	else
		snprintf(k->base.info.detail, sizeof(k->base.info.detail),
			 "pcap file written (appended after %llu records, %s time stamps)",
			 (unsigned long long)k->records_before,
			 k->nsec ? "nanosecond" : "microsecond");
	*rp = &k->base;
	return 0;
fail:
	pcap_sink_close(&k->base);
	return rc;
}
