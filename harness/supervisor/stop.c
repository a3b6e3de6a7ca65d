#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "supervisor/stop.h"

static volatile sig_atomic_t stop_signal;
static bool write_failed;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

void pb_stop_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int pb_stop_signal(void)
{
	return stop_signal;
}

void pb_stop_write_failed(const char *dir, const char *file, int rc)
{
	fprintf(stderr, "parbench: cannot write %s%s%s: %s\n", dir ? dir : "", dir ? "/" : "",
		file, strerror(-rc));
	write_failed = true;
}

bool pb_write_failed(void)
{
	return write_failed;
}

bool pb_stopping(void)
{
	return stop_signal || write_failed;
}
