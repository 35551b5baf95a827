// SPDX-License-Identifier: MIT
/*
 * backend_xdp.c - AF_XDP: an XDP program (xdp_prog.c) redirects the frames
 * a ring asked for into AF_XDP sockets, one per RX queue, each with its own
 * UMEM of ring_frames slots.  Views point into UMEM; a released slot goes
 * straight back to its queue's fill ring.  TAKE mode only: redirected
 * frames never reach the host.
 */
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netring_int.h"
#include "xdp_prog.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif
#ifndef XDP_USE_SG
#define XDP_USE_SG (1 << 4) /* Linux 6.6 */
#endif
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD (1 << 0) /* more buffers of this frame follow */
#endif

#define VLAN_TAG_LEN 4
#define COMPLETION_RING_SIZE 64 /* required by bind; we never transmit */
#define BIND_BUSY_DEADLINE_MS 2000
#define BIND_BACKOFF_MAX_MS 64

/* Our side of one ring the kernel shares with us (fill or RX). */
struct xsk_ring {
	uint32_t *producer;
	uint32_t *consumer;
	uint32_t *flags;
	void *descs;
	uint32_t mask;
	/* Our copy of both indices: the common case touches no line the
	 * kernel writes. */
	uint32_t cached_prod;
	uint32_t cached_cons;
	uint32_t published; /* fill: producer value last stored */
	void *map;
	size_t map_len;
};

struct xdp_queue {
	int fd;
	uint32_t id;
	uint8_t *umem;
	size_t umem_len;
	struct xsk_ring fill;
	struct xsk_ring rx;
};

struct xdp_ring {
	struct netring base;
	struct xdp_queue *q;
	unsigned nq;
	unsigned next_q; /* where the next burst starts: no queue starves */
	uint32_t frame_size;
	uint64_t chunk_mask; /* frame_size - 1 */
	uint32_t capacity;   /* longest frame delivered whole */
	uint32_t ifindex;
	bool vlan_restore;
	int member_fd;  /* AF_PACKET socket holding promiscuous/MAC memberships */
	int gone;       /* -errno once the interface went away, else 0 */
	int epoll_fd;   /* several queues: readable when any socket is */
	/*
	 * Held frames, oldest first, as (queue << 32 | UMEM address), so that
	 * release(n) knows which fill ring each slot goes back to.  Room for
	 * every slot of every queue: it cannot overflow.
	 */
	uint64_t *held;
	uint32_t held_mask;
	uint32_t held_head; /* oldest */
	uint32_t held_tail;
	struct nr_xdp_prog prog;
};

static inline struct xdp_ring *to_xdp(struct netring *r)
{
	return container_of(r, struct xdp_ring, base);
}

/* ---- rings ------------------------------------------------------------- */

static inline uint32_t rx_available(struct xsk_ring *rx, uint32_t want)
{
	uint32_t avail = rx->cached_prod - rx->cached_cons;

	if (avail < want) {
		/* Pairs with the kernel's store-release of the producer after
		 * it wrote the descriptors: they are visible once we see it. */
		rx->cached_prod = __atomic_load_n(rx->producer, __ATOMIC_ACQUIRE);
		avail = rx->cached_prod - rx->cached_cons;
	}
	return avail;
}

static inline void rx_consume(struct xsk_ring *rx, uint32_t n)
{
	rx->cached_cons += n;
	/* Our reads of the descriptors happen before the kernel may reuse
	 * their entries (it reads the consumer before writing). */
	__atomic_store_n(rx->consumer, rx->cached_cons, __ATOMIC_RELEASE);
}

/*
 * Queue a slot for the fill ring.  Every slot of a queue's UMEM is in
 * exactly one place - the fill ring, the kernel, the RX ring, or our
 * hands - and the fill ring has an entry per slot, so there is always
 * room.  The record's magic is cleared first: a record found in a slot
 * then always belongs to the frame in it.
 */
static inline void fill_stage(const struct xdp_ring *x, struct xdp_queue *q,
			      uint64_t addr)
{
	uint64_t *ring = q->fill.descs;

	if ((addr & x->chunk_mask) >= sizeof(uint32_t))
		memset(q->umem + addr - sizeof(uint32_t), 0, sizeof(uint32_t));
	ring[q->fill.cached_prod++ & q->fill.mask] = addr & ~x->chunk_mask;
}

static inline void fill_publish(struct xdp_queue *q)
{
	if (q->fill.cached_prod == q->fill.published)
		return;
	q->fill.published = q->fill.cached_prod;
	/* The slot addresses written above are visible before the kernel
	 * sees the new producer (it reads the entries after a read barrier
	 * that follows its load of the producer). */
	__atomic_store_n(q->fill.producer, q->fill.published, __ATOMIC_RELEASE);
	if (unlikely(__atomic_load_n(q->fill.flags, __ATOMIC_RELAXED) &
		     XDP_RING_NEED_WAKEUP))
		recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

/* ---- receive ----------------------------------------------------------- */

struct burst_clock {
	uint64_t now_ns;      /* CLOCK_REALTIME at the burst, 0 until needed */
	int64_t tai_minus_rt; /* CLOCK_TAI - CLOCK_REALTIME, whole seconds */
	bool tai_known;
};

static uint64_t burst_now(struct burst_clock *c)
{
	if (!c->now_ns)
		c->now_ns = nr_now_ns();
	return c->now_ns;
}

static uint64_t tai_to_realtime(struct burst_clock *c, uint64_t tai)
{
	if (!c->tai_known) {
		struct timespec rt, ta;
		int64_t d;

		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_TAI, &ta);
		d = (int64_t)(ta.tv_sec - rt.tv_sec) * 1000000000 +
		    (ta.tv_nsec - rt.tv_nsec);
		/* The kernel's TAI offset is whole seconds: round away the
		 * time between the two reads. */
		c->tai_minus_rt = (d >= 0 ? d + 500000000 : d - 500000000) /
				  1000000000 * 1000000000;
		c->tai_known = true;
	}
	return tai - (uint64_t)c->tai_minus_rt;
}

/* Read the program's record in front of the frame, if it wrote one. */
static inline void frame_meta(struct xdp_ring *x, uint8_t *data, uint64_t addr,
			      struct netring_frame *f, struct burst_clock *clk,
			      struct nr_xsk_meta *m)
{
	m->flags = 0;
	m->magic = 0;
	if (likely((addr & x->chunk_mask) >= sizeof(*m)))
		memcpy(m, data - sizeof(*m), sizeof(*m));
	if (unlikely(m->magic != NR_XSK_META_MAGIC))
		m->flags = 0;
	if (m->flags & NR_XSK_META_TS_HW) {
		f->ts_ns = m->ts;
		f->flags |= NETRING_FRAME_TS_HARDWARE;
	} else if (m->flags & NR_XSK_META_TS_TAI) {
		f->ts_ns = tai_to_realtime(clk, m->ts);
		f->flags |= NETRING_FRAME_TS_SOFTWARE;
	} else {
		f->ts_ns = burst_now(clk);
		f->flags |= NETRING_FRAME_TS_BURST;
	}
}

/* The device stripped a tag (the program read it with the VLAN kfunc):
 * put it back in the headroom in front of the frame. */
static inline uint8_t *vlan_restore(uint8_t *mac, uint16_t tpid, uint16_t tci)
{
	uint16_t be_tpid = htons(tpid), be_tci = htons(tci);

	memmove(mac - VLAN_TAG_LEN, mac, 2 * ETH_ALEN);
	mac -= VLAN_TAG_LEN;
	memcpy(mac + 2 * ETH_ALEN, &be_tpid, 2);
	memcpy(mac + 2 * ETH_ALEN + 2, &be_tci, 2);
	return mac;
}

static inline void frame_vlan(struct xdp_ring *x, const struct nr_xsk_meta *m,
			      struct netring_frame *f)
{
	uint8_t *mac = (uint8_t *)f->data;
	uint16_t type;

	if (unlikely(m->flags & NR_XSK_META_VLAN)) {
		f->vlan_tci = m->vlan_tci;
		f->flags |= NETRING_FRAME_VLAN;
		if (x->vlan_restore && f->len >= 2 * ETH_ALEN) {
			f->data = vlan_restore(mac, m->vlan_proto ? m->vlan_proto :
							    ETH_P_8021Q,
					       m->vlan_tci);
			f->len += VLAN_TAG_LEN;
			f->wire_len += VLAN_TAG_LEN;
			f->flags |= NETRING_FRAME_VLAN_RESTORED;
			if (f->len > x->capacity) {
				f->len = x->capacity;
				f->flags |= NETRING_FRAME_TRUNCATED;
			}
		}
		return;
	}
	/* XDP sees the frame as it was on the wire: a tag the device left
	 * in place is in the bytes, and we only report it. */
	if (f->len < ETH_HLEN + VLAN_TAG_LEN)
		return;
	type = (uint16_t)(mac[12] << 8 | mac[13]);
	if (type == ETH_P_8021Q || type == ETH_P_8021AD) {
		f->vlan_tci = (uint16_t)(mac[14] << 8 | mac[15]);
		f->flags |= NETRING_FRAME_VLAN;
	}
}

/*
 * How many buffers the frame whose first descriptor is `first` spans (1
 * unless it is longer than a slot, with multi-buffer), adding their lengths
 * to *wire; 0 when its last buffer is not in sight.  The kernel publishes
 * a frame's buffers together, so that only happens at a ring's edge in
 * theory; such a frame is left for the next burst.
 */
static inline uint32_t frame_buffers(const struct xdp_desc *descs, uint32_t mask,
				     uint32_t first, uint32_t end, uint32_t *wire)
{
	uint32_t i = first;

	while (descs[i & mask].options & XDP_PKT_CONTD) {
		if (++i == end)
			return 0;
		*wire += descs[i & mask].len;
	}
	return i - first + 1;
}

static unsigned queue_rx(struct xdp_ring *x, unsigned qi,
			 struct netring_frame *f, unsigned max,
			 struct burst_clock *clk)
{
	struct xdp_queue *q = &x->q[qi];
	const struct xdp_desc *descs = q->rx.descs;
	uint32_t avail = rx_available(&q->rx, max);
	uint32_t base = q->rx.cached_cons, used = 0, mask = q->rx.mask;
	uint64_t bytes = 0, wire_bytes = 0;
	unsigned n = 0, truncated = 0;

	while (n < max && used < avail) {
		const struct xdp_desc *d = &descs[(base + used) & mask];
		uint32_t frags = 1, wire = d->len;
		struct netring_frame *v = &f[n];
		struct nr_xsk_meta m;

		if (unlikely(d->options & XDP_PKT_CONTD)) {
			/* Multi-buffer: deliver the first buffer, cut; the
			 * others go back at once. */
			frags = frame_buffers(descs, mask, base + used,
					      base + avail, &wire);
			if (!frags)
				break;
			for (uint32_t k = 1; k < frags; k++)
				fill_stage(x, q, descs[(base + used + k) & mask].addr);
		}

		v->data = q->umem + d->addr;
		v->len = d->len;
		v->wire_len = wire;
		v->ifindex = x->ifindex;
		v->vlan_tci = 0;
		v->flags = 0;
		frame_meta(x, q->umem + d->addr, d->addr, v, clk, &m);
		frame_vlan(x, &m, v);
		if (v->len < v->wire_len) {
			v->flags |= NETRING_FRAME_TRUNCATED;
			truncated++;
		}
		bytes += v->len;
		wire_bytes += v->wire_len;
		x->held[x->held_tail++ & x->held_mask] = (uint64_t)qi << 32 | d->addr;
		used += frags;
		n++;
	}
	if (used) {
		rx_consume(&q->rx, used);
		fill_publish(q);
	}
	x->base.received += n;
	x->base.bytes += bytes;
	x->base.wire_bytes += wire_bytes;
	x->base.truncated += truncated;
	return n;
}

static int xdp_rx_burst(struct netring *r, struct netring_frame *f,
			unsigned max)
{
	struct xdp_ring *x = to_xdp(r);
	struct burst_clock clk = { 0 };
	unsigned n = 0, qi = x->next_q;

	for (unsigned k = 0; k < x->nq && n < max; k++) {
		n += queue_rx(x, qi, f + n, max - n, &clk);
		qi = qi + 1 == x->nq ? 0 : qi + 1;
	}
	x->next_q = x->next_q + 1 == x->nq ? 0 : x->next_q + 1;
	if (n == 0) {
		/* A zero-copy driver that asked for a wake-up gets one here;
		 * copy mode never asks. */
		for (unsigned k = 0; k < x->nq; k++)
			if (unlikely(__atomic_load_n(x->q[k].fill.flags,
						     __ATOMIC_RELAXED) &
				     XDP_RING_NEED_WAKEUP))
				recvfrom(x->q[k].fd, NULL, 0, MSG_DONTWAIT, NULL,
					 NULL);
	}
	return (int)n;
}

static void xdp_rx_release(struct netring *r, unsigned n)
{
	struct xdp_ring *x = to_xdp(r);

	while (n--) {
		uint64_t e = x->held[x->held_head++ & x->held_mask];

		fill_stage(x, &x->q[e >> 32], (uint32_t)e);
	}
	for (unsigned k = 0; k < x->nq; k++)
		fill_publish(&x->q[k]);
}

static bool xdp_rx_ready(struct netring *r)
{
	struct xdp_ring *x = to_xdp(r);

	for (unsigned k = 0; k < x->nq; k++) {
		struct xsk_ring *rx = &x->q[k].rx;

		if (rx->cached_prod != rx->cached_cons ||
		    __atomic_load_n(rx->producer, __ATOMIC_ACQUIRE) !=
			    rx->cached_cons)
			return true;
	}
	return false;
}

/*
 * When the interface is removed the kernel unbinds the sockets and sets
 * their error to ENETDOWN, but poll() reports no POLLERR for an AF_XDP
 * socket: the core asks here before it sleeps.  Reading SO_ERROR clears it,
 * so the answer is kept.
 */
static int xdp_ended(struct netring *r)
{
	struct xdp_ring *x = to_xdp(r);

	for (unsigned k = 0; !x->gone && k < x->nq; k++) {
		int soerr = 0;
		socklen_t len = sizeof(soerr);

		if (getsockopt(x->q[k].fd, SOL_SOCKET, SO_ERROR, &soerr, &len) ||
		    !soerr)
			continue;
		/* The same answer as the packet backend's for a removed
		 * interface (the socket itself only says ENETDOWN). */
		if (nr_link_get(NULL, x->ifindex, NULL, NULL) == -ENODEV)
			x->gone = nr_set_error(r, -ENODEV,
					       "%s: the interface went away",
					       r->info.ifname);
		else
			x->gone = nr_set_error(r, -soerr, "%s: %s", r->info.ifname,
					       strerror(soerr));
	}
	if (!x->gone && nr_xdp_prog_detached(&x->prog))
		x->gone = nr_set_error(r, -ENOLINK,
				       "%s: netring's XDP program was detached by another program; no frame can arrive: unplug and plug again",
				       r->info.ifname);
	return x->gone;
}

static int xdp_stats(struct netring *r, struct netring_backend_stats *st)
{
	struct xdp_ring *x = to_xdp(r);
	uint64_t c[NR_XSK_COUNTERS];
	int rc;

	memset(st, 0, sizeof(*st));
	/* The kernel's counters are per socket, running, never cleared. */
	for (unsigned k = 0; k < x->nq; k++) {
		struct xdp_statistics s;
		socklen_t len = sizeof(s);

		memset(&s, 0, sizeof(s));
		if (getsockopt(x->q[k].fd, SOL_XDP, XDP_STATISTICS, &s, &len) < 0)
			return nr_set_error(r, -errno, "XDP_STATISTICS: %s",
					    strerror(errno));
		st->dropped_ring_full += s.rx_ring_full;
		st->dropped_no_buffer += s.rx_dropped;
		st->xdp_invalid_descs += s.rx_invalid_descs;
		st->xdp_fill_empty += s.rx_fill_ring_empty_descs;
	}
	rc = nr_xdp_prog_counters(&x->prog, c);
	if (rc)
		return nr_set_error(r, rc, "reading the XDP program's counters: %s",
				    strerror(-rc));
	st->xdp_matched = c[NR_XSK_MATCHED];
	st->xdp_passed = c[NR_XSK_PASSED];
	st->dropped_redirect = c[NR_XSK_NO_SOCKET];
	st->kernel_seen = c[NR_XSK_MATCHED] + c[NR_XSK_NO_SOCKET];
	return 0;
}

/* ---- plugging ---------------------------------------------------------- */

static void ring_unmap(struct xsk_ring *ring)
{
	if (ring->map)
		munmap(ring->map, ring->map_len);
	memset(ring, 0, sizeof(*ring));
}

static void queue_close(struct xdp_queue *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	ring_unmap(&q->fill);
	ring_unmap(&q->rx);
	if (q->umem)
		munmap(q->umem, q->umem_len);
	q->umem = NULL;
}

static void xdp_close(struct netring *r)
{
	struct xdp_ring *x = to_xdp(r);

	/* Program off and map entries cleared before any socket closes. */
	nr_xdp_prog_unplug(&x->prog);
	for (unsigned k = 0; x->q && k < x->nq; k++)
		queue_close(&x->q[k]);
	if (x->epoll_fd >= 0)
		close(x->epoll_fd);
	if (x->member_fd >= 0)
		close(x->member_fd);
	free(x->held);
	free(x->q);
	free(x);
}

static int ring_map(int fd, struct xsk_ring *ring, const struct xdp_ring_offset *off,
		    uint32_t entries, size_t desc_size, off_t pgoff, char *err,
		    const char *what)
{
	ring->map_len = off->desc + (size_t)entries * desc_size;
	ring->map = mmap(NULL, ring->map_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, fd, pgoff);
	if (ring->map == MAP_FAILED) {
		ring->map = NULL;
		return nr_fail(err, -errno, "mmap of the %s ring: %s", what,
			       strerror(errno));
	}
	ring->producer = (uint32_t *)((char *)ring->map + off->producer);
	ring->consumer = (uint32_t *)((char *)ring->map + off->consumer);
	ring->flags = (uint32_t *)((char *)ring->map + off->flags);
	ring->descs = (char *)ring->map + off->desc;
	ring->mask = entries - 1;
	ring->cached_prod = *ring->producer;
	ring->cached_cons = *ring->consumer;
	ring->published = ring->cached_prod;
	return 0;
}

static int sockopt_u32(int fd, int name, uint32_t v, char *err, const char *what)
{
	if (setsockopt(fd, SOL_XDP, name, &v, sizeof(v)) < 0)
		return nr_fail(err, -errno, "%s: %s", what, strerror(errno));
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Closing a socket frees its hold on the queue in deferred work: a bind
 * right after a close (ours, or a killed process's) gets EBUSY for some
 * tens of milliseconds.  Retry with a growing pause, within a deadline.
 */
static int bind_retry(int fd, const struct sockaddr_xdp *sxdp)
{
	uint64_t deadline = nr_mono_ns() + BIND_BUSY_DEADLINE_MS * 1000000ull;
	unsigned pause = 1;

	for (;;) {
		if (bind(fd, (const struct sockaddr *)sxdp, sizeof(*sxdp)) == 0)
			return 0;
		if (errno != EBUSY || nr_mono_ns() >= deadline)
			return -errno;
		sleep_ms(pause);
		if (pause < BIND_BACKOFF_MAX_MS)
			pause *= 2;
	}
}

static int queue_open(struct xdp_ring *x, struct xdp_queue *q,
		      const struct netring_plug *pl, uint16_t bind_flags,
		      char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	struct xdp_mmap_offsets off;
	struct xdp_umem_reg reg;
	struct sockaddr_xdp sxdp;
	socklen_t len = sizeof(off);
	int rc;

	q->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (q->fd < 0) {
		rc = -errno;
		if (rc == -EPERM || rc == -EACCES)
			return nr_fail(err, rc,
				       "%s: an AF_XDP socket needs CAP_NET_RAW (run as root)",
				       pl->ifi.name);
		if (rc == -EAFNOSUPPORT)
			return nr_fail(err, -EOPNOTSUPP,
				       "this kernel has no AF_XDP (CONFIG_XDP_SOCKETS)");
		return nr_fail(err, rc, "AF_XDP socket: %s", strerror(-rc));
	}

	q->umem_len = (size_t)cfg->ring_frames * cfg->frame_size;
	q->umem = mmap(NULL, q->umem_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->umem == MAP_FAILED) {
		q->umem = NULL;
		return nr_fail(err, -ENOMEM, "UMEM of %zu bytes: %s", q->umem_len,
			       strerror(errno));
	}
	memset(&reg, 0, sizeof(reg));
	reg.addr = (uint64_t)(uintptr_t)q->umem;
	reg.len = q->umem_len;
	reg.chunk_size = cfg->frame_size;
	reg.headroom = 0; /* XDP_PACKET_HEADROOM is our NETRING_FRAME_HEADROOM */
	if (setsockopt(q->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) < 0) {
		rc = -errno;
		if (rc == -ENOMEM || rc == -ENOBUFS || rc == -EPERM)
			return nr_fail(err, rc,
				       "registering %zu bytes of UMEM: %s (locked memory: raise RLIMIT_MEMLOCK or use CAP_IPC_LOCK)",
				       q->umem_len, strerror(-rc));
		return nr_fail(err, rc, "XDP_UMEM_REG: %s", strerror(-rc));
	}
	rc = sockopt_u32(q->fd, XDP_UMEM_FILL_RING, cfg->ring_frames, err,
			 "XDP_UMEM_FILL_RING");
	if (!rc)
		rc = sockopt_u32(q->fd, XDP_UMEM_COMPLETION_RING,
				 COMPLETION_RING_SIZE, err,
				 "XDP_UMEM_COMPLETION_RING");
	if (!rc)
		rc = sockopt_u32(q->fd, XDP_RX_RING, cfg->ring_frames, err,
				 "XDP_RX_RING");
	if (rc)
		return rc;
	if (getsockopt(q->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len) < 0)
		return nr_fail(err, -errno, "XDP_MMAP_OFFSETS: %s",
			       strerror(errno));
	rc = ring_map(q->fd, &q->fill, &off.fr, cfg->ring_frames,
		      sizeof(uint64_t), XDP_UMEM_PGOFF_FILL_RING, err, "fill");
	if (!rc)
		rc = ring_map(q->fd, &q->rx, &off.rx, cfg->ring_frames,
			      sizeof(struct xdp_desc), XDP_PGOFF_RX_RING, err,
			      "RX");
	if (rc)
		return rc;

	/* Every slot starts on the fill ring. */
	for (uint32_t i = 0; i < cfg->ring_frames; i++)
		fill_stage(x, q, (uint64_t)i * cfg->frame_size);
	fill_publish(q);

	memset(&sxdp, 0, sizeof(sxdp));
	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_flags = bind_flags;
	sxdp.sxdp_ifindex = pl->ifi.ifindex;
	sxdp.sxdp_queue_id = q->id;
	rc = bind_retry(q->fd, &sxdp);
	if (rc == -EBUSY)
		return nr_fail(err, rc,
			       "%s: queue %u is in use by another AF_XDP socket",
			       pl->ifi.name, q->id);
	if (rc == -ENODEV || rc == -ENXIO)
		return nr_fail(err, -ENODEV, "%s: no such interface", pl->ifi.name);
	if (rc)
		return nr_fail(err, rc, "%s: bind of queue %u%s: %s", pl->ifi.name,
			       q->id,
			       (bind_flags & XDP_ZEROCOPY) ? " in zero-copy mode" : "",
			       strerror(-rc));
	return 0;
}

/*
 * Bind queue q, choosing the flags: multi-buffer if the kernel has it,
 * zero-copy if the driver does (or as the config forces).  A refused bind
 * may leave the socket unusable, so each try starts from a new socket.
 */
static int queue_open_auto(struct xdp_ring *x, struct xdp_queue *q,
			   const struct netring_plug *pl, uint16_t *flags,
			   char *err)
{
	int rc = queue_open(x, q, pl, *flags, err);

	if (rc && rc != -EBUSY && (*flags & XDP_USE_SG)) {
		/* Before 6.6 (EINVAL), or a zero-copy driver without
		 * multi-buffer (EOPNOTSUPP): without, oversize is dropped. */
		queue_close(q);
		*flags &= (uint16_t)~XDP_USE_SG;
		rc = queue_open(x, q, pl, *flags, err);
	}
	return rc;
}

static bool is_zerocopy(int fd)
{
	struct xdp_options opt = { 0 };
	socklen_t len = sizeof(opt);

	return getsockopt(fd, SOL_XDP, XDP_OPTIONS, &opt, &len) == 0 &&
	       (opt.flags & XDP_OPTIONS_ZEROCOPY);
}

static int match_check(const struct netring_match *m, char *err)
{
	const uint32_t known = NETRING_MATCH_DST_MAC | NETRING_MATCH_ETHERTYPE |
			       NETRING_MATCH_IP_PROTO | NETRING_MATCH_DST_PORT |
			       NETRING_MATCH_ARP_FOR;

	if (m->fields & ~known)
		return nr_fail(err, -EINVAL, "match: unknown fields 0x%x",
			       m->fields & ~known);
	if (m->reserved[0] || m->reserved[1] || m->reserved[2])
		return nr_fail(err, -EINVAL, "match: reserved bytes must be zero");
	if ((m->fields & NETRING_MATCH_DST_MAC) &&
	    (m->mac_count < 1 || m->mac_count > NETRING_MATCH_MACS_MAX))
		return nr_fail(err, -EINVAL,
			       "match: %u destination MACs; from 1 to %d",
			       m->mac_count, NETRING_MATCH_MACS_MAX);
	if ((m->fields & NETRING_MATCH_DST_MAC)) {
		for (unsigned i = 0; i < m->mac_count; i++)
			if (m->macs[i][0] & 1)
				return nr_fail(err, -EINVAL,
					       "match: %02x:%02x:%02x:%02x:%02x:%02x is a group address; only unicast destinations can be taken",
					       m->macs[i][0], m->macs[i][1],
					       m->macs[i][2], m->macs[i][3],
					       m->macs[i][4], m->macs[i][5]);
	}
	if ((m->fields & NETRING_MATCH_DST_PORT) &&
	    (m->fields & NETRING_MATCH_IP_PROTO) && m->ip_proto != 6 &&
	    m->ip_proto != 17)
		return nr_fail(err, -EINVAL,
			       "match: a destination port needs UDP (17) or TCP (6), not IP protocol %u",
			       m->ip_proto);
	return 0;
}

/*
 * The RX queues a socket can bind.  rtnetlink's count is what the device
 * allocated (a veth allocates one per CPU and uses one); the driver's
 * channels say how many are in use.  Drivers without channels: rtnetlink.
 */
static uint32_t rx_queues_in_use(const struct netring_plug *pl)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	uint32_t n = 0;
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", pl->ifi.name);
		ifr.ifr_data = (void *)&ch;
		if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
			n = ch.combined_count + ch.rx_count;
		close(fd);
	}
	if (!n)
		n = pl->ifi.rx_queues;
	return n ? n : 1;
}

static int config_check(const struct netring_plug *pl, uint32_t rxq, char *err)
{
	const struct netring_config *cfg = &pl->cfg;

	if (cfg->mode != NETRING_MODE_TAKE)
		return nr_fail(err, -EOPNOTSUPP,
			       "%s: AF_XDP takes frames from the host (take mode); to watch them, use the packet backend",
			       pl->ifi.name);
	if (cfg->frame_size != 2048 && cfg->frame_size != 4096)
		return nr_fail(err, -EINVAL,
			       "frame size %u: AF_XDP takes 2048 or 4096", cfg->frame_size);
	if (cfg->flags & NETRING_CF_OUTGOING)
		return nr_fail(err, -EOPNOTSUPP,
			       "%s: XDP sees received frames only; outgoing frames need the packet backend",
			       pl->ifi.name);
	if (cfg->xdp_attach > NETRING_XDP_ATTACH_GENERIC)
		return nr_fail(err, -EINVAL, "config: unknown XDP attach mode %u",
			       cfg->xdp_attach);
	if (cfg->xdp_bind > NETRING_XDP_BIND_COPY)
		return nr_fail(err, -EINVAL, "config: unknown XDP bind mode %u",
			       cfg->xdp_bind);
	if (cfg->queue >= 0 && (uint32_t)cfg->queue >= rxq)
		return nr_fail(err, -EINVAL, "%s has %u RX queue%s; there is no queue %d",
			       pl->ifi.name, rxq, rxq == 1 ? "" : "s", cfg->queue);
	return match_check(&cfg->match, err);
}

/*
 * What the device must accept for the ring: everything (promiscuous), and
 * the destination MACs of the match, which a NIC would otherwise filter out
 * before XDP sees them.  Memberships of an AF_PACKET socket, not
 * IFF_PROMISC or a new address: the kernel counts them and takes them back
 * when the socket closes, even if we are killed.  Protocol 0: the socket
 * itself never receives.
 */
static int memberships_add(struct xdp_ring *x, const struct netring_plug *pl,
			   char *err)
{
	const struct netring_match *m = &pl->cfg.match;
	bool promisc = pl->cfg.flags & NETRING_CF_PROMISC;
	unsigned macs = (m->fields & NETRING_MATCH_DST_MAC) ? m->mac_count : 0;

	if (!promisc && !macs)
		return 0;
	x->member_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (x->member_fd < 0)
		return nr_fail(err, -errno, "%s: AF_PACKET socket for memberships: %s",
			       pl->ifi.name, strerror(errno));
	for (unsigned i = 0; i < macs + promisc; i++) {
		struct packet_mreq mr = { .mr_ifindex = (int)pl->ifi.ifindex };

		if (i < macs) {
			if (!memcmp(m->macs[i], pl->ifi.mac, ETH_ALEN))
				continue; /* the device's own address */
			mr.mr_type = PACKET_MR_UNICAST;
			mr.mr_alen = ETH_ALEN;
			memcpy(mr.mr_address, m->macs[i], ETH_ALEN);
		} else {
			mr.mr_type = PACKET_MR_PROMISC;
		}
		if (setsockopt(x->member_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP,
			       &mr, sizeof(mr)) < 0)
			return nr_fail(err, -errno, "%s: %s: %s", pl->ifi.name,
				       i < macs ? "accepting a matched MAC" :
						  "promiscuous mode",
				       strerror(errno));
	}
	return 0;
}

static int poll_fd_setup(struct xdp_ring *x, char *err)
{
	if (x->nq == 1) {
		x->base.fd = x->q[0].fd;
		return 0;
	}
	x->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (x->epoll_fd < 0)
		return nr_fail(err, -errno, "epoll_create1: %s", strerror(errno));
	for (unsigned k = 0; k < x->nq; k++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = k };

		if (epoll_ctl(x->epoll_fd, EPOLL_CTL_ADD, x->q[k].fd, &ev) < 0)
			return nr_fail(err, -errno, "epoll_ctl: %s", strerror(errno));
	}
	x->base.fd = x->epoll_fd;
	return 0;
}

static uint32_t pow2_at_least(uint64_t v)
{
	uint32_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static void describe(struct xdp_ring *x, const struct netring_plug *pl,
		     bool zc, bool sg)
{
	struct netring_info *info = &x->base.info;
	const char *stamps = x->prog.kfuncs ? "device, else kernel" :
			     x->prog.tai    ? "kernel" :
					      "burst";

	info->queues = x->nq;
	if (zc)
		info->flags |= NETRING_INFO_XDP_ZEROCOPY;
	info->flags |= x->prog.attached == NETRING_XDP_ATTACH_NATIVE ?
			       NETRING_INFO_XDP_NATIVE :
			       NETRING_INFO_XDP_GENERIC;
	if (sg)
		info->flags |= NETRING_INFO_XDP_MULTIBUF;
	if (x->prog.kfuncs || x->prog.tai)
		info->flags |= NETRING_INFO_XDP_META_TIMESTAMP;
	if (x->prog.kfuncs)
		info->flags |= NETRING_INFO_XDP_META_VLAN;
	snprintf(info->detail, sizeof(info->detail),
		 "AF_XDP %s, %s XDP, %u queue%s of %u slots, %s, stamps: %s",
		 zc ? "zero-copy" : "copy",
		 x->prog.attached == NETRING_XDP_ATTACH_NATIVE ? "native" : "generic",
		 x->nq, x->nq == 1 ? "" : "s", pl->cfg.ring_frames,
		 sg ? "multi-buffer" : "oversize dropped", stamps);
}

static int xdp_open(const struct netring_plug *pl, struct netring **rp,
		    char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	struct nr_xdp_prog_req req;
	struct xdp_ring *x;
	uint16_t flags = XDP_USE_NEED_WAKEUP | XDP_USE_SG;
	int *fds = NULL;
	uint32_t *qids = NULL;
	uint32_t rxq = rx_queues_in_use(pl);
	bool zc;
	int rc;

	rc = config_check(pl, rxq, err);
	if (rc)
		return rc;

	x = calloc(1, sizeof(*x));
	if (!x)
		return nr_fail(err, -ENOMEM, "out of memory");
	x->base.ops = &netring_xdp_ops;
	x->base.fd = -1;
	x->base.break_fd = -1;
	x->member_fd = -1;
	x->epoll_fd = -1;
	x->prog = (struct nr_xdp_prog)NR_XDP_PROG_INIT;
	x->frame_size = cfg->frame_size;
	x->chunk_mask = cfg->frame_size - 1;
	x->capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	x->ifindex = pl->ifi.ifindex;
	x->vlan_restore = !(cfg->flags & NETRING_CF_NO_VLAN_RESTORE);
	x->nq = cfg->queue == NETRING_QUEUE_ALL ? rxq : 1;

	x->q = calloc(x->nq, sizeof(*x->q));
	for (unsigned k = 0; x->q && k < x->nq; k++) {
		x->q[k].fd = -1; /* before any failure: close() walks them */
		x->q[k].id = cfg->queue == NETRING_QUEUE_ALL ? k :
							       (uint32_t)cfg->queue;
	}
	x->held_mask = pow2_at_least((uint64_t)x->nq * cfg->ring_frames) - 1;
	x->held = calloc((size_t)x->held_mask + 1, sizeof(*x->held));
	fds = calloc(x->nq, sizeof(*fds));
	qids = calloc(x->nq, sizeof(*qids));
	if (!x->q || !x->held || !fds || !qids) {
		rc = nr_fail(err, -ENOMEM, "out of memory");
		goto fail;
	}
	rc = memberships_add(x, pl, err);
	if (rc)
		goto fail;

	/* Refuse early (and quickly) when the interface is taken: binding
	 * first would wait out the queue of a live ring. */
	memset(&req, 0, sizeof(req));
	req.ifname = pl->ifi.name;
	req.ifindex = pl->ifi.ifindex;
	rc = nr_xdp_prog_clear_way(&req, x->base.info.note,
				   sizeof(x->base.info.note), err);
	if (rc)
		goto fail;

	if (cfg->xdp_bind == NETRING_XDP_BIND_ZEROCOPY)
		flags |= XDP_ZEROCOPY;
	else if (cfg->xdp_bind == NETRING_XDP_BIND_COPY)
		flags |= XDP_COPY;
	/* AUTO passes neither: the kernel tries zero-copy and falls back to
	 * copy by itself; XDP_OPTIONS tells which it chose. */
	for (unsigned k = 0; k < x->nq; k++) {
		rc = queue_open_auto(x, &x->q[k], pl, &flags, err);
		if (rc)
			goto fail;
		fds[k] = x->q[k].fd;
		qids[k] = x->q[k].id;
	}
	zc = is_zerocopy(x->q[0].fd);
	rc = poll_fd_setup(x, err);
	if (rc)
		goto fail;

	req.match = &cfg->match;
	req.attach = (enum netring_xdp_attach)cfg->xdp_attach;
	req.all_queues = cfg->queue == NETRING_QUEUE_ALL;
	req.queue = req.all_queues ? 0 : (uint32_t)cfg->queue;
	/* An entry for every queue the device has allocated: with all queues
	 * plugged, a frame on a queue that has no socket (the device grew
	 * queues since) is counted as a failed redirect. */
	req.map_entries = pl->ifi.rx_queues > x->q[x->nq - 1].id + 1 ?
				  pl->ifi.rx_queues :
				  x->q[x->nq - 1].id + 1;
	req.xsk_fds = fds;
	req.xsk_queues = qids;
	req.nxsk = x->nq;
	rc = nr_xdp_prog_plug(&x->prog, &req, x->base.info.note,
			      sizeof(x->base.info.note), err);
	if (rc)
		goto fail;

	describe(x, pl, zc, flags & XDP_USE_SG);
	free(fds);
	free(qids);
	*rp = &x->base;
	return 0;
fail:
	free(fds);
	free(qids);
	xdp_close(&x->base);
	return rc;
}

const struct netring_ops netring_xdp_ops = {
	.name = "xdp",
	.open = xdp_open,
	.close = xdp_close,
	.rx_burst = xdp_rx_burst,
	.rx_release = xdp_rx_release,
	.rx_ready = xdp_rx_ready,
	.stats = xdp_stats,
	.ended = xdp_ended,
};
