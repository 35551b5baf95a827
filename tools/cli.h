/* SPDX-License-Identifier: MIT */
/*
 * cli.h - the subcommands of the netring tool and the exit statuses they
 * share: 0 done, 1 failed while running, 2 bad usage or bad input.
 */
#ifndef NETRING_TOOL_CLI_H
#define NETRING_TOOL_CLI_H

enum cli_exit {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

/* `netring ls ...` and `netring dump ...`; argv[0] is the subcommand. */
int ls_run(int argc, char **argv);
int dump_run(int argc, char **argv);

#endif /* NETRING_TOOL_CLI_H */
