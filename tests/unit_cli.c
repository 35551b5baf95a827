/* SPDX-License-Identifier: MIT */
/*
 * unit_cli.c - the `netring` binary's answers to bad and informational
 * command lines: exit status, the exact message (every stderr line starts
 * with "netring:"), nothing on stdout on error.  None of it needs a plugged
 * interface.  Usage: unit_cli PATH-TO-netring
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netring.h"

#define RUN_TIMEOUT_MS 20000
#define OUTPUT_MAX 65536

static const char *netring_bin;
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

struct run {
	int status; /* exit status, or -1 if it did not exit normally */
	char out[OUTPUT_MAX];
	char err[OUTPUT_MAX];
};

static void read_all(int fd, char *buf, size_t size)
{
	ssize_t n;
	size_t len = 0;

	lseek(fd, 0, SEEK_SET);
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(fd);
}

/*
 * Run netring with `args` (NULL-terminated, without argv[0]), stdout and
 * stderr captured.  With `drop_to_nobody`, the child gives up root (and
 * with it every capability) first.  Waits on a pidfd with a deadline.
 */
static void run_cli(struct run *r, bool drop_to_nobody, const char *const *args)
{
	const char *argv[32] = { netring_bin };
	int out = memfd_create("nrc-out", MFD_CLOEXEC);
	int err = memfd_create("nrc-err", MFD_CLOEXEC);
	struct pollfd pfd;
	int status, pidfd;
	pid_t pid;

	for (int i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	r->status = -1;
	r->out[0] = r->err[0] = '\0';
	if (out < 0 || err < 0) {
		perror("unit_cli: memfd_create");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("unit_cli: fork");
		exit(1);
	}
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		/* strerror() text is compared: use the C locale's. */
		setenv("LC_ALL", "C", 1);
		if (drop_to_nobody &&
		    (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		     setresuid(65534, 65534, 65534)))
			_exit(125);
		execv(netring_bin, (char *const *)argv);
		_exit(126);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		pfd = (struct pollfd){ .fd = pidfd, .events = POLLIN };
		if (poll(&pfd, 1, RUN_TIMEOUT_MS) == 0) {
			printf("FAIL netring %s ... did not exit within %d ms\n",
			       args[0] ? args[0] : "", RUN_TIMEOUT_MS);
			failures++;
			kill(pid, SIGKILL);
		}
		close(pidfd);
	}
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	read_all(out, r->out, sizeof(r->out));
	read_all(err, r->err, sizeof(r->err));
}

static void join_args(char *s, size_t size, const char *const *args)
{
	size_t len = 0;

	s[0] = '\0';
	for (int i = 0; args[i] && len < size; i++)
		len += (size_t)snprintf(s + len, size - len, "%s%s",
					i ? " " : "", args[i]);
}

/* Every line on stderr is a netring message. */
static bool stderr_lines_prefixed(const char *err)
{
	for (const char *line = err; *line;) {
		const char *nl = strchr(line, '\n');

		if (strncmp(line, "netring: ", 9) != 0)
			return false;
		if (!nl)
			return false; /* and every line ends */
		line = nl + 1;
	}
	return true;
}

enum match { EMPTY, EQUALS, STARTS, CONTAINS };

static bool matches(const char *text, enum match how, const char *want)
{
	switch (how) {
	case EMPTY:
		return text[0] == '\0';
	case EQUALS:
		return strcmp(text, want) == 0;
	case STARTS:
		return strncmp(text, want, strlen(want)) == 0;
	case CONTAINS:
		return strstr(text, want) != NULL;
	}
	return false;
}

/* A usage error or a refused input: status 2, one message, no stdout. */
static void expect_error(int want_status, const char *want_first_line,
			 const char *const *args)
{
	static struct run r;
	char cmd[1024], first[1024];
	const char *nl;

	run_cli(&r, false, args);
	join_args(cmd, sizeof(cmd), args);
	nl = strchr(r.err, '\n');
	snprintf(first, sizeof(first), "%.*s", nl ? (int)(nl - r.err) : 0,
		 r.err);
	CHECK(r.status == want_status, "netring %s: exit %d, want %d\n%s", cmd,
	      r.status, want_status, r.err);
	CHECK(strcmp(first, want_first_line) == 0,
	      "netring %s:\n  want \"%s\"\n  got  \"%s\"", cmd, want_first_line,
	      first);
	CHECK(stderr_lines_prefixed(r.err), "netring %s: stderr lines:\n%s", cmd,
	      r.err);
	CHECK(r.out[0] == '\0', "netring %s: stdout not empty:\n%s", cmd, r.out);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void expect_output(const char *const *args, enum match how,
			  const char *want)
{
	static struct run r;
	char cmd[1024];

	run_cli(&r, false, args);
	join_args(cmd, sizeof(cmd), args);
	CHECK(r.status == 0, "netring %s: exit %d\n%s", cmd, r.status, r.err);
	CHECK(matches(r.out, how, want), "netring %s: stdout does not match \"%s\":\n%s",
	      cmd, want, r.out);
	CHECK(r.err[0] == '\0', "netring %s: stderr:\n%s", cmd, r.err);
}

static void test_informational(void)
{
	expect_output(ARGS("--version"), EQUALS,
		      "netring " NETRING_VERSION_STRING "\n");
	expect_output(ARGS("-h"), STARTS, "usage: netring COMMAND");
	expect_output(ARGS("--help"), STARTS, "usage: netring COMMAND");
	expect_output(ARGS("help"), STARTS, "usage: netring COMMAND");
	expect_output(ARGS("dump", "-h"), STARTS, "usage: netring dump -i IFACE");
	expect_output(ARGS("dump", "--help"), CONTAINS, "--stats json");
	expect_output(ARGS("ls", "-h"), STARTS, "usage: netring ls");
	expect_output(ARGS("ls"), STARTS, "NAME ");
	expect_output(ARGS("ls", "-a"), CONTAINS, "\nlo ");
	expect_output(ARGS("ls", "--json"), STARTS, "[");
	/* The loopback link is in every namespace, always index 1. */
	expect_output(ARGS("ls", "-a", "--json"), CONTAINS,
		      "{\"name\":\"lo\",\"ifindex\":1,\"mac\":\"00:00:00:00:00:00\",");
	expect_output(ARGS("ls", "-a", "--json"), CONTAINS,
		      "\"ethernet\":false,\"loopback\":true,\"type\":772,");
	/* The xdp backend's facts follow the link's, keys always present. */
	expect_output(ARGS("ls", "-a", "--json"), CONTAINS,
		      "\"rx_queues\":1,\"tx_queues\":1,\"kind\":\"\",\"xdp_features_known\":");
	expect_output(ARGS("ls", "-a"), STARTS,
		      "NAME             INDEX  MAC                  MTU  STATE          RXQ  TXQ  TYPE        KIND            XDP     ZC  MB  META         PROG\n");
	expect_output(ARGS("dump", "-h"), CONTAINS,
		      "\n       netring dump -r FILE [OPTIONS]\n");
	expect_output(ARGS("dump", "--help"), CONTAINS, "--match-arp-for IP");
	expect_output(ARGS("dump", "--help"), CONTAINS, "--replay-speed X");
}

static void test_usage_errors(void)
{
	expect_error(2, "netring: no command given", ARGS(NULL));
	expect_error(2, "netring: unknown command 'bogus'", ARGS("bogus"));
	expect_error(2, "netring: unknown option '--bogus'", ARGS("--bogus"));
	expect_error(2, "netring: ls: unknown option '--bogus'",
		     ARGS("ls", "--bogus"));
	expect_error(2, "netring: ls: unexpected argument 'eth0'",
		     ARGS("ls", "eth0"));
	expect_error(2,
		     "netring: dump: dump needs an interface (-i IFACE) or a file (-r FILE)",
		     ARGS("dump"));
	expect_error(2, "netring: dump: option '-i' needs a value",
		     ARGS("dump", "-i"));
	expect_error(2, "netring: dump: unknown option '--bogus'",
		     ARGS("dump", "-i", "nosuch0", "--bogus"));
	expect_error(2, "netring: dump: unexpected argument 'extra'",
		     ARGS("dump", "-i", "nosuch0", "extra"));
}

static void test_bad_values(void)
{
	expect_error(2, "netring: dump: -c '-1': not a decimal number",
		     ARGS("dump", "-i", "nosuch0", "-c", "-1"));
	expect_error(2, "netring: dump: -c 'ten': not a decimal number",
		     ARGS("dump", "-i", "nosuch0", "-c", "ten"));
	expect_error(2, "netring: dump: -c '': not a decimal number",
		     ARGS("dump", "-i", "nosuch0", "-c", ""));
	expect_error(2, "netring: dump: -c '5 ': not a decimal number",
		     ARGS("dump", "-i", "nosuch0", "-c", "5 "));
	expect_error(2,
		     "netring: dump: -c 99999999999999999999999: out of range (1 to 18446744073709551615)",
		     ARGS("dump", "-i", "nosuch0", "-c",
			  "99999999999999999999999"));
	expect_error(2,
		     "netring: dump: -c 0: out of range (1 to 18446744073709551615)",
		     ARGS("dump", "-i", "nosuch0", "-c", "0"));
	expect_error(2,
		     "netring: dump: -t 0: out of range (0.001 to 31536000 seconds, at most 3 decimals)",
		     ARGS("dump", "-i", "nosuch0", "-t", "0"));
	expect_error(2,
		     "netring: dump: -t '-1': not a number of seconds (e.g. 10 or 0.5)",
		     ARGS("dump", "-i", "nosuch0", "-t", "-1"));
	expect_error(2,
		     "netring: dump: --frame-size 1000: must be a power of two from 512 to 65536",
		     ARGS("dump", "-i", "nosuch0", "--frame-size", "1000"));
	expect_error(2,
		     "netring: dump: --frame-size 256: must be a power of two from 512 to 65536",
		     ARGS("dump", "-i", "nosuch0", "--frame-size", "256"));
	expect_error(2,
		     "netring: dump: --ring-frames 48: must be a power of two from 64 to 1048576",
		     ARGS("dump", "-i", "nosuch0", "--ring-frames", "48"));
	expect_error(2,
		     "netring: dump: -b foo: unknown backend (auto, packet, xdp, tap, pcap)",
		     ARGS("dump", "-i", "nosuch0", "-b", "foo"));
	expect_error(2,
		     "netring: dump: -i abcdefghijklmnop: interface names are at most 15 characters",
		     ARGS("dump", "-i", "abcdefghijklmnop"));
	expect_error(2, "netring: dump: --stats xml: the only format is 'json'",
		     ARGS("dump", "-i", "nosuch0", "--stats", "xml"));
}

/* The options of the xdp, tap and pcap backends, refused before any plug. */
static void test_bad_backend_options(void)
{
	expect_error(2,
		     "netring: dump: --match-mac '02:00:00:00:00:1': not a MAC address (six pairs of hex digits, e.g. 02:00:00:00:00:01)",
		     ARGS("dump", "-i", "nosuch0", "--take", "--match-mac",
			  "02:00:00:00:00:1"));
	expect_error(2,
		     "netring: dump: --match-mac 03:00:00:00:00:01: a group address; only unicast destinations can be taken",
		     ARGS("dump", "-i", "nosuch0", "--take", "--match-mac",
			  "03:00:00:00:00:01"));
	expect_error(2,
		     "netring: dump: --match-mac 02:00:00:00:00:09: at most 8 addresses",
		     ARGS("dump", "-i", "nosuch0", "--take",
			  "--match-mac", "02:00:00:00:00:01",
			  "--match-mac", "02:00:00:00:00:02",
			  "--match-mac", "02:00:00:00:00:03",
			  "--match-mac", "02:00:00:00:00:04",
			  "--match-mac", "02:00:00:00:00:05",
			  "--match-mac", "02:00:00:00:00:06",
			  "--match-mac", "02:00:00:00:00:07",
			  "--match-mac", "02:00:00:00:00:08",
			  "--match-mac", "02:00:00:00:00:09"));
	expect_error(2,
		     "netring: dump: --match-ethertype 0x05dc: out of range (0x0600 to 0xffff; below are 802.3 lengths)",
		     ARGS("dump", "-i", "nosuch0", "--take",
			  "--match-ethertype", "0x05dc"));
	expect_error(2,
		     "netring: dump: --match-ethertype '0x': not a hexadecimal EtherType (e.g. 0x88b5)",
		     ARGS("dump", "-i", "nosuch0", "--take",
			  "--match-ethertype", "0x"));
	expect_error(2,
		     "netring: dump: --match-proto 'gre': not udp, tcp, icmp, icmpv6 or a protocol number",
		     ARGS("dump", "-i", "nosuch0", "--take", "--match-proto",
			  "gre"));
	expect_error(2,
		     "netring: dump: --match-port 70000: out of range (0 to 65535)",
		     ARGS("dump", "-i", "nosuch0", "--take", "--match-port",
			  "70000"));
	expect_error(2,
		     "netring: dump: --match-arp-for '192.0.2.01': not an IPv4 address (e.g. 192.0.2.1)",
		     ARGS("dump", "-i", "nosuch0", "--take", "--match-arp-for",
			  "192.0.2.01"));
	expect_error(2,
		     "netring: dump: --xdp-mode offload: one of auto, native, generic",
		     ARGS("dump", "-i", "nosuch0", "--take", "--xdp-mode",
			  "offload"));
	expect_error(2, "netring: dump: --bind zc: one of auto, zerocopy, copy",
		     ARGS("dump", "-i", "nosuch0", "--take", "--bind", "zc"));
	expect_error(2,
		     "netring: dump: -b xdp takes frames from the host: add --take (to watch them, use -b packet)",
		     ARGS("dump", "-i", "nosuch0", "-b", "xdp"));
	expect_error(2,
		     "netring: dump: --match-port needs take mode (--take): only the xdp backend applies it, and it takes frames",
		     ARGS("dump", "-i", "nosuch0", "--match-port", "53"));
	expect_error(2,
		     "netring: dump: --fallback is for -b auto (from xdp to packet), not packet",
		     ARGS("dump", "-i", "nosuch0", "-b", "packet", "--take",
			  "--fallback"));
	expect_error(2,
		     "netring: dump: -i and -r exclude each other: plug an interface or read a file",
		     ARGS("dump", "-i", "nosuch0", "-r", "in.pcap"));
	expect_error(2,
		     "netring: dump: --replay-speed '1/2': not a speed (e.g. 1, 0.5 or 4; 0: as fast as possible)",
		     ARGS("dump", "-r", "in.pcap", "--replay-speed", "1/2"));
	expect_error(2,
		     "netring: dump: --replay-speed 1000.5: out of range (0 to 1000, at most 3 decimals)",
		     ARGS("dump", "-r", "in.pcap", "--replay-speed", "1000.5"));
	expect_error(2,
		     "netring: dump: --replay-speed is about the -r file; there is none",
		     ARGS("dump", "-i", "nosuch0", "--replay-speed", "1"));
	expect_error(2,
		     "netring: dump: -i tap:abcdefghijklmnop: TAP names are at most 15 characters",
		     ARGS("dump", "-i", "tap:abcdefghijklmnop"));
	expect_error(2, "netring: dump: -i tap:: no TAP name after 'tap:'",
		     ARGS("dump", "-i", "tap:"));
	expect_error(2,
		     "netring: dump: -i tap:nrc0 is for the tap backend, not -b packet",
		     ARGS("dump", "-i", "tap:nrc0", "-b", "packet"));
}

/* Refusals that come from the library, and need no capability. */
static void test_library_refusals(void)
{
	expect_error(2, "netring: nosuch0: no such interface",
		     ARGS("dump", "-i", "nosuch0"));
	expect_error(2, "netring: nosuch0: no such interface",
		     ARGS("dump", "-i", "nosuch0", "-q", "--stats", "json"));
	expect_error(2, "netring: lo: not an Ethernet interface (link type 772)",
		     ARGS("dump", "-i", "lo"));
	/* Each value is fine alone; the library refuses the product (64 GiB),
	 * before it looks for the interface. */
	expect_error(2,
		     "netring: ring of 1048576 frames of 65536 bytes: larger than 1024 MiB",
		     ARGS("dump", "-i", "nosuch0", "--ring-frames", "1048576",
			  "--frame-size", "65536"));
}

static void test_pcap_path(void)
{
	char dir[] = "/tmp/nrc-unit-cli-XXXXXX";
	char path[256], want[512];
	struct stat st;

	if (!mkdtemp(dir)) {
		perror("unit_cli: mkdtemp");
		exit(1);
	}
	/* The file is opened before the interface is looked up: its error
	 * wins over "no such interface". */
	snprintf(want, sizeof(want), "netring: %s: Is a directory", dir);
	expect_error(2, want, ARGS("dump", "-i", "nosuch0", "-w", dir));
	snprintf(path, sizeof(path), "%s/missing/f.pcap", dir);
	snprintf(want, sizeof(want), "netring: %s: No such file or directory",
		 path);
	expect_error(2, want, ARGS("dump", "-i", "nosuch0", "-w", path));

	/* A good path: the file exists (pcap header only) when the plug
	 * then fails. */
	snprintf(path, sizeof(path), "%s/f.pcap", dir);
	expect_error(2, "netring: nosuch0: no such interface",
		     ARGS("dump", "-i", "nosuch0", "-w", path));
	CHECK(stat(path, &st) == 0 && st.st_size == 24,
	      "%s: not a 24-byte pcap header (size %lld)", path,
	      (long long)st.st_size);
	unlink(path);
	rmdir(dir);
}

/* An Ethernet link of this namespace, for refusals that need a real one. */
static bool find_ethernet(char *name, size_t size)
{
	struct netring_if ifs[64];
	int n = netring_if_list(ifs, 64, 0);

	for (int i = 0; i < n && i < 64; i++) {
		if (ifs[i].flags & NETRING_IF_ETHERNET) {
			snprintf(name, size, "%s", ifs[i].name);
			return true;
		}
	}
	return false;
}

static void test_runtime_refusals(void)
{
	static struct run r;
	char eth[NETRING_IFNAMSIZ], want[64];

	if (!find_ethernet(eth, sizeof(eth))) {
		printf("unit_cli: no Ethernet link in this namespace: the -EOPNOTSUPP and -EPERM cases were not run\n");
		return;
	}
	snprintf(want, sizeof(want), "netring: %s: ", eth);

	/* -EOPNOTSUPP: AF_PACKET cannot take frames from the host. */
	run_cli(&r, false, ARGS("dump", "-i", eth, "-b", "packet", "--take"));
	CHECK(r.status == 1 && matches(r.err, STARTS, want) &&
		      stderr_lines_prefixed(r.err) && !r.out[0],
	      "dump -i %s -b packet --take: exit %d\n%s", eth, r.status, r.err);

	/* -EPERM: without CAP_NET_RAW (as nobody when run as root). */
	run_cli(&r, geteuid() == 0, ARGS("dump", "-i", eth, "-c", "1"));
	CHECK(r.status == 1 && matches(r.err, STARTS, want) &&
		      matches(r.err, CONTAINS, "CAP_NET_RAW") &&
		      stderr_lines_prefixed(r.err) && !r.out[0],
	      "dump -i %s unprivileged: exit %d\n%s", eth, r.status, r.err);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: unit_cli PATH-TO-netring\n");
		return 1;
	}
	netring_bin = argv[1];
	if (access(netring_bin, X_OK) != 0) {
		perror(netring_bin);
		return 1;
	}
	test_informational();
	test_usage_errors();
	test_bad_values();
	test_bad_backend_options();
	test_library_refusals();
	test_pcap_path();
	test_runtime_refusals();
	if (failures) {
		printf("unit_cli: %d failures\n", failures);
		return 1;
	}
	printf("unit_cli: all passed\n");
	return 0;
}
