/* SPDX-License-Identifier: MIT */
/*
 * tx_common.c - the pieces `netring send`, `gen` and `fwd` share.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "cli.h"
#include "json.h"
#include "tx_common.h"

volatile sig_atomic_t tx_stop;
static struct netring *signal_rings[4];
static unsigned signal_nrings;

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

static int pow2_option(const char *opt, const char *v, uint32_t *out,
		       char *err, size_t errsize)
{
	uint64_t n;
	int rc = arg_parse_u64(v, 0, UINT64_MAX, &n);

	if (rc)
		return number_error(err, errsize, opt, v, rc,
				    NETRING_RING_FRAMES_MIN,
				    NETRING_RING_FRAMES_MAX);
	if (n < NETRING_RING_FRAMES_MIN || n > NETRING_RING_FRAMES_MAX ||
	    (n & (n - 1))) {
		snprintf(err, errsize,
			 "%s %s: must be a power of two from %u to %u", opt, v,
			 NETRING_RING_FRAMES_MIN, NETRING_RING_FRAMES_MAX);
		return -EINVAL;
	}
	*out = (uint32_t)n;
	return 0;
}

int tx_common_option(struct tx_common *o, int c, const char *v, char *err,
		     size_t errsize)
{
	int rc;

	switch (c) {
	case 'b':
		rc = netring_backend_parse(v);
		if (rc < 0) {
			snprintf(err, errsize,
				 "-b %s: unknown backend (auto, packet, xdp, tap, pcap)",
				 v);
			return -EINVAL;
		}
		o->backend = (enum netring_backend)rc;
		return 1;
	case TXO_PPS:
		rc = arg_parse_u64(v, 1, TX_PPS_MAX, &o->pps);
		return rc ? number_error(err, errsize, "--pps", v, rc, 1,
					 TX_PPS_MAX)
			  : 1;
	case 'c':
		rc = arg_parse_u64(v, 1, UINT64_MAX, &o->count);
		return rc ? number_error(err, errsize, "--count", v, rc, 1,
					 UINT64_MAX)
			  : 1;
	case 't':
		rc = arg_parse_seconds_ms(v, DUMP_TIME_MAX_MS, &o->time_ms);
		if (rc == -ERANGE)
			snprintf(err, errsize,
				 "-t %s: out of range (0.001 to %llu seconds, at most 3 decimals)",
				 v, DUMP_TIME_MAX_MS / 1000);
		else if (rc)
			snprintf(err, errsize,
				 "-t '%s': not a number of seconds (e.g. 10 or 0.5)",
				 v);
		return rc ? -EINVAL : 1;
	case 'q':
		o->quiet = true;
		return 1;
	case TXO_STATS:
		if (strcmp(v, "json") != 0) {
			snprintf(err, errsize,
				 "--stats %s: the only format is 'json'", v);
			return -EINVAL;
		}
		o->stats_json = true;
		return 1;
	case TXO_TX_FRAMES:
		return pow2_option("--tx-frames", v, &o->tx_frames, err,
				   errsize) ? -EINVAL : 1;
	case TXO_RING_FRAMES:
		return pow2_option("--ring-frames", v, &o->ring_frames, err,
				   errsize) ? -EINVAL : 1;
	case TXO_QDISC_BYPASS:
		o->qdisc_bypass = true;
		return 1;
	case 'h':
		o->help = true;
		return 1;
	default:
		return 0;
	}
}

int tx_option_error(char *err, size_t errsize, int c, char **argv)
{
	const char *arg = argv[optind - 1];
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

int tx_ifname_check(const char *opt, const char *v, char *err, size_t errsize)
{
	if (!v[0]) {
		snprintf(err, errsize, "%s: empty interface name", opt);
		return -EINVAL;
	}
	if (strlen(v) >= NETRING_IFNAMSIZ) {
		snprintf(err, errsize,
			 "%s %s: interface names are at most %d characters",
			 opt, v, NETRING_IFNAMSIZ - 1);
		return -EINVAL;
	}
	return 0;
}

/* ---- signals ------------------------------------------------------------ */

static void on_stop_signal(int sig)
{
	int saved_errno = errno;

	tx_stop = sig;
	for (unsigned i = 0; i < signal_nrings; i++)
		netring_break(signal_rings[i]);
	errno = saved_errno;
}

static void set_handler(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must end a wait or a sleep. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

void tx_signals_install(struct netring *const *rings, unsigned n)
{
	/* Block the signals while the list changes: the handler reads it. */
	sigset_t all, old;

	sigemptyset(&all);
	sigaddset(&all, SIGINT);
	sigaddset(&all, SIGTERM);
	sigprocmask(SIG_BLOCK, &all, &old);
	signal_nrings = 0;
	for (unsigned i = 0; i < n && i < 4; i++)
		signal_rings[signal_nrings++] = rings[i];
	set_handler(on_stop_signal);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void tx_signals_restore(void)
{
	set_handler(SIG_DFL);
	signal_nrings = 0;
}

uint64_t tx_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- reporting ---------------------------------------------------------- */

void tx_live_start(struct tx_live *l, bool quiet)
{
	memset(l, 0, sizeof(*l));
	l->quiet = quiet;
	l->last_ns = tx_mono_ns();
	l->next_ns = l->last_ns + 1000000000u;
}

void tx_live_tick(struct tx_live *l, const char *label, uint64_t frames,
		  uint64_t bytes, uint64_t failed)
{
	uint64_t now, dt;

	if (l->quiet)
		return;
	now = tx_mono_ns();
	if (now < l->next_ns)
		return;
	dt = now - l->last_ns;
	fprintf(stderr,
		"netring: %s: %.0f frames/s, %.1f Mbit/s, %" PRIu64
		" failed (%" PRIu64 " frames so far)\n",
		label, (double)(frames - l->last_frames) * 1e9 / (double)dt,
		(double)(bytes - l->last_bytes) * 8e3 / (double)dt,
		failed - l->last_failed, frames);
	l->last_ns = now;
	l->last_frames = frames;
	l->last_bytes = bytes;
	l->last_failed = failed;
	l->next_ns = now + 1000000000u;
}

int tx_open_exit_status(int rc)
{
	switch (rc) {
	case -EINVAL:
	case -ENODEV:
	case -EPROTOTYPE:
	case -EEXIST:
		return EXIT_USAGE;
	default:
		return EXIT_RUNTIME;
	}
}

int tx_open_out(struct netring **rp, const char *ifname,
		const struct tx_common *o, const char *cmd)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	int rc;

	cfg.backend = o->backend;
	cfg.flags = NETRING_CF_TX_ONLY;
	if (o->qdisc_bypass)
		cfg.flags |= NETRING_CF_QDISC_BYPASS;
	cfg.tx_frames = o->tx_frames;
	cfg.ring_frames = o->ring_frames;
	/* The xdp backend plugs in take mode only; transmit-only attaches no
	 * program, so nothing is taken from the host. */
	if (o->backend == NETRING_BACKEND_XDP)
		cfg.mode = NETRING_MODE_TAKE;
	rc = netring_open(rp, ifname, &cfg, errbuf);
	if (rc < 0) {
		if (rc == -ENODEV)
			fprintf(stderr, "netring: %s: %s: no such interface\n",
				cmd, ifname);
		else
			fprintf(stderr, "netring: %s: %s\n", cmd,
				errbuf[0] ? errbuf : strerror(-rc));
		return tx_open_exit_status(rc);
	}
	return 0;
}

static void format_mac(char *s, size_t size, const uint8_t *m)
{
	snprintf(s, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

void tx_print_plugged(const struct netring *r, const char *what)
{
	struct netring_info info;
	char mac[18];

	if (netring_get_info(r, &info, sizeof(info)))
		return;
	format_mac(mac, sizeof(mac), info.mac);
	fprintf(stderr,
		"netring: %s: plugged for %s: backend %s, mac %s, mtu %u, %u transmit slots, frames up to %u bytes%s%s\n",
		info.ifname, what, netring_backend_name(info.backend), mac,
		info.mtu, info.tx_frames, info.tx_capacity,
		info.detail[0] ? "; " : "", info.detail);
	if (info.note[0])
		fprintf(stderr, "netring: %s: note: %s\n", info.ifname,
			info.note);
}

void tx_print_summary(const struct netring_info *info,
		      const struct netring_stats *s, uint64_t ns)
{
	double secs = ns ? (double)ns / 1e9 : 0;

	fprintf(stderr,
		"netring: %s: %" PRIu64 " frames sent (%" PRIu64
		" bytes) in %.3f s: %.0f frames/s; %" PRIu64
		" failed (%" PRIu64 " down, %" PRIu64 " too big, %" PRIu64
		" kernel), %" PRIu64 " in flight\n",
		info->ifname, s->tx_sent, s->tx_bytes, secs,
		secs > 0 ? (double)s->tx_sent / secs : 0.0, s->tx_failed,
		s->tx_failed_down, s->tx_failed_too_big, s->tx_failed_kernel,
		s->tx_in_flight);
}

void tx_print_pacer(const char *what, const struct tx_pacer *p)
{
	if (p->forgiven)
		fprintf(stderr,
			"netring: %s: fell behind --pps (a late wake-up, or"
			" no room to send): %" PRIu64 " frames' worth of"
			" pacing forgiven (catching up is %u frames at"
			" most)\n",
			what, p->forgiven, TX_PACER_CATCH_UP);
}

void tx_print_json(const struct netring_info *info,
		   const struct netring_stats *s, uint64_t ns)
{
	double secs = (double)ns / 1e9;

	fputc('{', stdout);
	cli_stats_json_fields(info, s);
	printf(",\"seconds\":%.6f,\"frames_per_s\":%.0f}\n", secs,
	       secs > 0 ? (double)s->tx_sent / secs : 0.0);
}
