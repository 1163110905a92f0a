/**
 * @file thread_pool.h
 * @brief Exercise 16, parallel processing: a fixed pool of worker threads
 *        that runs Command-style tasks from one FIFO queue, hands each
 *        task's result back through a ticket, maps a function over an
 *        array with the results in index order, and shuts down by draining
 *        or cancelling what is still queued.
 *
 * Ownership: a submitted task belongs to the pool until its ops' destroy
 * has been called (after it ran, or instead of running when cancelled); a
 * ticket belongs to the submitter until ex_thread_pool_wait() frees it.
 * Thread-safety: every function may be called from any thread, except
 * ex_thread_pool_destroy(), which must be the last call on the pool.
 */
#ifndef EX_THREAD_POOL_H
#define EX_THREAD_POOL_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief The most worker threads a pool may have. */
#define EX_THREAD_POOL_MAX_THREADS 64

struct ex_task;

/**
 * @brief What a task does: the Command pattern's operations table, shared
 *        by every task of a kind and never changed.
 */
struct ex_task_ops {
	/** Required. The kind of task, for messages. */
	const char *name;
	/**
	 * Required. Do the work, on one of the pool's threads, exactly once
	 * (never for a cancelled task). Tasks run in parallel, so it must
	 * not touch what other tasks write without its own lock.
	 * @return #DP_OK or a negative DP_E code, which the task's ticket
	 *         reports; never #DP_ECANCELED, kept for cancelled tasks.
	 */
	int (*execute)(struct ex_task *task);
	/**
	 * Optional: NULL means the task's memory stays the submitter's.
	 * Release the task: called exactly once, after execute, or instead
	 * of it when the task is cancelled. The pool never touches the task
	 * afterwards.
	 */
	void (*destroy)(struct ex_task *task);
};

/**
 * @brief A task: embed it first in the struct that holds the task's data,
 *        and recover that struct with dp_container_of().
 *
 * Public because the caller allocates it, in its own struct.
 */
struct ex_task {
	/** The task's operations; required. */
	const struct ex_task_ops *ops;
};

/** @brief A fixed pool of worker threads over one task queue (opaque). */
typedef struct ex_thread_pool ex_thread_pool;

/**
 * @brief The ticket of one submitted task, waited for exactly once to get
 *        its result (a future; opaque).
 */
typedef struct ex_thread_pool_ticket ex_thread_pool_ticket;

/** @brief What ex_thread_pool_shutdown() does with the tasks still queued. */
enum ex_thread_pool_shutdown_mode {
	/** Run every queued task, then stop the workers. */
	EX_THREAD_POOL_DRAIN,
	/** Destroy every queued task without running it: its ticket reports
	 *  #DP_ECANCELED. Tasks already running finish. */
	EX_THREAD_POOL_CANCEL,
};

/**
 * @brief Create a pool and start its worker threads.
 * @param[in] threads The number of workers, 1 to
 *                    #EX_THREAD_POOL_MAX_THREADS.
 * @param[in] alloc   The allocator for the pool and its tickets, or NULL for
 *                    malloc/free. It must outlive the pool. The pool calls
 *                    it only from the threads that call the functions
 *                    below, never from a worker.
 * @return The pool, freed with ex_thread_pool_destroy(); NULL when
 *         `threads` is out of range, when memory runs out or when a
 *         thread cannot be started (the threads already started are then
 *         stopped and joined).
 */
ex_thread_pool *ex_thread_pool_create(size_t threads,
                                      const struct dp_allocator *alloc);

/**
 * @brief Shut the pool down if it is not already, with
 *        #EX_THREAD_POOL_DRAIN (nothing queued is lost), and free it.
 * @param[in] pool The pool; NULL is a no-op. Every ticket must have been
 *                 waited for before: a ticket cannot outlive its pool.
 */
void ex_thread_pool_destroy(ex_thread_pool *pool);

/**
 * @brief Queue a task for a worker to execute.
 *
 * Tasks start in the order they were submitted (first in, first out),
 * each on whichever worker is free.
 * @param[in,out] pool   The pool.
 * @param[in]     task   The task; on #DP_OK the pool owns it until its
 *                       destroy is called. Its ops need a name and an
 *                       execute.
 * @param[out]    ticket Receives the task's ticket, which the caller must
 *                       pass to ex_thread_pool_wait() exactly once;
 *                       required.
 * @return #DP_OK; #DP_EINVAL when `pool`, `task` or `ticket` is NULL, or
 *         the task has no ops, no name or no execute; #DP_EBUSY once
 *         ex_thread_pool_shutdown() has been called; #DP_ENOMEM when the
 *         ticket cannot be allocated. On every error nothing runs, the
 *         caller keeps the task (its destroy is not called) and `*ticket`
 *         is set to NULL when `ticket` is not NULL.
 */
int ex_thread_pool_submit(ex_thread_pool *pool, struct ex_task *task,
                          ex_thread_pool_ticket **ticket);

/**
 * @brief Wait until a task has run or been cancelled, take its result and
 *        free its ticket.
 *
 * Never call it from a task of the same pool: with every worker waiting,
 * nothing would run.
 * @param[in] ticket The ticket from ex_thread_pool_submit(); freed here.
 * @return What the task's execute returned; #DP_ECANCELED when the task
 *         was cancelled and never ran; #DP_EINVAL when `ticket` is NULL.
 */
int ex_thread_pool_wait(ex_thread_pool_ticket *ticket);

/**
 * @brief Stop accepting tasks, drain or cancel the queue, and join every
 *        worker.
 *
 * From the moment it is called ex_thread_pool_submit() and
 * ex_thread_pool_map() return #DP_EBUSY. With #EX_THREAD_POOL_DRAIN every
 * task queued runs; with #EX_THREAD_POOL_CANCEL every task still queued
 * when it is called is destroyed without running and its ticket reports
 * #DP_ECANCELED. Either way the tasks already running finish, and when it
 * returns every worker thread has ended (it was joined). The pool stays
 * valid for ex_thread_pool_wait() until it is destroyed. Calling it again
 * does nothing and returns 0.
 * @param[in,out] pool The pool; never call this from one of its tasks.
 * @param[in]     mode #EX_THREAD_POOL_DRAIN or #EX_THREAD_POOL_CANCEL.
 * @return The number of tasks cancelled (0 when draining); #DP_EINVAL
 *         when `pool` is NULL or `mode` is neither value.
 */
int ex_thread_pool_shutdown(ex_thread_pool *pool,
                            enum ex_thread_pool_shutdown_mode mode);

/**
 * @brief Whether ex_thread_pool_shutdown() has been called on the pool.
 *
 * Safe to call from any thread, tasks included, while the pool exists.
 * @param[in] pool The pool; NULL gives false.
 * @return True from the moment a shutdown starts.
 */
bool ex_thread_pool_is_stopping(ex_thread_pool *pool);

/**
 * @brief The work of ex_thread_pool_map() on one element.
 * @param[in]  ctx    The context given to ex_thread_pool_map(), shared by
 *                    every element: calls run in parallel.
 * @param[in]  value  The element, `in[i]`.
 * @param[out] result Where to store the result for `out[i]`.
 * @return #DP_OK, or a negative DP_E code (then `*result` is ignored).
 */
typedef int ex_thread_pool_map_fn(void *ctx, long value, long *result);

/**
 * @brief Apply `fn` to every element of `in` on the pool's workers and
 *        store the results in `out` in index order, like Python's
 *        `Pool.map`: `out[i]` is the result for `in[i]`, whatever order
 *        the workers finish in.
 *
 * Each element is one task, submitted in index order; `fn` is called
 * exactly once per element, on a worker, never on the calling thread. The
 * call returns when every element submitted has finished.
 * @param[in,out] pool  The pool; never call this from one of its tasks.
 * @param[in]     fn    The work of one element.
 * @param[in]     ctx   Handed to every call of `fn`.
 * @param[in]     in    The elements; may be NULL when `count` is 0.
 * @param[out]    out   The results; may be NULL when `count` is 0, and
 *                      may be `in` itself. `out[i]` is written only when
 *                      `fn` succeeded for element i.
 * @param[in]     count The number of elements; 0 runs nothing.
 * @return #DP_OK; #DP_EINVAL when `pool` or `fn` is NULL, or `in` or `out`
 *         is NULL with a non-zero `count` (nothing runs); #DP_EBUSY or
 *         #DP_ENOMEM when an element could not be submitted (the elements
 *         already submitted still run and are waited for, and what `out`
 *         then holds is unspecified); otherwise the error of the lowest
 *         index whose `fn` failed (every element still runs), which is
 *         #DP_ECANCELED for an element a cancelling shutdown removed.
 */
int ex_thread_pool_map(ex_thread_pool *pool, ex_thread_pool_map_fn *fn,
                       void *ctx, const long *in, long *out, size_t count);

#endif /* EX_THREAD_POOL_H */
