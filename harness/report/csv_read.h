/*
 * Reading CSV files as parbench writes them (RFC 4180: fields quoted when
 * they hold a comma, a quote or a line break, "" for a quote), split into
 * fields in place.
 */
#ifndef PARBENCH_CSV_READ_H
#define PARBENCH_CSV_READ_H

#include <stddef.h>

struct pb_csv {
	char *pos, *end;		/* what is left of the text */
	size_t line;			/* where pos is, from 1 */
};

/* The whole file, NUL-terminated and malloc'd, and its length: 0 or -errno. */
int pb_csv_load(const char *path, char **text, size_t *len);

/* A reader of len bytes of text, which it splits in place. */
void pb_csv_init(struct pb_csv *c, char *text, size_t len);

/*
 * Up to max fields of the next record, each unquoted in place and
 * NUL-terminated: their number, 0 at the end, or -1 when the record is
 * malformed or has more than max fields.
 */
int pb_csv_record(struct pb_csv *c, char **fields, int max);

#endif
