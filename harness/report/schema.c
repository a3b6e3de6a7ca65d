#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"
#include "report/output.h"
#include "report/schema.h"
#include "strategies/strategy.h"

#define PB_COLUMN(name, type, unit, help) { #name, PB_##type, unit, help },

static const struct pb_column raw_columns[] = { PB_RAW_COLUMNS(PB_COLUMN) };
static const struct pb_column summary_columns[] = { PB_SUMMARY_COLUMNS(PB_COLUMN) };
static const struct pb_column verdict_columns[] = { PB_VERDICT_COLUMNS(PB_COLUMN) };

const struct pb_table pb_raw_table = { "raw.csv", raw_columns, PB_RAW_NCOLUMNS };
const struct pb_table pb_control_table = { "control.csv", raw_columns, PB_RAW_NCOLUMNS };
const struct pb_table pb_summary_table = { "summary.csv", summary_columns, PB_SUMMARY_NCOLUMNS };
const struct pb_table pb_verdict_table = { "verdicts.csv", verdict_columns, PB_VERDICT_NCOLUMNS };

static const struct pb_table *const tables[] = {
	&pb_raw_table, &pb_control_table, &pb_summary_table, &pb_verdict_table,
};

static const char *const type_names[] = {
	[PB_TEXT] = "text", [PB_INTEGER] = "integer", [PB_NUMBER] = "number",
	[PB_BOOLEAN] = "boolean",
};

int pb_table_find(const struct pb_table *table, const char *name)
{
	for (size_t i = 0; i < table->n; i++)
		if (!strcmp(table->columns[i].name, name))
			return (int)i;
	return -1;
}

void pb_table_header(FILE *f, const struct pb_table *table)
{
	for (size_t i = 0; i < table->n; i++) {
		if (i)
			fputc(',', f);
		fputs(table->columns[i].name, f);
	}
	fputc('\n', f);
}

static json_t *columns_json(const struct pb_table *table)
{
	json_t *columns = json_array();

	for (size_t i = 0; i < table->n; i++) {
		const struct pb_column *c = &table->columns[i];

		json_array_append_new(columns, json_pack("{s:s, s:s, s:s?, s:s}", "name", c->name,
							 "type", type_names[c->type],
							 "unit", c->unit, "help", c->help));
	}
	return columns;
}

static json_t *workload_json(const struct pb_workload *w)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:b, s:I, s:I, s:s?}",
			 "kind", pb_kind_name(w->kind), "summary", w->summary,
			 "size_unit", w->size_unit, "bytes_per_unit", (int)w->bytes_per_unit,
			 "overhead", w->overhead, "default_tasks", (json_int_t)w->default_tasks,
			 "default_size", (json_int_t)w->default_size,
			 "plugin", pb_workload_plugin_path(w));
}

/* The built-in workloads, and the plugins this run opened. */
static json_t *workloads_json(void)
{
	json_t *workloads = json_object();
	const struct pb_workload *plugin;

	for (const struct pb_workload *const *w = pb_workloads; *w; w++)
		json_object_set_new(workloads, (*w)->name, workload_json(*w));
	for (size_t i = 0; (plugin = pb_plugin_workload(i)); i++)
		json_object_set_new(workloads, plugin->name, workload_json(plugin));
	return workloads;
}

static json_t *strategies_json(void)
{
	json_t *strategies = json_object();

	for (const struct pb_strategy *const *s = pb_strategies; *s; s++)
		json_object_set_new(strategies, (*s)->name,
				    json_pack("{s:s, s:b, s:b, s:b, s:b, s:s?, s:s?}", "summary",
					      (*s)->summary, "python", (*s)->python,
					      "event_loop", (*s)->event_loop,
					      "by_name_only", (*s)->by_name_only,
					      "baseline", (*s)->baseline,
					      "counterpart", (*s)->counterpart,
					      "mechanism", (*s)->mechanism));
	return strategies;
}

static json_t *schema_json(void)
{
	json_t *files = json_object();

	for (size_t i = 0; i < sizeof(tables) / sizeof(*tables); i++)
		json_object_set_new(files, tables[i]->file, columns_json(tables[i]));
	return json_pack("{s:i, s:o, s:o, s:o}", "version", 1, "files", files,
			 "workloads", workloads_json(), "strategies", strategies_json());
}

static int fill_schema(FILE *f, const void *arg)
{
	json_t *schema = schema_json();
	int rc = schema ? json_dumpf(schema, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;

	(void)arg;
	if (rc == 0)
		fputc('\n', f);
	json_decref(schema);
	return rc;
}

int pb_schema_write(const char *dir)
{
	char *path = pb_path(dir, "schema.json");
	int rc = path ? pb_write_atomically(path, fill_schema, NULL) : -ENOMEM;

	free(path);
	return rc;
}
