// SPDX-License-Identifier: MIT
/*
 * packet_tx_bench.c - how fast AF_PACKET can transmit here, path by path,
 * each with and without PACKET_QDISC_BYPASS, 64 frames per system call: a
 * hand-written PACKET_TX_RING (TPACKET_V2) sender, a hand-written
 * sendmmsg() sender, and netring's packet backend (reserve/commit).
 * Prints "PATH SIZE frames/s CPU-ns/frame" (user + system time of this
 * process, which on veth includes the peer's receive work done on our
 * CPU: less sensitive to other load than the rate); not a pass/fail test
 * (packet_tx_rates.sh).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netring.h"
#include "nrt_util.h"

#define BATCH 64

static void build(uint8_t *f, uint32_t len)
{
	static const uint8_t hdr[14] = { 0x02, 0x6e, 0x72, 0x74, 0x00, 0x02,
					 0x02, 0x6e, 0x72, 0x74, 0x00, 0x01,
					 0x88, 0xb5 };

	memset(f, 0xa5, len);
	memcpy(f, hdr, sizeof(hdr));
}

static uint64_t frames_sent;

static int run_netring(const char *ifname, uint32_t len, bool bypass,
		    double secs, double *pps)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_tx_slot s[BATCH];
	struct netring_stats st;
	uint8_t frame[2048];
	struct netring *r;
	uint64_t t0, end;
	int rc;

	cfg.backend = NETRING_BACKEND_PACKET;
	cfg.flags = NETRING_CF_TX_ONLY | (bypass ? NETRING_CF_QDISC_BYPASS : 0);
	rc = netring_open(&r, ifname, &cfg, err);
	if (rc < 0) {
		fprintf(stderr, "netring_open: %s\n", err);
		return rc;
	}
	build(frame, len);
	t0 = nrt_mono_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while (nrt_mono_ns() < end) {
		int n = netring_tx_reserve(r, s, BATCH);

		if (n == 0) {
			netring_tx_wait(r, 100);
			continue;
		}
		if (n < 0)
			break;
		for (int i = 0; i < n; i++) {
			memcpy(s[i].data, frame, len);
			s[i].len = len;
		}
		rc = netring_tx_commit(r, s, (unsigned)n);
		if (rc < 0) {
			fprintf(stderr, "commit: %s\n", netring_error(r));
			break;
		}
	}
	netring_tx_drain(r, 1000);
	netring_stats_get(r, &st, sizeof(st));
	*pps = (double)st.tx_sent / ((double)(nrt_mono_ns() - t0) / 1e9);
	frames_sent = st.tx_sent;
	fprintf(stderr, "netring%s %u: sent %" PRIu64 " failed %" PRIu64
		" wakeups %" PRIu64 "\n", bypass ? "+bypass" : "", len,
		st.tx_sent, st.tx_failed, st.tx_wakeups);
	netring_close(r);
	return 0;
}

/* The kernel documentation's TX ring loop: fill free frames, flag them,
 * one send() per 64. */
static int run_ring(const char *ifname, uint32_t len, bool bypass,
		    double secs, double *pps)
{
	struct tpacket_req req = { .tp_block_size = 1u << 16,
				   .tp_block_nr = 32,
				   .tp_frame_size = 2048,
				   .tp_frame_nr = 1024 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	const size_t off = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
	uint64_t sent = 0, t0, end;
	uint32_t idx = 0, flagged = 0;
	uint8_t frame[2048], *map;
	int fd, v = TPACKET_V2;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return -errno;
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &req, sizeof(req)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -errno;
	}
	v = 1;
	if (bypass)
		setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &v, sizeof(v));
	map = mmap(NULL, (size_t)req.tp_block_size * req.tp_block_nr,
		   PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	build(frame, len);
	t0 = nrt_mono_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while (nrt_mono_ns() < end) {
		struct tpacket2_hdr *h =
			(void *)(map + (size_t)(idx % req.tp_frame_nr) * 2048);

		if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) !=
		    TP_STATUS_AVAILABLE || flagged == BATCH) {
			if (flagged) {
				if (send(fd, NULL, 0, MSG_DONTWAIT) >= 0 ||
				    errno == EAGAIN || errno == ENOBUFS)
					sent += flagged;
				flagged = 0;
			}
			continue;
		}
		memcpy((uint8_t *)h + off, frame, len);
		h->tp_len = len;
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
				 __ATOMIC_RELEASE);
		idx++;
		flagged++;
	}
	*pps = (double)sent / ((double)(nrt_mono_ns() - t0) / 1e9);
	frames_sent = sent;
	munmap(map, (size_t)req.tp_block_size * req.tp_block_nr);
	close(fd);
	return 0;
}

static int run_mmsg(const char *ifname, uint32_t len, bool bypass,
		    double secs, double *pps)
{
	struct mmsghdr m[BATCH];
	struct iovec iov;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	uint8_t frame[2048];
	uint64_t sent = 0, t0, end;
	int fd, v = 1;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0)
		return -errno;
	if (bypass)
		setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &v, sizeof(v));
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	sll.sll_protocol = htons(ETH_P_ALL);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -errno;
	}
	build(frame, len);
	iov.iov_base = frame;
	iov.iov_len = len;
	memset(m, 0, sizeof(m));
	for (int i = 0; i < BATCH; i++) {
		m[i].msg_hdr.msg_iov = &iov;
		m[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = nrt_mono_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while (nrt_mono_ns() < end) {
		int n = sendmmsg(fd, m, BATCH, 0);

		if (n > 0)
			sent += (uint64_t)n;
	}
	*pps = (double)sent / ((double)(nrt_mono_ns() - t0) / 1e9);
	frames_sent = sent;
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	double secs, pps = 0, cpu_ns;
	struct rusage ru;
	uint32_t len;
	bool bypass;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: packet_tx_bench IFACE PATH SIZE SECONDS\n"
			"PATH: ring, mmsg or netring, each also with -bypass\n");
		return 2;
	}
	len = (uint32_t)atoi(argv[3]);
	secs = atof(argv[4]);
	if (len < 60 || len > 1514 || secs <= 0)
		return 2;
	bypass = strstr(argv[2], "-bypass");
	if (!strncmp(argv[2], "ring", 4))
		rc = run_ring(argv[1], len, bypass, secs, &pps);
	else if (!strncmp(argv[2], "mmsg", 4))
		rc = run_mmsg(argv[1], len, bypass, secs, &pps);
	else if (!strncmp(argv[2], "netring", 7))
		rc = run_netring(argv[1], len, bypass, secs, &pps);
	else
		return 2;
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv[2], strerror(-rc));
		return 1;
	}
	getrusage(RUSAGE_SELF, &ru);
	cpu_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
		 (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
	printf("%s %u %.0f %.0f\n", argv[2], len, pps,
	       frames_sent ? cpu_ns / (double)frames_sent : 0);
	return 0;
}
