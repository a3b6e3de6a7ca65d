#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/table.h"
#include "report/why.h"

#define MANY_FAULTS 1000.0		/* page faults a run above the base's that deserve a word */

/* A count with thousands separated: "12,288". */
static const char *count(char *buf, size_t len, double v)
{
	char digits[32];
	size_t n, out = 0;

	snprintf(digits, sizeof(digits), "%.0f", fmax(0.0, v));
	n = strlen(digits);
	for (size_t i = 0; i < n && out + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[out++] = ',';
		buf[out++] = digits[i];
	}
	buf[out] = '\0';
	return buf;
}

/*
 * The base's work over the cell's: 1 but under weak scaling, where a cell
 * has its workers times the base's tasks and the base's CPU times are
 * scaled to its tasks.
 */
static double work_of_base(const struct pb_cell *c)
{
	return (double)c->tasks / (double)c->base->tasks;
}

static void split_time(struct pb_contender *k)
{
	const struct pb_summary *s = &k->cell->summary, *b = &k->cell->base->summary;
	double pus = s->pus ? (double)s->pus : 1.0, work = work_of_base(k->cell);

	k->ideal_s = (b->user + b->sys) * work / pus;
	k->extra_user_s = (s->user - b->user * work) / pus;
	k->extra_sys_s = (s->sys - b->sys * work) / pus;
	k->idle_s = s->median - (s->user + s->sys) / pus;
}

/* "evloop-epoll (2 workers): " */
static int lead_in(char *buf, size_t len, const struct pb_cell *c)
{
	return snprintf(buf, len, "%s (%u worker%s): ", c->strategy->name, c->workers,
			c->workers == 1 ? "" : "s");
}

/* cpu.nop and its kind: what a task costs, and what the kernel did for it. */
static void explain_task_cost(const struct pb_contender *k, char *buf, size_t len)
{
	const struct pb_cell *c = k->cell;
	const struct pb_summary *s = &c->summary;
	double tasks = (double)c->tasks;
	char a[32], b[32], d[32];

	snprintf(buf, len, "%s a task above %s: %s of CPU a task (%s of it in the kernel), "
		 "%.1f page faults and %.1f context switches a task",
		 pb_duration(a, sizeof(a), s->task_cost), c->base->strategy->name,
		 pb_duration(b, sizeof(b), (s->user + s->sys) / tasks),
		 pb_duration(d, sizeof(d), s->sys / tasks), s->minflt / tasks,
		 (s->vcsw + s->ivcsw) / tasks);
}

/* The leader of CPU or memory work: how busy it kept its PUs, how near the ideal. */
static void explain_cpu_leader(const struct pb_contender *k, char *buf, size_t len)
{
	const struct pb_summary *s = &k->cell->summary;

	double over = s->median / k->ideal_s - 1.0;

	/* Below the ideal, the machine ran faster for it than for the base: drift. */
	snprintf(buf, len, "%u PU%s busy at %.2f (CPU utilisation); %.0f%% %s the ideal, %s's "
		 "CPU time%s over %u PU%s", s->pus, s->pus == 1 ? "" : "s", s->pu_util,
		 100.0 * fabs(over), over < 0 ? "below" : "above", k->cell->base->strategy->name,
		 work_of_base(k->cell) == 1.0 ? "" : " for its tasks", s->pus, s->pus == 1 ? "" : "s");
}

/* Its PUs waited: an inline loop, a worker short of work, or a wait. */
static void explain_idle(const struct pb_contender *k, char *buf, size_t len)
{
	const struct pb_cell *c = k->cell;
	const struct pb_summary *s = &c->summary;
	char x[32];
	int n = snprintf(buf, len, "its %u PU%s idle %.0f%% of the time (CPU utilisation %.2f)",
			 s->pus, s->pus == 1 ? "" : "s", 100.0 * k->idle_s / s->median, s->pu_util);

	if (n < 0 || (size_t)n >= len)
		return;
	/* About a PU per loop thread busy: the loops do the work themselves. */
	if (c->strategy->event_loop && s->pu_util * s->pus < (c->loops ? c->loops : 1) + 0.25)
		snprintf(buf + n, len - (size_t)n, ": %s loop thread%s run%s the work inline",
			 c->loops > 1 ? "its" : "one", c->loops > 1 ? "s" : "",
			 c->loops > 1 ? "" : "s");
	else
		snprintf(buf + n, len - (size_t)n, ": %s voluntary context switches a run",
			 count(x, sizeof(x), s->vcsw));
}

/* I/O: how many tasks it keeps waiting at once, and what a task costs the CPU. */
static void explain_io(const struct pb_contender *k, const struct pb_contender *leader,
		       char *buf, size_t len)
{
	const struct pb_cell *c = k->cell, *l = leader->cell;
	double cpu = (c->summary.user + c->summary.sys) / (double)c->tasks;
	double lead_cpu = (l->summary.user + l->summary.sys) / (double)l->tasks;
	char a[32], b[32];

	if (k == leader)
		snprintf(buf, len, "%u tasks in flight at %s of CPU a task; its PUs waited %.0f%% "
			 "of the time", c->workers, pb_duration(a, sizeof(a), cpu),
			 100.0 * fmax(0.0, k->idle_s) / c->summary.median);
	else if (c->workers < l->workers && (c->workers == 1 || (2 * c->workers <= l->workers &&
								 cpu <= 10.0 * lead_cpu)))
		snprintf(buf, len, "%u task%s in flight at most, the leader %u", c->workers,
			 c->workers == 1 ? "" : "s", l->workers);
	else if (cpu > 2.0 * lead_cpu)
		snprintf(buf, len, "%s of CPU a task, the leader %s: %.1f page faults and %.1f "
			 "context switches a task", pb_duration(a, sizeof(a), cpu),
			 pb_duration(b, sizeof(b), lead_cpu), c->summary.minflt / (double)c->tasks,
			 (c->summary.vcsw + c->summary.ivcsw) / (double)c->tasks);
	else
		explain_idle(k, buf, len);
}

/* The kernel's share: page faults, or switches. */
static void explain_sys(const struct pb_contender *k, char *buf, size_t len)
{
	const struct pb_summary *s = &k->cell->summary, *b = &k->cell->base->summary;
	char t[32], total[32], x[32], y[32];
	int n = snprintf(buf, len, "%s of system CPU time beyond %s's, on its %u PU%s in %s",
			 pb_duration(t, sizeof(t), s->sys - b->sys * work_of_base(k->cell)),
			 k->cell->base->strategy->name,
			 s->pus, s->pus == 1 ? "" : "s", pb_duration(total, sizeof(total), s->median));

	if (n < 0 || (size_t)n >= len)
		return;
	if (s->minflt - b->minflt > MANY_FAULTS)
		snprintf(buf + n, len - (size_t)n, ": %s page faults a run (%s: %s)",
			 count(x, sizeof(x), s->minflt), k->cell->base->strategy->name,
			 count(y, sizeof(y), b->minflt));
	else
		snprintf(buf + n, len - (size_t)n, ": %s context switches a run (%s: %s)",
			 count(x, sizeof(x), s->vcsw + s->ivcsw), k->cell->base->strategy->name,
			 count(y, sizeof(y), b->vcsw + b->ivcsw));
}

/* The same work took more CPU in user space. */
static void explain_user(const struct pb_contender *k, unsigned pus, char *buf, size_t len)
{
	const struct pb_cell *c = k->cell;
	const struct pb_summary *s = &c->summary;
	char t[32], x[32];
	int n = snprintf(buf, len, "%s more user CPU time than %s for the same work",
			 pb_duration(t, sizeof(t), s->user - c->base->summary.user * work_of_base(c)),
			 c->base->strategy->name);

	if (n < 0 || (size_t)n >= len)
		return;
	if (c->workers > pus)
		snprintf(buf + n, len - (size_t)n, ": %u workers on %u PUs, %s involuntary "
			 "context switches a run", c->workers, pus, count(x, sizeof(x), s->ivcsw));
	else if (c->workload->kind == PB_KIND_MEM)
		snprintf(buf + n, len - (size_t)n, ": its PUs share the memory bandwidth");
}

/* A CPU or memory contender far behind: the part of its time that explains it. */
static void explain_cpu(const struct pb_contender *k, const struct pb_contender *leader,
			unsigned pus, char *buf, size_t len)
{
	const struct pb_summary *s = &k->cell->summary;
	double part = fmax(k->idle_s, fmax(k->extra_user_s, k->extra_sys_s));

	if (k->ideal_s >= 0.6 * s->median && s->pus < leader->cell->summary.pus)
		snprintf(buf, len, "%u PU%s given, the leader %u: the work is shared less",
			 s->pus, s->pus == 1 ? "" : "s", leader->cell->summary.pus);
	else if (part == k->idle_s)
		explain_idle(k, buf, len);
	else if (part == k->extra_sys_s)
		explain_sys(k, buf, len);
	else
		explain_user(k, pus, buf, len);
}

static bool far_behind(const struct pb_contender *k)
{
	return k->role != PB_ROLE_LEADER && k->lo >= PB_FAR_BEHIND;
}

void pb_explain(struct pb_verdict *v, unsigned pus)
{
	for (size_t i = 0; i < v->n; i++) {
		struct pb_contender *k = &v->contenders[i];
		const struct pb_cell *c = k->cell;
		int n;

		split_time(k);
		k->why[0] = '\0';
		/* The counts a sentence needs: getrusage's, which a py-* cell has too. */
		if ((i && !far_behind(k)) || !isfinite(k->ideal_s + k->extra_user_s + k->idle_s))
			continue;
		n = lead_in(k->why, sizeof(k->why), c);
		if (n < 0 || (size_t)n >= sizeof(k->why))
			continue;
		if (c->workload->overhead)
			explain_task_cost(k, k->why + n, sizeof(k->why) - (size_t)n);
		else if (c->workload->kind == PB_KIND_IO)
			explain_io(k, &v->contenders[0], k->why + n, sizeof(k->why) - (size_t)n);
		else if (i == 0)
			explain_cpu_leader(k, k->why + n, sizeof(k->why) - (size_t)n);
		else
			explain_cpu(k, &v->contenders[0], pus, k->why + n, sizeof(k->why) - (size_t)n);
	}
}
