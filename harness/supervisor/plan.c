#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervisor/plan.h"
#include "stats/stats.h"

/* The baselines (of the C and the Python strategies): one cell each, one worker, the first pin. */
static bool is_base(const struct pb_options *opts, size_t s)
{
	return opts->baseline && opts->strategies[s]->baseline;
}

/*
 * raw.csv's loops column: the value of a strategy's --loops (the event
 * loops' threads), or 0 for one without it.
 */
static unsigned loops_of(const struct pb_options *opts, const struct pb_strategy *strategy)
{
	const struct pb_option *o = pb_option_find(strategy->options, "loops");
	const struct pb_setting *given = pb_settings_get(&opts->settings, "loops");
	const char *text = !o ? NULL : given ? given->value : o->def;

	return text ? (unsigned)strtoul(text, NULL, 10) : 0;
}

/*
 * The holders of the reference checksums of a group's task counts other
 * than its baseline's (under weak scaling): each count's first cell.
 */
static void give_references(struct pb_cell *cells, size_t n)
{
	for (size_t c = 0; c < n; c++) {
		if (cells[c].tasks == cells[0].tasks)
			continue;
		for (size_t first = 0; first <= c && !cells[c].reference_cell; first++)
			if (cells[first].tasks == cells[c].tasks)
				cells[c].reference_cell = &cells[first];
	}
}

/*
 * Under weak scaling: the group's cells by task count, in their order
 * otherwise (a stable insertion sort: a group has few cells), so that the
 * cells of one work, which a verdict compares (pb_work_end), lie together.
 * The baseline keeps its place: it has the fewest tasks and comes first.
 */
static void order_by_work(struct pb_cell *cells, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct pb_cell cell = cells[i];
		size_t j = i;

		for (; j > 0 && cells[j - 1].tasks > cell.tasks; j--)
			cells[j] = cells[j - 1];
		cells[j] = cell;
	}
}

/* The py-* cells' base: the first of them, py-seq's cell (the baselines come first). */
static void give_python_base(struct pb_cell *cells, size_t n)
{
	struct pb_cell *py_base = NULL;

	for (size_t c = 0; c < n; c++)
		if (cells[c].strategy->python && cells[c].speedup_base) {
			py_base = py_base ? py_base : &cells[c];
			cells[c].base = py_base;
		}
}

/*
 * The cells of one workload at one task size: one per strategy, pin policy
 * and worker count; seq and py-seq once each.  The py-* strategies have
 * cells only for workloads with a Python version (or --py-workload), the
 * bare-* ones only for the workload they do, and none of a strategy that
 * skips the workload (opencl, without a kernel for it).
 */
static size_t add_group_cells(struct pb_cell *cells, const struct pb_options *opts,
			      const struct pb_workload *workload, uint64_t size)
{
	struct pb_cell proto = {
		.wanted = opts->reps,
		.planned = opts->reps,
		.workload = workload,
		.tasks = opts->tasks ? opts->tasks : workload->default_tasks,
		.size = size,
		.baseline = cells,
		.base = cells,
		.speedup_base = opts->baseline,
		.weak = opts->scaling == PB_SCALING_WEAK,
		.pin = &opts->pins[0],
	};
	size_t n = 0;

	for (size_t s = 0; s < opts->nstrategies; s++) {
		const struct pb_strategy *strategy = opts->strategies[s];
		size_t pins = is_base(opts, s) ? 1 : opts->npins;
		size_t counts = is_base(opts, s) ? 1 : opts->workers.n;

		if ((strategy->python && !pb_workload_has_python(workload, &opts->settings)) ||
		    (strategy->only_workload && strcmp(strategy->only_workload, workload->name)) ||
		    (strategy->skips && strategy->skips(workload)))
			continue;
		for (size_t p = 0; p < pins; p++)
			for (size_t k = 0; k < counts; k++) {
				cells[n] = proto;
				cells[n].strategy = strategy;
				cells[n].pin = &opts->pins[p];
				cells[n].loops = loops_of(opts, strategy);
				cells[n].workers = is_base(opts, s) ? 1 : (unsigned)opts->workers.v[k];
				if (proto.weak)
					cells[n].tasks = proto.tasks * cells[n].workers;
				n++;
			}
	}
	if (proto.weak)
		order_by_work(cells, n);
	give_python_base(cells, n);
	give_references(cells, n);
	return n;
}

/* The PUs each cell's workers are given, under its pin policy on this machine. */
static int give_pus(struct pb_plan *plan, hwloc_topology_t topology)
{
	for (size_t c = 0; c < plan->ncells; c++) {
		struct pb_cell *cell = &plan->cells[c];
		int pus = pb_pin_pus(topology, cell->pin, cell->workers);

		if (pus < 0)
			return pus;
		cell->pus = (unsigned)pus;
	}
	return 0;
}

int pb_plan_build(const struct pb_options *opts, hwloc_topology_t topology,
		  struct pb_plan *plan)
{
	size_t nsizes = opts->sizes.n ? opts->sizes.n : 1;
	size_t per_group = opts->nstrategies * opts->npins * opts->workers.n + 1;
	const struct pb_setting *setting;
	size_t n = 0;
	int rc;

	*plan = (struct pb_plan){ 0 };		/* the control, above all, comes later or never */
	plan->cells = calloc(opts->nworkloads * nsizes * per_group, sizeof(*plan->cells));
	if (!plan->cells)
		return -ENOMEM;
	for (size_t w = 0; w < opts->nworkloads; w++)
		for (size_t z = 0; z < nsizes; z++) {
			const struct pb_workload *workload = opts->workloads[w];
			uint64_t size = opts->sizes.n ? opts->sizes.v[z] : workload->default_size;

			n += add_group_cells(plan->cells + n, opts, workload, size);
		}
	plan->ncells = n;
	plan->pus = pb_topology_pus(topology);
	plan->topology = topology;
	plan->pu_os = pb_topology_pu_os(topology);
	setting = pb_settings_get(&opts->settings, "py-workload");
	plan->py_workload = setting ? setting->value : NULL;
	rc = plan->pu_os ? give_pus(plan, topology) : -ENOMEM;
	if (rc)
		pb_plan_free(plan);
	return rc;
}

static void cell_free(struct pb_cell *cell)
{
	for (size_t i = 0; i < cell->nsamples; i++)
		pb_sample_free(&cell->samples[i]);
	free(cell->samples);
}

void pb_plan_free(struct pb_plan *plan)
{
	for (size_t c = 0; c < plan->ncells; c++)
		cell_free(&plan->cells[c]);
	if (plan->control)
		cell_free(plan->control);
	free(plan->control);
	free(plan->cells);
	free(plan->pu_os);
	*plan = (struct pb_plan){ 0 };
}

static void set_error(struct pb_sample *sample, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct pb_sample *sample, const char *fmt, ...)
{
	va_list ap;

	free(sample->error);
	va_start(ap, fmt);
	if (vasprintf(&sample->error, fmt, ap) < 0)
		sample->error = NULL;
	va_end(ap);
}

/*
 * Checks a sample's checksum against its reference: the baseline's first,
 * which every other cell waits for; or, for a task count the baseline did
 * not run (weak scaling), the first that any cell of that count gave.
 */
static void judge(struct pb_cell *cell, struct pb_sample *sample)
{
	struct pb_cell *holder = cell->reference_cell ? cell->reference_cell : cell->baseline;

	if (sample->error)
		return;
	if ((cell == holder || cell->reference_cell) && !holder->has_reference) {
		holder->reference = sample->checksum;
		holder->has_reference = true;
		holder->reference_by = cell->strategy;
	}
	if (!holder->has_reference)
		set_error(sample, "no reference checksum: %s (%u workers) did not run",
			  holder->strategy->name, holder->workers);
	else if (sample->checksum != holder->reference)
		set_error(sample, "checksum mismatch: %" PRIu64 ", but %s gave %" PRIu64,
			  sample->checksum, holder->reference_by->name, holder->reference);
	sample->ok = sample->error == NULL;
}

void pb_cell_add(struct pb_cell *cell, struct pb_sample *sample)
{
	struct pb_sample *grown = realloc(cell->samples,
					  (cell->nsamples + 1) * sizeof(*grown));

	judge(cell, sample);
	if (!grown) {
		pb_sample_free(sample);
		return;
	}
	cell->samples = grown;
	cell->samples[cell->nsamples++] = *sample;
}

static double median_of(double *v, size_t n)
{
	pb_sort(v, n);
	return pb_quantile(v, n, 0.5);
}

bool pb_cell_failed(const struct pb_cell *cell)
{
	for (size_t i = 0; i < cell->nsamples; i++)
		if (!cell->samples[i].ok)
			return true;
	return false;
}

double *pb_cell_walls(const struct pb_cell *cell, size_t *n)
{
	double *v = malloc((cell->nsamples + 1) * sizeof(*v));

	*n = 0;
	for (size_t i = 0; v && i < cell->nsamples; i++)
		if (cell->samples[i].ok)
			v[(*n)++] = cell->samples[i].wall_s;
	pb_sort(v, *n);
	return v;
}

/*
 * A cell's speedup over another cell, `base`: the ratio of their times
 * (Hodges-Lehmann, of log times) with its 95% interval; exactly 1 for the
 * base itself, which is a definition, not a ratio of two samples.  NANs
 * when either has no good repetition.
 */
static void speedup_over(const struct pb_cell *base, const struct pb_cell *cell,
			 const double *wall, size_t n, double *speedup, double *lo, double *hi)
{
	size_t nbase;
	double *base_wall = pb_cell_walls(base, &nbase);

	*speedup = *lo = *hi = NAN;
	if (cell == base && n)
		*speedup = *lo = *hi = 1.0;
	else if (n && nbase)
		pb_ratio_ci(base_wall, nbase, wall, n, 0.95, speedup, lo, hi);
	free(base_wall);
}

/* A cell's good wall times each over its tasks, malloc'd (NULL out of memory); *n of them. */
static double *cell_walls_per_task(const struct pb_cell *cell, size_t *n)
{
	double *v = pb_cell_walls(cell, n);

	for (size_t i = 0; v && i < *n; i++)
		v[i] /= (double)cell->tasks;
	return v;
}

/*
 * For a workload whose time is what a strategy costs (cpu.nop): the time a
 * task costs above the base, the shift of this cell's times a task against
 * the base's (Hodges-Lehmann, with its 95% interval).  A task's time, not
 * the run's, so that a cell with more tasks than its base (weak scaling)
 * is not charged for the base's missing ones.
 */
static void summarize_task_cost(struct pb_cell *cell)
{
	struct pb_summary *sum = &cell->summary;
	size_t n, nbase;
	double *per_task = cell_walls_per_task(cell, &n);
	double *base_per_task = cell_walls_per_task(cell->base, &nbase);

	sum->task_cost = sum->task_cost_lo = sum->task_cost_hi = NAN;
	if (cell->workload->overhead && cell == cell->base && n)
		sum->task_cost = sum->task_cost_lo = sum->task_cost_hi = 0.0;
	else if (cell->workload->overhead && cell->speedup_base && n && nbase)
		pb_hodges_lehmann(per_task, n, base_per_task, nbase, 0.95, &sum->task_cost,
				  &sum->task_cost_lo, &sum->task_cost_hi);
	free(per_task);
	free(base_per_task);
}

/*
 * Speedup over the base (and over seq) and, under strong scaling,
 * efficiency, or under weak, weak efficiency, each with its 95% interval.
 */
static void summarize_speedup(struct pb_cell *cell, const double *wall, size_t n)
{
	struct pb_summary *sum = &cell->summary;
	double unused_lo, unused_hi;

	sum->speedup = sum->speedup_lo = sum->speedup_hi = sum->speedup_seq = NAN;
	if (cell->speedup_base) {
		speedup_over(cell->base, cell, wall, n, &sum->speedup, &sum->speedup_lo,
			     &sum->speedup_hi);
		speedup_over(cell->baseline, cell, wall, n, &sum->speedup_seq, &unused_lo,
			     &unused_hi);
	}
	sum->weak_efficiency = sum->weak_efficiency_lo = sum->weak_efficiency_hi = NAN;
	sum->efficiency = sum->efficiency_lo = sum->efficiency_hi = sum->karp_flatt = NAN;
	if (cell->weak) {
		/* The base's time over a cell's that does workers times its work. */
		sum->weak_efficiency = sum->speedup;
		sum->weak_efficiency_lo = sum->speedup_lo;
		sum->weak_efficiency_hi = sum->speedup_hi;
		return;
	}
	sum->efficiency = sum->speedup / cell->workers;
	sum->efficiency_lo = sum->speedup_lo / cell->workers;
	sum->efficiency_hi = sum->speedup_hi / cell->workers;
	sum->karp_flatt = cell->workers > 1 ? pb_karp_flatt(sum->speedup, cell->workers) : NAN;
}

/* Medians over the ok repetitions of what getrusage counted, and pu_util. */
static void summarize_usage(struct pb_cell *cell)
{
	enum { USER, SYS, VCSW, IVCSW, MINFLT, MAJFLT, NFIGURES };
	struct pb_summary *sum = &cell->summary;
	double *figure[NFIGURES];
	bool allocated = true;
	size_t n = 0;

	for (int f = 0; f < NFIGURES; f++) {
		figure[f] = calloc(cell->nsamples + 1, sizeof(double));
		allocated = allocated && figure[f];
	}
	for (size_t i = 0; allocated && i < cell->nsamples; i++) {
		const struct pb_sample *s = &cell->samples[i];

		if (!s->ok)
			continue;
		figure[USER][n] = s->user_s;
		figure[SYS][n] = s->sys_s;
		figure[VCSW][n] = (double)s->vcsw;
		figure[IVCSW][n] = (double)s->ivcsw;
		figure[MINFLT][n] = (double)s->minflt;
		figure[MAJFLT][n++] = (double)s->majflt;
	}
	sum->user = median_of(figure[USER], n);
	sum->sys = median_of(figure[SYS], n);
	sum->vcsw = median_of(figure[VCSW], n);
	sum->ivcsw = median_of(figure[IVCSW], n);
	sum->minflt = median_of(figure[MINFLT], n);
	sum->majflt = median_of(figure[MAJFLT], n);
	for (int f = 0; f < NFIGURES; f++)
		free(figure[f]);
	/* Each repetition's (user + sys) / (wall x pus) is its cpu_util / pus: so is the median. */
	sum->pus = cell->pus;
	sum->pu_util = cell->pus ? sum->cpu_util / cell->pus : NAN;
}

static double count_or_nan(int64_t count)
{
	return count < 0 ? NAN : (double)count;
}

/* What the kernel counted in the cell's counted repetition, where it ran. */
static void summarize_counts(struct pb_cell *cell)
{
	static const struct pb_counts not_counted = {
		.wall_s = NAN, .task_clock_s = NAN, .context_switches = -1, .migrations = -1,
		.minflt = -1, .majflt = -1, .cycles = -1, .instructions = -1,
	};
	const struct pb_counts *k = cell->counted ? &cell->counts : &not_counted;
	struct pb_summary *sum = &cell->summary;

	sum->task_clock = k->task_clock_s;
	sum->context_switches = count_or_nan(k->context_switches);
	sum->migrations = count_or_nan(k->migrations);
	sum->cycles = count_or_nan(k->cycles);
	sum->instructions = count_or_nan(k->instructions);
}

/* The median of one offload figure (at offset in struct pb_offload) over the good repetitions. */
static double offload_median(const struct pb_cell *cell, size_t offset)
{
	double *v = calloc(cell->nsamples + 1, sizeof(double)), median;
	size_t n = 0;

	for (size_t i = 0; v && i < cell->nsamples; i++) {
		const struct pb_sample *s = &cell->samples[i];

		if (s->ok && s->offload.device)
			v[n++] = *(const double *)(const void *)((const char *)&s->offload + offset);
	}
	median = v ? median_of(v, n) : NAN;
	free(v);
	return median;
}

/* An offload cell's device (its first good repetition's) and the medians of its times. */
static void summarize_offload(struct pb_cell *cell)
{
	struct pb_summary *sum = &cell->summary;

	sum->device = NULL;
	for (size_t i = 0; i < cell->nsamples && !sum->device; i++)
		if (cell->samples[i].ok)
			sum->device = cell->samples[i].offload.device;
	sum->build = offload_median(cell, offsetof(struct pb_offload, build_s));
	sum->h2d = offload_median(cell, offsetof(struct pb_offload, h2d_s));
	sum->kernel = offload_median(cell, offsetof(struct pb_offload, kernel_s));
	sum->d2h = offload_median(cell, offsetof(struct pb_offload, d2h_s));
}

void pb_cell_summarize(struct pb_cell *cell)
{
	struct pb_summary *sum = &cell->summary;
	size_t n = 0, nwall, lo, hi;
	double *wall = pb_cell_walls(cell, &nwall);
	double *util = calloc(cell->nsamples + 1, sizeof(double));
	double *p50 = calloc(cell->nsamples + 1, sizeof(double));
	double *p99 = calloc(cell->nsamples + 1, sizeof(double));
	double *startup = calloc(cell->nsamples + 1, sizeof(double));
	double *work = calloc(cell->nsamples + 1, sizeof(double));
	size_t nstartup = 0, nwork = 0;

	*sum = (struct pb_summary){ .ok = cell->nsamples > 0, .crossover = NAN,
				   .gustafson = NAN };
	for (size_t i = 0; wall && util && p50 && p99 && startup && work && i < cell->nsamples;
	     i++) {
		const struct pb_sample *s = &cell->samples[i];

		sum->ok = sum->ok && s->ok;
		if (!s->ok)
			continue;
		util[n] = (s->user_s + s->sys_s) / s->wall_s;
		p50[n] = s->lat_p50_s;
		p99[n++] = s->lat_p99_s;
		if (isfinite(s->startup_s))
			startup[nstartup++] = s->startup_s;
		if (isfinite(s->work_s))
			work[nwork++] = s->work_s;
	}
	n = nwall;
	sum->reps = n;
	sum->ok = sum->ok && n > 0;
	sum->mean = pb_mean(wall, n);
	sum->sd = n ? pb_sd(wall, n) : NAN;
	sum->cv = sum->sd / sum->mean;
	sum->median = pb_quantile(wall, n, 0.5);
	pb_median_ci(n, 0.95, &lo, &hi);
	sum->ci_lo = n ? wall[lo] : NAN;
	sum->ci_hi = n ? wall[hi] : NAN;
	sum->min = n ? wall[0] : NAN;
	sum->max = n ? wall[n - 1] : NAN;
	sum->outliers = pb_outliers(wall, n);
	sum->cpu_util = median_of(util, n);
	sum->lat_p50 = median_of(p50, n);
	sum->lat_p99 = median_of(p99, n);
	sum->startup = median_of(startup, nstartup);
	sum->work = median_of(work, nwork);
	summarize_usage(cell);
	summarize_counts(cell);
	summarize_speedup(cell, wall, n);
	summarize_task_cost(cell);
	summarize_offload(cell);
	free(wall);
	free(util);
	free(p50);
	free(p99);
	free(startup);
	free(work);
}

const struct pb_cell *pb_group_end(const struct pb_plan *plan, const struct pb_cell *first)
{
	const struct pb_cell *end = plan->cells + plan->ncells, *next = first + 1;

	while (next < end && next->baseline == first->baseline)
		next++;
	return next;
}

const struct pb_cell *pb_work_end(const struct pb_plan *plan, const struct pb_cell *first)
{
	const struct pb_cell *end = pb_group_end(plan, first), *next = first + 1;

	while (next < end && next->tasks == first->tasks)
		next++;
	return next;
}

double pb_cell_ci_width(const struct pb_cell *cell)
{
	struct pb_cell copy = *cell;

	pb_cell_summarize(&copy);
	if (!copy.summary.reps)
		return INFINITY;
	return (copy.summary.ci_hi - copy.summary.ci_lo) / 2 / copy.summary.median;
}

/* The same strategy, workers, pin and loops at another task size of the workload. */
static bool same_series(const struct pb_cell *a, const struct pb_cell *b)
{
	return a->workload == b->workload && a->strategy == b->strategy &&
	       a->workers == b->workers && a->pin == b->pin && a->loops == b->loops &&
	       a->tasks == b->tasks;
}

static int by_size(const void *a, const void *b)
{
	const struct pb_cell *x = *(struct pb_cell *const *)a, *y = *(struct pb_cell *const *)b;

	return (x->size > y->size) - (x->size < y->size);
}

/*
 * Gives every cell of a series (one strategy at every size of the plan)
 * the task size above which it beats the baseline: NAN with fewer than two
 * sizes, for the baseline itself, and when a size has no speedup (a failed
 * cell leaves the answer unknown).  Marks the series' cells done.
 */
static void series_crossover(struct pb_plan *plan, size_t first, bool *done)
{
	struct pb_cell **series = calloc(plan->ncells, sizeof(*series));
	double *size = calloc(plan->ncells, sizeof(double));
	double *speedup = calloc(plan->ncells, sizeof(double));
	const struct pb_cell *head = &plan->cells[first];
	double crossover = NAN;
	bool complete = true;
	size_t n = 0;

	for (size_t c = first; series && c < plan->ncells; c++)
		if (same_series(&plan->cells[c], head)) {
			series[n++] = &plan->cells[c];
			complete = complete && isfinite(plan->cells[c].summary.speedup);
			done[c] = true;
		}
	if (series && size && speedup && complete && n > 1 && head->base != head) {
		qsort(series, n, sizeof(*series), by_size);
		for (size_t i = 0; i < n; i++) {
			size[i] = (double)series[i]->size;
			speedup[i] = series[i]->summary.speedup;
		}
		crossover = pb_crossover(size, speedup, n);
	}
	for (size_t i = 0; i < n; i++)
		series[i]->summary.crossover = crossover;
	free(series);
	free(size);
	free(speedup);
}

/*
 * The ok cell of strategy s in cell's group with cell's workers and pin, or
 * else the one with the lowest median; NULL when s has no ok cell there.
 */
static const struct pb_cell *related_cell(const struct pb_plan *plan,
					  const struct pb_cell *cell, const struct pb_strategy *s)
{
	const struct pb_cell *best = NULL;

	for (const struct pb_cell *c = cell->baseline; c < pb_group_end(plan, cell->baseline); c++) {
		if (c->strategy != s || !c->summary.reps)
			continue;
		if (c->workers == cell->workers && c->pin == cell->pin)
			return c;
		if (!best || c->summary.median < best->summary.median)
			best = c;
	}
	return best;
}

/* The cell against the cell of the strategy named `other` (NULL: none) in its group. */
static void relate(const struct pb_plan *plan, const struct pb_cell *cell, const char *other,
		   struct pb_relation *rel)
{
	const struct pb_strategy *s = other ? pb_strategy_find(other) : NULL;
	double *a, *b;
	size_t na, nb;

	*rel = (struct pb_relation){ .ratio = NAN, .lo = NAN, .hi = NAN };
	if (!s || !(rel->cell = related_cell(plan, cell, s)) || !cell->summary.reps)
		return;
	a = pb_cell_walls(cell, &na);
	b = pb_cell_walls(rel->cell, &nb);
	if (a && b)
		pb_ratio_ci(a, na, b, nb, 0.95, &rel->ratio, &rel->lo, &rel->hi);
	free(a);
	free(b);
}

double pb_scaling_fit(const struct pb_cell *first, const struct pb_cell *end,
		      const struct pb_cell *like,
		      double (*fit)(const unsigned *p, const double *speedup, size_t n))
{
	size_t cells = (size_t)(end - first), n = 0;
	unsigned *p = calloc(cells, sizeof(*p));
	double *speedup = calloc(cells, sizeof(*speedup)), f = NAN;

	for (const struct pb_cell *c = first; p && speedup && c < end; c++)
		if (c->strategy == like->strategy && c->pin == like->pin &&
		    isfinite(c->summary.speedup)) {
			p[n] = c->workers;
			speedup[n++] = c->summary.speedup;
		}
	if (p && speedup)
		f = fit(p, speedup, n);
	free(p);
	free(speedup);
	return f;
}

void pb_plan_summarize(struct pb_plan *plan)
{
	bool *done = calloc(plan->ncells, sizeof(*done));

	for (size_t c = 0; c < plan->ncells; c++)
		pb_cell_summarize(&plan->cells[c]);
	for (size_t c = 0; c < plan->ncells; c++) {
		struct pb_cell *cell = &plan->cells[c];

		relate(plan, cell, cell->strategy->counterpart, &cell->summary.counterpart);
		relate(plan, cell, cell->strategy->mechanism, &cell->summary.mechanism);
		/* Under weak scaling the speedup is the weak efficiency Gustafson is fitted to. */
		if (cell->weak)
			cell->summary.gustafson = pb_scaling_fit(cell->baseline,
								 pb_group_end(plan, cell->baseline),
								 cell, pb_gustafson_fit);
	}
	/*
	 * Under weak scaling a cell does its workers times the baseline's
	 * work: "beats seq" would ask T1 / Tn > 1, not where the task size
	 * pays, so crossover_size stays empty.
	 */
	for (size_t c = 0; done && c < plan->ncells; c++)
		if (!done[c] && !plan->cells[c].weak)
			series_crossover(plan, c, done);
	free(done);
}
