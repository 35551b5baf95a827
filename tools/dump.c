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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "args.h"
#include "cli.h"
#include "json.h"
#include "netring.h"
#include "pcapw.h"
#include "privdrop.h"
#include "summary.h"
#include "tx_common.h"

#define DISPATCH_BUDGET 64u
/* The smallest space a frame takes in a ring, to bound the final drain. */
#define DRAIN_MIN_FRAME_BYTES 64u

static const char dump_usage[] =
	"usage: netring dump -i IFACE [-i IFACE2 ...] [OPTIONS]\n"
	"       netring dump -i all|GLOB [OPTIONS]\n"
	"       netring dump -r FILE [OPTIONS]\n"
	"\n"
	"Plug IFACE into a ring (or read FILE through one) and print one line per\n"
	"frame received.\n"
	"\n"
	"  -i, --interface IFACE  the interface (at most 15 characters), or tap:NAME\n"
	"                         for a TAP device NAME (created if missing); give\n"
	"                         it again for more interfaces, or \"all\" or a glob\n"
	"                         (\"veth*\") for every Ethernet link that matches,\n"
	"                         now and as they appear: one stream of lines, each\n"
	"                         naming its interface, and statistics per\n"
	"                         interface and in total\n"
	"  -r, --read FILE        read the frames of a pcap or pcapng file instead;\n"
	"                         stops at its end (slots default to 16384 bytes)\n"
	"      --replay-speed X   with -r: X times the file's pace (up to 3 decimals,\n"
	"                         at most 1000); 0: as fast as possible (default)\n"
	"  -c, --count N          stop after N frames\n"
	"  -t, --time SECONDS     stop after SECONDS (up to 3 decimals)\n"
	"  -w, --write FILE       also write the frames to FILE (pcap)\n"
	"      --nano             nanosecond timestamps in FILE (default: us, or\n"
	"                         the -r file's precision)\n"
	"  -q, --quiet            no line per frame\n"
	"  -Z, --relinquish-privileges USER\n"
	"                         once plugged, become USER (its group, no other\n"
	"                         groups); every capability is dropped anyway\n"
	"                         (-i all or a glob keeps what plugging needs)\n"
	"  -b, --backend NAME     auto, packet, xdp, tap or pcap (default auto)\n"
	"      --take             take the frames away from the host (xdp needs it;\n"
	"                         with -b auto it picks xdp)\n"
	"      --fallback         with -b auto --take: if xdp cannot plug, watch\n"
	"                         with packet instead, saying why\n"
	"      --ring-frames N    slots in the ring, a power of two (4096)\n"
	"      --frame-size N     bytes per slot, a power of two (2048; xdp: 2048\n"
	"                         or 4096; with -r: 16384, whole 9000-byte frames)\n"
	"      --busy-poll US     spin US microseconds before sleeping (0)\n"
	"      --block-timeout MS packet: hand over a block that is not full\n"
	"                         after MS ms (1 to 1000, default 1); longer rides\n"
	"                         out longer stalls, shorter waits less\n"
	"  -Q, --queue Q|all      the RX queue to plug (default 0)\n"
	"      --outgoing         also frames this host sends\n"
	"      --promisc          promiscuous mode while plugged\n"
	"      --stats json       print the statistics as JSON, last on stdout\n"
	"  -h, --help             print this help\n"
	"\n"
	"xdp backend only (with --take):\n"
	"      --xdp-mode MODE    auto, native or generic XDP (default auto)\n"
	"      --bind MODE        auto, zerocopy or copy AF_XDP sockets (auto)\n"
	"      --match-mac MAC    take frames to MAC (up to 8 times: any of them)\n"
	"      --match-ethertype HEX  take this EtherType (hexadecimal: 0x88b5 or\n"
	"                         88b5), after any VLAN tags\n"
	"      --match-proto P    take IP protocol P: udp, tcp, icmp, icmpv6 or 0-255\n"
	"      --match-port N     take UDP/TCP destination port N\n"
	"      --match-arp-for IP also take ARP requests for IPv4 address IP\n"
	"  Frames must satisfy every --match given; the others stay with the host.\n"
	"\n"
	"Stops at N frames, after SECONDS, at the end of FILE, or on SIGINT/SIGTERM;\n"
	"the statistics go to stderr.  Exit status: 0 done, 1 failed while running,\n"
	"2 bad usage or input.\n";

enum stop_reason {
	STOP_COUNT,  /* -c frames handled */
	STOP_TIME,   /* -t elapsed */
	STOP_SIGNAL, /* SIGINT, SIGTERM, or someone's netring_break() */
	STOP_END,    /* -r: the end of the file */
	STOP_ERROR,  /* the ring failed (the interface went away), or -w did */
};

struct dump_state {
	const struct dump_args *args;
	struct pcap_writer *pcap; /* NULL without -w */
	const char *source; /* -i or -r as given, for messages */
	/* What lines are labelled with: the name in the plugged line. */
	char ifname[NETRING_IFNAMSIZ];
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
		if (n == -ENODATA) {
			*why = STOP_END;
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

/* ", xdp: native, copy, multi-buffer, ..." for what info.flags say. */
static void xdp_flags_text(char *s, size_t size, const struct netring_info *info)
{
	uint32_t f = info->flags;

	s[0] = '\0';
	if (info->backend != NETRING_BACKEND_XDP)
		return;
	snprintf(s, size, ", xdp: %s, %s%s%s%s%s",
		 f & NETRING_INFO_XDP_NATIVE ? "native" :
		 f & NETRING_INFO_XDP_GENERIC ? "generic" : "?",
		 f & NETRING_INFO_XDP_ZEROCOPY ? "zero-copy" : "copy",
		 f & NETRING_INFO_XDP_MULTIBUF ? ", multi-buffer" : "",
		 f & (NETRING_INFO_XDP_META_TIMESTAMP | NETRING_INFO_XDP_META_VLAN) ?
			 ", metadata:" : "",
		 f & NETRING_INFO_XDP_META_TIMESTAMP ? " timestamp" : "",
		 f & NETRING_INFO_XDP_META_VLAN ? " vlan" : "");
}

static void print_plug_info(const struct netring_info *info)
{
	char queue[48], xdp[96];

	if (info->backend == NETRING_BACKEND_PCAP ||
	    info->backend == NETRING_BACKEND_TAP)
		queue[0] = '\0'; /* neither has RX queues to choose */
	else if (info->queue == NETRING_QUEUE_ALL)
		snprintf(queue, sizeof(queue), ", all queues (%u)", info->queues);
	else
		snprintf(queue, sizeof(queue), ", queue %d", info->queue);
	xdp_flags_text(xdp, sizeof(xdp), info);
	fprintf(stderr,
		"netring: %s: plugged: backend %s%s, %s, %u frames of %u bytes, frames up to %u bytes whole%s%s%s%s\n",
		info->ifname, netring_backend_name(info->backend),
		info->flags & NETRING_INFO_FALLBACK ? " (fallback)" : "",
		info->mode == NETRING_MODE_TAKE ? "take" : "monitor",
		info->ring_frames, info->frame_size, info->frame_capacity,
		queue, xdp, info->detail[0] ? "; " : "", info->detail);
	/* Why the setup is not what was asked: worth a line of its own. */
	if (info->note[0])
		fprintf(stderr, "netring: %s: note: %s\n", info->ifname,
			info->note);
}

/* One ring's statistics as JSON members (no braces): dump's keys, then the
 * interface's facts and the transmit counters; send, gen and fwd print
 * the same. */
void cli_stats_json_fields(const struct netring_info *info,
			   const struct netring_stats *s)
{
	fputs("\"interface\":", stdout);
	json_fputs_string(info->ifname, stdout);
	fputs(",\"backend\":", stdout);
	json_fputs_string(netring_backend_name(info->backend), stdout);
	printf(",\"mode\":\"%s\"",
	       info->mode == NETRING_MODE_TAKE ? "take" : "monitor");
	printf(",\"received\":%" PRIu64 ",\"bytes\":%" PRIu64
	       ",\"wire_bytes\":%" PRIu64 ",\"dropped\":%" PRIu64
	       ",\"dropped_ring_full\":%" PRIu64
	       ",\"dropped_interface\":%" PRIu64 ",\"truncated\":%" PRIu64
	       ",\"freezes\":%" PRIu64 ",\"kernel_seen\":%" PRIu64
	       ",\"if_rx_dropped\":%" PRIu64,
	       s->received, s->bytes, s->wire_bytes, s->dropped,
	       s->dropped_ring_full, s->dropped_interface, s->truncated,
	       s->freezes, s->kernel_seen, s->if_rx_dropped);
	printf(",\"dropped_no_buffer\":%" PRIu64
	       ",\"dropped_redirect\":%" PRIu64 ",\"xdp_matched\":%" PRIu64
	       ",\"xdp_passed\":%" PRIu64 ",\"xdp_fill_empty\":%" PRIu64
	       ",\"xdp_invalid_descs\":%" PRIu64 ",\"unread\":%" PRIu64,
	       s->dropped_no_buffer, s->dropped_redirect, s->xdp_matched,
	       s->xdp_passed, s->xdp_fill_empty, s->xdp_invalid_descs,
	       s->unread);
	fputs(",\"note\":", stdout);
	json_fputs_string(info->note, stdout);
	printf(",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"mtu\":%u"
	       ",\"tx_queued\":%" PRIu64 ",\"tx_sent\":%" PRIu64
	       ",\"tx_bytes\":%" PRIu64 ",\"tx_failed\":%" PRIu64
	       ",\"tx_failed_down\":%" PRIu64 ",\"tx_failed_too_big\":%" PRIu64
	       ",\"tx_failed_kernel\":%" PRIu64 ",\"tx_in_flight\":%" PRIu64
	       ",\"tx_forwarded_zerocopy\":%" PRIu64
	       ",\"tx_forwarded_copied\":%" PRIu64 ",\"tx_wakeups\":%" PRIu64,
	       info->mac[0], info->mac[1], info->mac[2], info->mac[3],
	       info->mac[4], info->mac[5], info->mtu, s->tx_queued, s->tx_sent,
	       s->tx_bytes, s->tx_failed, s->tx_failed_down,
	       s->tx_failed_too_big, s->tx_failed_kernel, s->tx_in_flight,
	       s->tx_forwarded_zerocopy, s->tx_forwarded_copied,
	       s->tx_wakeups);
}

/* One ring's statistics as a JSON object (no newline): the single
 * interface's summary, and each interface's in the multi one. */
static void stats_json_object(const struct netring_info *info,
			      const struct netring_stats *s)
{
	fputc('{', stdout);
	cli_stats_json_fields(info, s);
	fputc('}', stdout);
}

static void print_stats_json(const struct netring_info *info,
			     const struct netring_stats *s)
{
	stats_json_object(info, s);
	fputs("\n", stdout);
}

static void print_stats(const struct dump_args *a,
			const struct netring_info *info,
			const struct netring_stats *s)
{
	const char *name = info->ifname;

	fprintf(stderr,
		"netring: %s: %" PRIu64 " frames received (%" PRIu64
		" bytes), %" PRIu64 " dropped (%" PRIu64 " ring full, %" PRIu64
		" interface, %" PRIu64 " no buffer, %" PRIu64
		" redirect), %" PRIu64 " truncated\n",
		name, s->received, s->bytes, s->dropped, s->dropped_ring_full,
		s->dropped_interface, s->dropped_no_buffer,
		s->dropped_redirect, s->truncated);
	if (info->backend == NETRING_BACKEND_PCAP)
		fprintf(stderr, "netring: %s: %" PRIu64 " frames read from the file\n",
			name, s->kernel_seen);
	else
		fprintf(stderr,
			"netring: %s: the kernel saw %" PRIu64
			" frames; the ring froze %" PRIu64
			" times; the interface's rx_dropped rose by %" PRIu64 "\n",
			name, s->kernel_seen, s->freezes, s->if_rx_dropped);
	if (info->backend == NETRING_BACKEND_XDP)
		fprintf(stderr,
			"netring: %s: the XDP program took %" PRIu64
			" frames and passed %" PRIu64
			" to the host; no free slot %" PRIu64
			" times; %" PRIu64 " invalid descriptors\n",
			name, s->xdp_matched, s->xdp_passed, s->xdp_fill_empty,
			s->xdp_invalid_descs);
	if (s->unread)
		fprintf(stderr, "netring: %s: %" PRIu64
			" frames left unread in the ring\n", name, s->unread);
	if (a->stats_json)
		print_stats_json(info, s);
}

/*
 * netring_open() errors: what the user asked for is wrong (2), or the
 * system refused or failed (1: privileges, unsupported, resources, busy).
 * A -r file that is missing, unreadable or not a capture is bad input.
 */
static int open_exit_status(const struct dump_args *a, int rc)
{
	switch (rc) {
	case -EINVAL:
	case -ENODEV:
	case -EPROTOTYPE:
	case -EEXIST: /* tap:NAME names a link that is not a TAP */
		return EXIT_USAGE;
	case -ENOENT:
	case -EACCES:
	case -EISDIR:
	case -EBADMSG:
		return a->read_path ? EXIT_USAGE : EXIT_RUNTIME;
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
			st->source, strerror(-rc));
		return EXIT_RUNTIME;
	}
	print_plug_info(&info);
	/* Lines name what was plugged: the TAP without "tap:", the file's
	 * base name. */
	snprintf(st->ifname, sizeof(st->ifname), "%s", info.ifname);

	signal_ring = r;
	set_stop_signals(stop_on_signal);
	rc = receive_loop(r, st, &why);
	if (rc) {
		const char *msg = netring_error(r);

		fprintf(stderr, "netring: %s\n",
			msg[0] ? msg : strerror(-rc));
		status = EXIT_RUNTIME;
	} else if (why == STOP_END && netring_error(r)[0]) {
		fprintf(stderr, "netring: %s\n", netring_error(r));
	}
	if (why != STOP_COUNT && !st->pcap_failed)
		drain(r, st, &info);
	set_stop_signals(SIG_DFL);
	signal_ring = NULL;

	rc = netring_stats_get(r, &stats, sizeof(stats));
	if (rc) {
		fprintf(stderr, "netring: %s: reading statistics: %s\n",
			st->source, strerror(-rc));
		return EXIT_RUNTIME;
	}
	print_stats(st->args, &info, &stats);
	return status;
}

/* ---- several interfaces: one event loop over many rings --------------- */

/* One plugged interface of a multi dump; kept after it is gone, for the
 * summary. */
struct multi_ring {
	struct dump_state st; /* its lines are labelled with its name */
	struct multi *m;
	struct netring *ring; /* NULL once gone */
	bool added;           /* named with -i: ours to close */
	bool gone;
	struct netring_info info;
	struct netring_stats final; /* when gone */
	char key[NETRING_IFNAMSIZ + 8]; /* its name in the JSON summary */
};

struct multi {
	const struct dump_args *args;
	struct pcap_writer *pcap;
	struct netring_loop *loop;
	struct multi_ring **rings;
	size_t n, cap;
	size_t live;
	bool autoplug;
	bool failed; /* out of memory for a new interface's state */
	uint64_t frames; /* every interface's, for -c */
};

static struct netring_loop *volatile signal_loop;

static void stop_loop_on_signal(int sig)
{
	int saved_errno = errno;

	stop_signal = sig;
	if (signal_loop)
		netring_loop_break(signal_loop);
	errno = saved_errno;
}

static struct multi_ring *multi_ring_new(struct multi *m, struct netring *r,
					 bool added)
{
	struct multi_ring *mr;
	unsigned same = 0;

	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		struct multi_ring **n = realloc(m->rings, cap * sizeof(*n));

		if (!n)
			return NULL;
		m->rings = n;
		m->cap = cap;
	}
	mr = calloc(1, sizeof(*mr));
	if (!mr)
		return NULL;
	mr->m = m;
	mr->ring = r;
	mr->added = added;
	netring_get_info(r, &mr->info, sizeof(mr->info));
	mr->st.args = m->args;
	mr->st.pcap = m->pcap;
	mr->st.source = mr->info.ifname;
	snprintf(mr->st.ifname, sizeof(mr->st.ifname), "%s", mr->info.ifname);
	/* A name seen before (a link removed and made again) gets "#2". */
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->rings[i]->info.ifname, mr->info.ifname) == 0)
			same++;
	if (same)
		snprintf(mr->key, sizeof(mr->key), "%s#%u", mr->info.ifname,
			 same + 1);
	else
		snprintf(mr->key, sizeof(mr->key), "%s", mr->info.ifname);
	m->rings[m->n++] = mr;
	m->live++;
	return mr;
}

static bool multi_done(const struct multi *m)
{
	const struct dump_args *a = m->args;

	if (a->count && m->frames >= a->count)
		return true;
	for (size_t i = 0; i < m->n; i++)
		if (m->rings[i]->st.pcap_failed)
			return true;
	/* Named interfaces only, all gone: nothing more can come. */
	return !m->autoplug && !m->live;
}

static void multi_frame(const struct netring_frame *f, void *user)
{
	struct multi_ring *mr = user;
	struct multi *m = mr->m;

	/* Past -c: the loop stops at the end of this turn. */
	if (m->args->count && m->frames >= m->args->count)
		return;
	m->frames++;
	dump_frame(f, &mr->st);
	if ((m->args->count && m->frames >= m->args->count) ||
	    mr->st.pcap_failed)
		netring_loop_break(m->loop);
}

static void multi_event(struct netring_loop *l, const struct netring_event *ev,
			void *user)
{
	struct multi *m = user;
	struct multi_ring *mr;

	switch (ev->kind) {
	case NETRING_EV_PLUGGED:
		mr = multi_ring_new(m, ev->ring, false);
		if (!mr) {
			fprintf(stderr, "netring: %s: out of memory; not plugged\n",
				ev->link.name);
			netring_loop_remove(l, ev->ring);
			netring_close(ev->ring);
			m->failed = true;
			return;
		}
		netring_loop_set_user(l, ev->ring, mr);
		fprintf(stderr, "netring: plugged %s\n", ev->link.name);
		print_plug_info(&mr->info);
		break;
	case NETRING_EV_PLUG_FAILED:
		fprintf(stderr, "netring: %s: not plugged: %s\n", ev->link.name,
			ev->message);
		break;
	case NETRING_EV_GONE:
		mr = ev->ring_user;
		mr->gone = true;
		mr->final = *ev->stats;
		mr->ring = NULL;
		m->live--;
		fprintf(stderr,
			"netring: %s: gone (%s): %" PRIu64
			" frames received, %" PRIu64 " dropped, %" PRIu64
			" truncated\n",
			mr->info.ifname,
			ev->message[0] ? ev->message : strerror(-ev->error),
			ev->stats->received, ev->stats->dropped,
			ev->stats->truncated);
		if (mr->added)
			netring_close(ev->ring);
		if (multi_done(m))
			netring_loop_break(l);
		break;
	case NETRING_EV_DOWN:
	case NETRING_EV_UP:
		fprintf(stderr, "netring: %s: %s\n", ev->link.name,
			ev->kind == NETRING_EV_UP ? "up" : "down");
		break;
	case NETRING_EV_MTU:
		fprintf(stderr, "netring: %s: mtu %u -> %u\n", ev->link.name,
			ev->old_mtu, ev->link.mtu);
		break;
	}
}

static bool is_pattern(const char *name)
{
	return strcmp(name, "all") == 0 || strpbrk(name, "*?[");
}

/* struct netring_stats is all uint64_t counters: a sum is field by field. */
static void stats_add(struct netring_stats *sum, const struct netring_stats *s)
{
	uint64_t *d = (uint64_t *)sum;
	const uint64_t *v = (const uint64_t *)s;

	_Static_assert(sizeof(*s) % sizeof(uint64_t) == 0,
		       "netring_stats holds only uint64_t counters");
	for (size_t i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
		d[i] += v[i];
}

static void multi_summary(struct multi *m)
{
	struct dump_args text_only = *m->args;
	struct netring_stats total = { 0 };
	struct netring_stats *each;

	each = calloc(m->n + 1, sizeof(*each));
	if (!each) {
		fprintf(stderr, "netring: out of memory for the summary\n");
		return;
	}
	text_only.stats_json = false;
	for (size_t i = 0; i < m->n; i++) {
		struct multi_ring *mr = m->rings[i];

		if (mr->gone)
			each[i] = mr->final;
		else
			netring_stats_get(mr->ring, &each[i], sizeof(each[i]));
		print_stats(&text_only, &mr->info, &each[i]);
		stats_add(&total, &each[i]);
	}
	fprintf(stderr,
		"netring: total: %" PRIu64 " frames received (%" PRIu64
		" bytes), %" PRIu64 " dropped, %" PRIu64
		" truncated on %zu interfaces (%zu gone)\n",
		total.received, total.bytes, total.dropped, total.truncated,
		m->n, m->n - m->live);
	if (m->args->stats_json) {
		fputs("{\"interfaces\":{", stdout);
		for (size_t i = 0; i < m->n; i++) {
			if (i)
				fputc(',', stdout);
			json_fputs_string(m->rings[i]->key, stdout);
			fputc(':', stdout);
			stats_json_object(&m->rings[i]->info, &each[i]);
		}
		printf("},\"total\":{\"interfaces\":%zu,\"gone\":%zu"
		       ",\"received\":%" PRIu64 ",\"bytes\":%" PRIu64
		       ",\"wire_bytes\":%" PRIu64 ",\"dropped\":%" PRIu64
		       ",\"dropped_ring_full\":%" PRIu64
		       ",\"dropped_interface\":%" PRIu64
		       ",\"truncated\":%" PRIu64 ",\"freezes\":%" PRIu64
		       ",\"kernel_seen\":%" PRIu64 ",\"if_rx_dropped\":%" PRIu64
		       ",\"dropped_no_buffer\":%" PRIu64
		       ",\"dropped_redirect\":%" PRIu64
		       ",\"xdp_matched\":%" PRIu64 ",\"xdp_passed\":%" PRIu64
		       ",\"xdp_fill_empty\":%" PRIu64
		       ",\"xdp_invalid_descs\":%" PRIu64 ",\"unread\":%" PRIu64
		       "}}\n",
		       m->n, m->n - m->live, total.received, total.bytes,
		       total.wire_bytes, total.dropped, total.dropped_ring_full,
		       total.dropped_interface, total.truncated, total.freezes,
		       total.kernel_seen, total.if_rx_dropped,
		       total.dropped_no_buffer, total.dropped_redirect,
		       total.xdp_matched, total.xdp_passed, total.xdp_fill_empty,
		       total.xdp_invalid_descs, total.unread);
	}
	free(each);
}

/*
 * The capabilities a dump still needs once plugged: none, unless a pattern
 * (-i all, -i 'veth*') plugs interfaces as they appear: then what its
 * backend plugs with (AF_PACKET: CAP_NET_RAW; AF_XDP also CAP_NET_ADMIN and
 * CAP_BPF to attach the program, CAP_IPC_LOCK for the UMEM).
 */
static uint64_t caps_still_needed(const struct dump_args *a, bool hotplug)
{
	uint64_t keep = PRIVDROP_CAP(CAP_NET_RAW);

	if (!hotplug)
		return 0;
	if (a->cfg.backend == NETRING_BACKEND_XDP ||
	    (a->cfg.backend == NETRING_BACKEND_AUTO &&
	     a->cfg.mode == NETRING_MODE_TAKE))
		keep |= PRIVDROP_CAP(CAP_NET_ADMIN) | PRIVDROP_CAP(CAP_BPF) |
			PRIVDROP_CAP(CAP_IPC_LOCK);
	return keep;
}

/* Plugged, files open, not one frame parsed yet: give privilege up.
 * Returns 0 or the exit status (going on with privilege is no option). */
static int drop_privileges(const struct dump_args *a,
			   const struct privdrop_user *user, bool hotplug)
{
	char err[NETRING_ERRBUF_SIZE];

	if (privdrop_apply(user, caps_still_needed(a, hotplug), err,
			   sizeof(err))) {
		fprintf(stderr, "netring: giving up privileges: %s\n", err);
		return EXIT_RUNTIME;
	}
	return 0;
}

/*
 * -i given several times, or as "all" or a glob: one loop over a ring per
 * interface, one merged stream of lines, a summary per interface and in
 * all.  Interfaces that match a pattern are plugged as they appear and
 * reported, with their final counts, as they go.  Returns the exit status.
 */
static int dump_multi(const struct dump_args *a, struct pcap_writer *pcap,
		      const struct privdrop_user *user)
{
	struct multi m = { .args = a, .pcap = pcap };
	struct netring_loop_opts lo = { .sz = sizeof(lo),
					.event_fn = multi_event,
					.event_user = &m };
	char errbuf[NETRING_ERRBUF_SIZE];
	const char *pattern = NULL;
	uint64_t deadline = 0;
	int rc, status = EXIT_OK;

	rc = netring_loop_new(&m.loop, &lo, errbuf);
	if (rc) {
		fprintf(stderr, "netring: %s\n", errbuf);
		return EXIT_RUNTIME;
	}
	for (unsigned i = 0; i < a->nifnames; i++) {
		const char *name = a->ifnames[i];
		struct multi_ring *mr;
		struct netring *r;

		if (is_pattern(name)) {
			if (pattern) {
				fprintf(stderr,
					"netring: dump: -i %s and -i %s: one pattern at most\n",
					pattern, name);
				status = EXIT_USAGE;
				goto out;
			}
			pattern = name;
			continue;
		}
		rc = netring_open(&r, name, &a->cfg, errbuf);
		if (rc) {
			fprintf(stderr, "netring: %s\n",
				errbuf[0] ? errbuf : strerror(-rc));
			status = open_exit_status(a, rc);
			goto out;
		}
		mr = multi_ring_new(&m, r, true);
		if (!mr || netring_loop_add(m.loop, r, multi_frame, mr)) {
			fprintf(stderr, "netring: %s: %s\n", name,
				mr ? netring_loop_error(m.loop) : "out of memory");
			if (mr)
				mr->ring = NULL;
			netring_close(r);
			status = EXIT_RUNTIME;
			goto out;
		}
		print_plug_info(&mr->info);
	}
	if (pattern) {
		struct netring_autoplug ap = { .sz = sizeof(ap),
					       .pattern = pattern,
					       .cfg = &a->cfg,
					       .frame_fn = multi_frame };

		m.autoplug = true;
		rc = netring_loop_autoplug(m.loop, &ap);
		if (rc < 0) {
			fprintf(stderr, "netring: -i %s: %s\n", pattern,
				netring_loop_error(m.loop));
			status = EXIT_RUNTIME;
			goto out;
		}
		if (rc == 0)
			fprintf(stderr,
				"netring: no interface matches %s yet: waiting for one\n",
				pattern);
	}

	status = drop_privileges(a, user, pattern != NULL);
	if (status)
		goto out;
	signal_loop = m.loop;
	set_stop_signals(stop_loop_on_signal);
	if (a->time_ms)
		deadline = monotonic_ns() + a->time_ms * 1000000u;
	while (!stop_signal && !multi_done(&m) && !m.failed) {
		/* Turns of at most 100 ms, so a reader of a pipe sees the
		 * lines of a quiet stream without waiting for more. */
		int timeout_ms = 100;

		if (deadline) {
			uint64_t now = monotonic_ns();

			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000u < 100)
				timeout_ms = (int)((deadline - now + 999999u) /
						   1000000u);
		}
		rc = netring_loop_run(m.loop, timeout_ms);
		fflush(stdout);
		if (rc < 0 && rc != -ECANCELED && rc != -EINTR) {
			fprintf(stderr, "netring: %s\n", netring_loop_error(m.loop));
			status = EXIT_RUNTIME;
			break;
		}
	}
	/* What is already in the rings is received, unless -c is reached. */
	if (!(a->count && m.frames >= a->count))
		for (int turns = 0; turns < 4096; turns++)
			if (netring_loop_run(m.loop, 0) <= 0)
				break;
	set_stop_signals(SIG_DFL);
	signal_loop = NULL;
	if (m.failed)
		status = EXIT_RUNTIME;
	multi_summary(&m);
out:
	for (size_t i = 0; i < m.n; i++) {
		struct multi_ring *mr = m.rings[i];

		if (mr->added && mr->ring) {
			netring_loop_remove(m.loop, mr->ring);
			netring_close(mr->ring);
		}
	}
	netring_loop_free(m.loop); /* closes the rings auto-plug plugged */
	for (size_t i = 0; i < m.n; i++)
		free(m.rings[i]);
	free(m.rings);
	return status;
}

/* Do two paths name one existing file (a link, another spelling)? */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int dump_run(int argc, char **argv)
{
	char err[NETRING_ERRBUF_SIZE + 64], errbuf[NETRING_ERRBUF_SIZE];
	struct pcap_writer pcap;
	struct privdrop_user user;
	struct dump_state st;
	struct dump_args a;
	const char *source;
	struct netring *r;
	int status, rc;

	if (dump_args_parse(&a, argc, argv, err, sizeof(err))) {
		fprintf(stderr,
			"netring: dump: %s\n"
			"netring: usage: netring dump -i IFACE|-r FILE [OPTIONS]; 'netring dump -h' lists them\n",
			err);
		return EXIT_USAGE;
	}
	if (a.help) {
		fputs(dump_usage, stdout);
		return EXIT_OK;
	}

	/* -Z USER is looked up now, while the user database is reachable. */
	memset(&user, 0, sizeof(user));
	if (a.user) {
		rc = privdrop_user_lookup(a.user, &user, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "netring: dump: %s\n", err);
			return rc == -ENOENT ? EXIT_USAGE : EXIT_RUNTIME;
		}
	}
	if (a.read_path && a.pcap_path && same_file(a.read_path, a.pcap_path)) {
		fprintf(stderr,
			"netring: dump: -w %s is the -r file: writing would destroy it\n",
			a.pcap_path);
		return EXIT_USAGE;
	}
	source = a.read_path ? a.read_path : a.ifname;
	memset(&st, 0, sizeof(st));
	st.args = &a;
	st.source = source;
	/* The file first: a bad path must not cost a plug and unplug. */
	if (a.pcap_path) {
		uint32_t frame_size = a.cfg.frame_size ? a.cfg.frame_size
						       : NETRING_FRAME_SIZE_DEFAULT;
		uint32_t snaplen = frame_size - NETRING_FRAME_HEADROOM;
		bool nano = a.nano;

		/* A copy of a capture keeps its precision and snapshot
		 * length, so that it can be the same bytes.  An input that
		 * cannot be read is left for netring_open() to explain. */
		if (a.read_path) {
			struct pcap_file_format in;

			if (pcap_file_format_get(a.read_path, &in) == 0) {
				nano = nano || in.nano;
				if (in.snaplen)
					snaplen = in.snaplen;
			}
		}
		rc = pcap_writer_open(&pcap, a.pcap_path, snaplen, nano, err,
				      sizeof(err));
		if (rc) {
			fprintf(stderr, "netring: %s\n", err);
			return EXIT_USAGE;
		}
		st.pcap = &pcap;
	}

	if (a.multi) {
		status = dump_multi(&a, st.pcap, &user);
		goto written;
	}
	rc = netring_open(&r, source, &a.cfg, errbuf);
	if (rc) {
		if (errbuf[0])
			fprintf(stderr, "netring: %s\n", errbuf);
		else
			fprintf(stderr, "netring: %s: %s\n", source,
				strerror(-rc));
		if (st.pcap)
			pcap_writer_close(st.pcap, err, sizeof(err));
		return open_exit_status(&a, rc);
	}

	status = drop_privileges(&a, &user, false);
	if (!status)
		status = dump_plugged(r, &st);
	netring_close(r);

written:
	if (st.pcap) {
		if (pcap_writer_close(st.pcap, err, sizeof(err))) {
			fprintf(stderr, "netring: %s\n", err);
			status = EXIT_RUNTIME;
		} else {
			fprintf(stderr, "netring: %s: %" PRIu64 " frames written\n",
				a.pcap_path, st.pcap->frames);
		}
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "netring: writing to stdout: %s\n",
			strerror(errno));
		status = EXIT_RUNTIME;
	}
	return status;
}
