/* harness/util/option.c: plugin options as data, parsed, checked, filled and described. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/option.h"

struct values {
	unsigned count;
	double delay_s;
	bool fast;
	const char *path;
};

static int refuse_x(const char *text, char *why, size_t whylen)
{
	if (strchr(text, 'x')) {
		snprintf(why, whylen, "has an x");
		return -1;
	}
	return 0;
}

static const struct pb_option table[] = {
	{ .name = "count", .type = PB_OPTION_UINT, .metavar = "N", .def = "3", .min = 1, .max = 8,
	  .offset = offsetof(struct values, count), .help = "how many" },
	{ .name = "delay", .type = PB_OPTION_SECONDS, .metavar = "SEC", .def = "0.5", .min = 0,
	  .max = 60, .offset = offsetof(struct values, delay_s), .help = "how long" },
	{ .name = "fast", .type = PB_OPTION_FLAG, .offset = offsetof(struct values, fast),
	  .help = "quickly" },
	{ .name = "path", .type = PB_OPTION_TEXT, .metavar = "PATH", .check = refuse_x,
	  .offset = offsetof(struct values, path), .help = "where",
	  .allowed = "a path without x" },
	{ 0 },
};

Test(option, defaults_then_settings_fill_the_plugin_struct)
{
	struct pb_settings settings = { 0 };
	struct values v;
	char why[256];

	cr_assert_eq(pb_options_fill(table, sizeof(v), NULL, &v, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(v.count, 3);
	cr_assert_float_eq(v.delay_s, 0.5, 1e-12);
	cr_assert_not(v.fast);
	cr_assert_null(v.path);
	cr_assert_eq(pb_settings_put(&settings, &table[0], "7"), 0);
	cr_assert_eq(pb_settings_put(&settings, &table[2], ""), 0);
	cr_assert_eq(pb_settings_put(&settings, &table[3], "/tmp/a"), 0);
	cr_assert_eq(pb_settings_put(&settings, &table[0], "8"), 0);	/* the later one wins */
	cr_assert_eq(settings.n, 3);
	cr_assert_eq(pb_options_fill(table, sizeof(v), &settings, &v, why, sizeof(why)), 0);
	cr_assert_eq(v.count, 8);
	cr_assert(v.fast);
	cr_assert_str_eq(v.path, "/tmp/a");
	cr_assert_str_eq(pb_settings_get(&settings, "path")->value, "/tmp/a");
	cr_assert_null(pb_settings_get(&settings, "delay"));
	pb_settings_free(&settings);
}

Test(option, settings_of_other_plugins_are_left_alone)
{
	static const struct pb_option other = { .name = "loops", .type = PB_OPTION_UINT,
						.metavar = "N", .min = 1, .max = 2, .help = "x" };
	struct pb_settings settings = { 0 };
	struct values v;
	char why[256];

	cr_assert_eq(pb_settings_put(&settings, &other, "99"), 0);
	cr_assert_eq(pb_options_fill(table, sizeof(v), &settings, &v, why, sizeof(why)), 0);
	cr_assert_eq(v.count, 3);
	pb_settings_free(&settings);
}

Test(option, bad_values_are_refused_with_the_option_the_value_and_what_is_allowed)
{
	static const struct {
		int option;
		const char *text, *line;
	} cases[] = {
		{ 0, "0", "--count '0': " },
		{ 0, "9", "allowed: a whole number from 1 to 8" },
		{ 0, "x", "--count 'x'" },
		{ 1, "-1", "allowed: seconds from 0 to 60" },
		{ 1, "61", "--delay '61'" },
		{ 2, "yes", "--fast 'yes': takes no value" },
		{ 3, "", "--path '': empty; allowed: a path without x" },
	};
	struct values v;
	char why[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(pb_option_parse(&table[cases[i].option], cases[i].text, &v, why,
					     sizeof(why)), -1, "%s", cases[i].text);
		cr_assert(strstr(why, cases[i].line), "'%s' not in '%s'", cases[i].line, why);
	}
}

Test(option, validate_runs_the_check_only_on_a_parsed_value)
{
	char why[256];

	cr_assert_eq(pb_option_validate(&table[3], "/tmp", sizeof(struct values), why,
					sizeof(why)), 0);
	cr_assert_eq(pb_option_validate(&table[3], "/x", sizeof(struct values), why,
					sizeof(why)), -1);
	cr_assert_str_eq(why, "--path '/x': has an x; allowed: a path without x");
	cr_assert_eq(pb_option_validate(&table[0], "0", sizeof(struct values), why,
					sizeof(why)), -1);
}

Test(option, find_knows_every_entry_and_nothing_else)
{
	cr_assert_eq(pb_option_find(table, "delay"), &table[1]);
	cr_assert_null(pb_option_find(table, "dela"));
	cr_assert_null(pb_option_find(NULL, "delay"));
}

Test(option, a_well_formed_table_passes_its_check)
{
	cr_assert_null(pb_option_table_check(table, sizeof(struct values)));
	cr_assert_null(pb_option_table_check(NULL, 0));
}

Test(option, malformed_tables_are_caught)
{
	struct pb_option bad[2] = { table[0], { 0 } };
	struct pb_option twice[3] = { table[0], table[0], { 0 } };

	cr_assert_not_null(pb_option_table_check(table, sizeof(unsigned)));	/* outside the struct */
	bad[0].def = "99";
	cr_assert_not_null(pb_option_table_check(bad, sizeof(struct values)));
	bad[0] = table[0];
	bad[0].help = NULL;
	cr_assert_not_null(pb_option_table_check(bad, sizeof(struct values)));
	bad[0] = table[0];
	bad[0].min = 9;
	cr_assert_not_null(pb_option_table_check(bad, sizeof(struct values)));
	bad[0] = table[2];
	bad[0].metavar = "X";
	cr_assert_not_null(pb_option_table_check(bad, sizeof(struct values)));
	cr_assert_str_eq(pb_option_table_check(twice, sizeof(struct values)),
			 "--count: declared twice");
}

Test(option, two_plugins_may_share_a_name_only_when_they_agree)
{
	struct pb_option other = table[0];

	cr_assert_null(pb_option_conflict(&table[0], &other));
	other.max = 9;
	cr_assert_not_null(pb_option_conflict(&table[0], &other));
	other = table[0];
	other.def = "4";
	cr_assert_not_null(pb_option_conflict(&table[0], &other));
}

Test(option, new_gives_a_filled_struct_or_null_without_a_table)
{
	char why[256];
	struct values *v = pb_options_new(table, sizeof(*v), NULL, why, sizeof(why));

	cr_assert_not_null(v);
	cr_assert_eq(v->count, 3);
	free(v);
	cr_assert_null(pb_options_new(NULL, 0, NULL, why, sizeof(why)));
}

Test(option, help_lines_carry_the_range_and_the_default_within_79_columns)
{
	struct pb_option wordy = table[0];
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	wordy.help = "a long description of what the option does, long enough to need "
		     "a second line and perhaps a third one when the range is added";
	pb_option_help(&table[0], out);
	pb_option_help(&wordy, out);
	pb_option_help(&table[2], out);
	fclose(out);
	cr_assert(strstr(text, "      --count N        how many, 1 to 8 (default: 3)\n"), "%s", text);
	cr_assert(strstr(text, "      --fast           quickly\n"), "%s", text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		cr_assert_leq(strlen(line), 79, "%s", line);
	free(text);
}
