#include <errno.h>
#include <hwloc/glibc-sched.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "machine/cpus.h"
#include "machine/pin.h"

/*
 * hwloc's I/O plugins (PCI, OpenCL, GL, libxml) dlopen X11, OpenCL and ICU:
 * a hundred mappings that every fork must copy, which made fork+waitpid
 * take twice as long.  parbench needs only the CPU topology, so they are
 * kept out unless the user's environment says otherwise.
 */
#define PB_HWLOC_UNUSED_PLUGINS \
	"hwloc_pci,hwloc_opencl,hwloc_gl,hwloc_xml_libxml,hwloc_cuda,hwloc_nvml," \
	"hwloc_rsmi,hwloc_levelzero"

int pb_topology_load(hwloc_topology_t *topology, char *why, size_t whylen)
{
	/* Restricting to our binding honours an outer taskset or mpirun. */
	unsigned long flags = HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM |
			      HWLOC_TOPOLOGY_FLAG_RESTRICT_TO_CPUBINDING;

	setenv("HWLOC_PLUGINS_BLACKLIST", PB_HWLOC_UNUSED_PLUGINS, 0);
	if (hwloc_topology_init(topology) < 0)
		goto fail;
	/*
	 * The x86 backend binds the process to each PU in turn to read its
	 * CPUID: 0.3 ms or more of a load's 1 to 2.  Linux's sysfs gives the
	 * same objects, numbers and caches; only the caches' "Inclusive" is lost.
	 */
	if (hwloc_topology_set_components(*topology, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST,
					  "x86") < 0 ||
	    hwloc_topology_set_flags(*topology, flags) < 0 ||
	    hwloc_topology_load(*topology) < 0) {
		int saved = errno;

		hwloc_topology_destroy(*topology);
		errno = saved;
		goto fail;
	}
	return 0;

fail:
	snprintf(why, whylen, "cannot load the hwloc topology: %s", strerror(errno));
	return -1;
}

unsigned pb_topology_pus(hwloc_topology_t topology)
{
	return (unsigned)hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_PU);
}

const char *pb_topology_cpu_model(hwloc_topology_t topology)
{
	hwloc_obj_t package = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PACKAGE, 0);
	const char *model = package ? hwloc_obj_get_info_by_name(package, "CPUModel") : NULL;

	return model ? model : "unknown CPU";
}

static void print_counts(hwloc_topology_t topology, FILE *out)
{
	static const struct {
		hwloc_obj_type_t type;
		const char *name;
	} kinds[] = {
		{ HWLOC_OBJ_PACKAGE, "package" },
		{ HWLOC_OBJ_CORE, "core" },
		{ HWLOC_OBJ_PU, "PU" },
		{ HWLOC_OBJ_NUMANODE, "NUMA node" },
	};

	fprintf(out, "machine: %s\n        ", pb_topology_cpu_model(topology));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int n = hwloc_get_nbobjs_by_type(topology, kinds[i].type);

		fprintf(out, "%s%d %s%s", i ? ", " : "", n, kinds[i].name, n == 1 ? "" : "s");
	}
	fputc('\n', out);
}

static void print_caches(hwloc_topology_t topology, FILE *out)
{
	const char *sep = "";

	fputs("caches: ", out);
	for (int t = HWLOC_OBJ_L1CACHE; t <= HWLOC_OBJ_L3ICACHE; t++) {
		hwloc_obj_t cache = hwloc_get_obj_by_type(topology, (hwloc_obj_type_t)t, 0);
		char name[32];

		if (!cache)
			continue;
		unsigned long long kib = (unsigned long long)cache->attr->cache.size / 1024;

		hwloc_obj_type_snprintf(name, sizeof(name), cache, 0);
		fprintf(out, "%s%s %llu %s x%d", sep, name, kib % 1024 ? kib : kib / 1024,
			kib % 1024 ? "KiB" : "MiB",
			hwloc_get_nbobjs_by_type(topology, (hwloc_obj_type_t)t));
		sep = ", ";
	}
	fputs(*sep ? "\n" : "none reported\n", out);
}

static void print_numa(hwloc_topology_t topology, FILE *out)
{
	hwloc_obj_t node = NULL;

	while ((node = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_NUMANODE, node))) {
		char *pus;

		hwloc_bitmap_list_asprintf(&pus, node->cpuset);
		fprintf(out, "numa:   node %u: %.1f GiB, OS CPUs %s\n", node->logical_index,
			(double)node->attr->numanode.local_memory / (1 << 30), pus);
		free(pus);
	}
}

static void print_layout(hwloc_topology_t topology, FILE *out)
{
	hwloc_obj_t core = NULL;

	fputs("layout: PU = logical number (--pin pu:LIST), os = the kernel's CPU number\n", out);
	while ((core = hwloc_get_next_obj_by_type(topology, HWLOC_OBJ_CORE, core))) {
		hwloc_obj_t package = hwloc_get_ancestor_obj_by_type(topology,
								     HWLOC_OBJ_PACKAGE, core);
		hwloc_obj_t pu = NULL;

		fprintf(out, "  package %u core %u:", package ? package->logical_index : 0,
			core->logical_index);
		while ((pu = hwloc_get_next_obj_inside_cpuset_by_type(topology, core->cpuset,
								      HWLOC_OBJ_PU, pu)))
			fprintf(out, " PU %u (os %u)", pu->logical_index, pu->os_index);
		fputc('\n', out);
	}
}

void pb_topology_print(hwloc_topology_t topology, FILE *out)
{
	print_counts(topology, out);
	print_caches(topology, out);
	print_numa(topology, out);
	print_layout(topology, out);
}

int pb_pin_parse(const char *text, unsigned pus, struct pb_pin *pin, char *why, size_t whylen)
{
	*pin = (struct pb_pin){ .spec = text };
	if (strcmp(text, "none") == 0)
		pin->policy = PB_PIN_NONE;
	else if (strcmp(text, "compact") == 0)
		pin->policy = PB_PIN_COMPACT;
	else if (strcmp(text, "scatter") == 0)
		pin->policy = PB_PIN_SCATTER;
	else if (strncmp(text, "pu:", 3) == 0) {
		pin->policy = PB_PIN_LIST;
		return pb_parse_list(text + 3, 0, pus - 1, &pin->pus, why, whylen);
	} else {
		snprintf(why, whylen, "'%s' is not a policy", text);
		return -1;
	}
	return 0;
}

void pb_pin_free(struct pb_pin *pin)
{
	pb_list_free(&pin->pus);
}

static hwloc_cpuset_t pu_cpuset(hwloc_topology_t topology, unsigned logical)
{
	hwloc_obj_t pu = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, logical);

	return hwloc_bitmap_dup(pu->cpuset);
}

hwloc_cpuset_t *pb_pin_cpusets(hwloc_topology_t topology, const struct pb_pin *pin,
			       unsigned workers)
{
	unsigned pus = pb_topology_pus(topology);
	hwloc_cpuset_t *sets;
	hwloc_obj_t root;

	if (pin->policy == PB_PIN_NONE)
		return NULL;
	sets = calloc(workers, sizeof(*sets));
	if (!sets)
		return NULL;
	switch (pin->policy) {
	case PB_PIN_COMPACT:
		for (unsigned w = 0; w < workers; w++)
			sets[w] = pu_cpuset(topology, w % pus);
		break;
	case PB_PIN_LIST:
		for (unsigned w = 0; w < workers; w++)
			sets[w] = pu_cpuset(topology, (unsigned)pin->pus.v[w % pin->pus.n]);
		break;
	case PB_PIN_SCATTER:
		root = hwloc_get_root_obj(topology);
		hwloc_distrib(topology, &root, 1, sets, workers, INT_MAX, 0);
		for (unsigned w = 0; w < workers; w++)
			hwloc_bitmap_singlify(sets[w]);
		break;
	case PB_PIN_NONE:
		break;
	}
	return sets;
}

void pb_pin_cpusets_free(hwloc_cpuset_t *sets, unsigned workers)
{
	if (!sets)
		return;
	for (unsigned w = 0; w < workers; w++)
		hwloc_bitmap_free(sets[w]);
	free(sets);
}

int pb_pin_pus(hwloc_topology_t topology, const struct pb_pin *pin, unsigned workers)
{
	unsigned pus = pb_topology_pus(topology);
	hwloc_cpuset_t *sets;
	hwloc_bitmap_t given;
	int n = -ENOMEM;

	if (pin->policy == PB_PIN_NONE)
		return (int)(workers < pus ? workers : pus);
	sets = pb_pin_cpusets(topology, pin, workers);
	given = hwloc_bitmap_alloc();
	if (sets && given) {
		for (unsigned w = 0; w < workers; w++)
			hwloc_bitmap_or(given, given, sets[w]);
		n = hwloc_bitmap_weight(given);
	}
	hwloc_bitmap_free(given);
	pb_pin_cpusets_free(sets, workers);
	return n;
}

cpu_set_t *pb_pin_cpu_sets(hwloc_topology_t topology, const struct pb_pin *pin, unsigned workers)
{
	hwloc_cpuset_t *sets = pb_pin_cpusets(topology, pin, workers);
	cpu_set_t *cpus = sets ? calloc(workers, sizeof(*cpus)) : NULL;

	for (unsigned w = 0; cpus && w < workers; w++)
		hwloc_cpuset_to_glibc_sched_affinity(topology, sets[w], &cpus[w], sizeof(cpus[w]));
	pb_pin_cpusets_free(sets, workers);
	return cpus;
}

char *pb_pin_cpu_sets_text(hwloc_topology_t topology, const struct pb_pin *pin, unsigned workers)
{
	cpu_set_t *cpus = pb_pin_cpu_sets(topology, pin, workers);
	char *text = NULL;
	size_t len;
	FILE *out = cpus ? open_memstream(&text, &len) : NULL;

	if (out) {
		pb_cpu_sets_print(out, cpus, workers);
		fclose(out);
	}
	free(cpus);
	return text;
}

char *pb_topology_pu_os(hwloc_topology_t topology)
{
	unsigned pus = pb_topology_pus(topology);
	char *text = NULL;
	size_t len;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	for (unsigned i = 0; i < pus; i++)
		fprintf(out, "%s%u", i ? "," : "",
			hwloc_get_obj_by_type(topology, HWLOC_OBJ_PU, i)->os_index);
	fclose(out);
	return text;
}
