/*
 * libFuzzer: the command line's parsers and the cell's wire-format line,
 * on a NUL-terminated copy of the input.  The first byte picks the parser
 * (and for lists its range); the rest is the text.
 *
 * Besides not crashing: a refusal says why and leaves nothing allocated;
 * a parsed list matches the text item by item, in range and without
 * duplicates; names joined by commas give the text back; numbers agree
 * with strtoull and strtod; a sample or counts line sent and parsed again
 * is the same line.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/url.h"
#include "util/parse.h"
#include "machine/pin.h"
#include "cell/sample.h"
#include "check.h"

#define PUS 8				/* pb_pin_parse's machine */

static char why[256];

/* Called before each parse: a refusal must write its reason. */
static void clear_why(void)
{
	memset(why, 0, sizeof(why));
}

static void check_refused(void)
{
	CHECK(why[0] != '\0');
	CHECK(memchr(why, '\0', sizeof(why)));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The reference: all digits, not empty, and within uint64_t by strtoull. */
static int reference_u64(const char *text, size_t len, uint64_t *out)
{
	char *copy;
	int rc;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)text[i]))
			return -1;
	copy = strndup(text, len);
	CHECK(copy);
	errno = 0;
	*out = strtoull(copy, NULL, 10);
	rc = errno ? -1 : 0;
	free(copy);
	return rc;
}

/* The parsed list against the text, item by item; then range and duplicates. */
static void check_list(const char *text, const struct pb_list *list, uint64_t lo, uint64_t hi)
{
	size_t k = 0;
	uint64_t *sorted;

	CHECK(list->n >= 1 && list->n <= PB_LIST_MAX && list->v);
	for (const char *item = text;;) {
		size_t len = strcspn(item, ",");
		const char *dash = memchr(item, '-', len);
		uint64_t first, last;

		if (!dash) {
			CHECK(reference_u64(item, len, &first) == 0);
			CHECK(k < list->n && list->v[k] == first);
			k++;
		} else {
			CHECK(reference_u64(item, (size_t)(dash - item), &first) == 0);
			CHECK(reference_u64(dash + 1, len - (size_t)(dash - item) - 1, &last) == 0);
			CHECK(first <= last && last - first < PB_LIST_MAX);
			for (uint64_t v = first;; v++) {
				CHECK(k < list->n && list->v[k] == v);
				k++;
				if (v == last)
					break;
			}
		}
		if (!item[len])
			break;
		item += len + 1;
	}
	CHECK(k == list->n);
	sorted = malloc(list->n * sizeof(*sorted));
	CHECK(sorted);
	memcpy(sorted, list->v, list->n * sizeof(*sorted));
	qsort(sorted, list->n, sizeof(*sorted), cmp_u64);
	for (size_t i = 0; i < list->n; i++) {
		CHECK(sorted[i] >= lo && sorted[i] <= hi);
		CHECK(i == 0 || sorted[i] != sorted[i - 1]);
	}
	free(sorted);
}

static void fuzz_list(const char *text, uint64_t lo, uint64_t hi)
{
	struct pb_list list = { .n = 99 };

	clear_why();
	if (pb_parse_list(text, lo, hi, &list, why, sizeof(why)) == 0) {
		check_list(text, &list, lo, hi);
	} else {
		check_refused();
		CHECK(list.v == NULL && list.n == 0);
	}
	pb_list_free(&list);
}

static void fuzz_names(const char *text)
{
	struct pb_names names = { .n = 99 };
	char **sorted;
	size_t at = 0;

	clear_why();
	if (pb_parse_names(text, &names, why, sizeof(why))) {
		check_refused();
		CHECK(names.v == NULL && names.n == 0);
		return;
	}
	CHECK(names.n >= 1);
	for (size_t i = 0; i < names.n; i++) {
		size_t len = strlen(names.v[i]);

		CHECK(len > 0 && !strchr(names.v[i], ','));
		CHECK(memcmp(text + at, names.v[i], len) == 0);
		at += len;
		CHECK(text[at] == (i + 1 < names.n ? ',' : '\0'));
		at++;
	}
	sorted = malloc(names.n * sizeof(*sorted));
	CHECK(sorted);
	memcpy(sorted, names.v, names.n * sizeof(*sorted));
	qsort(sorted, names.n, sizeof(*sorted), cmp_str);
	for (size_t i = 1; i < names.n; i++)
		CHECK(strcmp(sorted[i - 1], sorted[i]) != 0);
	free(sorted);
	pb_names_free(&names);
}

static void fuzz_u64(const char *text, uint64_t lo, uint64_t hi)
{
	uint64_t value = 0, expected = 0;
	int ref = reference_u64(text, strlen(text), &expected);
	int rc;

	clear_why();
	rc = pb_parse_u64(text, lo, hi, &value, why, sizeof(why));
	CHECK((rc == 0) == (ref == 0 && expected >= lo && expected <= hi));
	if (rc == 0)
		CHECK(value == expected);
	else
		check_refused();
}

static void fuzz_seconds(const char *text, double lo, double hi)
{
	double value = -1;

	clear_why();
	if (pb_parse_seconds(text, lo, hi, &value, why, sizeof(why))) {
		check_refused();
		return;
	}
	CHECK(isfinite(value) && value >= lo && value <= hi);
	CHECK(isdigit((unsigned char)text[0]) || text[0] == '.');
	CHECK(strtod(text, NULL) == value);
}

static void fuzz_pin(const char *text)
{
	struct pb_pin pin;

	clear_why();
	if (pb_pin_parse(text, PUS, &pin, why, sizeof(why))) {
		check_refused();
		pb_pin_free(&pin);
		return;
	}
	if (pin.policy == PB_PIN_LIST) {
		CHECK(strncmp(text, "pu:", 3) == 0);
		check_list(text + 3, &pin.pus, 0, PUS - 1);
	} else {
		CHECK(pin.pus.n == 0);
	}
	pb_pin_free(&pin);
}

static int wire[2] = { -1, -1 };	/* a pipe, as between a cell and the supervisor */

static int wire_in(void)
{
	if (wire[0] < 0)
		CHECK(pipe(wire) == 0);
	return wire[1];
}

/* The line just sent down the wire, with its newline. */
static char *sent_line(void)
{
	static char line[1 << 15];
	ssize_t n = read(wire[0], line, sizeof(line) - 1);

	CHECK(n > 0 && line[n - 1] == '\n');
	line[n] = '\0';
	return line;
}

/* Sends s down the wire and reads the line back. */
static char *resend(const struct pb_sample *s)
{
	CHECK(pb_sample_send(wire_in(), s) == 0);
	return sent_line();
}

/* The same without the newline: a C line is short, the pipe holds it all. */
static char *resend_counts(const struct pb_counts *k)
{
	char *line;

	CHECK(pb_counts_send(wire_in(), k) == 0);
	line = sent_line();
	line[strlen(line) - 1] = '\0';
	return line;
}

static void fuzz_counts(const char *text)
{
	struct pb_counts k, again;
	char *copy;

	if (pb_counts_parse(text, &k))
		return;
	CHECK(text[0] == 'C');
	copy = strdup(resend_counts(&k));
	CHECK(copy);
	CHECK(pb_counts_parse(copy, &again) == 0);
	CHECK(strcmp(resend_counts(&again), copy) == 0);
	free(copy);
}

static void fuzz_sample(const char *text)
{
	struct pb_sample s, again;
	char *line, *copy;

	if (pb_sample_parse(text, &s)) {
		CHECK(s.cpus == NULL && s.error == NULL);
		return;
	}
	CHECK((s.cpus == NULL) != (s.error == NULL));
	CHECK(text[0] == (s.error ? 'E' : 'S'));
	/* The line on the wire is at most 16 kB here: the pipe holds it all. */
	if (strlen(text) < 8192 && !strchr(text, '\n')) {
		line = resend(&s);
		CHECK(strchr(line, '\n') == line + strlen(line) - 1);
		line[strlen(line) - 1] = '\0';
		copy = strdup(line);
		CHECK(copy);
		CHECK(pb_sample_parse(copy, &again) == 0);
		line = resend(&again);
		line[strlen(line) - 1] = '\0';
		CHECK(strcmp(line, copy) == 0);
		pb_sample_free(&again);
		free(copy);
	}
	pb_sample_free(&s);
}

static void fuzz_url(const char *text)
{
	struct pb_http_target t;

	clear_why();
	if (pb_http_parse_url(text, &t, why, sizeof(why))) {
		check_refused();
		return;
	}
	CHECK(t.host[0] != '\0' && !strchr(t.host, '/'));
	CHECK(t.port >= 1);
	CHECK(t.path[0] == '/');
	CHECK(strtoul(t.port_text, NULL, 10) == t.port);
	CHECK(strstr(t.host_header, t.host) == t.host_header + (strchr(t.host, ':') ? 1 : 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char *text;

	if (len == 0)
		return 0;
	text = fuzz_text(data, len);
	switch (data[0] % 10) {
	case 0:
		fuzz_list(text, 1, 10000);		/* --workers */
		break;
	case 1:
		fuzz_list(text, 0, UINT64_MAX);
		break;
	case 2:
		fuzz_list(text, 5, 9);
		break;
	case 3:
		fuzz_names(text);			/* --workload, --strategy */
		break;
	case 4:
		fuzz_u64(text, 1, 1000);		/* --reps */
		fuzz_u64(text, 0, UINT64_MAX);
		break;
	case 5:
		fuzz_seconds(text, 0.001, 86400);	/* --timeout, --max-time */
		break;
	case 6:
		fuzz_pin(text);				/* --pin */
		break;
	case 7:
		fuzz_sample(text);			/* the cell's lines */
		fuzz_counts(text);
		break;
	case 8:
		fuzz_url(text);				/* --url */
		break;
	default:
		fuzz_seconds(text, 0.0, 60.0);		/* --delay */
	}
	free(text);
	return 0;
}
