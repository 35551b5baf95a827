/* SPDX-License-Identifier: MIT */
/*
 * netring.h - the whole public API of netring: Ethernet frames between Linux
 * interfaces and an application through shared-memory rings, handed to the
 * application as zero-copy views.
 *
 * Read top to bottom: conventions, interfaces, plugging a ring, the receive
 * hot path, waiting, statistics.
 *
 * Conventions
 *   - Every function returns 0 or a non-negative count on success and a
 *     negative errno on failure; none sets errno for the caller to read.
 *   - Handles are opaque and allocated by the library; netring_close()
 *     accepts NULL.  There is no global mutable state: two rings share
 *     nothing, and one ring may be used by one thread at a time (except
 *     netring_break(), which any thread or signal handler may call).
 *   - Option structs start with `size_t sz` (set it to sizeof the struct you
 *     compiled against).  A zero field means "the default".  A caller built
 *     against a newer header that sets fields this library does not know is
 *     refused with -EINVAL rather than silently ignored.
 *   - The library never prints and never exits.  When netring_open() fails
 *     it explains why in errbuf; later failures are explained by
 *     netring_error().
 */
#ifndef NETRING_H
#define NETRING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NETRING_VERSION_MAJOR 0
#define NETRING_VERSION_MINOR 1
#define NETRING_VERSION_PATCH 0
#define NETRING_VERSION_STRING "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define NETRING_API __attribute__((visibility("default")))
#else
#define NETRING_API
#endif

/* Version of the library actually loaded (compare with the macros above). */
NETRING_API const char *netring_version(void);

#define NETRING_IFNAMSIZ 16    /* same as IFNAMSIZ, including the NUL */
#define NETRING_ERRBUF_SIZE 256 /* size of the errbuf netring_open() fills */

/*
 * Slots.  Every backend stores one frame per slot of `frame_size` bytes and
 * keeps NETRING_FRAME_HEADROOM bytes of each slot for itself (kernel
 * metadata, a re-inserted VLAN tag, AF_XDP's XDP_PACKET_HEADROOM).  So the
 * longest frame a slot delivers whole is frame_size - NETRING_FRAME_HEADROOM
 * (1792 bytes with the default 2048-byte slot), the same on every backend.
 * Longer frames are delivered cut to that length, flagged and counted.
 */
#define NETRING_FRAME_HEADROOM 256u
#define NETRING_FRAME_SIZE_DEFAULT 2048u
#define NETRING_FRAME_SIZE_MIN 512u
#define NETRING_FRAME_SIZE_MAX 65536u
#define NETRING_RING_FRAMES_DEFAULT 4096u
#define NETRING_RING_FRAMES_MIN 64u
#define NETRING_RING_FRAMES_MAX (1u << 20)
#define NETRING_RING_BYTES_MAX (1ull << 30) /* ring_frames * frame_size */

/* ------------------------------------------------------------------------
 * Interfaces
 * ------------------------------------------------------------------------ */

enum netring_if_flags {
	NETRING_IF_UP = 1u << 0,       /* administratively up (IFF_UP) */
	NETRING_IF_RUNNING = 1u << 1,  /* carrier present (IFF_RUNNING) */
	NETRING_IF_ETHERNET = 1u << 2, /* ARPHRD_ETHER: netring can plug it */
	NETRING_IF_LOOPBACK = 1u << 3,
	NETRING_IF_PROMISC = 1u << 4,
};

struct netring_if {
	char name[NETRING_IFNAMSIZ];
	char kind[NETRING_IFNAMSIZ]; /* "veth", "tun", "bridge", ... or "" */
	uint32_t ifindex;            /* unique only within a network namespace */
	uint32_t flags;              /* enum netring_if_flags */
	uint32_t mtu;
	uint32_t rx_queues;
	uint32_t tx_queues;
	uint16_t type; /* ARPHRD_* */
	uint8_t mac[6];
	uint32_t reserved[8]; /* zero; room for later facts */
};

/* netring_if_list() flags */
#define NETRING_LIST_ALL 1u /* include non-Ethernet links (loopback, tun, ...) */

/*
 * Fill up to `max` entries of `ifs` with the links of the caller's network
 * namespace, in ifindex order.  Returns the number of matching links, which
 * may be larger than `max` (call again with a larger array).
 */
NETRING_API int netring_if_list(struct netring_if *ifs, size_t max,
				unsigned flags);

/* One link by name.  -ENODEV if there is none. */
NETRING_API int netring_if_get(const char *name, struct netring_if *ifi);

/* ------------------------------------------------------------------------
 * Plugging an interface into a ring
 * ------------------------------------------------------------------------ */

enum netring_backend {
	NETRING_BACKEND_AUTO = 0, /* the best backend for the mode */
	NETRING_BACKEND_PACKET,   /* AF_PACKET, TPACKET_V3 ring: any interface */
	NETRING_BACKEND_XDP,      /* AF_XDP socket fed by an XDP program */
	NETRING_BACKEND_TAP,      /* a TAP device the application owns */
	NETRING_BACKEND_PCAP,     /* frames from a pcap/pcapng file */
};

enum netring_mode {
	/* The host keeps its frames; the application sees copies. */
	NETRING_MODE_MONITOR = 0,
	/* The application takes the frames: they no longer reach the host. */
	NETRING_MODE_TAKE,
};

enum netring_config_flags {
	NETRING_CF_PROMISC = 1u << 0,  /* promiscuous while plugged */
	NETRING_CF_OUTGOING = 1u << 1, /* also frames the host sends (monitor) */
	NETRING_CF_NO_VLAN_RESTORE = 1u << 2, /* leave a stripped 802.1Q tag
					       * in vlan_tci only */
};

#define NETRING_QUEUE_ALL (-1)

struct netring_config {
	size_t sz;                    /* sizeof(struct netring_config) */
	enum netring_backend backend; /* default AUTO */
	enum netring_mode mode;       /* default MONITOR */
	uint32_t ring_frames;  /* slots; power of two, default 4096 */
	uint32_t frame_size;   /* bytes per slot; power of two, default 2048 */
	int32_t queue;         /* RX queue, or NETRING_QUEUE_ALL; default 0 */
	uint32_t busy_poll_us; /* spin this long before sleeping; default 0 */
	/*
	 * AF_PACKET hands frames over in blocks; a block that is not full is
	 * handed over after this many milliseconds.  Default 1: at low rates
	 * a frame waits at most ~1 ms (the kernel's timer granularity), at
	 * the cost of handing over partly filled blocks, i.e. of ring space.
	 */
	uint32_t block_timeout_ms;
	uint32_t flags; /* enum netring_config_flags */
};

struct netring;

/*
 * Plug interface `ifname` into a new ring.  `cfg` may be NULL (all
 * defaults).  `errbuf`, if not NULL, receives NETRING_ERRBUF_SIZE bytes of
 * explanation on failure.
 *
 * Errors: -EINVAL (a config value, named in errbuf), -ENODEV (no such
 * interface), -EPROTOTYPE (not an Ethernet interface), -EPERM (a missing
 * capability, named in errbuf), -EOPNOTSUPP (the backend cannot do what was
 * asked, e.g. TAKE mode on AF_PACKET), -ENOMEM, or the errno of the failing
 * system call.
 */
NETRING_API int netring_open(struct netring **ringp, const char *ifname,
			     const struct netring_config *cfg, char *errbuf);

/* Unplug: releases the socket, the mapping and all memory.  NULL is fine. */
NETRING_API void netring_close(struct netring *r);

/* Why the last failing call on `r` failed ("" if none did). */
NETRING_API const char *netring_error(const struct netring *r);

NETRING_API const char *netring_backend_name(enum netring_backend b);
/* "auto", "packet", "xdp", "tap", "pcap" -> enum value, or -EINVAL. */
NETRING_API int netring_backend_parse(const char *name);

enum netring_info_flags {
	NETRING_INFO_XDP_NATIVE = 1u << 0,
	NETRING_INFO_XDP_ZEROCOPY = 1u << 1,
};

struct netring_info {
	char ifname[NETRING_IFNAMSIZ];
	uint32_t ifindex;
	enum netring_backend backend; /* the backend actually in use */
	enum netring_mode mode;
	uint32_t ring_frames;
	uint32_t frame_size;
	uint32_t frame_capacity; /* longest frame delivered whole */
	int32_t queue;
	uint32_t flags; /* enum netring_info_flags */
	char detail[96]; /* how the backend set itself up, for people */
};

NETRING_API int netring_get_info(const struct netring *r,
				 struct netring_info *info, size_t size);

/* ------------------------------------------------------------------------
 * Receiving: the hot path
 * ------------------------------------------------------------------------
 *
 * Data ownership.  netring_rx_burst() fills an array of views that point
 * straight into the ring's shared memory; nothing is copied.  A view, and
 * the bytes it points to, stay valid until the frame is released with
 * netring_rx_release().  Frames are released in the order they were taken:
 * release(n) gives back the n oldest frames still held.  Memory goes back to
 * the kernel only when released, so a caller that holds frames for long
 * makes the ring fill up (and frames get dropped, and counted).  The bytes
 * are writable in place by the application only in the sense that the
 * library does not read them again; treat them as const.
 */

enum netring_frame_flags {
	NETRING_FRAME_TRUNCATED = 1u << 0, /* len < wire_len: cut to the slot */
	NETRING_FRAME_VLAN = 1u << 1,      /* vlan_tci is valid */
	NETRING_FRAME_VLAN_RESTORED = 1u << 2, /* tag put back into data */
	NETRING_FRAME_OUTGOING = 1u << 3, /* sent by this host */
	NETRING_FRAME_TS_SOFTWARE = 1u << 4, /* ts_ns from the kernel */
	NETRING_FRAME_TS_HARDWARE = 1u << 5, /* ts_ns from the NIC */
	NETRING_FRAME_TS_BURST = 1u << 6, /* ts_ns taken when the burst was */
};

struct netring_frame {
	const uint8_t *data; /* first byte of the Ethernet header */
	uint32_t len;        /* bytes at data */
	uint32_t wire_len;   /* length of the frame on the wire */
	uint64_t ts_ns;      /* CLOCK_REALTIME, nanoseconds */
	uint32_t ifindex;
	uint16_t vlan_tci; /* valid with NETRING_FRAME_VLAN */
	uint16_t flags;    /* enum netring_frame_flags */
};

/*
 * Take up to `max` waiting frames, without blocking.  Returns how many views
 * were filled (0 when the ring is empty), or a negative errno.
 */
NETRING_API int netring_rx_burst(struct netring *r, struct netring_frame *frames,
				 unsigned max);

/* Give back the `n` oldest frames taken.  -EINVAL if fewer are held. */
NETRING_API int netring_rx_release(struct netring *r, unsigned n);

/* Frames taken and not yet released. */
NETRING_API unsigned netring_rx_held(const struct netring *r);

typedef void (*netring_frame_fn)(const struct netring_frame *frame, void *user);

/*
 * Take up to `budget` waiting frames, call `fn` for each in order, and
 * release them after `fn` returns.  Does not block.  Returns the number of
 * frames handled, or a negative errno.  A receive loop:
 *
 *	while (!done) {
 *		int n = netring_dispatch(r, 64, fn, user);
 *		if (n == 0)
 *			n = netring_wait(r, -1);
 *		if (n < 0 && n != -EINTR)
 *			break;
 *	}
 */
NETRING_API int netring_dispatch(struct netring *r, unsigned budget,
				 netring_frame_fn fn, void *user);

/* ------------------------------------------------------------------------
 * Waiting
 * ------------------------------------------------------------------------ */

/*
 * Wait until frames are waiting, for at most `timeout_ms` (-1: no limit).
 * First spins for the configured busy_poll_us, then sleeps in poll() on the
 * ring's descriptor; never a fixed sleep.  Returns 1 when frames are waiting,
 * 0 on timeout, -ECANCELED when netring_break() was called (the break is
 * consumed), -EINTR on a signal, -ENETDOWN / -ENODEV when the interface went
 * away.
 */
NETRING_API int netring_wait(struct netring *r, int timeout_ms);

/* Make a current or the next netring_wait() return -ECANCELED.  Safe from any
 * thread and from a signal handler. */
NETRING_API int netring_break(struct netring *r);

/* The descriptor that becomes readable when frames wait, for epoll. */
NETRING_API int netring_fd(const struct netring *r);

/* ------------------------------------------------------------------------
 * Statistics
 * ------------------------------------------------------------------------
 *
 * Running totals since the ring was plugged; reading them resets nothing.
 * Every frame that reached the interface while it was plugged is either
 * received or counted in exactly one dropped_* reason; `dropped` is their
 * sum.  `truncated` frames are received (cut), not dropped.
 */
struct netring_stats {
	uint64_t received;          /* frames handed to the application */
	uint64_t bytes;             /* their delivered bytes */
	uint64_t wire_bytes;        /* their bytes on the wire */
	uint64_t dropped;           /* sum of the dropped_* below */
	uint64_t dropped_ring_full; /* the ring (socket) had no room */
	/* Frames the interface dropped before any hook could see them:
	 * rx_missed_errors + rx_fifo_errors since plug (libpcap's ps_ifdrop). */
	uint64_t dropped_interface;
	uint64_t truncated;   /* received, but longer than a slot */
	uint64_t freezes;     /* times the kernel froze the ring */
	uint64_t kernel_seen; /* frames the kernel hook saw (incl. drops) */
	/*
	 * The interface's rx_dropped since plug, for information; not part of
	 * `dropped`: Linux also counts there frames it discards *after*
	 * netring has received them (e.g. VLAN-tagged frames for which the
	 * host has no VLAN device), so adding it would count frames twice.
	 */
	uint64_t if_rx_dropped;
};

NETRING_API int netring_stats_get(struct netring *r, struct netring_stats *st,
				  size_t size);

#ifdef __cplusplus
}
#endif
#endif /* NETRING_H */
