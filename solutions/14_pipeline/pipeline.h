/**
 * @file pipeline.h
 * @brief Exercise 14: generators and lazy evaluation. A pull-based
 *        iterator (an ops table with `next` and an optional `close`) and
 *        lazy stages over it (map, filter, a sliding-window sum, take),
 *        whose memory does not grow with the number of items.
 *
 * Ownership: every iterator is allocated from the allocator it was
 * created with and freed by ex_iter_close(). A stage owns the iterator it
 * pulls from (its upstream), even when the stage cannot be created, so
 * closing the last stage of a pipeline closes every stage below it.
 * Thread-safety: none; one pipeline is used by one thread at a time.
 */
#ifndef EX_PIPELINE_H
#define EX_PIPELINE_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief An iterator: opaque, made by ex_iter_create() or a stage. */
typedef struct ex_iter ex_iter;

/**
 * @brief What an iterator does: a `const` table shared by every iterator
 *        of one kind, Python's `__next__` and `close`.
 *
 * Each operation receives the `ctx` given to ex_iter_create(), unchanged.
 */
struct ex_iter_ops {
	/**
	 * Required. Produce the next value into `*value`.
	 * @return #DP_OK with `*value` set; #DP_ENOENT when there are no
	 *         more values (Python's StopIteration); any other negative
	 *         code on an error. After anything but #DP_OK, #next is
	 *         never called again.
	 */
	int (*next)(void *ctx, int64_t *value);
	/**
	 * Optional: NULL means `ctx` holds nothing to release. Release what
	 * `ctx` holds, including the iterator it pulls from, if any. Called
	 * once, by ex_iter_close(), whether or not the values ran out.
	 */
	void (*close)(void *ctx);
};

/**
 * @brief A function for ex_iter_map(): compute one value from another.
 * @param[in]  ctx The context given to ex_iter_map(), unchanged.
 * @param[in]  in  The value pulled from upstream.
 * @param[out] out Receives the value to hand out.
 * @return #DP_OK; any negative code stops the pipeline with that error.
 */
typedef int ex_map_fn(void *ctx, int64_t in, int64_t *out);

/**
 * @brief A predicate for ex_iter_filter(): whether to keep a value.
 * @param[in] ctx   The context given to ex_iter_filter(), unchanged.
 * @param[in] value The value pulled from upstream.
 * @return true to hand the value out, false to skip it.
 */
typedef bool ex_keep_fn(void *ctx, int64_t value);

/**
 * @brief Make an iterator of a table and a context: a generator.
 * @param[in] ops   The table; must outlive the iterator.
 * @param[in] ctx   Handed to every operation unchanged; the caller's,
 *                  released by `ops->close` (if any) when the iterator
 *                  is closed.
 * @param[in] alloc Where the iterator comes from, or NULL for the default.
 * @return The iterator, to be closed with ex_iter_close(); NULL when
 *         `ops` or `ops->next` is NULL or memory runs out. On failure
 *         `ops->close` is not called.
 */
ex_iter *ex_iter_create(const struct ex_iter_ops *ops, void *ctx,
                        const struct dp_allocator *alloc);

/**
 * @brief Pull the next value: Python's `next(it)`.
 *
 * Once the iterator has answered anything but #DP_OK, it answers
 * #DP_ENOENT without calling its `next` again.
 * @param[in,out] it    The iterator.
 * @param[out]    value Receives the value on #DP_OK; untouched otherwise.
 * @return #DP_OK; #DP_ENOENT when the values have run out (or after an
 *         error was reported once); the error of `next` (a stage passes
 *         on its upstream's, or its function's); #DP_EINVAL when `it` or
 *         `value` is NULL.
 */
int ex_iter_next(ex_iter *it, int64_t *value);

/**
 * @brief Close an iterator: call its `close` (which closes its upstream,
 *        for a stage) and free it. NULL is a no-op.
 * @param[in] it The iterator; invalid afterwards.
 */
void ex_iter_close(ex_iter *it);

/**
 * @brief A lazy map, Python's `map(fn, upstream)`: each pull pulls one
 *        value from upstream and hands out `fn` of it.
 * @param[in] upstream The iterator to pull from; taken over in every case.
 * @param[in] fn       The function; must not be NULL.
 * @param[in] ctx      Handed to `fn` unchanged.
 * @param[in] alloc    Where the stage comes from, or NULL for the default.
 * @return The stage; NULL when `upstream` or `fn` is NULL or memory runs
 *         out, after closing `upstream`.
 */
ex_iter *ex_iter_map(ex_iter *upstream, ex_map_fn *fn, void *ctx,
                     const struct dp_allocator *alloc);

/**
 * @brief A lazy filter, Python's `filter(keep, upstream)`: each pull
 *        pulls from upstream until a value is kept, and hands it out.
 * @param[in] upstream The iterator to pull from; taken over in every case.
 * @param[in] keep     The predicate; must not be NULL.
 * @param[in] ctx      Handed to `keep` unchanged.
 * @param[in] alloc    Where the stage comes from, or NULL for the default.
 * @return The stage; NULL when `upstream` or `keep` is NULL or memory
 *         runs out, after closing `upstream`.
 */
ex_iter *ex_iter_filter(ex_iter *upstream, ex_keep_fn *keep, void *ctx,
                        const struct dp_allocator *alloc);

/**
 * @brief A lazy sliding-window sum: the sum of every run of `width`
 *        consecutive values, the window moving one value at a time.
 *
 * Values x0, x1, x2... give x0 + ... + x(width-1), then x1 + ... +
 * x(width), and so on: n values give n - width + 1 sums (none when n <
 * width). The first pull pulls `width` values, every later pull one. The
 * sums must fit `int64_t`.
 * @param[in] upstream The iterator to pull from; taken over in every case.
 * @param[in] width    The number of values in a window, at least 1.
 * @param[in] alloc    Where the stage comes from, or NULL for the default.
 * @return The stage; NULL when `upstream` is NULL, `width` is 0 or memory
 *         runs out, after closing `upstream`.
 */
ex_iter *ex_iter_window_sum(ex_iter *upstream, size_t width,
                            const struct dp_allocator *alloc);

/**
 * @brief A lazy take, Python's `itertools.islice(upstream, count)`: the
 *        first `count` values of upstream, then #DP_ENOENT.
 *
 * It never pulls more than `count` values, and closes its upstream as
 * soon as it has answered #DP_ENOENT (or passed on an error), so the
 * source is released before the pipeline itself is closed.
 * @param[in] upstream The iterator to pull from; taken over in every case.
 * @param[in] count    How many values to hand out; 0 hands out none.
 * @param[in] alloc    Where the stage comes from, or NULL for the default.
 * @return The stage; NULL when `upstream` is NULL or memory runs out,
 *         after closing `upstream`.
 */
ex_iter *ex_iter_take(ex_iter *upstream, size_t count,
                      const struct dp_allocator *alloc);

#endif /* EX_PIPELINE_H */
