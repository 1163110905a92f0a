/*
 * The worker pool: one mutex guards the queue and every task's state; two
 * condition variables say "there is work" (to workers) and "a task
 * finished" (to whoever waits for one task or for all).
 */
#include "parallel/parallel.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>

struct dp_thread_pool_task {
	/* The next queued task; meaningful only while queued. */
	struct dp_thread_pool_task *next;
	struct dp_command *command;
	dp_thread_pool *pool;
	/* What execute returned, or DP_ECANCELED when cancelled. */
	int result;
	bool done;
	/* Nobody will wait: the worker frees the task when it is done. */
	bool detached;
};

struct dp_thread_pool {
	const struct dp_allocator *alloc;
	pthread_mutex_t lock;
	pthread_cond_t work_ready;
	pthread_cond_t task_done;
	struct dp_thread_pool_task *head;
	struct dp_thread_pool_task *tail;
	size_t running;
	/* The first error of a detached task since the last wait_all. */
	int first_error;
	/* Set once, by the first shutdown: submits are refused from then. */
	bool stopping;
	size_t threads;
	pthread_t *workers;
};

/* Called with the lock held, after the task's command is gone. */
static void finish_locked(dp_thread_pool *pool,
                          struct dp_thread_pool_task *task, int result)
{
	if (task->detached) {
		if (result != DP_OK && result != DP_ECANCELED &&
		    pool->first_error == DP_OK)
			pool->first_error = result;
		dp_free(pool->alloc, task);
	} else {
		task->result = result;
		task->done = true;
	}
	/* One condition serves handle waiters and wait_all alike: a
	 * broadcast wakes both, and each rechecks its own predicate. */
	pthread_cond_broadcast(&pool->task_done);
}

static void *worker_main(void *arg)
{
	dp_thread_pool *pool = arg;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (pool->head == NULL && !pool->stopping)
			pthread_cond_wait(&pool->work_ready, &pool->lock);
		struct dp_thread_pool_task *task = pool->head;
		/* Stopping with an empty queue: draining is complete (a
		 * cancel emptied the queue before waking us). */
		if (task == NULL)
			break;
		pool->head = task->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->running++;
		pthread_mutex_unlock(&pool->lock);

		/* The command runs unlocked: tasks run in parallel, and a
		 * task may submit more tasks. */
		struct dp_command *command = task->command;
		int result = command->ops->execute(command);
		dp_command_destroy(command);

		pthread_mutex_lock(&pool->lock);
		pool->running--;
		finish_locked(pool, task, result);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* Stop and join the first `started` workers of a pool being created. */
static void stop_workers(dp_thread_pool *pool, size_t started)
{
	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	pthread_cond_broadcast(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(pool->workers[i], NULL);
}

dp_thread_pool *dp_thread_pool_create(size_t threads,
                                      const struct dp_allocator *alloc)
{
	if (threads == 0)
		return NULL;
	dp_thread_pool *pool = dp_alloc(alloc, sizeof(*pool));
	if (pool == NULL)
		return NULL;
	*pool = (struct dp_thread_pool){
		.alloc = alloc,
		.first_error = DP_OK,
		.threads = threads,
	};
	pool->workers = dp_alloc_array(alloc, threads, sizeof(*pool->workers));
	if (pool->workers == NULL)
		goto fail_free_pool;
	if (pthread_mutex_init(&pool->lock, NULL) != 0)
		goto fail_free_workers;
	if (pthread_cond_init(&pool->work_ready, NULL) != 0)
		goto fail_destroy_lock;
	if (pthread_cond_init(&pool->task_done, NULL) != 0)
		goto fail_destroy_work_ready;
	for (size_t i = 0; i < threads; i++) {
		if (pthread_create(&pool->workers[i], NULL, worker_main,
		                   pool) != 0) {
			stop_workers(pool, i);
			goto fail_destroy_task_done;
		}
	}
	return pool;

fail_destroy_task_done:
	pthread_cond_destroy(&pool->task_done);
fail_destroy_work_ready:
	pthread_cond_destroy(&pool->work_ready);
fail_destroy_lock:
	pthread_mutex_destroy(&pool->lock);
fail_free_workers:
	dp_free(alloc, pool->workers);
fail_free_pool:
	dp_free(alloc, pool);
	return NULL;
}

void dp_thread_pool_destroy(dp_thread_pool *pool)
{
	if (pool == NULL)
		return;
	dp_thread_pool_shutdown(pool, DP_THREAD_POOL_DRAIN);
	pthread_cond_destroy(&pool->task_done);
	pthread_cond_destroy(&pool->work_ready);
	pthread_mutex_destroy(&pool->lock);
	dp_free(pool->alloc, pool->workers);
	dp_free(pool->alloc, pool);
}

static bool task_ops_complete(const struct dp_command *command)
{
	return command != NULL && command->ops != NULL &&
	       command->ops->name != NULL && command->ops->execute != NULL;
}

/* Queue a chain of prepared tasks at once, so that either all of them
 * run or, when the pool is stopping, none does. */
static int enqueue(dp_thread_pool *pool, struct dp_thread_pool_task *first,
                   struct dp_thread_pool_task *last)
{
	pthread_mutex_lock(&pool->lock);
	if (pool->stopping) {
		pthread_mutex_unlock(&pool->lock);
		return DP_EBUSY;
	}
	if (pool->tail != NULL)
		pool->tail->next = first;
	else
		pool->head = first;
	pool->tail = last;
	if (first == last)
		pthread_cond_signal(&pool->work_ready);
	else
		pthread_cond_broadcast(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);
	return DP_OK;
}

int dp_thread_pool_submit(dp_thread_pool *pool, struct dp_command *command,
                          dp_thread_pool_task **task)
{
	if (task != NULL)
		*task = NULL;
	if (pool == NULL || !task_ops_complete(command))
		return DP_EINVAL;
	struct dp_thread_pool_task *entry =
		dp_alloc(pool->alloc, sizeof(*entry));
	if (entry == NULL)
		return DP_ENOMEM;
	*entry = (struct dp_thread_pool_task){
		.command = command,
		.pool = pool,
		.result = DP_OK,
		.detached = task == NULL,
	};
	/* The handle must be stored before the task can finish: a fast
	 * worker may complete it before enqueue() even returns. */
	if (task != NULL)
		*task = entry;
	int rc = enqueue(pool, entry, entry);
	if (rc != DP_OK) {
		if (task != NULL)
			*task = NULL;
		dp_free(pool->alloc, entry);
	}
	return rc;
}

/* Wait for a task without freeing it. */
static int wait_result(struct dp_thread_pool_task *task)
{
	dp_thread_pool *pool = task->pool;

	pthread_mutex_lock(&pool->lock);
	while (!task->done)
		pthread_cond_wait(&pool->task_done, &pool->lock);
	int result = task->result;
	pthread_mutex_unlock(&pool->lock);
	return result;
}

int dp_thread_pool_task_wait(dp_thread_pool_task *task)
{
	if (task == NULL)
		return DP_EINVAL;
	int result = wait_result(task);
	dp_free(task->pool->alloc, task);
	return result;
}

int dp_thread_pool_wait_all(dp_thread_pool *pool)
{
	if (pool == NULL)
		return DP_EINVAL;
	pthread_mutex_lock(&pool->lock);
	while (pool->head != NULL || pool->running > 0)
		pthread_cond_wait(&pool->task_done, &pool->lock);
	int result = pool->first_error;
	pool->first_error = DP_OK;
	pthread_mutex_unlock(&pool->lock);
	return result;
}

int dp_thread_pool_shutdown(dp_thread_pool *pool,
                            enum dp_thread_pool_shutdown_mode mode)
{
	if (pool == NULL ||
	    (mode != DP_THREAD_POOL_DRAIN && mode != DP_THREAD_POOL_CANCEL))
		return DP_EINVAL;
	pthread_mutex_lock(&pool->lock);
	if (pool->stopping) {
		pthread_mutex_unlock(&pool->lock);
		return 0;
	}
	pool->stopping = true;
	struct dp_thread_pool_task *cancelled = NULL;
	if (mode == DP_THREAD_POOL_CANCEL) {
		cancelled = pool->head;
		pool->head = NULL;
		pool->tail = NULL;
	}
	pthread_cond_broadcast(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);

	/* The cancelled tasks are off the queue, so no worker can reach
	 * them: destroying their commands needs no lock. */
	int count = 0;
	while (cancelled != NULL) {
		struct dp_thread_pool_task *task = cancelled;
		cancelled = task->next;
		dp_command_destroy(task->command);
		pthread_mutex_lock(&pool->lock);
		finish_locked(pool, task, DP_ECANCELED);
		pthread_mutex_unlock(&pool->lock);
		if (count < INT_MAX)
			count++;
	}
	for (size_t i = 0; i < pool->threads; i++)
		pthread_join(pool->workers[i], NULL);
	return count;
}

size_t dp_thread_pool_threads(const dp_thread_pool *pool)
{
	return pool == NULL ? 0 : pool->threads;
}

size_t dp_thread_pool_map_chunks(const dp_thread_pool *pool, size_t count,
                                 size_t min_chunk)
{
	if (pool == NULL || count == 0)
		return 0;
	if (min_chunk == 0)
		min_chunk = 1;
	size_t chunks = count / min_chunk;
	if (chunks > pool->threads)
		chunks = pool->threads;
	return chunks == 0 ? 1 : chunks;
}

/* One chunk of a map, as a Command whose storage belongs to the map. */
struct map_chunk {
	struct dp_command base; /* Base. Must be first. */
	struct dp_thread_pool_task task;
	dp_thread_pool_range_fn *fn;
	void *ctx;
	size_t index;
	size_t begin;
	size_t end;
};

static int map_chunk_execute(struct dp_command *command)
{
	struct map_chunk *chunk =
		dp_container_of(command, struct map_chunk, base);

	return chunk->fn(chunk->ctx, chunk->index, chunk->begin, chunk->end);
}

/* No destroy: the chunks live in one array that dp_thread_pool_map() frees. */
static const struct dp_command_ops map_chunk_ops = {
	.name = "map chunk",
	.execute = map_chunk_execute,
};

int dp_thread_pool_map(dp_thread_pool *pool, size_t count, size_t min_chunk,
                       dp_thread_pool_range_fn *fn, void *ctx)
{
	if (pool == NULL || fn == NULL)
		return DP_EINVAL;
	pthread_mutex_lock(&pool->lock);
	bool stopping = pool->stopping;
	pthread_mutex_unlock(&pool->lock);
	if (stopping)
		return DP_EBUSY;
	size_t n = dp_thread_pool_map_chunks(pool, count, min_chunk);
	if (n == 0)
		return DP_OK;
	if (n == 1)
		return fn(ctx, 0, 0, count);

	struct map_chunk *chunks =
		dp_alloc_array(pool->alloc, n, sizeof(*chunks));
	if (chunks == NULL)
		return DP_ENOMEM;
	size_t base = count / n;
	size_t extra = count % n;
	size_t begin = 0;
	for (size_t i = 0; i < n; i++) {
		size_t size = base + (i < extra ? 1 : 0);
		chunks[i] = (struct map_chunk){
			.base = {.ops = &map_chunk_ops},
			.fn = fn,
			.ctx = ctx,
			.index = i,
			.begin = begin,
			.end = begin + size,
		};
		chunks[i].task = (struct dp_thread_pool_task){
			.command = &chunks[i].base,
			.pool = pool,
			.next = i + 1 < n ? &chunks[i + 1].task : NULL,
		};
		begin += size;
	}
	int rc = enqueue(pool, &chunks[0].task, &chunks[n - 1].task);
	if (rc == DP_OK) {
		for (size_t i = 0; i < n; i++) {
			int chunk_rc = wait_result(&chunks[i].task);
			if (rc == DP_OK && chunk_rc != DP_OK)
				rc = chunk_rc;
		}
	}
	dp_free(pool->alloc, chunks);
	return rc;
}
