#ifndef PARBENCH_VERSION_H
#define PARBENCH_VERSION_H

#define PB_VERSION "0.1.0"

#endif
