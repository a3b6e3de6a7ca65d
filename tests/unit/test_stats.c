/*
 * harness/stats/stats.c: quantiles, moments, the median's confidence interval, MAD
 * and outliers, Mann-Whitney, Holm, Hodges-Lehmann and the scaling models.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>

#include "stats/stats.h"

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

Test(mad, odd_sample)
{
	/* Median 2; deviations 0 0 1 1 2 4 7, their median 1 (as scipy's median_abs_deviation). */
	const double v[] = { 1, 1, 2, 2, 4, 6, 9 };

	cr_assert_float_eq(pb_mad(v, 7), 1.0, EPS);
}

Test(mad, even_sample)
{
	/* Median 4.5; deviations .5 .5 1.5 1.5 2.5 2.5 3.5 95.5; their median 2. */
	const double v[] = { 1, 2, 3, 4, 5, 6, 7, 100 };

	cr_assert_float_eq(pb_mad(v, 8), 2.0, EPS);
}

Test(mad, none_one_and_equal)
{
	const double v[] = { 5, 5, 5, 5, 100 };

	cr_assert(isnan(pb_mad(v, 0)));
	cr_assert_eq(pb_mad(v, 1), 0.0);
	cr_assert_eq(pb_mad(v, 5), 0.0);
	cr_assert_float_eq(pb_mad(v + 3, 2), 47.5, EPS);	/* 5 and 100 */
}

Test(outliers, high)
{
	/* MAD 1: the fence is 2 +/- 4.4478; 9 lies outside, 6 inside. */
	const double v[] = { 1, 1, 2, 2, 4, 6, 9 };

	cr_assert_eq(pb_outliers(v, 7), 1);
}

Test(outliers, both_sides)
{
	/* Median 11.5, MAD (0.5 + 1.5) / 2 = 1: -20 and 50 lie outside 11.5 +/- 4.4478. */
	const double v[] = { -20, 10, 11, 11, 12, 12, 13, 50 };

	cr_assert_eq(pb_outliers(v, 8), 2);
}

Test(outliers, mad_zero_counts_none)
{
	const double v[] = { 5, 5, 5, 5, 100 };

	cr_assert_eq(pb_outliers(v, 5), 0);
}

Test(outliers, none_and_one)
{
	const double v[] = { 7 };

	cr_assert_eq(pb_outliers(v, 0), 0);
	cr_assert_eq(pb_outliers(v, 1), 0);
}

/*
 * The expected p-values come from scipy 1.10.1 (Debian 12's python3-scipy),
 * by the call quoted above each, as mannwhitneyu(...).pvalue.
 */
#define MWU_EPS 1e-12

Test(mann_whitney, exact_separated)
{
	/*
	 * mannwhitneyu([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], alternative="two-sided", method="exact")
	 * -> 0.007936507936507936 (2 / 252)
	 */
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };

	cr_assert_float_eq(pb_mann_whitney_p(a, 5, b, 5), 0.007936507936507936, MWU_EPS);
	cr_assert_float_eq(pb_mann_whitney_p(b, 5, a, 5), 0.007936507936507936, MWU_EPS);
}

Test(mann_whitney, exact_interleaved)
{
	/*
	 * mannwhitneyu([1.1, 3.4, 2.2, 5.0, 0.7, 4.1], [2.9, 6.3, 5.5, 7.8, 4.4, 3.8, 6.9],
	 *              alternative="two-sided", method="exact") -> 0.03496503496503496
	 */
	const double a[] = { 1.1, 3.4, 2.2, 5.0, 0.7, 4.1 };
	const double b[] = { 2.9, 6.3, 5.5, 7.8, 4.4, 3.8, 6.9 };

	cr_assert_float_eq(pb_mann_whitney_p(a, 6, b, 7), 0.03496503496503496, MWU_EPS);
}

Test(mann_whitney, exact_at_the_limit)
{
	/*
	 * a = [0, 2, .., 48], b = [11, 13, .., 59], 25 each:
	 * mannwhitneyu(a, b, alternative="two-sided", method="exact") -> 0.016982216353507554
	 * (method="asymptotic" would give 0.017925777357406476).
	 */
	double a[PB_MWU_EXACT_MAX], b[PB_MWU_EXACT_MAX];

	for (int i = 0; i < PB_MWU_EXACT_MAX; i++) {
		a[i] = 2 * i;
		b[i] = 2 * i + 11;
	}
	cr_assert_float_eq(pb_mann_whitney_p(a, PB_MWU_EXACT_MAX, b, PB_MWU_EXACT_MAX),
			   0.016982216353507554, MWU_EPS);
}

Test(mann_whitney, ties_asymptotic)
{
	/*
	 * mannwhitneyu([1, 2, 2, 3, 4, 4, 5], [3, 4, 4, 5, 6, 6, 7, 8], alternative="two-sided",
	 *              method="asymptotic", use_continuity=True) -> 0.02228731901455301
	 */
	const double a[] = { 1, 2, 2, 3, 4, 4, 5 }, b[] = { 3, 4, 4, 5, 6, 6, 7, 8 };

	cr_assert_float_eq(pb_mann_whitney_p(a, 7, b, 8), 0.02228731901455301, MWU_EPS);
}

Test(mann_whitney, large_asymptotic)
{
	/*
	 * a = [0, 3, .., 87] (30), b = [10, 13, .., 91] (28), no ties:
	 * mannwhitneyu(a, b, alternative="two-sided", method="asymptotic", use_continuity=True)
	 * -> 0.2864698659930748
	 */
	double a[30], b[28];

	for (int i = 0; i < 30; i++)
		a[i] = 3 * i;
	for (int i = 0; i < 28; i++)
		b[i] = 3 * i + 10;
	cr_assert_float_eq(pb_mann_whitney_p(a, 30, b, 28), 0.2864698659930748, MWU_EPS);
}

Test(mann_whitney, one_sample_over_the_limit)
{
	/*
	 * a = [0, 1, .., 25] (26), b = [20.5, 24.5, 27, 30, 33]: too many for the exact test.
	 * mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
	 * -> 0.0016782439451431806
	 * (method="exact" would give 0.0003413551800648575).
	 */
	const double b[] = { 20.5, 24.5, 27, 30, 33 };
	double a[26];

	for (int i = 0; i < 26; i++)
		a[i] = i;
	cr_assert_float_eq(pb_mann_whitney_p(a, 26, b, 5), 0.0016782439451431806, MWU_EPS);
}

Test(mann_whitney, empty_one_and_all_equal)
{
	/*
	 * mannwhitneyu([1], [2], alternative="two-sided", method="exact") -> 1.0
	 * mannwhitneyu([3, 3, 3], [3, 3], alternative="two-sided", method="asymptotic") -> 1.0
	 */
	const double one[] = { 1 }, two[] = { 2 }, threes[] = { 3, 3, 3 };

	cr_assert_eq(pb_mann_whitney_p(one, 0, two, 1), 1.0);
	cr_assert_eq(pb_mann_whitney_p(one, 1, two, 0), 1.0);
	cr_assert_eq(pb_mann_whitney_p(one, 1, two, 1), 1.0);
	cr_assert_eq(pb_mann_whitney_p(threes, 3, threes, 2), 1.0);
}

/* The expected values are worked by hand as statsmodels' multipletests(method="holm") does. */
static void holm_is(double *p, const double *want, size_t n)
{
	pb_holm(p, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_float_eq(p[i], want[i], EPS, "p[%zu] = %.15g, not %.15g",
				   i, p[i], want[i]);
}

Test(holm, step_down)
{
	/*
	 * Ascending: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06;
	 * 0.04 x 1 = 0.04, raised to the 0.06 before it.
	 */
	double p[] = { 0.01, 0.04, 0.03, 0.005 };
	const double want[] = { 0.03, 0.06, 0.06, 0.02 };

	holm_is(p, want, 4);
}

Test(holm, capped_at_one)
{
	/* 0.6 x 2 = 1.2, capped at 1; 0.7 x 1 = 0.7, raised to 1. */
	double p[] = { 0.7, 0.6 };
	const double want[] = { 1, 1 };

	holm_is(p, want, 2);
}

Test(holm, ties)
{
	/* 0.01 x 3 = 0.03; the other 0.01 x 2 = 0.02, raised to 0.03; 0.04 x 1 = 0.04. */
	double p[] = { 0.04, 0.01, 0.01 };
	const double want[] = { 0.04, 0.03, 0.03 };

	holm_is(p, want, 3);
}

Test(holm, none_and_one)
{
	double p[] = { 0.2 };
	const double want[] = { 0.2 };

	pb_holm(p, 0);
	cr_assert_eq(p[0], 0.2);
	holm_is(p, want, 1);
}

/* Benjamini-Hochberg, worked by hand as R's p.adjust(p, "BH") does. */
Test(benjamini_hochberg, step_up)
{
	/*
	 * n = 8, ascending: 0.001 x 8 = 0.008; 0.008 x 4 = 0.032; 0.039 x 8/3 =
	 * 0.104; 0.041 x 2 = 0.082; 0.042 x 8/5 = 0.0672; 0.06 x 8/6 = 0.08;
	 * 0.074 x 8/7 = 0.084571; 0.205 x 1.  Each then lowered to the
	 * smallest at or after it: 0.104 and 0.082 become 0.0672.
	 */
	double p[] = { 0.205, 0.001, 0.041, 0.008, 0.074, 0.039, 0.06, 0.042 };
	const double want[] = { 0.205, 0.008, 0.0672, 0.032, 0.074 * 8 / 7, 0.0672, 0.08,
				0.0672 };

	pb_benjamini_hochberg(p, 8);
	for (size_t i = 0; i < 8; i++)
		cr_assert_float_eq(p[i], want[i], EPS, "p[%zu] = %.15g, not %.15g", i, p[i],
				   want[i]);
}

Test(benjamini_hochberg, all_equal_small_p_all_stay)
{
	/* Every one of 124 cells at p = 0.0079: each becomes 0.0079 x 124 / 124. */
	double p[124];

	for (size_t i = 0; i < 124; i++)
		p[i] = 0.0079;
	pb_benjamini_hochberg(p, 124);
	for (size_t i = 0; i < 124; i++)
		cr_assert_float_eq(p[i], 0.0079, EPS);
}

Test(benjamini_hochberg, none_and_capped)
{
	double p[] = { 0.9, 0.8 };

	pb_benjamini_hochberg(p, 0);
	cr_assert_eq(p[0], 0.9);
	pb_benjamini_hochberg(p, 2);	/* 0.8 x 2 = 1.6 -> lowered to 0.9; 0.9 x 1 */
	cr_assert_float_eq(p[0], 0.9, EPS);
	cr_assert_float_eq(p[1], 0.9, EPS);
}

Test(mann_whitney_less, exact_both_ways)
{
	/*
	 * mannwhitneyu([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], alternative="less", method="exact")
	 * -> 0.003968253968253968 (1 / 252); the other way round 0.9999999999999998 (1).
	 */
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };

	cr_assert_float_eq(pb_mann_whitney_less_p(a, 5, b, 5), 1.0 / 252, MWU_EPS);
	cr_assert_float_eq(pb_mann_whitney_less_p(b, 5, a, 5), 1.0, MWU_EPS);
}

Test(mann_whitney_less, exact_interleaved)
{
	/*
	 * mannwhitneyu([1.1, 3.4, 2.2, 5.0, 0.7, 4.1], [2.9, 6.3, 5.5, 7.8, 4.4, 3.8, 6.9],
	 *              alternative="less", method="exact") -> 0.01748251748251748
	 */
	const double a[] = { 1.1, 3.4, 2.2, 5.0, 0.7, 4.1 };
	const double b[] = { 2.9, 6.3, 5.5, 7.8, 4.4, 3.8, 6.9 };

	cr_assert_float_eq(pb_mann_whitney_less_p(a, 6, b, 7), 0.01748251748251748, MWU_EPS);
}

Test(mann_whitney_less, asymptotic)
{
	/*
	 * mannwhitneyu([1, 2, 2, 3, 4, 4, 5], [3, 4, 4, 5, 6, 6, 7, 8], alternative="less",
	 *              method="asymptotic") -> 0.011143659507276506; swapped 0.9918613332087475.
	 * a = [0, 3, .., 87] (30), b = [10, 13, .., 91] (28):
	 * mannwhitneyu(a, b, alternative="less", method="asymptotic") -> 0.1432349329965374
	 */
	const double a[] = { 1, 2, 2, 3, 4, 4, 5 }, b[] = { 3, 4, 4, 5, 6, 6, 7, 8 };
	double c[30], d[28];

	cr_assert_float_eq(pb_mann_whitney_less_p(a, 7, b, 8), 0.011143659507276506, MWU_EPS);
	cr_assert_float_eq(pb_mann_whitney_less_p(b, 8, a, 7), 0.9918613332087475, MWU_EPS);
	for (int i = 0; i < 30; i++)
		c[i] = 3 * i;
	for (int i = 0; i < 28; i++)
		d[i] = 3 * i + 10;
	cr_assert_float_eq(pb_mann_whitney_less_p(c, 30, d, 28), 0.1432349329965374, MWU_EPS);
	cr_assert_eq(pb_mann_whitney_less_p(a, 0, b, 8), 1.0);
}

Test(mann_whitney_u, counts_pairs)
{
	/* a > b in 2 pairs (3 > 2, 3 > 1... 3 > 1, 3 > 2; 1 = 1 counts a half). */
	const double a[] = { 1, 3 }, b[] = { 1, 2, 4 };

	cr_assert_float_eq(pb_mann_whitney_u(a, 2, b, 3), 2.5, EPS);
	cr_assert(isnan(pb_mann_whitney_u(a, 0, b, 3)));
}

/*
 * The expected intervals invert scipy 1.10.1's exact test: of the sorted
 * differences d, the bounds of the run of gaps whose midpoint s keeps
 * mannwhitneyu([x - s for x in a], b, method="exact").pvalue >= 0.05.
 */
Test(hodges_lehmann, inverts_the_exact_test)
{
	const double a[] = { 1.1, 3.4, 2.2, 5.0, 0.7, 4.1 };
	const double b[] = { 2.9, 6.3, 5.5, 7.8, 4.4, 3.8, 6.9 };
	const double c[] = { 10.2, 11.5, 9.8, 12.1, 10.9 }, d[] = { 8.1, 9.0, 8.7, 9.5, 8.3 };
	double shift, lo, hi, coverage;

	coverage = pb_hodges_lehmann(a, 6, b, 7, 0.95, &shift, &lo, &hi);
	cr_assert_float_eq(shift, -2.75, 1e-9);
	cr_assert_float_eq(lo, -5.2, 1e-9);
	cr_assert_float_eq(hi, -0.3, 1e-9);
	cr_assert_geq(coverage, 0.95);
	coverage = pb_hodges_lehmann(c, 5, d, 5, 0.95, &shift, &lo, &hi);
	cr_assert_float_eq(shift, 2.1, 1e-9);
	cr_assert_float_eq(lo, 0.8, 1e-9);
	cr_assert_float_eq(hi, 3.4, 1e-9);
	/* 5 and 5: U <= 2 rejects (2 x 4/252 < 0.05), so the 3rd from either end, 1 - 8/252. */
	cr_assert_float_eq(coverage, 1.0 - 8.0 / 252, 1e-12);
}

/* xorshift64*, for samples no test should depend on. */
static double uniform(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return (double)((*state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

Test(hodges_lehmann, agrees_with_the_test)
{
	uint64_t state = 88172645463325252ULL;

	/*
	 * The interval excludes 0 exactly when the two-sided test rejects at
	 * 5%; where no sample could reject (3 and 4 values: p >= 2/35), the
	 * interval is min to max and says it covers less.
	 */
	for (int trial = 0; trial < 400; trial++) {
		size_t na = 3 + trial % 9, nb = 3 + trial % 7;
		double a[12], b[12], shift, lo, hi, gap = 0.4 * (trial % 5), coverage, p;

		for (size_t i = 0; i < na; i++)
			a[i] = uniform(&state) + gap;
		for (size_t j = 0; j < nb; j++)
			b[j] = uniform(&state);
		coverage = pb_hodges_lehmann(a, na, b, nb, 0.95, &shift, &lo, &hi);
		p = pb_mann_whitney_p(a, na, b, nb);
		if (coverage < 0.95)
			cr_assert_geq(p, 0.05, "trial %d", trial);
		else
			cr_assert_eq(lo > 0.0 || hi < 0.0, p < 0.05, "trial %d: [%g, %g], p %g",
				     trial, lo, hi, p);
		cr_assert(lo <= shift && shift <= hi);
	}
}

Test(hodges_lehmann, too_few_for_the_level)
{
	const double a[] = { 4, 5, 6 }, b[] = { 1, 2, 3 };
	double shift, lo, hi, coverage;

	/* 3 and 3: even complete separation gives p = 0.1: min to max, covering 1 - 2/20. */
	coverage = pb_hodges_lehmann(a, 3, b, 3, 0.95, &shift, &lo, &hi);
	cr_assert_float_eq(coverage, 0.9, 1e-12);
	cr_assert_float_eq(lo, 1.0, EPS);
	cr_assert_float_eq(hi, 5.0, EPS);
	cr_assert_float_eq(shift, 3.0, EPS);
	coverage = pb_hodges_lehmann(a, 0, b, 3, 0.95, &shift, &lo, &hi);
	cr_assert_eq(coverage, 0.0);
	cr_assert(isnan(shift) && isnan(lo) && isnan(hi));
}

Test(hodges_lehmann, large_samples_by_the_normal_approximation)
{
	double a[40], b[40], shift, lo, hi, coverage;

	/* 40 and 40 values a step apart, a shifted by 10 steps: interval about the shift. */
	for (int i = 0; i < 40; i++) {
		a[i] = i + 10.25;
		b[i] = i;
	}
	coverage = pb_hodges_lehmann(a, 40, b, 40, 0.95, &shift, &lo, &hi);
	cr_assert_float_eq(shift, 10.25, 1e-9);
	cr_assert(lo < 10.25 && hi > 10.25 && lo > 0.0, "[%g, %g]", lo, hi);
	cr_assert_float_eq(coverage, 0.95, 0.002);
	cr_assert_eq(lo > 0.0, pb_mann_whitney_p(a, 40, b, 40) < 0.05);
}

Test(ratio_ci, of_times)
{
	const double a[] = { 2, 4, 8 }, b[] = { 1, 2, 4 };
	double ratio, lo, hi;

	/* The median of the nine ratios a[i] / b[j]: 1/2, 1, 1, 2, 2, 2, 4, 4, 8. */
	pb_ratio_ci(a, 3, b, 3, 0.95, &ratio, &lo, &hi);
	cr_assert_float_eq(ratio, 2.0, 1e-12);
	cr_assert_float_eq(lo, 0.5, 1e-12);
	cr_assert_float_eq(hi, 8.0, 1e-12);
}

Test(reps_needed, noether)
{
	/*
	 * (1.96 + 0.8416)^2 / (6 x 0.2^2) = 32.7 -> 33; complete separation
	 * (p = 1): 5.2 -> 6; never below the 4 that separation needs at 5%.
	 */
	cr_assert_float_eq(pb_mwu_reps_needed(0.7, 0.05, 0.8), 33.0, 0.0);
	cr_assert_float_eq(pb_mwu_reps_needed(1.0, 0.05, 0.8), 6.0, 0.0);
	cr_assert_float_eq(pb_mwu_reps_needed(1.0, 0.05, 0.01), 4.0, 0.0);
	cr_assert(isinf(pb_mwu_reps_needed(0.5, 0.05, 0.8)));
}

Test(karp_flatt, known_values)
{
	/* (1/1.6 - 1/2) / (1 - 1/2) = 0.125 / 0.5; (1/2.5 - 1/4) / (3/4) = 0.15 / 0.75. */
	cr_assert_float_eq(pb_karp_flatt(1.6, 2), 0.25, EPS);
	cr_assert_float_eq(pb_karp_flatt(2.5, 4), 0.2, EPS);
	cr_assert_float_eq(pb_karp_flatt(8.0, 8), 0.0, EPS);	/* perfect */
	cr_assert_float_eq(pb_karp_flatt(1.0, 8), 1.0, EPS);	/* no gain */
}

Test(karp_flatt, undefined)
{
	cr_assert(isnan(pb_karp_flatt(1.0, 1)));
	cr_assert(isnan(pb_karp_flatt(1.0, 0)));
	cr_assert(isnan(pb_karp_flatt(0.0, 4)));
}

Test(amdahl_fit, recovers_f)
{
	const unsigned p[] = { 1, 2, 4, 8 };
	double s[4];

	for (int i = 0; i < 4; i++)
		s[i] = 1.0 / (0.1 + 0.9 / p[i]);
	cr_assert_float_eq(pb_amdahl_fit(p, s, 4), 0.1, EPS);
	cr_assert_float_eq(pb_amdahl_fit(p + 3, s + 3, 1), 0.1, EPS);
}

Test(amdahl_fit, least_squares)
{
	/*
	 * x = 1 - 1/p, y = 1/S - 1/p: (2, 1.6) gives (0.5, 0.125), (4, 2.0)
	 * gives (0.75, 0.25); f = (0.0625 + 0.1875) / (0.25 + 0.5625) = 4/13.
	 */
	const unsigned p[] = { 2, 4 };
	const double s[] = { 1.6, 2.0 };

	cr_assert_float_eq(pb_amdahl_fit(p, s, 2), 4.0 / 13.0, EPS);
}

Test(amdahl_fit, nothing_to_fit)
{
	const unsigned p[] = { 1, 1 };
	const double s[] = { 1.0, 1.1 };

	cr_assert(isnan(pb_amdahl_fit(p, s, 0)));
	cr_assert(isnan(pb_amdahl_fit(p, s, 1)));
	cr_assert(isnan(pb_amdahl_fit(p, s, 2)));
}

Test(gustafson_fit, recovers_s)
{
	/* S(p) = p - 0.1 (p - 1), and T1 / Tp = S(p) / p. */
	const unsigned p[] = { 1, 2, 4, 8 };
	double e[4];

	for (int i = 0; i < 4; i++)
		e[i] = (p[i] - 0.1 * (p[i] - 1)) / p[i];
	cr_assert_float_eq(pb_gustafson_fit(p, e, 4), 0.1, EPS);
	cr_assert_float_eq(pb_gustafson_fit(p + 3, e + 3, 1), 0.1, EPS);
}

Test(gustafson_fit, least_squares)
{
	/*
	 * x = p - 1, y = p (1 - T1/Tp): (2, 0.75) gives (1, 0.5), (4, 0.5)
	 * gives (3, 2); s = (0.5 + 6) / (1 + 9) = 0.65.
	 */
	const unsigned p[] = { 2, 4 };
	const double e[] = { 0.75, 0.5 };

	cr_assert_float_eq(pb_gustafson_fit(p, e, 2), 0.65, EPS);
}

Test(gustafson_fit, nothing_to_fit)
{
	const unsigned p[] = { 1, 2 };
	const double e[] = { 1.0, 0.0 };

	cr_assert(isnan(pb_gustafson_fit(p, e, 0)));
	cr_assert(isnan(pb_gustafson_fit(p, e, 2)));	/* p = 1, and no positive efficiency */
}

Test(crossover, interpolates_in_log_size)
{
	/* 0.8 at 100, 1.2 at 1000: halfway in log(size), sqrt(100 x 1000). */
	const double sizes[] = { 10, 100, 1000, 10000 };
	const double s[] = { 0.5, 0.8, 1.2, 1.5 };

	cr_assert_float_eq(pb_crossover(sizes, s, 4), sqrt(1e5), 1e-9);
}

Test(crossover, reaching_one_exactly)
{
	const double sizes[] = { 1, 2, 4 };
	const double s[] = { 0.5, 1.0, 2.0 };

	cr_assert_float_eq(pb_crossover(sizes, s, 3), 2.0, EPS);
	cr_assert_eq(pb_crossover(sizes + 1, s + 1, 2), 2.0);	/* 1 counts as not below */
}

Test(crossover, all_above)
{
	const double sizes[] = { 10, 100, 1000 };
	const double s[] = { 1.1, 3, 2 };

	cr_assert_eq(pb_crossover(sizes, s, 3), 10.0);
}

Test(crossover, last_below)
{
	const double sizes[] = { 10, 100, 1000 };
	const double s[] = { 0.5, 1.5, 0.9 };

	cr_assert(isnan(pb_crossover(sizes, s, 3)));
}

Test(crossover, wobble_takes_the_last_crossing)
{
	/* Below, above, below, above: 0.9 at 100, 1.1 at 1000, so sqrt(1e5) again. */
	const double sizes[] = { 1, 10, 100, 1000 };
	const double s[] = { 0.5, 1.5, 0.9, 1.1 };

	cr_assert_float_eq(pb_crossover(sizes, s, 4), sqrt(1e5), 1e-9);
}

Test(crossover, none_and_one)
{
	const double sizes[] = { 64 };
	const double above[] = { 1.5 }, below[] = { 0.5 };

	cr_assert(isnan(pb_crossover(sizes, above, 0)));
	cr_assert_eq(pb_crossover(sizes, above, 1), 64.0);
	cr_assert(isnan(pb_crossover(sizes, below, 1)));
}
