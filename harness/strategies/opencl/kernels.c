/*
 * The kernels, as C strings: they travel inside parbench, so a cell finds
 * them wherever it runs from, and the Makefile needs no rule to embed a file.
 * Each is the workload's run_task (benchmarks/) written in OpenCL C with the
 * same arithmetic: ulong wraps as uint64_t does, and FP_CONTRACT OFF keeps
 * the compiler from fusing a * b + c into an FMA, which the C build (ISO C11,
 * x86-64 without -mfma) never does, so doubles round as they do in the C.
 */
#include <string.h>

#include "mem_triad.h"
#include "strategies/opencl/kernels.h"

#define PROLOGUE "#pragma OPENCL FP_CONTRACT OFF\n"
#define TEXT(x) #x
#define NUMBER(x) TEXT(x)
#define FP64 "#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n"

/*
 * cpu.sumsq: sum of i * i over the task's range, in wrapping 64-bit
 * arithmetic, one i at a time as the C does: the C's empty asm keeps the
 * compiler from summing in closed form and from vectorising, and OpenCL C
 * has no asm.  Here the loop pragma forbids the vectorising, and a zero the
 * compiler cannot know (tasks >> 63: tasks is below 2^63) XORed into each
 * term the closed form, which PoCL's LLVM found (a kernel of 2.6 us for
 * seq's 38 ms).
 */
static const char sumsq_source[] = PROLOGUE
	"__kernel void checksums(ulong tasks, ulong size, __global ulong *sums)\n"
	"{\n"
	"	ulong task = get_global_id(0), first = task * size, end = first + size, acc = 0;\n"
	"	ulong unknown_zero = tasks >> 63;\n"
	"\n"
	"#pragma clang loop vectorize(disable) interleave(disable)\n"
	"	for (ulong i = first; i != end; i++)\n"
	"		acc += (i * i) ^ unknown_zero;\n"
	"	sums[task] = acc;\n"
	"}\n";

/* cpu.nop: the task's number. */
static const char nop_source[] = PROLOGUE
	"__kernel void checksums(ulong tasks, ulong size, __global ulong *sums)\n"
	"{\n"
	"	sums[get_global_id(0)] = get_global_id(0);\n"
	"}\n";

/* cpu.mandel: one row a task, its escape times folded as benchmarks/cpu_mandel.c folds them. */
static const char mandel_source[] = PROLOGUE FP64
	"#define MAX_ITER 1000\n"
	"#define X_MIN -2.0\n"
	"#define X_MAX 0.5\n"
	"#define Y_MIN 0.0\n"
	"#define Y_MAX 1.25\n"
	"\n"
	"static uint escape_time(double cr, double ci)\n"
	"{\n"
	"	double zr = 0.0, zi = 0.0;\n"
	"	uint n = 0;\n"
	"\n"
	"	while (n < MAX_ITER && zr * zr + zi * zi <= 4.0) {\n"
	"		double next_zr = zr * zr - zi * zi + cr;\n"
	"\n"
	"		zi = 2.0 * zr * zi + ci;\n"
	"		zr = next_zr;\n"
	"		n++;\n"
	"	}\n"
	"	return n;\n"
	"}\n"
	"\n"
	"__kernel void checksums(ulong tasks, ulong size, __global ulong *sums)\n"
	"{\n"
	"	ulong row = get_global_id(0), sum = 0;\n"
	"	double ci = Y_MIN + (Y_MAX - Y_MIN) * (double)row / (double)tasks;\n"
	"\n"
	"	for (ulong col = 0; col < size; col++) {\n"
	"		double cr = X_MIN + (X_MAX - X_MIN) * (double)col / (double)size;\n"
	"\n"
	"		sum = sum * 1000003 + escape_time(cr, ci);\n"
	"	}\n"
	"	sums[row] = sum;\n"
	"}\n";

/* mem.triad: a = b + MEM_TRIAD_SCALAR * c over the task's slice; the sum of a's bit patterns. */
static const char triad_source[] = PROLOGUE FP64
	"__kernel void checksums(ulong tasks, ulong size, __global ulong *sums,\n"
	"			__global double *a, __global const double *b,\n"
	"			__global const double *c)\n"
	"{\n"
	"	ulong task = get_global_id(0), first = task * size, end = first + size, sum = 0;\n"
	"\n"
	"	for (ulong j = first; j < end; j++) {\n"
	"		double v = b[j] + " NUMBER(MEM_TRIAD_SCALAR) " * c[j];\n"
	"\n"
	"		a[j] = v;\n"
	"		sum += as_ulong(v);\n"
	"	}\n"
	"	sums[task] = sum;\n"
	"}\n";

static const struct pb_cl_program programs[] = {
	{ "cpu.sumsq", sumsq_source, false },
	{ "cpu.nop", nop_source, false },
	{ "cpu.mandel", mandel_source, false },
	{ "mem.triad", triad_source, true },
};

const struct pb_cl_program *pb_cl_program_of(const struct pb_workload *w)
{
	/* By name: a plugin may not take a built-in's (benchmarks/plugin.c). */
	for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
		if (strcmp(programs[i].workload, w->name) == 0)
			return &programs[i];
	return NULL;
}
