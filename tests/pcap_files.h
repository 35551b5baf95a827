/* SPDX-License-Identifier: MIT */
/*
 * pcap_files.h - writing capture files of the test frame stream (frames.h)
 * for the pcap source's tests, fuzz seeds and benchmark: pcap with
 * microsecond or nanosecond stamps (through libpcap) and pcapng (written
 * here, since libpcap cannot), with a chosen snap length and link type.
 */
#ifndef NETRING_PCAP_FILES_H
#define NETRING_PCAP_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include "frames.h"

enum pf_format { PF_PCAP_US, PF_PCAP_NS, PF_PCAPNG };

struct pf_spec {
	enum pf_format format;
	uint32_t count;
	uint32_t snaplen;  /* records hold at most this much; 0: 65535 */
	int linktype;      /* DLT_*; 0: DLT_EN10MB */
	uint64_t t0_ns;    /* stamp of frame 0 */
	uint64_t gap_ns;   /* between frames */
	struct nrt_stream stream;
};

/* The stamp frame k gets (before the file's precision cuts it). */
uint64_t pf_stamp(const struct pf_spec *sp, uint32_t k);

/* The stamp a reader gets back: microsecond files drop the rest. */
uint64_t pf_stamp_read(const struct pf_spec *sp, uint32_t k);

/* Write the file; 0, or -errno with the reason on stderr. */
int pf_write(const char *path, const struct pf_spec *sp);

#endif /* NETRING_PCAP_FILES_H */
