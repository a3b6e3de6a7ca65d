/*
 * The messages of io.http and its server, parsed by Node's http_parser:
 * the body the built-in server sends, the server's request reader and the
 * client's response reader.
 */
#ifndef PARBENCH_HTTP_PARSE_H
#define PARBENCH_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>

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

#endif
