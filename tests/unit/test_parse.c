/* harness/util/parse.c: numbers, seconds, lists and names from the command line. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/parse.h"
#include "leaks.h"

static char why[128];

/* Parses text with bounds [lo, hi] and asserts it is refused. */
static void u64_refused(const char *text, uint64_t lo, uint64_t hi, const char *reason)
{
	uint64_t out = 12345;

	why[0] = '\0';
	cr_assert_eq(pb_parse_u64(text, lo, hi, &out, why, sizeof(why)), -1,
		     "'%s' was accepted", text);
	cr_assert_eq(out, 12345, "'%s' changed the output on failure", text);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", text, why, reason);
}

Test(parse_u64, valid)
{
	uint64_t out = 0;

	cr_assert_eq(pb_parse_u64("42", 0, 100, &out, why, sizeof(why)), 0);
	cr_assert_eq(out, 42);
	cr_assert_eq(pb_parse_u64("007", 0, 100, &out, why, sizeof(why)), 0);
	cr_assert_eq(out, 7);
}

Test(parse_u64, bounds_are_inclusive)
{
	uint64_t out = 0;

	cr_assert_eq(pb_parse_u64("1", 1, 8, &out, why, sizeof(why)), 0);
	cr_assert_eq(out, 1);
	cr_assert_eq(pb_parse_u64("8", 1, 8, &out, why, sizeof(why)), 0);
	cr_assert_eq(out, 8);
	u64_refused("0", 1, 8, "'0' is out of range");
	u64_refused("9", 1, 8, "'9' is out of range");
}

Test(parse_u64, malformed)
{
	u64_refused("", 0, 100, "empty");
	u64_refused("-1", 0, 100, "'-1' is not a whole number");
	u64_refused("+1", 0, 100, "'+1' is not a whole number");
	u64_refused(" 1", 0, 100, "' 1' is not a whole number");
	u64_refused("1x", 0, 100, "'1x' is not a whole number");
	u64_refused("1.0", 0, 100, "'1.0' is not a whole number");
}

Test(parse_u64, uint64_max_and_overflow)
{
	uint64_t out = 0;

	cr_assert_eq(pb_parse_u64("18446744073709551615", 0, UINT64_MAX, &out,
				  why, sizeof(why)), 0);
	cr_assert_eq(out, UINT64_MAX);
	u64_refused("18446744073709551616", 0, UINT64_MAX, "'18446744073709551616' is too large");
	u64_refused("99999999999999999999", 0, UINT64_MAX, "too large");
}

static void seconds_refused(const char *text, double lo, double hi, const char *reason)
{
	double out = 99.0;

	why[0] = '\0';
	cr_assert_eq(pb_parse_seconds(text, lo, hi, &out, why, sizeof(why)), -1,
		     "'%s' was accepted", text);
	cr_assert_eq(out, 99.0, "'%s' changed the output on failure", text);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", text, why, reason);
}

Test(parse_seconds, decimals)
{
	double out = 0;

	cr_assert_eq(pb_parse_seconds("0.5", 0, 10, &out, why, sizeof(why)), 0);
	cr_assert_eq(out, 0.5);
	cr_assert_eq(pb_parse_seconds(".5", 0, 10, &out, why, sizeof(why)), 0);
	cr_assert_eq(out, 0.5);
	cr_assert_eq(pb_parse_seconds("3", 0, 10, &out, why, sizeof(why)), 0);
	cr_assert_eq(out, 3.0);
}

Test(parse_seconds, exponent_within_range)
{
	double out = 0;

	cr_assert_eq(pb_parse_seconds("1e3", 0, 3600, &out, why, sizeof(why)), 0);
	cr_assert_eq(out, 1000.0);
}

Test(parse_seconds, not_a_duration)
{
	seconds_refused("inf", 0, 1e9, "'inf' is not a number");
	seconds_refused("nan", 0, 1e9, "'nan' is not a number");
	seconds_refused("-1", -10, 10, "'-1' is not a number");
	seconds_refused("+1", 0, 10, "'+1' is not a number");
	seconds_refused(" 1", 0, 10, "' 1' is not a number");
	seconds_refused("1s", 0, 10, "'1s' is not a number");
	seconds_refused("", 0, 10, "'' is not a number");
	seconds_refused(".", 0, 10, "'.' is not a number");
	seconds_refused("1e999", 0, 1e9, "'1e999' is not a number");
	seconds_refused("0x10", 0, 100, "'0x10' is not a number");
}

Test(parse_seconds, out_of_range)
{
	seconds_refused("1e3", 0, 60, "'1e3' is out of range");
	seconds_refused("0.05", 0.1, 60, "'0.05' is out of range");
}

/* Parses text into a list in [lo, hi] and asserts it holds want[0..n). */
static void list_is(const char *text, uint64_t lo, uint64_t hi, const uint64_t *want, size_t n)
{
	struct pb_list list;

	cr_assert_eq(pb_parse_list(text, lo, hi, &list, why, sizeof(why)), 0,
		     "'%s' was refused: %s", text, why);
	cr_assert_eq(list.n, n, "'%s' gave %zu items, not %zu", text, list.n, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(list.v[i], want[i], "'%s' item %zu", text, i);
	pb_list_free(&list);
	cr_assert_null(list.v);
	cr_assert_eq(list.n, 0);
	assert_no_leaks();
}

static void list_refused(const char *text, uint64_t lo, uint64_t hi, const char *reason)
{
	struct pb_list list;

	why[0] = '\0';
	cr_assert_eq(pb_parse_list(text, lo, hi, &list, why, sizeof(why)), -1,
		     "'%s' was accepted", text);
	cr_assert_null(list.v, "'%s' left a list behind", text);
	cr_assert_eq(list.n, 0);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", text, why, reason);
	assert_no_leaks();
}

Test(parse_list, single_items)
{
	list_is("1,2,4", 1, 64, (uint64_t[]){ 1, 2, 4 }, 3);
	list_is("7", 1, 64, (uint64_t[]){ 7 }, 1);
}

Test(parse_list, ranges)
{
	list_is("1-4", 1, 64, (uint64_t[]){ 1, 2, 3, 4 }, 4);
	list_is("1-3,8", 1, 64, (uint64_t[]){ 1, 2, 3, 8 }, 4);
	list_is("5-5", 1, 64, (uint64_t[]){ 5 }, 1);
	list_is("62-64", 1, 64, (uint64_t[]){ 62, 63, 64 }, 3);
}

Test(parse_list, duplicates)
{
	list_refused("1,1", 1, 64, "1 is given twice");
	list_refused("1-3,2", 1, 64, "2 is given twice");
	list_refused("4,2-5", 1, 64, "4 is given twice");
}

/* A reversed range must not count up to 2^64: give up after a few seconds. */
Test(parse_list, reversed_range, .timeout = 10)
{
	list_refused("3-1", 1, 64, "'3-1' is a reversed range");
}

Test(parse_list, empty_items)
{
	list_refused("1,,2", 1, 64, "an empty item");
	list_refused("1,", 1, 64, "an empty item");
	list_refused(",1", 1, 64, "an empty item");
	list_refused("", 1, 64, "an empty item");
	list_refused("1-", 1, 64, "an empty number");
	list_refused("-3", 1, 64, "an empty number");
}

Test(parse_list, out_of_range)
{
	list_refused("0", 1, 64, "'0' is out of range");
	list_refused("1,65", 1, 64, "'65' is out of range");
	list_refused("60-65", 1, 64, "'65' is out of range");
}

Test(parse_list, not_numbers)
{
	list_refused("a", 1, 64, "'a' is not a whole number");
	list_refused("1,2x", 1, 64, "'2x' is not a whole number");
	list_refused("1-2-3", 1, 64, "'2-3' is not a whole number");
}

static void names_refused(const char *text, const char *reason)
{
	struct pb_names names;

	why[0] = '\0';
	cr_assert_eq(pb_parse_names(text, &names, why, sizeof(why)), -1,
		     "'%s' was accepted", text);
	cr_assert_null(names.v, "'%s' left names behind", text);
	cr_assert_eq(names.n, 0);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", text, why, reason);
	assert_no_leaks();
}

Test(parse_names, valid)
{
	struct pb_names names;

	cr_assert_eq(pb_parse_names("a,bc", &names, why, sizeof(why)), 0);
	cr_assert_eq(names.n, 2);
	cr_assert_str_eq(names.v[0], "a");
	cr_assert_str_eq(names.v[1], "bc");
	pb_names_free(&names);
	cr_assert_null(names.v);
	cr_assert_eq(names.n, 0);
	assert_no_leaks();
}

Test(parse_names, prefix_is_not_a_duplicate)
{
	struct pb_names names;

	cr_assert_eq(pb_parse_names("ab,a,abc", &names, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(names.n, 3);
	pb_names_free(&names);
}

Test(parse_names, duplicates)
{
	names_refused("a,b,a", "'a' is given twice");
	names_refused("cpu.nop,cpu.nop", "'cpu.nop' is given twice");
}

Test(parse_names, empty_items)
{
	names_refused("", "an empty name");
	names_refused("a,,b", "an empty name");
	names_refused("a,", "an empty name");
	names_refused(",a", "an empty name");
}
