// SPDX-License-Identifier: MIT
/*
 * ring.c - the shared slot ring's life cycle: create it in a memfd or a
 * named shared-memory object, attach to one by descriptor or name after
 * checking its header, close it; and the exported wrappers of the inline
 * hot path in ring.h.
 */
#define _GNU_SOURCE /* memfd_create, F_ADD_SEALS */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ring.h"

/* Largest object attach will map: the largest ring plus its header page. */
#define RING_MAP_MAX (NETRING_RING_BYTES_MAX + (1ull << 20))

static int ring_fail(char *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int ring_fail(char *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err, NETRING_ERRBUF_SIZE, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static uint64_t page_round(uint64_t v)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	return (v + page - 1) / page * page;
}

int nr_ring_validate(const void *base, uint64_t mapped, struct nr_ring_geom *g,
		     char *err)
{
	/* Atomic loads need a non-const object; nothing is written here. */
	struct nr_ring_shm *h = (struct nr_ring_shm *)base;
	uint32_t magic, version, hdr_size, slots_offset, slot_size, slot_count;
	uint32_t flags, prod, cons;
	uint64_t map_size, slot_bytes;

	if (mapped < NETRING_RING_HDR_SIZE)
		return ring_fail(err, -EBADMSG,
				 "ring of %llu bytes: too small to hold a ring header (%u bytes)",
				 (unsigned long long)mapped, NETRING_RING_HDR_SIZE);
	/* Acquire pairs with the creator's release store of the magic in
	 * netring_ring_create(): the rest of the header is written before. */
	magic = atomic_load_explicit(&h->magic, memory_order_acquire);
	if (magic != NETRING_RING_MAGIC)
		return ring_fail(err, -EBADMSG,
				 "bad magic 0x%08x (expected 0x%08x): not a netring ring, or one still being created",
				 magic, NETRING_RING_MAGIC);
	/* Each field is read once into a local; only the locals are checked
	 * and used, so a peer rewriting the header cannot slip past. */
	version = *(const volatile uint32_t *)&h->version;
	if (version != NETRING_RING_VERSION)
		return ring_fail(err, -EPROTONOSUPPORT,
				 "ring version %u; this netring reads version %u",
				 version, NETRING_RING_VERSION);
	hdr_size = *(const volatile uint32_t *)&h->hdr_size;
	slots_offset = *(const volatile uint32_t *)&h->slots_offset;
	slot_size = *(const volatile uint32_t *)&h->slot_size;
	slot_count = *(const volatile uint32_t *)&h->slot_count;
	flags = *(const volatile uint32_t *)&h->flags;
	map_size = *(const volatile uint64_t *)&h->map_size;

	if (hdr_size != NETRING_RING_HDR_SIZE)
		return ring_fail(err, -EBADMSG,
				 "header size %u; version %u has %u", hdr_size,
				 NETRING_RING_VERSION, NETRING_RING_HDR_SIZE);
	if (flags)
		return ring_fail(err, -EBADMSG, "unknown ring flags 0x%x", flags);
	if (!is_pow2(slot_size) || slot_size < NETRING_RING_SLOT_SIZE_MIN ||
	    slot_size > NETRING_RING_SLOT_SIZE_MAX)
		return ring_fail(err, -EBADMSG,
				 "slot size %u: not a power of two from %u to %u",
				 slot_size, NETRING_RING_SLOT_SIZE_MIN,
				 NETRING_RING_SLOT_SIZE_MAX);
	if (!is_pow2(slot_count) || slot_count < NETRING_RING_SLOTS_MIN ||
	    slot_count > NETRING_RING_SLOTS_MAX)
		return ring_fail(err, -EBADMSG,
				 "slot count %u: not a power of two from %u to %u",
				 slot_count, NETRING_RING_SLOTS_MIN,
				 NETRING_RING_SLOTS_MAX);
	slot_bytes = (uint64_t)slot_count * slot_size;
	if (slot_bytes > NETRING_RING_BYTES_MAX)
		return ring_fail(err, -EBADMSG,
				 "%u slots of %u bytes: more than %llu MiB",
				 slot_count, slot_size,
				 NETRING_RING_BYTES_MAX >> 20);
	if (slots_offset < hdr_size || slots_offset % NR_CACHE_LINE)
		return ring_fail(err, -EBADMSG,
				 "slots offset %u: inside the header or not on a cache line",
				 slots_offset);
	if (map_size > mapped)
		return ring_fail(err, -EBADMSG,
				 "the header says the ring is %llu bytes, but only %llu are mapped",
				 (unsigned long long)map_size,
				 (unsigned long long)mapped);
	if (slots_offset + slot_bytes > map_size)
		return ring_fail(err, -EBADMSG,
				 "%u slots of %u bytes from offset %u end at byte %llu, past the ring's %llu",
				 slot_count, slot_size, slots_offset,
				 (unsigned long long)(slots_offset + slot_bytes),
				 (unsigned long long)map_size);
	prod = atomic_load_explicit(&h->prod, memory_order_acquire);
	cons = atomic_load_explicit(&h->cons, memory_order_acquire);
	if (prod - cons > slot_count)
		return ring_fail(err, -EBADMSG,
				 "producer index %u and consumer index %u are %u slots apart, in a ring of %u",
				 prod, cons, prod - cons, slot_count);

	g->slot_size = slot_size;
	g->slot_count = slot_count;
	g->slots_offset = slots_offset;
	g->map_size = map_size;
	return 0;
}

void nr_ring_bind(struct netring_ring *r, void *base, uint64_t mapped,
		  const struct nr_ring_geom *g)
{
	struct nr_ring_shm *h = base;
	uint32_t prod, cons;

	r->shm = h;
	r->slots = (uint8_t *)base + g->slots_offset;
	r->slot_count = g->slot_count;
	r->mask = g->slot_count - 1;
	r->slot_size = g->slot_size;
	r->capacity = g->slot_size - NETRING_RING_SLOT_DESC;
	r->mapped = (size_t)mapped;

	/* Acquire pairs with the peer's release stores of its index: we may
	 * be either side, and start where the ring is now. */
	prod = atomic_load_explicit(&h->prod, memory_order_acquire);
	cons = atomic_load_explicit(&h->cons, memory_order_acquire);
	r->prod_head = r->prod_tail = prod;
	r->cons_cache = cons;
	r->cons_head = r->cons_tail = cons;
	r->prod_cache = prod;
	/* A producer that attaches continues the totals. */
	r->produced = atomic_load_explicit(&h->produced, memory_order_relaxed);
	r->dropped = atomic_load_explicit(&h->dropped, memory_order_relaxed);
	r->truncated = atomic_load_explicit(&h->truncated, memory_order_relaxed);
	r->prod_corrupt = false;
	r->cons_corrupt = false;
}

/* Copy the caller's options (of whatever size it was built with), reject
 * what this library does not know, fill defaults and check each value. */
static int opts_resolve(const struct netring_ring_opts *in,
			struct netring_ring_opts *out, char *err)
{
	memset(out, 0, sizeof(*out));
	if (in) {
		size_t sz = in->sz;

		if (sz < sizeof(in->sz))
			return ring_fail(err, -EINVAL,
					 "ring options: sz (%zu) too small; set it to sizeof(struct netring_ring_opts)",
					 sz);
		if (sz > sizeof(*out)) {
			const unsigned char *tail = (const unsigned char *)in;

			for (size_t i = sizeof(*out); i < sz; i++)
				if (tail[i])
					return ring_fail(err, -EINVAL,
							 "ring options: fields unknown to this netring (%s) are set",
							 NETRING_VERSION_STRING);
			sz = sizeof(*out);
		}
		memcpy(out, in, sz);
	}
	out->sz = sizeof(*out);
	if (!out->slot_count)
		out->slot_count = NETRING_RING_FRAMES_DEFAULT;
	if (!out->slot_size)
		out->slot_size = NETRING_FRAME_SIZE_DEFAULT;
	if (!out->mode)
		out->mode = 0600;

	if (!is_pow2(out->slot_size) ||
	    out->slot_size < NETRING_RING_SLOT_SIZE_MIN ||
	    out->slot_size > NETRING_RING_SLOT_SIZE_MAX)
		return ring_fail(err, -EINVAL,
				 "slot size %u: must be a power of two from %u to %u",
				 out->slot_size, NETRING_RING_SLOT_SIZE_MIN,
				 NETRING_RING_SLOT_SIZE_MAX);
	if (!is_pow2(out->slot_count) ||
	    out->slot_count < NETRING_RING_SLOTS_MIN ||
	    out->slot_count > NETRING_RING_SLOTS_MAX)
		return ring_fail(err, -EINVAL,
				 "slot count %u: must be a power of two from %u to %u",
				 out->slot_count, NETRING_RING_SLOTS_MIN,
				 NETRING_RING_SLOTS_MAX);
	if ((uint64_t)out->slot_count * out->slot_size > NETRING_RING_BYTES_MAX)
		return ring_fail(err, -EINVAL,
				 "%u slots of %u bytes: more than %llu MiB",
				 out->slot_count, out->slot_size,
				 NETRING_RING_BYTES_MAX >> 20);
	if (out->mode & ~0777u)
		return ring_fail(err, -EINVAL,
				 "mode 0%o: only permission bits (0777) are allowed",
				 out->mode);
	if (out->shm_name) {
		const char *n = out->shm_name;
		size_t len = strlen(n);

		/* shm_open() takes "/name": one leading slash, no other. */
		if (len < 2 || n[0] != '/' || strchr(n + 1, '/') ||
		    len > NAME_MAX)
			return ring_fail(err, -EINVAL,
					 "shared-memory name '%.64s': must be '/' then 1 to %d characters without '/'",
					 n, NAME_MAX - 1);
	}
	return 0;
}

static int ring_handle(struct netring_ring **ringp, int fd, void *base,
		       uint64_t mapped, const struct nr_ring_geom *g,
		       bool slots_ro, char *err)
{
	struct netring_ring *r = aligned_alloc(NR_CACHE_LINE,
					       (sizeof(*r) + NR_CACHE_LINE - 1) /
						       NR_CACHE_LINE * NR_CACHE_LINE);

	if (!r)
		return ring_fail(err, -ENOMEM, "out of memory");
	memset(r, 0, sizeof(*r));
	nr_ring_bind(r, base, mapped, g);
	r->fd = fd;
	r->slots_ro = slots_ro;
	*ringp = r;
	return 0;
}

int netring_ring_create(struct netring_ring **ringp,
			const struct netring_ring_opts *opts, char *errbuf)
{
	struct netring_ring_opts o;
	struct nr_ring_geom g;
	struct nr_ring_shm *h;
	char *name = NULL;
	void *base;
	int fd, rc;

	if (errbuf)
		errbuf[0] = '\0';
	if (!ringp)
		return ring_fail(errbuf, -EINVAL, "no place for the ring handle");
	*ringp = NULL;
	rc = opts_resolve(opts, &o, errbuf);
	if (rc)
		return rc;

	g.slot_size = o.slot_size;
	g.slot_count = o.slot_count;
	g.slots_offset = NETRING_RING_SLOTS_OFFSET;
	g.map_size = page_round(NETRING_RING_SLOTS_OFFSET +
				(uint64_t)o.slot_count * o.slot_size);

	if (o.shm_name) {
		name = strdup(o.shm_name);
		if (!name)
			return ring_fail(errbuf, -ENOMEM, "out of memory");
		fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			      (mode_t)o.mode);
		if (fd < 0) {
			rc = -errno;
			free(name);
			return ring_fail(errbuf, rc, "shm_open %s: %s", o.shm_name,
					 strerror(-rc));
		}
	} else {
		fd = memfd_create("netring-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd < 0) {
			rc = -errno;
			return ring_fail(errbuf, rc, "memfd_create: %s",
					 strerror(-rc));
		}
	}
	/* The umask applied to shm_open(); the mode asked for is exact. */
	if (fchmod(fd, (mode_t)o.mode) < 0) {
		rc = ring_fail(errbuf, -errno, "fchmod 0%o: %s", o.mode,
			       strerror(errno));
		goto fail_fd;
	}
	if (ftruncate(fd, (off_t)g.map_size) < 0) {
		rc = ring_fail(errbuf, -errno, "ftruncate to %llu bytes: %s",
			       (unsigned long long)g.map_size, strerror(errno));
		goto fail_fd;
	}
	/* Nobody may shrink the memfd under a peer's mapping (SIGBUS).  A
	 * named object cannot be sealed; its users are trusted not to. */
	if (!name && fcntl(fd, F_ADD_SEALS,
			   F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		rc = ring_fail(errbuf, -errno, "sealing the memfd: %s",
			       strerror(errno));
		goto fail_fd;
	}
	base = mmap(NULL, (size_t)g.map_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		rc = ring_fail(errbuf, -errno, "mmap of the %llu-byte ring: %s",
			       (unsigned long long)g.map_size, strerror(errno));
		goto fail_fd;
	}

	h = base;
	h->version = NETRING_RING_VERSION;
	h->hdr_size = NETRING_RING_HDR_SIZE;
	h->slots_offset = g.slots_offset;
	h->slot_size = g.slot_size;
	h->slot_count = g.slot_count;
	h->flags = 0;
	h->map_size = g.map_size;
	atomic_store_explicit(&h->prod, o.first_index, memory_order_relaxed);
	atomic_store_explicit(&h->cons, o.first_index, memory_order_relaxed);
	/* Release pairs with the acquire load of the magic in
	 * nr_ring_validate(): whoever sees the magic sees the header. */
	atomic_store_explicit(&h->magic, NETRING_RING_MAGIC,
			      memory_order_release);

	rc = ring_handle(ringp, fd, base, g.map_size, &g, false, errbuf);
	if (rc) {
		munmap(base, (size_t)g.map_size);
		goto fail_fd;
	}
	(*ringp)->shm_name = name;
	return 0;
fail_fd:
	close(fd);
	if (name) {
		shm_unlink(name);
		free(name);
	}
	return rc;
}

/* Protect the page-aligned part of the slot storage of a mapping of
 * `mapped` bytes at `base` whose slots start at `slots_offset`. */
static int slots_protect(void *base, size_t mapped, uint32_t slots_offset,
			 int prot)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t from = ((size_t)slots_offset + page - 1) / page * page;

	if (from < mapped &&
	    mprotect((uint8_t *)base + from, mapped - from, prot) < 0)
		return -errno;
	return 0;
}

/*
 * An attached handle starts as a reader of the slots: they are mapped
 * read-only until it reserves a slot (slots_writable()).  Both indices
 * share the header page, so that page stays writable (docs/reliability.md);
 * what protects the producer from a hostile consumer is that it never
 * reads its own index or counters back from shared memory.
 */

/* The handle produces: the slots become writable, once. */
static int slots_writable(struct netring_ring *r)
{
	int rc = slots_protect(r->shm, r->mapped,
			       (uint32_t)(r->slots - (uint8_t *)r->shm),
			       PROT_READ | PROT_WRITE);

	if (!rc)
		r->slots_ro = false;
	return rc;
}

int netring_ring_attach_fd(struct netring_ring **ringp, int fd, char *errbuf)
{
	struct nr_ring_geom g = { 0 };
	struct stat st;
	void *base;
	int own, rc;

	if (errbuf)
		errbuf[0] = '\0';
	if (!ringp)
		return ring_fail(errbuf, -EINVAL, "no place for the ring handle");
	*ringp = NULL;
	if (fstat(fd, &st) < 0)
		return ring_fail(errbuf, -errno, "descriptor %d: %s", fd,
				 strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ring_fail(errbuf, -EBADMSG,
				 "descriptor %d is not a memfd or shared-memory object",
				 fd);
	if ((uint64_t)st.st_size < NETRING_RING_HDR_SIZE)
		return ring_fail(errbuf, -EBADMSG,
				 "ring of %lld bytes: too small to hold a ring header (%u bytes)",
				 (long long)st.st_size, NETRING_RING_HDR_SIZE);
	if ((uint64_t)st.st_size > RING_MAP_MAX)
		return ring_fail(errbuf, -EBADMSG,
				 "object of %lld bytes: larger than any ring",
				 (long long)st.st_size);

	own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (own < 0)
		return ring_fail(errbuf, -errno, "dup of descriptor %d: %s", fd,
				 strerror(errno));
	base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, own, 0);
	if (base == MAP_FAILED) {
		rc = -errno;
		close(own);
		if (rc == -EACCES)
			return ring_fail(errbuf, rc,
					 "descriptor %d is not open read-write: both sides write an index",
					 fd);
		return ring_fail(errbuf, rc, "mmap of %lld bytes: %s",
				 (long long)st.st_size, strerror(-rc));
	}
	rc = nr_ring_validate(base, (uint64_t)st.st_size, &g, errbuf);
	if (!rc) {
		rc = slots_protect(base, (size_t)st.st_size, g.slots_offset,
				   PROT_READ);
		if (rc)
			ring_fail(errbuf, rc, "mprotect of the slots: %s",
				  strerror(-rc));
	}
	if (!rc)
		rc = ring_handle(ringp, own, base, (uint64_t)st.st_size, &g,
				 true, errbuf);
	if (rc) {
		munmap(base, (size_t)st.st_size);
		close(own);
	}
	return rc;
}

int netring_ring_attach_name(struct netring_ring **ringp, const char *shm_name,
			     char *errbuf)
{
	int fd, rc;

	if (errbuf)
		errbuf[0] = '\0';
	if (!ringp)
		return ring_fail(errbuf, -EINVAL, "no place for the ring handle");
	*ringp = NULL;
	if (!shm_name || shm_name[0] != '/' || !shm_name[1])
		return ring_fail(errbuf, -EINVAL,
				 "shared-memory name '%.64s': must start with '/'",
				 shm_name ? shm_name : "(null)");
	fd = shm_open(shm_name, O_RDWR | O_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		return ring_fail(errbuf, rc, "shm_open %.200s: %s", shm_name,
				 strerror(-rc));
	}
	rc = netring_ring_attach_fd(ringp, fd, errbuf);
	close(fd);
	return rc;
}

void netring_ring_close(struct netring_ring *ring)
{
	if (!ring)
		return;
	munmap(ring->shm, ring->mapped);
	close(ring->fd);
	if (ring->shm_name) {
		shm_unlink(ring->shm_name);
		free(ring->shm_name);
	}
	free(ring);
}

int netring_ring_fd(const struct netring_ring *ring)
{
	return ring ? ring->fd : -EINVAL;
}

int netring_ring_get_info(const struct netring_ring *ring,
			  struct netring_ring_info *info, size_t size)
{
	struct netring_ring_info i = { 0 };

	if (!ring || !info || !size)
		return -EINVAL;
	i.slot_count = ring->slot_count;
	i.slot_size = ring->slot_size;
	i.slot_capacity = ring->capacity;
	i.map_size = ring->mapped;
	if (size > sizeof(i)) {
		memset((char *)info + sizeof(i), 0, size - sizeof(i));
		size = sizeof(i);
	}
	memcpy(info, &i, size);
	return 0;
}

/* Is idx one of the reserved, not yet committed, slots? */
static bool is_reserved(const struct netring_ring *r, uint32_t idx)
{
	return idx - r->prod_tail < r->prod_head - r->prod_tail;
}

int netring_ring_reserve(struct netring_ring *ring, unsigned n, uint32_t *idx)
{
	unsigned got;

	if (!ring || !idx)
		return -EINVAL;
	if (unlikely(ring->slots_ro)) {
		int rc = slots_writable(ring);

		if (rc)
			return rc;
	}
	if (n > ring->slot_count)
		n = ring->slot_count;
	got = nr_ring_reserve(ring, n, idx);
	if (!got && ring->prod_corrupt)
		return -EBADMSG;
	return (int)got;
}

uint8_t *netring_ring_slot_data(struct netring_ring *ring, uint32_t idx)
{
	if (!ring || !is_reserved(ring, idx))
		return NULL;
	return nr_ring_slot(ring, idx)->data;
}

int netring_ring_slot_set(struct netring_ring *ring, uint32_t idx,
			  const struct netring_frame *f)
{
	uint32_t len;

	if (!ring || !f || !is_reserved(ring, idx))
		return -EINVAL;
	len = f->len < ring->capacity ? f->len : ring->capacity;
	nr_ring_slot_set(ring, nr_ring_slot(ring, idx), len,
			 f->len > f->wire_len ? f->len : f->wire_len, f->ts_ns,
			 f->ifindex, f->vlan_tci, f->flags);
	return (int)len;
}

int netring_ring_slot_fill(struct netring_ring *ring, uint32_t idx,
			   const struct netring_frame *f)
{
	if (!ring || !f || (!f->data && f->len) || !is_reserved(ring, idx))
		return -EINVAL;
	return (int)nr_ring_fill(ring, idx, f);
}

int netring_ring_commit(struct netring_ring *ring, unsigned n)
{
	if (!ring || n > ring->prod_head - ring->prod_tail)
		return -EINVAL;
	if (n)
		nr_ring_commit(ring, n);
	return 0;
}

int netring_ring_cancel(struct netring_ring *ring, unsigned n)
{
	if (!ring || n > ring->prod_head - ring->prod_tail)
		return -EINVAL;
	nr_ring_cancel(ring, n);
	return 0;
}

void netring_ring_drop(struct netring_ring *ring, unsigned n)
{
	if (ring && n)
		nr_ring_drop(ring, n);
}

int netring_ring_push(struct netring_ring *ring,
		      const struct netring_frame *frames, unsigned n)
{
	uint32_t idx;
	unsigned got, i;

	if (!ring || (!frames && n))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (!frames[i].data && frames[i].len)
			return -EINVAL;
	if (unlikely(ring->slots_ro)) {
		int rc = slots_writable(ring);

		if (rc)
			return rc;
	}
	got = nr_ring_reserve(ring, n < ring->slot_count ? n : ring->slot_count,
			      &idx);
	for (i = 0; i < got; i++)
		nr_ring_fill(ring, idx + i, &frames[i]);
	if (got)
		nr_ring_commit(ring, got);
	if (got < n)
		nr_ring_drop(ring, n - got);
	if (!got && ring->prod_corrupt)
		return -EBADMSG;
	return (int)got;
}

int netring_ring_peek(struct netring_ring *ring, struct netring_frame *frames,
		      unsigned max)
{
	if (!ring || (!frames && max))
		return -EINVAL;
	if (!max)
		return 0;
	return nr_ring_peek(ring, frames, max);
}

int netring_ring_release(struct netring_ring *ring, unsigned n)
{
	if (!ring || n > nr_ring_held(ring))
		return -EINVAL;
	if (n)
		nr_ring_release(ring, n);
	return 0;
}

int netring_ring_stats_get(const struct netring_ring *ring,
			   struct netring_ring_stats *st, size_t size)
{
	struct netring_ring_stats s = { 0 };
	struct nr_ring_shm *h;
	uint32_t prod, cons;

	if (!ring || !st || !size)
		return -EINVAL;
	h = ring->shm;
	s.produced = atomic_load_explicit(&h->produced, memory_order_relaxed);
	s.dropped = atomic_load_explicit(&h->dropped, memory_order_relaxed);
	s.truncated = atomic_load_explicit(&h->truncated, memory_order_relaxed);
	prod = atomic_load_explicit(&h->prod, memory_order_relaxed);
	cons = atomic_load_explicit(&h->cons, memory_order_relaxed);
	/* The two loads are not one snapshot; never report more than fits. */
	s.waiting = prod - cons <= ring->slot_count ? prod - cons : ring->slot_count;
	if (size > sizeof(s)) {
		memset((char *)st + sizeof(s), 0, size - sizeof(s));
		size = sizeof(s);
	}
	memcpy(st, &s, size);
	return 0;
}
