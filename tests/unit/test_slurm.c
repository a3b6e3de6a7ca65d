/*
 * harness/machine/slurm.c: Slurm's host lists and compressed counts
 * expanded, the job read from a fake SLURM_* environment (each Criterion
 * test runs in a process of its own), and the host file made from it.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "machine/slurm.h"
#include "leaks.h"

static char why[256];

/* Expands text and asserts the names, given as one string "a b c". */
static void expands_to(const char *text, const char *expected)
{
	struct pb_names names;
	char joined[4096] = "";

	cr_assert_eq(pb_slurm_hostlist(text, &names, why, sizeof(why)), 0, "'%s': %s", text,
		     why);
	for (size_t i = 0; i < names.n; i++) {
		if (i)
			strcat(joined, " ");
		strcat(joined, names.v[i]);
	}
	cr_assert_str_eq(joined, expected, "'%s'", text);
	pb_names_free(&names);
	assert_no_leaks();
}

static void hostlist_refused(const char *text, const char *reason)
{
	struct pb_names names = { .n = 99 };

	why[0] = '\0';
	cr_assert_eq(pb_slurm_hostlist(text, &names, why, sizeof(why)), -1, "'%s' was taken",
		     text);
	cr_assert(names.n == 0 && names.v == NULL, "'%s' left names behind", text);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", text, why, reason);
	assert_no_leaks();
}

Test(slurm_hostlist, single_names_and_commas)
{
	expands_to("node01", "node01");
	expands_to("a,b.example.org,c-1", "a b.example.org c-1");
}

Test(slurm_hostlist, ranges_keep_their_padding)
{
	expands_to("node[01-03,07]", "node01 node02 node03 node07");
	expands_to("n[098-101]", "n098 n099 n100 n101");
	/* As wide as the range's first number: no padding here. */
	expands_to("n[8-10]", "n8 n9 n10");
	expands_to("n[5]", "n5");
	expands_to("[1-2]", "1 2");
}

Test(slurm_hostlist, several_groups)
{
	expands_to("node[01-03,07],gpu-a[1-2]", "node01 node02 node03 node07 gpu-a1 gpu-a2");
	expands_to("login,node[1-2]", "login node1 node2");
	/* In one name: multiplied out, the leftmost group slowest. */
	expands_to("rack[1-2]-n[01-02]", "rack1-n01 rack1-n02 rack2-n01 rack2-n02");
}

Test(slurm_hostlist, malformed)
{
	hostlist_refused("", "an empty name");
	hostlist_refused("a,,b", "an empty name");
	hostlist_refused("a,", "an empty name");
	hostlist_refused("node[01-03", "'node[01-03' has a '[' without its ']'");
	hostlist_refused("node01]", "has a ']' without its '['");
	hostlist_refused("node[1-2]x", "'node[1-2]x' goes on after its last ']'");
	hostlist_refused("node[1[2]]", "has a '[' inside brackets");
	hostlist_refused("node 1", "'node 1' has a space");
	hostlist_refused("n\xc3\xa9", "byte 0xc3 of a name is not printable ASCII");
	hostlist_refused("n\t1", "has a space");
	hostlist_refused("node[]", "an empty number");
	hostlist_refused("node[1,]", "an empty number");
	hostlist_refused("node[3-1]", "'3-1' is a reversed range");
	hostlist_refused("node[a-b]", "'a' is not a whole number");
	hostlist_refused("node[-1]", "an empty number");
	hostlist_refused("node[1-2-3]", "'2-3' is not a whole number");
}

Test(slurm_hostlist, at_most_10000_names)
{
	struct pb_names names;

	cr_assert_eq(pb_slurm_hostlist("n[00001-10000]", &names, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(names.n, 10000);
	cr_assert_str_eq(names.v[9999], "n10000");
	pb_names_free(&names);
	hostlist_refused("n[1-10000],m", "more than 10000 names");
	hostlist_refused("n[0-18446744073709551615]", "more than 10000 names");
	hostlist_refused("n[0-18446744073709551616]", "too large");
}

static void counts_to(const char *text, const uint64_t *expected, size_t n)
{
	struct pb_list counts;

	cr_assert_eq(pb_slurm_counts(text, &counts, why, sizeof(why)), 0, "'%s': %s", text, why);
	cr_assert_eq(counts.n, n, "'%s': %zu counts", text, counts.n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(counts.v[i], expected[i], "'%s': count %zu", text, i);
	pb_list_free(&counts);
	assert_no_leaks();
}

static void counts_refused(const char *text, const char *reason)
{
	struct pb_list counts = { .n = 99 };

	why[0] = '\0';
	cr_assert_eq(pb_slurm_counts(text, &counts, why, sizeof(why)), -1, "'%s' was taken",
		     text);
	cr_assert(counts.n == 0 && counts.v == NULL, "'%s' left counts behind", text);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", text, why, reason);
}

Test(slurm_counts, expanded)
{
	counts_to("4", (uint64_t[]){ 4 }, 1);
	counts_to("4(x2),2", (uint64_t[]){ 4, 4, 2 }, 3);
	counts_to("2(x3),1", (uint64_t[]){ 2, 2, 2, 1 }, 4);
	counts_to("1,36(x1)", (uint64_t[]){ 1, 36 }, 2);
}

Test(slurm_counts, malformed)
{
	counts_refused("", "an empty item");
	counts_refused("4,,2", "an empty item");
	counts_refused("0", "'0' is out of range");
	counts_refused("four", "'four' is not a whole number");
	counts_refused("4(x)", "'4(x)' is not N or N(xM)");
	counts_refused("4(2)", "'4(2)' is not N or N(xM)");
	counts_refused("4(x2", "'4(x2' is not N or N(xM)");
	counts_refused("4(x2)5", "'4(x2)5' is not N or N(xM)");
	counts_refused("(x2)", "an empty number");
	counts_refused("4(x0)", "'0' is out of range");
	counts_refused("4(x-1)", "'-1' is not a whole number");
	counts_refused("1(x10001)", "'10001' is out of range");
	counts_refused("1(x9000),2(x1001)", "more than 10000 items");
}

/* Sets a job's variables from "NAME=VALUE" strings, after clearing every SLURM_* one. */
static void job_environment(const char *const *vars)
{
	extern char **environ;

	for (char **e = environ; *e;) {
		if (!strncmp(*e, "SLURM_", 6)) {
			char name[256];

			snprintf(name, sizeof(name), "%.*s", (int)strcspn(*e, "="), *e);
			unsetenv(name);
		} else {
			e++;
		}
	}
	for (; *vars; vars++)
		cr_assert_eq(putenv((char *)*vars), 0);
}

static const char *const two_nodes[] = {
	"SLURM_JOB_ID=4242", "SLURM_JOB_NAME=bench", "SLURM_CLUSTER_NAME=hpc",
	"SLURM_JOB_PARTITION=short", "SLURM_JOB_NODELIST=node[07-08]", "SLURM_JOB_NUM_NODES=2",
	"SLURM_JOB_CPUS_PER_NODE=8(x2)", "SLURM_CPUS_ON_NODE=8", "SLURM_NTASKS=3",
	"SLURM_TASKS_PER_NODE=2,1", "SLURM_PROCID=0", "SLURM_NODEID=0", NULL
};

Test(slurm_job, outside_a_job)
{
	struct pb_slurm job;

	job_environment((const char *const[]){ "SLURM_JOB_NODELIST=node1", NULL });
	cr_assert_not(pb_slurm_read(&job));
}

Test(slurm_job, read_from_the_environment)
{
	struct pb_slurm job;

	job_environment(two_nodes);
	cr_assert(pb_slurm_read(&job));
	cr_assert_str_eq(job.job_id, "4242");
	cr_assert_str_eq(job.job_name, "bench");
	cr_assert_str_eq(job.cluster, "hpc");
	cr_assert_str_eq(job.partition, "short");
	cr_assert_eq(job.nodes.n, 2);
	cr_assert_str_eq(job.nodes.v[1], "node08");
	cr_assert_eq(job.num_nodes, 2);
	cr_assert_eq(job.cpus_per_node.n, 2);
	cr_assert_eq(job.cpus_per_node.v[1], 8);
	cr_assert_eq(job.tasks_per_node.v[0], 2);
	cr_assert_eq(job.tasks_per_node.v[1], 1);
	cr_assert_eq(job.cpus_on_node, 8);
	cr_assert_eq(job.ntasks, 3);
	cr_assert_eq(job.procid, 0);
	cr_assert_eq(job.nmalformed, 0);
	pb_slurm_free(&job);
	assert_no_leaks();
}

Test(slurm_job, older_names)
{
	struct pb_slurm job;

	job_environment((const char *const[]){ "SLURM_JOB_ID=1", "SLURM_NODELIST=a,b",
					       "SLURM_NNODES=2", NULL });
	cr_assert(pb_slurm_read(&job));
	cr_assert_eq(job.nodes.n, 2);
	cr_assert_eq(job.num_nodes, 2);
	cr_assert_eq(job.ntasks, -1);
	cr_assert_eq(job.cpus_per_node.n, 0);
	pb_slurm_free(&job);
}

static const struct pb_slurm_malformed *malformed_of(const struct pb_slurm *job,
						     const char *variable)
{
	for (size_t i = 0; i < job->nmalformed; i++)
		if (!strcmp(job->malformed[i].variable, variable))
			return &job->malformed[i];
	return NULL;
}

Test(slurm_job, malformed_variables_are_left_out)
{
	struct pb_slurm job;
	const struct pb_slurm_malformed *m;

	job_environment((const char *const[]){
		"SLURM_JOB_ID=7", "SLURM_JOB_NODELIST=n[1-3]", "SLURM_JOB_NUM_NODES=4",
		"SLURM_JOB_CPUS_PER_NODE=4(x2)", "SLURM_TASKS_PER_NODE=1(x", "SLURM_NTASKS=x",
		"SLURM_PROCID=-1", NULL });
	cr_assert(pb_slurm_read(&job));
	cr_assert_eq(job.nodes.n, 3);
	cr_assert_eq(job.nmalformed, 5);
	m = malformed_of(&job, "SLURM_JOB_NUM_NODES");
	cr_assert(m && !strcmp(m->value, "4") && strstr(m->why, "the node list names 3 nodes"));
	m = malformed_of(&job, "SLURM_JOB_CPUS_PER_NODE");
	cr_assert(m && strstr(m->why, "2 counts for the 3 nodes"), "%s", m ? m->why : "");
	cr_assert(malformed_of(&job, "SLURM_TASKS_PER_NODE"));
	cr_assert(malformed_of(&job, "SLURM_NTASKS"));
	cr_assert(malformed_of(&job, "SLURM_PROCID"));
	cr_assert_eq(job.num_nodes, -1);
	cr_assert_eq(job.cpus_per_node.n, 0);
	cr_assert_eq(job.tasks_per_node.n, 0);
	cr_assert_eq(job.ntasks, -1);
	pb_slurm_free(&job);
	assert_no_leaks();
}

/* The host file of the environment, or NULL with why when it is refused. */
static char *hostfile(const char *const *vars)
{
	struct pb_slurm job;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	cr_assert_not_null(f);
	job_environment(vars);
	pb_slurm_read(&job);
	rc = pb_slurm_hostfile(&job, f, why, sizeof(why));
	pb_slurm_free(&job);
	fclose(f);
	if (rc) {
		cr_assert_str_empty(text, "a refused host file wrote \"%s\"", text);
		free(text);
		return NULL;
	}
	return text;
}

Test(slurm_hostfile, slots_are_the_tasks_when_the_job_asked_for_tasks)
{
	char *text = hostfile(two_nodes);

	cr_assert_str_eq(text, "node07 slots=2\nnode08 slots=1\n");
	free(text);
}

Test(slurm_hostfile, else_the_cpus)
{
	char *text = hostfile((const char *const[]){
		"SLURM_JOB_ID=1", "SLURM_JOB_NODELIST=a,b[1-2]", "SLURM_JOB_CPUS_PER_NODE=4,2(x2)",
		"SLURM_TASKS_PER_NODE=1(x3)", NULL });

	cr_assert_str_eq(text, "a slots=4\nb1 slots=2\nb2 slots=2\n");
	free(text);
}

Test(slurm_hostfile, refused_without_what_it_needs)
{
	cr_assert_null(hostfile((const char *const[]){ NULL }));
	cr_assert(strstr(why, "not in a Slurm job (SLURM_JOB_ID is not set)"), "%s", why);
	cr_assert_null(hostfile((const char *const[]){ "SLURM_JOB_ID=1", NULL }));
	cr_assert_str_eq(why, "SLURM_JOB_NODELIST is not set");
	cr_assert_null(hostfile((const char *const[]){ "SLURM_JOB_ID=1", "SLURM_NODELIST=a[1",
						       NULL }));
	cr_assert_str_eq(why, "SLURM_NODELIST='a[1': 'a[1' has a '[' without its ']'");
	cr_assert_null(hostfile((const char *const[]){ "SLURM_JOB_ID=1", "SLURM_NODELIST=a",
						       "SLURM_NTASKS=2", NULL }));
	cr_assert_str_eq(why, "SLURM_TASKS_PER_NODE is not set");
	cr_assert_null(hostfile((const char *const[]){ "SLURM_JOB_ID=1", "SLURM_NODELIST=a",
						       "SLURM_NTASKS=two", NULL }));
	cr_assert_str_eq(why, "SLURM_NTASKS='two': 'two' is not a whole number");
	cr_assert_null(hostfile((const char *const[]){ "SLURM_JOB_ID=1", "SLURM_NODELIST=a,b",
						       "SLURM_JOB_CPUS_PER_NODE=4", NULL }));
	cr_assert_str_eq(why, "SLURM_JOB_CPUS_PER_NODE='4': 1 counts for the 2 nodes of the "
			 "node list");
}
