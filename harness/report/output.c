#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/output.h"

static const char raw_header[] =
	"run_id,workload,kind,strategy,workers,pin,tasks,size,rep,wall_s,user_s,sys_s,"
	"max_rss_kb,vcsw,ivcsw,lat_p50_s,lat_p99_s,checksum,ok,cpus,error,loops,startup_s,work_s,"
	"minflt,majflt,cut\n";

static const char summary_header[] =
	"run_id,workload,kind,strategy,workers,pin,tasks,size,reps,wall_median_s,wall_mean_s,"
	"wall_sd_s,wall_ci95_lo_s,wall_ci95_hi_s,wall_min_s,wall_max_s,cv,speedup,efficiency,"
	"cpu_util,lat_p50_s,lat_p99_s,ok,loops,outliers,speedup_ci95_lo,speedup_ci95_hi,"
	"efficiency_ci95_lo,efficiency_ci95_hi,karp_flatt,crossover_size,startup_median_s,"
	"work_median_s,speedup_vs_seq,user_median_s,sys_median_s,vcsw_median,ivcsw_median,"
	"minflt_median,majflt_median,pus,pu_util,task_clock_s,context_switches,migrations,cycles,"
	"instructions,task_cost_s,task_cost_ci95_lo_s,task_cost_ci95_hi_s,cut\n";

static const char verdicts_header[] =
	"run_id,workload,kind,tasks,size,verdict,alpha,margin,reps_to_decide,rank,strategy,workers,"
	"pin,loops,role,wall_median_s,ratio,ratio_lo,ratio_hi,equivalence_lo,equivalence_hi,"
	"p_slower,p,contender_reps_to_decide,decide_by,pus,ideal_s,extra_user_s,extra_sys_s,idle_s,"
	"why\n";

char *pb_path(const char *dir, const char *name)
{
	char *path;

	return asprintf(&path, "%s/%s", dir, name) < 0 ? NULL : path;
}

void pb_csv_text(FILE *f, const char *text)
{
	if (!text)
		return;
	if (!strpbrk(text, ",\"\r\n")) {
		fputs(text, f);
		return;
	}
	fputc('"', f);
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			fputc('"', f);
		fputc(*c, f);
	}
	fputc('"', f);
}

void pb_csv_number(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, ",%.9g", v);
	else
		fputc(',', f);
}

static void cell_key(FILE *f, const struct pb_output *out, const struct pb_cell *cell)
{
	fprintf(f, "%s,%s,%s,%s,%u,", out->run_id, cell->workload->name,
		pb_kind_name(cell->workload->kind), cell->strategy->name, cell->workers);
	pb_csv_text(f, cell->pin->spec);
	fprintf(f, ",%" PRIu64 ",%" PRIu64, cell->tasks, cell->size);
}

/* The loop threads of an event-loop cell, empty for others. */
static void cell_loops(FILE *f, const struct pb_cell *cell)
{
	if (cell->loops)
		fprintf(f, ",%u", cell->loops);
	else
		fputc(',', f);
}

static int make_run_dir(struct pb_output *out, const char *base, char *why, size_t whylen)
{
	char stamp[32];
	time_t now = time(NULL);

	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
	for (unsigned attempt = 1; attempt < 1000; attempt++) {
		char *id = NULL, *dir = NULL;

		if ((attempt == 1 ? asprintf(&id, "%s", stamp)
				  : asprintf(&id, "%s-%u", stamp, attempt)) < 0 ||
		    !(dir = pb_path(base, id))) {
			free(id);
			break;
		}
		if (mkdir(dir, 0777) == 0) {
			out->run_id = id;
			out->dir = dir;
			return 0;
		}
		free(id);
		free(dir);
		if (errno != EEXIST) {
			snprintf(why, whylen, "--out '%s': cannot create a run directory in it: %s",
				 base, strerror(errno));
			return -1;
		}
	}
	snprintf(why, whylen, "--out '%s': no free run directory name", base);
	return -1;
}

int pb_output_open(struct pb_output *out, const char *base, char *why, size_t whylen)
{
	struct stat st;
	char *raw;

	*out = (struct pb_output){ 0 };
	if (mkdir(base, 0777) < 0 && errno != EEXIST) {
		snprintf(why, whylen, "--out '%s': cannot create it: %s; allowed: a writable "
			 "directory, or a new one in an existing directory", base, strerror(errno));
		return -1;
	}
	if (stat(base, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "--out '%s': not a directory; allowed: a writable directory",
			 base);
		return -1;
	}
	if (make_run_dir(out, base, why, whylen))
		return -1;
	raw = pb_path(out->dir, "raw.csv");
	out->raw = raw ? fopen(raw, "wx") : NULL;
	free(raw);
	if (!out->raw || fputs(raw_header, out->raw) < 0 || fflush(out->raw)) {
		snprintf(why, whylen, "cannot write %s/raw.csv: %s", out->dir, strerror(errno));
		pb_output_close(out);
		return -1;
	}
	return 0;
}

void pb_output_close(struct pb_output *out)
{
	if (out->raw)
		fclose(out->raw);
	if (out->control)
		fclose(out->control);
	free(out->run_id);
	free(out->dir);
	*out = (struct pb_output){ 0 };
}

/* The file a cell's rows go to: raw.csv, or control.csv (made on first use). */
static FILE *rows_file(struct pb_output *out, const struct pb_cell *cell)
{
	char *path;

	if (!cell->control)
		return out->raw;
	if (!out->control && (path = pb_path(out->dir, "control.csv"))) {
		out->control = fopen(path, "wx");
		if (out->control)
			fputs(raw_header, out->control);
		free(path);
	}
	return out->control;
}

void pb_output_raw_row(struct pb_output *out, const struct pb_cell *cell,
		       const struct pb_sample *s)
{
	FILE *f = rows_file(out, cell);
	bool ran = !(s->error && !s->cpus);	/* a row without cpus never ran: no figures */

	if (!f)
		return;
	cell_key(f, out, cell);
	fprintf(f, ",%u", s->rep);
	if (!ran) {
		fputs(",,,,,,,,,,0,,", f);
	} else {
		fprintf(f, ",%.9f,%.6f,%.6f,%ld,%ld,%ld,%.9f,%.9f,%" PRIu64 ",%d,", s->wall_s,
			s->user_s, s->sys_s, s->max_rss_kb, s->vcsw, s->ivcsw, s->lat_p50_s,
			s->lat_p99_s, s->checksum, s->ok);
		pb_csv_text(f, s->cpus);
		fputc(',', f);
	}
	pb_csv_text(f, s->error);
	cell_loops(f, cell);
	pb_csv_number(f, s->startup_s);
	pb_csv_number(f, s->work_s);
	if (ran)
		fprintf(f, ",%ld,%ld", s->minflt, s->majflt);
	else
		fputs(",,", f);
	fputs(",\n", f);
	fflush(f);
}

void pb_output_cut_row(struct pb_output *out, const struct pb_cell *cell)
{
	FILE *f = rows_file(out, cell);

	if (!f)
		return;
	cell_key(f, out, cell);
	fprintf(f, ",%zu,,,,,,,,,,0,,", cell->nsamples);
	cell_loops(f, cell);
	fputs(",,,,,", f);
	pb_csv_text(f, cell->cut);
	fputc('\n', f);
	fflush(f);
}

struct summary_args {
	const struct pb_output *out;
	const struct pb_plan *plan;
};

/* What the kernel counted: getrusage's medians, then the counted repetition's. */
static void summary_usage(FILE *f, const struct pb_summary *s)
{
	pb_csv_number(f, s->user);
	pb_csv_number(f, s->sys);
	pb_csv_number(f, s->vcsw);
	pb_csv_number(f, s->ivcsw);
	pb_csv_number(f, s->minflt);
	pb_csv_number(f, s->majflt);
	fprintf(f, ",%u", s->pus);
	pb_csv_number(f, s->pu_util);
	pb_csv_number(f, s->task_clock);
	pb_csv_number(f, s->context_switches);
	pb_csv_number(f, s->migrations);
	pb_csv_number(f, s->cycles);
	pb_csv_number(f, s->instructions);
}

static int fill_summary(FILE *f, const void *arg)
{
	const struct pb_output *out = ((const struct summary_args *)arg)->out;
	const struct pb_plan *plan = ((const struct summary_args *)arg)->plan;

	fputs(summary_header, f);
	for (size_t c = 0; c < plan->ncells; c++) {
		const struct pb_cell *cell = &plan->cells[c];
		const struct pb_summary *s = &cell->summary;

		cell_key(f, out, cell);
		fprintf(f, ",%zu", s->reps);
		pb_csv_number(f, s->median);
		pb_csv_number(f, s->mean);
		pb_csv_number(f, s->sd);
		pb_csv_number(f, s->ci_lo);
		pb_csv_number(f, s->ci_hi);
		pb_csv_number(f, s->min);
		pb_csv_number(f, s->max);
		pb_csv_number(f, s->cv);
		pb_csv_number(f, s->speedup);
		pb_csv_number(f, s->efficiency);
		pb_csv_number(f, s->cpu_util);
		pb_csv_number(f, s->lat_p50);
		pb_csv_number(f, s->lat_p99);
		fprintf(f, ",%d", s->ok);
		cell_loops(f, cell);
		fprintf(f, ",%zu", s->outliers);
		pb_csv_number(f, s->speedup_lo);
		pb_csv_number(f, s->speedup_hi);
		pb_csv_number(f, s->efficiency_lo);
		pb_csv_number(f, s->efficiency_hi);
		pb_csv_number(f, s->karp_flatt);
		pb_csv_number(f, s->crossover);
		pb_csv_number(f, s->startup);
		pb_csv_number(f, s->work);
		pb_csv_number(f, s->speedup_seq);
		summary_usage(f, s);
		pb_csv_number(f, s->task_cost);
		pb_csv_number(f, s->task_cost_lo);
		pb_csv_number(f, s->task_cost_hi);
		fputc(',', f);
		pb_csv_text(f, cell->cut);
		fputc('\n', f);
	}
	return 0;
}

/* Writes the run directory's file `name` through pb_write_atomically: 0 or -1. */
static int write_run_file(const struct pb_output *out, const char *name,
			  int (*fill)(FILE *, const void *), const void *arg)
{
	char *path = pb_path(out->dir, name);
	int rc = path ? pb_write_atomically(path, fill, arg) : -1;

	free(path);
	return rc;
}

int pb_output_summary(const struct pb_output *out, const struct pb_plan *plan)
{
	struct summary_args args = { out, plan };

	return write_run_file(out, "summary.csv", fill_summary, &args);
}

struct verdicts_args {
	const struct pb_output *out;
	const struct pb_verdicts *verdicts;
};

/* Repetitions that would decide: none (NAN) when decided, "inf" when none would. */
static void csv_reps(FILE *f, double reps)
{
	if (isinf(reps))
		fputs(",inf", f);
	else
		pb_csv_number(f, reps);
}

/* One contender of a verdict: its cell, role and comparison with the leader. */
static void verdict_row(FILE *f, const struct pb_output *out, const struct pb_verdicts *all,
			const struct pb_verdict *v, size_t rank)
{
	const struct pb_contender *k = &v->contenders[rank];
	const struct pb_cell *c = k->cell;

	fprintf(f, "%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%s", out->run_id, c->workload->name,
		pb_kind_name(c->workload->kind), c->tasks, c->size, pb_verdict_kind_name(v->kind));
	pb_csv_number(f, v->alpha);
	pb_csv_number(f, all->margin);
	csv_reps(f, v->reps_to_decide);
	fprintf(f, ",%zu,%s,%u,", rank + 1, c->strategy->name, c->workers);
	pb_csv_text(f, c->pin->spec);
	cell_loops(f, c);
	fprintf(f, ",%s", pb_role_name(k->role));
	pb_csv_number(f, c->summary.median);
	pb_csv_number(f, k->ratio);
	pb_csv_number(f, k->lo);
	pb_csv_number(f, k->hi);
	pb_csv_number(f, k->eq_lo);
	pb_csv_number(f, k->eq_hi);
	pb_csv_number(f, k->p_slower);
	pb_csv_number(f, k->p);
	csv_reps(f, k->reps_to_decide);
	fprintf(f, ",%s,%u", isnan(k->reps_to_decide) ? "" : k->decide_by_equivalence ?
		"equivalence" : "difference", c->summary.pus);
	pb_csv_number(f, k->ideal_s);
	pb_csv_number(f, k->extra_user_s);
	pb_csv_number(f, k->extra_sys_s);
	pb_csv_number(f, k->idle_s);
	fputc(',', f);
	pb_csv_text(f, k->why);
	fputc('\n', f);
}

static int fill_verdicts(FILE *f, const void *arg)
{
	const struct verdicts_args *a = arg;

	fputs(verdicts_header, f);
	for (size_t i = 0; i < a->verdicts->n; i++)
		for (size_t rank = 0; rank < a->verdicts->v[i].n; rank++)
			verdict_row(f, a->out, a->verdicts, &a->verdicts->v[i], rank);
	return ferror(f) ? -1 : 0;
}

int pb_output_verdicts(const struct pb_output *out, const struct pb_verdicts *verdicts)
{
	struct verdicts_args args = { out, verdicts };

	return write_run_file(out, "verdicts.csv", fill_verdicts, &args);
}

int pb_write_atomically(const char *path, int (*fill)(FILE *, const void *), const void *arg)
{
	char *tmp;
	FILE *f;
	int rc;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -1;
	f = fopen(tmp, "w");
	if (!f) {
		free(tmp);
		return -1;
	}
	rc = fill(f, arg);
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

void pb_output_link_latest(const struct pb_output *out, const char *base)
{
	char *link = pb_path(base, "latest");
	char *tmp = pb_path(base, ".latest.tmp");

	if (link && tmp) {
		unlink(tmp);
		if (symlink(out->run_id, tmp) == 0 && rename(tmp, link) < 0)
			unlink(tmp);
	}
	free(link);
	free(tmp);
}
