/* SPDX-License-Identifier: MIT */
/*
 * unit_pcapw.c - the pcap writer of `netring dump -w`: frames written with
 * microsecond and nanosecond stamps read back through libpcap with the same
 * bytes, caplen, origlen and timestamps; bad paths and a full disk reported
 * with their errno.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcapw.h"

#define SNAPLEN 1792u

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			failures++;                                            \
		}                                                              \
	} while (0)

struct record {
	uint32_t len;
	uint32_t wire_len;
	uint64_t ts_ns;
};

/* Lengths that matter: minimum, typical, maximum whole, and cut frames. */
static const struct record records[] = {
	{ 60, 60, 1700000000123456789ull },
	{ 1514, 1514, 1700000000999999999ull }, /* µs must truncate, not round */
	{ 64, 64, 1700000001000000000ull },
	{ SNAPLEN, 9000, 1700000001000000001ull },
	{ 14, 14, 5ull },  /* 5 ns after the epoch */
	{ 0, 0, 1000ull }, /* an empty record */
};
#define NRECORDS (sizeof(records) / sizeof(records[0]))

/* Bytes of record i: differ per record and per position. */
static void record_bytes(size_t i, uint8_t *b, uint32_t len)
{
	for (uint32_t k = 0; k < len; k++)
		b[k] = (uint8_t)(k * 7 + i * 31 + (k >> 8));
}

static void write_records(const char *path, bool nano)
{
	static uint8_t b[SNAPLEN];
	struct pcap_writer w;
	char err[256];
	int rc;

	rc = pcap_writer_open(&w, path, SNAPLEN, nano, err, sizeof(err));
	CHECK(rc == 0, "open %s: %d %s", path, rc, err);
	if (rc)
		return;
	for (size_t i = 0; i < NRECORDS; i++) {
		record_bytes(i, b, records[i].len);
		pcap_writer_write(&w, b, records[i].len, records[i].wire_len,
				  records[i].ts_ns);
	}
	CHECK(w.frames == NRECORDS, "frames %llu", (unsigned long long)w.frames);
	rc = pcap_writer_close(&w, err, sizeof(err));
	CHECK(rc == 0, "close %s: %d %s", path, rc, err);
}

/* The file's magic number says its precision (written in host order). */
static void check_magic(const char *path, uint32_t want)
{
	uint32_t magic = 0;
	FILE *f = fopen(path, "rb");

	CHECK(f && fread(&magic, sizeof(magic), 1, f) == 1, "read %s", path);
	CHECK(magic == want, "%s: magic 0x%08x, want 0x%08x", path, magic, want);
	if (f)
		fclose(f);
}

/*
 * Read `path` at `precision` and compare every record.  `file_nano` is how
 * it was written: the stamp read back is ts_ns cut to the file's precision,
 * then expressed in the reader's.
 */
static void read_back(const char *path, bool file_nano, u_int precision)
{
	static uint8_t want[SNAPLEN];
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t i = 0;
	pcap_t *p;
	int rc;

	p = pcap_open_offline_with_tstamp_precision(path, precision, errbuf);
	CHECK(p, "pcap_open_offline %s: %s", path, errbuf);
	if (!p)
		return;
	CHECK(pcap_datalink(p) == DLT_EN10MB, "datalink %d", pcap_datalink(p));
	CHECK(pcap_snapshot(p) == (int)SNAPLEN, "snaplen %d", pcap_snapshot(p));
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		const struct record *r = &records[i];
		uint64_t file_ns, sub;

		CHECK(i < NRECORDS, "more records than written");
		if (i >= NRECORDS)
			break;
		file_ns = file_nano ? r->ts_ns : r->ts_ns / 1000 * 1000;
		sub = file_ns % 1000000000u;
		if (precision == PCAP_TSTAMP_PRECISION_MICRO)
			sub /= 1000;
		record_bytes(i, want, r->len);
		CHECK(h->caplen == r->len, "record %zu caplen %u, want %u", i,
		      h->caplen, r->len);
		CHECK(h->len == r->wire_len, "record %zu len %u, want %u", i,
		      h->len, r->wire_len);
		CHECK((uint64_t)h->ts.tv_sec == file_ns / 1000000000u,
		      "record %zu tv_sec %lld", i, (long long)h->ts.tv_sec);
		CHECK((uint64_t)h->ts.tv_usec == sub,
		      "record %zu tv_usec %lld, want %llu (%s file, %s reader)",
		      i, (long long)h->ts.tv_usec, (unsigned long long)sub,
		      file_nano ? "ns" : "us",
		      precision == PCAP_TSTAMP_PRECISION_NANO ? "ns" : "us");
		CHECK(h->caplen == r->len && memcmp(data, want, r->len) == 0,
		      "record %zu bytes differ", i);
		i++;
	}
	CHECK(rc == PCAP_ERROR_BREAK, "pcap_next_ex ended with %d: %s", rc,
	      pcap_geterr(p));
	CHECK(i == NRECORDS, "%zu records read, %zu written", i, NRECORDS);
	pcap_close(p);
}

static void test_round_trip(const char *dir)
{
	char us[512], ns[512];

	snprintf(us, sizeof(us), "%s/us.pcap", dir);
	snprintf(ns, sizeof(ns), "%s/ns.pcap", dir);

	write_records(us, false);
	check_magic(us, 0xa1b2c3d4);
	read_back(us, false, PCAP_TSTAMP_PRECISION_MICRO);
	read_back(us, false, PCAP_TSTAMP_PRECISION_NANO);

	write_records(ns, true);
	check_magic(ns, 0xa1b23c4d);
	read_back(ns, true, PCAP_TSTAMP_PRECISION_NANO);
	read_back(ns, true, PCAP_TSTAMP_PRECISION_MICRO);

	/* Writing again truncates: the same file holds the same records. */
	write_records(ns, true);
	read_back(ns, true, PCAP_TSTAMP_PRECISION_NANO);
	unlink(us);
	unlink(ns);
}

/* A frame longer than the snapshot length is stored cut, never longer. */
static void test_snaplen_cut(const char *dir)
{
	static uint8_t b[4000];
	char path[512], err[256];
	struct pcap_writer w;
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;

	snprintf(path, sizeof(path), "%s/cut.pcap", dir);
	record_bytes(9, b, sizeof(b));
	CHECK(pcap_writer_open(&w, path, 512, false, err, sizeof(err)) == 0,
	      "open: %s", err);
	pcap_writer_write(&w, b, sizeof(b), sizeof(b), 1);
	CHECK(pcap_writer_close(&w, err, sizeof(err)) == 0, "close: %s", err);
	p = pcap_open_offline(path, err);
	CHECK(p, "open %s: %s", path, err);
	if (!p)
		return;
	CHECK(pcap_next_ex(p, &h, &data) == 1, "no record");
	CHECK(h->caplen == 512 && h->len == sizeof(b) &&
		      memcmp(data, b, 512) == 0,
	      "caplen %u len %u", h->caplen, h->len);
	pcap_close(p);
	unlink(path);
}

static void expect_open_error(const char *path, int want_rc,
			      const char *want_msg)
{
	struct pcap_writer w;
	char err[256] = "";
	int rc = pcap_writer_open(&w, path, SNAPLEN, false, err, sizeof(err));

	CHECK(rc == want_rc, "open %s: %d, want %d", path, rc, want_rc);
	CHECK(strcmp(err, want_msg) == 0, "open %s: message \"%s\", want \"%s\"",
	      path, err, want_msg);
	if (rc == 0)
		pcap_writer_close(&w, err, sizeof(err));
}

static void test_errors(const char *dir)
{
	char path[512], msg[600];
	struct pcap_writer w;
	char err[256] = "";
	int rc;

	snprintf(msg, sizeof(msg), "%s: Is a directory", dir);
	expect_open_error(dir, -EISDIR, msg);

	snprintf(path, sizeof(path), "%s/missing/x.pcap", dir);
	snprintf(msg, sizeof(msg), "%s: No such file or directory", path);
	expect_open_error(path, -ENOENT, msg);

	snprintf(path, sizeof(path), "%s/x.pcap", dir);
	rc = pcap_writer_open(&w, path, 0, false, err, sizeof(err));
	CHECK(rc == -EINVAL, "snaplen 0: %d", rc);

	/* Writes are buffered: a full disk shows at close, with its errno. */
	if (access("/dev/full", W_OK) == 0) {
		static uint8_t b[1514];

		rc = pcap_writer_open(&w, "/dev/full", SNAPLEN, false, err,
				      sizeof(err));
		CHECK(rc == 0, "open /dev/full: %d %s", rc, err);
		if (rc == 0) {
			int first_failure = -1;

			/* The first writes fill the stdio buffer; one of the
			 * next must fail, and every one after it. */
			for (int i = 0; i < 100; i++) {
				rc = pcap_writer_write(&w, b, sizeof(b),
						       sizeof(b), 0);
				if (rc && first_failure < 0)
					first_failure = i;
				CHECK(first_failure < 0 || rc == -ENOSPC,
				      "write %d to /dev/full: %d", i, rc);
			}
			CHECK(first_failure > 0 && w.frames == (uint64_t)first_failure,
			      "first failure at %d, %llu frames counted",
			      first_failure, (unsigned long long)w.frames);
			rc = pcap_writer_close(&w, err, sizeof(err));
			CHECK(rc == -ENOSPC, "close /dev/full: %d", rc);
			CHECK(strcmp(err, "/dev/full: No space left on device") == 0,
			      "close /dev/full: \"%s\"", err);
		}
	} else {
		printf("unit_pcapw: no writable /dev/full, full-disk case not run\n");
	}
}

int main(void)
{
	char dir[] = "/tmp/nrc-unit-pcapw-XXXXXX";

	if (!mkdtemp(dir)) {
		perror("unit_pcapw: mkdtemp");
		return 1;
	}
	test_round_trip(dir);
	test_snaplen_cut(dir);
	test_errors(dir);
	rmdir(dir);
	if (failures) {
		printf("unit_pcapw: %d failures\n", failures);
		return 1;
	}
	printf("unit_pcapw: all passed\n");
	return 0;
}
