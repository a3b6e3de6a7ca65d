/*
 * The machine's topology (hwloc) and pinning workers to PUs.
 *
 * PU numbers are hwloc's logical indexes within the topology this process
 * may use (an outer taskset is honoured), as `parbench topo` prints them.
 */
#ifndef PARBENCH_PIN_H
#define PARBENCH_PIN_H

#include <hwloc.h>
#include <sched.h>
#include <stdio.h>

#include "util/parse.h"

enum pb_pin_policy {
	PB_PIN_NONE,		/* the OS decides */
	PB_PIN_COMPACT,		/* worker i on PU i, wrapping */
	PB_PIN_SCATTER,		/* spread over the machine (hwloc_distrib) */
	PB_PIN_LIST,		/* worker i on the i-th PU of a list, wrapping */
};

struct pb_pin {
	enum pb_pin_policy policy;
	struct pb_list pus;	/* PB_PIN_LIST only */
	const char *spec;	/* as given, for the output */
};

int pb_topology_load(hwloc_topology_t *topology, char *why, size_t whylen);
unsigned pb_topology_pus(hwloc_topology_t topology);
const char *pb_topology_cpu_model(hwloc_topology_t topology);
void pb_topology_print(hwloc_topology_t topology, FILE *out);

/* "none", "compact", "scatter" or "pu:LIST" with PUs below `pus`. */
int pb_pin_parse(const char *text, unsigned pus, struct pb_pin *pin, char *why, size_t whylen);
void pb_pin_free(struct pb_pin *pin);

/* One single-PU cpuset per worker; NULL when the policy is none. */
hwloc_cpuset_t *pb_pin_cpusets(hwloc_topology_t topology, const struct pb_pin *pin,
			       unsigned workers);
void pb_pin_cpusets_free(hwloc_cpuset_t *sets, unsigned workers);

/*
 * How many PUs `workers` workers are given: the distinct PUs of their
 * cpusets, or without pinning min(workers, PUs).  -ENOMEM when out of memory.
 */
int pb_pin_pus(hwloc_topology_t topology, const struct pb_pin *pin, unsigned workers);

/*
 * pb_pin_cpusets' sets in the kernel's form, one cpu_set_t of OS CPU numbers
 * per worker: what sched_setaffinity takes.  NULL when the policy is none or
 * out of memory.
 */
cpu_set_t *pb_pin_cpu_sets(hwloc_topology_t topology, const struct pb_pin *pin, unsigned workers);

/* pb_pin_cpu_sets as a cell process's bind= ("0;1;0", machine/cpus.h); NULL as it. */
char *pb_pin_cpu_sets_text(hwloc_topology_t topology, const struct pb_pin *pin, unsigned workers);

/*
 * "0,2,1,3": the OS CPU number of each PU, in logical order, for a cell
 * process's pu_os= (the cpus column's logical numbers); NULL when out of memory.
 */
char *pb_topology_pu_os(hwloc_topology_t topology);

#endif
