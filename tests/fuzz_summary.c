// SPDX-License-Identifier: MIT
/*
 * fuzz_summary.c - libFuzzer target for the frame summary `netring dump`
 * prints (tools/summary.c): any bytes, any length, any buffer size; the
 * text is always NUL-terminated inside the buffer and never longer than it
 * says.  Built with -DNRF_FUZZ_SEEDS it is instead the seed writer: the
 * test stream's frames (lib/frames.h) plus one frame of each protocol the
 * summary knows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "summary.h"

#ifndef NRF_FUZZ_SEEDS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[256];
	/* The first byte picks the buffer size, so short buffers are cut
	 * too: 0 (nothing may be written) up to the whole buffer. */
	size_t bufsize = size ? data[0] : sizeof(buf);
	size_t n;

	if (bufsize > sizeof(buf))
		bufsize = sizeof(buf);
	memset(buf, 'X', sizeof(buf));
	n = frame_summary(buf, bufsize, size ? data + 1 : data, size ? size - 1 : 0);
	if (bufsize) {
		if (n >= bufsize || buf[n] != '\0' || strlen(buf) != n)
			__builtin_trap();
	}
	for (size_t i = bufsize; i < sizeof(buf); i++)
		if (buf[i] != 'X')
			__builtin_trap(); /* written past the size given */
	return 0;
}
#else
#include "frames.h"

static int seed_write(const char *dir, const char *name, const uint8_t *p,
		      size_t len)
{
	char path[4096];
	uint8_t size = 200;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(&size, 1, 1, f) == 1 && fwrite(p, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const uint8_t eth[12] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t ipv4_udp[] = {
		0x08, 0x00, 0x45, 0, 0, 32, 0, 1, 0, 0, 64, 17, 0, 0,
		192, 0, 2, 1, 192, 0, 2, 2, 0x30, 0x39, 0x00, 0x35, 0, 12, 0, 0,
		'a', 'b', 'c', 'd' };
	static const uint8_t ipv6_tcp[] = {
		0x86, 0xdd, 0x60, 0, 0, 0, 0, 20, 6, 64,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		0x30, 0x39, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
		0, 0, 0, 0 };
	static const uint8_t arp[] = {
		0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1,
		0x02, 0, 0, 0, 0, 1, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2 };
	static const uint8_t qinq_ipv4[] = {
		0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x20, 0x07, 0x08, 0x00,
		0x45, 0, 0, 20, 0, 1, 0x20, 0, 64, 1, 0, 0,
		198, 51, 100, 1, 198, 51, 100, 2 };
	const struct {
		const char *name;
		const uint8_t *l3;
		size_t len;
	} protos[] = { { "ipv4_udp", ipv4_udp, sizeof(ipv4_udp) },
		       { "ipv6_tcp", ipv6_tcp, sizeof(ipv6_tcp) },
		       { "arp", arp, sizeof(arp) },
		       { "qinq_ipv4_fragment", qinq_ipv4, sizeof(qinq_ipv4) } };
	static uint8_t buf[NRT_FRAME_BUF];
	struct nrt_stream s;
	char name[64];

	if (argc < 2) {
		fprintf(stderr, "usage: fuzz-summary-seeds DIR [KIND]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		memcpy(buf, eth, sizeof(eth));
		memcpy(buf + sizeof(eth), protos[i].l3, protos[i].len);
		if (seed_write(argv[1], protos[i].name, buf, sizeof(eth) + protos[i].len))
			return 1;
	}
	nrt_stream_init(&s, 7);
	s.len_max = 200;
	s.vlan_every = 3;
	for (uint32_t seq = 0; seq < 16; seq++) {
		int len = nrt_frame_build(&s, seq, buf, sizeof(buf));

		snprintf(name, sizeof(name), "stream_%u", seq);
		if (len < 0 || seed_write(argv[1], name, buf, (size_t)len))
			return 1;
	}
	return 0;
}
#endif
