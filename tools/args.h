/* SPDX-License-Identifier: MIT */
/*
 * args.h - strict parsing of the netring command line: numbers are decimal,
 * whole-string, range-checked and never clamped; every rejection comes with
 * a message naming the option and the value.
 */
#ifndef NETRING_TOOL_ARGS_H
#define NETRING_TOOL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netring.h"

#define DUMP_TIME_MAX_MS (365ull * 24 * 3600 * 1000) /* -t: one year */
#define DUMP_BUSY_POLL_MAX_US 1000000u                /* what the library takes */

/*
 * A decimal number made of digits only (no sign, space, or base prefix) in
 * [min, max].  Returns 0, -EINVAL when `s` is not such a number, or -ERANGE
 * when it is one outside [min, max] (including beyond 2^64 - 1).
 */
int arg_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Seconds as digits with at most three decimals ("2", "0.25"), converted to
 * milliseconds in [1, max_ms].  Returns 0, -EINVAL or -ERANGE as above.
 */
int arg_parse_seconds_ms(const char *s, uint64_t max_ms, uint64_t *ms);

struct dump_args {
	const char *ifname;
	uint64_t count;        /* stop after this many frames; 0: no limit */
	uint64_t time_ms;      /* stop after this long; 0: no limit */
	const char *pcap_path; /* -w, or NULL */
	bool nano;             /* nanosecond pcap timestamps */
	bool quiet;            /* no line per frame */
	bool stats_json;       /* a JSON summary as stdout's last line */
	bool help;
	struct netring_config cfg;
};

struct ls_args {
	bool all;
	bool json;
	bool help;
};

/*
 * Parse `netring dump` arguments (argv[0] is "dump").  Returns 0 (check
 * a->help), or -EINVAL with the reason in err.  Uses getopt_long(), so not
 * reentrant.
 */
int dump_args_parse(struct dump_args *a, int argc, char **argv, char *err,
		    size_t errsize);

/* Same for `netring ls`. */
int ls_args_parse(struct ls_args *a, int argc, char **argv, char *err,
		  size_t errsize);

#endif /* NETRING_TOOL_ARGS_H */
