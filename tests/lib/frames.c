// SPDX-License-Identifier: MIT
/*
 * frames.c - the deterministic test frame stream: build frame `seq` of a
 * stream, and check received bytes against the frame they claim to be.
 */
#include "frames.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: one multiply-xorshift step per draw, good enough to make
 * every byte of a payload depend on (seed, seq), and trivially seekable. */
struct nrt_prng {
	uint64_t state;
};

static uint64_t nrt_prng_next(struct nrt_prng *p)
{
	uint64_t z = (p->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void nrt_prng_seed(struct nrt_prng *p, uint32_t seed, uint32_t seq)
{
	p->state = ((uint64_t)seed << 32) | seq;
	/* One draw so that neighbouring (seed, seq) pairs do not start from
	 * neighbouring states. */
	p->state = nrt_prng_next(p);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void nrt_stream_init(struct nrt_stream *s, uint32_t seed)
{
	memset(s, 0, sizeof(*s));
	s->seed = seed;
	s->len_min = NRT_LEN_DEFAULT_MIN;
	s->len_max = NRT_LEN_DEFAULT_MAX;
}

static bool nrt_len_ok(uint32_t len)
{
	return len >= NRT_LEN_MIN && len <= NRT_LEN_MAX;
}

int nrt_stream_check(const struct nrt_stream *s)
{
	if (!nrt_len_ok(s->len_min) || !nrt_len_ok(s->len_max) ||
	    s->len_min > s->len_max)
		return -EINVAL;
	if (s->jumbo_every && !nrt_len_ok(s->jumbo_len))
		return -EINVAL;
	return 0;
}

/* A decimal u32 with nothing after it (strtoul alone accepts "-1"). */
static int parse_u32(const char *str, const char *end, uint32_t *out)
{
	uint64_t v = 0;

	if (str == end)
		return -EINVAL;
	for (; str < end; str++) {
		if (*str < '0' || *str > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*str - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_pair(const char *val, uint32_t *a, uint32_t *b)
{
	const char *colon = strchr(val, ':');

	if (!colon)
		return -EINVAL;
	if (parse_u32(val, colon, a) || parse_u32(colon + 1,
						 colon + 1 + strlen(colon + 1), b))
		return -EINVAL;
	return 0;
}

int nrt_stream_option(struct nrt_stream *s, const char *opt, const char *val)
{
	struct nrt_stream next = *s;
	int rc;

	if (!strcmp(opt, "len"))
		rc = parse_pair(val, &next.len_min, &next.len_max);
	else if (!strcmp(opt, "vlan-every"))
		rc = parse_u32(val, val + strlen(val), &next.vlan_every);
	else if (!strcmp(opt, "jumbo"))
		rc = parse_pair(val, &next.jumbo_every, &next.jumbo_len);
	else
		return 0;
	if (rc || nrt_stream_check(&next))
		return -EINVAL;
	*s = next;
	return 1;
}

static bool nrt_every(uint32_t every, uint32_t seq)
{
	return every && seq % every == every - 1;
}

/* The shape comes from the first two draws of the frame's PRNG; the
 * payload from the draws after them, so build and shape always agree. */
static void nrt_shape_draw(const struct nrt_stream *s, uint32_t seq,
			   struct nrt_prng *p, struct nrt_shape *shape)
{
	uint64_t r_len, r_tci;
	uint32_t span = s->len_max - s->len_min + 1;

	nrt_prng_seed(p, s->seed, seq);
	r_len = nrt_prng_next(p);
	r_tci = nrt_prng_next(p);

	shape->len = s->len_min + (uint32_t)(r_len % span);
	if (nrt_every(s->jumbo_every, seq))
		shape->len = s->jumbo_len;
	shape->vlan = nrt_every(s->vlan_every, seq);
	shape->tci = 0;
	if (shape->vlan) {
		/* VID 1..4094 (0 and 4095 are reserved), any priority. */
		uint16_t vid = (uint16_t)(1 + (r_tci >> 8) % 4094);
		uint16_t pcp = (uint16_t)(r_tci & 7);

		shape->tci = (uint16_t)(pcp << 13 | vid);
		shape->len += NRT_VLAN_HLEN;
	}
}

void nrt_frame_shape(const struct nrt_stream *s, uint32_t seq,
		     struct nrt_shape *shape)
{
	struct nrt_prng p;

	nrt_shape_draw(s, seq, &p, shape);
}

int nrt_frame_build(const struct nrt_stream *s, uint32_t seq, uint8_t *buf,
		    size_t size)
{
	static const uint8_t dst[6] = NRT_MAC_DST, src[6] = NRT_MAC_SRC;
	struct nrt_shape shape;
	struct nrt_prng p;
	uint8_t *q = buf;
	size_t off;

	nrt_shape_draw(s, seq, &p, &shape);
	if (size < shape.len)
		return -ENOSPC;

	memcpy(q, dst, 6);
	memcpy(q + 6, src, 6);
	q += 12;
	if (shape.vlan) {
		put_be16(q, NRT_TPID_8021Q);
		put_be16(q + 2, shape.tci);
		q += NRT_VLAN_HLEN;
	}
	put_be16(q, NRT_ETHERTYPE);
	q += 2;
	put_be32(q, NRT_MAGIC);
	put_be32(q + 4, s->seed);
	put_be32(q + 8, seq);
	put_be16(q + 12, (uint16_t)shape.len);
	put_be16(q + 14, shape.vlan ? NRT_HDR_VLAN : 0);
	q += NRT_HDR_LEN;

	for (off = (size_t)(q - buf); off < shape.len; off += 8) {
		uint64_t r = nrt_prng_next(&p);
		size_t n = shape.len - off < 8 ? shape.len - off : 8;

		memcpy(buf + off, &r, n);
	}
	return (int)shape.len;
}

int nrt_frame_decode(const uint8_t *data, uint32_t len, uint32_t *seed,
		     uint32_t *seq)
{
	uint32_t off = 12;

	if (len >= off + 2 && get_be16(data + off) == NRT_TPID_8021Q)
		off += NRT_VLAN_HLEN;
	if (len < off + 2 + NRT_HDR_LEN || get_be16(data + off) != NRT_ETHERTYPE)
		return -EBADMSG;
	off += 2;
	if (get_be32(data + off) != NRT_MAGIC)
		return -EBADMSG;
	*seed = get_be32(data + off + 4);
	*seq = get_be32(data + off + 8);
	return 0;
}

int nrt_frame_verify(const struct nrt_stream *s, const uint8_t *data,
		     uint32_t len, uint32_t wire_len, bool truncated,
		     uint32_t *seq, struct nrt_shape *shape, char *why,
		     size_t why_size)
{
	uint8_t expect[NRT_FRAME_BUF];
	struct nrt_shape sh;
	uint32_t seed, i;
	int glen;

	if (nrt_frame_decode(data, len, &seed, seq)) {
		snprintf(why, why_size, "not a test frame (len %" PRIu32 ")",
			 len);
		return -EBADMSG;
	}
	if (seed != s->seed) {
		snprintf(why, why_size,
			 "seq %" PRIu32 ": seed %" PRIu32 ", expected %" PRIu32,
			 *seq, seed, s->seed);
		return -EBADMSG;
	}
	nrt_frame_shape(s, *seq, &sh);
	if (shape)
		*shape = sh;
	glen = nrt_frame_build(s, *seq, expect, sizeof(expect));
	if (glen < 0) {
		snprintf(why, why_size, "seq %" PRIu32 ": cannot regenerate",
			 *seq);
		return -EBADMSG;
	}
	if (wire_len != sh.len) {
		snprintf(why, why_size,
			 "seq %" PRIu32 ": wire_len %" PRIu32
			 ", generated %" PRIu32,
			 *seq, wire_len, sh.len);
		return -EBADMSG;
	}
	if (truncated ? len >= sh.len : len != sh.len) {
		snprintf(why, why_size,
			 "seq %" PRIu32 ": len %" PRIu32 " (%s), generated %" PRIu32,
			 *seq, len, truncated ? "truncated" : "whole", sh.len);
		return -EBADMSG;
	}
	for (i = 0; i < len; i++) {
		if (data[i] != expect[i]) {
			snprintf(why, why_size,
				 "seq %" PRIu32 ": byte %" PRIu32
				 " is 0x%02x, generated 0x%02x",
				 *seq, i, data[i], expect[i]);
			return -EBADMSG;
		}
	}
	return 0;
}
