// SPDX-License-Identifier: MIT
/*
 * fuzz_args.c - libFuzzer target for the CLI's argument parsers
 * (tools/args.c: dump_args_parse, ls_args_parse): the input is split at
 * NUL bytes into an argument vector.  Any vector gets 0 or -EINVAL, an
 * error message that is a NUL-terminated string inside its buffer, and no
 * crash.  Built with -DNRF_FUZZ_SEEDS it is the seed writer: command lines
 * from the man page's examples and the CLI tests.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"

#define ARGS_MAX 32

#ifndef NRF_FUZZ_SEEDS
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(int rc, const char *err, size_t errsize)
{
	if (rc != 0 && rc != -EINVAL)
		__builtin_trap();
	if (memchr(err, '\0', errsize) == NULL)
		__builtin_trap();
	if (rc == -EINVAL && !err[0])
		__builtin_trap(); /* refused without saying why */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *argv[ARGS_MAX + 2], err[256];
	struct dump_args d;
	struct ls_args l;
	int argc = 1, rc;
	size_t i, start = 0;

	/* A private copy: the parsers may keep pointers into argv, and the
	 * last argument needs its NUL. */
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0; i <= size && argc <= ARGS_MAX; i++) {
		if (copy[i] == '\0') {
			argv[argc++] = copy + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;

	argv[0] = (char *)"dump";
	memset(&d, 0, sizeof(d));
	memset(err, 0, sizeof(err));
	rc = dump_args_parse(&d, argc, argv, err, sizeof(err));
	check_err(rc, err, sizeof(err));

	argv[0] = (char *)"ls";
	memset(&l, 0, sizeof(l));
	memset(err, 0, sizeof(err));
	rc = ls_args_parse(&l, argc, argv, err, sizeof(err));
	check_err(rc, err, sizeof(err));
	free(copy);
	return 0;
}

/* getopt's messages on stderr would drown the fuzzer's. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	opterr = 0;
	return 0;
}
#else
/* Arguments separated by NULs, as the fuzzer splits them; the length
 * leaves out the literal's own terminator. */
#define LINE(s) { s, sizeof(s) - 1 }

int main(int argc, char **argv)
{
	static const struct {
		const char *bytes;
		size_t len;
	} lines[] = {
		LINE("-i\0eth0\0-c\0" "10"),
		LINE("-i\0eth0\0-b\0xdp\0--mode\0take\0--match-mac\0" "02:00:5e:10:00:01"),
		LINE("-i\0tap:nrf0\0-w\0/tmp/x.pcap\0--nano"),
		LINE("-r\0/tmp/x.pcap\0--replay-speed\0" "0.5\0-q\0--stats-json"),
		LINE("-i\0eth0\0-t\0" "1.5\0--ring-frames\0" "64\0--frame-size\0" "4096"),
		LINE("-i\0eth0\0--busy-poll\0" "50\0--promisc"),
		LINE("-i\0eth0\0-b\0xdp\0--ethertype\0" "0x88b5\0--ip-proto\0udp\0--dst-port\0" "53"),
		LINE("-a\0--json"),
		LINE("--help"),
		LINE("-i\0eth0\0-c\0-1\0-b\0bogus\0--queue\0" "99999999999999999999"),
	};
	char path[4096];

	if (argc < 2) {
		fprintf(stderr, "usage: fuzz-args-seeds DIR [KIND]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/args_%zu", argv[1], i);
		f = fopen(path, "wb");
		if (!f || fwrite(lines[i].bytes, 1, lines[i].len, f) != lines[i].len ||
		    fclose(f))
			return 1;
	}
	return 0;
}
#endif
