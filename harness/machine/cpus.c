#include <string.h>

#include "machine/cpus.h"
#include "util/parse.h"

void pb_cpu_sets_print(FILE *out, const cpu_set_t *sets, unsigned n)
{
	for (unsigned s = 0; s < n; s++) {
		const char *sep = "";

		fputs(s ? ";" : "", out);
		for (unsigned cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &sets[s])) {
				fprintf(out, "%s%u", sep, cpu);
				sep = ",";
			}
	}
}

/* One set: text[0..len) as a list of CPU numbers.  0, or -1 with why. */
static int parse_set(const char *text, size_t len, cpu_set_t *set, char *why, size_t whylen)
{
	char item[4096];
	struct pb_list cpus;

	if (len >= sizeof(item)) {
		snprintf(why, whylen, "a set of %zu characters", len);
		return -1;
	}
	memcpy(item, text, len);
	item[len] = '\0';
	if (pb_parse_list(item, 0, CPU_SETSIZE - 1, &cpus, why, whylen))
		return -1;
	CPU_ZERO(set);
	for (size_t i = 0; i < cpus.n; i++)
		CPU_SET(cpus.v[i], set);
	pb_list_free(&cpus);
	return 0;
}

int pb_cpu_sets_parse(const char *text, unsigned n, cpu_set_t *sets, char *why, size_t whylen)
{
	const char *item = text;

	for (unsigned s = 0; s < n; s++) {
		size_t len = strcspn(item, ";");

		if (parse_set(item, len, &sets[s], why, whylen))
			return -1;
		item += len;
		if (s + 1 < n && !*item++) {
			snprintf(why, whylen, "only %u of %u sets", s + 1, n);
			return -1;
		}
	}
	if (*item) {
		snprintf(why, whylen, "more sets than %u", n);
		return -1;
	}
	return 0;
}
