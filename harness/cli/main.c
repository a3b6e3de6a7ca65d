/* parbench: which concurrency strategy wins, for this work, on this machine? */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"
#include "cell/cell.h"
#include "cli/compare.h"
#include "cli/new_workload.h"
#include "http/http.h"
#include "machine/pin.h"
#include "machine/slurm.h"
#include "cli/plugins.h"
#include "cli/selection.h"
#include "strategies/strategy.h"
#include "supervisor/supervisor.h"
#include "util/error.h"
#include "util/version.h"

static const char main_help[] =
	"usage: parbench COMMAND [options]\n"
	"\n"
	"Runs the same workloads under several concurrency strategies, checks that\n"
	"every strategy computed the same result, and writes CSV files.\n"
	"\n"
	"commands:\n"
	"  run      run workloads x strategies x worker counts (parbench run --help)\n"
	"  list     the workloads, strategies and pin policies (-w plugin:PATH.so: a plugin)\n"
	"  topo     the machine's topology as the run sees it\n"
	"  serve    io.http's HTTP server, alone, in the foreground\n"
	"  compare  two runs' common cells: faster, slower or no significant change\n"
	"  new-workload NAME\n"
	"           write NAME.c, a workload plugin to fill in, and its build command\n"
	"  slurm-hostfile\n"
	"           in a Slurm job: an Open MPI host file of its nodes, for --hostfile\n"
	"\n"
	"  -h, --help      this help\n"
	"  -V, --version   the version\n";

static int is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static int is_version(const char *arg)
{
	return strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0;
}

/* list, topo and slurm-hostfile take no options but --help and --version. */
static int simple_command_args(const char *command, const char *help, int argc, char **argv)
{
	if (argc == 1)
		return -1;
	if (argc == 2 && is_help(argv[1])) {
		fputs(help, stdout);
		return 0;
	}
	if (argc == 2 && is_version(argv[1])) {
		puts("parbench " PB_VERSION);
		return 0;
	}
	fprintf(stderr, "parbench %s: '%s' is not an option; allowed: --help, --version\n",
		command, argv[1]);
	return 2;
}

/* The notes of the strategies' families (the interpreter of the Python ones), once each. */
static void describe_families(void)
{
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++) {
		bool seen = false;

		for (const struct pb_strategy *const *t = pb_strategies; t < s && !seen; t++)
			seen = (*t)->describe == (*s)->describe;
		if ((*s)->describe && !seen)
			(*s)->describe(stdout);
	}
}

static const char list_help[] =
	"usage: parbench list [-w WORKLOADS]\n\n"
	"Prints the workloads, the strategies and the pin policies.  With -w, only\n"
	"the workloads named (comma-separated: built-in names, plugin:PATH.so), each\n"
	"with its options and the form of its tasks.\n";

static void print_workload(const struct pb_workload *w)
{
	printf("  %-12s %-4s %s\n  %-12s      %llu tasks x %llu %s\n", w->name,
	       pb_kind_name(w->kind), w->summary, "", (unsigned long long)w->default_tasks,
	       (unsigned long long)w->default_size, w->size_unit);
}

static void print_workload_in_full(const struct pb_workload *w)
{
	print_workload(w);
	if (w->plugin)
		printf("  %-12s      from %s\n", "", pb_workload_plugin_path(w));
	printf("  %-12s      %s\n", "", w->start_task ?
	       "non-blocking form: the event loops keep many tasks waiting at once" :
	       "no non-blocking form: the event loops run its tasks inline");
	for (const struct pb_option *o = w->options; o && o->name; o++)
		pb_option_help(o, stdout);
}

/*
 * `parbench list -w LIST`: each workload in full, or 2 and nothing for a
 * list `parbench run -w` would refuse (groups such as cpu and plugins too).
 */
static int list_workloads(const char *list)
{
	struct pb_options opts = { 0 };
	char why[1024], admit[1024];
	int rc = pb_select_workloads(&opts, list, why, sizeof(why));

	/* A plugin whose options `parbench run` would refuse is refused here too. */
	for (size_t i = 0; !rc && i < opts.nworkloads; i++)
		if (opts.workloads[i]->plugin &&
		    (rc = pb_plugins_admit(opts.workloads[i], admit, sizeof(admit))))
			pb_error(why, sizeof(why), "--workload '%s': %s",
				 opts.workloads[i]->plugin, admit);
	if (rc) {
		fprintf(stderr, "parbench list: %s\n", why);
		free(opts.workloads);
		return 2;
	}
	puts("workloads (default tasks x size):");
	for (size_t i = 0; i < opts.nworkloads; i++)
		print_workload_in_full(opts.workloads[i]);
	free(opts.workloads);
	return 0;
}

static int list_main(int argc, char **argv)
{
	int rc;

	if (argc == 3 && (!strcmp(argv[1], "-w") || !strcmp(argv[1], "--workload")))
		return list_workloads(argv[2]);
	rc = simple_command_args("list", list_help, argc, argv);
	if (rc >= 0)
		return rc;
	puts("workloads (default tasks x size):");
	for (const struct pb_workload *const *w = pb_workloads; *w; w++)
		print_workload(*w);
	puts("\nstrategies:");
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++) {
		const char *why = pb_strategy_unavailable(*s, NULL);

		printf("  %-20s %s\n", (*s)->name, (*s)->summary);
		if ((*s)->by_name_only)
			printf("  %-20s only by name: not in -s all\n", "");
		if (why)
			printf("  %-20s unavailable here: %s\n", "", why);
	}
	describe_families();
	puts("\npin policies (--pin):\n"
	     "  none                 the OS places the workers\n"
	     "  compact              worker i on PU i (wrapping)\n"
	     "  scatter              workers spread over packages and cores (hwloc_distrib)\n"
	     "  pu:LIST              worker i on the i-th PU of LIST, such as pu:0-3,6");
	return 0;
}

static int topo_main(int argc, char **argv)
{
	hwloc_topology_t topology;
	char why[256];
	int rc = simple_command_args("topo", "usage: parbench topo\n\n"
				     "Prints the topology parbench runs on: packages, cores, PUs,\n"
				     "NUMA nodes and caches, and the PU numbers --pin pu:LIST takes.\n",
				     argc, argv);

	if (rc >= 0)
		return rc;
	if (pb_topology_load(&topology, why, sizeof(why))) {
		fprintf(stderr, "parbench topo: %s\n", why);
		return 1;
	}
	pb_topology_print(topology, stdout);
	hwloc_topology_destroy(topology);
	return 0;
}

static const char slurm_hostfile_help[] =
	"usage: parbench slurm-hostfile > FILE\n\n"
	"In a Slurm job (sbatch, salloc), prints an Open MPI host file of the job's\n"
	"nodes for parbench run -s mpi --hostfile FILE: \"node01 slots=4\" a line,\n"
	"slots being the node's tasks (SLURM_TASKS_PER_NODE) when the job asked for\n"
	"tasks (SLURM_NTASKS is set), else its CPUs (SLURM_JOB_CPUS_PER_NODE).\n"
	"Outside a job, or with a variable it needs unset or malformed, it prints\n"
	"nothing and exits 2.\n";

static int slurm_hostfile_main(int argc, char **argv)
{
	struct pb_slurm job;
	char why[512];
	int rc = simple_command_args("slurm-hostfile", slurm_hostfile_help, argc, argv);

	if (rc >= 0)
		return rc;
	pb_slurm_read(&job);
	rc = pb_slurm_hostfile(&job, stdout, why, sizeof(why));
	pb_slurm_free(&job);
	if (rc) {
		fprintf(stderr, "parbench slurm-hostfile: %s\n", why);
		return 2;
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("parbench slurm-hostfile: standard output");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* A malformed plugin is a bug: refuse every command until it is fixed. */
	if (pb_plugins_check())
		return 1;
	if (argc < 2) {
		fputs(main_help, stderr);
		return 2;
	}
	if (is_help(argv[1])) {
		fputs(main_help, stdout);
		return 0;
	}
	if (is_version(argv[1])) {
		puts("parbench " PB_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "run") == 0)
		return pb_run_main(argc - 1, argv + 1, argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return list_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "topo") == 0)
		return topo_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0)
		return pb_serve_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "compare") == 0)
		return pb_compare_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "new-workload") == 0)
		return pb_new_workload_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "slurm-hostfile") == 0)
		return slurm_hostfile_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "__cell") == 0)
		return pb_cell_main(argc, argv);
	fprintf(stderr, "parbench: '%s' is not a command; allowed: run, list, topo, serve, "
		"compare, new-workload, slurm-hostfile\n", argv[1]);
	return 2;
}
