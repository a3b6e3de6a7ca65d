#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "machine/env.h"

#define PB_STR_(x) #x
#define PB_STR(x) PB_STR_(x)

/* The first line of a small /sys or /proc file, without its newline: true, or false. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok && buf[0];
}

/* "name<tabs>: value" -> value, or NULL when the line holds another field. */
static const char *cpuinfo_value(const char *line, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(line, name, n) != 0)
		return NULL;
	line += n + strspn(line + n, " \t");
	if (*line != ':')
		return NULL;
	return line + 1 + strspn(line + 1, " \t");
}

/* A field of /proc/cpuinfo's first processor, malloc'd; or NULL. */
static char *cpuinfo_field(const char *name)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *line = NULL, *found = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	/* A blank line ends the first processor's block. */
	while (!found && getline(&line, &cap, f) > 0 && line[0] != '\n') {
		const char *value = cpuinfo_value(line, name);

		if (value)
			found = strndup(value, strcspn(value, "\n"));
	}
	free(line);
	fclose(f);
	return found;
}

const char *pb_env_cpu_model(hwloc_topology_t topology, char *buf, size_t len)
{
	hwloc_obj_t package = hwloc_get_obj_by_type(topology, HWLOC_OBJ_PACKAGE, 0);
	const char *model = package ? hwloc_obj_get_info_by_name(package, "CPUModel") : NULL;
	char *line;

	if (model && *model) {
		snprintf(buf, len, "%s", model);
		return buf;
	}
	line = cpuinfo_field("model name");
	if (line)
		snprintf(buf, len, "%s", line);
	free(line);
	return line ? buf : NULL;
}

char *pb_env_cpu_flags(void)
{
	char *flags = cpuinfo_field("flags");

	return flags ? flags : cpuinfo_field("Features");
}

#if defined(__x86_64__) || defined(__i386__)
/* The vendor of CPUID's hypervisor leaf: true when CPUID's hypervisor bit is set. */
static bool cpuid_hypervisor(char vendor[13])
{
	unsigned int a, b, c, d;

	vendor[0] = '\0';
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return false;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &c, 4);
	memcpy(vendor + 8, &d, 4);
	vendor[12] = '\0';
	/* meta.json wants printable text; the vendors pad with NULs or spaces. */
	for (char *p = vendor; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	for (size_t n = strlen(vendor); n && vendor[n - 1] == ' '; n--)
		vendor[n - 1] = '\0';
	return true;
}
#else
static bool cpuid_hypervisor(char vendor[13])
{
	vendor[0] = '\0';
	return false;
}
#endif

const char *pb_env_hypervisor_name(const char *cpuid_vendor)
{
	static const struct {
		const char *vendor, *name;
	} known[] = {
		{ "KVMKVMKVM", "kvm" },
		{ "Linux KVM Hv", "kvm" },	/* KVM with Hyper-V enlightenments */
		{ "Microsoft Hv", "hyperv" },
		{ "VMwareVMware", "vmware" },
		{ "XenVMMXenVMM", "xen" },
		{ "TCGTCGTCGTCG", "qemu" },
		{ "VBoxVBoxVBox", "virtualbox" },
		{ "bhyve bhyve", "bhyve" },
		{ " lrpepyh  vr", "parallels" },
		{ "ACRNACRNACRN", "acrn" },
		{ "QNXQVMBSQG", "qnx" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(cpuid_vendor, known[i].vendor) == 0)
			return known[i].name;
	return NULL;
}

bool pb_env_hypervisor(struct pb_hypervisor *hv)
{
	bool bit = cpuid_hypervisor(hv->cpuid_vendor);

	if (!read_line("/sys/hypervisor/type", hv->sys_type, sizeof(hv->sys_type)))
		hv->sys_type[0] = '\0';
	/* Name it as CPUID's vendor is known, else as the kernel or CPUID spell it. */
	hv->name = pb_env_hypervisor_name(hv->cpuid_vendor);
	if (!hv->name && hv->sys_type[0])
		hv->name = hv->sys_type;
	if (!hv->name && hv->cpuid_vendor[0])
		hv->name = hv->cpuid_vendor;
	return bit || hv->sys_type[0];
}

bool pb_env_governor(char *buf, size_t len)
{
	return read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, len);
}

/* A "0" or "1" file: 0 or 1, or -1 when absent or otherwise. */
static int read_bit(const char *path)
{
	char v[8];

	if (!read_line(path, v, sizeof(v)) || (strcmp(v, "0") && strcmp(v, "1")))
		return -1;
	return v[0] == '1';
}

int pb_env_turbo(void)
{
	int bit = read_bit("/sys/devices/system/cpu/intel_pstate/no_turbo");

	if (bit >= 0)
		return !bit;
	bit = read_bit("/sys/devices/system/cpu/cpufreq/boost");
	if (bit >= 0)
		return bit;
	/* amd-pstate and newer cpufreq drivers say it per policy. */
	return read_bit("/sys/devices/system/cpu/cpufreq/policy0/boost");
}

void pb_env_loadavg(struct pb_loadavg *load)
{
	load->ok = getloadavg(load->avg, 3) == 3;
}

void pb_env_omp_vars(void (*each)(const char *name, const char *value, void *arg), void *arg)
{
	for (char **var = environ; *var; var++) {
		const char *eq = strchr(*var, '=');
		char *name;

		if (!eq || (strncmp(*var, "OMP_", 4) && strncmp(*var, "GOMP_", 5)))
			continue;
		name = strndup(*var, (size_t)(eq - *var));
		if (name)
			each(name, eq + 1, arg);
		free(name);
	}
}

const char *pb_env_libgomp_version(void)
{
#if defined(__GNUC__) && !defined(__clang__)
	return PB_STR(__GNUC__) "." PB_STR(__GNUC_MINOR__) "." PB_STR(__GNUC_PATCHLEVEL__);
#else
	return NULL;
#endif
}

void pb_env_warn(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("parbench: warning: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
}

void pb_env_warn_machine(FILE *err, hwloc_topology_t topology)
{
	unsigned pus = pb_topology_pus(topology);
	struct pb_hypervisor hv;
	struct pb_loadavg load;
	char governor[64];

	if (pb_env_governor(governor, sizeof(governor)) && strcmp(governor, "performance"))
		pb_env_warn(err, "the CPU frequency governor is '%s', not 'performance': "
			    "clock speeds follow the load", governor);
	if (pb_env_turbo() == 1)
		pb_env_warn(err, "turbo boost is on: clock speeds follow temperature and "
			    "the number of busy cores");
	pb_env_loadavg(&load);
	if (load.ok && load.avg[0] > 0.5 * pus)
		pb_env_warn(err, "the load average is %.2f, above 0.5 per PU (%u PUs): "
			    "other work competes for the CPUs", load.avg[0], pus);
	if (pb_env_hypervisor(&hv))
		pb_env_warn(err, "running under a hypervisor (%s): other guests and the "
			    "scheduling of virtual CPUs add noise", hv.name ? hv.name : "unnamed");
}

bool pb_env_smt_shared(hwloc_topology_t topology, hwloc_cpuset_t *bind, unsigned workers)
{
	int ncores = hwloc_get_nbobjs_by_type(topology, HWLOC_OBJ_CORE);
	int *first_pu;		/* per core: the first worker's PU (OS index), or -1 */
	bool shared = false;

	if (!bind || ncores <= 0)
		return false;
	first_pu = malloc((size_t)ncores * sizeof(*first_pu));
	if (!first_pu)
		return false;
	for (int c = 0; c < ncores; c++)
		first_pu[c] = -1;
	for (unsigned w = 0; w < workers && !shared; w++) {
		hwloc_obj_t core;
		int pu;

		if (!bind[w])
			continue;
		core = hwloc_get_next_obj_covering_cpuset_by_type(topology, bind[w],
								   HWLOC_OBJ_CORE, NULL);
		pu = hwloc_bitmap_first(bind[w]);
		if (!core || pu < 0)
			continue;
		if (first_pu[core->logical_index] < 0)
			first_pu[core->logical_index] = pu;
		else
			shared = first_pu[core->logical_index] != pu;
	}
	free(first_pu);
	return shared;
}

#define PB_SMT_LISTED 8		/* worker counts one warning names */

/* Lists in buf the worker counts that pin puts on SMT siblings: how many there are. */
static unsigned smt_counts(hwloc_topology_t topology, const struct pb_pin *pin,
			   const struct pb_list *workers, char *buf, size_t len)
{
	unsigned found = 0;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < workers->n; i++) {
		unsigned n = (unsigned)workers->v[i];
		hwloc_cpuset_t *bind = pb_pin_cpusets(topology, pin, n);
		bool shared = pb_env_smt_shared(topology, bind, n);

		pb_pin_cpusets_free(bind, n);
		if (!shared)
			continue;
		if (found < PB_SMT_LISTED)
			used += (size_t)snprintf(buf + used, len - used, "%s%u", found ? ", " : "", n);
		else if (found == PB_SMT_LISTED)
			snprintf(buf + used, len - used, ", ...");
		found++;
	}
	return found;
}

void pb_env_warn_smt(FILE *err, hwloc_topology_t topology, const struct pb_pin *pins,
		     size_t npins, const struct pb_list *workers)
{
	/* PB_SMT_LISTED counts of 10 digits, their commas and the "...". */
	char counts[PB_SMT_LISTED * 12 + 8];

	for (size_t p = 0; p < npins; p++)
		if (smt_counts(topology, &pins[p], workers, counts, sizeof(counts)))
			pb_env_warn(err, "--pin %s puts two workers of a cell on SMT siblings "
				    "of one core (with %s workers): they share its execution units",
				    pins[p].spec, counts);
}
