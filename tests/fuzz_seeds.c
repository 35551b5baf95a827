// SPDX-License-Identifier: MIT
/*
 * fuzz_seeds.c - fuzz-seeds: write the starting corpus of a fuzz target
 * into DIR, made by the real code rather than by hand: rings as
 * netring_ring_create() lays them out (one also squeezed to the smallest
 * layout the check allows), and small pcap and pcapng files of the test
 * stream, whole and cut by a snap length.
 *
 *	fuzz-seeds DIR ring|pcap
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netring.h"
#include "pcap_files.h"

static int save(const char *dir, const char *name, const void *p, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len) {
		fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

/* A ring of `slots` x `size` holding `frames` frames, as its bytes. */
static int ring_seed(const char *dir, const char *name, uint32_t slots,
		     uint32_t size, unsigned frames, bool squeeze)
{
	struct netring_ring_opts o = { .sz = sizeof(o), .slot_count = slots,
				       .slot_size = size,
				       .first_index = UINT32_MAX - 1 };
	uint8_t payload[300];
	struct netring_frame f = { .data = payload, .len = 40, .wire_len = 40 };
	struct netring_ring *r;
	struct stat st;
	uint8_t *m;
	int rc;

	memset(payload, 0x5a, sizeof(payload));
	if (netring_ring_create(&r, &o, NULL))
		return -1;
	for (unsigned k = 0; k < frames; k++) {
		f.len = 40 + 100 * k; /* the last ones longer than a slot */
		netring_ring_push(r, &f, 1);
	}
	fstat(netring_ring_fd(r), &st);
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED,
		 netring_ring_fd(r), 0);
	if (m == MAP_FAILED) {
		netring_ring_close(r);
		return -1;
	}
	if (squeeze) {
		/* Slots right after the header (offset 192) and a mapping no
		 * larger than they need: the smallest ring the check takes. */
		uint32_t off = NETRING_RING_HDR_SIZE;
		uint64_t len = off + (uint64_t)slots * size;
		uint8_t *q = malloc(len);

		memcpy(q, m, NETRING_RING_HDR_SIZE);
		memcpy(q + off, m + NETRING_RING_SLOTS_OFFSET, len - off);
		memcpy(q + 12, &off, 4);
		memcpy(q + 32, &len, 8);
		rc = save(dir, name, q, len);
		free(q);
	} else {
		rc = save(dir, name, m, (size_t)st.st_size);
	}
	munmap(m, (size_t)st.st_size);
	netring_ring_close(r);
	return rc;
}

static int pcap_seed(const char *dir, const char *name, enum pf_format fmt,
		     uint32_t snaplen)
{
	struct pf_spec sp = { .format = fmt, .count = 5, .snaplen = snaplen,
			      .t0_ns = 1700000000ull * 1000000000ull,
			      .gap_ns = 1000 };
	char path[512];

	nrt_stream_init(&sp.stream, 9);
	sp.stream.len_min = 60;
	sp.stream.len_max = 700;
	sp.stream.vlan_every = 2;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return pf_write(path, &sp) ? -1 : 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: fuzz-seeds DIR ring|pcap\n");
		return 2;
	}
	if (!strcmp(argv[2], "ring")) {
		rc |= ring_seed(argv[1], "ring-2x64-squeezed", 2, 64, 2, true);
		rc |= ring_seed(argv[1], "ring-4x128-squeezed", 4, 128, 3, true);
		rc |= ring_seed(argv[1], "ring-4x128", 4, 128, 3, false);
	} else if (!strcmp(argv[2], "pcap")) {
		rc |= pcap_seed(argv[1], "us.pcap", PF_PCAP_US, 0);
		rc |= pcap_seed(argv[1], "ns.pcap", PF_PCAP_NS, 0);
		rc |= pcap_seed(argv[1], "cut.pcap", PF_PCAP_US, 100);
		rc |= pcap_seed(argv[1], "ng.pcapng", PF_PCAPNG, 0);
		rc |= pcap_seed(argv[1], "ng-cut.pcapng", PF_PCAPNG, 100);
	} else {
		fprintf(stderr, "usage: fuzz-seeds DIR ring|pcap\n");
		return 2;
	}
	return rc ? 1 : 0;
}
