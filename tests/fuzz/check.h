/* What the fuzz targets share: an invariant that aborts, so libFuzzer keeps the input. */
#ifndef PARBENCH_FUZZ_CHECK_H
#define PARBENCH_FUZZ_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                       \
	do {                                                                              \
		if (!(cond)) {                                                            \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
				#cond);                                                   \
			abort();                                                          \
		}                                                                         \
	} while (0)

/*
 * The input after its first byte, which chooses the parser, as a string
 * (len >= 1); the caller frees it.
 */
static inline char *fuzz_text(const uint8_t *data, size_t len)
{
	char *text = malloc(len);

	CHECK(text);
	memcpy(text, data + 1, len - 1);
	text[len - 1] = '\0';
	return text;
}

#endif
