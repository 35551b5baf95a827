// SPDX-License-Identifier: MIT
/*
 * ref_tpacket.c - nrb-ref-tpacket: the hand-written TPACKET_V3 receive
 * loop that netring's packet backend is measured against, as the kernel's
 * packet_mmap documentation shows it: wait for the block the kernel hands
 * over, walk its frames, give it back.  The same ring as netring's default
 * (4096 slots of 2048 bytes: 64 blocks of 128 KiB, 1 ms block timeout).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nrb.h"

#define BLOCK_SIZE (128u << 10)
#define BLOCK_NR 64u
#define FRAME_SIZE 2048u
#define BLOCK_TIMEOUT_MS 1u

struct tpring {
	int fd;
	uint8_t *map;
	unsigned cur; /* the block we wait for or walk next */
	struct nrb_rx st;
	uint64_t blocks;
	uint64_t empty;
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
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

/* Walk the current block if the kernel has handed it over, then give it
 * back.  Returns its frame count; 0 when it is still the kernel's. */
__attribute__((noinline)) unsigned tp_block(struct tpring *t);
__attribute__((noinline)) unsigned tp_block(struct tpring *t)
{
	struct tpacket_block_desc *bd =
		(void *)(t->map + (size_t)t->cur * BLOCK_SIZE);
	const uint8_t *p;
	uint32_t n;

	/* Pairs with the kernel's barrier before it sets TP_STATUS_USER. */
	if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
	      TP_STATUS_USER))
		return 0;
	n = bd->hdr.bh1.num_pkts;
	p = (const uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
	for (uint32_t i = 0; i < n; i++) {
		const struct tpacket3_hdr *h = (const void *)p;

		nrb_handler(&t->st, p + h->tp_mac, h->tp_snaplen);
		p += h->tp_next_offset;
	}
	/* Our reads of the block happen before the kernel refills it. */
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
			 __ATOMIC_RELEASE);
	t->cur = (t->cur + 1) % BLOCK_NR;
	return n ? n : 1; /* an empty timed-out block still counts as one */
}

static int tp_open(struct tpring *t, unsigned ifindex)
{
	struct tpacket_req3 req = {
		.tp_block_size = BLOCK_SIZE,
		.tp_block_nr = BLOCK_NR,
		.tp_frame_size = FRAME_SIZE,
		.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCK_NR,
		.tp_retire_blk_tov = BLOCK_TIMEOUT_MS,
	};
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)ifindex };
	int v = TPACKET_V3;

	t->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		return -errno;
	if (setsockopt(t->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(t->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)))
		return -errno;
	t->map = mmap(NULL, (size_t)BLOCK_SIZE * BLOCK_NR,
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, t->fd, 0);
	if (t->map == MAP_FAILED)
		return -errno;
	if (bind(t->fd, (struct sockaddr *)&sll, sizeof(sll)))
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	struct tpring t = { .fd = -1 };
	const char *ifname = NULL, *cdf = NULL;
	struct tpacket_stats_v3 ps = { 0 };
	socklen_t slen = sizeof(ps);
	bool latency = false;
	unsigned ifindex;
	char extra[160];
	int opt, rc;

	while ((opt = getopt(argc, argv, "i:lc:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'l':
			latency = true;
			break;
		case 'c':
			cdf = optarg;
			break;
		default:
			fprintf(stderr, "usage: nrb-ref-tpacket -i IFACE [-l [-c CDF]]\n");
			return 2;
		}
	}
	if (!ifname || !(ifindex = if_nametoindex(ifname))) {
		fprintf(stderr, "nrb-ref-tpacket: no interface (-i)\n");
		return 2;
	}
	if (nrb_rx_init(&t.st, latency)) {
		fprintf(stderr, "nrb-ref-tpacket: out of memory\n");
		return 1;
	}
	rc = tp_open(&t, ifindex);
	if (rc) {
		fprintf(stderr, "nrb-ref-tpacket: TPACKET_V3 ring on %s: %s\n",
			ifname, strerror(-rc));
		return 1;
	}
	nrb_on_stop(on_stop);
	nrb_ready(&t.st, "ref-tpacket");

	for (;;) {
		struct pollfd pfd = { .fd = t.fd, .events = POLLIN | POLLERR };

		if (tp_block(&t)) {
			t.blocks++;
			continue;
		}
		if (stop)
			break;
		t.empty++;
		poll(&pfd, 1, 1000);
	}

	getsockopt(t.fd, SOL_PACKET, PACKET_STATISTICS, &ps, &slen);
	snprintf(extra, sizeof(extra),
		 "dropped=%u blocks=%" PRIu64 " empty=%" PRIu64 " freezes=%u",
		 ps.tp_drops, t.blocks, t.empty, ps.tp_freeze_q_cnt);
	nrb_rx_report(&t.st, extra, cdf);
	nrb_rx_free(&t.st);
	close(t.fd);
	return 0;
}
