/* Options for the unit tests: a workload's or strategy's defaults, and one setting. */
#ifndef PARBENCH_TEST_JOB_H
#define PARBENCH_TEST_JOB_H

#include <criterion/criterion.h>
#include <stddef.h>

#include "strategies/strategy.h"
#include "util/option.h"
#include "workload.h"

/*
 * w's options from their defaults and, when name is not NULL, name=value:
 * in one static buffer, as each test runs in its own process.
 */
static inline const void *job_options(const struct pb_workload *w, const char *name,
				      const char *value)
{
	static _Alignas(max_align_t) unsigned char values[256];
	struct pb_settings settings = { 0 };
	char why[256];

	cr_assert_leq(w->options_size, sizeof(values));
	if (name)
		cr_assert_eq(pb_settings_put(&settings, pb_option_find(w->options, name), value), 0);
	cr_assert_eq(pb_options_fill(w->options, w->options_size, &settings, values, why,
				     sizeof(why)), 0, "%s", why);
	pb_settings_free(&settings);
	return values;
}

/* s's options from their defaults, as a cell gives them to run->options. */
static inline const void *strategy_options(const struct pb_strategy *s)
{
	static _Alignas(max_align_t) unsigned char values[256];
	char why[256];

	cr_assert_leq(s->options_size, sizeof(values));
	cr_assert_eq(pb_options_fill(s->options, s->options_size, NULL, values, why, sizeof(why)),
		     0, "%s", why);
	return values;
}

#endif
