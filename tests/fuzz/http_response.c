/*
 * libFuzzer: the client's response reader (pb_http_reader_feed) on any
 * bytes, fed as io.http feeds it: until the response is complete or an
 * error, then the peer's EOF (a length of 0).  Whole, one byte at a time
 * and in pieces.
 *
 * Besides not crashing: at EOF the reader is done, complete or failed (the
 * client's loop ends); errors are EPROTO, or ECONNRESET for no bytes at
 * all; a complete response is 2xx; every way of feeding gives the same
 * result, body length and checksum.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "check.h"

struct outcome {
	int err;
	bool complete, keep_alive, all_fed;
	uint64_t body_len, checksum;
};

static struct outcome feed(const uint8_t *data, size_t len, size_t piece)
{
	struct pb_http_reader r;
	struct outcome out = { 0 };
	size_t off = 0;

	pb_http_reader_init(&r);
	while (off < len && !out.err && !r.complete) {
		size_t n = len - off < piece ? len - off : piece;

		out.err = pb_http_reader_feed(&r, data + off, n);
		off += n;
	}
	out.all_fed = off == len;
	if (!out.err && !r.complete) {
		static const char none[1];

		out.err = pb_http_reader_feed(&r, none, 0);
		/* io.http's loop feeds until complete or an error: EOF must end it. */
		CHECK(out.err || r.complete);
	}
	CHECK(out.err == 0 || out.err == EPROTO || out.err == ECONNRESET);
	CHECK(out.err != ECONNRESET || len == 0);
	CHECK(r.received == off);
	CHECK(r.body_len <= r.received);
	if (r.complete) {
		CHECK(r.parser.status_code >= 200 && r.parser.status_code <= 299);
		out.checksum = pb_http_reader_checksum(&r);
	}
	out.complete = r.complete && !out.err;
	out.keep_alive = r.keep_alive;
	out.body_len = r.body_len;
	return out;
}

static void same(const struct outcome *a, const struct outcome *b)
{
	CHECK(a->err == b->err);
	CHECK(a->complete == b->complete);
	if (!a->complete)
		return;
	CHECK(a->body_len == b->body_len);
	CHECK(a->checksum == b->checksum);
	/* Bytes past the response, fed or not, are all that may differ. */
	if (a->all_fed && b->all_fed)
		CHECK(a->keep_alive == b->keep_alive);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct outcome whole = feed(data, len, len ? len : 1), o;

	o = feed(data, len, 1);
	same(&whole, &o);
	o = feed(data, len, 1 + len % 13);
	same(&whole, &o);
	return 0;
}
