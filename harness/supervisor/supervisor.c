/*
 * The supervisor of `parbench run`.  It owns the plan, the output files and
 * the clock of the whole run, and never runs a strategy itself: each cell
 * runs in a fresh `parbench __cell` process (supervisor/cell_process.h), in a
 * process group of its own that is killed when the cell outlives --timeout
 * or the run is interrupted, in the order supervisor/visits.h chooses.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell/counters.h"
#include "machine/env.h"
#include "machine/slurm.h"
#include "report/export.h"
#include "report/meta.h"
#include "report/output.h"
#include "report/table.h"
#include "stats/noise.h"
#include "supervisor/cell_process.h"
#include "supervisor/plan.h"
#include "supervisor/stop.h"
#include "supervisor/supervisor.h"
#include "supervisor/visits.h"

/*
 * The run's warnings: written to a log that meta.json keeps, then shown on
 * stderr.  Without the log (out of memory) they go to stderr alone.
 */
static struct {
	FILE *f;
	char *text;
	size_t len, shown;
} warnings;

static FILE *warning_stream(void)
{
	return warnings.f ? warnings.f : stderr;
}

/* Shows on stderr what the log got since the last call; the log's text so far. */
static const char *show_warnings(void)
{
	if (!warnings.f)
		return NULL;
	fflush(warnings.f);
	fwrite(warnings.text + warnings.shown, 1, warnings.len - warnings.shown, stderr);
	warnings.shown = warnings.len;
	return warnings.text;
}

static void print_paths(const struct pb_output *out)
{
	printf("\nresults: %s/raw.csv\n         %s/summary.csv\n         %s/verdicts.csv\n"
	       "         %s/meta.json\n", out->dir, out->dir, out->dir, out->dir);
}

/* The cells --budget cut: a row each in raw.csv (control.csv), after their repetitions. */
static void write_cuts(struct pb_plan *plan, struct pb_output *out)
{
	for (size_t c = 0; c <= plan->ncells && !pb_write_failed(); c++) {
		struct pb_cell *cell = c < plan->ncells ? &plan->cells[c] : plan->control;
		int rc = cell && cell->cut[0] ? pb_output_cut_row(out, cell) : 0;

		if (rc)
			pb_stop_write_failed(out->dir, pb_output_rows_file(cell), rc);
	}
}

static size_t count_failed(const struct pb_plan *plan)
{
	size_t failed = 0;

	for (size_t c = 0; c <= plan->ncells; c++) {
		const struct pb_cell *cell = c < plan->ncells ? &plan->cells[c] : plan->control;

		for (size_t i = 0; cell && i < cell->nsamples; i++)
			failed += !cell->samples[i].ok;
	}
	return failed;
}

/* The summary, the verdicts and their files, the table and the noise, once all has run. */
static int conclude(struct pb_plan *plan, const struct pb_options *opts, struct pb_output *out,
		    struct pb_meta *meta)
{
	struct pb_verdicts verdicts;
	struct pb_noise noise;
	size_t failed;
	int rc;

	pb_plan_summarize(plan);
	if (pb_verdicts_judge(plan, opts->equivalence, &verdicts) ||
	    pb_noise_measure(plan, opts->reps, &noise)) {
		fputs("parbench: out of memory for the verdicts\n", stderr);
		return 1;
	}
	if ((rc = pb_output_summary(out, plan)))
		pb_stop_write_failed(out->dir, "summary.csv", rc);
	if ((rc = pb_output_verdicts(out, &verdicts)))
		pb_stop_write_failed(out->dir, "verdicts.csv", rc);
	if (opts->export_json &&
	    (rc = pb_export_json(opts->export_json, out->run_id, plan, &verdicts)))
		pb_stop_write_failed(NULL, opts->export_json, rc);
	if (opts->export_markdown &&
	    (rc = pb_export_markdown(opts->export_markdown, out->run_id, plan)))
		pb_stop_write_failed(NULL, opts->export_markdown, rc);
	pb_meta_now(meta->end, sizeof(meta->end));
	meta->status = pb_stop_signal() ? (pb_stop_signal() == SIGINT ? "interrupted by SIGINT"
								      : "interrupted by SIGTERM")
					: pb_write_failed() ? "error" : "completed";
	meta->warnings = show_warnings();
	meta->noise = &noise;
	if ((rc = pb_meta_write(meta)))
		pb_stop_write_failed(out->dir, "meta.json", rc);
	pb_output_link_latest(out, opts->out_dir);
	pb_table_print(stdout, plan, &verdicts);
	pb_verdicts_free(&verdicts);
	print_paths(out);
	fflush(stdout);
	pb_noise_print(stderr, &noise, opts->verbose);
	pb_noise_free(&noise);
	meta->noise = NULL;
	failed = count_failed(plan);
	if (failed)
		fprintf(stderr, "parbench: %zu repetitions failed; the error column of raw.csv "
			"says why\n", failed);
	if (pb_stop_signal())
		return 128 + pb_stop_signal();
	return failed || pb_write_failed() ? 1 : 0;
}

/*
 * A run stopped by a write that failed: meta.json says so if it still can
 * be written (its failure would only repeat why), and what was written stays.
 */
static int stop_on_write_failure(struct pb_meta *meta)
{
	pb_meta_now(meta->end, sizeof(meta->end));
	meta->status = "error";
	meta->warnings = show_warnings();
	pb_meta_write(meta);
	return 1;
}

static int run_plan(struct pb_plan *plan, const struct pb_options *opts, struct pb_output *out,
		    struct pb_meta *meta)
{
	pb_stop_catch_signals();
	pb_scratch_open(plan, opts, warning_stream());
	pb_visit_cells(plan, opts, out);
	pb_scratch_close();
	write_cuts(plan, out);
	return pb_write_failed() ? stop_on_write_failure(meta) : conclude(plan, opts, out, meta);
}

int pb_run_main(int argc, char **argv, int full_argc, char **full_argv)
{
	struct pb_counters counters;
	struct pb_options opts;
	struct pb_output out;
	struct pb_plan plan;
	struct pb_meta meta;
	hwloc_topology_t topology;
	char why[512];
	int rc;

	if (pb_topology_load(&topology, why, sizeof(why))) {
		fprintf(stderr, "parbench run: %s\n", why);
		return 1;
	}
	rc = pb_options_parse(argc, argv, topology, &opts, why, sizeof(why));
	if (rc) {
		if (rc < 0)
			fprintf(stderr, "parbench run: %s\n", why);
		rc = rc < 0 ? 2 : 0;
		goto out_options;
	}
	if (pb_plan_build(&opts, topology, &plan)) {
		fputs("parbench run: out of memory\n", stderr);
		rc = 1;
		goto out_options;
	}
	if (pb_output_open(&out, opts.out_dir, why, sizeof(why))) {
		fprintf(stderr, "parbench run: %s\n", why);
		rc = 2;
		goto out_plan;
	}
	/* libgomp reads it at start-up; small stacks let thousands of threads live. */
	setenv("OMP_STACKSIZE", "256K", 0);
	/* What spoils the measurements, said before they are taken. */
	warnings.f = open_memstream(&warnings.text, &warnings.len);
	pb_env_warn_machine(warning_stream(), topology);
	pb_env_warn_smt(warning_stream(), topology, opts.pins, opts.npins, &opts.workers);
	pb_slurm_warn(warning_stream());
	/* What the cells' counted repetitions can count here, for meta.json; none stays open. */
	pb_counters_open(&counters);
	pb_counters_close(&counters);
	meta = (struct pb_meta){ .run_id = out.run_id, .dir = out.dir, .argc = full_argc,
				 .argv = full_argv, .opts = &opts, .topology = topology,
				 .status = "running", .warnings = show_warnings(),
				 .counters = &counters };
	pb_meta_now(meta.start, sizeof(meta.start));
	if ((rc = pb_meta_write(&meta)))
		pb_stop_write_failed(out.dir, "meta.json", rc);
	rc = rc ? 1 : run_plan(&plan, &opts, &out, &meta);
	pb_output_close(&out);
	if (warnings.f)
		fclose(warnings.f);
	free(warnings.text);
out_plan:
	pb_plan_free(&plan);
out_options:
	pb_options_free(&opts);
	hwloc_topology_destroy(topology);
	return rc;
}
