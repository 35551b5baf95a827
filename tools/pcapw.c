/* SPDX-License-Identifier: MIT */
/*
 * pcapw.c - pcap files from netring frames.  The file is opened with open(2)
 * rather than by libpcap so that a bad path is reported with its errno
 * before anything is plugged.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pcapw.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAPNG_MAGIC_SHB 0x0a0d0d0au /* the same in both byte orders */
#define PCAP_HDR_LEN 24
#define PCAP_HDR_SNAPLEN_OFF 16

static uint32_t get32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

static int pcapng_snaplen(const char *path, uint32_t *snaplen)
{
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(
		path, PCAP_TSTAMP_PRECISION_NANO, perr);
	int snap;

	if (!p)
		return -EBADMSG;
	snap = pcap_snapshot(p);
	pcap_close(p);
	*snaplen = snap > 0 ? (uint32_t)snap : 0;
	return 0;
}

int pcap_file_format_get(const char *path, struct pcap_file_format *fmt)
{
	uint8_t h[PCAP_HDR_LEN];
	uint32_t magic;
	bool swapped;
	ssize_t n;
	int fd, rc;

	memset(fmt, 0, sizeof(*fmt));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, h, sizeof(h));
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	if (n < 4)
		return -EBADMSG;
	magic = get32(h, false);
	if (magic == PCAPNG_MAGIC_SHB) {
		fmt->nano = true;
		return pcapng_snaplen(path, &fmt->snaplen);
	}
	if (n < PCAP_HDR_LEN)
		return -EBADMSG;
	swapped = magic == __builtin_bswap32(PCAP_MAGIC_US) ||
		  magic == __builtin_bswap32(PCAP_MAGIC_NS);
	magic = get32(h, swapped);
	if (magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS)
		return -EBADMSG;
	fmt->nano = magic == PCAP_MAGIC_NS;
	fmt->snaplen = get32(h + PCAP_HDR_SNAPLEN_OFF, swapped);
	if (fmt->snaplen > (uint32_t)INT32_MAX)
		fmt->snaplen = 0;
	return 0;
}

int pcap_writer_open(struct pcap_writer *w, const char *path, uint32_t snaplen,
		     bool nano, char *err, size_t errsize)
{
	FILE *fp;
	int fd, rc;

	memset(w, 0, sizeof(*w));
	if (!snaplen || snaplen > (uint32_t)INT32_MAX) {
		snprintf(err, errsize, "%s: bad snapshot length %u", path,
			 snaplen);
		return -EINVAL;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errsize, "%s: %s", path, strerror(-rc));
		return rc;
	}
	fp = fdopen(fd, "wb");
	if (!fp) {
		rc = -errno;
		close(fd);
		snprintf(err, errsize, "%s: %s", path, strerror(-rc));
		return rc;
	}
	w->dead = pcap_open_dead_with_tstamp_precision(
		DLT_EN10MB, (int)snaplen,
		nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
	if (!w->dead) {
		fclose(fp);
		snprintf(err, errsize, "%s: out of memory", path);
		return -ENOMEM;
	}
	w->dumper = pcap_dump_fopen(w->dead, fp);
	if (!w->dumper) {
		snprintf(err, errsize, "%s: %s", path, pcap_geterr(w->dead));
		fclose(fp);
		pcap_close(w->dead);
		w->dead = NULL;
		return -EIO;
	}
	w->path = path;
	w->snaplen = snaplen;
	w->nano = nano;
	return 0;
}

int pcap_writer_write(struct pcap_writer *w, const uint8_t *data,
		      uint32_t len, uint32_t wire_len, uint64_t ts_ns)
{
	struct pcap_pkthdr h;
	uint64_t frac = ts_ns % 1000000000u;

	h.ts.tv_sec = (time_t)(ts_ns / 1000000000u);
	/* A nanosecond pcap_t writes tv_usec as-is, as nanoseconds. */
	h.ts.tv_usec = (suseconds_t)(w->nano ? frac : frac / 1000u);
	h.caplen = len < w->snaplen ? len : w->snaplen;
	h.len = wire_len > len ? wire_len : len;
	errno = 0;
	pcap_dump((u_char *)w->dumper, &h, data);
	/* The stream's error flag is sticky, errno is not: keep the first. */
	if (!w->error && ferror(pcap_dump_file(w->dumper)))
		w->error = errno ? errno : EIO;
	if (w->error)
		return -w->error;
	w->frames++;
	return 0;
}

int pcap_writer_close(struct pcap_writer *w, char *err, size_t errsize)
{
	int rc = 0;

	if (!w->dumper)
		return 0;
	/* pcap_dump() cannot report errors, and pcap_dump_close() drops
	 * fclose()'s result: a full disk shows up here or nowhere. */
	errno = 0;
	if (!w->error && (pcap_dump_flush(w->dumper) != 0 ||
			  ferror(pcap_dump_file(w->dumper))))
		w->error = errno ? errno : EIO;
	if (w->error) {
		rc = -w->error;
		snprintf(err, errsize, "%s: %s", w->path, strerror(w->error));
	}
	pcap_dump_close(w->dumper);
	pcap_close(w->dead);
	w->dumper = NULL;
	w->dead = NULL;
	return rc;
}
