/* SPDX-License-Identifier: MIT */
/*
 * unit_config.c - netring_open() rejects every bad config value with -EINVAL
 * and a message naming it, before it needs any privilege; the small API
 * helpers reject NULLs.  Needs no privileges.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netring.h>

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			failures++;                                            \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);   \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

struct bad_case {
	const char *what;
	struct netring_config cfg;
	const char *message; /* a part of the explanation */
};

static void test_bad_values(void)
{
	static const struct bad_case cases[] = {
		{ "frame size not a power of two",
		  { .frame_size = 1000 }, "frame size 1000" },
		{ "frame size too small", { .frame_size = 256 }, "frame size 256" },
		{ "frame size too large",
		  { .frame_size = 131072 }, "frame size 131072" },
		{ "ring frames not a power of two",
		  { .ring_frames = 100 }, "ring frames 100" },
		{ "ring frames too few", { .ring_frames = 32 }, "ring frames 32" },
		{ "ring frames too many",
		  { .ring_frames = 1u << 21 }, "ring frames 2097152" },
		{ "ring larger than 1 GiB",
		  { .ring_frames = 1u << 20, .frame_size = 4096 }, "larger than" },
		{ "queue below -1", { .queue = -2 }, "queue -2" },
		{ "busy-poll over a second",
		  { .busy_poll_us = 2000000 }, "busy-poll" },
		{ "block timeout over a second",
		  { .block_timeout_ms = 5000 }, "block timeout" },
		{ "unknown flag", { .flags = 1u << 31 }, "unknown flags" },
		{ "unknown backend", { .backend = (enum netring_backend)99 },
		  "unknown backend" },
		{ "unknown mode", { .mode = (enum netring_mode)7 }, "unknown mode" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct netring_config cfg = cases[i].cfg;
		char err[NETRING_ERRBUF_SIZE];
		struct netring *r = (struct netring *)&cfg; /* must be reset */
		int rc;

		cfg.sz = sizeof(cfg);
		rc = netring_open(&r, "lo", &cfg, err);
		CHECK(rc == -EINVAL, "%s: rc %d, want -EINVAL", cases[i].what, rc);
		CHECK(r == NULL, "%s: handle not reset on failure", cases[i].what);
		CHECK(strstr(err, cases[i].message) != NULL,
		      "%s: message \"%s\" lacks \"%s\"", cases[i].what, err,
		      cases[i].message);
	}
}

/* The boundaries themselves are valid: the open then fails later, on the
 * interface (which does not exist), not on the config. */
static void test_good_boundaries(void)
{
	static const struct netring_config ok[] = {
		{ .frame_size = 512 },
		{ .frame_size = 65536, .ring_frames = 64 },
		{ .ring_frames = 64 },
		{ .ring_frames = 1u << 20, .frame_size = 1024 },
		{ .queue = -1 },
		{ .busy_poll_us = 1000000, .block_timeout_ms = 1000 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct netring_config cfg = ok[i];
		char err[NETRING_ERRBUF_SIZE];
		struct netring *r;
		int rc;

		cfg.sz = sizeof(cfg);
		rc = netring_open(&r, "nosuch0", &cfg, err);
		CHECK(rc == -ENODEV, "boundary case %zu: rc %d (%s)", i, rc, err);
	}
}

static void test_sizes(void)
{
	struct {
		struct netring_config cfg;
		uint32_t newer_field;
	} big;
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc;

	/* sz too small to hold even the backend field */
	memset(&big, 0, sizeof(big));
	big.cfg.sz = 4;
	rc = netring_open(&r, "nosuch0", &big.cfg, err);
	CHECK(rc == -EINVAL && strstr(err, "sz"), "sz=4: rc %d (%s)", rc, err);

	/* a caller built against a newer header that sets a field we do not
	 * know is refused; the same caller leaving it zero is accepted */
	big.cfg.sz = sizeof(big);
	big.newer_field = 1;
	rc = netring_open(&r, "nosuch0", &big.cfg, err);
	CHECK(rc == -EINVAL && strstr(err, "unknown"), "newer field set: rc %d (%s)",
	      rc, err);
	big.newer_field = 0;
	rc = netring_open(&r, "nosuch0", &big.cfg, err);
	CHECK(rc == -ENODEV, "newer field zero: rc %d (%s)", rc, err);

	/* NULL config means all defaults */
	rc = netring_open(&r, "nosuch0", NULL, err);
	CHECK(rc == -ENODEV, "NULL config: rc %d (%s)", rc, err);
	CHECK(strcmp(err, "nosuch0: no such interface") == 0, "message: %s", err);
}

static void test_names(void)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r;
	int rc;

	rc = netring_open(&r, NULL, NULL, err);
	CHECK(rc == -EINVAL, "NULL name: rc %d", rc);
	rc = netring_open(&r, "", NULL, err);
	CHECK(rc == -EINVAL, "empty name: rc %d", rc);
	rc = netring_open(&r, "abcdefghijklmnop", NULL, err); /* 16 chars */
	CHECK(rc == -EINVAL && strstr(err, "at most 15"), "long name: rc %d (%s)",
	      rc, err);
	rc = netring_open(NULL, "lo", NULL, err);
	CHECK(rc == -EINVAL, "NULL handle pointer: rc %d", rc);
	/* loopback exists everywhere and is not Ethernet */
	rc = netring_open(&r, "lo", NULL, err);
	CHECK(rc == -EPROTOTYPE && strstr(err, "not an Ethernet interface"),
	      "lo: rc %d (%s)", rc, err);
	/* errbuf is optional */
	rc = netring_open(&r, "nosuch0", NULL, NULL);
	CHECK(rc == -ENODEV, "NULL errbuf: rc %d", rc);
}

static void test_helpers(void)
{
	struct netring_frame f;
	struct netring_stats st;
	struct netring_info info;
	struct netring_if ifi, list[64];
	int n;

	netring_close(NULL);
	CHECK(netring_rx_burst(NULL, &f, 1) == -EINVAL, "burst(NULL)");
	CHECK(netring_rx_release(NULL, 1) == -EINVAL, "release(NULL)");
	CHECK(netring_stats_get(NULL, &st, sizeof(st)) == -EINVAL, "stats(NULL)");
	CHECK(netring_get_info(NULL, &info, sizeof(info)) == -EINVAL, "info(NULL)");
	CHECK(netring_wait(NULL, 0) == -EINVAL, "wait(NULL)");
	CHECK(netring_break(NULL) == -EINVAL, "break(NULL)");
	CHECK(netring_fd(NULL) == -EINVAL, "fd(NULL)");
	CHECK(netring_dispatch(NULL, 1, NULL, NULL) == -EINVAL, "dispatch(NULL)");
	CHECK(netring_rx_held(NULL) == 0, "held(NULL)");

	CHECK(netring_backend_parse("packet") == NETRING_BACKEND_PACKET, "parse packet");
	CHECK(netring_backend_parse("xdp") == NETRING_BACKEND_XDP, "parse xdp");
	CHECK(netring_backend_parse("auto") == NETRING_BACKEND_AUTO, "parse auto");
	CHECK(netring_backend_parse("bogus") == -EINVAL, "parse bogus");
	CHECK(netring_backend_parse(NULL) == -EINVAL, "parse NULL");
	CHECK(strcmp(netring_backend_name(NETRING_BACKEND_PACKET), "packet") == 0,
	      "name packet");
	CHECK(strcmp(netring_backend_name((enum netring_backend)99), "unknown") == 0,
	      "name 99");
	CHECK(strcmp(netring_version(), NETRING_VERSION_STRING) == 0, "version");

	CHECK(netring_if_get("nosuch0", &ifi) == -ENODEV, "if_get nosuch0");
	CHECK(netring_if_get(NULL, &ifi) == -EINVAL, "if_get NULL");
	CHECK(netring_if_get("lo", &ifi) == 0, "if_get lo");
	CHECK((ifi.flags & NETRING_IF_LOOPBACK) && !(ifi.flags & NETRING_IF_ETHERNET),
	      "lo flags 0x%x", ifi.flags);
	CHECK(strcmp(ifi.name, "lo") == 0 && ifi.ifindex > 0 && ifi.mtu > 0,
	      "lo facts: %s %u %u", ifi.name, ifi.ifindex, ifi.mtu);

	CHECK(netring_if_list(NULL, 1, 0) == -EINVAL, "list(NULL, 1)");
	CHECK(netring_if_list(list, 64, 0x80) == -EINVAL, "list unknown flag");
	n = netring_if_list(list, 64, NETRING_LIST_ALL);
	CHECK(n >= 1, "list all: %d", n);
	{
		int found_lo = 0;

		for (int i = 0; i < n && i < 64; i++) {
			found_lo |= strcmp(list[i].name, "lo") == 0;
			if (i)
				CHECK(list[i - 1].ifindex < list[i].ifindex,
				      "list not in ifindex order");
		}
		CHECK(found_lo, "lo not listed with NETRING_LIST_ALL");
	}
	n = netring_if_list(list, 64, 0);
	for (int i = 0; i < n && i < 64; i++)
		CHECK(list[i].flags & NETRING_IF_ETHERNET, "%s listed but not Ethernet",
		      list[i].name);
	CHECK(netring_if_list(NULL, 0, 0) == n, "count-only call");
}

int main(void)
{
	test_bad_values();
	test_good_boundaries();
	test_sizes();
	test_names();
	test_helpers();
	if (failures) {
		fprintf(stderr, "unit_config: %d failures\n", failures);
		return 1;
	}
	printf("unit_config: ok\n");
	return 0;
}
