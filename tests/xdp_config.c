// SPDX-License-Identifier: MIT
/*
 * xdp_config.c - the xdp backend refuses what it cannot do, with the errno
 * the header documents and a message naming the value, and leaves nothing
 * attached; backend AUTO picks AF_XDP for take mode and AF_PACKET for
 * monitor mode.  Table-driven.
 *
 * Usage: xdp_config IFACE (a single-queue veth, inside a test namespace).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netring.h"

struct bad_case {
	const char *what;
	void (*set)(struct netring_config *cfg);
	int rc;
	const char *says; /* a piece of the message */
};

static void frame_1024(struct netring_config *c) { c->frame_size = 1024; }
static void frame_8192(struct netring_config *c) { c->frame_size = 8192; }
static void monitor(struct netring_config *c) { c->mode = NETRING_MODE_MONITOR; }
static void outgoing(struct netring_config *c) { c->flags = NETRING_CF_OUTGOING; }
static void queue_3(struct netring_config *c) { c->queue = 3; }
static void attach_7(struct netring_config *c) { c->xdp_attach = 7; }
static void bind_9(struct netring_config *c) { c->xdp_bind = 9; }
static void zerocopy(struct netring_config *c) { c->xdp_bind = NETRING_XDP_BIND_ZEROCOPY; }
static void match_unknown(struct netring_config *c) { c->match.fields = 1u << 9; }
static void match_reserved(struct netring_config *c) { c->match.reserved[1] = 1; }
static void macs_0(struct netring_config *c)
{
	c->match.fields = NETRING_MATCH_DST_MAC;
}
static void macs_9(struct netring_config *c)
{
	c->match.fields = NETRING_MATCH_DST_MAC;
	c->match.mac_count = NETRING_MATCH_MACS_MAX + 1;
}
static void mac_broadcast(struct netring_config *c)
{
	c->match.fields = NETRING_MATCH_DST_MAC;
	c->match.mac_count = 1;
	memset(c->match.macs[0], 0xff, 6);
}
static void port_icmp(struct netring_config *c)
{
	c->match.fields = NETRING_MATCH_IP_PROTO | NETRING_MATCH_DST_PORT;
	c->match.ip_proto = 1;
	c->match.dst_port = 53;
}
static void match_on_packet(struct netring_config *c)
{
	c->backend = NETRING_BACKEND_PACKET;
	c->mode = NETRING_MODE_MONITOR;
	c->match.fields = NETRING_MATCH_ETHERTYPE;
	c->match.ethertype = 0x88b5;
}
static void attach_on_packet(struct netring_config *c)
{
	c->backend = NETRING_BACKEND_PACKET;
	c->mode = NETRING_MODE_MONITOR;
	c->xdp_attach = NETRING_XDP_ATTACH_GENERIC;
}

static const struct bad_case cases[] = {
	{ "frame size 1024", frame_1024, -EINVAL, "2048 or 4096" },
	{ "frame size 8192", frame_8192, -EINVAL, "2048 or 4096" },
	{ "monitor mode", monitor, -EOPNOTSUPP, "take mode" },
	{ "outgoing frames", outgoing, -EOPNOTSUPP, "received frames only" },
	{ "queue 3 of 1", queue_3, -EINVAL, "has 1 RX queue; there is no queue 3" },
	{ "attach mode 7", attach_7, -EINVAL, "attach mode 7" },
	{ "bind mode 9", bind_9, -EINVAL, "bind mode 9" },
	{ "zero-copy on veth", zerocopy, -EOPNOTSUPP, "zero-copy" },
	{ "unknown match field", match_unknown, -EINVAL, "unknown fields 0x200" },
	{ "match reserved byte", match_reserved, -EINVAL, "reserved" },
	{ "no MAC to match", macs_0, -EINVAL, "0 destination MACs" },
	{ "9 MACs to match", macs_9, -EINVAL, "9 destination MACs" },
	{ "broadcast MAC", mac_broadcast, -EINVAL, "group address" },
	{ "port with ICMP", port_icmp, -EINVAL, "not IP protocol 1" },
	{ "match on AF_PACKET", match_on_packet, -EINVAL, "needs the xdp backend" },
	{ "XDP attach on AF_PACKET", attach_on_packet, -EINVAL,
	  "needs the xdp backend" },
};

int main(int argc, char **argv)
{
	struct netring_if_caps caps;
	char err[NETRING_ERRBUF_SIZE];
	struct netring_info info;
	struct netring *r;
	int bad = 0, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: xdp_config IFACE\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct netring_config cfg = { .sz = sizeof(cfg),
					      .backend = NETRING_BACKEND_XDP,
					      .mode = NETRING_MODE_TAKE };
		int ok;

		cases[i].set(&cfg);
		err[0] = '\0';
		rc = netring_open(&r, argv[1], &cfg, err);
		if (rc == 0)
			netring_close(r);
		ok = rc == cases[i].rc && strstr(err, cases[i].says) &&
		     netring_if_probe(argv[1], &caps, sizeof(caps)) == 0 &&
		     !(caps.flags & NETRING_CAP_XDP_ATTACHED);
		printf("%s: %s: %d (%s), expected %d with '%s'\n",
		       ok ? "ok" : "FAIL", cases[i].what, rc, err, cases[i].rc,
		       cases[i].says);
		bad |= !ok;
	}

	/* AUTO: AF_XDP takes, AF_PACKET watches. */
	for (int take = 0; take < 2; take++) {
		struct netring_config cfg = { .sz = sizeof(cfg),
					      .mode = take ? NETRING_MODE_TAKE :
							     NETRING_MODE_MONITOR };
		enum netring_backend want = take ? NETRING_BACKEND_XDP :
						   NETRING_BACKEND_PACKET;

		rc = netring_open(&r, argv[1], &cfg, err);
		if (rc == 0) {
			netring_get_info(r, &info, sizeof(info));
			netring_close(r);
		}
		rc = rc == 0 && info.backend == want && !(info.flags & NETRING_INFO_FALLBACK);
		printf("%s: auto in %s mode is %s\n", rc ? "ok" : "FAIL",
		       take ? "take" : "monitor", netring_backend_name(want));
		bad |= !rc;
	}
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad;
}
