/*
 * The OpenCL devices this machine has, through the ICD loader: every device
 * of every platform, in the order `parbench list` numbers them, and the one
 * --device chooses.  Only with PB_HAVE_OPENCL (the Makefile's OPENCL).
 */
#ifndef PARBENCH_OPENCL_DEVICE_H
#define PARBENCH_OPENCL_DEVICE_H

#include <stddef.h>

#include "strategies/opencl/loader.h"

#define PB_CL_MAX_DEVICES 64

struct pb_cl_device {
	cl_device_id id;
	char name[128];
	char platform[128];
	const char *type;		/* "CPU", "GPU", "ACCELERATOR" or "OTHER" */
	cl_uint compute_units;
};

/* Every device of every platform: how many (at least 1), or -1 with why there is none. */
int pb_cl_devices(struct pb_cl_device *devices, size_t max, char *why, size_t whylen);

/*
 * The device --device names among n (spec NULL: the first GPU, else the
 * first device): a number from 0, or the start of a device's name.  Its
 * index, or -1 with why not.
 */
int pb_cl_choose(const struct pb_cl_device *devices, int n, const char *spec, char *why,
		 size_t whylen);

/* "NAME (TYPE, PLATFORM)": what the tables and CSV files call it. */
void pb_cl_label(const struct pb_cl_device *d, char *buf, size_t len);

/* A CL_* error code's name ("CL_OUT_OF_RESOURCES"), or its number. */
const char *pb_cl_error(cl_int err);

#endif
