/*
 * `parbench new-workload NAME`: writes NAME.c, a commented skeleton of a
 * workload plugin, and prints the commands that build and run it.
 */
#ifndef PARBENCH_NEW_WORKLOAD_H
#define PARBENCH_NEW_WORKLOAD_H

/* argv[0] is "new-workload".  0, 1 on a system error, or 2 on bad input. */
int pb_new_workload_main(int argc, char **argv);

#endif
