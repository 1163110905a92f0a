/**
 * @file parallel.h
 * @brief A worker pool: a fixed set of POSIX threads that execute Command
 *        objects from one queue, with a handle per task to wait for it and
 *        get its error, a wait for all, a parallel map over an array's
 *        chunks, and a shutdown that drains or cancels what is pending.
 *
 * Ownership: a submitted command belongs to the pool, which destroys it
 * through its ops' destroy once it has run or been cancelled; a handle
 * belongs to the submitter until dp_thread_pool_task_wait() frees it.
 * Thread-safety: every function may be called from any thread, except
 * dp_thread_pool_destroy(), which must be the last call on the pool.
 */
#ifndef DP_PARALLEL_H
#define DP_PARALLEL_H

#include "command/command.h"
#include "common/dp_common.h"

#include <stddef.h>

/** @brief A fixed pool of worker threads over one task queue (opaque). */
typedef struct dp_thread_pool dp_thread_pool;

/**
 * @brief The handle of one submitted task: wait on it once for the
 *        command's result (opaque).
 */
typedef struct dp_thread_pool_task dp_thread_pool_task;

/** @brief What dp_thread_pool_shutdown() does with the tasks still queued. */
enum dp_thread_pool_shutdown_mode {
	/** Run every queued task, then stop the workers. */
	DP_THREAD_POOL_DRAIN,
	/** Destroy every queued task without running it; tasks already
	 *  running finish. Their handles report #DP_ECANCELED. */
	DP_THREAD_POOL_CANCEL,
};

/**
 * @brief Create a pool and start its worker threads.
 * @param[in] threads The number of workers; at least 1.
 * @param[in] alloc   The allocator for the pool and its tasks, or NULL for
 *                    malloc/free. It must outlive the pool and every
 *                    handle, and be safe to call from several threads.
 * @return The pool, freed with dp_thread_pool_destroy(); NULL when `threads` is 0
 *         or too large, when memory runs out, or when a thread cannot be
 *         started (then the threads already started are stopped).
 */
dp_thread_pool *dp_thread_pool_create(size_t threads,
                                      const struct dp_allocator *alloc);

/**
 * @brief Shut the pool down if it is not already, stop its threads and
 *        free it.
 *
 * Equivalent to dp_thread_pool_shutdown() with #DP_THREAD_POOL_DRAIN followed by the
 * freeing, so nothing queued is lost. Every handle must have been waited
 * for before: a handle cannot outlive its pool.
 * @param[in] pool The pool; NULL is a no-op.
 */
void dp_thread_pool_destroy(dp_thread_pool *pool);

/**
 * @brief Queue a command for a worker to execute.
 *
 * The pool calls only the command's execute (never its undo), on one of
 * its threads, then its destroy. Tasks start in the order submitted.
 * @param[in,out] pool    The pool.
 * @param[in]     command The command; on #DP_OK the pool owns it. Its ops
 *                        need a name and an execute; undo may be NULL.
 * @param[out]    task    Where to store the handle to wait on, or NULL
 *                        for a detached task, whose error is reported by
 *                        dp_thread_pool_wait_all() instead.
 * @return #DP_OK; #DP_EINVAL when `pool` or `command` is NULL or the
 *         command has no ops, name or execute; #DP_EBUSY when the pool is
 *         shutting down; #DP_ENOMEM when the task cannot be allocated. On
 *         every error the caller keeps the command, nothing runs, and
 *         `*task` is set to NULL.
 */
int dp_thread_pool_submit(dp_thread_pool *pool, struct dp_command *command,
                          dp_thread_pool_task **task);

/**
 * @brief Wait until one task has run or been cancelled, take its result
 *        and free the handle.
 *
 * Do not call it from a task of the same pool that could be waiting for
 * itself: with every worker waiting, nothing runs.
 * @param[in] task The handle from dp_thread_pool_submit(); it is freed here, so
 *                 each handle is waited for exactly once.
 * @return What the command's execute returned (#DP_OK or its negative
 *         code); #DP_ECANCELED when the task was cancelled and never ran;
 *         #DP_EINVAL when `task` is NULL.
 */
int dp_thread_pool_task_wait(dp_thread_pool_task *task);

/**
 * @brief Wait until the queue is empty and no task is running.
 *
 * Tasks submitted meanwhile, by other threads or by tasks, are waited for
 * too.
 * @param[in,out] pool The pool.
 * @return #DP_OK when every detached task that finished since the last
 *         call succeeded; otherwise the first error one of them returned
 *         (the record is then cleared); #DP_EINVAL when `pool` is NULL.
 */
int dp_thread_pool_wait_all(dp_thread_pool *pool);

/**
 * @brief Stop accepting tasks, drain or cancel the queue, and stop the
 *        workers. The pool stays valid for waits until destroyed.
 *
 * Cancelled commands are destroyed through their ops' destroy and never
 * executed. Calling it again does nothing.
 * @param[in,out] pool The pool; do not call this from one of its tasks.
 * @param[in]     mode #DP_THREAD_POOL_DRAIN or #DP_THREAD_POOL_CANCEL.
 * @return The number of tasks cancelled (0 when draining), or #DP_EINVAL
 *         when `pool` is NULL or `mode` is neither value.
 */
int dp_thread_pool_shutdown(dp_thread_pool *pool,
                            enum dp_thread_pool_shutdown_mode mode);

/**
 * @brief The number of worker threads.
 * @param[in] pool The pool; NULL gives 0.
 * @return The count given to dp_thread_pool_create().
 */
size_t dp_thread_pool_threads(const dp_thread_pool *pool);

/**
 * @brief The work of one chunk of a parallel map: process the elements
 *        with indexes in [begin, end).
 * @param[in] ctx   The context given to dp_thread_pool_map(), shared by every
 *                  chunk: chunks must write to disjoint places.
 * @param[in] chunk The chunk's number, from 0, for per-chunk results.
 * @param[in] begin The first index.
 * @param[in] end   One past the last index.
 * @return #DP_OK, or a negative code that dp_thread_pool_map() reports.
 */
typedef int dp_thread_pool_range_fn(void *ctx, size_t chunk, size_t begin,
                                    size_t end);

/**
 * @brief Split [0, count) into contiguous chunks, run them on the pool
 *        and wait for all of them.
 *
 * The number of chunks is the number of threads, or fewer so that each
 * chunk holds at least `min_chunk` elements. With one chunk, the function
 * runs on the calling thread and the pool is not used: below that size,
 * going parallel costs more than it saves. dp_thread_pool_map_chunks() says how
 * many chunks a call will make, so per-chunk results can be sized.
 * @param[in,out] pool      The pool; do not call this from one of its
 *                          tasks.
 * @param[in]     count     The number of elements; 0 runs nothing.
 * @param[in]     min_chunk The fewest elements worth a thread; 0 counts
 *                          as 1.
 * @param[in]     fn        The work of one chunk.
 * @param[in]     ctx       Handed to every call of `fn`.
 * @return #DP_OK; the error of the lowest-numbered chunk that failed
 *         (every chunk still runs); #DP_EINVAL when `pool` or `fn` is
 *         NULL (nothing runs); #DP_EBUSY when the pool is shutting down
 *         and #DP_ENOMEM when the chunks cannot be allocated (then `fn`
 *         is never called); #DP_ECANCELED when a cancelling shutdown from
 *         another thread removed chunks before they ran.
 */
int dp_thread_pool_map(dp_thread_pool *pool, size_t count, size_t min_chunk,
                       dp_thread_pool_range_fn *fn, void *ctx);

/**
 * @brief How many chunks dp_thread_pool_map() makes for these sizes.
 * @param[in] pool      The pool; NULL gives 0.
 * @param[in] count     The number of elements.
 * @param[in] min_chunk The fewest elements per chunk; 0 counts as 1.
 * @return The number of chunks: 0 when `count` is 0, 1 when the map runs
 *         serially on the caller, at most dp_thread_pool_threads().
 */
size_t dp_thread_pool_map_chunks(const dp_thread_pool *pool, size_t count,
                                 size_t min_chunk);

#endif /* DP_PARALLEL_H */
