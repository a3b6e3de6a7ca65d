/*
 * The supervisor of `parbench run`.  It owns the plan, the output files and
 * the clock of the whole run, and never runs a strategy itself: each cell
 * runs in a fresh `parbench __cell` process (harness/cell/cell.h), in a process
 * group of its own that the supervisor kills when the cell outlives
 * --timeout or the run is interrupted.
 */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supervisor/budget.h"
#include "cell/cell.h"
#include "cell/counters.h"
#include "machine/env.h"
#include "report/export.h"
#include "report/meta.h"
#include "stats/noise.h"
#include "report/output.h"
#include "supervisor/plan.h"
#include "runtime/run.h"
#include "supervisor/supervisor.h"
#include "report/table.h"
#include "util/proc.h"

static volatile sig_atomic_t stop_signal;

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

/*
 * io.file's files go into a directory of the run's own under --dir (or
 * $TMPDIR), which is emptied after every cell and removed at the end: a cell
 * killed by a signal or by --timeout never runs its workload's teardown.
 */
static char scratch[4096];		/* "" when the plan has no io.file cell */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	if (ftw->level == 0)		/* the directory itself stays */
		return 0;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void scratch_open(const struct pb_plan *plan, const struct pb_options *opts)
{
	const char *base = opts->io.dir ? opts->io.dir : getenv("TMPDIR");

	for (size_t c = 0; c < plan->ncells; c++)
		if (!strcmp(plan->cells[c].workload->name, "io.file")) {
			snprintf(scratch, sizeof(scratch), "%s/parbench-XXXXXX", base ? base : "/tmp");
			if (!mkdtemp(scratch)) {
				pb_env_warn(warning_stream(), "cannot make a directory in %s (%s): a "
					    "killed io.file cell will leave its files there",
					    base ? base : "/tmp", strerror(errno));
				scratch[0] = '\0';
			}
			return;
		}
}

static void scratch_empty(void)
{
	if (scratch[0])
		nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void scratch_close(void)
{
	scratch_empty();
	if (scratch[0])
		rmdir(scratch);
	scratch[0] = '\0';
}

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* How often a cell process's reader looks at the stop signal while it waits. */
#define STOP_CHECK_NS (200 * 1000000LL)

/* What the cell process is told to do: `parbench __cell`'s arguments. */
static struct pb_cell_args cell_args(const struct pb_cell *cell, unsigned reps,
				     const struct pb_options *opts)
{
	struct pb_cell_args args = {
		.workload = cell->workload->name,
		.strategy = cell->strategy->name,
		.workers = cell->workers,
		.pin = cell->pin->spec,
		.tasks = cell->tasks,
		.size = cell->size,
		.warmup = opts->warmup,
		.reps = reps,
		.loops = cell->loops,
		.io = opts->io,
		.python = cell->strategy->python ? opts->python.path : NULL,
		.hostfile = opts->hostfile,
		/* Once per cell, on its first visit; a py-* cell's interpreter does its repetitions. */
		.counted_rep = cell->nsamples == 0 && !cell->strategy->python,
	};
	if (scratch[0])
		args.io.dir = scratch;
	return args;
}

struct cell_child {
	pid_t supervisor;
	bool unbind_openmp;
};

/* In the child, before the exec of the cell process. */
static int prepare_cell(void *arg)
{
	const struct cell_child *child = arg;

	/* Should the supervisor die, so does the cell. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != child->supervisor)
		return -ESRCH;		/* it died before the prctl */
	/* parbench binds OpenMP's threads itself: one owner of binding. */
	if (child->unbind_openmp)
		setenv("OMP_PROC_BIND", "false", 1);
	pb_cell_stamp_exec();
	return 0;
}

struct cell_process {
	struct pb_proc proc;		/* its lines come on out_fd, its PB_CELL_FD */
	char *buf;			/* what has arrived of the current line */
	size_t len, cap;
	bool sent_error;
};

static int start_cell(struct cell_process *p, const struct pb_cell *cell, unsigned reps,
		      const struct pb_options *opts, char *why, size_t whylen)
{
	struct pb_cell_args args = cell_args(cell, reps, opts);
	struct cell_child child = { .supervisor = getpid(),
				    .unbind_openmp = cell->pin->policy != PB_PIN_NONE };
	const struct pb_proc_opts spawn = { .pipe_to = PB_PROC_FD(PB_CELL_FD), .own_group = true,
					    .before_exec = prepare_cell, .arg = &child };
	char **argv = pb_cell_argv("parbench", &args);
	int rc;

	*p = (struct cell_process){ .proc = { .pid = -1, .out_fd = -1 } };
	if (!argv) {
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	rc = pb_proc_spawn(&p->proc, "/proc/self/exe", argv, &spawn, why, whylen);
	pb_cell_argv_free(argv);
	return rc;
}

static struct pb_sample error_sample(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static struct pb_sample error_sample(const char *fmt, ...)
{
	struct pb_sample s = { .startup_s = NAN, .work_s = NAN };
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s.error, fmt, ap) < 0)
		s.error = NULL;
	va_end(ap);
	return s;
}

/* Repetitions are numbered per cell, across all of its processes. */
static void record(struct pb_output *out, struct pb_cell *cell, struct pb_sample *s)
{
	s->rep = (unsigned)cell->nsamples;
	pb_cell_add(cell, s);
	pb_output_raw_row(out, cell, &cell->samples[cell->nsamples - 1]);
}

/* Takes every complete line out of the buffer: 0, or -1 on a malformed one. */
static int take_lines(struct cell_process *p, struct pb_output *out, struct pb_cell *cell)
{
	char *line = p->buf, *newline;

	while ((newline = memchr(line, '\n', p->len - (size_t)(line - p->buf)))) {
		struct pb_sample s;

		*newline = '\0';
		if (pb_counts_parse(line, &cell->counts) == 0) {
			cell->counted = true;
		} else if (pb_sample_parse(line, &s)) {
			s = error_sample("malformed line from the cell process: %.80s", line);
			record(out, cell, &s);
			return -1;
		} else {
			p->sent_error = p->sent_error || s.error;
			record(out, cell, &s);
		}
		line = newline + 1;
	}
	p->len -= (size_t)(line - p->buf);
	memmove(p->buf, line, p->len);
	return 0;
}

/* What the cell sent, into the buffer: bytes read, 0 at its end, -ETIMEDOUT or -errno. */
static ssize_t read_some(struct cell_process *p, int64_t deadline_ns)
{
	ssize_t n;

	if (p->cap - p->len < 4096) {
		char *grown = realloc(p->buf, p->cap * 2 + 4096);

		if (!grown)
			return -ENOMEM;
		p->buf = grown;
		p->cap = p->cap * 2 + 4096;
	}
	n = pb_proc_read(&p->proc, p->buf + p->len, p->cap - p->len, deadline_ns);
	if (n > 0)
		p->len += (size_t)n;
	return n;
}

enum cell_end { CELL_EOF, CELL_TIMEOUT, CELL_STOPPED, CELL_BROKEN };

/* Reads the cell's lines until it closes its end, times out or the run is stopped. */
static enum cell_end follow_cell(struct cell_process *p, struct pb_output *out,
				 struct pb_cell *cell, double timeout_s)
{
	int64_t deadline = pb_now_ns() + (int64_t)(timeout_s * 1e9);

	for (;;) {
		int64_t now = pb_now_ns();
		ssize_t n;

		if (stop_signal)
			return CELL_STOPPED;
		if (now >= deadline)
			return CELL_TIMEOUT;
		/* Wake now and then to notice a signal that came between checks. */
		n = read_some(p, now + STOP_CHECK_NS < deadline ? now + STOP_CHECK_NS : deadline);
		if (n == -ETIMEDOUT)
			continue;
		if (n == 0)
			return CELL_EOF;
		if (n < 0 || take_lines(p, out, cell))
			return CELL_BROKEN;
	}
}

/*
 * The error row of a cell process that ended without sending one, if it
 * needs one.  A visit stopped by --budget's cap needs none: its cell is cut.
 */
static void describe_end(enum cell_end end, int status, const struct cell_process *p,
			 unsigned got, unsigned reps, struct pb_cell *cell, double timeout_s,
			 bool capped, struct pb_output *out)
{
	struct pb_sample s;
	char how[64];

	pb_proc_describe_exit(status, how, sizeof(how));
	if (end == CELL_TIMEOUT && capped)
		return;
	if (end == CELL_TIMEOUT)
		s = error_sample("timed out after %g s (--timeout); cell process killed", timeout_s);
	else if (end == CELL_STOPPED)
		s = error_sample("interrupted by %s", strsignal(stop_signal));
	else if (end == CELL_BROKEN || p->sent_error)
		return;		/* its row is written */
	else if (WIFSIGNALED(status))
		s = error_sample("cell process %s after %u of %u repetitions", how, got, reps);
	else if (WEXITSTATUS(status) != 0)
		s = error_sample("cell process %s", how);
	else if (got < reps)
		s = error_sample("cell process ended after %u of %u repetitions", got, reps);
	else
		return;
	record(out, cell, &s);
}

/*
 * One cell process: `reps` measured repetitions of the cell, stopped after
 * timeout_s.  Whether it ran past a timeout that --budget set (capped).
 */
static bool run_cell(struct pb_cell *cell, unsigned reps, double timeout_s, bool capped,
		     const struct pb_options *opts, struct pb_output *out)
{
	size_t before = cell->nsamples;
	struct cell_process p;
	enum cell_end end;
	char why[256];
	int status = 0;

	if (start_cell(&p, cell, reps, opts, why, sizeof(why)) < 0) {
		struct pb_sample s = error_sample("cannot start a cell process: %s", why);

		record(out, cell, &s);
		return false;
	}
	end = follow_cell(&p, out, cell, timeout_s);
	/* The whole group goes: the cell and any worker process it left. */
	if (end != CELL_EOF)
		pb_proc_kill(&p.proc, SIGKILL);
	pb_proc_wait(&p.proc, &status);
	pb_proc_kill(&p.proc, SIGKILL);
	scratch_empty();
	describe_end(end, status, &p, (unsigned)(cell->nsamples - before), reps, cell, timeout_s,
		     capped, out);
	free(p.buf);
	return end == CELL_TIMEOUT && capped;
}


static void print_paths(const struct pb_output *out)
{
	printf("\nresults: %s/raw.csv\n         %s/summary.csv\n         %s/verdicts.csv\n"
	       "         %s/meta.json\n", out->dir, out->dir, out->dir, out->dir);
}

/*
 * Whether a cell needs no more visits: it failed (a broken cell costs one
 * error row), it has its planned repetitions, or, with --reps auto, it has
 * at least the fewest and its median is known closely enough or its time
 * is spent.
 */
static bool cell_done(const struct pb_cell *cell, const struct pb_options *opts)
{
	if (pb_cell_failed(cell))
		return true;
	if (cell->nsamples < cell->planned)
		return false;
	return !opts->reps_auto || cell->nsamples >= PB_MAX_REPS ||
	       cell->spent_s >= opts->max_time_s ||
	       pb_cell_ci_width(cell) <= PB_AUTO_CI_WIDTH;
}

struct progress {
	size_t visit;			/* repetitions asked for so far */
	int64_t start_ns;
	bool shown;
};

/* The cells a run visits, and how: the plan's, then the A/A control once it exists. */
struct visitor {
	struct pb_plan *plan;
	bool second_look;		/* visiting undecided groups again (--budget) */
	struct pb_cell **cells;
	size_t n;
	const struct pb_options *opts;
	struct pb_output *out;
	struct pb_budget budget;	/* total_s 0: no --budget */
	struct progress pr;
};

static double elapsed_s(const struct visitor *v)
{
	return (double)(pb_now_ns() - v->pr.start_ns) / 1e9;
}

/* The repetitions planned so far, for the progress line. */
static size_t planned_reps(const struct visitor *v)
{
	size_t planned = 0;

	for (size_t i = 0; i < v->n; i++)
		planned += v->cells[i]->planned;
	return planned;
}

/* "[3/40] cpu.sumsq pthreads, 2 workers, compact  0:12 gone, ~1:30 left", on a terminal only. */
static void show_progress(struct visitor *v, const struct pb_cell *cell)
{
	struct progress *pr = &v->pr;
	size_t planned = planned_reps(v);
	double gone = elapsed_s(v), left;

	if (!isatty(STDERR_FILENO))
		return;
	left = pr->visit ? gone / (double)pr->visit * (double)(planned > pr->visit ?
							       planned - pr->visit : 0) : NAN;
	fprintf(stderr, "\r\033[K[%zu/%zu%s] %s %s, %u workers, %s  %d:%02d gone", pr->visit + 1,
		planned, v->opts->reps_auto ? "+" : "", cell->workload->name, cell->strategy->name,
		cell->workers, cell->pin->spec, (int)gone / 60, (int)gone % 60);
	if (isfinite(left))
		fprintf(stderr, ", ~%d:%02d left%s", (int)left / 60, (int)left % 60,
			v->opts->reps_auto ? " or more" : "");
	fflush(stderr);
	pr->shown = true;
}

static void clear_progress(struct progress *pr)
{
	if (pr->shown)
		fputs("\r\033[K", stderr);
	pr->shown = false;
}

/* With --budget: fits what is left to do into what is left of the budget. */
static void fit_budget(struct visitor *v)
{
	double left = v->budget.total_s * (1.0 - PB_BUDGET_RESERVE) - elapsed_s(v);

	if (v->budget.total_s)
		pb_budget_fit(&v->budget, v->cells, v->n, left);
}

/*
 * How a seq cell suits the A/A control: lower is better.  Its visits
 * should cost least, but its time must be long enough to measure the
 * machine rather than the clock and the start of a process.
 */
static double control_rank(const struct pb_cell *seq)
{
	double per_visit = seq->spent_s / seq->visits;

	return seq->nsamples && seq->samples[0].ok && seq->samples[0].wall_s >= PB_CONTROL_MIN_WALL_S
	       ? per_visit : per_visit + PB_MAX_TIMEOUT_S;
}

/*
 * The A/A control, once every group's seq has run: that of the group whose
 * seq suits it best (control_rank), again, as a cell of its own.  It needs
 * the repetitions to reach p < 0.05 when its two cells do differ.
 */
static void add_control(struct visitor *v)
{
	struct pb_cell *cheapest = NULL, *control;

	if (v->plan->control || v->opts->reps < PB_CONTROL_MIN_REPS || !v->opts->baseline)
		return;
	for (size_t c = 0; c < v->plan->ncells; c++) {
		struct pb_cell *cell = &v->plan->cells[c];

		if (cell->baseline != cell)
			continue;
		if (!cell->visits)
			return;
		if (!cheapest || control_rank(cell) < control_rank(cheapest))
			cheapest = cell;
	}
	if (!cheapest || !(control = malloc(sizeof(*control))))
		return;
	*control = (struct pb_cell){ .workload = cheapest->workload, .strategy = cheapest->strategy,
				     .workers = cheapest->workers, .pin = cheapest->pin,
				     .loops = cheapest->loops, .tasks = cheapest->tasks,
				     .size = cheapest->size, .baseline = cheapest,
				     .base = cheapest, .speedup_base = cheapest->speedup_base,
				     .wanted = v->opts->reps, .planned = v->opts->reps,
				     .control = true };
	v->plan->control = control;
	v->cells[v->n++] = control;
}

/*
 * One visit: `reps` repetitions in one cell process.  Under --budget, one
 * that runs past its cap is stopped and its cell cut (but a seq cell, which
 * every other cell of its group needs).
 */
static void visit(struct visitor *v, struct pb_cell *cell, unsigned reps)
{
	int64_t start = pb_now_ns();
	double timeout = v->opts->timeout_s, cap = pb_budget_visit_cap_s(&v->budget);
	bool capped = v->budget.total_s && cell->baseline != cell && cap < timeout;

	show_progress(v, cell);
	if (run_cell(cell, reps, capped ? cap : timeout, capped, v->opts, v->out)) {
		cell->stopped = true;
		cell->planned = (unsigned)cell->nsamples;
		snprintf(cell->cut, sizeof(cell->cut), "a visit ran past %g s, the most one may "
			 "take of --budget %g s", cap, v->budget.total_s);
	}
	cell->spent_s += (double)(pb_now_ns() - start) / 1e9;
	cell->visits++;
	cell->second_look = cell->second_look || v->second_look;
	v->pr.visit += reps;
	add_control(v);
}

/* The next visit of a cell, if it needs one, within the budget: whether it ran. */
static bool visit_if_needed(struct visitor *v, struct pb_cell *cell)
{
	unsigned reps;

	fit_budget(v);
	if (cell_done(cell, v->opts) || stop_signal)
		return false;
	/* Sequential: the rest of its repetitions at once, but --reps auto's one by one. */
	reps = v->opts->order == PB_ORDER_SEQUENTIAL && cell->nsamples < cell->planned ?
	       cell->planned - (unsigned)cell->nsamples : 1;
	visit(v, cell, reps);
	return true;
}

/* All repetitions of one cell, then the next. */
static void visit_in_sequence(struct visitor *v)
{
	for (size_t c = 0; c < v->n && !stop_signal; c++)
		while (visit_if_needed(v, v->cells[c]))
			;
}

/* A shuffled order of the cells (Fisher-Yates). */
static void shuffle(size_t *order, size_t n, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = pb_mix64((*rng)++) % i, swap = order[i - 1];

		order[i - 1] = order[j];
		order[j] = swap;
	}
}

/* Rounds of one repetition of every cell not done yet, each in a shuffled order. */
static void visit_interleaved(struct visitor *v)
{
	size_t *order = calloc(v->plan->ncells + 2, sizeof(*order));
	uint64_t rng = v->opts->seed;
	bool any = true;

	if (!order) {
		fputs("parbench: out of memory\n", stderr);
		return;
	}
	while (any && !stop_signal) {
		size_t n = v->n;

		shuffle(order, n, &rng);
		any = false;
		for (size_t i = 0; i < n && !stop_signal; i++)
			any = visit_if_needed(v, v->cells[order[i]]) || any;
	}
	free(order);
}

/*
 * The seq cells first, one repetition each: every other cell of a group
 * needs their checksum, and --budget their time, to plan the rest.
 */
static void visit_baselines(struct visitor *v)
{
	for (size_t c = 0; c < v->plan->ncells && !stop_signal; c++) {
		struct pb_cell *cell = &v->plan->cells[c];

		if (cell->baseline == cell && !cell->visits && cell->planned)
			visit(v, cell, 1);
	}
}

/*
 * Every cell of the strategy in the group wants `target` repetitions: more
 * data may make another of its worker counts its best.  Whether any wants
 * more than before.
 */
static bool want_more(const struct pb_verdict *verdict, const struct pb_strategy *strategy,
		      unsigned target)
{
	bool more = false;

	/* The plan's cells, which the verdict sees as const. */
	for (struct pb_cell *c = (struct pb_cell *)verdict->first; c < verdict->end; c++)
		if (c->strategy == strategy && target > c->wanted) {
			c->wanted = target;
			more = true;
		}
	return more;
}

/*
 * With --budget, the time the plan left goes to the groups it left
 * undecided: the cells of their leader's and tied strategies want the
 * repetitions that would likely decide (at most PB_DECIDE_MAX_REPS), and get what the budget
 * allows.  Their groups are then judged at alpha / 2 (harness/stats/verdict.h).
 * Whether any cell wants more.
 */
static bool want_decisions(struct visitor *v)
{
	struct pb_verdicts verdicts;
	bool any = false;

	pb_plan_summarize(v->plan);
	if (pb_verdicts_judge(v->plan, v->opts->equivalence, &verdicts))
		return false;
	for (size_t g = 0; g < verdicts.n; g++) {
		const struct pb_verdict *verdict = &verdicts.v[g];
		double target = fmin(PB_DECIDE_MAX_REPS, ceil(verdict->reps_to_decide));

		if (verdict->kind != PB_VERDICT_UNDECIDED || !isfinite(verdict->reps_to_decide))
			continue;
		for (size_t i = 0; i < verdict->n; i++)
			if (verdict->contenders[i].role == PB_ROLE_LEADER ||
			    verdict->contenders[i].role == PB_ROLE_TIED)
				any = want_more(verdict, verdict->contenders[i].cell->strategy,
						(unsigned)target) || any;
	}
	pb_verdicts_free(&verdicts);
	return any;
}

/* "about 4:10 for 136 cells x 5 repetitions (--budget 5:00)" */
static void print_estimate(struct visitor *v)
{
	double total = elapsed_s(v) + pb_budget_need_s(&v->budget, v->cells, v->n);

	clear_progress(&v->pr);
	fprintf(stderr, "parbench: plan: %zu cells%s x %u repetitions, about %d:%02d (estimated "
		"from the seq runs; --budget %d:%02d)\n", v->plan->ncells,
		v->plan->control ? " and the A/A control" : "", v->opts->reps,
		(int)total / 60, (int)total % 60, (int)v->budget.total_s / 60,
		(int)v->budget.total_s % 60);
}

static void visit_cells(struct pb_plan *plan, const struct pb_options *opts,
			struct pb_output *out)
{
	struct visitor v = {
		.plan = plan, .opts = opts, .out = out,
		.cells = calloc(plan->ncells + 1, sizeof(*v.cells)),
		.budget = { .total_s = opts->budget_s, .warmup = opts->warmup,
			    .pus = plan->pus,
			    .one_visit_per_cell = opts->order == PB_ORDER_SEQUENTIAL },
		.pr = { .start_ns = pb_now_ns() },
	};

	if (!v.cells) {
		fputs("parbench: out of memory\n", stderr);
		return;
	}
	for (size_t c = 0; c < plan->ncells; c++)
		v.cells[v.n++] = &plan->cells[c];
	/* Sequential without --budget: each seq cell has all its repetitions in one visit. */
	if (opts->budget_s || opts->order == PB_ORDER_INTERLEAVED)
		visit_baselines(&v);
	if (opts->budget_s) {
		print_estimate(&v);
		fit_budget(&v);
	}
	if (opts->order == PB_ORDER_SEQUENTIAL)
		visit_in_sequence(&v);
	else
		visit_interleaved(&v);
	if (opts->budget_s && !stop_signal && want_decisions(&v)) {
		v.second_look = true;
		if (opts->order == PB_ORDER_SEQUENTIAL)
			visit_in_sequence(&v);
		else
			visit_interleaved(&v);
	}
	clear_progress(&v.pr);
	free(v.cells);
}

/* The cells --budget cut: a row each in raw.csv (control.csv), after their repetitions. */
static void write_cuts(struct pb_plan *plan, struct pb_output *out)
{
	for (size_t c = 0; c < plan->ncells; c++)
		if (plan->cells[c].cut[0])
			pb_output_cut_row(out, &plan->cells[c]);
	if (plan->control && plan->control->cut[0])
		pb_output_cut_row(out, plan->control);
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

	pb_plan_summarize(plan);
	if (pb_verdicts_judge(plan, opts->equivalence, &verdicts) ||
	    pb_noise_measure(plan, opts->reps, &noise)) {
		fputs("parbench: out of memory for the verdicts\n", stderr);
		return 1;
	}
	if (pb_output_summary(out, plan))
		fprintf(stderr, "parbench: cannot write %s/summary.csv: %s\n", out->dir,
			strerror(errno));
	if (pb_output_verdicts(out, &verdicts))
		fprintf(stderr, "parbench: cannot write %s/verdicts.csv: %s\n", out->dir,
			strerror(errno));
	if (opts->export_json && pb_export_json(opts->export_json, out->run_id, plan, &verdicts))
		fprintf(stderr, "parbench: cannot write %s: %s\n", opts->export_json,
			strerror(errno));
	if (opts->export_markdown && pb_export_markdown(opts->export_markdown, out->run_id, plan))
		fprintf(stderr, "parbench: cannot write %s: %s\n", opts->export_markdown,
			strerror(errno));
	pb_meta_now(meta->end, sizeof(meta->end));
	meta->status = stop_signal ? (stop_signal == SIGINT ? "interrupted by SIGINT"
							  : "interrupted by SIGTERM")
				   : "completed";
	meta->warnings = show_warnings();
	meta->noise = &noise;
	pb_meta_write(meta);
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
	if (stop_signal)
		return 128 + stop_signal;
	return failed ? 1 : 0;
}

static int run_plan(struct pb_plan *plan, const struct pb_options *opts, struct pb_output *out,
		    struct pb_meta *meta)
{
	catch_stop_signals();
	scratch_open(plan, opts);
	visit_cells(plan, opts, out);
	scratch_close();
	write_cuts(plan, out);
	return conclude(plan, opts, out, meta);
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
	pb_options_parse(argc, argv, topology, &opts);
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
	/* What the cells' counted repetitions can count here, for meta.json; none stays open. */
	pb_counters_open(&counters);
	pb_counters_close(&counters);
	meta = (struct pb_meta){ .run_id = out.run_id, .dir = out.dir, .argc = full_argc,
				 .argv = full_argv, .opts = &opts, .topology = topology,
				 .status = "running", .warnings = show_warnings(),
				 .counters = &counters };
	pb_meta_now(meta.start, sizeof(meta.start));
	pb_meta_write(&meta);
	rc = run_plan(&plan, &opts, &out, &meta);
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
