/* `parbench compare`'s formats: a console table, GitHub Markdown, CSV and JSON. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "cli/compare_report.h"
#include "report/export.h"
#include "report/output.h"
#include "stats/stats.h"

static const char *const verdict_names[NVERDICTS] = {
	"faster", "slower", "no significant change", "only in A", "only in B",
	"no ok repetitions in A", "no ok repetitions in B", "no ok repetitions in A and B",
};

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

void pb_compare_print_text(FILE *f, const struct report *rep, bool md)
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

void pb_compare_print_csv(FILE *f, const struct report *rep)
{
	fputs("workload,strategy,workers,pin,tasks,size,loops,ok_reps_a,ok_reps_b,median_a_s,"
	      "median_b_s,ratio,ratio_lo,ratio_hi,coverage,p,q,verdict\n", f);
	for (size_t i = 0; i < rep->nrows; i++) {
		const struct row *r = &rep->rows[i];
		const struct cell *c = r->a ? r->a : r->b;
		const double figures[] = { r->median_a, r->median_b, r->ratio, r->lo, r->hi,
					   r->coverage, r->p, r->q };

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
		for (size_t k = 0; k < sizeof(figures) / sizeof(*figures); k++) {
			fputc(',', f);
			pb_csv_number(f, figures[k]);
		}
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

int pb_compare_print_json(FILE *f, const struct report *rep)
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
