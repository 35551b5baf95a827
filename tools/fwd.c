/* SPDX-License-Identifier: MIT */
/*
 * fwd.c - `netring fwd`: forward frames from one interface to another (and,
 * with a second -i/-o pair, back), in one thread.  Each received view is
 * handed to the other ring with netring_tx_forward(): between two xdp rings
 * sharing one UMEM the frame itself is transmitted, elsewhere it is copied
 * once.  Counted per direction: received, forwarded, dropped by reason.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "json.h"
#include "tx_common.h"

#define FWD_DIRS_MAX 2
#define FWD_RINGS_MAX (2 * FWD_DIRS_MAX)

static const char fwd_usage[] =
	"usage: netring fwd -i IN -o OUT [-i OUT -o IN] [OPTIONS]\n"
	"\n"
	"Forward every frame IN receives out of OUT (and, with the second pair,\n"
	"back), in one thread.  With -b xdp the rings share one UMEM and frames\n"
	"are forwarded without being copied; otherwise each is copied once.\n"
	"\n"
	"  -i, --in IFACE         where a direction receives (give -o after it)\n"
	"  -o, --out IFACE        where that direction sends\n"
	"  -b, --backend NAME     auto, packet or xdp (default auto: packet; xdp\n"
	"                         takes the frames from the host)\n"
	"      --rewrite-dst-mac MAC  set the destination MAC of every frame\n"
	"      --rewrite-src-mac MAC  set the source MAC of every frame\n"
	"  -c, --count N          stop after receiving N frames (all directions)\n"
	"  -t, --time SECONDS     stop after SECONDS\n"
	"      --ring-frames N    receive slots, a power of two (4096)\n"
	"      --tx-frames N      transmit slots, a power of two (1024)\n"
	"      --qdisc-bypass     packet backend: past the qdisc, straight to the driver\n"
	"  -q, --quiet            no live rates every second\n"
	"      --stats json       print the statistics as JSON, last on stdout\n"
	"  -h, --help             print this help\n"
	"\n"
	"A frame OUT has no room for waits in IN's ring (which then fills and\n"
	"drops, counted there); frames longer than OUT sends are dropped and\n"
	"counted.  Stops on N frames, after SECONDS or on SIGINT/SIGTERM.  Exit\n"
	"status: 0 done, 1 failed while running, 2 bad usage or input.\n";

struct fwd_args {
	struct tx_common o;
	const char *in[FWD_DIRS_MAX];
	const char *out[FWD_DIRS_MAX];
	unsigned ndirs;
	bool rewrite_dst, rewrite_src;
	uint8_t dst[6], src[6];
};

enum fwd_opt {
	FO_REWRITE_DST = 600,
	FO_REWRITE_SRC,
};

static int fwd_args_parse(struct fwd_args *a, int argc, char **argv,
			  char *err, size_t errsize)
{
	static const struct option longopts[] = {
		TX_COMMON_LONGOPTS,
		{ "in", required_argument, NULL, 'i' },
		{ "interface", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "rewrite-dst-mac", required_argument, NULL, FO_REWRITE_DST },
		{ "rewrite-src-mac", required_argument, NULL, FO_REWRITE_SRC },
		{ NULL, 0, NULL, 0 },
	};
	unsigned nin = 0, nout = 0;
	int c, rc;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":i:o:" TX_COMMON_SHORTOPTS,
				longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return tx_option_error(err, errsize, c, argv);
		rc = tx_common_option(&a->o, c, optarg, err, errsize);
		if (rc < 0)
			return rc;
		if (rc)
			continue;
		switch (c) {
		case 'i':
		case 'o':
			if (tx_ifname_check(c == 'i' ? "-i" : "-o", optarg, err,
					    errsize))
				return -EINVAL;
			if ((c == 'i' && nin != nout) ||
			    (c == 'o' && nout + 1 != nin)) {
				snprintf(err, errsize,
					 "%s %s: give each direction as -i IN -o OUT, in that order",
					 c == 'i' ? "-i" : "-o", optarg);
				return -EINVAL;
			}
			if (c == 'i' && nin == FWD_DIRS_MAX) {
				snprintf(err, errsize,
					 "-i %s: at most %d directions (-i A -o B -i B -o A)",
					 optarg, FWD_DIRS_MAX);
				return -EINVAL;
			}
			if (c == 'i')
				a->in[nin++] = optarg;
			else
				a->out[nout++] = optarg;
			break;
		case FO_REWRITE_DST:
		case FO_REWRITE_SRC: {
			bool dst = c == FO_REWRITE_DST;

			if (arg_parse_mac(optarg, dst ? a->dst : a->src)) {
				snprintf(err, errsize,
					 "%s '%s': not a MAC address (six pairs of hex digits, e.g. 02:00:00:00:00:01)",
					 dst ? "--rewrite-dst-mac"
					     : "--rewrite-src-mac",
					 optarg);
				return -EINVAL;
			}
			if (!dst && (a->src[0] & 1)) {
				snprintf(err, errsize,
					 "--rewrite-src-mac %s: a group address cannot be a source",
					 optarg);
				return -EINVAL;
			}
			if (dst)
				a->rewrite_dst = true;
			else
				a->rewrite_src = true;
			break;
		}
		default:
			snprintf(err, errsize, "internal error: option %d", c);
			return -EINVAL;
		}
	}
	if (a->o.help)
		return 0;
	if (optind < argc) {
		snprintf(err, errsize, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!nin || nout != nin) {
		snprintf(err, errsize,
			 "fwd needs -i IN -o OUT for each direction");
		return -EINVAL;
	}
	a->ndirs = nin;
	for (unsigned i = 0; i < nin; i++)
		for (unsigned k = 0; k < i; k++) {
			if (strcmp(a->in[i], a->in[k]) == 0) {
				snprintf(err, errsize,
					 "-i %s: receives for one direction at most",
					 a->in[i]);
				return -EINVAL;
			}
			if (strcmp(a->out[i], a->out[k]) == 0) {
				snprintf(err, errsize,
					 "-o %s: sends for one direction at most",
					 a->out[i]);
				return -EINVAL;
			}
		}
	if (a->o.pps) {
		snprintf(err, errsize,
			 "--pps is for send and gen; fwd forwards what arrives");
		return -EINVAL;
	}
	if (a->o.backend == NETRING_BACKEND_PCAP ||
	    a->o.backend == NETRING_BACKEND_TAP) {
		snprintf(err, errsize,
			 "-b %s: fwd plugs interfaces with packet or xdp",
			 netring_backend_name(a->o.backend));
		return -EINVAL;
	}
	return 0;
}

struct fwd_ring {
	const char *name;
	struct netring *r;
	struct netring_info info;
};

struct fwd_dir {
	struct fwd_ring *in, *out;
	struct netring_frame f[TX_BATCH];
	unsigned held; /* views of f[] held on `in` */
	unsigned done; /* of those, handed to out */
	uint64_t received;
	uint64_t handled;   /* forwarded + dropped too big */
	uint64_t out_full;  /* still waiting for room when stopped */
};

struct fwd {
	const struct fwd_args *a;
	struct fwd_ring rings[FWD_RINGS_MAX];
	unsigned nrings;
	struct fwd_dir dirs[FWD_DIRS_MAX];
	unsigned ndirs;
};

static struct fwd_ring *ring_by_name(struct fwd *w, const char *name)
{
	for (unsigned i = 0; i < w->nrings; i++)
		if (strcmp(w->rings[i].name, name) == 0)
			return &w->rings[i];
	w->rings[w->nrings].name = name;
	return &w->rings[w->nrings++];
}

/* Plug every interface once; with xdp, all share the first one's UMEM. */
static int open_rings(struct fwd *w)
{
	const struct fwd_args *a = w->a;

	for (unsigned i = 0; i < a->ndirs; i++) {
		w->dirs[i].in = ring_by_name(w, a->in[i]);
		w->dirs[i].out = ring_by_name(w, a->out[i]);
	}
	w->ndirs = a->ndirs;
	for (unsigned i = 0; i < w->nrings; i++) {
		struct netring_config cfg = { .sz = sizeof(cfg) };
		char errbuf[NETRING_ERRBUF_SIZE] = "";
		struct fwd_ring *fr = &w->rings[i];
		int rc;

		cfg.backend = a->o.backend;
		cfg.ring_frames = a->o.ring_frames;
		cfg.tx_frames = a->o.tx_frames;
		if (a->o.qdisc_bypass)
			cfg.flags |= NETRING_CF_QDISC_BYPASS;
		if (a->o.backend == NETRING_BACKEND_XDP) {
			cfg.mode = NETRING_MODE_TAKE;
			if (i)
				cfg.share_umem = w->rings[0].r;
			else
				cfg.flags |= NETRING_CF_UMEM_SHAREABLE;
		}
		rc = netring_open(&fr->r, fr->name, &cfg, errbuf);
		if (rc < 0) {
			if (rc == -ENODEV)
				fprintf(stderr,
					"netring: fwd: %s: no such interface\n",
					fr->name);
			else
				fprintf(stderr, "netring: fwd: %s\n",
					errbuf[0] ? errbuf : strerror(-rc));
			fr->r = NULL;
			return tx_open_exit_status(rc);
		}
		netring_get_info(fr->r, &fr->info, sizeof(fr->info));
		tx_print_plugged(fr->r, "fwd");
	}
	return 0;
}

static void rewrite(const struct fwd_args *a, const struct netring_frame *f,
		    unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		/* The view is const for readers; the slot is the
		 * application's until released, and writable (the ring is
		 * mapped read-write): rewriting in place keeps forwarding
		 * copy-free. */
		uint8_t *d = (uint8_t *)(uintptr_t)f[i].data;

		if (f[i].len < 12)
			continue;
		if (a->rewrite_dst)
			memcpy(d, a->dst, 6);
		if (a->rewrite_src)
			memcpy(d + 6, a->src, 6);
	}
}

/* One turn of a direction: forward what is held, or take a burst.  Returns
 * frames moved (> 0: progress), 0, or -errno (explained). */
static int dir_turn(struct fwd *w, struct fwd_dir *d, unsigned budget)
{
	int n, m;

	if (!d->held) {
		n = netring_rx_burst(d->in->r, d->f,
				     budget < TX_BATCH ? budget : TX_BATCH);
		if (n <= 0) {
			if (n < 0)
				fprintf(stderr, "netring: fwd: %s: %s\n",
					d->in->name, netring_error(d->in->r));
			return n;
		}
		if (w->a->rewrite_dst || w->a->rewrite_src)
			rewrite(w->a, d->f, (unsigned)n);
		d->received += (uint64_t)n;
		d->held = (unsigned)n;
		d->done = 0;
	}
	m = netring_tx_forward(d->out->r, d->in->r, d->f + d->done,
			       d->held - d->done);
	if (m < 0) {
		fprintf(stderr, "netring: fwd: %s: %s\n", d->out->name,
			netring_error(d->out->r));
		return m;
	}
	d->done += (unsigned)m;
	d->handled += (uint64_t)m;
	if (d->done == d->held) {
		netring_rx_release(d->in->r, d->held);
		d->held = d->done = 0;
	}
	return m;
}

/* Sleep until a ring has frames, for at most timeout_ms. */
static void fwd_idle(struct fwd *w, int timeout_ms)
{
	struct pollfd pfd[FWD_DIRS_MAX];
	unsigned n = 0;

	if (w->ndirs == 1) {
		/* netring_wait() also busy-polls, sees the end of a link,
		 * and is woken by netring_break(). */
		netring_wait(w->dirs[0].in->r, timeout_ms);
		return;
	}
	for (unsigned i = 0; i < w->ndirs; i++)
		pfd[n++] = (struct pollfd){ .fd = netring_fd(w->dirs[i].in->r),
					    .events = POLLIN };
	poll(pfd, n, timeout_ms);
}

static uint64_t dir_forwarded(const struct fwd_dir *d,
			      const struct netring_stats *out)
{
	return d->handled - out->tx_failed_too_big;
}

static void print_dir(const struct fwd_dir *d, const struct netring_stats *in,
		      const struct netring_stats *out)
{
	uint64_t fwd = dir_forwarded(d, out);

	fprintf(stderr,
		"netring: %s -> %s: %" PRIu64 " received, %" PRIu64
		" forwarded (%" PRIu64 " sent, %" PRIu64 " without copying, %"
		PRIu64 " copied; %" PRIu64 " failed: %" PRIu64
		" down, %" PRIu64 " kernel), %" PRIu64 " dropped (%" PRIu64
		" too big, %" PRIu64 " out ring full); %" PRIu64
		" dropped before reception on %s\n",
		d->in->name, d->out->name, d->received, fwd, out->tx_sent,
		out->tx_forwarded_zerocopy, out->tx_forwarded_copied,
		out->tx_failed_down + out->tx_failed_kernel,
		out->tx_failed_down, out->tx_failed_kernel,
		out->tx_failed_too_big + d->out_full, out->tx_failed_too_big,
		d->out_full, in->dropped, d->in->name);
}

static void print_json(struct fwd *w, const struct netring_stats *st,
		       uint64_t ns)
{
	fputs("{\"directions\":[", stdout);
	for (unsigned i = 0; i < w->ndirs; i++) {
		const struct fwd_dir *d = &w->dirs[i];
		const struct netring_stats *in = &st[d->in - w->rings];
		const struct netring_stats *out = &st[d->out - w->rings];

		if (i)
			fputc(',', stdout);
		fputs("{\"from\":", stdout);
		json_fputs_string(d->in->name, stdout);
		fputs(",\"to\":", stdout);
		json_fputs_string(d->out->name, stdout);
		printf(",\"received\":%" PRIu64 ",\"forwarded\":%" PRIu64
		       ",\"dropped\":%" PRIu64 ",\"dropped_too_big\":%" PRIu64
		       ",\"dropped_out_full\":%" PRIu64 ",\"sent\":%" PRIu64
		       ",\"tx_failed\":%" PRIu64 ",\"tx_failed_down\":%" PRIu64
		       ",\"tx_failed_kernel\":%" PRIu64
		       ",\"tx_in_flight\":%" PRIu64
		       ",\"forwarded_zerocopy\":%" PRIu64
		       ",\"forwarded_copied\":%" PRIu64
		       ",\"in_dropped\":%" PRIu64 "}",
		       d->received, dir_forwarded(d, out),
		       out->tx_failed_too_big + d->out_full,
		       out->tx_failed_too_big, d->out_full, out->tx_sent,
		       out->tx_failed_down + out->tx_failed_kernel,
		       out->tx_failed_down, out->tx_failed_kernel,
		       out->tx_in_flight, out->tx_forwarded_zerocopy,
		       out->tx_forwarded_copied, in->dropped);
	}
	fputs("],\"interfaces\":{", stdout);
	for (unsigned i = 0; i < w->nrings; i++) {
		if (i)
			fputc(',', stdout);
		json_fputs_string(w->rings[i].name, stdout);
		fputs(":{", stdout);
		cli_stats_json_fields(&w->rings[i].info, &st[i]);
		fputc('}', stdout);
	}
	printf("},\"seconds\":%.6f}\n", (double)ns / 1e9);
}

static uint64_t total_received(const struct fwd *w)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < w->ndirs; i++)
		n += w->dirs[i].received;
	return n;
}

/* Forward until -c, -t, a signal or a failure; returns the exit status. */
static int fwd_loop(struct fwd *w, uint64_t deadline)
{
	const struct fwd_args *a = w->a;
	struct tx_live live;
	uint64_t last_sent = 0, last_bytes = 0;

	tx_live_start(&live, a->o.quiet);
	while (!tx_stop) {
		bool pending = false;
		int moved = 0;

		for (unsigned i = 0; i < w->ndirs; i++) {
			struct fwd_dir *d = &w->dirs[i];
			unsigned budget = TX_BATCH;
			int rc;

			if (a->o.count) {
				uint64_t got = total_received(w);

				if (got >= a->o.count && !d->held)
					continue;
				if (a->o.count - got < budget)
					budget = (unsigned)(a->o.count - got);
			}
			rc = dir_turn(w, d, budget);
			if (rc < 0)
				return EXIT_RUNTIME;
			moved += rc;
			pending |= d->held != 0;
		}
		if (a->o.count && total_received(w) >= a->o.count && !pending)
			break;
		if (deadline && tx_mono_ns() >= deadline)
			break;
		if (!live.quiet && tx_mono_ns() >= live.next_ns) {
			uint64_t sent = 0, bytes = 0, failed = 0;

			for (unsigned i = 0; i < w->ndirs; i++) {
				struct netring_stats st;

				netring_stats_get(w->dirs[i].out->r, &st,
						  sizeof(st));
				sent += st.tx_sent;
				bytes += st.tx_bytes;
				failed += st.tx_failed;
			}
			last_sent = sent;
			last_bytes = bytes;
			tx_live_tick(&live, "fwd", last_sent, last_bytes, failed);
		}
		if (moved)
			continue;
		/* Nothing moved: frames held wait for transmit room, which
		 * completions free within a few microseconds; otherwise
		 * sleep until frames arrive. */
		if (pending) {
			for (unsigned i = 0; i < w->ndirs; i++)
				if (w->dirs[i].held) {
					netring_tx_wait(w->dirs[i].out->r, 1);
					break;
				}
			continue;
		}
		int timeout = 100;

		if (deadline) {
			uint64_t now = tx_mono_ns();

			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000u < 100)
				timeout = (int)((deadline - now + 999999u) /
						1000000u);
		}
		fwd_idle(w, timeout);
	}
	return EXIT_OK;
}

int fwd_run(int argc, char **argv)
{
	char err[NETRING_ERRBUF_SIZE + 64];
	struct netring_stats st[FWD_RINGS_MAX];
	struct netring *sig[FWD_RINGS_MAX];
	struct fwd_args a;
	struct fwd w;
	uint64_t t0, t_end, deadline = 0;
	int status;

	if (fwd_args_parse(&a, argc, argv, err, sizeof(err))) {
		fprintf(stderr,
			"netring: fwd: %s\n"
			"netring: usage: netring fwd -i IN -o OUT [-i OUT -o IN] [OPTIONS]; 'netring fwd -h' lists them\n",
			err);
		return EXIT_USAGE;
	}
	if (a.o.help) {
		fputs(fwd_usage, stdout);
		return EXIT_OK;
	}
	memset(&w, 0, sizeof(w));
	w.a = &a;
	status = open_rings(&w);
	if (status)
		goto out;

	for (unsigned i = 0; i < w.nrings; i++)
		sig[i] = w.rings[i].r;
	tx_signals_install(sig, w.nrings);
	t0 = tx_mono_ns();
	if (a.o.time_ms)
		deadline = t0 + a.o.time_ms * 1000000u;
	status = fwd_loop(&w, deadline);

	/* Stopping: give frames still held a last chance at transmit room,
	 * then count what is left as dropped (out ring full). */
	for (unsigned i = 0; i < w.ndirs; i++) {
		struct fwd_dir *d = &w.dirs[i];
		uint64_t until = tx_mono_ns() + 100000000u;

		while (d->held && tx_mono_ns() < until) {
			if (dir_turn(&w, d, 0) < 0)
				break;
			if (d->held)
				netring_tx_wait(d->out->r, 10);
		}
		if (d->held) {
			d->out_full += d->held - d->done;
			netring_rx_release(d->in->r, d->held);
			d->held = d->done = 0;
		}
	}
	for (unsigned i = 0; i < w.ndirs; i++) {
		int rc = netring_tx_drain(w.dirs[i].out->r, TX_DRAIN_MS);

		if (rc < 0 && rc != -ECANCELED)
			fprintf(stderr, "netring: fwd: %s\n",
				netring_error(w.dirs[i].out->r));
	}
	t_end = tx_mono_ns();
	tx_signals_restore();
	for (unsigned i = 0; i < w.nrings; i++)
		netring_stats_get(w.rings[i].r, &st[i], sizeof(st[i]));
	for (unsigned i = 0; i < w.ndirs; i++) {
		const struct fwd_dir *d = &w.dirs[i];

		print_dir(d, &st[d->in - w.rings], &st[d->out - w.rings]);
	}
	fprintf(stderr, "netring: fwd: %.3f s\n", (double)(t_end - t0) / 1e9);
	if (a.o.stats_json)
		print_json(&w, st, t_end - t0);
out:
	/* Rings sharing the first one's UMEM close before it. */
	for (unsigned i = w.nrings; i-- > 0;)
		netring_close(w.rings[i].r);
	if (fflush(stdout) != 0)
		status = EXIT_RUNTIME;
	return status;
}
