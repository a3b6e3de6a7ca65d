/*
 * `parbench new-workload NAME`: a user's first step to running their own
 * work under every strategy.  Writes NAME.c in the current directory, a
 * skeleton plugin that builds and runs as it is (a placeholder computation
 * to replace), and prints the one-line build command, with the directory of
 * parbench_workload.h found beside this program, and the run command.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/new_workload.h"
#include "util/proc.h"
#include "util/version.h"

#define NAME_MAX_LEN 64
#define HEADER "parbench_workload.h"

static const char new_workload_help[] =
	"usage: parbench new-workload NAME\n"
	"\n"
	"Writes NAME.c in the current directory: a commented skeleton of a workload\n"
	"plugin (its descriptor, its task, where setup, teardown, options and the\n"
	"non-blocking form go), which builds and runs as it is.  Prints the command\n"
	"that builds NAME.so and the one that runs it under every strategy.  NAME is\n"
	"1 to 64 letters, digits, '_' and '-'; an existing NAME.c is left alone.\n"
	"docs/plugins.md explains the plugin interface.\n"
	"\n"
	"  -h, --help      this help\n"
	"  -V, --version   the version\n";

/*
 * The skeleton; @NAME@ becomes the name, @BUILD@ the build command.  It must
 * compile warning-free with -Wall -Wextra and run as it is
 * (tests/e2e/test_new_workload.py checks both).
 */
static const char skeleton[] =
	"/*\n"
	" * @NAME@: a parbench workload plugin (written by `parbench new-workload @NAME@`).\n"
	" *\n"
	" * Build it, then run it under every strategy:\n"
	" *\n"
	" *\t@BUILD@\n"
	" *\tparbench run -w plugin:./@NAME@.so -s all -n 1,2\n"
	" *\n"
	" * parbench calls run_one_task() for tasks 0 .. tasks-1 under each strategy\n"
	" * (threads, processes, OpenMP, event loops, ...), each in a fresh process,\n"
	" * and checks that every strategy's checksum equals seq's.  Every field is\n"
	" * documented in parbench_workload.h; docs/plugins.md walks through them.\n"
	" */\n"
	"#include <stdint.h>\n"
	"\n"
	"#include \"parbench_workload.h\"\n"
	"\n"
	"/*\n"
	" * One task: replace the placeholder loop with your work.\n"
	" *   - Its result must depend on (task, job->size, your options) only, never\n"
	" *     on the thread, process or order that runs it.\n"
	" *   - It is called from many threads and processes at once: write to no\n"
	" *     shared memory without a lock.\n"
	" *   - Return a checksum of what it computed: that proves every strategy did\n"
	" *     the same work, and keeps the compiler from deleting it.\n"
	" *   - On an error, return pb_task_fail(an errno value): the cell becomes an\n"
	" *     error row.\n"
	" */\n"
	"static uint64_t run_one_task(const struct pb_job *job, uint64_t task)\n"
	"{\n"
	"\tuint64_t x = task;\n"
	"\n"
	"\t/* Placeholder work: job->size steps of a 64-bit linear congruential generator. */\n"
	"\tfor (uint64_t i = 0; i < job->size; i++)\n"
	"\t\tx = x * 6364136223846793005ULL + 1442695040888963407ULL;\n"
	"\treturn pb_mix64(x);\t/* parbench's mixer: every bit of x counts */\n"
	"}\n"
	"\n"
	"/*\n"
	" * Optional: setup() runs once in each cell process, before the timed tasks,\n"
	" * and teardown() after them: prepare what the tasks share and only read (a\n"
	" * table, a buffer, a file) and keep it in job->state.  To use them, add\n"
	" * #include <errno.h> and <stdlib.h>, uncomment both, and set .setup and\n"
	" * .teardown below.\n"
	" *\n"
	" * static int setup(struct pb_job *job)\n"
	" * {\n"
	" *\tjob->state = calloc(job->size, sizeof(double));\n"
	" *\treturn job->state ? 0 : -ENOMEM;\t// 0, or a negative errno value\n"
	" * }\n"
	" *\n"
	" * static void teardown(struct pb_job *job)\n"
	" * {\n"
	" *\tfree(job->state);\n"
	" * }\n"
	" */\n"
	"\n"
	"/* The one symbol parbench looks for: the descriptor, last in the file. */\n"
	"PARBENCH_WORKLOAD = {\n"
	"\t.abi = PARBENCH_WORKLOAD_ABI,\t/* the header's version: parbench refuses another */\n"
	"\t.name = \"@NAME@\",\t\t/* in tables and files: letters, digits, '.', '_', '-' */\n"
	"\t.kind = PB_KIND_CPU,\t\t/* PB_KIND_CPU, PB_KIND_MEM or PB_KIND_IO: how results group */\n"
	"\t.summary = \"@NAME@: my own work\",\t/* one line for `parbench list` */\n"
	"\t.default_tasks = 16,\t\t/* the tasks of a run without --tasks */\n"
	"\t.default_size = 1000000,\t/* the units of work of a task without --size */\n"
	"\t.size_unit = \"iterations\",\t/* what one unit of --size is */\n"
	"\t.bytes_per_unit = 0,\t\t/* PB_KIND_MEM: bytes moved per unit, for GB/s; 0: none */\n"
	"\t.setup = NULL,\t\t\t/* optional, with teardown: see above */\n"
	"\t.teardown = NULL,\t\t/* optional: frees what setup made */\n"
	"\t.run_task = run_one_task,\t/* the task, blocking; NULL only with the form below */\n"
	"\t/*\n"
	"\t * Optional: the non-blocking form, for work that waits (sockets, files,\n"
	"\t * timers), which event loops then run many tasks of at once; without it\n"
	"\t * they call run_task inline.  See benchmarks/plugins/http_get.c.\n"
	"\t */\n"
	"\t.task_state_size = 0,\t\t/* bytes of state each task in flight gets, zeroed */\n"
	"\t.start_task = NULL,\t\t/* a task's first step: what it waits for next */\n"
	"\t.resume_task = NULL,\t\t/* each later step, once that wait is over */\n"
	"\t/* Optional: options of your own, --NAME VALUE (see benchmarks/plugins/http_get.c). */\n"
	"\t.options = NULL,\t\t/* a table of struct parbench_option, ended by { 0 } */\n"
	"\t.options_size = 0,\t\t/* the size of the struct the table fills */\n"
	"};\n";

static bool is_name(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > NAME_MAX_LEN)
		return false;
	for (const char *c = name; *c; c++)
		if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') ||
		      ('0' <= *c && *c <= '9') || *c == '_' || *c == '-'))
			return false;
	return true;
}

/* -1: go on with argv[1] as the name; else the exit status. */
static int parse_args(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(new_workload_help, stdout);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
		puts("parbench " PB_VERSION);
		return 0;
	}
	if (argc < 2) {
		fputs(new_workload_help, stderr);
		return 2;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "parbench new-workload: '%s' is not an option; allowed: --help, "
			"--version\n",
			argv[1]);
		return 2;
	}
	if (argc > 2) {
		fprintf(stderr, "parbench new-workload: '%s' is one name too many; allowed: one "
			"NAME\n", argv[2]);
		return 2;
	}
	if (!is_name(argv[1])) {
		fprintf(stderr, "parbench new-workload: '%s' is not a workload name; allowed: 1 "
			"to %d letters, digits, '_' and '-'\n", argv[1], NAME_MAX_LEN);
		return 2;
	}
	return -1;
}

/*
 * The absolute directory of parbench_workload.h into dir (PATH_MAX bytes):
 * 0, or -1 when the program has no sources beside it (pb_proc_source_file).
 */
static int find_header_dir(char *dir)
{
	char header[PATH_MAX];

	if (pb_proc_source_file("benchmarks/" HEADER, header, sizeof(header)) ||
	    !realpath(header, dir))
		return -1;
	*strrchr(dir, '/') = '\0';
	return 0;
}

/* The skeleton with its @WORDS@ filled in: 0, or -1 on a write error. */
static int write_skeleton(FILE *f, const char *name, const char *build)
{
	const char *const words[][2] = { { "@NAME@", name }, { "@BUILD@", build } };
	const size_t n_words = sizeof(words) / sizeof(words[0]);

	for (const char *p = skeleton; *p;) {
		size_t i = 0;

		while (i < n_words && strncmp(p, words[i][0], strlen(words[i][0])) != 0)
			i++;
		if (i == n_words) {
			putc(*p++, f);
			continue;
		}
		fputs(words[i][1], f);
		p += strlen(words[i][0]);
	}
	return ferror(f) ? -1 : 0;
}

/*
 * Creates NAME.c, never over an existing file: 0, 1 after a system error
 * (nothing left behind), or 2 when it exists.
 */
static int create_source(const char *file, const char *name, const char *build)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	FILE *f;
	int rc;

	if (fd < 0 && errno == EEXIST) {
		fprintf(stderr, "parbench new-workload: '%s' exists already; allowed: a NAME whose "
			"NAME.c is not in this directory (remove or rename it)\n", file);
		return 2;
	}
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "parbench new-workload: cannot create '%s': %s\n", file,
			strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(file);
		}
		return 1;
	}
	rc = write_skeleton(f, name, build);
	if (fclose(f) || rc) {
		fprintf(stderr, "parbench new-workload: cannot write '%s': %s\n", file,
			strerror(errno));
		unlink(file);
		return 1;
	}
	return 0;
}

int pb_new_workload_main(int argc, char **argv)
{
	char file[NAME_MAX_LEN + 3], include[PATH_MAX], build[2 * PATH_MAX], self[PATH_MAX];
	const char *name;
	bool found;
	int rc = parse_args(argc, argv);

	if (rc >= 0)
		return rc;
	name = argv[1];
	snprintf(file, sizeof(file), "%s.c", name);
	found = find_header_dir(include) == 0;
	snprintf(build, sizeof(build), "cc -O2 -shared -fPIC -Wall -Wextra -I %s %s -o %s.so",
		 found ? include : "PARBENCH/benchmarks", file, name);
	if ((rc = create_source(file, name, build)))
		return rc;
	if (!realpath("/proc/self/exe", self))
		snprintf(self, sizeof(self), "parbench");
	printf("wrote %s: a workload plugin with a placeholder task to replace\n", file);
	printf("build: %s\n", build);
	printf("run:   %s run -w plugin:./%s.so -s all -n 1,2\n", self, name);
	if (!found)
		fprintf(stderr, "parbench new-workload: " HEADER " is not in benchmarks/ beside "
			"%s nor two levels up: replace PARBENCH/benchmarks in the build command "
			"with the directory of parbench's sources that holds it\n", self);
	return 0;
}
