// SPDX-License-Identifier: MIT
/*
 * rusage.c - nrb-rusage: run a command, pass SIGINT/SIGTERM on to it, and
 * when it ends write its CPU time (user, system) and wall time to a file:
 * how the benchmark measures CPU time per frame of every receiver,
 * tcpdump included, the same way.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nrb.h"

static volatile pid_t child;

static void forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int main(int argc, char **argv)
{
	struct rusage ru;
	sigset_t stops, old;
	uint64_t t0, t1;
	int status = 0;
	FILE *out;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: nrb-rusage OUTFILE COMMAND [ARGS...]\n");
		return 2;
	}
	nrb_on_stop(forward);
	/* Held back until `child` is known, so none is lost in between. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigprocmask(SIG_BLOCK, &stops, &old);
	t0 = nrb_mono_ns();
	pid = fork();
	if (pid < 0) {
		perror("nrb-rusage: fork");
		return 1;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[2], argv + 2);
		fprintf(stderr, "nrb-rusage: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	child = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("nrb-rusage: wait4");
			return 1;
		}
	}
	t1 = nrb_mono_ns();
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 1;
	}
	fprintf(out, "rusage user_us=%" PRIu64 " sys_us=%" PRIu64
		" wall_us=%" PRIu64 " status=%d\n",
		(uint64_t)ru.ru_utime.tv_sec * 1000000 + (uint64_t)ru.ru_utime.tv_usec,
		(uint64_t)ru.ru_stime.tv_sec * 1000000 + (uint64_t)ru.ru_stime.tv_usec,
		(t1 - t0) / 1000,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
