/* harness/util/timer_heap.c: deadlines come out earliest first, ties in order of adding. */
#include <criterion/criterion.h>

#include "util/timer_heap.h"

Test(timer_heap, pops_in_deadline_order)
{
	static int data[64];
	struct pb_timer_heap heap = { 0 };
	int64_t last = -1;

	/* 64 deadlines in a scrambled order (37 is coprime with 64). */
	for (int i = 0; i < 64; i++) {
		data[i] = (i * 37) % 64;
		cr_assert_eq(pb_timer_add(&heap, data[i] * 1000, &data[i]), 0);
	}
	for (int i = 0; i < 64; i++) {
		const struct pb_timer *first = pb_timer_first(&heap);

		cr_assert_not_null(first);
		cr_assert_gt(first->deadline_ns, last);
		cr_assert_eq(*(int *)first->data * 1000, first->deadline_ns);
		last = first->deadline_ns;
		pb_timer_pop(&heap);
	}
	cr_assert_null(pb_timer_first(&heap));
	pb_timer_heap_free(&heap);
}

Test(timer_heap, equal_deadlines_fire_in_the_order_added)
{
	static int data[5];
	struct pb_timer_heap heap = { 0 };

	for (int i = 0; i < 5; i++)
		cr_assert_eq(pb_timer_add(&heap, 42, &data[i]), 0);
	for (int i = 0; i < 5; i++) {
		cr_assert_eq(pb_timer_first(&heap)->data, &data[i]);
		pb_timer_pop(&heap);
	}
	pb_timer_heap_free(&heap);
}

Test(timer_heap, wait_rounds_up_and_never_goes_negative)
{
	struct pb_timer_heap heap = { 0 };

	cr_assert_eq(pb_timer_wait_ms(&heap, 0), -1);
	cr_assert_eq(pb_timer_add(&heap, 5000001, NULL), 0);
	cr_assert_eq(pb_timer_wait_ms(&heap, 0), 6);		/* 5.000001 ms: never early */
	cr_assert_eq(pb_timer_wait_ms(&heap, 1000001), 4);
	cr_assert_eq(pb_timer_wait_ms(&heap, 1000000), 5);
	cr_assert_eq(pb_timer_wait_ms(&heap, 5000001), 0);
	cr_assert_eq(pb_timer_wait_ms(&heap, 9000000), 0);	/* overdue */
	pb_timer_pop(&heap);
	pb_timer_pop(&heap);				/* popping an empty heap is harmless */
	cr_assert_eq(pb_timer_wait_ms(&heap, 0), -1);
	pb_timer_heap_free(&heap);
}
