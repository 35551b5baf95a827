/* SPDX-License-Identifier: MIT */
/*
 * summary.c - the text `netring dump` prints for each frame.  Every field is
 * read only after checking that the frame is long enough to hold it: the
 * input is whatever arrived on the wire, cut to any length.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "summary.h"

#define ETH_HDR_LEN 14
#define VLAN_TAG_LEN 4
#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40
#define MAX_VLAN_TAGS 4     /* stacked tags shown before giving up */
#define MAX_IPV6_EXT_HDRS 8 /* extension headers walked before giving up */

/* Text being built into a caller's buffer; never more than size - 1 bytes. */
struct text {
	char *buf;
	size_t size;
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len + 1 >= t->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= t->size - t->len)
		t->len = t->size - 1;
	else
		t->len += (size_t)n;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void text_add_mac(struct text *t, const uint8_t *m)
{
	text_add(t, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
}

static void text_add_ip(struct text *t, int family, const uint8_t *addr)
{
	char s[INET6_ADDRSTRLEN];

	if (inet_ntop(family, addr, s, sizeof(s)))
		text_add(t, "%s", s);
	else
		text_add(t, "?");
}

static const char *ethertype_name(uint16_t type)
{
	switch (type) {
	case 0x0800:
		return "IPv4";
	case 0x0806:
		return "ARP";
	case 0x86dd:
		return "IPv6";
	case 0x8035:
		return "RARP";
	case 0x8847:
		return "MPLS";
	case 0x888e:
		return "EAPOL";
	case 0x88cc:
		return "LLDP";
	case 0x88e5:
		return "MACsec";
	case 0x88f7:
		return "PTP";
	default:
		return NULL;
	}
}

static const char *ip_proto_name(uint8_t proto)
{
	switch (proto) {
	case 1:
		return "ICMP";
	case 2:
		return "IGMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 51:
		return "AH";
	case 58:
		return "ICMPv6";
	case 132:
		return "SCTP";
	default:
		return NULL;
	}
}

static void text_add_proto(struct text *t, uint8_t proto)
{
	const char *name = ip_proto_name(proto);

	if (name)
		text_add(t, "%s", name);
	else
		text_add(t, "proto %u", proto);
}

/* Echo request/reply identifier and sequence, where both ICMPs put them. */
static void text_add_echo(struct text *t, const uint8_t *p, size_t n)
{
	if (n >= 8)
		text_add(t, ", id %u, seq %u", get16(p + 4), get16(p + 6));
	else
		text_add(t, ", truncated");
}

static void summarize_icmp(struct text *t, const uint8_t *p, size_t n)
{
	static const char *const unreach[] = {
		"net unreachable",      "host unreachable",
		"protocol unreachable", "port unreachable",
		"fragmentation needed",
	};

	if (n < 2) {
		text_add(t, " ICMP, truncated");
		return;
	}
	switch (p[0]) {
	case 0:
		text_add(t, " ICMP echo reply");
		text_add_echo(t, p, n);
		break;
	case 8:
		text_add(t, " ICMP echo request");
		text_add_echo(t, p, n);
		break;
	case 3:
		if (p[1] < sizeof(unreach) / sizeof(unreach[0]))
			text_add(t, " ICMP %s", unreach[p[1]]);
		else
			text_add(t, " ICMP unreachable, code %u", p[1]);
		break;
	case 11:
		text_add(t, " ICMP time exceeded");
		break;
	default:
		text_add(t, " ICMP type %u, code %u", p[0], p[1]);
		break;
	}
}

static void summarize_icmp6(struct text *t, const uint8_t *p, size_t n)
{
	if (n < 2) {
		text_add(t, " ICMPv6, truncated");
		return;
	}
	switch (p[0]) {
	case 1:
		text_add(t, " ICMPv6 unreachable, code %u", p[1]);
		break;
	case 2:
		text_add(t, " ICMPv6 packet too big");
		break;
	case 3:
		text_add(t, " ICMPv6 time exceeded");
		break;
	case 128:
		text_add(t, " ICMPv6 echo request");
		text_add_echo(t, p, n);
		break;
	case 129:
		text_add(t, " ICMPv6 echo reply");
		text_add_echo(t, p, n);
		break;
	case 133:
		text_add(t, " ICMPv6 router solicitation");
		break;
	case 134:
		text_add(t, " ICMPv6 router advertisement");
		break;
	case 135:
	case 136:
		text_add(t, " ICMPv6 neighbor %s",
			 p[0] == 135 ? "solicitation, who has" : "advertisement,");
		/* The target address follows 4 bytes of header, 4 reserved. */
		if (n >= 24) {
			text_add(t, " ");
			text_add_ip(t, AF_INET6, p + 8);
		} else {
			text_add(t, " truncated");
		}
		break;
	case 143:
		text_add(t, " ICMPv6 multicast listener report v2");
		break;
	default:
		text_add(t, " ICMPv6 type %u, code %u", p[0], p[1]);
		break;
	}
}

static void summarize_tcp(struct text *t, const uint8_t *p, size_t n)
{
	static const struct {
		uint8_t bit;
		char letter;
	} flag_letters[] = {
		{ 0x02, 'S' }, { 0x01, 'F' }, { 0x04, 'R' }, { 0x08, 'P' },
		{ 0x20, 'U' }, { 0x40, 'E' }, { 0x80, 'W' }, { 0x10, '.' },
	};
	char flags[sizeof(flag_letters) / sizeof(flag_letters[0]) + 1];
	size_t nf = 0;

	if (n < 4) {
		text_add(t, " TCP, truncated");
		return;
	}
	text_add(t, " TCP %u > %u", get16(p), get16(p + 2));
	if (n < 14) {
		text_add(t, ", truncated");
		return;
	}
	for (size_t i = 0; i < sizeof(flag_letters) / sizeof(flag_letters[0]);
	     i++)
		if (p[13] & flag_letters[i].bit)
			flags[nf++] = flag_letters[i].letter;
	flags[nf] = '\0';
	text_add(t, " [%s]", nf ? flags : "none");
}

static void summarize_udp(struct text *t, const uint8_t *p, size_t n)
{
	if (n < 8) {
		text_add(t, " UDP, truncated");
		return;
	}
	text_add(t, " UDP %u > %u, length %u", get16(p), get16(p + 2),
		 get16(p + 4));
}

/* What an IPv4 or IPv6 header says it carries, `n` bytes at `p`. */
static void summarize_l4(struct text *t, uint8_t proto, const uint8_t *p,
			 size_t n)
{
	switch (proto) {
	case 1:
		summarize_icmp(t, p, n);
		break;
	case 6:
		summarize_tcp(t, p, n);
		break;
	case 17:
		summarize_udp(t, p, n);
		break;
	case 58:
		summarize_icmp6(t, p, n);
		break;
	default:
		text_add(t, " ");
		text_add_proto(t, proto);
		break;
	}
}

static void summarize_ipv4(struct text *t, const uint8_t *p, size_t n)
{
	size_t ihl, total, avail;
	uint16_t frag;

	if (n < IPV4_HDR_MIN) {
		text_add(t, "IPv4, truncated");
		return;
	}
	if (p[0] >> 4 != 4) {
		text_add(t, "IPv4, bad version %u", p[0] >> 4);
		return;
	}
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < IPV4_HDR_MIN) {
		text_add(t, "IPv4, bad header length %zu", ihl);
		return;
	}
	text_add(t, "IPv4 ");
	text_add_ip(t, AF_INET, p + 12);
	text_add(t, " > ");
	text_add_ip(t, AF_INET, p + 16);
	if (n < ihl) {
		text_add(t, ", truncated");
		return;
	}
	total = get16(p + 2);
	if (total < ihl) {
		text_add(t, ", bad total length %zu", total);
		return;
	}
	/* Short frames are padded to 60 bytes: the padding is not payload. */
	avail = total < n ? total : n;
	frag = get16(p + 6);
	if (frag & 0x1fff) {
		text_add(t, " ");
		text_add_proto(t, p[9]);
		text_add(t, " fragment, offset %u", (frag & 0x1fff) * 8u);
		return;
	}
	summarize_l4(t, p[9], p + ihl, avail - ihl);
}

static void summarize_ipv6(struct text *t, const uint8_t *p, size_t n)
{
	size_t payload, avail;
	const uint8_t *q;
	uint8_t next;

	if (n < IPV6_HDR_LEN) {
		text_add(t, "IPv6, truncated");
		return;
	}
	if (p[0] >> 4 != 6) {
		text_add(t, "IPv6, bad version %u", p[0] >> 4);
		return;
	}
	text_add(t, "IPv6 ");
	text_add_ip(t, AF_INET6, p + 8);
	text_add(t, " > ");
	text_add_ip(t, AF_INET6, p + 24);

	payload = get16(p + 4);
	avail = n - IPV6_HDR_LEN;
	if (payload < avail)
		avail = payload;
	next = p[6];
	q = p + IPV6_HDR_LEN;
	for (int i = 0; i < MAX_IPV6_EXT_HDRS; i++) {
		size_t hlen;

		switch (next) {
		case 0:  /* hop-by-hop options */
		case 43: /* routing */
		case 60: /* destination options */
			if (avail < 8) {
				text_add(t, ", truncated");
				return;
			}
			hlen = ((size_t)q[1] + 1) * 8;
			if (hlen > avail) {
				text_add(t, ", truncated");
				return;
			}
			next = q[0];
			break;
		case 44: /* fragment */
			if (avail < 8) {
				text_add(t, ", truncated");
				return;
			}
			hlen = 8;
			next = q[0];
			if (get16(q + 2) & 0xfff8) {
				text_add(t, " ");
				text_add_proto(t, next);
				text_add(t, " fragment, offset %u",
					 get16(q + 2) & 0xfff8u);
				return;
			}
			break;
		default:
			summarize_l4(t, next, q, avail);
			return;
		}
		q += hlen;
		avail -= hlen;
	}
	text_add(t, ", too many extension headers");
}

static void summarize_arp(struct text *t, const uint8_t *p, size_t n)
{
	uint16_t op;

	if (n < 8) {
		text_add(t, "ARP, truncated");
		return;
	}
	op = get16(p + 6);
	/* Only Ethernet/IPv4 ARP has the 28-byte layout read below. */
	if (get16(p) != 1 || get16(p + 2) != 0x0800 || p[4] != 6 ||
	    p[5] != 4) {
		text_add(t, "ARP op %u, hardware %u, protocol 0x%04x", op,
			 get16(p), get16(p + 2));
		return;
	}
	if (op != 1 && op != 2) {
		text_add(t, "ARP op %u", op);
		return;
	}
	if (n < 28) {
		text_add(t, "ARP %s, truncated", op == 1 ? "request" : "reply");
		return;
	}
	if (op == 1) {
		text_add(t, "ARP who-has ");
		text_add_ip(t, AF_INET, p + 24);
		text_add(t, " tell ");
		text_add_ip(t, AF_INET, p + 14);
	} else {
		text_add(t, "ARP reply ");
		text_add_ip(t, AF_INET, p + 14);
		text_add(t, " is-at ");
		text_add_mac(t, p + 8);
	}
}

size_t frame_summary(char *buf, size_t size, const uint8_t *data, size_t len)
{
	struct text t = { .buf = buf, .size = size, .len = 0 };
	const char *name;
	uint16_t type;
	size_t off;

	if (!size)
		return 0;
	buf[0] = '\0';
	if (len < ETH_HDR_LEN) {
		text_add(&t, "short frame, %zu bytes", len);
		return t.len;
	}
	text_add_mac(&t, data + 6);
	text_add(&t, " > ");
	text_add_mac(&t, data);
	text_add(&t, " ");

	type = get16(data + 12);
	off = ETH_HDR_LEN;
	for (int tags = 0; type == 0x8100 || type == 0x88a8; tags++) {
		uint16_t tci;

		if (tags == MAX_VLAN_TAGS) {
			text_add(&t, "too many vlan tags");
			return t.len;
		}
		if (len - off < VLAN_TAG_LEN) {
			text_add(&t, "%s, truncated",
				 type == 0x8100 ? "802.1Q" : "802.1ad");
			return t.len;
		}
		tci = get16(data + off);
		text_add(&t, "%s %u, p %u, ", type == 0x8100 ? "vlan" : "svlan",
			 tci & 0x0fffu, tci >> 13);
		type = get16(data + off + 2);
		off += VLAN_TAG_LEN;
	}

	switch (type) {
	case 0x0800:
		summarize_ipv4(&t, data + off, len - off);
		break;
	case 0x86dd:
		summarize_ipv6(&t, data + off, len - off);
		break;
	case 0x0806:
		summarize_arp(&t, data + off, len - off);
		break;
	default:
		/* Values up to 1500 are an 802.3 length, not a type. */
		if (type <= 1500) {
			text_add(&t, "802.3, length %u", type);
			break;
		}
		name = ethertype_name(type);
		if (name)
			text_add(&t, "%s", name);
		else
			text_add(&t, "0x%04x", type);
		break;
	}
	return t.len;
}
