/*
 * `parbench compare RUN_A RUN_B`.  A cell is (workload, strategy, workers,
 * pin, tasks, size, loops); its sample is the wall times of raw.csv's ok
 * rows.  A cell is called faster or slower only when two tests agree: the
 * Mann-Whitney U test on the repetitions, its p-values adjusted for the
 * number of cells (Benjamini-Hochberg), and the interval of the ratio of
 * the times (Hodges-Lehmann, the interval that inverts that test).  Timings on a drifting machine are noisy, a table of 100
 * cells at 5% each would call 5 of them changed by chance alone, and a
 * verdict that cries wolf is worse than none.
 */
#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "workload.h"
#include "cli/compare.h"
#include "report/export.h"
#include "report/output.h"
#include "util/parse.h"
#include "stats/stats.h"
#include "strategies/strategy.h"
#include "util/version.h"

#define ALPHA 0.05		/* of the test, and 1 - the ratio interval's level */
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

/* raw.csv's columns, as output.c writes them. */
enum raw_column {
	COL_RUN_ID, COL_WORKLOAD, COL_KIND, COL_STRATEGY, COL_WORKERS, COL_PIN, COL_TASKS,
	COL_SIZE, COL_REP, COL_WALL_S, COL_USER_S, COL_SYS_S, COL_MAX_RSS_KB, COL_VCSW,
	COL_IVCSW, COL_LAT_P50_S, COL_LAT_P99_S, COL_CHECKSUM, COL_OK, COL_CPUS, COL_ERROR,
	COL_LOOPS, NCOLUMNS
};

static const char *const raw_columns[NCOLUMNS] = {
	"run_id", "workload", "kind", "strategy", "workers", "pin", "tasks", "size", "rep",
	"wall_s", "user_s", "sys_s", "max_rss_kb", "vcsw", "ivcsw", "lat_p50_s", "lat_p99_s",
	"checksum", "ok", "cpus", "error", "loops",
};

#define MAX_FIELDS 64		/* of a raw.csv record */

enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_MD, FORMAT_JSON };

static const char *const format_names[] = { "table", "csv", "md", "json" };

struct cell {
	const char *workload, *strategy, *pin;	/* into the run's text */
	uint64_t workers, tasks, size, loops;	/* loops: 0 when not an event loop */
	double *wall;				/* of the ok rows; sorted once loaded */
	size_t nok, wall_cap, nrows;
};

struct run {
	const char *path;			/* as given */
	const char *run_id;			/* of its first row */
	char *text;				/* raw.csv, split into fields in place */
	struct cell *cells;
	size_t ncells, cells_cap;
};

enum verdict {
	FASTER, SLOWER, UNCHANGED, ONLY_A, ONLY_B, NONE_A, NONE_B, NONE_AB, NVERDICTS
};

static const char *const verdict_names[NVERDICTS] = {
	"faster", "slower", "no significant change", "only in A", "only in B",
	"no ok repetitions in A", "no ok repetitions in B", "no ok repetitions in A and B",
};

struct row {
	const struct cell *a, *b;		/* NULL in the run without it */
	double median_a, median_b, ratio, lo, hi, coverage, p;
	double q;				/* p adjusted over the cells compared */
	enum verdict verdict;
};

struct report {
	const struct run *a, *b;
	struct row *rows;
	size_t nrows;
	size_t count[NVERDICTS];
	bool any_loops;
};

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

/* ---- raw.csv ---------------------------------------------------------- */

struct csv {
	char *pos, *end;
	size_t line;				/* where pos is, from 1 */
};

/*
 * The next field, unquoted in place ("" in a quoted field is one quote) and
 * NUL-terminated; a field is never longer than its text, so it fits.
 * *last is set at the end of a record.  0, or -1 when malformed.
 */
static int csv_field(struct csv *c, char **field, bool *last)
{
	char *r = c->pos, *w = c->pos;

	*field = w;
	if (r < c->end && *r == '"') {
		for (r++;; r++) {
			if (r == c->end)
				return -1;
			if (*r == '"' && (r + 1 == c->end || r[1] != '"')) {
				r++;
				break;
			}
			if (*r == '"')
				r++;
			else if (*r == '\n')
				c->line++;
			*w++ = *r;
		}
	} else {
		while (r < c->end && !strchr(",\"\r\n", *r))
			*w++ = *r++;
	}
	*last = true;
	if (r < c->end && *r == ',') {
		*last = false;
		r++;
	} else if (r < c->end && *r == '\n') {
		c->line++;
		r++;
	} else if (r + 1 < c->end && r[0] == '\r' && r[1] == '\n') {
		c->line++;
		r += 2;
	} else if (r < c->end) {
		return -1;		/* a stray quote or carriage return */
	}
	*w = '\0';
	c->pos = r;
	return 0;
}

/* Up to max fields of the next record; their number, 0 at the end, or -1. */
static int csv_record(struct csv *c, char **fields, int max)
{
	bool last = false;
	int n = 0;

	if (c->pos == c->end)
		return 0;
	while (!last) {
		if (n == max || csv_field(c, &fields[n], &last))
			return -1;
		n++;
	}
	return n;
}

/*
 * The contract's columns, then loops (which runs from before --loops lack);
 * columns added after those are ignored.
 */
static bool is_raw_header(char **fields, int n)
{
	if (n < COL_LOOPS)
		return false;
	for (int i = 0; i < n && i < NCOLUMNS; i++)
		if (strcmp(fields[i], raw_columns[i]))
			return false;
	return true;
}

/* The whole file, NUL-terminated.  0, 1 on a system error, or 2 with why. */
static int read_raw(const char *dir, char **text, size_t *len, char *why, size_t whylen)
{
	struct stat st;
	size_t cap = 0, n = 0, got;
	char *buf = NULL, *path;
	FILE *f;

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
	f = fopen(path, "r");
	free(path);
	if (!f) {
		if (errno == ENOENT)
			snprintf(why, whylen, "'%s' has no raw.csv; " ALLOWED_RUN, dir);
		else
			snprintf(why, whylen, "'%s/raw.csv': %s; " ALLOWED_RUN, dir,
				 strerror(errno));
		return 2;
	}
	for (;;) {
		if (cap - n < 65536) {
			char *more = realloc(buf, 2 * cap + 65536);

			cap = 2 * cap + 65536;
			if (!more) {
				free(buf);
				fclose(f);
				snprintf(why, whylen, "out of memory");
				return 1;
			}
			buf = more;
		}
		got = fread(buf + n, 1, cap - n - 1, f);	/* one byte for the NUL */
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(why, whylen, "'%s/raw.csv': cannot read it; " ALLOWED_RUN, dir);
		free(buf);
		fclose(f);
		return 2;
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
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

static int parse_count(char **f, enum raw_column col, uint64_t *out, char *why, size_t whylen)
{
	char reason[128];

	if (pb_parse_u64(f[col], 0, UINT64_MAX, out, reason, sizeof(reason)) == 0)
		return 0;
	snprintf(why, whylen, "%s: %s", raw_columns[col], reason);
	return -1;
}

/* The key and wall time of a row; 0, or -1 with why. */
static int parse_row(char **f, int n, struct cell *key, bool *ok, double *wall,
		     char *why, size_t whylen)
{
	char reason[128];

	*key = (struct cell){
		.workload = f[COL_WORKLOAD], .strategy = f[COL_STRATEGY], .pin = f[COL_PIN],
	};
	if (!*key->workload || !*key->strategy) {
		snprintf(why, whylen, "no workload or strategy");
		return -1;
	}
	if (parse_count(f, COL_WORKERS, &key->workers, why, whylen) ||
	    parse_count(f, COL_TASKS, &key->tasks, why, whylen) ||
	    parse_count(f, COL_SIZE, &key->size, why, whylen) ||
	    (n > COL_LOOPS && *f[COL_LOOPS] &&
	     parse_count(f, COL_LOOPS, &key->loops, why, whylen)))
		return -1;
	if (strcmp(f[COL_OK], "0") && strcmp(f[COL_OK], "1")) {
		snprintf(why, whylen, "ok: '%s' is neither 0 nor 1", f[COL_OK]);
		return -1;
	}
	*ok = f[COL_OK][0] == '1';
	if (*ok && pb_parse_seconds(f[COL_WALL_S], 0.0, DBL_MAX, wall, reason, sizeof(reason))) {
		snprintf(why, whylen, "wall_s: %s", reason);
		return -1;
	}
	return 0;
}

static int add_row(struct run *run, char **f, int n, char *why, size_t whylen)
{
	struct cell key, *cell;
	double wall = 0.0, *walls;
	bool ok;

	if (parse_row(f, n, &key, &ok, &wall, why, whylen))
		return 2;
	cell = cell_of(run, &key);
	if (!cell)
		goto oom;
	if (!run->run_id)
		run->run_id = f[COL_RUN_ID];
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
	char *fields[MAX_FIELDS], where[256];
	struct csv c = { .line = 1 };
	size_t len, line;
	int n, ncols, rc;

	*run = (struct run){ .path = dir };
	rc = read_raw(dir, &run->text, &len, why, whylen);
	if (rc)
		return rc;
	c.pos = run->text;
	c.end = run->text + len;
	n = csv_record(&c, fields, MAX_FIELDS);
	if (n <= 0 || !is_raw_header(fields, n)) {
		snprintf(why, whylen, "'%s/raw.csv': its first line is not raw.csv's header "
			 "(run_id,workload,...); " ALLOWED_CSV, dir);
		return 2;
	}
	ncols = n;
	for (;;) {
		line = c.line;
		n = csv_record(&c, fields, ncols);
		if (n == 0)
			break;
		if (n == 1 && !*fields[0])	/* a blank line */
			continue;
		if (n != ncols) {
			snprintf(where, sizeof(where), "not %d fields", ncols);
			rc = 2;
		} else {
			rc = add_row(run, fields, n, where, sizeof(where));
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

/* ---- output -------------------------------------------------------------- */

/* Seconds to four significant digits, without an exponent. */
static void fmt_seconds(char *buf, size_t len, double s)
{
	int decimals = 3;

	if (!isfinite(s)) {
		snprintf(buf, len, "-");
		return;
	}
	if (s > 0.0)
		decimals = 3 - (int)floor(log10(s));
	decimals = decimals < 0 ? 0 : decimals > 12 ? 12 : decimals;
	snprintf(buf, len, "%.*f", decimals, s);
}

static void fmt_p(char *buf, size_t len, double p)
{
	snprintf(buf, len, p < 1e-4 ? "%.1e" : "%.4f", p);
}

enum column {
	C_WORKLOAD, C_JOB, C_STRATEGY, C_WORKERS, C_LOOPS, C_PIN, C_MEDIAN_A, C_MEDIAN_B,
	C_RATIO, C_INTERVAL, C_P, C_Q, C_VERDICT, NCOLS
};

static const struct {
	const char *title;
	bool right;
} columns[NCOLS] = {
	[C_WORKLOAD] = { "workload", false },
	[C_JOB] = { "tasks x size", true },
	[C_STRATEGY] = { "strategy", false },
	[C_WORKERS] = { "workers", true },
	[C_LOOPS] = { "loops", true },
	[C_PIN] = { "pin", false },
	[C_MEDIAN_A] = { "median A s", true },
	[C_MEDIAN_B] = { "median B s", true },
	[C_RATIO] = { "B/A", true },
	[C_INTERVAL] = { "95% interval", false },
	[C_P] = { "p", true },
	[C_Q] = { "q", true },
	[C_VERDICT] = { "verdict", false },
};

#define FIELD 256		/* a pu:LIST can be long */

/* Too few repetitions for a 95% interval: it is min to max, or close. */
static bool short_interval(const struct row *r)
{
	return r->coverage < 1.0 - ALPHA - 1e-9;
}

/* The fewest repetitions a side that give the ratio a 95% interval. */
static size_t reps_for_interval(void)
{
	double v[16], ratio, lo, hi;
	size_t n = 1;

	for (size_t i = 0; i < 16; i++)
		v[i] = 1.0 + (double)i;
	while (n < 16 && pb_ratio_ci(v, n, v, n, 1.0 - ALPHA, &ratio, &lo, &hi) < 1.0 - ALPHA - 1e-9)
		n++;
	return n;
}

static void row_texts(const struct row *r, char t[NCOLS][FIELD])
{
	const struct cell *c = r->a;

	snprintf(t[C_WORKLOAD], FIELD, "%s", c->workload);
	snprintf(t[C_JOB], FIELD, "%llu x %llu", (unsigned long long)c->tasks,
		 (unsigned long long)c->size);
	snprintf(t[C_STRATEGY], FIELD, "%s", c->strategy);
	snprintf(t[C_WORKERS], FIELD, "%llu", (unsigned long long)c->workers);
	snprintf(t[C_LOOPS], FIELD, c->loops ? "%llu" : "-", (unsigned long long)c->loops);
	snprintf(t[C_PIN], FIELD, "%s", c->pin);
	fmt_seconds(t[C_MEDIAN_A], FIELD, r->median_a);
	fmt_seconds(t[C_MEDIAN_B], FIELD, r->median_b);
	snprintf(t[C_RATIO], FIELD, "%.3f", r->ratio);
	snprintf(t[C_INTERVAL], FIELD, "[%.3f, %.3f]%s", r->lo, r->hi,
		 short_interval(r) ? "*" : "");
	fmt_p(t[C_P], FIELD, r->p);
	fmt_p(t[C_Q], FIELD, r->q);
	snprintf(t[C_VERDICT], FIELD, "%s", verdict_names[r->verdict]);
}

static bool compared(const struct row *r)
{
	return r->verdict == FASTER || r->verdict == SLOWER || r->verdict == UNCHANGED;
}

static void print_line(FILE *f, char t[NCOLS][FIELD], const int *width, bool show_loops,
		       bool md)
{
	const char *sep = md ? " | " : "  ";

	fputs(md ? "| " : "  ", f);
	for (int i = 0; i < NCOLS; i++) {
		/* No trailing blanks on the console. */
		int w = i == C_VERDICT && !md ? 0 : width[i];

		if (i != C_LOOPS || show_loops)
			fprintf(f, "%s%*s", i ? sep : "", columns[i].right ? w : -w, t[i]);
	}
	fputs(md ? " |\n" : "\n", f);
}

/* The compared cells, aligned: a console table, or a GitHub one. */
static void print_compared(FILE *f, const struct report *rep, bool md)
{
	char t[NCOLS][FIELD];
	int width[NCOLS];

	for (int i = 0; i < NCOLS; i++)
		width[i] = (int)strlen(columns[i].title);
	for (size_t i = 0; i < rep->nrows; i++) {
		if (!compared(&rep->rows[i]))
			continue;
		row_texts(&rep->rows[i], t);
		for (int j = 0; j < NCOLS; j++)
			if ((int)strlen(t[j]) > width[j])
				width[j] = (int)strlen(t[j]);
	}
	for (int i = 0; i < NCOLS; i++)
		snprintf(t[i], FIELD, "%s", columns[i].title);
	print_line(f, t, width, rep->any_loops, md);
	if (md) {
		fputc('|', f);
		for (int i = 0; i < NCOLS; i++)
			if (i != C_LOOPS || rep->any_loops)
				fprintf(f, "%s|", columns[i].right ? "---:" : "---");
		fputc('\n', f);
	}
	for (size_t i = 0; i < rep->nrows; i++) {
		if (!compared(&rep->rows[i]))
			continue;
		row_texts(&rep->rows[i], t);
		print_line(f, t, width, rep->any_loops, md);
	}
}

static void describe(FILE *f, const struct cell *c)
{
	fprintf(f, "%s, %llu tasks x %llu, %s, %llu workers", c->workload,
		(unsigned long long)c->tasks, (unsigned long long)c->size, c->strategy,
		(unsigned long long)c->workers);
	if (c->loops)
		fprintf(f, ", %llu loops", (unsigned long long)c->loops);
	fprintf(f, ", pin %s", c->pin);
}

#define BIT(v) (1u << (v))
#define NONE_ANY (BIT(NONE_A) | BIT(NONE_B) | BIT(NONE_AB))

/* The cells with one of these verdicts, under a title. */
static void print_uncompared(FILE *f, const struct report *rep, const char *title,
			     unsigned verdicts, bool md)
{
	bool titled = false;

	for (size_t i = 0; i < rep->nrows; i++) {
		const struct row *r = &rep->rows[i];

		if (!(verdicts & BIT(r->verdict)))
			continue;
		if (!titled)
			fprintf(f, md ? "\n**%s**\n\n" : "\n%s\n", title);
		titled = true;
		fputs(md ? "- " : "  ", f);
		describe(f, r->a ? r->a : r->b);
		if (r->a && r->b)
			fprintf(f, ": A %zu of %zu ok, B %zu of %zu ok", r->a->nok, r->a->nrows,
				r->b->nok, r->b->nrows);
		fputc('\n', f);
	}
}

static void print_counts(FILE *f, const struct report *rep)
{
	fprintf(f, "%zu faster, %zu slower, %zu unchanged; %zu only in A, %zu only in B, "
		"%zu without ok repetitions\n", rep->count[FASTER], rep->count[SLOWER],
		rep->count[UNCHANGED], rep->count[ONLY_A], rep->count[ONLY_B],
		rep->count[NONE_A] + rep->count[NONE_B] + rep->count[NONE_AB]);
}

static bool any_compared(const struct report *rep)
{
	return rep->count[FASTER] + rep->count[SLOWER] + rep->count[UNCHANGED] > 0;
}

static size_t compared_count(const struct report *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->nrows; i++)
		n += compared(&rep->rows[i]);
	return n;
}

static bool any_short_interval(const struct report *rep)
{
	for (size_t i = 0; i < rep->nrows; i++)
		if (compared(&rep->rows[i]) && short_interval(&rep->rows[i]))
			return true;
	return false;
}

static void print_run(FILE *f, const char *name, const struct run *run, const char *end,
		      bool md)
{
	fprintf(f, md ? "**%s**: `%s`" : "%s: %s", name, run->path);
	if (*run->run_id)
		fprintf(f, md ? " (run `%s`)" : " (run %s)", run->run_id);
	else
		fputs(" (no rows)", f);
	fprintf(f, "%s\n", end);
}

static void print_text(FILE *f, const struct report *rep, bool md)
{
	print_run(f, "A", rep->a, md ? "  " : "", md);
	print_run(f, "B", rep->b, "", md);
	fprintf(f, "%sA cell is faster or slower (B/A below or above 1) only when the two-sided "
		"Mann-Whitney U\ntest's p, adjusted for the %zu cells compared (q, "
		"Benjamini-Hochberg), is below 0.05\nand the 95%% interval of B/A excludes 1.\n\n",
		md ? "\n" : "", compared_count(rep));
	if (any_compared(rep))
		print_compared(f, rep, md);
	else
		fputs("no cell has ok repetitions in both runs\n", f);
	if (any_short_interval(rep))
		fprintf(f, "%s too few repetitions for a 95%% interval: it covers less; "
			"use --reps %zu or more\n", md ? "\n\\*" : "*", reps_for_interval());
	fputc('\n', f);
	print_counts(f, rep);
	print_uncompared(f, rep, "only in A:", BIT(ONLY_A), md);
	print_uncompared(f, rep, "only in B:", BIT(ONLY_B), md);
	print_uncompared(f, rep, "no ok repetitions:", NONE_ANY, md);
}

static void csv_count(FILE *f, const struct cell *c)
{
	if (c)
		fprintf(f, ",%zu", c->nok);
	else
		fputc(',', f);
}

static void print_csv(FILE *f, const struct report *rep)
{
	fputs("workload,strategy,workers,pin,tasks,size,loops,ok_reps_a,ok_reps_b,median_a_s,"
	      "median_b_s,ratio,ratio_lo,ratio_hi,coverage,p,q,verdict\n", f);
	for (size_t i = 0; i < rep->nrows; i++) {
		const struct row *r = &rep->rows[i];
		const struct cell *c = r->a ? r->a : r->b;

		pb_csv_text(f, c->workload);
		fputc(',', f);
		pb_csv_text(f, c->strategy);
		fprintf(f, ",%llu,", (unsigned long long)c->workers);
		pb_csv_text(f, c->pin);
		fprintf(f, ",%llu,%llu,", (unsigned long long)c->tasks,
			(unsigned long long)c->size);
		if (c->loops)
			fprintf(f, "%llu", (unsigned long long)c->loops);
		csv_count(f, r->a);
		csv_count(f, r->b);
		pb_csv_number(f, r->median_a);
		pb_csv_number(f, r->median_b);
		pb_csv_number(f, r->ratio);
		pb_csv_number(f, r->lo);
		pb_csv_number(f, r->hi);
		pb_csv_number(f, r->coverage);
		pb_csv_number(f, r->p);
		pb_csv_number(f, r->q);
		fprintf(f, ",%s\n", verdict_names[r->verdict]);
	}
}

static json_t *json_count(const struct cell *c)
{
	return c ? json_integer((json_int_t)c->nok) : json_null();
}

static json_t *row_json(const struct row *r)
{
	const struct cell *c = r->a ? r->a : r->b;

	return json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
			 "s:o, s:o, s:o, s:o, s:s}",
			 "workload", c->workload, "strategy", c->strategy,
			 "workers", (json_int_t)c->workers, "pin", c->pin,
			 "tasks", (json_int_t)c->tasks, "size", (json_int_t)c->size,
			 "loops", c->loops ? json_integer((json_int_t)c->loops) : json_null(),
			 "ok_reps_a", json_count(r->a), "ok_reps_b", json_count(r->b),
			 "median_a_s", pb_json_number(r->median_a),
			 "median_b_s", pb_json_number(r->median_b),
			 "ratio", pb_json_number(r->ratio), "ratio_lo", pb_json_number(r->lo),
			 "ratio_hi", pb_json_number(r->hi), "coverage", pb_json_number(r->coverage),
			 "p", pb_json_number(r->p), "q", pb_json_number(r->q),
			 "verdict", verdict_names[r->verdict]);
}

static int print_json(FILE *f, const struct report *rep)
{
	json_t *cells = json_array(), *doc;
	int rc;

	for (size_t i = 0; i < rep->nrows; i++) {
		json_t *row = row_json(&rep->rows[i]);

		/* jansson refuses a name that is not UTF-8: fail rather than drop the row. */
		if (!row || json_array_append_new(cells, row)) {
			json_decref(cells);
			errno = EILSEQ;
			return -1;
		}
	}
	doc = json_pack("{s:{s:s, s:s}, s:{s:s, s:s}, s:f, s:f, s:{s:I, s:I, s:I, s:I, s:I, "
			"s:I}, s:o}",
			"a", "path", rep->a->path, "run_id", rep->a->run_id,
			"b", "path", rep->b->path, "run_id", rep->b->run_id,
			"alpha", ALPHA, "level", 1.0 - ALPHA,
			"counts", "faster", (json_int_t)rep->count[FASTER],
			"slower", (json_int_t)rep->count[SLOWER],
			"unchanged", (json_int_t)rep->count[UNCHANGED],
			"only_in_a", (json_int_t)rep->count[ONLY_A],
			"only_in_b", (json_int_t)rep->count[ONLY_B],
			"no_ok_repetitions", (json_int_t)(rep->count[NONE_A] + rep->count[NONE_B] +
							  rep->count[NONE_AB]),
			"cells", cells);
	rc = doc ? json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						JSON_REAL_PRECISION(10)) : -1;
	if (rc == 0)
		fputc('\n', f);
	json_decref(doc);
	return rc;
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
		print_csv(stdout, &rep);
	else if (format == FORMAT_JSON)
		rc = print_json(stdout, &rep);
	else
		print_text(stdout, &rep, format == FORMAT_MD);
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
