#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/url_probe.h"

/* Waits for events on fd for at most PB_URL_PROBE_S: 0, or ETIMEDOUT or another errno value. */
static int wait_for(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	while ((n = poll(&p, 1, (int)(PB_URL_PROBE_S * 1000))) < 0)
		if (errno != EINTR)
			return errno;
	return n ? 0 : ETIMEDOUT;
}

/* A non-blocking connect that gives up after PB_URL_PROBE_S: 0 or an errno value. */
static int connect_within(int fd, const struct addrinfo *ai)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	if ((err = wait_for(fd, POLLOUT)))
		return err;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return errno;
	return err;
}

/* The first of the host's addresses that takes a connection, or -1 with why. */
static int connect_to(const struct pb_http_target *t, char *why, size_t whylen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *list;
	int err = getaddrinfo(t->host, t->port_text, &hints, &list);

	if (err) {
		snprintf(why, whylen, "cannot resolve %s: %s", t->host, gai_strerror(err));
		return -1;
	}
	err = ENOENT;
	for (struct addrinfo *ai = list; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd >= 0 && !(err = connect_within(fd, ai))) {
			freeaddrinfo(list);
			return fd;
		}
		if (fd < 0)
			err = errno;
		else
			close(fd);
	}
	freeaddrinfo(list);
	snprintf(why, whylen, "cannot connect to %s port %s: %s", t->host, t->port_text,
		 strerror(err));
	return -1;
}

/* Sends the GET and reads the first bytes of the answer: 0, or an errno value. */
static int ask(int fd, const struct pb_http_target *t, char *answer, size_t len)
{
	char request[PB_HTTP_PATH_MAX + PB_HTTP_HOST_MAX + 64];
	int n = snprintf(request, sizeof(request),
			 "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", t->path,
			 t->host_header);
	size_t have = 0;
	ssize_t got = 1;
	int err;

	if ((err = wait_for(fd, POLLOUT)))
		return err;
	if (send(fd, request, (size_t)n, MSG_NOSIGNAL) != n)
		return errno ? errno : EIO;
	/* Until the status line's start, the end of the answer, or a timeout. */
	while (have < len - 1 && got > 0) {
		if ((err = wait_for(fd, POLLIN)))
			return err;
		got = recv(fd, answer + have, len - 1 - have, 0);
		if (got < 0)
			return errno;
		have += (size_t)got;
	}
	answer[have] = '\0';
	return 0;
}

int pb_url_probe(const struct pb_http_target *target, char *why, size_t whylen)
{
	char answer[16];
	int fd = connect_to(target, why, whylen), err;

	if (fd < 0)
		return -1;
	err = ask(fd, target, answer, sizeof(answer));
	close(fd);
	if (err == ETIMEDOUT)
		snprintf(why, whylen, "%s port %s did not answer within %g s", target->host,
			 target->port_text, PB_URL_PROBE_S);
	else if (err)
		snprintf(why, whylen, "%s port %s: %s", target->host, target->port_text,
			 strerror(err));
	else if (strncmp(answer, "HTTP/1.", 7) != 0)
		snprintf(why, whylen, "%s port %s did not answer with HTTP/1.x", target->host,
			 target->port_text);
	return err || strncmp(answer, "HTTP/1.", 7) ? -1 : 0;
}
