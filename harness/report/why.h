/*
 * Why a strategy took the time it did, from what the kernel counted.
 *
 * A cell's median wall time T splits exactly into four parts, each in
 * seconds over the P PUs it was given (summary.csv's pus):
 *
 *   ideal       the base's CPU time (seq's, py-seq's) over P: its work, shared
 *               perfectly;
 *   extra user  (the cell's user time - the base's) / P: the same work took
 *               more CPU in user space (memory bandwidth, caches, the host);
 *   extra sys   (the cell's system time - the base's) / P: the kernel's part
 *               (creating threads and processes, page faults, switches);
 *   idle        T - the cell's CPU time / P: its PUs waited (a loop thread
 *               with one PU of two, a sleep, a lock, an imbalance).
 *
 * Under weak scaling a cell has its workers times the base's tasks: the
 * base's CPU times are scaled to the cell's tasks, so that "the same work"
 * still holds.
 *
 * The leader, and each contender far behind it (its time ratio's interval
 * at PB_FAR_BEHIND or above), gets one sentence naming the part that
 * explains it with the counts behind it; the report draws the parts.
 */
#ifndef PARBENCH_WHY_H
#define PARBENCH_WHY_H

#include "stats/verdict.h"

#define PB_FAR_BEHIND 1.5		/* at least half again the leader's time, for sure */

/* Fills every contender's split and its sentence (or ""), on `pus` PUs in all. */
void pb_explain(struct pb_verdict *v, unsigned pus);

#endif
