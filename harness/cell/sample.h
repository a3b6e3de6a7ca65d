/*
 * One repetition's measurements, and the line that carries them from a cell
 * process to the supervisor:
 *
 *   S rep wall user sys max_rss_kb vcsw ivcsw lat_p50 lat_p99 startup work minflt majflt
 *     checksum cpus\n
 *   E rep message\n
 *
 * An offload strategy's repetition (runtime/offload.h) sends, just before its
 * S line, the line that the supervisor attaches to it:
 *
 *   O build h2d kernel d2h device\n
 *
 * A strategy whose workers may run on other hosts (mpi, py-dask) sends, also
 * just before its S line, the hosts its workers ran on, as raw.csv's hosts:
 *
 *   H host;host;...\n
 *
 * and, after them, from a cell's counted repetition (harness/cell/counters.h),
 * nan or -1 where a counter did not open:
 *
 *   C wall task_clock context_switches migrations minflt majflt cycles instructions\n
 */
#ifndef PARBENCH_SAMPLE_H
#define PARBENCH_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "runtime/offload.h"

struct pb_sample {
	unsigned rep;
	double wall_s, user_s, sys_s;
	long max_rss_kb, vcsw, ivcsw;
	double lat_p50_s, lat_p99_s;
	double startup_s;	/* the cell process's exec until it was ready to run, or NAN */
	double work_s;		/* the work alone, where the strategy tells it from its launch; NAN */
	long minflt, majflt;	/* page faults without and with I/O, as getrusage counts them */
	uint64_t checksum;
	char *cpus;		/* "0;1": per worker, the PUs it ran on, joined by + */
	char *hosts;		/* "a;b": per worker, the host it ran on; NULL: all on this one */
	char *error;		/* NULL when the repetition ran */
	struct pb_offload offload;	/* an offload strategy's; device NULL for the others */
	bool ok;		/* set by the supervisor: ran, and the checksum matched */
};

/* What the kernel counted in a cell's counted repetition (harness/cell/counters.h). */
struct pb_counts {
	double wall_s;
	double task_clock_s;		/* NAN where the counter did not open */
	int64_t context_switches, migrations, minflt, majflt, cycles, instructions;	/* or -1 */
};

/* Writes the sample's line to fd: 0 or -1 with errno. */
int pb_sample_send(int fd, const struct pb_sample *s);

/* Parses one line (without its newline): 0, or -1 when it is malformed. */
int pb_sample_parse(const char *line, struct pb_sample *s);

void pb_sample_free(struct pb_sample *s);

/* What getrusage counts for this process and its reaped children, at one moment. */
struct pb_usage {
	struct rusage self, children;
};

void pb_usage_now(struct pb_usage *u);

/* Fills the sample's resource figures (user_s ... majflt, max_rss_kb) from usage before and after. */
void pb_usage_delta(const struct pb_usage *a, const struct pb_usage *b, struct pb_sample *s);

/* Writes an offload repetition's O line to fd: 0 or -1 with errno. */
int pb_offload_send(int fd, const struct pb_offload *offload);

/*
 * Parses one O line (without its newline) into *offload, whose device is
 * then malloc'd: 0, or -1 (offload untouched) when it is none or malformed.
 */
int pb_offload_parse(const char *line, struct pb_offload *offload);

/* Writes a repetition's H line to fd: 0 or -1 with errno. */
int pb_hosts_send(int fd, const char *hosts);

/*
 * Parses one H line (without its newline) into *hosts, then malloc'd: 0, or
 * -1 (hosts untouched) when it is none or malformed.
 */
int pb_hosts_parse(const char *line, char **hosts);

/* Writes the counted repetition's line to fd: 0 or -1 with errno. */
int pb_counts_send(int fd, const struct pb_counts *counts);

/* Parses one C line (without its newline): 0, or -1 (counts untouched) when it is none or
 * malformed. */
int pb_counts_parse(const char *line, struct pb_counts *counts);

#endif
