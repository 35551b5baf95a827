// SPDX-License-Identifier: MIT
/*
 * loop_rx.c - the receiver of the event-loop tests: one thread, one
 * netring_loop over rings of any backend (and, with --auto, every link that
 * matches a pattern), checking every frame against the test stream
 * (frames.h) and printing what happened, line by line, for a script.
 *
 *	loop_rx [--auto PATTERN] [--auto-backend packet|xdp] [--budget N]
 *		[--latency] [--light SPEC] [--frame-size N] [--block-timeout MS]
 *		[stream options] [--seed N [its stream options]]... [SPEC...]
 *	SPEC: packet:IF | xdp:IF (take mode) | tap:NAME | pcap:FILE
 *	--light SPEC: that ring's frames are checked by header only (stream,
 *	sequence, order), not byte by byte: cheap enough to keep up with a flood
 *
 * stdout: "ready fds=N", "plugged IF", "plug-failed IF ERR", "gone IF
 * error=E received=N dropped=D truncated=T", "event KIND IF [OLD NEW]", on
 * SIGUSR1 "status fds=N rings=K received=N", and on SIGTERM/SIGINT one
 * "final IF ..." line per ring ever seen, "seed IF SEED COUNT FIRST NEXT"
 * per stream, then "fds=N" once the loop is freed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frames.h"
#include "netring.h"

#define SEEDS_MAX 8
#define LAT_MAX 200000

struct seed_track {
	uint32_t seed;
	uint64_t count;
	uint32_t first; /* the first seq received */
	uint32_t next;  /* the seq expected next */
};

/* What one ring delivered; kept after the ring is gone, for the summary. */
struct ring_rec {
	struct ring_rec *next_rec;
	char name[NETRING_IFNAMSIZ + 64];
	uint64_t received;
	uint64_t bad;     /* frames of the stream that did not verify */
	uint64_t foreign; /* frames that are not of the stream */
	uint64_t reordered; /* a seq lower than one already seen */
	uint64_t gaps;      /* seqs skipped (lost frames) */
	struct seed_track seeds[SEEDS_MAX];
	unsigned nseeds;
	bool gone;
	bool added;           /* by the test, not auto-plug: ours to close */
	bool light;           /* --light: headers only (seed, seq), no bytes */
	struct netring *ring; /* while in the loop */
	struct netring_stats final; /* when gone */
	uint64_t *lat_ns;
	size_t nlat;
};

/* The stream options every seed's frames were sent with, except seeds
 * given options of their own (--seed N, then the options). */
static struct nrt_stream stream;
static struct nrt_stream seed_streams[4];
static unsigned nseed_streams;
static struct ring_rec *recs;
static bool want_latency;
static struct netring_loop *loop;
static volatile sig_atomic_t stop_req, status_req;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct ring_rec *rec_new(const char *name)
{
	struct ring_rec *r = calloc(1, sizeof(*r));

	if (!r) {
		fprintf(stderr, "loop_rx: out of memory\n");
		exit(1);
	}
	snprintf(r->name, sizeof(r->name), "%s", name);
	if (want_latency) {
		r->lat_ns = calloc(LAT_MAX, sizeof(*r->lat_ns));
		if (!r->lat_ns) {
			fprintf(stderr, "loop_rx: out of memory\n");
			exit(1);
		}
	}
	/* Appended, so the summary lists rings in the order they came. */
	struct ring_rec **p = &recs;

	while (*p)
		p = &(*p)->next_rec;
	*p = r;
	return r;
}

static void on_frame(const struct netring_frame *f, void *user)
{
	struct ring_rec *r = user;
	struct seed_track *t = NULL;
	uint32_t seed, seq;
	char why[128];

	r->received++;
	if (want_latency && r->nlat < LAT_MAX &&
	    (f->flags & (NETRING_FRAME_TS_SOFTWARE | NETRING_FRAME_TS_HARDWARE))) {
		uint64_t now = realtime_ns();

		r->lat_ns[r->nlat++] = now > f->ts_ns ? now - f->ts_ns : 0;
	}
	if (nrt_frame_decode(f->data, f->len, &seed, &seq)) {
		r->foreign++;
		return;
	}
	if (r->light)
		goto track;
	struct nrt_stream *st = &stream;

	for (unsigned i = 0; i < nseed_streams; i++)
		if (seed_streams[i].seed == seed)
			st = &seed_streams[i];
	st->seed = seed;
	if (nrt_frame_verify(st, f->data, f->len, f->wire_len,
			     f->flags & NETRING_FRAME_TRUNCATED, &seq, NULL, why,
			     sizeof(why))) {
		if (r->bad++ < 5)
			fprintf(stderr, "loop_rx: %s: seed %u: %s\n", r->name,
				seed, why);
		return;
	}
track:
	for (unsigned i = 0; i < r->nseeds; i++)
		if (r->seeds[i].seed == seed)
			t = &r->seeds[i];
	if (!t) {
		if (r->nseeds == SEEDS_MAX) {
			r->bad++;
			return;
		}
		t = &r->seeds[r->nseeds++];
		t->seed = seed;
		/* Frames sent before the ring was plugged are not lost. */
		t->first = t->next = seq;
	}
	if (seq < t->next)
		r->reordered++;
	else
		r->gaps += seq - t->next;
	if (seq >= t->next)
		t->next = seq + 1;
	t->count++;
}

static const char *kind_name(uint32_t k)
{
	switch (k) {
	case NETRING_EV_DOWN:
		return "down";
	case NETRING_EV_UP:
		return "up";
	case NETRING_EV_MTU:
		return "mtu";
	case NETRING_EV_ADDR:
		return "addr";
	case NETRING_EV_NEW:
		return "new";
	case NETRING_EV_DEL:
		return "del";
	default:
		return "?";
	}
}

static void on_event(struct netring_loop *l, const struct netring_event *ev,
		     void *user)
{
	struct ring_rec *r;

	(void)user;
	switch (ev->kind) {
	case NETRING_EV_PLUGGED:
		r = rec_new(ev->link.name);
		r->ring = ev->ring;
		netring_loop_set_user(l, ev->ring, r);
		printf("plugged %s\n", ev->link.name);
		break;
	case NETRING_EV_PLUG_FAILED:
		printf("plug-failed %s %d %s\n", ev->link.name, ev->error,
		       ev->message);
		break;
	case NETRING_EV_GONE:
		r = ev->ring_user;
		r->gone = true;
		r->ring = NULL;
		r->final = *ev->stats;
		/* The loop has let go of a ring we added: ours to close. */
		if (r->added)
			netring_close(ev->ring);
		printf("gone %s error=%d received=%" PRIu64 " dropped=%" PRIu64
		       " truncated=%" PRIu64 "\n",
		       r->name, ev->error, ev->stats->received,
		       ev->stats->dropped, ev->stats->truncated);
		break;
	case NETRING_EV_MTU:
		printf("event mtu %s %u %u\n", ev->link.name, ev->old_mtu,
		       ev->link.mtu);
		break;
	default:
		printf("event %s %s\n", kind_name(ev->kind), ev->link.name);
		break;
	}
	fflush(stdout);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		status_req = 1;
	else
		stop_req = 1;
	netring_loop_break(loop);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void print_final(struct ring_rec *r, struct netring *ring)
{
	struct netring_stats st = r->final;
	uint64_t p99 = 0, max = 0;

	if (!r->gone && ring)
		netring_stats_get(ring, &st, sizeof(st));
	if (r->nlat) {
		qsort(r->lat_ns, r->nlat, sizeof(*r->lat_ns), cmp_u64);
		p99 = r->lat_ns[(r->nlat * 99) / 100];
		max = r->lat_ns[r->nlat - 1];
	}
	printf("final %s received=%" PRIu64 " bad=%" PRIu64 " foreign=%" PRIu64
	       " reordered=%" PRIu64 " gaps=%" PRIu64 " dropped=%" PRIu64
	       " truncated=%" PRIu64 " ring_full=%" PRIu64 " if_dropped=%" PRIu64
	       " gone=%d lat_n=%zu lat_p99_us=%" PRIu64
	       " lat_max_us=%" PRIu64 "\n",
	       r->name, r->received, r->bad, r->foreign, r->reordered, r->gaps,
	       st.dropped, st.truncated, st.dropped_ring_full,
	       st.dropped_interface, r->gone, r->nlat, p99 / 1000,
	       max / 1000);
	for (unsigned i = 0; i < r->nseeds; i++)
		printf("seed %s %u %" PRIu64 " %u %u\n", r->name,
		       r->seeds[i].seed, r->seeds[i].count, r->seeds[i].first,
		       r->seeds[i].next);
}

static int add_spec(const char *spec, const struct netring_config *tmpl,
		    bool light)
{
	struct netring_config cfg = *tmpl;
	char errbuf[NETRING_ERRBUF_SIZE];
	const char *name = strchr(spec, ':');
	struct netring *r;
	struct ring_rec *rec;
	int rc;

	if (!name) {
		fprintf(stderr, "loop_rx: %s: expected BACKEND:NAME\n", spec);
		return -EINVAL;
	}
	name++;
	cfg.mode = NETRING_MODE_MONITOR;
	if (strncmp(spec, "packet:", 7) == 0) {
		cfg.backend = NETRING_BACKEND_PACKET;
	} else if (strncmp(spec, "xdp:", 4) == 0) {
		cfg.backend = NETRING_BACKEND_XDP;
		cfg.mode = NETRING_MODE_TAKE;
	} else if (strncmp(spec, "tap:", 4) == 0) {
		cfg.backend = NETRING_BACKEND_TAP;
	} else if (strncmp(spec, "pcap:", 5) == 0) {
		cfg.backend = NETRING_BACKEND_PCAP;
	} else {
		fprintf(stderr, "loop_rx: %s: unknown backend\n", spec);
		return -EINVAL;
	}
	rc = netring_open(&r, name, &cfg, errbuf);
	if (rc) {
		fprintf(stderr, "loop_rx: %s: %s\n", spec, errbuf);
		return rc;
	}
	rec = rec_new(spec);
	rec->ring = r;
	rec->added = true;
	rec->light = light;
	rc = netring_loop_add(loop, r, on_frame, rec);
	if (rc) {
		fprintf(stderr, "loop_rx: %s: %s\n", spec, netring_loop_error(loop));
		netring_close(r);
		return rc;
	}
	printf("added %s\n", spec);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "auto", required_argument, NULL, 'a' },
		{ "auto-backend", required_argument, NULL, 'B' },
		{ "budget", required_argument, NULL, 'b' },
		{ "latency", no_argument, NULL, 'l' },
		{ "light", required_argument, NULL, 'H' },
		{ "frame-size", required_argument, NULL, 'f' },
		{ "block-timeout", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 'S' },
		{ "len", required_argument, NULL, 'L' },
		{ "vlan-every", required_argument, NULL, 'L' },
		{ "jumbo", required_argument, NULL, 'L' },
		{ 0 },
	};
	struct netring_loop_opts lo = { .sz = sizeof(lo), .event_fn = on_event,
					.flags = NETRING_LOOP_LINK_EVENTS };
	/* Latency is measured from the kernel's stamp of each frame: ask
	 * the xdp backend for one (the others always give it). */
	struct netring_config tmpl = { .sz = sizeof(tmpl),
				       .flags = NETRING_CF_TS_EACH_FRAME };
	const char *pattern = NULL, *light = NULL;
	char errbuf[NETRING_ERRBUF_SIZE];
	struct sigaction sa = { .sa_handler = on_signal };
	struct netring *rings[256];
	struct nrt_stream *cur = &stream;
	int opt, idx, rc, nrings;

	setvbuf(stdout, NULL, _IOLBF, 0);
	nrt_stream_init(&stream, 1);
	while ((opt = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
		switch (opt) {
		case 'a':
			pattern = optarg;
			break;
		case 'B':
			rc = netring_backend_parse(optarg);
			if (rc < 0) {
				fprintf(stderr, "loop_rx: bad backend %s\n", optarg);
				return 2;
			}
			tmpl.backend = (enum netring_backend)rc;
			if (tmpl.backend == NETRING_BACKEND_XDP)
				tmpl.mode = NETRING_MODE_TAKE;
			break;
		case 'b':
			lo.budget = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'l':
			want_latency = true;
			break;
		case 'H':
			light = optarg;
			break;
		case 'f':
			tmpl.frame_size = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 't':
			tmpl.block_timeout_ms = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'S':
			if (nseed_streams == 4) {
				fprintf(stderr, "loop_rx: at most 4 --seed\n");
				return 2;
			}
			cur = &seed_streams[nseed_streams++];
			nrt_stream_init(cur, (uint32_t)strtoul(optarg, NULL, 10));
			break;
		case 'L':
			if (nrt_stream_option(cur, longopts[idx].name,
					      optarg) != 1) {
				fprintf(stderr, "loop_rx: bad %s\n", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}

	rc = netring_loop_new(&loop, &lo, errbuf);
	if (rc) {
		fprintf(stderr, "loop_rx: %s\n", errbuf);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = optind; i < argc; i++)
		if (add_spec(argv[i], &tmpl, light && strcmp(argv[i], light) == 0))
			return 1;
	if (pattern) {
		struct netring_autoplug ap = {
			.sz = sizeof(ap),
			.pattern = pattern,
			.cfg = &tmpl,
			.frame_fn = on_frame,
		};

		rc = netring_loop_autoplug(loop, &ap);
		if (rc < 0) {
			fprintf(stderr, "loop_rx: auto-plug: %s\n",
				netring_loop_error(loop));
			return 1;
		}
	}
	printf("ready fds=%d\n", count_fds());

	while (!stop_req) {
		rc = netring_loop_run(loop, -1);
		if (status_req) {
			status_req = 0;
			uint64_t total = 0;

			for (struct ring_rec *r = recs; r; r = r->next_rec)
				total += r->received;
			printf("status fds=%d rings=%d received=%" PRIu64 "\n",
			       count_fds(), netring_loop_rings(loop, NULL, 0),
			       total);
		}
		if (rc < 0 && rc != -ECANCELED && rc != -EINTR) {
			fprintf(stderr, "loop_rx: run: %s\n", strerror(-rc));
			return 1;
		}
	}

	nrings = netring_loop_rings(loop, rings, 256);
	for (struct ring_rec *r = recs; r; r = r->next_rec)
		print_final(r, r->ring);
	/* Rings the test added itself are its own to close. */
	for (int i = 0; i < nrings && i < 256; i++) {
		netring_loop_remove(loop, rings[i]);
		netring_close(rings[i]);
	}
	netring_loop_free(loop);
	printf("fds=%d\n", count_fds());
	while (recs) {
		struct ring_rec *n = recs->next_rec;

		free(recs->lat_ns);
		free(recs);
		recs = n;
	}
	return 0;
}
