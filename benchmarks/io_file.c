/*
 * io.file: each task reads one whole file and checksums its bytes.  Setup
 * writes the files (at most PB_FILES of `size` bytes, task i reads file
 * i mod PB_FILES) into a new directory under --dir or $TMPDIR, which
 * teardown removes (`parbench run` passes a directory of the run's own as
 * --dir and empties it after each cell, for a cell killed before its
 * teardown).  After setup the files are in the page cache, so the
 * default measures reads from memory through the kernel; --direct reads
 * with O_DIRECT, past the cache, where the file system allows it (tmpfs,
 * for one, may not: setup says so and the cell fails).
 *
 * A task opens its file, asks for one read (PB_WAIT_READ) of up to CHUNK
 * bytes at a time until the end of the file, and checksums what came.  The
 * loops carry out each read: io_uring on the ring, epoll on its helper
 * threads and libuv on its thread pool, as libuv's fs requests do (a
 * regular file is always "ready" to epoll); the blocking form preads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workload.h"

#define PB_FILES 1024
/*
 * Bytes per read().  Below glibc's mmap threshold, so a task's buffer comes
 * from the thread's arena and is reused: a 1 MiB buffer was mmapped and
 * faulted in afresh by every task on a thread other than the main one,
 * which made threads read at a third of seq's speed.
 */
#define CHUNK (64 * 1024)
#define DIRECT_ALIGN 4096		/* O_DIRECT's buffer and length alignment */

struct file_options {
	const char *dir;		/* where its files go; NULL: a new temporary directory */
	bool direct;			/* read with O_DIRECT */
};

/* Its files go there: it must be a directory we may write. */
static int check_dir(const char *dir, char *why, size_t whylen)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		snprintf(why, whylen, "%s", strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		snprintf(why, whylen, "not a directory");
	else if (access(dir, W_OK | X_OK) < 0)
		snprintf(why, whylen, "%s", strerror(errno));
	else
		return 0;
	return -1;
}

static const struct pb_option file_options[] = {
	{ .name = "dir", .type = PB_OPTION_TEXT, .metavar = "DIR", .check = check_dir,
	  .offset = offsetof(struct file_options, dir),
	  .help = "where its files go (default: a new temporary directory, removed afterwards)",
	  .allowed = "an existing, writable directory" },
	{ .name = "direct", .type = PB_OPTION_FLAG,
	  .offset = offsetof(struct file_options, direct),
	  .help = "read with O_DIRECT, past the page cache" },
	{ 0 },
};

struct files {
	char dir[4096];
	uint64_t count;
	int flags;			/* for open() */
};

/* The content of every file: 8-byte words, a function of file and position. */
static uint64_t file_word(uint64_t file, uint64_t word)
{
	return pb_mix64((file << 40) ^ word);
}

/*
 * Fletcher-style: the second sum makes the checksum depend on the order of
 * the words, at the cost of two additions per 8 bytes (no multiply, so it
 * keeps up with reads from the page cache).
 */
struct sums {
	uint64_t a, b;
};

static void sums_add(struct sums *s, const unsigned char *bytes, size_t len)
{
	size_t words = len / 8;

	for (size_t i = 0; i < words; i++) {
		uint64_t w;

		memcpy(&w, bytes + 8 * i, 8);
		s->a += w;
		s->b += s->a;
	}
	for (size_t i = 8 * words; i < len; i++) {	/* the tail, byte by byte */
		s->a += bytes[i];
		s->b += s->a;
	}
}

struct file_task {
	int fd;				/* open between its steps */
	struct pb_read read;		/* read.buf is its buffer */
	struct sums sums;
};

static void file_path(const struct files *f, uint64_t file, char *path, size_t len)
{
	snprintf(path, len, "%s/%llu", f->dir, (unsigned long long)file);
}

static int write_file(const struct files *f, uint64_t file, uint64_t size, int sync)
{
	unsigned char *buf = malloc(CHUNK);
	char path[4200];
	int fd, rc = 0;

	if (!buf)
		return -ENOMEM;
	file_path(f, file, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (uint64_t done = 0; done < size && rc == 0;) {
		size_t len = size - done < CHUNK ? (size_t)(size - done) : CHUNK;

		for (size_t i = 0; i < len; i += 8) {
			uint64_t w = file_word(file, (done + i) / 8);

			memcpy(buf + i, &w, len - i < 8 ? len - i : 8);
		}
		if (write(fd, buf, len) != (ssize_t)len)
			rc = errno ? -errno : -EIO;
		done += len;
	}
	if (rc == 0 && sync && fsync(fd) < 0)
		rc = -errno;
	close(fd);
	free(buf);
	return rc;
}

static void remove_files(struct files *f, uint64_t count)
{
	char path[4200];

	for (uint64_t i = 0; i < count; i++) {
		file_path(f, i, path, sizeof(path));
		unlink(path);
	}
	rmdir(f->dir);
}

/* Whether the file system takes O_DIRECT: open the first file with it. */
static int check_direct(struct pb_job *job, const struct files *f)
{
	char path[4200];
	int fd;

	file_path(f, 0, path, sizeof(path));
	fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		snprintf(job->error, sizeof(job->error),
			 "--direct: the file system of %.300s refuses O_DIRECT (%s); run without "
			 "--direct, or point --dir at a disk file system", f->dir, strerror(errno));
		return -errno;
	}
	close(fd);
	return 0;
}

static int files_setup(struct pb_job *job)
{
	const struct file_options *o = job->options;
	const char *base = o->dir ? o->dir : getenv("TMPDIR");
	struct files *f = calloc(1, sizeof(*f));
	int rc = 0;

	if (!f)
		return -ENOMEM;
	snprintf(f->dir, sizeof(f->dir), "%s/parbench-io.file-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(f->dir)) {
		rc = -errno;
		free(f);
		return rc;
	}
	f->count = job->tasks < PB_FILES ? job->tasks : PB_FILES;
	f->flags = O_RDONLY | O_CLOEXEC | (o->direct ? O_DIRECT : 0);
	for (uint64_t i = 0; i < f->count && rc == 0; i++)
		if ((rc = write_file(f, i, job->size, o->direct)) < 0)
			remove_files(f, i + 1);
	if (rc == 0 && o->direct && (rc = check_direct(job, f)) < 0)
		remove_files(f, f->count);
	if (rc < 0) {
		free(f);
		return rc;
	}
	job->state = f;
	return 0;
}

static void files_teardown(struct pb_job *job)
{
	remove_files(job->state, ((struct files *)job->state)->count);
	free(job->state);
	job->state = NULL;
}

static int files_export_env(const struct pb_job *job)
{
	const struct files *f = job->state;
	char count[24];

	snprintf(count, sizeof(count), "%llu", (unsigned long long)f->count);
	if (setenv("PARBENCH_FILE_DIR", f->dir, 1) || setenv("PARBENCH_FILE_COUNT", count, 1) ||
	    setenv("PARBENCH_FILE_DIRECT", (f->flags & O_DIRECT) ? "1" : "0", 1))
		return -errno;
	return 0;
}

/* Bytes per read: whole blocks, which O_DIRECT wants (and an aligned buffer). */
static size_t read_size(const struct pb_job *job)
{
	size_t cap = job->size < CHUNK ? (size_t)job->size : CHUNK;

	return (cap + DIRECT_ALIGN - 1) / DIRECT_ALIGN * DIRECT_ALIGN;
}

/* The task's file, open for reading: an fd, or a negative errno value. */
static int open_file(const struct pb_job *job, uint64_t task)
{
	const struct files *f = job->state;
	char path[4200];
	int fd;

	file_path(f, task % f->count, path, sizeof(path));
	fd = open(path, f->flags);
	return fd < 0 ? -errno : fd;
}

static uint64_t sums_checksum(const struct sums *s)
{
	return pb_mix64(s->a) ^ s->b;
}

static struct pb_step next_read(struct file_task *t)
{
	return (struct pb_step){ .wait = PB_WAIT_READ, .fd = t->fd, .read = &t->read };
}

static struct pb_step file_start(const struct pb_job *job, uint64_t task, void *state)
{
	struct file_task *t = state;

	t->read.len = read_size(job);
	if (posix_memalign(&t->read.buf, DIRECT_ALIGN, t->read.len))
		return pb_step_failed(ENOMEM);
	t->fd = open_file(job, task);
	if (t->fd < 0) {
		free(t->read.buf);
		return pb_step_failed(-t->fd);
	}
	return next_read(t);
}

/* A read is done: the next one, or the end of the task. */
static struct pb_step file_resume(const struct pb_job *job, void *state)
{
	struct file_task *t = state;
	int64_t got = t->read.result;

	(void)job;
	if (got > 0) {
		sums_add(&t->sums, t->read.buf, (size_t)got);
		t->read.offset += (uint64_t)got;
		return next_read(t);
	}
	close(t->fd);
	free(t->read.buf);
	return got < 0 ? pb_step_failed((int)-got) : pb_step_done(sums_checksum(&t->sums));
}

const struct pb_workload pb_workload_io_file = {
	.name = "io.file",
	.kind = PB_KIND_IO,
	.summary = "each task reads one whole file (from the page cache, or O_DIRECT)",
	.default_tasks = 256,
	.default_size = 64 * 1024,
	.size_unit = "bytes per file",
	.bytes_per_unit = 1,
	.setup = files_setup,
	.teardown = files_teardown,
	.run_task = pb_run_steps,
	.task_state_size = sizeof(struct file_task),
	.start_task = file_start,
	.resume_task = file_resume,
	.python = true,
	.export_env = files_export_env,
	.options = file_options,
	.options_size = sizeof(struct file_options),
	.scratch_option = "dir",
};
