#include <jansson.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <time.h>

#include "meta.h"
#include "output.h"
#include "version.h"

/* The Makefile passes the flags and revision it builds with. */
#ifndef PB_CFLAGS
#define PB_CFLAGS "unknown"
#endif
#ifdef __clang__
#define PB_COMPILER "clang " __clang_version__
#else
#define PB_COMPILER "gcc " __VERSION__
#endif
#ifndef PB_GIT_REVISION
#define PB_GIT_REVISION "unknown"
#endif

void pb_meta_now(char *buf, size_t len)
{
	time_t now = time(NULL);

	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
}

static json_t *caches_json(hwloc_topology_t topology)
{
	json_t *caches = json_array();

	for (int t = HWLOC_OBJ_L1CACHE; t <= HWLOC_OBJ_L3ICACHE; t++) {
		hwloc_obj_t cache = hwloc_get_obj_by_type(topology, (hwloc_obj_type_t)t, 0);
		char name[32];

		if (!cache)
			continue;
		hwloc_obj_type_snprintf(name, sizeof(name), cache, 0);
		json_array_append_new(caches, json_pack("{s:s, s:I, s:i}", "type", name, "size_kib",
							(json_int_t)(cache->attr->cache.size / 1024),
							"count",
							hwloc_get_nbobjs_by_type(topology,
										 (hwloc_obj_type_t)t)));
	}
	return caches;
}

static json_t *machine_json(hwloc_topology_t topology)
{
	hwloc_obj_t root = hwloc_get_root_obj(topology);

	return json_pack("{s:s, s:i, s:i, s:i, s:i, s:I, s:o}",
			 "cpu_model", pb_topology_cpu_model(topology),
			 "packages", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PACKAGE),
			 "cores", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE),
			 "pus", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU),
			 "numa_nodes", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_NUMANODE),
			 "memory_bytes", (json_int_t)root->total_memory,
			 "caches", caches_json(topology));
}

static json_t *os_json(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s}", "sysname", u.sysname, "release", u.release,
			 "version", u.version, "machine", u.machine);
}

static json_t *build_json(void)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s}", "parbench", PB_VERSION,
			 "git_revision", PB_GIT_REVISION, "compiler", PB_COMPILER,
			 "openmp", _OPENMP, "hwloc", HWLOC_VERSION, "jansson", jansson_version_str(),
			 "cflags", PB_CFLAGS);
}

static json_t *optional_number(uint64_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

static json_t *plan_json(const struct pb_options *o)
{
	json_t *workloads = json_array(), *strategies = json_array(), *workers = json_array();
	json_t *pins = json_array(), *sizes = json_array();

	for (size_t i = 0; i < o->nworkloads; i++)
		json_array_append_new(workloads, json_string(o->workloads[i]->name));
	for (size_t i = 0; i < o->nstrategies; i++)
		json_array_append_new(strategies, json_string(o->strategies[i]->name));
	for (size_t i = 0; i < o->workers.n; i++)
		json_array_append_new(workers, json_integer((json_int_t)o->workers.v[i]));
	for (size_t i = 0; i < o->npins; i++)
		json_array_append_new(pins, json_string(o->pins[i].spec));
	for (size_t i = 0; i < o->sizes.n; i++)	/* empty: each workload's own */
		json_array_append_new(sizes, json_integer((json_int_t)o->sizes.v[i]));
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:f, s:i, s:s, s:I, s:f}",
			 "workloads", workloads, "strategies", strategies,
			 "workers", workers, "pin", pins,
			 "tasks", optional_number(o->tasks), "size", sizes,
			 "reps", o->reps_auto ? json_string("auto") : json_integer(o->reps),
			 "reps_auto", o->reps_auto, "max_time_s", o->max_time_s,
			 "warmup", o->warmup,
			 "order", o->order == PB_ORDER_INTERLEAVED ? "interleaved" : "sequential",
			 "seed", (json_int_t)o->seed, "timeout_s", o->timeout_s);
}

static json_t *meta_json(const struct pb_meta *m)
{
	json_t *command = json_array();

	for (int i = 0; i < m->argc; i++)
		json_array_append_new(command, json_string(m->argv[i]));
	return json_pack("{s:s, s:o, s:s, s:o, s:s, s:o, s:o, s:o, s:o}",
			 "run_id", m->run_id, "command", command, "start", m->start,
			 "end", m->end[0] ? json_string(m->end) : json_null(),
			 "status", m->status, "machine", machine_json(m->topology),
			 "os", os_json(), "build", build_json(), "plan", plan_json(m->opts));
}

static int fill_meta(FILE *f, const void *arg)
{
	json_t *meta = meta_json(arg);
	int rc = meta ? json_dumpf(meta, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : -1;

	if (rc == 0)
		fputc('\n', f);
	json_decref(meta);
	return rc;
}

int pb_meta_write(const struct pb_meta *meta)
{
	char *path = pb_path(meta->dir, "meta.json");
	int rc = path ? pb_write_atomically(path, fill_meta, meta) : -1;

	free(path);
	return rc;
}
