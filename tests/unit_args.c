/* SPDX-License-Identifier: MIT */
/*
 * unit_args.c - strict parsing of the netring command line: tables of
 * numbers and durations that must be taken (with their exact value) or
 * refused (with the exact reason), and `dump`/`ls` option sets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			failures++;                                            \
		}                                                              \
	} while (0)

static void test_u64(void)
{
	static const struct {
		const char *s;
		uint64_t min, max;
		int rc;
		uint64_t value;
	} cases[] = {
		{ "0", 0, 10, 0, 0 },
		{ "10", 0, 10, 0, 10 },
		{ "007", 0, 10, 0, 7 },
		{ "11", 0, 10, -ERANGE, 0 },
		{ "0", 1, 10, -ERANGE, 0 },
		{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
		{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
		{ "99999999999999999999999999", 0, UINT64_MAX, -ERANGE, 0 },
		{ "-1", 0, UINT64_MAX, -EINVAL, 0 },
		{ "-0", 0, UINT64_MAX, -EINVAL, 0 },
		{ "+1", 0, UINT64_MAX, -EINVAL, 0 },
		{ " 1", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1 ", 0, UINT64_MAX, -EINVAL, 0 },
		{ "", 0, UINT64_MAX, -EINVAL, 0 },
		{ "abc", 0, UINT64_MAX, -EINVAL, 0 },
		{ "12x", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1.5", 0, UINT64_MAX, -EINVAL, 0 },
		{ "1e3", 0, UINT64_MAX, -EINVAL, 0 },
		{ "0x10", 0, UINT64_MAX, -EINVAL, 0 }, /* decimal only */
		{ "1_000", 0, UINT64_MAX, -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 12345;
		int rc = arg_parse_u64(cases[i].s, cases[i].min, cases[i].max, &v);

		CHECK(rc == cases[i].rc, "u64 \"%s\": rc %d, want %d", cases[i].s,
		      rc, cases[i].rc);
		if (cases[i].rc == 0)
			CHECK(v == cases[i].value, "u64 \"%s\": %llu", cases[i].s,
			      (unsigned long long)v);
		else
			CHECK(v == 12345, "u64 \"%s\": output written on error",
			      cases[i].s);
	}
	CHECK(arg_parse_u64(NULL, 0, 1, &(uint64_t){ 0 }) == -EINVAL, "NULL");
}

static void test_seconds(void)
{
	static const struct {
		const char *s;
		int rc;
		uint64_t ms;
	} cases[] = {
		{ "1", 0, 1000 },
		{ "0.001", 0, 1 },
		{ "0.5", 0, 500 },
		{ "2.25", 0, 2250 },
		{ "10.100", 0, 10100 },
		{ "31536000", 0, 31536000000ull }, /* the maximum: a year */
		{ "31536000.001", -ERANGE, 0 },
		{ "31536001", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
		{ "0", -ERANGE, 0 },
		{ "0.000", -ERANGE, 0 },
		{ "0.0001", -ERANGE, 0 }, /* would round to nothing */
		{ "1.2345", -ERANGE, 0 },
		{ "-1", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ ".5", -EINVAL, 0 },
		{ "5.", -EINVAL, 0 },
		{ "1.2.3", -EINVAL, 0 },
		{ "10s", -EINVAL, 0 },
		{ "1e3", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "99999999999999999999x", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t ms = 777;
		int rc = arg_parse_seconds_ms(cases[i].s, DUMP_TIME_MAX_MS, &ms);

		CHECK(rc == cases[i].rc, "seconds \"%s\": rc %d, want %d",
		      cases[i].s, rc, cases[i].rc);
		CHECK(ms == (cases[i].rc ? 777 : cases[i].ms),
		      "seconds \"%s\": %llu ms", cases[i].s,
		      (unsigned long long)ms);
	}
}

/* argv from a string of words separated by single spaces. */
struct argv_buf {
	char text[512];
	char *argv[32];
	int argc;
};

static void split(struct argv_buf *b, const char *words)
{
	char *save = NULL;

	snprintf(b->text, sizeof(b->text), "%s", words);
	b->argc = 0;
	for (char *w = strtok_r(b->text, " ", &save); w && b->argc < 31;
	     w = strtok_r(NULL, " ", &save))
		b->argv[b->argc++] = w;
	b->argv[b->argc] = NULL;
}

static void test_dump_valid(void)
{
	struct argv_buf b;
	struct dump_args a;
	char err[256] = "";
	int rc;

	split(&b, "dump -i veth0 -c 100 -t 2.5 -w out.pcap --nano -q -b packet "
		  "--ring-frames 8192 --frame-size 4096 --busy-poll 50 "
		  "--queue all --outgoing --promisc --stats json");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0, "full set: %d %s", rc, err);
	CHECK(a.ifname && strcmp(a.ifname, "veth0") == 0, "ifname");
	CHECK(a.count == 100, "count %llu", (unsigned long long)a.count);
	CHECK(a.time_ms == 2500, "time %llu", (unsigned long long)a.time_ms);
	CHECK(a.pcap_path && strcmp(a.pcap_path, "out.pcap") == 0, "path");
	CHECK(a.nano && a.quiet && a.stats_json && !a.help, "booleans");
	CHECK(a.cfg.sz == sizeof(a.cfg), "cfg.sz %zu", a.cfg.sz);
	CHECK(a.cfg.backend == NETRING_BACKEND_PACKET, "backend %d",
	      a.cfg.backend);
	CHECK(a.cfg.mode == NETRING_MODE_MONITOR, "mode %d", a.cfg.mode);
	CHECK(a.cfg.ring_frames == 8192, "ring_frames %u", a.cfg.ring_frames);
	CHECK(a.cfg.frame_size == 4096, "frame_size %u", a.cfg.frame_size);
	CHECK(a.cfg.busy_poll_us == 50, "busy_poll %u", a.cfg.busy_poll_us);
	CHECK(a.cfg.queue == NETRING_QUEUE_ALL, "queue %d", a.cfg.queue);
	CHECK(a.cfg.flags == (NETRING_CF_OUTGOING | NETRING_CF_PROMISC),
	      "flags 0x%x", a.cfg.flags);

	/* Long spellings, and the defaults left at 0 for the library. */
	split(&b, "dump --interface=eth1 --count=1 --time=0.001 --queue=3 --take");
	rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
	CHECK(rc == 0, "long options: %d %s", rc, err);
	CHECK(strcmp(a.ifname, "eth1") == 0 && a.count == 1 && a.time_ms == 1,
	      "long options values");
	CHECK(a.cfg.queue == 3 && a.cfg.mode == NETRING_MODE_TAKE,
	      "queue %d mode %d", a.cfg.queue, a.cfg.mode);
	CHECK(a.cfg.ring_frames == 0 && a.cfg.frame_size == 0 &&
		      a.cfg.backend == NETRING_BACKEND_AUTO && !a.pcap_path &&
		      !a.quiet && !a.stats_json,
	      "defaults");

	/* Fifteen characters is the longest interface name. */
	split(&b, "dump -i abcdefghijklmno");
	CHECK(dump_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0,
	      "15-character name: %s", err);

	split(&b, "dump -h");
	CHECK(dump_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      a.help,
	      "-h");
	/* -h wins over a missing -i and stray words. */
	split(&b, "dump --help extra");
	CHECK(dump_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      a.help,
	      "--help extra");
}

static void test_dump_invalid(void)
{
	static const struct {
		const char *args;
		const char *msg;
	} cases[] = {
		{ "dump", "dump needs an interface (-i IFACE)" },
		{ "dump -c 5", "dump needs an interface (-i IFACE)" },
		{ "dump -i", "option '-i' needs a value" },
		{ "dump -i eth0 --count", "option '--count' needs a value" },
		{ "dump -i abcdefghijklmnop",
		  "-i abcdefghijklmnop: interface names are at most 15 characters" },
		{ "dump -i eth0 -x", "unknown option '-x'" },
		{ "dump -i eth0 --bogus", "unknown option '--bogus'" },
		{ "dump -i eth0 --bogus=3", "unknown option '--bogus'" },
		{ "dump -i eth0 --nano=1", "option '--nano' takes no value" },
		{ "dump -i eth0 --quiet=yes", "option '--quiet' takes no value" },
		{ "dump -i eth0 -qx", "unknown option '-x'" },
		{ "dump -i eth0 -qc", "option '-c' needs a value" },
		{ "dump -i eth0 extra", "unexpected argument 'extra'" },
		{ "dump -i eth0 -c 0",
		  "-c 0: out of range (1 to 18446744073709551615)" },
		{ "dump -i eth0 -c -1", "-c '-1': not a decimal number" },
		{ "dump -i eth0 -c abc", "-c 'abc': not a decimal number" },
		{ "dump -i eth0 -c 10x", "-c '10x': not a decimal number" },
		{ "dump -i eth0 -c 0x10", "-c '0x10': not a decimal number" },
		{ "dump -i eth0 -c 18446744073709551616",
		  "-c 18446744073709551616: out of range (1 to 18446744073709551615)" },
		{ "dump -i eth0 -t 0",
		  "-t 0: out of range (0.001 to 31536000 seconds, at most 3 decimals)" },
		{ "dump -i eth0 -t 1.0001",
		  "-t 1.0001: out of range (0.001 to 31536000 seconds, at most 3 decimals)" },
		{ "dump -i eth0 -t -5",
		  "-t '-5': not a number of seconds (e.g. 10 or 0.5)" },
		{ "dump -i eth0 -t 5m",
		  "-t '5m': not a number of seconds (e.g. 10 or 0.5)" },
		{ "dump -i eth0 -b foo",
		  "-b foo: unknown backend (auto, packet, xdp, tap, pcap)" },
		{ "dump -i eth0 -b PACKET",
		  "-b PACKET: unknown backend (auto, packet, xdp, tap, pcap)" },
		{ "dump -i eth0 --frame-size 1000",
		  "--frame-size 1000: must be a power of two from 512 to 65536" },
		{ "dump -i eth0 --frame-size 256",
		  "--frame-size 256: must be a power of two from 512 to 65536" },
		{ "dump -i eth0 --frame-size 131072",
		  "--frame-size 131072: must be a power of two from 512 to 65536" },
		{ "dump -i eth0 --frame-size 0",
		  "--frame-size 0: must be a power of two from 512 to 65536" },
		{ "dump -i eth0 --frame-size 2k",
		  "--frame-size '2k': not a decimal number" },
		{ "dump -i eth0 --frame-size 99999999999999999999",
		  "--frame-size 99999999999999999999: out of range (512 to 65536)" },
		{ "dump -i eth0 --ring-frames 100",
		  "--ring-frames 100: must be a power of two from 64 to 1048576" },
		{ "dump -i eth0 --ring-frames 2097152",
		  "--ring-frames 2097152: must be a power of two from 64 to 1048576" },
		{ "dump -i eth0 --busy-poll 1000001",
		  "--busy-poll 1000001: out of range (0 to 1000000)" },
		{ "dump -i eth0 --busy-poll -1",
		  "--busy-poll '-1': not a decimal number" },
		{ "dump -i eth0 --queue -1",
		  "--queue '-1': not a queue number or 'all'" },
		{ "dump -i eth0 --queue 2147483648",
		  "--queue 2147483648: out of range (0 to 2147483647)" },
		{ "dump -i eth0 --stats text", "--stats text: the only format is 'json'" },
		{ "dump -i eth0 --nano", "--nano is about the -w file; there is none" },
	};
	struct argv_buf b;
	struct dump_args a;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";
		int rc;

		split(&b, cases[i].args);
		rc = dump_args_parse(&a, b.argc, b.argv, err, sizeof(err));
		CHECK(rc == -EINVAL, "\"%s\": rc %d", cases[i].args, rc);
		CHECK(strcmp(err, cases[i].msg) == 0,
		      "\"%s\":\n  want \"%s\"\n  got  \"%s\"", cases[i].args,
		      cases[i].msg, err);
	}

	/* Empty values cannot come from split(); build them by hand. */
	{
		char *argv[] = { "dump", "-i", "", NULL };
		char err[256] = "";

		CHECK(dump_args_parse(&a, 3, argv, err, sizeof(err)) == -EINVAL &&
			      strcmp(err, "-i: empty interface name") == 0,
		      "-i '': %s", err);
	}
	{
		char *argv[] = { "dump", "-i", "eth0", "-c", "", NULL };
		char err[256] = "";

		CHECK(dump_args_parse(&a, 5, argv, err, sizeof(err)) == -EINVAL &&
			      strcmp(err, "-c '': not a decimal number") == 0,
		      "-c '': %s", err);
	}
	{
		char *argv[] = { "dump", "-i", "eth0", "-w", "", NULL };
		char err[256] = "";

		CHECK(dump_args_parse(&a, 5, argv, err, sizeof(err)) == -EINVAL &&
			      strcmp(err, "-w: empty file name") == 0,
		      "-w '': %s", err);
	}
}

static void test_ls(void)
{
	struct argv_buf b;
	struct ls_args a;
	char err[256] = "";

	split(&b, "ls");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      !a.all && !a.json && !a.help,
	      "ls");
	split(&b, "ls -a --json");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      a.all && a.json && !a.help,
	      "ls -a --json");
	split(&b, "ls --all -h");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == 0 &&
		      a.all && a.help,
	      "ls --all -h");
	split(&b, "ls -j");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == -EINVAL &&
		      strcmp(err, "unknown option '-j'") == 0,
	      "ls -j: %s", err);
	split(&b, "ls eth0");
	CHECK(ls_args_parse(&a, b.argc, b.argv, err, sizeof(err)) == -EINVAL &&
		      strcmp(err, "unexpected argument 'eth0'") == 0,
	      "ls eth0: %s", err);
}

int main(void)
{
	test_u64();
	test_seconds();
	test_dump_valid();
	test_dump_invalid();
	test_ls();
	if (failures) {
		printf("unit_args: %d failures\n", failures);
		return 1;
	}
	printf("unit_args: all passed\n");
	return 0;
}
