/* The open-file limit, for processes that hold thousands of sockets or files. */
#ifndef PARBENCH_FD_LIMIT_H
#define PARBENCH_FD_LIMIT_H

/* Thousands of connections or files in flight need thousands of fds: soft = hard. */
void pb_raise_fd_limit(void);

#endif
