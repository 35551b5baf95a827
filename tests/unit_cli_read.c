/* SPDX-License-Identifier: MIT */
/*
 * unit_cli_read.c - `netring dump -r FILE`: a capture is read to its end and
 * the tool stops there with status 0 (drained, summary printed), a damaged
 * one stops with status 1 and says where, a missing or foreign one is
 * refused with status 2, -w writes the same bytes back, and --replay-speed
 * paces.  Reading a file needs no privilege.
 * Usage: unit_cli_read PATH-TO-netring
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_TIMEOUT_MS 20000
#define OUTPUT_MAX 65536
#define FRAMES 4
#define JUMBO_LEN 9000u

static const char *netring_bin;
static char dir[] = "/tmp/nrc-unit-read-XXXXXX";
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

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct run {
	int status; /* exit status, or -1 if it did not exit normally */
	uint64_t elapsed_ms;
	char out[OUTPUT_MAX];
	char err[OUTPUT_MAX];
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

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

/* Run netring with args (without argv[0]); waits on a pidfd, bounded. */
static void run_cli(struct run *r, const char *const *args)
{
	const char *argv[32] = { netring_bin };
	int out = memfd_create("nrc-out", MFD_CLOEXEC);
	int err = memfd_create("nrc-err", MFD_CLOEXEC);
	uint64_t start = mono_ms();
	int status, pidfd;
	pid_t pid;

	for (int i = 0; args[i] && i < 30; i++)
		argv[i + 1] = args[i];
	r->status = -1;
	if (out < 0 || err < 0) {
		perror("unit_cli_read: memfd_create");
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		perror("unit_cli_read: fork");
		exit(1);
	}
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		setenv("LC_ALL", "C", 1);
		execv(netring_bin, (char *const *)argv);
		_exit(126);
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

		if (poll(&pfd, 1, RUN_TIMEOUT_MS) == 0) {
			printf("FAIL netring did not exit within %d ms\n",
			       RUN_TIMEOUT_MS);
			failures++;
			kill(pid, SIGKILL);
		}
		close(pidfd);
	}
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		r->status = WEXITSTATUS(status);
	r->elapsed_ms = mono_ms() - start;
	read_all(out, r->out, sizeof(r->out));
	read_all(err, r->err, sizeof(r->err));
}

static bool has(const char *text, const char *want)
{
	return strstr(text, want) != NULL;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The integer value of "key" in a one-line JSON object, or -1. */
static long long json_u64(const char *json, const char *key)
{
	char pattern[64];
	const char *p;

	snprintf(pattern, sizeof(pattern), "\"%s\":", key);
	p = strstr(json, pattern);
	if (!p || p[strlen(pattern)] < '0' || p[strlen(pattern)] > '9')
		return -1;
	return strtoll(p + strlen(pattern), NULL, 10);
}

/* --- capture files, written byte by byte (pcap, microseconds) ---------- */

static const uint32_t frame_lens[FRAMES] = { 60, JUMBO_LEN, 1514, 64 };
#define FRAME_GAP_US 300000u /* between records: for --replay-speed */

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

static void put_frame(FILE *f, uint32_t k, uint32_t len)
{
	static const uint8_t head[14] = { 0x02, 0x6e, 0x72, 0x74, 0x00, 0x02,
					  0x02, 0x6e, 0x72, 0x74, 0x00, 0x01,
					  0x88, 0xb5 };

	fwrite(head, sizeof(head), 1, f);
	for (uint32_t i = sizeof(head); i < len; i++)
		fputc((int)((i * 7 + k * 13) & 0xff), f);
}

/*
 * FRAMES records 0.3 s apart, starting at 1700000000.000001 s.  With
 * `damaged`, the file ends halfway through record 2 (after 2 frames).
 */
static void write_capture(const char *path, bool damaged)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		perror(path);
		exit(1);
	}
	put32(f, 0xa1b2c3d4u);
	put32(f, 2 | 4u << 16); /* version 2.4 */
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, 1); /* DLT_EN10MB */
	for (uint32_t k = 0; k < FRAMES; k++) {
		uint64_t us = 1 + (uint64_t)k * FRAME_GAP_US;

		put32(f, 1700000000u + (uint32_t)(us / 1000000u));
		put32(f, (uint32_t)(us % 1000000u));
		put32(f, frame_lens[k]);
		put32(f, frame_lens[k]);
		if (damaged && k == 2) {
			fwrite("short", 5, 1, f);
			break;
		}
		put_frame(f, k, frame_lens[k]);
	}
	if (fclose(f)) {
		perror(path);
		exit(1);
	}
}

static bool same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	int ca, cb;

	while (same) {
		ca = fgetc(fa);
		cb = fgetc(fb);
		if (ca != cb)
			same = false;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* The size write_capture() gives an undamaged file. */
static long capture_size(void)
{
	long size = 24;

	for (uint32_t k = 0; k < FRAMES; k++)
		size += 16 + (long)frame_lens[k];
	return size;
}

static bool same_size(const char *path, long size)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size == size;
}

static void path_in_dir(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

/* --- the cases ----------------------------------------------------------- */

static void test_whole_file(const char *in)
{
	static struct run r;
	char out[256], want[512];

	path_in_dir(out, sizeof(out), "out.pcap");
	run_cli(&r, ARGS("dump", "-r", in, "-w", out, "-q", "--stats", "json"));
	CHECK(r.status == 0, "dump -r -w: exit %d\n%s", r.status, r.err);
	/* Every frame, whole: the 9000-byte one fits the 16 KiB default. */
	CHECK(has(r.out, "\"backend\":\"pcap\",\"mode\":\"monitor\",\"received\":4,"),
	      "dump -r: JSON: %s", r.out);
	CHECK(has(r.out, "\"dropped\":0,") && has(r.out, "\"truncated\":0,") &&
		      has(r.out, "\"unread\":0,") && has(r.out, "\"note\":\"\","),
	      "dump -r: JSON: %s", r.out);
	CHECK(count_lines(r.out) == 1, "dump -r -q: stdout:\n%s", r.out);
	snprintf(want, sizeof(want), "netring: %s: end of file after 4 frames\n",
		 in);
	CHECK(has(r.err, want), "dump -r: no '%s' in:\n%s", want, r.err);
	CHECK(has(r.err, "frames up to 16128 bytes whole"),
	      "dump -r: slots not 16 KiB:\n%s", r.err);
	CHECK(has(r.err, ": 4 frames received (10638 bytes), 0 dropped"),
	      "dump -r: summary:\n%s", r.err);
	CHECK(!has(r.err, "left unread"), "dump -r: unread:\n%s", r.err);
	snprintf(want, sizeof(want), "netring: %s: 4 frames written\n", out);
	CHECK(has(r.err, want), "dump -r -w: no '%s' in:\n%s", want, r.err);
	/* Same header (precision, snaplen), same records, same stamps. */
	CHECK(same_file(in, out), "dump -r %s -w %s: files differ", in, out);

	/* One line per frame, the long one whole, with the file's stamps. */
	run_cli(&r, ARGS("dump", "-r", in));
	CHECK(r.status == 0 && count_lines(r.out) == FRAMES,
	      "dump -r: exit %d, lines:\n%s", r.status, r.out);
	CHECK(has(r.out, ".000001 in.pcap 60 02:6e:72:74:00:01 > 02:6e:72:74:00:02 0x88b5\n") &&
		      has(r.out, ".300001 in.pcap 9000 02:6e:72:74:00:01 > "),
	      "dump -r: lines:\n%s", r.out);
	unlink(out);
}

static void test_count_leaves_unread(const char *in)
{
	static struct run r;
	long long seen, unread;
	char want[128];

	/* -c stops before the end: the frames read ahead are reported. */
	run_cli(&r, ARGS("dump", "-r", in, "-c", "1", "-q", "--stats", "json"));
	CHECK(r.status == 0, "dump -r -c 1: exit %d\n%s", r.status, r.err);
	CHECK(has(r.out, "\"received\":1,"), "dump -r -c 1: %s", r.out);
	CHECK(!has(r.err, "end of file"), "dump -r -c 1:\n%s", r.err);
	/* The source reads ahead into its ring; whatever it read and the
	 * tool did not take is "unread", on both outputs. */
	seen = json_u64(r.out, "kernel_seen");
	unread = json_u64(r.out, "unread");
	snprintf(want, sizeof(want), ": %lld frames left unread in the ring\n",
		 unread);
	CHECK(seen >= 1 && seen <= FRAMES && unread == seen - 1,
	      "dump -r -c 1: kernel_seen %lld unread %lld", seen, unread);
	CHECK(unread > 0 ? has(r.err, want) : !has(r.err, "left unread"),
	      "dump -r -c 1: no '%s' in:\n%s", want, r.err);
}

static void test_damaged(const char *damaged)
{
	static struct run r;
	char want[512];

	run_cli(&r, ARGS("dump", "-r", damaged, "-q", "--stats", "json"));
	CHECK(r.status == 1, "dump -r damaged: exit %d\n%s", r.status, r.err);
	snprintf(want, sizeof(want), "netring: %s: damaged after 2 frames: ",
		 damaged);
	CHECK(has(r.err, want), "dump -r damaged: no '%s' in:\n%s", want, r.err);
	/* The frames before the damage are received and counted. */
	CHECK(has(r.out, "\"received\":2,"), "dump -r damaged: %s", r.out);
}

static void test_refused(const char *in_path)
{
	static struct run r;
	char path[256], want[512];
	FILE *f;

	path_in_dir(path, sizeof(path), "missing.pcap");
	run_cli(&r, ARGS("dump", "-r", path));
	snprintf(want, sizeof(want), "netring: %s: No such file or directory\n",
		 path);
	CHECK(r.status == 2 && strcmp(r.err, want) == 0 && !r.out[0],
	      "dump -r missing: exit %d\n%s", r.status, r.err);

	run_cli(&r, ARGS("dump", "-r", dir));
	snprintf(want, sizeof(want), "netring: %s: a directory, not a pcap file\n",
		 dir);
	CHECK(r.status == 2 && strcmp(r.err, want) == 0 && !r.out[0],
	      "dump -r dir: exit %d\n%s", r.status, r.err);

	/* -w must not truncate the file -r reads, however it is spelt. */
	snprintf(path, sizeof(path), "%s/../%s/in.pcap", dir, strrchr(dir, '/') + 1);
	run_cli(&r, ARGS("dump", "-r", in_path, "-w", path, "-q"));
	snprintf(want, sizeof(want),
		 "netring: dump: -w %s is the -r file: writing would destroy it\n",
		 path);
	CHECK(r.status == 2 && strcmp(r.err, want) == 0 && !r.out[0],
	      "dump -r X -w X: exit %d\n%s", r.status, r.err);
	CHECK(same_size(in_path, capture_size()),
	      "dump -r X -w X: the input changed");

	path_in_dir(path, sizeof(path), "text.pcap");
	f = fopen(path, "w");
	if (f) {
		fputs("this is not a capture file, just some text\n", f);
		fclose(f);
	}
	run_cli(&r, ARGS("dump", "-r", path));
	snprintf(want, sizeof(want),
		 "netring: %s: not a pcap or pcapng file libpcap can read: ", path);
	CHECK(r.status == 2 && strncmp(r.err, want, strlen(want)) == 0 &&
		      !r.out[0],
	      "dump -r text: exit %d\n%s", r.status, r.err);
	unlink(path);
}

static void test_replay_speed(const char *in)
{
	static struct run r;
	/* FRAMES - 1 gaps of 0.3 s between the first and last record. */
	const uint64_t span_ms = (FRAMES - 1) * FRAME_GAP_US / 1000u;

	run_cli(&r, ARGS("dump", "-r", in, "-q", "--replay-speed", "1"));
	CHECK(r.status == 0 && r.elapsed_ms >= span_ms,
	      "--replay-speed 1: exit %d after %llu ms, want >= %llu\n%s",
	      r.status, (unsigned long long)r.elapsed_ms,
	      (unsigned long long)span_ms, r.err);
	CHECK(has(r.err, "replayed at 1.000x its pace"),
	      "--replay-speed 1:\n%s", r.err);
	run_cli(&r, ARGS("dump", "-r", in, "-q", "--replay-speed", "4.5"));
	CHECK(r.status == 0 && r.elapsed_ms >= span_ms * 1000 / 4500,
	      "--replay-speed 4.5: exit %d after %llu ms\n%s", r.status,
	      (unsigned long long)r.elapsed_ms, r.err);
	CHECK(has(r.err, "replayed at 4.500x its pace"),
	      "--replay-speed 4.5:\n%s", r.err);
}

int main(int argc, char **argv)
{
	char in[256], damaged[256];

	if (argc != 2) {
		fprintf(stderr, "usage: unit_cli_read PATH-TO-netring\n");
		return 1;
	}
	netring_bin = argv[1];
	if (access(netring_bin, X_OK) != 0) {
		perror(netring_bin);
		return 1;
	}
	if (!mkdtemp(dir)) {
		perror("unit_cli_read: mkdtemp");
		return 1;
	}
	path_in_dir(in, sizeof(in), "in.pcap");
	path_in_dir(damaged, sizeof(damaged), "damaged.pcap");
	write_capture(in, false);
	write_capture(damaged, true);

	test_whole_file(in);
	test_count_leaves_unread(in);
	test_damaged(damaged);
	test_refused(in);
	test_replay_speed(in);

	unlink(in);
	unlink(damaged);
	rmdir(dir);
	if (failures) {
		printf("unit_cli_read: %d failures\n", failures);
		return 1;
	}
	printf("unit_cli_read: all passed\n");
	return 0;
}
