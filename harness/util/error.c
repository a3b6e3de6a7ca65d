#include <stdarg.h>
#include <stdio.h>

#include "util/error.h"

int pb_verror(char *why, size_t whylen, const char *fmt, va_list ap)
{
	vsnprintf(why, whylen, fmt, ap);
	return -1;
}

int pb_error(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pb_verror(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}
