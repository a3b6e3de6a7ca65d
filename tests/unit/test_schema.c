/*
 * harness/report/schema.h and the writers that follow it (report/output.c):
 * every column has a writer, each file's header is the schema's names, and
 * a synthetic row of each file has one field per column; a rows file that
 * is removed under the run makes its next write fail.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/csv_read.h"
#include "report/output.h"
#include "report/output_columns.h"
#include "report/schema.h"
#include "strategies/strategy.h"

static const struct pb_workload workload = {
	.name = "test.work", .kind = PB_KIND_CPU, .default_tasks = 1, .default_size = 1,
};
static const struct pb_pin pin = { .spec = "pu:0,1" };	/* quoted in the CSV */
static char base[] = "/tmp/parbench-schema-XXXXXX";
static struct pb_output out;
static struct pb_cell cell;

static void setup(void)
{
	char why[512];

	cr_assert_not_null(mkdtemp(base));
	cr_assert_eq(pb_output_open(&out, base, why, sizeof(why)), 0, "%s", why);
	cell = (struct pb_cell){ .workload = &workload, .strategy = pb_strategy_find("seq"),
				 .workers = 2, .pin = &pin, .tasks = 3, .size = 4 };
	snprintf(cell.cut, sizeof(cell.cut), "cut, with a comma");
}

static void teardown(void)
{
	char *command;

	pb_output_close(&out);
	if (asprintf(&command, "rm -rf '%s'", base) >= 0) {
		cr_expect_eq(system(command), 0);
		free(command);
	}
}

/* The records of dir/file, each its number of fields; the header's fields in header. */
static size_t records(const char *file, int *nfields, size_t max, char **header_text)
{
	char *path, *text, *fields[128];
	struct pb_csv c;
	size_t len, n = 0;
	int got;

	cr_assert_neq(asprintf(&path, "%s/%s", out.dir, file), -1);
	cr_assert_eq(pb_csv_load(path, &text, &len), 0, "%s", path);
	*header_text = strndup(text, strcspn(text, "\n"));
	pb_csv_init(&c, text, len);
	while (n < max && (got = pb_csv_record(&c, fields, 128)) > 0)
		nfields[n++] = got;
	cr_assert_geq(got, 0, "%s: a malformed record", file);
	free(text);
	free(path);
	return n;
}

/* The table's names joined by commas. */
static char *joined(const struct pb_table *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	pb_table_header(f, t);
	fclose(f);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static void assert_rows(const struct pb_table *t, size_t want)
{
	int nfields[8];
	char *header, *names = joined(t);
	size_t n = records(t->file, nfields, 8, &header);

	cr_assert_str_eq(header, names, "%s", t->file);
	cr_assert_eq(n, want + 1, "%s: %zu records", t->file, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq((size_t)nfields[i], t->n, "%s record %zu: %d fields, not %zu",
			     t->file, i, nfields[i], t->n);
	free(header);
	free(names);
}

TestSuite(schema, .init = setup, .fini = teardown);

Test(schema, every_column_has_a_writer)
{
	cr_assert_null(pb_output_unwritten_column(), "%s", pb_output_unwritten_column());
}

Test(schema, columns_are_found_by_name)
{
	const struct pb_table *tables[] = { &pb_raw_table, &pb_summary_table, &pb_verdict_table };

	for (size_t t = 0; t < 3; t++)
		for (size_t i = 0; i < tables[t]->n; i++)
			cr_assert_eq(pb_table_find(tables[t], tables[t]->columns[i].name), (int)i);
	cr_assert_eq(pb_table_find(&pb_raw_table, "speedup"), -1);
	cr_assert_eq(pb_raw_table.columns[PB_RAW_wall_s].type, PB_NUMBER);
	cr_assert_str_eq(pb_raw_table.columns[PB_RAW_wall_s].unit, "s");
}

Test(schema, raw_rows_follow_the_header)
{
	struct pb_sample ran = { .wall_s = 0.5, .cpus = "0;1", .ok = true, .startup_s = 0.01,
				 .work_s = NAN };
	struct pb_sample failed = { .rep = 1, .error = "a \"quoted\" error, with a comma",
				    .startup_s = NAN, .work_s = NAN };

	cr_assert_eq(pb_output_raw_row(&out, &cell, &ran), 0);
	cr_assert_eq(pb_output_raw_row(&out, &cell, &failed), 0);
	cr_assert_eq(pb_output_cut_row(&out, &cell), 0);
	assert_rows(&pb_raw_table, 3);
	cell.control = true;
	cr_assert_str_eq(pb_output_rows_file(&cell), "control.csv");
	cr_assert_eq(pb_output_raw_row(&out, &cell, &ran), 0);
	assert_rows(&pb_control_table, 1);
}

Test(schema, summary_and_verdict_rows_follow_the_header)
{
	struct pb_contender contender = { .cell = &cell, .ratio = 1, .reps_to_decide = INFINITY };
	struct pb_verdict verdict = { .first = &cell, .end = &cell + 1, .alpha = 0.05,
				      .contenders = &contender, .n = 1, .reps_to_decide = NAN };
	struct pb_verdicts verdicts = { .v = &verdict, .n = 1, .margin = 0.02 };
	struct pb_plan plan = { .cells = &cell, .ncells = 1 };

	cell.summary = (struct pb_summary){ .reps = 5, .median = 0.5, .speedup = NAN };
	cr_assert_eq(pb_output_summary(&out, &plan), 0);
	cr_assert_eq(pb_output_verdicts(&out, &verdicts), 0);
	assert_rows(&pb_summary_table, 1);
	assert_rows(&pb_verdict_table, 1);
}

Test(schema, a_removed_rows_file_fails_its_next_write)
{
	struct pb_sample ran = { .wall_s = 0.5, .cpus = "0", .startup_s = NAN, .work_s = NAN };
	char *path = pb_path(out.dir, "raw.csv");

	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(pb_output_raw_row(&out, &cell, &ran), -ENOENT);
	free(path);
}
