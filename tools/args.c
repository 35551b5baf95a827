/* SPDX-License-Identifier: MIT */
/*
 * args.c - the netring command line, parsed strictly: a value is taken
 * whole or refused with a reason, so a typo never turns into a default.
 */
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

int arg_parse_seconds_ms(const char *s, uint64_t max_ms, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0;
	const char *p = s;
	int decimals = 0;
	bool too_big = false;

	if (!s || !is_digit(s[0]))
		return -EINVAL;
	for (; is_digit(*p); p++) {
		/* Keep scanning to tell junk (-EINVAL) from size (-ERANGE). */
		if (whole > max_ms / 1000)
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
	/* More than three decimals would be rounded away: refuse instead. */
	if (decimals > 3)
		return -ERANGE;
	for (; decimals < 3; decimals++)
		frac *= 10;
	if (too_big || whole > max_ms / 1000)
		return -ERANGE;
	whole = whole * 1000 + frac;
	if (!whole || whole > max_ms)
		return -ERANGE;
	*ms = whole;
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
	OPT_QUEUE,
	OPT_OUTGOING,
	OPT_PROMISC,
	OPT_TAKE,
	OPT_STATS,
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
	{ "queue", required_argument, NULL, OPT_QUEUE },
	{ "outgoing", no_argument, NULL, OPT_OUTGOING },
	{ "promisc", no_argument, NULL, OPT_PROMISC },
	{ "take", no_argument, NULL, OPT_TAKE },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ NULL, 0, NULL, 0 },
};

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
		if (strlen(v) >= NETRING_IFNAMSIZ) {
			snprintf(err, errsize,
				 "-i %s: interface names are at most %d characters",
				 v, NETRING_IFNAMSIZ - 1);
			return -EINVAL;
		}
		a->ifname = v;
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
	case 'q':
		a->quiet = true;
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
	case OPT_QUEUE:
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
	default:
		snprintf(err, errsize, "internal error: option %d", c);
		return -EINVAL;
	}
}

int dump_args_parse(struct dump_args *a, int argc, char **argv, char *err,
		    size_t errsize)
{
	int c, rc;

	memset(a, 0, sizeof(*a));
	a->cfg.sz = sizeof(a->cfg);
	opterr = 0;
	optind = 0; /* glibc: start over, as for a new argv */
	while ((c = getopt_long(argc, argv, ":i:c:t:w:qb:h", dump_options,
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
	if (!a->ifname) {
		snprintf(err, errsize, "dump needs an interface (-i IFACE)");
		return -EINVAL;
	}
	if (a->nano && !a->pcap_path) {
		snprintf(err, errsize, "--nano is about the -w file; there is none");
		return -EINVAL;
	}
	return 0;
}

int ls_args_parse(struct ls_args *a, int argc, char **argv, char *err,
		  size_t errsize)
{
	static const struct option ls_options[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
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
