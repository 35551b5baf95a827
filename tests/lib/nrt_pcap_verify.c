// SPDX-License-Identifier: MIT
/*
 * nrt_pcap_verify.c - nrt-pcap-verify: check that a capture file holds
 * exactly frames 0..COUNT-1 of a test stream (frames.h), whole, in order,
 * byte for byte, as Ethernet frames.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nrt-pcap-verify -r FILE -n COUNT [-s SEED] [stream options]\n"
		NRT_STREAM_USAGE);
}

static int parse_u32(const char *str, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (*str < '0' || *str > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(str, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char errbuf[PCAP_ERRBUF_SIZE], why[160];
	const char *path = NULL;
	struct nrt_stream stream;
	struct pcap_pkthdr *hdr;
	uint32_t count = 0, seq, records = 0, failures = 0;
	const uint8_t *data;
	int opt, idx, rc;
	pcap_t *p;

	nrt_stream_init(&stream, 1);
	while ((opt = getopt_long(argc, argv, "r:n:s:h", longopts, &idx)) !=
	       -1) {
		rc = 0;
		switch (opt) {
		case 'r':
			path = optarg;
			break;
		case 'n':
			rc = parse_u32(optarg, &count);
			break;
		case 's':
			rc = parse_u32(optarg, &stream.seed);
			break;
		case 'L':
			rc = nrt_stream_option(&stream, longopts[idx].name,
					       optarg) == 1 ? 0 : -EINVAL;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (rc) {
			fprintf(stderr, "nrt-pcap-verify: bad value '%s'\n",
				optarg);
			return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}

	p = pcap_open_offline(path, errbuf);
	if (!p) {
		fprintf(stderr, "FAIL: %s: %s\n", path, errbuf);
		return 1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "FAIL: link type %d, expected Ethernet (%d)\n",
			pcap_datalink(p), DLT_EN10MB);
		pcap_close(p);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		/* A whole frame: captured length equals the length on the
		 * wire, and both equal the generated length. */
		if (nrt_frame_verify(&stream, data, hdr->caplen, hdr->len,
				     hdr->caplen < hdr->len, &seq, NULL, why,
				     sizeof(why)) ||
		    hdr->caplen != hdr->len) {
			if (failures++ < 10)
				fprintf(stderr, "FAIL: record %" PRIu32 ": %s\n",
					records, hdr->caplen != hdr->len ?
						"cut by the capture's snaplen" : why);
		} else if (seq != records) {
			if (failures++ < 10)
				fprintf(stderr, "FAIL: record %" PRIu32
					" holds seq %" PRIu32 "\n", records,
					seq);
		}
		records++;
	}
	if (rc != PCAP_ERROR_BREAK) {
		fprintf(stderr, "FAIL: reading %s: %s\n", path, pcap_geterr(p));
		failures++;
	}
	pcap_close(p);
	if (records != count) {
		fprintf(stderr, "FAIL: %" PRIu32 " records, expected %" PRIu32
			"\n", records, count);
		failures++;
	}
	printf("%" PRIu32 " records, %" PRIu32 " failure(s)\n", records,
	       failures);
	return failures ? 1 : 0;
}
