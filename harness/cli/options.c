#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/options.h"
#include "cli/plugins.h"
#include "cli/selection.h"
#include "stats/verdict.h"
#include "util/error.h"
#include "util/version.h"

/* What parsing needs beside the options: where an error line goes. */
struct parser {
	struct pb_options *opts;
	unsigned pus;
	const char *workloads;		/* -w as given, resolved after every option is read */
	const char *strategies;		/* -s as given */
	const char *leftover;		/* the first argument that is no option, or NULL */
	char *why;
	size_t whylen;
};

static int bad(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The error line of bad input, into the parser's why: -1. */
static int bad(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pb_verror(p->why, p->whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int pb_default_workers(unsigned pus, struct pb_list *out)
{
	*out = (struct pb_list){ .v = calloc(40, sizeof(uint64_t)) };
	if (!out->v)
		return -ENOMEM;
	for (uint64_t n = 1; n < pus; n *= 2)
		out->v[out->n++] = n;
	out->v[out->n++] = pus;
	out->v[out->n++] = 2 * (uint64_t)pus;
	return 0;
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
	char defaults[128] = "?";

	if (pb_default_workers(pus, &workers) == 0) {
		format_list(&workers, defaults, sizeof(defaults));
		pb_list_free(&workers);
	}
	printf("usage: parbench run [options]\n"
	       "\n"
	       "Runs every chosen workload under every chosen strategy and worker count,\n"
	       "each cell in a fresh process, and writes raw.csv, summary.csv and meta.json\n"
	       "into a new directory OUT/<run-id>.\n"
	       "\n"
	       "  -w, --workload LIST  workloads or kinds (cpu, mem, io), comma-separated,\n"
	       "                       or all (default: all)\n"
	       "  -s, --strategy LIST  strategies, comma-separated; all: every C strategy\n"
	       "                       but those that run only by name (parbench list);\n"
	       "                       py-all: every Python one (default: all); the\n"
	       "                       baseline always runs (see --baseline), and the\n"
	       "                       Python one with Python strategies\n"
	       "  -n, --workers LIST   worker counts such as 1,2,4 or 1-8, 1 to %d\n"
	       "                       (default: powers of two up to the PUs, the PUs,\n"
	       "                       and twice the PUs; here %s)\n"
	       "      --pin POLICY     none, compact, scatter or pu:LIST (default: compact);\n"
	       "                       given more than once, pinning is an axis like workers\n"
	       "      --tasks N        tasks per job, 1 to %d (default: the\n"
	       "                       workload's own)\n"
	       "      --scaling KIND   strong: the same tasks at every worker count;\n"
	       "                       weak: --tasks (or the workload's own) per worker,\n"
	       "                       so the work grows with the workers (default: strong)\n"
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
	       "                       the reference checksum; py-seq: py-seq is, for\n"
	       "                       Python strategies alone (--py-workload); none: no\n"
	       "                       seq, no speedup, every cell checked against the\n"
	       "                       workload's first cell (for I/O plans where seq\n"
	       "                       would take hours) (default: seq)\n"
	       "      --equivalence PCT  the margin within which two strategies' times are\n"
	       "                       called equivalent, in percent (default: 2)\n"
	       "      --export-json FILE      the summary as JSON, too\n"
	       "      --export-markdown FILE  the summary as a Markdown table, too\n"
	       "  -v, --verbose        at the end, every cell whose times varied by more than\n"
	       "                       5%%, not only the worst three\n"
	       "  -h, --help           this help\n"
	       "  -V, --version        the version\n",
	       PB_MAX_WORKERS, defaults, PB_MAX_TASKS, PB_MAX_REPS, PB_AUTO_MIN_REPS,
	       PB_AUTO_CI_WIDTH * 100, PB_DEFAULT_MAX_TIME_S);
	pb_plugins_help(stdout);
	puts("\n`parbench list` names the workloads, strategies and pin policies;\n"
	     "`parbench topo` shows the PUs that --pin pu:LIST refers to.");
}

void *pb_options_of_strategy(const struct pb_options *opts, const struct pb_strategy *s)
{
	char why[512];

	/* The settings were checked when given: a failure here is out of memory. */
	return pb_options_new(s->options, s->options_size, &opts->settings, why, sizeof(why));
}

static int number_option(struct parser *p, const char *option, const char *text, uint64_t lo,
			 uint64_t hi, uint64_t *value)
{
	char why[128];

	if (pb_parse_u64(text, lo, hi, value, why, sizeof(why)))
		return bad(p, "%s '%s': %s; allowed: a whole number from %llu to %llu", option,
			   text, why, (unsigned long long)lo, (unsigned long long)hi);
	return 0;
}

static int seconds_option(struct parser *p, const char *option, const char *text, double lo,
			  double hi, double *value)
{
	char why[128];

	if (pb_parse_seconds(text, lo, hi, value, why, sizeof(why)))
		return bad(p, "%s '%s': %s; allowed: seconds from %g to %g", option, text, why, lo,
			   hi);
	return 0;
}

/* An export goes to a new or existing file, in a directory we may write. */
static int check_export(struct parser *p, const char *option, const char *path)
{
	char *copy = strdup(path);
	const char *dir;
	struct stat st;
	int rc = 0;

	if (!copy)
		return bad(p, "out of memory");
	dir = strrchr(copy, '/') ? dirname(copy) : ".";
	if (!*path || path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		rc = bad(p, "%s '%s' is not a file name; allowed: a file in a writable directory",
			 option, path);
	else if (access(dir, W_OK | X_OK) < 0)
		rc = bad(p, "%s '%s': directory '%s': %s; allowed: a file in a writable directory",
			 option, path, dir, strerror(errno));
	free(copy);
	return rc;
}

/* The same policy, however written: pu:0-1 is pu:0,1. */
static bool same_pin(const struct pb_pin *a, const struct pb_pin *b)
{
	return a->policy == b->policy && a->pus.n == b->pus.n &&
	       (!a->pus.n || !memcmp(a->pus.v, b->pus.v, a->pus.n * sizeof(*a->pus.v)));
}

static int add_pin(struct parser *p, const char *arg)
{
	struct pb_options *opts = p->opts;
	struct pb_pin pin, *grown;
	char why[128];

	if (pb_pin_parse(arg, p->pus, &pin, why, sizeof(why)))
		return bad(p, "--pin '%s': %s; allowed: none, compact, scatter, or pu:LIST "
			   "of PUs 0 to %u (see parbench topo)", arg, why, p->pus - 1);
	for (size_t i = 0; i < opts->npins; i++)
		if (same_pin(&opts->pins[i], &pin)) {
			pb_pin_free(&pin);
			return bad(p, "--pin '%s' is given twice (as '%s'); allowed: each policy "
				   "once", arg, opts->pins[i].spec);
		}
	if (opts->npins == PB_MAX_PINS) {
		pb_pin_free(&pin);
		return bad(p, "--pin '%s': more than %d policies; allowed: %d at most", arg,
			   PB_MAX_PINS, PB_MAX_PINS);
	}
	grown = realloc(opts->pins, (opts->npins + 1) * sizeof(*grown));
	if (!grown) {
		pb_pin_free(&pin);
		return bad(p, "out of memory");
	}
	opts->pins = grown;
	opts->pins[opts->npins++] = pin;
	return 0;
}

static int parse_reps(struct parser *p, const char *arg)
{
	uint64_t reps;
	char why[128];

	p->opts->reps_auto = strcmp(arg, "auto") == 0;
	if (p->opts->reps_auto) {
		p->opts->reps = PB_AUTO_MIN_REPS;
		return 0;
	}
	if (pb_parse_u64(arg, 1, PB_MAX_REPS, &reps, why, sizeof(why)))
		return bad(p, "--reps '%s': %s; allowed: a whole number from 1 to %d, or auto", arg,
			   why, PB_MAX_REPS);
	p->opts->reps = (unsigned)reps;
	return 0;
}

/* "2" or "2%": percent, above 0 and at most 50. */
static int parse_equivalence(struct parser *p, const char *arg)
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
		return bad(p, "--equivalence '%s': %s; allowed: a percentage above 0 and at most "
			   "%.0f, such as 2 or 2%%", arg, why, PB_MAX_EQUIVALENCE_PCT);
	p->opts->equivalence = pct / 100.0;
	return 0;
}

static int parse_order(struct parser *p, const char *arg)
{
	if (strcmp(arg, "interleaved") == 0)
		p->opts->order = PB_ORDER_INTERLEAVED;
	else if (strcmp(arg, "sequential") == 0)
		p->opts->order = PB_ORDER_SEQUENTIAL;
	else
		return bad(p, "--order '%s' is unknown; allowed: interleaved, sequential", arg);
	return 0;
}

/* strong: fixed work over more workers; weak: the tasks grow with the workers. */
static int parse_scaling(struct parser *p, const char *arg)
{
	if (strcmp(arg, "strong") == 0)
		p->opts->scaling = PB_SCALING_STRONG;
	else if (strcmp(arg, "weak") == 0)
		p->opts->scaling = PB_SCALING_WEAK;
	else
		return bad(p, "--scaling '%s' is unknown; allowed: strong, weak", arg);
	return 0;
}

/* seq (the C baseline's name), py-seq (the Python one's, for Python alone) or none. */
static int parse_baseline(struct parser *p, const char *arg)
{
	const char *base = pb_select_baseline(false)->name;
	const char *py_base = pb_select_baseline(true)->name;

	if (strcmp(arg, base) != 0 && strcmp(arg, py_base) != 0 && strcmp(arg, "none") != 0)
		return bad(p, "--baseline '%s' is unknown; allowed: %s, %s, none", arg, base,
			   py_base);
	p->opts->python_baseline = strcmp(arg, py_base) == 0;
	p->opts->baseline = strcmp(arg, "none") != 0;
	return 0;
}

/* A workload's or strategy's option: checked now, handed to the cells as it is. */
static int parse_plugin_option(struct parser *p, const struct pb_plugin_option *po,
			       const char *arg)
{
	const char *value = arg ? arg : "";

	if (pb_option_validate(po->option, value, po->values_size, p->why, p->whylen))
		return -1;
	return pb_settings_put(&p->opts->settings, po->option, value) ? bad(p, "out of memory")
								       : 0;
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
	OPT_MAX_TIME,
	OPT_EXPORT_JSON,
	OPT_EXPORT_MARKDOWN,
	OPT_EQUIVALENCE,
	OPT_BUDGET,
	OPT_SCALING,
	OPT_PLUGIN,		/* OPT_PLUGIN + i: the i-th of pb_plugin_options() */
};

static const struct option harness_options[] = {
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
	{ "max-time", required_argument, NULL, OPT_MAX_TIME },
	{ "export-json", required_argument, NULL, OPT_EXPORT_JSON },
	{ "export-markdown", required_argument, NULL, OPT_EXPORT_MARKDOWN },
	{ "equivalence", required_argument, NULL, OPT_EQUIVALENCE },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "scaling", required_argument, NULL, OPT_SCALING },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

#define NHARNESS (sizeof(harness_options) / sizeof(harness_options[0]))

bool pb_options_is_harness(const char *name)
{
	for (size_t i = 0; i < NHARNESS; i++)
		if (strcmp(harness_options[i].name, name) == 0)
			return true;
	return false;
}

/* getopt's table: the harness's own options, then every plugin option; malloc'd. */
static struct option *all_long_options(void)
{
	size_t n;
	const struct pb_plugin_option *plugin = pb_plugin_options(&n);
	struct option *all = calloc(NHARNESS + n + 1, sizeof(*all));

	if (!all)
		return NULL;
	memcpy(all, harness_options, sizeof(harness_options));
	for (size_t i = 0; i < n; i++)
		all[NHARNESS + i] = (struct option){
			plugin[i].option->name,
			plugin[i].option->type == PB_OPTION_FLAG ? no_argument : required_argument,
			NULL, OPT_PLUGIN + (int)i,
		};
	return all;
}

static int parse_list_option(struct parser *p, const char *option, const char *arg,
			     uint64_t hi, const char *example, struct pb_list *list)
{
	char why[128];

	pb_list_free(list);
	if (pb_parse_list(arg, 1, hi, list, why, sizeof(why)))
		return bad(p, "%s '%s': %s; allowed: whole numbers from 1 to %llu, as a list such "
			   "as %s", option, arg, why, (unsigned long long)hi, example);
	return 0;
}

static int parse_one(struct parser *p, int opt, const char *arg)
{
	struct pb_options *opts = p->opts;
	uint64_t n;
	size_t nplugin;

	switch (opt) {
	case 'w':
		p->workloads = arg;
		return 0;
	case 's':
		p->strategies = arg;
		return 0;
	case 'n':
		return parse_list_option(p, "--workers", arg, PB_MAX_WORKERS, "1,2,4 or 1-8",
					 &opts->workers);
	case OPT_PIN:
		return add_pin(p, arg);
	case OPT_TASKS:
		return number_option(p, "--tasks", arg, 1, PB_MAX_TASKS, &opts->tasks);
	case OPT_SIZE:
		return parse_list_option(p, "--size", arg, PB_MAX_SIZE, "1000,100000",
					 &opts->sizes);
	case OPT_REPS:
		return parse_reps(p, arg);
	case OPT_MAX_TIME:
		return seconds_option(p, "--max-time", arg, 0.001, PB_MAX_TIMEOUT_S,
				      &opts->max_time_s);
	case OPT_EXPORT_JSON:
		opts->export_json = arg;
		return check_export(p, "--export-json", arg);
	case OPT_EXPORT_MARKDOWN:
		opts->export_markdown = arg;
		return check_export(p, "--export-markdown", arg);
	case OPT_EQUIVALENCE:
		return parse_equivalence(p, arg);
	case OPT_BUDGET:
		return seconds_option(p, "--budget", arg, 1.0, PB_MAX_TIMEOUT_S, &opts->budget_s);
	case 'v':
		opts->verbose = true;
		return 0;
	case OPT_WARMUP:
		if (number_option(p, "--warmup", arg, 0, PB_MAX_WARMUP, &n))
			return -1;
		opts->warmup = (unsigned)n;
		return 0;
	case OPT_TIMEOUT:
		return seconds_option(p, "--timeout", arg, 0.001, PB_MAX_TIMEOUT_S,
				      &opts->timeout_s);
	case OPT_ORDER:
		return parse_order(p, arg);
	case OPT_SCALING:
		return parse_scaling(p, arg);
	case OPT_SEED:
		return number_option(p, "--seed", arg, 0, INT64_MAX, &opts->seed);
	case OPT_OUT:
		opts->out_dir = arg;
		return *arg ? 0 : bad(p, "--out '': allowed: a directory path");
	case OPT_BASELINE:
		return parse_baseline(p, arg);
	}
	return parse_plugin_option(p, &pb_plugin_options(&nplugin)[opt - OPT_PLUGIN], arg);
}

/* The value of -w in argv[*i] (-w X, -wX, --workload X, --workload=X), or NULL. */
static const char *workload_arg(int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	if ((!strcmp(arg, "-w") || !strcmp(arg, "--workload")) && *i + 1 < argc)
		return argv[++*i];
	if (!strncmp(arg, "-w", 2) && arg[2])
		return arg + 2;
	if (!strncmp(arg, "--workload=", 11))
		return arg + 11;
	return NULL;
}

/* Opens each plugin of one -w list and admits it to the registries. */
static int open_plugins_of(struct parser *p, const char *list)
{
	char *copy = strdup(list), *save = NULL, why[1024];
	int rc = copy ? 0 : bad(p, "out of memory");

	for (char *name = copy ? strtok_r(copy, ",", &save) : NULL; name && !rc;
	     name = strtok_r(NULL, ",", &save)) {
		const struct pb_workload *w;

		if (strncmp(name, PB_PLUGIN_PREFIX, strlen(PB_PLUGIN_PREFIX)) != 0)
			continue;
		if (!(w = pb_workload_resolve(name, why, sizeof(why))) ||
		    pb_plugins_admit(w, why, sizeof(why)))
			rc = bad(p, "--workload '%s': %s", name, why);
	}
	free(copy);
	return rc;
}

/*
 * The plugins that -w names are opened before the options are read: their
 * options are options of the command line.
 */
static int open_plugins(struct parser *p, int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *list = workload_arg(argc, argv, &i);

		if (list && open_plugins_of(p, list))
			return -1;
	}
	return 0;
}

/* Reads every option: 0, 1 after --help or --version, or -1 on bad input. */
static int read_options(struct parser *p, int argc, char **argv)
{
	struct option *long_options = all_long_options();
	int opt, rc = 0;

	if (!long_options)
		return bad(p, "out of memory");
	opterr = 0;
	while (rc == 0 && (opt = getopt_long(argc, argv, ":w:s:n:hvV", long_options, NULL)) != -1) {
		if (opt == 'h') {
			print_help(p->pus);
			rc = 1;
		} else if (opt == 'V') {
			puts("parbench " PB_VERSION);
			rc = 1;
		} else if (opt == ':') {
			rc = bad(p, "%s needs a value; see parbench run --help", argv[optind - 1]);
		} else if (opt == '?' && optopt) {
			rc = bad(p, "'-%c' is not an option; see parbench run --help", optopt);
		} else if (opt == '?') {
			rc = bad(p, "'%s' is not an option; see parbench run --help",
				 argv[optind - 1]);
		} else {
			rc = parse_one(p, opt, optarg);
		}
	}
	free(long_options);
	p->leftover = optind < argc ? argv[optind] : NULL;
	return rc;
}

/* The checks between options, once all are read. */
static int check_together(struct parser *p)
{
	struct pb_options *opts = p->opts;

	if (opts->max_time_s && !opts->reps_auto)
		return bad(p, "--max-time '%g' needs --reps auto; allowed: --max-time with "
			   "--reps auto", opts->max_time_s);
	if (!opts->max_time_s)
		opts->max_time_s = PB_DEFAULT_MAX_TIME_S;
	if (opts->budget_s && opts->reps_auto)
		return bad(p, "--budget '%g' with --reps auto; allowed: one of them: auto decides "
			   "the repetitions by the intervals, --budget by the time", opts->budget_s);
	if (opts->export_json && opts->export_markdown &&
	    strcmp(opts->export_json, opts->export_markdown) == 0)
		return bad(p, "--export-markdown '%s' is also --export-json's file; allowed: two "
			   "different files", opts->export_markdown);
	return 0;
}

/*
 * Under weak scaling a cell's tasks are the workload's times its workers:
 * the most workers must not take them past the cap that --tasks has.
 */
static int check_weak_tasks(struct parser *p)
{
	const struct pb_options *opts = p->opts;
	uint64_t most = 1;

	if (opts->scaling != PB_SCALING_WEAK)
		return 0;
	for (size_t k = 0; k < opts->workers.n; k++)
		most = opts->workers.v[k] > most ? opts->workers.v[k] : most;
	for (size_t i = 0; i < opts->nworkloads; i++) {
		const struct pb_workload *w = opts->workloads[i];
		uint64_t tasks = opts->tasks ? opts->tasks : w->default_tasks;

		if (tasks > PB_MAX_TASKS / most)
			return bad(p, "--scaling weak: %s's %" PRIu64 " tasks x %" PRIu64 " workers "
				   "are more than %d tasks; allowed: tasks x the most workers up "
				   "to %d (--tasks, --workers)", w->name, tasks, most, PB_MAX_TASKS,
				   PB_MAX_TASKS);
	}
	return 0;
}

/* What was not given: the default workers, compact; the baselines first. */
static int fill_defaults(struct parser *p)
{
	struct pb_options *opts = p->opts;

	if (!opts->workers.n && pb_default_workers(p->pus, &opts->workers))
		return bad(p, "out of memory");
	if (check_weak_tasks(p))
		return -1;
	if (!opts->npins && add_pin(p, "compact"))
		return -1;
	if (opts->baseline && pb_select_baselines_first(opts, p->why, p->whylen))
		return -1;
	pb_select_note_python(opts);
	pb_select_note_skips(opts);
	return pb_select_check_ready(opts, p->why, p->whylen);
}

int pb_options_parse(int argc, char **argv, hwloc_topology_t topology,
		     struct pb_options *opts, char *why, size_t whylen)
{
	struct parser p = { .opts = opts, .pus = pb_topology_pus(topology),
			    .workloads = "all", .strategies = "all", .why = why,
			    .whylen = whylen };
	int rc;

	*opts = (struct pb_options){
		.reps = 5,
		.warmup = 1,
		.timeout_s = 600.0,
		.out_dir = "results",
		.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32),
		.baseline = true,
		.equivalence = PB_DEFAULT_EQUIVALENCE,
	};
	rc = open_plugins(&p, argc, argv);
	if (rc == 0)
		rc = read_options(&p, argc, argv);
	/* The names first: `-w --out DIR` is a bad -w more than a stray DIR. */
	if (rc == 0)
		rc = pb_select_workloads(opts, p.workloads, why, whylen) ||
		     pb_select_strategies(opts, p.strategies, why, whylen) ? -1 : 0;
	if (rc == 0 && p.leftover)
		rc = bad(&p, "'%s' is not an option; see parbench run --help", p.leftover);
	if (rc == 0)
		rc = check_together(&p);
	if (rc == 0)
		rc = fill_defaults(&p);
	return rc;
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
	pb_settings_free(&opts->settings);
}
