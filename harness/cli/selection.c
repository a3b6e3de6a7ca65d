#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/selection.h"
#include "util/error.h"

/* NULL when s can run here with the options given, else why not. */
static const char *strategy_unavailable(const struct pb_options *opts, const struct pb_strategy *s)
{
	void *values = pb_options_of_strategy(opts, s);
	const char *why = pb_strategy_unavailable(s, values);

	free(values);
	return why;
}

/*
 * Resolves a -w or -s argument against a NULL-terminated registry: find()
 * returns a name's entry, or NULL with why empty for an unknown name or
 * saying why it is refused (a plugin) and what is allowed.
 */
static int resolve_names(const char *option, const char *text, const char *groups,
			 const void *const *registry, const char *(*name_of)(const void *),
			 const void *(*find)(const char *name, char *why, size_t whylen),
			 const void ***out, size_t *count, char *err, size_t errlen)
{
	struct pb_names names;
	char why[1024], allowed[1024] = "";
	size_t used = 0;

	for (const void *const *item = registry; *item; item++)
		used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, ", %s",
					 name_of(*item));
	if (pb_parse_names(text, &names, why, sizeof(why)))
		return pb_error(err, errlen, "%s '%s': %s; allowed: %s%s", option, text, why, groups,
				allowed);
	*out = calloc(names.n, sizeof(**out));
	for (size_t i = 0; *out && i < names.n; i++) {
		if (!((*out)[i] = find(names.v[i], why, sizeof(why)))) {
			if (*why)
				pb_error(err, errlen, "%s '%s': %s", option, names.v[i], why);
			else
				pb_error(err, errlen, "%s '%s': '%s' is unknown; allowed: %s%s", option,
					 text, names.v[i], groups, allowed);
			pb_names_free(&names);
			return -1;
		}
		/* One plugin by two paths: given twice as surely as one name twice. */
		for (size_t j = 0; j < i; j++)
			if ((*out)[j] == (*out)[i]) {
				pb_error(err, errlen, "%s '%s': '%s' is given twice (first as '%s'); "
					 "allowed: each once", option, text, names.v[i], names.v[j]);
				pb_names_free(&names);
				return -1;
			}
	}
	*count = names.n;
	pb_names_free(&names);
	return *out ? 0 : pb_error(err, errlen, "out of memory");
}

static const char *workload_name(const void *w)
{
	return ((const struct pb_workload *)w)->name;
}

static const char *strategy_name(const void *s)
{
	return ((const struct pb_strategy *)s)->name;
}

static const void *find_workload(const char *name, char *why, size_t whylen)
{
	return pb_workload_resolve(name, why, whylen);
}

static const void *find_strategy(const char *name, char *why, size_t whylen)
{
	if (whylen)
		*why = '\0';
	return pb_strategy_find(name);
}

/*
 * Replaces the group names in a comma-separated list by their members:
 * expand(name, out) writes each of a group's members to out as ",NAME"
 * (none for a group whose members were all skipped) and returns true, or
 * returns false for a plain name.  NULL when the text names no group (or
 * memory ran out).
 */
static char *expand_groups(const struct pb_options *opts, const char *text,
			   bool (*expand)(const struct pb_options *opts, const char *name, FILE *out))
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
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save))
		if (expand(opts, name, f))
			any = true;
		else
			fprintf(f, ",%s", name);
	fclose(f);
	free(copy);
	if (!any) {
		free(out);
		return NULL;
	}
	if (*out == ',')	/* every name came with its comma: drop the first */
		memmove(out, out + 1, strlen(out));
	return out;
}

/* A kind (cpu, mem, io) stands for its workloads: "io,cpu.sumsq"; all for every one. */
static bool expand_kind(const struct pb_options *opts, const char *name, FILE *out)
{
	bool all = strcmp(name, "all") == 0, kind = all;

	(void)opts;
	for (const struct pb_workload *const *w = pb_workloads; *w; w++) {
		if (!all && strcmp(name, pb_kind_name((*w)->kind)) != 0)
			continue;
		fprintf(out, ",%s", (*w)->name);
		kind = true;
	}
	return kind;
}

/* Notes the strategies a group skips, one line per reason. */
static void note_skipped(const struct pb_strategy **skipped, const char **whys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = strcmp(whys[j], whys[i]) != 0;
		if (!first)
			continue;
		fprintf(stderr, "parbench run: skipping %s", skipped[i]->name);
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(whys[j], whys[i]) == 0)
				fprintf(stderr, ", %s", skipped[j]->name);
		fprintf(stderr, ": %s\n", whys[i]);
	}
}

/*
 * all: every C strategy that can run here (skipping the others with a
 * note) but those that run only by name; py-all: every Python strategy.
 */
static bool expand_strategy_group(const struct pb_options *opts, const char *name, FILE *out)
{
	bool python = strcmp(name, "py-all") == 0;
	const struct pb_strategy *skipped[64];
	const char *whys[64];
	size_t nskipped = 0;

	if (!python && strcmp(name, "all") != 0)
		return false;
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++) {
		const char *why;

		if ((*s)->python != python || (*s)->by_name_only)
			continue;
		if ((why = strategy_unavailable(opts, *s))) {
			if (nskipped < sizeof(skipped) / sizeof(skipped[0])) {
				skipped[nskipped] = *s;
				whys[nskipped++] = why;
			}
			continue;
		}
		fprintf(out, ",%s", (*s)->name);
	}
	note_skipped(skipped, whys, nskipped);
	return true;
}

/* A strategy named on its own that cannot run here is refused (groups skipped it). */
static int check_available(const struct pb_options *opts, const char *text, char *err,
			   size_t errlen)
{
	for (size_t i = 0; i < opts->nstrategies; i++) {
		const struct pb_strategy *s = opts->strategies[i];
		const char *why = strategy_unavailable(opts, s);

		if (why)
			return pb_error(err, errlen, "--strategy '%s': %s is unavailable here: %s; "
					"allowed: the strategies `parbench list` does not mark "
					"unavailable", text, s->name, why);
	}
	return 0;
}

int pb_select_workloads(struct pb_options *opts, const char *text, char *err, size_t errlen)
{
	char *names = expand_groups(opts, text, expand_kind);
	int rc = resolve_names("--workload", names ? names : text,
			       "all, cpu, mem, io, plugin:PATH.so", (const void *const *)pb_workloads,
			       workload_name, find_workload,
			       (const void ***)&opts->workloads, &opts->nworkloads, err, errlen);

	free(names);
	return rc;
}

int pb_select_strategies(struct pb_options *opts, const char *text, char *err, size_t errlen)
{
	char *names = expand_groups(opts, text, expand_strategy_group);
	int rc;

	if (names && !*names) {		/* groups whose members all were skipped */
		free(names);
		opts->strategies = calloc(1, sizeof(*opts->strategies));
		return opts->strategies ? 0 : pb_error(err, errlen, "out of memory");
	}
	rc = resolve_names("--strategy", names ? names : text, "all, py-all",
			   (const void *const *)pb_strategies, strategy_name, find_strategy,
			   (const void ***)&opts->strategies, &opts->nstrategies, err, errlen);
	free(names);
	return rc ? rc : check_available(opts, text, err, errlen);
}

/* The baseline of Python strategies (python = true) or of the C ones. */
const struct pb_strategy *pb_select_baseline(bool python)
{
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++)
		if ((*s)->baseline && (*s)->python == python)
			return *s;
	return NULL;
}

static bool wants_python(const struct pb_options *opts)
{
	for (size_t i = 0; i < opts->nstrategies; i++)
		if (opts->strategies[i]->python)
			return true;
	return false;
}

/*
 * The baseline goes first, whether asked for or not: every other cell needs
 * it; with Python strategies, theirs next, the base of their speedups.
 */
int pb_select_baselines_first(struct pb_options *opts, char *err, size_t errlen)
{
	const struct pb_strategy *base = pb_select_baseline(false);
	const struct pb_strategy *py_base = pb_select_baseline(true);
	const struct pb_strategy **list;
	size_t n = 0;

	/* py-seq as the baseline: its checksum the reference, its time every speedup's base. */
	for (size_t i = 0; opts->python_baseline && i < opts->nstrategies; i++)
		if (!opts->strategies[i]->python)
			return pb_error(err, errlen, "--baseline '%s' with --strategy '%s'; allowed: "
					"py-* strategies only, or --baseline %s", py_base->name,
					opts->strategies[i]->name, base->name);
	if (!(list = calloc(opts->nstrategies + 2, sizeof(*list))))
		return pb_error(err, errlen, "out of memory");
	if (!opts->python_baseline)
		list[n++] = base;
	if (wants_python(opts))
		list[n++] = py_base;
	for (size_t i = 0; i < opts->nstrategies; i++)
		if (opts->strategies[i] != base && opts->strategies[i] != py_base)
			list[n++] = opts->strategies[i];
	free(opts->strategies);
	opts->strategies = list;
	opts->nstrategies = n;
	return 0;
}

/* The workloads without a Python version have no Python cells: say so. */
void pb_select_note_python(const struct pb_options *opts)
{
	bool any = false;

	if (!wants_python(opts))
		return;
	for (size_t i = 0; i < opts->nworkloads; i++)
		if (!pb_workload_has_python(opts->workloads[i], &opts->settings)) {
			fprintf(stderr, "%s%s", any ? ", " : "parbench run: the py-* strategies skip ",
				opts->workloads[i]->name);
			any = true;
		}
	if (any)
		fputs(": they have no Python version\n", stderr);
}

/* The workloads a strategy skips (opencl: those without a kernel): say so, one line each. */
void pb_select_note_skips(const struct pb_options *opts)
{
	for (size_t i = 0; i < opts->nstrategies; i++) {
		const struct pb_strategy *s = opts->strategies[i];
		const char *why = NULL, *sep = "";

		for (size_t j = 0; s->skips && j < opts->nworkloads; j++) {
			const char *skip = s->skips(opts->workloads[j]);

			if (!skip)
				continue;
			if (!why)
				fprintf(stderr, "parbench run: skipping %s for ", s->name);
			fprintf(stderr, "%s%s", sep, opts->workloads[j]->name);
			why = skip;
			sep = ", ";
		}
		if (why)
			fprintf(stderr, ": %s\n", why);
	}
}

/* The plan's strategies' ready checks, once per function (a family shares one). */
static int check_strategies_ready(const struct pb_options *opts, char *err, size_t errlen)
{
	for (size_t i = 0; i < opts->nstrategies; i++) {
		const struct pb_strategy *s = opts->strategies[i];
		bool seen = false;
		void *values;
		int rc;

		for (size_t j = 0; j < i && !seen; j++)
			seen = opts->strategies[j]->ready == s->ready;
		if (!s->ready || seen)
			continue;
		values = pb_options_of_strategy(opts, s);
		rc = s->ready(values, opts->workloads, opts->nworkloads, err, errlen);
		free(values);
		if (rc)
			return -1;
	}
	return 0;
}

/*
 * Each workload in the plan that checks its options before the run (a server
 * that answers), and each strategy (a function that its option names).
 */
int pb_select_check_ready(const struct pb_options *opts, char *err, size_t errlen)
{
	for (size_t i = 0; i < opts->nworkloads; i++) {
		const struct pb_workload *w = opts->workloads[i];
		char reason[512];
		void *values;
		int rc;

		if (!w->ready)
			continue;
		values = pb_options_new(w->options, w->options_size, &opts->settings, reason,
					sizeof(reason));
		rc = w->ready(values, err, errlen);
		free(values);
		if (rc)
			return -1;
	}
	return check_strategies_ready(opts, err, errlen);
}

