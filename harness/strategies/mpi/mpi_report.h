/*
 * What rank 0 of the mpi strategies' job (harness/strategies/mpi/mpi_rank.c) prints on its
 * standard output, which mpirun carries back to the cell
 * (harness/strategies/mpi.c), one line each:
 *
 *   parbench-mpi RANKS TASKS CHECKSUM WORK_NS   the reduced checksum; barrier to reduction
 *   rank R BIND_ERRNO CPUS HOST                 per rank: OS CPU numbers it ran on, such as
 *                                               0,1, or - for none; its host's name
 *                                               (gethostname)
 *   task T CHECKSUM START_NS END_NS ERROR       per task: its times since its rank left the
 *                                               barrier, on that rank's clock
 *   end
 */
#ifndef PARBENCH_MPI_REPORT_H
#define PARBENCH_MPI_REPORT_H

#include <inttypes.h>

#define PB_MPI_RANK_PROGRAM "parbench-mpi-rank"

/*
 * The 64-bit numbers are uint64_t; CPUS fits in 1023 characters (two CPUs at
 * most), HOST in PB_MPI_HOST_MAX with its '\0' (Linux's names have 64 at most).
 */
#define PB_MPI_HOST_MAX 256
#define PB_MPI_HEAD_PRI "parbench-mpi %u %" PRIu64 " %" PRIu64 " %" PRIu64 "\n"
#define PB_MPI_HEAD_SCN "parbench-mpi %u %" SCNu64 " %" SCNu64 " %" SCNu64
#define PB_MPI_RANK_PRI "rank %u %d %s %s\n"
#define PB_MPI_RANK_SCN "rank %u %d %1023s %255s"
#define PB_MPI_TASK_PRI "task %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n"
#define PB_MPI_TASK_SCN "task %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %d"
#define PB_MPI_END "end"

#endif
