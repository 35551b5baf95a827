/* SPDX-License-Identifier: MIT */
/*
 * json.h - the one JSON piece netring's output needs: a string literal that
 * is valid JSON (and valid UTF-8) whatever bytes the C string holds.
 */
#ifndef NETRING_TOOL_JSON_H
#define NETRING_TOOL_JSON_H

#include <stdio.h>

/*
 * Write `s` as a quoted JSON string.  Quote, backslash, control bytes, DEL and
 * bytes >= 0x80 are written as escapes (\", \\, \n, \u00XX): interface
 * names are bytes, not text, so no byte is trusted to be UTF-8.
 */
void json_fputs_string(const char *s, FILE *f);

#endif /* NETRING_TOOL_JSON_H */
