/*
 * The opencl strategy's kernels: one OpenCL C program per workload it runs,
 * each giving, per task, the checksum the workload's own run_task gives.
 */
#ifndef PARBENCH_OPENCL_KERNELS_H
#define PARBENCH_OPENCL_KERNELS_H

#include <stdbool.h>

#include "workload.h"

/*
 * A workload's program.  Its kernel, PB_CL_KERNEL, takes (ulong tasks, ulong
 * size, __global ulong *sums), one work-item per task writing sums[task];
 * with arrays, then (__global double *a, __global const double *b,
 * __global const double *c), mem.triad's (benchmarks/mem_triad.h).
 */
struct pb_cl_program {
	const char *workload;
	const char *source;
	bool arrays;
};

#define PB_CL_KERNEL "checksums"

/* The program of a built-in workload, or NULL: it has no kernel. */
const struct pb_cl_program *pb_cl_program_of(const struct pb_workload *w);

#endif
