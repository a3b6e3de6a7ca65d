/*
 * A plugin's options, declared as data (as fio's engines declare theirs):
 * each workload and strategy that has options points at a table of
 * `struct pb_option`, ended by an entry without a name, and says how big
 * the struct is that holds their values.  `parbench run` makes a --NAME of
 * every option in the registries, checks what the user gives, and hands it
 * to each cell as NAME=VALUE; the cell fills the plugin's struct from the
 * defaults and those settings, and the plugin reads its own struct
 * (job->options, run->options).  Nothing outside the plugin names them.
 *
 * Two plugins may declare the same option (the event loops' --loops) by
 * pointing at the same table, or at entries that agree in everything.
 */
#ifndef PARBENCH_OPTION_H
#define PARBENCH_OPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum pb_option_type {
	PB_OPTION_UINT,		/* a whole number from min to max, into an unsigned */
	PB_OPTION_SECONDS,	/* seconds from min to max, into a double */
	PB_OPTION_FLAG,		/* --NAME alone, no value: into a bool */
	PB_OPTION_TEXT,		/* a string (a path, a URL), into a const char *; unset: NULL */
};

struct pb_option {
	const char *name;		/* the long option without its dashes: "loops" */
	enum pb_option_type type;
	size_t offset;			/* of the value in the plugin's struct: offsetof() */
	const char *metavar;		/* the value in the help: "N", "SEC", "DIR"; NULL for a flag */
	const char *def;		/* the default, as it would be written; NULL: 0, false, NULL */
	double min, max;		/* UINT and SECONDS */
	const char *help;		/* for `parbench run --help`: what it does, who reads it */
	const char *allowed;		/* TEXT: what is allowed, for the error line */
	/*
	 * Optional: a further check of a value the user gives (a directory one
	 * may write, a URL that parses), run once by `parbench run`, not in the
	 * cells: 0, or -1 with the reason in why.
	 */
	int (*check)(const char *text, char *why, size_t whylen);
};

/* An option given a value: by the user, or to a cell. */
struct pb_setting {
	const struct pb_option *option;
	const char *value;		/* "" for a flag */
};

struct pb_settings {
	struct pb_setting *v;
	size_t n;
};

/* The entry called name in table, or NULL; table may be NULL. */
const struct pb_option *pb_option_find(const struct pb_option *table, const char *name);

/*
 * Parses text as option o's value into values (the plugin's struct): 0, or
 * -1 with the whole error line in why ("--loops 'x': ...; allowed: ...").
 */
int pb_option_parse(const struct pb_option *o, const char *text, void *values, char *why,
		    size_t whylen);

/* Parses text into a scratch struct and runs o->check: 0, or -1 with the error line. */
int pb_option_validate(const struct pb_option *o, const char *text, size_t values_size,
		       char *why, size_t whylen);

/*
 * Fills a plugin's values (values_size bytes) from its table's defaults, then
 * from the settings whose option the table declares: 0, or -1 with why.
 */
int pb_options_fill(const struct pb_option *table, size_t values_size,
		    const struct pb_settings *settings, void *values, char *why, size_t whylen);

/* A malloc'd struct filled as pb_options_fill does, or NULL with why (no table: NULL, no error). */
void *pb_options_new(const struct pb_option *table, size_t values_size,
		     const struct pb_settings *settings, char *why, size_t whylen);

/* Adds or replaces name's setting (value is not copied): 0 or -ENOMEM. */
int pb_settings_put(struct pb_settings *s, const struct pb_option *o, const char *value);
void pb_settings_free(struct pb_settings *s);

/* The setting of an option called name, or NULL. */
const struct pb_setting *pb_settings_get(const struct pb_settings *s, const char *name);

/* NULL when the table is well formed for a struct of values_size bytes, else what is wrong. */
const char *pb_option_table_check(const struct pb_option *table, size_t values_size);

/* NULL when a and b may share a name (the same type, value and help), else why not. */
const char *pb_option_conflict(const struct pb_option *a, const struct pb_option *b);

/*
 * Writes text from column (where the cursor is) wrapped at 79 columns, each
 * further line indented by indent, and a newline.
 */
void pb_help_wrap(FILE *out, const char *text, int column, int indent);

/* The option's lines of `parbench run --help`, its default appended. */
void pb_option_help(const struct pb_option *o, FILE *out);

#endif
