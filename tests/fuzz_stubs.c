// SPDX-License-Identifier: MIT
/*
 * fuzz_stubs.c - the two error helpers of src/core.c, for fuzz targets that
 * link one backend without the core (and so without every other backend).
 */
#include <stdio.h>

#include "netring_int.h"

int nr_fail(char *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err, NETRING_ERRBUF_SIZE, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int nr_set_error(struct netring *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return rc;
}
