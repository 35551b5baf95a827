// SPDX-License-Identifier: MIT
/*
 * nrt_json.c - nrt-json KEY...: read one line from stdin, require it to be
 * exactly one well-formed JSON object (RFC 8259 grammar), and print
 * "KEY=VALUE" for each requested top-level key.  Keeps the CLI tests free
 * of a dependency on jq or python.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

struct json_reader {
	const char *p;
	int depth;
};

static void skip_space(struct json_reader *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
	       *j->p == '\r')
		j->p++;
}

static bool json_value(struct json_reader *j);

static bool json_string(struct json_reader *j)
{
	if (*j->p != '"')
		return false;
	for (j->p++; *j->p != '"'; j->p++) {
		if ((unsigned char)*j->p < 0x20)
			return false; /* includes the terminating NUL */
		if (*j->p != '\\')
			continue;
		j->p++;
		if (*j->p == 'u') {
			int i;

			for (i = 1; i <= 4; i++)
				if (!strchr("0123456789abcdefABCDEF", j->p[i]) ||
				    !j->p[i])
					return false;
			j->p += 4;
		} else if (!*j->p || !strchr("\"\\/bfnrt", *j->p)) {
			return false;
		}
	}
	j->p++;
	return true;
}

static bool digits(struct json_reader *j)
{
	const char *start = j->p;

	while (*j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static bool json_number(struct json_reader *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (!digits(j))
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!digits(j))
			return false;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!digits(j))
			return false;
	}
	return true;
}

static bool json_literal(struct json_reader *j, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(j->p, word, n))
		return false;
	j->p += n;
	return true;
}

/* A requested top-level member: where its value is in the line. */
struct json_member {
	const char *key;
	const char *value;
	int len;
};

/* Parses the members of an object; at the top level (`want` set), notes
 * where the value of each wanted member is. */
static bool json_object(struct json_reader *j, struct json_member *want,
			int nwant)
{
	if (*j->p != '{' || ++j->depth > MAX_DEPTH)
		return false;
	j->p++;
	skip_space(j);
	if (*j->p == '}') {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		const char *name, *value;
		size_t name_len;
		int i;

		skip_space(j);
		name = j->p + 1;
		if (!json_string(j))
			return false;
		name_len = (size_t)(j->p - 1 - name);
		skip_space(j);
		if (*j->p++ != ':')
			return false;
		skip_space(j);
		value = j->p;
		if (!json_value(j))
			return false;
		for (i = 0; i < nwant; i++) {
			if (strlen(want[i].key) != name_len ||
			    strncmp(want[i].key, name, name_len))
				continue;
			want[i].value = value;
			want[i].len = (int)(j->p - value);
			if (*value == '"') {
				want[i].value++;
				want[i].len -= 2;
			}
		}
		skip_space(j);
		if (*j->p == '}')
			break;
		if (*j->p++ != ',')
			return false;
	}
	j->p++;
	j->depth--;
	return true;
}

static bool json_array(struct json_reader *j)
{
	if (*j->p != '[' || ++j->depth > MAX_DEPTH)
		return false;
	j->p++;
	skip_space(j);
	if (*j->p == ']') {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		skip_space(j);
		if (!json_value(j))
			return false;
		skip_space(j);
		if (*j->p == ']')
			break;
		if (*j->p++ != ',')
			return false;
	}
	j->p++;
	j->depth--;
	return true;
}

static bool json_value(struct json_reader *j)
{
	switch (*j->p) {
	case '{':
		return json_object(j, NULL, 0);
	case '[':
		return json_array(j);
	case '"':
		return json_string(j);
	case 't':
		return json_literal(j, "true");
	case 'f':
		return json_literal(j, "false");
	case 'n':
		return json_literal(j, "null");
	default:
		return json_number(j);
	}
}

int main(int argc, char **argv)
{
	struct json_reader j = { 0 };
	char *line = NULL;
	size_t cap = 0;
	struct json_member *want;
	int i, rc = 0;

	if (getline(&line, &cap, stdin) < 0) {
		fprintf(stderr, "nrt-json: no input\n");
		free(line);
		return 1;
	}
	want = calloc((size_t)argc, sizeof(*want));
	if (!want) {
		free(line);
		return 1;
	}
	for (i = 0; i < argc - 1; i++)
		want[i].key = argv[i + 1];
	j.p = line;
	skip_space(&j);
	if (!json_object(&j, want, argc - 1)) {
		fprintf(stderr, "nrt-json: not a JSON object at offset %ld: %s",
			(long)(j.p - line), line);
		rc = 1;
	} else {
		skip_space(&j);
		if (*j.p) {
			fprintf(stderr, "nrt-json: text after the object: %s",
				j.p);
			rc = 1;
		}
	}
	for (i = 0; !rc && i < argc - 1; i++) {
		if (!want[i].value) {
			fprintf(stderr, "nrt-json: no key \"%s\"\n", want[i].key);
			rc = 1;
		}
	}
	/* Printed only once the whole line is known to be valid. */
	for (i = 0; !rc && i < argc - 1; i++)
		printf("%s=%.*s\n", want[i].key, want[i].len, want[i].value);
	free(want);
	free(line);
	return rc;
}
