// SPDX-License-Identifier: MIT
/*
 * pcap_cmp.c - pcap-cmp: do two capture files hold the same frames, in the
 * same order, byte for byte, with the same original lengths?  Time stamps
 * are not compared.  With --prefix the second file's frames may be cut
 * (fewer bytes captured, a matching prefix, the same original length).
 *
 *	pcap-cmp [--prefix] EXPECTED ACTUAL		exit 0 same, 1 not, 2 error
 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static pcap_t *open_file(const char *path)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);

	if (!p)
		fprintf(stderr, "pcap-cmp: %s: %s\n", path, err);
	return p;
}

int main(int argc, char **argv)
{
	bool prefix = argc > 1 && strcmp(argv[1], "--prefix") == 0;
	struct pcap_pkthdr *ha, *hb;
	const u_char *da, *db;
	unsigned long k;
	pcap_t *a, *b;
	int ra, rb, rc = 0;

	if (argc != 3 + prefix) {
		fprintf(stderr, "usage: pcap-cmp [--prefix] EXPECTED ACTUAL\n");
		return 2;
	}
	a = open_file(argv[1 + prefix]);
	b = open_file(argv[2 + prefix]);
	if (!a || !b)
		return 2;
	for (k = 0;; k++) {
		ra = pcap_next_ex(a, &ha, &da);
		rb = pcap_next_ex(b, &hb, &db);
		if (ra != 1 || rb != 1) {
			if (ra != rb) {
				fprintf(stderr, "pcap-cmp: frame %lu: only in %s\n", k,
					ra == 1 ? argv[1 + prefix] : argv[2 + prefix]);
				rc = 1;
			}
			break;
		}
		if (ha->len != hb->len ||
		    (prefix ? hb->caplen > ha->caplen : hb->caplen != ha->caplen) ||
		    memcmp(da, db, hb->caplen) != 0) {
			fprintf(stderr,
				"pcap-cmp: frame %lu differs: %u/%u bytes vs %u/%u\n",
				k, ha->caplen, ha->len, hb->caplen, hb->len);
			rc = 1;
			break;
		}
	}
	if (rc == 0)
		printf("%lu frames identical\n", k);
	pcap_close(a);
	pcap_close(b);
	return rc;
}
