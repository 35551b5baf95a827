/* SPDX-License-Identifier: MIT */
/*
 * privdrop.h - least privilege for the netring tool: once its interfaces
 * are plugged and its files open, it keeps only the capabilities it will
 * still use and, if asked (-Z USER), becomes that user, before it parses a
 * single frame (frames are untrusted input).
 */
#ifndef NETRING_TOOL_PRIVDROP_H
#define NETRING_TOOL_PRIVDROP_H

#include <linux/capability.h> /* CAP_* */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A capability as a bit of a set: PRIVDROP_CAP(CAP_NET_RAW). */
#define PRIVDROP_CAP(c) (1ull << (c))

struct privdrop_user {
	const char *name; /* NULL: stay who we are */
	uid_t uid;
	gid_t gid;
};

/*
 * Look `name` up in the user database (before anything is plugged, while
 * NSS is still reachable).  0, or -ENOENT (no such user) / -errno with the
 * reason in err.
 */
int privdrop_user_lookup(const char *name, struct privdrop_user *u, char *err,
			 size_t errsize);

/*
 * Give up privilege for good: every capability not in `keep` leaves the
 * bounding, ambient, inheritable, permitted and effective sets (`keep` stays
 * permitted and effective); with u->name set, the supplementary groups
 * become just u->gid, then the group and the user switch (real, effective
 * and saved) to u's; no_new_privs is set.  The result is read back and
 * checked.  0, or -errno with the step that failed in err; a failure is
 * fatal to the caller (it must not go on with more privilege than it
 * said).
 */
int privdrop_apply(const struct privdrop_user *u, uint64_t keep, char *err,
		   size_t errsize);

/* The effective capability set now (for tests and messages); 0 on error. */
uint64_t privdrop_effective(void);

#endif /* NETRING_TOOL_PRIVDROP_H */
