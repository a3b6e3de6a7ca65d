/*
 * The server in a child process, for io.http: forked, it reports its port
 * through a pipe and dies with its parent.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http/server.h"
#include "util/fd.h"

/* The child holds none of the parent's fds: not its pipes, not its sockets. */
static void close_inherited_fds(int keep)
{
	if (keep > 3)
		close_range(3, (unsigned)keep - 1, 0);
	close_range((unsigned)keep + 1, ~0U, 0);
}

/* Reports "ok PORT" or "error REASON" through `report`; _exit, never return. */
static void __attribute__((noreturn)) child_main(const struct pb_http_server_config *cfg,
						  int report, pid_t parent)
{
	struct pb_http_server_config local = *cfg;
	struct pb_http_server *srv;
	char why[256], line[300];
	int len, rc;

	/* Dies with the parent, even one that died before this line. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	close_inherited_fds(report);
	local.host = "127.0.0.1";
	local.port = 0;
	if (pb_http_server_open(&local, &srv, why, sizeof(why)) < 0) {
		len = snprintf(line, sizeof(line), "error %s\n", why);
		pb_write_all(report, line, (size_t)len);
		_exit(1);
	}
	len = snprintf(line, sizeof(line), "ok %u\n", pb_http_server_port(srv));
	pb_write_all(report, line, (size_t)len);
	close(report);
	rc = pb_http_server_run(srv);
	pb_http_server_close(srv);
	/* Not exit(): the parent's atexit handlers and stdio buffers are not ours. */
	_exit(rc ? 1 : 0);
}

/* Reads the child's one line; empty when it died first. */
static void read_report(int fd, char *line, size_t cap)
{
	size_t used = 0;

	while (used + 1 < cap) {
		ssize_t n = read(fd, line + used, cap - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (memchr(line, '\n', used))
			break;
	}
	line[used] = '\0';
	line[strcspn(line, "\n")] = '\0';
}

int pb_http_server_spawn(const struct pb_http_server_config *cfg,
			 struct pb_http_server_proc *proc, char *why, size_t whylen)
{
	pid_t parent = getpid(), pid;
	char line[300];
	unsigned port;
	int fds[2];

	*proc = (struct pb_http_server_proc){ 0 };
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe for the HTTP server: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child_main(cfg, fds[1], parent);
	close(fds[1]);
	if (pid < 0) {
		snprintf(why, whylen, "fork of the HTTP server: %s", strerror(errno));
		close(fds[0]);
		return -1;
	}
	read_report(fds[0], line, sizeof(line));
	close(fds[0]);
	if (sscanf(line, "ok %u", &port) == 1 && port > 0 && port <= UINT16_MAX) {
		*proc = (struct pb_http_server_proc){ .pid = pid, .port = (uint16_t)port };
		return 0;
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	snprintf(why, whylen, "the HTTP server did not start: %s",
		 strncmp(line, "error ", 6) == 0 ? line + 6 : "it died before listening");
	return -1;
}

void pb_http_server_stop(struct pb_http_server_proc *proc)
{
	if (proc->pid <= 0)
		return;
	kill(proc->pid, SIGTERM);
	while (waitpid(proc->pid, NULL, 0) < 0 && errno == EINTR)
		;
	proc->pid = 0;
}
