/**
 * @file reactor.h
 * @brief Exercise 15: the heart of a reactor. One thread serves N slow
 *        sources at once: it waits for all of them in one poll(2), reads
 *        once from each source that is ready, hands the bytes to that
 *        source's callback, and waits again, until every source is done.
 *
 * Ownership: the reactor allocates its tables from the allocator given to
 * ex_reactor_create(); the caller owns every descriptor (the reactor never
 * closes one) and every callback context. Thread-safety: none; every call
 * on one reactor, callbacks included, is made from the thread that runs it.
 */
#ifndef EX_REACTOR_H
#define EX_REACTOR_H

#include "common/dp_common.h"

#include <stddef.h>

/**
 * @brief What the reactor tells the owner of one source, filled by field
 *        name. Both callbacks receive the `ctx` given to ex_reactor_add(),
 *        unchanged.
 *
 * A callback may call ex_reactor_count() (and anything outside this
 * reactor, such as writing to another source's pipe), but not
 * ex_reactor_add() or ex_reactor_run() (#DP_EBUSY), nor
 * ex_reactor_destroy().
 */
struct ex_source_ops {
	/**
	 * Required. Bytes just read from the source: the result of exactly
	 * one read(2), made because poll(2) reported the source ready.
	 * @param[in,out] ctx  The source's context.
	 * @param[in]     data The bytes, valid during the call only.
	 * @param[in]     len  How many; at least 1.
	 */
	void (*on_data)(void *ctx, const char *data, size_t len);
	/**
	 * Required. The source is finished, and called exactly once. When it
	 * is called the source is already unregistered (ex_reactor_count() no
	 * longer counts it) and the reactor holds nothing of it: no callback
	 * of this source follows, and the callback may close the descriptor.
	 * @param[in,out] ctx    The source's context.
	 * @param[in]     status #DP_OK at end of file (read(2) returned 0);
	 *                       #DP_EIO when poll(2) reported the descriptor
	 *                       invalid (POLLNVAL: it was never open, or was
	 *                       closed) or read(2) failed with an error other
	 *                       than EAGAIN or EINTR.
	 */
	void (*on_end)(void *ctx, int status);
};

/** @brief An event loop over poll(2) (opaque); see the file comment. */
struct ex_reactor;

/**
 * @brief Make a reactor with no sources.
 * @param[in] alloc The allocator for the reactor and its tables; NULL
 *                  means dp_allocator_default(). It must outlive the
 *                  reactor.
 * @return The reactor, freed with ex_reactor_destroy(); NULL when memory
 *         runs out.
 */
struct ex_reactor *ex_reactor_create(const struct dp_allocator *alloc);

/**
 * @brief Free a reactor and its tables.
 *
 * Sources still registered are dropped: none of their callbacks is
 * called and no descriptor is closed. Must not be called from a callback.
 * @param[in] reactor The reactor; NULL does nothing.
 */
void ex_reactor_destroy(struct ex_reactor *reactor);

/**
 * @brief Register a source: the next ex_reactor_run() serves it.
 *
 * Amortised O(1) apart from the check for a duplicate descriptor; may
 * allocate when the reactor's tables grow. A function that fails calls
 * nobody: on error nothing changes.
 * @param[in,out] reactor The reactor.
 * @param[in]     fd      The descriptor to read, opened by the caller and
 *                        non-blocking (O_NONBLOCK), as every descriptor of
 *                        an event loop is; not checked until the run. It
 *                        must stay registered until its on_end.
 * @param[in]     ops     The source's callbacks; both required. The table
 *                        must outlive the source.
 * @param[in]     ctx     Handed to both callbacks unchanged; may be NULL.
 * @return #DP_OK; #DP_EINVAL when `reactor` or `ops` is NULL, a callback
 *         is NULL or `fd` is negative; #DP_EEXIST when `fd` is already
 *         registered; #DP_EBUSY when called from a callback of this
 *         reactor; #DP_ENOMEM when the tables could not grow.
 */
int ex_reactor_add(struct ex_reactor *reactor, int fd,
                   const struct ex_source_ops *ops, void *ctx);

/**
 * @brief Serve every registered source until each one has ended.
 *
 * Each turn makes ONE poll(2) call over every registered source (POLLIN,
 * no timeout: it waits until at least one is ready), then, for each
 * source that poll(2) reported, in registration order, makes ONE read(2)
 * and calls the source's on_data with what it got, or its on_end at end of
 * file or on an error. Then the next turn. A source is never read when
 * poll(2) did not report it, and never read twice in one turn: so all the
 * sources progress together, and a source whose writer is quick finishes
 * first whatever its place in the registration order. A read(2) that
 * fails with EAGAIN or EINTR is not an error: the source waits for the
 * next turn. A poll(2) interrupted by a signal (EINTR) is simply made
 * again.
 * @param[in,out] reactor The reactor.
 * @return #DP_OK once no source is registered (at once when there was
 *         none, without calling poll(2)); #DP_EINVAL when `reactor` is
 *         NULL; #DP_EBUSY when called from a callback of this reactor;
 *         #DP_EIO when poll(2) fails for a reason other than EINTR: then
 *         no callback of that turn is made, the sources not yet ended stay
 *         registered, and a later ex_reactor_run() carries on.
 */
int ex_reactor_run(struct ex_reactor *reactor);

/**
 * @brief The number of sources registered and not yet ended.
 * @param[in] reactor The reactor; NULL counts as empty.
 * @return The number of sources.
 */
size_t ex_reactor_count(const struct ex_reactor *reactor);

#endif /* EX_REACTOR_H */
