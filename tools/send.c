/* SPDX-License-Identifier: MIT */
/*
 * send.c - `netring send`: replay a pcap or pcapng capture out of an
 * interface.  The file is read the netring way, as a ring of the pcap
 * backend, and its frames are handed to the interface's ring with
 * netring_tx_forward(): one copy, from the file's slot into a transmit slot.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "tx_common.h"

static const char send_usage[] =
	"usage: netring send -i IFACE -r FILE [OPTIONS]\n"
	"\n"
	"Send the frames of a pcap or pcapng capture out of IFACE, in order.\n"
	"\n"
	"  -i, --interface IFACE  the interface to send on\n"
	"  -r, --read FILE        the capture (Ethernet frames)\n"
	"  -b, --backend NAME     auto, packet, xdp or tap (default auto: packet)\n"
	"      --pps N            N frames per second (default: as fast as possible)\n"
	"      --replay-speed X   X times the file's own pace (up to 3 decimals)\n"
	"  -c, --count N          stop after N frames\n"
	"  -t, --time SECONDS     stop after SECONDS\n"
	"  -l, --loop N           play the file N times (default 1; 0: until stopped)\n"
	"      --tx-frames N      transmit slots, a power of two (1024)\n"
	"      --qdisc-bypass     packet backend: past the qdisc, straight to the driver\n"
	"  -q, --quiet            no live rates every second\n"
	"      --stats json       print the statistics as JSON, last on stdout\n"
	"  -h, --help             print this help\n"
	"\n"
	"A frame the capture had cut, or longer than IFACE sends, is not sent and\n"
	"is counted (tx_failed_too_big).  Exit status: 0 done, 1 failed while\n"
	"running, 2 bad usage or input (including an unreadable FILE).\n";

/* Slots of 16 KiB hold 9000-byte frames whole, as `dump -r`. */
#define SEND_READ_FRAME_SIZE DUMP_READ_FRAME_SIZE

struct send_args {
	struct tx_common o;
	const char *ifname;
	const char *path;
	uint64_t loops;
	uint32_t speed_permille;
	bool speed_given;
};

enum send_opt {
	SO_REPLAY_SPEED = 600,
};

static int send_args_parse(struct send_args *a, int argc, char **argv,
			   char *err, size_t errsize)
{
	static const struct option longopts[] = {
		TX_COMMON_LONGOPTS,
		{ "interface", required_argument, NULL, 'i' },
		{ "read", required_argument, NULL, 'r' },
		{ "loop", required_argument, NULL, 'l' },
		{ "replay-speed", required_argument, NULL, SO_REPLAY_SPEED },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	memset(a, 0, sizeof(*a));
	a->loops = 1;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":i:r:l:" TX_COMMON_SHORTOPTS,
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
			if (a->ifname) {
				snprintf(err, errsize, "-i: given twice");
				return -EINVAL;
			}
			if (tx_ifname_check("-i", optarg, err, errsize))
				return -EINVAL;
			a->ifname = optarg;
			break;
		case 'r':
			if (!optarg[0]) {
				snprintf(err, errsize, "-r: empty file name");
				return -EINVAL;
			}
			a->path = optarg;
			break;
		case 'l':
			rc = arg_parse_u64(optarg, 0, UINT64_MAX, &a->loops);
			if (rc) {
				snprintf(err, errsize,
					 "--loop '%s': not a decimal number of passes (0: until stopped)",
					 optarg);
				return -EINVAL;
			}
			break;
		case SO_REPLAY_SPEED:
			rc = arg_parse_permille(optarg, DUMP_REPLAY_PERMILLE_MAX,
						&a->speed_permille);
			if (rc == -ERANGE)
				snprintf(err, errsize,
					 "--replay-speed %s: out of range (0.001 to %u, at most 3 decimals)",
					 optarg, DUMP_REPLAY_PERMILLE_MAX / 1000);
			else if (rc)
				snprintf(err, errsize,
					 "--replay-speed '%s': not a speed (e.g. 1, 0.5 or 4)",
					 optarg);
			if (!rc && !a->speed_permille) {
				snprintf(err, errsize,
					 "--replay-speed 0: leave it out to send as fast as possible");
				rc = -EINVAL;
			}
			if (rc)
				return -EINVAL;
			a->speed_given = true;
			break;
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
	if (!a->ifname || !a->path) {
		snprintf(err, errsize,
			 "send needs an interface (-i IFACE) and a capture (-r FILE)");
		return -EINVAL;
	}
	if (a->speed_given && a->o.pps) {
		snprintf(err, errsize,
			 "--pps and --replay-speed exclude each other: a fixed rate or the file's pace");
		return -EINVAL;
	}
	if (a->o.backend == NETRING_BACKEND_PCAP) {
		snprintf(err, errsize,
			 "-b pcap writes a file; send sends on interfaces (packet, xdp, tap)");
		return -EINVAL;
	}
	return 0;
}

static int open_file(struct netring **in, const struct send_args *a)
{
	struct netring_config cfg = { .sz = sizeof(cfg) };
	char errbuf[NETRING_ERRBUF_SIZE] = "";
	int rc;

	cfg.backend = NETRING_BACKEND_PCAP;
	cfg.frame_size = SEND_READ_FRAME_SIZE;
	cfg.replay_speed_permille = a->speed_permille;
	rc = netring_open(in, a->path, &cfg, errbuf);
	if (rc < 0) {
		fprintf(stderr, "netring: send: %s\n",
			errbuf[0] ? errbuf : strerror(-rc));
		/* A missing, unreadable or damaged file is bad input. */
		switch (rc) {
		case -ENOMEM:
		case -EMFILE:
		case -ENFILE:
			return EXIT_RUNTIME;
		default:
			return EXIT_USAGE;
		}
	}
	return 0;
}

struct send_state {
	const struct send_args *a;
	struct netring *out;
	struct tx_pacer pacer;
	struct tx_live live;
	struct netring_info info;
	uint64_t read;  /* frames taken from the file(s) */
	uint64_t deadline;
};

static bool send_done(const struct send_state *s)
{
	return tx_stop || (s->a->o.count && s->read >= s->a->o.count) ||
	       (s->deadline && tx_mono_ns() >= s->deadline);
}

/* Hand n held frames of `in` to out, waiting for room; -errno on failure. */
static int forward_all(struct send_state *s, struct netring *in,
		       const struct netring_frame *f, unsigned n)
{
	unsigned k = 0;

	while (k < n) {
		int m = netring_tx_forward(s->out, in, f + k, n - k);

		if (m < 0)
			return m;
		k += (unsigned)m;
		if (k < n) {
			if (tx_stop)
				return 0; /* the rest is not sent: stopping */
			m = netring_tx_wait(s->out, 100);
			if (m < 0 && m != -ECANCELED && m != -EINTR)
				return m;
		}
	}
	return 0;
}

/* One pass over the file; 0 at its end or when done, -errno on failure
 * (explained on stderr), 1 when the file could not be opened (status in
 * *status). */
static int send_pass(struct send_state *s, int *status)
{
	struct netring_frame f[TX_BATCH];
	struct netring *in;
	int rc;

	rc = open_file(&in, s->a);
	if (rc) {
		*status = rc;
		return 1;
	}
	while (!send_done(s)) {
		unsigned want = TX_BATCH;
		int n;

		if (s->a->o.count && s->a->o.count - s->read < want)
			want = (unsigned)(s->a->o.count - s->read);
		want = tx_pacer_grant(&s->pacer, want);
		if (!want)
			continue;
		n = netring_rx_burst(in, f, want);
		if (n == 0) {
			rc = netring_wait(in, 100);
			if (rc == -ENODATA) {
				rc = 0;
				break;
			}
			if (rc < 0 && rc != -ECANCELED && rc != -EINTR) {
				fprintf(stderr, "netring: send: %s\n",
					netring_error(in));
				*status = EXIT_USAGE; /* a damaged file */
				break;
			}
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "netring: send: %s\n", netring_error(in));
			*status = EXIT_RUNTIME;
			rc = n;
			break;
		}
		rc = forward_all(s, in, f, (unsigned)n);
		netring_rx_release(in, (unsigned)n);
		if (rc < 0) {
			fprintf(stderr, "netring: send: %s\n",
				netring_error(s->out)[0] ? netring_error(s->out)
							 : strerror(-rc));
			*status = EXIT_RUNTIME;
			break;
		}
		s->read += (uint64_t)n;
		tx_pacer_done(&s->pacer, (unsigned)n);
		if (!s->live.quiet && tx_mono_ns() >= s->live.next_ns) {
			struct netring_stats st;

			netring_stats_get(s->out, &st, sizeof(st));
			tx_live_tick(&s->live, s->info.ifname, st.tx_sent,
				     st.tx_bytes, st.tx_failed);
		}
	}
	netring_close(in);
	return rc < 0 ? rc : 0;
}

int send_run(int argc, char **argv)
{
	char err[NETRING_ERRBUF_SIZE + 64];
	struct send_state s = { 0 };
	struct netring_stats st;
	struct send_args a;
	struct netring *probe;
	uint64_t t0, t_end;
	int status = EXIT_OK, rc;

	if (send_args_parse(&a, argc, argv, err, sizeof(err))) {
		fprintf(stderr,
			"netring: send: %s\n"
			"netring: usage: netring send -i IFACE -r FILE [OPTIONS]; 'netring send -h' lists them\n",
			err);
		return EXIT_USAGE;
	}
	if (a.o.help) {
		fputs(send_usage, stdout);
		return EXIT_OK;
	}
	/* The file first: a bad path must not cost a plug and unplug. */
	rc = open_file(&probe, &a);
	if (rc)
		return rc;
	netring_close(probe);
	rc = tx_open_out(&s.out, a.ifname, &a.o, "send");
	if (rc)
		return rc;
	s.a = &a;
	netring_get_info(s.out, &s.info, sizeof(s.info));
	tx_print_plugged(s.out, "send");

	tx_signals_install(&s.out, 1);
	tx_live_start(&s.live, a.o.quiet);
	t0 = tx_mono_ns();
	if (a.o.time_ms)
		s.deadline = t0 + a.o.time_ms * 1000000u;
	tx_pacer_start(&s.pacer, a.o.pps, t0);
	for (uint64_t pass = 0; !send_done(&s) && (!a.loops || pass < a.loops);
	     pass++) {
		uint64_t before = s.read;

		rc = send_pass(&s, &status);
		if (rc || status != EXIT_OK)
			break;
		if (s.read == before)
			break; /* an empty file: looping would spin */
	}
	rc = netring_tx_drain(s.out, TX_DRAIN_MS);
	if (rc < 0 && rc != -ECANCELED)
		fprintf(stderr, "netring: send: %s\n", netring_error(s.out));
	t_end = tx_mono_ns();
	tx_signals_restore();
	netring_stats_get(s.out, &st, sizeof(st));
	fprintf(stderr, "netring: send: %" PRIu64 " frames read from %s\n",
		s.read, a.path);
	tx_print_summary(&s.info, &st, t_end - t0);
	tx_print_pacer("send", &s.pacer);
	if (a.o.stats_json)
		tx_print_json(&s.info, &st, t_end - t0);
	netring_close(s.out);
	if (fflush(stdout) != 0)
		status = EXIT_RUNTIME;
	return status;
}
