/* SPDX-License-Identifier: MIT */
/*
 * xdp_prog.h - the xdp backend's XDP program: load it with a ring's match,
 * fill its XSKMAP, attach it through a BPF link (so it goes away with the
 * process that plugged it), and detach it again.  Also: who is attached to
 * an interface now.
 */
#ifndef NETRING_XDP_PROG_H
#define NETRING_XDP_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netring.h"
#include "bpf/netring_xsk.h"

struct nr_xsk_skel;

struct nr_xdp_prog {
	struct nr_xsk_skel *skel;
	int link_fd;
	int xsks_fd;
	int counters_fd;
	uint32_t ifindex;
	enum netring_xdp_attach attached; /* NATIVE or GENERIC once plugged */
	bool kfuncs; /* bound to the device: metadata kfuncs reach the driver */
	bool tai;    /* the program stamps frames with CLOCK_TAI */
	bool record; /* it writes a metadata record in front of every frame */
	/* The record is the first bytes of what the socket receives (the
	 * kernel refuses bpf_xdp_adjust_meta() to XDP programs): the frame
	 * starts sizeof(struct nr_xsk_meta) after the descriptor's address. */
	bool record_in_head;
	bool no_adjust_meta; /* the probe's finding, before the load */
	/* Non-zero once the driver kept no room for the metadata record of
	 * a frame (the program's global, mapped): records are then stale. */
	const volatile uint32_t *meta_missing;
	int ncpus;
	struct nr_xsk_counters *percpu; /* ncpus values: a lookup's buffer */
	/* Queues whose XSKMAP entry we set, to clear them on unplug. */
	uint32_t *queues;
	unsigned nqueues;
};

struct nr_xdp_prog_req {
	const char *ifname;
	uint32_t ifindex;
	const struct netring_match *match;
	enum netring_xdp_attach attach;
	bool all_queues;
	uint32_t queue;       /* with !all_queues */
	uint32_t map_entries; /* XSKMAP size: highest queue + 1 at least */
	const int *xsk_fds;   /* sockets to redirect to, bound ... */
	const uint32_t *xsk_queues; /* ... to these queues */
	unsigned nxsk;
	bool hw_timestamps; /* the device stamps received frames */
	bool sw_timestamps; /* stamp every frame in the program (CLOCK_TAI) */
	/* A tag the device strips is reported out of band only: without
	 * this the program puts it back into the bytes. */
	bool vlan_out_of_band;
};

/* The program attached to an interface now (any owner). */
struct nr_xdp_attached {
	uint32_t prog_id; /* 0: none */
	enum netring_xdp_attach mode;
	char name[16]; /* "" when the name cannot be read */
};

#define NR_XDP_PROG_INIT { .link_fd = -1, .xsks_fd = -1, .counters_fd = -1 }

/*
 * Make way for the ring's program before its sockets are set up: fine when
 * nothing is attached; a stale netring program (attached without a link,
 * so its process is gone) is removed and note[note_size] says so; -EBUSY
 * with an explanation in err when someone else's program or a live ring's
 * is there.  Only req->ifname and req->ifindex are read.
 */
int nr_xdp_prog_clear_way(const struct nr_xdp_prog_req *req, char *note,
			  size_t note_size, char *err);

/*
 * Load, fill the map, attach.  On success appends to note[note_size] what
 * differs from the request (generic because native was refused, ...).  On failure returns -errno, says why
 * in err (NETRING_ERRBUF_SIZE), and leaves nothing attached.
 */
int nr_xdp_prog_plug(struct nr_xdp_prog *p, const struct nr_xdp_prog_req *req,
		     char *note, size_t note_size, char *err);

/* Detach (only our link), clear our XSKMAP entries, free.  Idempotent. */
void nr_xdp_prog_unplug(struct nr_xdp_prog *p);

/* true when another process detached the program's BPF link: the link
 * is bound to no device any more and no frame can arrive. */
bool nr_xdp_prog_detached(const struct nr_xdp_prog *p);

/* The program's counters summed over CPUs. */
int nr_xdp_prog_counters(const struct nr_xdp_prog *p,
			 uint64_t out[NR_XSK_COUNTERS]);

int nr_xdp_query(uint32_t ifindex, struct nr_xdp_attached *a);

#endif /* NETRING_XDP_PROG_H */
