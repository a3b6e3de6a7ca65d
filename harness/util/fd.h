/* File descriptors: writing all of a buffer, and the open-file limit. */
#ifndef PARBENCH_FD_H
#define PARBENCH_FD_H

#include <stddef.h>

/* Writes all len bytes, again after EINTR or a short write: 0, or -errno. */
int pb_write_all(int fd, const void *buf, size_t len);

/* Thousands of connections or files in flight need thousands of fds: soft = hard. */
void pb_raise_fd_limit(void);

#endif
