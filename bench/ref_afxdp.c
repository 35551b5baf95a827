// SPDX-License-Identifier: MIT
/*
 * ref_afxdp.c - nrb-ref-afxdp: the hand-written AF_XDP receive loop that
 * netring's xdp backend is measured against.  Written the way the kernel's
 * AF_XDP documentation shows it, with plain system calls: one UMEM, a fill
 * and an RX ring, a program that redirects every frame to the socket of its
 * queue; peek a batch, handle it, put the buffers back on the fill ring,
 * release the RX entries; poll() when the ring is empty.  Same ring sizes
 * as netring's defaults (4096 slots of 2048 bytes), copy mode (veth has no
 * zero-copy), native XDP.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nrb.h"
#include "nrb_xsk_skel.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define NUM_FRAMES 4096u
#define FRAME_SIZE 2048u
/* The kernel publishes how far it has read the fill ring only when it has
 * used up what it last saw there, so the consumer index we read can lag by
 * up to NUM_FRAMES: a ring of twice that always has room for every frame
 * we give back. */
#define FILL_SIZE (2 * NUM_FRAMES)
#define BATCH 64u

/* One ring shared with the kernel, with our cached copy of both indices
 * (libxdp's xsk.h does the same). */
struct ring {
	uint32_t *producer;
	uint32_t *consumer;
	uint32_t *flags;
	void *descs;
	uint32_t mask;
	uint32_t size;
	uint32_t cached_prod;
	uint32_t cached_cons;
	void *map;
	size_t map_len;
};

struct xsk {
	int fd;
	uint8_t *umem;
	struct ring fill;
	struct ring rx;
	struct nrb_rx st;
	uint64_t batches;
	uint64_t empty;
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* RX: how many descriptors are ready, up to max; *idx is the first. */
static inline uint32_t rx_peek(struct ring *r, uint32_t max, uint32_t *idx)
{
	uint32_t n = r->cached_prod - r->cached_cons;

	if (n == 0) {
		/* Pairs with the kernel's store-release of the producer. */
		r->cached_prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
		n = r->cached_prod - r->cached_cons;
	}
	if (n > max)
		n = max;
	*idx = r->cached_cons;
	r->cached_cons += n;
	return n;
}

static inline void rx_release(struct ring *r, uint32_t n)
{
	/* Our reads of the descriptors come before the kernel reuses them. */
	__atomic_store_n(r->consumer, *r->consumer + n, __ATOMIC_RELEASE);
}

/* Fill: reserve n entries (there is always room, see FILL_SIZE), written
 * at *idx.. and published by fill_submit(). */
static inline uint32_t fill_reserve(struct ring *r, uint32_t n, uint32_t *idx)
{
	uint32_t free_entries = r->cached_cons - r->cached_prod;

	if (free_entries < n) {
		r->cached_cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE) +
				 r->size;
		free_entries = r->cached_cons - r->cached_prod;
		if (free_entries < n)
			return 0;
	}
	*idx = r->cached_prod;
	r->cached_prod += n;
	return n;
}

static inline void fill_submit(struct xsk *x, uint32_t n)
{
	struct ring *r = &x->fill;

	/* The addresses are visible before the kernel sees the producer. */
	__atomic_store_n(r->producer, *r->producer + n, __ATOMIC_RELEASE);
	if (__atomic_load_n(r->flags, __ATOMIC_RELAXED) & XDP_RING_NEED_WAKEUP)
		recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

#ifdef NRB_COUNTING
/* The instruction-counting build calls the handler out of line, so that
 * callgrind can leave it out of the receive path's count. */
__attribute__((noinline)) void nrb_handler(struct nrb_rx *s, const uint8_t *d,
					   uint32_t len);
__attribute__((noinline)) void nrb_handler(struct nrb_rx *s, const uint8_t *d,
					   uint32_t len)
{
	nrb_rx_frame(s, d, len);
}
#else
#define nrb_handler nrb_rx_frame
#endif

/* One batch: take, handle, give the buffers back.  Returns its size. */
__attribute__((noinline)) unsigned xsk_batch(struct xsk *x);
__attribute__((noinline)) unsigned xsk_batch(struct xsk *x)
{
	const struct xdp_desc *descs = x->rx.descs;
	uint64_t *fill = x->fill.descs;
	uint32_t idx_rx, idx_fill, n;

	n = rx_peek(&x->rx, BATCH, &idx_rx);
	if (!n)
		return 0;
	if (fill_reserve(&x->fill, n, &idx_fill) != n) {
		fprintf(stderr, "nrb-ref-afxdp: fill ring full: a bug\n");
		exit(1);
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct xdp_desc *d = &descs[(idx_rx + i) & x->rx.mask];

		nrb_handler(&x->st, x->umem + d->addr, d->len);
		fill[(idx_fill + i) & x->fill.mask] = d->addr;
	}
	rx_release(&x->rx, n);
	fill_submit(x, n);
	return n;
}

static int ring_map(int fd, struct ring *r, const struct xdp_ring_offset *off,
		    uint32_t entries, size_t desc_size, off_t pgoff)
{
	r->map_len = off->desc + (size_t)entries * desc_size;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_POPULATE, fd, pgoff);
	if (r->map == MAP_FAILED)
		return -errno;
	r->producer = (uint32_t *)((char *)r->map + off->producer);
	r->consumer = (uint32_t *)((char *)r->map + off->consumer);
	r->flags = (uint32_t *)((char *)r->map + off->flags);
	r->descs = (char *)r->map + off->desc;
	r->size = entries;
	r->mask = entries - 1;
	r->cached_prod = *r->producer;
	r->cached_cons = *r->consumer;
	return 0;
}

static int set_u32(int fd, int name, uint32_t v)
{
	return setsockopt(fd, SOL_XDP, name, &v, sizeof(v)) ? -errno : 0;
}

/* A queue just released by a closed socket stays busy for some tens of
 * milliseconds: retry within a deadline. */
static int bind_retry(int fd, const struct sockaddr_xdp *sxdp)
{
	uint64_t deadline = nrb_mono_ns() + 2000000000ull;
	struct timespec pause = { .tv_nsec = 5000000 };

	while (bind(fd, (const struct sockaddr *)sxdp, sizeof(*sxdp))) {
		if (errno != EBUSY || nrb_mono_ns() > deadline)
			return -errno;
		nanosleep(&pause, NULL);
	}
	return 0;
}

static int xsk_open(struct xsk *x, unsigned ifindex)
{
	struct xdp_umem_reg reg = { 0 };
	struct xdp_mmap_offsets off;
	struct sockaddr_xdp sxdp = { 0 };
	socklen_t len = sizeof(off);
	uint32_t idx = 0;
	int rc;

	x->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (x->fd < 0)
		return -errno;
	x->umem = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->umem == MAP_FAILED)
		return -errno;
	reg.addr = (uint64_t)(uintptr_t)x->umem;
	reg.len = (uint64_t)NUM_FRAMES * FRAME_SIZE;
	reg.chunk_size = FRAME_SIZE;
	if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)))
		return -errno;
	rc = set_u32(x->fd, XDP_UMEM_FILL_RING, FILL_SIZE);
	if (!rc)
		rc = set_u32(x->fd, XDP_UMEM_COMPLETION_RING, 64);
	if (!rc)
		rc = set_u32(x->fd, XDP_RX_RING, NUM_FRAMES);
	if (rc)
		return rc;
	if (getsockopt(x->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len))
		return -errno;
	rc = ring_map(x->fd, &x->fill, &off.fr, FILL_SIZE, sizeof(uint64_t),
		      XDP_UMEM_PGOFF_FILL_RING);
	if (!rc)
		rc = ring_map(x->fd, &x->rx, &off.rx, NUM_FRAMES,
			      sizeof(struct xdp_desc), XDP_PGOFF_RX_RING);
	if (rc)
		return rc;
	x->fill.cached_cons += x->fill.size; /* all free */

	/* Every frame starts on the fill ring. */
	fill_reserve(&x->fill, NUM_FRAMES, &idx);
	for (uint32_t i = 0; i < NUM_FRAMES; i++)
		((uint64_t *)x->fill.descs)[(idx + i) & x->fill.mask] =
			(uint64_t)i * FRAME_SIZE;
	__atomic_store_n(x->fill.producer, *x->fill.producer + NUM_FRAMES,
			 __ATOMIC_RELEASE);

	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = ifindex;
	sxdp.sxdp_queue_id = 0;
	sxdp.sxdp_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
	return bind_retry(x->fd, &sxdp);
}

int main(int argc, char **argv)
{
	struct xsk x = { .fd = -1 };
	struct nrb_xsk_skel *skel = NULL;
	const char *ifname = NULL, *cdf = NULL;
	struct xdp_statistics xs = { 0 };
	socklen_t slen = sizeof(xs);
	bool latency = false, spin = false;
	unsigned ifindex;
	uint32_t key = 0;
	char extra[256];
	int opt, rc, fd;

	while ((opt = getopt(argc, argv, "i:lc:s")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 's':
			spin = true;
			break;
		case 'l':
			latency = true;
			break;
		case 'c':
			cdf = optarg;
			break;
		default:
			fprintf(stderr, "usage: nrb-ref-afxdp -i IFACE [-s] [-l [-c CDF]]\n");
			return 2;
		}
	}
	if (!ifname || !(ifindex = if_nametoindex(ifname))) {
		fprintf(stderr, "nrb-ref-afxdp: no interface (-i)\n");
		return 2;
	}
	if (nrb_rx_init(&x.st, latency)) {
		fprintf(stderr, "nrb-ref-afxdp: out of memory\n");
		return 1;
	}
	rc = xsk_open(&x, ifindex);
	if (rc) {
		fprintf(stderr, "nrb-ref-afxdp: AF_XDP socket on %s: %s\n", ifname,
			strerror(-rc));
		return 1;
	}
	skel = nrb_xsk_skel__open_and_load();
	if (!skel) {
		fprintf(stderr, "nrb-ref-afxdp: load BPF program: %s\n",
			strerror(errno));
		return 1;
	}
	fd = x.fd;
	rc = bpf_map_update_elem(bpf_map__fd(skel->maps.xsks), &key, &fd, 0);
	if (!rc)
		rc = bpf_xdp_attach((int)ifindex, bpf_program__fd(skel->progs.nrb_xsk),
				    XDP_FLAGS_DRV_MODE, NULL);
	if (rc) {
		fprintf(stderr, "nrb-ref-afxdp: attach native XDP to %s: %s\n",
			ifname, strerror(errno));
		nrb_xsk_skel__destroy(skel);
		return 1;
	}
	nrb_on_stop(on_stop);
	nrb_ready(&x.st, "ref-afxdp copy native");

	for (;;) {
		struct pollfd pfd = { .fd = x.fd, .events = POLLIN };

		if (xsk_batch(&x)) {
			x.batches++;
			continue;
		}
		if (stop)
			break; /* and the ring is empty: nothing left behind */
		x.empty++;
		if (!spin)
			poll(&pfd, 1, 1000);
	}

	getsockopt(x.fd, SOL_XDP, XDP_STATISTICS, &xs, &slen);
	/* The program goes before the socket it redirects to. */
	bpf_xdp_detach((int)ifindex, XDP_FLAGS_DRV_MODE, NULL);
	nrb_xsk_skel__destroy(skel);
	snprintf(extra, sizeof(extra),
		 "dropped=%llu batches=%" PRIu64 " empty=%" PRIu64
		 " rx_dropped=%llu rx_ring_full=%llu fill_empty=%llu",
		 (unsigned long long)(xs.rx_dropped + xs.rx_ring_full),
		 x.batches, x.empty, (unsigned long long)xs.rx_dropped,
		 (unsigned long long)xs.rx_ring_full,
		 (unsigned long long)xs.rx_fill_ring_empty_descs);
	nrb_rx_report(&x.st, extra, cdf);
	nrb_rx_free(&x.st);
	close(x.fd);
	return 0;
}
