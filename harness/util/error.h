/*
 * The error convention: a function that can fail returns 0, or -1 (or a
 * negative errno value, where one says enough) with a one-line message in
 * the caller's `why` buffer that says what failed and, for bad input, what
 * is allowed.
 */
#ifndef PARBENCH_ERROR_H
#define PARBENCH_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* Writes the message into why and returns -1. */
int pb_error(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int pb_verror(char *why, size_t whylen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
