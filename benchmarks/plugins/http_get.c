/*
 * example.http: an I/O workload as a parbench plugin, written in the
 * non-blocking form that event loops drive.
 *
 * Each task opens a TCP connection to an HTTP server on loopback, sends one
 * GET for /<task> with `Connection: close`, reads the response to the end
 * of the connection and returns a checksum of its body.  The server is
 * parbench's own (`parbench serve`), which answers every path with a body
 * of its --size bytes that depend on the path, so task i's checksum depends
 * on i and on the size:
 *
 *	make plugin-examples
 *	./parbench serve --port 8080 --delay 0.001 --size 1024 &
 *	./parbench run -w plugin:.build/plugins/http_get.so -s all -n 1,2 --port 8080 --size 1024
 *
 * --size is the size of each body, as for the built-in io.http: it must be
 * the server's --size, and a body of another length fails the task (EPROTO).
 *
 * The non-blocking form: a task is a small state machine (connect, send,
 * receive).  start_task() begins it and resume_task() goes on; each returns
 * a step that says what the task waits for next (here: its socket to become
 * writable or readable), or that it is DONE or FAILED.  An event loop
 * (evloop-epoll, ...) carries out the waits of many tasks at once.  For the
 * strategies that block (seq, threads, processes, OpenMP), run_task is NULL
 * and parbench drives the same steps itself, one task at a time in each
 * thread or process, waiting with poll().  The task's logic is written once,
 * below.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parbench_workload.h"

/* ---- The plugin's options: `parbench run --port N` ---- */

/* job->options points at one of these, filled from the command line. */
struct http_get_options {
	unsigned port;
};

/* The table parbench reads: each entry is a --NAME of `parbench run`. */
static const struct parbench_option http_get_options[] = {
	{ .name = "port", .type = PARBENCH_OPTION_UINT,
	  .offset = offsetof(struct http_get_options, port), .metavar = "N", .def = "8080",
	  .min = 1, .max = 65535,
	  .help = "the TCP port of the HTTP server on 127.0.0.1 (parbench serve --port N)" },
	{ 0 },			/* the end: an entry without a name */
};

/* ---- One task's state ---- */

enum get_phase {
	PHASE_CONNECTING,
	PHASE_SENDING,
	PHASE_RECEIVING,
};

#define STATUS_LEN 12		/* "HTTP/1.1 200": what we check of the status line */

/*
 * parbench gives every task in flight task_state_size bytes, zeroed: this
 * struct.  It holds no pointer to free; the socket is the one thing a task
 * holds, closed when the task is DONE or FAILED.
 */
struct get_task {
	int fd;
	enum get_phase phase;
	char request[128];
	size_t request_len, sent;
	char status[STATUS_LEN];	/* the first bytes of the response */
	uint64_t head_len;		/* bytes of the status line and headers seen */
	unsigned blank_line;		/* how much of "\r\n\r\n" the head ends with */
	bool in_body;
	uint64_t body_len;
	uint64_t body_hash;		/* FNV-1a of the body so far */
};

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* The task is over: release what it holds (its socket), whatever the outcome. */
static struct pb_step finish(struct get_task *t, struct pb_step step)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	return step;
}

static struct pb_step fail(struct get_task *t, int err)
{
	return finish(t, pb_step_failed(err));
}

/* A 2xx answer: anything else is the server saying no, not a body to check. */
static bool status_ok(const struct get_task *t)
{
	return memcmp(t->status, "HTTP/1.", 7) == 0 && t->status[8] == ' ' && t->status[9] == '2';
}

/*
 * Takes the bytes the socket gave, in order: the head (status line and
 * headers, up to the blank line), then the body, hashed byte by byte so
 * that it may arrive cut anywhere.  0, or EPROTO for a non-2xx status.
 */
static int take_bytes(struct get_task *t, const unsigned char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = bytes[i];

		if (t->in_body) {
			t->body_hash = (t->body_hash ^ c) * FNV_PRIME;
			t->body_len++;
			continue;
		}
		if (t->head_len < STATUS_LEN)
			t->status[t->head_len] = (char)c;
		t->head_len++;
		if (c == "\r\n\r\n"[t->blank_line])
			t->blank_line++;
		else
			t->blank_line = c == '\r';
		if (t->blank_line == 4) {
			if (t->head_len < STATUS_LEN || !status_ok(t))
				return EPROTO;
			t->in_body = true;
			t->body_hash = FNV_OFFSET;
		}
	}
	return 0;
}

/* The server closed the connection: the response is complete, or cut short. */
static struct pb_step end_of_response(const struct pb_job *job, struct get_task *t)
{
	if (!t->in_body || t->body_len != job->size)
		return fail(t, EPROTO);
	/* pb_mix64 spreads the hash's bits: every bit of the checksum counts. */
	return finish(t, pb_step_done(pb_mix64(t->body_hash)));
}

/* Reads what has arrived; waits for more until the server closes. */
static struct pb_step receive(const struct pb_job *job, struct get_task *t)
{
	unsigned char buf[4096];	/* small: a thread's stack may be small */

	for (;;) {
		ssize_t n = recv(t->fd, buf, sizeof(buf), 0);
		int err;

		if (n > 0 && (err = take_bytes(t, buf, (size_t)n)))
			return fail(t, err);
		if (n == 0)
			return end_of_response(job, t);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return pb_step_wait(PB_WAIT_READABLE, t->fd);
		if (n < 0 && errno != EINTR)
			return fail(t, errno);
	}
}

/* Writes what the socket takes of the request; waits while it takes none. */
static struct pb_step send_request(struct get_task *t)
{
	t->phase = PHASE_SENDING;
	while (t->sent < t->request_len) {
		/* MSG_NOSIGNAL: a closed peer is EPIPE here, not a SIGPIPE that kills the cell. */
		ssize_t n = send(t->fd, t->request + t->sent, t->request_len - t->sent,
				 MSG_NOSIGNAL);

		if (n >= 0)
			t->sent += (size_t)n;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			return pb_step_wait(PB_WAIT_WRITABLE, t->fd);
		else if (errno != EINTR)
			return fail(t, errno);
	}
	t->phase = PHASE_RECEIVING;
	return pb_step_wait(PB_WAIT_READABLE, t->fd);
}

/* A non-blocking connect() finished: SO_ERROR says how (ECONNREFUSED: no server). */
static struct pb_step connected(struct get_task *t)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return fail(t, errno);
	if (err)
		return fail(t, err);
	return send_request(t);
}

/*
 * The first step of task `task`: writes its request, opens a non-blocking
 * socket and starts connecting.  Called with the state zeroed.
 */
static struct pb_step get_start(const struct pb_job *job, uint64_t task, void *state)
{
	const struct http_get_options *o = job->options;
	struct get_task *t = state;
	struct sockaddr_in server = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)o->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int n = snprintf(t->request, sizeof(t->request),
			 "GET /%llu HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n",
			 (unsigned long long)task, o->port);

	t->request_len = (size_t)n;
	t->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		return fail(t, errno);
	if (connect(t->fd, (const struct sockaddr *)&server, sizeof(server)) == 0)
		return send_request(t);
	if (errno != EINPROGRESS)
		return fail(t, errno);
	t->phase = PHASE_CONNECTING;
	return pb_step_wait(PB_WAIT_WRITABLE, t->fd);
}

/* Every later step: the wait the last step asked for is over. */
static struct pb_step get_resume(const struct pb_job *job, void *state)
{
	struct get_task *t = state;

	switch (t->phase) {
	case PHASE_CONNECTING:
		return connected(t);
	case PHASE_SENDING:
		return send_request(t);
	case PHASE_RECEIVING:
		return receive(job, t);
	}
	return fail(t, EINVAL);
}

/*
 * The descriptor, last in the file.  No setup or teardown: a task needs
 * nothing shared but the options.  run_task is NULL: parbench drives the
 * non-blocking form for the strategies that block (threads, processes,
 * OpenMP), so both forms do the same work.
 */
PARBENCH_WORKLOAD = {
	.abi = PARBENCH_WORKLOAD_ABI,
	.name = "example.http",
	.kind = PB_KIND_IO,
	.summary = "each task GETs /<task> from parbench serve on 127.0.0.1 (an example plugin)",
	.default_tasks = 64,
	.default_size = 1024,
	.size_unit = "bytes of body (the server's --size)",
	.run_task = NULL,
	.task_state_size = sizeof(struct get_task),
	.start_task = get_start,
	.resume_task = get_resume,
	.options = http_get_options,
	.options_size = sizeof(struct http_get_options),
};
