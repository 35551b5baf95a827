// SPDX-License-Identifier: MIT
/*
 * backend_xdp.c - AF_XDP: an XDP program (xdp_prog.c) redirects the frames
 * a ring asked for into AF_XDP sockets, one per RX queue.  Views point into
 * UMEM; received descriptors stay in the RX ring until released, and a
 * release copies their addresses straight into the fill ring.  Transmit
 * goes out on the first queue's socket; one chunk allocator per UMEM feeds
 * both the fill ring and transmit, and two rings may share a UMEM
 * (XDP_SHARED_UMEM) so that forwarding between them copies nothing.
 */
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/membarrier.h>
#include <linux/net_tstamp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "netring_int.h"
#include "xdp_audit.h"
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
/* Bind wants a completion ring on every socket; queues that never
 * transmit get the smallest, and a TX-only socket the smallest fill ring
 * (bind refuses a socket without both: xsk_validate_queues()). */
#define SPARE_RING_SIZE 64
#define BIND_BUSY_DEADLINE_MS 2000
#define BIND_BACKOFF_MAX_MS 64
/* Refresh the CLOCK_TAI - CLOCK_REALTIME offset this often (bursts): it
 * changes only when the kernel's TAI offset is set (leap seconds). */
#define TAI_REFRESH_BURSTS 1024
/* How often netring_wait() asks whether the sockets lost their interface
 * or the program its link (two system calls): at most this often, so that
 * a receiver that sleeps after every burst does not pay them each time. */
#define ENDED_CHECK_NS 10000000ull
/* On close of a ring whose UMEM another ring still uses: how long to wait
 * for the kernel to complete what it took from the TX ring. */
#define CLOSE_DRAIN_MS 100

/* Our side of one ring the kernel shares with us. */
struct xsk_ring {
	uint32_t *producer;
	uint32_t *consumer;
	uint32_t *flags;
	void *descs;
	uint32_t mask;
	/* Our copy of both indices: the common case touches no line the
	 * kernel writes.  Producer rings: cached_prod is ours (published
	 * on submit).  Consumer rings: cached_cons is what we gave back. */
	uint32_t cached_prod;
	uint32_t cached_cons;
	void *map;
	size_t map_len;
};

struct xdp_ring;

/*
 * One registered UMEM and its one chunk allocator.  Every chunk is in
 * exactly one place: the free stack, a fill ring, the kernel (between fill
 * and RX, or between TX and completion), an RX ring (held or not), a
 * reserved transmit slot, a TX ring, a completion ring, or retired (see
 * below).  nr_xdp_audit() counts them.
 *
 * Lifetime: rings that share a UMEM hold a reference each; the mapping
 * and the allocator go when the last one closes, whatever the order.  A
 * ring that closes while others still use the UMEM gives its chunks back
 * by reading its own rings (after its program is off and an RCU grace
 * period, so the kernel writes none of them any more); chunks the kernel
 * holds inside a socket (a dropped frame's buffer) cannot be named and
 * are retired: never handed out again, counted in the audit.
 */
struct xdp_umem {
	unsigned refs;
	uint8_t *area;
	size_t len;
	uint32_t chunk_size;
	uint64_t base_mask; /* ~(chunk_size - 1): an address's chunk */
	uint32_t chunk_shift;
	uint32_t nchunks;
	uint64_t *free; /* stack of chunk addresses */
	uint32_t nfree;
	uint32_t unclaimed; /* chunks no ring has claimed (for a sharer) */
	uint32_t retired;
	uint32_t *tx_len; /* per chunk: bytes queued to send */
	struct xdp_queue *users; /* list of queues on this UMEM (audit) */
};

struct xdp_queue {
	int fd;
	uint32_t id;
	struct xdp_umem *umem;
	struct xdp_queue *next_user;
	uint32_t claimed; /* chunks claimed from umem->unclaimed */
	uint32_t rx_given; /* chunks put on the fill ring at plug: the RX side's */
	struct xdp_ring *ring;
	struct xsk_ring fill;
	struct xsk_ring rx;
	/* RX descriptors [rx.cached_cons, rx_taken) are held by the
	 * application; rx_extra of them are continuation buffers of frames
	 * longer than a slot. */
	uint32_t rx_taken;
	uint32_t rx_extra;
	uint32_t fwd_hint; /* where the last forwarded frame was found */
	/* Transmit (queue 0 only). */
	struct xsk_ring tx;
	struct xsk_ring comp;
	uint32_t tx_frames;
	uint32_t tx_out;    /* reserved + queued and not completed */
	uint32_t tx_fail_pending; /* drops the next completions stand for */
	uint64_t *tx_resv;  /* chunks of the reserved slots */
	uint32_t nresv;
};

struct xdp_ring {
	struct netring base;
	struct xdp_queue *q;
	unsigned nq;
	unsigned next_q; /* where the next burst starts: no queue starves */
	uint32_t frame_size;
	uint32_t capacity;   /* longest frame delivered whole */
	uint32_t ifindex;
	bool vlan_restore;
	bool tx_only;
	bool zerocopy;
	bool hw_stamps; /* the device stamps received frames */
	bool meta_fast;      /* records come with every frame */
	uint32_t meta_plain; /* their flags for a plain frame: TS_TAI or 0 */
	bool no_record; /* the program writes none: tags are in the bytes */
	/* Bytes in front of the frame in each first buffer: the program's
	 * record when it is written in the head (record_in_head), else 0.
	 * The record is in front of the frame either way. */
	uint32_t meta_skip;
	bool tx_down;   /* a kick found the interface down: check it again */
	int member_fd;  /* AF_PACKET socket holding promiscuous/MAC memberships */
	int gone;       /* -errno once the interface went away, else 0 */
	int epoll_fd;   /* several queues: readable when any socket is */
	const volatile uint32_t *meta_missing;
	int64_t tai_minus_rt; /* CLOCK_TAI - CLOCK_REALTIME, whole seconds */
	uint32_t tai_age;     /* bursts since it was read */
	uint64_t tx_invalid_seen; /* kernel's tx_invalid_descs, last read */
	uint64_t ended_checked_ns; /* xdp_ended() last asked the kernel */
	/*
	 * Several queues: held frames, oldest first, as runs of frames taken
	 * from one queue, so that release(n) knows which RX ring each comes
	 * from.  Room for one run per held frame: it cannot overflow.
	 */
	struct held_run {
		uint32_t q;
		uint32_t n;
	} *runs;
	uint32_t runs_mask;
	uint32_t runs_head; /* oldest */
	uint32_t runs_tail;
	struct nr_xdp_prog prog;
};

static inline struct xdp_ring *to_xdp(struct netring *r)
{
	return container_of(r, struct xdp_ring, base);
}

static const uint32_t meta_present; /* for rings with no program */
static const uint32_t meta_absent = 1; /* a program that writes no record */

/* ---- receive ----------------------------------------------------------- */

static int64_t tai_offset_read(void)
{
	struct timespec rt, ta;
	int64_t d;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_TAI, &ta);
	d = (int64_t)(ta.tv_sec - rt.tv_sec) * 1000000000 +
	    (ta.tv_nsec - rt.tv_nsec);
	/* The kernel's TAI offset is whole seconds: round away the time
	 * between the two reads. */
	return (d >= 0 ? d + 500000000 : d - 500000000) / 1000000000 *
	       1000000000;
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

/*
 * Everything but the common case, for one frame whose first descriptor is
 * at index `at`: a frame in several buffers (multi-buffer), a record
 * without a TAI stamp or with a VLAN tag, no record at all.  Returns the
 * number of descriptors the frame spans, 0 when its last buffer is not in
 * sight yet (the kernel publishes a frame's buffers together, so only at
 * a ring's edge in theory: the frame waits for the next burst).
 */
static __attribute__((noinline)) uint32_t
frame_slow(struct xdp_ring *x, struct xdp_queue *q, uint32_t at, uint32_t end,
	   struct netring_frame *v, uint64_t *now)
{
	const struct xdp_desc *descs = q->rx.descs;
	const struct xdp_desc *d = &descs[at & q->rx.mask];
	uint8_t *data = q->umem->area + d->addr + x->meta_skip;
	const uint32_t len = d->len - x->meta_skip;
	uint32_t frags = 1, wire = len, flags = 0, mflags = 0;
	struct nr_xsk_meta m = { 0 };

	for (uint32_t i = at; descs[i & q->rx.mask].options & XDP_PKT_CONTD;) {
		if (++i == end)
			return 0;
		wire += descs[i & q->rx.mask].len;
		frags++;
	}
	if (likely(!*x->meta_missing)) {
		memcpy(&m, data - sizeof(m), sizeof(m));
		mflags = m.flags;
	}
	v->data = data;
	v->len = len;
	v->wire_len = wire;
	v->ifindex = x->ifindex;
	v->vlan_tci = 0;
	if (mflags & NR_XSK_META_TS_HW) {
		v->ts_ns = m.ts;
		flags |= NETRING_FRAME_TS_HARDWARE;
	} else if (mflags & NR_XSK_META_TS_TAI) {
		v->ts_ns = m.ts - (uint64_t)x->tai_minus_rt;
		flags |= NETRING_FRAME_TS_SOFTWARE;
	} else {
		if (!*now)
			*now = nr_now_ns();
		v->ts_ns = *now;
		flags |= NETRING_FRAME_TS_BURST;
	}
	if (mflags & NR_XSK_META_VLAN) {
		v->vlan_tci = m.vlan_tci;
		flags |= NETRING_FRAME_VLAN;
		if (x->vlan_restore && v->len >= 2 * ETH_ALEN) {
			v->data = vlan_restore(data, m.vlan_proto ? m.vlan_proto :
								    ETH_P_8021Q,
					       m.vlan_tci);
			v->len += VLAN_TAG_LEN;
			v->wire_len += VLAN_TAG_LEN;
			flags |= NETRING_FRAME_VLAN_RESTORED;
			if (v->len > x->capacity)
				v->len = x->capacity;
		}
	} else if (mflags & NR_XSK_META_VLAN_INBAND) {
		v->vlan_tci = m.vlan_tci;
		flags |= NETRING_FRAME_VLAN;
	} else if (*x->meta_missing && v->len >= ETH_HLEN + VLAN_TAG_LEN) {
		/* No record: read the tag from the bytes ourselves. */
		uint16_t type = (uint16_t)(data[12] << 8 | data[13]);

		if (type == ETH_P_8021Q || type == ETH_P_8021AD) {
			v->vlan_tci = (uint16_t)(data[14] << 8 | data[15]);
			flags |= NETRING_FRAME_VLAN;
		}
	}
	if (v->len < v->wire_len) {
		flags |= NETRING_FRAME_TRUNCATED;
		x->base.truncated++;
	}
	v->flags = (uint16_t)flags;
	/* The common path counts len as wire bytes too: add the rest. */
	x->base.wire_bytes += v->wire_len - v->len;
	if (frags > 1)
		q->rx_extra += frags - 1;
	return frags;
}

/*
 * The view of a frame in the common case, written as four 8-byte stores:
 * len and wire_len are one word, ifindex, vlan_tci and flags another.
 */
_Static_assert(offsetof(struct netring_frame, wire_len) ==
		       offsetof(struct netring_frame, len) + 4 &&
	       offsetof(struct netring_frame, vlan_tci) ==
		       offsetof(struct netring_frame, ifindex) + 4 &&
	       offsetof(struct netring_frame, flags) ==
		       offsetof(struct netring_frame, ifindex) + 6,
	       "struct netring_frame layout");
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the view stores below assume little-endian words"
#endif

/* The common-case loop applies: records come with every frame (and the
 * driver kept room for them), or the program writes none. */
static inline bool rx_fast(const struct xdp_ring *x)
{
	return x->no_record || (x->meta_fast && !*x->meta_missing);
}

/*
 * Take up to max frames from queue q.  The common case - one buffer, a
 * record with the plain flags (a TAI stamp, or with per-burst stamps
 * none) or no record, and no tag - reads the descriptor and the record's words and
 * writes the view once; nothing is copied and the RX ring is not
 * advanced: release does that.  Anything else goes through frame_slow(),
 * one frame at a time.
 */
/*
 * The common-case loop: plain frames (one buffer, the record's flags equal
 * to `plain` - or with `no_record`, no tag in the bytes), each view
 * written as four 8-byte stores.  Inlined three times with `kernel_ts`
 * and `no_record` constant, so per frame there is no test of the mode: a
 * kernel stamp is the record's TAI stamp minus `base` (TAI - realtime); a
 * burst stamp is `base` itself.  Stops at the first frame that is not
 * plain.
 */
static inline __attribute__((always_inline)) struct netring_frame *
fast_run(const struct xdp_desc *descs, uint32_t mask, const uint8_t *area,
	 struct netring_frame *v, struct netring_frame *vend, uint32_t *atp,
	 uint64_t *bytesp, uint32_t plain, uint64_t base, uint64_t tail,
	 uint32_t skip, const bool kernel_ts, const bool no_record)
{
	uint32_t at = *atp;
	uint64_t bytes = *bytesp;

	for (; v != vend; v++, at++) {
		const struct xdp_desc *d = &descs[at & mask];
		const uint8_t *data = area + d->addr;
		const uint32_t len = d->len - skip;
		uint64_t lens = len | (uint64_t)len << 32, ts;
		uint32_t odd;

		if (no_record) {
			/* A tag is in the bytes (the program put back one
			 * the device stripped): EtherType 0x8100 or 0x88a8.
			 * Read as little-endian words (0x0081, 0xa888) both
			 * agree on the bits of 0x57f6, so one test finds
			 * them; the few other EtherTypes it finds (none in
			 * common use) take the slow path, which reads the
			 * type exactly. */
			uint16_t type;

			memcpy(&type, data + 12, sizeof(type));
			/* Two branches: cheaper here than one on a sum. */
			if (unlikely((type & 0x57f6) == 0x0080))
				break;
			odd = 0;
		} else {
			uint32_t mflags;

			memcpy(&mflags, data - sizeof(mflags), sizeof(mflags));
			odd = mflags ^ plain;
		}
		if (unlikely(odd | (d->options & XDP_PKT_CONTD)))
			break;
		if (kernel_ts) {
			memcpy(&ts, data - sizeof(struct nr_xsk_meta), sizeof(ts));
			ts -= base;
		} else {
			ts = base;
		}
		v->data = data;
		memcpy(&v->len, &lens, sizeof(lens));
		v->ts_ns = ts;
		memcpy(&v->ifindex, &tail, sizeof(tail));
		bytes += len;
	}
	*atp = at;
	*bytesp = bytes;
	return v;
}

static inline unsigned queue_rx(struct xdp_ring *x, struct xdp_queue *q,
				struct netring_frame *f, unsigned max,
				uint64_t *now)
{
	const struct xdp_desc *descs = q->rx.descs;
	/* Offset by the bytes in front of each frame: area + addr is the
	 * frame's first byte. */
	const uint32_t skip = x->meta_skip;
	const uint8_t *area = q->umem->area + skip;
	const uint32_t mask = q->rx.mask;
	const uint32_t plain = x->meta_plain;
	const uint64_t tail = x->ifindex |
			      (uint64_t)(plain ? NETRING_FRAME_TS_SOFTWARE :
						 NETRING_FRAME_TS_BURST) << 48;
	uint32_t at = q->rx_taken, end = q->rx.cached_prod;
	struct netring_frame *v = f, *vend;
	uint64_t bytes = 0;
	unsigned n;
	bool fast;

	if (end - at < max) {
		/* Pairs with the kernel's store-release of the producer
		 * after it wrote the descriptors (and the records). */
		end = q->rx.cached_prod =
			__atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE);
	}
	vend = f + (end - at < max ? end - at : max);
	fast = rx_fast(x);
	/* Burst stamps: one clock read for the burst, the value
	 * frame_slow() gives its frames too. */
	if (!plain && fast && v != vend && !*now)
		*now = nr_now_ns();
	while (v != vend) {
		if (fast)
			v = plain ? fast_run(descs, mask, area, v, vend, &at,
					     &bytes, plain,
					     (uint64_t)x->tai_minus_rt, tail,
					     skip, true, false) :
			    x->no_record ?
				    fast_run(descs, mask, area, v, vend, &at,
					     &bytes, 0, *now, tail, 0, false,
					     true) :
				    fast_run(descs, mask, area, v, vend, &at,
					     &bytes, 0, *now, tail, skip,
					     false, false);
		while (v != vend) {
			uint32_t frags = frame_slow(x, q, at, end, v, now);

			if (!frags) {
				vend = v;
				break;
			}
			bytes += v->len;
			at += frags;
			v++;
			/* Buffers of one frame: fewer frames may be left. */
			if (frags > 1 && (uint32_t)(vend - v) > end - at)
				vend = v + (end - at);
			fast = rx_fast(x);
			if (fast)
				break; /* back to the common case */
		}
	}
	n = (unsigned)(v - f);
	q->rx_taken = at;
	x->base.received += n;
	x->base.bytes += bytes;
	x->base.wire_bytes += bytes;
	return n;
}

static inline void fill_kick(struct xdp_queue *q)
{
	if (unlikely(__atomic_load_n(q->fill.flags, __ATOMIC_RELAXED) &
		     XDP_RING_NEED_WAKEUP))
		recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

static void tai_refresh(struct xdp_ring *x)
{
	x->tai_age = 0;
	x->tai_minus_rt = tai_offset_read();
}

static void runs_add(struct xdp_ring *x, uint32_t qi, uint32_t n)
{
	struct held_run *last = &x->runs[(x->runs_tail - 1) & x->runs_mask];

	if (x->runs_tail != x->runs_head && last->q == qi) {
		last->n += n;
		return;
	}
	x->runs[x->runs_tail++ & x->runs_mask] = (struct held_run){ qi, n };
}

static int xdp_rx_burst(struct netring *r, struct netring_frame *f,
			unsigned max)
{
	struct xdp_ring *x = to_xdp(r);
	uint64_t now = 0;
	unsigned n;

	if (unlikely(++x->tai_age >= TAI_REFRESH_BURSTS)) {
		if (x->tx_only) { /* no RX ring: nothing ever arrives */
			x->tai_age = TAI_REFRESH_BURSTS;
			return 0;
		}
		tai_refresh(x);
	}
	if (likely(x->nq == 1)) {
		n = queue_rx(x, &x->q[0], f, max, &now);
		if (unlikely(!n))
			fill_kick(&x->q[0]);
		return (int)n;
	}
	n = 0;
	for (unsigned k = 0, qi = x->next_q; k < x->nq && n < max; k++) {
		unsigned got = queue_rx(x, &x->q[qi], f + n, max - n, &now);

		if (got)
			runs_add(x, qi, got);
		n += got;
		qi = qi + 1 == x->nq ? 0 : qi + 1;
	}
	x->next_q = x->next_q + 1 == x->nq ? 0 : x->next_q + 1;
	if (n == 0)
		/* A zero-copy driver that asked for a wake-up gets one here;
		 * copy mode never asks. */
		for (unsigned k = 0; k < x->nq; k++)
			fill_kick(&x->q[k]);
	return (int)n;
}

/*
 * Give back the n oldest frames held on queue q: their RX descriptors'
 * addresses go straight into the fill ring (it has room: a queue has as
 * many fill entries as RX chunks), then both rings advance.
 */
static inline void queue_release(struct xdp_queue *q, uint32_t n)
{
	const struct xdp_desc *descs = q->rx.descs;
	uint64_t *fill = q->fill.descs;
	uint32_t c = q->rx.cached_cons, p = q->fill.cached_prod;

	if (likely(!q->rx_extra)) {
		/* In runs that wrap neither ring.  The kernel takes a fill
		 * address anywhere in a chunk (aligned mode masks it), so the
		 * RX address goes back as it is. */
		while (n) {
			uint32_t ci = c & q->rx.mask, pi = p & q->fill.mask;
			uint32_t run = n;
			const struct xdp_desc *d = &descs[ci];
			uint64_t *o = &fill[pi];

			if (run > q->rx.mask + 1 - ci)
				run = q->rx.mask + 1 - ci;
			if (run > q->fill.mask + 1 - pi)
				run = q->fill.mask + 1 - pi;
			for (uint32_t i = 0; i < run; i++)
				o[i] = d[i].addr;
			c += run;
			p += run;
			n -= run;
		}
	} else {
		/* Frames in several buffers: each buffer goes back. */
		while (n) {
			const struct xdp_desc *d = &descs[c++ & q->rx.mask];

			fill[p++ & q->fill.mask] = d->addr;
			if (d->options & XDP_PKT_CONTD)
				q->rx_extra--;
			else
				n--;
		}
	}
	q->rx.cached_cons = c;
	q->fill.cached_prod = p;
	/* The fill entries written above are visible before the kernel sees
	 * the new producer (it reads them after loading the producer). */
	__atomic_store_n(q->fill.producer, p, __ATOMIC_RELEASE);
	/* Our reads of the RX descriptors happen before the kernel may
	 * reuse their entries (it reads the consumer before writing). */
	__atomic_store_n(q->rx.consumer, c, __ATOMIC_RELEASE);
	fill_kick(q);
}

static void xdp_rx_release(struct netring *r, unsigned n)
{
	struct xdp_ring *x = to_xdp(r);

	if (likely(x->nq == 1)) {
		queue_release(&x->q[0], n);
		return;
	}
	while (n) {
		struct held_run *run = &x->runs[x->runs_head & x->runs_mask];
		uint32_t k = run->n < n ? run->n : n;

		queue_release(&x->q[run->q], k);
		run->n -= k;
		n -= k;
		if (!run->n)
			x->runs_head++;
	}
}

static bool xdp_rx_ready(struct netring *r)
{
	struct xdp_ring *x = to_xdp(r);

	for (unsigned k = 0; !x->tx_only && k < x->nq; k++) {
		struct xdp_queue *q = &x->q[k];

		if (q->rx.cached_prod != q->rx_taken ||
		    __atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE) !=
			    q->rx_taken)
			return true;
	}
	return false;
}

/*
 * When the interface is removed the kernel unbinds the sockets and sets
 * their error to ENETDOWN, but poll() reports no POLLERR for an AF_XDP
 * socket: the core asks here before it sleeps (at most every
 * ENDED_CHECK_NS, so a sleep that starts right after a check may wait out
 * its timeout before the next one).  Reading SO_ERROR clears it, so the
 * answer is kept.
 */
static int xdp_ended(struct netring *r)
{
	struct xdp_ring *x = to_xdp(r);
	uint64_t now;

	if (x->gone)
		return x->gone;
	now = nr_mono_ns();
	if (now - x->ended_checked_ns < ENDED_CHECK_NS)
		return 0;
	x->ended_checked_ns = now;
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
	if (!x->gone && !x->tx_only && nr_xdp_prog_detached(&x->prog))
		x->gone = nr_set_error(r, -ENOLINK,
				       "%s: netring's XDP program was detached by another program; no frame can arrive: unplug and plug again",
				       r->info.ifname);
	if (x->gone == -ENODEV)
		r->gone = x->gone;
	return x->gone;
}

/* ---- transmit ---------------------------------------------------------- */

static inline uint32_t chunk_index(const struct xdp_umem *u, uint64_t addr)
{
	return (uint32_t)(addr >> u->chunk_shift);
}

/*
 * Completed descriptors back to the allocator, counted sent or failed.
 * The kernel completes a frame it dropped (EBUSY from the kick) like one
 * it sent, and completions are positional, not per frame: a drop is
 * counted as the next completion, and while the interface is down every
 * completion is a drop.
 */
static void tx_complete(struct xdp_ring *x, struct xdp_queue *q)
{
	struct xdp_umem *u = q->umem;
	const uint64_t *ring = q->comp.descs;
	uint32_t c = q->comp.cached_cons, p, k;
	uint64_t sent = 0, bytes = 0;

	/* Pairs with the kernel's store-release after it wrote entries. */
	p = __atomic_load_n(q->comp.producer, __ATOMIC_ACQUIRE);
	if (p == c)
		return;
	for (k = c; k != p; k++) {
		uint64_t base = ring[k & q->comp.mask] & u->base_mask;

		if (unlikely(x->tx_down)) {
			x->base.tx.failed_down++;
		} else if (unlikely(q->tx_fail_pending)) {
			q->tx_fail_pending--;
			x->base.tx.failed_kernel++;
		} else {
			sent++;
			bytes += u->tx_len[chunk_index(u, base)];
		}
		u->free[u->nfree++] = base;
	}
	q->tx_out -= p - c;
	q->comp.cached_cons = p;
	/* Our reads of the entries happen before the kernel reuses them. */
	__atomic_store_n(q->comp.consumer, p, __ATOMIC_RELEASE);
	x->base.tx.sent += sent;
	x->base.tx.bytes += bytes;
}

/* Is the interface up with a carrier?  *gone: it no longer exists. */
static bool link_running(struct xdp_ring *x, bool *gone)
{
	struct netring_if ifi;
	int rc = nr_link_get(NULL, x->ifindex, &ifi, NULL);

	*gone = rc == -ENODEV;
	return rc == 0 && (ifi.flags & NETRING_IF_UP) &&
	       (ifi.flags & NETRING_IF_RUNNING);
}

static int tx_down_error(struct xdp_ring *x, bool gone)
{
	x->tx_down = true;
	if (gone)
		return x->base.gone = x->gone = nr_set_error(
			       &x->base, -ENODEV, "%s: the interface went away",
			       x->base.info.ifname);
	return nr_set_error(&x->base, -ENETDOWN, "%s: the interface is down",
			    x->base.info.ifname);
}

/*
 * Kick the kernel to send what the TX ring holds, only when it asks (copy
 * mode always does: it sends inside this call, at most 32 frames a call).
 * On -ENETDOWN the descriptors stay in the TX ring, counted in flight:
 * the kernel sends them once the interface is up again (a kick from the
 * next reserve, commit or wait), and completions while it is down are
 * drops.  They cannot be taken back: the kernel may already have read
 * them without publishing its consumer index.
 */
static int tx_kick(struct xdp_ring *x, struct xdp_queue *q)
{
	unsigned tries = q->tx_frames / 32 + 2;
	bool gone = false;
	int err;

	if (!(__atomic_load_n(q->tx.flags, __ATOMIC_RELAXED) &
	      XDP_RING_NEED_WAKEUP))
		return 0;
	for (;;) {
		x->base.tx.wakeups++;
		if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			return 0;
		err = errno;
		/* EAGAIN: its batch ended, or the driver is busy (then the
		 * next reserve or wait kicks again). */
		if (err != EAGAIN || --tries == 0)
			break;
	}
	switch (err) {
	case EAGAIN:
	case ENOBUFS:
	case EINTR:
		return 0;
	case EBUSY:
		/* The device dropped a frame (and completes it). */
		if (link_running(x, &gone)) {
			q->tx_fail_pending++;
			return 0;
		}
		return tx_down_error(x, gone);
	case ENETDOWN: /* the interface is administratively down */
	case ENXIO:    /* the socket is unbound: the interface is gone */
		link_running(x, &gone);
		return tx_down_error(x, gone);
	default:
		return nr_set_error(&x->base, -err, "%s: AF_XDP send: %s",
				    x->base.info.ifname, strerror(err));
	}
}

/* While the interface is known to be down: is it back? */
static int tx_link_check(struct xdp_ring *x)
{
	bool gone;

	if (likely(!x->tx_down))
		return 0;
	if (link_running(x, &gone)) {
		x->tx_down = false;
		return 0;
	}
	return tx_down_error(x, gone);
}

static inline uint32_t tx_free(const struct xdp_queue *q)
{
	uint32_t room = q->tx_frames - q->tx_out;

	return room < q->umem->nfree ? room : q->umem->nfree;
}

static int xdp_tx_reclaim(struct netring *r)
{
	struct xdp_ring *x = to_xdp(r);
	struct xdp_queue *q = &x->q[0];
	int rc;

	if (unlikely(x->tx_down))
		tx_link_check(x);
	tx_complete(x, q);
	/* What an earlier kick left (the driver was busy) goes now. */
	if (!x->tx_down &&
	    q->tx.cached_prod != __atomic_load_n(q->tx.consumer, __ATOMIC_ACQUIRE)) {
		rc = tx_kick(x, q);
		if (rc)
			return rc;
		tx_complete(x, q);
	}
	return (int)tx_free(q);
}

static int xdp_tx_reserve(struct netring *r, struct netring_tx_slot *s,
			  unsigned max)
{
	struct xdp_ring *x = to_xdp(r);
	struct xdp_queue *q = &x->q[0];
	struct xdp_umem *u = q->umem;
	uint32_t n;

	tx_complete(x, q);
	n = tx_free(q);
	if (n > max)
		n = max;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t addr = u->free[--u->nfree];

		q->tx_resv[i] = addr;
		s[i].data = u->area + addr + NETRING_FRAME_HEADROOM;
		s[i].capacity = r->info.tx_capacity;
		s[i].len = 0;
	}
	q->nresv = n;
	q->tx_out += n;
	return (int)n;
}

static int xdp_tx_commit(struct netring *r, const struct netring_tx_slot *s,
			 unsigned n, unsigned reserved)
{
	struct xdp_ring *x = to_xdp(r);
	struct xdp_queue *q = &x->q[0];
	struct xdp_umem *u = q->umem;
	struct xdp_desc *ring = q->tx.descs;
	uint32_t p = q->tx.cached_prod;
	int rc;

	(void)reserved; /* = q->nresv */
	/* Unused slots back to the allocator. */
	for (uint32_t i = q->nresv; i > n; i--)
		u->free[u->nfree++] = q->tx_resv[i - 1];
	q->tx_out -= q->nresv - n;
	q->nresv = 0;
	if (!n)
		return 0;
	r->tx.queued += n;
	rc = x->gone ? x->gone : tx_link_check(x);
	if (unlikely(rc)) {
		for (uint32_t i = 0; i < n; i++)
			u->free[u->nfree++] = q->tx_resv[i];
		q->tx_out -= n;
		r->tx.failed_down += n;
		return rc;
	}
	/* The address is taken from our record, never from the caller's
	 * pointer: a slot can only ever send its own chunk. */
	for (uint32_t i = 0; i < n; i++) {
		uint64_t addr = q->tx_resv[i];

		u->tx_len[chunk_index(u, addr)] = s[i].len;
		ring[(p + i) & q->tx.mask] = (struct xdp_desc){
			.addr = addr + NETRING_FRAME_HEADROOM, .len = s[i].len };
	}
	q->tx.cached_prod = p + n;
	/* The descriptors are visible before the kernel sees the producer. */
	__atomic_store_n(q->tx.producer, q->tx.cached_prod, __ATOMIC_RELEASE);
	rc = tx_kick(x, q);
	return rc ? rc : (int)n;
}

/* Where frame view f sits in in's RX ring: the held descriptor whose
 * chunk holds f->data, looked for from just after the last one found (the
 * caller forwards the frames of a burst in order, usually). */
static struct xdp_desc *held_desc(struct xdp_queue *q, const uint8_t *data)
{
	struct xdp_desc *descs = q->rx.descs;
	struct xdp_umem *u = q->umem;
	uint64_t base = (uint64_t)(data - u->area) & u->base_mask;
	uint32_t held = q->rx_taken - q->rx.cached_cons;
	uint32_t start = q->fwd_hint - q->rx.cached_cons;

	if (start >= held)
		start = 0;
	for (uint32_t k = 0; k < held; k++) {
		uint32_t i = q->rx.cached_cons + (start + k) % held;
		struct xdp_desc *d = &descs[i & q->rx.mask];

		if ((d->addr & u->base_mask) == base) {
			q->fwd_hint = i + 1;
			return d;
		}
	}
	return NULL;
}

static bool forward_fits(const struct netring *out, const struct netring_frame *f)
{
	uint32_t max = out->tx_mtu_len;

	if (f->flags & NETRING_FRAME_TRUNCATED || f->len < ETH_HLEN ||
	    f->len > out->info.tx_capacity)
		return false;
	if (!max || f->len <= max)
		return true;
	for (unsigned t = 0; t < 2 && f->len >= ETH_HLEN + VLAN_TAG_LEN * (t + 1); t++) {
		uint16_t type = (uint16_t)(f->data[12 + 4 * t] << 8 |
					   f->data[13 + 4 * t]);

		if (type != ETH_P_8021Q && type != ETH_P_8021AD)
			break;
		max += VLAN_TAG_LEN;
	}
	return f->len <= max;
}

/*
 * Zero-copy forward between two rings on one UMEM: the chunk of each
 * received frame becomes a descriptor of out's TX ring, and a fresh chunk
 * from the allocator takes its place in in's RX ring, so in's release
 * refills its fill ring as usual.  Completion of out's TX returns the
 * chunk to the allocator.
 */
static int xdp_tx_forward(struct netring *out, struct netring *in,
			  const struct netring_frame *f, unsigned n)
{
	struct xdp_ring *xo = to_xdp(out), *xi = to_xdp(in);
	struct xdp_queue *qo = &xo->q[0], *qi = &xi->q[0];
	struct xdp_umem *u = qo->umem;
	struct xdp_desc *ring = qo->tx.descs;
	uint32_t p = qo->tx.cached_prod, room, done = 0, queued = 0;
	int rc;

	if (xi->nq != 1 || xi->tx_only || qi->umem != u)
		return -EXDEV;
	rc = xo->gone ? xo->gone : tx_link_check(xo);
	if (unlikely(rc))
		return rc;
	tx_complete(xo, qo);
	room = qo->tx_frames - qo->tx_out;
	for (; done < n; done++) {
		const struct netring_frame *fr = &f[done];
		struct xdp_desc *d;
		uint64_t addr;

		if (unlikely(!forward_fits(out, fr))) {
			out->tx.failed_too_big++;
			out->tx.queued++;
			continue;
		}
		if (!room || !u->nfree)
			break;
		d = held_desc(qi, fr->data);
		if (unlikely(!d)) {
			rc = nr_set_error(out, -EINVAL,
					  "forward: frame %u is not held on %s",
					  done, in->info.ifname);
			if (done)
				break;
			return rc;
		}
		addr = (uint64_t)(fr->data - u->area);
		d->addr = u->free[--u->nfree] + (d->addr & ~u->base_mask);
		u->tx_len[chunk_index(u, addr)] = fr->len;
		ring[(p + queued) & qo->tx.mask] =
			(struct xdp_desc){ .addr = addr, .len = fr->len };
		queued++;
		room--;
	}
	if (queued) {
		qo->tx_out += queued;
		qo->tx.cached_prod = p + queued;
		/* The descriptors are visible before the producer. */
		__atomic_store_n(qo->tx.producer, qo->tx.cached_prod,
				 __ATOMIC_RELEASE);
		out->tx.queued += queued;
		out->tx.forwarded_zerocopy += queued;
		rc = tx_kick(xo, qo);
		if (rc)
			return rc;
	}
	return (int)done;
}

static int xdp_tx_fd(struct netring *r)
{
	return to_xdp(r)->q[0].fd;
}

static int xdp_stats(struct netring *r, struct netring_backend_stats *st)
{
	struct xdp_ring *x = to_xdp(r);
	uint64_t c[NR_XSK_COUNTERS];
	uint64_t tx_invalid = 0;
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
		tx_invalid += s.tx_invalid_descs;
	}
	/* Descriptors the kernel refused: failed.  We write none (a
	 * descriptor is always a chunk of ours), so this stays 0 unless the
	 * kernel and we disagree about the UMEM. */
	if (tx_invalid > x->tx_invalid_seen) {
		r->tx.failed_kernel += tx_invalid - x->tx_invalid_seen;
		x->tx_invalid_seen = tx_invalid;
	}
	if (x->tx_only)
		return 0;
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

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- the UMEM and its allocator ----------------------------------------- */

static struct xdp_umem *umem_new(uint32_t nchunks, uint32_t chunk_size,
				 char *err)
{
	struct xdp_umem *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->refs = 1;
	u->chunk_size = chunk_size;
	u->chunk_shift = (uint32_t)__builtin_ctz(chunk_size);
	u->base_mask = ~(uint64_t)(chunk_size - 1);
	u->nchunks = nchunks;
	u->unclaimed = nchunks;
	u->len = (size_t)nchunks * chunk_size;
	u->free = calloc(nchunks, sizeof(*u->free));
	u->tx_len = calloc(nchunks, sizeof(*u->tx_len));
	u->area = mmap(NULL, u->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->area == MAP_FAILED || !u->free || !u->tx_len) {
		nr_fail(err, -ENOMEM, "UMEM of %zu bytes: %s", u->len,
			strerror(errno));
		if (u->area != MAP_FAILED)
			munmap(u->area, u->len);
		free(u->free);
		free(u->tx_len);
		free(u);
		return NULL;
	}
	/* Highest addresses first out: the fill ring starts at chunk 0. */
	for (uint32_t i = nchunks; i > 0; i--)
		u->free[u->nfree++] = (uint64_t)(i - 1) * chunk_size;
	return u;
}

static void umem_put(struct xdp_umem *u)
{
	if (!u || --u->refs)
		return;
	munmap(u->area, u->len);
	free(u->free);
	free(u->tx_len);
	free(u);
}

/* ---- plugging ---------------------------------------------------------- */

static void ring_unmap(struct xsk_ring *ring)
{
	if (ring->map)
		munmap(ring->map, ring->map_len);
	memset(ring, 0, sizeof(*ring));
}

/* RX chunks a queue keeps: its fill ring's worth (none when TX-only). */
static uint32_t queue_rx_chunks(const struct xdp_ring *x)
{
	return x->tx_only ? 0 : x->base.info.ring_frames;
}

/* Hand chunk `base` back to the allocator once, whatever ring names it. */
static uint32_t reclaim_one(struct xdp_umem *u, uint8_t *seen, uint64_t addr)
{
	uint32_t i = chunk_index(u, addr & u->base_mask);

	if (i >= u->nchunks || (seen[i / 8] & (1u << (i % 8))))
		return 0;
	seen[i / 8] |= (uint8_t)(1u << (i % 8));
	u->free[u->nfree++] = addr & u->base_mask;
	return 1;
}

/*
 * A queue leaves a UMEM that other rings still use: give its chunks back
 * to the allocator by reading its own rings.  The program is off and an
 * RCU grace period has passed, so the kernel delivers nothing more to the
 * socket and its published indices are final.  Chunks the kernel took from
 * the fill ring and kept (a dropped frame's buffer) cannot be named: they
 * are retired.
 */
static void queue_reclaim(struct xdp_ring *x, struct xdp_queue *q)
{
	struct xdp_umem *u = q->umem;
	uint32_t rx_chunks = q->rx_given;
	uint32_t got = 0, want, i;
	uint8_t *seen = calloc(u->nchunks / 8 + 1, 1);

	if (!seen) {
		u->retired += q->claimed; /* cannot tell which: keep none */
		return;
	}
	if (q->rx.map)
		for (i = q->rx.cached_cons;
		     i != __atomic_load_n(q->rx.producer, __ATOMIC_ACQUIRE); i++)
			got += reclaim_one(u, seen,
					   ((struct xdp_desc *)q->rx.descs)[i & q->rx.mask].addr);
	if (q->fill.map)
		for (i = __atomic_load_n(q->fill.consumer, __ATOMIC_ACQUIRE);
		     i != q->fill.cached_prod; i++)
			got += reclaim_one(u, seen,
					   ((uint64_t *)q->fill.descs)[i & q->fill.mask]);
	u->retired += rx_chunks > got ? rx_chunks - got : 0;
	if (q->tx.map) {
		tx_complete(x, q);
		for (i = 0; i < q->nresv; i++)
			reclaim_one(u, seen, q->tx_resv[i]);
		/* Completions come in the order descriptors were written:
		 * the uncompleted ones are the newest valid entries. */
		want = q->tx_out - q->nresv;
		for (i = q->tx.cached_prod; want && i != q->tx.cached_prod - q->tx_frames * 2;) {
			const struct xdp_desc *d =
				&((struct xdp_desc *)q->tx.descs)[--i & q->tx.mask];

			if (x->zerocopy)
				u->retired++; /* a driver may still read it */
			else
				reclaim_one(u, seen, d->addr);
			want--;
		}
		u->retired += want;
		q->tx_out = q->nresv = 0;
	}
	free(seen);
}

/* An RCU grace period: redirects already under way have finished. */
static void rcu_barrier_wait(void)
{
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) < 0)
		sleep_ms(20);
}

static void queue_close(struct xdp_ring *x, struct xdp_queue *q, bool reclaim)
{
	struct xdp_umem *u = q->umem;

	if (u && reclaim && u->refs > 1) {
		uint32_t before = u->retired;

		queue_reclaim(x, q);
		u->unclaimed += q->claimed - (u->retired - before);
	} else if (u && u->refs > 1) {
		u->unclaimed += q->claimed;
	}
	if (u) {
		struct xdp_queue **pp = &u->users;

		while (*pp && *pp != q)
			pp = &(*pp)->next_user;
		if (*pp)
			*pp = q->next_user;
	}
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	ring_unmap(&q->fill);
	ring_unmap(&q->rx);
	ring_unmap(&q->tx);
	ring_unmap(&q->comp);
	free(q->tx_resv);
	q->tx_resv = NULL;
	umem_put(u);
	q->umem = NULL;
}

static void xdp_close(struct netring *r)
{
	struct xdp_ring *x = to_xdp(r);
	bool shared = false;

	/* Program off and map entries cleared before any socket closes. */
	nr_xdp_prog_unplug(&x->prog);
	for (unsigned k = 0; x->q && k < x->nq; k++)
		shared |= x->q[k].umem && x->q[k].umem->refs > 1;
	if (shared) {
		uint64_t end = nr_mono_ns() + CLOSE_DRAIN_MS * 1000000ull;
		struct xdp_queue *q = &x->q[0];

		rcu_barrier_wait();
		/* Let the kernel complete what it took from the TX ring:
		 * those chunks can then be named. */
		while (q->tx.map && !x->gone && q->tx_out > q->nresv &&
		       nr_mono_ns() < end) {
			tx_complete(x, q);
			if (q->tx_out > q->nresv)
				sleep_ms(1);
		}
	}
	for (unsigned k = 0; x->q && k < x->nq; k++)
		queue_close(x, &x->q[k], true);
	if (x->epoll_fd >= 0)
		close(x->epoll_fd);
	if (x->member_fd >= 0)
		close(x->member_fd);
	free(x->runs);
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
	return 0;
}

static int sockopt_u32(int fd, int name, uint32_t v, char *err, const char *what)
{
	if (setsockopt(fd, SOL_XDP, name, &v, sizeof(v)) < 0)
		return nr_fail(err, -errno, "%s: %s", what, strerror(errno));
	return 0;
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

/*
 * A UMEM of its own: its RX and TX chunks, and with NETRING_CF_UMEM_SHAREABLE
 * as many again for one ring that may share it later (config.share_umem): a
 * registered UMEM cannot grow, and the sharer's fill ring and transmit
 * slots must come from it.
 */
static int umem_setup(struct xdp_ring *x, struct xdp_queue *q,
		      const struct netring_plug *pl, struct xdp_ring *share,
		      char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	uint32_t need = queue_rx_chunks(x) + (q == &x->q[0] ? cfg->tx_frames : 0);
	struct xdp_umem *u;
	struct xdp_umem_reg reg;
	int rc;

	if (share) {
		u = share->q[0].umem;
		if (u->unclaimed < need)
			return nr_fail(err, -EINVAL,
				       "share_umem: the UMEM of %s has %u chunks left, this ring needs %u (ring frames + tx frames; plug %s with NETRING_CF_UMEM_SHAREABLE and frames as large as this ring's)",
				       share->base.info.ifname, u->unclaimed, need,
				       share->base.info.ifname);
		u->refs++;
	} else {
		uint32_t n = x->nq == 1 && (cfg->flags & NETRING_CF_UMEM_SHAREABLE) ?
				     2 * (cfg->ring_frames + cfg->tx_frames) : need;

		u = umem_new(n, cfg->frame_size, err);
		if (!u)
			return -ENOMEM;
		memset(&reg, 0, sizeof(reg));
		reg.addr = (uint64_t)(uintptr_t)u->area;
		reg.len = u->len;
		reg.chunk_size = cfg->frame_size;
		reg.headroom = 0; /* XDP_PACKET_HEADROOM is our NETRING_FRAME_HEADROOM */
		if (setsockopt(q->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) < 0) {
			rc = -errno;
			umem_put(u);
			if (rc == -ENOMEM || rc == -ENOBUFS || rc == -EPERM)
				return nr_fail(err, rc,
					       "registering %zu bytes of UMEM: %s (locked memory: raise RLIMIT_MEMLOCK or use CAP_IPC_LOCK)",
					       (size_t)n * cfg->frame_size, strerror(-rc));
			return nr_fail(err, rc, "XDP_UMEM_REG: %s", strerror(-rc));
		}
	}
	q->umem = u;
	q->claimed = need;
	u->unclaimed -= need;
	q->next_user = u->users;
	u->users = q;
	return 0;
}

static int queue_open(struct xdp_ring *x, struct xdp_queue *q,
		      const struct netring_plug *pl, uint16_t bind_flags,
		      struct xdp_ring *share, char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	bool txq = q == &x->q[0];
	uint32_t fill_size = x->tx_only ? SPARE_RING_SIZE : cfg->ring_frames;
	struct xdp_mmap_offsets off;
	struct sockaddr_xdp sxdp;
	socklen_t len = sizeof(off);
	struct xdp_umem *u;
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
	rc = umem_setup(x, q, pl, share, err);
	if (rc)
		return rc;
	u = q->umem;
	q->tx_frames = txq ? cfg->tx_frames : 0;
	rc = sockopt_u32(q->fd, XDP_UMEM_FILL_RING, fill_size, err,
			 "XDP_UMEM_FILL_RING");
	if (!rc)
		rc = sockopt_u32(q->fd, XDP_UMEM_COMPLETION_RING,
				 txq ? cfg->tx_frames : SPARE_RING_SIZE, err,
				 "XDP_UMEM_COMPLETION_RING");
	if (!rc && !x->tx_only)
		rc = sockopt_u32(q->fd, XDP_RX_RING, cfg->ring_frames, err,
				 "XDP_RX_RING");
	if (!rc && txq)
		rc = sockopt_u32(q->fd, XDP_TX_RING, cfg->tx_frames, err,
				 "XDP_TX_RING");
	if (rc)
		return rc;
	if (getsockopt(q->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len) < 0)
		return nr_fail(err, -errno, "XDP_MMAP_OFFSETS: %s",
			       strerror(errno));
	rc = ring_map(q->fd, &q->fill, &off.fr, fill_size, sizeof(uint64_t),
		      XDP_UMEM_PGOFF_FILL_RING, err, "fill");
	if (!rc)
		rc = ring_map(q->fd, &q->comp, &off.cr,
			      txq ? cfg->tx_frames : SPARE_RING_SIZE,
			      sizeof(uint64_t), XDP_UMEM_PGOFF_COMPLETION_RING,
			      err, "completion");
	if (!rc && !x->tx_only)
		rc = ring_map(q->fd, &q->rx, &off.rx, cfg->ring_frames,
			      sizeof(struct xdp_desc), XDP_PGOFF_RX_RING, err,
			      "RX");
	if (!rc && txq)
		rc = ring_map(q->fd, &q->tx, &off.tx, cfg->tx_frames,
			      sizeof(struct xdp_desc), XDP_PGOFF_TX_RING, err,
			      "TX");
	if (rc)
		return rc;
	if (txq) {
		q->tx_resv = calloc(cfg->tx_frames, sizeof(*q->tx_resv));
		if (!q->tx_resv)
			return nr_fail(err, -ENOMEM, "out of memory");
	}
	q->rx_taken = q->rx.cached_cons;

	/* The queue's RX chunks start on the fill ring. */
	for (uint32_t i = 0; i < queue_rx_chunks(x); i++)
		((uint64_t *)q->fill.descs)[q->fill.cached_prod++ & q->fill.mask] =
			u->free[--u->nfree];
	q->rx_given = queue_rx_chunks(x);
	/* The entries are visible before the kernel sees the producer. */
	__atomic_store_n(q->fill.producer, q->fill.cached_prod, __ATOMIC_RELEASE);

	memset(&sxdp, 0, sizeof(sxdp));
	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = pl->ifi.ifindex;
	sxdp.sxdp_queue_id = q->id;
	if (share) {
		/* A shared socket takes its mode from the UMEM's owner and
		 * may name no flag of its own. */
		sxdp.sxdp_flags = XDP_SHARED_UMEM;
		sxdp.sxdp_shared_umem_fd = (uint32_t)share->q[0].fd;
	} else {
		sxdp.sxdp_flags = bind_flags;
	}
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
			       share ? " sharing a UMEM" :
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
			   struct xdp_ring *share, char *err)
{
	int rc = queue_open(x, q, pl, *flags, share, err);

	if (rc && rc != -EBUSY && !share && (*flags & XDP_USE_SG)) {
		/* Before 6.6 (EINVAL), or a zero-copy driver without
		 * multi-buffer (EOPNOTSUPP): without, oversize is dropped. */
		queue_close(x, q, false);
		*flags &= (uint16_t)~XDP_USE_SG;
		rc = queue_open(x, q, pl, *flags, share, err);
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

/* Does the device stamp received frames in hardware?  Only then is the
 * timestamp kfunc worth calling for every frame. */
static bool hw_rx_timestamps(const char *ifname)
{
	struct ethtool_ts_info ts = { .cmd = ETHTOOL_GET_TS_INFO };
	struct ifreq ifr;
	bool hw = false;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ts;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		hw = ts.so_timestamping & SOF_TIMESTAMPING_RX_HARDWARE;
	close(fd);
	return hw;
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

	if (cfg->mode != NETRING_MODE_TAKE && !(cfg->flags & NETRING_CF_TX_ONLY))
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
		     bool zc, bool sg, bool shared)
{
	struct netring_info *info = &x->base.info;
	const char *stamps = x->prog.tai ? "kernel" : "burst";

	info->queues = x->nq;
	if (zc)
		info->flags |= NETRING_INFO_XDP_ZEROCOPY;
	if (x->tx_only) {
		snprintf(info->detail, sizeof(info->detail),
			 "AF_XDP %s, transmit only, queue %u, %u slots%s",
			 zc ? "zero-copy" : "copy", x->q[0].id, pl->cfg.tx_frames,
			 shared ? ", shared UMEM" : "");
		return;
	}
	info->flags |= x->prog.attached == NETRING_XDP_ATTACH_NATIVE ?
			       NETRING_INFO_XDP_NATIVE :
			       NETRING_INFO_XDP_GENERIC;
	if (sg)
		info->flags |= NETRING_INFO_XDP_MULTIBUF;
	if (x->prog.kfuncs || x->prog.tai)
		info->flags |= NETRING_INFO_XDP_META_TIMESTAMP;
	if (x->prog.kfuncs)
		info->flags |= NETRING_INFO_XDP_META_VLAN;
	if (x->prog.kfuncs && x->hw_stamps)
		stamps = "device, else kernel";
	snprintf(info->detail, sizeof(info->detail),
		 "AF_XDP %s, %s XDP, %u queue%s of %u slots, %s, stamps: %s%s",
		 zc ? "zero-copy" : "copy",
		 x->prog.attached == NETRING_XDP_ATTACH_NATIVE ? "native" : "generic",
		 x->nq, x->nq == 1 ? "" : "s", pl->cfg.ring_frames,
		 sg ? "multi-buffer" : "oversize dropped", stamps,
		 shared ? ", shared UMEM" : "");
}

/* config.share_umem: an open xdp ring of one queue, on another queue or
 * interface, with the same chunk size. */
static int share_check(const struct netring_plug *pl, unsigned nq,
		       struct xdp_ring **sharep, char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	struct xdp_ring *s;

	*sharep = NULL;
	if (!cfg->share_umem)
		return 0;
	if (cfg->share_umem->ops != &netring_xdp_ops)
		return nr_fail(err, -EINVAL,
			       "share_umem: %s is a %s ring; only xdp rings share a UMEM",
			       cfg->share_umem->info.ifname, cfg->share_umem->ops->name);
	s = to_xdp(cfg->share_umem);
	if (s->nq != 1 || nq != 1)
		return nr_fail(err, -EINVAL,
			       "share_umem: both rings must plug one queue, not all");
	if (s->frame_size != cfg->frame_size)
		return nr_fail(err, -EINVAL,
			       "share_umem: frame size %u, but %s's UMEM has %u-byte chunks",
			       cfg->frame_size, s->base.info.ifname, s->frame_size);
	if (s->ifindex == pl->ifi.ifindex && (int32_t)s->q[0].id == cfg->queue)
		return nr_fail(err, -EINVAL,
			       "share_umem: %s queue %u is the other ring's own queue; transmit on that ring instead",
			       pl->ifi.name, s->q[0].id);
	if (s->gone)
		return nr_fail(err, s->gone, "share_umem: %s is gone",
			       s->base.info.ifname);
	*sharep = s;
	return 0;
}

static int xdp_open(const struct netring_plug *pl, struct netring **rp,
		    char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	struct nr_xdp_prog_req req;
	struct xdp_ring *x, *share;
	uint16_t flags = XDP_USE_NEED_WAKEUP | XDP_USE_SG;
	int *fds = NULL;
	uint32_t *qids = NULL;
	uint32_t rxq = rx_queues_in_use(pl);
	bool zc;
	int rc;

	rc = config_check(pl, rxq, err);
	if (rc)
		return rc;
	rc = share_check(pl, cfg->queue == NETRING_QUEUE_ALL ? rxq : 1, &share, err);
	if (rc)
		return rc;

	x = calloc(1, sizeof(*x));
	if (!x)
		return nr_fail(err, -ENOMEM, "out of memory");
	x->base.ops = &netring_xdp_ops;
	x->base.fd = -1;
	x->base.break_fd = -1;
	x->base.info.ring_frames = cfg->ring_frames;
	x->member_fd = -1;
	x->epoll_fd = -1;
	x->prog = (struct nr_xdp_prog)NR_XDP_PROG_INIT;
	x->frame_size = cfg->frame_size;
	x->capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	x->ifindex = pl->ifi.ifindex;
	x->vlan_restore = !(cfg->flags & NETRING_CF_NO_VLAN_RESTORE);
	x->tx_only = cfg->flags & NETRING_CF_TX_ONLY;
	x->meta_missing = &meta_present;
	x->nq = cfg->queue == NETRING_QUEUE_ALL && !x->tx_only ? rxq : 1;
	if (x->tx_only)
		x->tai_age = TAI_REFRESH_BURSTS;
	else
		tai_refresh(x);

	x->q = calloc(x->nq, sizeof(*x->q));
	for (unsigned k = 0; x->q && k < x->nq; k++) {
		x->q[k].fd = -1; /* before any failure: close() walks them */
		x->q[k].ring = x;
		x->q[k].id = cfg->queue == NETRING_QUEUE_ALL ? k :
							       (uint32_t)cfg->queue;
	}
	if (x->nq > 1) {
		x->runs_mask = pow2_at_least((uint64_t)x->nq * cfg->ring_frames) - 1;
		x->runs = calloc((size_t)x->runs_mask + 1, sizeof(*x->runs));
	}
	fds = calloc(x->nq, sizeof(*fds));
	qids = calloc(x->nq, sizeof(*qids));
	if (!x->q || (x->nq > 1 && !x->runs) || !fds || !qids) {
		rc = nr_fail(err, -ENOMEM, "out of memory");
		goto fail;
	}
	if (!x->tx_only) {
		rc = memberships_add(x, pl, err);
		if (rc)
			goto fail;
		/* Refuse early (and quickly) when the interface is taken:
		 * binding first would wait out the queue of a live ring. */
		memset(&req, 0, sizeof(req));
		req.ifname = pl->ifi.name;
		req.ifindex = pl->ifi.ifindex;
		rc = nr_xdp_prog_clear_way(&req, x->base.info.note,
					   sizeof(x->base.info.note), err);
		if (rc)
			goto fail;
	}

	if (cfg->xdp_bind == NETRING_XDP_BIND_ZEROCOPY)
		flags |= XDP_ZEROCOPY;
	else if (cfg->xdp_bind == NETRING_XDP_BIND_COPY)
		flags |= XDP_COPY;
	/* AUTO passes neither: the kernel tries zero-copy and falls back to
	 * copy by itself; XDP_OPTIONS tells which it chose. */
	for (unsigned k = 0; k < x->nq; k++) {
		rc = queue_open_auto(x, &x->q[k], pl, &flags, share, err);
		if (rc)
			goto fail;
		fds[k] = x->q[k].fd;
		qids[k] = x->q[k].id;
	}
	zc = is_zerocopy(x->q[0].fd);
	x->zerocopy = zc;
	rc = poll_fd_setup(x, err);
	if (rc)
		goto fail;

	if (!x->tx_only) {
		x->hw_stamps = hw_rx_timestamps(pl->ifi.name);
		req.match = &cfg->match;
		req.attach = (enum netring_xdp_attach)cfg->xdp_attach;
		req.all_queues = cfg->queue == NETRING_QUEUE_ALL;
		req.queue = req.all_queues ? 0 : (uint32_t)cfg->queue;
		/* An entry for every queue the device has allocated: with
		 * all queues plugged, a frame on a queue that has no socket
		 * (the device grew queues since) is counted as a failed
		 * redirect. */
		req.map_entries = pl->ifi.rx_queues > x->q[x->nq - 1].id + 1 ?
					  pl->ifi.rx_queues :
					  x->q[x->nq - 1].id + 1;
		req.xsk_fds = fds;
		req.xsk_queues = qids;
		req.nxsk = x->nq;
		req.hw_timestamps = x->hw_stamps;
		req.sw_timestamps = cfg->flags & NETRING_CF_TS_EACH_FRAME;
		req.vlan_out_of_band = !x->vlan_restore;
		rc = nr_xdp_prog_plug(&x->prog, &req, x->base.info.note,
				      sizeof(x->base.info.note), err);
		if (rc)
			goto fail;
		if (x->prog.meta_missing)
			x->meta_missing = x->prog.meta_missing;
		/* The common case of the burst loop: a record with the flags
		 * the program sets for a plain frame (a TAI stamp, or none),
		 * or no record at all: then frame_slow() reads tags from the
		 * bytes, as for a driver that keeps no metadata. */
		x->meta_fast = true;
		x->meta_plain = x->prog.tai ? NR_XSK_META_TS_TAI : 0;
		x->no_record = !x->prog.record;
		if (x->no_record)
			x->meta_missing = &meta_absent;
		if (x->prog.record_in_head) {
			x->meta_skip = sizeof(struct nr_xsk_meta);
			x->capacity -= x->meta_skip;
			x->base.info.frame_capacity = x->capacity;
		}
	}

	describe(x, pl, zc, flags & XDP_USE_SG, share != NULL);
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

/* ---- audit (tests) ------------------------------------------------------ */

static void audit_queue(const struct xdp_queue *q, struct nr_xdp_audit *a,
			bool *ok)
{
	uint32_t fill = 0, krx = 0, rx = 0, ktx = 0, txr = 0, comp = 0;

	if (q->rx.map || q->fill.map) {
		uint32_t fp = q->fill.cached_prod;
		uint32_t fc = __atomic_load_n(q->fill.consumer, __ATOMIC_ACQUIRE);
		uint32_t rp = q->rx.map ? __atomic_load_n(q->rx.producer,
							 __ATOMIC_ACQUIRE) :
					  fc;
		uint32_t rc = q->rx.map ? q->rx.cached_cons : fc;

		fill = fp - fc;
		krx = fc - rp;
		rx = rp - rc;
		a->held += q->rx_taken - q->rx.cached_cons;
		/* What went into the fill ring came out of the RX ring. */
		if (fill + krx + rx != q->rx_given)
			*ok = false;
	}
	if (q->tx.map) {
		uint32_t tp = q->tx.cached_prod;
		uint32_t tc = __atomic_load_n(q->tx.consumer, __ATOMIC_ACQUIRE);
		uint32_t cp = __atomic_load_n(q->comp.producer, __ATOMIC_ACQUIRE);

		txr = tp - tc;
		ktx = tc - cp;
		comp = cp - q->comp.cached_cons;
		if (q->nresv + txr + ktx + comp != q->tx_out)
			*ok = false;
	}
	a->fill += fill;
	a->kernel_rx += krx;
	a->rx += rx;
	a->tx_reserved += q->nresv;
	a->tx_ring += txr;
	a->kernel_tx += ktx;
	a->completion += comp;
}

int nr_xdp_audit(struct netring *r, struct nr_xdp_audit *a)
{
	struct xdp_ring *x;
	bool ok = true;

	if (!r || !a || r->ops != &netring_xdp_ops)
		return -EINVAL;
	x = to_xdp(r);
	memset(a, 0, sizeof(*a));
	for (unsigned k = 0; k < x->nq; k++) {
		struct xdp_umem *u = x->q[k].umem;
		uint32_t placed = 0;
		struct nr_xdp_audit before = *a;

		a->umems++;
		a->total += u->nchunks;
		a->free += u->nfree;
		a->retired += u->retired;
		for (const struct xdp_queue *q = u->users; q; q = q->next_user) {
			audit_queue(q, a, &ok);
			a->rings++;
		}
		placed = (a->fill - before.fill) + (a->kernel_rx - before.kernel_rx) +
			 (a->rx - before.rx) + (a->tx_reserved - before.tx_reserved) +
			 (a->tx_ring - before.tx_ring) +
			 (a->kernel_tx - before.kernel_tx) +
			 (a->completion - before.completion);
		if (u->nfree + placed + u->retired != u->nchunks)
			ok = false;
	}
	a->consistent = ok;
	a->area = x->q[0].umem->area;
	a->area_len = x->q[0].umem->len;
	a->chunk_size = x->frame_size;
	return 0;
}

int nr_xdp_tx_last(struct netring *r, uint64_t *addrs, unsigned n)
{
	struct xdp_queue *q;

	if (!r || !addrs || r->ops != &netring_xdp_ops)
		return -EINVAL;
	q = &to_xdp(r)->q[0];
	if (n > q->tx_frames)
		n = q->tx_frames;
	for (unsigned i = 0; i < n; i++)
		addrs[i] = ((const struct xdp_desc *)q->tx.descs)
				   [(q->tx.cached_prod - n + i) & q->tx.mask].addr;
	return (int)n;
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
	.tx_reserve = xdp_tx_reserve,
	.tx_commit = xdp_tx_commit,
	.tx_reclaim = xdp_tx_reclaim,
	.tx_forward = xdp_tx_forward,
	.tx_fd = xdp_tx_fd,
};
