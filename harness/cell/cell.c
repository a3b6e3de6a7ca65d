#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cell/cell.h"
#include "cell/counters.h"
#include "machine/pin.h"
#include "strategies/python/interpreter.h"
#include "runtime/run.h"
#include "cell/sample.h"
#include "util/fd_limit.h"
#include "stats/stats.h"
#include "strategies/strategy.h"

enum { ARG_WORKLOAD = 2, ARG_STRATEGY, ARG_WORKERS, ARG_PIN, ARG_TASKS, ARG_SIZE,
       ARG_WARMUP, ARG_REPS, ARG_LOOPS, ARG_DIR, ARG_DIRECT, ARG_DELAY, ARG_URL, ARG_PYTHON,
       ARG_HOSTFILE, ARG_COUNTED_REP, ARG_COUNT };

static char *number_text(uint64_t n)
{
	char text[24];

	snprintf(text, sizeof(text), "%" PRIu64, n);
	return strdup(text);
}

/* Exact enough to give back the same double: %.17g. */
static char *seconds_text(double seconds)
{
	char text[32];

	snprintf(text, sizeof(text), "%.17g", seconds);
	return strdup(text);
}

char **pb_cell_argv(const char *self, const struct pb_cell_args *args)
{
	char **argv = calloc(ARG_COUNT + 1, sizeof(*argv));

	if (!argv)
		return NULL;
	argv[0] = strdup(self);
	argv[1] = strdup("__cell");
	argv[ARG_WORKLOAD] = strdup(args->workload);
	argv[ARG_STRATEGY] = strdup(args->strategy);
	argv[ARG_WORKERS] = number_text(args->workers);
	argv[ARG_PIN] = strdup(args->pin);
	argv[ARG_TASKS] = number_text(args->tasks);
	argv[ARG_SIZE] = number_text(args->size);
	argv[ARG_WARMUP] = number_text(args->warmup);
	argv[ARG_REPS] = number_text(args->reps);
	argv[ARG_LOOPS] = number_text(args->loops);
	argv[ARG_DIR] = strdup(args->io.dir ? args->io.dir : "");
	argv[ARG_DIRECT] = number_text((uint64_t)args->io.direct);
	argv[ARG_DELAY] = seconds_text(args->io.delay_s);
	argv[ARG_URL] = strdup(args->io.url ? args->io.url : "");
	argv[ARG_PYTHON] = strdup(args->python ? args->python : "");
	argv[ARG_HOSTFILE] = strdup(args->hostfile ? args->hostfile : "");
	argv[ARG_COUNTED_REP] = number_text(args->counted_rep);
	for (int i = 0; i < ARG_COUNT; i++)
		if (!argv[i]) {
			pb_cell_argv_free(argv);
			return NULL;
		}
	return argv;
}

void pb_cell_argv_free(char **argv)
{
	for (int i = 0; i < ARG_COUNT; i++)
		free(argv[i]);
	free(argv);
}

int pb_beside_self(const char *relative, char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -1;
	self[n] = '\0';
	return snprintf(path, len, "%s/%s", dirname(self), relative) < (int)len ? 0 : -1;
}

void pb_cell_stamp_exec(void)
{
	char stamp[24];

	snprintf(stamp, sizeof(stamp), "%" PRId64, pb_now_ns());
	setenv(PB_EXEC_NS_ENV, stamp, 1);
}

double pb_cell_startup_s(void)
{
	const char *stamp = getenv(PB_EXEC_NS_ENV);
	uint64_t ns;
	char why[128];

	if (!stamp || pb_parse_u64(stamp, 0, UINT64_MAX, &ns, why, sizeof(why)))
		return NAN;
	return (double)(pb_now_ns() - (int64_t)ns) / 1e9;
}

/* Sends an error line for repetition `rep` and returns 1 (the exit status). */
static int send_error(unsigned rep, const char *message)
{
	struct pb_sample sample = { .rep = rep, .error = (char *)message, .startup_s = NAN,
				    .work_s = NAN };

	pb_sample_send(PB_CELL_FD, &sample);
	return 1;
}

struct usage {
	struct rusage self, children;
};

static void usage_now(struct usage *u)
{
	getrusage(RUSAGE_SELF, &u->self);
	getrusage(RUSAGE_CHILDREN, &u->children);
}

static double tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Fills the sample's resource figures from usage before and after. */
static void usage_delta(const struct usage *a, const struct usage *b, struct pb_sample *s)
{
	s->user_s = tv_seconds(b->self.ru_utime) - tv_seconds(a->self.ru_utime) +
		    tv_seconds(b->children.ru_utime) - tv_seconds(a->children.ru_utime);
	s->sys_s = tv_seconds(b->self.ru_stime) - tv_seconds(a->self.ru_stime) +
		   tv_seconds(b->children.ru_stime) - tv_seconds(a->children.ru_stime);
	s->vcsw = b->self.ru_nvcsw - a->self.ru_nvcsw + b->children.ru_nvcsw - a->children.ru_nvcsw;
	s->ivcsw = b->self.ru_nivcsw - a->self.ru_nivcsw + b->children.ru_nivcsw -
		   a->children.ru_nivcsw;
	s->minflt = b->self.ru_minflt - a->self.ru_minflt + b->children.ru_minflt -
		    a->children.ru_minflt;
	s->majflt = b->self.ru_majflt - a->self.ru_majflt + b->children.ru_majflt -
		    a->children.ru_majflt;
	/* High-water marks: of this process, or of its largest worker process. */
	s->max_rss_kb = b->self.ru_maxrss > b->children.ru_maxrss ? b->self.ru_maxrss
								  : b->children.ru_maxrss;
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
			fprintf(out, "%s%d", sep, pb_pu_logical(run->topology, os));
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
	struct usage before, after;
	int64_t start, end;
	int rc;

	pb_run_reset(run);
	usage_now(&before);
	start = pb_now_ns();
	rc = strategy->run(run);
	end = pb_now_ns();
	usage_now(&after);
	if (rc || run->error[0]) {	/* a loop may pb_fail() a task and run on */
		snprintf(why, whylen, "%s", run->error[0] ? run->error : "the strategy failed");
		return -1;
	}
	s->wall_s = (double)(end - start) / 1e9;
	s->work_s = run->work_s;
	usage_delta(&before, &after, s);
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

static int run_reps(const struct pb_cell_args *args, const struct pb_strategy *strategy,
		    struct pb_run *run)
{
	char why[512];

	for (unsigned i = 0; i < args->warmup + args->reps; i++) {
		struct pb_sample sample = { .startup_s = args->startup_s, .work_s = NAN };
		unsigned rep = i < args->warmup ? 0 : i - args->warmup;

		if (measure(strategy, run, &sample, why, sizeof(why)))
			return send_error(rep, why);
		if (i >= args->warmup) {
			sample.rep = rep;
			if (pb_sample_send(PB_CELL_FD, &sample))
				return 1;
		}
		pb_sample_free(&sample);
	}
	return args->counted_rep ? count_once(strategy, run) : 0;
}

/* A py-* strategy: the interpreter does the repetitions and sends their lines itself. */
static int run_python(const struct pb_cell_args *args, const struct pb_run *run)
{
	const struct pb_job *job = run->job;
	char why[1024];
	int rc = -1;

	if (!args->python)
		return send_error(0, "internal error: a Python strategy without an interpreter");
	if (job->workload->export_env && (rc = job->workload->export_env(job)) < 0) {
		snprintf(why, sizeof(why), "cannot pass %s's setup to Python: %s",
			 job->workload->name, strerror(-rc));
		return send_error(0, why);
	}
	rc = pb_python_run_cell(args, run, why, sizeof(why));
	return rc < 0 ? send_error(0, why) : rc;
}

static int run_cell(const struct pb_cell_args *args, const struct pb_workload *workload,
		    const struct pb_strategy *strategy, hwloc_topology_t topology,
		    const struct pb_fault *fault)
{
	struct pb_job job = { .workload = workload, .tasks = args->tasks, .size = args->size,
			      .io = args->io };
	hwloc_cpuset_t *bind = NULL;
	struct pb_pin pin;
	struct pb_run run;
	char why[1024];
	int rc;

	if (pb_pin_parse(args->pin, pb_topology_pus(topology), &pin, why, sizeof(why)))
		return send_error(0, why);
	if (pin.policy != PB_PIN_NONE) {
		bind = pb_pin_cpusets(topology, &pin, args->workers);
		if (!bind) {
			pb_pin_free(&pin);
			return send_error(0, "out of memory for the workers' cpusets");
		}
	}
	if (workload->setup && (rc = workload->setup(&job)) < 0) {
		if (job.error[0])
			snprintf(why, sizeof(why), "setup of %s failed: %s", workload->name, job.error);
		else
			snprintf(why, sizeof(why), "setup of %s failed: %s", workload->name,
				 strerror(-rc));
		rc = send_error(0, why);
		goto out_pin;
	}
	if ((rc = pb_run_init(&run, &job, args->workers, topology, bind)) < 0) {
		snprintf(why, sizeof(why), "cannot map the task records: %s", strerror(-rc));
		rc = send_error(0, why);
		goto out_setup;
	}
	run.loops = args->loops;
	run.pin = &pin;
	run.hostfile = args->hostfile;
	run.fault = *fault;
	rc = strategy->python ? run_python(args, &run) : run_reps(args, strategy, &run);
	pb_run_destroy(&run);
out_setup:
	if (workload->teardown)
		workload->teardown(&job);
out_pin:
	pb_pin_cpusets_free(bind, args->workers);
	pb_pin_free(&pin);
	return rc;
}

static int parse_count(const char *text, uint64_t *out)
{
	char why[128];

	return pb_parse_u64(text, 0, UINT64_MAX, out, why, sizeof(why));
}

/* The supervisor made these arguments: a bad one is a bug. */
static int parse_args(int argc, char **argv, struct pb_cell_args *args)
{
	uint64_t workers, tasks, size, warmup, reps, loops, direct, counted_rep;
	double delay;
	char why[128];

	if (argc != ARG_COUNT || parse_count(argv[ARG_WORKERS], &workers) ||
	    parse_count(argv[ARG_TASKS], &tasks) || parse_count(argv[ARG_SIZE], &size) ||
	    parse_count(argv[ARG_WARMUP], &warmup) || parse_count(argv[ARG_REPS], &reps) ||
	    parse_count(argv[ARG_LOOPS], &loops) || parse_count(argv[ARG_DIRECT], &direct) ||
	    parse_count(argv[ARG_COUNTED_REP], &counted_rep) ||
	    pb_parse_seconds(argv[ARG_DELAY], 0.0, 1e9, &delay, why, sizeof(why)))
		return -1;
	*args = (struct pb_cell_args){
		.workload = argv[ARG_WORKLOAD],
		.strategy = argv[ARG_STRATEGY],
		.workers = (unsigned)workers,
		.pin = argv[ARG_PIN],
		.tasks = tasks,
		.size = size,
		.warmup = (unsigned)warmup,
		.reps = (unsigned)reps,
		.loops = (unsigned)loops,
		.io = {
			.dir = *argv[ARG_DIR] ? argv[ARG_DIR] : NULL,
			.direct = direct != 0,
			.delay_s = delay,
			.url = *argv[ARG_URL] ? argv[ARG_URL] : NULL,
		},
		.python = *argv[ARG_PYTHON] ? argv[ARG_PYTHON] : NULL,
		.hostfile = *argv[ARG_HOSTFILE] ? argv[ARG_HOSTFILE] : NULL,
		.counted_rep = counted_rep != 0,
	};
	return 0;
}

int pb_cell_main(int argc, char **argv)
{
	const struct pb_workload *workload;
	const struct pb_strategy *strategy;
	struct pb_cell_args args;
	hwloc_topology_t topology;
	struct pb_fault fault;
	char why[256];
	int rc;

	double startup_s = pb_cell_startup_s();

	if (parse_args(argc, argv, &args))
		return send_error(0, "internal error: malformed cell arguments");
	/* The supervisor's pipe is the cell's: a program it starts (mpirun) gets none. */
	fcntl(PB_CELL_FD, F_SETFD, FD_CLOEXEC);
	args.startup_s = startup_s;
	workload = pb_workload_find(args.workload);
	strategy = pb_strategy_find(args.strategy);
	if (!workload || !strategy || args.workers == 0 || args.tasks == 0)
		return send_error(0, "internal error: unknown workload or strategy");
	/* The tests' fault injection (README, "Fault injection"); a typo there is no pass. */
	if (pb_fault_parse(getenv("PARBENCH_FAULT"), args.strategy, &fault, why, sizeof(why)))
		return send_error(0, why);
	if (pb_topology_load(&topology, why, sizeof(why)))
		return send_error(0, why);
	pb_raise_fd_limit();
	rc = run_cell(&args, workload, strategy, topology, &fault);
	hwloc_topology_destroy(topology);
	return rc;
}
