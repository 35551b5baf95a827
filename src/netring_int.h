/* SPDX-License-Identifier: MIT */
/*
 * netring_int.h - what the core and the backends share: the ring handle,
 * the backend operations table, and small helpers.  Nothing here is public.
 * The core knows no backend's details; a backend embeds `struct netring` in
 * its own state and reaches that state with container_of().
 */
#ifndef NETRING_INT_H
#define NETRING_INT_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "netring.h"

#define container_of(ptr, type, member)                                        \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* netring_wait() while traffic streams (see netring.h): at least this many
 * frames taken since the previous wait make it spin this long before it
 * sleeps. */
#define NR_STREAM_FRAMES 64
#define NR_STREAM_SPIN_US 50

/* Interface counters from rtnetlink (IFLA_STATS64). */
struct nr_link_counters {
	uint64_t rx_packets;
	uint64_t rx_dropped;
	uint64_t rx_missed; /* rx_missed_errors + rx_fifo_errors */
};

/* Counters a backend reads from its kernel side, as running totals. */
struct netring_backend_stats {
	uint64_t dropped_ring_full;
	uint64_t freezes;
	uint64_t kernel_seen;
	/* AF_XDP; see struct netring_stats. */
	uint64_t dropped_no_buffer;
	uint64_t dropped_redirect;
	uint64_t xdp_matched;
	uint64_t xdp_passed;
	uint64_t xdp_fill_empty;
	uint64_t xdp_invalid_descs;
};

/* What the core resolved before asking a backend to plug. */
struct netring_plug {
	struct netring_config cfg; /* validated, defaults filled in */
	struct netring_if ifi;     /* the interface, as netlink saw it */
	/* Backends with no_link: the TAP name or the file path, as given
	 * (ifi is then all zero); NULL otherwise. */
	const char *source;
};

struct netring_ops {
	const char *name;
	/* Allocate the backend state, set r->fd and r->info.detail; fill *rp.
	 * On failure return -errno and explain in err (NETRING_ERRBUF_SIZE). */
	int (*open)(const struct netring_plug *p, struct netring **rp,
		    char *err);
	void (*close)(struct netring *r);
	/* Fill up to max views; the core has checked max > 0. */
	int (*rx_burst)(struct netring *r, struct netring_frame *f,
			unsigned max);
	/* Give back the n oldest held frames; the core checked n <= held. */
	void (*rx_release)(struct netring *r, unsigned n);
	/* Is a frame waiting?  Cheap, no syscall: used to busy-poll. */
	bool (*rx_ready)(struct netring *r);
	/* Read the kernel's counters into running totals. */
	int (*stats)(struct netring *r, struct netring_backend_stats *st);
	/* The name is not a link of our namespace (a TAP the backend may
	 * create, a file): the core looks nothing up and the backend fills
	 * r->info.ifname and ifindex itself. */
	bool no_link;
	/* NULL, or: 0 while frames may still come, -errno once none ever
	 * will (pcap: -ENODATA at the end of the file, with r->err set);
	 * netring_wait() returns it when no frame is waiting. */
	int (*ended)(struct netring *r);

	/*
	 * Transmit (NULL: the backend cannot; the core answers -EOPNOTSUPP).
	 * The core checks arguments and frame lengths; a backend counts
	 * every frame it accepts in r->tx (queued, then sent or failed).
	 *
	 * tx_reserve: reclaim completions, then hand out up to max free
	 * slots (data, capacity) in the order they will be sent; 0 when
	 * full.  The core never calls it while slots are reserved.
	 */
	int (*tx_reserve)(struct netring *r, struct netring_tx_slot *s,
			  unsigned max);
	/* Send the first n of the `reserved` slots (lengths valid), give the
	 * rest back.  Return n, or -errno (-ENETDOWN, -ENODEV: set r->gone)
	 * with every frame counted once (sent, in flight, or failed:
	 * tx.failed_down for a down or gone link) and the slots of failed
	 * frames given back; frames that waited from an earlier commit may
	 * fail with them. */
	int (*tx_commit)(struct netring *r, const struct netring_tx_slot *s,
			 unsigned n, unsigned reserved);
	/* Reclaim completions; return the free slots (>= 0) or -errno. */
	int (*tx_reclaim)(struct netring *r);
	/* NULL, or move n frames held on `in` (same backend) to out's
	 * transmit ring without copying; return how many were queued, or
	 * -EXDEV when the two rings share no memory (the core copies). */
	int (*tx_forward)(struct netring *out, struct netring *in,
			  const struct netring_frame *f, unsigned n);
	/* The descriptor that is writable (POLLOUT) when a slot may be
	 * free; -1: r->fd. */
	int (*tx_fd)(struct netring *r);
};

/* Transmit counters, updated by the backends (see struct netring_stats). */
struct nr_tx_counters {
	uint64_t queued;
	uint64_t sent;
	uint64_t bytes;
	uint64_t failed_down;
	uint64_t failed_too_big;
	uint64_t failed_kernel;
	uint64_t forwarded_zerocopy;
	uint64_t forwarded_copied;
	uint64_t wakeups;
};

struct netring {
	const struct netring_ops *ops;
	int fd;       /* readable when frames wait (poll/epoll) */
	int break_fd; /* eventfd written by netring_break() */
	unsigned held;
	uint32_t busy_poll_us;
	/* Frames taken since the last netring_wait(): at least
	 * NR_STREAM_FRAMES means traffic streams and the wait spins first
	 * (NR_STREAM_SPIN_US) unless the ring was opened with
	 * NETRING_CF_NO_STREAM_SPIN (then stream_spin is false). */
	unsigned since_wait;
	bool stream_spin;
	int gone; /* -ENODEV once the interface was removed: it stays so */
	struct netring_info info;
	/* Delivered-frame counters; updated in the burst path. */
	uint64_t received;
	uint64_t bytes;
	uint64_t wire_bytes;
	uint64_t truncated;
	/* Transmit: slots reserved and not committed; the longest frame the
	 * MTU allows without a VLAN tag (0: no limit but capacity). */
	unsigned tx_reserved;
	uint32_t tx_mtu_len;
	struct nr_tx_counters tx;
	/* The interface's counters when plugged, and the last values seen. */
	struct nr_link_counters if_base;
	struct nr_link_counters if_last;
	char err[NETRING_ERRBUF_SIZE];
};

extern const struct netring_ops netring_packet_ops;
#ifdef NETRING_HAVE_XDP
extern const struct netring_ops netring_xdp_ops;
#endif
extern const struct netring_ops netring_tap_ops, netring_pcap_ops;

/* Format an explanation into err (NETRING_ERRBUF_SIZE bytes); returns rc so
 * a failure path can `return nr_fail(err, -EINVAL, "...")`. */
int nr_fail(char *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same, into the handle's last-error string. */
int nr_set_error(struct netring *r, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* rtnetlink (netlink.c): facts and counters of links in our namespace. */
int nr_link_get(const char *name, uint32_t ifindex, struct netring_if *ifi,
		struct nr_link_counters *ctr);
typedef int (*nr_link_fn)(const struct netring_if *ifi, void *user);
int nr_link_each(nr_link_fn fn, void *user);

static inline uint64_t nr_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t nr_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* NETRING_INT_H */
