/* SPDX-License-Identifier: MIT */
/*
 * ls.c - `netring ls`: the links of this network namespace as
 * netring_if_list() reports them, as a table or as one JSON array.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "json.h"
#include "netring.h"

static const char ls_usage[] =
	"usage: netring ls [-a] [--json]\n"
	"\n"
	"List the network interfaces of this namespace that netring can plug\n"
	"(Ethernet links).\n"
	"\n"
	"  -a, --all   also list links that are not Ethernet (loopback, tun, ...)\n"
	"  --json      print one JSON array instead of a table\n"
	"  -h, --help  print this help\n";

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

static void print_table(const struct netring_if *ifs, int n)
{
	printf("%-15s %6s  %-17s %6s  %-13s %4s %4s  %-11s %s\n", "NAME",
	       "INDEX", "MAC", "MTU", "STATE", "RXQ", "TXQ", "TYPE", "KIND");
	for (int i = 0; i < n; i++) {
		const struct netring_if *ifi = &ifs[i];
		char mac[18], type[16];

		format_mac(mac, sizeof(mac), ifi->mac);
		link_type(type, sizeof(type), ifi);
		printf("%-15s %6u  %-17s %6u  %-13s %4u %4u  %-11s %s%s\n",
		       ifi->name, ifi->ifindex, mac, ifi->mtu,
		       link_state(ifi->flags), ifi->rx_queues, ifi->tx_queues,
		       type, ifi->kind[0] ? ifi->kind : "-",
		       ifi->flags & NETRING_IF_PROMISC ? " (promisc)" : "");
	}
}

static const char *json_bool(uint32_t flags, uint32_t bit)
{
	return flags & bit ? "true" : "false";
}

static void print_json(const struct netring_if *ifs, int n)
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
		json_fputs_string(ifi->kind, stdout);
		putchar('}');
	}
	puts("]");
}

int ls_run(int argc, char **argv)
{
	struct netring_if *ifs = NULL;
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

	/* Links may appear between two calls: ask until the array held all. */
	for (;;) {
		struct netring_if *bigger = realloc(ifs, cap * sizeof(*ifs));

		if (!bigger) {
			free(ifs);
			fprintf(stderr, "netring: ls: out of memory\n");
			return EXIT_RUNTIME;
		}
		ifs = bigger;
		n = netring_if_list(ifs, cap, a.all ? NETRING_LIST_ALL : 0);
		if (n < 0) {
			free(ifs);
			fprintf(stderr, "netring: ls: listing interfaces: %s\n",
				strerror(-n));
			return EXIT_RUNTIME;
		}
		if ((size_t)n <= cap)
			break;
		cap = (size_t)n + 16;
	}

	if (a.json)
		print_json(ifs, n);
	else
		print_table(ifs, n);
	free(ifs);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "netring: ls: writing the list: %s\n",
			strerror(errno));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}
