/* Order statistics and moments of small samples of timings. */
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

#endif
