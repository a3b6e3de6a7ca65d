/*
 * Statistics of small samples of timings: order statistics, moments, the
 * median's confidence interval, a rank test between two samples, and the
 * scaling models (Karp-Flatt, Amdahl, Gustafson) fitted to speedups.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "stats/stats.h"

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void pb_sort(double *v, size_t n)
{
	if (n > 1)	/* qsort's pointer must be valid even for 0 items */
		qsort(v, n, sizeof(*v), compare_doubles);
}

double pb_quantile(const double *sorted, size_t n, double q)
{
	double pos;
	size_t below;

	if (n == 0)
		return NAN;
	pos = q * (double)(n - 1);
	below = (size_t)pos;
	if (below + 1 >= n)
		return sorted[n - 1];
	return sorted[below] + (pos - (double)below) * (sorted[below + 1] - sorted[below]);
}

double pb_mean(const double *v, size_t n)
{
	double sum = 0.0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return n ? sum / (double)n : NAN;
}

double pb_sd(const double *v, size_t n)
{
	double mean = pb_mean(v, n), squares = 0.0;

	if (n < 2)
		return 0.0;
	for (size_t i = 0; i < n; i++)
		squares += (v[i] - mean) * (v[i] - mean);
	return sqrt(squares / (double)(n - 1));
}

/* The coverage of [x(k), x(n+1-k)]: 1 - 2 P(Binomial(n, 1/2) < k). */
static double median_ci_coverage(size_t n, size_t k)
{
	return fmax(0.0, 1.0 - 2.0 * gsl_cdf_binomial_P((unsigned)(k - 1), 0.5, (unsigned)n));
}

/*
 * GSL's binomial tail is accurate to about 1e-15, not exact: a coverage
 * that equals the level (1 - 20/512 for n = 9, 0 for the middle pair) may
 * come out a rounding error short, and still reaches it.
 */
#define MEDIAN_CI_SLACK 1e-12

double pb_median_ci(size_t n, double level, size_t *lo, size_t *hi)
{
	size_t k = 1;

	*lo = *hi = 0;
	if (n == 0)
		return 0.0;
	/* Narrow the interval while the narrower one still covers enough. */
	while (k < (n + 1) / 2 && median_ci_coverage(n, k + 1) >= level - MEDIAN_CI_SLACK)
		k++;
	*lo = k - 1;
	*hi = n - k;
	return median_ci_coverage(n, k);
}

/*
 * The deviations from the median of a sorted sample come in two sorted runs,
 * walking out from the median to either end; merging them finds the middle
 * deviations without a copy to sort.
 */
double pb_mad(const double *sorted, size_t n)
{
	double median = pb_quantile(sorted, n, 0.5), mid[2] = { NAN, NAN };
	size_t right = 0, left;

	if (n == 0)
		return NAN;
	while (right < n && sorted[right] <= median)
		right++;
	left = right;		/* sorted[left - 1] is the next one down */
	for (size_t rank = 0; rank <= n / 2; rank++) {
		bool down = right == n ||
			    (left > 0 && median - sorted[left - 1] <= sorted[right] - median);
		double dev;

		if (down)
			dev = median - sorted[--left];
		else
			dev = sorted[right++] - median;
		if (rank == (n - 1) / 2)
			mid[0] = dev;
		if (rank == n / 2)
			mid[1] = dev;
	}
	return (mid[0] + mid[1]) / 2.0;
}

size_t pb_outliers(const double *sorted, size_t n)
{
	double median, limit;
	size_t count = 0;

	if (n == 0)
		return 0;
	median = pb_quantile(sorted, n, 0.5);
	limit = 3.0 * 1.4826 * pb_mad(sorted, n);
	/* With more than half the sample equal, any difference would count. */
	if (limit == 0.0)
		return 0;
	for (size_t i = 0; i < n; i++)
		count += fabs(sorted[i] - median) > limit;
	return count;
}

/* A value and what it came from (its sample, or its place), to sort by value. */
struct keyed {
	double key;
	size_t tag;
};

static int compare_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	return compare_doubles(&x->key, &y->key);
}

/*
 * Ranks a and b together, ties taking their mean rank.  Sets U of a (the
 * number of pairs in which a's value is larger, ties counting a half) and
 * the sum of t^3 - t over the groups of t tied values.
 */
static int mwu_rank(const double *a, size_t na, const double *b, size_t nb,
		    double *u, double *ties)
{
	size_t n = na + nb;
	struct keyed *all = malloc(n * sizeof(*all));
	double rank_sum = 0.0;

	if (!all)
		return -1;
	for (size_t i = 0; i < na; i++)
		all[i] = (struct keyed){ a[i], 1 };	/* tag: in a */
	for (size_t i = 0; i < nb; i++)
		all[na + i] = (struct keyed){ b[i], 0 };
	qsort(all, n, sizeof(*all), compare_keyed);
	*ties = 0.0;
	for (size_t i = 0, j; i < n; i = j) {
		double t;

		for (j = i + 1; j < n && all[j].key == all[i].key; j++)
			;
		/* 1-based ranks i + 1 .. j share their mean. */
		for (size_t k = i; k < j; k++)
			rank_sum += all[k].tag ? (double)(i + 1 + j) / 2.0 : 0.0;
		t = (double)(j - i);
		*ties += t * t * t - t;
	}
	free(all);
	*u = rank_sum - (double)na * (double)(na + 1) / 2.0;
	return 0;
}

/*
 * The number of orderings of samples of m and n values without ties that
 * give each U, into count[0 .. m n]: the coefficients of the Gaussian
 * binomial [m + n choose m]_q = prod over i = 1..m of (1 - q^(n + i)) /
 * (1 - q^i), built one factor at a time.  Every partial product is itself
 * a Gaussian binomial, of integers at most C(50, 25) < 2^53: doubles count
 * exactly.
 */
#define MWU_EXACT_COUNTS (PB_MWU_EXACT_MAX * PB_MWU_EXACT_MAX + 1)

static void mwu_exact_counts(size_t m, size_t n, double count[MWU_EXACT_COUNTS])
{
	size_t degree = 0;

	count[0] = 1.0;
	for (size_t d = 1; d <= m * n; d++)
		count[d] = 0.0;
	for (size_t i = 1; i <= m; i++) {
		/* Times 1 - q^(n + i), from the top: each term is read before it changes. */
		for (size_t d = degree + n + i; d >= n + i; d--)
			if (d <= m * n)
				count[d] -= count[d - (n + i)];
		/* Divided by 1 - q^i: the quotient g has g[d] = c[d] + g[d - i]. */
		for (size_t d = i; d <= degree + n + i && d <= m * n; d++)
			count[d] += count[d - i];
		degree += n;
	}
}

/* Whether P(U <= u) is counted exactly: no ties, and neither sample too large. */
static bool mwu_exact(size_t na, size_t nb, double ties)
{
	return ties == 0.0 && na <= PB_MWU_EXACT_MAX && nb <= PB_MWU_EXACT_MAX;
}

/* The standard deviation of U under the null hypothesis, reduced for ties. */
static double mwu_sd(size_t na, size_t nb, double ties)
{
	double n = (double)(na + nb), mn = (double)na * (double)nb;

	return sqrt(fmax(0.0, mn / 12.0 * (n + 1.0 - ties / (n * (n - 1.0)))));
}

/*
 * P(U <= u) under the null hypothesis: exact (by counting) or by the normal
 * approximation with the tie correction and a continuity correction, as
 * scipy's method="auto" chooses.
 */
static double mwu_cdf(double u, size_t na, size_t nb, double ties)
{
	double count[MWU_EXACT_COUNTS], below = 0.0, total = 0.0, sd;

	if (mwu_exact(na, nb, ties)) {
		mwu_exact_counts(na, nb, count);
		for (size_t d = 0; d <= na * nb; d++) {
			total += count[d];
			if ((double)d <= u)
				below += count[d];
		}
		return below / total;
	}
	sd = mwu_sd(na, nb, ties);
	/* All values equal: U is always mn / 2, and nothing tells a from b. */
	if (sd <= 0.0)
		return 1.0;
	return gsl_cdf_ugaussian_P((u - (double)na * (double)nb / 2.0 + 0.5) / sd);
}

double pb_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
	double u, ties, mn = (double)na * (double)nb;

	if (na == 0 || nb == 0)
		return 1.0;
	if (mwu_rank(a, na, b, nb, &u, &ties) < 0)
		return NAN;
	/* Two-sided: twice the tail below the smaller of U(a) and U(b). */
	return fmin(1.0, 2.0 * mwu_cdf(fmin(u, mn - u), na, nb, ties));
}

double pb_mann_whitney_less_p(const double *a, size_t na, const double *b, size_t nb)
{
	double u, ties;

	if (na == 0 || nb == 0)
		return 1.0;
	if (mwu_rank(a, na, b, nb, &u, &ties) < 0)
		return NAN;
	/* Few pairs in which a's value is the larger one: a tends to be smaller. */
	return fmin(1.0, mwu_cdf(u, na, nb, ties));
}

double pb_mann_whitney_u(const double *a, size_t na, const double *b, size_t nb)
{
	double u, ties;

	if (na == 0 || nb == 0 || mwu_rank(a, na, b, nb, &u, &ties) < 0)
		return NAN;
	return u;
}

/*
 * The largest k such that a two-sided test at alpha rejects when U (or
 * mn - U) is k or less: 2 P(U <= k) < alpha, without ties; -1 when even
 * U = 0 does not reject.
 */
static double mwu_critical(size_t na, size_t nb, double alpha)
{
	double count[MWU_EXACT_COUNTS], below = 0.0, total = 0.0, mn = (double)na * (double)nb;
	double k;

	if (mwu_exact(na, nb, 0.0)) {
		mwu_exact_counts(na, nb, count);
		for (size_t d = 0; d <= na * nb; d++)
			total += count[d];
		for (size_t d = 0; d <= na * nb; d++) {
			below += count[d];
			if (2.0 * below / total >= alpha)
				return (double)d - 1.0;
		}
		return mn;
	}
	/* 2 Phi((k - mn/2 + 1/2) / sd) < alpha: k below mn/2 - 1/2 + sd Phi^-1(alpha/2). */
	k = ceil(mn / 2.0 - 0.5 + mwu_sd(na, nb, 0.0) * gsl_cdf_ugaussian_Pinv(alpha / 2.0)) - 1.0;
	return fmax(k, -1.0);
}

double pb_hodges_lehmann(const double *a, size_t na, const double *b, size_t nb, double level,
			 double *shift, double *lo, double *hi)
{
	size_t m = na * nb, k = 0;
	double *d, crit;

	*shift = *lo = *hi = NAN;
	if (na == 0 || nb == 0 || !(d = malloc(m * sizeof(*d))))
		return 0.0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			d[k++] = a[i] - b[j];
	pb_sort(d, m);
	*shift = pb_quantile(d, m, 0.5);
	/*
	 * A shift s lies outside the interval when the test of a - s against
	 * b rejects it: when at most crit of the differences lie above s, or
	 * at most crit below.  So the bounds are the (crit + 1)-th difference
	 * from either end: the widest pair, min and max, when even U = 0 would
	 * not reject, and then the coverage falls short of the level.
	 */
	crit = mwu_critical(na, nb, 1.0 - level);
	k = crit < 0.0 ? 0 : (size_t)crit;
	if (k > (m - 1) / 2)
		k = (m - 1) / 2;
	*lo = d[k];
	*hi = d[m - 1 - k];
	free(d);
	return 1.0 - 2.0 * mwu_cdf((double)k, na, nb, 0.0);
}

double pb_mwu_reps_needed(double superiority, double alpha, double power)
{
	double z = gsl_cdf_ugaussian_Pinv(1.0 - alpha / 2.0) + gsl_cdf_ugaussian_Pinv(power);
	double gap = superiority - 0.5;
	unsigned n = 1;

	/* Noether (1987), equal samples: n = (z_a + z_b)^2 / (6 (p - 1/2)^2) a side. */
	if (gap == 0.0)
		return INFINITY;
	/* Never fewer than complete separation needs to reach alpha: 2 / C(2n, n) < alpha. */
	while (2.0 * exp(lgamma(n + 1.0) * 2.0 - lgamma(2.0 * n + 1.0)) >= alpha)
		n++;
	return fmax((double)n, ceil(z * z / (6.0 * gap * gap)));
}

/*
 * The p-values sorted, each with its index, malloc'd; NULL out of memory,
 * after p became Bonferroni's n x p, never below Holm's or
 * Benjamini-Hochberg's, so the error rate still holds, only with less power.
 */
static struct keyed *sorted_or_bonferroni(double *p, size_t n)
{
	struct keyed *order = malloc(n * sizeof(*order));

	if (!order) {
		for (size_t i = 0; i < n; i++)
			p[i] = fmin(1.0, (double)n * p[i]);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = (struct keyed){ p[i], i };
	qsort(order, n, sizeof(*order), compare_keyed);
	return order;
}

void pb_benjamini_hochberg(double *p, size_t n)
{
	struct keyed *order = sorted_or_bonferroni(p, n);
	double running = 1.0;

	/* From the largest down: p(j) n / j, never above the one after it. */
	for (size_t i = n; order && i-- > 0;) {
		running = fmin(running, (double)n / (double)(i + 1) * order[i].key);
		p[order[i].tag] = running;
	}
	free(order);
}

void pb_holm(double *p, size_t n)
{
	struct keyed *order = sorted_or_bonferroni(p, n);
	double running = 0.0;

	/* The i-th smallest times n - i, never below the one before it. */
	for (size_t i = 0; order && i < n; i++) {
		running = fmax(running, fmin(1.0, (double)(n - i) * order[i].key));
		p[order[i].tag] = running;
	}
	free(order);
}

double pb_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double level,
		   double *ratio, double *lo, double *hi)
{
	double *la = malloc((na + 1) * sizeof(*la)), *lb = malloc((nb + 1) * sizeof(*lb));
	double coverage = 0.0;

	*ratio = *lo = *hi = NAN;
	if (la && lb) {
		for (size_t i = 0; i < na; i++)
			la[i] = log(a[i]);
		for (size_t j = 0; j < nb; j++)
			lb[j] = log(b[j]);
		coverage = pb_hodges_lehmann(la, na, lb, nb, level, ratio, lo, hi);
		*ratio = exp(*ratio);
		*lo = exp(*lo);
		*hi = exp(*hi);
	}
	free(la);
	free(lb);
	return coverage;
}

/* e = (1/S - 1/p) / (1 - 1/p) */
double pb_karp_flatt(double speedup, unsigned p)
{
	if (p < 2 || !(speedup > 0.0))
		return NAN;
	return (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p);
}

/*
 * The least-squares slope of a line through the origin, sum(x y) / sum(x^2),
 * over the points (x, y) = point(p, v) of p >= 2 and a positive v: a point
 * at p = 1 says nothing of a serial fraction, and one without a positive
 * speedup is no measurement.  NAN without a point.
 */
static double fit_through_origin(const unsigned *p, const double *v, size_t n,
				 void (*point)(unsigned p, double v, double *x, double *y))
{
	double xy = 0.0, xx = 0.0;

	for (size_t i = 0; i < n; i++) {
		double x, y;

		if (p[i] < 2 || !(v[i] > 0.0))
			continue;
		point(p[i], v[i], &x, &y);
		xy += x * y;
		xx += x * x;
	}
	return xx > 0.0 ? xy / xx : NAN;
}

/* Amdahl: 1/S - 1/p = f (1 - 1/p). */
static void amdahl_point(unsigned p, double speedup, double *x, double *y)
{
	*x = 1.0 - 1.0 / p;
	*y = 1.0 / speedup - 1.0 / p;
}

double pb_amdahl_fit(const unsigned *p, const double *speedup, size_t n)
{
	return fit_through_origin(p, speedup, n, amdahl_point);
}

/* Gustafson: S(p) = p T1 / Tp = p - s (p - 1), so p (1 - T1 / Tp) = s (p - 1). */
static void gustafson_point(unsigned p, double weak_efficiency, double *x, double *y)
{
	*x = p - 1.0;
	*y = p * (1.0 - weak_efficiency);
}

double pb_gustafson_fit(const unsigned *p, const double *weak_efficiency, size_t n)
{
	return fit_through_origin(p, weak_efficiency, n, gustafson_point);
}

double pb_crossover(const double *sizes, const double *speedup, size_t n)
{
	size_t below = n;	/* the last point below 1, n if none */
	double t;

	for (size_t i = 0; i < n; i++) {
		if (speedup[i] < 1.0)
			below = i;
	}
	if (n == 0 || below == n - 1)
		return NAN;
	if (below == n)
		return sizes[0];
	/* Where the line through the two points reaches 1, in log(size). */
	t = (1.0 - speedup[below]) / (speedup[below + 1] - speedup[below]);
	return sizes[below] * pow(sizes[below + 1] / sizes[below], t);
}
