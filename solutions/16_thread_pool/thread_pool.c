/*
 * Exercise 16: a thread pool, the reference answer. One mutex guards the
 * queue, the stopping flag and every ticket's result; `work_ready` wakes
 * workers when there is a task or the pool stops, `task_done` wakes
 * whoever waits for a ticket.
 */
#define _POSIX_C_SOURCE 200809L

#include "thread_pool.h"

#include <limits.h>
#include <pthread.h>

struct ex_thread_pool_ticket {
	/* The next queued ticket; meaningful only while queued. */
	struct ex_thread_pool_ticket *next;
	struct ex_task *task;
	ex_thread_pool *pool;
	/* What execute returned, or DP_ECANCELED; valid once `done`. */
	int result;
	bool done;
};

struct ex_thread_pool {
	const struct dp_allocator *alloc;
	pthread_mutex_t lock;
	pthread_cond_t work_ready;
	pthread_cond_t task_done;
	/* The queue, oldest first; `tail` is NULL when it is empty. */
	struct ex_thread_pool_ticket *head;
	struct ex_thread_pool_ticket *tail;
	/* Set once, by the first shutdown; read and written under `lock`. */
	bool stopping;
	size_t threads;
	pthread_t *workers;
};

/* Publish a finished ticket's result; called with the lock held. Once the
 * lock is released its waiter may free the ticket at any moment. */
static void finish_locked(ex_thread_pool *pool,
                          struct ex_thread_pool_ticket *ticket, int result)
{
	ticket->result = result;
	ticket->done = true;
	/* Several tickets share one condition: each waiter rechecks its own
	 * ticket, so every one of them must be woken. */
	pthread_cond_broadcast(&pool->task_done);
}

static void *worker_main(void *arg)
{
	ex_thread_pool *pool = arg;

	pthread_mutex_lock(&pool->lock);
	for (;;) {
		while (pool->head == NULL && !pool->stopping)
			pthread_cond_wait(&pool->work_ready, &pool->lock);
		struct ex_thread_pool_ticket *ticket = pool->head;
		/* Stopping with an empty queue: a drain is complete, and a
		 * cancel emptied the queue before it woke us. */
		if (ticket == NULL)
			break;
		pool->head = ticket->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pthread_mutex_unlock(&pool->lock);

		/* The task runs unlocked, so tasks run in parallel. The task
		 * may be freed by its destroy: read nothing from it after. */
		struct ex_task *task = ticket->task;
		int result = task->ops->execute(task);
		if (task->ops->destroy != NULL)
			task->ops->destroy(task);

		pthread_mutex_lock(&pool->lock);
		finish_locked(pool, ticket, result);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

/* Stop and join the first `started` workers of a pool being created. */
static void stop_workers(ex_thread_pool *pool, size_t started)
{
	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	pthread_cond_broadcast(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(pool->workers[i], NULL);
}

ex_thread_pool *ex_thread_pool_create(size_t threads,
                                      const struct dp_allocator *alloc)
{
	if (threads == 0 || threads > EX_THREAD_POOL_MAX_THREADS)
		return NULL;
	ex_thread_pool *pool = dp_alloc(alloc, sizeof(*pool));
	if (pool == NULL)
		return NULL;
	*pool = (struct ex_thread_pool){.alloc = alloc, .threads = threads};
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

void ex_thread_pool_destroy(ex_thread_pool *pool)
{
	if (pool == NULL)
		return;
	ex_thread_pool_shutdown(pool, EX_THREAD_POOL_DRAIN);
	pthread_cond_destroy(&pool->task_done);
	pthread_cond_destroy(&pool->work_ready);
	pthread_mutex_destroy(&pool->lock);
	dp_free(pool->alloc, pool->workers);
	dp_free(pool->alloc, pool);
}

static bool task_is_complete(const struct ex_task *task)
{
	return task != NULL && task->ops != NULL && task->ops->name != NULL &&
	       task->ops->execute != NULL;
}

int ex_thread_pool_submit(ex_thread_pool *pool, struct ex_task *task,
                          ex_thread_pool_ticket **ticket)
{
	if (ticket != NULL)
		*ticket = NULL;
	if (pool == NULL || ticket == NULL || !task_is_complete(task))
		return DP_EINVAL;
	struct ex_thread_pool_ticket *entry =
		dp_alloc(pool->alloc, sizeof(*entry));
	if (entry == NULL)
		return DP_ENOMEM;
	*entry = (struct ex_thread_pool_ticket){
		.task = task,
		.pool = pool,
		.result = DP_OK,
	};

	pthread_mutex_lock(&pool->lock);
	if (pool->stopping) {
		pthread_mutex_unlock(&pool->lock);
		dp_free(pool->alloc, entry);
		return DP_EBUSY;
	}
	if (pool->tail != NULL)
		pool->tail->next = entry;
	else
		pool->head = entry;
	pool->tail = entry;
	/* One new task needs one worker. */
	pthread_cond_signal(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);
	*ticket = entry;
	return DP_OK;
}

int ex_thread_pool_wait(ex_thread_pool_ticket *ticket)
{
	if (ticket == NULL)
		return DP_EINVAL;
	ex_thread_pool *pool = ticket->pool;

	pthread_mutex_lock(&pool->lock);
	while (!ticket->done)
		pthread_cond_wait(&pool->task_done, &pool->lock);
	int result = ticket->result;
	pthread_mutex_unlock(&pool->lock);
	/* No worker holds the ticket once it is done: it is ours to free. */
	dp_free(pool->alloc, ticket);
	return result;
}

int ex_thread_pool_shutdown(ex_thread_pool *pool,
                            enum ex_thread_pool_shutdown_mode mode)
{
	if (pool == NULL ||
	    (mode != EX_THREAD_POOL_DRAIN && mode != EX_THREAD_POOL_CANCEL))
		return DP_EINVAL;
	pthread_mutex_lock(&pool->lock);
	if (pool->stopping) {
		pthread_mutex_unlock(&pool->lock);
		return 0;
	}
	/* Stopping and unlinking the queue in one locked step: no worker can
	 * start a task that was queued when the shutdown began. */
	pool->stopping = true;
	struct ex_thread_pool_ticket *cancelled = NULL;
	if (mode == EX_THREAD_POOL_CANCEL) {
		cancelled = pool->head;
		pool->head = NULL;
		pool->tail = NULL;
	}
	pthread_cond_broadcast(&pool->work_ready);
	pthread_mutex_unlock(&pool->lock);

	/* The cancelled tickets are off the queue, so no worker reaches
	 * them. Read `next` first: a finished ticket may be freed by its
	 * waiter as soon as the lock is released. */
	int count = 0;
	while (cancelled != NULL) {
		struct ex_thread_pool_ticket *ticket = cancelled;
		cancelled = ticket->next;
		if (ticket->task->ops->destroy != NULL)
			ticket->task->ops->destroy(ticket->task);
		pthread_mutex_lock(&pool->lock);
		finish_locked(pool, ticket, DP_ECANCELED);
		pthread_mutex_unlock(&pool->lock);
		if (count < INT_MAX)
			count++;
	}
	for (size_t i = 0; i < pool->threads; i++)
		pthread_join(pool->workers[i], NULL);
	return count;
}

bool ex_thread_pool_is_stopping(ex_thread_pool *pool)
{
	if (pool == NULL)
		return false;
	pthread_mutex_lock(&pool->lock);
	bool stopping = pool->stopping;
	pthread_mutex_unlock(&pool->lock);
	return stopping;
}

/* One element of a map, as a task whose storage belongs to the map. */
struct map_element {
	struct ex_task base; /* Base. Must be first. */
	ex_thread_pool_map_fn *fn;
	void *ctx;
	long value;
	/* Written by the worker; read by the map after its ticket is done,
	 * which the pool's lock orders after the write. */
	long result;
	ex_thread_pool_ticket *ticket;
};

static int map_element_execute(struct ex_task *task)
{
	struct map_element *element =
		dp_container_of(task, struct map_element, base);

	return element->fn(element->ctx, element->value, &element->result);
}

/* No destroy: the elements live in one array that the map frees. */
static const struct ex_task_ops map_element_ops = {
	.name = "map element",
	.execute = map_element_execute,
};

int ex_thread_pool_map(ex_thread_pool *pool, ex_thread_pool_map_fn *fn,
                       void *ctx, const long *in, long *out, size_t count)
{
	if (pool == NULL || fn == NULL ||
	    (count > 0 && (in == NULL || out == NULL)))
		return DP_EINVAL;
	if (count == 0)
		return DP_OK;
	struct map_element *elements =
		dp_alloc_array(pool->alloc, count, sizeof(*elements));
	if (elements == NULL)
		return DP_ENOMEM;

	int rc = DP_OK;
	size_t submitted = 0;
	while (submitted < count) {
		struct map_element *element = &elements[submitted];
		*element = (struct map_element){
			.base = {.ops = &map_element_ops},
			.fn = fn,
			.ctx = ctx,
			.value = in[submitted],
		};
		rc = ex_thread_pool_submit(pool, &element->base,
		                           &element->ticket);
		if (rc != DP_OK)
			break;
		submitted++;
	}
	/* Wait in index order, so results land in index order whatever
	 * order the workers finished in. Every submitted element points
	 * into `elements`: all must be done before it is freed. */
	int first_error = DP_OK;
	for (size_t i = 0; i < submitted; i++) {
		int element_rc = ex_thread_pool_wait(elements[i].ticket);
		if (element_rc == DP_OK)
			out[i] = elements[i].result;
		else if (first_error == DP_OK)
			first_error = element_rc;
	}
	dp_free(pool->alloc, elements);
	return rc != DP_OK ? rc : first_error;
}
