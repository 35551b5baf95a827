// SPDX-License-Identifier: MIT
/*
 * loop.c - one thread serving many rings: epoll over the rings' descriptors,
 * an eventfd to break and an rtnetlink socket for link events, a budget per
 * ring per turn, and auto-plug of the links that match a pattern.
 */
#include <fnmatch.h>
#include <limits.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rtnl_events.h"

#define LOOP_EVENTS 64

struct loop_ring {
	struct netring *r;
	netring_frame_fn fn;
	void *user;
	uint32_t ifindex; /* 0: not a link of the loop's namespace (pcap) */
	enum netring_backend backend;
	bool owned;   /* plugged by auto-plug: the loop closes it */
	bool pending; /* frames may be waiting: serve it this turn */
	bool woken;   /* epoll said so (rather than a full budget last turn) */
	bool removed; /* out of the loop; freed once the turn is over */
};

/* A link of the namespace as last reported, to tell what changed. */
struct loop_link {
	struct netring_if ifi;
	bool seen; /* during a resync */
};

struct netring_loop {
	int epfd;
	int break_fd;
	int rtnl_fd; /* -1 until links matter */
	uint32_t budget;
	uint32_t flags;
	netring_event_fn event_fn;
	void *event_user;
	uint64_t netns;

	struct loop_ring **rings;
	size_t nrings, rings_cap;
	size_t next; /* round-robin start */
	bool running;
	bool dirty; /* some rings are removed but not yet freed */

	struct loop_link *links;
	size_t nlinks, links_cap;

	bool autoplug;
	char *pattern; /* NULL: every link */
	uint32_t ap_flags;
	struct netring_config ap_cfg;
	bool ap_has_cfg;
	netring_frame_fn ap_fn;
	void *ap_user;

	char err[NETRING_ERRBUF_SIZE];
};

static int rtnl_start(struct netring_loop *l);

/* epoll tags for the loop's own descriptors; rings are tagged with their
 * struct loop_ring. */
static const char tag_break, tag_rtnl;

static int loop_fail(struct netring_loop *l, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int loop_fail(struct netring_loop *l, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err, sizeof(l->err), fmt, ap);
	va_end(ap);
	return rc;
}

static int netns_of_fd(int fd, uint64_t *ino)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	*ino = (uint64_t)st.st_ino;
	return 0;
}

/* The network namespace of the calling thread (not of the process: a
 * thread may have entered another one with setns). */
static int thread_netns(uint64_t *ino)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st) &&
	    stat("/proc/self/ns/net", &st))
		return -errno;
	*ino = (uint64_t)st.st_ino;
	return 0;
}

int netring_loop_new(struct netring_loop **loopp,
		     const struct netring_loop_opts *opts, char *errbuf)
{
	struct netring_loop_opts o = { 0 };
	struct epoll_event ev = { .events = EPOLLIN };
	struct netring_loop *l;
	int rc;

	if (errbuf)
		errbuf[0] = '\0';
	if (!loopp)
		return nr_fail(errbuf, -EINVAL, "no place for the loop handle");
	*loopp = NULL;
	if (opts) {
		size_t sz = opts->sz;

		if (sz < sizeof(o.sz) + sizeof(o.budget))
			return nr_fail(errbuf, -EINVAL,
				       "loop options: sz (%zu) too small; set it to sizeof(struct netring_loop_opts)",
				       sz);
		for (size_t i = sizeof(o); i < sz; i++)
			if (((const unsigned char *)opts)[i])
				return nr_fail(errbuf, -EINVAL,
					       "loop options: fields unknown to this netring (%s) are set",
					       NETRING_VERSION_STRING);
		memcpy(&o, opts, sz < sizeof(o) ? sz : sizeof(o));
	}
	if (o.flags & ~(uint32_t)NETRING_LOOP_LINK_EVENTS)
		return nr_fail(errbuf, -EINVAL, "loop options: unknown flags 0x%x",
			       o.flags & ~(uint32_t)NETRING_LOOP_LINK_EVENTS);
	if (o.budget > NETRING_RING_FRAMES_MAX)
		return nr_fail(errbuf, -EINVAL,
			       "loop budget %u: more than a ring holds (%u)",
			       o.budget, NETRING_RING_FRAMES_MAX);

	l = calloc(1, sizeof(*l));
	if (!l)
		return nr_fail(errbuf, -ENOMEM, "out of memory");
	l->epfd = l->break_fd = l->rtnl_fd = -1;
	l->budget = o.budget ? o.budget : NETRING_LOOP_BUDGET_DEFAULT;
	l->flags = o.flags;
	l->event_fn = o.event_fn;
	l->event_user = o.event_user;
	rc = thread_netns(&l->netns);
	if (rc) {
		nr_fail(errbuf, rc, "cannot read this thread's network namespace: %s",
			strerror(-rc));
		goto fail;
	}
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		rc = nr_fail(errbuf, -errno, "epoll: %s", strerror(errno));
		goto fail;
	}
	l->break_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->break_fd < 0) {
		rc = nr_fail(errbuf, -errno, "eventfd: %s", strerror(errno));
		goto fail;
	}
	ev.data.ptr = (void *)&tag_break;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->break_fd, &ev)) {
		rc = nr_fail(errbuf, -errno, "epoll_ctl: %s", strerror(errno));
		goto fail;
	}
	if (l->flags & NETRING_LOOP_LINK_EVENTS) {
		rc = rtnl_start(l);
		if (rc) {
			nr_fail(errbuf, rc, "%s", l->err);
			goto fail;
		}
	}
	*loopp = l;
	return 0;
fail:
	netring_loop_free(l);
	return rc;
}

const char *netring_loop_error(const struct netring_loop *l)
{
	return l ? l->err : "no loop";
}

int netring_loop_fd(const struct netring_loop *l)
{
	return l ? l->epfd : -EINVAL;
}

int netring_loop_break(struct netring_loop *l)
{
	uint64_t one = 1;

	if (!l)
		return -EINVAL;
	/* write(2) on a non-blocking eventfd: async-signal-safe, and the
	 * counter cannot realistically saturate, so this never blocks. */
	if (write(l->break_fd, &one, sizeof(one)) != sizeof(one))
		return -errno;
	return 0;
}

static struct loop_ring *ring_find(const struct netring_loop *l,
				   const struct netring *r)
{
	for (size_t i = 0; i < l->nrings; i++)
		if (l->rings[i]->r == r && !l->rings[i]->removed)
			return l->rings[i];
	return NULL;
}

static struct loop_ring *ring_of_link(const struct netring_loop *l,
				      uint32_t ifindex)
{
	if (!ifindex)
		return NULL;
	for (size_t i = 0; i < l->nrings; i++)
		if (l->rings[i]->ifindex == ifindex && !l->rings[i]->removed)
			return l->rings[i];
	return NULL;
}

static struct loop_link *link_find(const struct netring_loop *l,
				   uint32_t ifindex)
{
	for (size_t i = 0; i < l->nlinks; i++)
		if (l->links[i].ifi.ifindex == ifindex)
			return &l->links[i];
	return NULL;
}

static void event_emit(struct netring_loop *l, struct netring_event *ev)
{
	if (!l->event_fn)
		return;
	ev->netns = l->netns;
	if (!ev->message)
		ev->message = "";
	l->event_fn(l, ev, l->event_user);
}

/* Take lr out of the epoll set and the turn; it is freed (and closed, if
 * the loop's) by ring_free() once no turn can still reach it. */
static void ring_detach(struct netring_loop *l, struct loop_ring *lr)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, netring_fd(lr->r), NULL);
	lr->removed = true;
	lr->pending = false;
	l->dirty = true;
}

static void ring_free(struct loop_ring *lr)
{
	if (lr->owned)
		netring_close(lr->r);
	free(lr);
}

/* Free the removed rings, keeping the others in order. */
static void rings_compact(struct netring_loop *l)
{
	size_t k = 0;

	if (!l->dirty)
		return;
	for (size_t i = 0; i < l->nrings; i++) {
		if (l->rings[i]->removed)
			ring_free(l->rings[i]);
		else
			l->rings[k++] = l->rings[i];
	}
	l->nrings = k;
	l->dirty = false;
}

static int ring_insert(struct netring_loop *l, struct netring *r,
		       netring_frame_fn fn, void *user, bool owned)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct netring_info info;
	struct loop_ring *lr;
	int fd = netring_fd(r), rc;

	rc = netring_get_info(r, &info, sizeof(info));
	if (rc)
		return loop_fail(l, rc, "cannot read the ring's info");
	if (info.ifindex && info.backend != NETRING_BACKEND_PCAP) {
		/* The socket knows its namespace; a descriptor that is not a
		 * socket of one (a TAP's, in older kernels) cannot say. */
		int nsfd = ioctl(fd, SIOCGSKNS);
		uint64_t ino = l->netns;

		if (nsfd >= 0) {
			netns_of_fd(nsfd, &ino);
			close(nsfd);
		}
		if (ino != l->netns)
			return loop_fail(l, -EXDEV,
					 "%s: a link of another network namespace than the loop's",
					 info.ifname);
		rc = rtnl_start(l);
		if (rc)
			return rc;
	}
	if (l->nrings == l->rings_cap) {
		size_t cap = l->rings_cap ? 2 * l->rings_cap : 8;
		/* Pointers, so that entries stay put for epoll. */
		struct loop_ring **n =
			reallocarray(l->rings, cap, sizeof(struct loop_ring *));

		if (!n)
			return loop_fail(l, -ENOMEM, "out of memory");
		l->rings = n;
		l->rings_cap = cap;
	}
	lr = calloc(1, sizeof(*lr));
	if (!lr)
		return loop_fail(l, -ENOMEM, "out of memory");
	lr->r = r;
	lr->fn = fn;
	lr->user = user;
	lr->backend = info.backend;
	lr->ifindex = info.backend == NETRING_BACKEND_PCAP ? 0 : info.ifindex;
	lr->owned = owned;
	/* Frames may have arrived before it joined: serve it at once. */
	lr->pending = true;
	ev.data.ptr = lr;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		rc = -errno;
		free(lr);
		return loop_fail(l, rc, "%s: epoll_ctl: %s", info.ifname,
				 strerror(-rc));
	}
	l->rings[l->nrings++] = lr;
	return 0;
}

int netring_loop_add(struct netring_loop *l, struct netring *r,
		     netring_frame_fn fn, void *user)
{
	if (!l || !r || !fn)
		return -EINVAL;
	if (ring_find(l, r))
		return loop_fail(l, -EEXIST, "the ring is already in the loop");
	return ring_insert(l, r, fn, user, false);
}

int netring_loop_remove(struct netring_loop *l, struct netring *r)
{
	struct loop_ring *lr;

	if (!l || !r)
		return -EINVAL;
	lr = ring_find(l, r);
	if (!lr)
		return loop_fail(l, -ENOENT, "the ring is not in the loop");
	/* The caller takes it back, even one auto-plug plugged. */
	lr->owned = false;
	ring_detach(l, lr);
	if (!l->running)
		rings_compact(l);
	return 0;
}

int netring_loop_set_user(struct netring_loop *l, struct netring *r,
			  void *user)
{
	struct loop_ring *lr;

	if (!l || !r)
		return -EINVAL;
	lr = ring_find(l, r);
	if (!lr)
		return loop_fail(l, -ENOENT, "the ring is not in the loop");
	lr->user = user;
	return 0;
}

int netring_loop_rings(const struct netring_loop *l, struct netring **rings,
		       size_t max)
{
	size_t n = 0;

	if (!l || (!rings && max))
		return -EINVAL;
	for (size_t i = 0; i < l->nrings; i++) {
		if (l->rings[i]->removed)
			continue;
		if (n < max)
			rings[n] = l->rings[i]->r;
		n++;
	}
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* Hand over what is left in the ring, then its final statistics, then
 * take it out of the loop. */
static void ring_gone(struct netring_loop *l, struct loop_ring *lr, int error,
		      const struct netring_if *link)
{
	struct netring_event ev = { .kind = NETRING_EV_GONE, .error = error };
	struct netring_stats st = { 0 };
	int n;

	do
		n = netring_dispatch(lr->r, l->budget, lr->fn, lr->user);
	while (n > 0 && (unsigned)n == l->budget);
	netring_stats_get(lr->r, &st, sizeof(st));
	if (link)
		ev.link = *link;
	else if (lr->ifindex && link_find(l, lr->ifindex))
		ev.link = link_find(l, lr->ifindex)->ifi;
	ev.ring = lr->r;
	ev.ring_user = lr->user;
	ev.stats = &st;
	ev.message = netring_error(lr->r);
	ring_detach(l, lr);
	event_emit(l, &ev);
	/* Closed now, not after the turn: the link may be plugged again
	 * within this turn, and an XDP program or AF_XDP queue is not
	 * shared. */
	if (lr->owned) {
		netring_close(lr->r);
		lr->owned = false;
	}
	if (!l->running)
		rings_compact(l);
}

/* ---- auto-plug ------------------------------------------------------- */

static bool autoplug_wants(const struct netring_loop *l,
			   const struct netring_if *ifi)
{
	if (!l->autoplug)
		return false;
	if (!(l->ap_flags & NETRING_AUTOPLUG_ANY_TYPE) &&
	    !(ifi->flags & NETRING_IF_ETHERNET))
		return false;
	if ((l->ap_flags & NETRING_AUTOPLUG_UP_ONLY) &&
	    !(ifi->flags & NETRING_IF_UP))
		return false;
	if (l->pattern && fnmatch(l->pattern, ifi->name, 0) != 0)
		return false;
	return !ring_of_link(l, ifi->ifindex);
}

/* Plug one link; 1 when plugged, 0 when not (reported), -errno for the
 * loop's own failures. */
static int autoplug_link(struct netring_loop *l, const struct netring_if *ifi)
{
	struct netring_event ev = { .link = *ifi };
	char errbuf[NETRING_ERRBUF_SIZE];
	struct netring_info info;
	struct netring *r;
	int rc;

	rc = netring_open(&r, ifi->name, l->ap_has_cfg ? &l->ap_cfg : NULL,
			  errbuf);
	/* Gone already, or renamed: the event that says so follows. */
	if (rc == -ENODEV)
		return 0;
	if (rc == 0 && (netring_get_info(r, &info, sizeof(info)) ||
			info.ifindex != ifi->ifindex)) {
		netring_close(r);
		return 0;
	}
	if (rc == 0) {
		rc = ring_insert(l, r, l->ap_fn, l->ap_user, true);
		if (rc) {
			snprintf(errbuf, sizeof(errbuf), "%s", l->err);
			netring_close(r);
		}
	}
	if (rc) {
		ev.kind = NETRING_EV_PLUG_FAILED;
		ev.error = rc;
		ev.message = errbuf;
		event_emit(l, &ev);
		return 0;
	}
	ev.kind = NETRING_EV_PLUGGED;
	ev.ring = r;
	ev.ring_user = l->ap_user;
	event_emit(l, &ev);
	return 1;
}

/* ---- link events ----------------------------------------------------- */

static void link_event(struct netring_loop *l, uint32_t kind,
		       const struct netring_if *ifi, const struct loop_link *old)
{
	struct netring_event ev = { .kind = kind, .link = *ifi };
	struct loop_ring *lr = ring_of_link(l, ifi->ifindex);

	if (!(l->flags & NETRING_LOOP_LINK_EVENTS) && !l->autoplug && !lr)
		return;
	if (old) {
		ev.old_mtu = old->ifi.mtu;
		memcpy(ev.old_mac, old->ifi.mac, sizeof(ev.old_mac));
	}
	if (lr) {
		ev.ring = lr->r;
		ev.ring_user = lr->user;
	}
	event_emit(l, &ev);
}

static void link_removed(struct netring_loop *l, const struct netring_if *ifi)
{
	struct loop_link *k = link_find(l, ifi->ifindex);
	struct netring_if last = k ? k->ifi : *ifi;
	struct loop_ring *lr;

	while ((lr = ring_of_link(l, ifi->ifindex)))
		ring_gone(l, lr, -ENODEV, &last);
	if (k) {
		*k = l->links[--l->nlinks];
		if (l->flags & NETRING_LOOP_LINK_EVENTS || l->autoplug)
			link_event(l, NETRING_EV_DEL, &last, NULL);
	}
}

static int link_seen(struct netring_loop *l, const struct netring_if *ifi,
		     bool quiet)
{
	struct loop_link *k = link_find(l, ifi->ifindex);

	if (!k) {
		if (l->nlinks == l->links_cap) {
			size_t cap = l->links_cap ? 2 * l->links_cap : 16;
			struct loop_link *n =
				reallocarray(l->links, cap, sizeof(*n));

			if (!n)
				return -ENOMEM;
			l->links = n;
			l->links_cap = cap;
		}
		k = &l->links[l->nlinks++];
		k->ifi = *ifi;
		k->seen = true;
		if (!quiet)
			link_event(l, NETRING_EV_NEW, ifi, NULL);
	} else {
		struct loop_link old = *k;
		bool was_up = old.ifi.flags & NETRING_IF_UP;
		bool is_up = ifi->flags & NETRING_IF_UP;

		k->ifi = *ifi;
		k->seen = true;
		if (was_up && !is_up)
			link_event(l, NETRING_EV_DOWN, ifi, &old);
		if (old.ifi.mtu != ifi->mtu)
			link_event(l, NETRING_EV_MTU, ifi, &old);
		if (memcmp(old.ifi.mac, ifi->mac, sizeof(ifi->mac)))
			link_event(l, NETRING_EV_ADDR, ifi, &old);
		/* Nothing to do for the rings: AF_PACKET's socket is hooked
		 * again by the kernel, and an AF_XDP socket stays bound
		 * through down and up (only removal unbinds it). */
		if (!was_up && is_up)
			link_event(l, NETRING_EV_UP, ifi, &old);
	}
	if (autoplug_wants(l, ifi))
		return autoplug_link(l, ifi);
	return 0;
}

static void rtnl_event(const struct netring_if *ifi, bool removed, void *user)
{
	struct netring_loop *l = user;

	if (removed)
		link_removed(l, ifi);
	else
		link_seen(l, ifi, false);
}

struct resync_ctx {
	struct netring_loop *l;
	bool quiet;
	int rc;
};

static int resync_one(const struct netring_if *ifi, void *user)
{
	struct resync_ctx *c = user;
	int rc = link_seen(c->l, ifi, c->quiet);

	if (rc < 0 && !c->rc)
		c->rc = rc;
	return 0;
}

/* Read the whole link table and report what changed since we last knew:
 * at start (quietly: what exists is not news), and after the kernel
 * dropped events. */
static int links_resync(struct netring_loop *l, bool quiet)
{
	struct resync_ctx c = { .l = l, .quiet = quiet };
	int rc;

	for (size_t i = 0; i < l->nlinks; i++)
		l->links[i].seen = false;
	rc = nr_link_each(resync_one, &c);
	if (rc)
		return loop_fail(l, rc, "reading the link table: %s",
				 strerror(-rc));
	for (size_t i = 0; i < l->nlinks;) {
		if (!l->links[i].seen) {
			struct netring_if gone = l->links[i].ifi;

			link_removed(l, &gone); /* moves the last entry here */
			continue;
		}
		i++;
	}
	return c.rc;
}

static int rtnl_start(struct netring_loop *l)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int rc;

	if (l->rtnl_fd >= 0)
		return 0;
	/* Subscribe before reading the table, so no change falls between:
	 * one seen twice is no change the second time. */
	rc = nr_rtnl_open(l->err);
	if (rc < 0)
		return rc;
	l->rtnl_fd = rc;
	ev.data.ptr = (void *)&tag_rtnl;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->rtnl_fd, &ev)) {
		rc = loop_fail(l, -errno, "epoll_ctl: %s", strerror(errno));
		goto fail;
	}
	rc = links_resync(l, true);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	close(l->rtnl_fd);
	l->rtnl_fd = -1;
	return rc;
}

static void rtnl_turn(struct netring_loop *l)
{
	int rc = nr_rtnl_read(l->rtnl_fd, rtnl_event, l);

	if (rc == -ENOBUFS)
		links_resync(l, false);
}

static int rings_owned(const struct netring_loop *l)
{
	int n = 0;

	for (size_t i = 0; i < l->nrings; i++)
		n += l->rings[i]->owned && !l->rings[i]->removed;
	return n;
}

int netring_loop_autoplug(struct netring_loop *l,
			  const struct netring_autoplug *ap)
{
	const uint32_t known = NETRING_AUTOPLUG_ANY_TYPE | NETRING_AUTOPLUG_UP_ONLY;
	struct netring_autoplug a = { 0 };
	char *pattern = NULL;
	int rc, before, plugged;

	if (!l || !ap)
		return -EINVAL;
	if (ap->sz < offsetof(struct netring_autoplug, flags))
		return loop_fail(l, -EINVAL,
				 "auto-plug: sz (%zu) too small; set it to sizeof(struct netring_autoplug)",
				 ap->sz);
	for (size_t i = sizeof(a); i < ap->sz; i++)
		if (((const unsigned char *)ap)[i])
			return loop_fail(l, -EINVAL,
					 "auto-plug: fields unknown to this netring (%s) are set",
					 NETRING_VERSION_STRING);
	memcpy(&a, ap, ap->sz < sizeof(a) ? ap->sz : sizeof(a));
	if (a.flags & ~known)
		return loop_fail(l, -EINVAL, "auto-plug: unknown flags 0x%x",
				 a.flags & ~known);
	if (!a.frame_fn)
		return loop_fail(l, -EINVAL, "auto-plug: no frame callback");
	if (a.cfg && (a.cfg->sz < sizeof(size_t) ||
		      a.cfg->sz > sizeof(struct netring_config)))
		return loop_fail(l, -EINVAL,
				 "auto-plug: the config template's sz (%zu) is not one this netring knows",
				 a.cfg ? a.cfg->sz : 0);
	if (a.pattern && strcmp(a.pattern, "all") != 0) {
		pattern = strdup(a.pattern);
		if (!pattern)
			return loop_fail(l, -ENOMEM, "out of memory");
	}
	free(l->pattern);
	l->pattern = pattern;
	l->ap_flags = a.flags;
	l->ap_has_cfg = a.cfg != NULL;
	memset(&l->ap_cfg, 0, sizeof(l->ap_cfg));
	if (a.cfg)
		memcpy(&l->ap_cfg, a.cfg, a.cfg->sz);
	l->ap_fn = a.frame_fn;
	l->ap_user = a.frame_user;
	l->autoplug = true;

	/* A first start reads the link table, which plugs what matches. */
	before = rings_owned(l);
	rc = rtnl_start(l);
	if (rc < 0)
		return rc;
	/* Plugging reports events, and the callback may add rings: each
	 * link is copied before it is plugged. */
	for (size_t i = 0; i < l->nlinks; i++) {
		struct netring_if ifi = l->links[i].ifi;

		if (!autoplug_wants(l, &ifi))
			continue;
		rc = autoplug_link(l, &ifi);
		if (rc < 0)
			return rc;
	}
	plugged = rings_owned(l) - before;
	return plugged > 0 ? plugged : 0;
}

/* ---- running --------------------------------------------------------- */

static bool turn_pending(const struct netring_loop *l)
{
	for (size_t i = 0; i < l->nrings; i++)
		if (l->rings[i]->pending && !l->rings[i]->removed)
			return true;
	return false;
}

/*
 * Serve one ring: at most a budget of frames.  A full budget means more
 * may wait: it is served again next turn without sleeping.  A ring that
 * woke the loop but had nothing may be telling that it ended:
 * netring_wait() without sleeping says (and reads a socket error).
 */
static int ring_turn(struct netring_loop *l, struct loop_ring *lr)
{
	bool woken = lr->woken;
	int n, rc;

	lr->woken = false;
	n = netring_dispatch(lr->r, l->budget, lr->fn, lr->user);
	if (lr->removed) /* the callback took it out */
		return n > 0 ? n : 0;
	if (n > 0 && (unsigned)n >= l->budget)
		return n;
	lr->pending = false;
	if (n < 0) {
		ring_gone(l, lr, n, NULL);
		return 0;
	}
	if (n == 0 && woken) {
		rc = netring_wait(lr->r, 0);
		if (rc == 1)
			lr->pending = true;
		else if (rc < 0 && rc != -ECANCELED && rc != -EINTR &&
			 rc != -EAGAIN)
			ring_gone(l, lr, rc, NULL);
	}
	return n;
}

static int remaining_ms(int timeout_ms, uint64_t deadline)
{
	uint64_t now;

	if (timeout_ms <= 0)
		return timeout_ms;
	now = nr_mono_ns();
	if (now >= deadline)
		return 0;
	/* Rounded up: waking a little late beats a busy wait before it. */
	return (int)((deadline - now + 999999) / 1000000);
}

int netring_loop_run(struct netring_loop *l, int timeout_ms)
{
	struct epoll_event evs[LOOP_EVENTS];
	uint64_t deadline = 0, delivered = 0;
	int rc = 0;

	if (!l || timeout_ms < -1)
		return -EINVAL;
	if (l->running)
		return loop_fail(l, -EBUSY, "the loop is already running");
	if (timeout_ms > 0)
		deadline = nr_mono_ns() + (uint64_t)timeout_ms * 1000000;
	l->running = true;
	for (;;) {
		int wait = turn_pending(l) ? 0 : remaining_ms(timeout_ms, deadline);
		int nev = epoll_wait(l->epfd, evs, LOOP_EVENTS, wait);
		bool broken = false;
		size_t count, start;

		if (nev < 0) {
			rc = errno == EINTR ? -EINTR :
					      loop_fail(l, -errno, "epoll_wait: %s",
							strerror(errno));
			break;
		}
		for (int i = 0; i < nev; i++) {
			void *tag = evs[i].data.ptr;

			if (tag == &tag_break) {
				uint64_t v;

				if (read(l->break_fd, &v, sizeof(v)) == sizeof(v))
					broken = true;
			} else if (tag == &tag_rtnl) {
				rtnl_turn(l);
			} else {
				struct loop_ring *lr = tag;

				if (!lr->removed)
					lr->pending = lr->woken = true;
			}
		}
		if (broken) {
			rc = -ECANCELED;
			break;
		}
		/* Rings added during the turn wait for the next one. */
		count = l->nrings;
		start = count ? l->next++ % count : 0;
		for (size_t k = 0; k < count; k++) {
			struct loop_ring *lr = l->rings[(start + k) % count];

			if (lr->pending && !lr->removed)
				delivered += (uint64_t)ring_turn(l, lr);
		}
		rings_compact(l);
		if (timeout_ms == 0 ||
		    (timeout_ms > 0 && nr_mono_ns() >= deadline))
			break;
	}
	rings_compact(l);
	l->running = false;
	if (rc)
		return rc;
	return delivered > INT_MAX ? INT_MAX : (int)delivered;
}

void netring_loop_free(struct netring_loop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nrings; i++)
		ring_free(l->rings[i]);
	free(l->rings);
	free(l->links);
	free(l->pattern);
	if (l->rtnl_fd >= 0)
		close(l->rtnl_fd);
	if (l->break_fd >= 0)
		close(l->break_fd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l);
}
