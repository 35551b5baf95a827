// SPDX-License-Identifier: MIT
/*
 * rtnl_events.c - link events for the event loop: a NETLINK_ROUTE socket
 * bound to RTMGRP_LINK.  Messages are decoded by netlink.c's parser, so an
 * event describes a link exactly as netring_if_list() would.
 */
#include <net/if.h> /* before the linux/ headers: they clash the other way */
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rtnl_events.h"

/* Room for a burst of events (e.g. a namespace full of veths going away)
 * before the kernel drops some and we must read the link table again. */
#define RTNL_RCVBUF (1 << 20)
#define RTNL_MSGBUF 32768

int nr_rtnl_open(char *err)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK };
	int fd, size = RTNL_RCVBUF;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_ROUTE);
	if (fd < 0)
		return nr_fail(err, -errno, "rtnetlink socket: %s",
			       strerror(errno));
	/* FORCE works with CAP_NET_ADMIN and goes beyond rmem_max; without
	 * it the plain request is capped, which is only less headroom. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int rc = -errno;

		close(fd);
		return nr_fail(err, rc, "rtnetlink bind to link events: %s",
			       strerror(-rc));
	}
	return fd;
}

int nr_rtnl_read(int fd, nr_rtnl_fn fn, void *user)
{
	char buf[RTNL_MSGBUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	int count = 0;
	bool overrun = false;

	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				overrun = true;
				continue;
			}
			if (errno == EAGAIN)
				break;
			return -errno;
		}
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		     NLMSG_OK(nh, (size_t)len); nh = NLMSG_NEXT(nh, len)) {
			const struct ifinfomsg *im = NLMSG_DATA(nh);
			struct netring_if ifi;

			if (nh->nlmsg_type != RTM_NEWLINK &&
			    nh->nlmsg_type != RTM_DELLINK)
				continue;
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*im)))
				continue;
			/* A bridge reports its ports' changes as AF_BRIDGE
			 * link messages, RTM_DELLINK when a port leaves the
			 * bridge: they say nothing about the link itself. */
			if (im->ifi_family != AF_UNSPEC)
				continue;
			nr_link_parse(nh, &ifi);
			fn(&ifi, nh->nlmsg_type == RTM_DELLINK, user);
			count++;
		}
	}
	return overrun ? -ENOBUFS : count;
}
