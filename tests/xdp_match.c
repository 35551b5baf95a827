// SPDX-License-Identifier: MIT
/*
 * xdp_match.c - the match of the xdp backend, exactly: for each match a
 * ring is plugged with (generic XDP), the program the library attached is
 * run on every frame of a fixed set (BPF_PROG_TEST_RUN: no traffic), and
 * it must redirect exactly the frames the match names and pass the others
 * to the host.  Covers VLAN and QinQ tags, IPv4 options and fragments,
 * IPv6 extension headers and fragments, short frames, broadcast, and ARP
 * requests for an owned address.
 *
 * Usage: xdp_match IFACE (inside a test namespace; root).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netring.h"

#ifdef NRX_HAVE_LIBBPF
#include <bpf/bpf.h>
#include <linux/bpf.h>

enum kind {
	RAW_A,          /* EtherType 0x88b5 to MAC A */
	RAW_C,          /* ... to MAC C */
	RAW_B,          /* ... to MAC B */
	VLAN_RAW,       /* 802.1Q, then 0x88b5 */
	QINQ_RAW,       /* 802.1ad, 802.1Q, then 0x88b5 */
	V4_UDP53,
	V4_UDP53_C,     /* to MAC C */
	V4_UDP54,
	V4_TCP53,
	V4_TCP80,
	V4_UDP80,
	V4_OPT_UDP53,   /* IHL 6 */
	V4_LATER_FRAG,  /* UDP, fragment offset 1480: no ports */
	V4_ICMP,
	V4_SHORT_UDP,   /* ends right after the IPv4 header */
	V6_UDP53,
	V6_HBH_UDP53,   /* hop-by-hop options first */
	V6_FIRST_FRAG,  /* fragment header, offset 0, then UDP 53 */
	V6_LATER_FRAG,  /* fragment header, offset 1232 */
	VLAN_V4_UDP53,
	BCAST_V4_UDP53, /* to ff:ff:ff:ff:ff:ff */
	ARP_REQ_77,     /* broadcast request for 192.0.2.77 */
	ARP_REQ_2,      /* broadcast request for 192.0.2.2 */
	ARP_REPLY_77,   /* reply about 192.0.2.77, to MAC A */
	KINDS,
};

static const char *const kind_names[KINDS] = {
	"raw to A", "raw to C", "raw to B", "802.1Q raw", "QinQ raw",
	"IPv4 UDP 53", "IPv4 UDP 53 to C", "IPv4 UDP 54", "IPv4 TCP 53",
	"IPv4 TCP 80", "IPv4 UDP 80", "IPv4+options UDP 53",
	"IPv4 later fragment", "IPv4 ICMP", "IPv4 cut before UDP",
	"IPv6 UDP 53", "IPv6 hop-by-hop UDP 53", "IPv6 first fragment UDP 53",
	"IPv6 later fragment", "802.1Q IPv4 UDP 53", "broadcast IPv4 UDP 53",
	"ARP request for .77", "ARP request for .2", "ARP reply about .77",
};

static const uint8_t MAC_A[6] = { 0x02, 0x6e, 0x72, 0x78, 0x00, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0x6e, 0x72, 0x78, 0x00, 0x0b };
static const uint8_t MAC_C[6] = { 0x02, 0x6e, 0x72, 0x78, 0x00, 0x0c };
static const uint8_t MAC_SRC[6] = { 0x02, 0x6e, 0x72, 0x78, 0x00, 0x01 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t IP_77[4] = { 192, 0, 2, 77 };
static const uint8_t IP_2[4] = { 192, 0, 2, 2 };
static const uint8_t IP_1[4] = { 192, 0, 2, 1 };

struct frame {
	uint8_t b[256];
	size_t n;
};

static void put(struct frame *f, const void *v, size_t n)
{
	memcpy(f->b + f->n, v, n);
	f->n += n;
}

static void put8(struct frame *f, uint8_t v)
{
	put(f, &v, 1);
}

static void put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void eth(struct frame *f, const uint8_t *dst, uint16_t type)
{
	put(f, dst, 6);
	put(f, MAC_SRC, 6);
	put16(f, type);
}

static void ipv4(struct frame *f, uint8_t proto, uint16_t frag, unsigned ihl)
{
	put8(f, (uint8_t)(0x40 | ihl));
	put8(f, 0);
	put16(f, (uint16_t)(ihl * 4 + 28));
	put16(f, 1);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put(f, IP_1, 4);
	put(f, IP_2, 4);
	for (unsigned i = 5; i < ihl; i++)
		put32(f, 0x01010101); /* NOP options */
}

static void ipv6(struct frame *f, uint8_t next)
{
	static const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t b[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

	put32(f, 0x60000000);
	put16(f, 16);
	put8(f, next);
	put8(f, 64);
	put(f, a, 16);
	put(f, b, 16);
}

static void ports(struct frame *f, uint16_t dport)
{
	put16(f, 40000);
	put16(f, dport);
	put32(f, 0);
	put32(f, 0); /* enough of a TCP header too */
}

static void arp(struct frame *f, uint16_t op, const uint8_t *tpa)
{
	put16(f, 1);      /* Ethernet */
	put16(f, 0x0800); /* IPv4 */
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	put(f, MAC_SRC, 6);
	put(f, IP_1, 4);
	put(f, MAC_A, 6);
	put(f, tpa, 4);
}

static void build(enum kind k, struct frame *f)
{
	f->n = 0;
	memset(f->b, 0, sizeof(f->b));
	switch (k) {
	case RAW_A: eth(f, MAC_A, 0x88b5); break;
	case RAW_C: eth(f, MAC_C, 0x88b5); break;
	case RAW_B: eth(f, MAC_B, 0x88b5); break;
	case VLAN_RAW:
		eth(f, MAC_A, 0x8100);
		put16(f, 100);
		put16(f, 0x88b5);
		break;
	case QINQ_RAW:
		eth(f, MAC_A, 0x88a8);
		put16(f, 10);
		put16(f, 0x8100);
		put16(f, 100);
		put16(f, 0x88b5);
		break;
	case V4_UDP53: eth(f, MAC_A, 0x0800); ipv4(f, 17, 0, 5); ports(f, 53); break;
	case V4_UDP53_C: eth(f, MAC_C, 0x0800); ipv4(f, 17, 0, 5); ports(f, 53); break;
	case V4_UDP54: eth(f, MAC_A, 0x0800); ipv4(f, 17, 0, 5); ports(f, 54); break;
	case V4_TCP53: eth(f, MAC_A, 0x0800); ipv4(f, 6, 0, 5); ports(f, 53); break;
	case V4_TCP80: eth(f, MAC_A, 0x0800); ipv4(f, 6, 0, 5); ports(f, 80); break;
	case V4_UDP80: eth(f, MAC_A, 0x0800); ipv4(f, 17, 0, 5); ports(f, 80); break;
	case V4_OPT_UDP53: eth(f, MAC_A, 0x0800); ipv4(f, 17, 0, 6); ports(f, 53); break;
	case V4_LATER_FRAG:
		eth(f, MAC_A, 0x0800);
		ipv4(f, 17, 1480 / 8, 5);
		ports(f, 53); /* payload bytes that only look like ports */
		break;
	case V4_ICMP: eth(f, MAC_A, 0x0800); ipv4(f, 1, 0, 5); ports(f, 53); break;
	case V4_SHORT_UDP: eth(f, MAC_A, 0x0800); ipv4(f, 17, 0, 5); return;
	case V6_UDP53: eth(f, MAC_A, 0x86dd); ipv6(f, 17); ports(f, 53); break;
	case V6_HBH_UDP53:
		eth(f, MAC_A, 0x86dd);
		ipv6(f, 0);
		put8(f, 17); /* next header */
		put8(f, 0);  /* 8 bytes */
		put8(f, 1);  /* PadN */
		put8(f, 4);
		put32(f, 0);
		ports(f, 53);
		break;
	case V6_FIRST_FRAG:
	case V6_LATER_FRAG:
		eth(f, MAC_A, 0x86dd);
		ipv6(f, 44);
		put8(f, 17);
		put8(f, 0);
		put16(f, k == V6_FIRST_FRAG ? 0x0001 : (uint16_t)(1232 | 1));
		put32(f, 7);
		ports(f, 53);
		break;
	case VLAN_V4_UDP53:
		eth(f, MAC_A, 0x8100);
		put16(f, 100);
		put16(f, 0x0800);
		ipv4(f, 17, 0, 5);
		ports(f, 53);
		break;
	case BCAST_V4_UDP53: eth(f, BCAST, 0x0800); ipv4(f, 17, 0, 5); ports(f, 53); break;
	case ARP_REQ_77: eth(f, BCAST, 0x0806); arp(f, 1, IP_77); break;
	case ARP_REQ_2: eth(f, BCAST, 0x0806); arp(f, 1, IP_2); break;
	case ARP_REPLY_77: eth(f, MAC_A, 0x0806); arp(f, 2, IP_77); break;
	case KINDS: break;
	}
	if (f->n < 60)
		f->n = 60; /* the minimum Ethernet frame, zero-padded */
}

#define BIT(k) (1ull << (k))
#define TO_A                                                                   \
	(BIT(RAW_A) | BIT(VLAN_RAW) | BIT(QINQ_RAW) | BIT(V4_UDP53) |          \
	 BIT(V4_UDP54) | BIT(V4_TCP53) | BIT(V4_TCP80) | BIT(V4_UDP80) |      \
	 BIT(V4_OPT_UDP53) | BIT(V4_LATER_FRAG) | BIT(V4_ICMP) |               \
	 BIT(V4_SHORT_UDP) | BIT(V6_UDP53) | BIT(V6_HBH_UDP53) |               \
	 BIT(V6_FIRST_FRAG) | BIT(V6_LATER_FRAG) | BIT(VLAN_V4_UDP53) |        \
	 BIT(ARP_REPLY_77))

struct match_case {
	const char *what;
	struct netring_match m;
	uint64_t taken; /* BIT(kind) of the frames it must redirect */
};

static const struct match_case cases[] = {
	{ "every frame", { 0 }, BIT(KINDS) - 1 },
	{ "EtherType 0x88b5",
	  { .fields = NETRING_MATCH_ETHERTYPE, .ethertype = 0x88b5 },
	  BIT(RAW_A) | BIT(RAW_B) | BIT(RAW_C) | BIT(VLAN_RAW) | BIT(QINQ_RAW) },
	{ "destination MAC A or B",
	  { .fields = NETRING_MATCH_DST_MAC, .mac_count = 2,
	    .macs = { { 0x02, 0x6e, 0x72, 0x78, 0x00, 0x0a },
		      { 0x02, 0x6e, 0x72, 0x78, 0x00, 0x0b } } },
	  TO_A | BIT(RAW_B) },
	{ "IP protocol UDP",
	  { .fields = NETRING_MATCH_IP_PROTO, .ip_proto = 17 },
	  BIT(V4_UDP53) | BIT(V4_UDP53_C) | BIT(V4_UDP54) | BIT(V4_UDP80) |
		  BIT(V4_OPT_UDP53) | BIT(V4_LATER_FRAG) | BIT(V4_SHORT_UDP) |
		  BIT(V6_UDP53) | BIT(V6_HBH_UDP53) | BIT(V6_FIRST_FRAG) |
		  BIT(V6_LATER_FRAG) | BIT(VLAN_V4_UDP53) | BIT(BCAST_V4_UDP53) },
	{ "destination port 53 (UDP or TCP)",
	  { .fields = NETRING_MATCH_DST_PORT, .dst_port = 53 },
	  BIT(V4_UDP53) | BIT(V4_UDP53_C) | BIT(V4_TCP53) | BIT(V4_OPT_UDP53) |
		  BIT(V6_UDP53) | BIT(V6_HBH_UDP53) | BIT(V6_FIRST_FRAG) |
		  BIT(VLAN_V4_UDP53) | BIT(BCAST_V4_UDP53) },
	{ "TCP destination port 80",
	  { .fields = NETRING_MATCH_IP_PROTO | NETRING_MATCH_DST_PORT,
	    .ip_proto = 6, .dst_port = 80 },
	  BIT(V4_TCP80) },
	{ "MAC A and IPv4",
	  { .fields = NETRING_MATCH_DST_MAC | NETRING_MATCH_ETHERTYPE,
	    .mac_count = 1, .macs = { { 0x02, 0x6e, 0x72, 0x78, 0x00, 0x0a } },
	    .ethertype = 0x0800 },
	  BIT(V4_UDP53) | BIT(V4_UDP54) | BIT(V4_TCP53) | BIT(V4_TCP80) |
		  BIT(V4_UDP80) | BIT(V4_OPT_UDP53) | BIT(V4_LATER_FRAG) |
		  BIT(V4_ICMP) | BIT(V4_SHORT_UDP) | BIT(VLAN_V4_UDP53) },
	{ "MAC A, and ARP requests for 192.0.2.77",
	  { .fields = NETRING_MATCH_DST_MAC | NETRING_MATCH_ARP_FOR,
	    .mac_count = 1, .macs = { { 0x02, 0x6e, 0x72, 0x78, 0x00, 0x0a } },
	    .arp_ipv4 = { 192, 0, 2, 77 } },
	  TO_A | BIT(ARP_REQ_77) },
	{ "ARP requests for 192.0.2.77 only",
	  { .fields = NETRING_MATCH_ARP_FOR, .arp_ipv4 = { 192, 0, 2, 77 } },
	  BIT(ARP_REQ_77) },
};

static int bad;

static void run_case(const char *ifname, const struct match_case *c)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_XDP,
				      .mode = NETRING_MODE_TAKE,
				      .ring_frames = 64,
				      .xdp_attach = NETRING_XDP_ATTACH_GENERIC,
				      .match = c->m };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_if_caps caps;
	struct netring *r;
	unsigned wrong = 0;
	int fd, rc;

	rc = netring_open(&r, ifname, &cfg, err);
	if (rc) {
		printf("FAIL: %s: netring_open: %s\n", c->what, err);
		bad = 1;
		return;
	}
	/* The program the library attached, as any tool would find it. */
	rc = netring_if_probe(ifname, &caps, sizeof(caps));
	fd = rc ? -1 : bpf_prog_get_fd_by_id(caps.xdp_prog_id);
	if (fd < 0) {
		printf("FAIL: %s: cannot reach the attached program\n", c->what);
		bad = 1;
		netring_close(r);
		return;
	}
	for (int k = 0; k < KINDS; k++) {
		LIBBPF_OPTS(bpf_test_run_opts, run);
		struct frame f;
		int want = (c->taken & BIT(k)) ? XDP_REDIRECT : XDP_PASS;

		build((enum kind)k, &f);
		run.data_in = f.b;
		run.data_size_in = (uint32_t)f.n;
		run.repeat = 1;
		rc = bpf_prog_test_run_opts(fd, &run);
		if (rc || (int)run.retval != want) {
			printf("FAIL: %s: %s: %s, expected %s (rc %d)\n", c->what,
			       kind_names[k],
			       run.retval == XDP_REDIRECT ? "taken" : "left to the host",
			       want == XDP_REDIRECT ? "taken" : "left to the host", rc);
			wrong++;
		}
	}
	printf("%s: %s: %u frame kinds as expected\n", wrong ? "FAIL" : "ok",
	       c->what, KINDS - wrong);
	bad |= wrong != 0;
	close(fd);
	netring_close(r);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: xdp_match IFACE\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(argv[1], &cases[i]);
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad;
}
#else
int main(void)
{
	printf("SKIP: built without libbpf\n");
	return 77;
}
#endif
