// SPDX-License-Identifier: MIT
/*
 * priv_ring.c - a shared ring is private to its creator unless it says
 * otherwise, and a consumer cannot harm the producer through it:
 *   - a named ring is created 0600 whatever the umask, or exactly the mode
 *     given; a memfd ring is 0600 too;
 *   - another user (a child that became nobody) cannot attach it by name:
 *     -EACCES for 0600 and 0640; with 0666 it can (the control);
 *   - a consumer that attached stores into a frame's bytes: SIGSEGV (the
 *     slots are read-only until the handle produces); releasing (a store to
 *     cons) works, and an attached handle that produces can write;
 *   - a hostile consumer that rewrites the producer's index and counters
 *     in its own read-write mapping misleads only itself: the producer's
 *     next commit publishes the true index and totals, and an
 *     out-of-bounds consumer index stops the producer with -EBADMSG.
 * Needs root (to become nobody).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netring.h"
#include "ring_test.h"

#define SLOTS 64u
#define SLOT_SIZE 2048u

static uid_t nobody_uid;
static gid_t nobody_gid;

/* Run fn in a child; its exit status, or 128 + the signal that ended it. */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	REQUIRE(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		_exit(fn(arg));
	REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid");
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Child: become nobody (no groups), try to attach the ring by name.
 * Exits 0 attached, 13 -EACCES, 1 anything else. */
static int attach_as_nobody(void *arg)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_ring *r;
	int rc;

	if (setgroups(0, NULL) || setresgid(nobody_gid, nobody_gid, nobody_gid) ||
	    setresuid(nobody_uid, nobody_uid, nobody_uid) || getuid() == 0)
		return 2;
	rc = netring_ring_attach_name(&r, arg, err);
	if (rc == 0) {
		netring_ring_close(r);
		return 0;
	}
	if (rc == -EACCES && r == NULL && strstr(err, "Permission denied"))
		return 13;
	fprintf(stderr, "attach as nobody: %d %s\n", rc, err);
	return 1;
}

static void test_named_modes(void)
{
	static const struct {
		unsigned mode;  /* 0: the default */
		mode_t umask;
		unsigned expect; /* mode of the object */
		int child;       /* attach_as_nobody()'s status */
	} cases[] = {
		{ 0, 0, 0600, 13 },     /* the default, even with umask 0 */
		{ 0640, 077, 0640, 13 }, /* the mode given, not the umask's */
		{ 0600, 022, 0600, 13 },
		{ 0666, 077, 0666, 0 },  /* control: nobody may when allowed */
	};
	char name[64], err[NETRING_ERRBUF_SIZE];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct netring_ring_opts o = { .sz = sizeof(o), .slot_count = SLOTS,
					       .slot_size = SLOT_SIZE,
					       .mode = cases[i].mode };
		struct netring_ring *r;
		struct stat st;
		int rc;

		snprintf(name, sizeof(name), "/nrp-ring-%d-%zu", (int)getpid(), i);
		o.shm_name = name;
		umask(cases[i].umask);
		rc = netring_ring_create(&r, &o, err);
		REQUIRE(rc == 0, "create %s: %d %s", name, rc, err);
		CHECK(fstat(netring_ring_fd(r), &st) == 0 &&
			      (st.st_mode & 07777) == cases[i].expect,
		      "mode 0%o asked, umask 0%o: object is 0%o, expected 0%o",
		      cases[i].mode, (unsigned)cases[i].umask,
		      (unsigned)(st.st_mode & 07777), cases[i].expect);
		rc = in_child(attach_as_nobody, name);
		CHECK(rc == cases[i].child,
		      "nobody attaching a 0%o ring: child status %d, expected %d (13: -EACCES)",
		      cases[i].expect, rc, cases[i].child);
		netring_ring_close(r);
		printf("named ring 0%o (umask 0%o): nobody %s\n", cases[i].expect,
		       (unsigned)cases[i].umask,
		       rc == 13 ? "refused with -EACCES" : "attached");
	}
	umask(022);

	/* The anonymous kind, for fd passing: 0600 as well. */
	{
		struct netring_ring *r;
		struct stat st;

		REQUIRE(netring_ring_create(&r, NULL, err) == 0, "memfd: %s", err);
		CHECK(fstat(netring_ring_fd(r), &st) == 0 &&
			      (st.st_mode & 07777) == 0600,
		      "memfd ring is 0%o", (unsigned)(st.st_mode & 07777));
		netring_ring_close(r);
	}
}

static struct netring_ring *producer;

static int push_seq(struct netring_ring *r, uint32_t seq)
{
	uint8_t bytes[64] = { 0 };
	struct netring_frame f = { .data = bytes, .len = sizeof(bytes),
				   .wire_len = sizeof(bytes) };

	memcpy(bytes, &seq, sizeof(seq));
	return netring_ring_push(r, &f, 1);
}

/* Child: attach as a consumer, take a frame, then store into its bytes. */
static int consumer_scribbles_a_frame(void *arg)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_frame f;
	struct netring_ring *c;

	(void)arg;
	if (netring_ring_attach_fd(&c, netring_ring_fd(producer), err) ||
	    netring_ring_peek(c, &f, 1) != 1)
		return 1;
	((volatile uint8_t *)f.data)[0] = 0xff; /* must fault */
	return 0;
}

/* Child: a well-behaved consumer takes and releases a frame (its store to
 * cons works), then produces one on the same handle (the slots become
 * writable when it reserves). */
static int consumer_releases_then_produces(void *arg)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_frame f;
	struct netring_ring *c;
	uint32_t seq;

	(void)arg;
	if (netring_ring_attach_fd(&c, netring_ring_fd(producer), err))
		return 1;
	if (netring_ring_peek(c, &f, 1) != 1)
		return 2;
	memcpy(&seq, f.data, sizeof(seq));
	if (seq != 1 || netring_ring_release(c, 1))
		return 3;
	if (push_seq(c, 2) != 1)
		return 4;
	netring_ring_close(c);
	return 0;
}

static void test_consumer_cannot_write_frames(void)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_ring_stats s;
	struct netring_frame f;
	struct netring_ring *c;
	uint32_t seq;
	int rc;

	REQUIRE(netring_ring_create(&producer, &(struct netring_ring_opts){
		.sz = sizeof(struct netring_ring_opts), .slot_count = SLOTS,
		.slot_size = SLOT_SIZE }, err) == 0, "create: %s", err);
	REQUIRE(push_seq(producer, 1) == 1, "push 1");
	rc = in_child(consumer_scribbles_a_frame, NULL);
	CHECK(rc == 128 + SIGSEGV,
	      "a consumer's store into a frame: child status %d, expected SIGSEGV (%d)",
	      rc, 128 + SIGSEGV);
	rc = in_child(consumer_releases_then_produces, NULL);
	CHECK(rc == 0, "consumer release then produce: child status %d", rc);
	/* The child released frame 1 and produced frame 2: take it here. */
	REQUIRE(netring_ring_attach_fd(&c, netring_ring_fd(producer), err) == 0,
		"attach: %s", err);
	CHECK(netring_ring_peek(c, &f, 1) == 1, "frame 2 waits");
	memcpy(&seq, f.data, sizeof(seq));
	CHECK(seq == 2, "frame %u, expected 2", seq);
	CHECK(netring_ring_release(c, 1) == 0, "release");
	CHECK(netring_ring_stats_get(producer, &s, sizeof(s)) == 0 &&
		      s.produced == 2 && s.waiting == 0,
	      "produced %llu waiting %llu", (unsigned long long)s.produced,
	      (unsigned long long)s.waiting);
	netring_ring_close(c);
	netring_ring_close(producer);
	printf("consumer store into a frame: SIGSEGV; release and produce: work\n");
}

/* A consumer that maps the descriptor read-write itself (it may: both
 * indices share the header page) and rewrites what the producer owns. */
static void test_hostile_consumer(void)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_ring_stats s;
	struct netring_ring_info info;
	_Atomic uint32_t *prod, *cons;
	_Atomic uint64_t *produced;
	struct netring_ring *p;
	uint8_t *hdr;

	REQUIRE(netring_ring_create(&p, &(struct netring_ring_opts){
		.sz = sizeof(struct netring_ring_opts), .slot_count = SLOTS,
		.slot_size = SLOT_SIZE }, err) == 0, "create: %s", err);
	REQUIRE(netring_ring_get_info(p, &info, sizeof(info)) == 0, "info");
	hdr = mmap(NULL, info.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   netring_ring_fd(p), 0);
	REQUIRE(hdr != MAP_FAILED, "mmap: %s", strerror(errno));
	prod = (_Atomic uint32_t *)(hdr + 64);
	produced = (_Atomic uint64_t *)(hdr + 88);
	cons = (_Atomic uint32_t *)(hdr + 128);

	REQUIRE(push_seq(p, 0) == 1 && push_seq(p, 1) == 1, "push");
	atomic_store(prod, 1000);
	atomic_store(produced, 12345);
	/* The producer never reads its index back: the next commit says
	 * the truth again. */
	CHECK(push_seq(p, 2) == 1, "push after the scribble");
	CHECK(atomic_load(prod) == 3, "prod %u after the next commit, expected 3",
	      atomic_load(prod));
	CHECK(netring_ring_stats_get(p, &s, sizeof(s)) == 0 && s.produced == 3,
	      "produced %llu, expected 3", (unsigned long long)s.produced);
	/* A consumer index out of bounds stops the producer, loudly, the
	 * first time it reads the index (when its cached copy shows no
	 * room): after the 61 free slots, never past them. */
	atomic_store(cons, 3 + SLOTS + 7);
	{
		unsigned pushed = 0;
		int rc;

		while ((rc = push_seq(p, 3 + pushed)) == 1 && pushed < 2 * SLOTS)
			pushed++;
		CHECK(rc == -EBADMSG && pushed == SLOTS - 3,
		      "cons out of bounds: push returned %d after %u frames, expected -EBADMSG after %u",
		      rc, pushed, SLOTS - 3);
	}
	munmap(hdr, info.map_size);
	netring_ring_close(p);
	printf("hostile consumer: prod and counters restored by the next commit; bad cons -> -EBADMSG\n");
}

int main(void)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: needs root (to become nobody)\n");
		return T_SKIP;
	}
	pw = getpwnam("nobody");
	REQUIRE(pw, "no user nobody");
	nobody_uid = pw->pw_uid;
	nobody_gid = pw->pw_gid;
	/* A child's SIGSEGV is expected: no core file for it. */
	signal(SIGSEGV, SIG_DFL);

	test_named_modes();
	test_consumer_cannot_write_frames();
	test_hostile_consumer();
	return t_result("priv_ring");
}
