#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "cli/plugins.h"
#include "util/error.h"

/* A plugin's name and option table, a workload and a strategy alike. */
struct plugin {
	const char *name;
	const char *what;		/* "workload", "strategy" */
	const struct pb_option *options;
	size_t options_size;
};

static struct plugin workload_plugin(const struct pb_workload *w)
{
	return (struct plugin){ w->name, "workload", w->options, w->options_size };
}

/*
 * Every plugin, workloads first, then the workload plugins opened so far
 * (-w plugin:PATH): a malloc'd array of *n, NULL when out of memory.
 */
static struct plugin *all_plugins(size_t *n)
{
	size_t count = 0, opened = 0, i = 0;
	struct plugin *p;

	for (const struct pb_workload *const *w = pb_workloads; *w; w++)
		count++;
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++)
		count++;
	while (pb_plugin_workload(opened))
		opened++;
	p = calloc(count + opened, sizeof(*p));
	if (!p)
		return NULL;
	for (const struct pb_workload *const *w = pb_workloads; *w; w++)
		p[i++] = workload_plugin(*w);
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++)
		p[i++] = (struct plugin){ (*s)->name, "strategy", (*s)->options, (*s)->options_size };
	for (size_t k = 0; k < opened; k++)
		p[i++] = workload_plugin(pb_plugin_workload(k));
	*n = i;
	return p;
}

const struct pb_plugin_option *pb_plugin_options(size_t *n)
{
	static struct pb_plugin_option *options;
	static size_t count;
	struct plugin *plugins;
	size_t nplugins;

	if (options || !(plugins = all_plugins(&nplugins))) {
		*n = count;
		return options;
	}
	for (size_t p = 0; p < nplugins; p++)
		for (const struct pb_option *o = plugins[p].options; o && o->name; o++) {
			struct pb_plugin_option *grown;
			bool seen = false;

			for (size_t i = 0; i < count && !seen; i++)
				seen = strcmp(options[i].option->name, o->name) == 0;
			if (seen)
				continue;
			grown = realloc(options, (count + 1) * sizeof(*grown));
			if (!grown)
				break;
			options = grown;
			options[count++] = (struct pb_plugin_option){ o, plugins[p].options_size };
		}
	free(plugins);
	*n = count;
	return options;
}

/* Options that share a name with an earlier plugin's must agree with it. */
static int check_shared(const struct plugin *plugins, size_t n)
{
	int bad = 0;

	for (size_t p = 0; p < n; p++)
		for (const struct pb_option *o = plugins[p].options; o && o->name; o++)
			for (size_t q = 0; q < p; q++) {
				const struct pb_option *first = pb_option_find(plugins[q].options,
									       o->name);
				const char *why = first ? pb_option_conflict(first, o) : NULL;

				if (why) {
					fprintf(stderr, "parbench: %s '%s' declares --%s with %s "
						"than %s '%s'\n", plugins[p].what, plugins[p].name,
						o->name, why, plugins[q].what, plugins[q].name);
					bad = 1;
				}
			}
	return bad;
}

static int complain(const char *what, const char *name, const char *why)
{
	fprintf(stderr, "parbench: %s '%s' is malformed: %s\n", what, name ? name : "?", why);
	return 1;
}

int pb_plugins_check(void)
{
	struct plugin *plugins;
	size_t n;
	int bad = 0;

	for (const struct pb_workload *const *w = pb_workloads; *w; w++) {
		const char *why = pb_workload_check(*w);

		if (why)
			bad = complain("workload", (*w)->name, why);
	}
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++) {
		const char *why = pb_strategy_check(*s);

		if (why)
			bad = complain("strategy", (*s)->name, why);
	}
	if (!(plugins = all_plugins(&n)))
		return complain("registry", "all", "out of memory");
	for (size_t p = 0; p < n; p++) {
		const char *why = pb_option_table_check(plugins[p].options, plugins[p].options_size);

		for (const struct pb_option *o = plugins[p].options; !why && o && o->name; o++)
			if (pb_options_is_harness(o->name))
				why = "an option of `parbench run` itself";
		if (why)
			bad = complain(plugins[p].what, plugins[p].name, why);
	}
	bad |= check_shared(plugins, n);
	free(plugins);
	return bad;
}

int pb_plugins_admit(const struct pb_workload *w, char *why, size_t whylen)
{
	struct plugin *plugins;
	size_t n;
	int rc = 0;

	if (!(plugins = all_plugins(&n)))
		return pb_error(why, whylen, "out of memory");
	for (const struct pb_option *o = w->options; !rc && o && o->name; o++) {
		if (pb_options_is_harness(o->name))
			rc = pb_error(why, whylen, "its option --%s is an option of parbench run "
				      "itself; allowed: a name of its own", o->name);
		for (size_t p = 0; !rc && p < n; p++) {
			const struct pb_option *other = pb_option_find(plugins[p].options, o->name);
			const char *conflict;

			if (other && plugins[p].options != w->options &&
			    (conflict = pb_option_conflict(other, o)))
				rc = pb_error(why, whylen, "its option --%s has %s than %s %s's; "
					      "allowed: a name of its own, or the same option",
					      o->name, conflict, plugins[p].what, plugins[p].name);
		}
	}
	free(plugins);
	return rc;
}

void pb_plugins_help(FILE *out)
{
	struct plugin *plugins;
	size_t n;

	if (!(plugins = all_plugins(&n)))
		return;
	fputs("\nOptions of the workloads and strategies, each read only by those named:\n", out);
	/* Plugins that share one table (the event loops) are listed together. */
	for (size_t p = 0; p < n; p++) {
		char names[1024];
		size_t used;
		bool first = true;

		if (!plugins[p].options)
			continue;
		for (size_t q = 0; q < p && first; q++)
			first = plugins[q].options != plugins[p].options;
		if (!first)
			continue;
		used = (size_t)snprintf(names, sizeof(names), "%s", plugins[p].name);
		for (size_t q = p + 1; q < n && used < sizeof(names); q++)
			if (plugins[q].options == plugins[p].options)
				used += (size_t)snprintf(names + used, sizeof(names) - used, ", %s",
							 plugins[q].name);
		if (used < sizeof(names) - 1)
			strcat(names, ":");
		fputs("  ", out);
		pb_help_wrap(out, names, 2, 4);
		for (const struct pb_option *o = plugins[p].options; o->name; o++)
			pb_option_help(o, out);
	}
	free(plugins);
}
