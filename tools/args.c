/* SPDX-License-Identifier: MIT */
/*
 * args.c - the netring command line, parsed strictly: a value is taken
 * whole or refused with a reason, so a typo never turns into a default.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int arg_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull() alone would take " 5", "+5" and "-5" (as 2^64 - 5). */
	if (!s || !is_digit(s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * Digits with at most three decimals ("2", "0.25"), in thousandths, in
 * [min, max].  -EINVAL for junk, -ERANGE for a number out of range or with
 * more than three decimals (they would be rounded away: refused instead).
 */
static int parse_thousandths(const char *s, uint64_t min, uint64_t max,
			     uint64_t *out)
{
	uint64_t whole = 0, frac = 0, v;
	const char *p = s;
	int decimals = 0;
	bool too_big = false;

	if (!s || !is_digit(s[0]))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		/* Keep scanning to tell junk (-EINVAL) from size (-ERANGE). */
		if (whole > max / 1000)
			too_big = true;
		else
			whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return -EINVAL;
		for (; is_digit(*p); p++, decimals++)
			if (decimals < 3)
				frac = frac * 10 + (uint64_t)(*p - '0');
	}
	if (*p)
		return -EINVAL;
	if (decimals > 3 || too_big)
		return -ERANGE;
	for (; decimals < 3; decimals++)
		frac *= 10;
	v = whole * 1000 + frac;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int arg_parse_seconds_ms(const char *s, uint64_t max_ms, uint64_t *ms)
{
	return parse_thousandths(s, 1, max_ms, ms);
}

int arg_parse_permille(const char *s, uint32_t max_permille, uint32_t *out)
{
	uint64_t v;
	int rc = parse_thousandths(s, 0, max_permille, &v);

	if (!rc)
		*out = (uint32_t)v;
	return rc;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int arg_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		int hi = hex_value(p[0]), lo = hex_value(p[1]);

		if (hi < 0 || lo < 0 || (i < 5 && p[2] != ':'))
			return -EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, m, sizeof(m));
	return 0;
}

int arg_parse_ethertype(const char *s, uint16_t *out)
{
	const char *p = s;
	uint32_t v = 0;
	bool too_big = false;

	if (!s)
		return -EINVAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (hex_value(*p) < 0)
		return -EINVAL;
	for (; *p; p++) {
		int d = hex_value(*p);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
		if (v > 0xffff) {
			too_big = true;
			v = 0xffff;
		}
	}
	if (too_big || v < 0x0600)
		return -ERANGE;
	*out = (uint16_t)v;
	return 0;
}

int arg_parse_ip_proto(const char *s, uint8_t *out)
{
	static const struct {
		const char *name;
		uint8_t proto;
	} names[] = {
		{ "icmp", 1 },
		{ "tcp", 6 },
		{ "udp", 17 },
		{ "icmpv6", 58 },
	};
	uint64_t v;
	int rc;

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].proto;
			return 0;
		}
	}
	rc = arg_parse_u64(s, 0, 255, &v);
	if (rc)
		return rc;
	*out = (uint8_t)v;
	return 0;
}

/* Explain a failed arg_parse_u64() of `opt`'s value `s`. */
static int number_error(char *err, size_t errsize, const char *opt,
			const char *s, int rc, uint64_t min, uint64_t max)
{
	if (rc == -ERANGE)
		snprintf(err, errsize,
			 "%s %s: out of range (%" PRIu64 " to %" PRIu64 ")",
			 opt, s, min, max);
	else
		snprintf(err, errsize, "%s '%s': not a decimal number", opt, s);
	return -EINVAL;
}

static int parse_u32_pow2(const char *opt, const char *s, uint32_t min,
			  uint32_t max, uint32_t *out, char *err,
			  size_t errsize)
{
	uint64_t v;
	int rc = arg_parse_u64(s, 0, UINT64_MAX, &v);

	if (rc)
		return number_error(err, errsize, opt, s, rc, min, max);
	/* Checked here too (the library would refuse it) so that a bad value
	 * is refused before -w creates a file. */
	if (v < min || v > max || (v & (v - 1))) {
		snprintf(err, errsize,
			 "%s %s: must be a power of two from %u to %u", opt, s,
			 min, max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* getopt_long()'s complaint about argv, as our own message. */
static int option_error(char *err, size_t errsize, int c, char **argv)
{
	const char *arg = argv[optind - 1];
	/* A long option is named as typed, without any "=value". */
	int name_len = (int)strcspn(arg, "=");
	bool is_long = strncmp(arg, "--", 2) == 0;

	if (c == ':' && is_long)
		snprintf(err, errsize, "option '%.*s' needs a value", name_len,
			 arg);
	else if (c == ':')
		snprintf(err, errsize, "option '-%c' needs a value", optopt);
	else if (is_long && optopt)
		snprintf(err, errsize, "option '%.*s' takes no value", name_len,
			 arg);
	else if (is_long)
		snprintf(err, errsize, "unknown option '%.*s'", name_len, arg);
	else
		snprintf(err, errsize, "unknown option '-%c'", optopt);
	return -EINVAL;
}

enum dump_long_only {
	OPT_NANO = 256,
	OPT_RING_FRAMES,
	OPT_FRAME_SIZE,
	OPT_BUSY_POLL,
	OPT_BLOCK_TIMEOUT,
	OPT_OUTGOING,
	OPT_PROMISC,
	OPT_TAKE,
	OPT_STATS,
	OPT_XDP_MODE,
	OPT_BIND,
	OPT_MATCH_MAC,
	OPT_MATCH_ETHERTYPE,
	OPT_MATCH_PROTO,
	OPT_MATCH_PORT,
	OPT_MATCH_ARP_FOR,
	OPT_FALLBACK,
	OPT_REPLAY_SPEED,
};

static const struct option dump_options[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "time", required_argument, NULL, 't' },
	{ "write", required_argument, NULL, 'w' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "backend", required_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ "nano", no_argument, NULL, OPT_NANO },
	{ "ring-frames", required_argument, NULL, OPT_RING_FRAMES },
	{ "frame-size", required_argument, NULL, OPT_FRAME_SIZE },
	{ "busy-poll", required_argument, NULL, OPT_BUSY_POLL },
	{ "block-timeout", required_argument, NULL, OPT_BLOCK_TIMEOUT },
	{ "queue", required_argument, NULL, 'Q' },
	{ "outgoing", no_argument, NULL, OPT_OUTGOING },
	{ "promisc", no_argument, NULL, OPT_PROMISC },
	{ "take", no_argument, NULL, OPT_TAKE },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "xdp-mode", required_argument, NULL, OPT_XDP_MODE },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "match-mac", required_argument, NULL, OPT_MATCH_MAC },
	{ "match-ethertype", required_argument, NULL, OPT_MATCH_ETHERTYPE },
	{ "match-proto", required_argument, NULL, OPT_MATCH_PROTO },
	{ "match-port", required_argument, NULL, OPT_MATCH_PORT },
	{ "match-arp-for", required_argument, NULL, OPT_MATCH_ARP_FOR },
	{ "fallback", no_argument, NULL, OPT_FALLBACK },
	{ "read", required_argument, NULL, 'r' },
	{ "replay-speed", required_argument, NULL, OPT_REPLAY_SPEED },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ NULL, 0, NULL, 0 },
};

/* -i tap:NAME: NAME is a TAP device's name, created if missing. */
static int tap_name_check(const char *v, char *err, size_t errsize)
{
	size_t len = strlen(v + strlen(TAP_PREFIX));

	if (!len) {
		snprintf(err, errsize, "-i %s: no TAP name after 'tap:'", v);
		return -EINVAL;
	}
	if (len >= NETRING_IFNAMSIZ) {
		snprintf(err, errsize,
			 "-i %s: TAP names are at most %d characters", v,
			 NETRING_IFNAMSIZ - 1);
		return -EINVAL;
	}
	return 0;
}

static int match_mac_add(struct netring_match *m, const char *v, char *err,
			 size_t errsize)
{
	uint8_t mac[6];

	if (arg_parse_mac(v, mac)) {
		snprintf(err, errsize,
			 "--match-mac '%s': not a MAC address (six pairs of hex digits, e.g. 02:00:00:00:00:01)",
			 v);
		return -EINVAL;
	}
	/* The library would refuse it too, but only after -w made a file. */
	if (mac[0] & 1) {
		snprintf(err, errsize,
			 "--match-mac %s: a group address; only unicast destinations can be taken",
			 v);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < m->mac_count; i++) {
		if (memcmp(m->macs[i], mac, sizeof(mac)) == 0) {
			snprintf(err, errsize, "--match-mac %s: given twice", v);
			return -EINVAL;
		}
	}
	if (m->mac_count == NETRING_MATCH_MACS_MAX) {
		snprintf(err, errsize, "--match-mac %s: at most %d addresses", v,
			 NETRING_MATCH_MACS_MAX);
		return -EINVAL;
	}
	memcpy(m->macs[m->mac_count++], mac, sizeof(mac));
	m->fields |= NETRING_MATCH_DST_MAC;
	return 0;
}

/* The options only the xdp backend takes (a match, attach, bind). */
static int xdp_option(struct dump_args *a, int c, const char *v, char *err,
		      size_t errsize)
{
	static const char *const attach_names[] = { "auto", "native",
						    "generic" };
	static const char *const bind_names[] = { "auto", "zerocopy", "copy" };
	struct netring_match *m = &a->cfg.match;
	const char *opt = NULL;
	uint64_t n;
	int rc = 0;

	switch (c) {
	case OPT_XDP_MODE:
		opt = "--xdp-mode";
		rc = -EINVAL;
		for (uint32_t i = 0; i < 3; i++) {
			if (strcmp(v, attach_names[i]) == 0) {
				a->cfg.xdp_attach = i; /* enum order */
				rc = 0;
			}
		}
		if (rc)
			snprintf(err, errsize,
				 "--xdp-mode %s: one of auto, native, generic", v);
		break;
	case OPT_BIND:
		opt = "--bind";
		rc = -EINVAL;
		for (uint32_t i = 0; i < 3; i++) {
			if (strcmp(v, bind_names[i]) == 0) {
				a->cfg.xdp_bind = i; /* enum order */
				rc = 0;
			}
		}
		if (rc)
			snprintf(err, errsize,
				 "--bind %s: one of auto, zerocopy, copy", v);
		break;
	case OPT_MATCH_MAC:
		opt = "--match-mac";
		rc = match_mac_add(m, v, err, errsize);
		break;
	case OPT_MATCH_ETHERTYPE:
		opt = "--match-ethertype";
		rc = arg_parse_ethertype(v, &m->ethertype);
		if (rc == -ERANGE)
			snprintf(err, errsize,
				 "--match-ethertype %s: out of range (0x0600 to 0xffff; below are 802.3 lengths)",
				 v);
		else if (rc)
			snprintf(err, errsize,
				 "--match-ethertype '%s': not a hexadecimal EtherType (e.g. 0x88b5)",
				 v);
		m->fields |= NETRING_MATCH_ETHERTYPE;
		break;
	case OPT_MATCH_PROTO:
		opt = "--match-proto";
		rc = arg_parse_ip_proto(v, &m->ip_proto);
		if (rc == -ERANGE)
			snprintf(err, errsize,
				 "--match-proto %s: out of range (0 to 255)", v);
		else if (rc)
			snprintf(err, errsize,
				 "--match-proto '%s': not udp, tcp, icmp, icmpv6 or a protocol number",
				 v);
		m->fields |= NETRING_MATCH_IP_PROTO;
		break;
	case OPT_MATCH_PORT:
		opt = "--match-port";
		rc = arg_parse_u64(v, 0, UINT16_MAX, &n);
		if (rc)
			return number_error(err, errsize, opt, v, rc, 0,
					    UINT16_MAX);
		m->dst_port = (uint16_t)n;
		m->fields |= NETRING_MATCH_DST_PORT;
		break;
	case OPT_MATCH_ARP_FOR:
		opt = "--match-arp-for";
		/* inet_pton() takes dotted quads only: no "1.2.3", no octal. */
		if (inet_pton(AF_INET, v, m->arp_ipv4) != 1) {
			snprintf(err, errsize,
				 "--match-arp-for '%s': not an IPv4 address (e.g. 192.0.2.1)",
				 v);
			rc = -EINVAL;
		}
		m->fields |= NETRING_MATCH_ARP_FOR;
		break;
	default:
		snprintf(err, errsize, "internal error: option %d", c);
		return -EINVAL;
	}
	if (rc)
		return -EINVAL;
	if (!a->xdp_option)
		a->xdp_option = opt;
	return 0;
}

/* One option of `netring dump` and its value, into a. */
static int dump_option(struct dump_args *a, int c, const char *v, char *err,
		       size_t errsize)
{
	uint64_t n;
	int rc;

	switch (c) {
	case 'i':
		if (!v[0]) {
			snprintf(err, errsize, "-i: empty interface name");
			return -EINVAL;
		}
		if (strncmp(v, TAP_PREFIX, strlen(TAP_PREFIX)) == 0) {
			if (tap_name_check(v, err, errsize))
				return -EINVAL;
		} else if (strlen(v) >= NETRING_IFNAMSIZ) {
			snprintf(err, errsize,
				 "-i %s: interface names are at most %d characters",
				 v, NETRING_IFNAMSIZ - 1);
			return -EINVAL;
		}
		for (unsigned k = 0; k < a->nifnames; k++)
			if (strcmp(a->ifnames[k], v) == 0) {
				snprintf(err, errsize, "-i %s: given twice", v);
				return -EINVAL;
			}
		if (a->nifnames == DUMP_IFACES_MAX) {
			snprintf(err, errsize, "-i: at most %d interfaces",
				 DUMP_IFACES_MAX);
			return -EINVAL;
		}
		a->ifnames[a->nifnames++] = v;
		a->ifname = a->ifnames[0];
		return 0;
	case 'c':
		rc = arg_parse_u64(v, 1, UINT64_MAX, &a->count);
		return rc ? number_error(err, errsize, "-c", v, rc, 1, UINT64_MAX)
			  : 0;
	case 't':
		rc = arg_parse_seconds_ms(v, DUMP_TIME_MAX_MS, &a->time_ms);
		if (rc == -ERANGE)
			snprintf(err, errsize,
				 "-t %s: out of range (0.001 to %llu seconds, at most 3 decimals)",
				 v, DUMP_TIME_MAX_MS / 1000);
		else if (rc)
			snprintf(err, errsize,
				 "-t '%s': not a number of seconds (e.g. 10 or 0.5)",
				 v);
		return rc ? -EINVAL : 0;
	case 'w':
		if (!v[0]) {
			snprintf(err, errsize, "-w: empty file name");
			return -EINVAL;
		}
		a->pcap_path = v;
		return 0;
	case 'r':
		if (!v[0]) {
			snprintf(err, errsize, "-r: empty file name");
			return -EINVAL;
		}
		a->read_path = v;
		return 0;
	case 'q':
		a->quiet = true;
		return 0;
	case 'Z':
		/* Looked up by dump (getpwnam): here only its shape. */
		if (!v[0] || strlen(v) > DUMP_USER_MAX) {
			snprintf(err, errsize,
				 "-Z '%.64s': a user name of 1 to %d characters",
				 v, DUMP_USER_MAX);
			return -EINVAL;
		}
		a->user = v;
		return 0;
	case 'b':
		rc = netring_backend_parse(v);
		if (rc < 0) {
			snprintf(err, errsize,
				 "-b %s: unknown backend (auto, packet, xdp, tap, pcap)",
				 v);
			return -EINVAL;
		}
		a->cfg.backend = (enum netring_backend)rc;
		return 0;
	case 'h':
		a->help = true;
		return 0;
	case OPT_NANO:
		a->nano = true;
		return 0;
	case OPT_RING_FRAMES:
		return parse_u32_pow2("--ring-frames", v, NETRING_RING_FRAMES_MIN,
				      NETRING_RING_FRAMES_MAX,
				      &a->cfg.ring_frames, err, errsize);
	case OPT_FRAME_SIZE:
		return parse_u32_pow2("--frame-size", v, NETRING_FRAME_SIZE_MIN,
				      NETRING_FRAME_SIZE_MAX,
				      &a->cfg.frame_size, err, errsize);
	case OPT_BUSY_POLL:
		rc = arg_parse_u64(v, 0, DUMP_BUSY_POLL_MAX_US, &n);
		if (rc)
			return number_error(err, errsize, "--busy-poll", v, rc, 0,
					    DUMP_BUSY_POLL_MAX_US);
		a->cfg.busy_poll_us = (uint32_t)n;
		return 0;
	case OPT_BLOCK_TIMEOUT:
		rc = arg_parse_u64(v, 1, DUMP_BLOCK_TIMEOUT_MAX_MS, &n);
		if (rc)
			return number_error(err, errsize, "--block-timeout", v,
					    rc, 1, DUMP_BLOCK_TIMEOUT_MAX_MS);
		a->cfg.block_timeout_ms = (uint32_t)n;
		return 0;
	case 'Q':
		if (strcmp(v, "all") == 0) {
			a->cfg.queue = NETRING_QUEUE_ALL;
			return 0;
		}
		rc = arg_parse_u64(v, 0, INT32_MAX, &n);
		if (rc == -EINVAL) {
			snprintf(err, errsize,
				 "--queue '%s': not a queue number or 'all'", v);
			return -EINVAL;
		}
		if (rc)
			return number_error(err, errsize, "--queue", v, rc, 0,
					    INT32_MAX);
		a->cfg.queue = (int32_t)n;
		return 0;
	case OPT_OUTGOING:
		a->cfg.flags |= NETRING_CF_OUTGOING;
		return 0;
	case OPT_PROMISC:
		a->cfg.flags |= NETRING_CF_PROMISC;
		return 0;
	case OPT_TAKE:
		a->cfg.mode = NETRING_MODE_TAKE;
		return 0;
	case OPT_STATS:
		if (strcmp(v, "json") != 0) {
			snprintf(err, errsize,
				 "--stats %s: the only format is 'json'", v);
			return -EINVAL;
		}
		a->stats_json = true;
		return 0;
	case OPT_REPLAY_SPEED:
		rc = arg_parse_permille(v, DUMP_REPLAY_PERMILLE_MAX,
					&a->cfg.replay_speed_permille);
		if (rc == -ERANGE)
			snprintf(err, errsize,
				 "--replay-speed %s: out of range (0 to %u, at most 3 decimals)",
				 v, DUMP_REPLAY_PERMILLE_MAX / 1000);
		else if (rc)
			snprintf(err, errsize,
				 "--replay-speed '%s': not a speed (e.g. 1, 0.5 or 4; 0: as fast as possible)",
				 v);
		a->replay_speed_given = true;
		return rc ? -EINVAL : 0;
	case OPT_FALLBACK:
		a->cfg.flags |= NETRING_CF_FALLBACK;
		return 0;
	default:
		return xdp_option(a, c, v, err, errsize);
	}
}

/*
 * Combinations each option alone cannot judge, refused here rather than by
 * the library so that the message names options, and before -w creates a
 * file.  Also fills what -r implies.
 */
static int dump_args_check(struct dump_args *a, char *err, size_t errsize)
{
	enum netring_backend b = a->cfg.backend;
	struct netring_match *m = &a->cfg.match;

	if (a->replay_speed_given && !a->read_path) {
		snprintf(err, errsize,
			 "--replay-speed is about the -r file; there is none");
		return -EINVAL;
	}
	if (a->read_path) {
		if (b != NETRING_BACKEND_AUTO && b != NETRING_BACKEND_PCAP) {
			snprintf(err, errsize,
				 "-r reads a file with the pcap backend, not -b %s",
				 netring_backend_name(b));
			return -EINVAL;
		}
		/* The pcap backend would take these and do nothing. */
		if (a->cfg.mode == NETRING_MODE_TAKE || a->cfg.queue ||
		    (a->cfg.flags & (NETRING_CF_OUTGOING | NETRING_CF_PROMISC))) {
			snprintf(err, errsize,
				 "--take, --queue, --outgoing and --promisc are about interfaces, not the -r file");
			return -EINVAL;
		}
		b = a->cfg.backend = NETRING_BACKEND_PCAP;
		if (!a->cfg.frame_size)
			a->cfg.frame_size = DUMP_READ_FRAME_SIZE;
	} else if (b == NETRING_BACKEND_PCAP) {
		snprintf(err, errsize, "-b pcap reads a file: name it with -r FILE");
		return -EINVAL;
	}
	if (a->ifname && strncmp(a->ifname, TAP_PREFIX, strlen(TAP_PREFIX)) == 0) {
		if (b != NETRING_BACKEND_AUTO && b != NETRING_BACKEND_TAP) {
			snprintf(err, errsize,
				 "-i %s is for the tap backend, not -b %s",
				 a->ifname, netring_backend_name(b));
			return -EINVAL;
		}
		b = NETRING_BACKEND_TAP; /* what the library will choose */
	}
	/* AF_PACKET's blocks: the other backends have none. */
	if (a->cfg.block_timeout_ms && b != NETRING_BACKEND_AUTO &&
	    b != NETRING_BACKEND_PACKET) {
		snprintf(err, errsize,
			 "--block-timeout is for the packet backend, not %s",
			 a->read_path ? "the -r file" : netring_backend_name(b));
		return -EINVAL;
	}
	if (a->xdp_option && b != NETRING_BACKEND_AUTO &&
	    b != NETRING_BACKEND_XDP) {
		snprintf(err, errsize, "%s is for the xdp backend, not %s",
			 a->xdp_option, netring_backend_name(b));
		return -EINVAL;
	}
	if (a->xdp_option && a->cfg.mode != NETRING_MODE_TAKE) {
		snprintf(err, errsize,
			 "%s needs take mode (--take): only the xdp backend applies it, and it takes frames",
			 a->xdp_option);
		return -EINVAL;
	}
	if (b == NETRING_BACKEND_XDP && a->cfg.mode != NETRING_MODE_TAKE) {
		snprintf(err, errsize,
			 "-b xdp takes frames from the host: add --take (to watch them, use -b packet)");
		return -EINVAL;
	}
	if (a->cfg.flags & NETRING_CF_FALLBACK) {
		if (b != NETRING_BACKEND_AUTO) {
			snprintf(err, errsize,
				 "--fallback is for -b auto (from xdp to packet), not %s",
				 netring_backend_name(b));
			return -EINVAL;
		}
		if (a->cfg.mode != NETRING_MODE_TAKE) {
			snprintf(err, errsize,
				 "--fallback needs --take: without it -b auto plugs packet and has nothing to fall back from");
			return -EINVAL;
		}
	}
	if ((m->fields & NETRING_MATCH_DST_PORT) &&
	    (m->fields & NETRING_MATCH_IP_PROTO) && m->ip_proto != 6 &&
	    m->ip_proto != 17) {
		snprintf(err, errsize,
			 "--match-port needs --match-proto udp or tcp (or none), not %u",
			 m->ip_proto);
		return -EINVAL;
	}
	return 0;
}

int dump_args_parse(struct dump_args *a, int argc, char **argv, char *err,
		    size_t errsize)
{
	int c, rc;

	memset(a, 0, sizeof(*a));
	a->cfg.sz = sizeof(a->cfg);
	/* A capture tool: a kernel stamp on every frame, on xdp too. */
	a->cfg.flags = NETRING_CF_TS_EACH_FRAME;
	opterr = 0;
	optind = 0; /* glibc: start over, as for a new argv */
	while ((c = getopt_long(argc, argv, ":i:r:c:t:w:qb:Q:hZ:", dump_options,
				NULL)) != -1) {
		if (c == '?' || c == ':')
			return option_error(err, errsize, c, argv);
		rc = dump_option(a, c, optarg, err, errsize);
		if (rc)
			return rc;
	}
	if (a->help)
		return 0;
	if (optind < argc) {
		snprintf(err, errsize, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (a->ifname && a->read_path) {
		snprintf(err, errsize,
			 "-i and -r exclude each other: plug an interface or read a file");
		return -EINVAL;
	}
	if (!a->ifname && !a->read_path) {
		snprintf(err, errsize,
			 "dump needs an interface (-i IFACE) or a file (-r FILE)");
		return -EINVAL;
	}
	/* "all" or a glob plugs what matches, now and as links appear. */
	a->multi = a->nifnames > 1 ||
		   (a->ifname && (strcmp(a->ifname, "all") == 0 ||
				  strpbrk(a->ifname, "*?[")));
	if (a->nano && !a->pcap_path) {
		snprintf(err, errsize, "--nano is about the -w file; there is none");
		return -EINVAL;
	}
	return dump_args_check(a, err, errsize);
}

int ls_args_parse(struct ls_args *a, int argc, char **argv, char *err,
		  size_t errsize)
{
	static const struct option ls_options[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":ah", ls_options, NULL)) != -1) {
		switch (c) {
		case 'a':
			a->all = true;
			break;
		case 'j':
			a->json = true;
			break;
		case 'W':
			a->watch = true;
			break;
		case 'h':
			a->help = true;
			break;
		default:
			return option_error(err, errsize, c, argv);
		}
	}
	if (!a->help && optind < argc) {
		snprintf(err, errsize, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}
