/*
 * parbench's HTTP server, for io.http and `parbench serve`: one thread with
 * epoll and non-blocking sockets.  It answers every GET after a fixed
 * delay, with a body of a fixed size whose bytes are a function of the
 * request target and the byte's position (pb_http_body_fill), so a response
 * delivered to the wrong task changes that task's checksum.  Keep-alive and
 * pipelining are supported; delays are timers in one heap (timer_heap.h)
 * that sets epoll_wait's timeout.
 */
#ifndef PARBENCH_HTTP_SERVER_H
#define PARBENCH_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pb_http_server_config {
	const char *host;		/* a numeric IPv4 or IPv6 address to listen on */
	uint16_t port;			/* 0: an ephemeral port */
	double delay_s;			/* before each answer */
	uint64_t size;			/* bytes of each 200 response's body */
	/*
	 * A connection that owes no answer and sends nothing for this long (a
	 * request cut short, or an idle keep-alive) is closed; 0: PB_HTTP_IDLE_S.
	 */
	double idle_s;
};

#define PB_HTTP_IDLE_S 10.0
#define PB_HTTP_MAX_DELAY_S 60.0	/* the most a server waits before it answers */

struct pb_http_server;

/*
 * Listens (and raises RLIMIT_NOFILE to its hard limit: the server is meant
 * to run in a process of its own).  Returns 0, or -1 with a reason in why.
 */
int pb_http_server_open(const struct pb_http_server_config *cfg, struct pb_http_server **out,
			char *why, size_t whylen);

/* The port it listens on: the ephemeral one when the config said 0. */
uint16_t pb_http_server_port(const struct pb_http_server *srv);

/*
 * Serves until SIGINT or SIGTERM arrives; blocks both outside epoll_wait,
 * so neither is lost.  Returns 0, or -1 with errno when epoll fails.
 */
int pb_http_server_run(struct pb_http_server *srv);

/* Closes every connection and frees the server. */
void pb_http_server_close(struct pb_http_server *srv);

/* A server in a child process, for io.http. */
struct pb_http_server_proc {
	pid_t pid;			/* 0: none */
	uint16_t port;
};

/*
 * Forks a child that serves cfg on 127.0.0.1 at an ephemeral port (cfg's
 * host and port are ignored) and dies with the calling thread
 * (PR_SET_PDEATHSIG).  The child stays in the caller's process group.
 * Returns 0 once it listens, or -1 with a reason in why.
 */
int pb_http_server_spawn(const struct pb_http_server_config *cfg,
			 struct pb_http_server_proc *proc, char *why, size_t whylen);

/* SIGTERM and waitpid; nothing when proc->pid is 0. */
void pb_http_server_stop(struct pb_http_server_proc *proc);

#endif
