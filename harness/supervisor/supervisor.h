#ifndef PARBENCH_SUPERVISOR_H
#define PARBENCH_SUPERVISOR_H

/*
 * `parbench run`: argv[0] is "run"; the whole command line is kept for
 * meta.json.  Returns the exit status: 0, 1 when a repetition failed, 2 on
 * bad input, 128 + the signal when interrupted.
 */
int pb_run_main(int argc, char **argv, int full_argc, char **full_argv);

#endif
