/* SPDX-License-Identifier: MIT */
/*
 * unit_summary.c - the line `netring dump` prints for a frame: exact text
 * for crafted frames of each kind, for every cut of them from 0 to 64
 * bytes, and for random bytes.  Each frame is placed to end right before an
 * inaccessible page, so any read past its length faults, with or without
 * AddressSanitizer.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "summary.h"

static int failures;

/* Two pages, the second inaccessible; frames are copied to end at it. */
static uint8_t *guard_area;
static size_t page_size;

static void guard_init(void)
{
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	guard_area = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_area == MAP_FAILED ||
	    mprotect(guard_area + page_size, page_size, PROT_NONE)) {
		perror("unit_summary: guard page");
		exit(1);
	}
}

/* `len` bytes of `frame`, ending where the inaccessible page starts. */
static const uint8_t *guarded(const uint8_t *frame, size_t len)
{
	uint8_t *p = guard_area + page_size - len;

	memcpy(p, frame, len);
	return p;
}

static void expect_summary(const char *what, const uint8_t *frame, size_t len,
			   const char *want)
{
	char got[512];
	size_t n;

	memset(got, 'X', sizeof(got));
	n = frame_summary(got, sizeof(got), guarded(frame, len), len);
	if (strcmp(got, want) != 0 || n != strlen(want)) {
		printf("FAIL %s, %zu bytes:\n  want \"%s\"\n  got  \"%s\" (%zu)\n",
		       what, len, want, got, n);
		failures++;
	}
}

/* A frame under construction. */
struct frame {
	uint8_t b[2048];
	size_t len;
};

static void put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put8(struct frame *f, uint8_t v)
{
	put(f, &v, 1);
}

static void put16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(f, b, 2);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void put_ip(struct frame *f, int family, const char *s)
{
	uint8_t a[16];

	if (inet_pton(family, s, a) != 1)
		abort();
	put(f, a, family == AF_INET ? 4 : 16);
}

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
#define MACS "02:00:00:00:00:02 > 02:00:00:00:00:01 "

/* Ethernet header from mac_b to dst, then `type` (put by the caller). */
static void eth(struct frame *f, const uint8_t *dst)
{
	f->len = 0;
	memset(f->b, 0, sizeof(f->b));
	put(f, dst, 6);
	put(f, mac_b, 6);
}

/* IPv4 header 192.0.2.2 > 192.0.2.1 for `l4len` bytes of `proto`. */
static void ipv4(struct frame *f, uint8_t proto, uint16_t l4len, uint16_t frag)
{
	put8(f, 0x45);
	put8(f, 0);
	put16(f, (uint16_t)(20 + l4len));
	put16(f, 1);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put_ip(f, AF_INET, "192.0.2.2");
	put_ip(f, AF_INET, "192.0.2.1");
}

static void udp(struct frame *f, uint16_t sport, uint16_t dport,
		size_t payload)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, (uint16_t)(8 + payload));
	put16(f, 0);
	for (size_t i = 0; i < payload; i++)
		put8(f, (uint8_t)('a' + i));
}

/* Short frames reach the wire padded to 60 bytes: pad as a NIC would. */
static void pad_to(struct frame *f, size_t len)
{
	if (f->len < len)
		f->len = len;
}

/* Frame cut to len: text for each cut, full text from full_from on. */
struct cut {
	size_t from; /* shortest cut that gives this text */
	const char *text;
};

static void expect_cuts(const char *what, const struct frame *f,
			const struct cut *cuts, size_t ncuts)
{
	for (size_t len = 0; len <= 64 && len <= f->len; len++) {
		const char *want = NULL;
		char buf[512];

		if (len < 14) {
			snprintf(buf, sizeof(buf), "short frame, %zu bytes", len);
			want = buf;
		}
		for (size_t i = 0; i < ncuts; i++)
			if (len >= cuts[i].from)
				want = cuts[i].text;
		expect_summary(what, f->b, len, want);
	}
}

static void test_ipv4_udp(void)
{
	static const struct cut cuts[] = {
		{ 14, MACS "IPv4, truncated" },
		{ 34, MACS "IPv4 192.0.2.2 > 192.0.2.1 UDP, truncated" },
		{ 42, MACS "IPv4 192.0.2.2 > 192.0.2.1 UDP 40000 > 9, length 12" },
	};
	struct frame f;

	eth(&f, mac_a);
	put16(&f, 0x0800);
	ipv4(&f, 17, 12, 0);
	udp(&f, 40000, 9, 4);
	pad_to(&f, 64);
	expect_cuts("IPv4/UDP", &f, cuts, 3);
}

static void test_icmp(void)
{
	static const struct cut cuts[] = {
		{ 14, MACS "IPv4, truncated" },
		{ 34, MACS "IPv4 192.0.2.2 > 192.0.2.1 ICMP, truncated" },
		{ 36, MACS "IPv4 192.0.2.2 > 192.0.2.1 ICMP echo request, truncated" },
		{ 42, MACS "IPv4 192.0.2.2 > 192.0.2.1 ICMP echo request, id 4660, seq 7" },
	};
	struct frame f;

	eth(&f, mac_a);
	put16(&f, 0x0800);
	ipv4(&f, 1, 8 + 56, 0);
	put8(&f, 8);
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 0x1234);
	put16(&f, 7);
	f.len += 56;
	expect_cuts("ICMP echo request", &f, cuts, 4);

	/* Echo reply and port unreachable: the other common types. */
	f.b[34] = 0;
	expect_summary("ICMP echo reply", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 ICMP echo reply, id 4660, seq 7");
	f.b[34] = 3;
	f.b[35] = 3;
	expect_summary("ICMP port unreachable", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 ICMP port unreachable");
	f.b[34] = 42;
	f.b[35] = 1;
	expect_summary("ICMP unknown type", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 ICMP type 42, code 1");
}

static void test_tcp(void)
{
	struct frame f;

	eth(&f, mac_a);
	put16(&f, 0x0800);
	ipv4(&f, 6, 20, 0);
	put16(&f, 40000);
	put16(&f, 80);
	put32(&f, 1);
	put32(&f, 0);
	put8(&f, 0x50);
	put8(&f, 0x02); /* SYN */
	put16(&f, 1024);
	put32(&f, 0);
	pad_to(&f, 60);
	expect_summary("TCP SYN", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 TCP 40000 > 80 [S]");
	f.b[47] = 0x12; /* SYN+ACK */
	expect_summary("TCP SYN-ACK", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 TCP 40000 > 80 [S.]");
	f.b[47] = 0x19; /* FIN+PSH+ACK */
	expect_summary("TCP FIN", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 TCP 40000 > 80 [FP.]");
	expect_summary("TCP cut in the header", f.b, 14 + 20 + 13,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 TCP 40000 > 80, truncated");
}

static void test_ipv4_oddities(void)
{
	struct frame f;

	eth(&f, mac_a);
	put16(&f, 0x0800);
	ipv4(&f, 17, 8, 0x2000 | 185); /* a later fragment, offset 1480 */
	udp(&f, 1, 2, 0);
	pad_to(&f, 60);
	expect_summary("IPv4 fragment", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 UDP fragment, offset 1480");

	f.b[14] = 0x65;
	expect_summary("IPv4 version 6", f.b, f.len,
		       MACS "IPv4, bad version 6");
	f.b[14] = 0x44;
	expect_summary("IPv4 IHL 4", f.b, f.len,
		       MACS "IPv4, bad header length 16");
	f.b[14] = 0x4f; /* 60-byte header: options beyond the 60-byte frame */
	expect_summary("IPv4 options cut", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1, truncated");
	f.b[14] = 0x45;
	f.b[16] = 0;
	f.b[17] = 19; /* total length shorter than the header */
	expect_summary("IPv4 total length 19", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1, bad total length 19");
	f.b[17] = 28;
	f.b[20] = 0;
	f.b[21] = 0;
	f.b[23] = 200;
	expect_summary("IPv4 unknown protocol", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 proto 200");
	f.b[23] = 47;
	expect_summary("IPv4 GRE", f.b, f.len,
		       MACS "IPv4 192.0.2.2 > 192.0.2.1 GRE");
}

/* Ethernet/IPv4 ARP, 192.0.2.2 (mac_b) asking for or answering 192.0.2.1. */
static void arp(struct frame *f, const uint8_t *dst, uint16_t op)
{
	eth(f, dst);
	put16(f, 0x0806);
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, op);
	put(f, op == 1 ? mac_b : mac_a, 6);
	put_ip(f, AF_INET, op == 1 ? "192.0.2.2" : "192.0.2.1");
	put(f, op == 1 ? (const uint8_t[6]){ 0 } : mac_b, 6);
	put_ip(f, AF_INET, op == 1 ? "192.0.2.1" : "192.0.2.2");
	pad_to(f, 60);
}

static void test_arp(void)
{
	static const struct cut request_cuts[] = {
		{ 14, "02:00:00:00:00:02 > ff:ff:ff:ff:ff:ff ARP, truncated" },
		{ 22, "02:00:00:00:00:02 > ff:ff:ff:ff:ff:ff ARP request, truncated" },
		{ 42, "02:00:00:00:00:02 > ff:ff:ff:ff:ff:ff ARP who-has 192.0.2.1 tell 192.0.2.2" },
	};
	struct frame f;

	arp(&f, mac_bcast, 1);
	expect_cuts("ARP request", &f, request_cuts, 3);
	arp(&f, mac_a, 2);
	expect_summary("ARP reply", f.b, f.len,
		       MACS "ARP reply 192.0.2.1 is-at 02:00:00:00:00:01");
	f.b[21] = 9;
	expect_summary("ARP op 9", f.b, f.len, MACS "ARP op 9");
	f.b[15] = 6; /* hardware type 6 (IEEE 802): another layout */
	expect_summary("ARP other hardware", f.b, f.len,
		       MACS "ARP op 9, hardware 6, protocol 0x0800");
}

/* IPv6 header 2001:db8::2 > 2001:db8::1 for `plen` bytes of `next`. */
static void ipv6(struct frame *f, uint8_t next, uint16_t plen)
{
	put32(f, 0x60000000);
	put16(f, plen);
	put8(f, next);
	put8(f, 64);
	put_ip(f, AF_INET6, "2001:db8::2");
	put_ip(f, AF_INET6, "2001:db8::1");
}

static void test_ipv6(void)
{
	static const struct cut cuts[] = {
		{ 14, MACS "IPv6, truncated" },
		{ 54, MACS "IPv6 2001:db8::2 > 2001:db8::1 ICMPv6, truncated" },
		{ 56, MACS "IPv6 2001:db8::2 > 2001:db8::1 ICMPv6 echo request, truncated" },
		{ 62, MACS "IPv6 2001:db8::2 > 2001:db8::1 ICMPv6 echo request, id 1, seq 2" },
	};
	struct frame f;

	eth(&f, mac_a);
	put16(&f, 0x86dd);
	ipv6(&f, 58, 8);
	put8(&f, 128);
	put8(&f, 0);
	put16(&f, 0);
	put16(&f, 1);
	put16(&f, 2);
	pad_to(&f, 64);
	expect_cuts("IPv6 ICMPv6 echo", &f, cuts, 4);

	eth(&f, mac_a);
	put16(&f, 0x86dd);
	ipv6(&f, 58, 24);
	put8(&f, 135);
	put8(&f, 0);
	put16(&f, 0);
	put32(&f, 0);
	put_ip(&f, AF_INET6, "2001:db8::1");
	expect_summary("IPv6 neighbor solicitation", f.b, f.len,
		       MACS "IPv6 2001:db8::2 > 2001:db8::1 ICMPv6 neighbor solicitation, who has 2001:db8::1");

	/* UDP behind a hop-by-hop header (8 bytes: next, length 0, pad). */
	eth(&f, mac_a);
	put16(&f, 0x86dd);
	ipv6(&f, 0, 8 + 8 + 4);
	put8(&f, 17);
	put8(&f, 0);
	put16(&f, 0);
	put32(&f, 0);
	udp(&f, 5353, 5353, 4);
	expect_summary("IPv6 hop-by-hop UDP", f.b, f.len,
		       MACS "IPv6 2001:db8::2 > 2001:db8::1 UDP 5353 > 5353, length 12");
	expect_summary("IPv6 hop-by-hop cut", f.b, 14 + 40 + 7,
		       MACS "IPv6 2001:db8::2 > 2001:db8::1, truncated");
	f.b[55] = 200; /* extension header longer than the frame */
	expect_summary("IPv6 extension too long", f.b, f.len,
		       MACS "IPv6 2001:db8::2 > 2001:db8::1, truncated");

	/* Nine hop-by-hop headers in a row: more than are walked. */
	eth(&f, mac_a);
	put16(&f, 0x86dd);
	ipv6(&f, 0, 9 * 8);
	for (int i = 0; i < 9; i++) {
		put8(&f, 0);
		put8(&f, 0);
		put16(&f, 0);
		put32(&f, 0);
	}
	expect_summary("IPv6 extension chain", f.b, f.len,
		       MACS "IPv6 2001:db8::2 > 2001:db8::1, too many extension headers");
}

static void test_vlan(void)
{
	static const struct cut cuts[] = {
		{ 14, MACS "802.1Q, truncated" },
		{ 18, MACS "vlan 100, p 3, IPv4, truncated" },
		{ 38, MACS "vlan 100, p 3, IPv4 192.0.2.2 > 192.0.2.1 UDP, truncated" },
		{ 46, MACS "vlan 100, p 3, IPv4 192.0.2.2 > 192.0.2.1 UDP 40000 > 9, length 12" },
	};
	struct frame f;

	eth(&f, mac_a);
	put16(&f, 0x8100);
	put16(&f, 3 << 13 | 100);
	put16(&f, 0x0800);
	ipv4(&f, 17, 12, 0);
	udp(&f, 40000, 9, 4);
	pad_to(&f, 64);
	expect_cuts("802.1Q IPv4/UDP", &f, cuts, 4);

	/* 802.1ad outer tag, 802.1Q inner tag, unknown inner type. */
	eth(&f, mac_a);
	put16(&f, 0x88a8);
	put16(&f, 10);
	put16(&f, 0x8100);
	put16(&f, 4095);
	put16(&f, 0x88b5);
	pad_to(&f, 60);
	expect_summary("QinQ", f.b, f.len,
		       MACS "svlan 10, p 0, vlan 4095, p 0, 0x88b5");

	/* Tags all the way: shown up to a limit, never read past the end. */
	eth(&f, mac_a);
	for (int i = 0; i < 10; i++) {
		put16(&f, 0x8100);
		put16(&f, (uint16_t)(i + 1));
	}
	put16(&f, 0x0800);
	expect_summary("ten vlan tags", f.b, f.len,
		       MACS "vlan 1, p 0, vlan 2, p 0, vlan 3, p 0, vlan 4, p 0, too many vlan tags");
}

static void test_other_types(void)
{
	struct frame f;

	eth(&f, mac_a);
	put16(&f, 0x88b5);
	pad_to(&f, 60);
	expect_summary("unknown ethertype", f.b, f.len, MACS "0x88b5");
	f.b[12] = 0x88;
	f.b[13] = 0xcc;
	expect_summary("LLDP", f.b, f.len, MACS "LLDP");
	f.b[12] = 0x00;
	f.b[13] = 0x26;
	expect_summary("802.3 length", f.b, f.len, MACS "802.3, length 38");
	f.b[12] = 0x05;
	f.b[13] = 0xdd; /* 1501: neither a length nor a known type */
	expect_summary("ethertype 0x05dd", f.b, f.len, MACS "0x05dd");
	expect_summary("header only", f.b, 14, MACS "0x05dd");
}

/* The caller's buffer is never overrun and the text is cut cleanly. */
static void test_small_buffers(void)
{
	const char *full = MACS "0x88b5";
	char buf[64];
	struct frame f;

	eth(&f, mac_a);
	put16(&f, 0x88b5);
	pad_to(&f, 60);
	if (frame_summary(buf, 0, f.b, f.len) != 0) {
		printf("FAIL size 0 did not return 0\n");
		failures++;
	}
	for (size_t size = 1; size <= strlen(full) + 1; size++) {
		size_t n;

		memset(buf, 'X', sizeof(buf));
		n = frame_summary(buf, size, f.b, f.len);
		if (n != size - 1 || strncmp(buf, full, size - 1) != 0 ||
		    buf[size - 1] != '\0' || buf[size] != 'X') {
			printf("FAIL buffer of %zu: \"%.*s\" (%zu)\n", size,
			       (int)size, buf, n);
			failures++;
		}
	}
}

/*
 * Random frames of random lengths, biased toward the types the parser
 * looks into.  What is checked: no fault, no over-read (the guard page,
 * ASan), and a well-formed result.
 */
static void test_random_frames(void)
{
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806, 0x8100,
					  0x88a8, 0x88b5 };
	uint64_t state = 0x9e3779b97f4a7c15ull;
	uint8_t frame[256];
	char buf[512];

	for (int iter = 0; iter < 200000; iter++) {
		size_t len, n;

		for (size_t i = 0; i < sizeof(frame); i++) {
			/* xorshift64: deterministic, so a failure reproduces */
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			frame[i] = (uint8_t)state;
		}
		len = (size_t)(state >> 40) % sizeof(frame);
		/* Plausible headers, so the L3/L4 paths see random input. */
		if (iter % 4 != 0) {
			uint16_t t = types[(state >> 20) % 6];

			frame[12] = (uint8_t)(t >> 8);
			frame[13] = (uint8_t)t;
			if (t == 0x8100 || t == 0x88a8) {
				frame[16] = iter % 3 ? 0x08 : 0x86;
				frame[17] = iter % 3 ? 0x00 : 0xdd;
			}
			frame[14] = (frame[14] & 0x0f) |
				    (t == 0x86dd ? 0x60 : 0x40);
			frame[18] = (frame[18] & 0x0f) | 0x40;
		}
		memset(buf, 'X', sizeof(buf));
		n = frame_summary(buf, (size_t)iter % 7 == 0 ? 40 : sizeof(buf),
				  guarded(frame, len), len);
		if (n != strlen(buf) || n >= sizeof(buf)) {
			printf("FAIL random frame %d (%zu bytes): length %zu, text \"%s\"\n",
			       iter, len, n, buf);
			failures++;
			return;
		}
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0); /* keep lines printed before a fault */
	guard_init();
	test_ipv4_udp();
	test_icmp();
	test_tcp();
	test_ipv4_oddities();
	test_arp();
	test_ipv6();
	test_vlan();
	test_other_types();
	test_small_buffers();
	test_random_frames();
	if (failures) {
		printf("unit_summary: %d failures\n", failures);
		return 1;
	}
	printf("unit_summary: all passed\n");
	return 0;
}
