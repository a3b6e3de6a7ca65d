/*
 * libFuzzer: Slurm's host lists and compressed counts (harness/machine/slurm.c),
 * as a job's environment gives them, on a NUL-terminated copy of the input.
 * The first byte picks the parser (even: host list, odd: counts); the rest
 * is the text.
 *
 * Besides not crashing: a refusal says why and leaves nothing allocated;
 * a host list gives names of printable ASCII without brackets or commas, at
 * least one per item, and a list without brackets gives its items back; a
 * count list agrees item by item with sscanf's reading of "N" and "N(xM)".
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/slurm.h"
#include "check.h"

static char why[256];

static void check_refused(void)
{
	CHECK(why[0] != '\0');
	CHECK(memchr(why, '\0', sizeof(why)));
}

static void check_name(const char *name)
{
	size_t len = strlen(name);

	CHECK(len > 0 && len <= 255);
	for (size_t i = 0; i < len; i++)
		CHECK(isgraph((unsigned char)name[i]) && !strchr("[],", name[i]));
}

/* The text's items: its commas outside brackets, plus one. */
static size_t items(const char *text)
{
	size_t n = 1, depth = 0;

	for (; *text; text++) {
		depth += *text == '[';
		depth -= *text == ']' && depth;
		n += *text == ',' && !depth;
	}
	return n;
}

static void fuzz_hostlist(const char *text)
{
	struct pb_names names = { .n = 99 };
	size_t at = 0;

	memset(why, 0, sizeof(why));
	if (pb_slurm_hostlist(text, &names, why, sizeof(why))) {
		check_refused();
		CHECK(names.v == NULL && names.n == 0);
		return;
	}
	CHECK(names.n >= items(text) && names.n <= PB_LIST_MAX);
	for (size_t i = 0; i < names.n; i++)
		check_name(names.v[i]);
	if (!strchr(text, '[')) {
		for (size_t i = 0; i < names.n; i++) {
			size_t len = strlen(names.v[i]);

			CHECK(memcmp(text + at, names.v[i], len) == 0);
			at += len;
			CHECK(text[at] == (i + 1 < names.n ? ',' : '\0'));
			at++;
		}
	}
	pb_names_free(&names);
}

static void fuzz_counts(const char *text)
{
	struct pb_list counts = { .n = 99 };
	size_t k = 0;

	memset(why, 0, sizeof(why));
	if (pb_slurm_counts(text, &counts, why, sizeof(why))) {
		check_refused();
		CHECK(counts.v == NULL && counts.n == 0);
		return;
	}
	for (const char *item = text;; item += strcspn(item, ",") + 1) {
		unsigned long long count, times = 1;

		CHECK(sscanf(item, "%llu(x%llu)", &count, &times) >= 1);
		CHECK(count >= 1 && times >= 1);
		for (unsigned long long i = 0; i < times; i++, k++)
			CHECK(k < counts.n && counts.v[k] == count);
		if (!item[strcspn(item, ",")])
			break;
	}
	CHECK(k == counts.n);
	pb_list_free(&counts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *text;

	if (len == 0)
		return 0;
	text = fuzz_text(data, len);
	if (data[0] % 2 == 0)
		fuzz_hostlist(text);
	else
		fuzz_counts(text);
	free(text);
	return 0;
}
