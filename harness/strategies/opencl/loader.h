/*
 * The OpenCL functions parbench calls, taken from the ICD loader
 * (libOpenCL.so.1) with dlopen() when the opencl strategy first needs
 * them, not linked: a process that never offloads, and every worker it
 * forks, maps no OpenCL library (each shared library costs a fork about
 * 5 mappings to copy; fork-per-task took 1.12x bare-fork's time linked
 * with it, 1.03x without).  Only with PB_HAVE_OPENCL.
 */
#ifndef PARBENCH_OPENCL_LOADER_H
#define PARBENCH_OPENCL_LOADER_H

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stddef.h>

#define PB_CL_FUNCTIONS(X) \
	X(clBuildProgram) X(clCreateBuffer) X(clCreateCommandQueue) X(clCreateContext) \
	X(clCreateKernel) X(clCreateProgramWithSource) X(clCreateSubDevices) \
	X(clEnqueueNDRangeKernel) X(clEnqueueReadBuffer) X(clEnqueueWriteBuffer) X(clFinish) \
	X(clGetDeviceIDs) X(clGetDeviceInfo) X(clGetEventProfilingInfo) X(clGetPlatformIDs) \
	X(clGetPlatformInfo) X(clGetProgramBuildInfo) X(clReleaseCommandQueue) \
	X(clReleaseContext) X(clReleaseDevice) X(clReleaseEvent) X(clReleaseKernel) \
	X(clReleaseMemObject) X(clReleaseProgram) X(clSetKernelArg)

#define PB_CL_FIELD(name) __typeof__(&name) name;
struct pb_cl {
	PB_CL_FUNCTIONS(PB_CL_FIELD)
};
#undef PB_CL_FIELD

/* The functions, once pb_cl_open() has succeeded. */
extern struct pb_cl pb_cl;

/* Opens the loader and takes every function, once: 0, or -1 with why. */
int pb_cl_open(char *why, size_t whylen);

#endif
