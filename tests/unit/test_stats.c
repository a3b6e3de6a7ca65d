/* harness/stats.c: quantiles, moments and the median's confidence interval. */
#include <criterion/criterion.h>
#include <math.h>

#include "../../harness/stats.h"

#define EPS 1e-12

Test(stats, sort)
{
	double v[] = { 3, -1, 2.5, 0, 2.5 };

	pb_sort(v, 5);
	cr_assert_eq(v[0], -1);
	cr_assert_eq(v[1], 0);
	cr_assert_eq(v[2], 2.5);
	cr_assert_eq(v[3], 2.5);
	cr_assert_eq(v[4], 3);
}

Test(stats, median_of_odd_and_even_n)
{
	const double odd[] = { 1, 2, 10 };
	const double even[] = { 1, 2, 4, 10 };

	cr_assert_float_eq(pb_quantile(odd, 3, 0.5), 2.0, EPS);
	cr_assert_float_eq(pb_quantile(even, 4, 0.5), 3.0, EPS);
}

Test(stats, quantile_ends)
{
	const double v[] = { 1, 2, 4, 10 };

	cr_assert_eq(pb_quantile(v, 4, 0.0), 1.0);
	cr_assert_eq(pb_quantile(v, 4, 1.0), 10.0);
}

Test(stats, quantile_interpolates)
{
	/* 0..100: q = 0.99 sits exactly on 99; on 0, 10, 20 it is 19.8. */
	double v[101];
	const double tens[] = { 0, 10, 20 };

	for (int i = 0; i <= 100; i++)
		v[i] = i;
	cr_assert_float_eq(pb_quantile(v, 101, 0.99), 99.0, 1e-9);
	cr_assert_float_eq(pb_quantile(tens, 3, 0.99), 19.8, 1e-9);
	cr_assert_float_eq(pb_quantile(tens, 3, 0.25), 5.0, 1e-9);
}

Test(stats, quantile_of_one_and_none)
{
	const double one[] = { 7 };

	cr_assert_eq(pb_quantile(one, 1, 0.0), 7.0);
	cr_assert_eq(pb_quantile(one, 1, 0.5), 7.0);
	cr_assert_eq(pb_quantile(one, 1, 1.0), 7.0);
	cr_assert(isnan(pb_quantile(one, 0, 0.5)));
}

Test(stats, mean)
{
	const double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };

	cr_assert_float_eq(pb_mean(v, 8), 5.0, EPS);
	cr_assert_float_eq(pb_mean(v, 1), 2.0, EPS);
	cr_assert(isnan(pb_mean(v, 0)));
}

Test(stats, sample_sd)
{
	/* Squared deviations from the mean 5 sum to 32: sd = sqrt(32 / 7). */
	const double v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	const double same[] = { 3, 3, 3 };

	cr_assert_float_eq(pb_sd(v, 8), sqrt(32.0 / 7.0), EPS);
	cr_assert_float_eq(pb_sd(same, 3), 0.0, EPS);
	cr_assert_eq(pb_sd(v, 1), 0.0);
	cr_assert_eq(pb_sd(v, 0), 0.0);
}

/*
 * The expected bounds and coverages below were computed independently,
 * exactly, in Python with fractions.Fraction and math.comb: for k = 1, 2, ...
 * while k < (n + 1) // 2, take k + 1 when 1 - 2 * sum(comb(n, i) for i in
 * range(k + 1)) / 2**n >= level; then lo = k - 1, hi = n - k.
 */
static void ci_is(size_t n, double level, size_t want_lo, size_t want_hi, double coverage)
{
	size_t lo = 999, hi = 999;
	double got = pb_median_ci(n, level, &lo, &hi);

	cr_assert_eq(lo, want_lo, "n = %zu: lo %zu, not %zu", n, lo, want_lo);
	cr_assert_eq(hi, want_hi, "n = %zu: hi %zu, not %zu", n, hi, want_hi);
	cr_assert_float_eq(got, coverage, 1e-9, "n = %zu: coverage %.12f, not %.12f",
			   n, got, coverage);
}

Test(median_ci, none_and_one)
{
	ci_is(0, 0.95, 0, 0, 0.0);
	ci_is(1, 0.95, 0, 0, 0.0);		/* [x1, x1] covers the median never */
	ci_is(2, 0.95, 0, 1, 0.5);
}

Test(median_ci, small_n_gives_min_and_max)
{
	ci_is(5, 0.95, 0, 4, 1.0 - 2.0 / 32);
	ci_is(6, 0.95, 0, 5, 1.0 - 2.0 / 64);
}

Test(median_ci, nine)
{
	/* P(B < 2) = (1 + 9) / 512: 1 - 20/512 = 0.961 >= 0.95; k = 3 gives 0.820. */
	ci_is(9, 0.95, 1, 7, 1.0 - 2.0 * 10 / 512);
}

Test(median_ci, level_reached_exactly_is_enough)
{
	/* "At least level": 1 - 20/512 is exactly a double, and n = 9 reaches it. */
	ci_is(9, 1.0 - 20.0 / 512, 1, 7, 1.0 - 20.0 / 512);
}

Test(median_ci, level_zero_stops_at_the_middle)
{
	/* k never passes (n + 1) / 2: x(3) alone for n = 5, x(3) and x(4) for n = 6. */
	ci_is(5, 0.0, 2, 2, 0.0);
	ci_is(6, 0.0, 2, 3, 1.0 - 2.0 * 22 / 64);
}

Test(median_ci, ten_and_twenty)
{
	ci_is(10, 0.95, 1, 8, 501.0 / 512);		/* 0.978515625 */
	ci_is(20, 0.95, 5, 14, 125647.0 / 131072);	/* 0.958610534668 */
}

Test(median_ci, hundred)
{
	/*
	 * Python: n = 100, level 0.95 gives k = 40: x(40) and x(61), 0-based
	 * 39 and 60, coverage 0.9647997997822951; level 0.99 gives k = 37:
	 * 36 and 63, coverage 0.9933628794840739.
	 */
	ci_is(100, 0.95, 39, 60, 0.9647997997822951);
	ci_is(100, 0.99, 36, 63, 0.9933628794840739);
}

Test(median_ci, thousand)
{
	/* Python: n = 1000, level 0.95: 468 and 531, coverage 0.9537088026395019. */
	ci_is(1000, 0.95, 468, 531, 0.9537088026395019);
}

Test(median_ci, bounds_are_symmetric)
{
	for (size_t n = 1; n <= 200; n++) {
		size_t lo, hi;
		double coverage = pb_median_ci(n, 0.95, &lo, &hi);

		cr_assert_eq(lo + hi, n - 1, "n = %zu: %zu and %zu", n, lo, hi);
		cr_assert_leq(lo, hi, "n = %zu", n);
		cr_assert(n <= 5 || coverage >= 0.95, "n = %zu: coverage %f", n, coverage);
	}
}
