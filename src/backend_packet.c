/* SPDX-License-Identifier: MIT */
/*
 * backend_packet.c - AF_PACKET with a PACKET_MMAP TPACKET_V3 ring: works on
 * every Linux interface, in monitor mode (the host keeps its frames).
 *
 * The kernel packs frames into blocks of the mapped ring and hands a block
 * to user space when it is full or when block_timeout_ms has passed.  We
 * walk a block's frames in place and give the block back only when every
 * frame taken from it has been released.  Frames are transmitted from slots
 * of our own with sendmmsg() on the same socket (see "Transmit" below for
 * why not PACKET_TX_RING).
 */
#define _GNU_SOURCE /* sendmmsg */
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netring_int.h"
#include "tpacket_v3.h"

#define BLOCK_SIZE_MIN 4096u
#define BLOCK_SIZE_MAX (4u << 20)
#define BLOCKS_WANTED 64u

/*
 * Transmit slots: tx_frames slots of frame_size bytes of our own memory,
 * sent with sendmmsg() on the receive socket (so the kernel never hands the
 * receive ring a frame this socket sent, even with NETRING_CF_OUTGOING).
 * Free-running indices: [head, prod) are committed and not yet taken by
 * the kernel (it refused them for now: a full send buffer or queue); the
 * kernel takes a frame whole or not at all, so taken means done.
 */
struct packet_tx {
	uint8_t *slots;    /* NULL: not set up */
	size_t slots_len;
	uint32_t mask;     /* tx_frames - 1 */
	uint32_t prod;
	uint32_t head;
	struct mmsghdr *msgs; /* one per slot, iov_len set at commit */
	struct iovec *iov;
	struct sockaddr_ll to; /* the interface, protocol 0: parsed per frame */
};

struct packet_ring {
	struct netring base;
	struct tp3_reader rd;
	uint8_t *map; /* the receive ring; NULL with NETRING_CF_TX_ONLY */
	size_t map_len;
	struct netring_backend_stats totals;
	struct packet_tx tx;
	/* The snap filter is attached, or attaching it failed: do not try
	 * again (the views are cut in user space either way). */
	bool snap_done;
};

static const struct netring_ops netring_packet_tx_only_ops;

static inline struct packet_ring *to_packet(struct netring *r)
{
	return container_of(r, struct packet_ring, base);
}

static int sockopt(int fd, int level, int name, const void *v, socklen_t len,
		   char *err, const char *what)
{
	if (setsockopt(fd, level, name, v, len) < 0)
		return nr_fail(err, -errno, "%s: %s", what, strerror(errno));
	return 0;
}

/*
 * The snap filter: one instruction, `ret #capacity`, which makes the kernel
 * cut each frame to the slot before copying it into the ring, so a frame
 * longer than a slot (a GSO/GRO super-frame, a jumbo frame) takes a slot's
 * worth of ring space instead of its whole length.  The kernel runs it for
 * every frame, which costs its receive path ~7 % of the frames it can
 * deliver on this kind of VM (bench/README.md), so it is attached only when
 * it can matter: at plug time when the MTU lets a frame be longer than a
 * slot, otherwise as soon as the ring sees the first frame that is (frames
 * already in the ring stay whole in the blocks; their views are cut).
 * libpcap likewise cuts in user space unless a filter is set.
 */
static int attach_snap(struct packet_ring *p, char *err)
{
	struct sock_filter snap = BPF_STMT(BPF_RET | BPF_K, p->rd.capacity);
	struct sock_fprog prog = { .len = 1, .filter = &snap };

	p->snap_done = true;
	return sockopt(p->base.fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
		       sizeof(prog), err, "SO_ATTACH_FILTER (snap length)");
}

/* Off the burst's path.  Should the kernel refuse (out of memory), the
 * views are still cut: only ring space is at stake, so the burst goes on. */
static void __attribute__((noinline, cold)) saw_long_frame(struct packet_ring *p)
{
	char err[NETRING_ERRBUF_SIZE];

	(void)attach_snap(p, err);
}

static int packet_rx_burst(struct netring *r, struct netring_frame *f,
			   unsigned max)
{
	struct packet_ring *p = to_packet(r);
	struct tp3_counts c = { 0 };
	unsigned n = tp3_read(&p->rd, f, max, &c);

	r->received += n;
	r->bytes += c.bytes;
	r->wire_bytes += c.wire_bytes;
	r->truncated += c.truncated;
	if (__builtin_expect(c.truncated != 0, 0) && !p->snap_done)
		saw_long_frame(p);
	return (int)n;
}

static void packet_rx_release(struct netring *r, unsigned n)
{
	tp3_release(&to_packet(r)->rd, n);
}

static bool packet_rx_ready(struct netring *r)
{
	return tp3_ready(&to_packet(r)->rd);
}

static int packet_stats(struct netring *r, struct netring_backend_stats *st)
{
	struct packet_ring *p = to_packet(r);
	struct tpacket_stats_v3 s;
	socklen_t len = sizeof(s);

	/* Reading clears the kernel's counters: keep running totals. */
	if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &s, &len) < 0)
		return nr_set_error(r, -errno, "PACKET_STATISTICS: %s",
				    strerror(errno));
	p->totals.kernel_seen += s.tp_packets;
	p->totals.dropped_ring_full += s.tp_drops;
	p->totals.freezes += s.tp_freeze_q_cnt;
	*st = p->totals;
	return 0;
}

/* ------------------------------------------------------------------------
 * Transmit
 * ------------------------------------------------------------------------
 *
 * sendmmsg() of the committed slots, one call per commit.  Measured on a
 * veth pair here with tests/packet_tx_rates.sh (2 vCPU shared with other
 * work, load average 6-7: 5 interleaved runs of 2 s, medians; frames/s
 * moves with the load, CPU ns per frame - the sender's user + system time,
 * the peer's receive work on the same CPU included - much less):
 *
 *                               64 B               1514 B
 *   path                   frames/s  ns/frame  frames/s  ns/frame
 *   PACKET_TX_RING, V2      0.77 M     687      0.72 M     721
 *   TX_RING + QDISC_BYPASS  0.75 M     677      0.73 M     722
 *   sendmmsg x 64           0.79 M     581      0.78 M     653
 *   sendmmsg + BYPASS       0.93 M     540      0.96 M     568
 *   netring (this code)     0.87 M     607      0.71 M     718
 *   netring + BYPASS        0.94 M     575      0.80 M     678
 *
 * (Earlier runs under less load gave 1.4-2.0 M frames/s, same order.)  The
 * TX ring's frames reach the driver as page fragments of the mapping (a
 * page reference per frame, a non-linear skb, a destructor writing the slot
 * back), which costs more here than sendmmsg()'s copy of up to 1514 bytes
 * into a linear skb, with or without the qdisc: sendmmsg() is the faster
 * path at both sizes, and the simpler to account (the kernel takes a frame
 * or refuses it in the call).  netring writes a distinct frame into each of
 * its slots; the hand-written sender resends one cached buffer, hence the
 * gap at 1514 bytes.
 */

/* The kernel will not take [head, prod) now: count them in *failed and
 * free their slots (they are the newest, so prod just moves back). */
static void tx_take_back(struct packet_tx *t, uint64_t *failed)
{
	*failed += t->prod - t->head;
	t->prod = t->head;
}

/* Frames [head, head + n) (not wrapping) were taken by the kernel. */
static void tx_taken(struct netring *r, struct packet_tx *t, unsigned n)
{
	uint64_t bytes = 0;

	for (unsigned i = 0; i < n; i++)
		bytes += t->iov[(t->head + i) & t->mask].iov_len;
	r->tx.sent += n;
	r->tx.bytes += bytes;
	t->head += n;
}

/* Hand the kernel the committed frames [head, prod), in order: one
 * sendmmsg() per contiguous run, and one more after a frame it refused. */
static int tx_kick(struct netring *r)
{
	struct packet_tx *t = &to_packet(r)->tx;
	int rc = 0;

	while (t->head != t->prod) {
		uint32_t at = t->head & t->mask;
		uint32_t n = t->prod - t->head;
		int k, err;

		if (n > t->mask + 1 - at)
			n = t->mask + 1 - at; /* up to the end of the slots */
		r->tx.wakeups++;
		k = sendmmsg(r->fd, t->msgs + at, n, MSG_DONTWAIT);
		if (k > 0) {
			tx_taken(r, t, (unsigned)k);
			continue;
		}
		err = k < 0 ? errno : EAGAIN;
		switch (err) {
		case EINTR:
			continue;
		case EAGAIN:
		case ENOBUFS:
			/* The send buffer or a queue is full: the frames stay
			 * committed and the next reserve, commit or wait
			 * retries them. */
			return rc;
		case ENETDOWN:
			tx_take_back(t, &r->tx.failed_down);
			return nr_set_error(r, -ENETDOWN,
					    "%s: the interface is down: frames not sent",
					    r->info.ifname);
		case ENXIO:
		case ENODEV:
			tx_take_back(t, &r->tx.failed_down);
			return r->gone = nr_set_error(r, -ENODEV,
						      "%s: the interface went away",
						      r->info.ifname);
		default:
			/* This one frame is refused (e.g. the MTU shrank
			 * since plug): count it, send the rest, and say so. */
			r->tx.failed_kernel++;
			t->head++;
			rc = nr_set_error(r, -err,
					  "%s: the kernel refused a frame of %zu bytes: %s",
					  r->info.ifname, t->iov[at].iov_len,
					  strerror(err));
			break;
		}
	}
	return rc;
}

static int packet_tx_reclaim(struct netring *r)
{
	struct packet_tx *t = &to_packet(r)->tx;

	if (unlikely(t->head != t->prod)) {
		int rc = tx_kick(r);

		if (rc == -ENODEV)
			return rc;
	}
	return (int)(t->mask + 1 - (t->prod - t->head));
}

static int packet_tx_reserve(struct netring *r, struct netring_tx_slot *s,
			     unsigned max)
{
	struct packet_tx *t = &to_packet(r)->tx;
	uint32_t cap = r->info.tx_capacity;
	int free = packet_tx_reclaim(r);

	if (unlikely(free <= 0))
		return free;
	if (max > (unsigned)free)
		max = (unsigned)free;
	for (unsigned i = 0; i < max; i++) {
		s[i].data = t->iov[(t->prod + i) & t->mask].iov_base;
		s[i].capacity = cap;
		s[i].len = 0;
	}
	return (int)max;
}

static int packet_tx_commit(struct netring *r, const struct netring_tx_slot *s,
			    unsigned n, unsigned reserved)
{
	struct packet_tx *t = &to_packet(r)->tx;
	int rc;

	(void)reserved; /* the rest were never marked: nothing to give back */
	if (!n)
		return 0;
	for (unsigned i = 0; i < n; i++)
		t->iov[(t->prod + i) & t->mask].iov_len = s[i].len;
	t->prod += n;
	r->tx.queued += n;
	rc = tx_kick(r);
	return rc < 0 ? rc : (int)n;
}

static int packet_tx_fd(struct netring *r)
{
	return r->fd;
}

static int packet_rx_none(struct netring *r, struct netring_frame *f,
			  unsigned max)
{
	(void)r;
	(void)f;
	(void)max;
	return 0;
}

static void packet_release_none(struct netring *r, unsigned n)
{
	(void)r;
	(void)n;
}

static bool packet_ready_none(struct netring *r)
{
	(void)r;
	return false;
}

static void packet_close(struct netring *r)
{
	struct packet_ring *p = to_packet(r);

	if (r->fd >= 0)
		close(r->fd);
	if (p->map)
		munmap(p->map, p->map_len);
	free(p->rd.taken);
	if (p->tx.slots)
		munmap(p->tx.slots, p->tx.slots_len);
	free(p->tx.msgs);
	free(p->tx.iov);
	free(p);
}

/* Blocks of at least four slots, about BLOCKS_WANTED of them: many blocks
 * waste less memory at low rates (a timed-out block is handed over part
 * full), large blocks mean fewer wake-ups at high rates. */
static uint32_t choose_block_size(uint64_t total, uint32_t frame_size)
{
	uint64_t bs = total / BLOCKS_WANTED;

	if (bs < 4ull * frame_size)
		bs = 4ull * frame_size;
	if (bs < BLOCK_SIZE_MIN)
		bs = BLOCK_SIZE_MIN;
	if (bs > BLOCK_SIZE_MAX)
		bs = BLOCK_SIZE_MAX;
	if (bs > total)
		bs = total;
	return (uint32_t)bs;
}

/* The receive half: snap filter, VLAN headroom, own frames ignored, the
 * TPACKET_V3 receive ring (mapped later, with the transmit ring). */
static int setup_rx(struct packet_ring *p, const struct netring_config *cfg,
		    uint32_t mtu, struct tpacket_req3 *req, char *err)
{
	uint64_t total = (uint64_t)cfg->ring_frames * cfg->frame_size;
	int fd = p->base.fd, v, rc;

	/* Room in front of each frame to put a stripped VLAN tag back. */
	v = TP3_VLAN_TAG_LEN;
	rc = sockopt(fd, SOL_PACKET, PACKET_RESERVE, &v, sizeof(v), err,
		     "PACKET_RESERVE");
	if (rc)
		return rc;
	/* A frame can be longer than a slot without GSO/GRO: cut it in the
	 * kernel from the start (MTU 0: not known, assume so). */
	if (!mtu || mtu + ETH_HLEN + 2 * TP3_VLAN_TAG_LEN > p->rd.capacity) {
		rc = attach_snap(p, err);
		if (rc)
			return rc;
	}
	if (!(cfg->flags & NETRING_CF_OUTGOING)) {
		v = 1;
		if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v,
			       sizeof(v)) < 0)
			p->rd.skip_outgoing = true; /* before 4.20: do it here */
	}
	p->rd.check_pkttype = p->rd.skip_outgoing ||
			      (cfg->flags & NETRING_CF_OUTGOING);

	p->rd.block_size = choose_block_size(total, cfg->frame_size);
	memset(req, 0, sizeof(*req));
	req->tp_block_size = p->rd.block_size;
	req->tp_block_nr = (uint32_t)(total / p->rd.block_size);
	req->tp_frame_size = cfg->frame_size;
	req->tp_frame_nr = (uint32_t)(total / cfg->frame_size);
	req->tp_retire_blk_tov = cfg->block_timeout_ms;
	p->rd.block_mask = req->tp_block_nr - 1;
	rc = sockopt(fd, SOL_PACKET, PACKET_RX_RING, req, sizeof(*req), err,
		     "PACKET_RX_RING");
	if (rc)
		return rc;
	p->rd.taken = calloc(req->tp_block_nr, sizeof(*p->rd.taken));
	if (!p->rd.taken)
		return nr_fail(err, -ENOMEM, "out of memory");
	return 0;
}

/* The transmit half: tx_frames slots of frame_size bytes, each frame at
 * NETRING_FRAME_HEADROOM into its slot (as on receive), and a message per
 * slot prepared once so a commit only sets lengths. */
static int setup_tx(struct packet_ring *p, const struct netring_plug *pl,
		    char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	struct packet_tx *t = &p->tx;
	int v, rc;

	if (cfg->flags & NETRING_CF_QDISC_BYPASS) {
		v = 1;
		rc = sockopt(p->base.fd, SOL_PACKET, PACKET_QDISC_BYPASS, &v,
			     sizeof(v), err, "PACKET_QDISC_BYPASS");
		if (rc)
			return rc;
	}
	t->mask = cfg->tx_frames - 1;
	t->slots_len = (size_t)cfg->tx_frames * cfg->frame_size;
	/* Not populated: a ring that never transmits costs no memory, one
	 * that does faults each page in once, on its first lap. */
	t->slots = mmap(NULL, t->slots_len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->slots == MAP_FAILED) {
		t->slots = NULL;
		return nr_fail(err, -errno, "mmap of %zu bytes of transmit slots: %s",
			       t->slots_len, strerror(errno));
	}
	t->msgs = calloc(cfg->tx_frames, sizeof(*t->msgs));
	t->iov = calloc(cfg->tx_frames, sizeof(*t->iov));
	if (!t->msgs || !t->iov)
		return nr_fail(err, -ENOMEM, "out of memory");
	/* Protocol 0: the kernel takes each frame's from its EtherType. */
	t->to.sll_family = AF_PACKET;
	t->to.sll_ifindex = (int)pl->ifi.ifindex;
	for (uint32_t i = 0; i < cfg->tx_frames; i++) {
		t->iov[i].iov_base = t->slots + (size_t)i * cfg->frame_size +
				     NETRING_FRAME_HEADROOM;
		t->msgs[i].msg_hdr.msg_name = &t->to;
		t->msgs[i].msg_hdr.msg_namelen = sizeof(t->to);
		t->msgs[i].msg_hdr.msg_iov = &t->iov[i];
		t->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static int packet_open(const struct netring_plug *pl, struct netring **rp,
		       char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	bool tx_only = cfg->flags & NETRING_CF_TX_ONLY;
	struct tpacket_req3 rx_req = { 0 };
	struct packet_ring *p;
	struct sockaddr_ll sll;
	int v, rc, fd;

	if (cfg->mode == NETRING_MODE_TAKE)
		return nr_fail(err, -EOPNOTSUPP,
			       "%s: AF_PACKET can only watch frames (monitor mode); taking them from the host needs the xdp backend",
			       pl->ifi.name);
	if (cfg->queue > 0)
		return nr_fail(err, -EOPNOTSUPP,
			       "%s: AF_PACKET sees every queue at once; queue %d cannot be chosen",
			       pl->ifi.name, cfg->queue);

	/* Protocol 0: no frame is queued before the ring exists. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		if (rc == -EPERM || rc == -EACCES)
			return nr_fail(err, rc,
				       "%s: opening an AF_PACKET socket needs CAP_NET_RAW (run as root or grant the capability)",
				       pl->ifi.name);
		return nr_fail(err, rc, "%s: AF_PACKET socket: %s", pl->ifi.name,
			       strerror(-rc));
	}

	p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		return nr_fail(err, -ENOMEM, "out of memory");
	}
	p->base.ops = tx_only ? &netring_packet_tx_only_ops : &netring_packet_ops;
	p->base.fd = fd;
	p->base.break_fd = -1;
	p->rd.ifindex = pl->ifi.ifindex;
	p->rd.capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	p->rd.vlan_restore = !(cfg->flags & NETRING_CF_NO_VLAN_RESTORE);

	v = TPACKET_V3;
	rc = sockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v), err,
		     "PACKET_VERSION TPACKET_V3");
	if (rc)
		goto fail;
	if (!tx_only) {
		rc = setup_rx(p, cfg, pl->ifi.mtu, &rx_req, err);
		if (rc)
			goto fail;
	}
	rc = setup_tx(p, pl, err);
	if (rc)
		goto fail;

	if (!tx_only) {
		p->map_len = (size_t)rx_req.tp_block_nr * rx_req.tp_block_size;
		p->map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_POPULATE, fd, 0);
		if (p->map == MAP_FAILED) {
			p->map = NULL;
			rc = nr_fail(err, -errno, "mmap of the %zu-byte ring: %s",
				     p->map_len, strerror(errno));
			goto fail;
		}
		p->rd.map = p->map;
	}

	if ((cfg->flags & NETRING_CF_PROMISC) && !tx_only) {
		struct packet_mreq mr = { .mr_ifindex = (int)pl->ifi.ifindex,
					  .mr_type = PACKET_MR_PROMISC };

		rc = sockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			     sizeof(mr), err, "promiscuous mode");
		if (rc)
			goto fail;
	}

	/* Transmit only: bound with protocol 0, the socket receives nothing
	 * (the kernel hooks no receive handler for it). */
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = tx_only ? 0 : htons(ETH_P_ALL);
	sll.sll_ifindex = (int)pl->ifi.ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		rc = -errno;
		if (rc == -ENODEV || rc == -ENXIO)
			nr_fail(err, -ENODEV, "%s: no such interface",
				pl->ifi.name);
		else
			nr_fail(err, rc, "%s: bind: %s", pl->ifi.name,
				strerror(-rc));
		rc = rc == -ENXIO ? -ENODEV : rc;
		goto fail;
	}

	if (tx_only)
		snprintf(p->base.info.detail, sizeof(p->base.info.detail),
			 "AF_PACKET transmit only, %u slots, sendmmsg%s",
			 cfg->tx_frames,
			 cfg->flags & NETRING_CF_QDISC_BYPASS ? ", qdisc bypass" : "");
	else
		snprintf(p->base.info.detail, sizeof(p->base.info.detail),
			 "AF_PACKET TPACKET_V3, %u x %u KiB blocks, %u ms timeout, snap %s; tx %u slots, sendmmsg%s",
			 rx_req.tp_block_nr, p->rd.block_size >> 10,
			 cfg->block_timeout_ms,
			 p->snap_done ? "in kernel" : "in kernel once needed",
			 cfg->tx_frames,
			 cfg->flags & NETRING_CF_QDISC_BYPASS ? ", qdisc bypass" : "");
	*rp = &p->base;
	return 0;
fail:
	packet_close(&p->base);
	return rc;
}

const struct netring_ops netring_packet_ops = {
	.name = "packet",
	.open = packet_open,
	.close = packet_close,
	.rx_burst = packet_rx_burst,
	.rx_release = packet_rx_release,
	.rx_ready = packet_rx_ready,
	.stats = packet_stats,
	.tx_reserve = packet_tx_reserve,
	.tx_commit = packet_tx_commit,
	.tx_reclaim = packet_tx_reclaim,
	.tx_fd = packet_tx_fd,
};

/* NETRING_CF_TX_ONLY: no receive ring, so nothing to read or release. */
static const struct netring_ops netring_packet_tx_only_ops = {
	.name = "packet",
	.open = packet_open,
	.close = packet_close,
	.rx_burst = packet_rx_none,
	.rx_release = packet_release_none,
	.rx_ready = packet_ready_none,
	.stats = packet_stats,
	.tx_reserve = packet_tx_reserve,
	.tx_commit = packet_tx_commit,
	.tx_reclaim = packet_tx_reclaim,
	.tx_fd = packet_tx_fd,
};
