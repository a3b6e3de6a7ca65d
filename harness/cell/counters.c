#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cell/counters.h"

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

/* Thread tid and, from now on, the threads and processes it creates: an fd, or -errno. */
static int open_event(enum pb_event event, pid_t tid, bool exclude_kernel)
{
	struct perf_event_attr attr = {
		.type = events[event].type,
		.size = sizeof(attr),
		.config = events[event].config,
		.inherit = 1,
		.exclude_kernel = exclude_kernel,
	};
	int fd = (int)syscall(SYS_perf_event_open, &attr, tid, -1, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
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

/*
 * The threads of this process, the calling one first, into a malloc'd
 * array: 0 or -ENOMEM.  Without /proc, the calling thread alone.
 */
static int list_threads(pid_t **tids, size_t *n)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *entry;
	size_t cap = 16;
	pid_t self = gettid(), *v = malloc(cap * sizeof(*v));

	*n = 0;
	if (v)
		v[(*n)++] = self;
	while (v && dir && (entry = readdir(dir))) {
		pid_t tid = (pid_t)atoi(entry->d_name);
		pid_t *grown;

		if (tid <= 0 || tid == self)
			continue;
		if (*n == cap) {
			cap *= 2;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown)
				free(v);
			v = grown;
			if (!v)
				break;
		}
		v[(*n)++] = tid;
	}
	if (dir)
		closedir(dir);
	*tids = v;
	return v ? 0 : -ENOMEM;
}

static void close_event(struct pb_counters *c, enum pb_event event)
{
	for (size_t t = 0; t < c->nthreads; t++) {
		if (c->fd[t][event] >= 0)
			close(c->fd[t][event]);
		c->fd[t][event] = -1;
	}
}

/*
 * Opens one event on every thread: 0, or -errno with none of them open when
 * it cannot open on the calling thread or on one that still lives.
 */
static int open_on_threads(struct pb_counters *c, enum pb_event event, const pid_t *tids,
			   bool exclude_kernel)
{
	for (size_t t = 0; t < c->nthreads; t++) {
		int fd = open_event(event, tids[t], exclude_kernel);

		if (fd == -ESRCH && t > 0)	/* it has ended since the list was made */
			continue;
		if (fd < 0) {
			close_event(c, event);
			return fd;
		}
		c->fd[t][event] = fd;
	}
	return 0;
}

/* One event on every thread, counting user space only where it must: 0 or -errno. */
static int open_everywhere(struct pb_counters *c, enum pb_event event, const pid_t *tids)
{
	int rc = open_on_threads(c, event, tids, false);

	if (rc == -EACCES && !events[event].kernel_only) {
		rc = open_on_threads(c, event, tids, true);
		c->exclude_kernel = c->exclude_kernel || rc == 0;
	}
	return rc;
}

int pb_counters_open(struct pb_counters *c)
{
	pid_t *tids = NULL;
	int opened = 0, rc;

	*c = (struct pb_counters){ 0 };
	rc = list_threads(&tids, &c->nthreads);
	if (rc == 0 && !(c->fd = malloc(c->nthreads * sizeof(*c->fd))))
		rc = -ENOMEM;
	for (size_t t = 0; c->fd && t < c->nthreads; t++)
		for (int e = 0; e < PB_NEVENTS; e++)
			c->fd[t][e] = -1;
	for (int e = 0; e < PB_NEVENTS; e++) {
		int err = rc ? rc : open_everywhere(c, e, tids);

		if (err)
			explain(c, e, -err);
		else
			opened++;
	}
	free(tids);
	return opened;
}

void pb_counters_read(const struct pb_counters *c, int64_t value[PB_NEVENTS])
{
	for (int e = 0; e < PB_NEVENTS; e++) {
		value[e] = c->fd && !c->why[e][0] ? 0 : -1;
		for (size_t t = 0; value[e] >= 0 && t < c->nthreads; t++) {
			uint64_t v;

			if (c->fd[t][e] < 0)	/* a thread that ended before the open */
				continue;
			if (read(c->fd[t][e], &v, sizeof(v)) == sizeof(v))
				value[e] += (int64_t)v;
			else
				value[e] = -1;
		}
	}
}

void pb_counters_close(struct pb_counters *c)
{
	for (int e = 0; c->fd && e < PB_NEVENTS; e++)
		close_event(c, e);
	free(c->fd);
	c->fd = NULL;
	c->nthreads = 0;
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
