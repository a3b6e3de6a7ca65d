/*
 * benchmarks/http and io.http: URLs, the response reader on canned bytes,
 * the body's content, and the workload against its own server and against
 * a server that drops kept-alive connections.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "job.h"
#include "workload.h"
#include "http/parse.h"
#include "http/server.h"
#include "http/url.h"
#include "strategies/strategy.h"
#include "leaks.h"

#define TIMEOUT .timeout = 30

static char why[128];

/* ---- URLs ---- */

static struct pb_http_target url_ok(const char *url)
{
	struct pb_http_target t;

	cr_assert_eq(pb_http_parse_url(url, &t, why, sizeof(why)), 0, "%s: %s", url, why);
	return t;
}

static void url_refused(const char *url, const char *reason)
{
	struct pb_http_target t;

	why[0] = '\0';
	cr_assert_eq(pb_http_parse_url(url, &t, why, sizeof(why)), -1, "'%s' was accepted", url);
	cr_assert(strstr(why, reason), "'%s': why is \"%s\", not \"%s\"", url, why, reason);
}

Test(http_url, host_alone_gets_port_80_and_root)
{
	struct pb_http_target t = url_ok("http://example.com");

	cr_assert_str_eq(t.host, "example.com");
	cr_assert_eq(t.port, 80);
	cr_assert_str_eq(t.port_text, "80");
	cr_assert_str_eq(t.path, "/");
	cr_assert_str_eq(t.host_header, "example.com");
}

Test(http_url, port_path_and_query)
{
	struct pb_http_target t = url_ok("http://127.0.0.1:8080/a/b.bin?x=1&y=2#part");

	cr_assert_str_eq(t.host, "127.0.0.1");
	cr_assert_eq(t.port, 8080);
	cr_assert_str_eq(t.port_text, "8080");
	cr_assert_str_eq(t.path, "/a/b.bin?x=1&y=2");
	cr_assert_str_eq(t.host_header, "127.0.0.1:8080");
	cr_assert_str_eq(url_ok("http://h?q").path, "/?q");
	cr_assert_str_eq(url_ok("HTTP://h:80/x").host_header, "h");
}

Test(http_url, ipv6_literal)
{
	struct pb_http_target t = url_ok("http://[::1]:9000/x");

	cr_assert_str_eq(t.host, "::1");
	cr_assert_eq(t.port, 9000);
	cr_assert_str_eq(t.host_header, "[::1]:9000");
	cr_assert_str_eq(t.path, "/x");
}

Test(http_url, refused)
{
	url_refused("https://example.com/", "only http:// URLs are supported");
	url_refused("ftp://example.com/", "only http://");
	url_refused("example.com", "only http://");
	url_refused("", "only http://");
	url_refused("http://", "no host");
	url_refused("http:///path", "no host");
	url_refused("http://h:0/", "port 0");
	url_refused("http://h:99999/", "not a valid URL");
	url_refused("http://h:x/", "not a valid URL");
	url_refused("http://a b/", "not a valid URL");
	url_refused("http://user:pw@h/", "user information");
}

/* ---- The response reader ---- */

struct read_result {
	int err;
	bool complete, keep_alive;
	uint64_t checksum, body_len;
};

/* Feeds text in pieces of `step` bytes, then EOF if `eof`; stops at completion. */
static struct read_result read_canned(const char *text, size_t len, size_t step, bool eof)
{
	struct pb_http_reader r;
	struct read_result out = { 0 };

	pb_http_reader_init(&r);
	for (size_t at = 0; at < len && !out.err && !r.complete; at += step)
		out.err = pb_http_reader_feed(&r, text + at, len - at < step ? len - at : step);
	if (eof && !out.err && !r.complete)
		out.err = pb_http_reader_feed(&r, NULL, 0);
	out.complete = r.complete;
	out.keep_alive = r.keep_alive;
	out.body_len = r.body_len;
	if (r.complete)
		out.checksum = pb_http_reader_checksum(&r);
	return out;
}

#define CANNED(s) (s), sizeof(s) - 1

static uint64_t checksum_of(const char *body, size_t len)
{
	char response[512];
	int n = snprintf(response, sizeof(response), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
			 len);
	struct read_result got;

	memcpy(response + n, body, len);	/* the body may hold zero bytes */
	got = read_canned(response, (size_t)n + len, (size_t)n + len, false);
	cr_assert(got.complete);
	return got.checksum;
}

Test(http_reader, content_length_in_any_pieces)
{
	static const char text[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world";
	struct read_result whole = read_canned(CANNED(text), sizeof(text), false);

	cr_assert_eq(whole.err, 0);
	cr_assert(whole.complete);
	cr_assert(whole.keep_alive);
	cr_assert_eq(whole.body_len, 11);
	for (size_t step = 1; step < 12; step++) {
		struct read_result pieces = read_canned(CANNED(text), step, false);

		cr_assert(pieces.complete, "in pieces of %zu", step);
		cr_assert_eq(pieces.checksum, whole.checksum, "in pieces of %zu", step);
	}
}

Test(http_reader, chunked_and_eof_bodies_match_content_length)
{
	static const char chunked[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
				      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
	static const char at_eof[] = "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\n\r\nhello world";
	uint64_t want = checksum_of("hello world", 11);
	struct read_result got = read_canned(CANNED(chunked), 7, false);

	cr_assert_eq(got.err, 0);
	cr_assert(got.complete);
	cr_assert(got.keep_alive);
	cr_assert_eq(got.checksum, want);

	got = read_canned(CANNED(at_eof), 5, false);
	cr_assert_eq(got.err, 0);
	cr_assert_not(got.complete, "a body without a length ends only at EOF");
	got = read_canned(CANNED(at_eof), 5, true);
	cr_assert_eq(got.err, 0);
	cr_assert(got.complete);
	cr_assert_not(got.keep_alive);
	cr_assert_eq(got.checksum, want);
}

Test(http_reader, keep_alive_follows_the_server)
{
	cr_assert_not(read_canned(CANNED("HTTP/1.1 200 OK\r\nConnection: close\r\n"
					 "Content-Length: 0\r\n\r\n"), 100, false).keep_alive);
	cr_assert_not(read_canned(CANNED("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
				  100, false).keep_alive);
	cr_assert(read_canned(CANNED("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"
				     "Content-Length: 0\r\n\r\n"), 100, false).keep_alive);
	/* Bytes past the response: something is wrong with this connection. */
	cr_assert_not(read_canned(CANNED("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy"),
				  100, false).keep_alive);
}

Test(http_reader, failures)
{
	cr_assert_eq(read_canned(CANNED("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
				 100, false).err, EPROTO);
	cr_assert_eq(read_canned(CANNED("HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"),
				 3, false).err, EPROTO);
	cr_assert_eq(read_canned(CANNED("HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n"),
				 100, false).err, EPROTO);
	cr_assert_eq(read_canned(CANNED("SSH-2.0-OpenSSH\r\n"), 100, false).err, EPROTO);
	/* Cut short, and closed before a single byte. */
	cr_assert_eq(read_canned(CANNED("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc"),
				 100, true).err, EPROTO);
	cr_assert_eq(read_canned(CANNED("HTTP/1.1 200 OK\r\nContent-Le"), 100, true).err,
		     EPROTO);
	cr_assert_eq(read_canned("", 0, 1, true).err, ECONNRESET);
}

Test(http_reader, checksum_depends_on_order_and_length)
{
	uint64_t sum = checksum_of("abcdefgh12345678", 16);

	cr_assert_neq(sum, checksum_of("12345678abcdefgh", 16), "words swapped");
	cr_assert_neq(sum, checksum_of("bacdefgh12345678", 16), "bytes swapped");
	cr_assert_neq(checksum_of("ab", 2), checksum_of("ab\0", 3), "a trailing zero");
	cr_assert_neq(checksum_of("", 0), checksum_of("\0", 1));
}

/* ---- The body ---- */

Test(http_body, a_function_of_path_and_position)
{
	unsigned char whole[200], part[200], again[200], other[200];
	uint64_t key = pb_http_path_key("/7", 2);

	pb_http_body_fill(key, 0, whole, sizeof(whole));
	pb_http_body_fill(key, 0, again, sizeof(again));
	cr_assert_arr_eq(whole, again, sizeof(whole));
	/* Any slice, from any offset, is the same bytes at the same positions. */
	for (size_t from = 0; from < 20; from++) {
		for (size_t len = 0; from + len <= sizeof(whole); len += 13) {
			memset(part, 0, sizeof(part));
			pb_http_body_fill(key, from, part, len);
			cr_assert_arr_eq(part, whole + from, len, "from %zu, %zu bytes", from, len);
		}
	}
	cr_assert_neq(key, pb_http_path_key("/8", 2));
	cr_assert_eq(key, pb_http_path_key("/7", 2));
	pb_http_body_fill(pb_http_path_key("/8", 2), 0, other, sizeof(other));
	cr_assert_arr_neq(whole, other, sizeof(whole));
}

/* ---- io.http against servers ---- */

static uint64_t run_one(const struct pb_workload *w, const struct pb_job *job, uint64_t task,
			int *err)
{
	uint64_t sum = w->run_task(job, task);

	*err = pb_task_take_error();
	return sum;
}

/* The non-blocking form, its waits carried out by poll(). */
static uint64_t step_one(const struct pb_workload *w, const struct pb_job *job, uint64_t task,
			 int *err)
{
	void *state = calloc(1, w->task_state_size);
	struct pb_step step;

	cr_assert_not_null(state);
	step = w->start_task(job, task, state);
	while (step.wait == PB_WAIT_READABLE || step.wait == PB_WAIT_WRITABLE) {
		struct pollfd p = {
			.fd = step.fd,
			.events = step.wait == PB_WAIT_READABLE ? POLLIN : POLLOUT,
		};

		cr_assert_eq(poll(&p, 1, 10000), 1, "task %llu waits forever",
			     (unsigned long long)task);
		step = w->resume_task(job, state);
	}
	free(state);
	cr_assert(step.wait == PB_WAIT_DONE || step.wait == PB_WAIT_FAILED, "wait %d", step.wait);
	*err = step.wait == PB_WAIT_FAILED ? step.error : 0;
	return step.checksum;
}

/* What the built-in server sends for `path`, read as a client reads it. */
static uint64_t expected_checksum(const char *path, size_t size)
{
	unsigned char *body = malloc(size);
	struct pb_http_reader r;
	char head[128];
	int n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
			 size);
	uint64_t sum;

	cr_assert_not_null(body);
	pb_http_body_fill(pb_http_path_key(path, strlen(path)), 0, body, size);
	pb_http_reader_init(&r);
	cr_assert_eq(pb_http_reader_feed(&r, head, (size_t)n), 0);
	cr_assert_eq(pb_http_reader_feed(&r, body, size), 0);
	cr_assert(r.complete);
	sum = pb_http_reader_checksum(&r);
	free(body);
	return sum;
}

Test(io_http, tasks_get_their_own_bodies, TIMEOUT)
{
	const struct pb_workload *w = pb_workload_find("io.http");
	struct pb_job job = { .workload = w, .tasks = 8, .size = 100003,
			      .options = job_options(w, NULL, NULL) };
	int err;

	cr_assert_not_null(w);
	cr_assert_eq(w->setup(&job), 0, "%s", job.error);
	for (uint64_t task = 0; task < job.tasks; task++) {
		char path[32];
		uint64_t want, got;

		snprintf(path, sizeof(path), "/%llu", (unsigned long long)task);
		want = expected_checksum(path, job.size);
		got = run_one(w, &job, task, &err);
		cr_assert_eq(err, 0, "task %llu: %s", (unsigned long long)task, strerror(err));
		cr_assert_eq(got, want, "blocking task %llu", (unsigned long long)task);
		got = step_one(w, &job, task, &err);
		cr_assert_eq(err, 0, "task %llu: %s", (unsigned long long)task, strerror(err));
		cr_assert_eq(got, want, "non-blocking task %llu", (unsigned long long)task);
	}
	w->teardown(&job);
	assert_no_leaks();
}

Test(io_http, server_stops_and_is_reaped, TIMEOUT)
{
	struct pb_http_server_config cfg = { .delay_s = 0, .size = 10 };
	struct pb_http_server_proc proc;
	pid_t pid;

	cr_assert_eq(pb_http_server_spawn(&cfg, &proc, why, sizeof(why)), 0, "%s", why);
	cr_assert_gt(proc.pid, 0);
	cr_assert_gt(proc.port, 0);
	cr_assert_eq(getpgid(proc.pid), getpgrp(), "the server left the caller's group");
	pid = proc.pid;
	pb_http_server_stop(&proc);
	cr_assert_eq(proc.pid, 0);
	cr_assert_eq(kill(pid, 0), -1);
	cr_assert_eq(errno, ESRCH);
}

/*
 * A server that answers one request per connection, says nothing of
 * closing, then closes: a pooled connection is dead by the next task.
 */
struct dropping_server {
	int fd;
	uint16_t port;
	int served;
};

static void *drop_after_one(void *arg)
{
	static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	struct dropping_server *s = arg;
	int conn;

	while ((conn = accept(s->fd, NULL, NULL)) >= 0) {
		char buf[1024];
		size_t used = 0;
		ssize_t n;

		while (!memmem(buf, used, "\r\n\r\n", 4) &&
		       (n = recv(conn, buf + used, sizeof(buf) - used, 0)) > 0)
			used += (size_t)n;
		if (memmem(buf, used, "\r\n\r\n", 4)) {
			send(conn, answer, sizeof(answer) - 1, MSG_NOSIGNAL);
			s->served++;
		}
		close(conn);
	}
	return NULL;
}

static void start_dropping_server(struct dropping_server *s, pthread_t *thread)
{
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);

	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(s->fd, 0);
	cr_assert_eq(bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	cr_assert_eq(listen(s->fd, 16), 0);
	cr_assert_eq(getsockname(s->fd, (struct sockaddr *)&addr, &len), 0);
	s->port = ntohs(addr.sin_port);
	cr_assert_eq(pthread_create(thread, NULL, drop_after_one, s), 0);
}

Test(io_http, a_dropped_pooled_connection_is_retried_once, TIMEOUT)
{
	const struct pb_workload *w = pb_workload_find("io.http");
	struct dropping_server server = { 0 };
	uint64_t want = checksum_of("hello", 5);
	pthread_t thread;
	char url[64];
	int err;

	start_dropping_server(&server, &thread);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/x", server.port);
	{
		struct pb_job job = { .workload = w, .tasks = 4, .size = 1,
				      .options = job_options(w, "url", url) };

		cr_assert_eq(w->setup(&job), 0, "%s", job.error);
		for (uint64_t task = 0; task < job.tasks; task++) {
			/* Let the server close the connection the last task kept. */
			usleep(20000);
			cr_assert_eq(run_one(w, &job, task, &err), want);
			cr_assert_eq(err, 0, "blocking task %llu: %s", (unsigned long long)task,
				     strerror(err));
			usleep(20000);
			cr_assert_eq(step_one(w, &job, task, &err), want);
			cr_assert_eq(err, 0, "non-blocking task %llu: %s",
				     (unsigned long long)task, strerror(err));
		}
		w->teardown(&job);
	}
	shutdown(server.fd, SHUT_RDWR);		/* ends accept() */
	pthread_join(thread, NULL);
	close(server.fd);
	cr_assert_eq(server.served, 8);
}

Test(io_http, refused_connections_fail_the_task, TIMEOUT)
{
	const struct pb_workload *w = pb_workload_find("io.http");
	struct dropping_server server = { 0 };
	pthread_t thread;
	char url[64];
	int err;

	start_dropping_server(&server, &thread);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", server.port);
	{
		struct pb_job job = { .workload = w, .tasks = 1, .size = 1,
				      .options = job_options(w, "url", url) };

		cr_assert_eq(w->setup(&job), 0, "%s", job.error);
		shutdown(server.fd, SHUT_RDWR);		/* nobody listens any more */
		pthread_join(thread, NULL);
		close(server.fd);
		run_one(w, &job, 0, &err);
		cr_assert_eq(err, ECONNREFUSED, "%s", strerror(err));
		step_one(w, &job, 0, &err);
		cr_assert_eq(err, ECONNREFUSED, "%s", strerror(err));
		w->teardown(&job);
	}
}

/* Every strategy, in this process, against seq: pools across threads and forks. */
static uint64_t run_job(const struct pb_strategy *s, const struct pb_job *job, unsigned workers)
{
	struct pb_run run;
	uint64_t sum = 0;

	cr_assert_eq(pb_run_init(&run, job, workers, NULL), 0);
	run.options = strategy_options(s);
	pb_run_reset(&run);
	cr_assert_eq(s->run(&run), 0, "%s with %u workers: %s", s->name, workers, run.error);
	for (uint64_t t = 0; t < job->tasks; t++) {
		const struct pb_task_record *task = &run.shared->tasks[t];

		cr_assert_eq(task->error, 0, "%s with %u workers: task %llu: %s", s->name, workers,
			     (unsigned long long)t, strerror(task->error));
		sum = pb_checksum_fold(sum, t, task->checksum);
	}
	pb_run_destroy(&run);
	return sum;
}

Test(io_http, every_strategy_matches_seq, TIMEOUT)
{
	const struct pb_workload *w = pb_workload_find("io.http");
	/* Answers 1 ms late, not the default's 20: every task still waits on its socket (a
	 * request over loopback takes some tens of microseconds), for 0.5 s in all, not 12. */
	struct pb_job job = { .workload = w, .tasks = 24, .size = 3000,
			      .options = job_options(w, "delay", "0.001") };
	uint64_t want;

	cr_assert_eq(w->setup(&job), 0, "%s", job.error);
	want = run_job(pb_strategy_find("seq"), &job, 1);
	/* Not mpi and mpi-static (by name only): they run cpu and mem work, with mpirun. */
	for (const struct pb_strategy *const *s = pb_strategies; *s; s++)
		for (unsigned workers = 1; workers <= 3 && !(*s)->python && !(*s)->by_name_only;
		     workers++)
			cr_assert_eq(run_job(*s, &job, workers), want, "%s with %u workers",
				     (*s)->name, workers);
	w->teardown(&job);
}
