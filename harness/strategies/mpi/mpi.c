/*
 * mpi, mpi-static: the job as one Open MPI job of N ranks, started with
 * mpirun in every repetition.  The ranks run parbench-mpi-rank
 * (harness/strategies/mpi/mpi_rank.c, built with mpicc beside parbench, which itself does
 * not link libmpi); rank 0 prints every task's checksum and times, the PUs
 * and the host (gethostname: raw.csv's hosts) of every rank, the reduced
 * checksum and the work's time on its standard output, which mpirun hands
 * to this cell.  wall_s therefore includes the launch, as one job costs a
 * user; work_s is the work alone, from the barrier to the reduction,
 * measured by rank 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strategies/mpi/mpi_report.h"
#include "machine/pin.h"
#include "strategies/strategy.h"
#include "util/proc.h"

/* mpirun beside the mpicc the rank program was built with; "": built without Open MPI. */
#ifdef PB_MPIRUN
static const char mpirun[] = PB_MPIRUN;
#else
static const char mpirun[] = "";
#endif

/* parbench-mpi-rank beside this program: 0, or -1 when the path does not fit. */
static int rank_program(char *path, size_t len)
{
	return pb_proc_beside_self(PB_MPI_RANK_PROGRAM, path, len);
}

/* The mpi strategies' options. */
struct mpi_options {
	const char *hostfile;		/* the hosts mpirun starts ranks on; NULL: this one */
};

/* mpirun reads it in every cell: it must be a file we can read now. */
static int check_hostfile(const char *path, char *why, size_t whylen)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "not a file");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static const struct pb_option mpi_options[] = {
	{ .name = "hostfile", .type = PB_OPTION_TEXT, .metavar = "FILE",
	  .offset = offsetof(struct mpi_options, hostfile), .check = check_hostfile,
	  .help = "the hosts mpirun starts the ranks on (default: this machine)",
	  .allowed = "a readable file of hosts, one a line (HOST slots=N)" },
	{ 0 },
};

static const char *mpi_unavailable(const void *options)
{
	static char why[PATH_MAX + 128];
	char path[PATH_MAX];

	(void)options;
	if (!*mpirun)
		return "built without Open MPI (mpicc not found): install libopenmpi-dev "
		       "openmpi-bin (bash scripts/install-deps.sh) and rebuild";
	if (access(mpirun, X_OK) < 0)
		snprintf(why, sizeof(why), "%s: %s: install openmpi-bin (bash "
			 "scripts/install-deps.sh)", mpirun, strerror(errno));
	else if (rank_program(path, sizeof(path)) < 0 || access(path, X_OK) < 0)
		snprintf(why, sizeof(why), "%s: %s: rebuild parbench with make", path,
			 strerror(errno));
	else
		return NULL;
	return why;
}

struct args {
	const char *v[24];		/* 17 at most, and the NULL */
	unsigned n;
	char ranks[16], tasks[24], size[24];
};

static void add(struct args *a, const char *arg)
{
	a->v[a->n++] = arg;
}

/*
 * --pin as mpirun binds: compact puts rank i on PU i of its host, wrapping,
 * as parbench's compact does; scatter spreads the ranks over packages, a
 * core each.  mpirun 4.1 cannot say "rank i on PU j" for a list of logical
 * PUs on every host, so for pu:LIST the rank binds itself, as every other
 * strategy's workers do.  Returns the rank's own policy: none or pu:LIST.
 */
static const char *add_binding(struct args *a, const struct pb_pin *pin)
{
	switch (pin ? pin->policy : PB_PIN_NONE) {
	case PB_PIN_COMPACT:
		add(a, "--map-by");
		add(a, "hwthread");
		add(a, "--bind-to");
		add(a, "hwthread:overload-allowed");
		break;
	case PB_PIN_SCATTER:
		add(a, "--map-by");
		add(a, "socket");
		add(a, "--bind-to");
		add(a, "core:overload-allowed");
		break;
	case PB_PIN_LIST:
		add(a, "--bind-to");
		add(a, "none");
		return pin->spec;
	case PB_PIN_NONE:
		add(a, "--bind-to");
		add(a, "none");
		break;
	}
	return "none";
}

/* mpirun -n N --oversubscribe ... parbench-mpi-rank WORKLOAD TASKS SIZE STRATEGY BIND */
static void make_args(struct args *a, const struct pb_run *run, const char *strategy,
		      const char *rank)
{
	const struct mpi_options *o = run->options;
	const char *bind;

	snprintf(a->ranks, sizeof(a->ranks), "%u", run->workers);
	snprintf(a->tasks, sizeof(a->tasks), "%" PRIu64, run->job->tasks);
	snprintf(a->size, sizeof(a->size), "%" PRIu64, run->job->size);
	a->n = 0;
	add(a, mpirun);
	add(a, "-n");
	add(a, a->ranks);
	/* Always: more ranks than PUs (or than a host file's slots) are the user's choice. */
	add(a, "--oversubscribe");
	if (o->hostfile) {
		add(a, "--hostfile");
		add(a, o->hostfile);
	}
	if (getenv("PARBENCH_FAULT")) {
		add(a, "-x");
		add(a, "PARBENCH_FAULT");
	}
	bind = add_binding(a, run->pin);
	add(a, rank);
	add(a, pb_workload_spec(run->job->workload));
	add(a, a->tasks);
	add(a, a->size);
	add(a, strategy);
	add(a, bind);
	a->v[a->n] = NULL;
}

/* In the child, before the exec of mpirun: its stderr to the file *err_fd. */
static int prepare_mpirun(void *err_fd)
{
	if (dup2(*(const int *)err_fd, STDERR_FILENO) < 0)
		return -errno;
	/* Open MPI refuses root unless told twice; containers run as root. */
	if (geteuid() == 0) {
		setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
		setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
	}
	return 0;
}

/* Adds a rank's host to run->hosts, after a ';': 0, or -1 out of memory. */
static int add_host(struct pb_run *run, const char *host)
{
	size_t used = run->hosts ? strlen(run->hosts) : 0, len = strlen(host) + 2;
	char *hosts = realloc(run->hosts, used + len);

	if (!hosts)
		return -1;
	snprintf(hosts + used, len, "%s%s", used ? ";" : "", host);
	run->hosts = hosts;
	return 0;
}

/*
 * One "rank R BIND_ERRNO CPUS HOST" line into the worker records and the
 * hosts; rank 0 prints them in rank order, as the cpus column has them.
 */
static int take_rank(struct pb_run *run, const char *line)
{
	char cpus[1024], host[PB_MPI_HOST_MAX], *save = NULL;
	unsigned r;
	int err;

	if (sscanf(line, PB_MPI_RANK_SCN, &r, &err, cpus, host) != 4 || r >= run->workers ||
	    add_host(run, host))
		return -1;
	run->shared->workers[r].bind_errno = err;
	if (!strcmp(cpus, "-"))
		return 0;
	for (char *cpu = strtok_r(cpus, ",", &save); cpu; cpu = strtok_r(NULL, ",", &save)) {
		unsigned long os = strtoul(cpu, NULL, 10);

		if (os >= CPU_SETSIZE)
			return -1;
		CPU_SET(os, &run->shared->workers[r].seen);
	}
	return 0;
}

/*
 * One "task T CHECKSUM START END ERROR" line into the task records.  Only
 * durations count (latency), and every rank has its own clock: its times
 * are placed as if the barrier had been at `barrier_ns` on ours.
 */
static int take_task(struct pb_run *run, const char *line, int64_t barrier_ns)
{
	uint64_t task, checksum, start, end;
	int err;

	if (sscanf(line, PB_MPI_TASK_SCN, &task, &checksum, &start, &end, &err) != 5 ||
	    task >= run->job->tasks || end < start)
		return -1;
	run->shared->tasks[task] = (struct pb_task_record){
		.checksum = checksum,
		.start_ns = barrier_ns + (int64_t)start,
		.end_ns = barrier_ns + (int64_t)end,
		.error = err,
	};
	return 0;
}

static uint64_t tasks_checksum(const struct pb_run *run)
{
	uint64_t sum = 0;

	for (uint64_t t = 0; t < run->job->tasks; t++)
		sum = pb_checksum_fold(sum, t, run->shared->tasks[t].checksum);
	return sum;
}

/*
 * Reads rank 0's report to its end (mpirun must not block on a full pipe),
 * filling the records: 0, or -1 with why.
 */
static int read_report(struct pb_run *run, FILE *in, char *why, size_t whylen)
{
	uint64_t tasks, checksum, work_ns;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int64_t barrier_ns = 0;
	unsigned ranks;
	enum { HEAD, BODY, END } at = HEAD;

	why[0] = '\0';
	while ((len = getline(&line, &cap, in)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (why[0])
			continue;
		if (at == HEAD && sscanf(line, PB_MPI_HEAD_SCN, &ranks, &tasks, &checksum,
					 &work_ns) == 4 && ranks == run->workers &&
		    tasks == run->job->tasks) {
			run->work_s = (double)work_ns / 1e9;
			barrier_ns = pb_now_ns() - (int64_t)work_ns;
			at = BODY;
		} else if (at == BODY && !strcmp(line, PB_MPI_END)) {
			at = END;
		} else if (at != BODY ||
			   (take_rank(run, line) && take_task(run, line, barrier_ns))) {
			snprintf(why, whylen, "unexpected line from rank 0: %.80s", line);
		}
	}
	free(line);
	if (!why[0] && at != END)
		snprintf(why, whylen, "rank 0's report ended early");
	else if (!why[0] && tasks_checksum(run) != checksum)
		snprintf(why, whylen, "rank 0 reduced the checksum to %" PRIu64 ", but its tasks' "
			 "fold to %" PRIu64, checksum, tasks_checksum(run));
	return why[0] ? -1 : 0;
}

/* Appends line's words to text, one space apart. */
static void add_words(char *text, size_t len, char *line)
{
	char *save = NULL;
	size_t used = strlen(text);

	for (char *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		used += (size_t)snprintf(text + used, used < len ? len - used : 0, "%s%s",
					 used ? " " : "", w);
}

/*
 * What mpirun said of a failed job, in one line: the rank program's own
 * message, else mpirun's notice of how a rank ended, else its first boxed
 * message (between lines of dashes), else its last line.
 */
static void mpirun_says(int fd, char *says, size_t len)
{
	static const char own_text[] = PB_MPI_RANK_PROGRAM ": ";
	static const char notice_text[] = "mpirun noticed that ";
	char text[32768], boxed[256] = "", *save = NULL;
	const char *own = NULL, *notice = NULL, *last = NULL;
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	unsigned rules = 0;

	text[n > 0 ? n : 0] = '\0';
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!own && !strncmp(line, own_text, strlen(own_text)))
			own = line + strlen(own_text);
		else if (!notice && strstr(line, notice_text))
			notice = strstr(line, notice_text) + strlen(notice_text);
		else if (!line[strspn(line, "-")])
			rules++;
		else if (rules == 1)
			add_words(boxed, sizeof(boxed), line);
		else
			last = line;
	}
	snprintf(says, len, "%s", own ? own : notice ? notice : boxed[0] ? boxed :
		 last ? last : "no message");
}

static int mpirun_failed(struct pb_run *run, int status, int err_fd)
{
	char says[200], how[64];

	mpirun_says(err_fd, says, sizeof(says));
	pb_proc_describe_exit(status, how, sizeof(how));
	return pb_fail(run, "mpirun %s: %s", how, says);
}

static int mpi_run(struct pb_run *run, const char *strategy)
{
	char rank[PATH_MAX], why[160];
	int err_fd, status = 0, rc;
	const struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(STDOUT_FILENO),
					   .null_stdin = true, .before_exec = prepare_mpirun,
					   .arg = &err_fd };
	struct pb_proc p;
	struct args a;
	FILE *in;

	if (run->job->workload->kind == PB_KIND_IO)
		return pb_fail(run, "%s runs the cpu and mem workloads, not %s", strategy,
			       run->job->workload->name);
	if (run->job->workload->options)	/* the rank program's arguments have no room */
		return pb_fail(run, "%s runs workloads without options, not %s", strategy,
			       run->job->workload->name);
	if (rank_program(rank, sizeof(rank)) < 0)
		return pb_fail(run, "cannot tell where " PB_MPI_RANK_PROGRAM " is");
	make_args(&a, run, strategy, rank);
	err_fd = memfd_create("mpirun-stderr", MFD_CLOEXEC);
	if (err_fd < 0)
		return pb_fail(run, "cannot make a file for mpirun's stderr: %s", strerror(errno));
	if (pb_proc_spawn(&p, mpirun, (char *const *)a.v, &opts, why, sizeof(why))) {
		rc = pb_fail(run, "cannot start mpirun: %s", why);
		goto out_err;
	}
	in = fdopen(p.out_fd, "r");
	if (in) {
		p.out_fd = -1;		/* fclose closes it */
		rc = read_report(run, in, why, sizeof(why));
		fclose(in);
	} else {
		rc = -1;
		snprintf(why, sizeof(why), "cannot read mpirun's output: %s", strerror(errno));
	}
	pb_proc_wait(&p, &status);
	if (status != 0)
		rc = mpirun_failed(run, status, err_fd);
	else if (rc)
		rc = pb_fail(run, "%s", why);
out_err:
	close(err_fd);
	return rc;
}

static int mpi_dynamic_run(struct pb_run *run)
{
	return mpi_run(run, "mpi");
}

static int mpi_static_run(struct pb_run *run)
{
	return mpi_run(run, "mpi-static");
}

const struct pb_strategy pb_strategy_mpi = {
	.name = "mpi",
	.summary = "N Open MPI ranks, mpirun each run; rank 0 hands tasks out as ranks ask",
	.run = mpi_dynamic_run,
	.unavailable = mpi_unavailable,
	.by_name_only = true,
	.options = mpi_options,
	.options_size = sizeof(struct mpi_options),
};

const struct pb_strategy pb_strategy_mpi_static = {
	.name = "mpi-static",
	.summary = "N Open MPI ranks, mpirun each run; task i on rank i mod N",
	.run = mpi_static_run,
	.unavailable = mpi_unavailable,
	.by_name_only = true,
	.options = mpi_options,
	.options_size = sizeof(struct mpi_options),
};
