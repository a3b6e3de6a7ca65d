/*
 * Statistics of small samples of timings: order statistics, moments, a rank
 * test between two samples, and scaling models fitted to speedups.
 */
#ifndef PARBENCH_STATS_H
#define PARBENCH_STATS_H

#include <stddef.h>

void pb_sort(double *v, size_t n);

/* Of a sorted sample: linear interpolation between order statistics. */
double pb_quantile(const double *sorted, size_t n, double q);

double pb_mean(const double *v, size_t n);

/* The sample standard deviation (n - 1); 0 when n < 2. */
double pb_sd(const double *v, size_t n);

/*
 * The distribution-free confidence interval of the median: the order
 * statistics x(k) and x(n+1-k), 1-based, with the largest k whose coverage
 * 1 - 2 P(Binomial(n, 1/2) < k) is at least `level`.  Sets the 0-based
 * indexes of the bounds and returns the coverage; with n <= 5 no pair
 * reaches 95%, and the result is min and max with the coverage they have.
 */
double pb_median_ci(size_t n, double level, size_t *lo, size_t *hi);

/* The median absolute deviation of a sorted sample, unscaled; NAN when n == 0. */
double pb_mad(const double *sorted, size_t n);

/*
 * How many values of a sorted sample lie outside median +/- 3 x 1.4826 x MAD
 * (the MAD scaled to estimate a normal sample's standard deviation); a value
 * exactly on the fence is not one.  With a MAD of 0 no value counts as an
 * outlier; 0 when n == 0.
 */
size_t pb_outliers(const double *sorted, size_t n);

/*
 * Two-sided p-value of the Mann-Whitney U test that a and b come from the
 * same distribution: the exact distribution of U when both samples have at
 * most PB_MWU_EXACT_MAX values and there are no ties (scipy's
 * method="exact"), otherwise the normal approximation with the tie
 * correction and a continuity correction (scipy's method="asymptotic").
 * 1 when either sample is empty or all values are equal; NAN when out of
 * memory.
 */
#define PB_MWU_EXACT_MAX 25
double pb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

/*
 * Holm's step-down adjustment of n p-values, in place (each capped at 1), as
 * statsmodels' multipletests(method="holm"); tied p-values adjust alike.
 * Out of memory it falls back to Bonferroni's n x p, which is never smaller.
 */
void pb_holm(double *p, size_t n);

/*
 * Benjamini and Hochberg's adjustment of n p-values, in place (each capped
 * at 1): the i-th smallest becomes min over j >= i of p(j) n / j.  Below
 * 0.05 they keep the expected share of false calls among the calls at 5%,
 * and when nothing changed at all, the chance of any false call.
 */
void pb_benjamini_hochberg(double *p, size_t n);

/*
 * One-sided p-value of the Mann-Whitney U test that a's values tend to be
 * smaller than b's (scipy's alternative="less"), by the same method as
 * pb_mann_whitney_p(); 1 when either sample is empty.
 */
double pb_mann_whitney_less_p(const double *a, size_t na, const double *b, size_t nb);

/* U of a: the pairs (a[i], b[j]) with a[i] > b[j], a tie counting a half; NAN when empty. */
double pb_mann_whitney_u(const double *a, size_t na, const double *b, size_t nb);

/*
 * The Hodges-Lehmann estimate of the shift of a against b, the median of
 * the na x nb differences a[i] - b[j], and its interval at `level`: the
 * shifts that the two-sided Mann-Whitney U test at 1 - level would not
 * reject, the (k + 1)-th difference from either end for the test's
 * critical U value k (counted exactly up to PB_MWU_EXACT_MAX values a side,
 * else by the normal approximation).  So the interval excludes 0 exactly
 * when pb_mann_whitney_p() is below 1 - level (without ties).  Returns the
 * coverage, at least `level` but for tiny samples (3 and 3 at 95%), whose
 * widest interval, min to max, covers less.  Given log times, the exp of
 * the three is a ratio of times with its interval.  NANs and 0 when a
 * sample is empty or memory runs out.
 */
double pb_hodges_lehmann(const double *a, size_t na, const double *b, size_t nb, double level,
			 double *shift, double *lo, double *hi);

/*
 * The ratio of two samples of times, a over b, and its interval at
 * `level`: the Hodges-Lehmann shift of their logs, exponentiated (the
 * median of the na x nb ratios a[i] / b[j]), with the interval that agrees
 * with the Mann-Whitney U test.  Times must be positive.  Returns the
 * coverage, as pb_hodges_lehmann(); NANs and 0 when a sample is empty.
 */
double pb_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		   double *ratio, double *lo, double *hi);

/*
 * Repetitions a side that a Mann-Whitney U test at two-sided level alpha
 * needs to find, with probability `power`, a difference whose probability
 * of superiority P(a < b) is `superiority` (Noether 1987, equal samples);
 * never fewer than complete separation needs to reach alpha.  INFINITY at
 * 0.5.  For a one-sided test at level x, pass alpha = 2x.
 */
double pb_mwu_reps_needed(double superiority, double alpha, double power);

/*
 * Karp-Flatt's experimentally determined serial fraction of a speedup on p > 1
 * workers: (1/S - 1/p) / (1 - 1/p).  NAN when p < 2 or the speedup is not
 * positive; negative for a superlinear speedup.
 */
double pb_karp_flatt(double speedup, unsigned p);

/*
 * Amdahl's law S(p) = 1 / (f + (1 - f) / p) fitted to n points by least
 * squares on 1/S, which is linear in f: the serial fraction f, or NAN when
 * no point has p > 1.  Points with p < 2 (which say nothing about f) or a
 * speedup that is not positive are left out.  f is not clamped to [0, 1]:
 * superlinear speedups give f < 0.
 */
double pb_amdahl_fit(const unsigned *p, const double *speedup, size_t n);

/*
 * Gustafson's law for weak scaling, S(p) = p - s (p - 1), where the scaled
 * speedup S(p) = p T1 / Tp of a run that does p times the work on p
 * workers, fitted to n points by least squares: the serial fraction s of
 * the weak efficiencies T1 / Tp, or NAN when no point has p > 1.  Points
 * with p < 2 or an efficiency that is not positive are left out; s is not
 * clamped (s < 0: superlinear).
 */
double pb_gustafson_fit(const unsigned *p, const double *weak_efficiency, size_t n);

/*
 * Of speedups measured at ascending task sizes: the size above which the
 * speedup stays at or above 1, interpolated linearly in log(size) between
 * the two points around the last crossing from below 1.  sizes[0] when no
 * point is below 1 (the crossover is at or below the smallest size), NAN
 * when the last point is below 1 or n == 0.  A speedup of exactly 1 is not
 * below 1.  Sizes must be positive.
 */
double pb_crossover(const double *sizes, const double *speedup, size_t n);

#endif
