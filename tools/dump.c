/* SPDX-License-Identifier: MIT */
/*
 * dump.c - `netring dump`: plug an interface, print a line per frame and/or
 * write a pcap file, stop on a count, a time limit or a signal, and report
 * the ring's statistics.  The receive loop is the one netring.h suggests.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "cli.h"
#include "json.h"
#include "netring.h"
#include "pcapw.h"
#include "summary.h"

#define DISPATCH_BUDGET 64u
/* The smallest space a frame takes in a ring, to bound the final drain. */
#define DRAIN_MIN_FRAME_BYTES 64u

static const char dump_usage[] =
	"usage: netring dump -i IFACE [OPTIONS]\n"
	"\n"
	"Plug IFACE into a ring and print one line per frame received.\n"
	"\n"
	"  -i, --interface IFACE  the interface (at most 15 characters)\n"
	"  -c, --count N          stop after N frames\n"
	"  -t, --time SECONDS     stop after SECONDS (up to 3 decimals)\n"
	"  -w, --write FILE       also write the frames to FILE (pcap)\n"
	"      --nano             nanosecond timestamps in FILE (default: us)\n"
	"  -q, --quiet            no line per frame\n"
	"  -b, --backend NAME     auto, packet, xdp, tap or pcap (default auto)\n"
	"      --ring-frames N    slots in the ring, a power of two (4096)\n"
	"      --frame-size N     bytes per slot, a power of two (2048)\n"
	"      --busy-poll US     spin US microseconds before sleeping (0)\n"
	"      --queue Q|all      the RX queue to plug (default 0)\n"
	"      --outgoing         also frames this host sends\n"
	"      --promisc          promiscuous mode while plugged\n"
	"      --take             take the frames away from the host\n"
	"      --stats json       print the statistics as JSON, last on stdout\n"
	"  -h, --help             print this help\n"
	"\n"
	"Stops at N frames, after SECONDS, or on SIGINT/SIGTERM; the statistics\n"
	"go to stderr.  Exit status: 0 done, 1 failed while running, 2 bad usage\n"
	"or input.\n";

enum stop_reason {
	STOP_COUNT,  /* -c frames handled */
	STOP_TIME,   /* -t elapsed */
	STOP_SIGNAL, /* SIGINT, SIGTERM, or someone's netring_break() */
	STOP_ERROR,  /* the ring failed (the interface went away), or -w did */
};

struct dump_state {
	const struct dump_args *args;
	struct pcap_writer *pcap; /* NULL without -w */
	const char *ifname;
	uint64_t frames; /* handed to dump_frame() */
	bool pcap_failed; /* a write to -w failed: stop, report at close */
	/* Local HH:MM:SS of line_sec, reformatted only when the second
	 * changes: localtime_r() per frame is the costliest part of a line. */
	time_t line_sec;
	char line_hms[16];
};

/* Signal handlers see only globals; the tool has one ring to stop. */
static struct netring *volatile signal_ring;
static volatile sig_atomic_t stop_signal;

static void stop_on_signal(int sig)
{
	int saved_errno = errno;

	stop_signal = sig;
	if (signal_ring)
		netring_break(signal_ring);
	errno = saved_errno;
}

static void set_stop_signals(void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal must end the wait, not resume it. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void print_frame_line(struct dump_state *st,
			     const struct netring_frame *f)
{
	time_t sec = (time_t)(f->ts_ns / 1000000000u);
	unsigned usec = (unsigned)(f->ts_ns % 1000000000u / 1000u);
	char summary[512];

	if (sec != st->line_sec || !st->line_hms[0]) {
		struct tm tm;

		if (localtime_r(&sec, &tm))
			strftime(st->line_hms, sizeof(st->line_hms), "%H:%M:%S",
				 &tm);
		else
			snprintf(st->line_hms, sizeof(st->line_hms), "??:??:??");
		st->line_sec = sec;
	}
	frame_summary(summary, sizeof(summary), f->data, f->len);
	printf("%s.%06u %s%s ", st->line_hms, usec, st->ifname,
	       f->flags & NETRING_FRAME_OUTGOING ? " out" : "");
	if ((f->flags & NETRING_FRAME_TRUNCATED) || f->len < f->wire_len)
		printf("%u/%u trunc ", f->len, f->wire_len);
	else
		printf("%u ", f->len);
	if ((f->flags & NETRING_FRAME_VLAN) &&
	    !(f->flags & NETRING_FRAME_VLAN_RESTORED))
		printf("[vlan %u stripped] ", f->vlan_tci & 0x0fffu);
	puts(summary);
}

static void dump_frame(const struct netring_frame *f, void *user)
{
	struct dump_state *st = user;

	st->frames++;
	if (st->pcap && !st->pcap_failed &&
	    pcap_writer_write(st->pcap, f->data, f->len, f->wire_len,
			      f->ts_ns))
		st->pcap_failed = true;
	if (!st->args->quiet)
		print_frame_line(st, f);
}

/* How many frames one dispatch may take without passing -c. */
static unsigned dispatch_budget(const struct dump_state *st)
{
	uint64_t left;

	if (!st->args->count)
		return DISPATCH_BUDGET;
	left = st->args->count - st->frames;
	return left < DISPATCH_BUDGET ? (unsigned)left : DISPATCH_BUDGET;
}

static bool count_reached(const struct dump_state *st)
{
	return st->args->count && st->frames >= st->args->count;
}

/* Receive until -c, -t, a signal or an error; returns 0 or the -errno. */
static int receive_loop(struct netring *r, struct dump_state *st,
			enum stop_reason *why)
{
	uint64_t deadline = 0;
	int n;

	if (st->args->time_ms)
		deadline = monotonic_ns() + st->args->time_ms * 1000000u;
	for (;;) {
		int timeout_ms = -1;

		if (stop_signal) {
			*why = STOP_SIGNAL;
			return 0;
		}
		if (deadline) {
			uint64_t now = monotonic_ns(), left_ms;

			if (now >= deadline) {
				*why = STOP_TIME;
				return 0;
			}
			left_ms = (deadline - now + 999999u) / 1000000u;
			/* Long limits are waited for in INT_MAX ms pieces. */
			timeout_ms = left_ms > INT_MAX ? INT_MAX : (int)left_ms;
		}

		n = netring_dispatch(r, dispatch_budget(st), dump_frame, st);
		if (n < 0) {
			*why = STOP_ERROR;
			return n;
		}
		if (count_reached(st)) {
			*why = STOP_COUNT;
			return 0;
		}
		if (st->pcap_failed) {
			*why = STOP_ERROR;
			return 0;
		}
		if (n > 0)
			continue;

		/* Idle: let a reader of a pipe see the lines so far. */
		fflush(stdout);
		n = netring_wait(r, timeout_ms);
		if (n == -ECANCELED) {
			*why = STOP_SIGNAL;
			return 0;
		}
		if (n < 0 && n != -EINTR) {
			*why = STOP_ERROR;
			return n;
		}
	}
}

/*
 * After a stop other than -c, take the frames already in the ring, so the
 * statistics count them as received.  Bounded by what the ring can hold, in
 * case frames keep arriving faster than they are printed.
 */
static void drain(struct netring *r, struct dump_state *st,
		  const struct netring_info *info)
{
	uint64_t limit = (uint64_t)info->ring_frames * info->frame_size /
			 DRAIN_MIN_FRAME_BYTES;
	uint64_t done = 0;

	while (done < limit && !count_reached(st)) {
		int n = netring_dispatch(r, dispatch_budget(st), dump_frame, st);

		if (n <= 0)
			break;
		done += (uint64_t)n;
	}
}

static void print_plug_info(const struct netring_info *info)
{
	char queue[24];

	if (info->queue == NETRING_QUEUE_ALL)
		snprintf(queue, sizeof(queue), "all queues");
	else
		snprintf(queue, sizeof(queue), "queue %d", info->queue);
	fprintf(stderr,
		"netring: %s: plugged: backend %s, %s, %u frames of %u bytes, frames up to %u bytes whole, %s%s%s\n",
		info->ifname, netring_backend_name(info->backend),
		info->mode == NETRING_MODE_TAKE ? "take" : "monitor",
		info->ring_frames, info->frame_size, info->frame_capacity,
		queue, info->detail[0] ? "; " : "", info->detail);
}

static void print_stats(const struct dump_args *a,
			const struct netring_info *info,
			const struct netring_stats *s)
{
	fprintf(stderr,
		"netring: %s: %" PRIu64 " frames received (%" PRIu64
		" bytes), %" PRIu64 " dropped (%" PRIu64 " ring full, %" PRIu64
		" interface), %" PRIu64 " truncated\n",
		info->ifname, s->received, s->bytes, s->dropped,
		s->dropped_ring_full, s->dropped_interface, s->truncated);
	fprintf(stderr,
		"netring: %s: the kernel saw %" PRIu64
		" frames; the ring froze %" PRIu64
		" times; the interface's rx_dropped rose by %" PRIu64 "\n",
		info->ifname, s->kernel_seen, s->freezes, s->if_rx_dropped);
	if (!a->stats_json)
		return;
	fputs("{\"interface\":", stdout);
	json_fputs_string(info->ifname, stdout);
	fputs(",\"backend\":", stdout);
	json_fputs_string(netring_backend_name(info->backend), stdout);
	printf(",\"received\":%" PRIu64 ",\"bytes\":%" PRIu64
	       ",\"wire_bytes\":%" PRIu64 ",\"dropped\":%" PRIu64
	       ",\"dropped_ring_full\":%" PRIu64
	       ",\"dropped_interface\":%" PRIu64 ",\"truncated\":%" PRIu64
	       ",\"freezes\":%" PRIu64 ",\"kernel_seen\":%" PRIu64
	       ",\"if_rx_dropped\":%" PRIu64 "}\n",
	       s->received, s->bytes, s->wire_bytes, s->dropped,
	       s->dropped_ring_full, s->dropped_interface, s->truncated,
	       s->freezes, s->kernel_seen, s->if_rx_dropped);
}

/*
 * netring_open() errors: what the user asked for is wrong (2), or the
 * system refused or failed (1: privileges, unsupported, resources).
 */
static int open_exit_status(int rc)
{
	switch (rc) {
	case -EINVAL:
	case -ENODEV:
	case -EPROTOTYPE:
		return EXIT_USAGE;
	default:
		return EXIT_RUNTIME;
	}
}

/* Plugged: receive, stop, report.  Returns the exit status. */
static int dump_plugged(struct netring *r, struct dump_state *st)
{
	struct netring_info info;
	struct netring_stats stats;
	enum stop_reason why = STOP_ERROR;
	int status = EXIT_OK;
	int rc;

	rc = netring_get_info(r, &info, sizeof(info));
	if (rc) {
		fprintf(stderr, "netring: %s: reading the ring's setup: %s\n",
			st->ifname, strerror(-rc));
		return EXIT_RUNTIME;
	}
	print_plug_info(&info);

	signal_ring = r;
	set_stop_signals(stop_on_signal);
	rc = receive_loop(r, st, &why);
	if (rc) {
		const char *msg = netring_error(r);

		fprintf(stderr, "netring: %s\n",
			msg[0] ? msg : strerror(-rc));
		status = EXIT_RUNTIME;
	}
	if (why != STOP_COUNT && !st->pcap_failed)
		drain(r, st, &info);
	set_stop_signals(SIG_DFL);
	signal_ring = NULL;

	rc = netring_stats_get(r, &stats, sizeof(stats));
	if (rc) {
		fprintf(stderr, "netring: %s: reading statistics: %s\n",
			st->ifname, strerror(-rc));
		return EXIT_RUNTIME;
	}
	print_stats(st->args, &info, &stats);
	return status;
}

int dump_run(int argc, char **argv)
{
	char err[NETRING_ERRBUF_SIZE + 64], errbuf[NETRING_ERRBUF_SIZE];
	struct pcap_writer pcap;
	struct dump_state st;
	struct dump_args a;
	struct netring *r;
	int status, rc;

	if (dump_args_parse(&a, argc, argv, err, sizeof(err))) {
		fprintf(stderr,
			"netring: dump: %s\n"
			"netring: usage: netring dump -i IFACE [OPTIONS]; 'netring dump -h' lists them\n",
			err);
		return EXIT_USAGE;
	}
	if (a.help) {
		fputs(dump_usage, stdout);
		return EXIT_OK;
	}

	memset(&st, 0, sizeof(st));
	st.args = &a;
	st.ifname = a.ifname;
	/* The file first: a bad path must not cost a plug and unplug. */
	if (a.pcap_path) {
		uint32_t frame_size = a.cfg.frame_size ? a.cfg.frame_size
						       : NETRING_FRAME_SIZE_DEFAULT;

		rc = pcap_writer_open(&pcap, a.pcap_path,
				      frame_size - NETRING_FRAME_HEADROOM, a.nano,
				      err, sizeof(err));
		if (rc) {
			fprintf(stderr, "netring: %s\n", err);
			return EXIT_USAGE;
		}
		st.pcap = &pcap;
	}

	rc = netring_open(&r, a.ifname, &a.cfg, errbuf);
	if (rc) {
		if (errbuf[0])
			fprintf(stderr, "netring: %s\n", errbuf);
		else
			fprintf(stderr, "netring: %s: %s\n", a.ifname,
				strerror(-rc));
		if (st.pcap)
			pcap_writer_close(st.pcap, err, sizeof(err));
		return open_exit_status(rc);
	}

	status = dump_plugged(r, &st);
	netring_close(r);

	if (st.pcap) {
		if (pcap_writer_close(st.pcap, err, sizeof(err))) {
			fprintf(stderr, "netring: %s\n", err);
			status = EXIT_RUNTIME;
		} else {
			fprintf(stderr, "netring: %s: %" PRIu64 " frames written\n",
				a.pcap_path, pcap.frames);
		}
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "netring: writing to stdout: %s\n",
			strerror(errno));
		status = EXIT_RUNTIME;
	}
	return status;
}
