/*
 * harness/machine/env.c: SMT sharing on a synthetic topology of 1 package x 2 cores
 * x 2 PUs, so PUs 0-1 are core 0 and PUs 2-3 core 1; and the warnings.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "machine/env.h"
#include "leaks.h"

static hwloc_topology_t topo;

static void load(const char *synthetic)
{
	cr_assert_eq(hwloc_topology_init(&topo), 0);
	cr_assert_eq(hwloc_topology_set_synthetic(topo, synthetic), 0);
	cr_assert_eq(hwloc_topology_load(topo), 0);
}

static void load_smt(void)
{
	load("pack:1 core:2 pu:2");
}

static void destroy(void)
{
	hwloc_topology_destroy(topo);
}

TestSuite(env, .init = load_smt, .fini = destroy);

/* Workers bound to the given logical PUs, as pb_pin_cpusets makes them. */
static hwloc_cpuset_t *bound_to(const unsigned *pus, unsigned workers)
{
	hwloc_cpuset_t *sets = calloc(workers, sizeof(*sets));

	cr_assert_not_null(sets);
	for (unsigned w = 0; w < workers; w++)
		sets[w] = hwloc_bitmap_dup(hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, pus[w])->cpuset);
	return sets;
}

static bool shared(const unsigned *pus, unsigned workers)
{
	hwloc_cpuset_t *sets = bound_to(pus, workers);
	bool result = pb_env_smt_shared(topo, sets, workers);

	pb_pin_cpusets_free(sets, workers);
	return result;
}

Test(env, unbound_workers_share_nothing)
{
	cr_assert_not(pb_env_smt_shared(topo, NULL, 4));
}

Test(env, siblings_of_one_core_are_shared)
{
	cr_assert(shared((unsigned[]){ 0, 1 }, 2));
	cr_assert(shared((unsigned[]){ 2, 3 }, 2));
	cr_assert(shared((unsigned[]){ 0, 2, 3 }, 3));
	cr_assert(shared((unsigned[]){ 1, 1, 0 }, 3));
	assert_no_leaks();
}

Test(env, one_pu_per_core_is_not_shared)
{
	cr_assert_not(shared((unsigned[]){ 0 }, 1));
	cr_assert_not(shared((unsigned[]){ 0, 2 }, 2));
	cr_assert_not(shared((unsigned[]){ 3, 1 }, 2));
}

/* More workers than PUs put two on one PU: oversubscription, not SMT. */
Test(env, one_pu_twice_is_not_smt)
{
	cr_assert_not(shared((unsigned[]){ 0, 0 }, 2));
	cr_assert_not(shared((unsigned[]){ 0, 2, 0, 2 }, 4));
}

static bool policy_shares(const char *spec, unsigned workers)
{
	char why[128];
	struct pb_pin pin;
	hwloc_cpuset_t *sets;
	bool result;

	cr_assert_eq(pb_pin_parse(spec, pb_topology_pus(topo), &pin, why, sizeof(why)), 0,
		     "%s: %s", spec, why);
	sets = pb_pin_cpusets(topo, &pin, workers);
	result = pb_env_smt_shared(topo, sets, workers);
	pb_pin_cpusets_free(sets, workers);
	pb_pin_free(&pin);
	return result;
}

Test(env, pin_policies)
{
	cr_assert(policy_shares("compact", 2), "compact puts workers 0 and 1 on core 0");
	cr_assert_not(policy_shares("scatter", 2), "scatter gives each worker a core");
	cr_assert(policy_shares("scatter", 3));
	cr_assert_not(policy_shares("pu:0,2", 2));
	cr_assert_not(policy_shares("none", 4));
	assert_no_leaks();
}

static void load_no_smt(void)
{
	load("pack:1 core:2 pu:1");
}

Test(env_no_smt, compact_never_shares, .init = load_no_smt, .fini = destroy)
{
	cr_assert_not(policy_shares("compact", 2));
	cr_assert_not(policy_shares("compact", 4), "wrapping onto the same PUs");
}

/* What fn writes to a stream, malloc'd. */
static char *captured(void (*fn)(FILE *, void *), void *arg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	cr_assert_not_null(f);
	fn(f, arg);
	fclose(f);
	return text;
}

static void warn_hello(FILE *f, void *arg)
{
	pb_env_warn(f, "hello %s", (const char *)arg);
}

Test(env, warning_is_one_prefixed_line)
{
	char *text = captured(warn_hello, "world");

	cr_assert_str_eq(text, "parbench: warning: hello world\n");
	free(text);
}

static void warn_smt(FILE *f, void *arg)
{
	struct pb_pin pins[2];
	char why[128];
	uint64_t counts[] = { 1, 2, 4 };
	struct pb_list workers = { .v = counts, .n = 3 };

	(void)arg;
	cr_assert_eq(pb_pin_parse("compact", 4, &pins[0], why, sizeof(why)), 0);
	cr_assert_eq(pb_pin_parse("pu:0,2", 4, &pins[1], why, sizeof(why)), 0);
	pb_env_warn_smt(f, topo, pins, 2, &workers);
	pb_pin_free(&pins[0]);
	pb_pin_free(&pins[1]);
}

Test(env, smt_warning_names_the_policy_and_counts)
{
	char *text = captured(warn_smt, NULL);

	cr_assert_str_eq(text, "parbench: warning: --pin compact puts two workers of a cell on "
			 "SMT siblings of one core (with 2, 4 workers): they share its "
			 "execution units\n");
	free(text);
	assert_no_leaks();
}

static void warn_machine(FILE *f, void *arg)
{
	(void)arg;
	pb_env_warn_machine(f, topo);
}

/* What it says depends on the machine; how it says it does not. */
Test(env, machine_warnings_are_prefixed_lines)
{
	char *text = captured(warn_machine, NULL);

	for (char *line = text, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		cr_assert_not_null(end, "an unfinished line: %s", line);
		cr_assert_eq(strncmp(line, "parbench: warning: ", 19), 0, "%.*s",
			     (int)(end - line), line);
	}
	free(text);
}

Test(env, hypervisor_names)
{
	cr_assert_str_eq(pb_env_hypervisor_name("KVMKVMKVM"), "kvm");
	cr_assert_str_eq(pb_env_hypervisor_name("Microsoft Hv"), "hyperv");
	cr_assert_str_eq(pb_env_hypervisor_name("XenVMMXenVMM"), "xen");
	cr_assert_null(pb_env_hypervisor_name("SomethingNew"));
	cr_assert_null(pb_env_hypervisor_name(""));
}
