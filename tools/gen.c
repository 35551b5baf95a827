/* SPDX-License-Identifier: MIT */
/*
 * gen.c - `netring gen`: send synthetic UDP/IPv4 frames (198.51.100.1 ->
 * 192.0.2.1, port 9, locally administered MACs) out of an interface, written
 * straight into the transmit slots: reserve a batch, fill, commit.  With
 * --seq the UDP payload starts with the test header of tests/lib/frames.h
 * ("NRT1", seed, seq, length, flags; big-endian), so a receiver can tell
 * loss and reordering.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "tx_common.h"

#define GEN_SIZE_DEFAULT 60u /* 64 bytes on the wire with the FCS */
#define GEN_SIZE_MIN 60u     /* the Ethernet minimum without FCS */
#define GEN_HDRS (14u + 20u + 8u)
#define GEN_SEQ_OFF (GEN_HDRS + 8u) /* in the test header: after magic, seed */
#define GEN_MAGIC 0x4e525431u       /* "NRT1", as frames.h */

static const char gen_usage[] =
	"usage: netring gen -i IFACE [OPTIONS]\n"
	"\n"
	"Send synthetic UDP/IPv4 frames (198.51.100.1 -> 192.0.2.1, port 9) out of\n"
	"IFACE, written straight into the ring's transmit slots.\n"
	"\n"
	"  -i, --interface IFACE  the interface to send on\n"
	"  -b, --backend NAME     auto, packet, xdp or tap (default auto: packet)\n"
	"  -s, --size N           frame length in bytes without FCS (60; at most\n"
	"                         the MTU + 14)\n"
	"      --pps N            N frames per second (default: as fast as possible)\n"
	"  -c, --count N          stop after N frames\n"
	"  -t, --time SECONDS     stop after SECONDS\n"
	"      --seq              number the frames: the UDP payload starts with the\n"
	"                         test header (\"NRT1\", seed, seq, length, flags)\n"
	"      --seed N           the header's seed (0)\n"
	"      --src-mac MAC      source MAC (default: the interface's)\n"
	"      --dst-mac MAC      destination MAC (default 02:00:00:00:00:02)\n"
	"      --tx-frames N      transmit slots, a power of two (1024)\n"
	"      --qdisc-bypass     packet backend: past the qdisc, straight to the driver\n"
	"  -q, --quiet            no live rates every second\n"
	"      --stats json       print the statistics as JSON, last on stdout\n"
	"  -h, --help             print this help\n"
	"\n"
	"Stops at N frames, after SECONDS, or on SIGINT/SIGTERM, waits for the\n"
	"last frames to complete and reports on stderr.  Exit status: 0 done,\n"
	"1 failed while running, 2 bad usage or input.\n";

struct gen_args {
	struct tx_common o;
	const char *ifname;
	uint32_t size;
	bool seq;
	uint32_t seed;
	bool src_given;
	uint8_t src[6];
	uint8_t dst[6];
};

enum gen_opt {
	GO_SEQ = 600,
	GO_SEED,
	GO_SRC_MAC,
	GO_DST_MAC,
};

static int gen_args_parse(struct gen_args *a, int argc, char **argv,
			  char *err, size_t errsize)
{
	static const struct option longopts[] = {
		TX_COMMON_LONGOPTS,
		{ "interface", required_argument, NULL, 'i' },
		{ "size", required_argument, NULL, 's' },
		{ "seq", no_argument, NULL, GO_SEQ },
		{ "seed", required_argument, NULL, GO_SEED },
		{ "src-mac", required_argument, NULL, GO_SRC_MAC },
		{ "dst-mac", required_argument, NULL, GO_DST_MAC },
		{ NULL, 0, NULL, 0 },
	};
	static const uint8_t dst_default[6] = { 2, 0, 0, 0, 0, 2 };
	uint64_t n;
	int c, rc;

	memset(a, 0, sizeof(*a));
	a->size = GEN_SIZE_DEFAULT;
	memcpy(a->dst, dst_default, 6);
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":i:s:" TX_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return tx_option_error(err, errsize, c, argv);
		rc = tx_common_option(&a->o, c, optarg, err, errsize);
		if (rc < 0)
			return rc;
		if (rc)
			continue;
		switch (c) {
		case 'i':
			if (a->ifname) {
				snprintf(err, errsize, "-i: given twice");
				return -EINVAL;
			}
			if (tx_ifname_check("-i", optarg, err, errsize))
				return -EINVAL;
			a->ifname = optarg;
			break;
		case 's':
			rc = arg_parse_u64(optarg, GEN_SIZE_MIN,
					   NETRING_FRAME_SIZE_MAX, &n);
			if (rc == -ERANGE) {
				snprintf(err, errsize,
					 "--size %s: out of range (%u to %u)",
					 optarg, GEN_SIZE_MIN,
					 NETRING_FRAME_SIZE_MAX);
				return -EINVAL;
			}
			if (rc) {
				snprintf(err, errsize,
					 "--size '%s': not a decimal number",
					 optarg);
				return -EINVAL;
			}
			a->size = (uint32_t)n;
			break;
		case GO_SEQ:
			a->seq = true;
			break;
		case GO_SEED:
			rc = arg_parse_u64(optarg, 0, UINT32_MAX, &n);
			if (rc) {
				snprintf(err, errsize,
					 "--seed '%s': not a number from 0 to %u",
					 optarg, UINT32_MAX);
				return -EINVAL;
			}
			a->seed = (uint32_t)n;
			break;
		case GO_SRC_MAC:
		case GO_DST_MAC:
			if (arg_parse_mac(optarg, c == GO_SRC_MAC ? a->src
								 : a->dst)) {
				snprintf(err, errsize,
					 "%s '%s': not a MAC address (six pairs of hex digits, e.g. 02:00:00:00:00:01)",
					 c == GO_SRC_MAC ? "--src-mac" : "--dst-mac",
					 optarg);
				return -EINVAL;
			}
			if (c == GO_SRC_MAC && (a->src[0] & 1)) {
				snprintf(err, errsize,
					 "--src-mac %s: a group address cannot be a source",
					 optarg);
				return -EINVAL;
			}
			a->src_given |= c == GO_SRC_MAC;
			break;
		default:
			snprintf(err, errsize, "internal error: option %d", c);
			return -EINVAL;
		}
	}
	if (a->o.help)
		return 0;
	if (optind < argc) {
		snprintf(err, errsize, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!a->ifname) {
		snprintf(err, errsize, "gen needs an interface (-i IFACE)");
		return -EINVAL;
	}
	if (a->o.backend == NETRING_BACKEND_PCAP) {
		snprintf(err, errsize,
			 "-b pcap writes a file; gen sends on interfaces (packet, xdp, tap)");
		return -EINVAL;
	}
	return 0;
}

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* The frame every slot gets a copy of; only the sequence number varies. */
static void build_template(uint8_t *f, const struct gen_args *a,
			   const uint8_t *src)
{
	uint8_t *ip = f + 14, *udp = ip + 20, *pl = udp + 8;
	static const uint8_t saddr[4] = { 198, 51, 100, 1 };
	static const uint8_t daddr[4] = { 192, 0, 2, 1 };

	memset(f, 0, a->size);
	memcpy(f, a->dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, a->size - 14);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, saddr, 4);
	memcpy(ip + 16, daddr, 4);
	put16(ip + 10, ip_checksum(ip, 20));
	put16(udp, 9);
	put16(udp + 2, 9);
	put16(udp + 4, a->size - 34);
	/* UDP checksum 0: none, which IPv4 allows; the payload varies. */
	if (a->seq) {
		put32(pl, GEN_MAGIC);
		put32(pl + 4, a->seed);
		put16(pl + 12, a->size);
	}
}

int gen_run(int argc, char **argv)
{
	static uint8_t tmpl[NETRING_FRAME_SIZE_MAX];
	char err[NETRING_ERRBUF_SIZE + 64];
	struct netring_tx_slot slots[TX_BATCH];
	struct netring_info info;
	struct netring_stats st;
	struct tx_pacer pacer;
	struct tx_live live;
	struct gen_args a;
	struct netring *r;
	uint64_t t0, t_end, deadline = 0, seq = 0;
	int status = EXIT_OK, rc;

	if (gen_args_parse(&a, argc, argv, err, sizeof(err))) {
		fprintf(stderr,
			"netring: gen: %s\n"
			"netring: usage: netring gen -i IFACE [OPTIONS]; 'netring gen -h' lists them\n",
			err);
		return EXIT_USAGE;
	}
	if (a.o.help) {
		fputs(gen_usage, stdout);
		return EXIT_OK;
	}
	rc = tx_open_out(&r, a.ifname, &a.o, "gen");
	if (rc)
		return rc;
	netring_get_info(r, &info, sizeof(info));
	if (a.size > info.tx_capacity) {
		fprintf(stderr,
			"netring: gen: --size %u: %s sends frames of at most %u bytes (MTU %u)\n",
			a.size, info.ifname, info.tx_capacity, info.mtu);
		netring_close(r);
		return EXIT_USAGE;
	}
	if (!a.src_given) {
		static const uint8_t fallback[6] = { 2, 0, 0, 0, 0, 1 };
		static const uint8_t zero[6];

		memcpy(a.src, memcmp(info.mac, zero, 6) ? info.mac : fallback,
		       6);
	}
	build_template(tmpl, &a, a.src);
	tx_print_plugged(r, "gen");

	tx_signals_install(&r, 1);
	tx_live_start(&live, a.o.quiet);
	t0 = tx_mono_ns();
	if (a.o.time_ms)
		deadline = t0 + a.o.time_ms * 1000000u;
	tx_pacer_start(&pacer, a.o.pps, t0);
	while (!tx_stop) {
		unsigned want = TX_BATCH;
		int n;

		if (a.o.count && seq >= a.o.count)
			break;
		if (deadline && tx_mono_ns() >= deadline)
			break;
		if (a.o.count && a.o.count - seq < want)
			want = (unsigned)(a.o.count - seq);
		want = tx_pacer_grant(&pacer, want);
		if (!want)
			continue;
		n = netring_tx_reserve(r, slots, want);
		if (n == 0) {
			rc = netring_tx_wait(r, 100);
			if (rc < 0 && rc != -ECANCELED && rc != -EINTR) {
				n = rc;
				goto failed;
			}
			continue;
		}
		if (n < 0)
			goto failed;
		for (int i = 0; i < n; i++) {
			memcpy(slots[i].data, tmpl, a.size);
			if (a.seq)
				put32(slots[i].data + GEN_SEQ_OFF,
				      (uint32_t)(seq + (unsigned)i));
			slots[i].len = a.size;
		}
		rc = netring_tx_commit(r, slots, (unsigned)n);
		if (rc < 0) {
			n = rc;
			goto failed;
		}
		seq += (uint64_t)n;
		tx_pacer_done(&pacer, (unsigned)n);
		if (!live.quiet && tx_mono_ns() >= live.next_ns) {
			netring_stats_get(r, &st, sizeof(st));
			tx_live_tick(&live, info.ifname, st.tx_sent, st.tx_bytes,
				     st.tx_failed);
		}
		continue;
failed:
		fprintf(stderr, "netring: gen: %s\n",
			netring_error(r)[0] ? netring_error(r) : strerror(-n));
		status = EXIT_RUNTIME;
		break;
	}
	rc = netring_tx_drain(r, TX_DRAIN_MS);
	if (rc < 0 && rc != -ECANCELED)
		fprintf(stderr, "netring: gen: %s\n", netring_error(r));
	t_end = tx_mono_ns();
	tx_signals_restore();
	netring_stats_get(r, &st, sizeof(st));
	tx_print_summary(&info, &st, t_end - t0);
	tx_print_pacer("gen", &pacer);
	if (a.o.stats_json)
		tx_print_json(&info, &st, t_end - t0);
	netring_close(r);
	if (fflush(stdout) != 0)
		status = EXIT_RUNTIME;
	return status;
}
