/* SPDX-License-Identifier: MIT */
/*
 * backend_packet.c - AF_PACKET with a PACKET_MMAP TPACKET_V3 ring: works on
 * every Linux interface, in monitor mode (the host keeps its frames).
 *
 * The kernel packs frames into blocks of the mapped ring and hands a block
 * to user space when it is full or when block_timeout_ms has passed.  We
 * walk a block's frames in place and give the block back only when every
 * frame taken from it has been released.
 */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netring_int.h"

#define VLAN_TAG_LEN 4
#define BLOCK_SIZE_MIN 4096u
#define BLOCK_SIZE_MAX (4u << 20)
#define BLOCKS_WANTED 64u

struct packet_ring {
	struct netring base;
	uint8_t *map;
	size_t map_len;
	uint32_t block_size;
	uint32_t block_mask; /* block count - 1; the count is a power of two */
	uint32_t capacity;   /* longest frame delivered whole */
	uint32_t ifindex;
	bool vlan_restore;
	bool check_pkttype; /* look at each frame's sll_pkttype: */
	bool skip_outgoing; /* the kernel lacks PACKET_IGNORE_OUTGOING */

	/*
	 * Reader state.  Blocks rel_blk .. rel_blk+walked-1 have been read to
	 * the end and wait for their frames to be released; blk_cur (which is
	 * rel_blk+walked) is being read when `reading`, else it is the block we
	 * wait for.  taken[b] counts frames of block b delivered, not released.
	 */
	uint32_t rel_blk;
	uint32_t walked;
	uint32_t blk_cur;
	uint32_t left;
	bool reading;
	const uint8_t *pkt;
	uint32_t *taken;

	struct netring_backend_stats totals;
};

static inline struct packet_ring *to_packet(struct netring *r)
{
	return container_of(r, struct packet_ring, base);
}

static inline struct tpacket_block_desc *block_at(const struct packet_ring *p,
						  uint32_t b)
{
	return (struct tpacket_block_desc *)(p->map + (size_t)b * p->block_size);
}

static inline bool block_is_ours(const struct packet_ring *p, uint32_t b)
{
	/* Pairs with the kernel's smp_wmb() before it sets TP_STATUS_USER:
	 * the frames of the block are visible once we see the status. */
	return __atomic_load_n(&block_at(p, b)->hdr.bh1.block_status,
			       __ATOMIC_ACQUIRE) &
	       TP_STATUS_USER;
}

static inline void block_give_back(struct packet_ring *p, uint32_t b)
{
	/* Orders our reads (and VLAN rewrites) of the block before the kernel
	 * may refill it. */
	__atomic_store_n(&block_at(p, b)->hdr.bh1.block_status, TP_STATUS_KERNEL,
			 __ATOMIC_RELEASE);
}

/* Give back the read-to-the-end blocks whose frames are all released. */
static inline void give_back_done(struct packet_ring *p)
{
	while (p->walked && p->taken[p->rel_blk] == 0) {
		block_give_back(p, p->rel_blk);
		p->rel_blk = (p->rel_blk + 1) & p->block_mask;
		p->walked--;
	}
}

static inline void finish_block(struct packet_ring *p)
{
	p->reading = false;
	p->walked++;
	p->blk_cur = (p->blk_cur + 1) & p->block_mask;
	give_back_done(p);
}

/* Put a tag the kernel stripped back in front of the EtherType, in the
 * headroom PACKET_RESERVE keeps in front of the frame (as libpcap does). */
static inline uint8_t *vlan_restore(uint8_t *mac, uint16_t tpid, uint16_t tci)
{
	uint16_t be_tpid = htons(tpid), be_tci = htons(tci);

	memmove(mac - VLAN_TAG_LEN, mac, 2 * ETH_ALEN);
	mac -= VLAN_TAG_LEN;
	memcpy(mac + 2 * ETH_ALEN, &be_tpid, 2);
	memcpy(mac + 2 * ETH_ALEN + 2, &be_tci, 2);
	return mac;
}

static int packet_rx_burst(struct netring *r, struct netring_frame *f,
			   unsigned max)
{
	struct packet_ring *p = to_packet(r);
	uint64_t bytes = 0, wire_bytes = 0;
	unsigned n = 0, truncated = 0;

	while (n < max) {
		const struct tpacket3_hdr *h;
		uint32_t status, snap, wire;
		uint16_t flags = 0;
		uint8_t *mac;

		if (!p->reading) {
			const struct tpacket_block_desc *bd;

			if (p->walked > p->block_mask ||
			    !block_is_ours(p, p->blk_cur))
				break;
			bd = block_at(p, p->blk_cur);
			p->left = bd->hdr.bh1.num_pkts;
			p->pkt = (const uint8_t *)bd +
				 bd->hdr.bh1.offset_to_first_pkt;
			p->reading = true;
			if (unlikely(!p->left)) {
				finish_block(p);
				continue;
			}
		}

		h = (const struct tpacket3_hdr *)p->pkt;
		status = h->tp_status;
		mac = (uint8_t *)p->pkt + h->tp_mac;
		snap = h->tp_snaplen;
		wire = h->tp_len;

		if (unlikely(p->check_pkttype)) {
			const struct sockaddr_ll *sll =
				(const void *)(p->pkt + TPACKET_ALIGN(sizeof(*h)));

			if (sll->sll_pkttype == PACKET_OUTGOING) {
				if (p->skip_outgoing)
					goto next;
				flags |= NETRING_FRAME_OUTGOING;
			}
		}

		if (unlikely(status & TP_STATUS_VLAN_VALID)) {
			flags |= NETRING_FRAME_VLAN;
			f[n].vlan_tci = h->hv1.tp_vlan_tci;
			if (p->vlan_restore && snap >= 2 * ETH_ALEN) {
				uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) ?
							h->hv1.tp_vlan_tpid :
							ETH_P_8021Q;

				mac = vlan_restore(mac, tpid, h->hv1.tp_vlan_tci);
				snap += VLAN_TAG_LEN;
				wire += VLAN_TAG_LEN;
				flags |= NETRING_FRAME_VLAN_RESTORED;
				if (snap > p->capacity)
					snap = p->capacity;
			}
		} else {
			f[n].vlan_tci = 0;
		}
		if (unlikely(snap < wire)) {
			flags |= NETRING_FRAME_TRUNCATED;
			truncated++;
		}
		if (status & TP_STATUS_TS_RAW_HARDWARE)
			flags |= NETRING_FRAME_TS_HARDWARE;
		else
			flags |= NETRING_FRAME_TS_SOFTWARE;

		f[n].data = mac;
		f[n].len = snap;
		f[n].wire_len = wire;
		f[n].ts_ns = (uint64_t)h->tp_sec * 1000000000ull + h->tp_nsec;
		f[n].ifindex = p->ifindex;
		f[n].flags = flags;
		bytes += snap;
		wire_bytes += wire;
		n++;
		p->taken[p->blk_cur]++;
next:
		if (--p->left == 0)
			finish_block(p);
		else
			p->pkt += h->tp_next_offset;
	}
	r->received += n;
	r->bytes += bytes;
	r->wire_bytes += wire_bytes;
	r->truncated += truncated;
	return (int)n;
}

static void packet_rx_release(struct netring *r, unsigned n)
{
	struct packet_ring *p = to_packet(r);

	while (n) {
		uint32_t *t = &p->taken[p->rel_blk];
		uint32_t k = *t < n ? *t : n;

		*t -= k;
		n -= k;
		if (*t || !p->walked)
			break; /* the rest of the held frames are in this block */
		give_back_done(p);
	}
}

static bool packet_rx_ready(struct netring *r)
{
	struct packet_ring *p = to_packet(r);

	if (p->reading)
		return true;
	return p->walked <= p->block_mask && block_is_ours(p, p->blk_cur);
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

static void packet_close(struct netring *r)
{
	struct packet_ring *p = to_packet(r);

	if (r->fd >= 0)
		close(r->fd);
	if (p->map)
		munmap(p->map, p->map_len);
	free(p->taken);
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

static int sockopt(int fd, int level, int name, const void *v, socklen_t len,
		   char *err, const char *what)
{
	if (setsockopt(fd, level, name, v, len) < 0)
		return nr_fail(err, -errno, "%s: %s", what, strerror(errno));
	return 0;
}

static int packet_open(const struct netring_plug *pl, struct netring **rp,
		       char *err)
{
	const struct netring_config *cfg = &pl->cfg;
	uint64_t total = (uint64_t)cfg->ring_frames * cfg->frame_size;
	struct packet_ring *p;
	struct tpacket_req3 req;
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
	p->base.ops = &netring_packet_ops;
	p->base.fd = fd;
	p->base.break_fd = -1;
	p->ifindex = pl->ifi.ifindex;
	p->capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	p->vlan_restore = !(cfg->flags & NETRING_CF_NO_VLAN_RESTORE);

	v = TPACKET_V3;
	rc = sockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v), err,
		     "PACKET_VERSION TPACKET_V3");
	if (rc)
		goto fail;
	/* Room in front of each frame to put a stripped VLAN tag back. */
	v = VLAN_TAG_LEN;
	rc = sockopt(fd, SOL_PACKET, PACKET_RESERVE, &v, sizeof(v), err,
		     "PACKET_RESERVE");
	if (rc)
		goto fail;
	{
		/* The kernel cuts each frame to what the filter returns: this
		 * is what keeps a frame inside its slot. */
		struct sock_filter snap = BPF_STMT(BPF_RET | BPF_K, p->capacity);
		struct sock_fprog prog = { .len = 1, .filter = &snap };

		rc = sockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			     sizeof(prog), err, "SO_ATTACH_FILTER (snap length)");
		if (rc)
			goto fail;
	}
	if (!(cfg->flags & NETRING_CF_OUTGOING)) {
		v = 1;
		if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &v,
			       sizeof(v)) < 0)
			p->skip_outgoing = true; /* before 4.20: do it here */
	}
	p->check_pkttype = p->skip_outgoing || (cfg->flags & NETRING_CF_OUTGOING);

	p->block_size = choose_block_size(total, cfg->frame_size);
	memset(&req, 0, sizeof(req));
	req.tp_block_size = p->block_size;
	req.tp_block_nr = (uint32_t)(total / p->block_size);
	req.tp_frame_size = cfg->frame_size;
	req.tp_frame_nr = (uint32_t)(total / cfg->frame_size);
	req.tp_retire_blk_tov = cfg->block_timeout_ms;
	p->block_mask = req.tp_block_nr - 1;
	rc = sockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req), err,
		     "PACKET_RX_RING");
	if (rc)
		goto fail;
	p->map_len = (size_t)total;
	p->map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p->map == MAP_FAILED) {
		p->map = NULL;
		rc = nr_fail(err, -errno, "mmap of the %zu-byte ring: %s",
			     p->map_len, strerror(errno));
		goto fail;
	}
	p->taken = calloc(req.tp_block_nr, sizeof(*p->taken));
	if (!p->taken) {
		rc = nr_fail(err, -ENOMEM, "out of memory");
		goto fail;
	}

	if (cfg->flags & NETRING_CF_PROMISC) {
		struct packet_mreq mr = { .mr_ifindex = (int)pl->ifi.ifindex,
					  .mr_type = PACKET_MR_PROMISC };

		rc = sockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			     sizeof(mr), err, "promiscuous mode");
		if (rc)
			goto fail;
	}

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
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

	snprintf(p->base.info.detail, sizeof(p->base.info.detail),
		 "AF_PACKET TPACKET_V3, %u blocks of %u KiB, block timeout %u ms",
		 req.tp_block_nr, p->block_size >> 10, cfg->block_timeout_ms);
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
};
