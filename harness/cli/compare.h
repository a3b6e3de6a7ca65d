/*
 * `parbench compare RUN_A RUN_B`: did a change to the machine or the code
 * matter?  The cells two runs share, from their raw.csv files, with the
 * ratio of their median wall times and a verdict that does not call noise
 * a difference.
 */
#ifndef PARBENCH_COMPARE_H
#define PARBENCH_COMPARE_H

/* argv[0] is "compare".  0, 1 on a system error, or 2 on bad input. */
int pb_compare_main(int argc, char **argv);

#endif
