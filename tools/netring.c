/* SPDX-License-Identifier: MIT */
/*
 * netring.c - the `netring` tool: lists interfaces, dumps the frames a
 * netring ring receives, and sends, generates and forwards frames.  It uses
 * only include/netring.h, so it is also an example of the API.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "netring.h"
#include "tx_common.h"

static const char usage_text[] =
	"usage: netring COMMAND [OPTIONS]\n"
	"       netring -h | --help | --version\n"
	"\n"
	"commands:\n"
	"  ls [-a] [--json]          list the interfaces netring can plug\n"
	"  dump -i IFACE [OPTIONS]   print (and save) the frames IFACE receives\n"
	"  send -i IFACE -r FILE     send the frames of a capture out of IFACE\n"
	"  gen -i IFACE [OPTIONS]    send synthetic (numbered) frames out of IFACE\n"
	"  fwd -i IN -o OUT [-i OUT -o IN]  forward frames between interfaces\n"
	"\n"
	"'netring COMMAND -h' describes a command's options; see netring(1).\n";

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fprintf(stderr,
			"netring: no command given\n"
			"netring: usage: netring ls|dump|send|gen|fwd [OPTIONS]; 'netring --help' says more\n");
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("netring %s\n", netring_version());
		return EXIT_OK;
	}
	if (!strcmp(cmd, "ls"))
		return ls_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "dump"))
		return dump_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "send"))
		return send_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "gen"))
		return gen_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "fwd"))
		return fwd_run(argc - 1, argv + 1);

	fprintf(stderr,
		"netring: unknown %s '%s'\n"
		"netring: usage: netring ls|dump|send|gen|fwd [OPTIONS]; 'netring --help' says more\n",
		cmd[0] == '-' ? "option" : "command", cmd);
	return EXIT_USAGE;
}
