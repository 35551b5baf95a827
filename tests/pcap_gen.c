// SPDX-License-Identifier: MIT
/*
 * pcap_gen.c - pcap-gen: write a capture file of the test frame stream
 * (frames.h), for `netring dump -r` tests, fuzz seeds and benchmarks.
 *
 *	pcap-gen -o FILE -n COUNT [-f pcap|pcap-ns|pcapng] [-s SEED]
 *		 [--snaplen N] [--gap-us US] [--linktype DLT] [stream options]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_files.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pcap-gen -o FILE -n COUNT [-f pcap|pcap-ns|pcapng] [-s SEED]\n"
		"                [--snaplen N] [--gap-us US] [--linktype DLT] [stream options]\n"
		"  frames 0..COUNT-1 of the stream; frame k stamped 1700000000 s + k * gap\n"
		NRT_STREAM_USAGE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "snaplen", required_argument, NULL, 'S' },
		{ "gap-us", required_argument, NULL, 'g' },
		{ "linktype", required_argument, NULL, 'L' },
		{ "len", required_argument, NULL, 0 },
		{ "vlan-every", required_argument, NULL, 0 },
		{ "jumbo", required_argument, NULL, 0 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pf_spec sp = { .format = PF_PCAP_US, .t0_ns = 1700000000ull * 1000000000ull,
			      .gap_ns = 1000 };
	const char *out = NULL;
	int opt, idx, rc;
	bool have_count = false;

	nrt_stream_init(&sp.stream, 1);
	while ((opt = getopt_long(argc, argv, "o:n:f:s:h", longopts, &idx)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'n':
			sp.count = (uint32_t)strtoul(optarg, NULL, 10);
			have_count = true;
			break;
		case 'f':
			if (!strcmp(optarg, "pcap"))
				sp.format = PF_PCAP_US;
			else if (!strcmp(optarg, "pcap-ns"))
				sp.format = PF_PCAP_NS;
			else if (!strcmp(optarg, "pcapng"))
				sp.format = PF_PCAPNG;
			else {
				usage(stderr);
				return 2;
			}
			break;
		case 's':
			sp.stream.seed = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'S':
			sp.snaplen = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'g':
			sp.gap_ns = strtoull(optarg, NULL, 10) * 1000;
			break;
		case 'L':
			sp.linktype = atoi(optarg);
			break;
		case 0:
			rc = nrt_stream_option(&sp.stream, longopts[idx].name, optarg);
			if (rc <= 0) {
				fprintf(stderr, "--%s %s: bad value\n",
					longopts[idx].name, optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!out || !have_count) {
		usage(stderr);
		return 2;
	}
	rc = pf_write(out, &sp);
	if (rc) {
		fprintf(stderr, "pcap-gen: %s: %s\n", out, strerror(-rc));
		return 1;
	}
	return 0;
}
