// SPDX-License-Identifier: MIT
/*
 * xdp_prog.c - load, attach and detach the xdp backend's XDP program
 * (src/bpf/netring_xsk.bpf.c, embedded as a libbpf skeleton).  It is
 * attached through a BPF link: the kernel detaches it when the last file
 * descriptor of the link closes, so a killed process leaves nothing behind
 * and nobody can replace it by accident.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "netring_int.h"
#include "xdp_prog.h"
#include "nr_xsk_skel.h"

#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6) /* Linux 6.3 */
#endif

static const char *attach_name(enum netring_xdp_attach m)
{
	return m == NETRING_XDP_ATTACH_GENERIC ? "generic" : "native";
}

static bool is_netring_prog(const char *name)
{
	return strncmp(name, NR_XSK_PROG_NAME, strlen(NR_XSK_PROG_NAME)) == 0;
}

int nr_xdp_query(uint32_t ifindex, struct nr_xdp_attached *a)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int rc, fd;

	memset(a, 0, sizeof(*a));
	rc = bpf_xdp_query((int)ifindex, 0, &q);
	if (rc)
		return rc;
	if (q.drv_prog_id) {
		a->prog_id = q.drv_prog_id;
		a->mode = NETRING_XDP_ATTACH_NATIVE;
	} else if (q.skb_prog_id) {
		a->prog_id = q.skb_prog_id;
		a->mode = NETRING_XDP_ATTACH_GENERIC;
	} else if (q.hw_prog_id) {
		a->prog_id = q.hw_prog_id; /* offloaded: reported as native */
		a->mode = NETRING_XDP_ATTACH_NATIVE;
	} else {
		return 0;
	}
	fd = bpf_prog_get_fd_by_id(a->prog_id);
	if (fd < 0)
		return 0; /* no CAP_SYS_ADMIN: the id is all we know */
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0)
		snprintf(a->name, sizeof(a->name), "%s", info.name);
	close(fd);
	return 0;
}

/*
 * A netring program attached the old way (netlink, no link) outlives the
 * process that attached it; a live ring's program is held by its link, and
 * the kernel refuses to detach that one with EBUSY.  XDP_FLAGS_REPLACE
 * makes sure we detach exactly the program we looked at.
 */
static int detach_stale(uint32_t ifindex, const struct nr_xdp_attached *a)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	__u32 mode = a->mode == NETRING_XDP_ATTACH_GENERIC ? XDP_FLAGS_SKB_MODE :
							     XDP_FLAGS_DRV_MODE;
	int fd, rc;

	fd = bpf_prog_get_fd_by_id(a->prog_id);
	if (fd < 0)
		return -errno;
	opts.old_prog_fd = fd;
	rc = bpf_xdp_detach((int)ifindex, mode | XDP_FLAGS_REPLACE, &opts);
	close(fd);
	return rc;
}

static int describe_attached(const struct nr_xdp_prog_req *req, char *err)
{
	struct nr_xdp_attached a;

	if (nr_xdp_query(req->ifindex, &a) || !a.prog_id)
		return nr_fail(err, -EBUSY,
			       "%s: another XDP program is attached; netring never replaces someone else's program",
			       req->ifname);
	if (is_netring_prog(a.name))
		return nr_fail(err, -EBUSY,
			       "%s: already plugged by another netring ring (XDP program id %u, %s, held by a live process)",
			       req->ifname, a.prog_id, attach_name(a.mode));
	return nr_fail(err, -EBUSY,
		       "%s: XDP program '%s' (id %u, %s) is already attached; netring never replaces another program "
		       "(ip link set dev %s xdp off removes it)",
		       req->ifname, a.name[0] ? a.name : "?", a.prog_id,
		       attach_name(a.mode), req->ifname);
}

int nr_xdp_prog_clear_way(const struct nr_xdp_prog_req *req, char *note,
			  size_t note_size, char *err)
{
	struct nr_xdp_attached a;
	int rc;

	rc = nr_xdp_query(req->ifindex, &a);
	if (rc == -EPERM || rc == -EACCES)
		return nr_fail(err, rc,
			       "%s: reading the interface's XDP state needs CAP_NET_ADMIN",
			       req->ifname);
	if (rc)
		return nr_fail(err, rc, "%s: XDP query: %s", req->ifname,
			       strerror(-rc));
	if (!a.prog_id)
		return 0;
	if (!is_netring_prog(a.name))
		return describe_attached(req, err);
	rc = detach_stale(req->ifindex, &a);
	if (rc == -EBUSY)
		return describe_attached(req, err);
	if (rc)
		return nr_fail(err, rc,
			       "%s: cannot remove the stale netring XDP program (id %u): %s",
			       req->ifname, a.prog_id, strerror(-rc));
	snprintf(note, note_size,
		 "removed a stale netring XDP program (id %u) left by an ended process",
		 a.prog_id);
	return 0;
}

static void set_match(struct nr_xsk_skel *skel, const struct nr_xdp_prog_req *req)
{
	const struct netring_match *m = req->match;

	skel->rodata->match_fields = m->fields;
	if (m->fields & NETRING_MATCH_DST_MAC) {
		skel->rodata->mac_count = m->mac_count;
		memcpy((void *)skel->rodata->macs, m->macs,
		       (size_t)m->mac_count * 6);
	}
	skel->rodata->match_ethertype = m->ethertype;
	skel->rodata->match_dst_port = m->dst_port;
	skel->rodata->match_ip_proto = m->ip_proto;
	memcpy((void *)&skel->rodata->arp_ipv4, m->arp_ipv4, 4);
	skel->rodata->all_queues = req->all_queues;
	skel->rodata->queue = req->queue;
}

static void prog_release(struct nr_xdp_prog *p)
{
	if (p->link_fd >= 0) {
		/* Detach even if a forked child still holds the link's fd. */
		bpf_link_detach(p->link_fd);
		close(p->link_fd);
		p->link_fd = -1;
	}
	/* Then the map entries, so that no frame is redirected to a socket
	 * that is about to close. */
	if (p->xsks_fd >= 0)
		for (unsigned i = 0; i < p->nqueues; i++)
			bpf_map_delete_elem(p->xsks_fd, &p->queues[i]);
	nr_xsk_skel__destroy(p->skel);
	p->skel = NULL;
	p->xsks_fd = -1;
	p->counters_fd = -1;
	p->nqueues = 0;
	p->meta_missing = NULL;
}

/*
 * One attempt: load the program for `mode` (bound to the device when
 * `bind_dev`, which the metadata kfuncs need and generic XDP refuses), put
 * the sockets in its map, attach.  -errno with `stage` saying which step
 * failed.
 */
static int try_attach(struct nr_xdp_prog *p, const struct nr_xdp_prog_req *req,
		      enum netring_xdp_attach mode, bool bind_dev,
		      const char **stage)
{
	LIBBPF_OPTS(bpf_link_create_opts, lopts);
	struct nr_xsk_skel *skel;
	struct bpf_program *prog;
	int rc, prog_fd;

	*stage = "open";
	skel = nr_xsk_skel__open();
	if (!skel)
		return -errno;
	p->skel = skel;
	set_match(skel, req);
	skel->rodata->use_tai = p->tai;
	skel->rodata->use_ts_kfunc = bind_dev && req->hw_timestamps;
	/* A record only for what the bytes cannot carry (netring_xsk.h). */
	p->record = p->tai ||
		    (bind_dev && (req->hw_timestamps || req->vlan_out_of_band));
	skel->rodata->record = p->record;
	p->record_in_head = p->record && p->no_adjust_meta;
	skel->rodata->record_in_head = p->record_in_head;
	rc = bpf_map__set_max_entries(skel->maps.xsks, req->map_entries);
	if (rc)
		return rc;
	prog = bind_dev ? skel->progs.netring_xsk : skel->progs.netring_xsk_any;
	rc = bpf_program__set_autoload(bind_dev ? skel->progs.netring_xsk_any :
						  skel->progs.netring_xsk,
				       false);
	if (rc)
		return rc;
	if (bind_dev) {
		bpf_program__set_ifindex(prog, req->ifindex);
		rc = bpf_program__set_flags(prog, bpf_program__flags(prog) |
							  BPF_F_XDP_DEV_BOUND_ONLY);
		if (rc)
			return rc;
	}
	*stage = "load";
	rc = nr_xsk_skel__load(skel);
	if (rc)
		return rc;
	p->xsks_fd = bpf_map__fd(skel->maps.xsks);
	/* .bss is mapped into our memory (BPF_F_MMAPABLE): read per burst
	 * without a system call. */
	p->meta_missing = skel->bss ? &skel->bss->meta_missing : NULL;
	p->counters_fd = bpf_map__fd(skel->maps.counters);

	*stage = "map";
	for (unsigned i = 0; i < req->nxsk; i++) {
		rc = bpf_map_update_elem(p->xsks_fd, &req->xsk_queues[i],
					 &req->xsk_fds[i], 0);
		if (rc)
			return rc;
		p->queues[p->nqueues++] = req->xsk_queues[i];
	}

	*stage = "attach";
	prog_fd = bpf_program__fd(prog);
	lopts.flags = mode == NETRING_XDP_ATTACH_GENERIC ? XDP_FLAGS_SKB_MODE :
							   XDP_FLAGS_DRV_MODE;
	rc = bpf_link_create(prog_fd, (int)req->ifindex, BPF_XDP, &lopts);
	if (rc < 0)
		return rc;
	p->link_fd = rc;
	p->attached = mode;
	p->kfuncs = bind_dev;
	return 0;
}

static const char *refusal(int rc, enum netring_xdp_attach mode)
{
	switch (rc) {
	case -ERANGE:
		return "MTU too large for XDP on this device (on veth: lower the peer's MTU)";
	case -EOPNOTSUPP:
		return mode == NETRING_XDP_ATTACH_NATIVE ?
			       "the driver has no native XDP" :
			       "not supported";
	case -EPERM:
	case -EACCES:
		return "needs CAP_BPF and CAP_NET_ADMIN (run as root)";
	case -E2BIG:
		return "frames larger than a page need multi-buffer XDP, which this driver lacks";
	default:
		return NULL;
	}
}

/*
 * Whether an XDP program may call bpf_xdp_adjust_meta().  Loads a program
 * of four instructions that does only that: libbpf's helper probe (1.1)
 * takes this kernel's refusal ("program of this type cannot use helper")
 * for a yes.  A refusal for want of privilege says nothing about the
 * helper: then yes, and the real load reports the privilege.
 */
static bool adjust_meta_allowed(void)
{
	const struct bpf_insn insns[] = {
		/* r2 = -16; call bpf_xdp_adjust_meta(r1 = ctx, r2) */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = -16 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_xdp_adjust_meta },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, NULL, "Dual MIT/GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), NULL);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != EINVAL;
}

static int prog_plug(struct nr_xdp_prog *p, const struct nr_xdp_prog_req *req,
		     char *note, size_t note_size, char *err)
{
	enum netring_xdp_attach modes[2];
	char why[2][160] = { "", "" };
	unsigned nmodes = 0;
	int rc = 0;

	p->ifindex = req->ifindex;
	p->ncpus = libbpf_num_possible_cpus();
	if (p->ncpus <= 0)
		return nr_fail(err, p->ncpus ? p->ncpus : -EINVAL,
			       "cannot count the possible CPUs");
	p->percpu = calloc((size_t)p->ncpus, sizeof(*p->percpu));
	p->queues = calloc(req->nxsk ? req->nxsk : 1, sizeof(*p->queues));
	if (!p->percpu || !p->queues)
		return nr_fail(err, -ENOMEM, "out of memory");
	p->tai = req->sw_timestamps &&
		 libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP,
					 BPF_FUNC_ktime_get_tai_ns, NULL) == 1;
	/* Some kernels (seen: 6.18.44-fc-v1300) refuse bpf_xdp_adjust_meta()
	 * to every XDP program ("program of this type cannot use helper"):
	 * the record then goes in the head (netring_xsk.h).  Asked only when
	 * try_attach() may write a record. */
	if (p->tai || req->hw_timestamps || req->vlan_out_of_band)
		p->no_adjust_meta = !adjust_meta_allowed();

	/* Again: someone may have attached since the caller cleared it. */
	rc = nr_xdp_prog_clear_way(req, note + strlen(note),
				   note_size - strlen(note), err);
	if (rc)
		return rc;

	if (req->attach != NETRING_XDP_ATTACH_GENERIC)
		modes[nmodes++] = NETRING_XDP_ATTACH_NATIVE;
	if (req->attach != NETRING_XDP_ATTACH_NATIVE)
		modes[nmodes++] = NETRING_XDP_ATTACH_GENERIC;

	for (unsigned i = 0; i < nmodes; i++) {
		const char *stage, *reason;
		bool bind_dev = modes[i] == NETRING_XDP_ATTACH_NATIVE;

		rc = try_attach(p, req, modes[i], bind_dev, &stage);
		if (rc && bind_dev && strcmp(stage, "load") == 0) {
			/* A kernel without device-bound programs (before
			 * 6.3): native still works, without metadata. */
			prog_release(p);
			rc = try_attach(p, req, modes[i], false, &stage);
		}
		if (!rc)
			break;
		prog_release(p);
		if (rc == -EBUSY && strcmp(stage, "attach") == 0)
			return describe_attached(req, err); /* raced someone */
		reason = refusal(rc, modes[i]);
		snprintf(why[i], sizeof(why[i]), "%s XDP %s: %s", attach_name(modes[i]),
			 stage, reason ? reason : strerror(-rc));
		if (rc == -EPERM || rc == -EACCES)
			break; /* no other mode will do better */
	}
	if (rc) {
		if (nmodes == 2 && why[1][0] && rc != -EPERM && rc != -EACCES)
			return nr_fail(err, rc, "%s: %s; %s", req->ifname, why[0],
				       why[1]);
		return nr_fail(err, rc, "%s: %s", req->ifname, why[0]);
	}
	if (p->attached != modes[0]) {
		size_t used = strlen(note);

		snprintf(note + used, note_size - used, "%s%s; using generic XDP",
			 used ? "; " : "", why[0]);
	}
	if (p->record_in_head) {
		size_t used = strlen(note);

		snprintf(note + used, note_size - used,
			 "%sthe kernel refuses bpf_xdp_adjust_meta() to XDP programs: "
			 "stamps and tags travel in front of each frame, %zu bytes of each slot",
			 used ? "; " : "", sizeof(struct nr_xsk_meta));
	}
	return 0;
}

void nr_xdp_prog_unplug(struct nr_xdp_prog *p)
{
	prog_release(p);
	free(p->percpu);
	free(p->queues);
	p->percpu = NULL;
	p->queues = NULL;
}

int nr_xdp_prog_counters(const struct nr_xdp_prog *p,
			 uint64_t out[NR_XSK_COUNTERS])
{
	__u32 key = 0;
	int rc;

	memset(out, 0, sizeof(uint64_t) * NR_XSK_COUNTERS);
	if (p->counters_fd < 0)
		return 0;
	rc = bpf_map_lookup_elem(p->counters_fd, &key, p->percpu);
	if (rc)
		return rc;
	for (int c = 0; c < p->ncpus; c++)
		for (int i = 0; i < NR_XSK_COUNTERS; i++)
			out[i] += p->percpu[c].n[i];
	return 0;
}

/* Another process detached our BPF link (`bpftool link detach`): the link
 * still exists but is bound to no device, and no frame will come. */
bool nr_xdp_prog_detached(const struct nr_xdp_prog *p)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (p->link_fd < 0 ||
	    bpf_obj_get_info_by_fd(p->link_fd, &info, &len))
		return false;
	return info.type == BPF_LINK_TYPE_XDP && info.xdp.ifindex == 0;
}

/* libbpf logs to stderr through one process-wide hook.  The library never
 * prints: every failure is explained in errbuf instead, so the hook is
 * silenced while we load and attach, and the caller's is put back. */
static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int nr_xdp_prog_plug(struct nr_xdp_prog *p, const struct nr_xdp_prog_req *req,
		     char *note, size_t note_size, char *err)
{
	libbpf_print_fn_t caller_hook = libbpf_set_print(libbpf_quiet);
	int rc = prog_plug(p, req, note, note_size, err);

	libbpf_set_print(caller_hook);
	return rc;
}
