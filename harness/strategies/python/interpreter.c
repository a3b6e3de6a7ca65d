#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "machine/cpus.h"
#include "strategies/python/interpreter.h"
#include "runtime/run.h"
#include "util/proc.h"

/* What the probe prints, a line each; the imports are those of harness/strategies/python/. */
static const char probe_script[] =
	"import sys\n"
	"if sys.version_info < (3, 9):\n"
	"    sys.exit('it is Python %d.%d; the py-* strategies need 3.9 or later'"
	" % sys.version_info[:2])\n"
	"import asyncio, concurrent.futures, http.client, importlib.util, multiprocessing, "
	"resource, threading\n"
	"print(sys.executable)\n"
	"print('%d.%d.%d' % sys.version_info[:3])\n"
	"print(sys.implementation.name)\n"
	"print(int(getattr(sys, '_is_gil_enabled', lambda: True)()))\n"
	/* Found, not imported: importing it takes half a second. */
	"print(int(importlib.util.find_spec('distributed') is not None))\n";

int pb_python_find(char *path, size_t len)
{
	const char *env = getenv("PATH");
	char *dirs = strdup(env ? env : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	int rc = -1;

	for (char *dir = strtok_r(dirs, ":", &save); dirs && dir && rc; dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/python3", *dir ? dir : ".");
		if (access(path, X_OK) == 0)
			rc = 0;
	}
	free(dirs);
	return rc;
}

/* Reads the child's output until its end or the deadline: bytes read, or -1 on timeout. */
static ssize_t read_until_eof(struct pb_proc *p, char *buf, size_t cap, double seconds)
{
	int64_t deadline = pb_now_ns() + (int64_t)(seconds * 1e9);
	size_t used = 0;
	ssize_t n = 0;

	while (used < cap - 1 && (n = pb_proc_read(p, buf + used, cap - 1 - used, deadline)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	return n == -ETIMEDOUT ? -1 : (ssize_t)used;
}

static int parse_probe(struct pb_python *py, char *out, char *why, size_t whylen)
{
	char *save = NULL;
	char *exe = strtok_r(out, "\n", &save), *version = strtok_r(NULL, "\n", &save);
	char *impl = strtok_r(NULL, "\n", &save), *gil = strtok_r(NULL, "\n", &save);
	char *dask = strtok_r(NULL, "\n", &save);

	if (!exe || !version || !impl || !gil || !dask || strtok_r(NULL, "\n", &save)) {
		snprintf(why, whylen, "it does not answer as Python 3 does");
		return -1;
	}
	snprintf(py->executable, sizeof(py->executable), "%s", exe);
	snprintf(py->version, sizeof(py->version), "%s", version);
	snprintf(py->implementation, sizeof(py->implementation), "%s", impl);
	py->gil = strcmp(gil, "0") != 0;
	py->dask = strcmp(dask, "1") == 0;
	return 0;
}

/*
 * Runs argv (python first) with nothing on stdin and its output read into
 * out, for PB_PYTHON_PROBE_S at most: 0 when it exited with status 0, else
 * -1 with why (it did not start or answer, or failed: its last line, or how
 * it ended when it wrote none).
 */
static int run_briefly(char *const argv[], char *out, size_t cap, char *why, size_t whylen)
{
	/* Nothing to read: a shim that waits on stdin must not hang the probe. */
	static const struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(1) | PB_PROC_FD(2),
						  .null_stdin = true };
	char failed[PATH_MAX + 64];
	struct pb_proc p;
	int status;
	ssize_t got;

	if (access(argv[0], X_OK) < 0) {
		snprintf(why, whylen, "cannot run it: %s", strerror(errno));
		return -1;
	}
	if (pb_proc_spawn(&p, argv[0], argv, &opts, failed, sizeof(failed))) {
		snprintf(why, whylen, "cannot start it: %s", failed);
		return -1;
	}
	got = read_until_eof(&p, out, cap, PB_PYTHON_PROBE_S);
	if (got < 0)
		pb_proc_kill(&p, SIGKILL);
	pb_proc_wait(&p, &status);
	if (got < 0) {
		snprintf(why, whylen, "it did not answer within %.0f s", PB_PYTHON_PROBE_S);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (*out)
			pb_proc_last_line(out, why, whylen);
		else
			pb_proc_describe_exit(status, why, whylen);
		return -1;
	}
	return 0;
}

int pb_python_probe(struct pb_python *py, char *why, size_t whylen)
{
	char *const argv[] = { py->path, "-c", (char *)probe_script, NULL };
	char out[2 * PATH_MAX + 256];

	if (run_briefly(argv, out, sizeof(out), why, whylen))
		return -1;
	return parse_probe(py, out, why, whylen);
}

/* harness/strategies/python/NAME beside the program's sources, or NULL. */
static const char *python_script(const char *name)
{
	static char path[PATH_MAX];
	char script[PATH_MAX];

	snprintf(script, sizeof(script), "harness/strategies/python/%s", name);
	return pb_proc_source_file(script, path, sizeof(path)) == 0 ? path : NULL;
}

/* Sets the environment variable `name` to what print() prints: 0, or -1. */
static int export_text(const char *name, void (*print)(FILE *, const struct pb_run *),
		       const struct pb_run *run)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return -1;
	print(f, run);
	fclose(f);
	rc = setenv(name, text, 1);
	free(text);
	return rc;
}

/* "0,1;2": per worker, the OS numbers of the PUs it is bound to; "" when not pinned. */
static void write_binding(FILE *f, const struct pb_run *run)
{
	if (run->bind)
		pb_cpu_sets_print(f, run->bind, run->workers);
}

/* "0,2,1,3": the OS numbers of the PUs in logical order, for the cpus column. */
static void write_logical(FILE *f, const struct pb_run *run)
{
	for (size_t i = 0; i < run->pu_os->n; i++)
		fprintf(f, "%s%llu", i ? "," : "", (unsigned long long)run->pu_os->v[i]);
}

/* cell.py's and bare_py.py's command line: PYTHON SCRIPT WORKLOAD STRATEGY WORKERS TASKS SIZE WARMUP REPS FAULT */
struct python_argv {
	char workers[16], tasks[24], size[24], warmup[16], reps[16], fault[48];
	char *v[11];
};

static void make_python_argv(struct python_argv *a, const char *python, const struct pb_run *run,
			     const struct pb_reps *reps, const char *script)
{
	const struct pb_fault *fault = &run->fault;
	char *const v[sizeof(a->v) / sizeof(a->v[0])] = {
		(char *)python, (char *)script, (char *)run->job->workload->name,
		(char *)reps->strategy, a->workers, a->tasks, a->size, a->warmup, a->reps,
		a->fault, NULL
	};

	snprintf(a->workers, sizeof(a->workers), "%u", run->workers);
	snprintf(a->tasks, sizeof(a->tasks), "%llu", (unsigned long long)run->job->tasks);
	snprintf(a->size, sizeof(a->size), "%llu", (unsigned long long)run->job->size);
	snprintf(a->warmup, sizeof(a->warmup), "%u", reps->warmup);
	snprintf(a->reps, sizeof(a->reps), "%u", reps->reps);
	a->fault[0] = '\0';
	if (fault->kind != PB_FAULT_NONE)
		snprintf(a->fault, sizeof(a->fault), "%s:%llu", pb_fault_kind_name(fault->kind),
			 (unsigned long long)fault->task);
	memcpy(a->v, v, sizeof(v));
}

int pb_python_check_function(const char *python, const char *spec, char *why, size_t whylen)
{
	const char *script = python_script("cell.py");
	char *const argv[] = { (char *)python, (char *)script, "--check", (char *)spec, NULL };
	char out[1024];

	if (!script) {
		snprintf(why, whylen, "cannot find harness/strategies/python/cell.py beside the "
			 "program");
		return -1;
	}
	return run_briefly(argv, out, sizeof(out), why, whylen);
}

int pb_python_run_cell(const char *python, const char *name, const struct pb_run *run,
		       const struct pb_reps *reps, char *why, size_t whylen)
{
	const char *script = python_script(name);
	struct python_argv argv;

	if (!script) {
		snprintf(why, whylen, "cannot find harness/strategies/python/%s beside the program",
			 name);
		return -1;
	}
	if (export_text("PARBENCH_BIND", write_binding, run) ||
	    export_text("PARBENCH_PU_LOGICAL", write_logical, run)) {
		snprintf(why, whylen, "cannot start the Python interpreter: %s", strerror(errno));
		return -1;
	}
	make_python_argv(&argv, python, run, reps, script);
	return pb_proc_run_reporter("the Python interpreter", python, argv.v, PB_CELL_FD, why,
				    whylen);
}
