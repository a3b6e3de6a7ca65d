/*
 * HTTP for io.http and `parbench serve`, one file per job:
 *   url.h, url.c                  http:// URLs
 *   parse.h, parse.c              the body, the request and response readers
 *   server.h, server.c, conn.c    the server: its loop, and its connections
 *   server_proc.c                 the server in a child process, for io.http
 */
#ifndef PARBENCH_HTTP_H
#define PARBENCH_HTTP_H

#include "http/parse.h"
#include "http/server.h"
#include "http/url.h"

/* `parbench serve`: the server alone, in the foreground. */
int pb_serve_main(int argc, char **argv);

#endif
