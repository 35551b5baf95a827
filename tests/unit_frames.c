// SPDX-License-Identifier: MIT
/*
 * unit_frames.c - the test frame stream the integration tests rely on is
 * deterministic, has the documented shape, and its verifier rejects every
 * kind of damage: a changed byte, a wrong length, a frame from another
 * stream, a cut frame not flagged as cut.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "frames.h"

static int failures;

#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			failures++;                                            \
			fprintf(stderr, "FAIL %s:%d: %s: ", __func__,          \
				__LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
		}                                                              \
	} while (0)

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool verifies(const struct nrt_stream *s, const uint8_t *data,
		     uint32_t len, uint32_t wire_len, bool truncated,
		     uint32_t *seq)
{
	char why[160];
	uint32_t got;

	return nrt_frame_verify(s, data, len, wire_len, truncated,
				seq ? seq : &got, NULL, why, sizeof(why)) == 0;
}

static void test_same_frame_every_time(void)
{
	static uint8_t a[NRT_FRAME_BUF], b[NRT_FRAME_BUF];
	struct nrt_stream s, other;
	int la, lb;

	nrt_stream_init(&s, 7);
	nrt_stream_init(&other, 8);
	la = nrt_frame_build(&s, 1234, a, sizeof(a));
	lb = nrt_frame_build(&s, 1234, b, sizeof(b));
	EXPECT(la > 0 && la == lb && !memcmp(a, b, (size_t)la),
	       "frame 1234 built twice differs");

	lb = nrt_frame_build(&s, 1235, b, sizeof(b));
	EXPECT(lb > 0 && (la != lb || memcmp(a + 30, b + 30, (size_t)la - 30)),
	       "frames 1234 and 1235 have the same payload");
	lb = nrt_frame_build(&other, 1234, b, sizeof(b));
	EXPECT(lb > 0 && (la != lb || memcmp(a + 30, b + 30, (size_t)la - 30)),
	       "frame 1234 of seeds 7 and 8 have the same payload");
}

static void test_layout(void)
{
	static const uint8_t dst[6] = NRT_MAC_DST, src[6] = NRT_MAC_SRC;
	static uint8_t f[NRT_FRAME_BUF];
	struct nrt_shape shape;
	struct nrt_stream s;
	uint32_t seq;

	nrt_stream_init(&s, 0xdeadbeef);
	s.vlan_every = 3;
	for (seq = 0; seq < 6; seq++) {
		int len = nrt_frame_build(&s, seq, f, sizeof(f));
		unsigned off = 12;

		nrt_frame_shape(&s, seq, &shape);
		EXPECT(len == (int)shape.len, "seq %u: built %d, shape %u", seq,
		       len, shape.len);
		EXPECT(!memcmp(f, dst, 6) && !memcmp(f + 6, src, 6),
		       "seq %u: MAC addresses", seq);
		EXPECT(shape.vlan == (seq % 3 == 2), "seq %u: tagged %d", seq,
		       shape.vlan);
		if (shape.vlan) {
			EXPECT(be16(f + 12) == NRT_TPID_8021Q &&
				       be16(f + 14) == shape.tci,
			       "seq %u: tag %04x %04x", seq, be16(f + 12),
			       be16(f + 14));
			off += NRT_VLAN_HLEN;
		}
		EXPECT(be16(f + off) == NRT_ETHERTYPE, "seq %u: ethertype",
		       seq);
		EXPECT(be32(f + off + 2) == NRT_MAGIC, "seq %u: magic", seq);
		EXPECT(be32(f + off + 6) == 0xdeadbeef, "seq %u: seed", seq);
		EXPECT(be32(f + off + 10) == seq, "seq %u: seq field %u", seq,
		       be32(f + off + 10));
		EXPECT(be16(f + off + 14) == len, "seq %u: length field", seq);
		EXPECT(be16(f + off + 16) == (shape.vlan ? NRT_HDR_VLAN : 0),
		       "seq %u: flags field", seq);
	}
}

/* Default lengths stay in 60..1514 untagged, 64..1518 tagged (MTU 1500),
 * VIDs are valid, and jumbo frames replace the drawn length. */
static void test_shapes(void)
{
	uint32_t seq, min = UINT32_MAX, max = 0, tagged = 0, jumbo = 0;
	struct nrt_shape shape;
	struct nrt_stream s;

	nrt_stream_init(&s, 3);
	s.vlan_every = 4;
	for (seq = 0; seq < 100000; seq++) {
		uint32_t untagged;

		nrt_frame_shape(&s, seq, &shape);
		untagged = shape.len - (shape.vlan ? NRT_VLAN_HLEN : 0);
		min = untagged < min ? untagged : min;
		max = untagged > max ? untagged : max;
		tagged += shape.vlan;
		if (shape.vlan) {
			uint16_t vid = shape.tci & 0xfff;

			EXPECT(vid >= 1 && vid <= 4094, "seq %u: VID %u", seq,
			       vid);
			EXPECT(shape.len <= 1518, "seq %u: %u bytes tagged",
			       seq, shape.len);
		}
	}
	EXPECT(min == 60 && max == 1514, "lengths %u..%u", min, max);
	EXPECT(tagged == 25000, "%u of 100000 tagged, every 4th", tagged);

	EXPECT(nrt_stream_option(&s, "len", "4000:9000") == 1, "--len");
	EXPECT(nrt_stream_option(&s, "jumbo", "5:1792") == 1, "--jumbo");
	EXPECT(nrt_stream_option(&s, "vlan-every", "0") == 1, "--vlan-every");
	for (seq = 0; seq < 1000; seq++) {
		nrt_frame_shape(&s, seq, &shape);
		if (seq % 5 == 4) {
			jumbo++;
			EXPECT(shape.len == 1792, "seq %u: %u", seq, shape.len);
		} else {
			EXPECT(shape.len >= 4000 && shape.len <= 9000,
			       "seq %u: %u", seq, shape.len);
		}
		EXPECT(!shape.vlan, "seq %u tagged", seq);
	}
	EXPECT(jumbo == 200, "%u fixed-length frames", jumbo);
}

static void test_options(void)
{
	static const struct {
		const char *opt, *val;
		int rc;
	} cases[] = {
		{ "len", "60:1514", 1 },     { "len", "30:30", 1 },
		{ "len", "29:100", -EINVAL }, { "len", "100:60", -EINVAL },
		{ "len", "60:16385", -EINVAL }, { "len", "60", -EINVAL },
		{ "len", "60:", -EINVAL },    { "len", "-1:60", -EINVAL },
		{ "len", "60:1514x", -EINVAL }, { "vlan-every", "10", 1 },
		{ "vlan-every", "x", -EINVAL }, { "vlan-every", "", -EINVAL },
		{ "jumbo", "10:9000", 1 },   { "jumbo", "10:20", -EINVAL },
		{ "jumbo", "10", -EINVAL },  { "pps", "10", 0 },
	};
	struct nrt_stream s, before;
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		nrt_stream_init(&s, 1);
		before = s;
		rc = nrt_stream_option(&s, cases[i].opt, cases[i].val);
		EXPECT(rc == cases[i].rc, "--%s %s: %d, expected %d",
		       cases[i].opt, cases[i].val, rc, cases[i].rc);
		if (rc != 1)
			EXPECT(!memcmp(&s, &before, sizeof(s)),
			       "--%s %s changed the stream", cases[i].opt,
			       cases[i].val);
	}
}

static void test_verifier(void)
{
	static uint8_t f[NRT_FRAME_BUF];
	struct nrt_stream s, other;
	uint32_t seq, i;
	int len;

	nrt_stream_init(&s, 99);
	s.vlan_every = 2;
	nrt_stream_init(&other, 100);
	other.vlan_every = 2;

	for (seq = 40; seq < 42; seq++) { /* one untagged, one tagged */
		uint32_t got = 0;

		len = nrt_frame_build(&s, seq, f, sizeof(f));
		EXPECT(verifies(&s, f, (uint32_t)len, (uint32_t)len, false,
				&got) && got == seq,
		       "seq %u: whole frame rejected (got seq %u)", seq, got);
		EXPECT(!verifies(&other, f, (uint32_t)len, (uint32_t)len, false,
				 NULL),
		       "seq %u: accepted by another stream", seq);
		/* Cut frames: a prefix is right only when flagged as cut and
		 * wire_len still gives the whole length. */
		EXPECT(verifies(&s, f, 40, (uint32_t)len, true, NULL),
		       "seq %u: truncated prefix rejected", seq);
		EXPECT(!verifies(&s, f, 40, (uint32_t)len, false, NULL),
		       "seq %u: short frame not flagged accepted", seq);
		EXPECT(!verifies(&s, f, 40, 40, true, NULL),
		       "seq %u: wire_len == len accepted as truncated", seq);
		EXPECT(!verifies(&s, f, (uint32_t)len, (uint32_t)len, true,
				 NULL),
		       "seq %u: whole frame flagged truncated accepted", seq);
		EXPECT(!verifies(&s, f, (uint32_t)len, (uint32_t)len + 1, false,
				 NULL),
		       "seq %u: wrong wire_len accepted", seq);
		/* Any single damaged byte is caught, header or payload. */
		for (i = 0; i < (uint32_t)len; i++) {
			f[i] ^= 0x20;
			EXPECT(!verifies(&s, f, (uint32_t)len, (uint32_t)len,
					 false, NULL),
			       "seq %u: byte %u flipped accepted", seq, i);
			f[i] ^= 0x20;
		}
	}

	memset(f, 0, 64);
	EXPECT(nrt_frame_decode(f, 64, &seq, &seq) == -EBADMSG,
	       "zero frame decoded");
	len = nrt_frame_build(&s, 0, f, sizeof(f));
	EXPECT(nrt_frame_decode(f, 20, &seq, &seq) == -EBADMSG,
	       "20-byte prefix decoded");
	EXPECT(nrt_frame_build(&s, 0, f, (size_t)len - 1) == -ENOSPC,
	       "built into a short buffer");
}

int main(void)
{
	test_same_frame_every_time();
	test_layout();
	test_shapes();
	test_options();
	test_verifier();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
