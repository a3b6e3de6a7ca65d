/*
 * harness/machine/pin.c on a synthetic topology: 2 packages x 2 cores x 2 PUs, so
 * PUs 0-1 are core 0, PUs 0-3 package 0, and PUs 4-7 package 1.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "machine/pin.h"
#include "leaks.h"

static hwloc_topology_t topo;
static char why[128];

static void load_synthetic(void)
{
	cr_assert_eq(hwloc_topology_init(&topo), 0);
	cr_assert_eq(hwloc_topology_set_synthetic(topo, "pack:2 core:2 pu:2"), 0);
	cr_assert_eq(hwloc_topology_load(topo), 0);
}

static void destroy_synthetic(void)
{
	hwloc_topology_destroy(topo);
}

TestSuite(pin, .init = load_synthetic, .fini = destroy_synthetic);

static hwloc_const_cpuset_t pu(unsigned logical)
{
	return hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, logical)->cpuset;
}

/* The logical number of the single PU in set. */
static unsigned pu_of(hwloc_const_cpuset_t set)
{
	cr_assert_eq(hwloc_bitmap_weight(set), 1, "a set of %d PUs", hwloc_bitmap_weight(set));
	for (unsigned i = 0; i < pb_topology_pus(topo); i++)
		if (hwloc_bitmap_isequal(set, pu(i)))
			return i;
	cr_assert_fail("the set is no PU of the topology");
	return 0;
}

/* Parses spec, and asserts pb_pin_cpusets puts workers on want[0..workers). */
static void pins_to(const char *spec, unsigned workers, const unsigned *want)
{
	struct pb_pin pin;
	hwloc_cpuset_t *sets;

	cr_assert_eq(pb_pin_parse(spec, pb_topology_pus(topo), &pin, why, sizeof(why)), 0,
		     "%s: %s", spec, why);
	sets = pb_pin_cpusets(topo, &pin, workers);
	cr_assert_not_null(sets);
	for (unsigned w = 0; w < workers; w++) {
		cr_assert_not_null(sets[w]);
		cr_assert_eq(pu_of(sets[w]), want[w], "%s, worker %u of %u: PU %u, not %u",
			     spec, w, workers, pu_of(sets[w]), want[w]);
		cr_assert(hwloc_bitmap_isequal(sets[w], pu(want[w])));
	}
	pb_pin_cpusets_free(sets, workers);
	pb_pin_free(&pin);
	assert_no_leaks();
}

/* A string the code under test malloc'd, compared and freed. */
static void assert_text(char *text, const char *want)
{
	cr_assert_not_null(text);
	cr_assert_str_eq(text, want);
	free(text);
}

Test(pin, synthetic_topology)
{
	cr_assert_eq(pb_topology_pus(topo), 8);
	assert_text(pb_topology_pu_os(topo), "0,1,2,3,4,5,6,7");
}

Test(pin, parse_policies)
{
	struct pb_pin pin;

	cr_assert_eq(pb_pin_parse("none", 8, &pin, why, sizeof(why)), 0);
	cr_assert_eq(pin.policy, PB_PIN_NONE);
	cr_assert_str_eq(pin.spec, "none");
	cr_assert_eq(pb_pin_parse("compact", 8, &pin, why, sizeof(why)), 0);
	cr_assert_eq(pin.policy, PB_PIN_COMPACT);
	cr_assert_eq(pb_pin_parse("scatter", 8, &pin, why, sizeof(why)), 0);
	cr_assert_eq(pin.policy, PB_PIN_SCATTER);
	pb_pin_free(&pin);
}

Test(pin, parse_pu_list)
{
	struct pb_pin pin;
	const uint64_t want[] = { 0, 1, 2, 3, 6 };

	cr_assert_eq(pb_pin_parse("pu:0-3,6", 8, &pin, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(pin.policy, PB_PIN_LIST);
	cr_assert_str_eq(pin.spec, "pu:0-3,6");
	cr_assert_eq(pin.pus.n, 5);
	for (size_t i = 0; i < 5; i++)
		cr_assert_eq(pin.pus.v[i], want[i]);
	pb_pin_free(&pin);
	cr_assert_null(pin.pus.v);
}

static void pin_refused(const char *spec, unsigned pus, const char *reason)
{
	struct pb_pin pin;

	why[0] = '\0';
	cr_assert_eq(pb_pin_parse(spec, pus, &pin, why, sizeof(why)), -1, "%s accepted", spec);
	cr_assert_null(pin.pus.v);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", spec, why, reason);
}

Test(pin, parse_refuses)
{
	pin_refused("pu:8", 8, "'8' is out of range");
	pin_refused("pu:", 8, "an empty item");
	pin_refused("pu:1,1", 8, "1 is given twice");
	pin_refused("bogus", 8, "'bogus' is not a policy");
	pin_refused("Compact", 8, "'Compact' is not a policy");
	pin_refused("", 8, "'' is not a policy");
}

Test(pin, none_gives_no_sets)
{
	struct pb_pin pin;

	cr_assert_eq(pb_pin_parse("none", 8, &pin, why, sizeof(why)), 0);
	cr_assert_null(pb_pin_cpusets(topo, &pin, 4));
	pb_pin_cpusets_free(NULL, 4);
}

Test(pin, compact)
{
	pins_to("compact", 3, (const unsigned[]){ 0, 1, 2 });
}

Test(pin, compact_wraps)
{
	pins_to("compact", 10, (const unsigned[]){ 0, 1, 2, 3, 4, 5, 6, 7, 0, 1 });
}

Test(pin, list_in_its_order_and_wrapping)
{
	pins_to("pu:5,3", 3, (const unsigned[]){ 5, 3, 5 });
	pins_to("pu:0-3,6", 6, (const unsigned[]){ 0, 1, 2, 3, 6, 0 });
}

static int pus_given(const char *spec, unsigned workers)
{
	struct pb_pin pin;
	int pus;

	cr_assert_eq(pb_pin_parse(spec, 8, &pin, why, sizeof(why)), 0, "%s: %s", spec, why);
	pus = pb_pin_pus(topo, &pin, workers);
	pb_pin_free(&pin);
	assert_no_leaks();
	return pus;
}

Test(pin, pus_given_to_the_workers)
{
	cr_assert_eq(pus_given("none", 3), 3);
	cr_assert_eq(pus_given("none", 10), 8);
	cr_assert_eq(pus_given("compact", 1), 1);
	cr_assert_eq(pus_given("compact", 3), 3);
	cr_assert_eq(pus_given("compact", 10), 8);
	cr_assert_eq(pus_given("scatter", 2), 2);
	cr_assert_eq(pus_given("scatter", 12), 8);
	cr_assert_eq(pus_given("pu:5,3", 1), 1);
	cr_assert_eq(pus_given("pu:5,3", 3), 2, "the list wraps: 5, 3, 5");
	cr_assert_eq(pus_given("pu:0-3,6", 3), 3);
	cr_assert_eq(pus_given("pu:0-3,6", 6), 5);
	cr_assert_eq(pus_given("pu:4", 16), 1);
}

/* The logical index of the `type` object that holds PU `logical`. */
static unsigned ancestor(unsigned logical, hwloc_obj_type_t type)
{
	hwloc_obj_t obj = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, logical);

	if (type == HWLOC_OBJ_PU)
		return logical;
	return hwloc_get_ancestor_obj_by_type(topo, type, obj)->logical_index;
}

/* Asserts scatter puts `workers` workers on that many distinct `type` objects. */
static void scatter_spreads(unsigned workers, hwloc_obj_type_t type)
{
	struct pb_pin pin;
	hwloc_cpuset_t *sets;
	unsigned used = 0;

	cr_assert_eq(pb_pin_parse("scatter", 8, &pin, why, sizeof(why)), 0);
	sets = pb_pin_cpusets(topo, &pin, workers);
	cr_assert_not_null(sets);
	for (unsigned w = 0; w < workers; w++) {
		unsigned where = ancestor(pu_of(sets[w]), type);

		cr_assert_eq(used & (1u << where), 0, "%u workers: two on %s %u", workers,
			     hwloc_obj_type_string(type), where);
		used |= 1u << where;
	}
	pb_pin_cpusets_free(sets, workers);
	assert_no_leaks();
}

Test(pin, scatter_two_on_different_packages)
{
	scatter_spreads(2, HWLOC_OBJ_PACKAGE);
}

Test(pin, scatter_four_on_different_cores)
{
	scatter_spreads(4, HWLOC_OBJ_CORE);
}

Test(pin, scatter_eight_on_different_pus)
{
	scatter_spreads(8, HWLOC_OBJ_PU);
}

/* The kernel's CPU numbers a cell process gets for `workers` workers under spec. */
static char *cell_bind(hwloc_topology_t topology, const char *spec, unsigned workers)
{
	struct pb_pin pin;
	char *text;

	cr_assert_eq(pb_pin_parse(spec, pb_topology_pus(topology), &pin, why, sizeof(why)), 0,
		     "%s: %s", spec, why);
	text = pb_pin_cpu_sets_text(topology, &pin, workers);
	pb_pin_free(&pin);
	return text;
}

Test(pin, cell_bind_is_the_os_numbers_of_the_pus)
{
	assert_text(cell_bind(topo, "compact", 3), "0;1;2");
	assert_text(cell_bind(topo, "pu:5,3", 3), "5;3;5");
}

/*
 * As on a machine with SMT whose kernel numbers a core's second PU after
 * every core's first: core i holds OS CPUs i and i + 4.
 */
Test(pin, os_numbers_differ_from_logical_ones)
{
	hwloc_topology_t smt;

	cr_assert_eq(hwloc_topology_init(&smt), 0);
	cr_assert_eq(hwloc_topology_set_synthetic(smt, "core:4 pu:2(indexes=0,4,1,5,2,6,3,7)"),
		     0);
	cr_assert_eq(hwloc_topology_load(smt), 0);
	assert_text(pb_topology_pu_os(smt), "0,4,1,5,2,6,3,7");
	assert_text(cell_bind(smt, "compact", 3), "0;4;1");
	assert_text(cell_bind(smt, "pu:7,0", 2), "7;0");
	assert_text(cell_bind(smt, "pu:1,2", 2), "4;1");
	hwloc_topology_destroy(smt);
	assert_no_leaks();
}
