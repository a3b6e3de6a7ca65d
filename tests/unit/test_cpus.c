/*
 * harness/machine/cpus.c: the workers' CPU sets as text, the form in which the
 * supervisor hands them to a cell process (bind=) and the cell reads them back.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "machine/cpus.h"

static char why[128];

/* The text pb_cpu_sets_print writes for n sets; malloc'd. */
static char *printed(const cpu_set_t *sets, unsigned n)
{
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	cr_assert_not_null(out);
	pb_cpu_sets_print(out, sets, n);
	fclose(out);
	return text;
}

/* Parses text into n sets, asserts it prints back as want. */
static void round_trip(const char *text, unsigned n, const char *want)
{
	cpu_set_t sets[8];
	char *back;

	cr_assert_eq(pb_cpu_sets_parse(text, n, sets, why, sizeof(why)), 0, "'%s': %s", text,
		     why);
	back = printed(sets, n);
	cr_assert_str_eq(back, want, "'%s' printed back as '%s'", text, back);
	free(back);
}

Test(cpus, round_trip)
{
	round_trip("0", 1, "0");
	round_trip("3;0", 2, "3;0");
	round_trip("0,1;2", 2, "0,1;2");
	round_trip("1;1;1", 3, "1;1;1");
	round_trip("1023;0", 2, "1023;0");
	round_trip("", 0, "");
}

Test(cpus, ranges_and_order_come_back_as_a_plain_list)
{
	round_trip("0-3;7,5", 2, "0,1,2,3;5,7");
}

Test(cpus, printed_sets_parse_back_equal)
{
	cpu_set_t sets[3], back[3];
	char *text;

	for (unsigned s = 0; s < 3; s++)
		CPU_ZERO(&sets[s]);
	CPU_SET(4, &sets[0]);
	CPU_SET(0, &sets[1]);
	CPU_SET(1, &sets[1]);
	CPU_SET(CPU_SETSIZE - 1, &sets[2]);
	text = printed(sets, 3);
	cr_assert_eq(pb_cpu_sets_parse(text, 3, back, why, sizeof(why)), 0, "%s", why);
	for (unsigned s = 0; s < 3; s++)
		cr_assert(CPU_EQUAL(&sets[s], &back[s]), "set %u of '%s'", s, text);
	free(text);
}

static void refused(const char *text, unsigned n, const char *reason)
{
	cpu_set_t sets[4];

	why[0] = '\0';
	cr_assert_eq(pb_cpu_sets_parse(text, n, sets, why, sizeof(why)), -1, "'%s' accepted",
		     text);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", text, why, reason);
}

Test(cpus, refuses)
{
	refused("0;1", 3, "only 2 of 3 sets");
	refused("0;1;2", 2, "more sets than 2");
	refused("0;", 1, "more sets than 1");
	refused("0;;1", 3, "an empty");
	refused("", 1, "an empty");
	refused("1024", 1, "out of range");
	refused("1,1", 1, "given twice");
	refused("x", 1, "not a whole number");
}
