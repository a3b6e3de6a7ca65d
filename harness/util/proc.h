/*
 * A child process that runs a program: started with its output on a pipe
 * we read, read until a deadline, killed, reaped, and its end put into
 * words.  Functions that act return 0 or a negative errno value, with a
 * one-line reason in `why` where they take one.
 */
#ifndef PARBENCH_PROC_H
#define PARBENCH_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* pipe_to's bit for the child's file descriptor fd (0 to 31). */
#define PB_PROC_FD(fd) (1u << (fd))

/* pb_proc_read's deadline when it has none. */
#define PB_PROC_NO_DEADLINE INT64_MAX

struct pb_proc_opts {
	unsigned pipe_to;		/* PB_PROC_FD(n) of each child fd that writes into the
					 * pipe we read; 0: no pipe */
	bool null_stdin;		/* its stdin is /dev/null */
	bool own_group;			/* it leads a process group, which pb_proc_kill kills */
	/* In the child, after the above, just before the exec: 0 or -errno. */
	int (*before_exec)(void *arg);
	void *arg;
};

struct pb_proc {
	pid_t pid;			/* -1 when none was started */
	int out_fd;			/* our end of the pipe, or -1 */
	bool own_group;
	bool reaped;
};

/*
 * Starts path with argv (argv[0] first, NULL last), as opts says (NULL:
 * no pipe, nothing more).  Returns once the program runs: 0, or -errno with
 * why (the pipe, the fork, before_exec or the exec failed), nothing left
 * behind.
 */
int pb_proc_spawn(struct pb_proc *p, const char *path, char *const argv[],
		  const struct pb_proc_opts *opts, char *why, size_t whylen);

/*
 * Waits until the pipe has something or deadline_ns (pb_now_ns()'s clock)
 * passes, then reads what is there into buf: the bytes read, 0 at its end,
 * -ETIMEDOUT, or -errno.  Signals do not cut it short.
 */
ssize_t pb_proc_read(struct pb_proc *p, void *buf, size_t len, int64_t deadline_ns);

/* Sends sig to its process group (own_group) or to it, while it is not reaped. */
int pb_proc_kill(const struct pb_proc *p, int sig);

/* Closes our end of the pipe and reaps it: 0 with its wait status, or -errno. */
int pb_proc_wait(struct pb_proc *p, int *status);

/* "exited with status 3", "killed by signal 9 (Killed)": a wait status in words. */
void pb_proc_describe_exit(int status, char *buf, size_t len);

/*
 * A process's start-up is timed from the moment before its exec: the
 * child stamps the time into its environment (PARBENCH_EXEC_NS), and the
 * program it became reads how long ago that was.
 */
void pb_proc_stamp_exec(void);

/* Seconds since pb_proc_stamp_exec() in the process that exec'd this one; NAN when unknown. */
double pb_proc_since_exec_s(void);

/* dirname(this program)/relative into path: 0, or -1 when it does not fit. */
int pb_proc_beside_self(const char *relative, char *path, size_t len);

/*
 * A file of parbench's source tree (relative to its root), found beside the
 * program (./parbench) or two levels up (.build/asan/parbench): 0 with its
 * path when it is there to read, else -1.
 */
int pb_proc_source_file(const char *relative, char *path, size_t len);

/* The last non-empty line of text (an exception's message), cut to fit why. */
void pb_proc_last_line(const char *text, char *why, size_t whylen);

/* The exit status of a reporting program that sent an error line of its own. */
#define PB_PROC_SENT_ERROR 10

/*
 * Runs a program that reports on report_fd itself (it inherits that fd; its
 * exec is stamped) and waits for it: 0 when it exited 0, 1 when it exited
 * with PB_PROC_SENT_ERROR, else -1 with why ("WHO exited with status 3: its
 * last line on stderr", or why it could not start).
 */
int pb_proc_run_reporter(const char *who, const char *path, char *const argv[], int report_fd,
			 char *why, size_t whylen);

#endif
