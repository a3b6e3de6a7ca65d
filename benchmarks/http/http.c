/*
 * HTTP for io.http and `parbench serve` (see http.h): URLs, the body's
 * content, the response reader, and the server, in its own process or not.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"
#include "cell/cell.h"
#include "http/http.h"
#include "strategies/evloop/timer_heap.h"

/* ---- URLs ---- */

static int refuse(char *why, size_t whylen, const char *reason)
{
	snprintf(why, whylen, "%s", reason);
	return -1;
}

static bool has_field(const struct http_parser_url *u, enum http_parser_url_fields field)
{
	return u->field_set & (1 << field);
}

static size_t field_len(const struct http_parser_url *u, enum http_parser_url_fields field)
{
	return has_field(u, field) ? u->field_data[field].len : 0;
}

static void fill_target(const char *url, const struct http_parser_url *u,
			struct pb_http_target *out)
{
	const char *path = url + u->field_data[UF_PATH].off;
	const char *query = url + u->field_data[UF_QUERY].off;
	size_t path_len = field_len(u, UF_PATH), query_len = field_len(u, UF_QUERY);
	bool ipv6 = strchr(out->host, ':') != NULL;

	out->port = has_field(u, UF_PORT) ? u->port : 80;
	snprintf(out->port_text, sizeof(out->port_text), "%u", out->port);
	if (query_len)
		snprintf(out->path, sizeof(out->path), "%.*s?%.*s", path_len ? (int)path_len : 1,
			 path_len ? path : "/", (int)query_len, query);
	else
		snprintf(out->path, sizeof(out->path), "%.*s", path_len ? (int)path_len : 1,
			 path_len ? path : "/");
	snprintf(out->host_header, sizeof(out->host_header), "%s%s%s", ipv6 ? "[" : "",
		 out->host, ipv6 ? "]" : "");
	if (out->port != 80)
		snprintf(out->host_header + strlen(out->host_header),
			 sizeof(out->host_header) - strlen(out->host_header), ":%u", out->port);
}

int pb_http_parse_url(const char *url, struct pb_http_target *out, char *why, size_t whylen)
{
	struct http_parser_url u;
	size_t len = strlen(url), host_len;

	if (strncasecmp(url, "http://", 7) != 0)
		return refuse(why, whylen, "only http:// URLs are supported");
	if (url[7] == '\0' || url[7] == '/' || url[7] == '?' || url[7] == '#')
		return refuse(why, whylen, "no host");
	if (len > UINT16_MAX)		/* http_parser's offsets are 16 bits */
		return refuse(why, whylen, "the URL is too long");
	http_parser_url_init(&u);
	if (http_parser_parse_url(url, len, 0, &u) != 0)
		return refuse(why, whylen, "not a valid URL");
	host_len = field_len(&u, UF_HOST);
	if (host_len == 0)
		return refuse(why, whylen, "no host");
	if (has_field(&u, UF_USERINFO))
		return refuse(why, whylen, "user information (user@host) is not supported");
	if (has_field(&u, UF_PORT) && u.port == 0)
		return refuse(why, whylen, "port 0");
	if (host_len >= sizeof(out->host))
		return refuse(why, whylen, "the host name is too long");
	if (field_len(&u, UF_PATH) + field_len(&u, UF_QUERY) + 2 > sizeof(out->path))
		return refuse(why, whylen, "the path is too long");
	memcpy(out->host, url + u.field_data[UF_HOST].off, host_len);
	out->host[host_len] = '\0';
	fill_target(url, &u, out);
	return 0;
}

/* ---- The body ---- */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t fnv1a(uint64_t hash, const char *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		hash = (hash ^ (unsigned char)bytes[i]) * FNV_PRIME;
	return hash;
}

uint64_t pb_http_path_key(const char *target, size_t len)
{
	return pb_mix64(fnv1a(FNV_OFFSET, target, len));
}

/* splitmix64's sequence, seeded with the key: one mix per 8 bytes. */
static uint64_t body_word(uint64_t key, uint64_t index)
{
	return pb_mix64(key + (index + 1) * GOLDEN);
}

/* Little-endian whatever the machine: the bytes on the wire are the same everywhere. */
static void put_le64(unsigned char *p, uint64_t w)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(w >> (8 * i));
}

static uint64_t get_le64(const unsigned char *p)
{
	uint64_t w = 0;

	for (int i = 0; i < 8; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

void pb_http_body_fill(uint64_t key, uint64_t offset, unsigned char *buf, size_t len)
{
	uint64_t index = offset / 8;
	unsigned byte = offset % 8;
	size_t i = 0;

	while (i < len) {
		uint64_t w = body_word(key, index++);

		if (byte == 0 && len - i >= 8) {
			put_le64(buf + i, w);
			i += 8;
			continue;
		}
		for (; byte < 8 && i < len; byte++)
			buf[i++] = (unsigned char)(w >> (8 * byte));
		byte = 0;
	}
}

/* ---- The response reader ---- */

static struct pb_http_reader *reader_of(http_parser *parser)
{
	return (struct pb_http_reader *)((char *)parser - offsetof(struct pb_http_reader, parser));
}

static void fold_word(struct pb_http_reader *r, uint64_t w)
{
	r->sum_a += w;
	r->sum_b += r->sum_a;
}

static int on_response_headers(http_parser *parser)
{
	if (parser->status_code < 200 || parser->status_code > 299) {
		reader_of(parser)->error = EPROTO;
		return -1;
	}
	return 0;
}

/* Words may straddle recv() boundaries: an unfinished one waits in tail. */
static int on_response_body(http_parser *parser, const char *at, size_t len)
{
	struct pb_http_reader *r = reader_of(parser);
	const unsigned char *p = (const unsigned char *)at;

	r->body_len += len;
	for (; len && r->tail_len; len--) {
		r->tail |= (uint64_t)*p++ << (8 * r->tail_len++);
		if (r->tail_len == 8) {
			fold_word(r, r->tail);
			r->tail = 0;
			r->tail_len = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8)
		fold_word(r, get_le64(p));
	for (; len; len--)
		r->tail |= (uint64_t)*p++ << (8 * r->tail_len++);
	return 0;
}

/* Pauses, so that bytes past the response (there should be none) stay unparsed. */
static int on_response_complete(http_parser *parser)
{
	struct pb_http_reader *r = reader_of(parser);

	r->complete = true;
	r->keep_alive = http_should_keep_alive(parser);
	http_parser_pause(parser, 1);
	return 0;
}

static const http_parser_settings response_settings = {
	.on_headers_complete = on_response_headers,
	.on_body = on_response_body,
	.on_message_complete = on_response_complete,
};

void pb_http_reader_init(struct pb_http_reader *r)
{
	*r = (struct pb_http_reader){ 0 };
	http_parser_init(&r->parser, HTTP_RESPONSE);
}

int pb_http_reader_feed(struct pb_http_reader *r, const void *data, size_t len)
{
	size_t used;

	if (r->complete) {		/* more than one response: not a connection to keep */
		r->keep_alive = false;
		return 0;
	}
	used = http_parser_execute(&r->parser, &response_settings, data, len);
	r->received += len;
	if (r->error)
		return r->error;
	if (r->complete) {
		if (used < len)
			r->keep_alive = false;
		return 0;
	}
	if (HTTP_PARSER_ERRNO(&r->parser) != HPE_OK)
		return EPROTO;
	if (len == 0)			/* closed before the end of the response */
		return r->received ? EPROTO : ECONNRESET;
	return 0;
}

uint64_t pb_http_reader_checksum(const struct pb_http_reader *r)
{
	uint64_t a = r->sum_a, b = r->sum_b;

	if (r->tail_len) {
		a += r->tail;
		b += a;
	}
	/* The length tells a body that ends in zero bytes from a shorter one. */
	return pb_mix64(a ^ pb_mix64(r->body_len)) ^ b;
}

/* ---- The request reader ---- */

static struct pb_http_requests *requests_of(http_parser *parser)
{
	return (struct pb_http_requests *)((char *)parser -
					   offsetof(struct pb_http_requests, parser));
}

static int on_request_begin(http_parser *parser)
{
	requests_of(parser)->url_hash = FNV_OFFSET;
	return 0;
}

/* The URL may come in pieces: FNV-1a goes on where the last piece ended. */
static int on_request_url(http_parser *parser, const char *at, size_t len)
{
	struct pb_http_requests *r = requests_of(parser);

	r->url_hash = fnv1a(r->url_hash, at, len);
	return 0;
}

/* Pauses after the last request, and when on_request asks to. */
static int on_request_complete(http_parser *parser)
{
	struct pb_http_requests *r = requests_of(parser);
	struct pb_http_request req = {
		.key = pb_mix64(r->url_hash),
		.method = parser->method,
		.keep_alive = http_should_keep_alive(parser) && !parser->upgrade,
	};
	bool stop = r->on_request(r->data, &req);

	r->last = !req.keep_alive;
	if (stop || r->last)
		http_parser_pause(parser, 1);
	return 0;
}

static const http_parser_settings request_settings = {
	.on_message_begin = on_request_begin,
	.on_url = on_request_url,
	.on_message_complete = on_request_complete,
};

void pb_http_requests_init(struct pb_http_requests *r,
			   bool (*on_request)(void *data, const struct pb_http_request *req),
			   void *data)
{
	*r = (struct pb_http_requests){ .on_request = on_request, .data = data };
	http_parser_init(&r->parser, HTTP_REQUEST);
}

enum pb_http_feed pb_http_requests_feed(struct pb_http_requests *r, const char *data,
					size_t len, size_t *used)
{
	*used = 0;
	if (r->last)
		return PB_HTTP_LAST;
	/* Unpausing a parser in an error state is an assertion in http_parser. */
	if (HTTP_PARSER_ERRNO(&r->parser) != HPE_OK && HTTP_PARSER_ERRNO(&r->parser) != HPE_PAUSED)
		return PB_HTTP_BAD;
	http_parser_pause(&r->parser, 0);
	*used = http_parser_execute(&r->parser, &request_settings, data, len);
	switch (HTTP_PARSER_ERRNO(&r->parser)) {
	case HPE_OK:
		return PB_HTTP_MORE;
	case HPE_PAUSED:
		return r->last ? PB_HTTP_LAST : PB_HTTP_PAUSED;
	default:
		return PB_HTTP_BAD;
	}
}

/* ---- The server ---- */

#define EVENTS 512			/* epoll events per wait */
#define QUEUE 32			/* pipelined requests a connection may have waiting */
#define IN_BUF (64 * 1024)
#define OUT_BUF (256 * 1024)
#define BACKLOG 65535			/* the kernel caps it at net.core.somaxconn */
#define LINGER_NS 2000000000LL		/* how long a closing connection may take to read its end */

/* What a request gets; heads[answer][keep_alive] in the server. */
enum answer {
	ANSWER_OK,			/* GET, HEAD */
	ANSWER_BAD_REQUEST,		/* unparsable: then the connection closes */
	ANSWER_BAD_METHOD,		/* anything else */
	ANSWERS,
};

struct pending {
	int64_t due_ns;			/* when its answer may go out */
	uint64_t key;			/* of its target: the body */
	unsigned char answer;
	bool head_only;			/* HEAD: no body */
	bool keep_alive;
};

/*
 * A connection.  Timers in the heap point at it, and a heap entry cannot be
 * removed, so a closed connection lives on until its last timer has fired
 * (`timers` counts them); only then is it reused or freed.
 */
struct conn {
	struct pb_http_server *srv;
	int fd;
	uint32_t events;		/* registered with epoll */
	struct pb_http_requests requests;
	struct pending queue[QUEUE];	/* answered in order */
	unsigned first, count;
	uint64_t sent;			/* bytes of the first response written */
	char *held;			/* input past a full queue, parsed when it has room */
	size_t held_len;
	unsigned timers;		/* heap entries pointing here */
	int64_t timer_ns;		/* one of them fires by then; INT64_MAX: unknown */
	int64_t linger_ns;		/* draining: close at this time */
	int64_t input_ns;		/* when its last bytes came, or it was accepted */
	bool reading;			/* more requests may come */
	bool blocked;			/* the socket's send buffer is full */
	bool peer_done;			/* the client sent its EOF */
	bool draining;			/* all answered, write side shut: waiting for EOF */
	bool closed;			/* fd closed; waiting for its timers */
	struct conn *prev, *next;	/* srv->conns, or srv->spare (next only) */
};

struct response_head {
	char text[160];
	size_t len;
};

struct pb_http_server {
	int epfd, listen_fd;
	int reserve_fd;			/* given up to accept and shed a connection at EMFILE */
	uint16_t port;
	int64_t delay_ns;
	int64_t idle_ns;		/* see pb_http_server_config's idle_s */
	uint64_t size;
	int64_t now_ns;			/* of this loop iteration */
	struct response_head heads[ANSWERS][2];	/* [answer][keep_alive] */
	struct pb_timer_heap timers;
	struct conn *conns;		/* open, or closed with timers pending */
	struct conn *spare;		/* free for reuse: no allocation per connection */
	char in[IN_BUF];
	unsigned char out[OUT_BUF];	/* responses are rendered here, never kept */
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Every head the server sends, written once. */
static void write_heads(struct pb_http_server *srv)
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

static void on_conn_event(struct conn *c, uint32_t events)
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

static void conn_open(struct pb_http_server *srv, int fd)
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
			conn_open(srv, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if ((errno == EMFILE || errno == ENFILE) && shed_one(srv))
			continue;
		return;			/* EAGAIN, or out of memory: the next wake-up tries again */
	}
}

static void run_timers(struct pb_http_server *srv)
{
	const struct pb_timer *first;

	srv->now_ns = now_ns();
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
		int timeout = pb_timer_wait_ms(&srv->timers, now_ns());
		int n = epoll_pwait(srv->epfd, events, EVENTS, timeout, wait_mask);

		if (n < 0 && errno != EINTR)
			return -1;
		srv->now_ns = now_ns();
		for (int i = 0; i < n; i++) {
			if (events[i].data.ptr == srv)
				accept_all(srv);
			else
				on_conn_event(events[i].data.ptr, events[i].events);
		}
		run_timers(srv);
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
		return refuse(why, whylen, "out of memory");
	srv->epfd = srv->listen_fd = srv->reserve_fd = -1;
	srv->delay_ns = llround(cfg->delay_s * 1e9);
	srv->idle_ns = llround((cfg->idle_s > 0 ? cfg->idle_s : PB_HTTP_IDLE_S) * 1e9);
	srv->size = cfg->size;
	write_heads(srv);
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

/* ---- The server in a child process ---- */

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

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
		write_all(report, line, (size_t)len);
		_exit(1);
	}
	len = snprintf(line, sizeof(line), "ok %u\n", pb_http_server_port(srv));
	write_all(report, line, (size_t)len);
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
