#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell/cell.h"
#include "util/proc.h"
#include "cell/counters.h"
#include "machine/cpus.h"
#include "machine/pin.h"
#include "runtime/run.h"
#include "cell/sample.h"
#include "util/error.h"
#include "util/fd.h"
#include "stats/stats.h"
#include "strategies/strategy.h"

/* "NAME=VALUE", malloc'd. */
static char *pair(const char *name, const char *value)
{
	char *text;

	return asprintf(&text, "%s=%s", name, value) < 0 ? NULL : text;
}

static char *number_pair(const char *name, uint64_t n)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, n);
	return pair(name, text);
}

char **pb_cell_argv(const char *self, const struct pb_cell_args *args)
{
	enum { FIXED = 12 };	/* self, __cell, and the ten fields every cell has */
	size_t fields = FIXED + (args->bind != NULL), n = fields + args->settings.n;
	char **argv = calloc(n + 1, sizeof(*argv));

	if (!argv)
		return NULL;
	argv[0] = strdup(self);
	argv[1] = strdup("__cell");
	argv[2] = pair("workload", args->workload);
	argv[3] = pair("strategy", args->strategy);
	argv[4] = number_pair("workers", args->workers);
	argv[5] = pair("pin", args->pin);
	argv[6] = pair("pu_os", args->pu_os);
	argv[7] = number_pair("tasks", args->tasks);
	argv[8] = number_pair("size", args->size);
	argv[9] = number_pair("warmup", args->warmup);
	argv[10] = number_pair("reps", args->reps);
	argv[11] = number_pair("counted_rep", args->counted_rep);
	if (args->bind)
		argv[FIXED] = pair("bind", args->bind);
	for (size_t i = 0; i < args->settings.n; i++)
		argv[fields + i] = pair(args->settings.v[i].option->name, args->settings.v[i].value);
	for (size_t i = 0; i < n; i++)
		if (!argv[i]) {
			pb_cell_argv_free(argv);
			return NULL;
		}
	return argv;
}

void pb_cell_argv_free(char **argv)
{
	for (char **arg = argv; *arg; arg++)
		free(*arg);
	free(argv);
}

/* Sends an error line for repetition `rep` and returns 1 (the exit status). */
static int send_error(unsigned rep, const char *message)
{
	struct pb_sample sample = { .rep = rep, .error = (char *)message, .startup_s = NAN,
				    .work_s = NAN };

	pb_sample_send(PB_CELL_FD, &sample);
	return 1;
}

/* The logical number of the PU whose OS CPU number is os, or -1. */
static int pu_logical(const struct pb_list *pu_os, unsigned os)
{
	for (size_t i = 0; i < pu_os->n; i++)
		if (pu_os->v[i] == os)
			return (int)i;
	return -1;
}

/* "0;1": per worker, the logical PUs it was seen on, joined by '+'. */
static char *format_cpus(const struct pb_run *run)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	unsigned workers = run->workers;

	if (!out)
		return NULL;
	/* Event loops run fewer threads than tasks in flight: drop the unused records. */
	while (workers > 1 && CPU_COUNT(&run->shared->workers[workers - 1].seen) == 0)
		workers--;
	for (unsigned w = 0; w < workers; w++) {
		const cpu_set_t *seen = &run->shared->workers[w].seen;
		const char *sep = "";

		fputs(w ? ";" : "", out);
		for (unsigned os = 0; os < CPU_SETSIZE; os++) {
			if (!CPU_ISSET(os, seen))
				continue;
			fprintf(out, "%s%d", sep, pu_logical(run->pu_os, os));
			sep = "+";
		}
	}
	fclose(out);
	return text;
}

/* Checks what the workers recorded and derives the checksum and latencies. */
static int evaluate(const struct pb_run *run, struct pb_sample *s, char *why, size_t whylen)
{
	const struct pb_shared *shared = run->shared;
	uint64_t tasks = run->job->tasks;
	double *latency;

	for (unsigned w = 0; w < run->workers; w++)
		if (shared->workers[w].bind_errno) {
			snprintf(why, whylen, "worker %u could not bind to its PU: %s", w,
				 strerror(shared->workers[w].bind_errno));
			return -1;
		}
	latency = malloc(tasks * sizeof(*latency));
	if (!latency) {
		snprintf(why, whylen, "out of memory for %" PRIu64 " latencies", tasks);
		return -1;
	}
	s->checksum = 0;
	for (uint64_t t = 0; t < tasks; t++) {
		const struct pb_task_record *task = &shared->tasks[t];

		if (task->end_ns == 0 || task->error) {
			if (task->error)
				snprintf(why, whylen, "task %" PRIu64 " failed: %s", t,
					 strerror(task->error));
			else
				snprintf(why, whylen, "task %" PRIu64 " was never done", t);
			free(latency);
			return -1;
		}
		s->checksum = pb_checksum_fold(s->checksum, t, task->checksum);
		latency[t] = (double)(task->end_ns - task->start_ns) / 1e9;
	}
	pb_sort(latency, tasks);
	s->lat_p50_s = pb_quantile(latency, tasks, 0.50);
	s->lat_p99_s = pb_quantile(latency, tasks, 0.99);
	free(latency);
	s->cpus = format_cpus(run);
	return 0;
}

/* One repetition: the only timed part is the strategy's run(). */
static int measure(const struct pb_strategy *strategy, struct pb_run *run,
		   struct pb_sample *s, char *why, size_t whylen)
{
	struct pb_usage before, after;
	int64_t start, end;
	int rc;

	pb_run_reset(run);
	pb_usage_now(&before);
	start = pb_now_ns();
	rc = strategy->run(run);
	end = pb_now_ns();
	pb_usage_now(&after);
	if (rc || run->error[0]) {	/* a loop may pb_fail() a task and run on */
		snprintf(why, whylen, "%s", run->error[0] ? run->error : "the strategy failed");
		return -1;
	}
	s->wall_s = (double)(end - start) / 1e9;
	s->work_s = run->work_s;
	s->hosts = run->hosts;
	run->hosts = NULL;
	s->offload = run->offload;
	if (run->offload.device && !(s->offload.device = strdup(run->offload.device))) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	pb_usage_delta(&before, &after, s);
	return evaluate(run, s, why, whylen);
}

/*
 * The counted repetition: the job once more with the kernel's counters open,
 * after the measured repetitions and untimed, because counters that follow
 * new threads and processes make creating each of them slower.  It sends its
 * C line; one that fails sends none (the measured rows say what fails).
 */
static int count_once(const struct pb_strategy *strategy, struct pb_run *run)
{
	int64_t before[PB_NEVENTS], after[PB_NEVENTS], start, end;
	struct pb_sample checked = { .work_s = NAN };
	struct pb_counters counters;
	struct pb_counts counts;
	char why[512];
	int rc;

	pb_run_reset(run);
	if (pb_counters_open(&counters) == 0) {	/* every event refused: nothing to count */
		pb_counters_close(&counters);
		return 0;
	}
	pb_counters_read(&counters, before);
	start = pb_now_ns();
	rc = strategy->run(run);
	end = pb_now_ns();
	pb_counters_read(&counters, after);
	pb_counters_close(&counters);
	if (rc || run->error[0] || evaluate(run, &checked, why, sizeof(why))) {
		pb_sample_free(&checked);
		return 0;
	}
	pb_sample_free(&checked);
	pb_counts_between(before, after, (double)(end - start) / 1e9, &counts);
	return pb_counts_send(PB_CELL_FD, &counts) ? 1 : 0;
}

static int run_measured(const struct pb_cell_args *args, const struct pb_strategy *strategy,
			struct pb_run *run, double startup_s)
{
	char why[512];

	for (unsigned i = 0; i < args->warmup + args->reps; i++) {
		struct pb_sample sample = { .startup_s = startup_s, .work_s = NAN };
		unsigned rep = i < args->warmup ? 0 : i - args->warmup;

		if (measure(strategy, run, &sample, why, sizeof(why))) {
			pb_sample_free(&sample);
			return send_error(rep, why);
		}
		if (i >= args->warmup) {
			sample.rep = rep;
			if ((sample.offload.device && pb_offload_send(PB_CELL_FD, &sample.offload)) ||
			    (sample.hosts && pb_hosts_send(PB_CELL_FD, sample.hosts)) ||
			    pb_sample_send(PB_CELL_FD, &sample)) {
				pb_sample_free(&sample);
				return 1;
			}
		}
		pb_sample_free(&sample);
	}
	return args->counted_rep ? count_once(strategy, run) : 0;
}

/*
 * The cell's repetitions, between the strategy's prepare() and finish()
 * (an offload's device and program), which no repetition's time includes.
 */
static int run_reps(const struct pb_cell_args *args, const struct pb_strategy *strategy,
		    struct pb_run *run, double startup_s)
{
	int rc;

	if (strategy->prepare && strategy->prepare(run))
		rc = send_error(0, run->error[0] ? run->error : "the strategy's preparation failed");
	else
		rc = run_measured(args, strategy, run, startup_s);
	if (strategy->finish)
		strategy->finish(run);
	return rc;
}

/* A strategy that runs in another program: it does the repetitions and sends their lines. */
static int run_elsewhere(const struct pb_cell_args *args, const struct pb_strategy *strategy,
			 struct pb_run *run, double startup_s)
{
	const struct pb_reps reps = { .strategy = strategy->name, .warmup = args->warmup,
				      .reps = args->reps, .startup_s = startup_s };
	char why[1024];
	int rc = strategy->run_cell(run, &reps, why, sizeof(why));

	return rc < 0 ? send_error(0, why) : rc;
}

/*
 * The workload's and strategy's own options, from their defaults and the
 * cell's settings (the supervisor checked them: a failure is a bug or
 * memory): 0, or -1 with why.
 */
static int fill_options(const struct pb_cell_args *args, const struct pb_workload *workload,
			const struct pb_strategy *strategy, void **workload_options,
			void **strategy_options, char *why, size_t whylen)
{
	*workload_options = pb_options_new(workload->options, workload->options_size,
					   &args->settings, why, whylen);
	if (workload->options && !*workload_options)
		return -1;
	*strategy_options = pb_options_new(strategy->options, strategy->options_size,
					   &args->settings, why, whylen);
	return strategy->options && !*strategy_options ? -1 : 0;
}

/*
 * The supervisor's placement of the workers: the PUs' OS numbers, the pin
 * policy, and each worker's CPUs when pinned (*bind, malloc'd; NULL when
 * not).  0, or -1 with why.
 */
static int read_placement(const struct pb_cell_args *args, struct pb_list *pu_os,
			  struct pb_pin *pin, cpu_set_t **bind, char *why, size_t whylen)
{
	*bind = NULL;
	if (pb_parse_list(args->pu_os, 0, CPU_SETSIZE - 1, pu_os, why, whylen))
		return -1;
	if (pb_pin_parse(args->pin, (unsigned)pu_os->n, pin, why, whylen))
		goto fail_pus;
	if ((pin->policy == PB_PIN_NONE) != !args->bind) {
		snprintf(why, whylen, "internal error: pin=%s with%s bind=", args->pin,
			 args->bind ? "" : "out");
		goto fail_pin;
	}
	if (!args->bind)
		return 0;
	*bind = calloc(args->workers, sizeof(**bind));
	if (!*bind) {
		snprintf(why, whylen, "out of memory for the workers' CPU sets");
		goto fail_pin;
	}
	if (pb_cpu_sets_parse(args->bind, args->workers, *bind, why, whylen) == 0)
		return 0;
	free(*bind);
	*bind = NULL;
fail_pin:
	pb_pin_free(pin);
fail_pus:
	pb_list_free(pu_os);
	return -1;
}

static int run_cell(const struct pb_cell_args *args, const struct pb_workload *workload,
		    const struct pb_strategy *strategy, const struct pb_fault *fault,
		    double startup_s)
{
	struct pb_job job = { .workload = workload, .tasks = args->tasks, .size = args->size };
	void *workload_options = NULL, *strategy_options = NULL;
	struct pb_list pu_os;
	cpu_set_t *bind;
	struct pb_pin pin;
	struct pb_run run;
	char why[1024];
	int rc;

	if (read_placement(args, &pu_os, &pin, &bind, why, sizeof(why)))
		return send_error(0, why);
	if (fill_options(args, workload, strategy, &workload_options, &strategy_options, why,
			 sizeof(why))) {
		rc = send_error(0, why);
		goto out_pin;
	}
	job.options = workload_options;
	if (workload->setup && (rc = workload->setup(&job)) < 0) {
		if (job.error[0])
			snprintf(why, sizeof(why), "setup of %s failed: %s", workload->name, job.error);
		else
			snprintf(why, sizeof(why), "setup of %s failed: %s", workload->name,
				 strerror(-rc));
		rc = send_error(0, why);
		goto out_pin;
	}
	if ((rc = pb_run_init(&run, &job, args->workers, bind)) < 0) {
		snprintf(why, sizeof(why), "cannot map the task records: %s", strerror(-rc));
		rc = send_error(0, why);
		goto out_setup;
	}
	run.options = strategy_options;
	run.pin = &pin;
	run.pu_os = &pu_os;
	run.fault = *fault;
	rc = strategy->run_cell ? run_elsewhere(args, strategy, &run, startup_s)
				: run_reps(args, strategy, &run, startup_s);
	pb_run_destroy(&run);
out_setup:
	if (workload->teardown)
		workload->teardown(&job);
out_pin:
	free(workload_options);
	free(strategy_options);
	free(bind);
	pb_pin_free(&pin);
	pb_list_free(&pu_os);
	return rc;
}

/* "NAME=VALUE": NAME into name (len bytes), VALUE's start; false without a '='. */
static bool split_pair(const char *arg, char *name, size_t len, const char **value)
{
	const char *eq = strchr(arg, '=');

	if (!eq || (size_t)(eq - arg) >= len)
		return false;
	snprintf(name, len, "%.*s", (int)(eq - arg), arg);
	*value = eq + 1;
	return true;
}

static bool count_field(const char *value, uint64_t max, uint64_t *out)
{
	char why[128];

	return pb_parse_u64(value, 0, max, out, why, sizeof(why)) == 0;
}

/* One of the fields every cell has: true when name is one and its value is good. */
static bool parse_field(const char *name, const char *value, struct pb_cell_args *args)
{
	uint64_t n;

	if (!strcmp(name, "workload"))
		args->workload = value;
	else if (!strcmp(name, "strategy"))
		args->strategy = value;
	else if (!strcmp(name, "pin"))
		args->pin = value;
	else if (!strcmp(name, "bind"))
		args->bind = value;
	else if (!strcmp(name, "pu_os"))
		args->pu_os = value;
	else if (!strcmp(name, "tasks"))
		return count_field(value, UINT64_MAX, &args->tasks);
	else if (!strcmp(name, "size"))
		return count_field(value, UINT64_MAX, &args->size);
	else if (!count_field(value, UINT32_MAX, &n))
		return false;
	else if (!strcmp(name, "workers"))
		args->workers = (unsigned)n;
	else if (!strcmp(name, "warmup"))
		args->warmup = (unsigned)n;
	else if (!strcmp(name, "reps"))
		args->reps = (unsigned)n;
	else if (!strcmp(name, "counted_rep"))
		args->counted_rep = n != 0;
	else
		return false;
	return true;
}

/*
 * The supervisor made these arguments: a bad one is a bug.  The fields
 * first, then the options of the workload and strategy they name.  A plugin
 * that will not open here (gone since the supervisor opened it) says why.
 */
static int parse_args(int argc, char **argv, struct pb_cell_args *args,
		      const struct pb_workload **workload, const struct pb_strategy **strategy,
		      char *why, size_t whylen)
{
	const char *value;
	char name[64];
	int i = 2;

	*args = (struct pb_cell_args){ 0 };
	for (; i < argc && split_pair(argv[i], name, sizeof(name), &value) &&
	       parse_field(name, value, args); i++)
		;
	if (!args->workload || !args->strategy || !args->pin || !args->pu_os || !args->workers ||
	    !args->tasks || !(*strategy = pb_strategy_find(args->strategy)))
		return pb_error(why, whylen, "internal error: malformed cell arguments");
	if (!(*workload = pb_workload_resolve(args->workload, why, whylen)))
		return *why ? -1 : pb_error(why, whylen, "internal error: malformed cell arguments");
	for (; i < argc; i++) {
		const struct pb_option *o;

		if (!split_pair(argv[i], name, sizeof(name), &value))
			return pb_error(why, whylen, "internal error: malformed cell arguments");
		o = pb_option_find((*workload)->options, name);
		if (!o && !(o = pb_option_find((*strategy)->options, name)))
			return pb_error(why, whylen, "internal error: malformed cell arguments");
		if (pb_settings_put(&args->settings, o, value))
			return pb_error(why, whylen, "out of memory");
	}
	return 0;
}

int pb_cell_main(int argc, char **argv)
{
	const struct pb_workload *workload = NULL;
	const struct pb_strategy *strategy;
	struct pb_cell_args args;
	struct pb_fault fault;
	char why[1024];
	int rc;

	double startup_s = pb_proc_since_exec_s();

	if (parse_args(argc, argv, &args, &workload, &strategy, why, sizeof(why))) {
		pb_settings_free(&args.settings);
		return send_error(0, why);
	}
	/* The supervisor's pipe is the cell's: a program it starts (mpirun) gets none. */
	fcntl(PB_CELL_FD, F_SETFD, FD_CLOEXEC);
	/* The tests' fault injection (README, "Fault injection"); a typo there is no pass. */
	if (pb_fault_parse(getenv("PARBENCH_FAULT"), args.strategy, &fault, why, sizeof(why))) {
		pb_settings_free(&args.settings);
		return send_error(0, why);
	}
	pb_raise_fd_limit();
	rc = run_cell(&args, workload, strategy, &fault, startup_s);
	pb_settings_free(&args.settings);
	return rc;
}
