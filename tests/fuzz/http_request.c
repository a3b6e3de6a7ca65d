/*
 * libFuzzer: the server's request reader (pb_http_requests_feed) on any
 * bytes, fed as the server feeds it: whole, one byte at a time and in
 * pieces, with on_request pausing now and then and the rest fed again.
 *
 * Besides not crashing: every way of feeding sees the same requests and
 * ends the same way; MORE used every byte; LAST and BAD stick; a request
 * that is not kept alive is the last one; the first request's key is
 * pb_http_path_key of its URL.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/parse.h"
#include "check.h"

#define KEPT 64				/* requests compared one by one */

struct seen {
	struct pb_http_request req[KEPT];
	size_t n;
	size_t pause_every;		/* on_request stops the parsing after every k-th; 0 never */
	bool after_last;		/* a request came after one not kept alive */
};

struct outcome {
	enum pb_http_feed end;
	size_t used;			/* bytes taken in all */
};

static bool on_request(void *data, const struct pb_http_request *req)
{
	struct seen *s = data;

	if (s->n && !s->req[(s->n - 1) % KEPT].keep_alive)
		s->after_last = true;
	s->req[s->n % KEPT] = *req;
	s->n++;
	return s->pause_every && s->n % s->pause_every == 0;
}

/* Feeds pieces of `piece` bytes; after a pause, what is left of the piece again. */
static struct outcome feed(struct seen *s, const char *data, size_t len, size_t piece)
{
	struct pb_http_requests r;
	struct outcome out = { PB_HTTP_MORE, 0 };
	size_t off = 0;

	pb_http_requests_init(&r, on_request, s);
	while (off < len) {
		size_t n = len - off < piece ? len - off : piece, used, again;

		out.end = pb_http_requests_feed(&r, data + off, n, &used);
		CHECK(used <= n);
		off += used;
		switch (out.end) {
		case PB_HTTP_MORE:
			CHECK(used == n);
			continue;
		case PB_HTTP_PAUSED:
			CHECK(used > 0);	/* a pause ends a request: no spinning */
			CHECK(s->pause_every && s->n % s->pause_every == 0);
			continue;
		case PB_HTTP_LAST:
			CHECK(s->n > 0 && !s->req[(s->n - 1) % KEPT].keep_alive);
			break;
		case PB_HTTP_BAD:
			break;
		}
		CHECK(pb_http_requests_feed(&r, data + off, len - off, &again) == out.end);
		CHECK(again == 0);
		break;
	}
	out.used = off;
	if (out.end == PB_HTTP_PAUSED)	/* at the end of the bytes: waiting for more */
		out.end = PB_HTTP_MORE;
	CHECK(!s->after_last);
	return out;
}

static void same(const struct seen *a, const struct outcome *ao, const struct seen *b,
		 const struct outcome *bo)
{
	CHECK(a->n == b->n);
	CHECK(ao->end == bo->end);
	if (ao->end != PB_HTTP_BAD)	/* where an error is noticed may depend on the pieces */
		CHECK(ao->used == bo->used);
	for (size_t i = a->n > KEPT ? a->n - KEPT : 0; i < a->n; i++) {
		const struct pb_http_request *x = &a->req[i % KEPT], *y = &b->req[i % KEPT];

		CHECK(x->key == y->key);
		CHECK(x->method == y->method);
		CHECK(x->keep_alive == y->keep_alive);
	}
}

/* "METHOD SP+ URL" after any blank lines: the first request's target. */
static void check_first_key(const struct seen *s, const char *data, size_t len)
{
	size_t i = 0, url;

	while (i < len && (data[i] == '\r' || data[i] == '\n'))
		i++;
	while (i < len && data[i] >= 'A' && data[i] <= 'Z')
		i++;
	if (i == len || data[i] != ' ')
		return;
	while (i < len && data[i] == ' ')
		i++;
	for (url = i; i < len && data[i] != ' ' && data[i] != '\r' && data[i] != '\n'; i++)
		;
	CHECK(s->req[0].key == pb_http_path_key(data + url, i - url));
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t len)
{
	const char *data = (const char *)bytes;
	struct seen whole = { 0 }, single = { .pause_every = 1 }, pieces = { .pause_every = 3 };
	struct outcome w, o;

	w = feed(&whole, data, len, len ? len : 1);
	CHECK(w.end != PB_HTTP_PAUSED);
	CHECK(w.end != PB_HTTP_MORE || w.used == len);
	if (whole.n && whole.n <= KEPT)
		check_first_key(&whole, data, len);
	o = feed(&single, data, len, 1);
	same(&whole, &w, &single, &o);
	o = feed(&pieces, data, len, 1 + len % 13);
	same(&whole, &w, &pieces, &o);
	return 0;
}
