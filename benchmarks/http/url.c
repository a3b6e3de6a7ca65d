/*
 * http:// URLs, for --url and `parbench serve`'s clients: parsed with
 * http_parser's URL parser, never resolved here.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <http_parser.h>

#include "http/url.h"

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

