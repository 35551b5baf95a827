// SPDX-License-Identifier: MIT
/*
 * fault_open.c - plug an interface once and check that the plug fails the
 * way the caller must be told: the exact errno, and an errbuf that names
 * what is missing (a capability, locked memory).  Run by fault_privilege.sh
 * under setpriv/prlimit.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netring.h"

static int errno_parse(const char *s)
{
	static const struct {
		const char *name;
		int value;
	} names[] = { { "EPERM", EPERM },   { "EACCES", EACCES },
		      { "ENOMEM", ENOMEM }, { "ENOBUFS", ENOBUFS },
		      { "0", 0 } };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].value;
	return -1;
}

int main(int argc, char **argv)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	const char *ifname = NULL, *text = NULL;
	struct netring *r = NULL;
	int opt, rc, want = -1, bad = 0;

	while ((opt = getopt(argc, argv, "i:b:te:m:")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 'b':
			rc = netring_backend_parse(optarg);
			if (rc < 0)
				return 2;
			cfg.backend = (enum netring_backend)rc;
			break;
		case 't':
			cfg.mode = NETRING_MODE_TAKE;
			break;
		case 'e':
			want = errno_parse(optarg);
			if (want < 0)
				return 2;
			break;
		case 'm':
			text = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!ifname || want < 0) {
		fprintf(stderr, "usage: fault_open -i IFACE [-b BACKEND] [-t] -e ERRNO [-m TEXT]\n");
		return 2;
	}
	rc = netring_open(&r, ifname, &cfg, errbuf);
	printf("netring_open: %d (%s): %s\n", rc, rc ? strerror(-rc) : "ok",
	       errbuf);
	if (rc != -want) {
		fprintf(stderr, "FAIL: expected %d (%s)\n", -want, strerror(want));
		bad = 1;
	}
	if (text && !strstr(errbuf, text)) {
		fprintf(stderr, "FAIL: errbuf does not name '%s'\n", text);
		bad = 1;
	}
	if (rc && r) {
		fprintf(stderr, "FAIL: a failed open left a handle\n");
		bad = 1;
	}
	netring_close(r);
	puts(bad ? "FAIL" : "PASS");
	return bad;
}
