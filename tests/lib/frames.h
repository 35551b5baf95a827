/* SPDX-License-Identifier: MIT */
/*
 * frames.h - the deterministic test frame stream shared by the sender
 * (nrt-send) and every verifier: frame `seq` of stream `seed` is always the
 * same bytes, so a receiver can regenerate any frame from its sequence
 * number and compare what it got byte for byte.
 *
 * Frame layout (all fields big-endian):
 *
 *	dst MAC 02:6e:72:74:00:02, src MAC 02:6e:72:74:00:01
 *	[802.1Q tag: TPID 0x8100, TCI]      tagged frames only
 *	ethertype 0x88B5
 *	magic "NRT1", seed u32, seq u32, length u16 (the whole frame,
 *	tag included), flags u16 (NRT_HDR_VLAN)
 *	pseudo-random bytes from a PRNG seeded by (seed, seq)
 *
 * The shape of a frame (its length, whether it is tagged, its TCI) is also
 * drawn from (seed, seq) and the stream options, never from the bytes, so a
 * corrupted header cannot make a corrupted frame look right.
 */
#ifndef NRT_FRAMES_H
#define NRT_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NRT_ETHERTYPE 0x88b5u /* IEEE 802 local experimental 1 */
#define NRT_TPID_8021Q 0x8100u
#define NRT_MAGIC 0x4e525431u /* "NRT1" */
#define NRT_ETH_HLEN 14u
#define NRT_VLAN_HLEN 4u
#define NRT_HDR_LEN 16u /* magic, seed, seq, length, flags */
#define NRT_HDR_VLAN 1u /* flags: the frame carries an 802.1Q tag */

/* Shortest and longest untagged lengths a stream may ask for (no FCS); a
 * tagged frame is 4 bytes longer, so buffers need NRT_FRAME_BUF bytes. */
#define NRT_LEN_MIN (NRT_ETH_HLEN + NRT_HDR_LEN)
#define NRT_LEN_MAX 16384u
#define NRT_FRAME_BUF (NRT_LEN_MAX + NRT_VLAN_HLEN)
#define NRT_LEN_DEFAULT_MIN 60u
#define NRT_LEN_DEFAULT_MAX 1514u

/* The veth addresses the test scripts set, so frames are addressed to the
 * receiving interface rather than relying on promiscuous delivery. */
#define NRT_MAC_SRC { 0x02, 0x6e, 0x72, 0x74, 0x00, 0x01 }
#define NRT_MAC_DST { 0x02, 0x6e, 0x72, 0x74, 0x00, 0x02 }

struct nrt_stream {
	uint32_t seed;
	/* Untagged length, uniform in [len_min, len_max]; a tag adds 4. */
	uint32_t len_min;
	uint32_t len_max;
	/* Frames with seq % vlan_every == vlan_every - 1 are tagged; 0: none. */
	uint32_t vlan_every;
	/* Frames with seq % jumbo_every == jumbo_every - 1 are jumbo_len
	 * bytes long (before any tag); 0: none. */
	uint32_t jumbo_every;
	uint32_t jumbo_len;
};

/* What frame `seq` of a stream looks like, without building it. */
struct nrt_shape {
	uint32_t len; /* bytes on the wire, tag included, FCS excluded */
	bool vlan;
	uint16_t tci; /* PCP and VID; valid when vlan */
};

/* Defaults: no tags, no jumbo frames, lengths 60..1514. */
void nrt_stream_init(struct nrt_stream *s, uint32_t seed);

/* 0, or -EINVAL when a length is out of [NRT_LEN_MIN, NRT_LEN_MAX] or
 * the range is empty. */
int nrt_stream_check(const struct nrt_stream *s);

/*
 * The stream options every program takes, so sender and verifier are
 * configured by the same words: "--len MIN:MAX", "--vlan-every N",
 * "--jumbo N:LEN".  Returns 1 when `opt` was one of them (and applied),
 * 0 when it is not a stream option, -EINVAL for a bad value.
 */
int nrt_stream_option(struct nrt_stream *s, const char *opt, const char *val);
#define NRT_STREAM_USAGE                                                       \
	"  --len MIN:MAX     frame lengths, uniform (default 60:1514)\n"         \
	"  --vlan-every N    802.1Q-tag every Nth frame (default 0: none)\n"     \
	"  --jumbo N:LEN     make every Nth frame LEN bytes long\n"

void nrt_frame_shape(const struct nrt_stream *s, uint32_t seq,
		     struct nrt_shape *shape);

/* Write frame `seq` into buf; returns its length, or -ENOSPC if buf is
 * shorter than the frame. */
int nrt_frame_build(const struct nrt_stream *s, uint32_t seq, uint8_t *buf,
		    size_t size);

/*
 * Read seed and seq from received bytes.  0, or -EBADMSG when the bytes
 * are not a test frame (wrong ethertype or magic, too short).
 */
int nrt_frame_decode(const uint8_t *data, uint32_t len, uint32_t *seed,
		     uint32_t *seq);

/*
 * Check a received frame against the stream: decode its seq, regenerate
 * it and compare.  A whole frame must match byte for byte with
 * len == wire_len == the generated length; a truncated one must be a
 * matching prefix with wire_len equal to the generated length.  On success
 * returns 0 and sets *seq (and *shape if not NULL).  On mismatch returns
 * -EBADMSG and explains in why[why_size].
 */
int nrt_frame_verify(const struct nrt_stream *s, const uint8_t *data,
		     uint32_t len, uint32_t wire_len, bool truncated,
		     uint32_t *seq, struct nrt_shape *shape, char *why,
		     size_t why_size);

#endif /* NRT_FRAMES_H */
