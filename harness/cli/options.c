#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "cli/options.h"
#include "http/url_probe.h"
#include "stats/verdict.h"
#include "util/version.h"

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("parbench run: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void pb_default_workers(unsigned pus, struct pb_list *out)
{
	*out = (struct pb_list){ .v = calloc(40, sizeof(uint64_t)) };
	if (!out->v)
		usage_error("out of memory");
	for (uint64_t n = 1; n < pus; n *= 2)
		out->v[out->n++] = n;
	out->v[out->n++] = pus;
	out->v[out->n++] = 2 * (uint64_t)pus;
}

static void format_list(const struct pb_list *list, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < list->n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%llu", i ? "," : "",
					 (unsigned long long)list->v[i]);
}

static void print_help(unsigned pus)
{
	struct pb_list workers;
	char defaults[128];

	pb_default_workers(pus, &workers);
	format_list(&workers, defaults, sizeof(defaults));
	pb_list_free(&workers);
	printf("usage: parbench run [options]\n"
	       "\n"
	       "Runs every chosen workload under every chosen strategy and worker count,\n"
	       "each cell in a fresh process, and writes raw.csv, summary.csv and meta.json\n"
	       "into a new directory OUT/<run-id>.\n"
	       "\n"
	       "  -w, --workload LIST  workloads or kinds (cpu, mem, io), comma-separated,\n"
	       "                       or all (default: all)\n"
	       "  -s, --strategy LIST  strategies, comma-separated; all: every C strategy\n"
	       "                       but mpi and mpi-static, which run only by name;\n"
	       "                       py-all: every Python one (default: all); seq\n"
	       "                       always runs (see --baseline), py-seq with py-*\n"
	       "  -n, --workers LIST   worker counts such as 1,2,4 or 1-8, 1 to %d\n"
	       "                       (default: powers of two up to the PUs, the PUs,\n"
	       "                       and twice the PUs; here %s)\n"
	       "      --pin POLICY     none, compact, scatter or pu:LIST (default: compact);\n"
	       "                       given more than once, pinning is an axis like workers\n"
	       "      --tasks N        tasks per job, 1 to %d (default: the workload's own)\n"
	       "      --size LIST      units of work per task, such as 1000,100000\n"
	       "                       (default: the workload's own)\n"
	       "      --reps N|auto    measured repetitions per cell, 1 to %d (default: 5);\n"
	       "                       auto: at least %d, then more until the 95%% CI of the\n"
	       "                       median is within %.0f%% of it, or --max-time is spent\n"
	       "      --max-time SEC   --reps auto: the most time a cell may take (default: %.0f)\n"
	       "      --budget SEC     fit the run into SEC seconds: after one seq run of each\n"
	       "                       workload it estimates the plan, and gives the cells\n"
	       "                       whose repetitions cost the most fewer of them, saying\n"
	       "                       so (the table, raw.csv); not with --reps auto\n"
	       "      --warmup N       repetitions before each measured one (interleaved,\n"
	       "                       or --reps auto) or before the first (sequential),\n"
	       "                       in the same process; not recorded (default: 1)\n"
	       "      --order ORDER    interleaved: in rounds, each round runs every cell\n"
	       "                       once in a shuffled order, so that a machine that\n"
	       "                       drifts does not favour one strategy; sequential:\n"
	       "                       all repetitions of one cell, then the next\n"
	       "                       (default: interleaved)\n"
	       "      --seed N         seed of the shuffle (default: from the clock)\n"
	       "      --timeout SEC    stop a cell process that runs longer than this,\n"
	       "                       record an error row\n"
	       "                       (default: 600)\n"
	       "      --out DIR        where run directories go (default: results)\n"
	       "      --baseline WHAT  seq: seq runs first, the baseline of speedup and\n"
	       "                       the reference checksum; none: no seq, no speedup,\n"
	       "                       every cell checked against the workload's first\n"
	       "                       cell (for I/O plans where seq would take hours)\n"
	       "                       (default: seq)\n"
	       "      --loops N        event-loop threads of the evloop strategies, sharing\n"
	       "                       the tasks in flight, 1 to %d (default: 1)\n"
	       "      --delay SEC      io.http: the built-in server's delay before each\n"
	       "                       answer, 0 to %.0f (default: 0.02)\n"
	       "      --url URL        io.http: fetch http://HOST[:PORT]/PATH from that\n"
	       "                       server instead of the built-in one\n"
	       "      --dir DIR        io.file: where its files go (default: a new\n"
	       "                       temporary directory, removed afterwards)\n"
	       "      --direct         io.file: read with O_DIRECT, past the page cache\n"
	       "      --hostfile FILE  mpi, mpi-static: the hosts mpirun starts the ranks on\n"
	       "                       (default: this machine)\n"
	       "      --equivalence PCT  the margin within which two strategies' times are\n"
	       "                       called equivalent, in percent (default: 2)\n"
	       "      --export-json FILE      the summary as JSON, too\n"
	       "      --export-markdown FILE  the summary as a Markdown table, too\n"
	       "      --python PATH    the interpreter of the py-* strategies (default:\n"
	       "                       python3 on PATH; without one they are skipped)\n"
	       "  -v, --verbose        at the end, every cell whose times varied by more than\n"
	       "                       5%%, not only the worst three\n"
	       "  -h, --help           this help\n"
	       "  -V, --version        the version\n"
	       "\n"
	       "`parbench list` names the workloads, strategies and pin policies;\n"
	       "`parbench topo` shows the PUs that --pin pu:LIST refers to.\n",
	       PB_MAX_WORKERS, defaults, PB_MAX_TASKS, PB_MAX_REPS, PB_AUTO_MIN_REPS,
	       PB_AUTO_CI_WIDTH * 100, PB_DEFAULT_MAX_TIME_S, PB_MAX_LOOPS, PB_MAX_DELAY_S);
}

/* Resolves a -w or -s argument against a NULL-terminated registry. */
static size_t resolve_names(const char *option, const char *text, const char *groups,
			    const void *const *registry, const char *(*name_of)(const void *),
			    const void ***out)
{
	struct pb_names names;
	char why[128], allowed[1024];
	size_t count = 0, used = 0;

	allowed[0] = '\0';
	for (const void *const *item = registry; *item; item++, count++)
		used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, ", %s",
					 name_of(*item));
	if (strcmp(text, "all") == 0) {
		*out = calloc(count, sizeof(**out));
		if (!*out)
			usage_error("out of memory");
		memcpy(*out, registry, count * sizeof(**out));
		return count;
	}
	if (pb_parse_names(text, &names, why, sizeof(why)))
		usage_error("%s '%s': %s; allowed: %s%s", option, text, why, groups, allowed);
	*out = calloc(names.n, sizeof(**out));
	if (!*out)
		usage_error("out of memory");
	for (size_t i = 0; i < names.n; i++) {
		const void *const *item = registry;

		while (*item && strcmp(name_of(*item), names.v[i]) != 0)
			item++;
		if (!*item)
			usage_error("%s '%s': '%s' is unknown; allowed: %s%s", option, text,
				    names.v[i], groups, allowed);
		(*out)[i] = *item;
	}
	count = names.n;
	pb_names_free(&names);
	return count;
}

static const char *workload_name(const void *w)
{
	return ((const struct pb_workload *)w)->name;
}

static const char *strategy_name(const void *s)
{
	return ((const struct pb_strategy *)s)->name;
}

/*
 * Replaces the group names in a comma-separated list by their members:
 * expand(name, out) writes a group's members to out (comma-separated) and
 * returns true, or returns false for a plain name.  NULL when the text
 * names no group (or memory ran out).
 */
static char *expand_groups(const char *text, bool (*expand)(const char *name, FILE *out))
{
	char *copy, *save = NULL, *out = NULL;
	size_t len = 0;
	bool any = false;
	FILE *f;

	/* Empty names are left for resolve_names() to refuse. */
	if (!*text || text[0] == ',' || text[strlen(text) - 1] == ',' || strstr(text, ",,"))
		return NULL;
	copy = strdup(text);
	if (!copy || !(f = open_memstream(&out, &len))) {
		free(copy);
		return NULL;
	}
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (ftell(f))
			fputc(',', f);
		if (expand(name, f))
			any = true;
		else
			fputs(name, f);
	}
	fclose(f);
	free(copy);
	if (!any) {
		free(out);
		return NULL;
	}
	return out;
}

/* A kind (cpu, mem, io) stands for its workloads: "io,cpu.sumsq". */
static bool expand_kind(const char *name, FILE *out)
{
	const enum pb_kind kinds[] = { PB_KIND_CPU, PB_KIND_MEM, PB_KIND_IO };
	bool first = true;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (strcmp(name, pb_kind_name(kinds[k])) != 0)
			continue;
		for (const struct pb_workload *const *w = pb_workloads; *w; w++)
			if ((*w)->kind == kinds[k]) {
				fprintf(out, "%s%s", first ? "" : ",", (*w)->name);
				first = false;
			}
		return true;
	}
	return false;
}

/*
 * all: every C strategy that can run here (skipping the others with a
 * note) but those that run only by name; py-all: every Python strategy.
 */
static bool expand_strategy_group(const char *name, FILE *out)
{
	bool python = strcmp(name, "py-all") == 0, first = true;

	if (!python && strcmp(name, "all") != 0)
		return false;
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++) {
		const char *why = pb_strategy_unavailable(*s);

		if ((*s)->python != python || (*s)->by_name_only)
			continue;
		if (why) {
			fprintf(stderr, "parbench run: skipping %s: %s\n", (*s)->name, why);
			continue;
		}
		fprintf(out, "%s%s", first ? "" : ",", (*s)->name);
		first = false;
	}
	return true;
}

/* A strategy named on its own that cannot run here is refused (groups skipped it). */
static void check_available(const char *text, const struct pb_options *opts)
{
	for (size_t i = 0; i < opts->nstrategies; i++) {
		const struct pb_strategy *s = opts->strategies[i];
		const char *why = pb_strategy_unavailable(s);

		if (why)
			usage_error("--strategy '%s': %s is unavailable here: %s; allowed: the "
				    "strategies `parbench list` does not mark unavailable",
				    text, s->name, why);
	}
}

static bool wants_python(const struct pb_options *opts)
{
	for (size_t i = 0; i < opts->nstrategies; i++)
		if (opts->strategies[i]->python)
			return true;
	return false;
}

/*
 * seq goes first, whether asked for or not: every other cell needs it; with
 * Python strategies, py-seq next, the base of their speedups.
 */
static void put_baselines_first(struct pb_options *opts)
{
	const struct pb_strategy *seq = pb_strategy_find("seq");
	const struct pb_strategy *py_seq = pb_strategy_find("py-seq");
	const struct pb_strategy **list;
	size_t n = 0;

	list = calloc(opts->nstrategies + 2, sizeof(*list));
	if (!list)
		usage_error("out of memory");
	list[n++] = seq;
	if (wants_python(opts))
		list[n++] = py_seq;
	for (size_t i = 0; i < opts->nstrategies; i++)
		if (opts->strategies[i] != seq && opts->strategies[i] != py_seq)
			list[n++] = opts->strategies[i];
	free(opts->strategies);
	opts->strategies = list;
	opts->nstrategies = n;
}

/* Without an interpreter the Python strategies are left out, with a note. */
static void skip_python(struct pb_options *opts, const char *why)
{
	size_t n = 0;

	fprintf(stderr, "parbench run: skipping the py-* strategies: %s\n", why);
	for (size_t i = 0; i < opts->nstrategies; i++)
		if (!opts->strategies[i]->python)
			opts->strategies[n++] = opts->strategies[i];
	opts->nstrategies = n;
	opts->python.path[0] = '\0';
}

/*
 * --python must name a working interpreter (bad input otherwise); without
 * it, python3 on PATH runs the py-* strategies, and without that they are
 * skipped.
 */
static void resolve_python(struct pb_options *opts)
{
	bool named = opts->python.path[0] != '\0';
	char why[512], note[PATH_MAX + 600];

	if (!named && !wants_python(opts))
		return;
	if (!named && pb_python_find(opts->python.path, sizeof(opts->python.path))) {
		skip_python(opts, "no python3 on PATH; --python PATH names an interpreter");
		return;
	}
	if (pb_python_probe(&opts->python, why, sizeof(why)) == 0)
		return;
	if (named)
		usage_error("--python '%s': %s; allowed: a Python 3.9 or later interpreter",
			    opts->python.path, why);
	snprintf(note, sizeof(note), "python3 on PATH (%s): %s; --python PATH names another",
		 opts->python.path, why);
	skip_python(opts, note);
}

/* The workloads without a Python version have no py-* cells: say so. */
static void note_python_workloads(const struct pb_options *opts)
{
	bool any = false;

	if (!wants_python(opts))
		return;
	for (size_t i = 0; i < opts->nworkloads; i++)
		if (!opts->workloads[i]->python) {
			fprintf(stderr, "%s%s", any ? ", " : "parbench run: the py-* strategies skip ",
				opts->workloads[i]->name);
			any = true;
		}
	if (any)
		fputs(": they have no Python version\n", stderr);
}

static uint64_t number_option(const char *option, const char *text, uint64_t lo, uint64_t hi)
{
	uint64_t value;
	char why[128];

	if (pb_parse_u64(text, lo, hi, &value, why, sizeof(why)))
		usage_error("%s '%s': %s; allowed: a whole number from %llu to %llu", option,
			    text, why, (unsigned long long)lo, (unsigned long long)hi);
	return value;
}

static void check_url(const char *url)
{
	struct pb_http_target target;
	char why[128];

	if (pb_http_parse_url(url, &target, why, sizeof(why)))
		usage_error("--url '%s': %s; allowed: http://HOST[:PORT][/PATH]", url, why);
}

/* When io.http will fetch --url: its server must answer now, not fail the cells later. */
static void probe_url(const struct pb_options *opts)
{
	struct pb_http_target target;
	char why[512];
	bool fetched = false;

	for (size_t i = 0; i < opts->nworkloads; i++)
		fetched = fetched || strcmp(opts->workloads[i]->name, "io.http") == 0;
	if (!opts->io.url || !fetched)
		return;
	pb_http_parse_url(opts->io.url, &target, why, sizeof(why));	/* checked already */
	if (pb_url_probe(&target, why, sizeof(why)))
		usage_error("--url '%s': %s; allowed: the URL of an HTTP server that answers",
			    opts->io.url, why);
}

/* An export goes to a new or existing file, in a directory we may write. */
static void check_export(const char *option, const char *path)
{
	char *copy = strdup(path);
	const char *dir;
	struct stat st;

	if (!copy)
		usage_error("out of memory");
	if (!*path || path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		usage_error("%s '%s' is not a file name; allowed: a file in a writable directory",
			    option, path);
	dir = strrchr(copy, '/') ? dirname(copy) : ".";
	if (access(dir, W_OK | X_OK) < 0)
		usage_error("%s '%s': directory '%s': %s; allowed: a file in a writable directory",
			    option, path, dir, strerror(errno));
	free(copy);
}

/* The same policy, however written: pu:0-1 is pu:0,1. */
static bool same_pin(const struct pb_pin *a, const struct pb_pin *b)
{
	return a->policy == b->policy && a->pus.n == b->pus.n &&
	       (!a->pus.n || !memcmp(a->pus.v, b->pus.v, a->pus.n * sizeof(*a->pus.v)));
}

static void add_pin(const char *arg, unsigned pus, struct pb_options *opts)
{
	struct pb_pin pin, *grown;
	char why[128];

	if (pb_pin_parse(arg, pus, &pin, why, sizeof(why)))
		usage_error("--pin '%s': %s; allowed: none, compact, scatter, or pu:LIST "
			    "of PUs 0 to %u (see parbench topo)", arg, why, pus - 1);
	for (size_t i = 0; i < opts->npins; i++)
		if (same_pin(&opts->pins[i], &pin))
			usage_error("--pin '%s' is given twice (as '%s'); allowed: each policy once",
				    arg, opts->pins[i].spec);
	if (opts->npins == PB_MAX_PINS)
		usage_error("--pin '%s': more than %d policies; allowed: %d at most", arg,
			    PB_MAX_PINS, PB_MAX_PINS);
	grown = realloc(opts->pins, (opts->npins + 1) * sizeof(*grown));
	if (!grown)
		usage_error("out of memory");
	opts->pins = grown;
	opts->pins[opts->npins++] = pin;
}

static void parse_reps(const char *arg, struct pb_options *opts)
{
	uint64_t reps;
	char why[128];

	opts->reps_auto = strcmp(arg, "auto") == 0;
	if (opts->reps_auto) {
		opts->reps = PB_AUTO_MIN_REPS;
		return;
	}
	if (pb_parse_u64(arg, 1, PB_MAX_REPS, &reps, why, sizeof(why)))
		usage_error("--reps '%s': %s; allowed: a whole number from 1 to %d, or auto", arg,
			    why, PB_MAX_REPS);
	opts->reps = (unsigned)reps;
}

/* "2" or "2%": percent, above 0 and at most 50. */
static void parse_equivalence(const char *arg, struct pb_options *opts)
{
	size_t len = strlen(arg);
	char number[32], why[128] = "not above 0";
	double pct = 0.0;

	if (len && arg[len - 1] == '%')
		len--;
	if (len >= sizeof(number))
		snprintf(why, sizeof(why), "too long");
	snprintf(number, sizeof(number), "%.*s", (int)len, arg);
	if (len >= sizeof(number) ||
	    pb_parse_seconds(number, 0.0, PB_MAX_EQUIVALENCE_PCT, &pct, why, sizeof(why)) ||
	    pct <= 0.0)
		usage_error("--equivalence '%s': %s; allowed: a percentage above 0 and at most %.0f, "
			    "such as 2 or 2%%", arg, why, PB_MAX_EQUIVALENCE_PCT);
	opts->equivalence = pct / 100.0;
}

/* io.file writes its files there: it must be a directory we may write. */
static void check_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		usage_error("--dir '%s': %s; allowed: an existing, writable directory", dir,
			    strerror(errno));
	if (!S_ISDIR(st.st_mode))
		usage_error("--dir '%s' is not a directory; allowed: an existing, writable "
			    "directory", dir);
	if (access(dir, W_OK | X_OK) < 0)
		usage_error("--dir '%s': %s; allowed: an existing, writable directory", dir,
			    strerror(errno));
}

/* mpirun reads it, in every mpi cell: it must be a file we can read now. */
static void check_hostfile(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		usage_error("--hostfile '%s': %s; allowed: a readable file of hosts, one a line "
			    "(HOST slots=N)", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		usage_error("--hostfile '%s' is not a file; allowed: a readable file of hosts, "
			    "one a line (HOST slots=N)", path);
	close(fd);
}

enum {
	OPT_PIN = 256,
	OPT_TASKS,
	OPT_SIZE,
	OPT_REPS,
	OPT_WARMUP,
	OPT_TIMEOUT,
	OPT_OUT,
	OPT_ORDER,
	OPT_SEED,
	OPT_BASELINE,
	OPT_LOOPS,
	OPT_DELAY,
	OPT_URL,
	OPT_DIR,
	OPT_DIRECT,
	OPT_HOSTFILE,
	OPT_MAX_TIME,
	OPT_EXPORT_JSON,
	OPT_EXPORT_MARKDOWN,
	OPT_PYTHON,
	OPT_EQUIVALENCE,
	OPT_BUDGET,
};

static const struct option long_options[] = {
	{ "workload", required_argument, NULL, 'w' },
	{ "strategy", required_argument, NULL, 's' },
	{ "workers", required_argument, NULL, 'n' },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "tasks", required_argument, NULL, OPT_TASKS },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "order", required_argument, NULL, OPT_ORDER },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "loops", required_argument, NULL, OPT_LOOPS },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "url", required_argument, NULL, OPT_URL },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "direct", no_argument, NULL, OPT_DIRECT },
	{ "hostfile", required_argument, NULL, OPT_HOSTFILE },
	{ "max-time", required_argument, NULL, OPT_MAX_TIME },
	{ "export-json", required_argument, NULL, OPT_EXPORT_JSON },
	{ "export-markdown", required_argument, NULL, OPT_EXPORT_MARKDOWN },
	{ "python", required_argument, NULL, OPT_PYTHON },
	{ "equivalence", required_argument, NULL, OPT_EQUIVALENCE },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_one(int opt, const char *arg, unsigned pus, struct pb_options *opts)
{
	char why[128];

	switch (opt) {
	case 'w': {
		char *names = expand_groups(arg, expand_kind);

		free(opts->workloads);
		opts->nworkloads = resolve_names("--workload", names ? names : arg, "all, cpu, mem, io",
						 (const void *const *)pb_workloads, workload_name,
						 (const void ***)&opts->workloads);
		free(names);
		break;
	}
	case 's': {
		char *names = expand_groups(arg, expand_strategy_group);

		free(opts->strategies);
		opts->nstrategies = resolve_names("--strategy", names ? names : arg, "all, py-all",
						  (const void *const *)pb_strategies, strategy_name,
						  (const void ***)&opts->strategies);
		check_available(arg, opts);
		free(names);
		break;
	}
	case 'n':
		pb_list_free(&opts->workers);
		if (pb_parse_list(arg, 1, PB_MAX_WORKERS, &opts->workers, why, sizeof(why)))
			usage_error("--workers '%s': %s; allowed: whole numbers from 1 to %d, "
				    "as a list such as 1,2,4 or 1-8", arg, why, PB_MAX_WORKERS);
		break;
	case OPT_PIN:
		add_pin(arg, pus, opts);
		break;
	case OPT_TASKS:
		opts->tasks = number_option("--tasks", arg, 1, PB_MAX_TASKS);
		break;
	case OPT_SIZE:
		pb_list_free(&opts->sizes);
		if (pb_parse_list(arg, 1, PB_MAX_SIZE, &opts->sizes, why, sizeof(why)))
			usage_error("--size '%s': %s; allowed: whole numbers from 1 to %llu, as a "
				    "list such as 1000,100000", arg, why,
				    (unsigned long long)PB_MAX_SIZE);
		break;
	case OPT_REPS:
		parse_reps(arg, opts);
		break;
	case OPT_MAX_TIME:
		if (pb_parse_seconds(arg, 0.001, PB_MAX_TIMEOUT_S, &opts->max_time_s, why,
				     sizeof(why)))
			usage_error("--max-time '%s': %s; allowed: seconds from 0.001 to %.0f",
				    arg, why, PB_MAX_TIMEOUT_S);
		break;
	case OPT_EXPORT_JSON:
		check_export("--export-json", arg);
		opts->export_json = arg;
		break;
	case OPT_EXPORT_MARKDOWN:
		check_export("--export-markdown", arg);
		opts->export_markdown = arg;
		break;
	case OPT_PYTHON:
		if (!*arg || strlen(arg) >= sizeof(opts->python.path))
			usage_error("--python '%s': %s; allowed: the path of a Python 3.9 or later "
				    "interpreter", arg, *arg ? "too long" : "empty");
		snprintf(opts->python.path, sizeof(opts->python.path), "%s", arg);
		break;
	case OPT_EQUIVALENCE:
		parse_equivalence(arg, opts);
		break;
	case OPT_BUDGET:
		if (pb_parse_seconds(arg, 1.0, PB_MAX_TIMEOUT_S, &opts->budget_s, why, sizeof(why)))
			usage_error("--budget '%s': %s; allowed: seconds from 1 to %.0f", arg, why,
				    PB_MAX_TIMEOUT_S);
		break;
	case 'v':
		opts->verbose = true;
		break;
	case OPT_WARMUP:
		opts->warmup = (unsigned)number_option("--warmup", arg, 0, PB_MAX_WARMUP);
		break;
	case OPT_TIMEOUT:
		if (pb_parse_seconds(arg, 0.001, PB_MAX_TIMEOUT_S, &opts->timeout_s, why,
				     sizeof(why)))
			usage_error("--timeout '%s': %s; allowed: seconds from 0.001 to %.0f",
				    arg, why, PB_MAX_TIMEOUT_S);
		break;
	case OPT_ORDER:
		if (strcmp(arg, "interleaved") == 0)
			opts->order = PB_ORDER_INTERLEAVED;
		else if (strcmp(arg, "sequential") == 0)
			opts->order = PB_ORDER_SEQUENTIAL;
		else
			usage_error("--order '%s' is unknown; allowed: interleaved, sequential", arg);
		break;
	case OPT_SEED:
		opts->seed = number_option("--seed", arg, 0, INT64_MAX);
		break;
	case OPT_OUT:
		if (!*arg)
			usage_error("--out '': allowed: a directory path");
		opts->out_dir = arg;
		break;
	case OPT_BASELINE:
		if (strcmp(arg, "seq") == 0 || strcmp(arg, "none") == 0)
			opts->baseline = strcmp(arg, "seq") == 0;
		else
			usage_error("--baseline '%s' is unknown; allowed: seq, none", arg);
		break;
	case OPT_LOOPS:
		opts->loops = (unsigned)number_option("--loops", arg, 1, PB_MAX_LOOPS);
		break;
	case OPT_DELAY:
		if (pb_parse_seconds(arg, 0.0, PB_MAX_DELAY_S, &opts->io.delay_s, why,
				     sizeof(why)))
			usage_error("--delay '%s': %s; allowed: seconds from 0 to %.0f", arg, why,
				    PB_MAX_DELAY_S);
		break;
	case OPT_URL:
		check_url(arg);
		opts->io.url = arg;
		break;
	case OPT_DIR:
		check_dir(arg);
		opts->io.dir = arg;
		break;
	case OPT_DIRECT:
		opts->io.direct = 1;
		break;
	case OPT_HOSTFILE:
		check_hostfile(arg);
		opts->hostfile = arg;
		break;
	}
}

void pb_options_parse(int argc, char **argv, hwloc_topology_t topology,
		      struct pb_options *opts)
{
	unsigned pus = pb_topology_pus(topology);
	int opt;

	*opts = (struct pb_options){
		.reps = 5,
		.warmup = 1,
		.timeout_s = 600.0,
		.out_dir = "results",
		.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32),
		.baseline = true,
		.loops = 1,
		.io.delay_s = 0.02,
		.equivalence = PB_DEFAULT_EQUIVALENCE,
	};
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":w:s:n:hvV", long_options, NULL)) != -1) {
		if (opt == 'h') {
			print_help(pus);
			exit(0);
		}
		if (opt == 'V') {
			puts("parbench " PB_VERSION);
			exit(0);
		}
		if (opt == ':')
			usage_error("%s needs a value; see parbench run --help", argv[optind - 1]);
		if (opt == '?' && optopt)
			usage_error("'-%c' is not an option; see parbench run --help", optopt);
		if (opt == '?')
			usage_error("'%s' is not an option; see parbench run --help",
				    argv[optind - 1]);
		parse_one(opt, optarg, pus, opts);
	}
	if (optind < argc)
		usage_error("'%s' is not an option; see parbench run --help", argv[optind]);
	if (opts->max_time_s && !opts->reps_auto)
		usage_error("--max-time '%g' needs --reps auto; allowed: --max-time with --reps auto",
			    opts->max_time_s);
	if (!opts->max_time_s)
		opts->max_time_s = PB_DEFAULT_MAX_TIME_S;
	if (opts->budget_s && opts->reps_auto)
		usage_error("--budget '%g' with --reps auto; allowed: one of them: auto decides the "
			    "repetitions by the intervals, --budget by the time", opts->budget_s);
	if (opts->export_json && opts->export_markdown &&
	    strcmp(opts->export_json, opts->export_markdown) == 0)
		usage_error("--export-markdown '%s' is also --export-json's file; allowed: two "
			    "different files", opts->export_markdown);
	if (!opts->workloads)
		parse_one('w', "all", pus, opts);
	if (!opts->strategies)
		parse_one('s', "all", pus, opts);
	if (!opts->workers.n)
		pb_default_workers(pus, &opts->workers);
	if (!opts->npins)
		add_pin("compact", pus, opts);
	resolve_python(opts);
	if (opts->baseline)
		put_baselines_first(opts);
	note_python_workloads(opts);
	probe_url(opts);
}

void pb_options_free(struct pb_options *opts)
{
	free(opts->workloads);
	free(opts->strategies);
	pb_list_free(&opts->workers);
	pb_list_free(&opts->sizes);
	for (size_t i = 0; i < opts->npins; i++)
		pb_pin_free(&opts->pins[i]);
	free(opts->pins);
}
