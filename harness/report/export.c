#include <jansson.h>
#include <math.h>
#include <stdio.h>

#include "report/export.h"
#include "report/output.h"
#include "report/schema.h"

/* The name of a CSV column as a key: renaming the column in the schema renames it here. */
#define SUMMARY_KEY(column) (pb_summary_table.columns[PB_SUMMARY_##column].name)
#define VERDICT_KEY(column) (pb_verdict_table.columns[PB_VERDICT_##column].name)

struct export_args {
	const char *run_id;
	const struct pb_plan *plan;
	const struct pb_verdicts *verdicts;
};

json_t *pb_json_number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *interval(double lo, double hi)
{
	return json_pack("[o, o]", pb_json_number(lo), pb_json_number(hi));
}

static json_t *cell_json(const struct pb_cell *c)
{
	const struct pb_summary *s = &c->summary;
	json_t *cell = json_pack("{s:s, s:s, s:s, s:i, s:s, s:I, s:I, s:o, s:I, s:b}",
				 "workload", c->workload->name,
				 "kind", pb_kind_name(c->workload->kind),
				 "strategy", c->strategy->name, "workers", c->workers,
				 "pin", c->pin->spec, "tasks", (json_int_t)c->tasks,
				 "size", (json_int_t)c->size,
				 "loops", c->loops ? json_integer(c->loops) : json_null(),
				 "reps", (json_int_t)s->reps, "ok", s->ok);

	json_object_set_new(cell, SUMMARY_KEY(wall_median_s), pb_json_number(s->median));
	json_object_set_new(cell, "wall_ci95_s", interval(s->ci_lo, s->ci_hi));
	json_object_set_new(cell, SUMMARY_KEY(wall_mean_s), pb_json_number(s->mean));
	json_object_set_new(cell, SUMMARY_KEY(wall_sd_s), pb_json_number(s->sd));
	json_object_set_new(cell, SUMMARY_KEY(wall_min_s), pb_json_number(s->min));
	json_object_set_new(cell, SUMMARY_KEY(wall_max_s), pb_json_number(s->max));
	json_object_set_new(cell, SUMMARY_KEY(cv), pb_json_number(s->cv));
	json_object_set_new(cell, SUMMARY_KEY(outliers), json_integer((json_int_t)s->outliers));
	json_object_set_new(cell, SUMMARY_KEY(speedup), pb_json_number(s->speedup));
	json_object_set_new(cell, "speedup_ci95", interval(s->speedup_lo, s->speedup_hi));
	json_object_set_new(cell, SUMMARY_KEY(efficiency), pb_json_number(s->efficiency));
	json_object_set_new(cell, "efficiency_ci95", interval(s->efficiency_lo, s->efficiency_hi));
	json_object_set_new(cell, SUMMARY_KEY(karp_flatt), pb_json_number(s->karp_flatt));
	json_object_set_new(cell, SUMMARY_KEY(crossover_size), pb_json_number(s->crossover));
	json_object_set_new(cell, SUMMARY_KEY(cpu_util), pb_json_number(s->cpu_util));
	json_object_set_new(cell, SUMMARY_KEY(lat_p50_s), pb_json_number(s->lat_p50));
	json_object_set_new(cell, SUMMARY_KEY(lat_p99_s), pb_json_number(s->lat_p99));
	json_object_set_new(cell, SUMMARY_KEY(user_median_s), pb_json_number(s->user));
	json_object_set_new(cell, SUMMARY_KEY(sys_median_s), pb_json_number(s->sys));
	json_object_set_new(cell, SUMMARY_KEY(vcsw_median), pb_json_number(s->vcsw));
	json_object_set_new(cell, SUMMARY_KEY(ivcsw_median), pb_json_number(s->ivcsw));
	json_object_set_new(cell, SUMMARY_KEY(minflt_median), pb_json_number(s->minflt));
	json_object_set_new(cell, SUMMARY_KEY(majflt_median), pb_json_number(s->majflt));
	json_object_set_new(cell, SUMMARY_KEY(pus), json_integer(s->pus));
	json_object_set_new(cell, SUMMARY_KEY(pu_util), pb_json_number(s->pu_util));
	json_object_set_new(cell, SUMMARY_KEY(task_clock_s), pb_json_number(s->task_clock));
	json_object_set_new(cell, SUMMARY_KEY(context_switches), pb_json_number(s->context_switches));
	json_object_set_new(cell, SUMMARY_KEY(migrations), pb_json_number(s->migrations));
	json_object_set_new(cell, SUMMARY_KEY(cycles), pb_json_number(s->cycles));
	json_object_set_new(cell, SUMMARY_KEY(instructions), pb_json_number(s->instructions));
	json_object_set_new(cell, SUMMARY_KEY(task_cost_s), pb_json_number(s->task_cost));
	json_object_set_new(cell, "task_cost_ci95_s", interval(s->task_cost_lo, s->task_cost_hi));
	json_object_set_new(cell, SUMMARY_KEY(weak_efficiency), pb_json_number(s->weak_efficiency));
	json_object_set_new(cell, "weak_efficiency_ci95",
			    interval(s->weak_efficiency_lo, s->weak_efficiency_hi));
	json_object_set_new(cell, SUMMARY_KEY(gustafson_serial_fraction),
			    pb_json_number(s->gustafson));
	return cell;
}

/* Repetitions that would decide: null when decided, "inf" when none would. */
static json_t *reps_json(double reps)
{
	return isinf(reps) ? json_string("inf") : pb_json_number(reps);
}

static json_t *contender_json(const struct pb_contender *k)
{
	json_t *c = json_pack("{s:s, s:i, s:s, s:o, s:s, s:o}", "strategy", k->cell->strategy->name,
			      "workers", k->cell->workers, "pin", k->cell->pin->spec,
			      "loops", k->cell->loops ? json_integer(k->cell->loops) : json_null(),
			      "role", pb_role_name(k->role), "wall_median_s",
			      pb_json_number(k->cell->summary.median));

	json_object_set_new(c, VERDICT_KEY(ratio), pb_json_number(k->ratio));
	json_object_set_new(c, "ratio_interval", interval(k->lo, k->hi));
	json_object_set_new(c, "equivalence_interval", interval(k->eq_lo, k->eq_hi));
	json_object_set_new(c, VERDICT_KEY(p_slower), pb_json_number(k->p_slower));
	json_object_set_new(c, VERDICT_KEY(p), pb_json_number(k->p));
	json_object_set_new(c, "reps_to_decide", reps_json(k->reps_to_decide));
	json_object_set_new(c, VERDICT_KEY(decide_by), isnan(k->reps_to_decide) ? json_null() :
			    json_string(k->decide_by_equivalence ? "equivalence" : "difference"));
	json_object_set_new(c, VERDICT_KEY(pus), json_integer(k->cell->summary.pus));
	json_object_set_new(c, VERDICT_KEY(ideal_s), pb_json_number(k->ideal_s));
	json_object_set_new(c, VERDICT_KEY(extra_user_s), pb_json_number(k->extra_user_s));
	json_object_set_new(c, VERDICT_KEY(extra_sys_s), pb_json_number(k->extra_sys_s));
	json_object_set_new(c, VERDICT_KEY(idle_s), pb_json_number(k->idle_s));
	json_object_set_new(c, VERDICT_KEY(why), k->why[0] ? json_string(k->why) : json_null());
	return c;
}

/* One group's verdict: the workload, size, kind of answer and its contenders, fastest first. */
static json_t *verdict_json(const struct pb_verdict *v, double margin)
{
	json_t *contenders = json_array();

	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(contenders, contender_json(&v->contenders[i]));
	return json_pack("{s:s, s:I, s:I, s:s, s:f, s:f, s:o, s:o}", "workload",
			 v->first->workload->name, "tasks", (json_int_t)v->first->tasks,
			 "size", (json_int_t)v->first->size, "verdict", pb_verdict_kind_name(v->kind),
			 "alpha", v->alpha, "margin", margin,
			 "reps_to_decide", reps_json(v->reps_to_decide), "contenders", contenders);
}

static int fill_json(FILE *f, const void *arg)
{
	const struct export_args *a = arg;
	json_t *cells = json_array(), *verdicts = json_array(), *doc;
	int rc;

	for (size_t c = 0; c < a->plan->ncells; c++)
		json_array_append_new(cells, cell_json(&a->plan->cells[c]));
	for (size_t i = 0; i < a->verdicts->n; i++)
		json_array_append_new(verdicts, verdict_json(&a->verdicts->v[i], a->verdicts->margin));
	doc = json_pack("{s:s, s:o, s:o}", "run_id", a->run_id, "cells", cells, "verdicts",
			verdicts);
	rc = doc ? json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;
	if (rc == 0)
		fputc('\n', f);
	json_decref(doc);
	return rc;
}

int pb_export_json(const char *path, const char *run_id, const struct pb_plan *plan,
		   const struct pb_verdicts *verdicts)
{
	struct export_args a = { run_id, plan, verdicts };

	return pb_write_atomically(path, fill_json, &a);
}

/* A figure, or a dash where it does not exist. */
static void md_number(FILE *f, const char *fmt, double v)
{
	fputs(" | ", f);
	if (isfinite(v))
		fprintf(f, fmt, v);
	else
		fputc('-', f);
}

static void md_interval(FILE *f, const char *fmt, double lo, double hi)
{
	fputs(" | ", f);
	if (!isfinite(lo) || !isfinite(hi)) {
		fputc('-', f);
		return;
	}
	fputc('[', f);
	fprintf(f, fmt, lo);
	fputs(", ", f);
	fprintf(f, fmt, hi);
	fputc(']', f);
}

static int fill_markdown(FILE *f, const void *arg)
{
	const struct export_args *a = arg;

	fprintf(f, "# parbench run %s\n\n", a->run_id);
	/* Which kind of scaling, as the table says: under weak, speedup is not one. */
	if (a->plan->ncells && a->plan->cells[0].weak)
		fputs("Weak scaling (--scaling weak): a cell has its workers times seq's tasks; its "
		      "speedup is seq's time over its, T1 / Tn, the weak efficiency.\n\n", f);
	else
		fputs("Strong scaling: the same tasks at every worker count.\n\n", f);
	fputs("| workload | strategy | workers | pin | tasks | size | reps | median s | 95% CI s "
	      "| cv | outliers | speedup | 95% CI | efficiency | ok |\n"
	      "|---|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---|\n", f);
	for (size_t i = 0; i < a->plan->ncells; i++) {
		const struct pb_cell *c = &a->plan->cells[i];
		const struct pb_summary *s = &c->summary;

		fprintf(f, "| %s | %s | %u | %s | %llu | %llu | %zu", c->workload->name,
			c->strategy->name, c->workers, c->pin->spec, (unsigned long long)c->tasks,
			(unsigned long long)c->size, s->reps);
		md_number(f, "%.6f", s->median);
		md_interval(f, "%.6f", s->ci_lo, s->ci_hi);
		md_number(f, "%.3f", s->cv);
		fprintf(f, " | %zu", s->outliers);
		md_number(f, "%.2f", s->speedup);
		md_interval(f, "%.2f", s->speedup_lo, s->speedup_hi);
		md_number(f, "%.2f", s->efficiency);
		fprintf(f, " | %s |\n", s->ok ? "yes" : "no");
	}
	return ferror(f) ? -1 : 0;
}

int pb_export_markdown(const char *path, const char *run_id, const struct pb_plan *plan)
{
	struct export_args a = { run_id, plan, NULL };

	return pb_write_atomically(path, fill_markdown, &a);
}
