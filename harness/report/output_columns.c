#include <inttypes.h>
#include <math.h>
#include <stddef.h>

#include "report/output_columns.h"
#include "report/schema.h"

/* What one row of any of the files is made from. */
struct row {
	const struct pb_output *out;
	const struct pb_cell *cell;
	const struct pb_sample *sample;		/* raw.csv: the repetition; NULL on a cut row */
	const struct pb_verdicts *verdicts;	/* verdicts.csv: the run's, */
	const struct pb_verdict *verdict;	/* the group's */
	const struct pb_contender *contender;	/* and the row's contender, */
	size_t rank;				/* from 0 */
};

/*
 * How a column's value is written: a function, and for the functions that
 * write one kind of figure, the offset of that figure in the sample, the
 * summary or the contender.
 */
struct column_writer {
	void (*write)(FILE *f, const struct row *r, size_t offset);
	size_t offset;
};

/* ---- the columns' values ---------------------------------------------------- */

static void cell_run_id(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fputs(r->out->run_id, f);
}

static void cell_workload(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	pb_csv_text(f, r->cell->workload->name);
}

static void cell_kind(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fputs(pb_kind_name(r->cell->workload->kind), f);
}

static void cell_strategy(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	pb_csv_text(f, r->cell->strategy->name);
}

static void cell_workers(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fprintf(f, "%u", r->cell->workers);
}

static void cell_pin(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	pb_csv_text(f, r->cell->pin->spec);
}

static void cell_tasks(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fprintf(f, "%" PRIu64, r->cell->tasks);
}

static void cell_size(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fprintf(f, "%" PRIu64, r->cell->size);
}

/* The loop threads of an event-loop cell, empty for others. */
static void cell_loops(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (r->cell->loops)
		fprintf(f, "%u", r->cell->loops);
}

/* Whether a raw.csv row has figures: a row without cpus never ran, nor does a cut row. */
static bool ran(const struct row *r)
{
	return r->sample && !(r->sample->error && !r->sample->cpus);
}

static const void *field(const void *base, size_t offset)
{
	return (const char *)base + offset;
}

static void sample_ns(FILE *f, const struct row *r, size_t offset)
{
	if (ran(r))
		fprintf(f, "%.9f", *(const double *)field(r->sample, offset));
}

static void sample_us(FILE *f, const struct row *r, size_t offset)
{
	if (ran(r))
		fprintf(f, "%.6f", *(const double *)field(r->sample, offset));
}

static void sample_count(FILE *f, const struct row *r, size_t offset)
{
	if (ran(r))
		fprintf(f, "%ld", *(const long *)field(r->sample, offset));
}

/* A figure that may be missing, even from a row that ran. */
static void sample_number(FILE *f, const struct row *r, size_t offset)
{
	if (r->sample)
		pb_csv_number(f, *(const double *)field(r->sample, offset));
}

/* A cut row's number is the cell's repetitions, the one a next row would have. */
static void raw_rep(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (r->sample)
		fprintf(f, "%u", r->sample->rep);
	else
		fprintf(f, "%zu", r->cell->nsamples);
}

static void raw_checksum(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (ran(r))
		fprintf(f, "%" PRIu64, r->sample->checksum);
}

static void raw_ok(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fputc(ran(r) && r->sample->ok ? '1' : '0', f);
}

static void raw_cpus(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (ran(r))
		pb_csv_text(f, r->sample->cpus);
}

static void raw_error(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (r->sample)
		pb_csv_text(f, r->sample->error);
}

static void raw_hosts(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (r->sample)
		pb_csv_text(f, r->sample->hosts);
}

/* The cut on a row of its own; empty on a repetition's row. */
static void raw_cut(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (!r->sample)
		pb_csv_text(f, r->cell->cut);
}

/* An offload repetition's device and figures; empty for other strategies. */
static void sample_device(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (ran(r) && r->sample->offload.device)
		pb_csv_text(f, r->sample->offload.device);
}

static void sample_offload(FILE *f, const struct row *r, size_t offset)
{
	if (ran(r) && r->sample->offload.device)
		pb_csv_number(f, *(const double *)field(&r->sample->offload, offset));
}

static void summary_device(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (r->cell->summary.device)
		pb_csv_text(f, r->cell->summary.device);
}

static void summary_number(FILE *f, const struct row *r, size_t offset)
{
	pb_csv_number(f, *(const double *)field(&r->cell->summary, offset));
}

static void summary_reps(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fprintf(f, "%zu", r->cell->summary.reps);
}

static void summary_ok(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fputc(r->cell->summary.ok ? '1' : '0', f);
}

static void summary_outliers(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fprintf(f, "%zu", r->cell->summary.outliers);
}

/* The other cell of the summary's relation at offset (counterpart, mechanism), or NULL. */
static const struct pb_cell *related(const struct row *r, size_t offset)
{
	return ((const struct pb_relation *)field(&r->cell->summary, offset))->cell;
}

static void summary_related(FILE *f, const struct row *r, size_t offset)
{
	if (related(r, offset))
		pb_csv_text(f, related(r, offset)->strategy->name);
}

static void summary_related_workers(FILE *f, const struct row *r, size_t offset)
{
	if (related(r, offset))
		fprintf(f, "%u", related(r, offset)->workers);
}

static void summary_pus(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fprintf(f, "%u", r->cell->summary.pus);
}

static void summary_cut(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	pb_csv_text(f, r->cell->cut);
}

static void contender_number(FILE *f, const struct row *r, size_t offset)
{
	pb_csv_number(f, *(const double *)field(r->contender, offset));
}

/* Repetitions that would decide: none (NAN) when decided, "inf" when none would. */
static void reps_to_decide(FILE *f, double reps)
{
	if (isinf(reps))
		fputs("inf", f);
	else
		pb_csv_number(f, reps);
}

static void verdict_kind(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fputs(pb_verdict_kind_name(r->verdict->kind), f);
}

static void verdict_alpha(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	pb_csv_number(f, r->verdict->alpha);
}

static void verdict_margin(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	pb_csv_number(f, r->verdicts->margin);
}

static void verdict_reps_to_decide(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	reps_to_decide(f, r->verdict->reps_to_decide);
}

static void verdict_rank(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fprintf(f, "%zu", r->rank + 1);
}

static void verdict_role(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	fputs(pb_role_name(r->contender->role), f);
}

static void contender_reps_to_decide(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	reps_to_decide(f, r->contender->reps_to_decide);
}

static void contender_decide_by(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	if (!isnan(r->contender->reps_to_decide))
		fputs(r->contender->decide_by_equivalence ? "equivalence" : "difference", f);
}

static void contender_why(FILE *f, const struct row *r, size_t offset)
{
	(void)offset;
	pb_csv_text(f, r->contender->why);
}

/* ---- the files' writers, by the schema's columns ------------------------------ */

#define CELL_KEY(file)                                  \
	[file##run_id] = { .write = cell_run_id },      \
	[file##workload] = { .write = cell_workload },  \
	[file##kind] = { .write = cell_kind },          \
	[file##strategy] = { .write = cell_strategy },  \
	[file##workers] = { .write = cell_workers },    \
	[file##pin] = { .write = cell_pin },            \
	[file##tasks] = { .write = cell_tasks },        \
	[file##size] = { .write = cell_size },          \
	[file##loops] = { .write = cell_loops }
#define SAMPLE(writer, name) { .write = writer, .offset = offsetof(struct pb_sample, name) }
#define OFFLOAD(name) { .write = sample_offload, .offset = offsetof(struct pb_offload, name) }
#define SUMMARY(name) { .write = summary_number, .offset = offsetof(struct pb_summary, name) }
/* A relation's five columns: the other strategy, its workers, the ratio and its interval. */
#define RELATION(name) \
	[PB_SUMMARY_##name] = { summary_related, offsetof(struct pb_summary, name) }, \
	[PB_SUMMARY_##name##_workers] = { summary_related_workers, \
					  offsetof(struct pb_summary, name) }, \
	[PB_SUMMARY_##name##_ratio] = SUMMARY(name.ratio), \
	[PB_SUMMARY_##name##_ratio_ci95_lo] = SUMMARY(name.lo), \
	[PB_SUMMARY_##name##_ratio_ci95_hi] = SUMMARY(name.hi)
#define CONTENDER(name) { .write = contender_number, .offset = offsetof(struct pb_contender, name) }

static const struct column_writer raw_writers[PB_RAW_NCOLUMNS] = {
	CELL_KEY(PB_RAW_),
	[PB_RAW_rep] = { .write = raw_rep },
	[PB_RAW_wall_s] = SAMPLE(sample_ns, wall_s),
	[PB_RAW_user_s] = SAMPLE(sample_us, user_s),
	[PB_RAW_sys_s] = SAMPLE(sample_us, sys_s),
	[PB_RAW_max_rss_kb] = SAMPLE(sample_count, max_rss_kb),
	[PB_RAW_vcsw] = SAMPLE(sample_count, vcsw),
	[PB_RAW_ivcsw] = SAMPLE(sample_count, ivcsw),
	[PB_RAW_lat_p50_s] = SAMPLE(sample_ns, lat_p50_s),
	[PB_RAW_lat_p99_s] = SAMPLE(sample_ns, lat_p99_s),
	[PB_RAW_checksum] = { .write = raw_checksum },
	[PB_RAW_ok] = { .write = raw_ok },
	[PB_RAW_cpus] = { .write = raw_cpus },
	[PB_RAW_error] = { .write = raw_error },
	[PB_RAW_startup_s] = SAMPLE(sample_number, startup_s),
	[PB_RAW_work_s] = SAMPLE(sample_number, work_s),
	[PB_RAW_minflt] = SAMPLE(sample_count, minflt),
	[PB_RAW_majflt] = SAMPLE(sample_count, majflt),
	[PB_RAW_cut] = { .write = raw_cut },
	[PB_RAW_device] = { .write = sample_device },
	[PB_RAW_build_s] = OFFLOAD(build_s),
	[PB_RAW_h2d_s] = OFFLOAD(h2d_s),
	[PB_RAW_kernel_s] = OFFLOAD(kernel_s),
	[PB_RAW_d2h_s] = OFFLOAD(d2h_s),
	[PB_RAW_hosts] = { .write = raw_hosts },
};

static const struct column_writer summary_writers[PB_SUMMARY_NCOLUMNS] = {
	CELL_KEY(PB_SUMMARY_),
	[PB_SUMMARY_reps] = { .write = summary_reps },
	[PB_SUMMARY_wall_median_s] = SUMMARY(median),
	[PB_SUMMARY_wall_mean_s] = SUMMARY(mean),
	[PB_SUMMARY_wall_sd_s] = SUMMARY(sd),
	[PB_SUMMARY_wall_ci95_lo_s] = SUMMARY(ci_lo),
	[PB_SUMMARY_wall_ci95_hi_s] = SUMMARY(ci_hi),
	[PB_SUMMARY_wall_min_s] = SUMMARY(min),
	[PB_SUMMARY_wall_max_s] = SUMMARY(max),
	[PB_SUMMARY_cv] = SUMMARY(cv),
	[PB_SUMMARY_speedup] = SUMMARY(speedup),
	[PB_SUMMARY_efficiency] = SUMMARY(efficiency),
	[PB_SUMMARY_cpu_util] = SUMMARY(cpu_util),
	[PB_SUMMARY_lat_p50_s] = SUMMARY(lat_p50),
	[PB_SUMMARY_lat_p99_s] = SUMMARY(lat_p99),
	[PB_SUMMARY_ok] = { .write = summary_ok },
	[PB_SUMMARY_outliers] = { .write = summary_outliers },
	[PB_SUMMARY_speedup_ci95_lo] = SUMMARY(speedup_lo),
	[PB_SUMMARY_speedup_ci95_hi] = SUMMARY(speedup_hi),
	[PB_SUMMARY_efficiency_ci95_lo] = SUMMARY(efficiency_lo),
	[PB_SUMMARY_efficiency_ci95_hi] = SUMMARY(efficiency_hi),
	[PB_SUMMARY_karp_flatt] = SUMMARY(karp_flatt),
	[PB_SUMMARY_crossover_size] = SUMMARY(crossover),
	[PB_SUMMARY_startup_median_s] = SUMMARY(startup),
	[PB_SUMMARY_work_median_s] = SUMMARY(work),
	[PB_SUMMARY_speedup_vs_seq] = SUMMARY(speedup_seq),
	[PB_SUMMARY_user_median_s] = SUMMARY(user),
	[PB_SUMMARY_sys_median_s] = SUMMARY(sys),
	[PB_SUMMARY_vcsw_median] = SUMMARY(vcsw),
	[PB_SUMMARY_ivcsw_median] = SUMMARY(ivcsw),
	[PB_SUMMARY_minflt_median] = SUMMARY(minflt),
	[PB_SUMMARY_majflt_median] = SUMMARY(majflt),
	[PB_SUMMARY_pus] = { .write = summary_pus },
	[PB_SUMMARY_pu_util] = SUMMARY(pu_util),
	[PB_SUMMARY_task_clock_s] = SUMMARY(task_clock),
	[PB_SUMMARY_context_switches] = SUMMARY(context_switches),
	[PB_SUMMARY_migrations] = SUMMARY(migrations),
	[PB_SUMMARY_cycles] = SUMMARY(cycles),
	[PB_SUMMARY_instructions] = SUMMARY(instructions),
	[PB_SUMMARY_task_cost_s] = SUMMARY(task_cost),
	RELATION(counterpart),
	RELATION(mechanism),
	[PB_SUMMARY_task_cost_ci95_lo_s] = SUMMARY(task_cost_lo),
	[PB_SUMMARY_task_cost_ci95_hi_s] = SUMMARY(task_cost_hi),
	[PB_SUMMARY_cut] = { .write = summary_cut },
	[PB_SUMMARY_device] = { .write = summary_device },
	[PB_SUMMARY_build_median_s] = SUMMARY(build),
	[PB_SUMMARY_h2d_median_s] = SUMMARY(h2d),
	[PB_SUMMARY_kernel_median_s] = SUMMARY(kernel),
	[PB_SUMMARY_d2h_median_s] = SUMMARY(d2h),
	[PB_SUMMARY_weak_efficiency] = SUMMARY(weak_efficiency),
	[PB_SUMMARY_weak_efficiency_ci95_lo] = SUMMARY(weak_efficiency_lo),
	[PB_SUMMARY_weak_efficiency_ci95_hi] = SUMMARY(weak_efficiency_hi),
	[PB_SUMMARY_gustafson_serial_fraction] = SUMMARY(gustafson),
};

static const struct column_writer verdict_writers[PB_VERDICT_NCOLUMNS] = {
	CELL_KEY(PB_VERDICT_),
	[PB_VERDICT_verdict] = { .write = verdict_kind },
	[PB_VERDICT_alpha] = { .write = verdict_alpha },
	[PB_VERDICT_margin] = { .write = verdict_margin },
	[PB_VERDICT_reps_to_decide] = { .write = verdict_reps_to_decide },
	[PB_VERDICT_rank] = { .write = verdict_rank },
	[PB_VERDICT_role] = { .write = verdict_role },
	[PB_VERDICT_wall_median_s] = SUMMARY(median),
	[PB_VERDICT_ratio] = CONTENDER(ratio),
	[PB_VERDICT_ratio_lo] = CONTENDER(lo),
	[PB_VERDICT_ratio_hi] = CONTENDER(hi),
	[PB_VERDICT_equivalence_lo] = CONTENDER(eq_lo),
	[PB_VERDICT_equivalence_hi] = CONTENDER(eq_hi),
	[PB_VERDICT_p_slower] = CONTENDER(p_slower),
	[PB_VERDICT_p] = CONTENDER(p),
	[PB_VERDICT_contender_reps_to_decide] = { .write = contender_reps_to_decide },
	[PB_VERDICT_decide_by] = { .write = contender_decide_by },
	[PB_VERDICT_pus] = { .write = summary_pus },
	[PB_VERDICT_ideal_s] = CONTENDER(ideal_s),
	[PB_VERDICT_extra_user_s] = CONTENDER(extra_user_s),
	[PB_VERDICT_extra_sys_s] = CONTENDER(extra_sys_s),
	[PB_VERDICT_idle_s] = CONTENDER(idle_s),
	[PB_VERDICT_why] = { .write = contender_why },
};

static const struct {
	const struct pb_table *table;
	const struct column_writer *writers;
} files[] = {
	{ &pb_raw_table, raw_writers },
	{ &pb_summary_table, summary_writers },
	{ &pb_verdict_table, verdict_writers },
};

const char *pb_output_unwritten_column(void)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		for (size_t c = 0; c < files[i].table->n; c++)
			if (!files[i].writers[c].write)
				return files[i].table->columns[c].name;
	return NULL;
}

/* One row: each column's value in the schema's order. */
static void write_row(FILE *f, const struct column_writer *writers, size_t n, const struct row *r)
{
	for (size_t c = 0; c < n; c++) {
		if (c)
			fputc(',', f);
		writers[c].write(f, r, writers[c].offset);
	}
	fputc('\n', f);
}

void pb_write_raw_row(FILE *f, const struct pb_output *out, const struct pb_cell *cell,
		      const struct pb_sample *sample)
{
	write_row(f, raw_writers, PB_RAW_NCOLUMNS,
		  &(struct row){ .out = out, .cell = cell, .sample = sample });
}

void pb_write_summary_rows(FILE *f, const struct pb_output *out, const struct pb_plan *plan)
{
	for (size_t c = 0; c < plan->ncells; c++)
		write_row(f, summary_writers, PB_SUMMARY_NCOLUMNS,
			  &(struct row){ .out = out, .cell = &plan->cells[c] });
}

void pb_write_verdict_rows(FILE *f, const struct pb_output *out,
			   const struct pb_verdicts *verdicts)
{
	for (size_t i = 0; i < verdicts->n; i++) {
		const struct pb_verdict *v = &verdicts->v[i];

		for (size_t rank = 0; rank < v->n; rank++)
			write_row(f, verdict_writers, PB_VERDICT_NCOLUMNS, &(struct row){
				.out = out, .cell = v->contenders[rank].cell,
				.verdicts = verdicts, .verdict = v,
				.contender = &v->contenders[rank], .rank = rank });
	}
}
