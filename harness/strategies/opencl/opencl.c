/*
 * opencl: the job offloaded to an OpenCL device, one work-item per task (its
 * kernels, kernels.c, give run_task's checksums), each its own work-group,
 * so that the compute units take tasks as a pool's workers do: PoCL runs
 * the work-items of one group on one compute unit, and with the device's
 * choice of group size 8 tasks went to one of 2.  A repetition copies the
 * inputs in (mem.triad's b and c), runs the kernel, copies the results out
 * (the tasks' checksums, mem.triad's a), each timed by the device's
 * profiling events; the device, queue and program are made once per cell
 * process in prepare(), untimed, the build timed apart (build_s).
 *
 * --workers is the compute units used: a sub-device of that many
 * (CL_DEVICE_PARTITION_BY_COUNTS); on a device that cannot be partitioned
 * (most GPUs) all of them, and the device's label says --workers is ignored.
 * --pin does nothing: the device runs its own threads.
 *
 * Built only with the OpenCL headers and ICD loader (the Makefile defines
 * PB_HAVE_OPENCL when pkg-config finds OpenCL); without them, or with no
 * platform or device at run time, it is listed and says why it cannot run.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategies/opencl/kernels.h"
#include "strategies/strategy.h"

struct opencl_options {
	const char *device;
	const char *cl_options;
};

#ifdef PB_HAVE_OPENCL
#include <jansson.h>

#include "mem_triad.h"
#include "strategies/opencl/device.h"
#include "util/error.h"

/* The device, its program and buffers, from prepare() to finish(). */
struct cl_state {
	const struct pb_cl_program *program_of;
	cl_device_id device;		/* the one chosen, or its sub-device */
	bool sub_device;
	cl_context context;
	cl_command_queue queue;
	cl_program program;
	cl_kernel kernel;
	cl_mem sums, a, b, c;		/* a, b, c: mem.triad's, else NULL */
	uint64_t *host_sums;		/* the tasks' checksums, copied out */
	char label[512];
};

/* The devices, looked for once per process: their count, or -1 with why in found_why. */
static struct pb_cl_device found[PB_CL_MAX_DEVICES];
static char found_why[256];

static int devices(void)
{
	static int n;
	static bool asked;

	if (!asked) {
		asked = true;
		n = pb_cl_devices(found, PB_CL_MAX_DEVICES, found_why, sizeof(found_why));
	}
	return n;
}

static const char *opencl_unavailable(const void *options)
{
	(void)options;
	return devices() < 0 ? found_why : NULL;
}

/* --device's check, in `parbench run`: a device of this machine. */
static int device_check(const char *text, char *why, size_t whylen)
{
	int n = devices();

	if (n < 0)
		return pb_error(why, whylen, "%s", found_why);
	return pb_cl_choose(found, n, text, why, whylen) < 0 ? -1 : 0;
}

/*
 * The device to run on, with run->workers of its compute units: a
 * sub-device, the device itself when it has that many, or the whole of one
 * that cannot be partitioned.  Fills the state's device and label.
 */
static int choose_device(struct pb_run *run, struct cl_state *st)
{
	const struct opencl_options *o = run->options;
	int n = devices(), i;
	const struct pb_cl_device *d;
	cl_device_partition_property props[8] = { 0 }, by_counts[] = {
		CL_DEVICE_PARTITION_BY_COUNTS, (cl_device_partition_property)run->workers,
		CL_DEVICE_PARTITION_BY_COUNTS_LIST_END, 0 };
	char why[256], label[300];
	size_t nprops = 0;
	bool partitions = false;
	cl_uint made;
	cl_int err;

	if (n < 0)
		return pb_fail(run, "%s", found_why);
	if ((i = pb_cl_choose(found, n, o->device, why, sizeof(why))) < 0)
		return pb_fail(run, "--device '%s': %s", o->device, why);
	d = &found[i];
	pb_cl_label(d, label, sizeof(label));
	if (run->workers > d->compute_units)
		return pb_fail(run, "--workers %u: %s has %u compute units; opencl uses 1 to %u "
			       "of them", run->workers, label, d->compute_units, d->compute_units);
	st->device = d->id;
	pb_cl.clGetDeviceInfo(d->id, CL_DEVICE_PARTITION_PROPERTIES, sizeof(props), props, &nprops);
	for (size_t k = 0; k < nprops / sizeof(*props); k++)
		partitions = partitions || props[k] == CL_DEVICE_PARTITION_BY_COUNTS;
	if (run->workers == d->compute_units || !partitions) {
		snprintf(st->label, sizeof(st->label), "%s, %u of %u compute units%s", label,
			 d->compute_units, d->compute_units,
			 run->workers == d->compute_units ? "" : ": it cannot be partitioned, "
			 "--workers ignored");
		return 0;
	}
	if ((err = pb_cl.clCreateSubDevices(d->id, by_counts, 1, &st->device, &made)) || made != 1)
		return pb_fail(run, "a sub-device of %u compute units of %s: %s", run->workers,
			       label, err ? pb_cl_error(err) : "none made");
	st->sub_device = true;
	snprintf(st->label, sizeof(st->label), "%s, %u of %u compute units", label, run->workers,
		 d->compute_units);
	return 0;
}

/* The build log from its first error on, on one line, for the error row. */
static void build_log(const struct cl_state *st, char *buf, size_t len)
{
	size_t n = 0;
	char *log, *from;

	buf[0] = '\0';
	pb_cl.clGetProgramBuildInfo(st->program, st->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &n);
	if (!n || !(log = calloc(1, n + 1)))
		return;
	pb_cl.clGetProgramBuildInfo(st->program, st->device, CL_PROGRAM_BUILD_LOG, n, log, NULL);
	from = strstr(log, "error") ? strstr(log, "error") : log;
	snprintf(buf, len, "%s", from);
	for (char *c = buf; *c; c++)
		if (*c == '\n' || *c == '\t' || *c == '\r')
			*c = ' ';
	free(log);
}

/* The program of the cell's workload, built for the device, timed into build_s. */
static int build_program(struct pb_run *run, struct cl_state *st)
{
	const struct opencl_options *o = run->options;
	const char *source = st->program_of->source;
	char options[512], log[200];
	int64_t start;
	cl_int err;

	snprintf(options, sizeof(options), "-cl-fp32-correctly-rounded-divide-sqrt %s",
		 o->cl_options ? o->cl_options : "");
	st->program = pb_cl.clCreateProgramWithSource(st->context, 1, &source, NULL, &err);
	if (err)
		return pb_fail(run, "clCreateProgramWithSource: %s", pb_cl_error(err));
	start = pb_now_ns();
	err = pb_cl.clBuildProgram(st->program, 1, &st->device, options, NULL, NULL);
	run->offload.build_s = (double)(pb_now_ns() - start) / 1e9;
	if (err) {
		build_log(st, log, sizeof(log));
		return pb_fail(run, "%s's kernel did not build for %s (%s): %s",
			       run->job->workload->name, st->label, pb_cl_error(err), log);
	}
	st->kernel = pb_cl.clCreateKernel(st->program, PB_CL_KERNEL, &err);
	return err ? pb_fail(run, "clCreateKernel: %s", pb_cl_error(err)) : 0;
}

/* A device buffer of bytes, or NULL after pb_fail(). */
static cl_mem buffer(struct pb_run *run, struct cl_state *st, cl_mem_flags flags, size_t bytes)
{
	cl_int err;
	cl_mem mem = pb_cl.clCreateBuffer(st->context, flags, bytes, NULL, &err);

	if (err)
		pb_fail(run, "a device buffer of %zu bytes on %s: %s", bytes, st->label,
			pb_cl_error(err));
	return err ? NULL : mem;
}

/* The buffers and the kernel's arguments. */
static int make_buffers(struct pb_run *run, struct cl_state *st)
{
	cl_ulong tasks = run->job->tasks, size = run->job->size;
	size_t array = (size_t)(tasks * size) * sizeof(double);
	cl_int err = 0;

	st->host_sums = calloc(tasks, sizeof(*st->host_sums));
	if (!st->host_sums)
		return pb_fail(run, "out of memory for %" PRIu64 " checksums", run->job->tasks);
	if (!(st->sums = buffer(run, st, CL_MEM_WRITE_ONLY, tasks * sizeof(cl_ulong))))
		return -1;
	if (st->program_of->arrays &&
	    (!(st->a = buffer(run, st, CL_MEM_WRITE_ONLY, array)) ||
	     !(st->b = buffer(run, st, CL_MEM_READ_ONLY, array)) ||
	     !(st->c = buffer(run, st, CL_MEM_READ_ONLY, array))))
		return -1;
	err |= pb_cl.clSetKernelArg(st->kernel, 0, sizeof(tasks), &tasks);
	err |= pb_cl.clSetKernelArg(st->kernel, 1, sizeof(size), &size);
	err |= pb_cl.clSetKernelArg(st->kernel, 2, sizeof(cl_mem), &st->sums);
	if (st->program_of->arrays) {
		err |= pb_cl.clSetKernelArg(st->kernel, 3, sizeof(cl_mem), &st->a);
		err |= pb_cl.clSetKernelArg(st->kernel, 4, sizeof(cl_mem), &st->b);
		err |= pb_cl.clSetKernelArg(st->kernel, 5, sizeof(cl_mem), &st->c);
	}
	return err ? pb_fail(run, "clSetKernelArg failed") : 0;
}

static int opencl_prepare(struct pb_run *run)
{
	struct cl_state *st = calloc(1, sizeof(*st));
	cl_int err;

	if (!(run->state = st))
		return pb_fail(run, "out of memory");
	st->program_of = pb_cl_program_of(run->job->workload);
	if (!st->program_of)	/* the plan has no such cell */
		return pb_fail(run, "opencl has no kernel for %s", run->job->workload->name);
	if (choose_device(run, st))
		return -1;
	run->offload.device = st->label;
	st->context = pb_cl.clCreateContext(NULL, 1, &st->device, NULL, NULL, &err);
	if (err)
		return pb_fail(run, "clCreateContext on %s: %s", st->label, pb_cl_error(err));
	st->queue = pb_cl.clCreateCommandQueue(st->context, st->device, CL_QUEUE_PROFILING_ENABLE,
					       &err);
	if (err)
		return pb_fail(run, "clCreateCommandQueue on %s: %s", st->label, pb_cl_error(err));
	return build_program(run, st) || make_buffers(run, st) ? -1 : 0;
}

static void opencl_finish(struct pb_run *run)
{
	struct cl_state *st = run->state;
	cl_mem mems[] = { st ? st->sums : NULL, st ? st->a : NULL, st ? st->b : NULL,
			  st ? st->c : NULL };

	if (!st)
		return;
	for (size_t i = 0; i < sizeof(mems) / sizeof(mems[0]); i++)
		if (mems[i])
			pb_cl.clReleaseMemObject(mems[i]);
	if (st->kernel)
		pb_cl.clReleaseKernel(st->kernel);
	if (st->program)
		pb_cl.clReleaseProgram(st->program);
	if (st->queue)
		pb_cl.clReleaseCommandQueue(st->queue);
	if (st->context)
		pb_cl.clReleaseContext(st->context);
	if (st->sub_device)
		pb_cl.clReleaseDevice(st->device);
	free(st->host_sums);
	free(st);
	run->state = NULL;
	run->offload.device = NULL;
}

/* The seconds the device spent on events, their profiled start to end, summed. */
static double event_seconds(const cl_event *events, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++) {
		cl_ulong start = 0, end = 0;

		pb_cl.clGetEventProfilingInfo(events[i], CL_PROFILING_COMMAND_START,
					      sizeof(start), &start, NULL);
		pb_cl.clGetEventProfilingInfo(events[i], CL_PROFILING_COMMAND_END, sizeof(end),
					      &end, NULL);
		s += (double)(end - start) / 1e9;
	}
	return s;
}

static void release_events(cl_event *events, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (events[i])
			pb_cl.clReleaseEvent(events[i]);
}

/* The copies in, the kernel and the copies out, each with its event: 0 or a CL error. */
static cl_int enqueue(struct pb_run *run, struct cl_state *st, cl_event *in, size_t *nin,
		      cl_event *kernel, cl_event *out, size_t *nout)
{
	const struct pb_triad *t = run->job->state;
	size_t tasks = run->job->tasks, array = tasks * run->job->size * sizeof(double), one = 1;
	cl_int err = CL_SUCCESS;

	if (st->program_of->arrays) {
		err = pb_cl.clEnqueueWriteBuffer(st->queue, st->b, CL_FALSE, 0, array, t->b, 0,
						 NULL, &in[(*nin)++]);
		if (!err)
			err = pb_cl.clEnqueueWriteBuffer(st->queue, st->c, CL_FALSE, 0, array, t->c,
							 0, NULL, &in[(*nin)++]);
	}
	if (!err)
		err = pb_cl.clEnqueueNDRangeKernel(st->queue, st->kernel, 1, NULL, &tasks, &one,
						   (cl_uint)*nin, *nin ? in : NULL, kernel);
	if (!err)
		err = pb_cl.clEnqueueReadBuffer(st->queue, st->sums, CL_FALSE, 0,
						tasks * sizeof(cl_ulong), st->host_sums, 1, kernel,
						&out[(*nout)++]);
	if (!err && st->program_of->arrays)
		err = pb_cl.clEnqueueReadBuffer(st->queue, st->a, CL_FALSE, 0, array, t->a, 1,
						kernel, &out[(*nout)++]);
	return err ? err : pb_cl.clFinish(st->queue);
}

/*
 * One repetition: every task begins when the job goes to the device and
 * ends when its checksum is back (a task's latency is the whole offload).
 */
static int opencl_run(struct pb_run *run)
{
	struct cl_state *st = run->state;
	cl_event in[2] = { 0 }, kernel = NULL, out[2] = { 0 };
	size_t nin = 0, nout = 0;
	cl_int err;

	for (uint64_t t = 0; t < run->job->tasks; t++)
		pb_task_begin(run, t);
	err = enqueue(run, st, in, &nin, &kernel, out, &nout);
	if (!err) {
		run->offload.h2d_s = event_seconds(in, nin);
		run->offload.kernel_s = event_seconds(&kernel, 1);
		run->offload.d2h_s = event_seconds(out, nout);
	}
	release_events(in, nin);
	release_events(&kernel, kernel ? 1 : 0);
	release_events(out, nout);
	if (err)
		return pb_fail(run, "the job on %s: %s", st->label, pb_cl_error(err));
	for (uint64_t t = 0; t < run->job->tasks; t++)
		pb_task_end(run, t, st->host_sums[t], 0);
	return 0;
}

static void opencl_describe(FILE *out)
{
	int n = devices(), chosen = n > 0 ? pb_cl_choose(found, n, NULL, NULL, 0) : -1;

	for (int i = 0; i < n; i++)
		fprintf(out, "  (opencl: device %d: %s, %s on '%s', %u compute units%s)\n", i,
			found[i].name, found[i].type, found[i].platform, found[i].compute_units,
			i == chosen ? "; the default" : "");
}

/* meta.json's "opencl": every device found, and the one --device chose; null when not planned. */
static void opencl_add_meta(const void *options, json_t *meta)
{
	const struct opencl_options *o = options;
	int n = options ? devices() : -1;
	json_t *list = json_array();

	for (int i = 0; list && i < n; i++)
		json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:s, s:i}", "index", i,
						      "name", found[i].name, "type", found[i].type,
						      "platform", found[i].platform, "compute_units",
						      (int)found[i].compute_units));
	if (n < 0 || !list) {
		json_decref(list);
		json_object_set_new(meta, "opencl", json_null());
		return;
	}
	json_object_set_new(meta, "opencl", json_pack("{s:o, s:i}", "devices", list, "device",
						      pb_cl_choose(found, n, o->device, NULL, 0)));
}

#else

static const char *opencl_unavailable(const void *options)
{
	(void)options;
	return "built without the OpenCL headers and ICD loader: install ocl-icd-opencl-dev, "
	       "opencl-headers and pocl-opencl-icd (bash scripts/install-deps.sh) and rebuild";
}

#define device_check NULL
#define opencl_prepare NULL
#define opencl_finish NULL
#define opencl_describe NULL
#define opencl_add_meta NULL

/* Never called: `parbench run` refuses an unavailable strategy. */
static int opencl_run(struct pb_run *run)
{
	return pb_fail(run, "%s", opencl_unavailable(NULL));
}

#endif

static const char *opencl_skips(const struct pb_workload *w)
{
	return pb_cl_program_of(w) ? NULL : "no kernel (opencl runs cpu.sumsq, cpu.mandel, "
					    "cpu.nop and mem.triad)";
}

static const struct pb_option opencl_options[] = {
	{ .name = "device", .type = PB_OPTION_TEXT, .metavar = "N|NAME",
	  .offset = offsetof(struct opencl_options, device),
	  .help = "opencl's device: its number in `parbench list`, or the start of its name "
		  "(default: the first GPU, else device 0)",
	  .allowed = "a device `parbench list` names: its number or the start of its name",
	  .check = device_check },
	{ .name = "cl-options", .type = PB_OPTION_TEXT, .metavar = "TEXT",
	  .offset = offsetof(struct opencl_options, cl_options),
	  .help = "opencl: more options for its kernel's build (clBuildProgram), after "
		  "-cl-fp32-correctly-rounded-divide-sqrt",
	  .allowed = "OpenCL build options" },
	{ 0 },
};

const struct pb_strategy pb_strategy_opencl = {
	.name = "opencl",
	.summary = "the job offloaded to an OpenCL device (PoCL's CPU device, or a GPU: "
		   "--device), one work-item per task; --workers: its compute units",
	.run = opencl_run,
	.prepare = opencl_prepare,
	.finish = opencl_finish,
	.skips = opencl_skips,
	.by_name_only = true,	/* -s all's -n goes past a device's compute units */
	.unavailable = opencl_unavailable,
	.describe = opencl_describe,
	.add_meta = opencl_add_meta,
	.options = opencl_options,
	.options_size = sizeof(struct opencl_options),
};
