// SPDX-License-Identifier: MIT
/*
 * xdp_probe.c - netring_if_probe() tells what `netring ls` shows: on a veth,
 * native XDP yes, zero-copy no, the three metadata kfuncs yes; on loopback
 * no native XDP; while a ring is plugged, netring's program is attached, and
 * after it is unplugged nothing is.
 *
 *	xdp_probe IFACE           the checks above (IFACE: a veth)
 *	xdp_probe --built IFACE   exit 0 if the library has the xdp backend,
 *	                          77 if not (scripts skip then)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netring.h"

static int bad;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	bad |= !ok;
}

/* Asking for a frame size AF_XDP cannot take fails in the backend's own
 * checks when it exists, before anything is plugged. */
static int built_with_xdp(const char *ifname)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_XDP,
				      .mode = NETRING_MODE_TAKE,
				      .frame_size = 1024 };
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc = netring_open(&r, ifname, &cfg, err);

	if (rc == 0)
		netring_close(r);
	if (rc == -EOPNOTSUPP && strstr(err, "not available in this build")) {
		printf("SKIP: the library was built without the xdp backend\n");
		return 77;
	}
	return 0;
}

static void show(const char *name, const struct netring_if_caps *c)
{
	printf("%s: flags 0x%x zc_max_segs %u attached %u '%s' mode %u\n", name,
	       c->flags, c->zc_max_segs, c->xdp_prog_id, c->xdp_prog_name,
	       c->xdp_attach);
}

int main(int argc, char **argv)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = NETRING_BACKEND_XDP,
				      .mode = NETRING_MODE_TAKE };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_if_caps c, big[2];
	struct netring *r;
	const char *ifname;
	int rc;

	if (argc == 3 && strcmp(argv[1], "--built") == 0)
		return built_with_xdp(argv[2]);
	if (argc != 2) {
		fprintf(stderr, "usage: xdp_probe [--built] IFACE\n");
		return 2;
	}
	ifname = argv[1];
	if (built_with_xdp(ifname))
		return 77;

	rc = netring_if_probe(ifname, &c, sizeof(c));
	expect(rc == 0, "probe of the veth succeeds");
	show(ifname, &c);
	if (!(c.flags & NETRING_CAP_XDP_FEATURES_KNOWN)) {
		printf("SKIP: the kernel does not report XDP features (before 6.3)\n");
		return 77;
	}
	expect(c.flags & NETRING_CAP_XDP_NATIVE, "veth: native XDP");
	expect(!(c.flags & NETRING_CAP_XDP_ZEROCOPY), "veth: no zero-copy");
	expect((c.flags & NETRING_CAP_XDP_META_TIMESTAMP) &&
		       (c.flags & NETRING_CAP_XDP_META_HASH) &&
		       (c.flags & NETRING_CAP_XDP_META_VLAN),
	       "veth: timestamp, hash and VLAN metadata kfuncs");
	expect(!(c.flags & NETRING_CAP_XDP_ATTACHED) && c.xdp_prog_id == 0,
	       "veth: no XDP program before the plug");

	rc = netring_if_probe("lo", &c, sizeof(c));
	show("lo", &c);
	expect(rc == 0 && (c.flags & NETRING_CAP_XDP_FEATURES_KNOWN) &&
		       !(c.flags & NETRING_CAP_XDP_NATIVE),
	       "loopback: no native XDP");
	expect(netring_if_probe("nrx-none", &c, sizeof(c)) == -ENODEV,
	       "an interface that does not exist: -ENODEV");
	expect(netring_if_probe(ifname, NULL, sizeof(c)) == -EINVAL &&
		       netring_if_probe(ifname, &c, 0) == -EINVAL,
	       "no buffer: -EINVAL");
	/* A caller compiled against a larger struct gets zeros past ours. */
	memset(big, 0xa5, sizeof(big));
	expect(netring_if_probe(ifname, &big[0], sizeof(big)) == 0 &&
		       big[1].flags == 0 && big[1].reserved[7] == 0,
	       "a larger struct is zero-filled past the known fields");

	rc = netring_open(&r, ifname, &cfg, err);
	expect(rc == 0, "plug");
	if (rc) {
		printf("  %s\n", err);
		return 1;
	}
	rc = netring_if_probe(ifname, &c, sizeof(c));
	show(ifname, &c);
	expect(rc == 0 && (c.flags & NETRING_CAP_XDP_ATTACHED) && c.xdp_prog_id &&
		       strncmp(c.xdp_prog_name, "netring_xsk", 11) == 0 &&
		       c.xdp_attach == NETRING_XDP_ATTACH_NATIVE,
	       "while plugged: netring's program, native");
	netring_close(r);
	rc = netring_if_probe(ifname, &c, sizeof(c));
	expect(rc == 0 && !(c.flags & NETRING_CAP_XDP_ATTACHED) &&
		       c.xdp_prog_id == 0,
	       "after the unplug: no XDP program");
	printf("%s\n", bad ? "FAIL" : "PASS");
	return bad;
}
