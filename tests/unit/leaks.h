/*
 * Criterion's test workers end without LeakSanitizer's check at exit, so a
 * test that frees what it made asks for the check itself (ASan builds only).
 */
#ifndef PARBENCH_TEST_LEAKS_H
#define PARBENCH_TEST_LEAKS_H

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define assert_no_leaks() \
	cr_assert_eq(__lsan_do_recoverable_leak_check(), 0, "LeakSanitizer found leaks")
#else
#define assert_no_leaks() ((void)0)
#endif

#endif
