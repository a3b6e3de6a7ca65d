/*
 * HTTP for io.http and `parbench serve`: URL parsing, parbench's own
 * server, and the client side's response reader.  Requests and responses
 * are parsed by Node's http_parser.
 *
 * The server is one thread with epoll and non-blocking sockets.  It answers
 * every GET after a fixed delay, with a body of a fixed size whose bytes are
 * a function of the request target and the byte's position
 * (pb_http_body_fill), so a response delivered to the wrong task changes
 * that task's checksum.  Keep-alive and pipelining are supported; delays
 * are timers in one heap (timer_heap.h) that sets epoll_wait's timeout.
 */
#ifndef PARBENCH_HTTP_H
#define PARBENCH_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <http_parser.h>

#define PB_HTTP_HOST_MAX 256
#define PB_HTTP_PATH_MAX 4096

/* Where an http:// URL points. */
struct pb_http_target {
	char host[PB_HTTP_HOST_MAX];	/* as in the URL, an IPv6 address without brackets */
	char port_text[8];
	uint16_t port;			/* 80 unless the URL says otherwise */
	char path[PB_HTTP_PATH_MAX];	/* with the query; "/" when the URL has none */
	char host_header[PB_HTTP_HOST_MAX + 8];	/* HOST, or HOST:PORT when not 80 */
};

/*
 * Accepts http://HOST[:PORT][/PATH[?QUERY]] only (a fragment is dropped).
 * Returns 0, or -1 with a short reason in why.  No I/O: the host is not
 * resolved.
 */
int pb_http_parse_url(const char *url, struct pb_http_target *out, char *why, size_t whylen);

/*
 * The built-in server's body for a request target: byte i is byte i % 8
 * (least significant first) of a 64-bit word that is a function of the
 * target's key and i / 8.  fill writes bytes offset .. offset + len - 1.
 */
uint64_t pb_http_path_key(const char *target, size_t len);
void pb_http_body_fill(uint64_t key, uint64_t offset, unsigned char *buf, size_t len);

/*
 * The server's request reader: parses a connection's requests as they
 * arrive, pipelined or cut anywhere, and reports each one at its end.
 */
struct pb_http_request {
	uint64_t key;			/* of its target: pb_http_path_key of the URL */
	enum http_method method;
	bool keep_alive;		/* false: the connection's last request */
};

enum pb_http_feed {
	PB_HTTP_MORE,			/* all bytes parsed: more may come */
	PB_HTTP_PAUSED,			/* on_request asked to stop after a request */
	PB_HTTP_LAST,			/* a request that is not kept alive ended: no more */
	PB_HTTP_BAD,			/* malformed: nothing more can be parsed */
};

struct pb_http_requests {
	http_parser parser;
	uint64_t url_hash;		/* of the request being parsed */
	bool last;			/* a request that is not kept alive ended */
	/* Called at the end of each request; true stops the parsing there. */
	bool (*on_request)(void *data, const struct pb_http_request *req);
	void *data;
};

void pb_http_requests_init(struct pb_http_requests *r,
			   bool (*on_request)(void *data, const struct pb_http_request *req),
			   void *data);

/*
 * Parses data[0..len) up to the end of the bytes, a pause, the last request
 * or an error; *used says how many bytes it took.  After a pause, feed the
 * rest again; after LAST or BAD, every feed returns the same and uses none.
 */
enum pb_http_feed pb_http_requests_feed(struct pb_http_requests *r, const char *data,
					size_t len, size_t *used);

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

/*
 * Reads one response: feed it what recv() returned, and a length of 0 when
 * the peer closed the connection (a body may end there).  The body is
 * folded into an order-sensitive checksum as it arrives.
 */
struct pb_http_reader {
	http_parser parser;
	uint64_t received;		/* bytes fed */
	uint64_t body_len;
	uint64_t sum_a, sum_b;		/* Fletcher-style over 8-byte words */
	uint64_t tail;			/* bytes of an unfinished word */
	unsigned tail_len;
	int error;
	bool complete;
	bool keep_alive;		/* the connection may serve another request */
};

void pb_http_reader_init(struct pb_http_reader *r);

/*
 * 0 (check r->complete), or an errno value: EPROTO for a malformed or
 * non-2xx response or one cut short, ECONNRESET when the peer closed the
 * connection before sending any byte.
 */
int pb_http_reader_feed(struct pb_http_reader *r, const void *data, size_t len);

/* The body's checksum, once complete. */
uint64_t pb_http_reader_checksum(const struct pb_http_reader *r);

/* `parbench serve`: the server alone, in the foreground. */
int pb_serve_main(int argc, char **argv);

#endif
