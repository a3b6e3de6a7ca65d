/* The one clock parbench times with: CLOCK_MONOTONIC, in nanoseconds. */
#ifndef PARBENCH_CLOCK_H
#define PARBENCH_CLOCK_H

#include <stdint.h>

int64_t pb_now_ns(void);

#endif
