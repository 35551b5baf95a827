/* SPDX-License-Identifier: MIT */
/*
 * json.c - quoting strings for the JSON that `netring ls --json` and
 * `netring dump --stats json` print.
 */
#include "json.h"

void json_fputs_string(const char *s, FILE *f)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
			break;
		}
	}
	fputc('"', f);
}
