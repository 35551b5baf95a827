// SPDX-License-Identifier: MIT
/*
 * xdp_cost.c - nrb-xdpcost: what the XDP program attached to an interface
 * costs the kernel per frame.  Turns on the kernel's BPF run-time
 * statistics (BPF_ENABLE_STATS: on while our descriptor is open, off when
 * we exit however we exit), says "ready", and on SIGINT/SIGTERM prints the
 * program's mean run time per frame since then.  The redirect itself (the
 * copy into a UMEM) happens after the program returns and is not counted.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nrb.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int prog_info(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct bpf_prog_info a, b;
	sigset_t mask, old;
	unsigned ifindex;
	__u32 id = 0;
	int stats_fd, fd;

	if (argc != 3 || strcmp(argv[1], "-i")) {
		fprintf(stderr, "usage: nrb-xdpcost -i IFACE\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex || bpf_xdp_query_id((int)ifindex, 0, &id) || !id) {
		fprintf(stderr, "nrb-xdpcost: no XDP program on %s\n", argv[2]);
		return 1;
	}
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	fd = bpf_prog_get_fd_by_id(id);
	if (stats_fd < 0 || fd < 0 || prog_info(fd, &a)) {
		fprintf(stderr, "nrb-xdpcost: program %u: %s\n", id, strerror(errno));
		return 1;
	}
	nrb_on_stop(on_stop);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, &old);
	nrb_ready(NULL, a.name);
	while (!stop)
		sigsuspend(&old);
	if (prog_info(fd, &b)) {
		fprintf(stderr, "nrb-xdpcost: program %u: %s\n", id, strerror(errno));
		return 1;
	}
	printf("result prog=%s runs=%llu ns_per_frame=%.1f\n", b.name,
	       (unsigned long long)(b.run_cnt - a.run_cnt),
	       b.run_cnt > a.run_cnt ? (double)(b.run_time_ns - a.run_time_ns) /
					       (double)(b.run_cnt - a.run_cnt) :
				       0.0);
	close(fd);
	close(stats_fd);
	return 0;
}
