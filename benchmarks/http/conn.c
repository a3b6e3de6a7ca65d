/*
 * The server's connections: each parses its requests as they come, queues
 * their answers (due after the delay), renders them into the server's
 * buffer and writes them in order, then closes when the client is done or
 * idle for too long.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/conn.h"

void pb_http__write_heads(struct pb_http_server *srv)
{
	static const unsigned short status[ANSWERS] = { 200, 400, 405 };

	for (int answer = 0; answer < ANSWERS; answer++) {
		for (int keep_alive = 0; keep_alive < 2; keep_alive++) {
			struct response_head *head = &srv->heads[answer][keep_alive];
			int n = snprintf(head->text, sizeof(head->text),
					 "HTTP/1.1 %u %s\r\nContent-Type: application/octet-stream\r\n"
					 "Content-Length: %llu\r\n%sConnection: %s\r\n\r\n",
					 status[answer], http_status_str(status[answer]),
					 (unsigned long long)(answer == ANSWER_OK ? srv->size : 0),
					 answer == ANSWER_BAD_METHOD ? "Allow: GET, HEAD\r\n" : "",
					 keep_alive ? "keep-alive" : "close");

			head->len = (size_t)n;
		}
	}
}

static const struct response_head *head_of(const struct pb_http_server *srv,
					   const struct pending *p)
{
	return &srv->heads[p->answer][p->keep_alive];
}

static uint64_t response_length(const struct pb_http_server *srv, const struct pending *p)
{
	bool body = p->answer == ANSWER_OK && !p->head_only;

	return head_of(srv, p)->len + (body ? srv->size : 0);
}

static void queue_push(struct conn *c, enum answer answer, uint64_t key, bool head_only,
		       bool keep_alive)
{
	const struct pb_http_server *srv = c->srv;

	c->queue[(c->first + c->count++) % QUEUE] = (struct pending){
		.due_ns = srv->now_ns + (answer == ANSWER_BAD_REQUEST ? 0 : srv->delay_ns),
		.key = key,
		.answer = (unsigned char)answer,
		.head_only = head_only,
		.keep_alive = keep_alive,
	};
}

/* Queues the request's answer; a full queue pauses the parsing. */
static bool on_request(void *data, const struct pb_http_request *req)
{
	struct conn *c = data;
	bool get = req->method == HTTP_GET, head = req->method == HTTP_HEAD;

	queue_push(c, get || head ? ANSWER_OK : ANSWER_BAD_METHOD, req->key, head,
		   req->keep_alive);
	return c->count == QUEUE;
}

static void hold_input(struct conn *c, const char *data, size_t len)
{
	c->held = malloc(len);
	if (!c->held) {			/* answer what came, then close */
		c->reading = false;
		return;
	}
	memcpy(c->held, data, len);
	c->held_len = len;
}

/* Only called while reading, so the queue has room (a full one pauses). */
static void feed_requests(struct conn *c, const char *data, size_t len)
{
	size_t used;

	switch (pb_http_requests_feed(&c->requests, data, len, &used)) {
	case PB_HTTP_MORE:
		return;
	case PB_HTTP_PAUSED:
		if (used < len)
			hold_input(c, data + used, len - used);
		return;
	case PB_HTTP_LAST:
		c->reading = false;
		return;
	case PB_HTTP_BAD:
		queue_push(c, ANSWER_BAD_REQUEST, 0, false, false);
		c->reading = false;
	}
}

static void feed_held(struct conn *c)
{
	char *held = c->held;

	c->held = NULL;
	feed_requests(c, held, c->held_len);
	free(held);
}

/* Copies bytes from .. from + cap of p's response into buf; returns how many. */
static size_t render(const struct pb_http_server *srv, const struct pending *p, uint64_t from,
		     unsigned char *buf, size_t cap)
{
	const struct response_head *head = head_of(srv, p);
	uint64_t total = response_length(srv, p);
	size_t used = 0;

	if (from < head->len) {
		used = head->len - from < cap ? head->len - (size_t)from : cap;
		memcpy(buf, head->text + from, used);
		from += used;
	}
	if (used < cap && from < total) {
		size_t n = total - from < cap - used ? (size_t)(total - from) : cap - used;

		pb_http_body_fill(p->key, from - head->len, buf + used, n);
		used += n;
	}
	return used;
}

/* Renders the due responses, in order, into srv->out; returns the length. */
static size_t gather(struct conn *c)
{
	struct pb_http_server *srv = c->srv;
	uint64_t from = c->sent;
	size_t used = 0;

	for (unsigned i = 0; i < c->count && used < OUT_BUF; i++) {
		const struct pending *p = &c->queue[(c->first + i) % QUEUE];

		if (p->due_ns > srv->now_ns)
			break;
		used += render(srv, p, from, srv->out + used, OUT_BUF - used);
		from = 0;
		if (!p->keep_alive)
			break;
	}
	return used;
}

/* Counts bytes written against the responses in the queue. */
static void advance(struct conn *c, size_t written)
{
	while (written) {
		const struct pending *p = &c->queue[c->first];
		uint64_t left = response_length(c->srv, p) - c->sent;

		if (written < left) {
			c->sent += written;
			return;
		}
		written -= (size_t)left;
		c->sent = 0;
		c->first = (c->first + 1) % QUEUE;
		c->count--;
	}
}

static void conn_release(struct conn *c)
{
	struct pb_http_server *srv = c->srv;

	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = srv->spare;
	srv->spare = c;
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	free(c->held);
	c->held = NULL;
	c->closed = true;
	if (c->timers == 0)
		conn_release(c);
}

/* One heap entry per deadline at most: a pending one that fires sooner will do. */
static void arm(struct conn *c, int64_t deadline_ns)
{
	if (c->timers && c->timer_ns <= deadline_ns)
		return;
	if (pb_timer_add(&c->srv->timers, deadline_ns, c) < 0) {
		conn_close(c);
		return;
	}
	c->timers++;
	c->timer_ns = deadline_ns;
}

static void send_due(struct conn *c)
{
	for (;;) {
		size_t len = gather(c);
		ssize_t n;

		c->blocked = false;
		if (len == 0)
			return;
		n = send(c->fd, c->srv->out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->blocked = true;
			return;
		}
		if (n < 0) {		/* EPIPE, ECONNRESET: the client is gone */
			conn_close(c);
			return;
		}
		advance(c, (size_t)n);
		if ((size_t)n < len) {
			c->blocked = true;
			return;
		}
	}
}

/*
 * Everything is answered and no request will come.  Closing a socket with
 * unread input resets the connection, which can destroy the last response
 * before the client has read it: shut the write side and wait, a while at
 * most, for the client's EOF.
 */
static void finish(struct conn *c)
{
	if (c->peer_done) {
		conn_close(c);
		return;
	}
	shutdown(c->fd, SHUT_WR);
	c->draining = true;
	c->linger_ns = c->srv->now_ns + LINGER_NS;
	arm(c, c->linger_ns);
}

static void update_events(struct conn *c)
{
	struct epoll_event ev = { .data.ptr = c };

	if (c->draining || (c->reading && !c->held && c->count < QUEUE))
		ev.events |= EPOLLIN;
	if (c->blocked)
		ev.events |= EPOLLOUT;
	if (ev.events != c->events && epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = ev.events;
}

/* Nothing to answer or send: only the client's next bytes can move it. */
static bool waiting_for_input(const struct conn *c)
{
	return c->reading && !c->count && !c->held && !c->blocked && !c->draining;
}

/* After input, a timer or writability: answer what is due, then wait for the rest. */
static void service(struct conn *c)
{
	for (;;) {
		send_due(c);
		if (c->closed || !c->held || c->count == QUEUE)
			break;
		feed_held(c);
	}
	if (c->closed)
		return;
	if (c->count == 0 && !c->reading && !c->held) {
		finish(c);
		if (c->closed)
			return;
	} else if (c->count && !c->blocked && c->queue[c->first].due_ns > c->srv->now_ns) {
		arm(c, c->queue[c->first].due_ns);
		if (c->closed)
			return;
	} else if (waiting_for_input(c)) {
		arm(c, c->input_ns + c->srv->idle_ns);	/* a client cut short must not stay */
		if (c->closed)
			return;
	}
	update_events(c);
}

static void on_readable(struct conn *c)
{
	ssize_t n = recv(c->fd, c->srv->in, IN_BUF, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0 || (n == 0 && c->draining)) {
		conn_close(c);
		return;
	}
	if (c->draining)		/* discarded */
		return;
	c->input_ns = c->srv->now_ns;
	if (n == 0) {
		c->peer_done = true;
		c->reading = false;
	} else if (c->reading) {
		feed_requests(c, c->srv->in, (size_t)n);
	}
	service(c);
}

void pb_http__conn_event(struct conn *c, uint32_t events)
{
	/* A reset, or both directions shut: nothing can reach the client any more. */
	if (events & (EPOLLERR | EPOLLHUP)) {
		conn_close(c);
		return;
	}
	if (events & EPOLLIN)
		on_readable(c);
	if (!c->closed && (events & EPOLLOUT))
		service(c);
}

void pb_http__conn_open(struct pb_http_server *srv, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct conn *c = srv->spare;
	int one = 1;

	if (c)
		srv->spare = c->next;
	else if (!(c = malloc(sizeof(*c)))) {
		close(fd);
		return;
	}
	*c = (struct conn){
		.srv = srv,
		.fd = fd,
		.events = EPOLLIN,
		.reading = true,
		.timer_ns = INT64_MAX,
		.input_ns = srv->now_ns,
	};
	pb_http_requests_init(&c->requests, on_request, c);
	/* A response written in two parts must not wait for an ACK (Nagle). */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	ev.data.ptr = c;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		c->next = srv->spare;
		srv->spare = c;
		return;
	}
	c->next = srv->conns;
	if (srv->conns)
		srv->conns->prev = c;
	srv->conns = c;
	arm(c, c->input_ns + srv->idle_ns);	/* one that never sends a byte goes too */
}

void pb_http__run_timers(struct pb_http_server *srv)
{
	const struct pb_timer *first;

	srv->now_ns = pb_http__now_ns();
	while ((first = pb_timer_first(&srv->timers)) && first->deadline_ns <= srv->now_ns) {
		struct conn *c = first->data;

		pb_timer_pop(&srv->timers);
		c->timers--;
		c->timer_ns = INT64_MAX;
		if (c->closed) {
			if (c->timers == 0)
				conn_release(c);
		} else if (c->draining) {
			if (c->linger_ns <= srv->now_ns)
				conn_close(c);
			else
				arm(c, c->linger_ns);
		} else if (waiting_for_input(c) && c->input_ns + srv->idle_ns <= srv->now_ns) {
			conn_close(c);
		} else {
			service(c);
		}
	}
}
