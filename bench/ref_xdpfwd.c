// SPDX-License-Identifier: MIT
/*
 * ref_xdpfwd.c - nrb-ref-xdpfwd: the hand-written AF_XDP forwarder that
 * `netring fwd -b xdp` is measured against, written the way the kernel's
 * AF_XDP documentation shows it, with plain system calls.  One UMEM shared
 * by two sockets (XDP_SHARED_UMEM): socket IN receives on IN's queue 0 (a
 * program redirects every frame to it), socket OUT transmits on OUT's queue
 * 0.  A received descriptor goes straight onto OUT's TX ring (no copy); the
 * frames OUT completes go back onto IN's fill ring.  4096 frames of 2048
 * bytes, copy mode (veth has no zero-copy), native XDP, batches of 64,
 * poll() when there is nothing to do.
 *
 *	nrb-ref-xdpfwd -i IN -o OUT
 *
 * Prints "ready", and on SIGTERM "result forwarded=N sent=N ...".
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
#define RING_SIZE 2048u /* RX, TX, completion, fill: room for every frame
			 * the other rings can hold */
#define BATCH 64u

struct ring {
	uint32_t *producer;
	uint32_t *consumer;
	uint32_t *flags;
	void *descs;
	uint32_t mask;
	uint32_t size;
	uint32_t cached_prod;
	uint32_t cached_cons;
};

struct fwd {
	int in_fd, out_fd;
	uint8_t *umem;
	struct ring fill, comp_in; /* IN's (owner of the UMEM) */
	struct ring rx;            /* IN's */
	struct ring tx, comp;      /* OUT's TX and completion rings */
	struct ring fill_out;      /* OUT's fill ring (required, unused) */
	uint64_t forwarded, completed, kicks, full;
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* Consumer side (RX, completion): entries ready, up to max. */
static inline uint32_t cons_peek(struct ring *r, uint32_t max, uint32_t *idx)
{
	uint32_t n = r->cached_prod - r->cached_cons;

	if (n < max) {
		r->cached_prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
		n = r->cached_prod - r->cached_cons;
	}
	if (n > max)
		n = max;
	*idx = r->cached_cons;
	r->cached_cons += n;
	return n;
}

static inline void cons_release(struct ring *r, uint32_t n)
{
	__atomic_store_n(r->consumer, *r->consumer + n, __ATOMIC_RELEASE);
}

/* Producer side (fill, TX): free entries, up to n. */
static inline uint32_t prod_reserve(struct ring *r, uint32_t n, uint32_t *idx)
{
	uint32_t free_entries = r->cached_cons - r->cached_prod;

	if (free_entries < n) {
		r->cached_cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE) +
				 r->size;
		free_entries = r->cached_cons - r->cached_prod;
	}
	if (n > free_entries)
		n = free_entries;
	*idx = r->cached_prod;
	r->cached_prod += n;
	return n;
}

static inline void prod_submit(struct ring *r, uint32_t n)
{
	__atomic_store_n(r->producer, *r->producer + n, __ATOMIC_RELEASE);
}

/* Completed transmissions go back to IN's fill ring. */
static inline uint32_t recycle(struct fwd *f)
{
	uint32_t idx_c, idx_f, n;

	n = cons_peek(&f->comp, BATCH, &idx_c);
	if (!n)
		return 0;
	/* The fill ring holds every frame: there is room. */
	prod_reserve(&f->fill, n, &idx_f);
	for (uint32_t i = 0; i < n; i++)
		((uint64_t *)f->fill.descs)[(idx_f + i) & f->fill.mask] =
			((uint64_t *)f->comp.descs)[(idx_c + i) & f->comp.mask];
	cons_release(&f->comp, n);
	prod_submit(&f->fill, n);
	if (__atomic_load_n(f->fill.flags, __ATOMIC_RELAXED) &
	    XDP_RING_NEED_WAKEUP)
		recvfrom(f->in_fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	f->completed += n;
	return n;
}

/* RX descriptors straight onto the TX ring: the frame is not copied. */
static inline uint32_t forward(struct fwd *f)
{
	const struct xdp_desc *rx = f->rx.descs;
	struct xdp_desc *tx = f->tx.descs;
	uint32_t idx_rx, idx_tx, n, room;

	room = prod_reserve(&f->tx, BATCH, &idx_tx);
	if (!room) {
		f->full++;
		return 0;
	}
	n = cons_peek(&f->rx, room, &idx_rx);
	f->tx.cached_prod -= room - n; /* give back what is not used */
	if (!n)
		return 0;
	for (uint32_t i = 0; i < n; i++)
		tx[(idx_tx + i) & f->tx.mask] = rx[(idx_rx + i) & f->rx.mask];
	cons_release(&f->rx, n);
	prod_submit(&f->tx, n);
	if (__atomic_load_n(f->tx.flags, __ATOMIC_RELAXED) &
	    XDP_RING_NEED_WAKEUP) {
		sendto(f->out_fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
		f->kicks++;
	}
	f->forwarded += n;
	return n;
}

static int ring_map(int fd, struct ring *r, const struct xdp_ring_offset *off,
		    uint32_t entries, size_t desc_size, off_t pgoff)
{
	void *map = mmap(NULL, off->desc + (size_t)entries * desc_size,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
			 pgoff);

	if (map == MAP_FAILED)
		return -errno;
	r->producer = (uint32_t *)((char *)map + off->producer);
	r->consumer = (uint32_t *)((char *)map + off->consumer);
	r->flags = (uint32_t *)((char *)map + off->flags);
	r->descs = (char *)map + off->desc;
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

/* Fill and completion rings of a socket on the UMEM. */
static int umem_rings(int fd, struct ring *fill, struct ring *comp)
{
	struct xdp_mmap_offsets off;
	socklen_t len = sizeof(off);
	int rc;

	rc = set_u32(fd, XDP_UMEM_FILL_RING, RING_SIZE * 2);
	if (!rc)
		rc = set_u32(fd, XDP_UMEM_COMPLETION_RING, RING_SIZE);
	if (rc)
		return rc;
	if (getsockopt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len))
		return -errno;
	rc = ring_map(fd, fill, &off.fr, RING_SIZE * 2, sizeof(uint64_t),
		      XDP_UMEM_PGOFF_FILL_RING);
	if (!rc)
		rc = ring_map(fd, comp, &off.cr, RING_SIZE, sizeof(uint64_t),
			      XDP_UMEM_PGOFF_COMPLETION_RING);
	fill->cached_cons += fill->size;
	return rc;
}

static int fwd_open(struct fwd *f, unsigned in_if, unsigned out_if)
{
	struct xdp_umem_reg reg = { 0 };
	struct xdp_mmap_offsets off;
	struct sockaddr_xdp sxdp = { 0 };
	socklen_t len = sizeof(off);
	uint32_t idx;
	int rc;

	f->in_fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	f->out_fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (f->in_fd < 0 || f->out_fd < 0)
		return -errno;
	f->umem = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->umem == MAP_FAILED)
		return -errno;
	reg.addr = (uint64_t)(uintptr_t)f->umem;
	reg.len = (uint64_t)NUM_FRAMES * FRAME_SIZE;
	reg.chunk_size = FRAME_SIZE;
	if (setsockopt(f->in_fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)))
		return -errno;
	rc = umem_rings(f->in_fd, &f->fill, &f->comp_in);
	if (!rc)
		rc = set_u32(f->in_fd, XDP_RX_RING, RING_SIZE);
	if (rc)
		return rc;
	if (getsockopt(f->in_fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len))
		return -errno;
	rc = ring_map(f->in_fd, &f->rx, &off.rx, RING_SIZE,
		      sizeof(struct xdp_desc), XDP_PGOFF_RX_RING);
	if (rc)
		return rc;
	/* Half the frames wait on the fill ring; the rest are in flight
	 * between the RX, TX and completion rings at most. */
	prod_reserve(&f->fill, NUM_FRAMES, &idx);
	for (uint32_t i = 0; i < NUM_FRAMES; i++)
		((uint64_t *)f->fill.descs)[(idx + i) & f->fill.mask] =
			(uint64_t)i * FRAME_SIZE;
	prod_submit(&f->fill, NUM_FRAMES);
	sxdp.sxdp_family = AF_XDP;
	sxdp.sxdp_ifindex = in_if;
	sxdp.sxdp_queue_id = 0;
	sxdp.sxdp_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
	rc = bind_retry(f->in_fd, &sxdp);
	if (rc)
		return rc;

	/* OUT shares the UMEM; on another device it needs fill and
	 * completion rings of its own. */
	rc = umem_rings(f->out_fd, &f->fill_out, &f->comp);
	if (!rc)
		rc = set_u32(f->out_fd, XDP_TX_RING, RING_SIZE);
	if (rc)
		return rc;
	len = sizeof(off);
	if (getsockopt(f->out_fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len))
		return -errno;
	rc = ring_map(f->out_fd, &f->tx, &off.tx, RING_SIZE,
		      sizeof(struct xdp_desc), XDP_PGOFF_TX_RING);
	if (rc)
		return rc;
	f->tx.cached_cons += f->tx.size;
	sxdp.sxdp_ifindex = out_if;
	sxdp.sxdp_flags = XDP_SHARED_UMEM;
	sxdp.sxdp_shared_umem_fd = (uint32_t)f->in_fd;
	return bind_retry(f->out_fd, &sxdp);
}

int main(int argc, char **argv)
{
	struct fwd f = { .in_fd = -1, .out_fd = -1 };
	struct nrb_xsk_skel *skel;
	const char *in = NULL, *out = NULL;
	unsigned in_if, out_if;
	uint64_t t0, t1;
	uint32_t key = 0;
	int opt, rc, fd;

	while ((opt = getopt(argc, argv, "i:o:")) != -1) {
		switch (opt) {
		case 'i':
			in = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			fprintf(stderr, "usage: nrb-ref-xdpfwd -i IN -o OUT\n");
			return 2;
		}
	}
	if (!in || !out || !(in_if = if_nametoindex(in)) ||
	    !(out_if = if_nametoindex(out))) {
		fprintf(stderr, "nrb-ref-xdpfwd: need -i IN -o OUT (existing interfaces)\n");
		return 2;
	}
	rc = fwd_open(&f, in_if, out_if);
	if (rc) {
		fprintf(stderr, "nrb-ref-xdpfwd: AF_XDP sockets %s -> %s: %s\n",
			in, out, strerror(-rc));
		return 1;
	}
	skel = nrb_xsk_skel__open_and_load();
	if (!skel) {
		fprintf(stderr, "nrb-ref-xdpfwd: load BPF program: %s\n",
			strerror(errno));
		return 1;
	}
	fd = f.in_fd;
	rc = bpf_map_update_elem(bpf_map__fd(skel->maps.xsks), &key, &fd, 0);
	if (!rc)
		rc = bpf_xdp_attach((int)in_if, bpf_program__fd(skel->progs.nrb_xsk),
				    XDP_FLAGS_DRV_MODE, NULL);
	if (rc) {
		fprintf(stderr, "nrb-ref-xdpfwd: attach native XDP to %s: %s\n",
			in, strerror(errno));
		nrb_xsk_skel__destroy(skel);
		return 1;
	}
	nrb_on_stop(on_stop);
	printf("ready\n");
	fflush(stdout);
	t0 = nrb_mono_ns();
	while (!stop) {
		uint32_t n = recycle(&f);

		n += forward(&f);
		if (!n) {
			struct pollfd pfd[2] = {
				{ .fd = f.in_fd, .events = POLLIN },
				{ .fd = f.out_fd, .events = POLLIN },
			};

			/* Completions come without a wake-up on copy-mode
			 * veth: look again soon when frames are in flight. */
			poll(pfd, 2, f.forwarded != f.completed ? 1 : 100);
		}
	}
	t1 = nrb_mono_ns();
	bpf_xdp_detach((int)in_if, XDP_FLAGS_DRV_MODE, NULL);
	nrb_xsk_skel__destroy(skel);
	printf("result forwarded=%" PRIu64 " sent=%" PRIu64 " kicks=%" PRIu64
	       " tx_full=%" PRIu64 " elapsed_ns=%" PRIu64 "\n",
	       f.forwarded, f.completed, f.kicks, f.full, t1 - t0);
	close(f.out_fd);
	close(f.in_fd);
	return 0;
}
