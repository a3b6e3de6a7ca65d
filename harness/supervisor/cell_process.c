#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cell/cell.h"
#include "cell/counters.h"
#include "machine/env.h"
#include "machine/pin.h"
#include "runtime/run.h"
#include "supervisor/cell_process.h"
#include "supervisor/stop.h"
#include "util/proc.h"

/* How often a cell process's reader looks at the stop signal while it waits. */
#define STOP_CHECK_NS (200 * 1000000LL)

static char scratch[4096];		/* "" when no workload of the plan writes files */

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

void pb_scratch_open(const struct pb_plan *plan, const struct pb_options *opts, FILE *warnings)
{
	for (size_t c = 0; c < plan->ncells; c++) {
		const struct pb_workload *w = plan->cells[c].workload;
		const struct pb_setting *dir;
		const char *base;

		if (!w->scratch_option)
			continue;
		dir = pb_settings_get(&opts->settings, w->scratch_option);
		base = dir ? dir->value : getenv("TMPDIR");
		snprintf(scratch, sizeof(scratch), "%s/parbench-XXXXXX", base ? base : "/tmp");
		if (!mkdtemp(scratch)) {
			pb_env_warn(warnings, "cannot make a directory in %s (%s): a killed %s cell "
				    "will leave its files there", base ? base : "/tmp", strerror(errno),
				    w->name);
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

void pb_scratch_close(void)
{
	scratch_empty();
	if (scratch[0])
		rmdir(scratch);
	scratch[0] = '\0';
}

/*
 * The options given that the cell's workload or strategy declares; a
 * workload's files go into the run's scratch directory.  0 or -ENOMEM.
 */
static int cell_settings(const struct pb_cell *cell, const struct pb_options *opts,
			 struct pb_settings *out)
{
	const struct pb_workload *w = cell->workload;

	*out = (struct pb_settings){ 0 };
	for (size_t i = 0; i < opts->settings.n; i++) {
		const struct pb_setting *s = &opts->settings.v[i];

		if ((pb_option_find(w->options, s->option->name) ||
		     pb_option_find(cell->strategy->options, s->option->name)) &&
		    pb_settings_put(out, s->option, s->value))
			return -ENOMEM;
	}
	if (w->scratch_option && scratch[0])
		return pb_settings_put(out, pb_option_find(w->options, w->scratch_option), scratch);
	return 0;
}

/*
 * What the cell process is told to do: `parbench __cell NAME=VALUE...`, or
 * NULL.  Its workers' CPUs are found here, where the topology is, so that
 * the cell process loads none.
 */
static char **cell_argv(const struct pb_plan *plan, const struct pb_cell *cell, unsigned reps,
			const struct pb_options *opts)
{
	bool pinned = cell->pin->policy != PB_PIN_NONE;
	char *bind = pinned ? pb_pin_cpu_sets_text(plan->topology, cell->pin, cell->workers)
			    : NULL;
	struct pb_cell_args args = {
		.workload = pb_workload_spec(cell->workload),
		.strategy = cell->strategy->name,
		.workers = cell->workers,
		.pin = cell->pin->spec,
		.bind = bind,
		.pu_os = plan->pu_os,
		.tasks = cell->tasks,
		.size = cell->size,
		.warmup = opts->warmup,
		.reps = reps,
		/* Once per cell, on its first visit; not where another program does the repetitions. */
		.counted_rep = cell->nsamples == 0 && !cell->strategy->run_cell,
	};
	char **argv = NULL;

	if ((!pinned || bind) && cell_settings(cell, opts, &args.settings) == 0)
		argv = pb_cell_argv("parbench", &args);
	pb_settings_free(&args.settings);
	free(bind);
	return argv;
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
	pb_proc_stamp_exec();
	return 0;
}

struct cell_process {
	struct pb_proc proc;		/* its lines come on out_fd, its PB_CELL_FD */
	char *buf;			/* what has arrived of the current line */
	size_t len, cap;
	bool sent_error;
	struct pb_offload offload;	/* an O line's, for the S line that follows it */
	char *hosts;			/* an H line's, likewise */
};

static int start_cell(struct cell_process *p, const struct pb_plan *plan,
		      const struct pb_cell *cell, unsigned reps, const struct pb_options *opts,
		      char *why, size_t whylen)
{
	struct cell_child child = { .supervisor = getpid(),
				    .unbind_openmp = cell->pin->policy != PB_PIN_NONE };
	const struct pb_proc_opts spawn = { .pipe_to = PB_PROC_FD(PB_CELL_FD), .own_group = true,
					    .before_exec = prepare_cell, .arg = &child };
	char **argv = cell_argv(plan, cell, reps, opts);
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

/* Repetitions are numbered per cell, across all of its processes.  0 or -errno. */
static int record(struct pb_output *out, struct pb_cell *cell, struct pb_sample *s)
{
	int rc;

	s->rep = (unsigned)cell->nsamples;
	pb_cell_add(cell, s);
	rc = pb_output_raw_row(out, cell, &cell->samples[cell->nsamples - 1]);
	if (rc)
		pb_stop_write_failed(out->dir, pb_output_rows_file(cell), rc);
	return rc;
}

/* Takes every complete line out of the buffer: 0, or -1 on a malformed one or a failed write. */
static int take_lines(struct cell_process *p, struct pb_output *out, struct pb_cell *cell)
{
	char *line = p->buf, *newline;

	while ((newline = memchr(line, '\n', p->len - (size_t)(line - p->buf)))) {
		struct pb_sample s;

		*newline = '\0';
		if (pb_counts_parse(line, &cell->counts) == 0) {
			cell->counted = true;
		} else if (!strncmp(line, "O ", 2)) {
			free(p->offload.device);
			p->offload.device = NULL;
			if (pb_offload_parse(line, &p->offload)) {
				s = error_sample("malformed line from the cell process: %.80s", line);
				record(out, cell, &s);
				return -1;
			}
		} else if (!strncmp(line, "H ", 2)) {
			free(p->hosts);
			p->hosts = NULL;
			if (pb_hosts_parse(line, &p->hosts)) {
				s = error_sample("malformed line from the cell process: %.80s", line);
				record(out, cell, &s);
				return -1;
			}
		} else if (pb_sample_parse(line, &s)) {
			s = error_sample("malformed line from the cell process: %.80s", line);
			record(out, cell, &s);
			return -1;
		} else {
			p->sent_error = p->sent_error || s.error;
			s.offload = p->offload;		/* its device, NULL but after an O line */
			s.hosts = p->hosts;
			p->offload.device = p->hosts = NULL;
			if (record(out, cell, &s))
				return -1;
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

		if (pb_stopping())
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
	else if (end == CELL_STOPPED && !pb_stop_signal())
		return;		/* by a write that failed: no row can be written */
	else if (end == CELL_STOPPED)
		s = error_sample("interrupted by %s", strsignal(pb_stop_signal()));
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

bool pb_cell_process_run(const struct pb_plan *plan, struct pb_cell *cell, unsigned reps,
			 double timeout_s, bool capped, const struct pb_options *opts,
			 struct pb_output *out)
{
	size_t before = cell->nsamples;
	struct cell_process p;
	enum cell_end end;
	char why[256];
	int status = 0;

	if (start_cell(&p, plan, cell, reps, opts, why, sizeof(why)) < 0) {
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
	free(p.offload.device);
	free(p.hosts);
	return end == CELL_TIMEOUT && capped;
}
