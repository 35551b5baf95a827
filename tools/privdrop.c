/* SPDX-License-Identifier: MIT */
/*
 * privdrop.c - give up capabilities and switch user once a dump is plugged,
 * as tcpdump -Z does.  The capability sets are set with capget/capset
 * directly: the tool needs four calls, not a library.
 */
#define _GNU_SOURCE /* setresuid, setresgid, getresuid, getresgid */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "privdrop.h"

/* The highest capability number any kernel may know (cap_last_cap is
 * below it); prctl(PR_CAPBSET_READ) answers EINVAL past the real one. */
#define CAPS_MAX 64

static int fail(char *err, size_t errsize, int rc, const char *what)
{
	snprintf(err, errsize, "%s: %s", what, strerror(-rc));
	return rc;
}

static int caps_get(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

/* Effective and permitted become `keep`, inheritable none. */
static int caps_set(uint64_t keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

uint64_t privdrop_effective(void)
{
	uint64_t eff, prm;

	return caps_get(&eff, &prm) ? 0 : eff;
}

int privdrop_user_lookup(const char *name, struct privdrop_user *u, char *err,
			 size_t errsize)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		/* getpwnam() leaves errno 0 (or ENOENT, ESRCH...) for "no
		 * such entry"; only a real failure is worth its text. */
		if (errno == 0 || errno == ENOENT || errno == ESRCH ||
		    errno == EBADF || errno == EPERM) {
			snprintf(err, errsize, "-Z %s: no such user", name);
			return -ENOENT;
		}
		snprintf(err, errsize, "-Z %s: looking the user up: %s", name,
			 strerror(errno));
		return -errno;
	}
	u->name = name;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

/* The bounding set loses every capability not kept, so that nothing run
 * later can get one back.  Needs CAP_SETPCAP; without it there is nothing
 * in the bounding set we could use anyway (no_new_privs closes exec). */
static int bounding_drop(uint64_t keep, uint64_t eff, char *err,
			 size_t errsize)
{
	if (!(eff & PRIVDROP_CAP(CAP_SETPCAP)))
		return 0;
	for (int c = 0; c < CAPS_MAX; c++) {
		int in = prctl(PR_CAPBSET_READ, c, 0, 0, 0);

		if (in < 0)
			break; /* past cap_last_cap */
		if (in == 1 && !(keep & PRIVDROP_CAP(c)) &&
		    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return fail(err, errsize, -errno,
				    "dropping the capability bounding set");
	}
	return 0;
}

static int user_switch(const struct privdrop_user *u, bool keep_caps,
		       char *err, size_t errsize)
{
	gid_t gid = u->gid;

	/* Permitted capabilities survive the switch away from uid 0 only
	 * with keep-caps; the effective set is cleared and set again after. */
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail(err, errsize, -errno, "-Z: PR_SET_KEEPCAPS");
	/* Groups first: setgroups and setgid need the privilege setuid
	 * gives up. */
	if (setgroups(1, &gid) < 0)
		return fail(err, errsize, -errno,
			    "-Z: setgroups (needs root or CAP_SETGID)");
	if (setresgid(gid, gid, gid) < 0)
		return fail(err, errsize, -errno,
			    "-Z: setgid (needs root or CAP_SETGID)");
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return fail(err, errsize, -errno,
			    "-Z: setuid (needs root or CAP_SETUID)");
	if (keep_caps && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return fail(err, errsize, -errno, "-Z: PR_SET_KEEPCAPS");
	return 0;
}

/* Read back what the kernel did: trust no step's return alone. */
static int check(const struct privdrop_user *u, uint64_t keep, char *err,
		 size_t errsize)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	uint64_t eff, prm;
	int rc = caps_get(&eff, &prm);

	if (rc)
		return fail(err, errsize, rc, "capget");
	if (eff != keep || prm != keep) {
		snprintf(err, errsize,
			 "capabilities still held after dropping them: effective %#llx, permitted %#llx, expected %#llx",
			 (unsigned long long)eff, (unsigned long long)prm,
			 (unsigned long long)keep);
		return -EPERM;
	}
	if (!u || !u->name)
		return 0;
	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return fail(err, errsize, -errno, "-Z: reading the ids back");
	if (r != u->uid || e != u->uid || s != u->uid || rg != u->gid ||
	    eg != u->gid || sg != u->gid) {
		snprintf(err, errsize, "-Z %s: the user or group did not switch",
			 u->name);
		return -EPERM;
	}
	return 0;
}

int privdrop_apply(const struct privdrop_user *u, uint64_t keep, char *err,
		   size_t errsize)
{
	uint64_t eff, prm;
	int rc = caps_get(&eff, &prm);

	if (rc)
		return fail(err, errsize, rc, "capget");
	/* What we never had cannot be kept. */
	keep &= prm;
	rc = bounding_drop(keep, eff, err, errsize);
	if (rc)
		return rc;
	/* Ambient capabilities would be handed to anything executed. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return fail(err, errsize, -errno, "clearing ambient capabilities");
	if (u && u->name) {
		rc = user_switch(u, keep != 0, err, errsize);
		if (rc)
			return rc;
	}
	rc = caps_set(keep);
	if (rc)
		return fail(err, errsize, rc, "capset");
	/* No exec of a set-user-ID program can give anything back. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(err, errsize, -errno, "PR_SET_NO_NEW_PRIVS");
	return check(u, keep, err, errsize);
}
