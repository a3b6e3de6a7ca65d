/*
 * `parbench serve`: io.http's server alone, in the foreground, for wrk, curl
 * or another client; the same code the workload forks.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "cli/options.h"
#include "util/parse.h"
#include "util/version.h"

#define DEFAULT_HOST "127.0.0.1"
#define DEFAULT_PORT 8080
#define DEFAULT_DELAY_S 0.02
#define DEFAULT_SIZE 1024

static const char serve_help[] =
	"usage: parbench serve [options]\n"
	"\n"
	"Runs io.http's built-in HTTP server in the foreground until SIGINT or\n"
	"SIGTERM.  It answers every GET after the delay with a body of the given\n"
	"size whose bytes depend on the path, with keep-alive and pipelining.\n"
	"\n"
	"      --host ADDR     numeric IPv4 or IPv6 address to listen on\n"
	"                      (default: " DEFAULT_HOST ")\n"
	"      --port N        0 to 65535; 0: any free port (default: 8080)\n"
	"      --delay SEC     before each answer, 0 to 60 (default: 0.02)\n"
	"      --size BYTES    of each body (default: 1024)\n"
	"      --idle SEC      close a connection that owes no answer and sends\n"
	"                      nothing for this long, 0.001 to 3600 (default: 10)\n"
	"  -h, --help          this help\n"
	"  -V, --version       the version\n";

enum {
	OPT_HOST = 256,
	OPT_PORT,
	OPT_DELAY,
	OPT_SIZE,
	OPT_IDLE,
};

static const struct option serve_options[] = {
	{ "host", required_argument, NULL, OPT_HOST },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static bool is_numeric_address(const char *host)
{
	struct in6_addr addr;

	return inet_pton(AF_INET, host, &addr) == 1 || inet_pton(AF_INET6, host, &addr) == 1;
}

/* Parses one option into cfg; 0, or 2 after one line on stderr. */
static int parse_option(int opt, const char *arg, struct pb_http_server_config *cfg)
{
	uint64_t value;
	char why[128];

	switch (opt) {
	case OPT_HOST:
		if (is_numeric_address(arg)) {
			cfg->host = arg;
			return 0;
		}
		fprintf(stderr, "parbench serve: --host '%s' is not a numeric address; allowed: "
			"an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::1\n", arg);
		return 2;
	case OPT_PORT:
		if (pb_parse_u64(arg, 0, UINT16_MAX, &value, why, sizeof(why)) == 0) {
			cfg->port = (uint16_t)value;
			return 0;
		}
		fprintf(stderr, "parbench serve: --port '%s': %s; allowed: a whole number "
			"from 0 to 65535\n", arg, why);
		return 2;
	case OPT_DELAY:
		if (pb_parse_seconds(arg, 0.0, PB_HTTP_MAX_DELAY_S, &cfg->delay_s, why,
				     sizeof(why)) == 0)
			return 0;
		fprintf(stderr, "parbench serve: --delay '%s': %s; allowed: seconds from 0 "
			"to %.0f\n", arg, why, PB_HTTP_MAX_DELAY_S);
		return 2;
	case OPT_SIZE:
		if (pb_parse_u64(arg, 0, PB_MAX_SIZE, &cfg->size, why, sizeof(why)) == 0)
			return 0;
		fprintf(stderr, "parbench serve: --size '%s': %s; allowed: a whole number "
			"from 0 to %llu\n", arg, why, (unsigned long long)PB_MAX_SIZE);
		return 2;
	case OPT_IDLE:
		if (pb_parse_seconds(arg, 0.001, 3600, &cfg->idle_s, why, sizeof(why)) == 0)
			return 0;
		fprintf(stderr, "parbench serve: --idle '%s': %s; allowed: seconds from 0.001 "
			"to 3600\n", arg, why);
		return 2;
	}
	return 2;
}

/* -1: go on and serve; else the exit status. */
static int parse_args(int argc, char **argv, struct pb_http_server_config *cfg)
{
	int opt, rc;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":hV", serve_options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(serve_help, stdout);
			return 0;
		}
		if (opt == 'V') {
			puts("parbench " PB_VERSION);
			return 0;
		}
		if (opt == ':') {
			fprintf(stderr, "parbench serve: %s needs a value; see parbench serve "
				"--help\n", argv[optind - 1]);
			return 2;
		}
		if (opt == '?') {
			fprintf(stderr, "parbench serve: '%s' is not an option; allowed: --host, "
				"--port, --delay, --size, --idle, --help, --version\n", argv[optind - 1]);
			return 2;
		}
		if ((rc = parse_option(opt, optarg, cfg)))
			return rc;
	}
	if (optind < argc) {
		fprintf(stderr, "parbench serve: '%s' is not an option; allowed: --host, --port, "
			"--delay, --size, --idle, --help, --version\n", argv[optind]);
		return 2;
	}
	return -1;
}

int pb_serve_main(int argc, char **argv)
{
	struct pb_http_server_config cfg = {
		.host = DEFAULT_HOST,
		.port = DEFAULT_PORT,
		.delay_s = DEFAULT_DELAY_S,
		.size = DEFAULT_SIZE,
	};
	struct pb_http_server *srv;
	char why[256];
	sigset_t stops;
	bool ipv6;
	int rc = parse_args(argc, argv, &cfg);

	if (rc >= 0)
		return rc;
	if (pb_http_server_open(&cfg, &srv, why, sizeof(why)) < 0) {
		fprintf(stderr, "parbench serve: %s\n", why);
		return 1;
	}
	/* Held from here: a signal right after the line waits for the loop's handler. */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stops, NULL);
	ipv6 = strchr(cfg.host, ':') != NULL;
	printf("parbench serve: listening on http://%s%s%s:%u/ (delay %g s, body %llu bytes)\n",
	       ipv6 ? "[" : "", cfg.host, ipv6 ? "]" : "", pb_http_server_port(srv), cfg.delay_s,
	       (unsigned long long)cfg.size);
	fflush(stdout);
	rc = pb_http_server_run(srv);
	if (rc < 0)
		perror("parbench serve: epoll_wait");
	pb_http_server_close(srv);
	return rc < 0 ? 1 : 0;
}
