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
#define DUMP_BLOCK_TIMEOUT_MAX_MS 1000u               /* what the library takes */
/* --replay-speed: at most 1000000 thousandths (the header's limit). */
#define DUMP_REPLAY_PERMILLE_MAX 1000000u
/* -r without --frame-size: slots of 16 KiB hold 9000-byte frames whole. */
#define DUMP_READ_FRAME_SIZE 16384u
#define TAP_PREFIX "tap:"
#define DUMP_IFACES_MAX 64 /* -i given this many times at most */
#define DUMP_USER_MAX 256  /* -Z: longest user name (LOGIN_NAME_MAX) */

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

/*
 * A decimal factor with at most three decimals ("1", "0.5", "4", "0"), as
 * thousandths in [0, max_permille].  Returns 0, -EINVAL or -ERANGE.
 */
int arg_parse_permille(const char *s, uint32_t max_permille, uint32_t *out);

/*
 * A MAC address written as six pairs of hexadecimal digits separated by
 * colons ("02:00:5e:10:00:01", either case); nothing else.  0 or -EINVAL.
 */
int arg_parse_mac(const char *s, uint8_t mac[6]);

/*
 * An EtherType in hexadecimal, with or without "0x" ("0x88b5", "88B5"): 1
 * to 4 digits.  -EINVAL when it is not that, -ERANGE below 0x0600 (smaller
 * values are 802.3 lengths, not EtherTypes).
 */
int arg_parse_ethertype(const char *s, uint16_t *out);

/* "udp", "tcp", "icmp", "icmpv6", or a decimal protocol number 0..255. */
int arg_parse_ip_proto(const char *s, uint8_t *out);

struct dump_args {
	const char *ifname;    /* -i, as given ("tap:NAME" included); the
				* first one when there are several */
	/* Every -i, in order.  Several, or one that is "all" or a glob
	 * ("veth*"): one event loop over many rings (multi). */
	const char *ifnames[DUMP_IFACES_MAX];
	unsigned nifnames;
	bool multi;
	const char *read_path; /* -r, or NULL */
	uint64_t count;        /* stop after this many frames; 0: no limit */
	uint64_t time_ms;      /* stop after this long; 0: no limit */
	const char *pcap_path; /* -w, or NULL */
	bool nano;             /* nanosecond pcap timestamps */
	bool replay_speed_given; /* --replay-speed (0 is a speed) */
	bool quiet;            /* no line per frame */
	bool stats_json;       /* a JSON summary as stdout's last line */
	bool help;
	/* -Z: the user to become once plugged, or NULL (tools/privdrop.h) */
	const char *user;
	/* The first option given that only the xdp backend takes, to name
	 * it when the backend or mode cannot take it; NULL if none. */
	const char *xdp_option;
	struct netring_config cfg;
};

struct ls_args {
	bool all;
	bool json;
	bool watch; /* then print link events until a signal */
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
