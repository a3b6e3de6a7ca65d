/*
 * The state of the machine a run measures on, as /proc, /sys, CPUID and
 * the load average tell it, and warnings about what spoils measurements.
 *
 * A probe says "unknown" (NULL, false, -1) where the machine does not
 * expose a value: meta.json then records null, never a guess.
 */
#ifndef PARBENCH_ENV_H
#define PARBENCH_ENV_H

#include <hwloc.h>
#include <stdbool.h>
#include <stdio.h>

#include "util/parse.h"
#include "machine/pin.h"

struct pb_hypervisor {
	char cpuid_vendor[13];	/* CPUID leaf 0x40000000; "" when the hypervisor bit is clear */
	char sys_type[32];	/* /sys/hypervisor/type; "" where absent */
	const char *name;	/* "kvm", "xen", ...; NULL when nothing names it */
};

struct pb_loadavg {
	bool ok;		/* getloadavg answered */
	double avg[3];		/* over 1, 5 and 15 minutes */
};

/* hwloc's CPUModel, else /proc/cpuinfo's "model name"; NULL when neither says. */
const char *pb_env_cpu_model(hwloc_topology_t topology, char *buf, size_t len);

/* The first processor's "flags" line of /proc/cpuinfo ("Features" on Arm), malloc'd; or NULL. */
char *pb_env_cpu_flags(void);

/* true when CPUID or /sys says a hypervisor runs us; false on bare metal. */
bool pb_env_hypervisor(struct pb_hypervisor *hv);

/* The short name of a CPUID hypervisor vendor ("KVMKVMKVM" -> "kvm"), or NULL. */
const char *pb_env_hypervisor_name(const char *cpuid_vendor);

/* cpu0's cpufreq scaling governor: true, or false where cpufreq is absent. */
bool pb_env_governor(char *buf, size_t len);

/* 1 when turbo (boost) is on, 0 when off, -1 where the kernel does not say. */
int pb_env_turbo(void);

void pb_env_loadavg(struct pb_loadavg *load);

/* Calls each(name, value, arg) for every OMP_* and GOMP_* environment variable. */
void pb_env_omp_vars(void (*each)(const char *name, const char *value, void *arg), void *arg);

/*
 * The GCC version of the libgomp parbench was linked with, as the compiler
 * that built it knows it (libgomp ships with GCC); NULL when not built by GCC.
 */
const char *pb_env_libgomp_version(void);

/* One line on err: "parbench: warning: " and the message. */
void pb_env_warn(FILE *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Warns about what spoils every measurement of this machine: a governor
 * other than performance, turbo on, a load average above 0.5 per PU, and
 * a hypervisor.
 */
void pb_env_warn_machine(FILE *err, hwloc_topology_t topology);

/*
 * true when two workers' single-PU cpusets (pb_pin_cpusets) are different
 * PUs of one core, so they share its execution units; false when bind is
 * NULL.  Two workers on the same PU (more workers than PUs) do not count:
 * that is oversubscription, not SMT.
 */
bool pb_env_smt_shared(hwloc_topology_t topology, hwloc_cpuset_t *bind, unsigned workers);

/* One warning per pin policy that puts two workers of a cell on SMT siblings. */
void pb_env_warn_smt(FILE *err, hwloc_topology_t topology, const struct pb_pin *pins,
		     size_t npins, const struct pb_list *workers);

#endif
