/* http:// URLs: where --url and `parbench serve`'s clients point. */
#ifndef PARBENCH_HTTP_URL_H
#define PARBENCH_HTTP_URL_H

#include <stddef.h>
#include <stdint.h>

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

#endif
