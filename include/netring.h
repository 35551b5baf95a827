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
 * (1792 bytes with the default 2048-byte slot), the same on every backend
 * but one case: an xdp ring that needs per-frame stamps or tags on a kernel
 * that refuses bpf_xdp_adjust_meta() to XDP programs carries them in the
 * slot in front of the frame, 16 bytes less (info.frame_capacity and the
 * ring's note say so).  Longer frames are delivered cut to that length,
 * flagged and counted.  (AF_PACKET packs frames into blocks: the kernel
 * cuts a long frame to the slot only once the ring has a snap filter,
 * attached at plug when the MTU allows frames longer than a slot, else at
 * the first such frame seen, e.g. a GSO super-frame; until then such a
 * frame takes its whole length of ring space.)
 */
#define NETRING_FRAME_HEADROOM 256u
#define NETRING_FRAME_SIZE_DEFAULT 2048u
#define NETRING_FRAME_SIZE_MIN 512u
#define NETRING_FRAME_SIZE_MAX 65536u
#define NETRING_RING_FRAMES_DEFAULT 4096u
#define NETRING_RING_FRAMES_MIN 64u
#define NETRING_RING_FRAMES_MAX (1u << 20)
#define NETRING_RING_BYTES_MAX (1ull << 30) /* ring_frames * frame_size */
#define NETRING_TX_FRAMES_DEFAULT 1024u

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
	/*
	 * With backend AUTO: when AF_XDP cannot plug (another XDP program is
	 * attached, a missing capability, ...), plug AF_PACKET instead, in
	 * monitor mode (the host keeps its frames; no match is applied), and
	 * say why in errbuf, in info.note and with NETRING_INFO_FALLBACK.
	 * Without this flag such an open fails.
	 */
	NETRING_CF_FALLBACK = 1u << 3,
	/*
	 * Transmit only: no receive path is set up (no AF_PACKET receive
	 * ring, no XDP program: the host keeps every frame; a TAP is not
	 * read; a pcap file is written, not read).  netring_rx_burst()
	 * returns 0; wait for transmit room with netring_tx_wait().
	 */
	NETRING_CF_TX_ONLY = 1u << 4,
	/* AF_PACKET: hand frames straight to the driver, past the qdisc
	 * (PACKET_QDISC_BYPASS): faster, but no traffic shaping; when the
	 * driver's queue is full the kernel refuses (ENOBUFS) and the frames
	 * stay queued (tx_in_flight) until the next reserve, commit or wait. */
	NETRING_CF_QDISC_BYPASS = 1u << 5,
	/* xdp, one queue: make this ring's UMEM big enough for one more ring
	 * to share it (config.share_umem of that ring).  A registered UMEM
	 * cannot grow, so this doubles its chunks (and its locked memory). */
	NETRING_CF_UMEM_SHAREABLE = 1u << 6,
	/*
	 * Stamp every frame when the kernel hook sees it (TS_SOFTWARE).
	 * AF_PACKET, TAP and pcap frames always carry such a stamp.  The xdp
	 * backend stamps in its XDP program only when asked: reading the
	 * clock there costs ~27 ns per frame on this kind of VM, a third of
	 * the program's cost and as much as the whole redirect; without the
	 * flag its frames get the burst's time (TS_BURST, one clock read per
	 * burst in user space), or the device's hardware stamp where it has
	 * one.  Capture tools want the flag (`netring dump` sets it).
	 */
	NETRING_CF_TS_EACH_FRAME = 1u << 7,
	/* netring_wait() never spins unless busy_poll_us says so, not even
	 * while traffic streams (see netring_wait()). */
	NETRING_CF_NO_STREAM_SPIN = 1u << 8,
};

/*
 * Which frames an AF_XDP ring takes (the xdp backend only; other backends
 * refuse a match).  A frame is taken when it satisfies every criterion
 * named in `fields`, or when it is an ARP request for `arp_ipv4`
 * (NETRING_MATCH_ARP_FOR); every other frame goes to the host untouched.
 * `fields` zero: every frame.  Criteria look through up to two VLAN tags.
 */
enum netring_match_fields {
	/* The destination MAC is one of macs[0 .. mac_count-1].  The device
	 * is told to accept them while plugged (a unicast filter entry, or
	 * promiscuous mode where it has no filter).  Broadcast and multicast
	 * frames are never "to" one of them: they, and so ARP requests, stay
	 * with the host. */
	NETRING_MATCH_DST_MAC = 1u << 0,
	NETRING_MATCH_ETHERTYPE = 1u << 1, /* the EtherType after any tags */
	NETRING_MATCH_IP_PROTO = 1u << 2,  /* IPv4 protocol / IPv6 next header */
	/* UDP or TCP destination port (with IP_PROTO: that protocol's only).
	 * IP fragments after the first carry no port and do not match. */
	NETRING_MATCH_DST_PORT = 1u << 3,
	/* Also take ARP requests asking for arp_ipv4, so an application that
	 * owns an address can answer them; other ARP stays with the host. */
	NETRING_MATCH_ARP_FOR = 1u << 4,
};

#define NETRING_MATCH_MACS_MAX 8

struct netring_match {
	uint32_t fields;    /* enum netring_match_fields; 0: every frame */
	uint32_t mac_count; /* 1 .. NETRING_MATCH_MACS_MAX with DST_MAC */
	uint8_t macs[NETRING_MATCH_MACS_MAX][6];
	uint16_t ethertype; /* host byte order */
	uint16_t dst_port;  /* host byte order */
	uint8_t ip_proto;   /* IPPROTO_*; with DST_PORT: UDP or TCP */
	uint8_t arp_ipv4[4]; /* network byte order, as on the wire */
	uint8_t reserved[3]; /* zero */
};

/* Where the xdp backend attaches its XDP program. */
enum netring_xdp_attach {
	NETRING_XDP_ATTACH_AUTO = 0, /* native, generic if native is refused */
	NETRING_XDP_ATTACH_NATIVE,   /* in the driver, or fail */
	NETRING_XDP_ATTACH_GENERIC,  /* in the stack, after the skb is built */
};

/* How the xdp backend binds its AF_XDP sockets. */
enum netring_xdp_bind {
	NETRING_XDP_BIND_AUTO = 0,  /* zero-copy, copy if the driver refuses */
	NETRING_XDP_BIND_ZEROCOPY,  /* zero-copy, or fail */
	NETRING_XDP_BIND_COPY,      /* the kernel copies each frame into UMEM */
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
	 * the cost of handing over partly filled blocks, i.e. of ring space:
	 * the ring has 64 blocks (fewer below 256 slots, more above 256 MiB;
	 * the info's detail says how many), so at rates where blocks retire
	 * partly filled, a reader that is not run for a while absorbs at most
	 * ~64 x this of traffic, however many slots the ring has.
	 */
	uint32_t block_timeout_ms;
	uint32_t flags; /* enum netring_config_flags */
	/* The xdp backend (AF_XDP).  Zero: every frame, AUTO, AUTO.  TAKE
	 * mode only: an XDP program cannot leave the host a copy.  frame_size
	 * must be 2048 or 4096 (one UMEM chunk, the kernel's limits). */
	struct netring_match match;
	uint32_t xdp_attach; /* enum netring_xdp_attach */
	uint32_t xdp_bind;   /* enum netring_xdp_bind */
	/*
	 * The pcap backend: how fast to replay the file, in thousandths of
	 * its own pace.  0 (the default): as fast as the application takes
	 * frames; 1000: the file's pace (frame k is handed over once
	 * ts_k - ts_0 has passed since the first was); 2000: twice as fast.
	 * At most 1000000.  Other backends ignore it.
	 */
	uint32_t replay_speed_permille;
	/*
	 * Transmit slots (see "Transmitting"); a power of two from
	 * NETRING_RING_FRAMES_MIN to NETRING_RING_FRAMES_MAX, default
	 * NETRING_TX_FRAMES_DEFAULT.  Each is frame_size
	 * bytes; a frame sent is at most frame_size - NETRING_FRAME_HEADROOM
	 * bytes and at most the MTU plus the Ethernet header (and a VLAN tag).
	 */
	uint32_t tx_frames;
	/*
	 * The xdp backend: share the UMEM of this ring (an open xdp ring of
	 * one queue, plugged on any interface with NETRING_CF_UMEM_SHAREABLE)
	 * instead of allocating one (XDP_SHARED_UMEM), so netring_tx_forward()
	 * between the two moves frames without copying them.  Either ring may
	 * be closed first (the UMEM lives until both are); both must be used
	 * from one thread.  NULL: own UMEM.
	 */
	struct netring *share_umem;
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
	NETRING_INFO_XDP_GENERIC = 1u << 2, /* XDP in the stack (skb mode) */
	/* Frames longer than a slot arrive in pieces (XDP_USE_SG) and are
	 * delivered cut to the slot, flagged TRUNCATED; without it the
	 * kernel drops them (dropped_no_buffer). */
	NETRING_INFO_XDP_MULTIBUF = 1u << 3,
	NETRING_INFO_XDP_META_TIMESTAMP = 1u << 4, /* the program stamps frames */
	NETRING_INFO_XDP_META_VLAN = 1u << 5, /* stripped tags come back */
	NETRING_INFO_FALLBACK = 1u << 6, /* not the backend asked for: see note */
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
	char detail[128]; /* how the backend set itself up, for people */
	/* Why the setup differs from what was asked (a fallback to AF_PACKET,
	 * generic instead of native XDP, ...), for people; "" if it does not. */
	char note[256];
	uint32_t queues; /* RX queues plugged (one socket each) */
	/* Facts of the interface when it was plugged (zero for pcap). */
	uint8_t mac[6];
	uint16_t reserved0;
	uint32_t mtu;
	uint32_t tx_frames;   /* transmit slots */
	uint32_t tx_capacity; /* longest frame netring_tx_* accepts */
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
 * makes the ring fill up (and frames get dropped, and counted).  The view
 * is const because the library never reads the bytes again after handing
 * them over, except netring_tx_forward(), which sends them as they are
 * then: an application may change a held frame in place (cast the const
 * away), e.g. rewrite its MAC addresses before forwarding it.
 */

enum netring_frame_flags {
	NETRING_FRAME_TRUNCATED = 1u << 0, /* len < wire_len: cut to the slot */
	NETRING_FRAME_VLAN = 1u << 1,      /* vlan_tci is valid */
	/* A tag the device stripped, put back into data by the library.  On
	 * xdp without per-frame or device stamps the XDP program puts it
	 * back before the frame reaches the ring (no per-frame record says
	 * so): the frame then carries only NETRING_FRAME_VLAN. */
	NETRING_FRAME_VLAN_RESTORED = 1u << 2,
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
 * ring's descriptor; never a fixed sleep.  On xdp, while traffic streams
 * (at least 64 frames taken since the previous wait), it spins for up to
 * 50 us even without busy_poll_us: at such rates the next frames are due
 * sooner than a sleep and a wake-up take, and every wake-up costs the CPU
 * that delivers the frames an interrupt to this one (measured on a 2-vCPU
 * VM, AF_XDP copy mode: 50,000 wake-ups a second took a third of the
 * kernel's delivery rate; AF_PACKET wakes the reader once per block and
 * gains nothing).  At low rates, and once 50 us pass without a frame, it
 * sleeps as before; NETRING_CF_NO_STREAM_SPIN turns this off.
 *
 * Returns 1 when frames are waiting, 0 on timeout, -ECANCELED when
 * netring_break() was called (the break is consumed), -EINTR on a signal.
 * An interface that goes down is not an error (receiving resumes when it
 * is up again).  -ENODEV when the interface was removed, and on every
 * later call; -ENOLINK (xdp) when another process detached netring's XDP
 * program: no frame can arrive, unplug and plug again; -ENODATA at the end
 * of a pcap file.
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
	/*
	 * AF_XDP (zero on other backends).  dropped_no_buffer is the socket's
	 * rx_dropped: no free slot for the frame, or a frame longer than a
	 * slot when multi-buffer is not available.  dropped_redirect counts
	 * frames the program matched but found no socket for, or no headroom
	 * to write their record in (they went to the host).  Both are part
	 * of `dropped`; rx_ring_full is in dropped_ring_full.  The rest is for information: xdp_matched and
	 * xdp_passed are the program's counts of frames it took and left to
	 * the host, xdp_fill_empty counts times the kernel found no free slot
	 * (events, not frames), xdp_invalid_descs descriptors it rejected.
	 */
	uint64_t dropped_no_buffer;
	uint64_t dropped_redirect;
	uint64_t xdp_matched;
	uint64_t xdp_passed;
	uint64_t xdp_fill_empty;
	uint64_t xdp_invalid_descs;
	/*
	 * Frames the kernel hook put in the ring that the application has
	 * not taken yet (kernel_seen - received - the ring-level drops).
	 * Read after the last burst, it is what was left in the ring at the
	 * end: received + dropped + unread accounts for every frame.
	 */
	uint64_t unread;
	/*
	 * Transmit.  tx_queued frames were committed (or copied, forwarded);
	 * each is sent, failed for one reason, or still in flight:
	 * tx_queued == tx_sent + tx_failed + tx_in_flight.  Frames refused
	 * before queueing (-EMSGSIZE/-EINVAL from commit) are not queued;
	 * forwarded frames that could not be sent are (tx_failed_too_big).
	 */
	uint64_t tx_queued;
	uint64_t tx_sent;
	uint64_t tx_bytes;       /* bytes of the frames sent */
	uint64_t tx_failed;      /* sum of the tx_failed_* below */
	uint64_t tx_failed_down; /* the interface was down or gone */
	uint64_t tx_failed_too_big; /* forwarded frame longer than out sends */
	uint64_t tx_failed_kernel; /* the kernel refused or dropped it */
	uint64_t tx_in_flight;
	uint64_t tx_forwarded_zerocopy; /* netring_tx_forward(), no copy */
	uint64_t tx_forwarded_copied;   /* netring_tx_forward(), one copy */
	uint64_t tx_wakeups; /* system calls made to kick the kernel */
};

NETRING_API int netring_stats_get(struct netring *r, struct netring_stats *st,
				  size_t size);

/* ------------------------------------------------------------------------
 * Transmitting
 * ------------------------------------------------------------------------
 *
 * The transmit half has the receive half's shape: reserve slots, write the
 * frames straight into them (nothing is copied), commit; the kernel's
 * completions are reclaimed in batches inside the next reserve.  Every
 * frame committed is either sent or counted in exactly one tx_failed_*
 * reason (see the tx_* statistics).  A full transmit ring is never a silent
 * drop: reserve returns how many slots it could give, possibly 0; wait for
 * room with netring_tx_wait().
 *
 *	struct netring_tx_slot s[64];
 *	int n = netring_tx_reserve(r, s, 64);
 *	for (int i = 0; i < n; i++)
 *		s[i].len = build_frame(s[i].data, s[i].capacity);
 *	netring_tx_commit(r, s, n);
 *
 * What "sent" means per backend: AF_XDP, the kernel completed the
 * descriptor; AF_PACKET, the kernel took the frame (the TX ring slot came
 * back available, or sendmmsg() accepted it); TAP, write() accepted it;
 * pcap, it was written to the file (transmit only: the file is a sink).
 */

struct netring_tx_slot {
	uint8_t *data;     /* where the frame goes: the Ethernet header */
	uint32_t capacity; /* bytes writable at data: info.tx_capacity */
	uint32_t len;      /* set by the caller before commit */
};

/*
 * Reserve up to `max` transmit slots (reclaiming the kernel's completions
 * first).  Returns how many were reserved: 0 when the transmit ring is
 * full.  -EBUSY if slots are already reserved and not yet committed.
 */
NETRING_API int netring_tx_reserve(struct netring *r,
				   struct netring_tx_slot *slots, unsigned max);

/*
 * Send the first `n` reserved slots (slots[] as reserve filled it, with
 * len set), in order, and give the remaining reserved ones back unused;
 * commit(r, slots, 0) just gives every reserved slot back.  Every len is
 * checked before anything is sent: shorter than an Ethernet header ->
 * -EINVAL, longer than info.tx_capacity or than the MTU plus the Ethernet
 * header (plus 4 bytes if the frame carries an 802.1Q tag) -> -EMSGSIZE;
 * then nothing is sent and the reservation stands (fix the frame or commit
 * 0).  Returns n, or a negative errno with every frame still counted once:
 * -ENETDOWN when the interface is down (frames not yet handed to the
 * kernel are counted in tx_failed_down and their slots given back; on
 * AF_XDP the frames of the commit that first finds it down may already
 * be the kernel's: they stay in flight and go out when it is up again,
 * or complete as tx_failed_down), -ENODEV when it is gone, or the errno
 * of the kernel (the frame it refused is counted in tx_failed_kernel).
 */
NETRING_API int netring_tx_commit(struct netring *r,
				  const struct netring_tx_slot *slots,
				  unsigned n);

/*
 * Send one frame given in pieces (a header and a payload), copying them
 * into a slot: the copy is this function's cost.  Returns 1 when the frame
 * was queued, 0 when the transmit ring is full, or a negative errno as for
 * netring_tx_commit().
 */
struct netring_iov {
	const void *base;
	size_t len;
};
NETRING_API int netring_tx_copy(struct netring *r, const struct netring_iov *iov,
				unsigned iovcnt);

/*
 * Hand `n` frames received on ring `in` (views from netring_rx_burst() on
 * `in`, still held) to ring `out` for transmission, in order.  Between two
 * xdp rings sharing one UMEM (config.share_umem) the frame itself is
 * transmitted: no byte is copied (counted in tx_forwarded_zerocopy);
 * otherwise it is copied once into a transmit slot of `out`
 * (tx_forwarded_copied).  Either way release the frames on `in` as usual.
 * A truncated view, or a frame longer than `out` can send, is not sent and
 * is counted in out's tx_failed_too_big.  Returns how many of the n frames
 * were handled (queued or counted): fewer when out's transmit ring is
 * full; the caller decides what becomes of the rest.
 */
NETRING_API int netring_tx_forward(struct netring *out, struct netring *in,
				   const struct netring_frame *frames,
				   unsigned n);

/* Frames committed and not yet completed by the kernel. */
NETRING_API unsigned netring_tx_in_flight(struct netring *r);

/*
 * Wait until at least one transmit slot is free (after reclaiming
 * completions), for at most timeout_ms (-1: no limit; 0: just reclaim).
 * Returns the number of free slots (> 0), 0 on timeout, -ECANCELED after
 * netring_break(), -ENODEV when the interface is gone.
 */
NETRING_API int netring_tx_wait(struct netring *r, int timeout_ms);

/*
 * Wait until every committed frame has completed, for at most timeout_ms
 * (-1: no limit).  Returns 0, or -ETIMEDOUT with frames still in flight
 * (netring_close() then counts nothing more: read the statistics first).
 */
NETRING_API int netring_tx_drain(struct netring *r, int timeout_ms);

/* ------------------------------------------------------------------------
 * What an interface can do for the xdp backend (for `netring ls`)
 * ------------------------------------------------------------------------ */

enum netring_if_caps_flags {
	/* The kernel said which XDP features the driver has (Linux 6.3+,
	 * the "netdev" generic netlink family); without this flag the
	 * feature flags below are unknown, not absent. */
	NETRING_CAP_XDP_FEATURES_KNOWN = 1u << 0,
	NETRING_CAP_XDP_NATIVE = 1u << 1,   /* the driver runs XDP and redirects */
	NETRING_CAP_XDP_ZEROCOPY = 1u << 2, /* AF_XDP zero-copy */
	NETRING_CAP_XDP_MULTIBUF = 1u << 3, /* native XDP of frames > a page */
	NETRING_CAP_XDP_META_TIMESTAMP = 1u << 4, /* metadata kfuncs: */
	NETRING_CAP_XDP_META_HASH = 1u << 5,
	NETRING_CAP_XDP_META_VLAN = 1u << 6,
	NETRING_CAP_XDP_ATTACHED = 1u << 7, /* an XDP program is attached now */
};

struct netring_if_caps {
	uint32_t flags;        /* enum netring_if_caps_flags */
	uint32_t zc_max_segs;  /* zero-copy buffers per frame; 0: unknown */
	/* The XDP program attached now, if NETRING_CAP_XDP_ATTACHED. */
	uint32_t xdp_prog_id;
	uint32_t xdp_attach;   /* enum netring_xdp_attach: NATIVE or GENERIC */
	char xdp_prog_name[16];
	uint32_t reserved[8];  /* zero; room for later facts */
};

/*
 * Probe interface `name` of the caller's network namespace: which XDP
 * features its driver has and which program is attached.  `size` is
 * sizeof(*caps) as compiled.  Needs no privilege for the features; the
 * attached program's name needs CAP_SYS_ADMIN (else the name is "").
 * Errors: -ENODEV, -EINVAL, or a netlink errno.
 */
NETRING_API int netring_if_probe(const char *name, struct netring_if_caps *caps,
				 size_t size);

/* ------------------------------------------------------------------------
 * Shared slot ring
 * ------------------------------------------------------------------------
 *
 * A single-producer/single-consumer ring of fixed-size slots in one shared,
 * page-aligned mapping, for handing frames over where no kernel ring
 * exists: the TAP and pcap backends deliver through one, and two threads or
 * two processes can share one.  One side produces and the other consumes.
 * A handle (the one that created the ring, or one attached by descriptor
 * or by name) may serve one producer thread and one consumer thread at
 * the same time: its two sides share no private state.  There are no
 * locks: the sides share two indices, ordered with acquire/release, and
 * each keeps a private copy of the other's.
 *
 * Binary layout, version 1.  Native byte order; offsets in bytes from the
 * start of the mapping (page-aligned).  Three 64-byte lines, then slots:
 *
 *	  0 u32 magic         NETRING_RING_MAGIC, written last by the creator
 *	  4 u32 version       NETRING_RING_VERSION
 *	  8 u32 hdr_size      bytes of header defined: 192
 *	 12 u32 slots_offset  where slot storage starts: 4096
 *	 16 u32 slot_size     bytes per slot, descriptor included; power of 2
 *	 20 u32 slot_count    power of two
 *	 24 u32 flags         0 (none defined in version 1)
 *	 28 u32 reserved      0
 *	 32 u64 map_size      bytes of the mapping, a multiple of the page
 *	 64 u32 prod          producer index                 \
 *	 72 u64 dropped       frames dropped: the ring was full  | written by
 *	 80 u64 truncated     frames cut to fit their slot       | the producer
 *	 88 u64 produced      frames committed                  /  only
 *	128 u32 cons          consumer index: written by the consumer only
 *	slots_offset + (i & (slot_count - 1)) * slot_size: the slot of index i
 *
 * Indices are free-running uint32_t, masked on access and compared by
 * unsigned subtraction: slots [cons, prod) hold frames, so prod - cons is
 * never more than slot_count.  Each slot starts with a 32-byte descriptor,
 * followed by the frame bytes (slot_size - 32 of them at most):
 *
 *	  0 u32 len       bytes stored
 *	  4 u32 wire_len  length of the frame (> len: it was cut)
 *	  8 u64 ts_ns
 *	 16 u32 ifindex
 *	 20 u16 vlan_tci
 *	 22 u16 flags     enum netring_frame_flags
 *	 24 u64 reserved
 *
 * Both sides take every offset and size from the header (slot i is always
 * at slots_offset + (i & mask) * slot_size).  Attaching checks the magic,
 * the version and that every size fits the mapping before anything else
 * is read, and refuses a ring that fails (-EBADMSG, or -EPROTONOSUPPORT
 * for another version) with a message; a consumer also refuses indices or
 * slot lengths that a corrupt producer left out of bounds (-EBADMSG).
 *
 * Data ownership.  netring_ring_peek() fills views that point into the
 * shared mapping; nothing is copied.  A view stays valid until the frame is
 * released with netring_ring_release() (oldest first, as with
 * netring_rx_release()); the producer reuses a slot only after that.  A
 * producer in another process is trusted to keep to this, so treat the
 * bytes as input from that process.
 */

#define NETRING_RING_MAGIC 0x4e52534cu /* "NRSL" as a big-endian u32 */
#define NETRING_RING_VERSION 1u
#define NETRING_RING_HDR_SIZE 192u
#define NETRING_RING_SLOTS_OFFSET 4096u
#define NETRING_RING_SLOT_DESC 32u /* descriptor in front of a slot's bytes */
#define NETRING_RING_SLOT_SIZE_MIN 64u
#define NETRING_RING_SLOT_SIZE_MAX (1u << 20)
#define NETRING_RING_SLOTS_MIN 2u
#define NETRING_RING_SLOTS_MAX (1u << 24)
/* slot_count * slot_size is at most NETRING_RING_BYTES_MAX (1 GiB). */

struct netring_ring;

struct netring_ring_opts {
	size_t sz;           /* sizeof(struct netring_ring_opts) */
	uint32_t slot_count; /* power of two; default 4096 */
	uint32_t slot_size;  /* power of two, descriptor included; default 2048 */
	/*
	 * NULL (the default): the ring lives in an anonymous memfd, sealed
	 * against shrinking; share it by passing netring_ring_fd() (fork,
	 * SCM_RIGHTS).  Otherwise a POSIX shared-memory name ("/name"),
	 * created exclusively (-EEXIST if it exists) and unlinked when the
	 * creating handle is closed.
	 */
	const char *shm_name;
	uint32_t mode;        /* permission bits of the object; default 0600 */
	uint32_t first_index; /* where both indices start; default 0 (tests
			       * start near UINT32_MAX to cross the wrap) */
};

/*
 * Create a ring.  `opts` may be NULL (defaults).  `errbuf`, if not NULL,
 * receives NETRING_ERRBUF_SIZE bytes of explanation on failure.  Errors:
 * -EINVAL (an option, named in errbuf), -EEXIST (shm_name exists), -ENOMEM,
 * or the errno of the failing system call.
 */
NETRING_API int netring_ring_create(struct netring_ring **ringp,
				    const struct netring_ring_opts *opts,
				    char *errbuf);

/*
 * Map the ring in `fd` (which must be open read-write; it is duplicated,
 * the caller keeps its own) or in shared-memory object `shm_name`, after
 * validating its header as described above.  Errors: -EBADMSG (not a ring,
 * or a corrupt one: errbuf says what is wrong), -EPROTONOSUPPORT, -EBADF,
 * -ENOENT, -EACCES, -ENOMEM.
 */
NETRING_API int netring_ring_attach_fd(struct netring_ring **ringp, int fd,
				       char *errbuf);
NETRING_API int netring_ring_attach_name(struct netring_ring **ringp,
					 const char *shm_name, char *errbuf);

/* Unmap and close; the creator of a named ring also unlinks the name.
 * NULL is fine. */
NETRING_API void netring_ring_close(struct netring_ring *ring);

/* The ring's descriptor (memfd or shm), to hand to another process. */
NETRING_API int netring_ring_fd(const struct netring_ring *ring);

struct netring_ring_info {
	uint32_t slot_count;
	uint32_t slot_size;
	uint32_t slot_capacity; /* frame bytes a slot holds: slot_size - 32 */
	uint32_t reserved;
	uint64_t map_size;
};

NETRING_API int netring_ring_get_info(const struct netring_ring *ring,
				      struct netring_ring_info *info,
				      size_t size);

/*
 * Producer.  Reserve up to `n` free slots: returns how many were reserved
 * (0 when the ring is full), with indices *idx .. *idx + count - 1.  Write
 * each frame with netring_ring_slot_fill() (a copy, cut to the slot) or
 * into netring_ring_slot_data() and describe it with
 * netring_ring_slot_set(), then publish them, oldest first, with
 * netring_ring_commit(), or hand the newest back unused with
 * netring_ring_cancel().  A frame that found no slot is the producer's to
 * count with netring_ring_drop().  -EINVAL for a count larger than what is
 * reserved; -EBADMSG when the consumer's index is out of bounds.
 */
NETRING_API int netring_ring_reserve(struct netring_ring *ring, unsigned n,
				     uint32_t *idx);
/* NULL when idx is not reserved. */
NETRING_API uint8_t *netring_ring_slot_data(struct netring_ring *ring,
					    uint32_t idx);
/* Describe reserved slot `idx` from f (f->data is not used): f->len bytes
 * were written, cut to the slot capacity (and flagged TRUNCATED) if more;
 * wire_len is raised to len if lower.  Returns the length stored, or
 * -EINVAL when idx is not reserved. */
NETRING_API int netring_ring_slot_set(struct netring_ring *ring, uint32_t idx,
				      const struct netring_frame *f);
/* Copy frame f into reserved slot `idx`, cut to the slot if longer (never
 * written past it) and flagged.  Returns the length stored, or -EINVAL. */
NETRING_API int netring_ring_slot_fill(struct netring_ring *ring, uint32_t idx,
				       const struct netring_frame *f);
NETRING_API int netring_ring_commit(struct netring_ring *ring, unsigned n);
NETRING_API int netring_ring_cancel(struct netring_ring *ring, unsigned n);
NETRING_API void netring_ring_drop(struct netring_ring *ring, unsigned n);
/* Copy n frames in, as many as there is room for, in order; the rest are
 * dropped and counted.  Returns how many were stored. */
NETRING_API int netring_ring_push(struct netring_ring *ring,
				  const struct netring_frame *frames,
				  unsigned n);

/*
 * Consumer.  Fill up to `max` views of the oldest frames not yet taken:
 * returns how many (0: none waiting), or -EBADMSG when the producer left
 * an index or a slot length out of bounds (nothing is read then).
 * netring_ring_release() gives back the `n` oldest taken frames (-EINVAL if
 * fewer are held).
 */
NETRING_API int netring_ring_peek(struct netring_ring *ring,
				  struct netring_frame *frames, unsigned max);
NETRING_API int netring_ring_release(struct netring_ring *ring, unsigned n);

/* The producer's running totals, as read from the shared header. */
struct netring_ring_stats {
	uint64_t produced;  /* frames committed */
	uint64_t dropped;   /* frames that found the ring full */
	uint64_t truncated; /* frames cut to the slot */
	uint32_t waiting;   /* committed and not yet released */
	uint32_t reserved;
};

NETRING_API int netring_ring_stats_get(const struct netring_ring *ring,
				       struct netring_ring_stats *st,
				       size_t size);

/*
 * The TAP and pcap backends deliver through a ring like this one.
 *
 * TAP (NETRING_BACKEND_TAP, or an interface name "tap:NAME" with backend
 * AUTO): NAME is a TAP device the application owns.  It is created when
 * missing (and removed again on netring_close()) or attached to when it
 * exists and is a TAP; the host configures its side (address, up).  Frames
 * the host sends into it are delivered whole, VLAN tags in place.
 * dropped_ring_full counts frames the kernel dropped because they were not
 * read in time (the TAP's tx_dropped since plug).
 *
 * pcap (NETRING_BACKEND_PCAP): the "interface name" is the path of a pcap
 * or pcapng file of Ethernet frames (-EPROTOTYPE otherwise), of any length
 * (no 15-character limit).  Frames keep the file's timestamps and lengths;
 * a record the capture had cut comes with len < wire_len, flagged
 * TRUNCATED.  Frames come as fast as they are taken, or paced by
 * replay_speed_permille.  At the end of the file netring_rx_burst() returns
 * 0 and netring_wait() returns -ENODATA (-EBADMSG if the file is damaged;
 * netring_error() says where); netring_fd() is readable then, so an epoll
 * loop also sees the end.
 *
 * TAP transmit: netring_tx_commit() writes each frame into the TAP (one
 * write() per frame: a tun descriptor takes one frame per write); the host
 * receives it on the TAP.  Sent = write() accepted it.  A TAP that is down
 * -> -ENETDOWN (tx_failed_down); deleted -> -ENODEV.  When the TAP's send
 * buffer is full the frames stay queued (tx_in_flight) and go out on the
 * next reserve, commit or netring_tx_wait(); nothing is dropped.  A failure
 * found while writing fails every frame still queued, earlier commits'
 * included, each counted once.  With NETRING_CF_TX_ONLY the TAP is not read
 * and netring_fd() never becomes readable.
 *
 * pcap sink (NETRING_CF_TX_ONLY): the path is written.  A missing or empty
 * file gets a pcap header (Ethernet, nanosecond stamps, snaplen 65535); an
 * existing pcap file of Ethernet frames is appended to in its own byte
 * order and precision; anything else (pcapng, another link type, a snaplen
 * shorter than tx_capacity, a file cut inside a record, not a regular file)
 * is refused with -EBADMSG/-EPROTOTYPE/-EMSGSIZE/-EINVAL and a message, and
 * a file another ring writes with -EBUSY.  One record per frame, stamped
 * with the commit's time; frames are buffered in the transmit slots and
 * written when half the slots are in flight, when the oldest is a second
 * old (checked at commit), and by netring_tx_drain(), netring_tx_wait()
 * and netring_close() (tx_in_flight until then).  A failed write (EFBIG,
 * ENOSPC) cuts the file back to its last whole record and counts the rest
 * in tx_failed_kernel.  Without TX_ONLY the pcap ring is a source and
 * netring_tx_* return -EOPNOTSUPP.
 */

/* ------------------------------------------------------------------------
 * Event loop
 * ------------------------------------------------------------------------
 *
 * One thread serving many rings: a loop holds rings of any backend, each
 * with its frame callback and user pointer, and sleeps in epoll on their
 * descriptors, an eventfd (for netring_loop_break()) and, when asked, an
 * rtnetlink socket that reports links appearing, going away, going down or
 * up and changing MTU or MAC address.  A turn hands each ring with frames
 * waiting at most `budget` of them, in round-robin order, so one busy
 * interface cannot starve the others.  The loop is a thin layer over
 * netring_dispatch() and starts no thread: the thread that calls
 * netring_loop_run() does all the work, and callbacks run on it.  One loop
 * may be run by one thread at a time; for a thread per interface, give each
 * thread a loop of its own (loops share nothing).
 *
 * Links are known by (network namespace, ifindex).  A loop lives in the
 * network namespace of the thread that created it: it records that
 * namespace's inode (from /proc/thread-self/ns/net) and reports it in every
 * event; rings of links of another namespace are refused (-EXDEV).
 *
 * Ring ownership.  A ring added with netring_loop_add() stays the
 * caller's: the loop never closes it, and once removed (by
 * netring_loop_remove(), or by the loop before a NETRING_EV_GONE event) the
 * loop no longer touches it: the caller may close it in that callback.  A
 * ring plugged by auto-plug is the loop's: it is closed after its
 * NETRING_EV_GONE event returns, or by netring_loop_free().  The loop
 * delivers what is left in a ring before reporting it GONE.
 */

struct netring_loop;

enum netring_event_kind {
	/* Auto-plug plugged `ring` on the link: it receives from now on. */
	NETRING_EV_PLUGGED = 1,
	/* `ring` left the loop and will deliver nothing more: its interface
	 * was removed (error -ENODEV), went down and its backend cannot
	 * follow (-ENETDOWN), its file ended (-ENODATA) or it failed
	 * (another -errno; `message` says why).  `stats` are its final
	 * statistics. */
	NETRING_EV_GONE,
	NETRING_EV_DOWN, /* the link went administratively down */
	NETRING_EV_UP,   /* the link came administratively up */
	NETRING_EV_MTU,  /* its MTU changed: old_mtu -> link.mtu */
	NETRING_EV_ADDR, /* its MAC address changed: old_mac -> link.mac */
	NETRING_EV_NEW,  /* a link appeared in the namespace */
	NETRING_EV_DEL,  /* a link was removed from the namespace */
	/* Auto-plug could not plug the link: `error` and `message` say why.
	 * It is tried again when the link changes (e.g. comes up). */
	NETRING_EV_PLUG_FAILED,
};

struct netring_event {
	uint32_t kind;     /* enum netring_event_kind */
	int32_t error;     /* GONE, PLUG_FAILED: -errno; otherwise 0 */
	uint64_t netns;    /* inode of the loop's network namespace */
	struct netring_if link; /* the link as rtnetlink last reported it
				 * (GONE of a pcap ring: all zero) */
	uint32_t old_mtu;  /* MTU: the MTU before */
	uint8_t old_mac[6]; /* ADDR: the address before */
	uint16_t reserved;
	/* The ring concerned (PLUGGED, GONE, and link events of a link
	 * with a ring in the loop), else NULL; `ring_user` its user pointer. */
	struct netring *ring;
	void *ring_user;
	/* GONE: the ring's final statistics, valid during the callback. */
	const struct netring_stats *stats;
	/* GONE, PLUG_FAILED: for people; "" otherwise. */
	const char *message;
};

typedef void (*netring_event_fn)(struct netring_loop *loop,
				 const struct netring_event *ev, void *user);

enum netring_loop_flags {
	/* Report link events (NEW, DEL, DOWN, UP, MTU, ADDR) even without
	 * auto-plug; auto-plug turns them on by itself. */
	NETRING_LOOP_LINK_EVENTS = 1u << 0,
};

#define NETRING_LOOP_BUDGET_DEFAULT 64u

struct netring_loop_opts {
	size_t sz;         /* sizeof(struct netring_loop_opts) */
	uint32_t budget;   /* frames per ring per turn; default 64 */
	uint32_t flags;    /* enum netring_loop_flags */
	netring_event_fn event_fn; /* NULL: events are not reported */
	void *event_user;
};

/*
 * A new loop (`opts` may be NULL).  `errbuf`, if not NULL, receives
 * NETRING_ERRBUF_SIZE bytes of explanation on failure.  Errors: -EINVAL,
 * -ENOMEM, -EMFILE, or the errno of the failing system call.
 */
NETRING_API int netring_loop_new(struct netring_loop **loopp,
				 const struct netring_loop_opts *opts,
				 char *errbuf);

/* Close the rings the loop plugged itself, leave the caller's alone, free
 * everything.  No event is reported.  NULL is fine.  Not while running. */
NETRING_API void netring_loop_free(struct netring_loop *loop);

/* Why the last failing call on `loop` failed ("" if none did). */
NETRING_API const char *netring_loop_error(const struct netring_loop *loop);

/*
 * Add ring `r` (any backend): from now on the loop hands its frames to
 * `fn(frame, user)`.  Errors: -EINVAL, -EEXIST (already in this loop),
 * -EXDEV (a link of another network namespace), -ENOMEM.
 */
NETRING_API int netring_loop_add(struct netring_loop *loop, struct netring *r,
				 netring_frame_fn fn, void *user);

/* Take `r` out of the loop (it stays open).  -ENOENT if it is not in it.
 * Safe from a callback of the same loop. */
NETRING_API int netring_loop_remove(struct netring_loop *loop,
				    struct netring *r);

/* Change the frame callback's user pointer of `r` (e.g. on PLUGGED). */
NETRING_API int netring_loop_set_user(struct netring_loop *loop,
				      struct netring *r, void *user);

/* Fill up to `max` of `rings` with the loop's rings, in the order added;
 * returns how many it holds (may be more than max). */
NETRING_API int netring_loop_rings(const struct netring_loop *loop,
				   struct netring **rings, size_t max);

enum netring_autoplug_flags {
	/* Also try links that are not Ethernet (netring_open() may refuse
	 * them: PLUG_FAILED); loopback included.  Default: left alone. */
	NETRING_AUTOPLUG_ANY_TYPE = 1u << 0,
	/* Plug a link only once it is up (default: as soon as it exists). */
	NETRING_AUTOPLUG_UP_ONLY = 1u << 1,
};

struct netring_autoplug {
	size_t sz;           /* sizeof(struct netring_autoplug) */
	/* Which links: NULL or "all" every one, else an fnmatch(3) glob on
	 * the name ("veth*"); copied. */
	const char *pattern;
	uint32_t flags;      /* enum netring_autoplug_flags */
	/* Template for every ring plugged (NULL: defaults); copied. */
	const struct netring_config *cfg;
	netring_frame_fn frame_fn; /* the new rings' frame callback */
	void *frame_user;          /* their user pointer, until set_user */
};

/*
 * Plug every link that matches now (before returning: PLUGGED events), and
 * from now on every link that appears; unplug each as it goes (GONE, with
 * its final statistics).  A loop has one auto-plug; calling again replaces
 * the pattern and template for links to come.  A link that goes down and
 * up again keeps its ring: AF_PACKET's socket is hooked again by the
 * kernel and an AF_XDP socket stays bound (only removal unbinds it).
 * Returns the number of rings plugged now, or -errno (-EINVAL, or the
 * rtnetlink socket's errno).
 */
NETRING_API int netring_loop_autoplug(struct netring_loop *loop,
				      const struct netring_autoplug *ap);

/*
 * Run turns until `timeout_ms` pass (-1: no limit; 0: one turn without
 * sleeping) or netring_loop_break() is called.  Returns the number of
 * frames delivered (0 on timeout with none), -ECANCELED when broken (the
 * break is consumed; frames delivered before are not counted then), -EINTR
 * on a signal, or another -errno.
 */
NETRING_API int netring_loop_run(struct netring_loop *loop, int timeout_ms);

/* Make a current or the next netring_loop_run() return -ECANCELED.  Safe
 * from any thread and from a signal handler. */
NETRING_API int netring_loop_break(struct netring_loop *loop);

/* The loop's epoll descriptor, to nest the loop in another event loop: it
 * is readable when one of the loop's descriptors is.  A ring that used its
 * whole budget in the last turn may hold more frames without making it
 * readable: call netring_loop_run(loop, 0) until it returns 0 before
 * waiting on it again. */
NETRING_API int netring_loop_fd(const struct netring_loop *loop);

#ifdef __cplusplus
}
#endif
#endif /* NETRING_H */
