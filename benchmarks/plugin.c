/*
 * Workload plugins: a shared object that exports `parbench_workload`
 * (parbench_workload.h), opened with dlopen() and turned into the struct
 * pb_workload every other part of parbench reads.  The supervisor and each
 * cell open it alike; only the cells call its functions.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"
#include "util/error.h"

/* What a plugin must be, for the end of every error line. */
#define ALLOWED_PLUGIN "allowed: a shared object that defines PARBENCH_WORKLOAD " \
	"(benchmarks/parbench_workload.h; parbench new-workload NAME writes one)"

/* The plugins opened so far, in order, each under its canonical path. */
struct opened {
	char *real;
	struct pb_workload *workload;
};

static struct opened *opened;
static size_t nopened;

static const enum pb_option_type option_types[] = {
	[PARBENCH_OPTION_UINT] = PB_OPTION_UINT,
	[PARBENCH_OPTION_SECONDS] = PB_OPTION_SECONDS,
	[PARBENCH_OPTION_FLAG] = PB_OPTION_FLAG,
	[PARBENCH_OPTION_TEXT] = PB_OPTION_TEXT,
};

/* The plugin's option table as parbench's own: a malloc'd copy, or NULL with why. */
static struct pb_option *convert_options(const struct parbench_option *from, char *why,
					 size_t whylen)
{
	size_t n = 0;
	struct pb_option *to;

	while (from[n].name)
		n++;
	if (!(to = calloc(n + 1, sizeof(*to)))) {
		pb_error(why, whylen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct parbench_option *o = &from[i];

		if ((unsigned)o->type >= sizeof(option_types) / sizeof(option_types[0])) {
			pb_error(why, whylen, "its option --%s has type %u, which is none of "
				 "PARBENCH_OPTION_UINT, _SECONDS, _FLAG, _TEXT", o->name,
				 (unsigned)o->type);
			free(to);
			return NULL;
		}
		to[i] = (struct pb_option){
			.name = o->name, .type = option_types[o->type], .offset = o->offset,
			.metavar = o->metavar, .def = o->def, .min = o->min, .max = o->max,
			.help = o->help, .allowed = o->allowed,
		};
	}
	return to;
}

/* NULL when name may name a workload in CSV files and on the command line, else why not. */
static const char *name_problem(const char *name)
{
	if (!name || !*name)
		return "it has no name";
	if (strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
	    strlen(name))
		return "its name has a character other than letters, digits, '.', '_', '-'";
	if (pb_workload_find(name))
		return "its name is a built-in workload's";
	for (size_t i = 0; i < nopened; i++)
		if (strcmp(opened[i].workload->name, name) == 0)
			return "its name is another plugin's of this run";
	return NULL;
}

/* The descriptor d of the plugin at path, as a workload: malloc'd, or NULL with why. */
static struct pb_workload *convert(const struct parbench_workload *d, const char *path,
				   char *why, size_t whylen)
{
	struct pb_workload *w = calloc(1, sizeof(*w));
	char *plugin = malloc(strlen(PB_PLUGIN_PREFIX) + strlen(path) + 1);
	const char *problem;

	if (!w || !plugin) {
		free(w);
		free(plugin);
		pb_error(why, whylen, "out of memory");
		return NULL;
	}
	strcat(strcpy(plugin, PB_PLUGIN_PREFIX), path);
	*w = (struct pb_workload){
		.name = d->name, .plugin = plugin, .kind = d->kind, .summary = d->summary,
		.default_tasks = d->default_tasks, .default_size = d->default_size,
		.size_unit = d->size_unit, .bytes_per_unit = d->bytes_per_unit,
		.setup = d->setup, .teardown = d->teardown,
		/* Without the blocking form, parbench drives the non-blocking one. */
		.run_task = d->run_task ? d->run_task : d->start_task ? pb_run_steps : NULL,
		.task_state_size = d->task_state_size,
		.start_task = d->start_task, .resume_task = d->resume_task,
		.options_size = d->options_size,
	};
	if ((problem = name_problem(d->name)))
		pb_error(why, whylen, "%s ('%s')", problem, d->name ? d->name : "");
	else if ((unsigned)d->kind > PB_KIND_IO)
		pb_error(why, whylen, "its kind is %u, which is none of PB_KIND_CPU, _MEM, _IO",
			 (unsigned)d->kind);
	else if (!d->run_task && !d->start_task)
		pb_error(why, whylen, "it has no run_task and no start_task");
	else if (d->options && !(w->options = convert_options(d->options, why, whylen)))
		;
	else if ((problem = pb_workload_check(w)) || (problem = pb_option_table_check(
			     w->options, w->options_size)))
		pb_error(why, whylen, "%s", problem);
	else
		return w;
	free((void *)w->options);
	free(plugin);
	free(w);
	return NULL;
}

/*
 * Opens the plugin at real (a canonical path) and reads its descriptor: its
 * workload, or NULL with why.
 */
static struct pb_workload *open_plugin(const char *real, char *why, size_t whylen)
{
	const struct parbench_workload *d;
	struct pb_workload *w;
	char problem[400];
	void *handle;

	/* RTLD_NOW: a symbol it lacks is an error now, not a crash in a task. */
	if (!(handle = dlopen(real, RTLD_NOW | RTLD_LOCAL))) {
		pb_error(why, whylen, "%s; %s", dlerror(), ALLOWED_PLUGIN);
		return NULL;
	}
	if (!(d = dlsym(handle, "parbench_workload"))) {
		pb_error(why, whylen, "it does not export parbench_workload; %s", ALLOWED_PLUGIN);
		dlclose(handle);
		return NULL;
	}
	if (d->abi != PARBENCH_WORKLOAD_ABI) {
		pb_error(why, whylen, "its ABI version is %u, this parbench's is %u; allowed: the "
			 "plugin rebuilt against this parbench's benchmarks/parbench_workload.h",
			 d->abi, PARBENCH_WORKLOAD_ABI);
		dlclose(handle);
		return NULL;
	}
	/* Kept open to the end: the workload points into it. */
	if (!(w = convert(d, real, problem, sizeof(problem)))) {
		pb_error(why, whylen, "%s; allowed: a descriptor as benchmarks/parbench_workload.h "
			 "describes it", problem);
		dlclose(handle);
	}
	return w;
}

const struct pb_workload *pb_workload_resolve(const char *name, char *why, size_t whylen)
{
	char real[PATH_MAX], *copy;
	struct opened *grown;
	struct pb_workload *w;

	if (strncmp(name, PB_PLUGIN_PREFIX, strlen(PB_PLUGIN_PREFIX)) != 0) {
		if (whylen)
			*why = '\0';
		return pb_workload_find(name);
	}
	if (!realpath(name + strlen(PB_PLUGIN_PREFIX), real)) {
		pb_error(why, whylen, "%s; %s", strerror(errno), ALLOWED_PLUGIN);
		return NULL;
	}
	for (size_t i = 0; i < nopened; i++)
		if (strcmp(opened[i].real, real) == 0)
			return opened[i].workload;
	if (!(w = open_plugin(real, why, whylen)))
		return NULL;
	copy = strdup(real);
	grown = copy ? realloc(opened, (nopened + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(copy);
		pb_error(why, whylen, "out of memory");
		return NULL;
	}
	opened = grown;
	opened[nopened++] = (struct opened){ copy, w };
	return w;
}

const struct pb_workload *pb_plugin_workload(size_t i)
{
	return i < nopened ? opened[i].workload : NULL;
}
