#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "counters.h"

static const struct {
	const char *name;
	uint32_t type;
	uint64_t config;
	/* Counted in the scheduler, in kernel mode: with exclude_kernel, always 0. */
	bool kernel_only;
} events[PB_NEVENTS] = {
#define SOFTWARE(id) .type = PERF_TYPE_SOFTWARE, .config = PERF_COUNT_SW_##id
#define HARDWARE(id) .type = PERF_TYPE_HARDWARE, .config = PERF_COUNT_HW_##id
	[PB_EVENT_TASK_CLOCK] = { "task-clock", SOFTWARE(TASK_CLOCK) },
	[PB_EVENT_CONTEXT_SWITCHES] = { "context-switches", SOFTWARE(CONTEXT_SWITCHES),
					.kernel_only = true },
	[PB_EVENT_CPU_MIGRATIONS] = { "cpu-migrations", SOFTWARE(CPU_MIGRATIONS),
				      .kernel_only = true },
	[PB_EVENT_PAGE_FAULTS_MIN] = { "page-faults-min", SOFTWARE(PAGE_FAULTS_MIN) },
	[PB_EVENT_PAGE_FAULTS_MAJ] = { "page-faults-maj", SOFTWARE(PAGE_FAULTS_MAJ) },
	[PB_EVENT_CYCLES] = { "cycles", HARDWARE(CPU_CYCLES) },
	[PB_EVENT_INSTRUCTIONS] = { "instructions", HARDWARE(INSTRUCTIONS) },
#undef SOFTWARE
#undef HARDWARE
};

const char *pb_event_name(enum pb_event event)
{
	return events[event].name;
}

/* The calling thread and, from now on, every thread and process it creates. */
static int open_event(enum pb_event event, bool exclude_kernel)
{
	struct perf_event_attr attr = {
		.type = events[event].type,
		.size = sizeof(attr),
		.config = events[event].config,
		.inherit = 1,
		.exclude_kernel = exclude_kernel,
	};

	return (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

/* kernel.perf_event_paranoid into level: 0, or -errno where it cannot be read. */
static int read_paranoid(int *level)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
	int rc;

	if (!f)
		return -errno;
	rc = fscanf(f, "%d", level) == 1 ? 0 : -EINVAL;
	fclose(f);
	return rc;
}

/* "perf_event_open: No such file or directory (no hardware counters: ...)" */
static void explain(struct pb_counters *c, enum pb_event event, int err)
{
	char note[128] = "";
	int level;

	if (err == ENOENT && events[event].type == PERF_TYPE_HARDWARE)
		snprintf(note, sizeof(note), " (no hardware counters: this machine exposes no PMU)");
	else if ((err == EACCES || err == EPERM) && read_paranoid(&level) == 0)
		snprintf(note, sizeof(note), " (kernel.perf_event_paranoid = %d%s)", level,
			 events[event].kernel_only ? "; in user space alone it counts nothing" : "");
	snprintf(c->why[event], sizeof(c->why[event]), "perf_event_open: %s%s", strerror(err),
		 note);
}

int pb_counters_open(struct pb_counters *c)
{
	int opened = 0;

	*c = (struct pb_counters){ 0 };
	for (int e = 0; e < PB_NEVENTS; e++) {
		int fd = open_event(e, false), err = fd < 0 ? errno : 0;

		if (err == EACCES && !events[e].kernel_only) {
			fd = open_event(e, true);
			err = fd < 0 ? errno : 0;
			c->exclude_kernel = c->exclude_kernel || fd >= 0;
		}
		c->fd[e] = fd;
		if (fd < 0)
			explain(c, e, err);
		else
			opened++;
	}
	return opened;
}

void pb_counters_read(const struct pb_counters *c, int64_t value[PB_NEVENTS])
{
	for (int e = 0; e < PB_NEVENTS; e++) {
		uint64_t v;

		value[e] = -1;
		if (c->fd[e] >= 0 && read(c->fd[e], &v, sizeof(v)) == sizeof(v))
			value[e] = (int64_t)v;
	}
}

void pb_counters_close(struct pb_counters *c)
{
	for (int e = 0; e < PB_NEVENTS; e++) {
		if (c->fd[e] >= 0)
			close(c->fd[e]);
		c->fd[e] = -1;
	}
}

static int64_t counted(const int64_t *before, const int64_t *after, enum pb_event event)
{
	return before[event] < 0 || after[event] < 0 ? -1 : after[event] - before[event];
}

void pb_counts_between(const int64_t before[PB_NEVENTS], const int64_t after[PB_NEVENTS],
		       double wall_s, struct pb_counts *counts)
{
	int64_t task_clock_ns = counted(before, after, PB_EVENT_TASK_CLOCK);

	*counts = (struct pb_counts){
		.wall_s = wall_s,
		.task_clock_s = task_clock_ns < 0 ? NAN : (double)task_clock_ns / 1e9,
		.context_switches = counted(before, after, PB_EVENT_CONTEXT_SWITCHES),
		.migrations = counted(before, after, PB_EVENT_CPU_MIGRATIONS),
		.minflt = counted(before, after, PB_EVENT_PAGE_FAULTS_MIN),
		.majflt = counted(before, after, PB_EVENT_PAGE_FAULTS_MAJ),
		.cycles = counted(before, after, PB_EVENT_CYCLES),
		.instructions = counted(before, after, PB_EVENT_INSTRUCTIONS),
	};
}
