#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell/sample.h"
#include "util/fd.h"

/* Formats a line and writes it whole to fd: 0, or -1 with errno. */
static int send_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int send_line(int fd, const char *fmt, ...)
{
	char *line = NULL;
	va_list ap;
	int len, rc;

	va_start(ap, fmt);
	len = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	rc = pb_write_all(fd, line, (size_t)len);
	free(line);
	if (rc) {
		errno = -rc;
		return -1;
	}
	return 0;
}

/* The error goes on one line: newlines and tabs become spaces. */
static char *one_line(const char *text)
{
	char *line = strdup(text);

	for (char *c = line; c && *c; c++)
		if (*c == '\n' || *c == '\r' || *c == '\t')
			*c = ' ';
	return line;
}

int pb_sample_send(int fd, const struct pb_sample *s)
{
	char *message;
	int rc;

	if (!s->error)
		return send_line(fd, "S %u %.9f %.6f %.6f %ld %ld %ld %.9f %.9f %.9f %.9f %ld %ld %"
				 PRIu64 " %s\n", s->rep, s->wall_s, s->user_s, s->sys_s,
				 s->max_rss_kb, s->vcsw, s->ivcsw, s->lat_p50_s, s->lat_p99_s,
				 s->startup_s, s->work_s, s->minflt, s->majflt, s->checksum, s->cpus);
	message = one_line(s->error);
	rc = message ? send_line(fd, "E %u %s\n", s->rep, message) : -1;
	free(message);
	return rc;
}

int pb_sample_parse(const char *line, struct pb_sample *s)
{
	int used = 0;

	*s = (struct pb_sample){ .startup_s = NAN, .work_s = NAN };
	if (sscanf(line, "E %u %n", &s->rep, &used) == 1 && used > 0) {
		s->error = strdup(line + used);
		return s->error ? 0 : -1;
	}
	if (sscanf(line, "S %u %lf %lf %lf %ld %ld %ld %lf %lf %lf %lf %ld %ld %" SCNu64 " %n",
		   &s->rep, &s->wall_s, &s->user_s, &s->sys_s, &s->max_rss_kb, &s->vcsw, &s->ivcsw,
		   &s->lat_p50_s, &s->lat_p99_s, &s->startup_s, &s->work_s, &s->minflt, &s->majflt,
		   &s->checksum, &used) == 14 && used > 0) {
		s->cpus = strdup(line + used);
		return s->cpus ? 0 : -1;
	}
	return -1;
}

void pb_sample_free(struct pb_sample *s)
{
	free(s->cpus);
	free(s->hosts);
	free(s->error);
	free(s->offload.device);
	s->cpus = s->hosts = s->error = s->offload.device = NULL;
}

int pb_offload_send(int fd, const struct pb_offload *o)
{
	char *device = one_line(o->device);
	int rc = device ? send_line(fd, "O %.9f %.9f %.9f %.9f %s\n", o->build_s, o->h2d_s,
				     o->kernel_s, o->d2h_s, device) : -1;

	free(device);
	return rc;
}

int pb_offload_parse(const char *line, struct pb_offload *o)
{
	struct pb_offload got;
	int used = 0;

	if (sscanf(line, "O %lf %lf %lf %lf %n", &got.build_s, &got.h2d_s, &got.kernel_s,
		   &got.d2h_s, &used) != 4 || used == 0 || !line[used])
		return -1;
	if (!(got.device = strdup(line + used)))
		return -1;
	*o = got;
	return 0;
}

int pb_hosts_send(int fd, const char *hosts)
{
	char *line = one_line(hosts);
	int rc = line ? send_line(fd, "H %s\n", line) : -1;

	free(line);
	return rc;
}

int pb_hosts_parse(const char *line, char **hosts)
{
	char *got;

	if (strncmp(line, "H ", 2) != 0 || !line[2] || !(got = strdup(line + 2)))
		return -1;
	*hosts = got;
	return 0;
}

int pb_counts_send(int fd, const struct pb_counts *k)
{
	return send_line(fd, "C %.9f %.9f %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64
			 " %" PRId64 "\n", k->wall_s, k->task_clock_s, k->context_switches,
			 k->migrations, k->minflt, k->majflt, k->cycles, k->instructions);
}

int pb_counts_parse(const char *line, struct pb_counts *k)
{
	struct pb_counts got;
	int used = 0;

	if (sscanf(line, "C %lf %lf %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64
		   " %" SCNd64 "%n", &got.wall_s, &got.task_clock_s, &got.context_switches,
		   &got.migrations, &got.minflt, &got.majflt, &got.cycles, &got.instructions,
		   &used) != 8 || used == 0 || line[used] != '\0')
		return -1;
	*k = got;
	return 0;
}

void pb_usage_now(struct pb_usage *u)
{
	getrusage(RUSAGE_SELF, &u->self);
	getrusage(RUSAGE_CHILDREN, &u->children);
}

static double tv_seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void pb_usage_delta(const struct pb_usage *a, const struct pb_usage *b, struct pb_sample *s)
{
	s->user_s = tv_seconds(b->self.ru_utime) - tv_seconds(a->self.ru_utime) +
		    tv_seconds(b->children.ru_utime) - tv_seconds(a->children.ru_utime);
	s->sys_s = tv_seconds(b->self.ru_stime) - tv_seconds(a->self.ru_stime) +
		   tv_seconds(b->children.ru_stime) - tv_seconds(a->children.ru_stime);
	s->vcsw = b->self.ru_nvcsw - a->self.ru_nvcsw + b->children.ru_nvcsw - a->children.ru_nvcsw;
	s->ivcsw = b->self.ru_nivcsw - a->self.ru_nivcsw + b->children.ru_nivcsw -
		   a->children.ru_nivcsw;
	s->minflt = b->self.ru_minflt - a->self.ru_minflt + b->children.ru_minflt -
		    a->children.ru_minflt;
	s->majflt = b->self.ru_majflt - a->self.ru_majflt + b->children.ru_majflt -
		    a->children.ru_majflt;
	/* High-water marks: of this process, or of its largest worker process. */
	s->max_rss_kb = b->self.ru_maxrss > b->children.ru_maxrss ? b->self.ru_maxrss
								  : b->children.ru_maxrss;
}
