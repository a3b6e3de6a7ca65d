/*
 * The checksums every workload's tasks fold into: apart from the registry,
 * so that a small program (parbench-bare) can compute cpu.nop's without
 * linking every workload.
 */
#include "workload.h"

uint64_t pb_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/*
 * Addition commutes, so the order in which tasks finish does not matter;
 * mixing in the task number means a task's result counted under the wrong
 * number, twice, or not at all changes the sum.
 */
uint64_t pb_checksum_fold(uint64_t job_sum, uint64_t task, uint64_t task_sum)
{
	return job_sum + pb_mix64(task_sum ^ pb_mix64(task + 1));
}
