/*
 * parbench-mpi-rank: a rank of the mpi strategies' job.  The cell starts
 * it through mpirun (harness/strategies/mpi.c), never a user:
 *
 *   parbench-mpi-rank WORKLOAD TASKS SIZE STRATEGY BIND
 *
 * STRATEGY is mpi (rank 0 hands the tasks out one at a time, as ranks ask)
 * or mpi-static (task i on rank i mod N); BIND is none (mpirun bound the
 * rank, or nobody does) or pu:LIST (the rank binds itself, as parbench's
 * workers do).  Every rank sets the workload up, meets the others at a
 * barrier, does its tasks and adds their checksums into rank 0's; rank 0
 * then gathers every task's record and every rank's PUs and host and prints them
 * (harness/strategies/mpi/mpi_report.h).  Built with mpicc, apart from parbench, so that
 * parbench itself does not link libmpi.
 */
#include <errno.h>
#include <mpi.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "workload.h"
#include "strategies/mpi/mpi_report.h"
#include "util/parse.h"
#include "machine/pin.h"
#include "runtime/run.h"

enum { TAG_ASK = 1, TAG_TASK };
#define NO_TASK UINT64_MAX

/* A task as rank 0 gathers it: times since its rank left the barrier. */
struct done {
	uint64_t task, checksum, start_ns, end_ns;
	int64_t error;
};

static int rank, ranks;

#if defined(__SANITIZE_ADDRESS__)
/*
 * Open MPI leaves memory allocated at exit, much of it in components it has
 * unloaded by then, which no suppression can name: LeakSanitizer would fail
 * every rank.  AddressSanitizer's other checks stay on.
 */
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* mpirun shows the cell this line, then ends every rank. */
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PB_MPI_RANK_PROGRAM ": rank %d: ", rank);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	MPI_Abort(MPI_COMM_WORLD, 1);
	exit(1);
}

/*
 * Rank 0 answers the ask that came (source) with the next task; none left
 * ends that rank.  While a rank may still ask, a receive for the next ask is
 * posted: MPI_Test on it makes progress and looks again, where Open MPI's
 * MPI_Iprobe would miss an ask that arrived during a task until a second call.
 */
static void answer(struct pb_run *run, int source, unsigned *asking, MPI_Request *ask)
{
	uint64_t task = pb_next_task(run);

	if (task >= run->job->tasks) {
		task = NO_TASK;
		(*asking)--;
	}
	MPI_Send(&task, 1, MPI_UINT64_T, source, TAG_TASK, MPI_COMM_WORLD);
	if (*asking)
		MPI_Irecv(NULL, 0, MPI_BYTE, MPI_ANY_SOURCE, TAG_ASK, MPI_COMM_WORLD, ask);
}

/*
 * Rank 0 of mpi does tasks too: between two of them it answers the asks that
 * came, one per rank at most, so that it never only answers.
 */
static void hand_out(struct pb_run *run)
{
	unsigned asking = (unsigned)ranks - 1;
	MPI_Request ask = MPI_REQUEST_NULL;
	MPI_Status status;
	uint64_t task;
	int asked;

	if (asking)
		MPI_Irecv(NULL, 0, MPI_BYTE, MPI_ANY_SOURCE, TAG_ASK, MPI_COMM_WORLD, &ask);
	pb_worker_begin(run, 0);
	for (;;) {
		for (int answered = 0; asking && answered < ranks - 1; answered++) {
			MPI_Test(&ask, &asked, &status);
			if (!asked)
				break;
			answer(run, status.MPI_SOURCE, &asking, &ask);
		}
		task = pb_next_task(run);
		if (task >= run->job->tasks)
			break;
		pb_do_task(run, task);
	}
	pb_worker_end(run, 0);
	while (asking) {
		MPI_Wait(&ask, &status);
		answer(run, status.MPI_SOURCE, &asking, &ask);
	}
}

/*
 * The other ranks of mpi ask for their next task as they start one, so the
 * answer comes while they work, even when rank 0 is busy with a task.
 */
static void ask_for_tasks(struct pb_run *run)
{
	MPI_Request reply;
	uint64_t task, next;

	pb_worker_begin(run, (unsigned)rank);
	MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_ASK, MPI_COMM_WORLD);
	MPI_Recv(&task, 1, MPI_UINT64_T, 0, TAG_TASK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
	while (task != NO_TASK) {
		MPI_Irecv(&next, 1, MPI_UINT64_T, 0, TAG_TASK, MPI_COMM_WORLD, &reply);
		MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_ASK, MPI_COMM_WORLD);
		pb_do_task(run, task);
		MPI_Wait(&reply, MPI_STATUS_IGNORE);
		task = next;
	}
	pb_worker_end(run, (unsigned)rank);
}

/* mpi-static: task i on rank i mod N. */
static void take_my_share(struct pb_run *run)
{
	pb_worker_begin(run, (unsigned)rank);
	for (uint64_t task = (uint64_t)rank; task < run->job->tasks; task += (uint64_t)ranks)
		pb_do_task(run, task);
	pb_worker_end(run, (unsigned)rank);
}

/* This rank's tasks, times made relative to when it left the barrier. */
static struct done *my_tasks(const struct pb_run *run, int64_t barrier_ns, int *count)
{
	struct done *mine = malloc((run->job->tasks ? run->job->tasks : 1) * sizeof(*mine));

	if (!mine)
		die("out of memory for %" PRIu64 " task records", run->job->tasks);
	*count = 0;
	for (uint64_t t = 0; t < run->job->tasks; t++) {
		const struct pb_task_record *r = &run->shared->tasks[t];

		if (r->end_ns)
			mine[(*count)++] = (struct done){
				.task = t, .checksum = r->checksum,
				.start_ns = (uint64_t)(r->start_ns - barrier_ns),
				.end_ns = (uint64_t)(r->end_ns - barrier_ns), .error = r->error,
			};
	}
	return mine;
}

/* The fold of this rank's tasks' checksums: what it adds into rank 0's. */
static uint64_t my_checksum(const struct pb_run *run)
{
	uint64_t sum = 0;

	for (uint64_t t = 0; t < run->job->tasks; t++)
		if (run->shared->tasks[t].end_ns)
			sum = pb_checksum_fold(sum, t, run->shared->tasks[t].checksum);
	return sum;
}

/* Rank 0's record of where rank r ran: its PUs, "0,1" or "-", and its host. */
static void print_rank(unsigned r, const struct pb_worker_record *w, const char *host)
{
	const char *sep = "";
	char cpus[1024];
	size_t used = 0;

	strcpy(cpus, "-");
	for (unsigned cpu = 0; cpu < CPU_SETSIZE && used < sizeof(cpus) - 8; cpu++)
		if (CPU_ISSET(cpu, &w->seen)) {
			used += (size_t)snprintf(cpus + used, sizeof(cpus) - used, "%s%u", sep,
						 cpu);
			sep = ",";
		}
	printf(PB_MPI_RANK_PRI, r, w->bind_errno, cpus, host);
}

/* This rank's host name, for the report. */
static void my_host(char host[PB_MPI_HOST_MAX])
{
	if (gethostname(host, PB_MPI_HOST_MAX) < 0)
		die("cannot tell this host's name: %s", strerror(errno));
	host[PB_MPI_HOST_MAX - 1] = '\0';
}

/* Gathers every task and every rank's PUs and host to rank 0, which prints them. */
static void report(const struct pb_run *run, const struct done *mine, int count,
		   uint64_t checksum, uint64_t work_ns)
{
	int bytes = count * (int)sizeof(*mine), *sizes = NULL, *offsets = NULL;
	struct pb_worker_record *workers = NULL;
	char host[PB_MPI_HOST_MAX], (*hosts)[PB_MPI_HOST_MAX] = NULL;
	struct done *all = NULL;

	if (rank == 0) {
		sizes = calloc((size_t)ranks, sizeof(*sizes));
		offsets = calloc((size_t)ranks, sizeof(*offsets));
		workers = calloc((size_t)ranks, sizeof(*workers));
		hosts = calloc((size_t)ranks, sizeof(*hosts));
		all = malloc((run->job->tasks ? run->job->tasks : 1) * sizeof(*all));
		if (!sizes || !offsets || !workers || !hosts || !all)
			die("out of memory for the report");
	}
	my_host(host);
	MPI_Gather(&bytes, 1, MPI_INT, sizes, 1, MPI_INT, 0, MPI_COMM_WORLD);
	for (int r = 1; rank == 0 && r < ranks; r++)
		offsets[r] = offsets[r - 1] + sizes[r - 1];
	MPI_Gatherv(mine, bytes, MPI_BYTE, all, sizes, offsets, MPI_BYTE, 0, MPI_COMM_WORLD);
	MPI_Gather(&run->shared->workers[rank], sizeof(*workers), MPI_BYTE, workers,
		   sizeof(*workers), MPI_BYTE, 0, MPI_COMM_WORLD);
	MPI_Gather(host, sizeof(host), MPI_CHAR, hosts, sizeof(host), MPI_CHAR, 0, MPI_COMM_WORLD);
	if (rank == 0) {
		uint64_t tasks = (uint64_t)(offsets[ranks - 1] + sizes[ranks - 1]) / sizeof(*all);

		printf(PB_MPI_HEAD_PRI, ranks, run->job->tasks, checksum, work_ns);
		for (int r = 0; r < ranks; r++)
			print_rank((unsigned)r, &workers[r], hosts[r]);
		for (uint64_t i = 0; i < tasks; i++)
			printf(PB_MPI_TASK_PRI, all[i].task, all[i].checksum, all[i].start_ns,
			       all[i].end_ns, (int)all[i].error);
		puts(PB_MPI_END);
		if (fflush(stdout) == EOF)
			die("cannot write the report: %s", strerror(errno));
	}
	free(sizes);
	free(offsets);
	free(workers);
	free(hosts);
	free(all);
}

/*
 * Each rank's CPUs under BIND: NULL for none; for pu:LIST, from this host's
 * topology, which only this program has.
 */
static cpu_set_t *rank_cpus(const char *spec)
{
	hwloc_topology_t topology;
	struct pb_pin pin;
	cpu_set_t *cpus;
	char why[512];

	if (!strcmp(spec, "none"))
		return NULL;
	if (pb_topology_load(&topology, why, sizeof(why)))
		die("%s", why);
	if (pb_pin_parse(spec, pb_topology_pus(topology), &pin, why, sizeof(why)))
		die("--pin %s: %s", spec, why);
	cpus = pb_pin_cpu_sets(topology, &pin, (unsigned)ranks);
	pb_pin_free(&pin);
	hwloc_topology_destroy(topology);
	if (!cpus)
		die("out of memory for the ranks' CPU sets");
	return cpus;
}

/* The job's parts from the command line, each rank alike; *cpus: as rank_cpus. */
static void set_up(char **argv, struct pb_job *job, struct pb_run *run, cpu_set_t **cpus)
{
	uint64_t tasks, size;
	char why[512];
	int rc;

	*job = (struct pb_job){ .workload = pb_workload_resolve(argv[1], why, sizeof(why)) };
	if (!job->workload && *why)
		die("%s", why);
	if (!job->workload || pb_parse_u64(argv[2], 1, UINT64_MAX, &tasks, why, sizeof(why)) ||
	    pb_parse_u64(argv[3], 1, UINT64_MAX, &size, why, sizeof(why)))
		die("bad arguments: %s %s %s", argv[1], argv[2], argv[3]);
	job->tasks = tasks;
	job->size = size;
	*cpus = rank_cpus(argv[5]);
	if (job->workload->setup && (rc = job->workload->setup(job)) < 0)
		die("setup of %s failed: %s", job->workload->name,
		    job->error[0] ? job->error : strerror(-rc));
	if ((rc = pb_run_init(run, job, (unsigned)ranks, *cpus)) < 0)
		die("cannot map the task records: %s", strerror(-rc));
	pb_run_reset(run);
	if (pb_fault_parse(getenv("PARBENCH_FAULT"), argv[4], &run->fault, why, sizeof(why)))
		die("%s", why);
}

int main(int argc, char **argv)
{
	pid_t launcher = getppid();
	uint64_t checksum = 0, work_ns;
	int64_t barrier_ns;
	struct pb_job job;
	struct pb_run run;
	cpu_set_t *cpus;
	struct done *mine;
	int count;

	/* A killed mpirun (--timeout) takes its ranks along. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != launcher)
		return 1;
	MPI_Init(&argc, &argv);
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &ranks);
	if (argc != 6 || (strcmp(argv[4], "mpi") && strcmp(argv[4], "mpi-static")))
		die("usage: " PB_MPI_RANK_PROGRAM " WORKLOAD TASKS SIZE mpi|mpi-static "
		    "none|pu:LIST (started by parbench through mpirun)");
	set_up(argv, &job, &run, &cpus);

	MPI_Barrier(MPI_COMM_WORLD);
	barrier_ns = pb_now_ns();
	if (!strcmp(argv[4], "mpi-static"))
		take_my_share(&run);
	else if (rank == 0)
		hand_out(&run);
	else
		ask_for_tasks(&run);
	MPI_Reduce(&(uint64_t){ my_checksum(&run) }, &checksum, 1, MPI_UINT64_T, MPI_SUM, 0,
		   MPI_COMM_WORLD);
	work_ns = (uint64_t)(pb_now_ns() - barrier_ns);

	mine = my_tasks(&run, barrier_ns, &count);
	report(&run, mine, count, checksum, work_ns);
	free(mine);
	pb_run_destroy(&run);
	if (job.workload->teardown)
		job.workload->teardown(&job);
	free(cpus);
	MPI_Finalize();
	return 0;
}
