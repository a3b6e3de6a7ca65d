#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/csv_read.h"

int pb_csv_load(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0, n = 0, got;
	char *buf = NULL;
	int rc = 0;

	if (!f)
		return -errno;
	do {
		if (cap - n < 65536) {
			char *more = realloc(buf, 2 * cap + 65536);

			if (!more) {
				rc = -ENOMEM;
				break;
			}
			buf = more;
			cap = 2 * cap + 65536;
		}
		got = fread(buf + n, 1, cap - n - 1, f);	/* one byte for the NUL */
		n += got;
	} while (got);
	if (rc == 0 && ferror(f))
		rc = errno ? -errno : -EIO;
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

void pb_csv_init(struct pb_csv *c, char *text, size_t len)
{
	*c = (struct pb_csv){ .pos = text, .end = text + len, .line = 1 };
}

/*
 * The next field, unquoted in place ("" in a quoted field is one quote) and
 * NUL-terminated; a field is never longer than its text, so it fits.
 * *last is set at the end of a record.  0, or -1 when malformed.
 */
static int csv_field(struct pb_csv *c, char **field, bool *last)
{
	char *r = c->pos, *w = c->pos;

	*field = w;
	if (r < c->end && *r == '"') {
		for (r++;; r++) {
			if (r == c->end)
				return -1;
			if (*r == '"' && (r + 1 == c->end || r[1] != '"')) {
				r++;
				break;
			}
			if (*r == '"')
				r++;
			else if (*r == '\n')
				c->line++;
			*w++ = *r;
		}
	} else {
		while (r < c->end && !strchr(",\"\r\n", *r))
			*w++ = *r++;
	}
	*last = true;
	if (r < c->end && *r == ',') {
		*last = false;
		r++;
	} else if (r < c->end && *r == '\n') {
		c->line++;
		r++;
	} else if (r + 1 < c->end && r[0] == '\r' && r[1] == '\n') {
		c->line++;
		r += 2;
	} else if (r < c->end) {
		return -1;		/* a stray quote or carriage return */
	}
	*w = '\0';
	c->pos = r;
	return 0;
}

int pb_csv_record(struct pb_csv *c, char **fields, int max)
{
	bool last = false;
	int n = 0;

	if (c->pos == c->end)
		return 0;
	while (!last) {
		if (n == max || csv_field(c, &fields[n], &last))
			return -1;
		n++;
	}
	return n;
}
