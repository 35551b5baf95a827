// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * netring_xsk.bpf.c - the XDP program of the xdp backend: frames that match
 * what the ring asked for go to the AF_XDP socket of the queue they arrived
 * on, with a small metadata record in front; all others go to the host.
 * The match is read-only data set before loading, so the verifier drops the
 * criteria a ring did not ask for.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "netring_xsk.h"

#define VLAN_TAGS_MAX 2
#define IPV6_EXT_HEADERS_MAX 4
#define ARP_OP_REQUEST 1

/* Set by the library before loading (see backend_xdp.c). */
const volatile __u32 match_fields;
const volatile __u32 mac_count;
const volatile __u8 macs[NR_XSK_MACS_MAX][ETH_ALEN];
const volatile __u16 match_ethertype;
const volatile __u16 match_dst_port;
const volatile __u8 match_ip_proto;
const volatile __u32 arp_ipv4; /* network byte order */
const volatile __u32 queue;      /* the plugged queue, unless all_queues */
const volatile __u8 all_queues;
const volatile __u8 use_tai; /* bpf_ktime_get_tai_ns() exists */
/* The device stamps received frames in hardware: ask it (kfunc).  Devices
 * without (veth, most virtual ones) would only answer "none". */
const volatile __u8 use_ts_kfunc;
/* Write the metadata record in front of every frame (netring_xsk.h says
 * when the library asks for it); else a stripped tag goes back into the
 * frame's bytes. */
const volatile __u8 record;
/* Write the record into the frame's headroom with bpf_xdp_adjust_head()
 * instead, as the first bytes the socket gets: for kernels whose XDP
 * programs may not call bpf_xdp_adjust_meta() (netring_xsk.h). */
const volatile __u8 record_in_head;

/* Set once a frame found no room for metadata (a driver that keeps none):
 * the library, which maps this, then reads no record. */
__u32 meta_missing;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1); /* resized to the queue count before loading */
	/* Sizes, not BTF types: the kernel takes no BTF for an XSKMAP. */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nr_xsk_counters);
} counters SEC(".maps");

/* Device metadata.  Only a program bound to its device may call them (the
 * verifier refuses others); a driver without them answers -EOPNOTSUPP. */
extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx,
					 __u64 *timestamp) __ksym __weak;
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx,
					__be16 *vlan_proto,
					__u16 *vlan_tci) __ksym __weak;

struct arp_ipv4_hdr {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[ETH_ALEN];
	__be32 spa;
	__u8 tha[ETH_ALEN];
	__be32 tpa;
} __attribute__((packed));

struct ipv6_ext {
	__u8 nexthdr;
	__u8 len; /* in 8-byte units, not counting the first 8 bytes */
	__be16 frag_off; /* fragment header only */
};

static __always_inline void count(enum nr_xsk_counter c)
{
	__u32 key = 0;
	struct nr_xsk_counters *cs = bpf_map_lookup_elem(&counters, &key);

	if (cs)
		cs->n[c]++;
}

static __always_inline int dst_mac_matches(const struct ethhdr *eth)
{
	if (eth->h_dest[0] & 1) /* group address: broadcast, multicast */
		return 0;
#pragma unroll
	for (int i = 0; i < NR_XSK_MACS_MAX; i++) {
		if (i >= mac_count)
			break;
		if (eth->h_dest[0] == macs[i][0] && eth->h_dest[1] == macs[i][1] &&
		    eth->h_dest[2] == macs[i][2] && eth->h_dest[3] == macs[i][3] &&
		    eth->h_dest[4] == macs[i][4] && eth->h_dest[5] == macs[i][5])
			return 1;
	}
	return 0;
}

/* The IP protocol of the frame and where its L4 header starts (NULL when a
 * later fragment carries none); returns -1 when the frame is not IP. */
static __always_inline int ip_payload(void *cur, void *end, __be16 proto,
				      void **l4)
{
	*l4 = 0;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = cur;
		__u32 ihl;

		if ((void *)(ip + 1) > end)
			return -1;
		ihl = ip->ihl & 0xf;
		if (ihl < 5)
			return -1;
		if (!(ip->frag_off & bpf_htons(0x1fff)))
			*l4 = cur + ihl * 4;
		return ip->protocol;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = cur;
		__u8 next;

		if ((void *)(ip6 + 1) > end)
			return -1;
		next = ip6->nexthdr;
		cur = ip6 + 1;
#pragma unroll
		for (int i = 0; i < IPV6_EXT_HEADERS_MAX; i++) {
			struct ipv6_ext *ext = cur;

			if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING &&
			    next != IPPROTO_DSTOPTS && next != IPPROTO_FRAGMENT)
				break;
			if ((void *)(ext + 1) > end)
				return -1;
			if (next == IPPROTO_FRAGMENT) {
				if (ext->frag_off & bpf_htons(0xfff8))
					return ext->nexthdr; /* no L4 header */
				cur += 8;
			} else {
				cur += (ext->len + 1) * 8;
			}
			next = ext->nexthdr;
		}
		*l4 = cur;
		return next;
	}
	return -1;
}

static __always_inline int frame_matches(void *data, void *end)
{
	struct ethhdr *eth = data;
	void *cur = eth + 1;
	__be16 proto;

	if (cur > end)
		return 0;
	proto = eth->h_proto;
#pragma unroll
	for (int i = 0; i < VLAN_TAGS_MAX; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if (cur + 4 > end)
			return 0;
		proto = *(__be16 *)(cur + 2);
		cur += 4;
	}

	if ((match_fields & NR_XSK_MATCH_ARP_FOR) &&
	    proto == bpf_htons(ETH_P_ARP)) {
		struct arp_ipv4_hdr *arp = cur;

		if ((void *)(arp + 1) <= end &&
		    arp->ptype == bpf_htons(ETH_P_IP) && arp->plen == 4 &&
		    arp->op == bpf_htons(ARP_OP_REQUEST) && arp->tpa == arp_ipv4)
			return 1;
	}
	if (!(match_fields & ~NR_XSK_MATCH_ARP_FOR))
		return match_fields == 0; /* ARP_FOR alone: nothing else */

	if ((match_fields & NR_XSK_MATCH_DST_MAC) && !dst_mac_matches(eth))
		return 0;
	if ((match_fields & NR_XSK_MATCH_ETHERTYPE) &&
	    proto != bpf_htons(match_ethertype))
		return 0;
	if (match_fields & (NR_XSK_MATCH_IP_PROTO | NR_XSK_MATCH_DST_PORT)) {
		void *l4;
		int ipproto = ip_payload(cur, end, proto, &l4);

		if (ipproto < 0)
			return 0;
		if ((match_fields & NR_XSK_MATCH_IP_PROTO) &&
		    ipproto != match_ip_proto)
			return 0;
		if (match_fields & NR_XSK_MATCH_DST_PORT) {
			/* UDP and TCP both keep the destination port at 2. */
			if (ipproto != IPPROTO_UDP && ipproto != IPPROTO_TCP)
				return 0;
			if (!l4 || l4 + 4 > end)
				return 0;
			if (*(__be16 *)(l4 + 2) != bpf_htons(match_dst_port))
				return 0;
		}
	}
	return 1;
}

/* Write the record; 0, or -1 when there is no room for it in the head
 * (the caller leaves the frame to the host). */
static __always_inline int write_meta(struct xdp_md *ctx, const int kfuncs)
{
	struct nr_xsk_meta *m;
	void *data, *end;
	__u32 flags = 0;

	if (record_in_head) {
		/* The record becomes the first bytes delivered; the frame
		 * follows it.  XDP guarantees XDP_PACKET_HEADROOM, so this
		 * does not fail on any driver seen. */
		if (bpf_xdp_adjust_head(ctx, -(int)sizeof(*m)))
			return -1;
		m = (void *)(long)ctx->data;
		data = m + 1;
	} else {
		if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m))) {
			meta_missing = 1; /* the driver keeps no metadata */
			return 0;
		}
		m = (void *)(long)ctx->data_meta;
		data = (void *)(long)ctx->data;
	}
	end = (void *)(long)ctx->data_end;
	if (data > end || (void *)(m + 1) > data)
		return record_in_head ? -1 : 0;
	m->ts = 0;
	m->vlan_proto = 0;
	m->vlan_tci = 0;
	if (kfuncs) {
		__u64 ts = 0;
		__be16 vproto = 0;
		__u16 tci = 0;

		if (use_ts_kfunc &&
		    bpf_xdp_metadata_rx_timestamp(ctx, &ts) == 0 && ts) {
			m->ts = ts;
			flags |= NR_XSK_META_TS_HW;
		}
		if (bpf_xdp_metadata_rx_vlan_tag(ctx, &vproto, &tci) == 0) {
			m->vlan_proto = bpf_ntohs(vproto);
			m->vlan_tci = tci;
			flags |= NR_XSK_META_VLAN;
		}
	}
	/* A tag left in the bytes: say so here, so that user space need not
	 * read the frame's header to report it. */
	if (!(flags & NR_XSK_META_VLAN) && data + ETH_HLEN + 4 <= end) {
		__be16 type = *(__be16 *)(data + 12);

		if (type == bpf_htons(ETH_P_8021Q) ||
		    type == bpf_htons(ETH_P_8021AD)) {
			m->vlan_tci = bpf_ntohs(*(__be16 *)(data + 14));
			flags |= NR_XSK_META_VLAN_INBAND;
		}
	}
	if (use_tai && !(flags & NR_XSK_META_TS_HW)) {
		m->ts = bpf_ktime_get_tai_ns();
		flags |= NR_XSK_META_TS_TAI;
	}
	m->flags = flags;
	return 0;
}

/* A tag the device stripped, put back after the MAC addresses, as it
 * was on the wire.  With no headroom for it (no driver seen) the frame
 * goes as it is, untagged. */
static __always_inline void vlan_push(struct xdp_md *ctx)
{
	__be16 vproto = 0;
	__u16 tci = 0;
	__u32 *w;

	if (bpf_xdp_metadata_rx_vlan_tag(ctx, &vproto, &tci) != 0)
		return;
	if (bpf_xdp_adjust_head(ctx, -4))
		return;
	w = (void *)(long)ctx->data;
	if ((void *)(w + 4) > (void *)(long)ctx->data_end)
		return;
	/* The 12 address bytes move 4 to the front; word by word, each
	 * read before the word it lands on is written. */
	w[0] = w[1];
	w[1] = w[2];
	w[2] = w[3];
	((__be16 *)w)[6] = vproto;
	((__be16 *)w)[7] = bpf_htons(tci);
}

static __always_inline int xsk_redirect(struct xdp_md *ctx, const int kfuncs)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 q = ctx->rx_queue_index;

	if (!all_queues && q != queue) {
		count(NR_XSK_PASSED);
		return XDP_PASS;
	}
	if (match_fields && !frame_matches(data, end)) {
		count(NR_XSK_PASSED);
		return XDP_PASS;
	}
	/* The redirect happens after we return: the record or the tag can
	 * still be written (no separate lookup of the socket first). */
	if (bpf_redirect_map(&xsks, q, XDP_PASS) != XDP_REDIRECT) {
		count(NR_XSK_NO_SOCKET);
		return XDP_PASS;
	}
	if (record) {
		if (write_meta(ctx, kfuncs)) {
			/* Matched, but not deliverable as the library would
			 * read it: to the host, counted with the frames that
			 * found no socket (dropped_redirect). */
			count(NR_XSK_NO_SOCKET);
			return XDP_PASS;
		}
	} else if (kfuncs)
		vlan_push(ctx);
	count(NR_XSK_MATCHED);
	return XDP_REDIRECT;
}

/* Two programs, one loaded: bound to the device, with the metadata kfuncs
 * (native XDP), or for any device without them (generic XDP, which refuses
 * bound programs, and kernels before 6.3).  Their names both start with
 * NR_XSK_PROG_NAME. */
SEC("xdp.frags")
int netring_xsk(struct xdp_md *ctx)
{
	return xsk_redirect(ctx, 1);
}

SEC("xdp.frags")
int netring_xsk_any(struct xdp_md *ctx)
{
	return xsk_redirect(ctx, 0);
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
