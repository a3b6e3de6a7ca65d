#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "machine/env.h"
#include "machine/slurm.h"
#include "util/error.h"

#define NAME_MAX_LEN 255		/* a host name's length, as DNS allows */

static int names_append(struct pb_names *names, const char *name, char *why, size_t whylen)
{
	if (names->n == PB_LIST_MAX)
		return pb_error(why, whylen, "more than %d names", PB_LIST_MAX);
	return pb_names_append(names, name, strlen(name), why, whylen);
}

/*
 * A name's characters: printable ASCII (meta.json's strings are UTF-8), no
 * space; its brackets in pairs, none inside another, and the name ending
 * at its last ']'.
 */
static int check_name(const char *name, size_t len, char *why, size_t whylen)
{
	bool open = false;

	for (size_t i = 0; i < len; i++) {
		if (isspace((unsigned char)name[i]))
			return pb_error(why, whylen, "'%.*s' has a space", (int)len, name);
		if (!isgraph((unsigned char)name[i]))	/* not echoed: it may not be UTF-8 */
			return pb_error(why, whylen, "byte 0x%02x of a name is not printable ASCII",
					(unsigned char)name[i]);
		if (name[i] == '[' && open)
			return pb_error(why, whylen, "'%.*s' has a '[' inside brackets", (int)len,
					name);
		if (name[i] == ']' && !open)
			return pb_error(why, whylen, "'%.*s' has a ']' without its '['", (int)len,
					name);
		if (name[i] == '[' || name[i] == ']')
			open = name[i] == '[';
	}
	if (open)
		return pb_error(why, whylen, "'%.*s' has a '[' without its ']'", (int)len, name);
	if (memchr(name, ']', len) && name[len - 1] != ']')
		return pb_error(why, whylen, "'%.*s' goes on after its last ']'", (int)len, name);
	return 0;
}

/* The name being built: text[0..len) still to expand after built[0..used). */
struct expansion {
	struct pb_names *out;
	char built[NAME_MAX_LEN + 1];
	char *why;
	size_t whylen;
};

static int expand(struct expansion *e, const char *text, size_t len, size_t used);

/* Each number of one range ("07" or "01-03") in turn, then the rest of the name after it. */
static int expand_range(struct expansion *e, const char *range, size_t range_len,
			const char *rest, size_t rest_len, size_t used)
{
	const char *dash = memchr(range, '-', range_len);
	size_t width = dash ? (size_t)(dash - range) : range_len;
	uint64_t first, last;

	if (pb_parse_u64_span(range, width, 0, UINT64_MAX, &first, e->why, e->whylen))
		return -1;
	last = first;
	if (dash && pb_parse_u64_span(dash + 1, range_len - width - 1, 0, UINT64_MAX, &last,
				      e->why, e->whylen))
		return -1;
	if (last < first)
		return pb_error(e->why, e->whylen, "'%.*s' is a reversed range", (int)range_len,
				range);
	for (uint64_t v = first;; v++) {
		int n = snprintf(e->built + used, sizeof(e->built) - used, "%0*" PRIu64, (int)width,
				 v);

		if ((size_t)n >= sizeof(e->built) - used)
			return pb_error(e->why, e->whylen, "a name longer than %d characters",
					NAME_MAX_LEN);
		if (expand(e, rest, rest_len, used + (size_t)n))
			return -1;
		if (v == last)
			return 0;
	}
}

/* text[0..len): a literal, then perhaps a bracket group and more of the same. */
static int expand(struct expansion *e, const char *text, size_t len, size_t used)
{
	const char *open = memchr(text, '[', len), *close, *range;
	size_t literal = open ? (size_t)(open - text) : len;

	if (literal >= sizeof(e->built) - used)
		return pb_error(e->why, e->whylen, "a name longer than %d characters", NAME_MAX_LEN);
	memcpy(e->built + used, text, literal);
	e->built[used + literal] = '\0';
	if (!open)
		return names_append(e->out, e->built, e->why, e->whylen);
	close = memchr(open, ']', len - literal);	/* check_name: there is one */
	for (range = open + 1;;) {
		size_t range_len = strcspn(range, ",]");

		if (expand_range(e, range, range_len, close + 1, len - (size_t)(close + 1 - text),
				 used + literal))
			return -1;
		if (range + range_len == close)
			return 0;
		range += range_len + 1;
	}
}

/* The length of the name at text: up to the first comma outside brackets. */
static size_t name_length(const char *text)
{
	bool open = false;
	size_t i;

	for (i = 0; text[i] && (open || text[i] != ','); i++)
		if (text[i] == '[' || text[i] == ']')
			open = text[i] == '[';
	return i;
}

int pb_slurm_hostlist(const char *text, struct pb_names *out, char *why, size_t whylen)
{
	struct expansion e = { .out = out, .why = why, .whylen = whylen };

	*out = (struct pb_names){ 0 };
	for (const char *name = text;;) {
		size_t len = name_length(name);

		if (len == 0) {
			pb_error(why, whylen, "an empty name");
			goto fail;
		}
		if (check_name(name, len, why, whylen) || expand(&e, name, len, 0))
			goto fail;
		if (!name[len])
			return 0;
		name += len + 1;
	}
fail:
	pb_names_free(out);
	return -1;
}

/* One item of counts: "4", or "4(x2)" for 4 twice. */
static int counts_item(const char *item, size_t len, struct pb_list *out, char *why,
		       size_t whylen)
{
	const char *paren = memchr(item, '(', len);
	size_t digits = paren ? (size_t)(paren - item) : len;
	uint64_t count, times = 1;

	if (paren && (len - digits < 4 || paren[1] != 'x' || item[len - 1] != ')'))
		return pb_error(why, whylen, "'%.*s' is not N or N(xM)", (int)len, item);
	if (pb_parse_u64_span(item, digits, 1, INT64_MAX, &count, why, whylen) ||
	    (paren && pb_parse_u64_span(paren + 2, len - digits - 3, 1, PB_LIST_MAX, &times,
					why, whylen)))
		return -1;
	for (uint64_t i = 0; i < times; i++)
		if (pb_list_append(out, count, why, whylen))
			return -1;
	return 0;
}

int pb_slurm_counts(const char *text, struct pb_list *out, char *why, size_t whylen)
{
	*out = (struct pb_list){ 0 };
	for (const char *item = text;;) {
		size_t len = strcspn(item, ",");

		if (len == 0 || counts_item(item, len, out, why, whylen)) {
			if (len == 0)
				pb_error(why, whylen, "an empty item");
			pb_list_free(out);
			return -1;
		}
		if (!item[len])
			return 0;
		item += len + 1;
	}
}

/*
 * text into out (cut to fit), each byte outside printable ASCII as \xHH:
 * a malformed value's stray bytes would make a message (standard error,
 * meta.json's warnings, which must be UTF-8) other than text.
 */
static const char *shown(const char *text, char *out, size_t len)
{
	size_t used = 0;

	for (; *text && used + sizeof("\\xHH") <= len; text++) {
		unsigned char c = (unsigned char)*text;

		used += (size_t)snprintf(out + used, len - used, c >= 0x20 && c < 0x7f ? "%c" :
					 "\\x%02x", c);
	}
	out[used] = '\0';
	return out;
}

/* Notes a variable pb_slurm_read could not take, and why. */
static void malformed(struct pb_slurm *job, const char *variable, const char *value,
		      const char *why)
{
	struct pb_slurm_malformed *m = &job->malformed[job->nmalformed++];

	*m = (struct pb_slurm_malformed){ .variable = variable, .value = value };
	shown(why, m->why, sizeof(m->why));
}

/* The first of two names of one variable that is set (the second is Slurm's older name). */
static const char *either(const char *name, const char *older, const char **which)
{
	*which = getenv(name) ? name : older;
	return getenv(*which);
}

/* A number variable: its value, or -1 where unset or malformed. */
static int64_t number(struct pb_slurm *job, const char *variable, const char *value,
		      uint64_t lo)
{
	char why[sizeof(job->malformed[0].why)];
	uint64_t v;

	if (!value)
		return -1;
	if (pb_parse_u64(value, lo, INT64_MAX, &v, why, sizeof(why))) {
		malformed(job, variable, value, why);
		return -1;
	}
	return (int64_t)v;
}

/* A counts variable, one per node; left empty where unset, malformed or not one per node. */
static void counts(struct pb_slurm *job, const char *variable, struct pb_list *out)
{
	const char *value = getenv(variable);
	char why[sizeof(job->malformed[0].why)];

	*out = (struct pb_list){ 0 };
	if (!value)
		return;
	if (pb_slurm_counts(value, out, why, sizeof(why))) {
		malformed(job, variable, value, why);
	} else if (job->nodes.n && out->n != job->nodes.n) {
		snprintf(why, sizeof(why), "%zu counts for the %zu nodes of the node list", out->n,
			 job->nodes.n);
		malformed(job, variable, value, why);
		pb_list_free(out);
	}
}

static void read_nodes(struct pb_slurm *job)
{
	const char *variable, *value = either("SLURM_JOB_NODELIST", "SLURM_NODELIST", &variable);
	char why[sizeof(job->malformed[0].why)];

	if (value && pb_slurm_hostlist(value, &job->nodes, why, sizeof(why)))
		malformed(job, variable, value, why);
	value = either("SLURM_JOB_NUM_NODES", "SLURM_NNODES", &variable);
	job->num_nodes = number(job, variable, value, 1);
	if (job->num_nodes > 0 && job->nodes.n && (size_t)job->num_nodes != job->nodes.n) {
		snprintf(why, sizeof(why), "the node list names %zu nodes", job->nodes.n);
		malformed(job, variable, value, why);
		job->num_nodes = -1;
	}
}

bool pb_slurm_read(struct pb_slurm *job)
{
	*job = (struct pb_slurm){ .job_id = getenv("SLURM_JOB_ID") };
	if (!job->job_id)
		return false;
	job->job_name = getenv("SLURM_JOB_NAME");
	job->cluster = getenv("SLURM_CLUSTER_NAME");
	job->partition = getenv("SLURM_JOB_PARTITION");
	read_nodes(job);
	counts(job, "SLURM_JOB_CPUS_PER_NODE", &job->cpus_per_node);
	counts(job, "SLURM_TASKS_PER_NODE", &job->tasks_per_node);
	job->cpus_on_node = number(job, "SLURM_CPUS_ON_NODE", getenv("SLURM_CPUS_ON_NODE"), 1);
	job->ntasks = number(job, "SLURM_NTASKS", getenv("SLURM_NTASKS"), 1);
	job->procid = number(job, "SLURM_PROCID", getenv("SLURM_PROCID"), 0);
	job->nodeid = number(job, "SLURM_NODEID", getenv("SLURM_NODEID"), 0);
	return true;
}

void pb_slurm_free(struct pb_slurm *job)
{
	pb_names_free(&job->nodes);
	pb_list_free(&job->cpus_per_node);
	pb_list_free(&job->tasks_per_node);
}

/* 0 when the variable (either name) has a value the job took, else -1 and why. */
static int needed(const struct pb_slurm *job, const char *variable, const char *older,
		  bool taken, char *why, size_t whylen)
{
	char value[256];

	for (size_t i = 0; i < job->nmalformed; i++)
		if (!strcmp(job->malformed[i].variable, variable) ||
		    (older && !strcmp(job->malformed[i].variable, older)))
			return pb_error(why, whylen, "%s='%s': %s", job->malformed[i].variable,
					shown(job->malformed[i].value, value, sizeof(value)),
					job->malformed[i].why);
	if (!taken)
		return pb_error(why, whylen, "%s is not set", variable);
	return 0;
}

int pb_slurm_hostfile(const struct pb_slurm *job, FILE *out, char *why, size_t whylen)
{
	const struct pb_list *slots = &job->cpus_per_node;

	if (!job->job_id)
		return pb_error(why, whylen, "not in a Slurm job (SLURM_JOB_ID is not set): run it "
				"in a batch script (sbatch) or an allocation (salloc)");
	if (needed(job, "SLURM_JOB_NODELIST", "SLURM_NODELIST", job->nodes.n, why, whylen) ||
	    needed(job, "SLURM_NTASKS", NULL, true, why, whylen))
		return -1;
	if (job->ntasks > 0) {
		slots = &job->tasks_per_node;
		if (needed(job, "SLURM_TASKS_PER_NODE", NULL, slots->n, why, whylen))
			return -1;
	} else if (needed(job, "SLURM_JOB_CPUS_PER_NODE", NULL, slots->n, why, whylen)) {
		return -1;
	}
	for (size_t i = 0; i < job->nodes.n; i++)
		fprintf(out, "%s slots=%" PRIu64 "\n", job->nodes.v[i], slots->v[i]);
	return 0;
}

/* null where unset, or where not UTF-8, which JSON cannot hold (json_string refuses it). */
static json_t *text_or_null(const char *value)
{
	json_t *text = value ? json_string(value) : NULL;

	return text ? text : json_null();
}

static json_t *number_or_null(int64_t value)
{
	return value < 0 ? json_null() : json_integer(value);
}

static json_t *counts_json(const struct pb_list *counts)
{
	json_t *array;

	if (!counts->n)
		return json_null();
	array = json_array();
	for (size_t i = 0; i < counts->n; i++)
		json_array_append_new(array, json_integer((json_int_t)counts->v[i]));
	return array;
}

static json_t *nodes_json(const struct pb_names *nodes)
{
	json_t *array;

	if (!nodes->n)
		return json_null();
	array = json_array();
	for (size_t i = 0; i < nodes->n; i++)
		json_array_append_new(array, json_string(nodes->v[i]));
	return array;
}

json_t *pb_slurm_json(void)
{
	struct pb_slurm job;
	json_t *record, *problems;

	if (!pb_slurm_read(&job))
		return json_null();
	problems = json_object();
	for (size_t i = 0; i < job.nmalformed; i++)
		json_object_set_new(problems, job.malformed[i].variable,
				    json_pack("{s:o, s:o}", "value", text_or_null(job.malformed[i].value),
					      "why", text_or_null(job.malformed[i].why)));
	record = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			   "job_id", text_or_null(job.job_id), "job_name", text_or_null(job.job_name),
			   "cluster", text_or_null(job.cluster),
			   "partition", text_or_null(job.partition),
			   "nodes", nodes_json(&job.nodes), "num_nodes", number_or_null(job.num_nodes),
			   "cpus_per_node", counts_json(&job.cpus_per_node),
			   "cpus_on_node", number_or_null(job.cpus_on_node),
			   "ntasks", number_or_null(job.ntasks),
			   "tasks_per_node", counts_json(&job.tasks_per_node),
			   "procid", number_or_null(job.procid), "nodeid", number_or_null(job.nodeid),
			   "malformed", problems);
	pb_slurm_free(&job);
	return record;
}

void pb_slurm_warn(FILE *err)
{
	struct pb_slurm job;
	char value[256];

	if (!pb_slurm_read(&job))
		return;
	for (size_t i = 0; i < job.nmalformed; i++)
		pb_env_warn(err, "%s='%s': %s; meta.json's slurm record leaves it out",
			    job.malformed[i].variable,
			    shown(job.malformed[i].value, value, sizeof(value)), job.malformed[i].why);
	pb_slurm_free(&job);
}
