/* harness/strategies/opencl/: what the strategy says where it was built without OpenCL. */
#include <criterion/criterion.h>
#include <string.h>

#include "strategies/strategy.h"

/* opencl.c built with PB_HAVE_OPENCL undefined (the Makefile's opencl_without.o). */
extern const struct pb_strategy pb_strategy_opencl_without;

Test(opencl, built_without_the_packages_says_so_and_what_to_install)
{
	const struct pb_strategy *s = &pb_strategy_opencl_without;
	const char *why = s->unavailable(NULL);

	cr_assert_null(pb_strategy_check(s), "%s", pb_strategy_check(s));
	cr_assert_str_eq(s->name, "opencl");
	cr_assert_not_null(why);
	cr_assert(strstr(why, "built without the OpenCL headers and ICD loader"), "%s", why);
	cr_assert(strstr(why, "scripts/install-deps.sh"), "%s", why);
	/* Nothing of it touches OpenCL: no device to describe, no meta, no build. */
	cr_assert_null(s->describe);
	cr_assert_null(s->prepare);
}
