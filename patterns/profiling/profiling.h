/**
 * @file profiling.h
 * @brief Profiling in C: a function-level profiler built as a Decorator
 *        over function pointers (the C counterpart of cProfile and pstats),
 *        a line-by-line memory trace over the counting allocator (the
 *        counterpart of memory_profiler), and the course's two functions.
 *
 * Ownership: a profiler is created and destroyed by the caller and owns
 * the records of the functions it wraps; a memory trace is caller-allocated
 * and writes only into the caller's array. Thread-safety: none; a profiler
 * and the functions it wraps are used by one thread at a time.
 */
#ifndef DP_PROFILING_H
#define DP_PROFILING_H

#include "common/dp_common.h"
#include "common/dp_stream.h"
#include "decorator/decorator.h"
#include "singleton/singleton.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- the function-level profiler ----------------------------------------- */

/** @brief A profiler: the registry of wrapped functions and the stack of
 *         calls in progress. Opaque. */
typedef struct dp_profiler dp_profiler;

/** @brief One function wrapped by a profiler: a `struct dp_timed_fn` (the
 *         Decorator chapter's) plus the profiler's own bookkeeping. Opaque;
 *         owned by its profiler. */
typedef struct dp_profiled_fn dp_profiled_fn;

/**
 * @brief What a profiler knows about one function, in the terms of
 *        Python's pstats.
 *
 * Filled by dp_profiled_fn_stats(). A call is *primitive* when it is not a
 * recursive call, that is when no other call of the same function is in
 * progress; cumulative time counts primitive calls only, so a recursive
 * function's time is not counted once per level.
 */
struct dp_profile_stats {
	const char *name; /**< The name given to dp_profiler_wrap(). */
	uint64_t calls;   /**< Completed calls, recursive ones too. */
	uint64_t
		primitive_calls; /**< Completed calls that were not recursive. */
	/** Own time ("tottime"): the time spent in the function itself, that
	 * is its calls' time minus the time of the profiled functions they
	 * called, in clock nanoseconds. */
	uint64_t own_ns;
	/** Cumulative time ("cumtime"): the time of its primitive calls,
	 * callees included, in clock nanoseconds. */
	uint64_t cumulative_ns;
};

/** @brief The orders a report can be sorted in, as pstats's sort_stats(). */
enum dp_profile_sort {
	/** By cumulative time, largest first ("cumulative"). */
	DP_PROFILE_BY_CUMULATIVE = 0,
	/** By own time, largest first ("tottime"). */
	DP_PROFILE_BY_OWN = 1,
	/** By number of calls, most first ("calls"). */
	DP_PROFILE_BY_CALLS = 2,
	/** By name, A to Z ("name"). */
	DP_PROFILE_BY_NAME = 3
};

/**
 * @brief Create a profiler with no functions.
 * @param[in] clock The clock every time comes from, which must outlive the
 *                  profiler; NULL for #dp_clock_monotonic. A test passes a
 *                  #dp_manual_clock to make every time exact.
 * @param[in] alloc The allocator for the profiler, its records and its
 *                  reports, which must outlive it; NULL for malloc/free.
 * @return The profiler, freed with dp_profiler_destroy(); NULL when memory
 *         runs out.
 */
dp_profiler *dp_profiler_create(const struct dp_clock *clock,
                                const struct dp_allocator *alloc);

/**
 * @brief Destroy a profiler and every record it made.
 * @param[in] profiler The profiler; NULL is a no-op. No call of one of its
 *                     functions may be in progress. Every #dp_profiled_fn
 *                     it returned is invalid afterwards.
 */
void dp_profiler_destroy(dp_profiler *profiler);

/**
 * @brief Wrap a function: the decorator to call instead of it.
 *
 * Call the result through dp_profiled_fn_call(), which has the function's
 * own shape, #dp_int64_fn. The same function may be wrapped twice under
 * two names; each wrapper keeps its own figures.
 * @param[in,out] profiler The profiler that will own the record.
 * @param[in]     fn       The function to wrap.
 * @param[in]     ctx      Its context, handed to it unchanged.
 * @param[in]     name     Its name in reports (not copied: it must outlive
 *                         the profiler); must not be NULL.
 * @return The wrapper, owned by the profiler; NULL when `profiler`, `fn` or
 *         `name` is NULL or memory runs out (the profiler is unchanged).
 */
dp_profiled_fn *dp_profiler_wrap(dp_profiler *profiler, dp_int64_fn *fn,
                                 void *ctx, const char *name);

/**
 * @brief Call a wrapped function, counting it and timing it.
 *
 * Pushes a frame for the call on the profiler's stack of active calls (the
 * frame lives on the C stack, so no call allocates), calls the function
 * through its #dp_timed_fn, and charges the elapsed time: all of it to the
 * caller's frame as time spent in a callee, and, minus what this call's
 * own callees took, to this function's own time. Time spent in functions
 * that are not wrapped counts as the caller's own time.
 * @param[in,out] profiled The `dp_profiled_fn *` from dp_profiler_wrap().
 * @param[in]     arg      Passed to the wrapped function.
 * @return What the wrapped function returns; 0, calling nothing, when
 *         `profiled` is NULL.
 */
int64_t dp_profiled_fn_call(void *profiled, int64_t arg);

/**
 * @brief Read a wrapped function's figures.
 * @param[in]  profiled The wrapper.
 * @param[out] stats    Receives the figures.
 * @return #DP_OK; #DP_EINVAL when either argument is NULL.
 */
int dp_profiled_fn_stats(const dp_profiled_fn *profiled,
                         struct dp_profile_stats *stats);

/**
 * @brief The number of functions a profiler has wrapped.
 * @param[in] profiler The profiler.
 * @return The count; 0 when `profiler` is NULL.
 */
size_t dp_profiler_count(const dp_profiler *profiler);

/**
 * @brief The number of profiled calls in progress: the depth of the stack.
 * @param[in] profiler The profiler.
 * @return The depth; 0 when `profiler` is NULL or no call is in progress.
 */
size_t dp_profiler_depth(const dp_profiler *profiler);

/**
 * @brief Set every figure of every wrapped function back to zero, keeping
 *        the functions.
 * @param[in,out] profiler The profiler.
 * @return #DP_OK; #DP_EINVAL when `profiler` is NULL; #DP_EBUSY when a
 *         profiled call is in progress (the figures are unchanged).
 */
int dp_profiler_reset(dp_profiler *profiler);

/**
 * @brief Write the report: a summary line, then one row per function, as
 *        pstats's print_stats() does.
 *
 * Columns: ncalls (`total/primitive` when they differ), tottime, percall
 * (tottime / ncalls), cumtime, percall (cumtime / primitive calls), the
 * name. Times are in milliseconds with three decimals. Ties are broken by
 * name, then by the order of wrapping, so a report is deterministic.
 * @param[in]     profiler The profiler.
 * @param[in]     sort     The order of the rows.
 * @param[in,out] out      The stream to write to.
 * @return #DP_OK; #DP_EINVAL when `profiler` or `out` is NULL or `sort` is
 *         not a #dp_profile_sort; #DP_ENOMEM when the array to sort cannot
 *         be allocated (nothing is written); any error of the stream, with
 *         the report cut short.
 */
int dp_profiler_print(const dp_profiler *profiler, enum dp_profile_sort sort,
                      struct dp_stream *out);

/**
 * @brief dp_profiler_print() to a stdio `FILE *`, through the Adapter
 *        chapter's file stream.
 * @param[in]     profiler The profiler.
 * @param[in]     sort     The order of the rows.
 * @param[in,out] file     The open file; flushed, not closed.
 * @return As dp_profiler_print(); #DP_EINVAL also when `file` is NULL;
 *         #DP_ENOMEM also when the adapter cannot be allocated; #DP_EIO
 *         when stdio fails.
 */
int dp_profiler_print_file(const dp_profiler *profiler,
                           enum dp_profile_sort sort, FILE *file);

/* ---- the memory trace ------------------------------------------------------ */

/**
 * @brief One line of a memory trace: the counting allocator's figures at
 *        one point of a program, as memory_profiler prints one per line.
 */
struct dp_memory_line {
	const char *label;  /**< What ran just before the mark. */
	size_t live_bytes;  /**< Bytes allocated and not yet freed. */
	int64_t increment;  /**< Change in #live_bytes since the line before
	                         (since dp_memory_trace_init() for the first). */
	size_t peak_bytes;  /**< The highest live_bytes so far. */
	size_t allocations; /**< Blocks allocated so far. */
	size_t frees;       /**< Blocks freed so far. */
};

/**
 * @brief A memory trace: marks taken by the program being profiled, each
 *        copying the figures of one counting allocator into a caller's
 *        array.
 *
 * Caller-allocated, set up with dp_memory_trace_init(); the fields are
 * public so a test can read the lines, and only the functions below write
 * them. A mark never allocates, so tracing does not change the figures it
 * reads.
 */
struct dp_memory_trace {
	/** The allocator whose figures are read; it must outlive the trace. */
	const struct dp_counting_allocator *counter;
	struct dp_memory_line *lines; /**< The caller's array of lines. */
	size_t capacity;              /**< Its length. */
	size_t count;                 /**< Lines marked so far. */
	size_t baseline_bytes; /**< live_bytes at dp_memory_trace_init(). */
};

/**
 * @brief Set up an empty trace over a counting allocator.
 * @param[out] trace    The trace.
 * @param[in]  counter  The counting allocator the program allocates from.
 * @param[out] lines    An array of `capacity` lines, which must outlive
 *                      the trace.
 * @param[in]  capacity The number of lines it holds, at least 1.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL or `capacity` is 0.
 */
int dp_memory_trace_init(struct dp_memory_trace *trace,
                         const struct dp_counting_allocator *counter,
                         struct dp_memory_line *lines, size_t capacity);

/**
 * @brief Record the allocator's figures now, as one line.
 * @param[in,out] trace The trace.
 * @param[in]     label What ran since the last mark (not copied); must not
 *                      be NULL.
 * @return #DP_OK; #DP_EINVAL when `trace` or `label` is NULL; #DP_ERANGE
 *         when every line is used (nothing is recorded).
 */
int dp_memory_trace_mark(struct dp_memory_trace *trace, const char *label);

/**
 * @brief Write the trace as a table: one row per line, with its live
 *        bytes, increment, peak and counts.
 * @param[in]     trace The trace.
 * @param[in,out] out   The stream to write to.
 * @return #DP_OK; #DP_EINVAL when either argument is NULL; any error of
 *         the stream, with the table cut short.
 */
int dp_memory_trace_print(const struct dp_memory_trace *trace,
                          struct dp_stream *out);

/* ---- the course's two functions -------------------------------------------- */

/** @brief Elements of my_func's first array, `a = [1] * (10**6)`. */
#define DP_MY_FUNC_A_COUNT 1000000

/** @brief Elements of my_func's second array, `b = [2] * (2 * 10**7)`. */
#define DP_MY_FUNC_B_COUNT 20000000

/**
 * @brief The course's slow_function: the sum of `i * i` for `0 <= i <
 *        bound`, one multiplication and one addition at a time.
 *
 * Shaped as #dp_int64_fn so a profiler can wrap it. The course's call is
 * `bound` = 10 000; the sum fits `int64_t` for any `bound` up to about
 * 2 000 000.
 * @param[in] ctx   Unused; may be NULL.
 * @param[in] bound The first `i` not summed; 0 or less gives 0.
 * @return The sum.
 */
int64_t dp_profiling_slow_function(void *ctx, int64_t bound);

/**
 * @brief The course's my_func: allocate and fill #DP_MY_FUNC_A_COUNT
 *        `int32_t` ones, then #DP_MY_FUNC_B_COUNT twos, free the second
 *        array, and return (freeing the first, as Python does on return).
 *
 * With the counting allocator the peak is exactly (10^6 + 2 * 10^7) * 4 =
 * 84 000 000 bytes and the last line, after `del b`, 4 000 000 bytes.
 * @param[in]     alloc The allocator both arrays come from, or NULL.
 * @param[in,out] trace A trace to mark after each step ("a = ...", "b =
 *                      ...", "del b"), or NULL for none. A full trace
 *                      loses the marks that do not fit, nothing else.
 * @return #DP_OK; #DP_ENOMEM when an array cannot be allocated (whatever
 *         was allocated is freed).
 */
int dp_profiling_my_func(const struct dp_allocator *alloc,
                         struct dp_memory_trace *trace);

#endif /* DP_PROFILING_H */
