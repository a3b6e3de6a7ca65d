/*
 * The messages io.http and the server exchange: the built-in server's body,
 * the client's response reader, and the server's request reader, both
 * parsed by Node's http_parser.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http/parse.h"
#include "workload.h"

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

