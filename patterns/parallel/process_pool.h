/**
 * @file process_pool.h
 * @brief A process pool: the thread pool's Command tasks run in fork()ed
 *        workers, so a task that crashes, exits or hangs costs only its
 *        worker, which is replaced; results come back through a pipe.
 *
 * Ownership: a submitted command belongs to the pool, which destroys it in
 * the parent once its task has finished; a handle belongs to the submitter
 * until dp_process_pool_task_wait() frees it. Thread-safety: none; use a
 * pool from one thread, and see the README on fork in threaded programs.
 */
#ifndef DP_PROCESS_POOL_H
#define DP_PROCESS_POOL_H

#include "command/command.h"
#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief A pool of forked worker processes over one task queue (opaque). */
typedef struct dp_process_pool dp_process_pool;

/** @brief The handle of one submitted task, waited for once (opaque). */
typedef struct dp_process_pool_task dp_process_pool_task;

/**
 * @brief How a task ended, beyond its result code: whether its worker
 *        died or was stopped, and how.
 */
struct dp_process_pool_outcome {
	/** The signal that killed the worker during the task, or 0. */
	int signal;
	/** The status the worker passed to exit() during the task, or -1
	 *  when it did not exit. */
	int exit_status;
	/** True when the task ran past the pool's timeout and its worker was
	 *  killed with SIGKILL (then #signal is SIGKILL). */
	bool timed_out;
	/** True when the task ran at all (false when it was never started,
	 *  for instance because no worker could be forked). */
	bool started;
};

/** @brief What a pool has done so far, for tests and benchmarks. */
struct dp_process_pool_stats {
	/** Every worker forked, replacements included. */
	size_t workers_started;
	/** Workers that died or were killed during a task. */
	size_t workers_lost;
	/** Tasks that finished, whatever their result. */
	size_t tasks_finished;
};

/**
 * @brief Create a pool; no process is started until tasks are run.
 * @param[in] workers    The most worker processes at once; at least 1.
 * @param[in] timeout_ms The longest a task may run before its worker is
 *                       killed and the task reported as failed; 0 means
 *                       no limit.
 * @param[in] alloc      The allocator for the pool and its tasks, or NULL
 *                       for malloc/free. It must outlive the pool and
 *                       every handle. Workers never call it.
 * @return The pool, freed with dp_process_pool_destroy(); NULL when
 *         `workers` is 0 or too large, or when memory runs out.
 */
dp_process_pool *dp_process_pool_create(size_t workers, unsigned timeout_ms,
                                        const struct dp_allocator *alloc);

/**
 * @brief Run whatever is still queued, reap every worker and free the
 *        pool.
 *
 * Every handle must have been waited for before: a handle cannot outlive
 * its pool. When it returns, no worker process of this pool exists, not
 * even as a zombie.
 * @param[in] pool The pool; NULL is a no-op.
 */
void dp_process_pool_destroy(dp_process_pool *pool);

/**
 * @brief Queue a command to be executed in a worker process.
 *
 * The worker runs the command's execute on its own copy of the parent's
 * memory, made when the worker was forked, so the command travels by
 * pointer and is never serialized. Whatever execute writes stays in the
 * worker, except the `result_size` bytes at `result`: the worker sends
 * them back through a pipe and the pool copies them to the same address
 * in the parent. The command's destroy runs in the parent afterwards.
 * @param[in,out] pool        The pool.
 * @param[in]     command     The command; on #DP_OK the pool owns it. Its
 *                            ops need a name and an execute.
 * @param[out]    result      Where execute writes its result, in memory
 *                            that stays valid until the task finished; NULL
 *                            when `result_size` is 0. After a failed task
 *                            its contents are unspecified.
 * @param[in]     result_size The number of bytes copied back.
 * @param[out]    task        Where to store the handle, or NULL for a
 *                            detached task, whose error
 *                            dp_process_pool_run() reports.
 * @return #DP_OK; #DP_EINVAL when `pool` or `command` is NULL, the
 *         command has no ops, name or execute, or `result` is NULL with a
 *         non-zero `result_size`; #DP_ERANGE when `result_size` does not
 *         fit a pipe message (more than 1 GiB); #DP_ENOMEM when the task
 *         cannot be allocated. On every error the caller keeps the
 *         command and `*task` is set to NULL.
 */
int dp_process_pool_submit(dp_process_pool *pool, struct dp_command *command,
                           void *result, size_t result_size,
                           dp_process_pool_task **task);

/**
 * @brief Run every queued task in worker processes and wait for them all.
 *
 * Forks up to the pool's number of workers, hands each task to an idle
 * one, and collects results until the queue is empty; a worker that dies
 * or times out during a task is reaped and replaced while tasks remain.
 * Then the workers are told to stop and reaped, so none is left behind.
 * @param[in,out] pool The pool.
 * @return #DP_OK when every detached task run succeeded; otherwise the
 *         first error of a detached task (#DP_EIO for a worker that died);
 *         #DP_EINVAL when `pool` is NULL; #DP_EIO when no worker could be
 *         forked at all (the queued tasks then fail with #DP_EIO, not
 *         started).
 */
int dp_process_pool_run(dp_process_pool *pool);

/**
 * @brief Wait for one task, running the queue first if it has not run,
 *        take its result and free the handle.
 * @param[in]  task    The handle from dp_process_pool_submit(); freed here.
 * @param[out] outcome Where to store how the task ended, or NULL.
 * @return What the command's execute returned in the worker; #DP_EIO when
 *         the worker died, exited or timed out during the task (see
 *         `outcome`), or could not be started; #DP_EINVAL when `task` is
 *         NULL (then `outcome` is untouched).
 */
int dp_process_pool_task_wait(dp_process_pool_task *task,
                              struct dp_process_pool_outcome *outcome);

/**
 * @brief What the pool has done since it was created.
 * @param[in]  pool  The pool.
 * @param[out] stats Where to store the counts.
 * @return #DP_OK, or #DP_EINVAL when either pointer is NULL.
 */
int dp_process_pool_stats(const dp_process_pool *pool,
                          struct dp_process_pool_stats *stats);

/**
 * @brief The most worker processes the pool runs at once.
 * @param[in] pool The pool; NULL gives 0.
 * @return The count given to dp_process_pool_create().
 */
size_t dp_process_pool_workers(const dp_process_pool *pool);

#endif /* DP_PROCESS_POOL_H */
