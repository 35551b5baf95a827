/* SPDX-License-Identifier: MIT */
/*
 * tx_common.h - what `netring send`, `gen` and `fwd` share: their common
 * options, pacing to a rate without spinning, stop signals, live rates, the
 * end-of-run report, and the JSON statistics object `dump` prints too.
 */
#ifndef NETRING_TOOL_TX_COMMON_H
#define NETRING_TOOL_TX_COMMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netring.h"
#include "pacer.h"

#define TX_BATCH 64u
#define TX_PPS_MAX 100000000ull /* --pps: 100 M frames/s, far above a veth */
#define TX_DRAIN_MS 2000         /* waiting for the last completions */

/* The options the three commands share, parsed by tx_common_option(). */
struct tx_common {
	enum netring_backend backend; /* -b */
	uint64_t pps;                 /* --pps, 0: as fast as possible */
	uint64_t count;               /* --count / -c, 0: no limit */
	uint64_t time_ms;             /* -t, 0: no limit */
	uint32_t tx_frames;           /* --tx-frames, 0: default */
	uint32_t ring_frames;         /* --ring-frames, 0: default */
	bool quiet;                   /* -q: no live rates */
	bool qdisc_bypass;            /* --qdisc-bypass (AF_PACKET) */
	bool stats_json;              /* --stats json */
	bool help;
};

/* Long-only option codes for the shared options (getopt values). */
enum tx_common_opt {
	TXO_PPS = 512,
	TXO_STATS,
	TXO_TX_FRAMES,
	TXO_RING_FRAMES,
	TXO_QDISC_BYPASS,
};

/* The getopt_long() entries of the shared options, to copy into a
 * command's table; and their short letters. */
#define TX_COMMON_LONGOPTS                                                     \
	{ "backend", required_argument, NULL, 'b' },                           \
	{ "pps", required_argument, NULL, TXO_PPS },                           \
	{ "count", required_argument, NULL, 'c' },                             \
	{ "time", required_argument, NULL, 't' },                              \
	{ "quiet", no_argument, NULL, 'q' },                                   \
	{ "stats", required_argument, NULL, TXO_STATS },                       \
	{ "tx-frames", required_argument, NULL, TXO_TX_FRAMES },               \
	{ "ring-frames", required_argument, NULL, TXO_RING_FRAMES },           \
	{ "qdisc-bypass", no_argument, NULL, TXO_QDISC_BYPASS },               \
	{ "help", no_argument, NULL, 'h' }
#define TX_COMMON_SHORTOPTS "b:c:t:qh"

/* 1: `c` was a shared option and was applied; 0: not a shared option;
 * -EINVAL: a bad value, explained in err. */
int tx_common_option(struct tx_common *o, int c, const char *v, char *err,
		     size_t errsize);

/* getopt_long()'s complaint about argv[optind - 1] as a message. */
int tx_option_error(char *err, size_t errsize, int c, char **argv);

/* An interface name for -i/-o: not empty, at most 15 characters. */
int tx_ifname_check(const char *opt, const char *v, char *err, size_t errsize);

/* ---- running ------------------------------------------------------------ */

/* Set by SIGINT/SIGTERM; the rings registered are broken out of waits. */
extern volatile sig_atomic_t tx_stop;
void tx_signals_install(struct netring *const *rings, unsigned n);
void tx_signals_restore(void);

uint64_t tx_mono_ns(void);

/* Live rates, one line a second on stderr (unless quiet). */
struct tx_live {
	bool quiet;
	uint64_t next_ns;
	uint64_t last_ns;
	uint64_t last_frames;
	uint64_t last_bytes;
	uint64_t last_failed;
};

void tx_live_start(struct tx_live *l, bool quiet);
/* Print "LABEL: N frames/s ..." when a second has passed since the last. */
void tx_live_tick(struct tx_live *l, const char *label, uint64_t frames,
		  uint64_t bytes, uint64_t failed);

/* Open `ifname` for transmitting only (NETRING_CF_TX_ONLY) with `o`'s
 * backend; prints the error and returns the exit status on failure. */
int tx_open_out(struct netring **rp, const char *ifname,
		const struct tx_common *o, const char *cmd);

/* The exit status for a netring_open() error (as `dump` has it). */
int tx_open_exit_status(int rc);

/* The plugged line on stderr. */
void tx_print_plugged(const struct netring *r, const char *what);

/* "IF: sent N frames (B bytes) in S s: R frames/s; failed ..." on stderr. */
void tx_print_summary(const struct netring_info *info,
		      const struct netring_stats *s, uint64_t ns);

/* "netring: WHAT: fell behind --pps ..." on stderr when the pacer forgave
 * part of a late debt (pacer.h); nothing otherwise. */
void tx_print_pacer(const char *what, const struct tx_pacer *p);

/* A ring's statistics as JSON members, without braces: the keys `dump
 * --stats json` prints (defined in dump.c), interface facts and tx_*. */
void cli_stats_json_fields(const struct netring_info *info,
			   const struct netring_stats *s);

/* {fields,"seconds":S,"frames_per_s":R}\n on stdout. */
void tx_print_json(const struct netring_info *info,
		   const struct netring_stats *s, uint64_t ns);

int send_run(int argc, char **argv);
int gen_run(int argc, char **argv);
int fwd_run(int argc, char **argv);

#endif /* NETRING_TOOL_TX_COMMON_H */
