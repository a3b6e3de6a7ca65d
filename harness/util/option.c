#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/option.h"
#include "util/parse.h"

const struct pb_option *pb_option_find(const struct pb_option *table, const char *name)
{
	for (const struct pb_option *o = table; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* What the option takes, for the error line: "a whole number from 1 to 256". */
static void describe_allowed(const struct pb_option *o, char *buf, size_t len)
{
	switch (o->type) {
	case PB_OPTION_UINT:
		snprintf(buf, len, "a whole number from %.0f to %.0f", o->min, o->max);
		break;
	case PB_OPTION_SECONDS:
		snprintf(buf, len, "seconds from %g to %g", o->min, o->max);
		break;
	case PB_OPTION_FLAG:
		snprintf(buf, len, "--%s alone, without a value", o->name);
		break;
	case PB_OPTION_TEXT:
		snprintf(buf, len, "%s", o->allowed ? o->allowed : "a value");
		break;
	}
}

static int refuse(const struct pb_option *o, const char *text, const char *reason, char *why,
		  size_t whylen)
{
	char allowed[256];

	describe_allowed(o, allowed, sizeof(allowed));
	snprintf(why, whylen, "--%s '%s': %s; allowed: %s", o->name, text, reason, allowed);
	return -1;
}

int pb_option_parse(const struct pb_option *o, const char *text, void *values, char *why,
		    size_t whylen)
{
	char *at = (char *)values + o->offset, reason[128];
	uint64_t n;
	double s;

	switch (o->type) {
	case PB_OPTION_UINT:
		if (pb_parse_u64(text, (uint64_t)o->min, (uint64_t)o->max, &n, reason,
				 sizeof(reason)))
			return refuse(o, text, reason, why, whylen);
		*(unsigned *)(void *)at = (unsigned)n;
		return 0;
	case PB_OPTION_SECONDS:
		if (pb_parse_seconds(text, o->min, o->max, &s, reason, sizeof(reason)))
			return refuse(o, text, reason, why, whylen);
		*(double *)(void *)at = s;
		return 0;
	case PB_OPTION_FLAG:
		if (*text)
			return refuse(o, text, "takes no value", why, whylen);
		*(bool *)(void *)at = true;
		return 0;
	case PB_OPTION_TEXT:
		if (!*text)
			return refuse(o, text, "empty", why, whylen);
		*(const char **)(void *)at = text;
		return 0;
	}
	return refuse(o, text, "has an unknown type", why, whylen);
}

int pb_option_validate(const struct pb_option *o, const char *text, size_t values_size,
		       char *why, size_t whylen)
{
	void *scratch = calloc(1, values_size);
	char reason[512];
	int rc;

	if (!scratch) {
		snprintf(why, whylen, "--%s: out of memory", o->name);
		return -1;
	}
	rc = pb_option_parse(o, text, scratch, why, whylen);
	free(scratch);
	if (rc == 0 && o->check && o->check(text, reason, sizeof(reason)))
		return refuse(o, text, reason, why, whylen);
	return rc;
}

int pb_options_fill(const struct pb_option *table, size_t values_size,
		    const struct pb_settings *settings, void *values, char *why, size_t whylen)
{
	memset(values, 0, values_size);
	for (const struct pb_option *o = table; o && o->name; o++)
		if (o->def && pb_option_parse(o, o->def, values, why, whylen))
			return -1;
	for (size_t i = 0; settings && i < settings->n; i++) {
		const struct pb_option *o = pb_option_find(table, settings->v[i].option->name);

		if (o && pb_option_parse(o, settings->v[i].value, values, why, whylen))
			return -1;
	}
	return 0;
}

void *pb_options_new(const struct pb_option *table, size_t values_size,
		     const struct pb_settings *settings, char *why, size_t whylen)
{
	void *values;

	if (!table)
		return NULL;
	values = malloc(values_size);
	if (!values) {
		snprintf(why, whylen, "out of memory for the options");
		return NULL;
	}
	if (pb_options_fill(table, values_size, settings, values, why, whylen)) {
		free(values);
		return NULL;
	}
	return values;
}

int pb_settings_put(struct pb_settings *s, const struct pb_option *o, const char *value)
{
	struct pb_setting *grown;

	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].option->name, o->name) == 0) {
			s->v[i] = (struct pb_setting){ o, value };
			return 0;
		}
	grown = realloc(s->v, (s->n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	s->v = grown;
	s->v[s->n++] = (struct pb_setting){ o, value };
	return 0;
}

void pb_settings_free(struct pb_settings *s)
{
	free(s->v);
	*s = (struct pb_settings){ 0 };
}

const struct pb_setting *pb_settings_get(const struct pb_settings *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].option->name, name) == 0)
			return &s->v[i];
	return NULL;
}

static size_t value_size(enum pb_option_type type)
{
	switch (type) {
	case PB_OPTION_UINT:
		return sizeof(unsigned);
	case PB_OPTION_SECONDS:
		return sizeof(double);
	case PB_OPTION_FLAG:
		return sizeof(bool);
	case PB_OPTION_TEXT:
		return sizeof(const char *);
	}
	return SIZE_MAX;
}

/* What is wrong with one entry, or NULL. */
static const char *entry_problem(const struct pb_option *o, size_t values_size)
{
	static char why[256];
	char scratch[64] = { 0 };	/* no default is wider than a double */

	if (!o->help || !*o->help)
		return "an option without help";
	if (value_size(o->type) == SIZE_MAX || o->offset + value_size(o->type) > values_size)
		return "an option outside its plugin's struct";
	if ((o->type == PB_OPTION_FLAG) != (o->metavar == NULL))
		return "a flag with a value name, or a value without one";
	if ((o->type == PB_OPTION_UINT || o->type == PB_OPTION_SECONDS) && o->min > o->max)
		return "an option whose min is above its max";
	if (o->type == PB_OPTION_UINT && o->max > (double)UINT32_MAX)
		return "a whole-number option whose max is above an unsigned";
	if (o->def) {
		struct pb_option at0 = *o;

		at0.offset = 0;
		if (pb_option_parse(&at0, o->def, scratch, why, sizeof(why)))
			return why;
	}
	return NULL;
}

const char *pb_option_table_check(const struct pb_option *table, size_t values_size)
{
	static char why[512];

	for (const struct pb_option *o = table; o && o->name; o++) {
		const char *problem = entry_problem(o, values_size);

		if (!problem && pb_option_find(table, o->name) != o)
			problem = "declared twice";
		if (problem) {
			snprintf(why, sizeof(why), "--%s: %s", o->name, problem);
			return why;
		}
	}
	return NULL;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

const char *pb_option_conflict(const struct pb_option *a, const struct pb_option *b)
{
	if (a->type != b->type || a->min != b->min || a->max != b->max)
		return "a different type or range";
	if (!same_text(a->def, b->def) || !same_text(a->help, b->help))
		return "a different default or help";
	return NULL;
}

void pb_help_wrap(FILE *out, const char *text, int column, int indent)
{
	const char *word = text;
	bool first = true;

	while (*word) {
		size_t len = strcspn(word, " ");

		if (!first && column + 1 + (int)len > 79) {
			fprintf(out, "\n%*s", indent, "");
			column = indent;
		} else if (!first) {
			fputc(' ', out);
			column++;
		}
		first = false;
		fprintf(out, "%.*s", (int)len, word);
		column += (int)len;
		word += len;
		word += strspn(word, " ");
	}
	fputc('\n', out);
}

void pb_option_help(const struct pb_option *o, FILE *out)
{
	enum { HELP_COLUMN = 23 };
	char head[128], text[1024], range[96] = "";
	int used;

	used = snprintf(head, sizeof(head), "      --%s%s%s", o->name, o->metavar ? " " : "",
			o->metavar ? o->metavar : "");
	if (o->type == PB_OPTION_UINT)
		snprintf(range, sizeof(range), ", %.0f to %.0f", o->min, o->max);
	else if (o->type == PB_OPTION_SECONDS)
		snprintf(range, sizeof(range), ", %g to %g", o->min, o->max);
	snprintf(text, sizeof(text), "%s%s%s%s%s", o->help, range, o->def ? " (default: " : "",
		 o->def ? o->def : "", o->def ? ")" : "");
	fputs(head, out);
	if (used < HELP_COLUMN - 1) {
		fprintf(out, "%*s", HELP_COLUMN - used, "");
		used = HELP_COLUMN;
	} else {
		fputs("  ", out);
		used += 2;
	}
	pb_help_wrap(out, text, used, HELP_COLUMN);
}
