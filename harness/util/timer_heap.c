#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "util/timer_heap.h"

static bool earlier(const struct pb_timer *a, const struct pb_timer *b)
{
	return a->deadline_ns < b->deadline_ns ||
	       (a->deadline_ns == b->deadline_ns && a->order < b->order);
}

static void swap(struct pb_timer *a, struct pb_timer *b)
{
	struct pb_timer t = *a;

	*a = *b;
	*b = t;
}

int pb_timer_add(struct pb_timer_heap *heap, int64_t deadline_ns, void *data)
{
	size_t i;

	if (heap->n == heap->cap) {
		size_t cap = heap->cap ? 2 * heap->cap : 64;
		struct pb_timer *v = realloc(heap->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		heap->v = v;
		heap->cap = cap;
	}
	i = heap->n++;
	heap->v[i] = (struct pb_timer){ deadline_ns, heap->added++, data };
	while (i > 0 && earlier(&heap->v[i], &heap->v[(i - 1) / 2])) {
		swap(&heap->v[i], &heap->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	return 0;
}

const struct pb_timer *pb_timer_first(const struct pb_timer_heap *heap)
{
	return heap->n ? &heap->v[0] : NULL;
}

void pb_timer_pop(struct pb_timer_heap *heap)
{
	size_t i = 0;

	if (heap->n == 0)
		return;
	heap->v[0] = heap->v[--heap->n];
	for (;;) {
		size_t left = 2 * i + 1, right = left + 1, least = i;

		if (left < heap->n && earlier(&heap->v[left], &heap->v[least]))
			least = left;
		if (right < heap->n && earlier(&heap->v[right], &heap->v[least]))
			least = right;
		if (least == i)
			return;
		swap(&heap->v[i], &heap->v[least]);
		i = least;
	}
}

int pb_timer_wait_ms(const struct pb_timer_heap *heap, int64_t now_ns)
{
	int64_t left;

	if (heap->n == 0)
		return -1;
	left = heap->v[0].deadline_ns - now_ns;
	if (left <= 0)
		return 0;
	left = (left + 999999) / 1000000;
	return left > INT_MAX ? INT_MAX : (int)left;
}

void pb_timer_heap_free(struct pb_timer_heap *heap)
{
	free(heap->v);
	*heap = (struct pb_timer_heap){ 0 };
}
