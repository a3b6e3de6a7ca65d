#include <math.h>
#include <stdlib.h>

#include "stats.h"

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void pb_sort(double *v, size_t n)
{
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

/* P(Binomial(n, 1/2) = i), in logs so that large n does not underflow. */
static double binomial_half(size_t n, size_t i)
{
	return exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
		   lgamma((double)(n - i) + 1) - (double)n * log(2.0));
}

double pb_median_ci(size_t n, double level, size_t *lo, size_t *hi)
{
	double below = binomial_half(n, 0);	/* P(Binomial(n, 1/2) < k) */
	size_t k = 1;

	*lo = *hi = 0;
	if (n == 0)
		return 0.0;
	/* Narrow the interval while the narrower one still covers enough. */
	while (k < (n + 1) / 2) {
		double next = below + binomial_half(n, k);

		if (1.0 - 2.0 * next < level)
			break;
		below = next;
		k++;
	}
	*lo = k - 1;
	*hi = n - k;
	return 1.0 - 2.0 * below;
}
