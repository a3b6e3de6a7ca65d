/*
 * A Slurm job's allocation as the SLURM_* variables of its environment
 * describe it, for meta.json and for an Open MPI host file of its nodes
 * (`parbench slurm-hostfile`).  Slurm itself is not needed: parbench only
 * reads the variables that sbatch, salloc and srun set.
 */
#ifndef PARBENCH_SLURM_H
#define PARBENCH_SLURM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/parse.h"

/*
 * Expands a Slurm host list, such as "node[01-03,07],gpu-a[1-2]", as Slurm
 * does: a bracket group is a comma-separated list of numbers and ranges,
 * each number written as wide as its range's first one (zero padding
 * kept), and several groups in one name are multiplied out, the leftmost
 * slowest ("r[1-2]n[1-2]": r1n1, r1n2, r2n1, r2n2).  Refused, where Slurm
 * would refuse them or take them as odd literal names: an empty name, a
 * space or a byte outside printable ASCII, a bracket that does not pair, a
 * group inside a group, text after a name's last group, a reversed range.
 * At most PB_LIST_MAX names.
 */
int pb_slurm_hostlist(const char *text, struct pb_names *out, char *why, size_t whylen);

/* Expands Slurm's compressed counts: "4(x2),2" is 4, 4, 2; each 1 or more; PB_LIST_MAX at most. */
int pb_slurm_counts(const char *text, struct pb_list *out, char *why, size_t whylen);

#define PB_SLURM_VARIABLES 8		/* the variables pb_slurm_read parses */

/* A variable whose value pb_slurm_read could not take. */
struct pb_slurm_malformed {
	const char *variable;		/* "SLURM_TASKS_PER_NODE" */
	const char *value;		/* "2(x3),1(x" */
	char why[192];			/* "'1(x' is not N or N(xM)" */
};

struct pb_slurm {
	/* As given (getenv's strings); NULL where unset. */
	const char *job_id, *job_name, *cluster, *partition;
	/* The rest is empty, or -1, where unset or malformed. */
	struct pb_names nodes;		/* SLURM_JOB_NODELIST (else SLURM_NODELIST), expanded */
	struct pb_list cpus_per_node;	/* SLURM_JOB_CPUS_PER_NODE, a count per node */
	struct pb_list tasks_per_node;	/* SLURM_TASKS_PER_NODE, a count per node */
	int64_t num_nodes;		/* SLURM_JOB_NUM_NODES (else SLURM_NNODES) */
	int64_t cpus_on_node;		/* SLURM_CPUS_ON_NODE: this node's */
	int64_t ntasks;			/* SLURM_NTASKS: set when the job asked for tasks */
	int64_t procid, nodeid;		/* SLURM_PROCID, SLURM_NODEID: this task's, under srun */
	struct pb_slurm_malformed malformed[PB_SLURM_VARIABLES];
	size_t nmalformed;
};

/*
 * Reads the job from the environment: false, with nothing to free, outside
 * a job (no SLURM_JOB_ID); else true, with every variable it could take,
 * and those it could not in `malformed` (a count that disagrees with the
 * node list is malformed too).  pb_slurm_free frees it.
 */
bool pb_slurm_read(struct pb_slurm *job);
void pb_slurm_free(struct pb_slurm *job);

/*
 * An Open MPI host file of the job's nodes, "node01 slots=4" a line: slots
 * are the node's tasks (SLURM_TASKS_PER_NODE) when the job asked for tasks
 * (SLURM_NTASKS is set), else its CPUs (SLURM_JOB_CPUS_PER_NODE).  0, or -1
 * with the reason, writing nothing, when a variable it needs is unset or
 * malformed.
 */
int pb_slurm_hostfile(const struct pb_slurm *job, FILE *out, char *why, size_t whylen);

/* meta.json's "slurm": the job's record, with what was malformed; null outside a job. */
json_t *pb_slurm_json(void);

/* A warning on err per malformed variable of the job's, if in one. */
void pb_slurm_warn(FILE *err);

#endif
