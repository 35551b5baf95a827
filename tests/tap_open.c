// SPDX-License-Identifier: MIT
/*
 * tap_open.c - plugging the tap backend, run inside a namespace prepared
 * by tap_open.sh: a new TAP is created (also from a name pattern), listed
 * as an Ethernet link of kind "tun", and removed again on close; a TAP that
 * another handle has open, a TUN device and a link of another kind are
 * refused with the errno and message the header documents; removing the
 * TAP under a plugged ring makes netring_wait() say -ENODEV.
 *
 *	tap_open VETH TUN PERSISTENT_TAP NEW_NAME
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <unistd.h>

#include "netring.h"
#include "ring_test.h"

static int plug(struct netring **r, const char *name, enum netring_backend b,
		int32_t queue, char *err)
{
	struct netring_config cfg = { .sz = sizeof(cfg), .backend = b,
				      .queue = queue };

	*r = NULL;
	return netring_open(r, name, &cfg, err);
}

static void expect_refusal(const char *name, enum netring_backend b,
			   int32_t queue, int want, const char *msg)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc = plug(&r, name, b, queue, err);

	CHECK(rc == want && strstr(err, msg) && !r,
	      "%s: rc %d (want %d), \"%s\" (want \"%s\")", name, rc, want, err,
	      msg);
	netring_close(r);
}

static bool link_exists(const char *name)
{
	return if_nametoindex(name) != 0;
}

static void test_create_list_remove(const char *name)
{
	char err[NETRING_ERRBUF_SIZE], pfx[32];
	struct netring_info info;
	struct netring_if ifs[64], ifi;
	struct netring *r;
	int n, rc, i;
	bool listed = false;

	snprintf(pfx, sizeof(pfx), "tap:%s", name);
	REQUIRE(!link_exists(name), "%s exists before the test", name);
	rc = plug(&r, pfx, NETRING_BACKEND_AUTO, 0, err);
	REQUIRE(rc == 0, "%s: %d %s", pfx, rc, err);
	REQUIRE(netring_get_info(r, &info, sizeof(info)) == 0, "info");
	CHECK(info.backend == NETRING_BACKEND_TAP && !strcmp(info.ifname, name) &&
		      info.ifindex == if_nametoindex(name) &&
		      info.frame_capacity ==
			      NETRING_FRAME_SIZE_DEFAULT - NETRING_FRAME_HEADROOM &&
		      strstr(info.detail, "created"),
	      "info: backend %d '%s' ifindex %u detail '%s'", info.backend,
	      info.ifname, info.ifindex, info.detail);
	/* `netring ls` lists it: an Ethernet link of kind "tun". */
	rc = netring_if_get(name, &ifi);
	CHECK(rc == 0 && !strcmp(ifi.kind, "tun") &&
		      (ifi.flags & NETRING_IF_ETHERNET),
	      "if_get: %d kind '%s' flags 0x%x", rc, ifi.kind, ifi.flags);
	n = netring_if_list(ifs, 64, 0);
	for (i = 0; i < n && i < 64; i++)
		listed |= !strcmp(ifs[i].name, name);
	CHECK(listed, "%s missing from netring_if_list()", name);
	CHECK(netring_rx_burst(r, (struct netring_frame[4]){ 0 }, 4) == 0,
	      "a new TAP has no frames");
	netring_close(r);
	CHECK(!link_exists(name), "the TAP we created outlived its ring");
}

static void test_pattern(void)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_info info;
	struct netring *r;
	int rc = plug(&r, "tap:nrrp%d", NETRING_BACKEND_AUTO, 0, err);

	REQUIRE(rc == 0, "pattern: %d %s", rc, err);
	netring_get_info(r, &info, sizeof(info));
	CHECK(!strncmp(info.ifname, "nrrp", 4) && !strchr(info.ifname, '%') &&
		      info.ifindex == if_nametoindex(info.ifname),
	      "pattern gave '%s' ifindex %u", info.ifname, info.ifindex);
	netring_close(r);
}

static void test_busy(const char *tap)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_info info;
	struct netring *a;
	int rc = plug(&a, tap, NETRING_BACKEND_TAP, 0, err);

	REQUIRE(rc == 0, "attach %s: %d %s", tap, rc, err);
	netring_get_info(a, &info, sizeof(info));
	CHECK(strstr(info.detail, "attached"), "detail '%s'", info.detail);
	expect_refusal(tap, NETRING_BACKEND_TAP, 0, -EBUSY, "another process");
	netring_close(a);
	CHECK(link_exists(tap), "closing removed a persistent TAP");
	rc = plug(&a, tap, NETRING_BACKEND_TAP, 0, err);
	CHECK(rc == 0, "attach again after close: %d %s", rc, err);
	netring_close(a);
}

static void test_removed_under_us(const char *name)
{
	char err[NETRING_ERRBUF_SIZE], cmd[96];
	struct netring *r;
	int rc;

	snprintf(cmd, sizeof(cmd), "tap:%s", name);
	REQUIRE(plug(&r, cmd, NETRING_BACKEND_AUTO, 0, err) == 0, "%s", err);
	snprintf(cmd, sizeof(cmd), "ip link del dev %s", name);
	REQUIRE(system(cmd) == 0, "%s", cmd);
	rc = netring_wait(r, 2000);
	CHECK(rc == -ENODEV && strstr(netring_error(r), "went away"),
	      "wait after removal: %d '%s'", rc, netring_error(r));
	netring_close(r);
}

int main(int argc, char **argv)
{
	const char *veth, *tun, *tap, *fresh;

	if (argc != 5) {
		fprintf(stderr, "usage: tap_open VETH TUN PERSISTENT_TAP NEW_NAME\n");
		return T_FAIL;
	}
	veth = argv[1];
	tun = argv[2];
	tap = argv[3];
	fresh = argv[4];

	test_create_list_remove(fresh);
	test_pattern();
	test_busy(tap);
	test_removed_under_us(fresh);

	expect_refusal(veth, NETRING_BACKEND_TAP, 0, -EEXIST,
		       "is not a TAP device (veth)");
	expect_refusal(tun, NETRING_BACKEND_TAP, 0, -EPROTOTYPE, "TUN device");
	expect_refusal("tap:nrr-name-too-long", NETRING_BACKEND_AUTO, 0, -EINVAL,
		       "at most 15 characters");
	expect_refusal("tap:", NETRING_BACKEND_AUTO, 0, -EINVAL, "names no device");
	expect_refusal("tap:x", NETRING_BACKEND_PACKET, 0, -EINVAL,
		       "is for the tap backend, not packet");
	expect_refusal(fresh, NETRING_BACKEND_TAP, 1, -EOPNOTSUPP, "one queue");
	expect_refusal("tap:bad/name", NETRING_BACKEND_AUTO, 0, -EINVAL,
		       "not a valid interface name");
	CHECK(!link_exists(fresh), "a refused open left %s behind", fresh);
	return t_result("tap_open");
}
