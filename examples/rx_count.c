/* SPDX-License-Identifier: MIT */
/*
 * rx_count.c - the smallest useful netring program: plug an interface, count
 * frames and bytes for a few seconds with netring_dispatch(), unplug.
 * Usage: rx_count IFACE [SECONDS]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <netring.h>

struct counts {
	unsigned long long frames, bytes;
};

static void count(const struct netring_frame *f, void *user)
{
	struct counts *c = user;

	c->frames++;
	c->bytes += f->wire_len;
}

int main(int argc, char **argv)
{
	struct netring_config cfg = { .sz = sizeof(cfg) }; /* all defaults */
	char err[NETRING_ERRBUF_SIZE];
	struct counts c = { 0 };
	struct netring *r;
	time_t end;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s IFACE [SECONDS]\n", argv[0]);
		return 2;
	}
	rc = netring_open(&r, argv[1], &cfg, err);
	if (rc < 0) {
		fprintf(stderr, "rx_count: %s\n", err);
		return 1;
	}
	end = time(NULL) + (argc > 2 ? atoi(argv[2]) : 5);
	while (time(NULL) < end) {
		rc = netring_dispatch(r, 64, count, &c);
		if (rc == 0)
			rc = netring_wait(r, 100);
		if (rc < 0 && rc != -EINTR)
			break;
	}
	printf("%llu frames, %llu bytes\n", c.frames, c.bytes);
	netring_close(r);
	return 0;
}
