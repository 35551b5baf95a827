/* SPDX-License-Identifier: MIT */
/*
 * loop_all.c - one thread for every interface: a netring_loop that plugs
 * every Ethernet interface matching a pattern, now and as they appear,
 * counts each one's frames, and says when links come, go, or change.
 * Usage: loop_all [PATTERN] [SECONDS]   (PATTERN: "all" or a glob, "veth*")
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netring.h>

struct counts {
	struct counts *next;
	char name[NETRING_IFNAMSIZ];
	unsigned long long frames, bytes;
};

static struct netring_loop *loop;
static struct counts *all_counts; /* every interface ever plugged */

static void count(const struct netring_frame *f, void *user)
{
	struct counts *c = user;

	c->frames++;
	c->bytes += f->wire_len;
}

static void on_event(struct netring_loop *l, const struct netring_event *ev,
		     void *user)
{
	struct counts *c;

	(void)user;
	switch (ev->kind) {
	case NETRING_EV_PLUGGED:
		/* Each ring gets counts of its own. */
		c = calloc(1, sizeof(*c));
		if (!c || netring_loop_set_user(l, ev->ring, c) < 0) {
			free(c);
			netring_loop_remove(l, ev->ring);
			netring_close(ev->ring);
			return;
		}
		snprintf(c->name, sizeof(c->name), "%s", ev->link.name);
		c->next = all_counts;
		all_counts = c;
		printf("plugged %s\n", ev->link.name);
		break;
	case NETRING_EV_GONE:
		c = ev->ring_user;
		printf("%s gone (%s): %llu frames, %" PRIu64 " dropped\n",
		       c->name, strerror(-ev->error), c->frames,
		       ev->stats->dropped);
		break;
	case NETRING_EV_PLUG_FAILED:
		printf("%s: not plugged: %s\n", ev->link.name, ev->message);
		break;
	case NETRING_EV_DOWN:
		printf("%s down\n", ev->link.name);
		break;
	case NETRING_EV_UP:
		printf("%s up\n", ev->link.name);
		break;
	case NETRING_EV_MTU:
		printf("%s mtu %u -> %u\n", ev->link.name, ev->old_mtu,
		       ev->link.mtu);
		break;
	}
}

static void stop(int sig)
{
	(void)sig;
	netring_loop_break(loop); /* async-signal-safe */
}

int main(int argc, char **argv)
{
	struct netring_loop_opts opts = { .sz = sizeof(opts),
					  .event_fn = on_event };
	struct netring_autoplug ap = {
		.sz = sizeof(ap),
		.pattern = argc > 1 ? argv[1] : "all",
		.frame_fn = count,
	};
	int seconds = argc > 2 ? atoi(argv[2]) : 10;
	char err[NETRING_ERRBUF_SIZE];
	struct counts unnamed = { .name = "" };
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0); /* events show as they happen */
	rc = netring_loop_new(&loop, &opts, err);
	if (rc < 0) {
		fprintf(stderr, "loop: %s\n", err);
		return 1;
	}
	/* Until the PLUGGED event gives a ring counts of its own (before
	 * any frame is delivered), this would count its frames. */
	ap.frame_user = &unnamed;
	rc = netring_loop_autoplug(loop, &ap);
	if (rc < 0) {
		fprintf(stderr, "auto-plug: %s\n", netring_loop_error(loop));
		netring_loop_free(loop);
		return 1;
	}
	signal(SIGINT, stop);
	signal(SIGTERM, stop);
	rc = netring_loop_run(loop, seconds * 1000);
	if (rc < 0 && rc != -ECANCELED)
		fprintf(stderr, "run: %s\n", strerror(-rc));

	/* Closes the rings auto-plug plugged. */
	netring_loop_free(loop);
	while (all_counts) {
		struct counts *c = all_counts;

		printf("%s: %llu frames, %llu bytes\n", c->name, c->frames,
		       c->bytes);
		all_counts = c->next;
		free(c);
	}
	return 0;
}
