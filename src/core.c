/* SPDX-License-Identifier: MIT */
/*
 * core.c - what every ring has whatever its backend: config validation,
 * choosing and opening the backend, held-frame bookkeeping, waiting,
 * breaking, statistics, and the backend-independent half of transmit (length
 * checks, the copying forward).  It knows no backend's details.
 */
#include <linux/if_ether.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netring_int.h"

#define VLAN_HLEN 4

const char *netring_version(void)
{
	return NETRING_VERSION_STRING;
}

int nr_fail(char *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err, NETRING_ERRBUF_SIZE, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int nr_set_error(struct netring *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return rc;
}

const char *netring_error(const struct netring *r)
{
	return r ? r->err : "no ring";
}

static const char *const backend_names[] = {
	[NETRING_BACKEND_AUTO] = "auto", [NETRING_BACKEND_PACKET] = "packet",
	[NETRING_BACKEND_XDP] = "xdp",   [NETRING_BACKEND_TAP] = "tap",
	[NETRING_BACKEND_PCAP] = "pcap",
};

const char *netring_backend_name(enum netring_backend b)
{
	if ((unsigned)b >= sizeof(backend_names) / sizeof(backend_names[0]))
		return "unknown";
	return backend_names[b];
}

int netring_backend_parse(const char *name)
{
	if (!name)
		return -EINVAL;
	for (unsigned i = 0; i < sizeof(backend_names) / sizeof(backend_names[0]);
	     i++)
		if (strcmp(name, backend_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

/* The backends this build has, by enum value; NULL where not built. */
static const struct netring_ops *backend_ops(enum netring_backend b)
{
	switch (b) {
	case NETRING_BACKEND_PACKET:
		return &netring_packet_ops;
	case NETRING_BACKEND_TAP:
		return &netring_tap_ops;
	case NETRING_BACKEND_PCAP:
		return &netring_pcap_ops;
#ifdef NETRING_HAVE_XDP
	case NETRING_BACKEND_XDP:
		return &netring_xdp_ops;
#endif
	default:
		return NULL;
	}
}

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/*
 * Copy the caller's config (of whatever size it was compiled with) into a
 * full one, reject what this library does not understand, fill defaults,
 * and check every value.
 */
static int config_resolve(const struct netring_config *in,
			  struct netring_config *out, char *err)
{
	const uint32_t known_flags = NETRING_CF_PROMISC | NETRING_CF_OUTGOING |
				     NETRING_CF_NO_VLAN_RESTORE |
				     NETRING_CF_FALLBACK | NETRING_CF_TX_ONLY |
				     NETRING_CF_QDISC_BYPASS |
				     NETRING_CF_UMEM_SHAREABLE |
				     NETRING_CF_TS_EACH_FRAME |
				     NETRING_CF_NO_STREAM_SPIN;

	memset(out, 0, sizeof(*out));
	if (in) {
		size_t sz = in->sz;

		if (sz < offsetof(struct netring_config, backend))
			return nr_fail(err, -EINVAL,
				       "config: sz (%zu) too small; set it to sizeof(struct netring_config)",
				       sz);
		if (sz > sizeof(*out)) {
			const unsigned char *tail = (const unsigned char *)in;

			for (size_t i = sizeof(*out); i < sz; i++)
				if (tail[i])
					return nr_fail(err, -EINVAL,
						       "config: fields unknown to this netring (%s) are set",
						       NETRING_VERSION_STRING);
			sz = sizeof(*out);
		}
		memcpy(out, in, sz);
	}
	out->sz = sizeof(*out);

	if ((unsigned)out->backend > NETRING_BACKEND_PCAP)
		return nr_fail(err, -EINVAL, "config: unknown backend %d",
			       (int)out->backend);
	if ((unsigned)out->mode > NETRING_MODE_TAKE)
		return nr_fail(err, -EINVAL, "config: unknown mode %d",
			       (int)out->mode);
	if (!out->ring_frames)
		out->ring_frames = NETRING_RING_FRAMES_DEFAULT;
	if (!out->frame_size)
		out->frame_size = NETRING_FRAME_SIZE_DEFAULT;
	if (!out->block_timeout_ms)
		out->block_timeout_ms = 1;
	if (!out->tx_frames)
		out->tx_frames = NETRING_TX_FRAMES_DEFAULT;

	if (!is_pow2(out->frame_size) ||
	    out->frame_size < NETRING_FRAME_SIZE_MIN ||
	    out->frame_size > NETRING_FRAME_SIZE_MAX)
		return nr_fail(err, -EINVAL,
			       "frame size %u: must be a power of two from %u to %u",
			       out->frame_size, NETRING_FRAME_SIZE_MIN,
			       NETRING_FRAME_SIZE_MAX);
	if (!is_pow2(out->ring_frames) ||
	    out->ring_frames < NETRING_RING_FRAMES_MIN ||
	    out->ring_frames > NETRING_RING_FRAMES_MAX)
		return nr_fail(err, -EINVAL,
			       "ring frames %u: must be a power of two from %u to %u",
			       out->ring_frames, NETRING_RING_FRAMES_MIN,
			       NETRING_RING_FRAMES_MAX);
	if (!is_pow2(out->tx_frames) ||
	    out->tx_frames < NETRING_RING_FRAMES_MIN ||
	    out->tx_frames > NETRING_RING_FRAMES_MAX)
		return nr_fail(err, -EINVAL,
			       "tx frames %u: must be a power of two from %u to %u",
			       out->tx_frames, NETRING_RING_FRAMES_MIN,
			       NETRING_RING_FRAMES_MAX);
	if ((uint64_t)out->tx_frames * out->frame_size > NETRING_RING_BYTES_MAX)
		return nr_fail(err, -EINVAL,
			       "tx ring of %u frames of %u bytes: larger than %llu MiB",
			       out->tx_frames, out->frame_size,
			       NETRING_RING_BYTES_MAX >> 20);
	if ((uint64_t)out->ring_frames * out->frame_size > NETRING_RING_BYTES_MAX)
		return nr_fail(err, -EINVAL,
			       "ring of %u frames of %u bytes: larger than %llu MiB",
			       out->ring_frames, out->frame_size,
			       NETRING_RING_BYTES_MAX >> 20);
	if (out->queue < NETRING_QUEUE_ALL)
		return nr_fail(err, -EINVAL, "queue %d: must be >= 0, or -1 for all",
			       out->queue);
	if (out->busy_poll_us > 1000000)
		return nr_fail(err, -EINVAL,
			       "busy-poll %u us: more than one second", out->busy_poll_us);
	if (out->block_timeout_ms > 1000)
		return nr_fail(err, -EINVAL,
			       "block timeout %u ms: more than one second",
			       out->block_timeout_ms);
	if (out->flags & ~known_flags)
		return nr_fail(err, -EINVAL, "config: unknown flags 0x%x",
			       out->flags & ~known_flags);
	return 0;
}

static bool config_has_xdp_choices(const struct netring_config *cfg)
{
	return cfg->match.fields || cfg->xdp_attach || cfg->xdp_bind;
}

static int choose_backend(struct netring_plug *p, char *err)
{
	enum netring_backend b = p->cfg.backend;

	if (b == NETRING_BACKEND_AUTO) {
#ifdef NETRING_HAVE_XDP
		/* Only an XDP program can take frames from the host. */
		b = p->cfg.mode == NETRING_MODE_TAKE ? NETRING_BACKEND_XDP :
						       NETRING_BACKEND_PACKET;
#else
		if (p->cfg.mode == NETRING_MODE_TAKE)
			return nr_fail(err, -EOPNOTSUPP,
				       "%s: take mode needs the AF_XDP backend (-b xdp), which this build does not have; "
				       "monitor mode (AF_PACKET) leaves frames to the host",
				       p->ifi.name);
		b = NETRING_BACKEND_PACKET;
#endif
	}
	if (!backend_ops(b))
		return nr_fail(err, -EOPNOTSUPP,
			       "%s: the %s backend is not available in this build",
			       p->ifi.name, netring_backend_name(b));
	if (b != NETRING_BACKEND_XDP && config_has_xdp_choices(&p->cfg))
		return nr_fail(err, -EINVAL,
			       "%s: a match, XDP attach or bind mode needs the xdp backend, not %s",
			       p->ifi.name, netring_backend_name(b));
	p->cfg.backend = b;
	return 0;
}

/*
 * AUTO chose AF_XDP and it could not plug; the caller allowed falling back
 * (NETRING_CF_FALLBACK): AF_PACKET, which can only watch, so in monitor
 * mode and without the match.  Config errors are not plug failures and are
 * reported as they are.
 */
static int open_fallback(struct netring_plug *p, struct netring **rp,
			 int xdp_rc, char *errbuf)
{
	char why[NETRING_ERRBUF_SIZE], note[2 * NETRING_ERRBUF_SIZE];
	size_t len;
	int rc;

	if (xdp_rc == -EINVAL || xdp_rc == -ENOMEM || xdp_rc == -ENODEV)
		return xdp_rc;
	snprintf(why, sizeof(why), "%s", errbuf ? errbuf : "");
	p->cfg.backend = NETRING_BACKEND_PACKET;
	p->cfg.mode = NETRING_MODE_MONITOR;
	memset(&p->cfg.match, 0, sizeof(p->cfg.match));
	p->cfg.xdp_attach = 0;
	p->cfg.xdp_bind = 0;
	if (p->cfg.queue > 0)
		p->cfg.queue = NETRING_QUEUE_ALL; /* AF_PACKET sees them all */
	rc = netring_packet_ops.open(p, rp, errbuf);
	if (rc) {
		char packet_why[NETRING_ERRBUF_SIZE];

		snprintf(packet_why, sizeof(packet_why), "%s", errbuf ? errbuf : "");
		return nr_fail(errbuf, xdp_rc, "xdp: %.110s; fallback to AF_PACKET: %.110s",
			       why, packet_why);
	}
	snprintf(note, sizeof(note),
		 "fell back to AF_PACKET in monitor mode (the host keeps its frames; no match): %s",
		 why);
	/* info.note is shorter than errbuf: the start says what happened. */
	len = strnlen(note, sizeof((*rp)->info.note) - 1);
	memcpy((*rp)->info.note, note, len);
	(*rp)->info.note[len] = '\0';
	(*rp)->info.flags |= NETRING_INFO_FALLBACK;
	nr_fail(errbuf, 0, "%s", note);
	return 0;
}

/*
 * A TAP device the backend may create, or a pcap file, is no link of our
 * namespace to look up: "tap:NAME" asks for the TAP backend, and a backend
 * with no_link takes the name as given, in p->source.
 */
static int source_resolve(struct netring_plug *p, const char **ifname,
			  char *err)
{
	const struct netring_ops *ops;

	p->source = NULL;
	if (strncmp(*ifname, "tap:", 4) == 0) {
		if (p->cfg.backend != NETRING_BACKEND_AUTO &&
		    p->cfg.backend != NETRING_BACKEND_TAP)
			return nr_fail(err, -EINVAL,
				       "%.64s: a tap: name is for the tap backend, not %s",
				       *ifname, netring_backend_name(p->cfg.backend));
		p->cfg.backend = NETRING_BACKEND_TAP;
		*ifname += 4;
		if (!**ifname)
			return nr_fail(err, -EINVAL, "tap: names no device");
	}
	ops = backend_ops(p->cfg.backend);
	if (ops && ops->no_link) {
		memset(&p->ifi, 0, sizeof(p->ifi));
		p->source = *ifname;
	}
	return 0;
}

int netring_open(struct netring **ringp, const char *ifname,
		 const struct netring_config *cfg, char *errbuf)
{
	struct netring_plug p;
	struct nr_link_counters ctr = { 0 };
	struct netring *r = NULL;
	enum netring_backend want;
	int rc;

	if (errbuf)
		errbuf[0] = '\0';
	if (!ringp)
		return nr_fail(errbuf, -EINVAL, "no place for the ring handle");
	*ringp = NULL;
	if (!ifname || !ifname[0])
		return nr_fail(errbuf, -EINVAL, "no interface name");

	rc = config_resolve(cfg, &p.cfg, errbuf);
	if (rc)
		return rc;
	rc = source_resolve(&p, &ifname, errbuf);
	if (rc)
		return rc;
	if (!p.source && strlen(ifname) >= NETRING_IFNAMSIZ)
		return nr_fail(errbuf, -EINVAL,
			       "%.32s...: interface names are at most %d characters",
			       ifname, NETRING_IFNAMSIZ - 1);

	rc = p.source ? 0 : nr_link_get(ifname, 0, &p.ifi, &ctr);
	if (rc == -ENODEV)
		return nr_fail(errbuf, rc, "%s: no such interface", ifname);
	if (rc)
		return nr_fail(errbuf, rc, "%s: cannot read the interface: %s",
			       ifname, strerror(-rc));
	if (!p.source && !(p.ifi.flags & NETRING_IF_ETHERNET))
		return nr_fail(errbuf, -EPROTOTYPE,
			       "%s: not an Ethernet interface (link type %u%s%s)",
			       ifname, p.ifi.type, p.ifi.kind[0] ? ", " : "",
			       p.ifi.kind);

	want = p.cfg.backend;
	rc = choose_backend(&p, errbuf);
	if (rc)
		return rc;

	rc = backend_ops(p.cfg.backend)->open(&p, &r, errbuf);
	if (rc && want == NETRING_BACKEND_AUTO &&
	    p.cfg.backend == NETRING_BACKEND_XDP &&
	    (p.cfg.flags & NETRING_CF_FALLBACK))
		rc = open_fallback(&p, &r, rc, errbuf);
	if (rc)
		return rc;

	r->break_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->break_fd < 0) {
		rc = -errno;
		r->ops->close(r);
		return nr_fail(errbuf, rc, "eventfd: %s", strerror(-rc));
	}
	r->busy_poll_us = p.cfg.busy_poll_us;
	/* Only AF_XDP wakes the reader for every batch the driver delivers;
	 * AF_PACKET wakes it once a block (hundreds of frames), where a spin
	 * measured no faster, only more CPU per frame (22 -> 86 ns). */
	r->stream_spin = !(p.cfg.flags & NETRING_CF_NO_STREAM_SPIN) &&
			 p.cfg.backend == NETRING_BACKEND_XDP;
	/* A source's backend named itself; a TAP's counters start now. */
	if (p.source && r->info.ifindex)
		nr_link_get(NULL, r->info.ifindex, NULL, &ctr);
	r->if_base = ctr;
	r->if_last = ctr;
	if (p.source && r->info.ifindex)
		nr_link_get(NULL, r->info.ifindex, &p.ifi, NULL);
	memcpy(r->info.mac, p.ifi.mac, sizeof(r->info.mac));
	r->info.mtu = p.ifi.mtu;
	r->info.tx_frames = p.cfg.tx_frames;
	r->info.tx_capacity = p.cfg.frame_size - NETRING_FRAME_HEADROOM;
	/* The MTU bounds what the kernel sends: header + MTU, plus 4 bytes
	 * per VLAN tag (checked per frame); a file has no MTU. */
	r->tx_mtu_len = p.ifi.mtu ? p.ifi.mtu + ETH_HLEN : 0;
	if (r->tx_mtu_len && r->info.tx_capacity > r->tx_mtu_len + VLAN_HLEN)
		r->info.tx_capacity = r->tx_mtu_len + VLAN_HLEN;
	if (!p.source) {
		snprintf(r->info.ifname, sizeof(r->info.ifname), "%s",
			 p.ifi.name);
		r->info.ifindex = p.ifi.ifindex;
	}
	r->info.backend = p.cfg.backend;
	r->info.mode = p.cfg.mode;
	r->info.ring_frames = p.cfg.ring_frames;
	r->info.frame_size = p.cfg.frame_size;
	/* A backend that keeps more of a slot for itself said so. */
	if (!r->info.frame_capacity)
		r->info.frame_capacity = p.cfg.frame_size - NETRING_FRAME_HEADROOM;
	r->info.queue = p.cfg.queue;
	if (!r->info.queues)
		r->info.queues = 1;
	*ringp = r;
	return 0;
}

void netring_close(struct netring *r)
{
	int break_fd;

	if (!r)
		return;
	break_fd = r->break_fd;
	r->ops->close(r);
	if (break_fd >= 0)
		close(break_fd);
}

int netring_get_info(const struct netring *r, struct netring_info *info,
		     size_t size)
{
	if (!r || !info || !size)
		return -EINVAL;
	if (size > sizeof(*info)) {
		memset((char *)info + sizeof(*info), 0, size - sizeof(*info));
		size = sizeof(*info);
	}
	memcpy(info, &r->info, size);
	return 0;
}

int netring_fd(const struct netring *r)
{
	return r ? r->fd : -EINVAL;
}

int netring_rx_burst(struct netring *r, struct netring_frame *frames,
		     unsigned max)
{
	int n;

	if (unlikely(!r || !frames))
		return -EINVAL;
	if (unlikely(!max))
		return 0;
	n = r->ops->rx_burst(r, frames, max);
	if (likely(n > 0)) {
		r->held += (unsigned)n;
		r->since_wait += (unsigned)n;
	}
	return n;
}

int netring_rx_release(struct netring *r, unsigned n)
{
	if (unlikely(!r))
		return -EINVAL;
	if (unlikely(n > r->held))
		return nr_set_error(r, -EINVAL,
				    "release of %u frames, but only %u are held",
				    n, r->held);
	if (n) {
		r->ops->rx_release(r, n);
		r->held -= n;
	}
	return 0;
}

unsigned netring_rx_held(const struct netring *r)
{
	return r ? r->held : 0;
}

int netring_dispatch(struct netring *r, unsigned budget, netring_frame_fn fn,
		     void *user)
{
	struct netring_frame frames[64];
	int done = 0;

	if (unlikely(!r || !fn))
		return -EINVAL;
	while (budget) {
		unsigned want = budget < 64 ? budget : 64;
		int n = netring_rx_burst(r, frames, want);

		if (n <= 0)
			return done ? done : n;
		for (int i = 0; i < n; i++)
			fn(&frames[i], user);
		netring_rx_release(r, (unsigned)n);
		done += n;
		budget -= (unsigned)n;
		if ((unsigned)n < want)
			break;
	}
	return done;
}

int netring_break(struct netring *r)
{
	uint64_t one = 1;

	if (!r)
		return -EINVAL;
	/* write(2) is async-signal-safe; the eventfd counter saturates far
	 * beyond any number of breaks, so this cannot block (EFD_NONBLOCK). */
	if (write(r->break_fd, &one, sizeof(one)) != sizeof(one))
		return -errno;
	return 0;
}

static int take_break(struct netring *r)
{
	uint64_t v;

	return read(r->break_fd, &v, sizeof(v)) == sizeof(v);
}

/*
 * The ring's socket reported an error (reading SO_ERROR clears it).  An
 * interface that went down is not an error for the caller: the kernel hooks
 * the socket again when it comes back up.  One that is gone is.
 */
static int socket_error(struct netring *r)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	/* Kept: the error is read (and cleared) once, and a removed
	 * interface never comes back to this socket. */
	if (nr_link_get(NULL, r->info.ifindex, NULL, NULL) == -ENODEV)
		return r->gone = nr_set_error(r, -ENODEV,
					      "%s: the interface went away",
					      r->info.ifname);
	if (soerr == 0 || soerr == ENETDOWN)
		return 0;
	return nr_set_error(r, -soerr, "%s: %s", r->info.ifname,
			    strerror(soerr));
}

int netring_wait(struct netring *r, int timeout_ms)
{
	struct pollfd pfd[2];
	uint32_t spin_us;
	int rc;

	if (!r)
		return -EINVAL;
	if (r->ops->rx_ready(r))
		return 1;
	if (r->gone)
		return r->gone;
	rc = r->ops->ended ? r->ops->ended(r) : 0;
	if (rc)
		return rc;
	spin_us = r->busy_poll_us;
	if (!spin_us && r->stream_spin && r->since_wait >= NR_STREAM_FRAMES)
		spin_us = NR_STREAM_SPIN_US;
	r->since_wait = 0;
	if (spin_us && timeout_ms != 0) {
		uint64_t end = nr_mono_ns() + (uint64_t)spin_us * 1000;

		do {
			if (r->ops->rx_ready(r))
				return 1;
		} while (nr_mono_ns() < end);
	}

	pfd[0] = (struct pollfd){ .fd = r->fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = r->break_fd, .events = POLLIN };
	rc = poll(pfd, 2, timeout_ms);
	if (rc < 0)
		return -errno;
	if (pfd[1].revents & POLLIN) {
		take_break(r);
		return -ECANCELED;
	}
	if (rc == 0)
		return r->ops->rx_ready(r) ? 1 : 0;
	if (r->ops->rx_ready(r))
		return 1;
	if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
		return socket_error(r);
	return 0;
}

int netring_stats_get(struct netring *r, struct netring_stats *st, size_t size)
{
	struct netring_backend_stats bs = { 0 };
	struct nr_link_counters ctr;
	struct netring_stats s = { 0 };
	int rc;

	if (!r || !st || !size)
		return -EINVAL;
	rc = r->ops->stats(r, &bs);
	if (rc)
		return rc;
	/* An interface that is gone keeps the last count we saw. */
	if (nr_link_get(NULL, r->info.ifindex, NULL, &ctr) == 0 &&
	    ctr.rx_dropped >= r->if_base.rx_dropped &&
	    ctr.rx_missed >= r->if_base.rx_missed)
		r->if_last = ctr;

	s.received = r->received;
	s.bytes = r->bytes;
	s.wire_bytes = r->wire_bytes;
	s.truncated = r->truncated;
	s.dropped_ring_full = bs.dropped_ring_full;
	s.freezes = bs.freezes;
	s.kernel_seen = bs.kernel_seen;
	s.dropped_interface = r->if_last.rx_missed - r->if_base.rx_missed;
	s.if_rx_dropped = r->if_last.rx_dropped - r->if_base.rx_dropped;
	s.dropped_no_buffer = bs.dropped_no_buffer;
	s.dropped_redirect = bs.dropped_redirect;
	s.xdp_matched = bs.xdp_matched;
	s.xdp_passed = bs.xdp_passed;
	s.xdp_fill_empty = bs.xdp_fill_empty;
	s.xdp_invalid_descs = bs.xdp_invalid_descs;
	s.tx_queued = r->tx.queued;
	s.tx_sent = r->tx.sent;
	s.tx_bytes = r->tx.bytes;
	s.tx_failed_down = r->tx.failed_down;
	s.tx_failed_too_big = r->tx.failed_too_big;
	s.tx_failed_kernel = r->tx.failed_kernel;
	s.tx_failed = s.tx_failed_down + s.tx_failed_too_big +
		      s.tx_failed_kernel;
	s.tx_in_flight = s.tx_queued - s.tx_sent - s.tx_failed;
	s.tx_forwarded_zerocopy = r->tx.forwarded_zerocopy;
	s.tx_forwarded_copied = r->tx.forwarded_copied;
	s.tx_wakeups = r->tx.wakeups;
	s.dropped = s.dropped_ring_full + s.dropped_interface +
		    s.dropped_no_buffer + s.dropped_redirect;
	/* Frames still arrive while we compute: never below zero. */
	if (s.kernel_seen > s.received + (s.dropped - s.dropped_interface))
		s.unread = s.kernel_seen - s.received -
			   (s.dropped - s.dropped_interface);

	if (size > sizeof(s)) {
		memset((char *)st + sizeof(s), 0, size - sizeof(s));
		size = sizeof(s);
	}
	memcpy(st, &s, size);
	return 0;
}

/* ------------------------------------------------------------------------
 * Transmitting
 * ------------------------------------------------------------------------ */

/*
 * 0, or why the kernel would not send this frame on r.  The rule is
 * AF_PACKET's (the strictest of the backends): header + MTU, plus 4 bytes
 * when the outer EtherType is 802.1Q; an 802.1ad tag gets no allowance.
 */
static inline int tx_len_check(const struct netring *r, const uint8_t *data,
			       uint32_t len)
{
	uint32_t max = r->tx_mtu_len;

	if (unlikely(len < ETH_HLEN))
		return -EINVAL;
	if (unlikely(len > r->info.tx_capacity))
		return -EMSGSIZE;
	if (!max || len <= max)
		return 0;
	if (len <= max + VLAN_HLEN && data[12] == (ETH_P_8021Q >> 8) &&
	    data[13] == (ETH_P_8021Q & 0xff))
		return 0;
	return -EMSGSIZE;
}

static int tx_unsupported(struct netring *r)
{
	return nr_set_error(r, -EOPNOTSUPP,
			    "%s: the %s backend cannot transmit",
			    r->info.ifname, r->ops->name);
}

int netring_tx_reserve(struct netring *r, struct netring_tx_slot *slots,
		       unsigned max)
{
	int n;

	if (unlikely(!r || !slots))
		return -EINVAL;
	if (unlikely(!r->ops->tx_reserve))
		return tx_unsupported(r);
	if (unlikely(r->tx_reserved))
		return nr_set_error(r, -EBUSY,
				    "%u transmit slots are reserved and not committed",
				    r->tx_reserved);
	if (unlikely(r->gone))
		return r->gone;
	if (unlikely(!max))
		return 0;
	n = r->ops->tx_reserve(r, slots, max);
	if (likely(n > 0))
		r->tx_reserved = (unsigned)n;
	return n;
}

int netring_tx_commit(struct netring *r, const struct netring_tx_slot *slots,
		      unsigned n)
{
	unsigned reserved;
	int rc;

	if (unlikely(!r || (!slots && n)))
		return -EINVAL;
	if (unlikely(n > r->tx_reserved))
		return nr_set_error(r, -EINVAL,
				    "commit of %u frames, but only %u slots are reserved",
				    n, r->tx_reserved);
	for (unsigned i = 0; i < n; i++) {
		rc = tx_len_check(r, slots[i].data, slots[i].len);
		if (unlikely(rc))
			return nr_set_error(r, rc,
					    "frame %u of the commit: %u bytes (%s %u)",
					    i, slots[i].len,
					    rc == -EINVAL ? "shorter than the Ethernet header,"
							  : "longer than the interface sends,",
					    rc == -EINVAL ? ETH_HLEN : r->info.tx_capacity);
	}
	reserved = r->tx_reserved;
	if (!reserved)
		return 0;
	r->tx_reserved = 0;
	return r->ops->tx_commit(r, slots, n, reserved);
}

int netring_tx_copy(struct netring *r, const struct netring_iov *iov,
		    unsigned iovcnt)
{
	struct netring_tx_slot s = { 0 };
	uint32_t len = 0;
	int rc;

	if (unlikely(!r || (!iov && iovcnt)))
		return -EINVAL;
	for (unsigned i = 0; i < iovcnt; i++) {
		if (iov[i].len > NETRING_FRAME_SIZE_MAX || (!iov[i].base && iov[i].len))
			return nr_set_error(r, iov[i].base ? -EMSGSIZE : -EINVAL,
					    "iov[%u]: %zu bytes at %p", i,
					    iov[i].len, iov[i].base);
		len += (uint32_t)iov[i].len;
		if (len > NETRING_FRAME_SIZE_MAX)
			return nr_set_error(r, -EMSGSIZE,
					    "a frame of more than %u bytes",
					    NETRING_FRAME_SIZE_MAX);
	}
	rc = netring_tx_reserve(r, &s, 1);
	if (rc <= 0)
		return rc;
	if (len > s.capacity) {
		netring_tx_commit(r, &s, 0);
		return nr_set_error(r, -EMSGSIZE,
				    "frame of %u bytes: longer than the interface sends, %u",
				    len, s.capacity);
	}
	s.len = 0;
	for (unsigned i = 0; i < iovcnt; i++) {
		if (!iov[i].len)
			continue;
		/* tx_reserve gave a slot, so data is set (the analyzer cannot
		 * see through the ops table). */
		memcpy(s.data + s.len, iov[i].base, iov[i].len); // NOLINT(clang-analyzer-core.NonNullParamChecker)
		s.len += (uint32_t)iov[i].len;
	}
	rc = netring_tx_commit(r, &s, 1);
	if (rc < 0 && r->tx_reserved)
		netring_tx_commit(r, &s, 0);
	return rc;
}

/* Copy frames from `in` into out's transmit slots: the one copy of the
 * fallback path.  Returns how many frames were handled. */
static int forward_copy(struct netring *out, const struct netring_frame *f,
			unsigned n)
{
	struct netring_tx_slot s[64] = { { 0 } };
	unsigned done = 0;

	while (done < n) {
		unsigned want = n - done < 64 ? n - done : 64;
		unsigned k = 0, used = 0;
		int got = netring_tx_reserve(out, s, want);

		if (got <= 0)
			return done ? (int)done : got;
		/* Frames that cannot be sent are handled (counted) without
		 * taking a slot. */
		for (; k < want && used < (unsigned)got; k++) {
			const struct netring_frame *fr = &f[done + k];

			if ((fr->flags & NETRING_FRAME_TRUNCATED) ||
			    tx_len_check(out, fr->data, fr->len)) {
				out->tx.failed_too_big++;
				out->tx.queued++;
				continue;
			}
			/* used < got: a reserved slot, data is set. */
			memcpy(s[used].data, fr->data, fr->len); // NOLINT(clang-analyzer-core.NonNullParamChecker)
			s[used].len = fr->len;
			used++;
		}
		int rc = netring_tx_commit(out, s, used);

		if (rc < 0)
			return done ? (int)done : rc;
		out->tx.forwarded_copied += used;
		done += k;
		if ((unsigned)got < want && k < want)
			break; /* out is full */
	}
	return (int)done;
}

int netring_tx_forward(struct netring *out, struct netring *in,
		       const struct netring_frame *frames, unsigned n)
{
	int rc;

	if (unlikely(!out || !in || (!frames && n)))
		return -EINVAL;
	if (unlikely(!out->ops->tx_reserve))
		return tx_unsupported(out);
	if (unlikely(n > in->held))
		return nr_set_error(out, -EINVAL,
				    "forward of %u frames, but %s holds only %u",
				    n, in->info.ifname, in->held);
	if (unlikely(!n))
		return 0;
	if (out->ops->tx_forward && out->ops == in->ops) {
		rc = out->ops->tx_forward(out, in, frames, n);
		if (rc != -EXDEV)
			return rc;
	}
	return forward_copy(out, frames, n);
}

unsigned netring_tx_in_flight(struct netring *r)
{
	if (!r)
		return 0;
	return (unsigned)(r->tx.queued - r->tx.sent - r->tx.failed_down -
			  r->tx.failed_too_big - r->tx.failed_kernel);
}

static int tx_poll_fd(struct netring *r)
{
	int fd = r->ops->tx_fd ? r->ops->tx_fd(r) : -1;

	return fd >= 0 ? fd : r->fd;
}

int netring_tx_wait(struct netring *r, int timeout_ms)
{
	uint64_t deadline = 0;
	bool writable = false;
	int rc;

	if (!r)
		return -EINVAL;
	if (!r->ops->tx_reclaim)
		return tx_unsupported(r);
	if (timeout_ms > 0)
		deadline = nr_mono_ns() + (uint64_t)timeout_ms * 1000000;
	for (;;) {
		struct pollfd pfd[2];
		int left = timeout_ms;

		if (r->gone)
			return r->gone;
		rc = r->ops->tx_reclaim(r);
		if (rc != 0 || timeout_ms == 0)
			return rc;
		if (timeout_ms > 0) {
			uint64_t now = nr_mono_ns();

			if (now >= deadline)
				return 0;
			left = (int)((deadline - now + 999999) / 1000000);
		}
		/*
		 * A socket whose send buffer has room is writable although
		 * every slot waits for the kernel (a full device queue, a
		 * completion not yet reaped): once POLLOUT has not freed a
		 * slot, look again each millisecond instead of spinning.
		 */
		pfd[0] = (struct pollfd){ .fd = writable ? -1 : tx_poll_fd(r),
					  .events = POLLOUT };
		pfd[1] = (struct pollfd){ .fd = r->break_fd, .events = POLLIN };
		rc = poll(pfd, 2, writable && (left < 0 || left > 1) ? 1 : left);
		if (rc < 0)
			return -errno;
		if (pfd[1].revents & POLLIN) {
			take_break(r);
			return -ECANCELED;
		}
		if (pfd[0].revents & POLLOUT)
			writable = true;
		else if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			rc = socket_error(r);
			if (rc)
				return rc;
			writable = true; /* ENETDOWN: not an error; do not spin */
		}
	}
}

int netring_tx_drain(struct netring *r, int timeout_ms)
{
	uint64_t deadline;

	if (!r)
		return -EINVAL;
	if (!r->ops->tx_reclaim)
		return tx_unsupported(r);
	deadline = timeout_ms < 0 ? UINT64_MAX
				  : nr_mono_ns() + (uint64_t)timeout_ms * 1000000;
	for (;;) {
		int rc = r->ops->tx_reclaim(r);

		if (rc < 0)
			return rc;
		if (!netring_tx_in_flight(r))
			return 0;
		if (r->gone)
			return r->gone;
		if (nr_mono_ns() >= deadline)
			return nr_set_error(r, -ETIMEDOUT,
					    "%u frames still in flight",
					    netring_tx_in_flight(r));
		/* Completions come without a wake-up of their own on every
		 * backend: look again shortly. */
		poll(NULL, 0, 1);
	}
}
