/*
 * The function-level profiler. It stacks two decorators: the Decorator
 * chapter's dp_timed_fn counts a function's calls and times each one, and
 * the wrapper here adds what a profiler needs on top, a stack of the calls
 * in progress, so that a call's time can be split into its own and its
 * callees'. That split is cProfile's tottime and cumtime.
 */
#include "profiling/profiling.h"

#include "adapter/adapter.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * One call in progress. Frames live in dp_profiled_fn_call's own stack
 * frame and are linked through `caller`, so the profiler's stack costs no
 * allocation and is exactly as deep as the C stack allows.
 */
struct frame {
	struct frame *caller;
	uint64_t callee_ns; /* Time of the profiled calls made from this one. */
	/* The nearest call of the same function that encloses this one, or
	 * NULL when this call is primitive. */
	struct frame *enclosing;
	/* What calls of the same function nested in this one added to the
	 * shared dp_timed_fn total; see dp_profiled_fn_call. */
	uint64_t recursion_ns;
};

struct dp_profiled_fn {
	struct dp_timed_fn timed; /* Counts and times every call. */
	dp_profiler *profiler;
	size_t order; /* Position in the registry: the last tie-breaker. */
	struct frame *innermost; /* Its innermost call in progress, or NULL. */
	uint64_t primitive_calls;
	uint64_t own_ns;
	uint64_t cumulative_ns;
};

struct dp_profiler {
	const struct dp_clock *clock;
	const struct dp_allocator *alloc;
	dp_profiled_fn **fns; /* Pointers, so records never move. */
	size_t count, capacity;
	struct frame *top; /* The innermost call in progress, or NULL. */
	size_t depth;
};

/* The dp_timed_fn clock hook reads the profiler's clock. The cast drops a
 * const that the hook's `void *` cannot carry; the clock is only read. */
static uint64_t read_clock(void *clock)
{
	return dp_clock_now_ns(clock);
}

dp_profiler *dp_profiler_create(const struct dp_clock *clock,
                                const struct dp_allocator *alloc)
{
	dp_profiler *profiler = dp_alloc(alloc, sizeof(*profiler));
	if (profiler == NULL)
		return NULL;
	*profiler = (dp_profiler){
		.clock = clock != NULL ? clock : &dp_clock_monotonic,
		.alloc = alloc,
	};
	return profiler;
}

void dp_profiler_destroy(dp_profiler *profiler)
{
	if (profiler == NULL)
		return;
	for (size_t i = 0; i < profiler->count; i++)
		dp_free(profiler->alloc, profiler->fns[i]);
	dp_free(profiler->alloc, profiler->fns);
	dp_free(profiler->alloc, profiler);
}

dp_profiled_fn *dp_profiler_wrap(dp_profiler *profiler, dp_int64_fn *fn,
                                 void *ctx, const char *name)
{
	if (profiler == NULL || fn == NULL || name == NULL)
		return NULL;
	/* Grow the registry first: once the record exists, nothing can fail
	 * and no record has to be taken back. */
	if (profiler->count == profiler->capacity) {
		size_t capacity =
			profiler->capacity ? 2 * profiler->capacity : 8;
		dp_profiled_fn **fns = dp_realloc_array(
			profiler->alloc, profiler->fns, capacity, sizeof(*fns));
		if (fns == NULL)
			return NULL;
		profiler->fns = fns;
		profiler->capacity = capacity;
	}
	dp_profiled_fn *profiled = dp_alloc(profiler->alloc, sizeof(*profiled));
	if (profiled == NULL)
		return NULL;
	*profiled = (dp_profiled_fn){
		.profiler = profiler,
		.order = profiler->count,
	};
	dp_timed_fn_init(&profiled->timed, fn, ctx, name, read_clock,
	                 (void *)profiler->clock);
	profiler->fns[profiler->count++] = profiled;
	return profiled;
}

int64_t dp_profiled_fn_call(void *profiled, int64_t arg)
{
	dp_profiled_fn *self = profiled;

	if (self == NULL)
		return 0;
	dp_profiler *profiler = self->profiler;
	struct frame frame = {.caller = profiler->top,
	                      .enclosing = self->innermost};

	profiler->top = &frame;
	profiler->depth++;
	self->innermost = &frame;
	uint64_t before = self->timed.total_ns;
	int64_t result = dp_timed_fn_call(&self->timed, arg);
	/*
	 * dp_timed_fn adds each call's time to one total, so under recursion
	 * the total grew by this call's time plus that of every call of the
	 * same function nested in it. Those nested calls reported their
	 * growth to this frame; what is left is this call's time, found
	 * without reading the clock a third time.
	 */
	uint64_t growth = self->timed.total_ns - before;
	uint64_t elapsed = growth - frame.recursion_ns;
	self->innermost = frame.enclosing;
	profiler->depth--;
	profiler->top = frame.caller;
	if (frame.enclosing != NULL)
		frame.enclosing->recursion_ns += growth;

	self->own_ns += elapsed - frame.callee_ns;
	/* Only the outermost call of a recursion adds to cumulative time:
	 * the inner calls' time is inside it already. */
	if (frame.enclosing == NULL) {
		self->primitive_calls++;
		self->cumulative_ns += elapsed;
	}
	if (frame.caller != NULL)
		frame.caller->callee_ns += elapsed;
	return result;
}

int dp_profiled_fn_stats(const dp_profiled_fn *profiled,
                         struct dp_profile_stats *stats)
{
	if (profiled == NULL || stats == NULL)
		return DP_EINVAL;
	*stats = (struct dp_profile_stats){
		.name = profiled->timed.name,
		.calls = profiled->timed.calls,
		.primitive_calls = profiled->primitive_calls,
		.own_ns = profiled->own_ns,
		.cumulative_ns = profiled->cumulative_ns,
	};
	return DP_OK;
}

size_t dp_profiler_count(const dp_profiler *profiler)
{
	return profiler != NULL ? profiler->count : 0;
}

size_t dp_profiler_depth(const dp_profiler *profiler)
{
	return profiler != NULL ? profiler->depth : 0;
}

int dp_profiler_reset(dp_profiler *profiler)
{
	if (profiler == NULL)
		return DP_EINVAL;
	/* Zeroing under a call in progress would make its frame subtract
	 * callee time that the new figures never added. */
	if (profiler->depth > 0)
		return DP_EBUSY;
	for (size_t i = 0; i < profiler->count; i++) {
		dp_profiled_fn *profiled = profiler->fns[i];
		struct dp_timed_fn *timed = &profiled->timed;
		dp_timed_fn_init(timed, timed->fn, timed->ctx, timed->name,
		                 timed->now, timed->clock_ctx);
		profiled->primitive_calls = 0;
		profiled->own_ns = 0;
		profiled->cumulative_ns = 0;
	}
	return DP_OK;
}

/* ---- the report ------------------------------------------------------------ */

/*
 * One comparison per sort order, because qsort passes no context. Each
 * puts the larger figure first and leaves ties to the same tie-breakers,
 * so equal rows come out in one order on every libc.
 */
static int by_name_then_order(const dp_profiled_fn *a, const dp_profiled_fn *b)
{
	int c = strcmp(a->timed.name, b->timed.name);
	if (c != 0)
		return c;
	return (a->order > b->order) - (a->order < b->order);
}

static int descending(uint64_t a, uint64_t b)
{
	return (a < b) - (a > b);
}

static int compare_cumulative(const void *x, const void *y)
{
	const dp_profiled_fn *a = *(dp_profiled_fn *const *)x;
	const dp_profiled_fn *b = *(dp_profiled_fn *const *)y;
	int c = descending(a->cumulative_ns, b->cumulative_ns);
	return c != 0 ? c : by_name_then_order(a, b);
}

static int compare_own(const void *x, const void *y)
{
	const dp_profiled_fn *a = *(dp_profiled_fn *const *)x;
	const dp_profiled_fn *b = *(dp_profiled_fn *const *)y;
	int c = descending(a->own_ns, b->own_ns);
	return c != 0 ? c : by_name_then_order(a, b);
}

static int compare_calls(const void *x, const void *y)
{
	const dp_profiled_fn *a = *(dp_profiled_fn *const *)x;
	const dp_profiled_fn *b = *(dp_profiled_fn *const *)y;
	int c = descending(a->timed.calls, b->timed.calls);
	return c != 0 ? c : by_name_then_order(a, b);
}

static int compare_name(const void *x, const void *y)
{
	return by_name_then_order(*(dp_profiled_fn *const *)x,
	                          *(dp_profiled_fn *const *)y);
}

static const struct {
	int (*compare)(const void *, const void *);
	const char *title;
} SORTS[] = {
	[DP_PROFILE_BY_CUMULATIVE] = {compare_cumulative, "cumulative time"},
	[DP_PROFILE_BY_OWN] = {compare_own, "internal time"},
	[DP_PROFILE_BY_CALLS] = {compare_calls, "call count"},
	[DP_PROFILE_BY_NAME] = {compare_name, "function name"},
};

/* Nanoseconds as milliseconds with three decimals, in integers so that a
 * manual clock's exact times print exactly. */
static void format_ms(char *buf, size_t size, uint64_t ns)
{
	uint64_t us = (ns + 500) / 1000;
	snprintf(buf, size, "%" PRIu64 ".%03" PRIu64, us / 1000, us % 1000);
}

static int write_row(struct dp_stream *out, const dp_profiled_fn *fn)
{
	char calls[48], own[24], own_per[24], cum[24], cum_per[24];
	char row[160];

	if (fn->timed.calls == fn->primitive_calls)
		snprintf(calls, sizeof(calls), "%" PRIu64, fn->timed.calls);
	else
		snprintf(calls, sizeof(calls), "%" PRIu64 "/%" PRIu64,
		         fn->timed.calls, fn->primitive_calls);
	format_ms(own, sizeof(own), fn->own_ns);
	format_ms(own_per, sizeof(own_per),
	          fn->timed.calls ? fn->own_ns / fn->timed.calls : 0);
	format_ms(cum, sizeof(cum), fn->cumulative_ns);
	format_ms(cum_per, sizeof(cum_per),
	          fn->primitive_calls ? fn->cumulative_ns / fn->primitive_calls
	                              : 0);
	snprintf(row, sizeof(row), "%9s %8s %8s %8s %8s %s\n", calls, own,
	         own_per, cum, cum_per, fn->timed.name);
	return dp_stream_write_string(out, row);
}

static int write_report(const dp_profiler *profiler,
                        dp_profiled_fn *const *rows, const char *title,
                        struct dp_stream *out)
{
	uint64_t calls = 0, primitive = 0, own = 0;
	char total[24], line[160];

	for (size_t i = 0; i < profiler->count; i++) {
		calls += rows[i]->timed.calls;
		primitive += rows[i]->primitive_calls;
		own += rows[i]->own_ns;
	}
	/* The sum of own times is the time spent inside profiled functions,
	 * each nanosecond counted once, as cProfile's "in N seconds". */
	format_ms(total, sizeof(total), own);
	snprintf(line, sizeof(line),
	         "%" PRIu64 " function calls (%" PRIu64
	         " primitive calls) in %s ms\n\nOrdered by: %s\n\n",
	         calls, primitive, total, title);
	int rc = dp_stream_write_string(out, line);
	if (rc == DP_OK)
		rc = dp_stream_write_string(out,
		                            "   ncalls  tottime  percall "
		                            " cumtime  percall function\n");
	for (size_t i = 0; rc == DP_OK && i < profiler->count; i++)
		rc = write_row(out, rows[i]);
	return rc;
}

int dp_profiler_print(const dp_profiler *profiler, enum dp_profile_sort sort,
                      struct dp_stream *out)
{
	if (profiler == NULL || out == NULL ||
	    (unsigned)sort >= DP_ARRAY_SIZE(SORTS))
		return DP_EINVAL;
	/* Sort a copy of the pointers: printing must not reorder the
	 * registry, whose order is the last tie-breaker. */
	dp_profiled_fn **rows =
		dp_alloc_array(profiler->alloc, profiler->count, sizeof(*rows));
	if (rows == NULL)
		return DP_ENOMEM;
	if (profiler->count > 0) {
		memcpy(rows, profiler->fns, profiler->count * sizeof(*rows));
		qsort(rows, profiler->count, sizeof(*rows),
		      SORTS[sort].compare);
	}
	int rc = write_report(profiler, rows, SORTS[sort].title, out);
	dp_free(profiler->alloc, rows);
	return rc;
}

int dp_profiler_print_file(const dp_profiler *profiler,
                           enum dp_profile_sort sort, FILE *file)
{
	if (profiler == NULL || file == NULL)
		return DP_EINVAL;
	struct dp_stream *out =
		dp_file_stream_create(file, false, profiler->alloc);
	if (out == NULL)
		return DP_ENOMEM;
	int rc = dp_profiler_print(profiler, sort, out);
	int closed = dp_stream_close(out);
	return rc != DP_OK ? rc : closed;
}
