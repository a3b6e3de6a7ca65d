#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/output.h"
#include "util/fd.h"
#include "report/output_columns.h"
#include "report/schema.h"

char *pb_path(const char *dir, const char *name)
{
	char *path;

	return asprintf(&path, "%s/%s", dir, name) < 0 ? NULL : path;
}

void pb_csv_text(FILE *f, const char *text)
{
	if (!text)
		return;
	if (!strpbrk(text, ",\"\r\n")) {
		fputs(text, f);
		return;
	}
	fputc('"', f);
	for (const char *c = text; *c; c++) {
		if (*c == '"')
			fputc('"', f);
		fputc(*c, f);
	}
	fputc('"', f);
}

void pb_csv_number(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.9g", v);
}

/* ---- the run directory ------------------------------------------------------ */

static int make_run_dir(struct pb_output *out, const char *base, char *why, size_t whylen)
{
	char stamp[32];
	time_t now = time(NULL);

	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
	for (unsigned attempt = 1; attempt < 1000; attempt++) {
		char *id = NULL, *dir = NULL;

		if ((attempt == 1 ? asprintf(&id, "%s", stamp)
				  : asprintf(&id, "%s-%u", stamp, attempt)) < 0 ||
		    !(dir = pb_path(base, id))) {
			free(id);
			break;
		}
		if (mkdir(dir, 0777) == 0) {
			out->run_id = id;
			out->dir = dir;
			return 0;
		}
		free(id);
		free(dir);
		if (errno != EEXIST) {
			snprintf(why, whylen, "--out '%s': cannot create a run directory in it: %s",
				 base, strerror(errno));
			return -1;
		}
	}
	snprintf(why, whylen, "--out '%s': no free run directory name", base);
	return -1;
}

/*
 * Appends what `fill` writes to a rows file in one piece, and takes back
 * what got written of it when it fails.  A file removed from under the run
 * takes every write and keeps none: that is an error too.  0 or -errno.
 */
static int append(struct pb_rows_file *rows, void (*fill)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct stat st;
	int rc;

	if (!m)
		return -errno;
	fill(m, arg);
	if (fclose(m)) {
		free(buf);
		return -ENOMEM;
	}
	rc = pb_write_all(rows->fd, buf, len);
	free(buf);
	if (rc == 0 && fstat(rows->fd, &st) < 0)
		rc = -errno;
	else if (rc == 0 && st.st_nlink == 0)
		rc = -ENOENT;
	if (rc) {
		if (ftruncate(rows->fd, rows->end) == 0)
			lseek(rows->fd, rows->end, SEEK_SET);
		return rc;
	}
	rows->end += (off_t)len;
	return 0;
}

static void fill_header(FILE *f, const void *table)
{
	pb_table_header(f, table);
}

/* Creates dir/name with its header, or nothing: 0 or -errno. */
static int open_rows(struct pb_rows_file *rows, const struct pb_output *out,
		     const struct pb_table *table)
{
	char *path = pb_path(out->dir, table->file);
	int rc;

	if (!path)
		return -ENOMEM;
	rows->end = 0;
	rows->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	rc = rows->fd < 0 ? -errno : append(rows, fill_header, table);
	if (rc && rows->fd >= 0) {
		close(rows->fd);
		rows->fd = -1;
		unlink(path);
	}
	free(path);
	return rc;
}

int pb_output_open(struct pb_output *out, const char *base, char *why, size_t whylen)
{
	struct stat st;
	const char *file = pb_raw_table.file;
	int rc;

	*out = (struct pb_output){ .raw.fd = -1, .control.fd = -1 };
	if (mkdir(base, 0777) < 0 && errno != EEXIST) {
		snprintf(why, whylen, "--out '%s': cannot create it: %s; allowed: a writable "
			 "directory, or a new one in an existing directory", base, strerror(errno));
		return -1;
	}
	if (stat(base, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "--out '%s': not a directory; allowed: a writable directory",
			 base);
		return -1;
	}
	if (make_run_dir(out, base, why, whylen))
		return -1;
	rc = open_rows(&out->raw, out, &pb_raw_table);
	if (rc == 0) {
		file = "schema.json";
		rc = pb_schema_write(out->dir);
	}
	if (rc) {
		snprintf(why, whylen, "cannot write %s/%s: %s", out->dir, file, strerror(-rc));
		pb_output_close(out);
		return -1;
	}
	return 0;
}

void pb_output_close(struct pb_output *out)
{
	if (out->raw.fd >= 0)
		close(out->raw.fd);
	if (out->control.fd >= 0)
		close(out->control.fd);
	free(out->run_id);
	free(out->dir);
	*out = (struct pb_output){ .raw.fd = -1, .control.fd = -1 };
}

const char *pb_output_rows_file(const struct pb_cell *cell)
{
	return cell->control ? pb_control_table.file : pb_raw_table.file;
}

struct raw_row {
	const struct pb_output *out;
	const struct pb_cell *cell;
	const struct pb_sample *sample;
};

static void fill_raw_row(FILE *f, const void *arg)
{
	const struct raw_row *r = arg;

	pb_write_raw_row(f, r->out, r->cell, r->sample);
}

/* A row in the cell's rows file, control.csv made on its first. */
int pb_output_raw_row(struct pb_output *out, const struct pb_cell *cell,
		      const struct pb_sample *sample)
{
	struct pb_rows_file *rows = cell->control ? &out->control : &out->raw;
	struct raw_row r = { out, cell, sample };
	int rc;

	if (rows->fd < 0 && (rc = open_rows(rows, out, &pb_control_table)))
		return rc;
	return append(rows, fill_raw_row, &r);
}

int pb_output_cut_row(struct pb_output *out, const struct pb_cell *cell)
{
	return pb_output_raw_row(out, cell, NULL);
}

/* ---- the files written at the end --------------------------------------------- */

/* Writes the run directory's file through pb_write_atomically: 0 or -errno. */
static int write_run_file(const struct pb_output *out, const struct pb_table *table,
			  int (*fill)(FILE *, const void *), const void *arg)
{
	char *path = pb_path(out->dir, table->file);
	int rc = path ? pb_write_atomically(path, fill, arg) : -ENOMEM;

	free(path);
	return rc;
}

struct summary_args {
	const struct pb_output *out;
	const struct pb_plan *plan;
};

static int fill_summary(FILE *f, const void *arg)
{
	const struct summary_args *a = arg;

	pb_table_header(f, &pb_summary_table);
	pb_write_summary_rows(f, a->out, a->plan);
	return ferror(f) ? -1 : 0;
}

int pb_output_summary(const struct pb_output *out, const struct pb_plan *plan)
{
	struct summary_args args = { out, plan };

	return write_run_file(out, &pb_summary_table, fill_summary, &args);
}

struct verdicts_args {
	const struct pb_output *out;
	const struct pb_verdicts *verdicts;
};

static int fill_verdicts(FILE *f, const void *arg)
{
	const struct verdicts_args *a = arg;

	pb_table_header(f, &pb_verdict_table);
	pb_write_verdict_rows(f, a->out, a->verdicts);
	return ferror(f) ? -1 : 0;
}

int pb_output_verdicts(const struct pb_output *out, const struct pb_verdicts *verdicts)
{
	struct verdicts_args args = { out, verdicts };

	return write_run_file(out, &pb_verdict_table, fill_verdicts, &args);
}

int pb_write_atomically(const char *path, int (*fill)(FILE *, const void *), const void *arg)
{
	char *tmp;
	FILE *f;
	int rc = 0;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	f = fopen(tmp, "w");
	if (!f) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	errno = 0;
	if (fill(f, arg) || ferror(f))
		rc = errno ? -errno : -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

void pb_output_link_latest(const struct pb_output *out, const char *base)
{
	char *link = pb_path(base, "latest");
	char *tmp = pb_path(base, ".latest.tmp");

	if (link && tmp) {
		unlink(tmp);
		if (symlink(out->run_id, tmp) == 0 && rename(tmp, link) < 0)
			unlink(tmp);
	}
	free(link);
	free(tmp);
}
