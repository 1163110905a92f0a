/**
 * @file decorator.h
 * @brief Decorator: streams that wrap another stream, keep its interface
 *        (dp_stream.h) and add one behaviour each (buffering, counting,
 *        transforming, numbering lines); and a function decorator that
 *        counts and times calls.
 *
 * Every stream decorator forwards all four operations to the stream it
 * wraps, so decorators stack in any order; the order can change the result.
 * Ownership: a decorator takes ownership of the stream it wraps when its
 * `create` succeeds (closing the decorator closes it); when `create` fails
 * the caller still owns it. Stats structs belong to the caller.
 * Thread-safety: none; one thread per stream, one per timed function.
 */
#ifndef DP_DECORATOR_H
#define DP_DECORATOR_H

#include "common/dp_common.h"
#include "common/dp_stream.h"

#include <stddef.h>
#include <stdint.h>

/**
 * @brief A buffering decorator: gathers small writes into one large write
 *        of the wrapped stream.
 *
 * Writes are copied into a buffer of `capacity` bytes, which is written
 * below, in one call, when the next write would not fit, on flush and on
 * close. A write at least as large as the buffer skips it (after writing
 * out what the buffer holds), since copying it would gain nothing. Reads
 * first write out the buffer, so a stream that is read back sees every
 * byte written, then go straight to the wrapped stream.
 * @param[in] inner    The stream to wrap; owned by the decorator on success.
 * @param[in] capacity The buffer's size in bytes, at least 1.
 * @param[in] alloc    The allocator for the decorator and its buffer, or NULL.
 * @return The decorated stream; NULL when `inner` is NULL, `capacity` is 0
 *         or memory runs out (then the caller still owns `inner`).
 */
struct dp_stream *dp_buffered_stream_create(struct dp_stream *inner,
                                            size_t capacity,
                                            const struct dp_allocator *alloc);

/**
 * @brief What passed through a counting decorator. Owned by the caller, who
 *        zeroes it; it must outlive the stream and can be read after close.
 */
struct dp_stream_stats {
	uint64_t reads;         /**< Read calls. */
	uint64_t writes;        /**< Write calls. */
	uint64_t flushes;       /**< Flush calls. */
	uint64_t closes;        /**< Close calls (0 or 1). */
	uint64_t bytes_read;    /**< Bytes the successful reads returned. */
	uint64_t bytes_written; /**< Bytes of the successful writes. */
	uint64_t errors;        /**< Calls that returned an error. */
};

/**
 * @brief A counting decorator: counts the calls and bytes that pass through
 *        it to the wrapped stream, and changes nothing else.
 *
 * Placed above another decorator it counts what the program asks for;
 * placed below, what that decorator really does.
 * @param[in]  inner The stream to wrap; owned by the decorator on success.
 * @param[out] stats Where to count; must not be NULL.
 * @param[in]  alloc The allocator for the decorator, or NULL.
 * @return The decorated stream; NULL when `inner` or `stats` is NULL or
 *         memory runs out (then the caller still owns `inner`).
 */
struct dp_stream *dp_counting_stream_create(struct dp_stream *inner,
                                            struct dp_stream_stats *stats,
                                            const struct dp_allocator *alloc);

/**
 * @brief How a transforming decorator changes bytes: one table of 256
 *        entries, `table[b]` replacing byte `b`.
 *
 * A table rather than a callback per byte: a lookup is cheaper than an
 * indirect call, and covers case changes, ROT13, XOR and any other
 * byte-for-byte map.
 */
struct dp_byte_map {
	unsigned char table[256]; /**< The replacement of each byte value. */
};

/**
 * @brief Fill a map that changes ASCII `a`-`z` to `A`-`Z`.
 * @param[out] map The map.
 * @return #DP_OK, or #DP_EINVAL when `map` is NULL.
 */
int dp_byte_map_upper(struct dp_byte_map *map);

/**
 * @brief Fill a map that rotates ASCII letters by 13 (its own inverse).
 * @param[out] map The map.
 * @return #DP_OK, or #DP_EINVAL when `map` is NULL.
 */
int dp_byte_map_rot13(struct dp_byte_map *map);

/**
 * @brief Fill a map that XORs every byte with `key` (its own inverse).
 * @param[out] map The map.
 * @param[in]  key The byte to XOR with.
 * @return #DP_OK, or #DP_EINVAL when `map` is NULL.
 */
int dp_byte_map_xor(struct dp_byte_map *map, unsigned char key);

/**
 * @brief A transforming decorator: maps every byte written before passing
 *        it down, and every byte read after it comes up.
 *
 * The caller's buffer is never modified: writes are mapped into a fixed
 * buffer inside the decorator, so a write larger than
 * #DP_TRANSFORM_CHUNK bytes reaches the wrapped stream as several writes.
 * @param[in] inner The stream to wrap; owned by the decorator on success.
 * @param[in] map   The map, copied.
 * @param[in] alloc The allocator for the decorator, or NULL.
 * @return The decorated stream; NULL when `inner` or `map` is NULL or memory
 *         runs out (then the caller still owns `inner`).
 */
struct dp_stream *dp_transform_stream_create(struct dp_stream *inner,
                                             const struct dp_byte_map *map,
                                             const struct dp_allocator *alloc);

/** @brief The most bytes a transforming decorator passes down per write. */
#define DP_TRANSFORM_CHUNK 1024

/**
 * @brief A line-numbering decorator: writes "N: " before every line.
 *
 * Lines are counted from 1 and end at `'\n'`; the prefix of a line is
 * written when its first byte is, so a line split over several writes is
 * numbered once. Each line costs at least two writes below (prefix, text):
 * put a buffering decorator underneath. Write-only.
 * @param[in] inner The stream to wrap; owned by the decorator on success.
 * @param[in] alloc The allocator for the decorator, or NULL.
 * @return The decorated stream; NULL when `inner` is NULL or memory runs
 *         out (then the caller still owns `inner`).
 */
struct dp_stream *dp_numbering_stream_create(struct dp_stream *inner,
                                             const struct dp_allocator *alloc);

/**
 * @brief The shape of function the function decorator wraps: an integer in,
 *        an integer out, and a context for everything else.
 */
typedef int64_t dp_int64_fn(void *ctx, int64_t arg);

/**
 * @brief A function decorator: wraps a function and counts and times its
 *        calls, keeping its signature.
 *
 * Caller-allocated (usually on the stack or static), set up with
 * dp_timed_fn_init(), and called through dp_timed_fn_call(), which has the
 * wrapped function's own shape, #dp_int64_fn, with the `struct
 * dp_timed_fn` as its context. So a timed function can be passed wherever
 * the original was, including to another dp_timed_fn: they stack. The
 * fields are public so a profiler can read them; only
 * dp_timed_fn_call() writes the counters.
 */
struct dp_timed_fn {
	dp_int64_fn *fn;  /**< The wrapped function. */
	void *ctx;        /**< Its context, handed to it unchanged. */
	const char *name; /**< A name for reports, or NULL. */
	/** The clock, in nanoseconds; dp_now_ns() unless a test injects a
	 * fake one to make times deterministic. */
	uint64_t (*now)(void *clock_ctx);
	void *clock_ctx;   /**< Handed to #now unchanged. */
	uint64_t calls;    /**< Completed calls. */
	uint64_t total_ns; /**< Time spent in them, summed. */
	uint64_t min_ns;   /**< The fastest call; UINT64_MAX before any. */
	uint64_t max_ns;   /**< The slowest call; 0 before any. */
};

/**
 * @brief Set up a timed function with its counters at zero.
 * @param[out] timed     The decorator to set up.
 * @param[in]  fn        The function to wrap.
 * @param[in]  ctx       Its context.
 * @param[in]  name      A name for reports (not copied), or NULL.
 * @param[in]  now       A clock in nanoseconds, or NULL for dp_now_ns().
 * @param[in]  clock_ctx Handed to `now` unchanged.
 * @return #DP_OK, or #DP_EINVAL when `timed` or `fn` is NULL.
 */
int dp_timed_fn_init(struct dp_timed_fn *timed, dp_int64_fn *fn, void *ctx,
                     const char *name, uint64_t (*now)(void *clock_ctx),
                     void *clock_ctx);

/**
 * @brief Call the wrapped function, counting and timing the call.
 *
 * Its type is #dp_int64_fn, so `dp_timed_fn_call` with `&timed` as context
 * stands in for the wrapped function anywhere.
 * @param[in,out] timed The `struct dp_timed_fn *`, set up with
 *                      dp_timed_fn_init().
 * @param[in]     arg   Passed to the wrapped function.
 * @return What the wrapped function returns; 0, calling nothing, when
 *         `timed` is NULL.
 */
int64_t dp_timed_fn_call(void *timed, int64_t arg);

/**
 * @brief The mean time per call.
 * @param[in] timed The timed function.
 * @return Nanoseconds per call; 0 when `timed` is NULL or has no calls.
 */
double dp_timed_fn_mean_ns(const struct dp_timed_fn *timed);

#endif /* DP_DECORATOR_H */
