/*
 * parbench's HTTP server: one thread, epoll and non-blocking sockets (see
 * http/server.h); its connections are served by conn.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/conn.h"
#include "http/server.h"
#include "util/fd.h"

/*
 * Out of fds, a listening socket stays readable and the loop would spin:
 * give up the reserve fd, accept the connection and close it (the client
 * sees a reset), take the reserve back.  Then it is libev's and nginx's.
 */
static bool shed_one(struct pb_http_server *srv)
{
	int fd;

	if (srv->reserve_fd < 0)
		return false;
	close(srv->reserve_fd);
	fd = accept(srv->listen_fd, NULL, NULL);
	if (fd >= 0)
		close(fd);
	srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0;
}

static void accept_all(struct pb_http_server *srv)
{
	for (;;) {
		int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd >= 0) {
			pb_http__conn_open(srv, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if ((errno == EMFILE || errno == ENFILE) && shed_one(srv))
			continue;
		return;			/* EAGAIN, or out of memory: the next wake-up tries again */
	}
}

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	stop_requested = sig;
}

/* 0 once asked to stop, or -1 when epoll fails. */
static int serve_until_stopped(struct pb_http_server *srv, const sigset_t *wait_mask)
{
	struct epoll_event events[EVENTS];

	while (!stop_requested) {
		int timeout = pb_timer_wait_ms(&srv->timers, pb_http__now_ns());
		int n = epoll_pwait(srv->epfd, events, EVENTS, timeout, wait_mask);

		if (n < 0 && errno != EINTR)
			return -1;
		srv->now_ns = pb_http__now_ns();
		for (int i = 0; i < n; i++) {
			if (events[i].data.ptr == srv)
				accept_all(srv);
			else
				pb_http__conn_event(events[i].data.ptr, events[i].events);
		}
		pb_http__run_timers(srv);
	}
	return 0;
}

int pb_http_server_run(struct pb_http_server *srv)
{
	struct sigaction stop = { .sa_handler = on_stop_signal }, old_int, old_term;
	sigset_t stops, old_mask, wait_mask;
	int rc, err;

	/* Blocked but while in epoll_pwait: a signal cannot slip in before the wait. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, &old_mask);
	wait_mask = old_mask;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigemptyset(&stop.sa_mask);
	sigaction(SIGINT, &stop, &old_int);
	sigaction(SIGTERM, &stop, &old_term);
	stop_requested = 0;
	rc = serve_until_stopped(srv, &wait_mask);
	err = errno;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	errno = err;
	return rc;
}

static int listen_on(struct pb_http_server *srv, const struct pb_http_server_config *cfg,
		     char *why, size_t whylen)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
		.ai_socktype = SOCK_STREAM,
	};
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	struct addrinfo *ai;
	char port[8];
	int one = 1;

	snprintf(port, sizeof(port), "%u", cfg->port);
	if (getaddrinfo(cfg->host, port, &hints, &ai) != 0) {
		snprintf(why, whylen, "'%s' is not a numeric IPv4 or IPv6 address", cfg->host);
		return -1;
	}
	srv->listen_fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (srv->listen_fd < 0 ||
	    setsockopt(srv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(srv->listen_fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(srv->listen_fd, BACKLOG) < 0 ||
	    getsockname(srv->listen_fd, (struct sockaddr *)&bound, &len) < 0) {
		snprintf(why, whylen, "cannot listen on %s port %u: %s", cfg->host, cfg->port,
			 strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	srv->port = ntohs(bound.ss_family == AF_INET6 ?
			  ((struct sockaddr_in6 *)&bound)->sin6_port :
			  ((struct sockaddr_in *)&bound)->sin_port);
	return 0;
}

int pb_http_server_open(const struct pb_http_server_config *cfg, struct pb_http_server **out,
			char *why, size_t whylen)
{
	struct pb_http_server *srv = calloc(1, sizeof(*srv));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!srv)
		{
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	srv->epfd = srv->listen_fd = srv->reserve_fd = -1;
	srv->delay_ns = llround(cfg->delay_s * 1e9);
	srv->idle_ns = llround((cfg->idle_s > 0 ? cfg->idle_s : PB_HTTP_IDLE_S) * 1e9);
	srv->size = cfg->size;
	pb_http__write_heads(srv);
	pb_raise_fd_limit();
	if (listen_on(srv, cfg, why, whylen) < 0) {
		pb_http_server_close(srv);
		return -1;
	}
	ev.data.ptr = srv;
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (srv->epfd < 0 || epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->listen_fd, &ev) < 0) {
		snprintf(why, whylen, "epoll: %s", strerror(errno));
		pb_http_server_close(srv);
		return -1;
	}
	srv->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	*out = srv;
	return 0;
}

uint16_t pb_http_server_port(const struct pb_http_server *srv)
{
	return srv->port;
}

static void free_conns(struct conn *c)
{
	while (c) {
		struct conn *next = c->next;

		if (!c->closed)
			close(c->fd);
		free(c->held);
		free(c);
		c = next;
	}
}

void pb_http_server_close(struct pb_http_server *srv)
{
	free_conns(srv->conns);
	free_conns(srv->spare);
	pb_timer_heap_free(&srv->timers);
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->reserve_fd >= 0)
		close(srv->reserve_fd);
	free(srv);
}
