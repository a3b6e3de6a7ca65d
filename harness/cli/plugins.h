/*
 * The workloads' and strategies' options seen together: `parbench run`
 * makes a --NAME of each, its help is generated from them, and the
 * registries are checked once at start-up (as fio's check_engine_ops).
 */
#ifndef PARBENCH_PLUGINS_H
#define PARBENCH_PLUGINS_H

#include <stddef.h>
#include <stdio.h>

#include "strategies/strategy.h"
#include "workload.h"

/* An option of the command line: its first declaration in the registries. */
struct pb_plugin_option {
	const struct pb_option *option;
	size_t values_size;		/* of the struct of the plugin that declares it */
};

/* Every option, each name once, in registry order; n of them. */
const struct pb_plugin_option *pb_plugin_options(size_t *n);

/*
 * Checks every workload, strategy and option table, and that options that
 * share a name agree.  Prints each problem on stderr; 0, or 1 when any.
 */
int pb_plugins_check(void);

/*
 * Whether a workload plugin just opened may join the registries: its
 * options are no harness option and agree with the registries' options of
 * the same name.  0, or -1 with the error line's end in why.
 */
int pb_plugins_admit(const struct pb_workload *w, char *why, size_t whylen);

/* The plugins' part of `parbench run --help`: their options, under the plugins that read them. */
void pb_plugins_help(FILE *out);

#endif
