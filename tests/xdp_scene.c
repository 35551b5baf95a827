// SPDX-License-Identifier: MIT
/*
 * xdp_scene.c - how the xdp backend treats XDP programs it finds on an
 * interface.  Each scene sets the stage with libbpf (as another tool would)
 * and then uses only the public API:
 *
 *	foreign   someone else's program is attached: plugging fails with
 *	          -EBUSY naming it (native, generic, auto), and the program
 *	          is still there afterwards
 *	fallback  the same, with backend AUTO and NETRING_CF_FALLBACK: the
 *	          ring is AF_PACKET in monitor mode, and errbuf, info.note and
 *	          NETRING_INFO_FALLBACK say why
 *	stale     a netring program attached without a link (left by an old
 *	          or killed process): it is replaced, the note says so, and
 *	          nothing is left after the unplug
 *	second    while one ring is plugged, a second plug on the interface
 *	          fails with -EBUSY saying netring holds it; the first ring's
 *	          program stays
 *	native_refused  on a device without native XDP (a bridge): asking for
 *	          native fails with -EOPNOTSUPP saying so; auto plugs generic
 *	          XDP and info.note says why
 *
 * Usage: xdp_scene SCENE IFACE (inside a test namespace; root).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netring.h"

#ifdef NRX_HAVE_LIBBPF
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

static int bad;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	bad |= !ok;
}

/* "return XDP_PASS" under a name of our choosing, attached the old way
 * (netlink, no link), as ip-link or an old tool would. */
static int attach_named(unsigned ifindex, const char *name)
{
	const struct bpf_insn pass[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd, rc;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", pass, 2, NULL);
	if (fd < 0) {
		fprintf(stderr, "bpf_prog_load(%s): %s\n", name, strerror(-fd));
		return fd;
	}
	rc = bpf_xdp_attach((int)ifindex, fd, XDP_FLAGS_SKB_MODE, NULL);
	close(fd); /* the attachment keeps the program */
	if (rc)
		fprintf(stderr, "bpf_xdp_attach(%s): %s\n", name, strerror(-rc));
	return rc;
}

static uint32_t attached_id(unsigned ifindex)
{
	uint32_t id = 0;

	bpf_xdp_query_id((int)ifindex, 0, &id);
	return id;
}

static int try_open(const char *ifname, enum netring_backend b, uint32_t attach,
		    uint32_t flags, struct netring **r, char *err)
{
	struct netring_config cfg = { .sz = sizeof(cfg),
				      .backend = b,
				      .mode = NETRING_MODE_TAKE,
				      .xdp_attach = attach,
				      .flags = flags };
	int rc = netring_open(r, ifname, &cfg, err);

	printf("  open(%s, attach %u, flags 0x%x) = %d: %s\n",
	       netring_backend_name(b), attach, flags, rc, err);
	return rc;
}

static void scene_foreign(const char *ifname, unsigned ifindex)
{
	static const uint32_t attaches[] = { NETRING_XDP_ATTACH_NATIVE,
					     NETRING_XDP_ATTACH_GENERIC,
					     NETRING_XDP_ATTACH_AUTO };
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r = NULL;
	uint32_t id;

	if (attach_named(ifindex, "nrx_foreign")) {
		bad = 1;
		return;
	}
	id = attached_id(ifindex);
	for (unsigned i = 0; i < 3; i++) {
		int rc = try_open(ifname, NETRING_BACKEND_XDP, attaches[i], 0, &r,
				  err);

		expect(rc == -EBUSY && strstr(err, "'nrx_foreign'") &&
			       strstr(err, "already attached"),
		       "-EBUSY, naming the program that is attached");
		if (!rc)
			netring_close(r);
	}
	expect(try_open(ifname, NETRING_BACKEND_AUTO, 0, 0, &r, err) == -EBUSY,
	       "auto in take mode without fallback: -EBUSY too");
	expect(attached_id(ifindex) == id, "the other program is still attached");
	bpf_xdp_detach((int)ifindex, XDP_FLAGS_SKB_MODE, NULL);
}

static void scene_fallback(const char *ifname, unsigned ifindex)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_info info;
	struct netring *r = NULL;
	uint32_t id;
	int rc;

	if (attach_named(ifindex, "nrx_foreign")) {
		bad = 1;
		return;
	}
	id = attached_id(ifindex);
	rc = try_open(ifname, NETRING_BACKEND_AUTO, 0, NETRING_CF_FALLBACK, &r, err);
	expect(rc == 0, "auto with fallback plugs");
	if (rc == 0) {
		netring_get_info(r, &info, sizeof(info));
		printf("  info: backend %s mode %d flags 0x%x note '%s'\n",
		       netring_backend_name(info.backend), info.mode, info.flags,
		       info.note);
		expect(info.backend == NETRING_BACKEND_PACKET &&
			       info.mode == NETRING_MODE_MONITOR,
		       "AF_PACKET, in monitor mode");
		expect(info.flags & NETRING_INFO_FALLBACK, "info says it fell back");
		expect(strstr(info.note, "fell back to AF_PACKET") &&
			       strstr(info.note, "nrx_foreign"),
		       "info.note says what and why");
		expect(strstr(err, "fell back to AF_PACKET") &&
			       strstr(err, "nrx_foreign"),
		       "errbuf says what and why");
		netring_close(r);
	}
	/* A plain xdp request is never turned into AF_PACKET. */
	rc = try_open(ifname, NETRING_BACKEND_XDP, 0, NETRING_CF_FALLBACK, &r, err);
	expect(rc == -EBUSY, "backend xdp (not auto) does not fall back");
	if (!rc)
		netring_close(r);
	expect(attached_id(ifindex) == id, "the other program is still attached");
	bpf_xdp_detach((int)ifindex, XDP_FLAGS_SKB_MODE, NULL);
}

static void scene_stale(const char *ifname, unsigned ifindex)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_info info;
	struct netring *r = NULL;
	uint32_t stale;
	int rc;

	if (attach_named(ifindex, "netring_xsk")) {
		bad = 1;
		return;
	}
	stale = attached_id(ifindex);
	rc = try_open(ifname, NETRING_BACKEND_XDP, 0, 0, &r, err);
	expect(rc == 0, "plugs over a stale netring program");
	if (rc == 0) {
		netring_get_info(r, &info, sizeof(info));
		printf("  note '%s'\n", info.note);
		expect(strstr(info.note, "stale") != NULL, "info.note says so");
		expect(attached_id(ifindex) != stale && attached_id(ifindex) != 0,
		       "the ring's own program replaced it");
		netring_close(r);
	}
	expect(attached_id(ifindex) == 0, "nothing attached after the unplug");
}

static void scene_second(const char *ifname, unsigned ifindex)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r1 = NULL, *r2 = NULL;
	uint32_t id;
	int rc;

	rc = try_open(ifname, NETRING_BACKEND_XDP, 0, 0, &r1, err);
	expect(rc == 0, "the first ring plugs");
	if (rc)
		return;
	id = attached_id(ifindex);
	rc = try_open(ifname, NETRING_BACKEND_XDP, 0, 0, &r2, err);
	expect(rc == -EBUSY && strstr(err, "already plugged by another netring ring"),
	       "the second: -EBUSY, netring holds the interface");
	if (!rc)
		netring_close(r2);
	expect(attached_id(ifindex) == id, "the first ring's program stays");
	netring_close(r1);
	expect(attached_id(ifindex) == 0, "nothing attached after the unplug");
}

static void scene_native_refused(const char *ifname, unsigned ifindex)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_info info;
	struct netring *r = NULL;
	int rc;

	rc = try_open(ifname, NETRING_BACKEND_XDP, NETRING_XDP_ATTACH_NATIVE, 0,
		      &r, err);
	expect(rc == -EOPNOTSUPP && strstr(err, "no native XDP"),
	       "native only: -EOPNOTSUPP, saying the driver has no native XDP");
	if (!rc)
		netring_close(r);
	rc = try_open(ifname, NETRING_BACKEND_XDP, NETRING_XDP_ATTACH_AUTO, 0, &r,
		      err);
	expect(rc == 0, "auto plugs");
	if (rc)
		return;
	netring_get_info(r, &info, sizeof(info));
	printf("  flags 0x%x detail '%s' note '%s'\n", info.flags, info.detail,
	       info.note);
	expect((info.flags & NETRING_INFO_XDP_GENERIC) &&
		       !(info.flags & NETRING_INFO_XDP_NATIVE),
	       "info says generic XDP");
	expect(strstr(info.note, "no native XDP") &&
		       strstr(info.note, "using generic XDP"),
	       "info.note says why not native");
	expect(attached_id(ifindex) != 0, "a program is attached");
	netring_close(r);
	expect(attached_id(ifindex) == 0, "nothing attached after the unplug");
}

int main(int argc, char **argv)
{
	unsigned ifindex;

	if (argc != 3) {
		fprintf(stderr, "usage: xdp_scene foreign|fallback|stale|second|native_refused IFACE\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "xdp_scene: no interface %s\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "foreign"))
		scene_foreign(argv[2], ifindex);
	else if (!strcmp(argv[1], "fallback"))
		scene_fallback(argv[2], ifindex);
	else if (!strcmp(argv[1], "stale"))
		scene_stale(argv[2], ifindex);
	else if (!strcmp(argv[1], "second"))
		scene_second(argv[2], ifindex);
	else if (!strcmp(argv[1], "native_refused"))
		scene_native_refused(argv[2], ifindex);
	else
		return 2;
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
