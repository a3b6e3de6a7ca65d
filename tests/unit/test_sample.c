/* harness/cell/sample.c: the lines from a cell process to the supervisor. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell/sample.h"
#include "leaks.h"

static char line[4096];

/* Reads the one line written to the pipe into line, without its newline. */
static void take_line(int fds[2])
{
	ssize_t n;

	close(fds[1]);
	n = read(fds[0], line, sizeof(line) - 1);
	close(fds[0]);
	cr_assert_gt(n, 0);
	line[n] = '\0';
	cr_assert_eq(line[n - 1], '\n', "no newline at the end of \"%s\"", line);
	line[n - 1] = '\0';
	cr_assert_null(strchr(line, '\n'), "more than one line: \"%s\"", line);
}

/* Sends s through a pipe and leaves the one line it wrote, without its newline, in line. */
static void send_line(const struct pb_sample *s)
{
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(pb_sample_send(fds[1], s), 0);
	take_line(fds);
}

static void send_counts_line(const struct pb_counts *k)
{
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(pb_counts_send(fds[1], k), 0);
	take_line(fds);
}

Test(sample, ok_round_trip)
{
	const struct pb_sample sent = {
		.rep = 7,
		.wall_s = 1.234567891,		/* sent with 9 decimals */
		.user_s = 2.345678,		/* user and sys with 6 */
		.sys_s = 0.000125,
		.max_rss_kb = 123456,
		.vcsw = 42,
		.ivcsw = 3,
		.lat_p50_s = 0.000123456,
		.lat_p99_s = 0.5,
		.startup_s = 0.0123,
		.work_s = NAN,		/* no work time apart: travels as nan */
		.minflt = 2048,
		.majflt = 1,
		.checksum = 18446744073709551615ULL,
		.cpus = "0;1+2",
	};
	struct pb_sample got;

	send_line(&sent);
	cr_assert_eq(line[0], 'S');
	cr_assert_eq(pb_sample_parse(line, &got), 0, "refused \"%s\"", line);
	cr_assert_eq(got.rep, 7);
	cr_assert_float_eq(got.wall_s, 1.234567891, 1e-12);
	cr_assert_float_eq(got.user_s, 2.345678, 1e-12);
	cr_assert_float_eq(got.sys_s, 0.000125, 1e-12);
	cr_assert_eq(got.max_rss_kb, 123456);
	cr_assert_eq(got.vcsw, 42);
	cr_assert_eq(got.ivcsw, 3);
	cr_assert_float_eq(got.lat_p50_s, 0.000123456, 1e-15);
	cr_assert_float_eq(got.lat_p99_s, 0.5, 1e-12);
	cr_assert_float_eq(got.startup_s, 0.0123, 1e-12);
	cr_assert(isnan(got.work_s));
	cr_assert_eq(got.minflt, 2048);
	cr_assert_eq(got.majflt, 1);
	cr_assert_eq(got.checksum, 18446744073709551615ULL);
	cr_assert_str_eq(got.cpus, "0;1+2");
	cr_assert_null(got.error);
	cr_assert_not(got.ok, "parse must leave ok to the supervisor");
	pb_sample_free(&got);
	cr_assert_null(got.cpus);
	assert_no_leaks();
}

Test(sample, error_round_trip)
{
	const struct pb_sample sent = { .rep = 3, .error = "worker 2 killed by signal 9" };
	struct pb_sample got;

	send_line(&sent);
	cr_assert_str_eq(line, "E 3 worker 2 killed by signal 9");
	cr_assert_eq(pb_sample_parse(line, &got), 0);
	cr_assert_eq(got.rep, 3);
	cr_assert_str_eq(got.error, "worker 2 killed by signal 9");
	cr_assert_null(got.cpus);
	pb_sample_free(&got);
	cr_assert_null(got.error);
	assert_no_leaks();
}

Test(sample, error_goes_on_one_line)
{
	const struct pb_sample sent = { .rep = 1, .error = "first\nsecond\tthird\r\n" };
	struct pb_sample got;

	send_line(&sent);
	cr_assert_null(strchr(line, '\t'));
	cr_assert_null(strchr(line, '\r'));
	cr_assert_eq(pb_sample_parse(line, &got), 0);
	cr_assert_eq(got.rep, 1);
	cr_assert_str_eq(got.error, "first second third  ");
	pb_sample_free(&got);
}

static void refused(const char *text)
{
	struct pb_sample got;

	cr_assert_eq(pb_sample_parse(text, &got), -1, "accepted \"%s\"", text);
	cr_assert_null(got.cpus);
	cr_assert_null(got.error);
}

Test(sample, malformed_lines)
{
	refused("");
	refused("X 1");
	refused("X 1 message");
	refused("S 1 2");
	refused("S a 1 2 3 4 5 6 7 8 9 0;1");
	refused("S 1 0.5 0.5 0.5 4 5 6 0.1 0.2 0.01 nan 7 8 x 0;1");
	refused("S 1 0.5 0.5 0.5 4 5 6 0.1 0.2 9 0;1");	/* without startup and work */
	refused("S 1 0.5 0.5 0.5 4 5 6 0.1 0.2 0.01 nan 9 0;1");	/* without the faults */
	refused("E x message");
	refused("s 1 0.5 0.5 0.5 4 5 6 0.1 0.2 0.01 nan 7 8 9 0;1");
}

Test(sample, parse_hand_written_line)
{
	struct pb_sample got;

	cr_assert_eq(pb_sample_parse("S 2 0.5 0.25 0.125 100 1 2 0.001 0.002 0.01 nan 300 4 99 3",
				     &got), 0);
	cr_assert_eq(got.rep, 2);
	cr_assert_eq(got.wall_s, 0.5);
	cr_assert_eq(got.startup_s, 0.01);
	cr_assert(isnan(got.work_s));
	cr_assert_eq(got.max_rss_kb, 100);
	cr_assert_eq(got.minflt, 300);
	cr_assert_eq(got.majflt, 4);
	cr_assert_eq(got.checksum, 99);
	cr_assert_str_eq(got.cpus, "3");
	pb_sample_free(&got);
}

Test(sample, counts_round_trip)
{
	const struct pb_counts sent = {
		.wall_s = 0.123456789,
		.task_clock_s = 0.246913578,
		.context_switches = 12,
		.migrations = 0,
		.minflt = 70000,
		.majflt = 2,
		.cycles = 987654321012,
		.instructions = 1234567890123,
	};
	struct pb_counts got;

	send_counts_line(&sent);
	cr_assert_eq(line[0], 'C');
	cr_assert_eq(pb_counts_parse(line, &got), 0, "refused \"%s\"", line);
	cr_assert_float_eq(got.wall_s, 0.123456789, 1e-12);
	cr_assert_float_eq(got.task_clock_s, 0.246913578, 1e-12);
	cr_assert_eq(got.context_switches, 12);
	cr_assert_eq(got.migrations, 0);
	cr_assert_eq(got.minflt, 70000);
	cr_assert_eq(got.majflt, 2);
	cr_assert_eq(got.cycles, 987654321012);
	cr_assert_eq(got.instructions, 1234567890123);
	cr_assert_eq(pb_sample_parse(line, &(struct pb_sample){ 0 }), -1, "a C line is no sample");
}

Test(sample, counts_without_the_counters_that_did_not_open)
{
	const struct pb_counts sent = { .wall_s = 0.5, .task_clock_s = NAN, .context_switches = 3,
					.migrations = 1, .minflt = 10, .majflt = 0,
					.cycles = -1, .instructions = -1 };
	struct pb_counts got;

	send_counts_line(&sent);
	cr_assert_str_eq(line, "C 0.500000000 nan 3 1 10 0 -1 -1");
	cr_assert_eq(pb_counts_parse(line, &got), 0);
	cr_assert(isnan(got.task_clock_s));
	cr_assert_eq(got.cycles, -1);
	cr_assert_eq(got.instructions, -1);
}

Test(sample, malformed_counts)
{
	static const char *const bad[] = {
		"", "C", "C 0.5 0.5 1 2 3 4 5", "C 0.5 0.5 1 2 3 4 5 6 7", "C 0.5 0.5 1 2 3 4 5 x",
		"C 0.5 0.5 1 2 3 4 5 6 ", "c 0.5 0.5 1 2 3 4 5 6",
		"S 2 0.5 0.25 0.125 100 1 2 0.001 0.002 0.01 nan 300 4 99 3", "E 0 C 1 2",
	};
	struct pb_counts got = { .wall_s = 42 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(pb_counts_parse(bad[i], &got), -1, "accepted \"%s\"", bad[i]);
		cr_assert_eq(got.wall_s, 42, "\"%s\" changed the counts", bad[i]);
	}
}

/* An offload repetition's O line: its times and its device, a name with spaces, on one line. */
Test(sample, offload_round_trip)
{
	const struct pb_offload sent = { .device = "pthread-x (CPU, Portable\nComputing Language)",
					 .build_s = 0.25, .h2d_s = 0.001, .kernel_s = 0.5,
					 .d2h_s = 0.000002 };
	struct pb_offload got = { 0 };
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(pb_offload_send(fds[1], &sent), 0);
	take_line(fds);
	cr_assert_eq(pb_offload_parse(line, &got), 0, "\"%s\"", line);
	cr_assert_str_eq(got.device, "pthread-x (CPU, Portable Computing Language)");
	cr_assert_float_eq(got.build_s, 0.25, 1e-12);
	cr_assert_float_eq(got.h2d_s, 0.001, 1e-12);
	cr_assert_float_eq(got.kernel_s, 0.5, 1e-12);
	cr_assert_float_eq(got.d2h_s, 0.000002, 1e-12);
	free(got.device);
}

Test(sample, offload_malformed_refused)
{
	struct pb_offload got = { .device = NULL };

	cr_assert_eq(pb_offload_parse("O 1 2 3 4", &got), -1);		/* no device */
	cr_assert_eq(pb_offload_parse("O 1 2 x 4 dev", &got), -1);
	cr_assert_eq(pb_offload_parse("S 1 2 3 4 dev", &got), -1);
	cr_assert_null(got.device);
}

/* An H line: the hosts of a repetition's workers, on one line, whatever their names hold. */
Test(sample, hosts_round_trip)
{
	char *got = NULL;
	int fds[2];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(pb_hosts_send(fds[1], "node1;node2\nx;node3"), 0);
	take_line(fds);
	cr_assert_eq(pb_hosts_parse(line, &got), 0, "\"%s\"", line);
	cr_assert_str_eq(got, "node1;node2 x;node3");
	free(got);
}

Test(sample, hosts_malformed_refused)
{
	char *got = NULL;

	cr_assert_eq(pb_hosts_parse("H ", &got), -1);		/* no hosts */
	cr_assert_eq(pb_hosts_parse("Hx a;b", &got), -1);
	cr_assert_eq(pb_hosts_parse("O 1 2 3 4 dev", &got), -1);
	cr_assert_null(got);
}
