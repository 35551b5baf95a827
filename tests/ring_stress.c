// SPDX-License-Identifier: MIT
/*
 * ring_stress.c - a producer and a consumer hammer one slot ring: two
 * threads sharing one handle, or two processes sharing the ring by memfd or
 * by shared-memory name (two mappings).  Every frame carries its sequence number, its length
 * and a checksum, and its bytes are a function of the sequence number, so
 * the consumer proves that nothing was lost except frames counted as
 * dropped, nothing duplicated or reordered, and nothing torn.
 *
 * In one phase of eight the producer does not wait for room: frames that
 * find the ring full are dropped and counted; the consumer stalls until it
 * sees the counter move, so the drop path is always exercised.  Frames of
 * every 97th sequence number are longer than a slot (cut and flagged).
 *
 *	ring_stress [-n FRAMES] [-m thread|process|shm] [-s SLOTS] [-z SLOT_SIZE]
 *		    [-p PHASE_SHIFT] [-l MIN:MAX]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netring.h"
#include "ring_test.h"

#define HDR 16u /* seq u64, length u32, checksum u32 */
#define BATCH 32u
#define DEADLINE_NS (60ull * 1000000000ull) /* no progress for this long */

enum mode { MODE_THREAD, MODE_PROCESS, MODE_SHM };

struct stress {
	enum mode mode;
	uint64_t frames;
	uint32_t slots;
	uint32_t slot_size;
	uint32_t capacity;
	uint32_t phase_shift;
	uint32_t len_min, len_max;
	char shm_name[64];
	int ring_fd;
	struct netring_ring *ring; /* thread mode: shared by both threads */
	atomic_bool producer_failed; /* thread mode */
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The intended length of frame seq (before any cut to the slot). */
static uint32_t frame_len(const struct stress *s, uint64_t seq)
{
	if (seq % 97 == 96)
		return s->capacity + 1 + (uint32_t)(seq % 700);
	return s->len_min +
	       (uint32_t)(mix64(seq) % (s->len_max - s->len_min + 1));
}

static bool drop_phase(const struct stress *s, uint64_t seq)
{
	return ((seq >> s->phase_shift) & 7) == 7;
}

/* Payload word w of frame seq: one add per word to make, one to check. */
static inline uint64_t word_of(uint64_t base, uint64_t w)
{
	return base + w * 0x9e3779b97f4a7c15ull;
}

/*
 * Write frame seq (cut to `room` bytes) at dst.  The checksum covers the
 * whole intended frame after the header, so it is computed even over the
 * part that is cut.
 */
static void frame_write(uint8_t *dst, uint32_t room, uint64_t seq,
			uint32_t len)
{
	uint64_t base = mix64(seq ^ 0x5eed), sum = 0;
	uint32_t off, n = len < room ? len : room, csum;

	for (off = HDR; off < len; off += 8) {
		uint64_t w = word_of(base, (off - HDR) / 8);

		sum = (sum ^ w) * 0x100000001b3ull;
		if (off < n)
			memcpy(dst + off, &w, n - off < 8 ? n - off : 8);
	}
	csum = (uint32_t)(sum ^ (sum >> 32));
	memcpy(dst, &seq, 8);
	memcpy(dst + 8, &len, 4);
	memcpy(dst + 12, &csum, 4);
}

/* Check a delivered frame; returns its seq, or UINT64_MAX (and says why). */
static uint64_t frame_check(const struct stress *s,
			    const struct netring_frame *f)
{
	uint64_t seq, base, sum = 0;
	uint32_t len, csum, off, want;

	if (f->len < HDR) {
		fprintf(stderr, "frame of %u bytes: shorter than its header\n",
			f->len);
		return UINT64_MAX;
	}
	memcpy(&seq, f->data, 8);
	memcpy(&len, f->data + 8, 4);
	memcpy(&csum, f->data + 12, 4);
	if (seq >= s->frames || len != frame_len(s, seq)) {
		fprintf(stderr, "seq %" PRIu64 ": length field %u (expected %u)\n",
			seq, len, seq < s->frames ? frame_len(s, seq) : 0);
		return UINT64_MAX;
	}
	want = len < s->capacity ? len : s->capacity;
	if (f->len != want || f->wire_len != len ||
	    !!(f->flags & NETRING_FRAME_TRUNCATED) != (len > s->capacity)) {
		fprintf(stderr,
			"seq %" PRIu64 ": len %u wire_len %u flags 0x%x, expected %u %u\n",
			seq, f->len, f->wire_len, f->flags, want, len);
		return UINT64_MAX;
	}
	base = mix64(seq ^ 0x5eed);
	for (off = HDR; off < len; off += 8) {
		uint64_t w = word_of(base, (off - HDR) / 8), got = 0;

		sum = (sum ^ w) * 0x100000001b3ull;
		if (off < f->len) {
			uint32_t k = f->len - off < 8 ? f->len - off : 8;

			memcpy(&got, f->data + off, k);
			if (k < 8)
				w &= (1ull << (8 * k)) - 1;
			if (got != w) {
				fprintf(stderr,
					"seq %" PRIu64 ": torn or corrupt at byte %u\n",
					seq, off);
				return UINT64_MAX;
			}
		}
	}
	if ((uint32_t)(sum ^ (sum >> 32)) != csum) {
		fprintf(stderr, "seq %" PRIu64 ": checksum 0x%08x, expected 0x%08x\n",
			seq, csum, (uint32_t)(sum ^ (sum >> 32)));
		return UINT64_MAX;
	}
	return seq;
}

/*
 * Batches alternate between the copying calls (netring_ring_push() in a
 * drop phase, else reserve + netring_ring_slot_fill() + commit) and writing
 * in place (reserve + slot_data + slot_set + commit).  Outside drop phases
 * a full ring makes the producer wait (yield) rather than drop.
 */
static int producer_run(const struct stress *s, struct netring_ring *r)
{
	const size_t room = s->capacity + 1024;
	struct netring_frame fr[BATCH];
	uint64_t seq = 0, last_progress = t_mono_ns();
	uint8_t *scratch = malloc(BATCH * room);
	bool copy_path = false;
	int rc = 0;

	if (!scratch)
		return -ENOMEM;
	while (seq < s->frames) {
		unsigned want = s->frames - seq < BATCH ? (unsigned)(s->frames - seq) :
							 BATCH;
		bool may_drop = drop_phase(s, seq);
		uint32_t idx;
		unsigned i;
		int got;

		copy_path = !copy_path;
		if (copy_path) {
			for (i = 0; i < want; i++) {
				uint32_t len = frame_len(s, seq + i);

				frame_write(scratch + i * room, len, seq + i, len);
				fr[i] = (struct netring_frame){
					.data = scratch + i * room, .len = len,
					.wire_len = len };
			}
		}
		if (copy_path && may_drop) {
			/* Copies what fits, drops and counts the rest. */
			got = netring_ring_push(r, fr, want);
			if (got < 0) {
				rc = got;
				break;
			}
			seq += want;
			continue;
		}

		got = netring_ring_reserve(r, want, &idx);
		if (got < 0) {
			rc = got;
			break;
		}
		if (got == 0 && !may_drop) {
			if (t_mono_ns() - last_progress > DEADLINE_NS) {
				rc = -ETIMEDOUT;
				break;
			}
			sched_yield();
			copy_path = !copy_path; /* retry the same batch */
			continue;
		}
		last_progress = t_mono_ns();
		for (i = 0; i < (unsigned)got; i++) {
			uint32_t len = frame_len(s, seq + i);
			struct netring_frame d = { .len = len, .wire_len = len };

			if (copy_path) {
				netring_ring_slot_fill(r, idx + i, &fr[i]);
				continue;
			}
			frame_write(netring_ring_slot_data(r, idx + i),
				    s->capacity, seq + i, len);
			netring_ring_slot_set(r, idx + i, &d);
		}
		netring_ring_commit(r, (unsigned)got);
		if (may_drop && (unsigned)got < want)
			netring_ring_drop(r, want - (unsigned)got);
		seq += may_drop ? want : (unsigned)got;
	}
	free(scratch);
	return rc;
}

/* ------------------------------------------------------------------------ */

struct consumer_result {
	uint64_t received, missing, truncated, stalls;
	bool ok;
};

static bool producer_alive(const struct stress *s, pid_t child)
{
	int status;

	if (s->mode == MODE_THREAD)
		return !atomic_load(&s->producer_failed);
	return waitpid(child, &status, WNOHANG) == 0;
}

static void consumer_run(const struct stress *s, struct netring_ring *r,
			 pid_t child, struct consumer_result *res)
{
	struct netring_frame f[64];
	uint64_t expect = 0, last_progress = t_mono_ns(), stalled_phase = UINT64_MAX;
	struct netring_ring_stats st;

	memset(res, 0, sizeof(*res));
	while (expect < s->frames) {
		int n = netring_ring_peek(r, f, 64), i;

		if (n < 0) {
			fprintf(stderr, "peek: %d\n", n);
			return;
		}
		if (n == 0) {
			netring_ring_stats_get(r, &st, sizeof(st));
			/* Everything produced is taken and the rest dropped:
			 * the dropped tail of the stream never comes. */
			if (st.produced == res->received &&
			    st.produced + st.dropped == s->frames)
				break;
			if (t_mono_ns() - last_progress > DEADLINE_NS ||
			    !producer_alive(s, child)) {
				fprintf(stderr,
					"producer stopped at %" PRIu64 " of %" PRIu64 "\n",
					expect, s->frames);
				return;
			}
			sched_yield();
			continue;
		}
		last_progress = t_mono_ns();
		for (i = 0; i < n; i++) {
			uint64_t seq = frame_check(s, &f[i]);

			if (seq == UINT64_MAX)
				return;
			if (seq < expect) {
				fprintf(stderr,
					"seq %" PRIu64 " after %" PRIu64 ": %s\n",
					seq, expect - 1,
					seq == expect - 1 ? "duplicated" : "reordered");
				return;
			}
			res->missing += seq - expect;
			expect = seq + 1;
			res->received++;
			res->truncated += !!(f[i].flags & NETRING_FRAME_TRUNCATED);
		}
		netring_ring_release(r, (unsigned)n);

		/* At the start of each drop phase, stop taking frames until
		 * the producer has found the ring full and dropped, or has
		 * already left the phase (it can only have got that far
		 * ahead by dropping).  produced + dropped is how far into
		 * the stream the producer is. */
		if (drop_phase(s, expect) &&
		    (expect >> s->phase_shift) != stalled_phase) {
			uint64_t dropped0, t0 = t_mono_ns();

			stalled_phase = expect >> s->phase_shift;
			netring_ring_stats_get(r, &st, sizeof(st));
			dropped0 = st.dropped;
			for (;;) {
				netring_ring_stats_get(r, &st, sizeof(st));
				if (st.dropped != dropped0 ||
				    st.produced + st.dropped == s->frames ||
				    ((st.produced + st.dropped) >> s->phase_shift) >
					    stalled_phase)
					break;
				if (t_mono_ns() - t0 > DEADLINE_NS ||
				    !producer_alive(s, child)) {
					fprintf(stderr, "no drop while stalled\n");
					return;
				}
				sched_yield();
			}
			res->stalls++;
		}
	}
	/* A dropped tail of the stream is missing too. */
	res->missing += s->frames - expect;
	res->ok = true;
}

/* ------------------------------------------------------------------------ */

/*
 * The producer thread uses the consumer's handle, so both threads touch the
 * same mapping: ThreadSanitizer follows memory by address, and would not
 * see the two sides meet through two mappings of one memfd.
 */
static void *producer_thread(void *arg)
{
	struct stress *s = arg;
	int rc = producer_run(s, s->ring);

	if (rc) {
		fprintf(stderr, "producer: %s\n", strerror(-rc));
		atomic_store(&s->producer_failed, true);
	}
	return NULL;
}

static int producer_process(const struct stress *s)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_ring *r;
	int rc;

	if (s->mode == MODE_SHM)
		rc = netring_ring_attach_name(&r, s->shm_name, err);
	else
		rc = netring_ring_attach_fd(&r, s->ring_fd, err);
	if (rc) {
		fprintf(stderr, "producer attach: %s\n", err);
		return T_FAIL;
	}
	rc = producer_run(s, r);
	netring_ring_close(r);
	if (rc) {
		fprintf(stderr, "producer: %s\n", strerror(-rc));
		return T_FAIL;
	}
	return T_PASS;
}

static int parse_args(struct stress *s, int argc, char **argv)
{
	int c;

	memset(s, 0, sizeof(*s));
	s->frames = 1000000;
	s->slots = 1024;
	s->slot_size = 2048;
	s->phase_shift = 16;
	s->len_min = 60;
	s->len_max = 1514;
	while ((c = getopt(argc, argv, "n:m:s:z:p:l:")) != -1) {
		switch (c) {
		case 'n':
			s->frames = strtoull(optarg, NULL, 10);
			break;
		case 'm':
			if (!strcmp(optarg, "thread"))
				s->mode = MODE_THREAD;
			else if (!strcmp(optarg, "process"))
				s->mode = MODE_PROCESS;
			else if (!strcmp(optarg, "shm"))
				s->mode = MODE_SHM;
			else
				return -EINVAL;
			break;
		case 's':
			s->slots = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'z':
			s->slot_size = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			s->phase_shift = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'l':
			if (sscanf(optarg, "%u:%u", &s->len_min, &s->len_max) != 2)
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	s->capacity = s->slot_size - NETRING_RING_SLOT_DESC;
	if (!s->frames || s->len_min < HDR || s->len_min > s->len_max ||
	    s->len_max > s->capacity || s->phase_shift > 40 ||
	    (1ull << s->phase_shift) < 2ull * (s->slots + BATCH))
		return -EINVAL;
	return 0;
}

static const char *const mode_names[] = { "thread", "process", "shm" };

int main(int argc, char **argv)
{
	struct netring_ring_opts o = { .sz = sizeof(o) };
	char err[NETRING_ERRBUF_SIZE];
	struct consumer_result res;
	struct netring_ring_stats st;
	struct netring_ring *r;
	struct stress s;
	pthread_t thread;
	pid_t child = 0;
	uint64_t t0, t1, phases;
	double secs;
	int rc, status, ok;

	if (parse_args(&s, argc, argv)) {
		fprintf(stderr,
			"usage: ring_stress [-n FRAMES] [-m thread|process|shm] [-s SLOTS] [-z SLOT_SIZE]\n"
			"                   [-p PHASE_SHIFT] [-l MIN:MAX]  (2^PHASE_SHIFT >= 2 * (SLOTS + 32),\n"
			"                   16 <= MIN <= MAX <= SLOT_SIZE - 32)\n");
		return T_FAIL;
	}
	o.slot_count = s.slots;
	o.slot_size = s.slot_size;
	o.first_index = UINT32_MAX - 1000; /* cross the index wrap early */
	if (s.mode == MODE_SHM) {
		snprintf(s.shm_name, sizeof(s.shm_name), "/nrr-stress-%d",
			 (int)getpid());
		o.shm_name = s.shm_name;
	}
	rc = netring_ring_create(&r, &o, err);
	if (rc) {
		fprintf(stderr, "create: %s\n", err);
		return T_FAIL;
	}
	s.ring_fd = netring_ring_fd(r);
	s.ring = r;

	t0 = t_mono_ns();
	if (s.mode == MODE_THREAD) {
		if (pthread_create(&thread, NULL, producer_thread, &s)) {
			fprintf(stderr, "pthread_create failed\n");
			return T_FAIL;
		}
	} else {
		fflush(NULL);
		child = fork();
		if (child < 0) {
			perror("fork");
			return T_FAIL;
		}
		if (child == 0)
			_exit(producer_process(&s));
	}
	consumer_run(&s, r, child, &res);
	t1 = t_mono_ns();

	if (s.mode == MODE_THREAD) {
		if (!res.ok)
			atomic_store(&s.producer_failed, true);
		pthread_join(thread, NULL);
		ok = !atomic_load(&s.producer_failed);
	} else {
		if (!res.ok)
			kill(child, SIGKILL);
		ok = waitpid(child, &status, 0) == child && WIFEXITED(status) &&
		     WEXITSTATUS(status) == 0;
	}
	CHECK(ok, "the producer failed");
	CHECK(res.ok, "the consumer found a fault");

	netring_ring_stats_get(r, &st, sizeof(st));
	CHECK(st.produced == res.received, "produced %" PRIu64 ", received %" PRIu64,
	      st.produced, res.received);
	CHECK(st.dropped == res.missing,
	      "dropped %" PRIu64 ", but %" PRIu64 " sequence numbers missing",
	      st.dropped, res.missing);
	CHECK(st.produced + st.dropped == s.frames,
	      "produced + dropped = %" PRIu64 ", sent %" PRIu64,
	      st.produced + st.dropped, s.frames);
	CHECK(st.truncated == res.truncated && res.truncated > 0,
	      "truncated %" PRIu64 ", seen %" PRIu64, st.truncated, res.truncated);
	/* Every drop phase the stream reached made the producer drop. */
	phases = 0;
	for (uint64_t p = 7; (p << s.phase_shift) + s.slots + BATCH < s.frames;
	     p += 8)
		phases++;
	CHECK(res.stalls >= phases && (phases == 0 || st.dropped > 0),
	      "%" PRIu64 " stalls with drops, %" PRIu64 " drop phases",
	      res.stalls, phases);
	netring_ring_close(r);

	secs = (double)(t1 - t0) / 1e9;
	printf("%s: %" PRIu64 " frames (%" PRIu64 " delivered, %" PRIu64
	       " dropped, %" PRIu64 " cut) in %.2f s: %.2f M frames/s\n",
	       mode_names[s.mode], s.frames, res.received, st.dropped,
	       res.truncated, secs, (double)s.frames / secs / 1e6);
	return t_result("ring_stress");
}
