/*
 * `parbench compare RUN_A RUN_B`.  A cell is (workload, strategy, workers,
 * pin, tasks, size, loops); its sample is the wall times of raw.csv's ok
 * rows.  A cell is called faster or slower only when two tests agree: the
 * Mann-Whitney U test on the repetitions, its p-values adjusted for the
 * number of cells (Benjamini-Hochberg), and the interval of the ratio of
 * the times (Hodges-Lehmann, the interval that inverts that test).
 * Timings on a drifting machine are noisy, a table of 100 cells at 5% each
 * would call 5 of them changed by chance alone, and a verdict that cries
 * wolf is worse than none.  The formats are in compare_format.c.
 */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "workload.h"
#include "cli/compare.h"
#include "cli/compare_report.h"
#include "report/csv_read.h"
#include "report/schema.h"
#include "util/parse.h"
#include "stats/stats.h"
#include "strategies/strategy.h"
#include "util/version.h"

#define ALLOWED_RUN "allowed: a run directory with parbench's raw.csv, such as results/latest"
#define ALLOWED_CSV "allowed: a raw.csv written by parbench run"

static const char compare_help[] =
	"usage: parbench compare [--format FORMAT] RUN_A RUN_B\n"
	"\n"
	"Compares the cells two runs share (workload, strategy, workers, pin, tasks,\n"
	"size, loops), from the ok repetitions in each run directory's raw.csv:\n"
	"the median wall times, their ratio B/A with its 95% interval, the p-value\n"
	"of the two-sided Mann-Whitney U test, q (p adjusted for the number of\n"
	"cells compared, Benjamini-Hochberg), and a verdict.  A cell is faster or\n"
	"slower only when q < 0.05 and the interval excludes 1; otherwise it is\n"
	"\"no significant change\".  Cells in one run only, or without ok\n"
	"repetitions in one, are listed.\n"
	"\n"
	"  RUN_A, RUN_B       run directories, such as results/latest\n"
	"      --format FMT   table (the default), csv, md or json\n"
	"  -h, --help         this help\n"
	"  -V, --version      the version\n";

#define MAX_FIELDS 64		/* of a raw.csv record */

enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_MD, FORMAT_JSON };

static const char *const format_names[] = { "table", "csv", "md", "json" };

/* Where the columns compare reads are in raw.csv, by their names in report/schema.h. */
struct raw_index {
	int run_id, workload, strategy, workers, pin, tasks, size, ok, wall_s, loops;
	int oldest;			/* columns of the oldest raw.csv read: up to error */
};

static struct raw_index raw_index(void)
{
	const struct pb_table *t = &pb_raw_table;

	return (struct raw_index){
		.run_id = pb_table_find(t, "run_id"), .workload = pb_table_find(t, "workload"),
		.strategy = pb_table_find(t, "strategy"), .workers = pb_table_find(t, "workers"),
		.pin = pb_table_find(t, "pin"), .tasks = pb_table_find(t, "tasks"),
		.size = pb_table_find(t, "size"), .ok = pb_table_find(t, "ok"),
		.wall_s = pb_table_find(t, "wall_s"), .loops = pb_table_find(t, "loops"),
		.oldest = pb_table_find(t, "error") + 1,
	};
}

/* Room for element n of an array of `size` bytes each; the array, or NULL. */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t want;

	if (n < *cap)
		return v;
	want = *cap ? 2 * *cap : 16;
	v = realloc(v, want * size);
	if (v)
		*cap = want;
	return v;
}

/*
 * raw.csv's header, up to error at least: a run from before --loops lacks
 * loops, and columns a newer parbench appends are ignored.
 */
static bool is_raw_header(char **fields, int n, const struct raw_index *ix)
{
	if (n < ix->oldest)
		return false;
	for (int i = 0; i < n && i < (int)pb_raw_table.n; i++)
		if (strcmp(fields[i], pb_raw_table.columns[i].name))
			return false;
	return true;
}

/* DIR/raw.csv's text.  0, 1 on a system error, or 2 with why. */
static int read_raw(const char *dir, char **text, size_t *len, char *why, size_t whylen)
{
	struct stat st;
	char *path;
	int rc;

	if (stat(dir, &st) < 0) {
		snprintf(why, whylen, "'%s': %s; " ALLOWED_RUN, dir, strerror(errno));
		return 2;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "'%s' is not a directory; " ALLOWED_RUN, dir);
		return 2;
	}
	if (asprintf(&path, "%s/raw.csv", dir) < 0) {
		snprintf(why, whylen, "out of memory");
		return 1;
	}
	rc = pb_csv_load(path, text, len);
	free(path);
	if (rc == -ENOMEM) {
		snprintf(why, whylen, "out of memory");
		return 1;
	}
	if (rc == -ENOENT)
		snprintf(why, whylen, "'%s' has no raw.csv; " ALLOWED_RUN, dir);
	else if (rc)
		snprintf(why, whylen, "'%s/raw.csv': %s; " ALLOWED_RUN, dir, strerror(-rc));
	return rc ? 2 : 0;
}

static bool same_key(const struct cell *x, const struct cell *y)
{
	return x->workers == y->workers && x->tasks == y->tasks && x->size == y->size &&
	       x->loops == y->loops && !strcmp(x->workload, y->workload) &&
	       !strcmp(x->strategy, y->strategy) && !strcmp(x->pin, y->pin);
}

static struct cell *find_cell(const struct run *run, const struct cell *key)
{
	for (size_t i = 0; i < run->ncells; i++)
		if (same_key(&run->cells[i], key))
			return &run->cells[i];
	return NULL;
}

/* A row's cell, added when new; NULL when out of memory. */
static struct cell *cell_of(struct run *run, const struct cell *key)
{
	struct cell *cell = find_cell(run, key), *cells;

	if (cell)
		return cell;
	cells = grow(run->cells, &run->cells_cap, run->ncells, sizeof(*cells));
	if (!cells)
		return NULL;
	run->cells = cells;
	cells[run->ncells] = *key;
	return &cells[run->ncells++];
}

static int parse_count(char **f, int col, uint64_t *out, char *why, size_t whylen)
{
	char reason[128];

	if (pb_parse_u64(f[col], 0, UINT64_MAX, out, reason, sizeof(reason)) == 0)
		return 0;
	snprintf(why, whylen, "%s: %s", pb_raw_table.columns[col].name, reason);
	return -1;
}

/* The key and wall time of a row; 0, or -1 with why. */
static int parse_row(char **f, int n, const struct raw_index *ix, struct cell *key, bool *ok,
		     double *wall, char *why, size_t whylen)
{
	char reason[128];

	*key = (struct cell){
		.workload = f[ix->workload], .strategy = f[ix->strategy], .pin = f[ix->pin],
	};
	if (!*key->workload || !*key->strategy) {
		snprintf(why, whylen, "no workload or strategy");
		return -1;
	}
	if (parse_count(f, ix->workers, &key->workers, why, whylen) ||
	    parse_count(f, ix->tasks, &key->tasks, why, whylen) ||
	    parse_count(f, ix->size, &key->size, why, whylen) ||
	    (n > ix->loops && *f[ix->loops] &&
	     parse_count(f, ix->loops, &key->loops, why, whylen)))
		return -1;
	if (strcmp(f[ix->ok], "0") && strcmp(f[ix->ok], "1")) {
		snprintf(why, whylen, "ok: '%s' is neither 0 nor 1", f[ix->ok]);
		return -1;
	}
	*ok = f[ix->ok][0] == '1';
	if (*ok && pb_parse_seconds(f[ix->wall_s], 0.0, DBL_MAX, wall, reason, sizeof(reason))) {
		snprintf(why, whylen, "wall_s: %s", reason);
		return -1;
	}
	return 0;
}

static int add_row(struct run *run, char **f, int n, const struct raw_index *ix, char *why,
		   size_t whylen)
{
	struct cell key, *cell;
	double wall = 0.0, *walls;
	bool ok;

	if (parse_row(f, n, ix, &key, &ok, &wall, why, whylen))
		return 2;
	cell = cell_of(run, &key);
	if (!cell)
		goto oom;
	if (!run->run_id)
		run->run_id = f[ix->run_id];
	cell->nrows++;
	if (!ok)
		return 0;
	walls = grow(cell->wall, &cell->wall_cap, cell->nok, sizeof(*walls));
	if (!walls)
		goto oom;
	cell->wall = walls;
	walls[cell->nok++] = wall;
	return 0;
oom:
	snprintf(why, whylen, "out of memory");
	return 1;
}

static void run_free(struct run *run)
{
	for (size_t i = 0; i < run->ncells; i++)
		free(run->cells[i].wall);
	free(run->cells);
	free(run->text);
}

/* A run's cells from DIR/raw.csv.  0, 1 on a system error, or 2 with why. */
static int run_load(struct run *run, const char *dir, char *why, size_t whylen)
{
	const struct raw_index ix = raw_index();
	char *fields[MAX_FIELDS], where[256];
	struct pb_csv c;
	size_t len, line;
	int n, ncols, rc;

	*run = (struct run){ .path = dir };
	rc = read_raw(dir, &run->text, &len, why, whylen);
	if (rc)
		return rc;
	pb_csv_init(&c, run->text, len);
	n = pb_csv_record(&c, fields, MAX_FIELDS);
	if (n <= 0 || !is_raw_header(fields, n, &ix)) {
		snprintf(why, whylen, "'%s/raw.csv': its first line is not raw.csv's header "
			 "(run_id,workload,...); " ALLOWED_CSV, dir);
		return 2;
	}
	ncols = n;
	for (;;) {
		line = c.line;
		n = pb_csv_record(&c, fields, ncols);
		if (n == 0)
			break;
		if (n == 1 && !*fields[0])	/* a blank line */
			continue;
		if (n != ncols) {
			snprintf(where, sizeof(where), "not %d fields", ncols);
			rc = 2;
		} else {
			rc = add_row(run, fields, n, &ix, where, sizeof(where));
		}
		if (rc) {
			snprintf(why, whylen, "'%s/raw.csv' line %zu: %s; " ALLOWED_CSV, dir, line,
				 where);
			return rc;
		}
	}
	if (!run->run_id)
		run->run_id = "";
	for (size_t i = 0; i < run->ncells; i++)
		pb_sort(run->cells[i].wall, run->cells[i].nok);
	return 0;
}

/* ---- the comparison ------------------------------------------------------ */

/* A row's figures; UNCHANGED stands until give_verdict() has the row's q. */
static void measure(struct row *r)
{
	const struct cell *a = r->a, *b = r->b;

	r->median_a = r->median_b = r->ratio = r->lo = r->hi = r->coverage = r->p = NAN;
	r->q = NAN;
	if (!b || !a) {
		r->verdict = b ? ONLY_B : ONLY_A;
		return;
	}
	if (!a->nok || !b->nok) {
		r->verdict = a->nok ? NONE_B : b->nok ? NONE_A : NONE_AB;
		return;
	}
	r->median_a = pb_quantile(a->wall, a->nok, 0.5);
	r->median_b = pb_quantile(b->wall, b->nok, 0.5);
	r->coverage = pb_ratio_ci(b->wall, b->nok, a->wall, a->nok, 1.0 - ALPHA, &r->ratio,
				  &r->lo, &r->hi);
	r->p = pb_mann_whitney_p(a->wall, a->nok, b->wall, b->nok);
	r->verdict = UNCHANGED;
}

static void give_verdict(struct row *r)
{
	/* NAN (a median of 0) compares false: no verdict without a ratio. */
	if (r->q < ALPHA && r->lo > 1.0)
		r->verdict = SLOWER;
	else if (r->q < ALPHA && r->hi < 1.0)
		r->verdict = FASTER;
}

/* Adjusts the compared rows' p-values together, then judges each. */
static int judge_all(struct row *rows, size_t n)
{
	double *q = calloc(n + 1, sizeof(*q));
	size_t m = 0;

	if (!q)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (rows[i].verdict == UNCHANGED)
			q[m++] = rows[i].p;
	pb_benjamini_hochberg(q, m);
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].verdict == UNCHANGED) {
			rows[i].q = q[m++];
			give_verdict(&rows[i]);
		}
	free(q);
	return 0;
}

/* Registry order, as `parbench list` shows them; unknown names after. */
static size_t workload_rank(const char *name)
{
	size_t i;

	for (i = 0; pb_workloads[i]; i++)
		if (!strcmp(pb_workloads[i]->name, name))
			break;
	return i;
}

static size_t strategy_rank(const char *name)
{
	size_t i;

	for (i = 0; pb_strategies[i]; i++)
		if (!strcmp(pb_strategies[i]->name, name))
			break;
	return i;
}

static int order(uint64_t x, uint64_t y)
{
	return (x > y) - (x < y);
}

/* Workload, job, strategy, loops, workers, pin: a run's table order. */
static int row_order(const void *p, const void *q)
{
	const struct row *rp = p, *rq = q;
	const struct cell *x = rp->a ? rp->a : rp->b, *y = rq->a ? rq->a : rq->b;
	int c;

	if ((c = order(workload_rank(x->workload), workload_rank(y->workload))) ||
	    (c = strcmp(x->workload, y->workload)) ||
	    (c = order(x->tasks, y->tasks)) ||
	    (c = order(x->size, y->size)) ||
	    (c = order(strategy_rank(x->strategy), strategy_rank(y->strategy))) ||
	    (c = strcmp(x->strategy, y->strategy)) ||
	    (c = order(x->loops, y->loops)) ||
	    (c = order(x->workers, y->workers)))
		return c;
	return strcmp(x->pin, y->pin);
}

static int report_build(struct report *rep, const struct run *a, const struct run *b)
{
	size_t n = 0;

	*rep = (struct report){ .a = a, .b = b };
	rep->rows = calloc(a->ncells + b->ncells + 1, sizeof(*rep->rows));
	if (!rep->rows)
		return -1;
	for (size_t i = 0; i < a->ncells; i++)
		rep->rows[n++] = (struct row){ .a = &a->cells[i], .b = find_cell(b, &a->cells[i]) };
	for (size_t i = 0; i < b->ncells; i++)
		if (!find_cell(a, &b->cells[i]))
			rep->rows[n++] = (struct row){ .b = &b->cells[i] };
	qsort(rep->rows, n, sizeof(*rep->rows), row_order);
	rep->nrows = n;
	for (size_t i = 0; i < n; i++)
		measure(&rep->rows[i]);
	if (judge_all(rep->rows, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct row *r = &rep->rows[i];

		rep->count[r->verdict]++;
		if ((r->a ? r->a : r->b)->loops)
			rep->any_loops = true;
	}
	return 0;
}

/* ---- the command ----------------------------------------------------------- */

enum { OPT_FORMAT = 256 };

static const struct option compare_options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int parse_format(const char *arg, enum format *format)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(*format_names); i++) {
		if (!strcmp(arg, format_names[i])) {
			*format = (enum format)i;
			return 0;
		}
	}
	fprintf(stderr, "parbench compare: --format '%s' is not a format; allowed: table, csv, "
		"md, json\n", arg);
	return 2;
}

/* -1: go on and compare argv[*first] and the next; else the exit status. */
static int parse_args(int argc, char **argv, enum format *format, int *first)
{
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":hV", compare_options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(compare_help, stdout);
			return 0;
		}
		if (opt == 'V') {
			puts("parbench " PB_VERSION);
			return 0;
		}
		if (opt == ':') {
			fprintf(stderr, "parbench compare: %s needs a value; allowed: table, csv, "
				"md, json\n", argv[optind - 1]);
			return 2;
		}
		if (opt == '?') {
			fprintf(stderr, "parbench compare: '%s' is not an option; allowed: "
				"--format, --help, --version\n", argv[optind - 1]);
			return 2;
		}
		if (parse_format(optarg, format))
			return 2;
	}
	if (argc - optind != 2) {
		if (argc - optind > 2)
			fprintf(stderr, "parbench compare: '%s' is one argument too many; allowed: "
				"two run directories, RUN_A RUN_B\n", argv[optind + 2]);
		else
			fprintf(stderr, "parbench compare: %d run director%s given; allowed: two, "
				"RUN_A RUN_B\n", argc - optind, argc - optind == 1 ? "y" : "ies");
		return 2;
	}
	*first = optind;
	return -1;
}

static int compare(const struct run *a, const struct run *b, enum format format)
{
	struct report rep;
	int rc = 0;

	if (report_build(&rep, a, b)) {
		fputs("parbench compare: out of memory\n", stderr);
		return 1;
	}
	if (format == FORMAT_CSV)
		pb_compare_print_csv(stdout, &rep);
	else if (format == FORMAT_JSON)
		rc = pb_compare_print_json(stdout, &rep);
	else
		pb_compare_print_text(stdout, &rep, format == FORMAT_MD);
	free(rep.rows);
	if (rc || fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "parbench compare: cannot write the output: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int pb_compare_main(int argc, char **argv)
{
	enum format format = FORMAT_TABLE;
	struct run a = { 0 }, b = { 0 };
	char why[1024];
	int first, rc = parse_args(argc, argv, &format, &first);

	if (rc >= 0)
		return rc;
	rc = run_load(&a, argv[first], why, sizeof(why));
	if (rc == 0)
		rc = run_load(&b, argv[first + 1], why, sizeof(why));
	if (rc)
		fprintf(stderr, "parbench compare: %s\n", why);
	else
		rc = compare(&a, &b, format);
	run_free(&a);
	run_free(&b);
	return rc;
}
