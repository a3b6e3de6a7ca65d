/*
 * Inside the server (benchmarks/http/server.c runs the loop; conn.c
 * serves a connection): what both see.  Not for use outside them.
 */
#ifndef PARBENCH_HTTP_CONN_H
#define PARBENCH_HTTP_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "http/parse.h"
#include "util/timer_heap.h"

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


static inline int64_t pb_http__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Every head the server sends, written once into srv->heads. */
void pb_http__write_heads(struct pb_http_server *srv);

/* Serves a new connection on fd, which it owns from now on. */
void pb_http__conn_open(struct pb_http_server *srv, int fd);

/* What epoll reported for a connection. */
void pb_http__conn_event(struct conn *c, uint32_t events);

/* Fires the timers that are due: answers, idle and lingering connections. */
void pb_http__run_timers(struct pb_http_server *srv);

#endif
