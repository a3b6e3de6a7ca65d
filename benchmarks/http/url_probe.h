/*
 * Before a run: does the server of --url answer HTTP?  So that a host that
 * does not resolve, a port that refuses, or a server that never answers is
 * bad input (exit 2, nothing written), not an error row an hour later.
 */
#ifndef PARBENCH_URL_PROBE_H
#define PARBENCH_URL_PROBE_H

#include <stddef.h>

#include "http/http.h"

#define PB_URL_PROBE_S 5.0	/* to connect, and again to the first bytes of the answer */

/*
 * Resolves the target, connects to the first address that takes a
 * connection, sends one GET and waits for a status line.  0, or -1 with
 * the reason in why.
 */
int pb_url_probe(const struct pb_http_target *target, char *why, size_t whylen);

#endif
