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
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strategies/python/interpreter.h"
#include "strategies/strategy.h"
#include "util/error.h"

struct python_options {
	const char *python;		/* the interpreter; NULL: python3 on PATH */
	const char *py_workload;	/* MODULE:FUNCTION, the user's task; NULL: ours */
};

#define PY_WORKLOAD "py-workload"
#define PY_WORKLOAD_ALLOWED "MODULE:FUNCTION or FILE.py:FUNCTION, MODULE importable from " \
	"the current directory or PYTHONPATH, FUNCTION(task, size) returning an int"

/*
 * The interpreter at path, probed once per path (the run asks about the
 * same one several times: --python's check, each strategy's availability,
 * meta.json): NULL when it can run the strategies, else why not.
 */
static const char *probe(const char *path, struct pb_python *py)
{
	static struct pb_python probed;
	static char why[512];

	if (strcmp(probed.path, path) != 0) {
		probed = (struct pb_python){ 0 };
		snprintf(probed.path, sizeof(probed.path), "%s", path);
		why[0] = '\0';
		if (strlen(path) >= sizeof(probed.path))
			snprintf(why, sizeof(why), "too long");
		else if (pb_python_probe(&probed, why, sizeof(why)) == 0)
			why[0] = '\0';
	}
	*py = probed;
	return why[0] ? why : NULL;
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
	  .help = "the interpreter of the py-* strategies (default: python3 on PATH; "
		  "without one they are skipped)",
	  .allowed = "a Python 3.9 or later interpreter" },
	{ .name = PY_WORKLOAD, .type = PB_OPTION_TEXT, .metavar = "MODULE:FUNCTION",
	  .check = check_py_workload, .offset = offsetof(struct python_options, py_workload),
	  .help = "the py-* strategies run FUNCTION(task, size) as the workload's Python "
		  "version (one workload): the int it returns, mod 2**64, is the task's "
		  "checksum, checked against seq's; MODULE from the current directory or "
		  "PYTHONPATH, or FILE.py (the bare-py-* strategies run their own)",
	  .allowed = PY_WORKLOAD_ALLOWED },
	{ 0 },
};

/*
 * The interpreter the options name, or python3 on PATH: NULL when it can
 * run the strategies, else why not.
 */
static const char *interpreter(const struct python_options *o, struct pb_python *py)
{
	static char why[PATH_MAX + 600];
	char path[PATH_MAX];
	const char *reason;

	if (o && o->python)
		snprintf(path, sizeof(path), "%s", o->python);
	else if (pb_python_find(path, sizeof(path)))
		return "no python3 on PATH; --python PATH names an interpreter";
	if (!(reason = probe(path, py)))
		return NULL;
	snprintf(why, sizeof(why), "%s (%s): %s; --python PATH names another",
		 o && o->python ? "--python" : "python3 on PATH", path, reason);
	return why;
}

static const char *python_unavailable(const void *options)
{
	struct pb_python py;

	return interpreter(options, &py);
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
	if (!o->py_workload || interpreter(o, &py))
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
	const struct python_options *o = run->options;
	struct pb_python py = { 0 };
	int rc;

	if (job->workload->export_env && (rc = job->workload->export_env(job)) < 0) {
		snprintf(why, whylen, "cannot pass %s's setup to Python: %s", job->workload->name,
			 strerror(-rc));
		return -1;
	}
	/* The supervisor probed it; the cell only finds it again. */
	if (o->python)
		snprintf(py.path, sizeof(py.path), "%s", o->python);
	else if (pb_python_find(py.path, sizeof(py.path))) {
		snprintf(why, whylen, "no python3 on PATH");
		return -1;
	}
	return pb_python_run_cell(py.path, script, run, reps, why, whylen);
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

static int bare_py_run_cell(struct pb_run *run, const struct pb_reps *reps, char *why,
			    size_t whylen)
{
	return run_script("bare_py.py", run, reps, why, whylen);
}

static void python_describe(FILE *out)
{
	struct pb_python py;
	const char *why = interpreter(NULL, &py);

	if (why)
		fprintf(out, "  (py-*: %s)\n", why);
	else
		fprintf(out, "  (py-*: run by python3 on PATH, %s: %s %s, %s; --python PATH "
			"chooses another)\n", py.path, py.implementation, py.version,
			py.gil ? "with the GIL" : "without the GIL");
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

#define INTERPRETED .python = true, .unavailable = python_unavailable, \
	.options = python_options, .options_size = sizeof(struct python_options), \
	.describe = python_describe, .add_meta = python_add_meta, .ready = python_ready
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
