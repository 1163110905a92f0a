/**
 * @file adapter.h
 * @brief Exercise 06, Adapter: make a foreign output library ("acme", below,
 *        given) fit this exercise's small sink interface, translating
 *        lengths, short writes, errno and optional functions.
 *
 * Ownership: ex_acme_sink_create() allocates the adapter from the given
 * allocator; ex_sink_close() ends the acme output and frees the adapter. The
 * acme handle itself belongs to its creator. Thread-safety: none; one
 * thread per sink.
 */
#ifndef DP_EX_ADAPTER_H
#define DP_EX_ADAPTER_H

#include "common/dp_common.h"

#include <stddef.h>

/* ---- the foreign API: PRETEND THIRD-PARTY CODE, given, do not change ---- */

/**
 * @brief acme's output interface, in acme's own style: `int` lengths, -1
 *        and `errno` for errors, short writes, one `void *handle` for all.
 *
 * The tests provide implementations of it; your adapter only calls it.
 */
struct acme_output {
	/** Handed to every function unchanged. */
	void *handle;
	/** Required. Take up to `len` bytes; return how many were taken
	 * (possibly fewer than `len`, possibly 0), or -1 with errno set. */
	int (*put)(void *handle, const char *data, int len);
	/** Optional, may be NULL. Push out what is held; return 0, or -1 with
	 * errno set. */
	int (*sync)(void *handle);
	/** Optional, may be NULL. End the output; return 0, or -1 with errno
	 * set. Nothing may be called after it. */
	int (*finish)(void *handle);
};

/* ---- the interface to adapt to: given, do not change -------------------- */

struct ex_sink;

/**
 * @brief What a sink can do: a `const` table shared by every sink of one
 *        kind. An implementation embeds `struct ex_sink` first in its own
 *        struct and recovers it with dp_container_of().
 *
 * The dispatchers below check every argument, so an operation may trust
 * its own.
 */
struct ex_sink_ops {
	/** Required. A short name for people: "acme". */
	const char *name;
	/**
	 * Required. Write all `len` bytes (`len` > 0) of `buf`, or fail.
	 * @return #DP_OK; a negative code when the destination failed.
	 */
	int (*write)(struct ex_sink *sink, const void *buf, size_t len);
	/**
	 * Optional: NULL means there is nothing to flush. Push what the sink
	 * holds to its destination.
	 * @return #DP_OK or a negative code.
	 */
	int (*flush)(struct ex_sink *sink);
	/**
	 * Required. Flush, release what the sink holds and free the sink,
	 * even when something fails.
	 * @return #DP_OK or the first error met; the sink is gone either way.
	 */
	int (*close)(struct ex_sink *sink);
};

/** @brief The base of every sink. Public because implementations embed it
 *         first. */
struct ex_sink {
	/** The operations; never NULL. */
	const struct ex_sink_ops *ops;
};

/**
 * @brief Write all of `buf` to a sink, or fail.
 * @param[in,out] sink The sink.
 * @param[in]     buf  The bytes; may be NULL when `len` is 0.
 * @param[in]     len  How many; 0 writes nothing and calls nothing.
 * @return #DP_OK; #DP_EINVAL when `sink` is NULL or `buf` is NULL with a
 *         non-zero `len`; otherwise what the sink's write returns.
 */
static inline int ex_sink_write(struct ex_sink *sink, const void *buf,
                                size_t len)
{
	if (sink == NULL || (buf == NULL && len > 0))
		return DP_EINVAL;
	if (len == 0)
		return DP_OK;
	return sink->ops->write(sink, buf, len);
}

/**
 * @brief Push what a sink holds to its destination.
 * @param[in,out] sink The sink.
 * @return #DP_OK (at once when the sink has no flush); #DP_EINVAL when
 *         `sink` is NULL; otherwise what the sink's flush returns.
 */
static inline int ex_sink_flush(struct ex_sink *sink)
{
	if (sink == NULL)
		return DP_EINVAL;
	if (sink->ops->flush == NULL)
		return DP_OK;
	return sink->ops->flush(sink);
}

/**
 * @brief Flush, release and free a sink.
 * @param[in] sink The sink; NULL is a no-op. Invalid afterwards, whatever
 *                 the result.
 * @return #DP_OK, or the first error met.
 */
static inline int ex_sink_close(struct ex_sink *sink)
{
	if (sink == NULL)
		return DP_OK;
	return sink->ops->close(sink);
}

/* ---- your part: the adapter --------------------------------------------- */

/**
 * @brief A sink that writes to an acme output: the adapter.
 *
 * Its ops table is named "acme" and maps each operation as follows:
 * - write: put() until every byte is taken, carrying on after a short put,
 *   in pieces of at most INT_MAX bytes; a put that takes 0 bytes fails the
 *   write at once with #DP_EIO (retrying could loop forever);
 * - flush: sync(), or nothing when acme has no sync;
 * - close: sync(), then finish() (each when present; finish even when sync
 *   failed), then free the adapter.
 *
 * Errors translate as: -1 with errno ENOMEM becomes #DP_ENOMEM; -1 with any
 * other errno becomes #DP_EIO.
 * @param[in] output The acme output, copied: the caller's struct may change
 *                   or go away afterwards, but its handle must outlive the
 *                   sink.
 * @param[in] alloc  The allocator for the adapter, or NULL for malloc/free.
 *                   It must outlive the sink.
 * @return The sink, closed with ex_sink_close(); NULL when `output` or its
 *         `put` is NULL or memory runs out.
 */
struct ex_sink *ex_acme_sink_create(const struct acme_output *output,
                                    const struct dp_allocator *alloc);

#endif /* DP_EX_ADAPTER_H */
