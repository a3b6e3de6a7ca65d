#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"

static int reason(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int pb_parse_u64_span(const char *text, size_t len, uint64_t lo, uint64_t hi,
		      uint64_t *out, char *why, size_t whylen)
{
	uint64_t value = 0;

	if (len == 0)
		return reason(why, whylen, "an empty number");
	for (size_t i = 0; i < len; i++) {
		unsigned digit = (unsigned char)text[i] - '0';

		if (digit > 9)
			return reason(why, whylen, "'%.*s' is not a whole number", (int)len, text);
		if (value > (UINT64_MAX - digit) / 10)
			return reason(why, whylen, "'%.*s' is too large", (int)len, text);
		value = value * 10 + digit;
	}
	if (value < lo || value > hi)
		return reason(why, whylen, "'%.*s' is out of range", (int)len, text);
	*out = value;
	return 0;
}

int pb_parse_u64(const char *text, uint64_t lo, uint64_t hi, uint64_t *out,
		 char *why, size_t whylen)
{
	return pb_parse_u64_span(text, strlen(text), lo, hi, out, why, whylen);
}

int pb_parse_seconds(const char *text, double lo, double hi, double *out,
		     char *why, size_t whylen)
{
	char *end;
	double value;

	errno = 0;
	value = strtod(text, &end);
	/* strtod also takes signs, spaces, hex, "inf" and "nan": none is a
	 * duration; plain decimals with an optional exponent are. */
	if (!(isdigit((unsigned char)text[0]) || text[0] == '.') || strpbrk(text, "xX") ||
	    *end || errno || !isfinite(value))
		return reason(why, whylen, "'%s' is not a number", text);
	if (value < lo || value > hi)
		return reason(why, whylen, "'%s' is out of range", text);
	*out = value;
	return 0;
}

/*
 * The array v of n items of size bytes, with room for one more: v itself,
 * or v grown, or NULL out of memory.  Room doubles at each power of two: a
 * range of 10000 is not 10000 reallocs.
 */
static void *room_for_one_more(void *v, size_t n, size_t size)
{
	return n & (n - 1) ? v : realloc(v, (n ? 2 * n : 1) * size);
}

/* Duplicates are looked for once the list is whole (list_check_twice). */
int pb_list_append(struct pb_list *list, uint64_t value, char *why, size_t whylen)
{
	uint64_t *grown;

	if (list->n == PB_LIST_MAX)
		return reason(why, whylen, "more than %d items", PB_LIST_MAX);
	if (!(grown = room_for_one_more(list->v, list->n, sizeof(*grown))))
		return reason(why, whylen, "out of memory");
	list->v = grown;
	list->v[list->n++] = value;
	return 0;
}

int pb_names_append(struct pb_names *names, const char *name, size_t len, char *why,
		    size_t whylen)
{
	char **grown = room_for_one_more(names->v, names->n, sizeof(*grown));

	if (!grown)
		return reason(why, whylen, "out of memory");
	names->v = grown;
	if (!(names->v[names->n] = strndup(name, len)))
		return reason(why, whylen, "out of memory");
	names->n++;
	return 0;
}

struct position {
	uint64_t value;
	size_t index;
};

static int by_value_then_index(const void *a, const void *b)
{
	const struct position *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Names the value given twice whose second time comes first in the list,
 * as a check at each append would; by sorting, as the list may have 10000
 * items.
 */
static int list_check_twice(const struct pb_list *list, char *why, size_t whylen)
{
	struct position *p = malloc(list->n * sizeof(*p));
	size_t first_repeat = SIZE_MAX;
	uint64_t value = 0;

	if (!p)
		return reason(why, whylen, "out of memory");
	for (size_t i = 0; i < list->n; i++)
		p[i] = (struct position){ list->v[i], i };
	qsort(p, list->n, sizeof(*p), by_value_then_index);
	for (size_t i = 1; i < list->n; i++) {
		if (p[i].value == p[i - 1].value && p[i].index < first_repeat) {
			first_repeat = p[i].index;
			value = p[i].value;
		}
	}
	free(p);
	if (first_repeat == SIZE_MAX)
		return 0;
	return reason(why, whylen, "%llu is given twice", (unsigned long long)value);
}

/* One item of a list: "7" or "2-5". */
static int parse_item(const char *item, size_t len, uint64_t lo, uint64_t hi,
		      struct pb_list *out, char *why, size_t whylen)
{
	const char *dash = memchr(item, '-', len);
	uint64_t first, last;

	if (len == 0)
		return reason(why, whylen, "an empty item");
	if (!dash)
		return pb_parse_u64_span(item, len, lo, hi, &first, why, whylen) ||
		       pb_list_append(out, first, why, whylen);
	if (pb_parse_u64_span(item, (size_t)(dash - item), lo, hi, &first, why, whylen) ||
	    pb_parse_u64_span(dash + 1, len - (size_t)(dash - item) - 1, lo, hi, &last, why, whylen))
		return -1;
	if (last < first)
		return reason(why, whylen, "'%.*s' is a reversed range", (int)len, item);
	for (uint64_t v = first;; v++) {
		if (pb_list_append(out, v, why, whylen))
			return -1;
		if (v == last)
			return 0;
	}
}

int pb_parse_list(const char *text, uint64_t lo, uint64_t hi,
		  struct pb_list *out, char *why, size_t whylen)
{
	const char *item = text;

	*out = (struct pb_list){ 0 };
	for (;;) {
		size_t len = strcspn(item, ",");

		if (parse_item(item, len, lo, hi, out, why, whylen)) {
			pb_list_free(out);
			return -1;
		}
		if (!item[len])
			break;
		item += len + 1;
	}
	if (list_check_twice(out, why, whylen)) {
		pb_list_free(out);
		return -1;
	}
	return 0;
}

void pb_list_free(struct pb_list *list)
{
	free(list->v);
	*list = (struct pb_list){ 0 };
}

int pb_parse_names(const char *text, struct pb_names *out, char *why, size_t whylen)
{
	const char *item = text;

	*out = (struct pb_names){ 0 };
	for (;;) {
		size_t len = strcspn(item, ",");

		if (len == 0)
			goto fail_empty;
		for (size_t i = 0; i < out->n; i++)
			if (strlen(out->v[i]) == len && !memcmp(out->v[i], item, len)) {
				reason(why, whylen, "'%.*s' is given twice", (int)len, item);
				goto fail;
			}
		if (pb_names_append(out, item, len, why, whylen))
			goto fail;
		if (!item[len])
			return 0;
		item += len + 1;
	}

fail_empty:
	reason(why, whylen, "an empty name");
fail:
	pb_names_free(out);
	return -1;
}

void pb_names_free(struct pb_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	free(names->v);
	*names = (struct pb_names){ 0 };
}
