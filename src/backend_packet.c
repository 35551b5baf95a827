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

struct packet_ring {
	struct netring base;
	struct tp3_reader rd;
	size_t map_len;
	struct netring_backend_stats totals;
};

static inline struct packet_ring *to_packet(struct netring *r)
{
	return container_of(r, struct packet_ring, base);
}

static int packet_rx_burst(struct netring *r, struct netring_frame *f,
			   unsigned max)
{
	struct tp3_counts c = { 0 };
	unsigned n = tp3_read(&to_packet(r)->rd, f, max, &c);

	r->received += n;
	r->bytes += c.bytes;
	r->wire_bytes += c.wire_bytes;
	r->truncated += c.truncated;
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

static void packet_close(struct netring *r)
{
	struct packet_ring *p = to_packet(r);

	if (r->fd >= 0)
		close(r->fd);
	if (p->rd.map)
		munmap(p->rd.map, p->map_len);
	free(p->rd.taken);
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
	p->rd.ifindex = pl->ifi.ifindex;
	p->rd.capacity = cfg->frame_size - NETRING_FRAME_HEADROOM;
	p->rd.vlan_restore = !(cfg->flags & NETRING_CF_NO_VLAN_RESTORE);

	v = TPACKET_V3;
	rc = sockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v), err,
		     "PACKET_VERSION TPACKET_V3");
	if (rc)
		goto fail;
	/* Room in front of each frame to put a stripped VLAN tag back. */
	v = TP3_VLAN_TAG_LEN;
	rc = sockopt(fd, SOL_PACKET, PACKET_RESERVE, &v, sizeof(v), err,
		     "PACKET_RESERVE");
	if (rc)
		goto fail;
	{
		/* The kernel cuts each frame to what the filter returns: this
		 * is what keeps a frame inside its slot. */
		struct sock_filter snap = BPF_STMT(BPF_RET | BPF_K, p->rd.capacity);
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
			p->rd.skip_outgoing = true; /* before 4.20: do it here */
	}
	p->rd.check_pkttype = p->rd.skip_outgoing ||
			      (cfg->flags & NETRING_CF_OUTGOING);

	p->rd.block_size = choose_block_size(total, cfg->frame_size);
	memset(&req, 0, sizeof(req));
	req.tp_block_size = p->rd.block_size;
	req.tp_block_nr = (uint32_t)(total / p->rd.block_size);
	req.tp_frame_size = cfg->frame_size;
	req.tp_frame_nr = (uint32_t)(total / cfg->frame_size);
	req.tp_retire_blk_tov = cfg->block_timeout_ms;
	p->rd.block_mask = req.tp_block_nr - 1;
	rc = sockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req), err,
		     "PACKET_RX_RING");
	if (rc)
		goto fail;
	p->map_len = (size_t)total;
	p->rd.map = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p->rd.map == MAP_FAILED) {
		p->rd.map = NULL;
		rc = nr_fail(err, -errno, "mmap of the %zu-byte ring: %s",
			     p->map_len, strerror(errno));
		goto fail;
	}
	p->rd.taken = calloc(req.tp_block_nr, sizeof(*p->rd.taken));
	if (!p->rd.taken) {
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
		 req.tp_block_nr, p->rd.block_size >> 10, cfg->block_timeout_ms);
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
