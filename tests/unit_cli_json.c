/* SPDX-License-Identifier: MIT */
/*
 * unit_cli_json.c - the quoting behind `netring ls --json` and `netring
 * dump --stats json`: any interface name becomes a valid JSON string.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int main(void)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "", "\"\"" },
		{ "eth0", "\"eth0\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "a\\b", "\"a\\\\b\"" },
		{ "tab\there", "\"tab\\there\"" },
		{ "nl\n", "\"nl\\n\"" },
		{ "\x01\x1f", "\"\\u0001\\u001f\"" },
		{ "del\x7f", "\"del\\u007f\"" },
		{ "\xc3\xa9\xff", "\"\\u00c3\\u00a9\\u00ff\"" },
		{ "/:'{}[],", "\"/:'{}[],\"" },
	};
	int failures = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = NULL;
		size_t size = 0;
		FILE *f = open_memstream(&buf, &size);

		if (!f) {
			perror("unit_cli_json: open_memstream");
			return 1;
		}
		json_fputs_string(cases[i].in, f);
		fclose(f);
		if (strcmp(buf, cases[i].out) != 0) {
			printf("FAIL case %zu: want %s, got %s\n", i,
			       cases[i].out, buf);
			failures++;
		}
		free(buf);
	}
	if (failures) {
		printf("unit_cli_json: %d failures\n", failures);
		return 1;
	}
	printf("unit_cli_json: all passed\n");
	return 0;
}
