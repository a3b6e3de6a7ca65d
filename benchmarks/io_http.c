/*
 * io.http: each task does one HTTP/1.1 GET and checksums the body.  By
 * default setup forks parbench's own server (benchmarks/http/server.h) on loopback,
 * which answers after --delay with a body of --size bytes that depends on
 * the path, and task i asks for /i, so a response given to the wrong task
 * changes the checksum.  With --url every task fetches that URL.
 *
 * The tasks of a process share a small pool of kept-alive connections, as
 * the requests of a requests.Session or an aiohttp ClientSession do: a task
 * takes an idle connection or opens one, and gives it back after a complete
 * response that lets it.  A forked worker must not share its parent's
 * connections, so the pool remembers the process that owns it, and another
 * process forgets the idle ones it inherited before its first use.
 *
 * A task is one state machine (connect, send, receive), written once: event
 * loops carry out its waits, and the blocking form is the same steps with
 * poll() between them (pb_run_steps).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http.h"
#include "http/url_probe.h"
#include "workload.h"

#define REQUEST_MAX 128			/* a request to the built-in server */
#define RECV_BUF (16 * 1024)		/* on the stack: threads have small stacks */

struct conn_pool {
	pthread_mutex_t lock;
	_Atomic pid_t owner;
	int *idle;			/* connected fds, the most recently used last */
	size_t n, cap;
};

struct http_options {
	double delay_s;			/* the built-in server's delay before each answer */
	const char *url;		/* fetch from this server instead; NULL: the built-in one */
};

static int check_url(const char *url, char *why, size_t whylen)
{
	struct pb_http_target target;

	return pb_http_parse_url(url, &target, why, whylen) < 0 ? -1 : 0;
}

static const struct pb_option http_options[] = {
	{ .name = "delay", .type = PB_OPTION_SECONDS, .metavar = "SEC", .def = "0.02",
	  .min = 0, .max = PB_HTTP_MAX_DELAY_S, .offset = offsetof(struct http_options, delay_s),
	  .help = "the built-in server's delay before each answer" },
	{ .name = "url", .type = PB_OPTION_TEXT, .metavar = "URL", .check = check_url,
	  .offset = offsetof(struct http_options, url),
	  .help = "fetch http://HOST[:PORT]/PATH from that server instead of the built-in one",
	  .allowed = "http://HOST[:PORT][/PATH]" },
	{ 0 },
};

/* With --url, its server must answer before the run, not fail the cells later. */
static int http_ready(const void *options, char *why, size_t whylen)
{
	const struct http_options *o = options;
	struct pb_http_target target;
	char reason[512];

	if (!o->url)
		return 0;
	pb_http_parse_url(o->url, &target, reason, sizeof(reason));	/* checked already */
	if (pb_url_probe(&target, reason, sizeof(reason)) == 0)
		return 0;
	snprintf(why, whylen, "--url '%s': %s; allowed: the URL of an HTTP server that answers",
		 o->url, reason);
	return -1;
}

struct http_job {
	struct pb_http_server_proc server;	/* pid 0 with --url */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char host_header[PB_HTTP_HOST_MAX + 8];
	char *request;			/* with --url, every task's; NULL: "GET /<task>" */
	size_t request_len;
	struct conn_pool pool;
};

enum http_phase {
	PHASE_CONNECTING,
	PHASE_SENDING,
	PHASE_RECEIVING,
};

/* A task's state; nothing in it needs freeing. */
struct http_task {
	struct pb_http_reader reader;
	uint64_t task;
	size_t sent, request_len;
	int fd;
	enum http_phase phase;
	bool pooled;			/* a failure before any byte of the answer retries once */
	char request[REQUEST_MAX];	/* with the built-in server */
};

/* ---- The connection pool ---- */

/* The first use in a forked process, before it has threads of its own. */
static void pool_adopt(struct conn_pool *pool)
{
	pid_t self = getpid();

	if (atomic_load(&pool->owner) == self)
		return;
	pthread_mutex_init(&pool->lock, NULL);	/* it may have been copied locked */
	for (size_t i = 0; i < pool->n; i++)
		close(pool->idle[i]);	/* the parent's: closing our copy leaves it theirs */
	pool->n = 0;
	atomic_store(&pool->owner, self);
}

/* An idle connection, or -1. */
static int pool_take(struct conn_pool *pool)
{
	int fd = -1;

	pool_adopt(pool);
	pthread_mutex_lock(&pool->lock);
	if (pool->n)
		fd = pool->idle[--pool->n];
	pthread_mutex_unlock(&pool->lock);
	return fd;
}

static void pool_give(struct conn_pool *pool, int fd)
{
	pthread_mutex_lock(&pool->lock);
	if (pool->n == pool->cap) {
		size_t cap = pool->cap ? 2 * pool->cap : 64;
		int *idle = realloc(pool->idle, cap * sizeof(*idle));

		if (!idle) {
			pthread_mutex_unlock(&pool->lock);
			close(fd);
			return;
		}
		pool->idle = idle;
		pool->cap = cap;
	}
	pool->idle[pool->n++] = fd;
	pthread_mutex_unlock(&pool->lock);
}

/* After a complete response: keep the connection if the server lets us. */
static void release(struct http_job *hj, int fd, const struct pb_http_reader *reader)
{
	if (reader->keep_alive)
		pool_give(&hj->pool, fd);
	else
		close(fd);
}

static void pool_destroy(struct conn_pool *pool)
{
	if (atomic_load(&pool->owner) == getpid())
		for (size_t i = 0; i < pool->n; i++)
			close(pool->idle[i]);
	free(pool->idle);
	pthread_mutex_destroy(&pool->lock);
}

/* ---- Setup ---- */

static void http_free(struct http_job *hj)
{
	pool_destroy(&hj->pool);
	pb_http_server_stop(&hj->server);
	free(hj->request);
	free(hj);
}

static int use_builtin_server(struct pb_job *job, struct http_job *hj)
{
	const struct http_options *o = job->options;
	struct pb_http_server_config cfg = { .delay_s = o->delay_s, .size = job->size };
	struct sockaddr_in *sin = (struct sockaddr_in *)&hj->addr;

	if (pb_http_server_spawn(&cfg, &hj->server, job->error, sizeof(job->error)) < 0)
		return -EIO;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(hj->server.port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	hj->addrlen = sizeof(*sin);
	snprintf(hj->host_header, sizeof(hj->host_header), "127.0.0.1:%u", hj->server.port);
	return 0;
}

/* The first of the host's addresses that takes a connection, as clients do. */
static int find_address(struct pb_job *job, struct http_job *hj,
			const struct pb_http_target *target)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *list;
	int err = getaddrinfo(target->host, target->port_text, &hints, &list);

	if (err) {
		snprintf(job->error, sizeof(job->error), "--url: cannot resolve %.256s: %s",
			 target->host, gai_strerror(err));
		return -EHOSTUNREACH;
	}
	err = ENOENT;
	for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			memcpy(&hj->addr, ai->ai_addr, ai->ai_addrlen);
			hj->addrlen = ai->ai_addrlen;
			close(fd);
			freeaddrinfo(list);
			return 0;
		}
		err = errno;
		if (fd >= 0)
			close(fd);
	}
	freeaddrinfo(list);
	snprintf(job->error, sizeof(job->error), "--url: cannot connect to %.256s port %s: %s",
		 target->host, target->port_text, strerror(err));
	return -err;
}

static int use_url(struct pb_job *job, struct http_job *hj, const char *url)
{
	struct pb_http_target target;
	char why[128];
	int rc, len;

	if (pb_http_parse_url(url, &target, why, sizeof(why)) < 0) {
		snprintf(job->error, sizeof(job->error), "--url '%.300s': %s", url, why);
		return -EINVAL;
	}
	if ((rc = find_address(job, hj, &target)) < 0)
		return rc;
	len = asprintf(&hj->request, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", target.path,
		       target.host_header);
	if (len < 0) {
		hj->request = NULL;
		return -ENOMEM;
	}
	hj->request_len = (size_t)len;
	return 0;
}

static int http_setup(struct pb_job *job)
{
	const struct http_options *o = job->options;
	struct http_job *hj = calloc(1, sizeof(*hj));
	int rc;

	if (!hj)
		return -ENOMEM;
	pthread_mutex_init(&hj->pool.lock, NULL);
	atomic_init(&hj->pool.owner, getpid());
	rc = o->url ? use_url(job, hj, o->url) : use_builtin_server(job, hj);
	if (rc < 0) {
		http_free(hj);
		return rc;
	}
	job->state = hj;
	return 0;
}

static void http_teardown(struct pb_job *job)
{
	http_free(job->state);
	job->state = NULL;
}

/* With the built-in server, task i asks for /i: every body differs. */
static size_t request_text(const struct http_job *hj, uint64_t task, char *buf)
{
	if (hj->request)
		return hj->request_len;
	return (size_t)snprintf(buf, REQUEST_MAX, "GET /%llu HTTP/1.1\r\nHost: %s\r\n\r\n",
				(unsigned long long)task, hj->host_header);
}

static const char *request_of(const struct http_job *hj, const char *buf)
{
	return hj->request ? hj->request : buf;
}

static void no_delay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* The Python version asks the same server: --url as it is, or /<task> of the built-in one. */
static int http_export_env(const struct pb_job *job)
{
	const struct http_options *o = job->options;
	const struct http_job *hj = job->state;
	char url[64];

	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", hj->server.port);
	if (setenv("PARBENCH_HTTP_URL", o->url ? o->url : url, 1) ||
	    setenv("PARBENCH_HTTP_PATH_PER_TASK", o->url ? "0" : "1", 1))
		return -errno;
	return 0;
}

/* ---- The non-blocking form ---- */

static struct pb_step start_connect(const struct http_job *hj, struct http_task *t);

static struct pb_step fail_or_retry(const struct http_job *hj, struct http_task *t, int err)
{
	close(t->fd);
	t->fd = -1;
	if (!t->pooled || t->reader.received)
		return pb_step_failed(err);
	t->pooled = false;
	return start_connect(hj, t);
}

static struct pb_step receive_some(struct http_job *hj, struct http_task *t)
{
	char buf[RECV_BUF];

	for (;;) {
		ssize_t n = recv(t->fd, buf, sizeof(buf), MSG_DONTWAIT);
		int err;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return pb_step_wait(PB_WAIT_READABLE, t->fd);
		if (n < 0)
			return fail_or_retry(hj, t, errno);
		if ((err = pb_http_reader_feed(&t->reader, buf, (size_t)n)))
			return fail_or_retry(hj, t, err);
		if (t->reader.complete) {
			release(hj, t->fd, &t->reader);
			return pb_step_done(pb_http_reader_checksum(&t->reader));
		}
	}
}

/* The answer takes at least a round trip: wait for it rather than try a read. */
static struct pb_step send_some(const struct http_job *hj, struct http_task *t)
{
	const char *request = request_of(hj, t->request);

	while (t->sent < t->request_len) {
		ssize_t n = send(t->fd, request + t->sent, t->request_len - t->sent,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return pb_step_wait(PB_WAIT_WRITABLE, t->fd);
		if (n < 0)
			return fail_or_retry(hj, t, errno);
		t->sent += (size_t)n;
	}
	t->phase = PHASE_RECEIVING;
	return pb_step_wait(PB_WAIT_READABLE, t->fd);
}

static struct pb_step start_sending(const struct http_job *hj, struct http_task *t)
{
	t->phase = PHASE_SENDING;
	t->sent = 0;
	pb_http_reader_init(&t->reader);
	return send_some(hj, t);
}

static struct pb_step start_connect(const struct http_job *hj, struct http_task *t)
{
	t->fd = socket(hj->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		return pb_step_failed(errno);
	t->phase = PHASE_CONNECTING;
	if (connect(t->fd, (const struct sockaddr *)&hj->addr, hj->addrlen) == 0) {
		no_delay(t->fd);
		return start_sending(hj, t);
	}
	if (errno == EINPROGRESS)
		return pb_step_wait(PB_WAIT_WRITABLE, t->fd);
	return fail_or_retry(hj, t, errno);
}

static struct pb_step finish_connect(const struct http_job *hj, struct http_task *t)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		return fail_or_retry(hj, t, err);
	no_delay(t->fd);
	return start_sending(hj, t);
}

static struct pb_step http_start(const struct pb_job *job, uint64_t task, void *state)
{
	struct http_job *hj = job->state;
	struct http_task *t = state;

	t->task = task;
	t->request_len = request_text(hj, task, t->request);
	t->fd = pool_take(&hj->pool);
	t->pooled = t->fd >= 0;
	return t->pooled ? start_sending(hj, t) : start_connect(hj, t);
}

static struct pb_step http_resume(const struct pb_job *job, void *state)
{
	struct http_job *hj = job->state;
	struct http_task *t = state;

	switch (t->phase) {
	case PHASE_CONNECTING:
		return finish_connect(hj, t);
	case PHASE_SENDING:
		return send_some(hj, t);
	case PHASE_RECEIVING:
		return receive_some(hj, t);
	}
	return pb_step_failed(EINVAL);
}

const struct pb_workload pb_workload_io_http = {
	.name = "io.http",
	.kind = PB_KIND_IO,
	.summary = "each task GETs one body over kept-alive connections (built-in server or --url)",
	.default_tasks = 64,
	.default_size = 1024,
	.size_unit = "bytes of body",
	.bytes_per_unit = 0,
	.setup = http_setup,
	.teardown = http_teardown,
	.run_task = pb_run_steps,
	.task_state_size = sizeof(struct http_task),
	.start_task = http_start,
	.resume_task = http_resume,
	.python = true,
	.export_env = http_export_env,
	.options = http_options,
	.options_size = sizeof(struct http_options),
	.ready = http_ready,
};
