/* SPDX-License-Identifier: MIT */
/*
 * rtnl_events.h - link events from rtnetlink (RTMGRP_LINK) for the event
 * loop: a non-blocking socket to put in an epoll set and a reader that
 * decodes what it has into struct netring_if.  Internal.
 */
#ifndef NETRING_RTNL_EVENTS_H
#define NETRING_RTNL_EVENTS_H

#include <linux/netlink.h>

#include "netring_int.h"

/* netlink.c: decode one RTM_NEWLINK/RTM_DELLINK message. */
void nr_link_parse(const struct nlmsghdr *nh, struct netring_if *ifi);

/* A link appeared or changed (removed == false), or was removed. */
typedef void (*nr_rtnl_fn)(const struct netring_if *ifi, bool removed,
			   void *user);

/* A non-blocking NETLINK_ROUTE socket subscribed to link events; the fd,
 * or -errno (explained in err). */
int nr_rtnl_open(char *err);

/*
 * Hand every event waiting on fd to fn, without blocking.  Returns how
 * many, or -ENOBUFS when the kernel dropped some (the socket's buffer
 * overran: the caller must read the whole link table again), or -errno.
 */
int nr_rtnl_read(int fd, nr_rtnl_fn fn, void *user);

#endif /* NETRING_RTNL_EVENTS_H */
