/*
 * Strict parsing of the command line's numbers and lists.  Each function
 * returns 0, or -1 with a short reason in `why` (such as "'x' is not a
 * whole number") that the caller puts into its one-line error.
 */
#ifndef PARBENCH_PARSE_H
#define PARBENCH_PARSE_H

#include <stddef.h>
#include <stdint.h>

struct pb_list {
	uint64_t *v;
	size_t n;
};

struct pb_names {
	char **v;
	size_t n;
};

int pb_parse_u64(const char *text, uint64_t lo, uint64_t hi, uint64_t *out,
		 char *why, size_t whylen);

/* The same of the len characters at text, which must all be digits. */
int pb_parse_u64_span(const char *text, size_t len, uint64_t lo, uint64_t hi, uint64_t *out,
		      char *why, size_t whylen);

/* Seconds as a decimal number such as 0.5, from lo to hi. */
int pb_parse_seconds(const char *text, double lo, double hi, double *out,
		     char *why, size_t whylen);

#define PB_LIST_MAX 10000		/* items of one list, ranges expanded */

/* "1,2,4" or "1-4,8": whole numbers from lo to hi, no duplicates, PB_LIST_MAX at most. */
int pb_parse_list(const char *text, uint64_t lo, uint64_t hi,
		  struct pb_list *out, char *why, size_t whylen);
void pb_list_free(struct pb_list *list);

/* Appends value, or -1 ("more than 10000 items", "out of memory"); duplicates allowed. */
int pb_list_append(struct pb_list *list, uint64_t value, char *why, size_t whylen);

/* Appends a copy of the len bytes at name (doubling its room as pb_list_append): 0 or -1. */
int pb_names_append(struct pb_names *names, const char *name, size_t len, char *why,
		    size_t whylen);

/* "a,b,c": non-empty names, no duplicates. */
int pb_parse_names(const char *text, struct pb_names *out, char *why, size_t whylen);
void pb_names_free(struct pb_names *names);

#endif
