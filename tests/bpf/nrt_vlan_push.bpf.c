// SPDX-License-Identifier: (MIT OR GPL-2.0)
/*
 * nrt_vlan_push.bpf.c - a tc egress program for the tests: tag every frame
 * with VLAN 100 through bpf_skb_vlan_push(), which, on a device that
 * offloads tag insertion (veth does), keeps the tag in the skb's metadata,
 * out of the bytes: how a frame from a VLAN device arrives on the peer
 * (this kernel cannot load the 8021q module).  The receiving end's XDP
 * program sees the frame untagged and must ask the driver for the tag.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define NRT_PUSHED_VLAN 100

SEC("tc")
int nrt_vlan_push(struct __sk_buff *skb)
{
	if (bpf_skb_vlan_push(skb, bpf_htons(0x8100), NRT_PUSHED_VLAN))
		return TC_ACT_SHOT; /* the test then misses frames: it fails */
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
