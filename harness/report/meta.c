#include <errno.h>
#include <gsl/gsl_version.h>
#include <jansson.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <uv.h>

#include "machine/env.h"
#include "machine/slurm.h"
#include "report/meta.h"
#include "report/output.h"
#include "strategies/strategy.h"
#include "util/version.h"

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

/* The first processor's flags, as an array; null where /proc/cpuinfo has none. */
static json_t *cpu_flags_json(void)
{
	char *flags = pb_env_cpu_flags(), *save = NULL;
	json_t *array;

	if (!flags)
		return json_null();
	array = json_array();
	for (char *flag = strtok_r(flags, " \t", &save); flag; flag = strtok_r(NULL, " \t", &save))
		json_array_append_new(array, json_string(flag));
	free(flags);
	return array;
}

static json_t *hypervisor_json(void)
{
	struct pb_hypervisor hv;

	if (!pb_env_hypervisor(&hv))
		return json_null();
	return json_pack("{s:s?, s:s?, s:s?}", "name", hv.name,
			 "cpuid_vendor", hv.cpuid_vendor[0] ? hv.cpuid_vendor : NULL,
			 "sys_type", hv.sys_type[0] ? hv.sys_type : NULL);
}

static json_t *governor_json(void)
{
	char governor[64];

	return pb_env_governor(governor, sizeof(governor)) ? json_string(governor) : json_null();
}

static json_t *turbo_json(void)
{
	int turbo = pb_env_turbo();

	return turbo < 0 ? json_null() : json_boolean(turbo);
}

static json_t *machine_json(const struct pb_meta *m)
{
	hwloc_topology_t topology = m->topology;
	hwloc_obj_t root = hwloc_get_root_obj(topology);
	char model[256];

	return json_pack("{s:s?, s:o, s:i, s:i, s:i, s:i, s:I, s:o, s:s?, s:o, s:o, s:o}",
			 "cpu_model", pb_env_cpu_model(topology, model, sizeof(model)),
			 "cpu_flags", cpu_flags_json(),
			 "packages", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PACKAGE),
			 "cores", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE),
			 "pus", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU),
			 "numa_nodes", hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_NUMANODE),
			 "memory_bytes", (json_int_t)root->total_memory,
			 "caches", caches_json(topology),
			 "topology_xml", m->topology_xml,
			 "hypervisor", hypervisor_json(),
			 "governor", governor_json(),
			 "turbo", turbo_json());
}

static json_t *os_json(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s}", "sysname", u.sysname, "release", u.release,
			 "version", u.version, "machine", u.machine);
}

/* hwloc's version is the headers'; libuv's, GSL's and jansson's the loaded library's. */
static json_t *build_json(void)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:s?, s:s, s:s, s:s, s:s, s:s}",
			 "parbench", PB_VERSION, "git_revision", PB_GIT_REVISION,
			 "compiler", PB_COMPILER, "openmp", _OPENMP,
			 "libgomp", pb_env_libgomp_version(), "hwloc", HWLOC_VERSION,
			 "libuv", uv_version_string(), "gsl", gsl_version,
			 "jansson", jansson_version_str(), "cflags", PB_CFLAGS);
}

static void add_variable(const char *name, const char *value, void *object)
{
	json_object_set_new(object, name, json_string(value));
}

/* As the cells inherit them, with OMP_STACKSIZE that the supervisor sets. */
static json_t *openmp_env_json(void)
{
	json_t *vars = json_object();

	pb_env_omp_vars(add_variable, vars);
	return vars;
}

static json_t *load_json(const struct pb_loadavg *load)
{
	return load->ok ? json_pack("[f, f, f]", load->avg[0], load->avg[1], load->avg[2])
			: json_null();
}

static json_t *optional_number(uint64_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

/* The options given to the workloads and strategies, as given. */
static json_t *settings_json(const struct pb_settings *settings)
{
	json_t *o = json_object();

	for (size_t i = 0; i < settings->n; i++)
		json_object_set_new(o, settings->v[i].option->name,
				    json_string(settings->v[i].value));
	return o;
}

static json_t *plan_json(const struct pb_options *o)
{
	json_t *workloads = json_array(), *strategies = json_array(), *workers = json_array();
	json_t *pins = json_array(), *sizes = json_array(), *plugins = json_object();

	for (size_t i = 0; i < o->nworkloads; i++) {
		const struct pb_workload *w = o->workloads[i];

		json_array_append_new(workloads, json_string(w->name));
		if (w->plugin)	/* where the plugin's shared object is: "plugin:PATH" */
			json_object_set_new(plugins, w->name,
					    json_string(pb_workload_plugin_path(w)));
	}
	for (size_t i = 0; i < o->nstrategies; i++)
		json_array_append_new(strategies, json_string(o->strategies[i]->name));
	for (size_t i = 0; i < o->workers.n; i++)
		json_array_append_new(workers, json_integer((json_int_t)o->workers.v[i]));
	for (size_t i = 0; i < o->npins; i++)
		json_array_append_new(pins, json_string(o->pins[i].spec));
	for (size_t i = 0; i < o->sizes.n; i++)	/* empty: each workload's own */
		json_array_append_new(sizes, json_integer((json_int_t)o->sizes.v[i]));
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:f, s:i, s:s, s:I, s:f, "
			 "s:o, s:f, s:o, s:s, s:s}",
			 "workloads", workloads, "plugins", plugins, "strategies", strategies,
			 "workers", workers, "pin", pins,
			 "tasks", optional_number(o->tasks), "size", sizes,
			 "reps", o->reps_auto ? json_string("auto") : json_integer(o->reps),
			 "reps_auto", o->reps_auto, "max_time_s", o->max_time_s,
			 "warmup", o->warmup,
			 "order", o->order == PB_ORDER_INTERLEAVED ? "interleaved" : "sequential",
			 "seed", (json_int_t)o->seed, "timeout_s", o->timeout_s,
			 "budget_s", o->budget_s ? json_real(o->budget_s) : json_null(),
			 "equivalence", o->equivalence, "options", settings_json(&o->settings),
			 "baseline", !o->baseline ? "none" : o->python_baseline ? "py-seq" : "seq",
			 "scaling", o->scaling == PB_SCALING_WEAK ? "weak" : "strong");
}

/* The warning lines, without their "parbench: warning: ". */
static json_t *warnings_json(const char *text)
{
	static const char prefix[] = "parbench: warning: ";
	json_t *lines;

	if (!text)		/* the log could not be kept */
		return json_null();
	lines = json_array();
	while (*text) {
		size_t len = strcspn(text, "\n");

		if (!strncmp(text, prefix, sizeof(prefix) - 1) && len >= sizeof(prefix) - 1)
			json_array_append_new(lines, json_stringn(text + sizeof(prefix) - 1,
								  len - (sizeof(prefix) - 1)));
		text += len + (text[len] == '\n');
	}
	return lines;
}

/* The plan's first strategy with this add_meta hook, or NULL. */
static const struct pb_strategy *planned_with(const struct pb_options *o,
					      void (*add_meta)(const void *, json_t *))
{
	for (size_t i = 0; i < o->nstrategies; i++)
		if (o->strategies[i]->add_meta == add_meta)
			return o->strategies[i];
	return NULL;
}

/* What each family of strategies records about the program it runs in (the interpreter). */
static void add_strategies_meta(const struct pb_options *o, json_t *meta)
{
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++) {
		const struct pb_strategy *planned;
		void *values;
		bool seen = false;

		for (const struct pb_strategy *const *t = pb_strategies; t < s && !seen; t++)
			seen = (*t)->add_meta == (*s)->add_meta;
		if (!(*s)->add_meta || seen)
			continue;
		planned = planned_with(o, (*s)->add_meta);
		values = planned ? pb_options_of_strategy(o, planned) : NULL;
		(*s)->add_meta(planned ? values : NULL, meta);
		free(values);
	}
}

/*
 * What counts the repetitions: getrusage the timed ones, perf_event_open the
 * counted one where any event opens; per event, null or why it cannot.
 */
static json_t *counters_json(const struct pb_counters *c)
{
	json_t *events = json_object();
	bool any = false;

	for (int e = 0; e < PB_NEVENTS; e++) {
		json_object_set_new(events, pb_event_name(e),
				    c->why[e][0] ? json_string(c->why[e]) : json_null());
		any = any || !c->why[e][0];
	}
	return json_pack("{s:s, s:s?, s:o, s:b}", "timed_repetitions", "getrusage",
			 "counted_repetition", any ? "perf_event_open" : NULL, "events", events,
			 "exclude_kernel", c->exclude_kernel);
}

static json_t *meta_json(const struct pb_meta *m)
{
	json_t *command = json_array(), *meta;

	for (int i = 0; i < m->argc; i++)
		json_array_append_new(command, json_string(m->argv[i]));
	meta = json_pack("{s:s, s:o, s:s, s:o, s:s, s:o, s:o, s:{s:o, s:o}, s:o, s:o, s:o, s:o, s:o, "
			 "s:o}",
			 "run_id", m->run_id, "command", command, "start", m->start,
			 "end", m->end[0] ? json_string(m->end) : json_null(),
			 "status", m->status, "warnings", warnings_json(m->warnings),
			 "noise", m->noise ? pb_noise_json(m->noise) : json_null(),
			 "load_average", "start", load_json(&m->load_start),
			 "end", load_json(&m->load_end),
			 "machine", machine_json(m),
			 "os", os_json(), "build", build_json(), "openmp_env", openmp_env_json(),
			 "plan", plan_json(m->opts), "counters", counters_json(m->counters));
	if (meta) {
		json_object_set_new(meta, "slurm", pb_slurm_json());	/* null outside a job */
		add_strategies_meta(m->opts, meta);
	}
	return meta;
}

static int fill_meta(FILE *f, const void *arg)
{
	json_t *meta = meta_json(arg);
	/* 15 digits: a load average of 0.36 reads 0.36, not 0.35999999999999999. */
	int rc = meta ? json_dumpf(meta, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				   JSON_REAL_PRECISION(15)) : -1;

	if (rc == 0)
		fputc('\n', f);
	json_decref(meta);
	return rc;
}

static int fill_topology(FILE *f, const void *arg)
{
	hwloc_topology_t topology = (hwloc_topology_t)arg;
	char *xml;
	int len, rc;

	if (hwloc_topology_export_xmlbuffer(topology, &xml, &len, 0) < 0)
		return -1;
	/* len counts the closing NUL. */
	rc = fwrite(xml, 1, (size_t)len - 1, f) == (size_t)len - 1 ? 0 : -1;
	hwloc_free_xmlbuffer(topology, xml);
	return rc;
}

/* dir/topology.xml: its name, or NULL (and a line on stderr) when it cannot be written. */
static const char *export_topology(const struct pb_meta *m)
{
	char *path = pb_path(m->dir, "topology.xml");
	int rc = path ? pb_write_atomically(path, fill_topology, m->topology) : -ENOMEM;

	if (rc)
		fprintf(stderr, "parbench: cannot write %s/topology.xml: %s\n", m->dir,
			strerror(-rc));
	free(path);
	return rc ? NULL : "topology.xml";
}

/* What is taken once: at the first write (the start) and at the first with an end. */
static void take_snapshots(struct pb_meta *m)
{
	if (!m->started) {
		pb_env_loadavg(&m->load_start);
		m->topology_xml = export_topology(m);
		m->started = true;
	}
	if (m->end[0] && !m->ended) {
		pb_env_loadavg(&m->load_end);
		m->ended = true;
	}
}

int pb_meta_write(struct pb_meta *meta)
{
	char *path = pb_path(meta->dir, "meta.json");
	int rc;

	take_snapshots(meta);
	rc = path ? pb_write_atomically(path, fill_meta, meta) : -ENOMEM;
	free(path);
	return rc;
}
