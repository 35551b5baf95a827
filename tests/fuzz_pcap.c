// SPDX-License-Identifier: MIT
/*
 * fuzz_pcap.c - libFuzzer target: arbitrary bytes as the file the pcap
 * backend reads (through its ops table, as the core would call it).  Each
 * input must be refused with a reason, or read to a clean or reported end;
 * every frame delivered must fit its slot (len <= capacity, len <= wire_len,
 * TRUNCATED exactly when cut).  Slots of 512 bytes, so cutting is common.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "netring_int.h"

static int input_fd = -1;
static char input_path[64];

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_pcap: %s\n", what);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct netring_ops *ops = &netring_pcap_ops;
	struct netring_plug p;
	struct netring_frame f[16];
	char err[NETRING_ERRBUF_SIZE];
	struct netring *r = NULL;
	uint32_t capacity;
	int rounds, n, rc;

	if (input_fd < 0) {
		input_fd = memfd_create("fuzz-pcap", MFD_CLOEXEC);
		if (input_fd < 0)
			fail("memfd_create");
		snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d",
			 input_fd);
	}
	if (ftruncate(input_fd, 0) < 0 ||
	    pwrite(input_fd, data, size, 0) != (ssize_t)size)
		fail("writing the input");

	memset(&p, 0, sizeof(p));
	p.cfg.sz = sizeof(p.cfg);
	p.cfg.backend = NETRING_BACKEND_PCAP;
	p.cfg.ring_frames = 64;
	p.cfg.frame_size = 512;
	p.source = input_path;
	capacity = p.cfg.frame_size - NETRING_FRAME_HEADROOM;
	err[0] = '\0';
	rc = ops->open(&p, &r, err);
	if (rc) {
		if (!err[0] || rc >= 0)
			fail("refused without a reason");
		return 0;
	}
	for (rounds = 0; rounds < 100000; rounds++) {
		n = ops->rx_burst(r, f, 16);
		if (n < 0)
			fail("rx_burst failed on a private ring");
		for (int k = 0; k < n; k++)
			if (f[k].len > capacity || f[k].len > f[k].wire_len ||
			    !!(f[k].flags & NETRING_FRAME_TRUNCATED) !=
				    (f[k].len < f[k].wire_len))
				fail("a frame that does not fit its slot");
		if (n)
			ops->rx_release(r, (unsigned)n);
		else if (!ops->rx_ready(r) && ops->ended(r))
			break;
	}
	rc = ops->ended(r);
	if (rc != -ENODATA && rc != -EBADMSG)
		fail("no end reached");
	ops->close(r);
	return 0;
}
