// SPDX-License-Identifier: MIT
/*
 * backend_tap.c - a TAP device the application owns: the unikernel case,
 * where the application is a host of its own on a virtual link.  Frames the
 * host sends into the TAP are read in batches straight into the slots of a
 * private slot ring (ring.h) and handed over as views of it.
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
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "netring_int.h"
#include "ring.h"

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
		ssize_t len = readv(t->base.fd, iov, 2);

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

	return nr_ring_backend_burst(r, t->ring, f, max, tap_pull_for_burst,
				     t->name);
}

static void tap_rx_release(struct netring *r, unsigned n)
{
	nr_ring_release(to_tap(r)->ring, n);
}

/* Frames wait in the kernel's queue until read: asking costs a read(). */
static bool tap_rx_ready(struct netring *r)
{
	struct tap_ring *t = to_tap(r);

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

static void tap_close(struct netring *r)
{
	struct tap_ring *t = to_tap(r);

	netring_ring_close(t->ring);
	/* A TAP we created is not persistent: closing removes it. */
	if (r->fd >= 0)
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
	t->base.fd = fd;
	t->base.break_fd = -1;
	t->capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	/* The kernel may have filled in a pattern such as "tap%d". */
	memcpy(t->name, ifr.ifr_name, IFNAMSIZ);
	t->name[IFNAMSIZ - 1] = '\0';

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
};
