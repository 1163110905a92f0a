/**
 * @file profiler.h
 * @brief Exercise 08: a call-counting, timing profiler, C's cProfile. Each
 *        profiled function is wrapped by a decorator with its own shape,
 *        which counts calls and measures self and cumulative time on a
 *        clock that tests can replace by a fake one. Then memory_profiler's
 *        half: an allocator that tracks the bytes in use and their peak,
 *        read line by line.
 *
 * Ownership: the caller allocates the profiler, every wrapper and the
 * memory tracker (on the stack or statically) and keeps them alive while
 * they are used; only the tracker's allocator allocates, for its callers.
 * Thread-safety: none; one profiler and one tracker per thread.
 */
#ifndef EX_PROFILER_H
#define EX_PROFILER_H

#include "common/dp_common.h"

#include <stddef.h>
#include <stdint.h>

/** @brief How many functions one profiler can follow. */
#define EX_PROFILER_MAX 16

/**
 * @brief The shape of function the profiler wraps: an integer in, an
 *        integer out, and a context for everything else.
 */
typedef int64_t ex_prof_fn(void *ctx, int64_t arg);

/**
 * @brief A clock: the time now, in nanoseconds. Only differences matter.
 * @param[in] clock_ctx The clock's context, unchanged.
 */
typedef uint64_t ex_prof_clock_fn(void *clock_ctx);

struct ex_profiled;

/**
 * @brief A profiler: the clock and the functions it follows.
 *
 * Public so that the caller can allocate it; set it up with
 * ex_profiler_init() and read it only through the functions below.
 */
struct ex_profiler {
	ex_prof_clock_fn *now; /**< The clock; never NULL after init. */
	void *clock_ctx;       /**< Handed to #now unchanged. */
	/** The wrapped functions, in the order they were wrapped. */
	struct ex_profiled *functions[EX_PROFILER_MAX];
	size_t count; /**< How many of #functions are in use. */
	/** While a profiled call runs: where it adds the time of the
	 * profiled calls it makes (its children). NULL outside any call. */
	uint64_t *children_ns;
};

/**
 * @brief One profiled function: the decorator and its statistics, the
 *        figures of one line of cProfile's report.
 *
 * Public so that the caller can allocate it and read its figures. Set up
 * by ex_profiler_wrap(); only ex_profiled_call() changes it afterwards.
 */
struct ex_profiled {
	struct ex_profiler *profiler; /**< The profiler it reports to. */
	ex_prof_fn *fn;               /**< The wrapped function. */
	void *ctx;                    /**< Its context, handed on unchanged. */
	const char *name;             /**< Its name in reports (not copied). */
	uint64_t calls; /**< Completed calls: cProfile's ncalls. */
	/** Time inside the function itself, without the time of the
	 * profiled functions it called: cProfile's tottime. */
	uint64_t self_ns;
	/** Time from entry to return, callees included: cProfile's cumtime.
	 * A recursive function counts only its outermost calls here, so its
	 * time is not counted once per level. */
	uint64_t cumulative_ns;
	/** Calls of this function now running (above 1 in recursion). */
	uint64_t active;
};

/**
 * @brief Set up a profiler that follows no function yet.
 * @param[out] profiler  The profiler.
 * @param[in]  now       The clock, or NULL for dp_now_ns(). Tests pass a
 *                       fake clock to get exact, repeatable times.
 * @param[in]  clock_ctx Handed to `now` unchanged.
 * @return #DP_OK; #DP_EINVAL when `profiler` is NULL.
 */
int ex_profiler_init(struct ex_profiler *profiler, ex_prof_clock_fn *now,
                     void *clock_ctx);

/**
 * @brief Wrap a function: set up `profiled` with zero statistics and add
 *        it to the profiler.
 *
 * Afterwards, call `ex_profiled_call` with `profiled` as its context
 * wherever the program called `fn` with `ctx`: like a Python decorator,
 * the wrapper has the function's shape and takes its place.
 * @param[in,out] profiler The profiler, set up with ex_profiler_init().
 * @param[out]    profiled The wrapper to set up; must stay alive and in
 *                         place while the profiler is used.
 * @param[in]     name     The function's name; not copied.
 * @param[in]     fn       The function.
 * @param[in]     ctx      Its context.
 * @return #DP_OK; #DP_EINVAL when any pointer but `ctx` is NULL;
 *         #DP_EEXIST when a function of that name is already wrapped;
 *         #DP_ERANGE when #EX_PROFILER_MAX functions are. The checks are
 *         made in that order; on error nothing changes.
 */
int ex_profiler_wrap(struct ex_profiler *profiler, struct ex_profiled *profiled,
                     const char *name, ex_prof_fn *fn, void *ctx);

/**
 * @brief Call the wrapped function, counting the call and timing it.
 *
 * Its type is #ex_prof_fn: pass it, with the `struct ex_profiled *` as
 * context, wherever the wrapped function went. The clock is read before
 * and after the call; the elapsed time goes to #ex_profiled.cumulative_ns
 * (outermost calls only), and, minus the time of profiled calls made
 * meanwhile, to #ex_profiled.self_ns.
 * @param[in,out] profiled The `struct ex_profiled *`.
 * @param[in]     arg      Passed to the wrapped function.
 * @return What the wrapped function returns; 0, calling nothing, when
 *         `profiled` is NULL.
 */
int64_t ex_profiled_call(void *profiled, int64_t arg);

/**
 * @brief Find a wrapped function by name.
 * @param[in] profiler The profiler; NULL follows nothing.
 * @param[in] name     The name; NULL finds nothing.
 * @return Its wrapper, or NULL when no function of that name is wrapped.
 */
const struct ex_profiled *ex_profiler_find(const struct ex_profiler *profiler,
                                           const char *name);

/**
 * @brief Name the hot spot: the function with the most self time, where
 *        making the code faster pays most.
 * @param[in] profiler The profiler; NULL follows nothing.
 * @return The wrapper with the largest #ex_profiled.self_ns, the first
 *         wrapped on a tie; NULL when no function has been called.
 */
const struct ex_profiled *
ex_profiler_hottest(const struct ex_profiler *profiler);

/* ---- memory_profiler: the memory tracker --------------------------------- */

/**
 * @brief An allocator that tracks the bytes in use and their peak: a
 *        decorator over another allocator, as memory_profiler watches the
 *        memory of a Python function.
 *
 * Public so that the caller can allocate it; set it up with
 * ex_mem_tracker_init(), pass `&tracker.base` wherever an allocator is
 * taken, and read the figures directly. Bytes are counted as REQUESTED:
 * a block of `size` bytes counts `size`, whatever the parent really
 * allocates for it (headers and rounding are left out).
 */
struct ex_mem_tracker {
	/** Base. Must be first: the allocator the program allocates from. */
	struct dp_allocator base;
	/** Where the memory really comes from; never NULL after init. */
	const struct dp_allocator *parent;
	size_t current_bytes; /**< Bytes requested and not yet freed. */
	size_t peak_bytes;    /**< The highest #current_bytes has been. */
	size_t allocations;   /**< Blocks allocated (resizes not included). */
	size_t frees;         /**< Blocks freed (freeing NULL not included). */
	/** #current_bytes at the last ex_mem_tracker_mark() (0 before). */
	size_t marked_bytes;
};

/**
 * @brief One line of memory_profiler's report: the memory after a line
 *        of the program, and what that line changed.
 */
struct ex_mem_line {
	size_t current_bytes; /**< Bytes in use after the line: "Mem usage". */
	/** Bytes in use after the line minus after the line before (since
	 * ex_mem_tracker_init() for the first mark): "Increment". Negative
	 * when the line freed more than it allocated. */
	int64_t increment;
	/** The highest number of bytes in use at any moment so far, in the
	 * middle of a line included: the figure to size the machine by. */
	size_t peak_bytes;
};

/**
 * @brief Set up a tracker with every figure at zero.
 *
 * Afterwards `tracker->base` allocates, resizes and frees as
 * dp_allocator describes, through `parent`, and keeps the figures of
 * #ex_mem_tracker up to date. A request the parent refuses returns NULL
 * and changes no figure.
 * @param[out] tracker The tracker; it must outlive every block it hands
 *                     out, and every block must be freed through it.
 * @param[in]  parent  Where memory comes from, or NULL for
 *                     dp_allocator_default().
 * @return #DP_OK; #DP_EINVAL when `tracker` is NULL.
 */
int ex_mem_tracker_init(struct ex_mem_tracker *tracker,
                        const struct dp_allocator *parent);

/**
 * @brief End a line of the program: report the memory in use, its
 *        increment since the previous mark and the peak so far, and start
 *        the next line.
 * @param[in,out] tracker The tracker, set up with ex_mem_tracker_init().
 * @param[out]    line    Receives the figures.
 * @return #DP_OK; #DP_EINVAL when either pointer is NULL (nothing changes).
 */
int ex_mem_tracker_mark(struct ex_mem_tracker *tracker,
                        struct ex_mem_line *line);

#endif /* EX_PROFILER_H */
