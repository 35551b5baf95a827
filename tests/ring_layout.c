// SPDX-License-Identifier: MIT
/*
 * ring_layout.c - the shared slot ring as another process sees it: the
 * bytes at the offsets netring.h documents, the permission bits, the
 * options that are refused, and every kind of corrupt header refused on
 * attach (and corrupt indices or slot lengths refused later) with the
 * errno and the message the header promises.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netring.h"
#include "ring_test.h"

#define SLOTS 16u
#define SLOT_SIZE 256u

static uint32_t rd32(const uint8_t *m, size_t off)
{
	uint32_t v;

	memcpy(&v, m + off, 4);
	return v;
}

static uint64_t rd64(const uint8_t *m, size_t off)
{
	uint64_t v;

	memcpy(&v, m + off, 8);
	return v;
}

static void wr32(uint8_t *m, size_t off, uint32_t v)
{
	memcpy(m + off, &v, 4);
}

static void wr64(uint8_t *m, size_t off, uint64_t v)
{
	memcpy(m + off, &v, 8);
}

static uint64_t expected_map_size(uint32_t slots, uint32_t size)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t v = NETRING_RING_SLOTS_OFFSET + (uint64_t)slots * size;

	return (v + page - 1) / page * page;
}

static struct netring_ring *create(uint32_t slots, uint32_t size,
				   uint32_t first)
{
	struct netring_ring_opts o = { .sz = sizeof(o), .slot_count = slots,
				       .slot_size = size, .first_index = first };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_ring *r;
	int rc = netring_ring_create(&r, &o, err);

	REQUIRE(rc == 0, "create: %d %s", rc, err);
	return r;
}

/* A second, raw mapping of the ring, as a foreign process would have. */
static uint8_t *raw_map(int fd, size_t *len)
{
	struct stat st;
	uint8_t *m;

	REQUIRE(fstat(fd, &st) == 0, "fstat");
	*len = (size_t)st.st_size;
	m = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	REQUIRE(m != MAP_FAILED, "mmap");
	return m;
}

static void test_layout(void)
{
	const uint32_t first = UINT32_MAX - 1;
	struct netring_ring *r = create(SLOTS, SLOT_SIZE, first);
	uint8_t payload[300];
	struct netring_frame f = { .data = payload, .len = 100, .wire_len = 100,
				   .ts_ns = 0x1122334455667788ull, .ifindex = 7,
				   .vlan_tci = 0x0abc,
				   .flags = NETRING_FRAME_TS_SOFTWARE };
	struct netring_ring_info info;
	size_t len;
	uint8_t *m;
	size_t slot;
	int i;

	for (i = 0; i < (int)sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	m = raw_map(netring_ring_fd(r), &len);

	CHECK(len == expected_map_size(SLOTS, SLOT_SIZE), "mapping %zu", len);
	CHECK(rd32(m, 0) == NETRING_RING_MAGIC, "magic 0x%x", rd32(m, 0));
	CHECK(rd32(m, 4) == NETRING_RING_VERSION, "version %u", rd32(m, 4));
	CHECK(rd32(m, 8) == NETRING_RING_HDR_SIZE, "hdr_size %u", rd32(m, 8));
	CHECK(rd32(m, 12) == NETRING_RING_SLOTS_OFFSET, "slots_offset %u",
	      rd32(m, 12));
	CHECK(rd32(m, 16) == SLOT_SIZE, "slot_size %u", rd32(m, 16));
	CHECK(rd32(m, 20) == SLOTS, "slot_count %u", rd32(m, 20));
	CHECK(rd32(m, 24) == 0, "flags %u", rd32(m, 24));
	CHECK(rd64(m, 32) == len, "map_size %llu",
	      (unsigned long long)rd64(m, 32));
	CHECK(rd32(m, 64) == first, "prod %u", rd32(m, 64));
	CHECK(rd32(m, 128) == first, "cons %u", rd32(m, 128));

	REQUIRE(netring_ring_get_info(r, &info, sizeof(info)) == 0, "info");
	CHECK(info.slot_count == SLOTS && info.slot_size == SLOT_SIZE &&
		      info.slot_capacity == SLOT_SIZE - NETRING_RING_SLOT_DESC &&
		      info.map_size == len,
	      "info %u %u %u %llu", info.slot_count, info.slot_size,
	      info.slot_capacity, (unsigned long long)info.map_size);

	/* The frames cross the index wrap: the third has index 0. */
	for (i = 0; i < 3; i++)
		CHECK(netring_ring_push(r, &f, 1) == 1, "push %d", i);
	f.len = 300; /* longer than the 224-byte capacity */
	f.wire_len = 0;
	CHECK(netring_ring_push(r, &f, 1) == 1, "push oversize");
	CHECK(rd32(m, 64) == first + 4, "prod after 4 pushes: %u", rd32(m, 64));
	CHECK(rd64(m, 88) == 4, "produced %llu", (unsigned long long)rd64(m, 88));
	CHECK(rd64(m, 80) == 1, "truncated %llu", (unsigned long long)rd64(m, 80));
	CHECK(rd64(m, 72) == 0, "dropped %llu", (unsigned long long)rd64(m, 72));
	netring_ring_drop(r, 5);
	CHECK(rd64(m, 72) == 5, "dropped %llu", (unsigned long long)rd64(m, 72));

	/* Index first+3 == 1 lives in slot 1 (the mask), right after the
	 * header page; its descriptor fields at their documented offsets. */
	slot = NETRING_RING_SLOTS_OFFSET + ((first + 3) & (SLOTS - 1)) * SLOT_SIZE;
	CHECK(slot == NETRING_RING_SLOTS_OFFSET + SLOT_SIZE, "slot %zu", slot);
	CHECK(rd32(m, slot + 0) == SLOT_SIZE - NETRING_RING_SLOT_DESC,
	      "len %u", rd32(m, slot));
	CHECK(rd32(m, slot + 4) == 300, "wire_len %u", rd32(m, slot + 4));
	CHECK(rd64(m, slot + 8) == 0x1122334455667788ull, "ts");
	CHECK(rd32(m, slot + 16) == 7, "ifindex %u", rd32(m, slot + 16));
	CHECK((rd32(m, slot + 20) & 0xffff) == 0x0abc, "vlan_tci");
	CHECK((rd32(m, slot + 20) >> 16) ==
		      (NETRING_FRAME_TS_SOFTWARE | NETRING_FRAME_TRUNCATED),
	      "flags 0x%x", rd32(m, slot + 20) >> 16);
	CHECK(memcmp(m + slot + NETRING_RING_SLOT_DESC, payload,
		     SLOT_SIZE - NETRING_RING_SLOT_DESC) == 0,
	      "frame bytes at descriptor + 32");
	/* The oversize frame stopped at its slot: the next slot (never
	 * written) is still zero. */
	CHECK(rd32(m, slot + SLOT_SIZE) == 0 && rd32(m, slot + SLOT_SIZE + 4) == 0,
	      "the slot after the cut frame was written");

	munmap(m, len);
	netring_ring_close(r);
}

static void test_named_mode(void)
{
	char name[64], err[NETRING_ERRBUF_SIZE];
	struct netring_ring_opts o = { .sz = sizeof(o), .slot_count = 4,
				       .slot_size = 128 };
	struct netring_ring *r, *r2;
	struct stat st;
	mode_t old = umask(0);
	int rc;

	snprintf(name, sizeof(name), "/nrr-layout-%d", (int)getpid());
	o.shm_name = name;
	rc = netring_ring_create(&r, &o, err);
	REQUIRE(rc == 0, "create %s: %d %s", name, rc, err);
	REQUIRE(fstat(netring_ring_fd(r), &st) == 0, "fstat");
	CHECK((st.st_mode & 07777) == 0600, "default mode 0%o",
	      (unsigned)(st.st_mode & 07777));
	rc = netring_ring_create(&r2, &o, err);
	CHECK(rc == -EEXIST && strstr(err, name), "second create: %d %s", rc,
	      err);
	rc = netring_ring_attach_name(&r2, name, err);
	CHECK(rc == 0, "attach by name: %d %s", rc, err);
	netring_ring_close(r2);
	netring_ring_close(r);
	/* The creator's close unlinked the name. */
	rc = netring_ring_attach_name(&r2, name, err);
	CHECK(rc == -ENOENT, "attach after close: %d %s", rc, err);

	/* An explicit mode is exact whatever the umask. */
	umask(077);
	o.mode = 0640;
	rc = netring_ring_create(&r, &o, err);
	REQUIRE(rc == 0, "create 0640: %d %s", rc, err);
	REQUIRE(fstat(netring_ring_fd(r), &st) == 0, "fstat");
	CHECK((st.st_mode & 07777) == 0640, "mode 0%o",
	      (unsigned)(st.st_mode & 07777));
	netring_ring_close(r);
	umask(old);

	/* A memfd ring cannot be shrunk under a peer's mapping. */
	r = create(4, 128, 0);
	CHECK(ftruncate(netring_ring_fd(r), 100) < 0 && errno == EPERM,
	      "shrinking the sealed memfd: errno %d", errno);
	netring_ring_close(r);
}

struct opts_case {
	const char *what;
	struct netring_ring_opts o;
	int rc;
	const char *msg;
};

static void test_bad_opts(void)
{
	static const struct opts_case cases[] = {
		{ "sz zero", { .sz = 0 }, -EINVAL, "sz (0)" },
		{ "slot size not a power of two",
		  { .sz = sizeof(struct netring_ring_opts), .slot_size = 100 },
		  -EINVAL, "slot size 100" },
		{ "slot size below the descriptor",
		  { .sz = sizeof(struct netring_ring_opts), .slot_size = 32 },
		  -EINVAL, "slot size 32" },
		{ "slot size too large",
		  { .sz = sizeof(struct netring_ring_opts),
		    .slot_size = 1u << 21 },
		  -EINVAL, "slot size 2097152" },
		{ "one slot",
		  { .sz = sizeof(struct netring_ring_opts), .slot_count = 1 },
		  -EINVAL, "slot count 1" },
		{ "slot count not a power of two",
		  { .sz = sizeof(struct netring_ring_opts), .slot_count = 3 },
		  -EINVAL, "slot count 3" },
		{ "more than 1 GiB",
		  { .sz = sizeof(struct netring_ring_opts),
		    .slot_count = 1u << 20, .slot_size = 2048 },
		  -EINVAL, "more than 1024 MiB" },
		{ "mode beyond permission bits",
		  { .sz = sizeof(struct netring_ring_opts), .mode = 01777 },
		  -EINVAL, "mode 01777" },
		{ "shm name without slash",
		  { .sz = sizeof(struct netring_ring_opts), .shm_name = "x" },
		  -EINVAL, "'x'" },
		{ "shm name slash only",
		  { .sz = sizeof(struct netring_ring_opts), .shm_name = "/" },
		  -EINVAL, "'/'" },
		{ "shm name with a second slash",
		  { .sz = sizeof(struct netring_ring_opts), .shm_name = "/a/b" },
		  -EINVAL, "'/a/b'" },
	};
	struct {
		struct netring_ring_opts o;
		uint64_t later_field;
	} bigger = { .o = { .sz = sizeof(bigger) }, .later_field = 1 };
	char err[NETRING_ERRBUF_SIZE];
	struct netring_ring *r;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = NULL;
		rc = netring_ring_create(&r, &cases[i].o, err);
		CHECK(rc == cases[i].rc && strstr(err, cases[i].msg) && !r,
		      "%s: rc %d, \"%s\"", cases[i].what, rc, err);
		netring_ring_close(r);
	}
	rc = netring_ring_create(&r, &bigger.o, err);
	CHECK(rc == -EINVAL && strstr(err, "unknown"),
	      "options from a newer header: %d %s", rc, err);
	bigger.later_field = 0;
	rc = netring_ring_create(&r, &bigger.o, err);
	CHECK(rc == 0, "newer header, unknown fields zero: %d %s", rc, err);
	netring_ring_close(r);
	CHECK(netring_ring_create(NULL, NULL, err) == -EINVAL, "NULL handle");
}

/* One corruption of a fresh ring's header, as written by a foreign process. */
struct corrupt_case {
	const char *what;
	size_t off;
	int width; /* 32 or 64 */
	uint64_t value;
	bool add_to_prod; /* value is added to the current cons */
	int rc;
	const char *msg;
};

static void test_corrupt_headers(void)
{
	const uint64_t map_len = expected_map_size(SLOTS, SLOT_SIZE);
	const struct corrupt_case cases[] = {
		{ "bad magic", 0, 32, 0xdeadbeef, false, -EBADMSG,
		  "bad magic 0xdeadbeef" },
		{ "magic not written yet", 0, 32, 0, false, -EBADMSG,
		  "bad magic 0x00000000" },
		{ "newer version", 4, 32, 2, false, -EPROTONOSUPPORT,
		  "version 2" },
		{ "header size", 8, 32, 128, false, -EBADMSG, "header size 128" },
		{ "slots inside the header", 12, 32, 64, false, -EBADMSG,
		  "slots offset 64" },
		{ "slots off a cache line", 12, 32, 4100, false, -EBADMSG,
		  "slots offset 4100" },
		{ "slot size not a power of two", 16, 32, 3000, false, -EBADMSG,
		  "slot size 3000" },
		{ "slot size zero", 16, 32, 0, false, -EBADMSG, "slot size 0" },
		{ "slot count zero", 20, 32, 0, false, -EBADMSG, "slot count 0" },
		{ "slot count huge", 20, 32, 1u << 30, false, -EBADMSG,
		  "slot count 1073741824" },
		{ "slots past the mapping", 20, 32, SLOTS * 2, false, -EBADMSG,
		  "past the ring's" },
		{ "slots beyond 1 GiB", 20, 32, 1u << 23, false, -EBADMSG,
		  "more than 1024 MiB" },
		{ "unknown flags", 24, 32, 4, false, -EBADMSG,
		  "unknown ring flags 0x4" },
		{ "map size larger than the mapping", 32, 64, map_len + 4096,
		  false, -EBADMSG, "but only" },
		{ "indices further apart than the ring", 64, 32, SLOTS + 1, true,
		  -EBADMSG, "17 slots apart" },
		{ "producer behind the consumer", 64, 32, (uint64_t)-1, true,
		  -EBADMSG, "slots apart" },
	};
	char err[NETRING_ERRBUF_SIZE];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct corrupt_case *c = &cases[i];
		struct netring_ring *r = create(SLOTS, SLOT_SIZE, 1000);
		struct netring_ring *peer = (struct netring_ring *)&err;
		uint64_t v = c->value;
		size_t len;
		uint8_t *m = raw_map(netring_ring_fd(r), &len);
		int rc;

		if (c->add_to_prod)
			v = (uint32_t)(rd32(m, 128) + (uint32_t)c->value);
		if (c->width == 32)
			wr32(m, c->off, (uint32_t)v);
		else
			wr64(m, c->off, v);
		err[0] = '\0';
		rc = netring_ring_attach_fd(&peer, netring_ring_fd(r), err);
		CHECK(rc == c->rc && strstr(err, c->msg) && peer == NULL,
		      "%s: rc %d, \"%s\"", c->what, rc, err);
		netring_ring_close(peer);
		munmap(m, len);
		netring_ring_close(r);
	}
}

/* Descriptors that are not rings at all. */
static void test_not_rings(void)
{
	char err[NETRING_ERRBUF_SIZE];
	struct netring_ring *r, *peer;
	int fd, pipefd[2], rc, ro;
	char path[64];

	fd = memfd_create("nrr-small", MFD_CLOEXEC);
	REQUIRE(fd >= 0, "memfd");
	rc = netring_ring_attach_fd(&peer, fd, err);
	CHECK(rc == -EBADMSG && strstr(err, "too small"), "empty: %d %s", rc,
	      err);
	REQUIRE(ftruncate(fd, 100) == 0, "ftruncate");
	rc = netring_ring_attach_fd(&peer, fd, err);
	CHECK(rc == -EBADMSG && strstr(err, "100 bytes"), "100 bytes: %d %s", rc,
	      err);
	REQUIRE(ftruncate(fd, 1 << 16) == 0, "ftruncate");
	rc = netring_ring_attach_fd(&peer, fd, err);
	CHECK(rc == -EBADMSG && strstr(err, "bad magic 0x00000000"),
	      "zeroes: %d %s", rc, err);
	close(fd);

	REQUIRE(pipe(pipefd) == 0, "pipe");
	rc = netring_ring_attach_fd(&peer, pipefd[0], err);
	CHECK(rc == -EBADMSG && strstr(err, "not a memfd"), "pipe: %d %s", rc,
	      err);
	close(pipefd[0]);
	close(pipefd[1]);
	rc = netring_ring_attach_fd(&peer, -1, err);
	CHECK(rc == -EBADF, "fd -1: %d %s", rc, err);

	/* Both sides write an index: a read-only descriptor is refused. */
	r = create(4, 128, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", netring_ring_fd(r));
	ro = open(path, O_RDONLY | O_CLOEXEC);
	REQUIRE(ro >= 0, "reopen read-only");
	rc = netring_ring_attach_fd(&peer, ro, err);
	CHECK(rc == -EACCES && strstr(err, "read-write"), "read-only: %d %s",
	      rc, err);
	close(ro);
	netring_ring_close(r);
	rc = netring_ring_attach_name(&peer, "/nrr-no-such-ring", err);
	CHECK(rc == -ENOENT, "missing name: %d %s", rc, err);
}

/* A peer that breaks the protocol after attach: refused, never followed. */
static void test_corrupt_at_run_time(void)
{
	struct netring_ring *prod = create(SLOTS, SLOT_SIZE, 0), *cons;
	struct netring_frame f[SLOTS], in = { 0 };
	char err[NETRING_ERRBUF_SIZE];
	uint8_t buf[64] = { 1, 2, 3 };
	size_t len, slot;
	uint32_t idx;
	uint8_t *m;
	int rc;

	REQUIRE(netring_ring_attach_fd(&cons, netring_ring_fd(prod), err) == 0,
		"attach: %s", err);
	m = raw_map(netring_ring_fd(prod), &len);
	in.data = buf;
	in.len = sizeof(buf);
	CHECK(netring_ring_push(prod, &in, 1) == 1, "push");

	/* A slot length beyond the slot. */
	slot = NETRING_RING_SLOTS_OFFSET;
	wr32(m, slot, SLOT_SIZE);
	rc = netring_ring_peek(cons, f, SLOTS);
	CHECK(rc == -EBADMSG, "slot length past the slot: %d", rc);
	netring_ring_close(cons);

	/* A producer index out of the ring. */
	wr32(m, slot, 64);
	REQUIRE(netring_ring_attach_fd(&cons, netring_ring_fd(prod), err) == 0,
		"attach: %s", err);
	CHECK(netring_ring_peek(cons, f, 1) == 1, "good frame");
	wr32(m, 64, rd32(m, 128) + SLOTS + 5);
	rc = netring_ring_peek(cons, f, SLOTS);
	CHECK(rc == -EBADMSG, "producer index past the ring: %d", rc);
	netring_ring_close(cons);

	/* A consumer index ahead of the producer's. */
	wr32(m, 64, 1);
	wr32(m, 128, 1 + 3);
	rc = netring_ring_reserve(prod, SLOTS, &idx);
	CHECK(rc == -EBADMSG, "consumer index ahead: %d", rc);

	munmap(m, len);
	netring_ring_close(prod);
}

int main(void)
{
	test_layout();
	test_named_mode();
	test_bad_opts();
	test_corrupt_headers();
	test_not_rings();
	test_corrupt_at_run_time();
	return t_result("ring_layout");
}
