/*
 * The course's two functions, in C, shared by the example, the tests and
 * the program that `make profile` runs under gprof and valgrind.
 */
#include "profiling/profiling.h"

int64_t dp_profiling_slow_function(void *ctx, int64_t bound)
{
	int64_t total = 0;

	(void)ctx;
	for (int64_t i = 0; i < bound; i++)
		total += i * i;
	return total;
}

/* Fill with a value, as `[1] * n` does: untouched pages would never be
 * mapped, and an operating-system view of memory would not see them. */
static void fill(int32_t *array, size_t count, int32_t value)
{
	for (size_t i = 0; i < count; i++)
		array[i] = value;
}

/* A mark that does not fit is not an error of my_func's: its job is to
 * allocate, and it did. */
static void mark(struct dp_memory_trace *trace, const char *label)
{
	if (trace != NULL)
		(void)dp_memory_trace_mark(trace, label);
}

int dp_profiling_my_func(const struct dp_allocator *alloc,
                         struct dp_memory_trace *trace)
{
	int32_t *a = dp_alloc_array(alloc, DP_MY_FUNC_A_COUNT, sizeof(*a));
	if (a == NULL)
		return DP_ENOMEM;
	fill(a, DP_MY_FUNC_A_COUNT, 1);
	mark(trace, "a = [1] * (10**6)");

	int32_t *b = dp_alloc_array(alloc, DP_MY_FUNC_B_COUNT, sizeof(*b));
	if (b == NULL)
		goto fail_free_a;
	fill(b, DP_MY_FUNC_B_COUNT, 2);
	mark(trace, "b = [2] * (2 * 10**7)");

	dp_free(alloc, b);
	mark(trace, "del b");

	dp_free(alloc, a);
	return DP_OK;

fail_free_a:
	dp_free(alloc, a);
	return DP_ENOMEM;
}
