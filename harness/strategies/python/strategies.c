/*
 * The articles' Python methods, run by the interpreter on the same
 * workloads (harness/strategies/python/strategies.py does the work; the
 * cell starts it, harness/strategies/python/interpreter.c).  Their speedup
 * is against py-seq.  Their mechanisms, bare-py-*, are the articles' own
 * code on cpu.sumsq, the articles' example, with nothing of parbench's
 * (harness/strategies/python/bare_py.py).  They share their options,
 * --python, one interpreter, and --py-workload, the user's function that
 * the py-* strategies run as the workload's Python version
 * (harness/strategies/python/py_workload.py; bare-py-* run their own).
 * py-dask runs the tasks through Dask's distributed scheduler, on a
 * LocalCluster it starts or on the cluster of --dask-scheduler; py-ray is
 * listed, unavailable: Ray is not packaged for Debian.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strategies/python/interpreter.h"
#include "strategies/strategy.h"
#include "util/error.h"
#include "util/parse.h"

struct python_options {
	const char *python;		/* the interpreter; NULL: default_interpreter()'s */
	const char *py_workload;	/* MODULE:FUNCTION, the user's task; NULL: ours */
	const char *dask_scheduler;	/* py-dask's cluster; NULL: a LocalCluster of its own */
};

/* Debian packages Dask (python3-distributed) for its own interpreter only. */
#define DEBIAN_PYTHON "/usr/bin/python3"
/* The interpreter the supervisor chose, for the cells (which do not probe again). */
#define PYTHON_ENV "PARBENCH_PYTHON"

#define PY_WORKLOAD "py-workload"
#define PY_WORKLOAD_ALLOWED "MODULE:FUNCTION or FILE.py:FUNCTION, MODULE importable from " \
	"the current directory or PYTHONPATH, FUNCTION(task, size) returning an int"

/*
 * The interpreter at path, probed once per path (the run asks about the
 * same ones several times: --python's check, each strategy's availability,
 * meta.json; the default asks about two): NULL when it can run the
 * strategies, else why not.
 */
static const char *probe(const char *path, struct pb_python *py)
{
	static struct { struct pb_python py; char why[512]; } probed[4];
	static unsigned next;
	unsigned i = 0;

	while (i < 4 && strcmp(probed[i].py.path, path) != 0)
		i++;
	if (i == 4) {
		i = next++ % 4;
		probed[i].py = (struct pb_python){ 0 };
		snprintf(probed[i].py.path, sizeof(probed[i].py.path), "%s", path);
		probed[i].why[0] = '\0';
		if (strlen(path) >= sizeof(probed[i].py.path))
			snprintf(probed[i].why, sizeof(probed[i].why), "too long");
		else if (pb_python_probe(&probed[i].py, probed[i].why, sizeof(probed[i].why)) == 0)
			probed[i].why[0] = '\0';
	}
	*py = probed[i].py;
	return probed[i].why[0] ? probed[i].why : NULL;
}

/* Whether the interpreter at path runs the strategies and has dask.distributed. */
static bool has_dask(const char *path)
{
	struct pb_python py;

	return !probe(path, &py) && py.dask;
}

/*
 * Without --python: python3 on PATH, or Debian's /usr/bin/python3 in its
 * place when only that one has dask.distributed, so that py-dask runs and
 * every py-* strategy of the run shares its interpreter.  0 with the path,
 * or -1 when there is no python3 on PATH.
 */
static int default_interpreter(char *path, size_t len)
{
	if (pb_python_find(path, len))
		return -1;
	if (!has_dask(path) && strcmp(path, DEBIAN_PYTHON) != 0 && has_dask(DEBIAN_PYTHON))
		snprintf(path, len, "%s", DEBIAN_PYTHON);
	return 0;
}

/* --python must name a working interpreter: refused as bad input otherwise. */
static int check_python(const char *path, char *why, size_t whylen)
{
	struct pb_python py;
	const char *reason = probe(path, &py);

	if (reason)
		snprintf(why, whylen, "%s", reason);
	return reason ? -1 : 0;
}

/* "name", "pkg.name": Python identifiers joined by dots (len bytes of text). */
static bool is_dotted_name(const char *text, size_t len)
{
	bool start = true;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '.' && !start)
			start = true;
		else if (c == '_' || isalpha(c) || c >= 0x80 || (!start && isdigit(c)))
			start = false;
		else
			return false;
	}
	return len > 0 && !start;
}

/* --dask-scheduler's form: [tcp:// or tls://]HOST:PORT, as Dask's Client takes it. */
static int check_dask_scheduler(const char *text, char *why, size_t whylen)
{
	const char *host = text, *colon = strrchr(text, ':');
	uint64_t port;
	char reason[128];

	if (!strncmp(text, "tcp://", 6) || !strncmp(text, "tls://", 6))
		host += 6;
	else if (strstr(text, "://"))
		return pb_error(why, whylen, "a scheme other than tcp:// or tls://");
	if (!colon || colon < host)
		return pb_error(why, whylen, "no ':PORT'");
	if (colon == host || strcspn(host, " \t/") < (size_t)(colon - host))
		return pb_error(why, whylen, "'%.*s' is not a host", (int)(colon - host), host);
	if (pb_parse_u64(colon + 1, 1, 65535, &port, reason, sizeof(reason)))
		return pb_error(why, whylen, "port '%s': %s", colon + 1, reason);
	return 0;
}

/* --py-workload's form: MODULE:FUNCTION, or FILE.py:FUNCTION with FILE there to read. */
static int check_py_workload(const char *text, char *why, size_t whylen)
{
	const char *colon = strrchr(text, ':');
	size_t len = colon ? (size_t)(colon - text) : 0;
	char file[PATH_MAX];
	struct stat st;

	if (!colon)
		return pb_error(why, whylen, "no ':FUNCTION'");
	if (!is_dotted_name(colon + 1, strlen(colon + 1)))
		return pb_error(why, whylen, "'%s' is not a function's name", colon + 1);
	if (len < 3 || strncmp(colon - 3, ".py", 3) != 0)
		return is_dotted_name(text, len) ? 0 :
		       pb_error(why, whylen, "'%.*s' is not a module's name", (int)len, text);
	snprintf(file, sizeof(file), "%.*s", (int)len, text);
	if (stat(file, &st) < 0 || access(file, R_OK) < 0)
		return pb_error(why, whylen, "%s: %s", file, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pb_error(why, whylen, "%s is not a file", file);
	return 0;
}

static const struct pb_option python_options[] = {
	{ .name = "python", .type = PB_OPTION_TEXT, .metavar = "PATH", .check = check_python,
	  .offset = offsetof(struct python_options, python),
	  .help = "the interpreter of the py-* strategies (default: python3 on PATH, or "
		  DEBIAN_PYTHON " when only it has dask.distributed, which py-dask needs; "
		  "without a python3 on PATH they are skipped)",
	  .allowed = "a Python 3.9 or later interpreter" },
	{ .name = PY_WORKLOAD, .type = PB_OPTION_TEXT, .metavar = "MODULE:FUNCTION",
	  .check = check_py_workload, .offset = offsetof(struct python_options, py_workload),
	  .help = "the py-* strategies run FUNCTION(task, size) as the workload's Python "
		  "version (one workload): the int it returns, mod 2**64, is the task's "
		  "checksum, checked against seq's; MODULE from the current directory or "
		  "PYTHONPATH, or FILE.py (the bare-py-* strategies run their own)",
	  .allowed = PY_WORKLOAD_ALLOWED },
	{ .name = "dask-scheduler", .type = PB_OPTION_TEXT, .metavar = "ADDR",
	  .check = check_dask_scheduler, .offset = offsetof(struct python_options, dask_scheduler),
	  .help = "py-dask uses the Dask cluster whose scheduler is at ADDR instead of a "
		  "LocalCluster of its own: -n N of its workers (an error row when it has "
		  "fewer), unpinned (--pin none)",
	  .allowed = "tcp://HOST:PORT, tls://HOST:PORT or HOST:PORT, a Dask scheduler's "
		     "address" },
	{ 0 },
};

/* How the run came to the interpreter at path: "--python", "python3 on PATH", or Debian's. */
static const char *chosen_as(const struct python_options *o, const char *path)
{
	char on_path[PATH_MAX];

	if (o && o->python)
		return "--python";
	if (pb_python_find(on_path, sizeof(on_path)) == 0 && strcmp(path, on_path) == 0)
		return "python3 on PATH";
	return "Debian's python3";
}

/*
 * The interpreter the options name, or default_interpreter()'s: NULL when
 * it can run the strategies, else why not.
 */
static const char *interpreter(const struct python_options *o, struct pb_python *py)
{
	static char why[PATH_MAX + 600];
	char path[PATH_MAX];
	const char *reason;

	if (o && o->python)
		snprintf(path, sizeof(path), "%s", o->python);
	else if (default_interpreter(path, sizeof(path)))
		return "no python3 on PATH; --python PATH names an interpreter";
	if (!(reason = probe(path, py)))
		return NULL;
	snprintf(why, sizeof(why), "%s (%s): %s; --python PATH names another",
		 chosen_as(o, path), path, reason);
	return why;
}

static const char *python_unavailable(const void *options)
{
	struct pb_python py;

	return interpreter(options, &py);
}

/* Debian's python3, or else python3 on PATH, when it has dask.distributed, into path: 0 or -1. */
static int find_dask(char *path, size_t len)
{
	snprintf(path, len, "%s", DEBIAN_PYTHON);
	if (has_dask(path))
		return 0;
	return pb_python_find(path, len) == 0 && has_dask(path) ? 0 : -1;
}

/* py-dask: the run's interpreter must have dask.distributed; else why not, and which has. */
static const char *dask_unavailable(const void *options)
{
	static char why[3 * PATH_MAX + 300];
	const char *reason;
	struct pb_python py;
	char other[PATH_MAX];

	if ((reason = interpreter(options, &py)) || py.dask)
		return reason;
	if (find_dask(other, sizeof(other)) == 0)
		snprintf(why, sizeof(why), "%s (%s) lacks dask.distributed; %s has it: --python %s",
			 chosen_as(options, py.path), py.path, other, other);
	else
		snprintf(why, sizeof(why), "%s (%s) lacks dask.distributed, and no other python3 "
			 "here has it: bash scripts/install-deps.sh installs it for " DEBIAN_PYTHON
			 " (python3-distributed)", chosen_as(options, py.path), py.path);
	return why;
}

bool pb_workload_has_python(const struct pb_workload *w, const struct pb_settings *settings)
{
	return w->python || pb_settings_get(settings, PY_WORKLOAD);
}

/*
 * --py-workload stands for one workload's Python version, and names a
 * function that the interpreter imports: checked before the run.
 */
static int python_ready(const void *options, const struct pb_workload *const *workloads,
			size_t n, char *why, size_t whylen)
{
	const struct python_options *o = options;
	struct pb_python py;
	char reason[512];

	(void)workloads;
	if (interpreter(o, &py))
		return 0;
	/* Chosen once, here: the cells run it without probing again. */
	if (setenv(PYTHON_ENV, py.path, 1))
		return pb_error(why, whylen, "cannot pass the interpreter %s to the cells: %s",
				py.path, strerror(errno));
	if (!o->py_workload)
		return 0;
	if (n > 1)
		return pb_error(why, whylen, "--%s '%s' is the Python version of one workload, "
				"and -w names %zu; allowed: one workload (-w NAME) with --%s",
				PY_WORKLOAD, o->py_workload, n, PY_WORKLOAD);
	if (pb_python_check_function(py.path, o->py_workload, reason, sizeof(reason)))
		return pb_error(why, whylen, "--%s '%s': %s; allowed: %s", PY_WORKLOAD,
				o->py_workload, reason, PY_WORKLOAD_ALLOWED);
	return 0;
}

/* Runs the interpreter on harness/strategies/python/script for the cell. */
static int run_script(const char *script, struct pb_run *run, const struct pb_reps *reps,
		      char *why, size_t whylen)
{
	const struct pb_job *job = run->job;
	/* The supervisor chose and probed it (python_ready): one choice for every cell. */
	const char *python = getenv(PYTHON_ENV);
	int rc;

	if (job->workload->export_env && (rc = job->workload->export_env(job)) < 0) {
		snprintf(why, whylen, "cannot pass %s's setup to Python: %s", job->workload->name,
			 strerror(-rc));
		return -1;
	}
	if (!python) {
		snprintf(why, whylen, "no interpreter chosen by the run (%s unset)", PYTHON_ENV);
		return -1;
	}
	return pb_python_run_cell(python, script, run, reps, why, whylen);
}

static int python_run_cell(struct pb_run *run, const struct pb_reps *reps, char *why,
			   size_t whylen)
{
	const struct python_options *o = run->options;

	/* Unset, so that one left in the user's environment does not count. */
	if (o->py_workload ? setenv("PARBENCH_PY_WORKLOAD", o->py_workload, 1) :
	    unsetenv("PARBENCH_PY_WORKLOAD")) {
		snprintf(why, whylen, "cannot pass --%s to Python: %s", PY_WORKLOAD,
			 strerror(errno));
		return -1;
	}
	return run_script("cell.py", run, reps, why, whylen);
}

/* py-dask: the cluster to use goes to Python in PARBENCH_DASK_SCHEDULER, unset for its own. */
static int dask_run_cell(struct pb_run *run, const struct pb_reps *reps, char *why, size_t whylen)
{
	const struct python_options *o = run->options;

	/* Their PUs are other hosts' PUs, or shared with other runs: not ours to give. */
	if (o->dask_scheduler && run->bind) {
		snprintf(why, whylen, "py-dask does not pin the workers of --dask-scheduler %s, "
			 "which may run on other hosts: run it with --pin none", o->dask_scheduler);
		return -1;
	}
	if (o->dask_scheduler ? setenv("PARBENCH_DASK_SCHEDULER", o->dask_scheduler, 1) :
	    unsetenv("PARBENCH_DASK_SCHEDULER")) {
		snprintf(why, whylen, "cannot pass --dask-scheduler to Python: %s", strerror(errno));
		return -1;
	}
	return python_run_cell(run, reps, why, whylen);
}

static int bare_py_run_cell(struct pb_run *run, const struct pb_reps *reps, char *why,
			    size_t whylen)
{
	return run_script("bare_py.py", run, reps, why, whylen);
}

static void python_describe(FILE *out)
{
	struct pb_python py;
	const char *why = interpreter(NULL, &py);
	char on_path[PATH_MAX];

	if (why) {
		fprintf(out, "  (py-*: %s)\n", why);
		return;
	}
	pb_python_find(on_path, sizeof(on_path));
	if (strcmp(py.path, on_path) == 0)
		fprintf(out, "  (py-*: run by python3 on PATH, %s", py.path);
	else
		fprintf(out, "  (py-*: run by %s in place of python3 on PATH, %s, which lacks "
			"dask.distributed", py.path, on_path);
	fprintf(out, ": %s %s, %s, %s dask.distributed; the default is python3 on PATH, or "
		DEBIAN_PYTHON " when only it has dask.distributed; --python PATH chooses "
		"another)\n", py.implementation, py.version, py.gil ? "with the GIL" :
		"without the GIL", py.dask ? "with" : "without");
}

/*
 * meta.json's "python": the interpreter of the run's py-* cells and the
 * function they ran (py_workload: MODULE:FUNCTION, null for the workload's
 * own), or null.
 */
static void python_add_meta(const void *options, json_t *meta)
{
	const struct python_options *o = options;
	struct pb_python py;

	if (!options || interpreter(options, &py)) {
		json_object_set_new(meta, "python", json_null());
		return;
	}
	json_object_set_new(meta, "python",
			    json_pack("{s:s, s:s, s:s, s:s, s:b, s:s?}", "path", py.path,
				      "executable", py.executable, "version", py.version,
				      "implementation", py.implementation, "gil", py.gil,
				      "py_workload", o->py_workload));
}

#define PY_FAMILY .python = true, .options = python_options, \
	.options_size = sizeof(struct python_options), .describe = python_describe, \
	.add_meta = python_add_meta, .ready = python_ready
#define INTERPRETED PY_FAMILY, .unavailable = python_unavailable
#define PYTHON_STRATEGY .run_cell = python_run_cell, INTERPRETED
#define BARE_PY .run_cell = bare_py_run_cell, .by_name_only = true, \
	.only_workload = "cpu.sumsq", INTERPRETED

const struct pb_strategy pb_strategy_py_seq = {
	.name = "py-seq",
	.mechanism = "bare-py-seq",
	.counterpart = "seq",
	.summary = "Python, one thread, tasks in order: the baseline of the py-* speedups",
	.baseline = true,
	PYTHON_STRATEGY,
};

const struct pb_strategy pb_strategy_py_threads_per_task = {
	.name = "py-threads-per-task",
	.mechanism = "bare-py-threads-per-task",
	.counterpart = "pthreads-per-task",
	.summary = "Python, a threading.Thread per task, at most N alive at once",
	PYTHON_STRATEGY,
};

const struct pb_strategy pb_strategy_py_threadpool = {
	.name = "py-threadpool",
	.mechanism = "bare-py-threadpool",
	.counterpart = "pthreads",
	.summary = "Python, concurrent.futures.ThreadPoolExecutor(N).map",
	PYTHON_STRATEGY,
};

const struct pb_strategy pb_strategy_py_process_per_task = {
	.name = "py-process-per-task",
	.mechanism = "bare-py-process-per-task",
	.counterpart = "fork-per-task",
	.summary = "Python, a multiprocessing.Process per task, at most N alive at once",
	PYTHON_STRATEGY,
};

const struct pb_strategy pb_strategy_py_pool = {
	.name = "py-pool",
	.mechanism = "bare-py-pool",
	.counterpart = "fork",
	.summary = "Python, multiprocessing.Pool(N).map",
	PYTHON_STRATEGY,
};

const struct pb_strategy pb_strategy_py_processpool = {
	.name = "py-processpool",
	.mechanism = "bare-py-processpool",
	.counterpart = "fork",
	.summary = "Python, concurrent.futures.ProcessPoolExecutor(N).map",
	PYTHON_STRATEGY,
};

const struct pb_strategy pb_strategy_py_asyncio = {
	.name = "py-asyncio",
	.counterpart = "evloop-epoll",
	.summary = "Python, asyncio.gather with N tasks in flight (asyncio streams for io.http)",
	PYTHON_STRATEGY,
};

const struct pb_strategy pb_strategy_py_dask = {
	.name = "py-dask",
	.counterpart = "mpi",
	.summary = "Python, dask.distributed: a LocalCluster of N worker processes, one thread "
		   "each (or --dask-scheduler's), client.map and gather",
	/* A cluster's start and shutdown, 1-3 s a repetition, would weigh on every py-all. */
	.by_name_only = true,
	.run_cell = dask_run_cell,
	.unavailable = dask_unavailable,
	PY_FAMILY,
};

static const char *ray_unavailable(const void *options)
{
	(void)options;
	return "Ray is not packaged for Debian, and parbench does not run it; py-dask runs "
	       "Dask's distributed scheduler";
}

/* A line in `parbench list` only: it never runs (python_run_cell for the registry's check). */
const struct pb_strategy pb_strategy_py_ray = {
	.name = "py-ray",
	.summary = "Python, Ray's remote tasks: not run",
	.python = true,
	.by_name_only = true,
	.run_cell = python_run_cell,
	.unavailable = ray_unavailable,
};

const struct pb_strategy pb_strategy_bare_py_seq = {
	.name = "bare-py-seq",
	.summary = "the articles' Python alone: the task function called in a loop",
	BARE_PY,
};

const struct pb_strategy pb_strategy_bare_py_threads_per_task = {
	.name = "bare-py-threads-per-task",
	.summary = "the articles' Python alone: threading.Thread, start and join, N at a time",
	BARE_PY,
};

const struct pb_strategy pb_strategy_bare_py_threadpool = {
	.name = "bare-py-threadpool",
	.summary = "the articles' Python alone: ThreadPoolExecutor(max_workers=N).map",
	BARE_PY,
};

const struct pb_strategy pb_strategy_bare_py_process_per_task = {
	.name = "bare-py-process-per-task",
	.summary = "the articles' Python alone: multiprocessing.Process, start and join, N at a time",
	BARE_PY,
};

const struct pb_strategy pb_strategy_bare_py_pool = {
	.name = "bare-py-pool",
	.summary = "the articles' Python alone: multiprocessing.Pool(processes=N).map",
	BARE_PY,
};

const struct pb_strategy pb_strategy_bare_py_processpool = {
	.name = "bare-py-processpool",
	.summary = "the articles' Python alone: ProcessPoolExecutor(max_workers=N).map",
	BARE_PY,
};
