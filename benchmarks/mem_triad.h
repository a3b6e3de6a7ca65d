/*
 * mem.triad's arrays, for a strategy that takes them elsewhere (opencl
 * copies b and c to its device and a back): a[j] = b[j] + MEM_TRIAD_SCALAR *
 * c[j], task t owning [t * size, (t + 1) * size).
 */
#ifndef PARBENCH_MEM_TRIAD_H
#define PARBENCH_MEM_TRIAD_H

#include <stddef.h>

#define MEM_TRIAD_SCALAR 3.0

/* job->state of a mem.triad job, after its setup. */
struct pb_triad {
	double *a, *b, *c;
	size_t bytes;		/* of the whole mapping */
};

#endif
