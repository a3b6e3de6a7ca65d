/* The OpenCL devices, found through the ICD loader (device.h). */
#ifdef PB_HAVE_OPENCL
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/opencl/device.h"
#include "util/error.h"

const char *pb_cl_error(cl_int err)
{
	static __thread char text[32];

	switch (err) {
	case CL_DEVICE_NOT_FOUND: return "CL_DEVICE_NOT_FOUND";
	case CL_OUT_OF_RESOURCES: return "CL_OUT_OF_RESOURCES";
	case CL_OUT_OF_HOST_MEMORY: return "CL_OUT_OF_HOST_MEMORY";
	case CL_MEM_OBJECT_ALLOCATION_FAILURE: return "CL_MEM_OBJECT_ALLOCATION_FAILURE";
	case CL_BUILD_PROGRAM_FAILURE: return "CL_BUILD_PROGRAM_FAILURE";
	case CL_INVALID_BUILD_OPTIONS: return "CL_INVALID_BUILD_OPTIONS";
	case CL_INVALID_VALUE: return "CL_INVALID_VALUE";
	case CL_INVALID_DEVICE_PARTITION_COUNT: return "CL_INVALID_DEVICE_PARTITION_COUNT";
	case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
	}
	snprintf(text, sizeof(text), "OpenCL error %d", err);
	return text;
}

static const char *type_name(cl_device_type type)
{
	if (type & CL_DEVICE_TYPE_GPU)
		return "GPU";
	if (type & CL_DEVICE_TYPE_CPU)
		return "CPU";
	if (type & CL_DEVICE_TYPE_ACCELERATOR)
		return "ACCELERATOR";
	return "OTHER";
}

/* One device's name, type and compute units: 0, or a CL error. */
static cl_int describe(cl_device_id id, const char *platform, struct pb_cl_device *d)
{
	cl_device_type type;
	cl_int err;

	*d = (struct pb_cl_device){ .id = id };
	snprintf(d->platform, sizeof(d->platform), "%s", platform);
	if ((err = pb_cl.clGetDeviceInfo(id, CL_DEVICE_NAME, sizeof(d->name), d->name, NULL)) ||
	    (err = pb_cl.clGetDeviceInfo(id, CL_DEVICE_TYPE, sizeof(type), &type, NULL)) ||
	    (err = pb_cl.clGetDeviceInfo(id, CL_DEVICE_MAX_COMPUTE_UNITS,
					 sizeof(d->compute_units), &d->compute_units, NULL)))
		return err;
	d->type = type_name(type);
	return CL_SUCCESS;
}

/* The devices of one platform, appended at devices[n]: the new count, or -1 with why. */
static int add_platform(cl_platform_id p, struct pb_cl_device *devices, int n, size_t max,
			char *why, size_t whylen)
{
	cl_device_id ids[PB_CL_MAX_DEVICES];
	char platform[128] = "";
	cl_uint found = 0;
	cl_int err;

	pb_cl.clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof(platform), platform, NULL);
	err = pb_cl.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, PB_CL_MAX_DEVICES, ids, &found);
	if (err == CL_DEVICE_NOT_FOUND)
		return n;
	if (err)
		return pb_error(why, whylen, "clGetDeviceIDs on '%s': %s", platform,
				pb_cl_error(err));
	for (cl_uint i = 0; i < found && (size_t)n < max; i++)
		if ((err = describe(ids[i], platform, &devices[n++])))
			return pb_error(why, whylen, "clGetDeviceInfo on '%s': %s", platform,
					pb_cl_error(err));
	return n;
}

int pb_cl_devices(struct pb_cl_device *devices, size_t max, char *why, size_t whylen)
{
	cl_platform_id platforms[16];
	cl_uint nplatforms = 0;
	cl_int err;
	int n = 0;

	if (pb_cl_open(why, whylen))
		return -1;
	err = pb_cl.clGetPlatformIDs(16, platforms, &nplatforms);
	if (err || nplatforms == 0)
		return pb_error(why, whylen, "no OpenCL platform: the ICD loader found none (%s; "
				"install pocl-opencl-icd: bash scripts/install-deps.sh)",
				err ? pb_cl_error(err) : "0 platforms");
	for (cl_uint p = 0; p < nplatforms && n >= 0; p++)
		n = add_platform(platforms[p], devices, n, max, why, whylen);
	if (n == 0)
		return pb_error(why, whylen, "no OpenCL device on its %u platform(s)", nplatforms);
	return n;
}

int pb_cl_choose(const struct pb_cl_device *devices, int n, const char *spec, char *why,
		 size_t whylen)
{
	char *end;
	long index;

	if (!spec) {
		for (int i = 0; i < n; i++)
			if (!strcmp(devices[i].type, "GPU"))
				return i;
		return 0;
	}
	index = strtol(spec, &end, 10);
	if (*spec && !*end)
		return index >= 0 && index < n ? (int)index
			: pb_error(why, whylen, "this machine has OpenCL devices 0 to %d", n - 1);
	for (int i = 0; i < n; i++)
		if (!strncmp(devices[i].name, spec, strlen(spec)))
			return i;
	return pb_error(why, whylen, "no OpenCL device's name starts so (parbench list names "
			"them)");
}

void pb_cl_label(const struct pb_cl_device *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s, %s)", d->name, d->type, d->platform);
}
#endif
