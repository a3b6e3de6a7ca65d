/* meta.json: the machine, the build and the plan of a run, beside its CSV files. */
#ifndef PARBENCH_META_H
#define PARBENCH_META_H

#include <hwloc.h>

#include "cell/counters.h"
#include "machine/env.h"
#include "stats/noise.h"
#include "cli/options.h"

struct pb_meta {
	const char *run_id;
	const char *dir;
	int argc;
	char **argv;
	const struct pb_options *opts;
	hwloc_topology_t topology;
	char start[32];			/* ISO 8601, UTC */
	char end[32];			/* empty while the run goes on */
	const char *status;		/* "running", "completed", "interrupted by SIGINT" */
	const char *warnings;		/* the run's warning lines so far, or NULL */
	const struct pb_noise *noise;	/* at the end: the run's noise; NULL before */
	const struct pb_counters *counters;	/* the events probed as the run starts */

	/* pb_meta_write fills these in; the caller zeroes them. */
	bool started;			/* the first write, at the start, is done */
	bool ended;			/* the first write with end set is done */
	struct pb_loadavg load_start, load_end;
	const char *topology_xml;	/* beside meta.json; NULL when the export failed */
};

/* UTC now, as 2026-11-22T04:38:27Z. */
void pb_meta_now(char *buf, size_t len);

/*
 * Writes dir/meta.json atomically: 0 or -errno.  Its first call, as the run
 * starts, also notes the load average and exports the topology to
 * dir/topology.xml; its first call with end set notes the load average
 * again.
 */
int pb_meta_write(struct pb_meta *meta);

#endif
