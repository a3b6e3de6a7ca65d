/*
 * The kernel's CPU sets (cpu_set_t, OS CPU numbers) as text: the form in
 * which the supervisor, which has the topology, tells a cell process where
 * its workers go, so that the cell loads none.  "0,1;2" is worker 0 on OS
 * CPUs 0 and 1, worker 1 on OS CPU 2; the py-* strategies' PARBENCH_BIND
 * is the same text.
 */
#ifndef PARBENCH_CPUS_H
#define PARBENCH_CPUS_H

#include <sched.h>
#include <stddef.h>
#include <stdio.h>

/* "0,1;2": the n sets, ';' between them, each CPU number once, in order. */
void pb_cpu_sets_print(FILE *out, const cpu_set_t *sets, unsigned n);

/*
 * The text pb_cpu_sets_print writes (ranges such as "0-3" too) into exactly
 * n non-empty sets: 0, or -1 with why.
 */
int pb_cpu_sets_parse(const char *text, unsigned n, cpu_set_t *sets, char *why, size_t whylen);

#endif
