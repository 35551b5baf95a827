// SPDX-License-Identifier: MIT
/*
 * xdp_probe.c - netring_if_probe(): what an interface's driver can do for
 * the xdp backend, from the kernel's "netdev" generic netlink family (XDP
 * features, zero-copy, metadata kfuncs; Linux 6.3+), and which XDP program
 * is attached to it now.  Asks, never attaches anything.
 */
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netring_int.h"
#ifdef NETRING_HAVE_XDP
#include "xdp_prog.h"
#endif

/* include/uapi/linux/netdev.h (Linux 6.3+); older headers lack it. */
#define NETDEV_FAMILY_NAME "netdev"
#define NETDEV_CMD_DEV_GET 1
#define NETDEV_A_DEV_IFINDEX 1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_A_DEV_XDP_ZC_MAX_SEGS 4
#define NETDEV_A_DEV_XDP_RX_METADATA_FEATURES 5
#define NETDEV_XDP_ACT_BASIC (1ull << 0)
#define NETDEV_XDP_ACT_REDIRECT (1ull << 1)
#define NETDEV_XDP_ACT_XSK_ZEROCOPY (1ull << 3)
#define NETDEV_XDP_ACT_RX_SG (1ull << 5)
#define NETDEV_XDP_RX_METADATA_TIMESTAMP (1ull << 0)
#define NETDEV_XDP_RX_METADATA_HASH (1ull << 1)
#define NETDEV_XDP_RX_METADATA_VLAN_TAG (1ull << 2)

#define GENL_BUF 8192

struct genl_req {
	struct nlmsghdr nh;
	struct genlmsghdr gh;
	char attrs[64];
};

struct netdev_facts {
	uint64_t xdp_features;
	uint64_t rx_metadata;
	uint32_t zc_max_segs;
	bool have_features;
};

static void put_attr(struct genl_req *req, uint16_t type, const void *data,
		     uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

typedef void (*attr_fn)(const struct nlattr *a, void *user);

/* Send one request, walk the attributes of the answer. */
static int genl_ask(int fd, struct genl_req *req, attr_fn fn, void *user)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[GENL_BUF] __attribute__((aligned(4)));
	ssize_t len;

	if (sendto(fd, req, req->nh.nlmsg_len, 0, (const struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0)
		return -errno;
	for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)len);
	     nh = NLMSG_NEXT(nh, len)) {
		const struct nlattr *a;
		int left;

		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (e->error)
				return e->error;
			continue;
		}
		if (nh->nlmsg_type == NLMSG_DONE)
			break;
		a = (const struct nlattr *)((const char *)NLMSG_DATA(nh) +
					    GENL_HDRLEN);
		left = (int)nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
		while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
		       a->nla_len <= left) {
			fn(a, user);
			left -= NLA_ALIGN(a->nla_len);
			a = (const struct nlattr *)((const char *)a +
						    NLA_ALIGN(a->nla_len));
		}
	}
	return 0;
}

static void family_attr(const struct nlattr *a, void *user)
{
	if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID &&
	    a->nla_len >= NLA_HDRLEN + sizeof(uint16_t))
		memcpy(user, (const char *)a + NLA_HDRLEN, sizeof(uint16_t));
}

static void dev_attr(const struct nlattr *a, void *user)
{
	struct netdev_facts *f = user;
	const char *v = (const char *)a + NLA_HDRLEN;
	size_t vlen = a->nla_len - NLA_HDRLEN;

	switch (a->nla_type & NLA_TYPE_MASK) {
	case NETDEV_A_DEV_XDP_FEATURES:
		if (vlen >= sizeof(uint64_t)) {
			memcpy(&f->xdp_features, v, sizeof(uint64_t));
			f->have_features = true;
		}
		break;
	case NETDEV_A_DEV_XDP_RX_METADATA_FEATURES:
		if (vlen >= sizeof(uint64_t))
			memcpy(&f->rx_metadata, v, sizeof(uint64_t));
		break;
	case NETDEV_A_DEV_XDP_ZC_MAX_SEGS:
		if (vlen >= sizeof(uint32_t))
			memcpy(&f->zc_max_segs, v, sizeof(uint32_t));
		break;
	}
}

static int netdev_ask(uint32_t ifindex, struct netdev_facts *f)
{
	struct genl_req req;
	uint16_t family = 0;
	int fd, rc;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.nh.nlmsg_type = GENL_ID_CTRL;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.gh.cmd = CTRL_CMD_GETFAMILY;
	req.gh.version = 1;
	put_attr(&req, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME,
		 sizeof(NETDEV_FAMILY_NAME));
	rc = genl_ask(fd, &req, family_attr, &family);
	if (rc == -ENOENT || (!rc && !family)) {
		rc = 0; /* before 6.3: the features are unknown */
		goto out;
	}
	if (rc)
		goto out;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.nh.nlmsg_type = family;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 2;
	req.gh.cmd = NETDEV_CMD_DEV_GET;
	req.gh.version = 1;
	put_attr(&req, NETDEV_A_DEV_IFINDEX, &ifindex, sizeof(ifindex));
	rc = genl_ask(fd, &req, dev_attr, f);
out:
	close(fd);
	return rc;
}

int netring_if_probe(const char *name, struct netring_if_caps *caps,
		     size_t size)
{
	struct netring_if_caps c;
	struct netring_if ifi;
	struct netdev_facts f = { 0 };
	int rc;

	if (!name || !caps || !size)
		return -EINVAL;
	rc = nr_link_get(name, 0, &ifi, NULL);
	if (rc)
		return rc;
	memset(&c, 0, sizeof(c));
	rc = netdev_ask(ifi.ifindex, &f);
	if (rc)
		return rc;
	if (f.have_features) {
		c.flags |= NETRING_CAP_XDP_FEATURES_KNOWN;
		if ((f.xdp_features & NETDEV_XDP_ACT_BASIC) &&
		    (f.xdp_features & NETDEV_XDP_ACT_REDIRECT))
			c.flags |= NETRING_CAP_XDP_NATIVE;
		if (f.xdp_features & NETDEV_XDP_ACT_XSK_ZEROCOPY)
			c.flags |= NETRING_CAP_XDP_ZEROCOPY;
		if (f.xdp_features & NETDEV_XDP_ACT_RX_SG)
			c.flags |= NETRING_CAP_XDP_MULTIBUF;
		if (f.rx_metadata & NETDEV_XDP_RX_METADATA_TIMESTAMP)
			c.flags |= NETRING_CAP_XDP_META_TIMESTAMP;
		if (f.rx_metadata & NETDEV_XDP_RX_METADATA_HASH)
			c.flags |= NETRING_CAP_XDP_META_HASH;
		if (f.rx_metadata & NETDEV_XDP_RX_METADATA_VLAN_TAG)
			c.flags |= NETRING_CAP_XDP_META_VLAN;
		c.zc_max_segs = f.zc_max_segs;
	}
#ifdef NETRING_HAVE_XDP
	{
		struct nr_xdp_attached a;

		if (nr_xdp_query(ifi.ifindex, &a) == 0 && a.prog_id) {
			c.flags |= NETRING_CAP_XDP_ATTACHED;
			c.xdp_prog_id = a.prog_id;
			c.xdp_attach = a.mode;
			snprintf(c.xdp_prog_name, sizeof(c.xdp_prog_name), "%s",
				 a.name);
		}
	}
#endif
	if (size > sizeof(c)) {
		memset((char *)caps + sizeof(c), 0, size - sizeof(c));
		size = sizeof(c);
	}
	memcpy(caps, &c, size);
	return 0;
}
