/*
 * The columns of the run's CSV files, declared once: raw.csv (and
 * control.csv, which has its columns), summary.csv and verdicts.csv.  Each
 * X(name, type, unit, help): type is TEXT, INTEGER, NUMBER or BOOLEAN (0 or
 * 1), unit a string or NULL.  The writers (report/output.c) take their
 * headers and their order from these lists, compare looks raw.csv's columns
 * up here by name, and schema.json describes them for the plots and the
 * report.  An empty field is a figure that does not exist.
 *
 * Columns are only ever appended: the contract's (../shared/DESIGN.md) and
 * every one added after keep their places.
 */
#ifndef PARBENCH_SCHEMA_H
#define PARBENCH_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

/* The cell: the first eight columns of raw.csv and summary.csv. */
#define PB_CELL_COLUMNS(X) \
	X(run_id, TEXT, NULL, "the run: its UTC start time, as its directory's name") \
	X(workload, TEXT, NULL, "the workload (parbench list)") \
	X(kind, TEXT, NULL, "the workload's kind: cpu, mem or io") \
	X(strategy, TEXT, NULL, "the strategy (parbench list)") \
	X(workers, INTEGER, NULL, "threads or processes; for io workloads, tasks in flight") \
	X(pin, TEXT, NULL, "the pin policy: none, compact, scatter or pu:LIST") \
	X(tasks, INTEGER, NULL, "tasks in the job") \
	X(size, INTEGER, NULL, "units of work per task, in the workload's size_unit")

#define PB_RAW_COLUMNS(X) \
	PB_CELL_COLUMNS(X) \
	X(rep, INTEGER, NULL, "the repetition's number within its cell, from 0") \
	X(wall_s, NUMBER, "s", "wall time of the strategy's run (CLOCK_MONOTONIC)") \
	X(user_s, NUMBER, "s", "user CPU time of the cell and its reaped worker processes") \
	X(sys_s, NUMBER, "s", "system CPU time of the cell and its reaped worker processes") \
	X(max_rss_kb, INTEGER, "KiB", "peak resident set of the cell, or its largest worker process") \
	X(vcsw, INTEGER, NULL, "voluntary context switches during the run") \
	X(ivcsw, INTEGER, NULL, "involuntary context switches during the run") \
	X(lat_p50_s, NUMBER, "s", "median of the tasks' own durations, start to done") \
	X(lat_p99_s, NUMBER, "s", "99th percentile of the tasks' own durations") \
	X(checksum, INTEGER, NULL, "the job's checksum, every task's folded in") \
	X(ok, BOOLEAN, NULL, "1 when the repetition ran and its checksum equals seq's") \
	X(cpus, TEXT, NULL, "per worker, the PUs it was seen on: workers by ';', PUs by '+'") \
	X(error, TEXT, NULL, "why the repetition failed; empty when it did not") \
	X(loops, INTEGER, NULL, "loop threads of an evloop-* cell; empty for other strategies") \
	X(startup_s, NUMBER, "s", "start-up of the process that timed it, not in wall_s") \
	X(work_s, NUMBER, "s", "the work alone, where the strategy tells it from its launch") \
	X(minflt, INTEGER, NULL, "minor page faults during the run") \
	X(majflt, INTEGER, NULL, "major page faults (with I/O) during the run") \
	X(cut, TEXT, NULL, "on a row after a cell's last repetition: why --budget cut it") \
	X(device, TEXT, NULL, "an opencl cell's device: its name (TYPE, platform); empty for others") \
	X(build_s, NUMBER, "s", "opencl: the program's build in the cell's process, not in wall_s") \
	X(h2d_s, NUMBER, "s", "opencl: the repetition's host-to-device copies (device events)") \
	X(kernel_s, NUMBER, "s", "opencl: the repetition's kernel (device events)") \
	X(d2h_s, NUMBER, "s", "opencl: the repetition's device-to-host copies (device events)") \
	X(hosts, TEXT, NULL, "per worker, the host it ran on, by ';' as cpus; empty: all on this one")

#define PB_SUMMARY_COLUMNS(X) \
	PB_CELL_COLUMNS(X) \
	X(reps, INTEGER, NULL, "repetitions that ran and matched") \
	X(wall_median_s, NUMBER, "s", "median of wall_s") \
	X(wall_mean_s, NUMBER, "s", "mean of wall_s") \
	X(wall_sd_s, NUMBER, "s", "standard deviation of wall_s (n - 1)") \
	X(wall_ci95_lo_s, NUMBER, "s", "the median's distribution-free 95% interval: low end") \
	X(wall_ci95_hi_s, NUMBER, "s", "the median's distribution-free 95% interval: high end") \
	X(wall_min_s, NUMBER, "s", "fastest wall_s") \
	X(wall_max_s, NUMBER, "s", "slowest wall_s") \
	X(cv, NUMBER, NULL, "sd / mean") \
	X(speedup, NUMBER, NULL, "seq's time over the cell's (Hodges-Lehmann); empty: --baseline none") \
	X(efficiency, NUMBER, NULL, "speedup / workers") \
	X(cpu_util, NUMBER, NULL, "median of (user + sys) / wall: PUs kept busy") \
	X(lat_p50_s, NUMBER, "s", "median over the repetitions of lat_p50_s") \
	X(lat_p99_s, NUMBER, "s", "median over the repetitions of lat_p99_s") \
	X(ok, BOOLEAN, NULL, "1 when every repetition ran and matched") \
	X(loops, INTEGER, NULL, "loop threads of an evloop-* cell; empty for other strategies") \
	X(outliers, INTEGER, NULL, "repetitions beyond median +/- 3 scaled MADs, kept") \
	X(speedup_ci95_lo, NUMBER, NULL, "the speedup's 95% interval (Mann-Whitney U): low end") \
	X(speedup_ci95_hi, NUMBER, NULL, "the speedup's 95% interval: high end") \
	X(efficiency_ci95_lo, NUMBER, NULL, "the speedup's interval over workers: low end") \
	X(efficiency_ci95_hi, NUMBER, NULL, "the speedup's interval over workers: high end") \
	X(karp_flatt, NUMBER, NULL, "Karp and Flatt's serial fraction, for more than one worker") \
	X(crossover_size, NUMBER, NULL, "the task size from which the cell beats seq, in size_unit") \
	X(startup_median_s, NUMBER, "s", "median of startup_s") \
	X(work_median_s, NUMBER, "s", "median of work_s") \
	X(speedup_vs_seq, NUMBER, NULL, "seq's time over this cell's, also for py-* cells") \
	X(user_median_s, NUMBER, "s", "median of user_s") \
	X(sys_median_s, NUMBER, "s", "median of sys_s") \
	X(vcsw_median, NUMBER, NULL, "median of vcsw") \
	X(ivcsw_median, NUMBER, NULL, "median of ivcsw") \
	X(minflt_median, NUMBER, NULL, "median of minflt") \
	X(majflt_median, NUMBER, NULL, "median of majflt") \
	X(pus, INTEGER, NULL, "the PUs the cell was given") \
	X(pu_util, NUMBER, NULL, "cpu_util / pus: the share of its PUs the cell kept busy") \
	X(task_clock_s, NUMBER, "s", "the counted repetition's task clock") \
	X(context_switches, NUMBER, NULL, "the counted repetition's context switches") \
	X(migrations, NUMBER, NULL, "the counted repetition's CPU migrations") \
	X(cycles, NUMBER, NULL, "the counted repetition's cycles") \
	X(instructions, NUMBER, NULL, "the counted repetition's instructions") \
	X(task_cost_s, NUMBER, "s", "for an overhead workload: what a task costs above the base") \
	X(task_cost_ci95_lo_s, NUMBER, "s", "task_cost_s's 95% interval: low end") \
	X(task_cost_ci95_hi_s, NUMBER, "s", "task_cost_s's 95% interval: high end") \
	X(cut, TEXT, NULL, "why --budget gave the cell fewer repetitions than it wanted") \
	X(counterpart, TEXT, NULL, "a py-* cell's C strategy, the one that does the same in C") \
	X(counterpart_workers, INTEGER, NULL, "its cell's workers: this cell's, or its best cell's") \
	X(counterpart_ratio, NUMBER, NULL, "this cell's time over that cell's (Hodges-Lehmann)") \
	X(counterpart_ratio_ci95_lo, NUMBER, NULL, "counterpart_ratio's 95% interval: low end") \
	X(counterpart_ratio_ci95_hi, NUMBER, NULL, "counterpart_ratio's 95% interval: high end") \
	X(mechanism, TEXT, NULL, "the bare-* strategy that does what this one does, without parbench") \
	X(mechanism_workers, INTEGER, NULL, "its cell's workers: this cell's, or its best cell's") \
	X(mechanism_ratio, NUMBER, NULL, "this cell's time over that cell's (Hodges-Lehmann)") \
	X(mechanism_ratio_ci95_lo, NUMBER, NULL, "mechanism_ratio's 95% interval: low end") \
	X(mechanism_ratio_ci95_hi, NUMBER, NULL, "mechanism_ratio's 95% interval: high end") \
	X(device, TEXT, NULL, "an opencl cell's device: its name (TYPE, platform); empty for others") \
	X(build_median_s, NUMBER, "s", "opencl: median of build_s, a build per cell process") \
	X(h2d_median_s, NUMBER, "s", "opencl: median of h2d_s") \
	X(kernel_median_s, NUMBER, "s", "opencl: median of kernel_s") \
	X(d2h_median_s, NUMBER, "s", "opencl: median of d2h_s") \
	X(weak_efficiency, NUMBER, NULL, "--scaling weak: seq's time over the cell's, T1 / Tn") \
	X(weak_efficiency_ci95_lo, NUMBER, NULL, "weak_efficiency's 95% interval: low end") \
	X(weak_efficiency_ci95_hi, NUMBER, NULL, "weak_efficiency's 95% interval: high end") \
	X(gustafson_serial_fraction, NUMBER, NULL, "--scaling weak: Gustafson's s, of the strategy and pin")

#define PB_VERDICT_COLUMNS(X) \
	X(run_id, TEXT, NULL, "the run: its UTC start time, as its directory's name") \
	X(workload, TEXT, NULL, "the group's workload") \
	X(kind, TEXT, NULL, "the workload's kind: cpu, mem or io") \
	X(tasks, INTEGER, NULL, "the group's tasks") \
	X(size, INTEGER, NULL, "the group's task size, in the workload's size_unit") \
	X(verdict, TEXT, NULL, "the group's answer: winner, equivalent, undecided or alone") \
	X(alpha, NUMBER, NULL, "the level of the group's tests") \
	X(margin, NUMBER, NULL, "the equivalence margin, as a ratio above 1") \
	X(reps_to_decide, NUMBER, NULL, "repetitions a cell likely to decide it; inf: none would") \
	X(rank, INTEGER, NULL, "the contender's place, fastest first, from 1") \
	X(strategy, TEXT, NULL, "the contender's strategy") \
	X(workers, INTEGER, NULL, "the workers of its best cell") \
	X(pin, TEXT, NULL, "the pin policy of its best cell") \
	X(loops, INTEGER, NULL, "loop threads of an evloop-* cell; empty for other strategies") \
	X(role, TEXT, NULL, "leader, slower, equivalent or tied") \
	X(wall_median_s, NUMBER, "s", "its best cell's median wall time") \
	X(ratio, NUMBER, NULL, "its time over the leader's (Hodges-Lehmann)") \
	X(ratio_lo, NUMBER, NULL, "the ratio's interval at 1 - alpha: low end") \
	X(ratio_hi, NUMBER, NULL, "the ratio's interval at 1 - alpha: high end") \
	X(equivalence_lo, NUMBER, NULL, "the ratio's interval at 1 - 2 alpha: low end") \
	X(equivalence_hi, NUMBER, NULL, "the ratio's interval at 1 - 2 alpha: high end") \
	X(p_slower, NUMBER, NULL, "one-sided Mann-Whitney U p that the leader is faster") \
	X(p, NUMBER, NULL, "two-sided Mann-Whitney U p") \
	X(contender_reps_to_decide, NUMBER, NULL, "tied: repetitions likely to decide; inf: none would") \
	X(decide_by, TEXT, NULL, "for a tied one: difference or equivalence") \
	X(pus, INTEGER, NULL, "the PUs its best cell was given") \
	X(ideal_s, NUMBER, "s", "the base's CPU time over pus") \
	X(extra_user_s, NUMBER, "s", "user CPU time beyond the base's, over pus") \
	X(extra_sys_s, NUMBER, "s", "system CPU time beyond the base's, over pus") \
	X(idle_s, NUMBER, "s", "time its PUs waited: wall_median_s - its CPU time over pus") \
	X(why, TEXT, NULL, "where its time went, in a sentence")

enum pb_column_type { PB_TEXT, PB_INTEGER, PB_NUMBER, PB_BOOLEAN };

struct pb_column {
	const char *name;
	enum pb_column_type type;
	const char *unit;		/* NULL: none, or the workload's size_unit */
	const char *help;
};

/* Each column's index: PB_RAW_wall_s, PB_SUMMARY_speedup, PB_VERDICT_why, and their counts. */
#define PB_SCHEMA_INDEX(prefix, name) prefix##name,
#define PB_RAW_INDEX(name, type, unit, help) PB_SCHEMA_INDEX(PB_RAW_, name)
#define PB_SUMMARY_INDEX(name, type, unit, help) PB_SCHEMA_INDEX(PB_SUMMARY_, name)
#define PB_VERDICT_INDEX(name, type, unit, help) PB_SCHEMA_INDEX(PB_VERDICT_, name)
enum pb_raw_column { PB_RAW_COLUMNS(PB_RAW_INDEX) PB_RAW_NCOLUMNS };
enum pb_summary_column { PB_SUMMARY_COLUMNS(PB_SUMMARY_INDEX) PB_SUMMARY_NCOLUMNS };
enum pb_verdict_column { PB_VERDICT_COLUMNS(PB_VERDICT_INDEX) PB_VERDICT_NCOLUMNS };

/* One CSV file's columns, in order. */
struct pb_table {
	const char *file;		/* "raw.csv" */
	const struct pb_column *columns;
	size_t n;
};

extern const struct pb_table pb_raw_table, pb_control_table, pb_summary_table,
	pb_verdict_table;

/* The column's index in the table, or -1. */
int pb_table_find(const struct pb_table *table, const char *name);

/* The table's header line, the names joined by commas, with its newline. */
void pb_table_header(FILE *f, const struct pb_table *table);

/*
 * Writes dir/schema.json: every file's columns, every workload and every
 * strategy.  0 or -errno.
 */
int pb_schema_write(const char *dir);

#endif
