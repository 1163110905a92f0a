/**
 * @file decorator.h
 * @brief Exercise 07, Decorator: channels that wrap another channel, keep
 *        its interface and add one behaviour each: counting and buffering.
 *
 * A decorator forwards every operation of the interface to the channel it
 * wraps, so decorators stack in any order. Ownership: a decorator takes
 * ownership of the channel it wraps when its `create` succeeds (closing the
 * decorator closes it); when `create` fails the caller still owns it. The
 * counts struct belongs to the caller. Thread-safety: none.
 */
#ifndef DP_EX_DECORATOR_H
#define DP_EX_DECORATOR_H

#include "common/dp_common.h"

#include <stddef.h>
#include <stdint.h>

/* ---- the interface: given, do not change -------------------------------- */

struct dp_channel;

/**
 * @brief What a channel can do: a `const` table shared by every channel of
 *        one kind. An implementation embeds `struct dp_channel` first in its
 *        own struct and recovers it with dp_container_of().
 *
 * The dispatchers below check every argument, so an operation may trust
 * its own.
 */
struct dp_channel_ops {
	/** Required. A short name for people: "counting", "buffered". */
	const char *name;
	/**
	 * Optional: NULL means the channel is write-only and
	 * dp_channel_read() answers #DP_ENOTSUP. Read up to `len` bytes
	 * (`len` > 0); fewer is not an error, 0 means nothing is left.
	 * @return #DP_OK with `*got` set, or a negative code with `*got` 0.
	 */
	int (*read)(struct dp_channel *channel, void *buf, size_t len,
	            size_t *got);
	/**
	 * Required. Write all `len` bytes (`len` > 0), or fail.
	 * @return #DP_OK or a negative code.
	 */
	int (*write)(struct dp_channel *channel, const void *buf, size_t len);
	/**
	 * Optional: NULL means there is never anything to flush. Push every
	 * byte held down to the channel below, then flush that channel.
	 * @return #DP_OK or the first error met.
	 */
	int (*flush)(struct dp_channel *channel);
	/**
	 * Required. Flush, close the wrapped channel if any, and free this
	 * one, even when something fails.
	 * @return #DP_OK or the first error met; the channel is gone anyway.
	 */
	int (*close)(struct dp_channel *channel);
};

/** @brief The base of every channel. Public because implementations embed
 *         it first. */
struct dp_channel {
	/** The operations; never NULL. */
	const struct dp_channel_ops *ops;
};

/**
 * @brief Read up to `len` bytes from a channel.
 * @param[in,out] channel The channel.
 * @param[out]    buf     Room for `len` bytes; may be NULL when `len` is 0.
 * @param[in]     len     The most bytes wanted; 0 reads nothing and calls
 *                        nothing.
 * @param[out]    got     Receives how many were read; 0 on error.
 * @return #DP_OK; #DP_EINVAL when `channel` or `got` is NULL or `buf` is
 *         NULL with a non-zero `len`; #DP_ENOTSUP when the channel is
 *         write-only; otherwise what its read returns.
 */
static inline int dp_channel_read(struct dp_channel *channel, void *buf,
                                  size_t len, size_t *got)
{
	if (got != NULL)
		*got = 0;
	if (channel == NULL || got == NULL || (buf == NULL && len > 0))
		return DP_EINVAL;
	if (len == 0)
		return DP_OK;
	if (channel->ops->read == NULL)
		return DP_ENOTSUP;
	return channel->ops->read(channel, buf, len, got);
}

/**
 * @brief Write all of `buf` to a channel, or fail.
 * @param[in,out] channel The channel.
 * @param[in]     buf     The bytes; may be NULL when `len` is 0.
 * @param[in]     len     How many; 0 writes nothing and calls nothing.
 * @return #DP_OK; #DP_EINVAL when `channel` is NULL or `buf` is NULL with a
 *         non-zero `len`; otherwise what its write returns.
 */
static inline int dp_channel_write(struct dp_channel *channel, const void *buf,
                                   size_t len)
{
	if (channel == NULL || (buf == NULL && len > 0))
		return DP_EINVAL;
	if (len == 0)
		return DP_OK;
	return channel->ops->write(channel, buf, len);
}

/**
 * @brief Push what a channel holds down to its destination.
 * @param[in,out] channel The channel.
 * @return #DP_OK (at once when it has no flush); #DP_EINVAL when `channel`
 *         is NULL; otherwise what its flush returns.
 */
static inline int dp_channel_flush(struct dp_channel *channel)
{
	if (channel == NULL)
		return DP_EINVAL;
	if (channel->ops->flush == NULL)
		return DP_OK;
	return channel->ops->flush(channel);
}

/**
 * @brief Flush, release and free a channel and every channel it wraps.
 * @param[in] channel The channel; NULL is a no-op. Invalid afterwards,
 *                    whatever the result.
 * @return #DP_OK, or the first error met.
 */
static inline int dp_channel_close(struct dp_channel *channel)
{
	if (channel == NULL)
		return DP_OK;
	return channel->ops->close(channel);
}

/* ---- your part: two decorators ------------------------------------------ */

/**
 * @brief What passed through a counting decorator. Owned by the caller,
 *        who zeroes it; it must outlive the decorator.
 */
struct dp_channel_counts {
	uint64_t reads;         /**< Read calls that reached the decorator. */
	uint64_t writes;        /**< Write calls. */
	uint64_t flushes;       /**< Flush calls. */
	uint64_t closes;        /**< Close calls (0 or 1). */
	uint64_t bytes_read;    /**< Bytes the successful reads returned. */
	uint64_t bytes_written; /**< Bytes of the successful writes. */
	uint64_t errors;        /**< Calls that returned an error. */
};

/**
 * @brief A counting decorator: counts every call and byte that passes
 *        through it, forwards each of the four operations to the wrapped
 *        channel, and returns exactly what the wrapped channel returned.
 *
 * Its ops table, named "counting", fills all four slots: a read through it
 * reaches the wrapped channel's read (which may answer #DP_ENOTSUP). Placed
 * above another decorator it counts what the program asks for; placed
 * below, what that decorator really does.
 * @param[in]  inner  The channel to wrap; owned by the decorator on success.
 * @param[out] counts Where to count; must not be NULL.
 * @param[in]  alloc  The allocator for the decorator, or NULL for
 *                    malloc/free. It must outlive the decorator.
 * @return The decorated channel; NULL when `inner` or `counts` is NULL or
 *         memory runs out (then the caller still owns `inner`).
 */
struct dp_channel *dp_counting_channel_create(struct dp_channel *inner,
                                              struct dp_channel_counts *counts,
                                              const struct dp_allocator *alloc);

/**
 * @brief A buffering decorator: gathers small writes into one large write
 *        of the wrapped channel.
 *
 * Its ops table is named "buffered". A write is copied into a buffer of
 * `capacity` bytes if it fits in the room left. If it does not, the buffer
 * is first written below in ONE call (when it holds anything); then a write
 * of `capacity` bytes or more goes straight below in one call, and a
 * smaller one is copied. So n writes of k bytes each (k dividing
 * `capacity`) cost ceil(n * k / capacity) writes below, flush included.
 * - flush: write the buffer below, then flush the wrapped channel;
 * - read: write the buffer below first, so a channel that is read back sees
 *   every byte written, then read from the wrapped channel;
 * - close: write the buffer below, close the wrapped channel, free.
 * When writing the buffer below fails, the error is returned and the bytes
 * stay buffered.
 * @param[in] inner    The channel to wrap; owned by the decorator on
 *                     success.
 * @param[in] capacity The buffer's size in bytes, at least 1.
 * @param[in] alloc    The allocator for the decorator and its buffer, or
 *                     NULL for malloc/free. It must outlive the decorator.
 * @return The decorated channel; NULL when `inner` is NULL, `capacity` is
 *         0 or memory runs out (then the caller still owns `inner`).
 */
struct dp_channel *dp_buffered_channel_create(struct dp_channel *inner,
                                              size_t capacity,
                                              const struct dp_allocator *alloc);

#endif /* DP_EX_DECORATOR_H */
