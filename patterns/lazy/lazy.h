/**
 * @file lazy.h
 * @brief Generators and lazy evaluation: an iterator interface (an ops
 *        table with `next` and an optional `close`), lazy adapters that
 *        compose into pipelines (map, filter, take, a line-by-line file
 *        source), and the eager version that materializes every stage.
 *
 * Ownership: an item handed out by an iterator belongs to that iterator and
 * stays valid until the next call of dp_iter_next() or dp_iter_close() on
 * it; a caller who needs it longer copies it (dp_list_append() does). An
 * adapter owns the iterator it pulls from, and closing the last stage of a
 * pipeline closes every stage below it. A list owns copies of its items.
 * Thread-safety: none; one pipeline or list is used by one thread at a time.
 */
#ifndef DP_LAZY_H
#define DP_LAZY_H

#include "common/dp_common.h"
#include "common/dp_stream.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief One item: a run of bytes, not NUL-terminated in general.
 *
 * Print one with `printf("%.*s", (int)item.len, item.data)`.
 */
struct dp_item {
	const char *data; /**< The first byte; NULL only when #len is 0. */
	size_t len;       /**< The number of bytes. */
};

/**
 * @brief What an iterator does: a `const` table shared by every iterator
 *        of one kind.
 *
 * Each operation receives the `ctx` given to dp_iter_create(), unchanged.
 * dp_iter_create() checks the required slots once, and dp_iter_next()
 * checks the arguments, so an operation may trust its own.
 */
struct dp_iter_ops {
	/** Required. A short name for people: "lines", "map", "take". */
	const char *name;

	/**
	 * Required. Produce the next item into `*item`. The bytes must stay
	 * valid until the next call of #next or #close.
	 * @return #DP_OK with `*item` set; #DP_ENOENT when there are no more
	 *         items (Python's StopIteration); any other negative code on
	 *         an error. After anything but #DP_OK, #next is never called
	 *         again.
	 */
	int (*next)(void *ctx, struct dp_item *item);

	/**
	 * Optional: NULL means `ctx` holds nothing to release. Release
	 * everything `ctx` holds, including the iterator it pulls from, if
	 * any: that is how closing a pipeline reaches its source. Called
	 * once, by dp_iter_close(), whether or not the items ran out.
	 */
	void (*close)(void *ctx);
};

/** @brief An iterator (opaque): an ops table, its context, and whether it
 *         has finished. */
typedef struct dp_iter dp_iter;

/**
 * @brief Make an iterator out of an ops table and a context: how a caller
 *        writes a generator of their own.
 * @param[in] ops   The table, which must outlive the iterator (normally
 *                  `static const`); its `name` and `next` slots are required.
 * @param[in] ctx   Handed to every operation; owned by the iterator from
 *                  now on, released by `ops->close`.
 * @param[in] alloc The allocator for the iterator, or NULL for malloc/free.
 *                  It must outlive the iterator.
 * @return The iterator, freed by dp_iter_close(); NULL when `ops` is NULL
 *         or incomplete or memory runs out. Then `ctx` is untouched, still
 *         the caller's, and no operation has been called.
 */
dp_iter *dp_iter_create(const struct dp_iter_ops *ops, void *ctx,
                        const struct dp_allocator *alloc);

/**
 * @brief Pull the next item: the only way work gets done in a lazy
 *        pipeline.
 *
 * An iterator that has answered anything but #DP_OK is finished: every
 * later call returns #DP_ENOENT at once, without calling `next`, as an
 * exhausted Python generator keeps raising StopIteration.
 * @param[in,out] it   The iterator.
 * @param[out]    item Receives the item, valid until the next call of
 *                     dp_iter_next() or dp_iter_close() on `it`; set to
 *                     {NULL, 0} when there is none.
 * @return #DP_OK; #DP_ENOENT when the items have run out; #DP_EINVAL when
 *         `it` or `item` is NULL; or the error of the stage that failed
 *         (#DP_ENOMEM, #DP_EIO, or a map function's own code).
 */
int dp_iter_next(dp_iter *it, struct dp_item *item);

/**
 * @brief Close an iterator: release it, and through its `close`, every
 *        iterator it pulls from.
 * @param[in] it The iterator; NULL is a no-op. Invalid afterwards, and so
 *               is the last item it handed out.
 */
void dp_iter_close(dp_iter *it);

/**
 * @brief The name of the iterator's kind, from its ops table.
 * @param[in] it The iterator.
 * @return Its `name`, or "(null)" when `it` is NULL. Never NULL.
 */
const char *dp_iter_name(const dp_iter *it);

/* ---- the line source ----------------------------------------------------- */

/** @brief The bytes a line source asks of its stream at a time when the
 *         caller does not say. */
#define DP_LINES_CHUNK 65536

/**
 * @brief What a line source has done, for tests and benchmarks that count.
 *
 * Owned by the caller, who zeroes it; the source adds to it and never frees
 * it, so it can be read after the pipeline is closed.
 */
struct dp_lines_stats {
	uint64_t lines;      /**< Lines handed out. */
	uint64_t bytes_read; /**< Bytes read from the stream. */
	uint64_t reads;      /**< Calls of dp_stream_read(). */
};

/**
 * @brief A source that reads a stream line by line, holding one chunk and
 *        the current line in memory however long the stream is.
 *
 * Each item is one line without its '\n'; a last line with no '\n' is an
 * item too, and an empty stream gives none. The buffer starts at `chunk`
 * bytes and doubles when a line does not fit, so memory is bounded by the
 * longest line, not by the stream.
 * @param[in] stream      The stream to read; must not be NULL.
 * @param[in] owns_stream Whether closing the source (or a failure here)
 *                        closes `stream`.
 * @param[in] chunk       Bytes to ask of the stream per read; 0 means
 *                        #DP_LINES_CHUNK.
 * @param[in] stats       Where to count; NULL to not count. It must outlive
 *                        the source.
 * @param[in] alloc       The allocator for the source and its buffer, or
 *                        NULL. It must outlive the source.
 * @return The source, closed with dp_iter_close(); NULL when `stream` is
 *         NULL or memory runs out (then `stream` is closed if it was owned).
 *         Its dp_iter_next() answers #DP_EIO when the stream fails and
 *         #DP_ENOMEM when a long line cannot be held.
 */
dp_iter *dp_iter_lines(struct dp_stream *stream, bool owns_stream, size_t chunk,
                       struct dp_lines_stats *stats,
                       const struct dp_allocator *alloc);

/* ---- lazy adapters ------------------------------------------------------- */

/**
 * @brief A function applied to every item by a map.
 * @param[in]  ctx The context given with the function, unchanged.
 * @param[in]  in  The item; valid until the map pulls again.
 * @param[out] out Receives the result, which must stay valid until the next
 *                 call of the function: it may point into `in` (a field, a
 *                 trimmed line) or into storage that `ctx` owns.
 * @return #DP_OK, or a negative code that stops the pipeline and is
 *         returned by dp_iter_next() (or by dp_list_map()).
 */
typedef int dp_map_fn(void *ctx, const struct dp_item *in, struct dp_item *out);

/**
 * @brief A test applied to every item by a filter.
 * @param[in] ctx  The context given with the function, unchanged.
 * @param[in] item The item.
 * @return true to keep the item, false to drop it.
 */
typedef bool dp_filter_fn(void *ctx, const struct dp_item *item);

/**
 * @brief A lazy map: each pull pulls one item from `upstream` and hands
 *        out `fn` of it. Python's `map(fn, upstream)`.
 *
 * Like every adapter here, it takes `upstream` over, even when it fails, so
 * pipelines nest without leaks:
 * `dp_iter_take(dp_iter_map(dp_iter_lines(...), ...), 10, NULL)` returns
 * NULL, with everything closed, if any stage could not be made.
 * @param[in] upstream The iterator to pull from; closed by this one. NULL
 *                     gives NULL.
 * @param[in] fn       The function; must not be NULL.
 * @param[in] ctx      Handed to `fn` unchanged; stays the caller's.
 * @param[in] alloc    The allocator for the adapter, or NULL.
 * @return The iterator; NULL when `upstream` or `fn` is NULL or memory
 *         runs out, with `upstream` closed.
 */
dp_iter *dp_iter_map(dp_iter *upstream, dp_map_fn *fn, void *ctx,
                     const struct dp_allocator *alloc);

/**
 * @brief A lazy filter: each pull pulls from `upstream` until an item
 *        passes `fn`, and hands out that item as it is. Python's
 *        `filter(fn, upstream)`.
 * @param[in] upstream The iterator to pull from; taken over as by
 *                     dp_iter_map(). NULL gives NULL.
 * @param[in] fn       The test; must not be NULL.
 * @param[in] ctx      Handed to `fn` unchanged; stays the caller's.
 * @param[in] alloc    The allocator for the adapter, or NULL.
 * @return The iterator; NULL when `upstream` or `fn` is NULL or memory
 *         runs out, with `upstream` closed.
 */
dp_iter *dp_iter_filter(dp_iter *upstream, dp_filter_fn *fn, void *ctx,
                        const struct dp_allocator *alloc);

/**
 * @brief A lazy take: hands out the first `count` items of `upstream`,
 *        then stops pulling. Python's `itertools.islice(upstream, count)`.
 *
 * When asked for an item past `count`, it closes `upstream` at once (a
 * file below is released then, not when the pipeline is closed) and
 * answers #DP_ENOENT without pulling.
 * @param[in] upstream The iterator to pull from; taken over as by
 *                     dp_iter_map(). NULL gives NULL.
 * @param[in] count    How many items to hand out; 0 hands out none.
 * @param[in] alloc    The allocator for the adapter, or NULL.
 * @return The iterator; NULL when `upstream` is NULL or memory runs out,
 *         with `upstream` closed.
 */
dp_iter *dp_iter_take(dp_iter *upstream, size_t count,
                      const struct dp_allocator *alloc);

/* ---- the eager version ---------------------------------------------------- */

/**
 * @brief A list of items (opaque): every stage of an eager pipeline
 *        materializes one, as a Python list comprehension does.
 *
 * The list copies each item's bytes into one growing block, so its memory
 * grows with the number and size of its items.
 */
typedef struct dp_list dp_list;

/**
 * @brief Create an empty list.
 * @param[in] alloc The allocator for all of the list's memory, or NULL.
 *                  It must outlive the list.
 * @return The list, freed with dp_list_destroy(); NULL when memory runs out.
 */
dp_list *dp_list_create(const struct dp_allocator *alloc);

/**
 * @brief Free a list and its items.
 * @param[in] list The list; NULL is a no-op.
 */
void dp_list_destroy(dp_list *list);

/**
 * @brief The number of items in a list.
 * @param[in] list The list; NULL is an empty list.
 * @return The number of items.
 */
size_t dp_list_size(const dp_list *list);

/**
 * @brief Look an item up by position.
 * @param[in]  list  The list.
 * @param[in]  index The position, from 0.
 * @param[out] item  Receives the item, which points into the list and
 *                   stays valid until the list next grows or is destroyed.
 * @return #DP_OK; #DP_EINVAL when `list` or `item` is NULL; #DP_ERANGE
 *         when `index` is not below dp_list_size().
 */
int dp_list_get(const dp_list *list, size_t index, struct dp_item *item);

/**
 * @brief Append a copy of an item.
 * @param[in,out] list The list.
 * @param[in]     item The item; its bytes must not lie inside `list`.
 * @return #DP_OK; #DP_EINVAL when `list` or `item` is NULL, or the item's
 *         `data` is NULL with a non-zero `len`; #DP_ENOMEM when memory
 *         runs out, with the list unchanged.
 */
int dp_list_append(dp_list *list, const struct dp_item *item);

/**
 * @brief Pull every item of an iterator and append a copy of each: the
 *        eager `list(iterator)`.
 *
 * The iterator is not closed; on an error, the items appended before it
 * stay in the list.
 * @param[in,out] list The list.
 * @param[in,out] it   The iterator, drained.
 * @return #DP_OK once the iterator has run out; #DP_EINVAL when `list` or
 *         `it` is NULL; #DP_ENOMEM when the list cannot grow; or the
 *         iterator's error.
 */
int dp_list_collect(dp_list *list, dp_iter *it);

/**
 * @brief The eager map: append `fn` of every item of `in` to `out`.
 *        Python's `[fn(x) for x in in_]`.
 * @param[in]     in  The input list.
 * @param[in]     fn  The function; must not be NULL.
 * @param[in]     ctx Handed to `fn` unchanged.
 * @param[in,out] out The list to append to; must not be `in`.
 * @return #DP_OK; #DP_EINVAL when a list or `fn` is NULL or `out` is `in`;
 *         #DP_ENOMEM; or the first error `fn` returned. On an error, the
 *         items appended before it stay in `out`.
 */
int dp_list_map(const dp_list *in, dp_map_fn *fn, void *ctx, dp_list *out);

/**
 * @brief The eager filter: append a copy of every item of `in` that passes
 *        `fn` to `out`. Python's `[x for x in in_ if fn(x)]`.
 * @param[in]     in  The input list.
 * @param[in]     fn  The test; must not be NULL.
 * @param[in]     ctx Handed to `fn` unchanged.
 * @param[in,out] out The list to append to; must not be `in`.
 * @return #DP_OK; #DP_EINVAL when a list or `fn` is NULL or `out` is `in`;
 *         #DP_ENOMEM, with the items appended before it left in `out`.
 */
int dp_list_filter(const dp_list *in, dp_filter_fn *fn, void *ctx,
                   dp_list *out);

/**
 * @brief The eager take: append copies of the first `count` items of `in`
 *        (all of them when there are fewer) to `out`. Python's `in_[:count]`.
 * @param[in]     in    The input list.
 * @param[in]     count How many items.
 * @param[in,out] out   The list to append to; must not be `in`.
 * @return #DP_OK; #DP_EINVAL when a list is NULL or `out` is `in`;
 *         #DP_ENOMEM, with the items appended before it left in `out`.
 */
int dp_list_take(const dp_list *in, size_t count, dp_list *out);

#endif /* DP_LAZY_H */
