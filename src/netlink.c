/* SPDX-License-Identifier: MIT */
/*
 * netlink.c - the interface facts netring needs (type, MAC, MTU, queues,
 * kind, rx_dropped) from rtnetlink, which, unlike /sys, always answers for
 * the caller's own network namespace.
 */
#include <net/if.h> /* before the linux/ headers: they clash the other way */
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netring_int.h"
#include "rtnl_events.h"

#define NL_BUFSIZE 32768

struct link_query {
	const char *name;
	uint32_t ifindex;
	struct netring_if *ifi;
	struct nr_link_counters *ctr;
	bool found;
};

static void parse_linkinfo(const struct rtattr *li, struct netring_if *ifi)
{
	int len = (int)RTA_PAYLOAD(li);

	for (const struct rtattr *a = RTA_DATA(li); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_INFO_KIND) {
			size_t n = RTA_PAYLOAD(a);

			if (n >= sizeof(ifi->kind))
				n = sizeof(ifi->kind) - 1;
			memcpy(ifi->kind, RTA_DATA(a), n);
			ifi->kind[n] = '\0';
			/* the attribute may or may not carry its NUL */
			ifi->kind[strnlen(ifi->kind, n)] = '\0';
		}
	}
}

/* Decode one RTM_NEWLINK message into ifi and ctr. */
static void parse_link(const struct nlmsghdr *nh, struct netring_if *ifi,
		       struct nr_link_counters *ctr)
{
	const struct ifinfomsg *im = NLMSG_DATA(nh);
	int len = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof(*im)));

	memset(ifi, 0, sizeof(*ifi));
	memset(ctr, 0, sizeof(*ctr));
	ifi->ifindex = (uint32_t)im->ifi_index;
	ifi->type = im->ifi_type;
	if (im->ifi_flags & IFF_UP)
		ifi->flags |= NETRING_IF_UP;
	if (im->ifi_flags & IFF_RUNNING)
		ifi->flags |= NETRING_IF_RUNNING;
	if (im->ifi_flags & IFF_PROMISC)
		ifi->flags |= NETRING_IF_PROMISC;
	if (im->ifi_type == ARPHRD_ETHER)
		ifi->flags |= NETRING_IF_ETHERNET;
	if (im->ifi_type == ARPHRD_LOOPBACK)
		ifi->flags |= NETRING_IF_LOOPBACK;

	for (const struct rtattr *a = IFLA_RTA(im); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		const void *d = RTA_DATA(a);
		size_t n = RTA_PAYLOAD(a);

		switch (a->rta_type) {
		case IFLA_IFNAME:
			if (n >= sizeof(ifi->name))
				n = sizeof(ifi->name) - 1;
			memcpy(ifi->name, d, n);
			ifi->name[n] = '\0';
			break;
		case IFLA_ADDRESS:
			if (n == sizeof(ifi->mac))
				memcpy(ifi->mac, d, n);
			break;
		case IFLA_MTU:
			if (n >= sizeof(uint32_t))
				memcpy(&ifi->mtu, d, sizeof(uint32_t));
			break;
		case IFLA_NUM_RX_QUEUES:
			if (n >= sizeof(uint32_t))
				memcpy(&ifi->rx_queues, d, sizeof(uint32_t));
			break;
		case IFLA_NUM_TX_QUEUES:
			if (n >= sizeof(uint32_t))
				memcpy(&ifi->tx_queues, d, sizeof(uint32_t));
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(a, ifi);
			break;
		case IFLA_STATS64:
			if (n >= sizeof(struct rtnl_link_stats64)) {
				struct rtnl_link_stats64 s;

				memcpy(&s, d, sizeof(s));
				ctr->rx_packets = s.rx_packets;
				ctr->rx_dropped = s.rx_dropped;
				ctr->rx_missed = s.rx_missed_errors + s.rx_fifo_errors;
			}
			break;
		}
	}
}

/*
 * Send one RTM_GETLINK request (a dump when name and ifindex are unset) and
 * hand each answer to fn.  Returns 0, or -errno (-ENODEV when the kernel says
 * there is no such link).
 */
static int link_request(const char *name, uint32_t ifindex,
			int (*fn)(const struct nlmsghdr *nh, void *user),
			void *user)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg im;
		char attrs[64];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	bool dump = !name && !ifindex;
	char *buf;
	int fd, rc = 0;
	bool done = false;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.im));
	req.nh.nlmsg_type = RTM_GETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0);
	req.nh.nlmsg_seq = 1;
	req.im.ifi_family = AF_UNSPEC;
	req.im.ifi_index = (int)ifindex;
	if (name && !ifindex) {
		struct rtattr *a = (struct rtattr *)((char *)&req +
						     NLMSG_ALIGN(req.nh.nlmsg_len));
		size_t n = strlen(name) + 1;

		if (n > IFNAMSIZ)
			return -ENODEV;
		a->rta_type = IFLA_IFNAME;
		a->rta_len = (unsigned short)RTA_LENGTH(n);
		memcpy(RTA_DATA(a), name, n);
		req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) +
				   RTA_ALIGN(a->rta_len);
	}

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	buf = malloc(NL_BUFSIZE);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		rc = -errno;
		goto out;
	}
	while (!done) {
		ssize_t len = recv(fd, buf, NL_BUFSIZE, 0);
		struct nlmsghdr *nh;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if (len == 0)
			break;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				rc = e->error;
				done = true;
				break;
			}
			if (nh->nlmsg_type != RTM_NEWLINK)
				continue;
			if (rc == 0)
				rc = fn(nh, user);
			if (!dump)
				done = true;
		}
	}
out:
	free(buf);
	close(fd);
	return rc;
}

static int query_one(const struct nlmsghdr *nh, void *user)
{
	struct link_query *q = user;
	struct netring_if ifi;
	struct nr_link_counters ctr;

	parse_link(nh, &ifi, &ctr);
	if (q->ifi)
		*q->ifi = ifi;
	if (q->ctr)
		*q->ctr = ctr;
	q->found = true;
	return 0;
}

int nr_link_get(const char *name, uint32_t ifindex, struct netring_if *ifi,
		struct nr_link_counters *ctr)
{
	struct link_query q = { .name = name, .ifindex = ifindex, .ifi = ifi,
				.ctr = ctr };
	int rc;

	if ((!name || !name[0]) && !ifindex)
		return -EINVAL;
	rc = link_request(name, ifindex, query_one, &q);
	if (rc == -ENODEV || (rc == 0 && !q.found))
		return -ENODEV;
	return rc;
}

struct each_ctx {
	nr_link_fn fn;
	void *user;
};

static int each_one(const struct nlmsghdr *nh, void *user)
{
	struct each_ctx *c = user;
	struct netring_if ifi;
	struct nr_link_counters ctr;

	parse_link(nh, &ifi, &ctr);
	return c->fn(&ifi, c->user);
}

int nr_link_each(nr_link_fn fn, void *user)
{
	struct each_ctx c = { .fn = fn, .user = user };

	return link_request(NULL, 0, each_one, &c);
}

struct list_ctx {
	struct netring_if *ifs;
	size_t max;
	size_t count;
	unsigned flags;
};

static int list_one(const struct netring_if *ifi, void *user)
{
	struct list_ctx *c = user;

	if (!(c->flags & NETRING_LIST_ALL) && !(ifi->flags & NETRING_IF_ETHERNET))
		return 0;
	if (c->count < c->max)
		c->ifs[c->count] = *ifi;
	c->count++;
	return 0;
}

static int cmp_ifindex(const void *a, const void *b)
{
	const struct netring_if *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int netring_if_list(struct netring_if *ifs, size_t max, unsigned flags)
{
	struct list_ctx c = { .ifs = ifs, .max = max, .flags = flags };
	int rc;

	if (!ifs && max)
		return -EINVAL;
	if (flags & ~NETRING_LIST_ALL)
		return -EINVAL;
	rc = nr_link_each(list_one, &c);
	if (rc)
		return rc;
	if (c.count > (size_t)INT32_MAX)
		return -EOVERFLOW;
	if (max && c.count)
		qsort(ifs, c.count < max ? c.count : max, sizeof(*ifs),
		      cmp_ifindex);
	return (int)c.count;
}

int netring_if_get(const char *name, struct netring_if *ifi)
{
	if (!name || !ifi)
		return -EINVAL;
	if (strlen(name) >= NETRING_IFNAMSIZ)
		return -ENODEV;
	return nr_link_get(name, 0, ifi, NULL);
}

/* One RTM_NEWLINK or RTM_DELLINK message, e.g. a link event, into ifi. */
void nr_link_parse(const struct nlmsghdr *nh, struct netring_if *ifi)
{
	struct nr_link_counters ctr;

	parse_link(nh, ifi, &ctr);
}
