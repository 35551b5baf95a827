// SPDX-License-Identifier: MIT
/*
 * pcap_files.c - capture files of the test frame stream: pcap through
 * libpcap's dumper, pcapng block by block (section header, one interface
 * with nanosecond resolution, one enhanced packet block per frame).
 */
#include "pcap_files.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t pf_stamp(const struct pf_spec *sp, uint32_t k)
{
	/* Sub-microsecond digits that differ frame to frame, so a reader
	 * that loses them is caught. */
	return sp->t0_ns + (uint64_t)k * sp->gap_ns + (uint64_t)(k * 137u % 1000u);
}

uint64_t pf_stamp_read(const struct pf_spec *sp, uint32_t k)
{
	uint64_t ts = pf_stamp(sp, k);

	return sp->format == PF_PCAP_US ? ts / 1000 * 1000 : ts;
}

static int write_pcap(const char *path, const struct pf_spec *sp,
		      uint8_t *buf)
{
	pcap_t *dead;
	pcap_dumper_t *d;
	uint32_t k;
	bool nano = sp->format == PF_PCAP_NS;

	dead = pcap_open_dead_with_tstamp_precision(
		sp->linktype ? sp->linktype : DLT_EN10MB,
		sp->snaplen ? (int)sp->snaplen : 65535,
		nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (!dead)
		return -ENOMEM;
	d = pcap_dump_open(dead, path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, pcap_geterr(dead));
		pcap_close(dead);
		return -EIO;
	}
	for (k = 0; k < sp->count; k++) {
		struct pcap_pkthdr h;
		uint64_t ts = pf_stamp(sp, k);
		int len = nrt_frame_build(&sp->stream, k, buf, NRT_FRAME_BUF);

		if (len < 0)
			break;
		h.ts.tv_sec = (time_t)(ts / 1000000000ull);
		h.ts.tv_usec = (suseconds_t)(nano ? ts % 1000000000ull :
						    ts % 1000000000ull / 1000);
		h.len = (uint32_t)len;
		h.caplen = sp->snaplen && h.len > sp->snaplen ? sp->snaplen : h.len;
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

static void put16(FILE *f, uint16_t v)
{
	fwrite(&v, 2, 1, f);
}

static int write_pcapng(const char *path, const struct pf_spec *sp,
			uint8_t *buf)
{
	static const uint8_t zeros[4];
	uint32_t snap = sp->snaplen ? sp->snaplen : 65535, k;
	FILE *f = fopen(path, "wb");
	int64_t section_len = -1;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	/* Section header block: no options. */
	put32(f, 0x0a0d0d0a);
	put32(f, 28);
	put32(f, 0x1a2b3c4d);
	put16(f, 1);
	put16(f, 0);
	fwrite(&section_len, 8, 1, f);
	put32(f, 28);
	/* Interface description block: if_tsresol = 9 (nanoseconds). */
	put32(f, 1);
	put32(f, 32);
	put16(f, (uint16_t)(sp->linktype ? sp->linktype : DLT_EN10MB));
	put16(f, 0);
	put32(f, snap);
	put16(f, 9);
	put16(f, 1);
	fwrite("\x09\0\0\0", 4, 1, f);
	put16(f, 0);
	put16(f, 0);
	put32(f, 32);
	for (k = 0; k < sp->count; k++) {
		uint64_t ts = pf_stamp(sp, k);
		int len = nrt_frame_build(&sp->stream, k, buf, NRT_FRAME_BUF);
		uint32_t cap, pad;

		if (len < 0)
			break;
		cap = (uint32_t)len > snap ? snap : (uint32_t)len;
		pad = (4 - cap % 4) % 4;
		put32(f, 6);
		put32(f, 32 + cap + pad);
		put32(f, 0);
		put32(f, (uint32_t)(ts >> 32));
		put32(f, (uint32_t)ts);
		put32(f, cap);
		put32(f, (uint32_t)len);
		fwrite(buf, 1, cap, f);
		fwrite(zeros, 1, pad, f);
		put32(f, 32 + cap + pad);
	}
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

int pf_write(const char *path, const struct pf_spec *sp)
{
	uint8_t *buf = malloc(NRT_FRAME_BUF);
	int rc;

	if (!buf)
		return -ENOMEM;
	if (sp->format == PF_PCAPNG)
		rc = write_pcapng(path, sp, buf);
	else
		rc = write_pcap(path, sp, buf);
	free(buf);
	return rc;
}
