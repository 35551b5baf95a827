// SPDX-License-Identifier: MIT
/*
 * gen.c - nrb-gen: the benchmark's traffic generator.  BPF_PROG_RUN in
 * "live frames" mode (BPF_F_TEST_XDP_LIVE_FRAMES) runs nrb_gen.bpf.c on a
 * frame of tests/lib/frames.h once per repetition; the program numbers the
 * frame and redirects it out of the veth given (the receiver sits on its
 * peer).  Flat out this reaches several million frames/s on one core,
 * far more than a raw socket.  Some hosts' kernels refuse live frames
 * (EPERM, whatever the capabilities: seen on 6.18.44-fc-v1300); then, or
 * with -m clone, BPF_PROG_RUN runs a tc program on the frame as an skb
 * instead, which sends up to 64 numbered copies per run with
 * bpf_clone_redirect(): an skb per frame, slower than live frames but
 * still about three times a raw socket.  Paced with -r: bursts of -b
 * frames on a clock.  With -m socket (-S) it sends from user space, one
 * sendto() on a raw AF_PACKET socket per frame, numbered and stamped just
 * before: for latency runs, where each BPF_PROG_RUN call's set-up and
 * tear-down would sit between the stamp and a receiver on the same CPU.
 * Prints "result sent=N elapsed_ns=T ... mode=M" at the end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "frames.h"
#include "nrb.h"
#include "nrb_gen_skel.h"

/*
 * Every BPF_PROG_RUN call sets up a page pool: ~0.4 ms here, whatever the
 * repeat count.  Not paced, a call sends this many frames (some ms of
 * work: the clock is still checked often).  Paced, a call sends about a
 * millisecond's worth (-b overrides), so the set-up does not cap the rate.
 */
#define FLAT_OUT_REPEAT 131072u
#define PACED_CALLS_PER_S 1000u

enum gen_mode { GEN_AUTO, GEN_LIVE, GEN_CLONE, GEN_SOCKET };

static const char *const mode_names[] = {
	[GEN_AUTO] = "auto",
	[GEN_LIVE] = "live",
	[GEN_CLONE] = "clone",
	[GEN_SOCKET] = "socket",
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nrb-gen -i IFACE [-s SIZE] [-r PPS] [-b BURST] [-d SECONDS] [-n COUNT] [-t] [-m MODE | -S]\n"
		"  -i IFACE    send out of IFACE (its peer receives)\n"
		"  -s SIZE     frame length in bytes, FCS excluded (default 64)\n"
		"  -r PPS      pace to PPS frames/s (default 0: as fast as possible)\n"
		"  -b BURST    frames per call when paced (default: 1 ms of frames)\n"
		"  -d SECONDS  stop after this long (default: until SIGINT/SIGTERM)\n"
		"  -n COUNT    stop after COUNT frames\n"
		"  -t          stamp each frame with its CLOCK_MONOTONIC send time\n"
		"  -m MODE     live: BPF_PROG_RUN live frames (XDP redirect);\n"
		"              clone: BPF_PROG_RUN of a tc program, bpf_clone_redirect();\n"
		"              socket: one sendto() per frame on a raw socket;\n"
		"              auto (default): live, or clone where the kernel refuses live\n"
		"  -S          the same as -m socket\n");
	exit(2);
}

static void sleep_until(uint64_t mono_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(mono_ns / 1000000000ull),
			       .tv_nsec = (long)(mono_ns % 1000000000ull) };

	while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
					NULL) == EINTR)
		;
}

struct gen {
	enum gen_mode mode;        /* GEN_AUTO until the first call decides */
	struct nrb_gen_skel *skel; /* the BPF_PROG_RUN modes */
	int clone_fd;
	int prog_fd;
	int sock_fd; /* -S mode */
	struct sockaddr_ll to;
	bool stamp;
	uint8_t frame[NRT_FRAME_BUF];
	uint32_t len;
	uint64_t seq; /* -S mode: frames numbered so far */
	uint64_t calls;
	uint64_t failed; /* frames of calls that returned an error */
};

/* Copies the device refused in clone mode (ENETDOWN, or NET_XMIT_DROP when
 * the veth's ring was full); they keep their numbers: lost. */
static uint64_t gen_refused(const struct gen *g)
{
	return g->skel ? g->skel->bss->clone_refused : 0;
}

/* Frames numbered (and so sent or counted failed) so far. */
static uint64_t gen_numbered(const struct gen *g)
{
	return g->skel ? g->skel->bss->next_seq : g->seq;
}

/* Run the live-frames program `n` times; returns 0 or -errno. */
static int gen_send_live(struct gen *g, uint32_t n)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = g->frame,
		    .data_size_in = g->len, .repeat = n,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	g->calls++;
	if (bpf_prog_test_run_opts(g->prog_fd, &opts))
		return -errno;
	return 0;
}

/* Send `n` copies with the tc program: runs of NRB_CLONE_MAX copies, then
 * one run of the rest; returns 0 or -errno. */
static int gen_send_clone(struct gen *g, uint32_t n)
{
	while (n) {
		uint32_t per = n < NRB_CLONE_MAX ? n : NRB_CLONE_MAX;
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = g->frame,
			    .data_size_in = g->len, .repeat = n / per);

		g->skel->bss->clone_per_run = per;
		g->calls++;
		if (bpf_prog_test_run_opts(g->clone_fd, &opts))
			return -errno;
		n -= per * (n / per);
	}
	return 0;
}

/* Send `n` frames with BPF_PROG_RUN; returns 0 or -errno.  In auto mode
 * the first call tries live frames and falls back to clone mode when the
 * kernel refuses them; it says so, once, on stderr. */
static int gen_send_bpf(struct gen *g, uint32_t n)
{
	int rc;

	if (g->mode == GEN_CLONE) {
		rc = gen_send_clone(g, n);
	} else {
		rc = gen_send_live(g, n);
		if (rc == -EPERM && g->mode == GEN_AUTO) {
			fprintf(stderr,
				"nrb-gen: this kernel refuses BPF_PROG_RUN live frames "
				"(BPF_F_TEST_XDP_LIVE_FRAMES: %s); sending with "
				"bpf_clone_redirect() from a tc program instead\n",
				strerror(-rc));
			g->mode = GEN_CLONE;
			return gen_send_bpf(g, n);
		}
		if (!rc && g->mode == GEN_AUTO)
			g->mode = GEN_LIVE;
	}
	if (rc)
		g->failed += n;
	return rc;
}

/* Number, stamp and send `n` frames one sendto() each; 0 or -errno.  A
 * frame the kernel refuses (ENOBUFS) keeps its number: it counts as lost. */
static int gen_send_socket(struct gen *g, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t be = htonl((uint32_t)g->seq++);

		memcpy(g->frame + NRB_SEQ_OFF, &be, 4);
		if (g->stamp) {
			uint64_t now = nrb_mono_ns();

			memcpy(g->frame + NRB_TS_OFF, &now, 8);
		}
		g->calls++;
		if (sendto(g->sock_fd, g->frame, g->len, 0,
			   (const struct sockaddr *)&g->to, sizeof(g->to)) < 0) {
			g->failed++;
			if (errno != ENOBUFS && errno != EAGAIN)
				return -errno;
		}
	}
	return 0;
}

static int gen_open_bpf(struct gen *g, unsigned ifindex)
{
	int rc;

	g->skel = nrb_gen_skel__open();
	if (!g->skel)
		return -errno;
	g->skel->rodata->out_ifindex = ifindex;
	g->skel->rodata->stamp = g->stamp;
	rc = nrb_gen_skel__load(g->skel);
	if (rc) {
		nrb_gen_skel__destroy(g->skel);
		g->skel = NULL;
		return rc;
	}
	g->prog_fd = bpf_program__fd(g->skel->progs.nrb_gen);
	g->clone_fd = bpf_program__fd(g->skel->progs.nrb_gen_clone);
	return 0;
}

static int gen_open_socket(struct gen *g, unsigned ifindex)
{
	g->sock_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (g->sock_fd < 0)
		return -errno;
	g->to.sll_family = AF_PACKET;
	g->to.sll_ifindex = (int)ifindex;
	g->to.sll_halen = 6;
	memcpy(g->to.sll_addr, g->frame, 6); /* the frame's destination */
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t size = 64, rate = 0, burst = 0, seconds = 0, count = 0;
	const char *ifname = NULL;
	struct nrt_stream stream;
	struct gen g = { .sock_fd = -1, .mode = GEN_AUTO };
	uint64_t start, end, now, sent = 0;
	unsigned ifindex;
	int opt, rc;

	while ((opt = getopt(argc, argv, "i:s:r:b:d:n:tm:Sh")) != -1) {
		switch (opt) {
		case 'i':
			ifname = optarg;
			break;
		case 's':
			if (!nrb_parse_u64(optarg, &size))
				usage();
			break;
		case 'r':
			if (!nrb_parse_u64(optarg, &rate))
				usage();
			break;
		case 'b':
			if (!nrb_parse_u64(optarg, &burst) || !burst ||
			    burst > FLAT_OUT_REPEAT)
				usage();
			break;
		case 'd':
			if (!nrb_parse_u64(optarg, &seconds))
				usage();
			break;
		case 'n':
			if (!nrb_parse_u64(optarg, &count))
				usage();
			break;
		case 't':
			g.stamp = true;
			break;
		case 'm':
			for (g.mode = GEN_AUTO; g.mode <= GEN_SOCKET; g.mode++)
				if (!strcmp(optarg, mode_names[g.mode]))
					break;
			if (g.mode > GEN_SOCKET)
				usage();
			break;
		case 'S':
			g.mode = GEN_SOCKET;
			break;
		default:
			usage();
		}
	}
	if (!ifname || optind != argc)
		usage();
	if (size < NRB_FRAME_MIN || size > 3000) {
		fprintf(stderr, "nrb-gen: size %" PRIu64 ": from %d to 3000\n",
			size, NRB_FRAME_MIN);
		return 2;
	}
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "nrb-gen: %s: %s\n", ifname, strerror(errno));
		return 1;
	}

	/* Frame 0 of a fixed-length stream; the program rewrites seq. */
	nrt_stream_init(&stream, 0x6e726200u);
	stream.len_min = stream.len_max = (uint32_t)size;
	rc = nrt_frame_build(&stream, 0, g.frame, sizeof(g.frame));
	if (rc < 0) {
		fprintf(stderr, "nrb-gen: cannot build a %" PRIu64 "-byte frame\n",
			size);
		return 1;
	}
	g.len = (uint32_t)rc;

	rc = g.mode == GEN_SOCKET ? gen_open_socket(&g, ifindex) :
				    gen_open_bpf(&g, ifindex);
	if (rc) {
		fprintf(stderr, "nrb-gen: %s: %s\n",
			g.mode == GEN_SOCKET ? "raw socket" : "load the BPF programs",
			strerror(-rc));
		return 1;
	}
	nrb_on_stop(on_stop);

	if (rate && !burst) {
		burst = rate / PACED_CALLS_PER_S;
		if (!burst)
			burst = 1;
		if (burst > FLAT_OUT_REPEAT)
			burst = FLAT_OUT_REPEAT;
	}

	start = nrb_mono_ns();
	end = seconds ? start + seconds * 1000000000ull : UINT64_MAX;
	rc = 0;
	while (!stop && (now = nrb_mono_ns()) < end && (!count || sent < count)) {
		uint64_t n;

		if (!rate) {
			n = FLAT_OUT_REPEAT;
		} else {
			/* Frames due by now; after a late wake-up at most a
			 * few bursts at once, so a stall does not become one
			 * huge burst. */
			uint64_t due = (now - start) * rate / 1000000000ull;

			n = due > sent ? due - sent : 0;
			if (n > 4 * burst)
				n = 4 * burst;
			if (n < burst) {
				sleep_until(start + (sent + burst) * 1000000000ull /
							    rate);
				continue;
			}
		}
		if (count && n > count - sent)
			n = count - sent;
		rc = g.mode == GEN_SOCKET ? gen_send_socket(&g, (uint32_t)n) :
					    gen_send_bpf(&g, (uint32_t)n);
		if (rc && rc != -EINTR) {
			fprintf(stderr, "nrb-gen: %s (%s mode): %s\n",
				g.mode == GEN_SOCKET ? "sendto" : "BPF_PROG_RUN",
				mode_names[g.mode], strerror(-rc));
			break;
		}
		sent = gen_numbered(&g);
	}
	now = nrb_mono_ns();
	sent = gen_numbered(&g);
	printf("result sent=%" PRIu64 " elapsed_ns=%" PRIu64 " calls=%" PRIu64
	       " failed=%" PRIu64 " refused=%" PRIu64
	       " gen_pps=%.0f size=%u mode=%s\n",
	       sent, now - start, g.calls, g.failed, gen_refused(&g),
	       (double)sent * 1e9 / (double)(now - start), g.len,
	       mode_names[g.mode]);
	fflush(stdout);
	nrb_gen_skel__destroy(g.skel);
	if (g.sock_fd >= 0)
		close(g.sock_fd);
	return rc && rc != -EINTR ? 1 : 0;
}
