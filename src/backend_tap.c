// SPDX-License-Identifier: MIT
/*
 * backend_tap.c - a TAP device the application owns: the unikernel case,
 * where the application is a host of its own on a virtual link.  Frames the
 * host sends into the TAP are read in batches straight into the slots of a
 * private slot ring (ring.h) and handed over as views of it.
 *
 * Transmitting is the other direction: frames the application writes into
 * the TAP's descriptor arrive at the host as received on the TAP.  A TAP
 * takes exactly one frame per write() (writev() gathers one frame from its
 * pieces; there is no batched write for a tun descriptor outside vhost), so
 * a commit writes its frames one write() each, in one loop.  "Sent" means
 * write() accepted the frame.
 *
 * The TAP is created when missing (and goes away when we close it) or
 * attached to when it exists.  IFF_NO_PI: frames come without tun's 4-byte
 * packet-information header.  No IFF_VNET_HDR: with it the kernel may hand
 * over offloaded super-frames (after TUNSETOFFLOAD) that were never on any
 * wire, and without offloads its header says nothing; no IFF_NAPI: it only
 * changes how frames the application writes enter the stack.
 */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netring_int.h"
#include "ring.h"
#include "ring_backend.h"

/* Frames read per refill when the caller did not say how many it wants. */
#define TAP_BATCH 64u
/*
 * A TAP's read() copies what fits and returns only that, so each read
 * gets a second buffer behind the slot: the length it returns is then the
 * frame's, and whatever lands here is the part cut off.  A TAP's MTU is at
 * most 65535, plus the Ethernet header and two VLAN tags.
 */
#define TAP_SPILL (65536u + 64u)

struct tap_ring {
	struct netring base;
	int tap_fd;
	/* Receive (NULL with NETRING_CF_TX_ONLY: the TAP is not read). */
	struct netring_ring *ring;
	uint32_t capacity; /* longest frame delivered whole */
	uint32_t ifindex;
	char name[IFNAMSIZ];
	uint8_t *spill;
	/* The TAP's transmit counters when plugged (the host's frames go out
	 * through the TAP: they are its tx). */
	uint64_t tx_packets0;
	uint64_t tx_dropped0;
	struct netring_backend_stats totals;
	struct nr_txq txq;
};

static inline struct tap_ring *to_tap(struct netring *r)
{
	return container_of(r, struct tap_ring, base);
}

/*
 * Read up to `want` waiting frames from the TAP into free slots, one
 * readv() each, until the kernel's queue is empty.  Returns how many were
 * committed.  A frame that finds no free slot stays in the kernel's queue
 * (which drops, and counts in tx_dropped, when it overflows).
 */
static unsigned tap_pull(struct tap_ring *t, unsigned want)
{
	struct netring_ring *ring = t->ring;
	unsigned got, n = 0;
	uint32_t idx;
	uint64_t ts;

	got = nr_ring_reserve(ring, want, &idx);
	if (!got)
		return 0;
	ts = nr_now_ns();
	while (n < got) {
		struct nr_ring_slot *s = nr_ring_slot(ring, idx + n);
		struct iovec iov[2] = {
			{ .iov_base = s->data, .iov_len = t->capacity },
			{ .iov_base = t->spill, .iov_len = TAP_SPILL },
		};
		ssize_t len = readv(t->tap_fd, iov, 2);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN: the queue is empty.  Anything else (EBADFD:
			 * the TAP was removed) netring_wait() reports. */
			break;
		}
		nr_ring_slot_set(ring, s,
				 (uint32_t)len < t->capacity ? (uint32_t)len :
							       t->capacity,
				 (uint32_t)len, ts, t->ifindex, 0,
				 NETRING_FRAME_TS_BURST);
		n++;
	}
	nr_ring_cancel(ring, got - n);
	if (n)
		nr_ring_commit(ring, n);
	return n;
}

static unsigned tap_pull_for_burst(struct netring *r, unsigned want)
{
	return tap_pull(to_tap(r), want);
}

static int tap_rx_burst(struct netring *r, struct netring_frame *f,
			unsigned max)
{
	struct tap_ring *t = to_tap(r);

	if (!t->ring)
		return 0;
	return nr_ring_backend_burst(r, t->ring, f, max, tap_pull_for_burst,
				     t->name);
}

static void tap_rx_release(struct netring *r, unsigned n)
{
	/* Without a ring nothing is ever held, so n is 0. */
	if (to_tap(r)->ring)
		nr_ring_release(to_tap(r)->ring, n);
}

/* Frames wait in the kernel's queue until read: asking costs a read(). */
static bool tap_rx_ready(struct netring *r)
{
	struct tap_ring *t = to_tap(r);

	if (!t->ring)
		return false;
	return nr_ring_waiting(t->ring) > 0 || tap_pull(t, TAP_BATCH) > 0;
}

/*
 * The TAP's transmit counters from /proc/thread-self/net/dev, which, unlike
 * /sys, shows the calling thread's network namespace.  Columns after the
 * name: 8 receive counters, then bytes, packets, errs, drop, ...
 */
static int tap_tx_counters(const char *name, uint64_t *packets,
			   uint64_t *dropped)
{
	char line[512];
	int rc = -ENODEV;
	FILE *f;

	f = fopen("/proc/thread-self/net/dev", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[12];
		char *colon = strchr(line, ':');
		char *p = line;

		if (!colon)
			continue;
		*colon = '\0';
		while (*p == ' ')
			p++;
		if (strcmp(p, name) != 0)
			continue;
		if (sscanf(colon + 1,
			   "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9], &v[10], &v[11]) != 12) {
			rc = -EBADMSG;
			break;
		}
		*packets = v[9];
		*dropped = v[11];
		rc = 0;
		break;
	}
	fclose(f);
	return rc;
}

static int tap_stats(struct netring *r, struct netring_backend_stats *st)
{
	struct tap_ring *t = to_tap(r);
	uint64_t packets, dropped;

	/* A TAP that is gone keeps the last counts we saw. */
	if (tap_tx_counters(t->name, &packets, &dropped) == 0 &&
	    packets >= t->tx_packets0 && dropped >= t->tx_dropped0) {
		t->totals.dropped_ring_full = dropped - t->tx_dropped0;
		t->totals.kernel_seen = packets - t->tx_packets0 +
					t->totals.dropped_ring_full;
	}
	*st = t->totals;
	return 0;
}

/* ------------------------------------------------------------------------
 * Transmit
 * ------------------------------------------------------------------------ */

/*
 * Write the frames in flight, oldest first, until none is left or the
 * descriptor would block.  What a TAP's write() answers (Linux 6.18,
 * measured; tests/tap_tx.sh holds us to it): the frame's length when taken,
 * whatever the MTU; EIO while the TAP is administratively down; EBADFD once
 * it was deleted; EINVAL for a frame shorter than an Ethernet header (the
 * core refuses those first); EAGAIN only when the TAP's send buffer is
 * full, never seen with the default (unlimited) one: it takes a shrunk
 * TUNSETSNDBUF and receive work deferred to another CPU (RPS).  Frames that would block stay queued
 * and go out on the next reserve, commit or reclaim.  Returns 0, or the
 * first failure as -errno (every frame counted).
 */
static int tap_push(struct tap_ring *t)
{
	struct netring *r = &t->base;
	struct nr_txq *q = &t->txq;
	int rc = 0;

	while (q->head != q->tail) {
		uint32_t len = nr_txq_meta(q, q->head)->len;
		ssize_t w = write(t->tap_fd, nr_txq_data(q, q->head), len);

		if (likely(w >= 0)) {
			/* tun takes a frame whole or not at all. */
			r->tx.sent++;
			r->tx.bytes += len;
			q->head++;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			break;
		if (errno == EIO) {
			nr_txq_fail_all(q, &r->tx.failed_down);
			return nr_set_error(r, -ENETDOWN,
					    "%s: the TAP is down: frames not sent",
					    t->name);
		}
		if (errno == EBADFD) {
			nr_txq_fail_all(q, &r->tx.failed_down);
			r->gone = nr_set_error(r, -ENODEV,
					       "%s: the TAP was removed",
					       t->name);
			return r->gone;
		}
		/* This frame only: count it and go on with the next. */
		if (!rc)
			rc = nr_set_error(r, -errno, "%s: write: %s", t->name,
					  strerror(errno));
		r->tx.failed_kernel++;
		q->head++;
	}
	return rc;
}

static int tap_tx_reserve(struct netring *r, struct netring_tx_slot *s,
			  unsigned max)
{
	struct tap_ring *t = to_tap(r);
	int rc = nr_txq_pending(&t->txq) ? tap_push(t) : 0;

	/* A failure of frames committed earlier is reported once, here. */
	if (unlikely(rc < 0))
		return rc;
	return (int)nr_txq_reserve(&t->txq, s, max, r->info.tx_capacity);
}

static int tap_tx_commit(struct netring *r, const struct netring_tx_slot *s,
			 unsigned n, unsigned reserved)
{
	struct tap_ring *t = to_tap(r);
	int rc;

	(void)reserved;
	nr_txq_commit(r, &t->txq, s, n, 0);
	rc = tap_push(t);
	return rc < 0 ? rc : (int)n;
}

static int tap_tx_reclaim(struct netring *r)
{
	struct tap_ring *t = to_tap(r);
	int rc = nr_txq_pending(&t->txq) ? tap_push(t) : 0;

	return rc < 0 ? rc : (int)nr_txq_free(&t->txq);
}

/* Writable when a write would not block. */
static int tap_tx_fd(struct netring *r)
{
	return to_tap(r)->tap_fd;
}

static void tap_close(struct netring *r)
{
	struct tap_ring *t = to_tap(r);

	/* A last try for frames that were waiting for room; whatever is
	 * still refused is not sent (netring_tx_drain() first to know). */
	if (t->txq.mem && nr_txq_pending(&t->txq))
		tap_push(t);
	nr_txq_fini(&t->txq);
	netring_ring_close(t->ring);
	/* A TAP we created is not persistent: closing removes it. */
	if (t->tap_fd >= 0)
		close(t->tap_fd);
	if (r->fd >= 0 && r->fd != t->tap_fd)
		close(r->fd);
	free(t->spill);
	free(t);
}

/* Is `name` free, or a TAP we may attach to?  0, or -errno explained. */
static int tap_check_existing(const char *name, bool *exists, char *err)
{
	struct netring_if ifi;
	int rc = nr_link_get(name, 0, &ifi, NULL);

	*exists = false;
	if (rc == -ENODEV)
		return 0;
	if (rc)
		return nr_fail(err, rc, "%s: cannot read the interface: %s",
			       name, strerror(-rc));
	*exists = true;
	if (strcmp(ifi.kind, "tun") != 0)
		return nr_fail(err, -EEXIST,
			       "%s exists and is not a TAP device (%s)", name,
			       ifi.kind[0] ? ifi.kind : "no link kind");
	if (!(ifi.flags & NETRING_IF_ETHERNET))
		return nr_fail(err, -EPROTOTYPE,
			       "%s is a TUN device (IP packets, no Ethernet header), not a TAP",
			       name);
	return 0;
}

static int tap_attach(const char *name, bool exists, struct ifreq *ifr,
		      int *fdp, char *err)
{
	int fd, rc;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT || rc == -ENODEV)
			return nr_fail(err, rc,
				       "%s: /dev/net/tun is missing (no tun support in this kernel?)",
				       name);
		return nr_fail(err, rc, "%s: /dev/net/tun: %s", name,
			       strerror(-rc));
	}
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, name, strlen(name) + 1);
	ifr->ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, ifr) < 0) {
		rc = -errno;
		close(fd);
		if (rc == -EPERM || rc == -EACCES)
			return nr_fail(err, rc,
				       "%s: %s a TAP needs CAP_NET_ADMIN (or, for an existing TAP, to be its owner)",
				       name, exists ? "attaching to" : "creating");
		if (rc == -EBUSY)
			return nr_fail(err, rc,
				       "%s: another process has the TAP open (one reader per queue)",
				       name);
		if (rc == -EINVAL && exists)
			return nr_fail(err, rc,
				       "%s: the TAP was made with other flags (multi-queue, or with a packet-information header)",
				       name);
		if (rc == -EINVAL)
			return nr_fail(err, rc, "%s: not a valid interface name",
				       name);
		return nr_fail(err, rc, "%s: TUNSETIFF: %s", name,
			       strerror(-rc));
	}
	*fdp = fd;
	return 0;
}

static int tap_open(const struct netring_plug *pl, struct netring **rp,
		    char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	const char *name = pl->source;
	struct netring_ring_opts ro;
	struct netring_if ifi;
	struct tap_ring *t;
	struct ifreq ifr;
	bool exists;
	bool tx_only = cfg->flags & NETRING_CF_TX_ONLY;
	int fd = -1, rc;

	if (strlen(name) >= IFNAMSIZ)
		return nr_fail(err, -EINVAL,
			       "%.32s...: interface names are at most %d characters",
			       name, IFNAMSIZ - 1);
	if (cfg->queue > 0)
		return nr_fail(err, -EOPNOTSUPP,
			       "%s: a TAP has one queue; queue %d cannot be chosen",
			       name, cfg->queue);
	rc = tap_check_existing(name, &exists, err);
	if (rc)
		return rc;
	rc = tap_attach(name, exists, &ifr, &fd, err);
	if (rc)
		return rc;

	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		return nr_fail(err, -ENOMEM, "out of memory");
	}
	t->base.ops = &netring_tap_ops;
	t->tap_fd = fd;
	t->base.fd = fd;
	t->base.break_fd = -1;
	t->capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	/* The kernel may have filled in a pattern such as "tap%d". */
	memcpy(t->name, ifr.ifr_name, IFNAMSIZ);
	t->name[IFNAMSIZ - 1] = '\0';

	if (nr_txq_init(&t->txq, cfg->tx_frames, cfg->frame_size)) {
		rc = nr_fail(err, -ENOMEM, "%s: no memory for %u transmit slots",
			     t->name, cfg->tx_frames);
		goto fail;
	}
	if (tx_only) {
		/* Not read: the ring's descriptor is one that never becomes
		 * readable, so netring_wait() and an epoll loop sleep rather
		 * than wake for frames nobody takes. */
		t->base.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (t->base.fd < 0) {
			rc = nr_fail(err, -errno, "eventfd: %s", strerror(errno));
			goto fail;
		}
	} else {
		t->spill = malloc(TAP_SPILL);
		if (!t->spill) {
			rc = nr_fail(err, -ENOMEM, "out of memory");
			goto fail;
		}
		memset(&ro, 0, sizeof(ro));
		ro.sz = sizeof(ro);
		ro.slot_count = cfg->ring_frames;
		ro.slot_size = cfg->frame_size;
		rc = netring_ring_create(&t->ring, &ro, err);
		if (rc)
			goto fail;
	}

	rc = nr_link_get(t->name, 0, &ifi, NULL);
	if (rc) {
		nr_fail(err, rc, "%s: the TAP vanished as it was plugged: %s",
			t->name, strerror(-rc));
		goto fail;
	}
	t->ifindex = ifi.ifindex;
	if (tap_tx_counters(t->name, &t->tx_packets0, &t->tx_dropped0)) {
		t->tx_packets0 = 0;
		t->tx_dropped0 = 0;
	}

	snprintf(t->base.info.ifname, sizeof(t->base.info.ifname), "%s",
		 t->name);
	t->base.info.ifindex = t->ifindex;
	if (tx_only)
		snprintf(t->base.info.detail, sizeof(t->base.info.detail),
			 "TAP %s (%s), transmit only: not read", t->name,
			 exists ? "attached" : "created");
	else
		snprintf(t->base.info.detail, sizeof(t->base.info.detail),
			 "TAP %s (%s), read into a ring of %u slots", t->name,
			 exists ? "attached" : "created", cfg->ring_frames);
	*rp = &t->base;
	return 0;
fail:
	tap_close(&t->base);
	return rc;
}

const struct netring_ops netring_tap_ops = {
	.name = "tap",
	.open = tap_open,
	.close = tap_close,
	.rx_burst = tap_rx_burst,
	.rx_release = tap_rx_release,
	.rx_ready = tap_rx_ready,
	.stats = tap_stats,
	.no_link = true,
	.tx_reserve = tap_tx_reserve,
	.tx_commit = tap_tx_commit,
	.tx_reclaim = tap_tx_reclaim,
	.tx_fd = tap_tx_fd,
};
