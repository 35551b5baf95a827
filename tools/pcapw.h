/* SPDX-License-Identifier: MIT */
/*
 * pcapw.h - writing received frames to a pcap file (DLT_EN10MB) through
 * libpcap, with microsecond or nanosecond timestamps.
 */
#ifndef NETRING_TOOL_PCAPW_H
#define NETRING_TOOL_PCAPW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pcap_writer {
	struct pcap *dead; /* pcap_t that only describes the file format */
	struct pcap_dumper *dumper;
	const char *path; /* the caller's string, for messages */
	uint32_t snaplen;
	bool nano;
	uint64_t frames; /* records written */
	int error;       /* errno of the first failed write, or 0 */
};

/* What a capture file's header says, for writing a copy of it. */
struct pcap_file_format {
	bool nano;        /* nanosecond stamps (a pcap-ns file, or pcapng) */
	uint32_t snaplen; /* the file's snapshot length; 0: none stated */
};

/*
 * Read the header of the pcap or pcapng file `path`.  A pcapng file is
 * reported as nanosecond (its stamps are read at that precision) with the
 * snapshot length libpcap gives it.  Returns 0, -errno, or -EBADMSG when it
 * is neither format.
 */
int pcap_file_format_get(const char *path, struct pcap_file_format *fmt);

/*
 * Create (or truncate) `path` and write the file header.  `snaplen` is the
 * longest frame the file will hold whole.  Returns 0, or -errno with the
 * reason in err (a directory gives -EISDIR, a missing directory -ENOENT).
 */
int pcap_writer_open(struct pcap_writer *w, const char *path, uint32_t snaplen,
		     bool nano, char *err, size_t errsize);

/*
 * One record: `len` bytes at data (cut to snaplen), `wire_len` as the
 * original length, ts_ns (CLOCK_REALTIME ns) truncated to the file's
 * precision.  Writes are buffered: returns 0, or the -errno of the first
 * write that failed so far (e.g. -ENOSPC), which close reports again.
 */
int pcap_writer_write(struct pcap_writer *w, const uint8_t *data,
		       uint32_t len, uint32_t wire_len, uint64_t ts_ns);

/* Flush and close.  Returns 0, or -errno (e.g. -ENOSPC) explained in err. */
int pcap_writer_close(struct pcap_writer *w, char *err, size_t errsize);

#endif /* NETRING_TOOL_PCAPW_H */
