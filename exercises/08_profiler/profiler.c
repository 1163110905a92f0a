/*
 * Exercise 08: a call-counting, timing profiler. Read README.md first,
 * then fill in each TODO. Every function below compiles and returns a
 * value that makes the tests fail; replace the bodies one by one.
 */
#include "profiler.h"

#include <string.h>

int ex_profiler_init(struct ex_profiler *profiler, ex_prof_clock_fn *now,
                     void *clock_ctx)
{
	/* TODO: zero the profiler and keep the clock; a NULL clock means
	 * the real one (write a small function that returns dp_now_ns()). */
	(void)profiler;
	(void)now;
	(void)clock_ctx;
	return DP_ENOTSUP;
}

int ex_profiler_wrap(struct ex_profiler *profiler, struct ex_profiled *profiled,
                     const char *name, ex_prof_fn *fn, void *ctx)
{
	/* TODO: check the arguments, refuse a name already wrapped and a
	 * full table, then set up `profiled` with zero statistics and add
	 * it to profiler->functions. */
	(void)profiler;
	(void)profiled;
	(void)name;
	(void)fn;
	(void)ctx;
	return DP_ENOTSUP;
}

int64_t ex_profiled_call(void *profiled, int64_t arg)
{
	/* TODO: step 1, read the clock, call the function, read the clock,
	 * count the call and add the elapsed time.
	 * TODO: step 2, self time: before the call, point
	 * profiler->children_ns at a local counter (saving the old value);
	 * after it, restore the old value and add your elapsed time to it.
	 * self time = elapsed - what your callees added to your counter.
	 * TODO: step 3, recursion: add to cumulative_ns only when no other
	 * call of this same function is still running (use `active`). */
	(void)profiled;
	(void)arg;
	return 0;
}

const struct ex_profiled *ex_profiler_find(const struct ex_profiler *profiler,
                                           const char *name)
{
	/* TODO: the wrapped function whose name is `name` (strcmp). */
	(void)profiler;
	(void)name;
	return NULL;
}

const struct ex_profiled *
ex_profiler_hottest(const struct ex_profiler *profiler)
{
	/* TODO: among the functions called at least once, the one with the
	 * most self time; the first wrapped wins a tie. */
	(void)profiler;
	return NULL;
}

/* ---- memory_profiler: the memory tracker (README steps 6 and 7) ---------- */

/* TODO: step 6, write a static function of the dp_allocator shape,
 * void *(void *ctx, void *ptr, size_t size), that forwards every request
 * to tracker->parent and keeps current_bytes, peak_bytes, allocations and
 * frees up to date. It must remember each block's requested size (the
 * interface does not pass the old size to a free or a resize): a small
 * header in front of the block, aligned like max_align_t, is the usual
 * way. */

int ex_mem_tracker_init(struct ex_mem_tracker *tracker,
                        const struct dp_allocator *parent)
{
	/* TODO: zero the tracker, keep the parent (NULL means
	 * dp_allocator_default()), and point tracker->base at your function
	 * with the tracker as its ctx. */
	(void)tracker;
	(void)parent;
	return DP_ENOTSUP;
}

int ex_mem_tracker_mark(struct ex_mem_tracker *tracker,
                        struct ex_mem_line *line)
{
	/* TODO: step 7, fill `line` (bytes in use, the increment since the
	 * last mark, the peak) and remember the bytes in use for the next
	 * mark. */
	(void)tracker;
	(void)line;
	return DP_ENOTSUP;
}
