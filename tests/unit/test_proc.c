/* harness/util/proc.c: starting a program, reading its pipe, killing and reaping it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/run.h"
#include "util/proc.h"

static char why[256], text[4096];

/* Runs `sh -c script` as opts says and reaps it: its wait status, what it piped in text. */
static int run_sh(const char *script, const struct pb_proc_opts *opts)
{
	char *const argv[] = { "sh", "-c", (char *)script, NULL };
	int64_t deadline = pb_now_ns() + 30 * 1000000000LL;
	struct pb_proc p;
	size_t used = 0;
	ssize_t n = 0;
	int status;

	cr_assert_eq(pb_proc_spawn(&p, "/bin/sh", argv, opts, why, sizeof(why)), 0, "%s", why);
	while (p.out_fd >= 0 && (n = pb_proc_read(&p, text + used, sizeof(text) - 1 - used,
						   deadline)) > 0)
		used += (size_t)n;
	cr_assert_geq(n, 0, "reading the pipe: %s", strerror((int)-n));
	text[used] = '\0';
	cr_assert_eq(pb_proc_wait(&p, &status), 0);
	cr_assert_eq(p.out_fd, -1);
	return status;
}

/* Asserts that this test process has no child left, reaped or not. */
static void assert_no_child(void)
{
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1);
	cr_assert_eq(errno, ECHILD);
}

static void assert_described(int status, const char *words)
{
	char buf[64];

	pb_proc_describe_exit(status, buf, sizeof(buf));
	cr_assert_str_eq(buf, words);
}

Test(proc, true_exits_with_status_0)
{
	char *const argv[] = { "true", NULL };
	struct pb_proc p;
	int status = -1;

	cr_assert_eq(pb_proc_spawn(&p, "/bin/true", argv, NULL, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(p.out_fd, -1);
	cr_assert_eq(pb_proc_wait(&p, &status), 0);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	assert_described(status, "exited with status 0");
	cr_assert_eq(pb_proc_wait(&p, &status), -ECHILD, "reaped twice");
	assert_no_child();
}

Test(proc, an_exit_status_in_words)
{
	int status = run_sh("exit 3", NULL);

	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3, "status %#x", status);
	assert_described(status, "exited with status 3");
}

Test(proc, a_signal_in_words)
{
	int status = run_sh("kill -SEGV $$", NULL);

	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "status %#x", status);
	assert_described(status, "killed by signal 11 (Segmentation fault)");
}

Test(proc, stdout_and_stderr_into_one_pipe)
{
	struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(1) | PB_PROC_FD(2) };

	run_sh("echo out; echo err >&2", &opts);
	cr_assert_str_eq(text, "out\nerr\n");
}

Test(proc, an_extra_fd_into_the_pipe_and_nothing_else)
{
	struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(3) };

	run_sh("echo three >&3; fd() { readlink /proc/$$/fd/$1; }; "
	       "[ \"$(fd 1)\" != \"$(fd 3)\" ] && [ \"$(fd 2)\" != \"$(fd 3)\" ] && echo apart >&3",
	       &opts);
	cr_assert_str_eq(text, "three\napart\n");
}

Test(proc, stdin_from_dev_null)
{
	struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(1), .null_stdin = true };

	run_sh("readlink /proc/$$/fd/0", &opts);
	cr_assert_str_eq(text, "/dev/null\n");
}

Test(proc, the_deadline_passes_while_the_child_sleeps)
{
	struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(1), .own_group = true };
	char *const argv[] = { "sh", "-c", "sleep 30; echo late", NULL };
	struct pb_proc p;
	int status;

	cr_assert_eq(pb_proc_spawn(&p, "/bin/sh", argv, &opts, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(getpgid(p.pid), p.pid, "not the leader of its own process group");
	cr_assert_eq(pb_proc_read(&p, text, sizeof(text), pb_now_ns() + 50 * 1000000), -ETIMEDOUT);
	cr_assert_eq(pb_proc_kill(&p, SIGKILL), 0);
	cr_assert_eq(pb_proc_wait(&p, &status), 0);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	assert_described(status, "killed by signal 9 (Killed)");
}

Test(proc, a_program_that_does_not_exist)
{
	struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(1) };
	char *const argv[] = { "nothing", NULL };
	struct pb_proc p;

	cr_assert_eq(pb_proc_spawn(&p, "/nonexistent/nothing", argv, &opts, why, sizeof(why)),
		     -ENOENT);
	cr_assert_str_eq(why, "/nonexistent/nothing: No such file or directory");
	cr_assert_eq(p.pid, -1);
	cr_assert_eq(p.out_fd, -1);
	assert_no_child();
}

static int set_variable(void *value)
{
	return setenv("PB_PROC_TEST", value, 1) ? -errno : 0;
}

Test(proc, before_exec_runs_in_the_child)
{
	struct pb_proc_opts opts = { .pipe_to = PB_PROC_FD(1), .before_exec = set_variable,
				     .arg = "set in the child" };

	run_sh("printf %s \"$PB_PROC_TEST\"", &opts);
	cr_assert_str_eq(text, "set in the child");
	cr_assert_null(getenv("PB_PROC_TEST"));
}

static int refuse(void *arg)
{
	(void)arg;
	return -EPERM;
}

Test(proc, before_exec_can_refuse)
{
	struct pb_proc_opts opts = { .before_exec = refuse };
	char *const argv[] = { "true", NULL };
	struct pb_proc p;

	cr_assert_eq(pb_proc_spawn(&p, "/bin/true", argv, &opts, why, sizeof(why)), -EPERM);
	cr_assert_str_eq(why, "/bin/true: Operation not permitted");
	assert_no_child();
}
