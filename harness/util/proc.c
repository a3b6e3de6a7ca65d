#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/parse.h"
#include "util/proc.h"

/* The child moves its ends of our pipes here, above every fd pipe_to can name. */
#define ABOVE_TARGETS 32

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* In the child: its process group and fds as o says, then before_exec: 0 or -errno. */
static int prepare_child(int out_w, const struct pb_proc_opts *o)
{
	int null;

	if (o->own_group && setpgid(0, 0) < 0)
		return -errno;
	for (int fd = 0; fd < ABOVE_TARGETS; fd++)
		if ((o->pipe_to & PB_PROC_FD(fd)) && dup2(out_w, fd) < 0)
			return -errno;
	if (o->null_stdin && ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
			      dup2(null, STDIN_FILENO) < 0))
		return -errno;
	return o->before_exec ? o->before_exec(o->arg) : 0;
}

/*
 * In the forked child: becomes the program, or writes why not (-errno) to
 * report_w, whose close-on-exec tells the parent that the exec succeeded.
 */
static void run_child(const char *path, char *const argv[], const struct pb_proc_opts *o,
		      int out_w, int report_w)
{
	/* Out of the way of the dup2s that put the child's fds in place. */
	int moved = fcntl(report_w, F_DUPFD_CLOEXEC, ABOVE_TARGETS), err;

	if (moved < 0 || (out_w >= 0 && (out_w = fcntl(out_w, F_DUPFD_CLOEXEC,
							ABOVE_TARGETS)) < 0))
		err = -errno;
	else
		err = prepare_child(out_w, o);
	if (!err) {
		execv(path, argv);
		err = -errno;
	}
	report_w = moved >= 0 ? moved : report_w;
	while (write(report_w, &err, sizeof(err)) < 0 && errno == EINTR)
		;
	_exit(127);
}

/* What the child wrote before its exec: -errno, or 0 when the exec closed the pipe. */
static int child_report(int report_r)
{
	int err = 0;
	ssize_t n;

	while ((n = read(report_r, &err, sizeof(err))) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(err) ? err : 0;
}

static int fail(const char *what, int err, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: %s", what, strerror(err));
	return -err;
}

int pb_proc_spawn(struct pb_proc *p, const char *path, char *const argv[],
		  const struct pb_proc_opts *opts, char *why, size_t whylen)
{
	static const struct pb_proc_opts plain;
	const struct pb_proc_opts *o = opts ? opts : &plain;
	int out[2] = { -1, -1 }, report[2], err, status;

	*p = (struct pb_proc){ .pid = -1, .out_fd = -1, .own_group = o->own_group };
	if (o->pipe_to && pipe2(out, O_CLOEXEC) < 0)
		return fail("pipe", errno, why, whylen);
	if (pipe2(report, O_CLOEXEC) < 0) {
		err = fail("pipe", errno, why, whylen);
		close_fd(out[0]);
		close_fd(out[1]);
		return err;
	}
	p->pid = fork();
	if (p->pid == 0)
		run_child(path, argv, o, out[1], report[1]);
	err = p->pid < 0 ? fail("fork", errno, why, whylen) : 0;
	/* The child's ends, closed at once: ours see the end of file when it closes its own. */
	close_fd(out[1]);
	close(report[1]);
	p->out_fd = out[0];
	if (!err && (err = child_report(report[0])))
		fail(path, -err, why, whylen);
	close(report[0]);
	if (err) {
		pb_proc_wait(p, &status);	/* our end closed, the child that did not exec reaped */
		*p = (struct pb_proc){ .pid = -1, .out_fd = -1 };
	}
	return err;
}

/* poll()'s timeout until deadline_ns: -1 for none, rounded up so as not to wake early. */
static int poll_ms(int64_t deadline_ns)
{
	int64_t left_ns = deadline_ns - pb_now_ns();

	if (deadline_ns == PB_PROC_NO_DEADLINE)
		return -1;
	if (left_ns <= 0)
		return 0;
	return left_ns / 1000000 >= INT_MAX ? INT_MAX : (int)((left_ns + 999999) / 1000000);
}

ssize_t pb_proc_read(struct pb_proc *p, void *buf, size_t len, int64_t deadline_ns)
{
	struct pollfd pfd = { .fd = p->out_fd, .events = POLLIN };

	for (;;) {
		int ready = poll(&pfd, 1, poll_ms(deadline_ns));
		ssize_t n;

		if (ready == 0)
			return -ETIMEDOUT;
		if (ready < 0 && errno != EINTR)
			return -errno;
		if (ready < 0)
			continue;
		n = read(p->out_fd, buf, len);
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

int pb_proc_kill(const struct pb_proc *p, int sig)
{
	if (p->pid <= 0 || (p->reaped && !p->own_group))
		return -ESRCH;
	/* A group outlives its reaped leader while its other processes live. */
	return kill(p->own_group ? -p->pid : p->pid, sig) < 0 ? -errno : 0;
}

int pb_proc_wait(struct pb_proc *p, int *status)
{
	close_fd(p->out_fd);
	p->out_fd = -1;
	if (p->pid <= 0 || p->reaped)
		return -ECHILD;
	while (waitpid(p->pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	p->reaped = true;
	return 0;
}

void pb_proc_describe_exit(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
}

#define EXEC_NS_ENV "PARBENCH_EXEC_NS"

void pb_proc_stamp_exec(void)
{
	char stamp[24];

	snprintf(stamp, sizeof(stamp), "%" PRId64, pb_now_ns());
	setenv(EXEC_NS_ENV, stamp, 1);
}

double pb_proc_since_exec_s(void)
{
	const char *stamp = getenv(EXEC_NS_ENV);
	uint64_t ns;
	char why[128];

	if (!stamp || pb_parse_u64(stamp, 0, UINT64_MAX, &ns, why, sizeof(why)))
		return NAN;
	return (double)(pb_now_ns() - (int64_t)ns) / 1e9;
}

int pb_proc_beside_self(const char *relative, char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -1;
	self[n] = '\0';
	return snprintf(path, len, "%s/%s", dirname(self), relative) < (int)len ? 0 : -1;
}

int pb_proc_source_file(const char *relative, char *path, size_t len)
{
	static const char *const roots[] = { "", "../../" };
	char beside[PATH_MAX];

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		snprintf(beside, sizeof(beside), "%s%s", roots[i], relative);
		if (pb_proc_beside_self(beside, path, len) == 0 && access(path, R_OK) == 0)
			return 0;
	}
	return -1;
}

/* The last non-empty line of text (an exception's message), cut to fit why. */
void pb_proc_last_line(const char *text, char *why, size_t whylen)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(why, whylen, "%.*s", (int)(end - start), start);
}

/* Reads the pipe to its end, keeping at least the last (cap - 1) / 2 bytes in buf. */
static void read_tail(struct pb_proc *p, char *buf, size_t cap)
{
	size_t used = 0;
	ssize_t n;

	do {
		if (used == cap - 1) {	/* full: keep the newer half */
			memmove(buf, buf + used / 2, used - used / 2);
			used -= used / 2;
		}
		n = pb_proc_read(p, buf + used, cap - 1 - used, PB_PROC_NO_DEADLINE);
		used += n > 0 ? (size_t)n : 0;
	} while (n > 0);
	buf[used] = '\0';
}

/* In the child, before the exec: keeps the fd the program reports on, stamps the exec. */
static int keep_fd(void *arg)
{
	int fd = *(const int *)arg;

	if (fcntl(fd, F_SETFD, 0) < 0)
		return -errno;
	pb_proc_stamp_exec();
	return 0;
}

/* How a reporting program ended, with its last words on stderr. */
static int outcome(const char *who, int status, const char *err, char *why, size_t whylen)
{
	char last[512] = "", how[64];
	int used;

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == PB_PROC_SENT_ERROR)
		return 1;
	pb_proc_describe_exit(status, how, sizeof(how));
	used = snprintf(why, whylen, "%s %s%s", who, WIFSIGNALED(status) ? "was " : "", how);
	pb_proc_last_line(err, last, sizeof(last));
	if (*last && used > 0 && (size_t)used < whylen)
		snprintf(why + used, whylen - (size_t)used, ": %s", last);
	return -1;
}

int pb_proc_run_reporter(const char *who, const char *path, char *const argv[], int report_fd,
			 char *why, size_t whylen)
{
	const struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(STDERR_FILENO),
					   .before_exec = keep_fd, .arg = &report_fd };
	char err[8192];
	struct pb_proc p;
	int status;

	if (pb_proc_spawn(&p, path, argv, &opts, err, sizeof(err))) {
		snprintf(why, whylen, "cannot start %s: %s", who, err);
		return -1;
	}
	read_tail(&p, err, sizeof(err));
	pb_proc_wait(&p, &status);
	return outcome(who, status, err, why, whylen);
}
