/* SPDX-License-Identifier: MIT */
/*
 * ls.c - `netring ls`: the links of this network namespace as
 * netring_if_list() reports them, as a table or as one JSON array.
 */
#include <errno.h>
#include <net/if_arp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "json.h"
#include "netring.h"

static const char ls_usage[] =
	"usage: netring ls [-a] [--json] [--watch]\n"
	"\n"
	"List the network interfaces of this namespace that netring can plug\n"
	"(Ethernet links), with what their drivers can do for the xdp backend.\n"
	"\n"
	"  -a, --all   also list links that are not Ethernet (loopback, tun, ...)\n"
	"  --json      print one JSON array instead of a table\n"
	"  --watch     then print link events (new, del, up, down, mtu, addr)\n"
	"              as they happen, until SIGINT or SIGTERM\n"
	"  -h, --help  print this help\n"
	"\n"
	"XDP columns: XDP native or generic (generic XDP works on any link), ZC\n"
	"AF_XDP zero-copy, MB multi-buffer, META the metadata kfuncs (ts, hash,\n"
	"vlan), PROG the XDP program attached now; ? where the kernel does not say.\n";

/* An interface's probe, or why there is none (rc < 0). */
struct ls_caps {
	int rc;
	struct netring_if_caps caps;
};

static void format_mac(char *s, size_t size, const uint8_t *m)
{
	snprintf(s, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static const char *link_state(uint32_t flags)
{
	if (!(flags & NETRING_IF_UP))
		return "down";
	return flags & NETRING_IF_RUNNING ? "up" : "up,no-carrier";
}

static void link_type(char *s, size_t size, const struct netring_if *ifi)
{
	if (ifi->flags & NETRING_IF_ETHERNET)
		snprintf(s, size, "ether");
	else if (ifi->flags & NETRING_IF_LOOPBACK)
		snprintf(s, size, "loopback");
	else
		snprintf(s, size, "arphrd:%u", ifi->type);
}

/* A TAP is a tun device that carries Ethernet frames. */
static const char *link_kind(const struct netring_if *ifi)
{
	if (strcmp(ifi->kind, "tun") == 0 && ifi->type == ARPHRD_ETHER)
		return "tap";
	return ifi->kind;
}

static bool caps_known(const struct ls_caps *c)
{
	return c->rc == 0 && (c->caps.flags & NETRING_CAP_XDP_FEATURES_KNOWN);
}

static const char *caps_yes_no(const struct ls_caps *c, uint32_t bit)
{
	if (!caps_known(c))
		return "?";
	return c->caps.flags & bit ? "yes" : "no";
}

static const char *attach_name(uint32_t attach)
{
	switch (attach) {
	case NETRING_XDP_ATTACH_NATIVE:
		return "native";
	case NETRING_XDP_ATTACH_GENERIC:
		return "generic";
	default:
		return "";
	}
}

static void caps_meta(char *s, size_t size, const struct ls_caps *c)
{
	uint32_t f = c->caps.flags;

	if (!caps_known(c)) {
		snprintf(s, size, "?");
		return;
	}
	snprintf(s, size, "%s%s%s%s",
		 f & NETRING_CAP_XDP_META_TIMESTAMP ? ",ts" : "",
		 f & NETRING_CAP_XDP_META_HASH ? ",hash" : "",
		 f & NETRING_CAP_XDP_META_VLAN ? ",vlan" : "",
		 f & (NETRING_CAP_XDP_META_TIMESTAMP | NETRING_CAP_XDP_META_HASH |
		      NETRING_CAP_XDP_META_VLAN) ? "" : ",-");
	memmove(s, s + 1, strlen(s)); /* the first comma */
}

static void caps_prog(char *s, size_t size, const struct ls_caps *c)
{
	if (c->rc)
		snprintf(s, size, "?");
	else if (!(c->caps.flags & NETRING_CAP_XDP_ATTACHED))
		snprintf(s, size, "-");
	else
		snprintf(s, size, "%s(id %u, %s)",
			 c->caps.xdp_prog_name[0] ? c->caps.xdp_prog_name : "?",
			 c->caps.xdp_prog_id, attach_name(c->caps.xdp_attach));
}

static void print_table(const struct netring_if *ifs,
			const struct ls_caps *caps, int n)
{
	printf("%-15s %6s  %-17s %6s  %-13s %4s %4s  %-11s %-15s %-7s %-3s %-3s %-12s %s\n",
	       "NAME", "INDEX", "MAC", "MTU", "STATE", "RXQ", "TXQ", "TYPE",
	       "KIND", "XDP", "ZC", "MB", "META", "PROG");
	for (int i = 0; i < n; i++) {
		const struct netring_if *ifi = &ifs[i];
		const struct ls_caps *c = &caps[i];
		char mac[18], type[16], kind[32], meta[24], prog[64];

		format_mac(mac, sizeof(mac), ifi->mac);
		link_type(type, sizeof(type), ifi);
		snprintf(kind, sizeof(kind), "%s%s",
			 link_kind(ifi)[0] ? link_kind(ifi) : "-",
			 ifi->flags & NETRING_IF_PROMISC ? " (promisc)" : "");
		caps_meta(meta, sizeof(meta), c);
		caps_prog(prog, sizeof(prog), c);
		printf("%-15s %6u  %-17s %6u  %-13s %4u %4u  %-11s %-15s %-7s %-3s %-3s %-12s %s\n",
		       ifi->name, ifi->ifindex, mac, ifi->mtu,
		       link_state(ifi->flags), ifi->rx_queues, ifi->tx_queues,
		       type, kind,
		       !caps_known(c) ? "?" :
		       c->caps.flags & NETRING_CAP_XDP_NATIVE ? "native" :
								 "generic",
		       caps_yes_no(c, NETRING_CAP_XDP_ZEROCOPY),
		       caps_yes_no(c, NETRING_CAP_XDP_MULTIBUF), meta, prog);
	}
}

static const char *json_bool(uint32_t flags, uint32_t bit)
{
	return flags & bit ? "true" : "false";
}

/* A feature flag of the probe: null when the kernel did not say. */
static const char *json_cap(const struct ls_caps *c, uint32_t bit)
{
	return caps_known(c) ? json_bool(c->caps.flags, bit) : "null";
}

static void print_json_caps(const struct ls_caps *c)
{
	const struct netring_if_caps *k = &c->caps;
	bool attached = c->rc == 0 && (k->flags & NETRING_CAP_XDP_ATTACHED);

	printf(",\"xdp_features_known\":%s,\"xdp_native\":%s,"
	       "\"xdp_zerocopy\":%s,\"xdp_multibuf\":%s,"
	       "\"xdp_meta_timestamp\":%s,\"xdp_meta_hash\":%s,"
	       "\"xdp_meta_vlan\":%s,\"xdp_zc_max_segs\":%u,",
	       caps_known(c) ? "true" : "false",
	       json_cap(c, NETRING_CAP_XDP_NATIVE),
	       json_cap(c, NETRING_CAP_XDP_ZEROCOPY),
	       json_cap(c, NETRING_CAP_XDP_MULTIBUF),
	       json_cap(c, NETRING_CAP_XDP_META_TIMESTAMP),
	       json_cap(c, NETRING_CAP_XDP_META_HASH),
	       json_cap(c, NETRING_CAP_XDP_META_VLAN),
	       c->rc ? 0 : k->zc_max_segs);
	if (c->rc) {
		printf("\"xdp_attached\":null,\"xdp_prog_id\":null,"
		       "\"xdp_prog_name\":null,\"xdp_attach_mode\":null");
		return;
	}
	printf("\"xdp_attached\":%s,\"xdp_prog_id\":%u,\"xdp_prog_name\":",
	       attached ? "true" : "false", attached ? k->xdp_prog_id : 0);
	json_fputs_string(attached ? k->xdp_prog_name : "", stdout);
	fputs(",\"xdp_attach_mode\":", stdout);
	json_fputs_string(attached ? attach_name(k->xdp_attach) : "", stdout);
}

static void print_json(const struct netring_if *ifs, const struct ls_caps *caps,
		       int n)
{
	putchar('[');
	for (int i = 0; i < n; i++) {
		const struct netring_if *ifi = &ifs[i];
		char mac[18];

		format_mac(mac, sizeof(mac), ifi->mac);
		printf("%s{\"name\":", i ? "," : "");
		json_fputs_string(ifi->name, stdout);
		printf(",\"ifindex\":%u,\"mac\":\"%s\",\"mtu\":%u,"
		       "\"up\":%s,\"carrier\":%s,\"promisc\":%s,"
		       "\"ethernet\":%s,\"loopback\":%s,\"type\":%u,"
		       "\"rx_queues\":%u,\"tx_queues\":%u,\"kind\":",
		       ifi->ifindex, mac, ifi->mtu,
		       json_bool(ifi->flags, NETRING_IF_UP),
		       json_bool(ifi->flags, NETRING_IF_RUNNING),
		       json_bool(ifi->flags, NETRING_IF_PROMISC),
		       json_bool(ifi->flags, NETRING_IF_ETHERNET),
		       json_bool(ifi->flags, NETRING_IF_LOOPBACK), ifi->type,
		       ifi->rx_queues, ifi->tx_queues);
		json_fputs_string(link_kind(ifi), stdout);
		print_json_caps(&caps[i]);
		putchar('}');
	}
	puts("]");
}

/* ---- ls --watch: link events as they happen --------------------------- */

static struct netring_loop *volatile watch_loop;

static void stop_watch(int sig)
{
	int saved_errno = errno;

	(void)sig;
	if (watch_loop)
		netring_loop_break(watch_loop);
	errno = saved_errno;
}

static void print_link_event(struct netring_loop *l,
			     const struct netring_event *ev, void *user)
{
	const struct netring_if *ifi = &ev->link;
	const bool *all = user;

	(void)l;
	if (!*all && !(ifi->flags & NETRING_IF_ETHERNET))
		return;
	switch (ev->kind) {
	case NETRING_EV_NEW:
		printf("new %s index %u%s%s mtu %u %s\n", ifi->name, ifi->ifindex,
		       ifi->kind[0] ? " kind " : "", ifi->kind, ifi->mtu,
		       ifi->flags & NETRING_IF_UP ? "up" : "down");
		break;
	case NETRING_EV_DEL:
		printf("del %s index %u\n", ifi->name, ifi->ifindex);
		break;
	case NETRING_EV_UP:
		printf("up %s\n", ifi->name);
		break;
	case NETRING_EV_DOWN:
		printf("down %s\n", ifi->name);
		break;
	case NETRING_EV_MTU:
		printf("mtu %s %u -> %u\n", ifi->name, ev->old_mtu, ifi->mtu);
		break;
	case NETRING_EV_ADDR:
		printf("addr %s %02x:%02x:%02x:%02x:%02x:%02x\n", ifi->name,
		       ifi->mac[0], ifi->mac[1], ifi->mac[2], ifi->mac[3],
		       ifi->mac[4], ifi->mac[5]);
		break;
	default:
		return;
	}
	fflush(stdout);
}

static bool watch_all;

/* Subscribed before the list is read, so no change falls between the
 * list and the events. */
static struct netring_loop *watch_open(bool all)
{
	struct netring_loop_opts o = { .sz = sizeof(o),
				       .flags = NETRING_LOOP_LINK_EVENTS,
				       .event_fn = print_link_event,
				       .event_user = &watch_all };
	struct netring_loop *l;
	char err[NETRING_ERRBUF_SIZE];

	watch_all = all;
	if (netring_loop_new(&l, &o, err)) {
		fprintf(stderr, "netring: ls: %s\n", err);
		return NULL;
	}
	return l;
}

/* After the list: one line per link event until SIGINT or SIGTERM. */
static int watch_links(struct netring_loop *l)
{
	struct sigaction sa;
	int rc;

	watch_loop = l;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stop_watch;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	do
		rc = netring_loop_run(l, -1);
	while (rc >= 0 || rc == -EINTR);
	watch_loop = NULL;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (rc != -ECANCELED)
		fprintf(stderr, "netring: ls: %s\n", netring_loop_error(l));
	netring_loop_free(l);
	return rc == -ECANCELED ? EXIT_OK : EXIT_RUNTIME;
}

int ls_run(int argc, char **argv)
{
	struct netring_loop *wl = NULL; /* --watch */
	struct netring_if *ifs = NULL;
	struct ls_caps *caps;
	struct ls_args a;
	char err[256];
	size_t cap = 32;
	int n;

	if (ls_args_parse(&a, argc, argv, err, sizeof(err))) {
		fprintf(stderr,
			"netring: ls: %s\n"
			"netring: usage: netring ls [-a] [--json]\n",
			err);
		return EXIT_USAGE;
	}
	if (a.help) {
		fputs(ls_usage, stdout);
		return EXIT_OK;
	}
	if (a.watch) {
		wl = watch_open(a.all);
		if (!wl)
			return EXIT_RUNTIME;
	}

	/* Links may appear between two calls: ask until the array held all. */
	for (;;) {
		struct netring_if *bigger = realloc(ifs, cap * sizeof(*ifs));

		if (!bigger) {
			free(ifs);
			fprintf(stderr, "netring: ls: out of memory\n");
			netring_loop_free(wl);
			return EXIT_RUNTIME;
		}
		ifs = bigger;
		n = netring_if_list(ifs, cap, a.all ? NETRING_LIST_ALL : 0);
		if (n < 0) {
			free(ifs);
			fprintf(stderr, "netring: ls: listing interfaces: %s\n",
				strerror(-n));
			netring_loop_free(wl);
			return EXIT_RUNTIME;
		}
		if ((size_t)n <= cap)
			break;
		cap = (size_t)n + 16;
	}

	caps = calloc((size_t)n + 1, sizeof(*caps));
	if (!caps) {
		free(ifs);
		fprintf(stderr, "netring: ls: out of memory\n");
		netring_loop_free(wl);
		return EXIT_RUNTIME;
	}
	/* A link that vanished since the list, or that the kernel will not
	 * describe, shows "?" rather than failing the whole list. */
	for (int i = 0; i < n; i++)
		caps[i].rc = netring_if_probe(ifs[i].name, &caps[i].caps,
					      sizeof(caps[i].caps));
	if (a.json)
		print_json(ifs, caps, n);
	else
		print_table(ifs, caps, n);
	free(caps);
	free(ifs);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "netring: ls: writing the list: %s\n",
			strerror(errno));
		netring_loop_free(wl);
		return EXIT_RUNTIME;
	}
	return wl ? watch_links(wl) : EXIT_OK;
}
