// SPDX-License-Identifier: MIT
/*
 * xdp_drop.c - nrb-xdpdrop: "the limit".  Attaches nrb_drop.bpf.c to an
 * interface in native mode, says "ready", and on SIGINT/SIGTERM prints how
 * many frames the program counted and dropped, then detaches.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nrb.h"
#include "nrb_drop_skel.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* The per-CPU counters, summed. */
static int frames_counted(int map_fd, uint64_t *total)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v;
	uint32_t key = 0;

	if (ncpu < 0)
		return ncpu;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, v)) {
		free(v);
		return -errno;
	}
	*total = 0;
	for (int i = 0; i < ncpu; i++)
		*total += v[i];
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	struct nrb_drop_skel *skel;
	uint64_t frames = 0, t0, t1;
	unsigned ifindex;
	sigset_t mask, old;
	char extra[64];
	int rc;

	if (argc != 3 || strcmp(argv[1], "-i")) {
		fprintf(stderr, "usage: nrb-xdpdrop -i IFACE\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "nrb-xdpdrop: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	skel = nrb_drop_skel__open_and_load();
	if (!skel) {
		fprintf(stderr, "nrb-xdpdrop: load BPF program: %s\n",
			strerror(errno));
		return 1;
	}
	rc = bpf_xdp_attach((int)ifindex, bpf_program__fd(skel->progs.nrb_drop),
			    XDP_FLAGS_DRV_MODE, NULL);
	if (rc) {
		fprintf(stderr, "nrb-xdpdrop: attach native XDP to %s: %s\n",
			argv[2], strerror(-rc));
		nrb_drop_skel__destroy(skel);
		return 1;
	}
	nrb_on_stop(on_stop);
	/* Block the stop signals except inside sigsuspend(): no lost wake-up. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, &old);
	t0 = nrb_mono_ns();
	nrb_ready(NULL, "xdp-drop native");
	while (!stop)
		sigsuspend(&old);
	t1 = nrb_mono_ns();

	rc = frames_counted(bpf_map__fd(skel->maps.frames), &frames);
	bpf_xdp_detach((int)ifindex, XDP_FLAGS_DRV_MODE, NULL);
	nrb_drop_skel__destroy(skel);
	if (rc) {
		fprintf(stderr, "nrb-xdpdrop: read counter: %s\n", strerror(-rc));
		return 1;
	}
	snprintf(extra, sizeof(extra), "wall_ns=%" PRIu64, t1 - t0);
	printf("result frames=%" PRIu64 " lost=0 late=0 other=0 %s\n", frames,
	       extra);
	return 0;
}
