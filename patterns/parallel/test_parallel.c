/*
 * Tests of the worker pool. None depends on timing: a "gate" task holds a
 * worker until the test opens it, so what is queued, running or cancelled
 * is known exactly, and every count is read after a wait that orders it.
 */
#include "common/dp_test.h"
#include "parallel/parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

/* ---- test commands ------------------------------------------------------ */

/* What the test commands record; shared by every command of a test. */
struct record {
	atomic_size_t executed;
	atomic_size_t destroyed;
	/* With one worker, the order in which tasks ran. */
	int order[64];
	atomic_size_t next;
	/* Signalled when a command is destroyed. */
	pthread_mutex_t lock;
	pthread_cond_t changed;
};

static void record_init(struct record *record)
{
	memset(record, 0, sizeof(*record));
	pthread_mutex_init(&record->lock, NULL);
	pthread_cond_init(&record->changed, NULL);
}

static void record_deinit(struct record *record)
{
	pthread_cond_destroy(&record->changed);
	pthread_mutex_destroy(&record->lock);
}

struct counted {
	struct dp_command base; /* Base. Must be first. */
	struct record *record;
	int id;
	int result;
	/* When set, a task to submit from inside this one. */
	dp_thread_pool *pool;
};

static int counted_execute(struct dp_command *command)
{
	struct counted *task = dp_container_of(command, struct counted, base);
	size_t slot = atomic_fetch_add(&task->record->next, 1);

	if (slot < DP_ARRAY_SIZE(task->record->order))
		task->record->order[slot] = task->id;
	atomic_fetch_add(&task->record->executed, 1);
	return task->result;
}

static void counted_destroy(struct dp_command *command)
{
	struct counted *task = dp_container_of(command, struct counted, base);
	struct record *record = task->record;

	free(task);
	pthread_mutex_lock(&record->lock);
	atomic_fetch_add(&record->destroyed, 1);
	pthread_cond_broadcast(&record->changed);
	pthread_mutex_unlock(&record->lock);
}

static const struct dp_command_ops counted_ops = {
	.name = "counted",
	.execute = counted_execute,
	.destroy = counted_destroy,
};

static struct dp_command *counted_new(struct record *record, int id, int result)
{
	struct counted *task = calloc(1, sizeof(*task));

	ck_assert_ptr_nonnull(task);
	task->base.ops = &counted_ops;
	task->record = record;
	task->id = id;
	task->result = result;
	return &task->base;
}

/* Blocks its worker until the test opens it. */
struct gate {
	struct dp_command base; /* Base. Must be first. */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool started;
	bool open;
};

static int gate_execute(struct dp_command *command)
{
	struct gate *gate = dp_container_of(command, struct gate, base);

	pthread_mutex_lock(&gate->lock);
	gate->started = true;
	pthread_cond_broadcast(&gate->changed);
	while (!gate->open)
		pthread_cond_wait(&gate->changed, &gate->lock);
	pthread_mutex_unlock(&gate->lock);
	return DP_OK;
}

/* No destroy: each gate lives on its test's stack. */
static const struct dp_command_ops gate_ops = {
	.name = "gate",
	.execute = gate_execute,
};

static void gate_init(struct gate *gate)
{
	memset(gate, 0, sizeof(*gate));
	gate->base.ops = &gate_ops;
	pthread_mutex_init(&gate->lock, NULL);
	pthread_cond_init(&gate->changed, NULL);
}

static void gate_wait_started(struct gate *gate)
{
	pthread_mutex_lock(&gate->lock);
	while (!gate->started)
		pthread_cond_wait(&gate->changed, &gate->lock);
	pthread_mutex_unlock(&gate->lock);
}

static void gate_open(struct gate *gate)
{
	pthread_mutex_lock(&gate->lock);
	gate->open = true;
	pthread_cond_broadcast(&gate->changed);
	pthread_mutex_unlock(&gate->lock);
}

static void gate_deinit(struct gate *gate)
{
	pthread_cond_destroy(&gate->changed);
	pthread_mutex_destroy(&gate->lock);
}

/* The counting allocator keeps plain counters; workers free tasks while
 * the test thread allocates, so the tests serialise it with a lock, as
 * dp_thread_pool_create() asks of any allocator. */
struct locked_allocator {
	struct dp_allocator base;
	const struct dp_allocator *parent;
	pthread_mutex_t lock;
};

static void *locked_reallocate(void *ctx, void *ptr, size_t size)
{
	struct locked_allocator *locked = ctx;

	pthread_mutex_lock(&locked->lock);
	void *result =
		locked->parent->reallocate(locked->parent->ctx, ptr, size);
	pthread_mutex_unlock(&locked->lock);
	return result;
}

static void locked_init(struct locked_allocator *locked,
                        const struct dp_allocator *parent)
{
	locked->base.reallocate = locked_reallocate;
	locked->base.ctx = locked;
	locked->parent = parent;
	pthread_mutex_init(&locked->lock, NULL);
}

/* Make the next allocation fail; workers may allocate meanwhile. */
static void fail_next_request(struct locked_allocator *locked,
                              struct dp_failing_allocator *failing)
{
	pthread_mutex_lock(&locked->lock);
	failing->fail_at = failing->requests + 1;
	pthread_mutex_unlock(&locked->lock);
}

/* ---- create, submit, wait ---------------------------------------------- */

START_TEST(test_create_rejects_zero_threads_and_null_is_harmless)
{
	ck_assert_ptr_null(dp_thread_pool_create(0, NULL));
	ck_assert_ptr_null(dp_thread_pool_create(SIZE_MAX, NULL));
	ck_assert_uint_eq(dp_thread_pool_threads(NULL), 0);
	dp_thread_pool_destroy(NULL);

	dp_thread_pool *pool = dp_thread_pool_create(3, NULL);
	ck_assert_ptr_nonnull(pool);
	ck_assert_uint_eq(dp_thread_pool_threads(pool), 3);
	dp_thread_pool_destroy(pool);
}
END_TEST

START_TEST(test_submitted_task_runs_once_and_is_destroyed)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(2, NULL);
	dp_thread_pool_task *task = NULL;

	ck_assert_int_eq(dp_thread_pool_submit(
				 pool, counted_new(&record, 1, DP_OK), &task),
	                 DP_OK);
	ck_assert_ptr_nonnull(task);
	ck_assert_int_eq(dp_thread_pool_task_wait(task), DP_OK);
	ck_assert_uint_eq(atomic_load(&record.executed), 1);
	dp_thread_pool_destroy(pool);
	ck_assert_uint_eq(atomic_load(&record.destroyed), 1);
	record_deinit(&record);
}
END_TEST

START_TEST(test_task_error_comes_back_through_its_handle)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(2, NULL);
	dp_thread_pool_task *bad = NULL;
	dp_thread_pool_task *good = NULL;

	dp_thread_pool_submit(pool, counted_new(&record, 1, DP_ERANGE), &bad);
	dp_thread_pool_submit(pool, counted_new(&record, 2, DP_OK), &good);
	ck_assert_int_eq(dp_thread_pool_task_wait(good), DP_OK);
	ck_assert_int_eq(dp_thread_pool_task_wait(bad), DP_ERANGE);
	/* A handle's error is its own: wait_all reports detached ones. */
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_OK);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

START_TEST(test_submit_rejects_bad_arguments_and_keeps_the_command)
{
	static const struct dp_command_ops no_execute = {.name = "x"};
	static const struct dp_command_ops no_name = {
		.execute = counted_execute,
	};
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(1, NULL);
	struct counted *command = (struct counted *)counted_new(&record, 1, 0);
	dp_thread_pool_task *task = (dp_thread_pool_task *)&record;

	ck_assert_int_eq(dp_thread_pool_submit(NULL, &command->base, &task),
	                 DP_EINVAL);
	ck_assert_ptr_null(task);
	ck_assert_int_eq(dp_thread_pool_submit(pool, NULL, NULL), DP_EINVAL);
	command->base.ops = NULL;
	ck_assert_int_eq(dp_thread_pool_submit(pool, &command->base, NULL),
	                 DP_EINVAL);
	command->base.ops = &no_execute;
	ck_assert_int_eq(dp_thread_pool_submit(pool, &command->base, NULL),
	                 DP_EINVAL);
	command->base.ops = &no_name;
	ck_assert_int_eq(dp_thread_pool_submit(pool, &command->base, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_OK);
	ck_assert_uint_eq(atomic_load(&record.executed), 0);
	ck_assert_uint_eq(atomic_load(&record.destroyed), 0);
	free(command);
	ck_assert_int_eq(dp_thread_pool_task_wait(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_thread_pool_wait_all(NULL), DP_EINVAL);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

START_TEST(test_wait_all_waits_for_every_task)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(4, NULL);

	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(
			dp_thread_pool_submit(
				pool, counted_new(&record, i, DP_OK), NULL),
			DP_OK);
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_OK);
	ck_assert_uint_eq(atomic_load(&record.executed), 1000);
	ck_assert_uint_eq(atomic_load(&record.destroyed), 1000);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

START_TEST(test_wait_all_reports_the_first_detached_error_once)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(1, NULL);

	dp_thread_pool_submit(pool, counted_new(&record, 1, DP_OK), NULL);
	dp_thread_pool_submit(pool, counted_new(&record, 2, DP_EIO), NULL);
	dp_thread_pool_submit(pool, counted_new(&record, 3, DP_ERANGE), NULL);
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_EIO);
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_OK);
	ck_assert_uint_eq(atomic_load(&record.executed), 3);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

/* Cancellation has a code of its own, so a task's own DP_ENOENT is an
 * error like any other (it was once taken for "cancelled" and dropped). */
START_TEST(test_a_detached_task_returning_enoent_is_reported)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(1, NULL);

	dp_thread_pool_submit(pool, counted_new(&record, 1, DP_ENOENT), NULL);
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_ENOENT);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

START_TEST(test_one_worker_runs_tasks_in_submission_order)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(1, NULL);

	for (int i = 0; i < 20; i++)
		dp_thread_pool_submit(pool, counted_new(&record, i, DP_OK),
		                      NULL);
	dp_thread_pool_wait_all(pool);
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(record.order[i], i);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

/* A task that submits a follow-up task to the same pool. */
struct spawner {
	struct dp_command base; /* Base. Must be first. */
	dp_thread_pool *pool;
	struct record *record;
	int depth;
};

static int spawner_execute(struct dp_command *command);

static void spawner_destroy(struct dp_command *command)
{
	free(dp_container_of(command, struct spawner, base));
}

static const struct dp_command_ops spawner_ops = {
	.name = "spawner",
	.execute = spawner_execute,
	.destroy = spawner_destroy,
};

static int spawner_execute(struct dp_command *command)
{
	struct spawner *self = dp_container_of(command, struct spawner, base);

	atomic_fetch_add(&self->record->executed, 1);
	if (self->depth == 0)
		return DP_OK;
	struct spawner *child = calloc(1, sizeof(*child));
	if (child == NULL)
		return DP_ENOMEM;
	*child = (struct spawner){
		.base = {.ops = &spawner_ops},
		.pool = self->pool,
		.record = self->record,
		.depth = self->depth - 1,
	};
	int rc = dp_thread_pool_submit(self->pool, &child->base, NULL);
	if (rc != DP_OK)
		free(child);
	return rc;
}

START_TEST(test_tasks_may_submit_tasks_and_wait_all_sees_them)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(2, NULL);
	struct spawner *root = calloc(1, sizeof(*root));

	*root = (struct spawner){
		.base = {.ops = &spawner_ops},
		.pool = pool,
		.record = &record,
		.depth = 9,
	};
	ck_assert_int_eq(dp_thread_pool_submit(pool, &root->base, NULL), DP_OK);
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_OK);
	ck_assert_uint_eq(atomic_load(&record.executed), 10);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

struct submitter {
	dp_thread_pool *pool;
	struct record *record;
};

static void *submit_many(void *arg)
{
	struct submitter *submitter = arg;

	for (int i = 0; i < 250; i++)
		dp_thread_pool_submit(submitter->pool,
		                      counted_new(submitter->record, i, DP_OK),
		                      NULL);
	return NULL;
}

START_TEST(test_several_threads_can_submit_at_once)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(2, NULL);
	struct submitter submitter = {pool, &record};
	pthread_t threads[4];

	for (size_t i = 0; i < DP_ARRAY_SIZE(threads); i++)
		pthread_create(&threads[i], NULL, submit_many, &submitter);
	for (size_t i = 0; i < DP_ARRAY_SIZE(threads); i++)
		pthread_join(threads[i], NULL);
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_OK);
	ck_assert_uint_eq(atomic_load(&record.executed), 1000);
	ck_assert_uint_eq(atomic_load(&record.destroyed), 1000);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

/* ---- shutdown ------------------------------------------------------------ */

START_TEST(test_drain_shutdown_runs_every_queued_task)
{
	struct record record;
	record_init(&record);
	struct gate gate;
	gate_init(&gate);
	dp_thread_pool *pool = dp_thread_pool_create(1, NULL);

	dp_thread_pool_submit(pool, &gate.base, NULL);
	gate_wait_started(&gate);
	for (int i = 0; i < 10; i++)
		dp_thread_pool_submit(pool, counted_new(&record, i, DP_OK),
		                      NULL);
	/* All ten are queued behind the gate when it opens. */
	ck_assert_uint_eq(atomic_load(&record.executed), 0);
	gate_open(&gate);
	ck_assert_int_eq(dp_thread_pool_shutdown(pool, DP_THREAD_POOL_DRAIN),
	                 0);
	ck_assert_uint_eq(atomic_load(&record.executed), 10);
	ck_assert_uint_eq(atomic_load(&record.destroyed), 10);
	dp_thread_pool_destroy(pool);
	gate_deinit(&gate);
	record_deinit(&record);
}
END_TEST

struct shutdown_call {
	dp_thread_pool *pool;
	int result;
};

static void *call_cancel(void *arg)
{
	struct shutdown_call *call = arg;

	call->result =
		dp_thread_pool_shutdown(call->pool, DP_THREAD_POOL_CANCEL);
	return NULL;
}

START_TEST(test_cancel_shutdown_destroys_queued_tasks_without_running_them)
{
	struct record record;
	record_init(&record);
	struct gate gate;
	gate_init(&gate);
	dp_thread_pool *pool = dp_thread_pool_create(1, NULL);
	dp_thread_pool_task *tasks[5];

	dp_thread_pool_submit(pool, &gate.base, NULL);
	gate_wait_started(&gate);
	for (int i = 0; i < 5; i++)
		dp_thread_pool_submit(pool, counted_new(&record, i, DP_OK),
		                      &tasks[i]);

	/* The shutdown joins the worker, which the gate holds: run it on
	 * another thread, open the gate once all five are destroyed. */
	struct shutdown_call call = {pool, -100};
	pthread_t thread;
	pthread_create(&thread, NULL, call_cancel, &call);
	pthread_mutex_lock(&record.lock);
	while (atomic_load(&record.destroyed) < 5)
		pthread_cond_wait(&record.changed, &record.lock);
	pthread_mutex_unlock(&record.lock);
	gate_open(&gate);
	pthread_join(thread, NULL);

	ck_assert_int_eq(call.result, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(dp_thread_pool_task_wait(tasks[i]),
		                 DP_ECANCELED);
	ck_assert_uint_eq(atomic_load(&record.executed), 0);
	dp_thread_pool_destroy(pool);
	gate_deinit(&gate);
	record_deinit(&record);
}
END_TEST

START_TEST(test_submit_after_shutdown_is_ebusy_and_keeps_the_command)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(2, NULL);
	struct dp_command *command = counted_new(&record, 1, DP_OK);
	dp_thread_pool_task *task = NULL;

	ck_assert_int_eq(dp_thread_pool_shutdown(pool, DP_THREAD_POOL_CANCEL),
	                 0);
	ck_assert_int_eq(dp_thread_pool_submit(pool, command, &task), DP_EBUSY);
	ck_assert_ptr_null(task);
	ck_assert_uint_eq(atomic_load(&record.destroyed), 0);
	ck_assert_int_eq(dp_thread_pool_wait_all(pool), DP_OK);
	dp_command_destroy(command);
	dp_thread_pool_destroy(pool);
	record_deinit(&record);
}
END_TEST

START_TEST(test_shutdown_rejects_bad_arguments_and_runs_once)
{
	dp_thread_pool *pool = dp_thread_pool_create(1, NULL);

	ck_assert_int_eq(dp_thread_pool_shutdown(NULL, DP_THREAD_POOL_DRAIN),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_thread_pool_shutdown(
				 pool, (enum dp_thread_pool_shutdown_mode)7),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_thread_pool_shutdown(pool, DP_THREAD_POOL_DRAIN),
	                 0);
	ck_assert_int_eq(dp_thread_pool_shutdown(pool, DP_THREAD_POOL_CANCEL),
	                 0);
	dp_thread_pool_destroy(pool);
}
END_TEST

START_TEST(test_destroy_drains_pending_tasks)
{
	struct record record;
	record_init(&record);
	dp_thread_pool *pool = dp_thread_pool_create(2, NULL);

	for (int i = 0; i < 50; i++)
		dp_thread_pool_submit(pool, counted_new(&record, i, DP_OK),
		                      NULL);
	dp_thread_pool_destroy(pool);
	ck_assert_uint_eq(atomic_load(&record.executed), 50);
	ck_assert_uint_eq(atomic_load(&record.destroyed), 50);
	record_deinit(&record);
}
END_TEST

/* ---- map ------------------------------------------------------------------ */

struct coverage {
	unsigned char *hits;
	size_t calls[8];
	pthread_t caller;
	bool on_caller;
	int fail_chunk_from;
};

static int cover(void *ctx, size_t chunk, size_t begin, size_t end)
{
	struct coverage *coverage = ctx;

	for (size_t i = begin; i < end; i++)
		coverage->hits[i]++;
	coverage->calls[chunk]++;
	if (pthread_equal(pthread_self(), coverage->caller))
		coverage->on_caller = true;
	return coverage->fail_chunk_from >= 0 &&
	                       chunk >= (size_t)coverage->fail_chunk_from
	               ? DP_ERANGE - (int)chunk
	               : DP_OK;
}

static const struct {
	size_t count;
	size_t min_chunk;
	size_t chunks;
} MAPS[] = {
	{1, 1, 1},    {7, 1, 4},   {1000, 1, 4}, {1000, 300, 3},
	{1000, 0, 4}, {99, 50, 1}, {10, 100, 1}, {1001, 250, 4},
};

START_TEST(test_map_covers_every_index_exactly_once)
{
	dp_thread_pool *pool = dp_thread_pool_create(4, NULL);
	size_t count = MAPS[_i].count;
	struct coverage coverage = {
		.hits = calloc(count, 1),
		.caller = pthread_self(),
		.fail_chunk_from = -1,
	};

	ck_assert_uint_eq(
		dp_thread_pool_map_chunks(pool, count, MAPS[_i].min_chunk),
		MAPS[_i].chunks);
	ck_assert_int_eq(dp_thread_pool_map(pool, count, MAPS[_i].min_chunk,
	                                    cover, &coverage),
	                 DP_OK);
	for (size_t i = 0; i < count; i++)
		ck_assert_uint_eq(coverage.hits[i], 1);
	for (size_t c = 0; c < MAPS[_i].chunks; c++)
		ck_assert_uint_eq(coverage.calls[c], 1);
	/* One chunk runs on the caller; several never do. */
	ck_assert(coverage.on_caller == (MAPS[_i].chunks == 1));
	free(coverage.hits);
	dp_thread_pool_destroy(pool);
}
END_TEST

START_TEST(test_map_reports_the_lowest_failing_chunk_after_running_all)
{
	dp_thread_pool *pool = dp_thread_pool_create(4, NULL);
	struct coverage coverage = {
		.hits = calloc(100, 1),
		.caller = pthread_self(),
		.fail_chunk_from = 1,
	};

	ck_assert_int_eq(dp_thread_pool_map(pool, 100, 1, cover, &coverage),
	                 DP_ERANGE - 1);
	for (size_t i = 0; i < 100; i++)
		ck_assert_uint_eq(coverage.hits[i], 1);
	free(coverage.hits);
	dp_thread_pool_destroy(pool);
}
END_TEST

START_TEST(test_map_rejects_bad_arguments_and_a_stopped_pool)
{
	dp_thread_pool *pool = dp_thread_pool_create(2, NULL);
	struct coverage coverage = {.caller = pthread_self(),
	                            .fail_chunk_from = -1};

	ck_assert_int_eq(dp_thread_pool_map(NULL, 10, 1, cover, &coverage),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_thread_pool_map(pool, 10, 1, NULL, &coverage),
	                 DP_EINVAL);
	ck_assert_uint_eq(dp_thread_pool_map_chunks(NULL, 10, 1), 0);
	ck_assert_uint_eq(dp_thread_pool_map_chunks(pool, 0, 1), 0);
	ck_assert_int_eq(dp_thread_pool_map(pool, 0, 1, cover, &coverage),
	                 DP_OK);
	dp_thread_pool_shutdown(pool, DP_THREAD_POOL_DRAIN);
	ck_assert_int_eq(dp_thread_pool_map(pool, 10, 1, cover, &coverage),
	                 DP_EBUSY);
	ck_assert_uint_eq(coverage.calls[0], 0);
	dp_thread_pool_destroy(pool);
}
END_TEST

struct partial_sums {
	const uint64_t *values;
	uint64_t sums[4];
};

static int sum_range(void *ctx, size_t chunk, size_t begin, size_t end)
{
	struct partial_sums *partial = ctx;
	uint64_t sum = 0;

	for (size_t i = begin; i < end; i++)
		sum += partial->values[i];
	partial->sums[chunk] = sum;
	return DP_OK;
}

START_TEST(test_parallel_sum_equals_serial_sum)
{
	enum { N = 100003 };
	uint64_t *values = malloc(N * sizeof(*values));
	uint64_t seed = 7;
	uint64_t serial = 0;

	for (size_t i = 0; i < N; i++) {
		values[i] = dp_random_next(&seed) >> 16;
		serial += values[i];
	}
	dp_thread_pool *pool = dp_thread_pool_create(4, NULL);
	struct partial_sums partial = {.values = values};
	ck_assert_int_eq(dp_thread_pool_map(pool, N, 1000, sum_range, &partial),
	                 DP_OK);
	uint64_t parallel = 0;
	for (size_t c = 0; c < dp_thread_pool_map_chunks(pool, N, 1000); c++)
		parallel += partial.sums[c];
	ck_assert_uint_eq(parallel, serial);
	dp_thread_pool_destroy(pool);
	free(values);
}
END_TEST

/* ---- memory ---------------------------------------------------------------- */

START_TEST(test_create_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);

		dp_thread_pool *pool = dp_thread_pool_create(2, &failing.base);
		if (!failing.failed) {
			ck_assert_ptr_nonnull(pool);
			dp_thread_pool_destroy(pool);
			ck_assert_uint_eq(counter.live_blocks, 0);
			ck_assert_uint_eq(n, 3);
			break;
		}
		ck_assert_ptr_null(pool);
		ck_assert_uint_eq(counter.live_blocks, 0);
	}
}
END_TEST

START_TEST(test_submit_and_map_fail_cleanly_without_memory)
{
	struct record record;
	record_init(&record);
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	struct locked_allocator locked;
	dp_counting_allocator_init(&counter, NULL);
	dp_failing_allocator_init(&failing, 0, &counter.base);
	locked_init(&locked, &failing.base);
	dp_thread_pool *pool = dp_thread_pool_create(2, &locked.base);
	struct dp_command *command = counted_new(&record, 1, DP_OK);
	dp_thread_pool_task *task = NULL;
	struct coverage coverage = {.caller = pthread_self(),
	                            .fail_chunk_from = -1};

	fail_next_request(&locked, &failing);
	ck_assert_int_eq(dp_thread_pool_submit(pool, command, &task),
	                 DP_ENOMEM);
	ck_assert_ptr_null(task);

	fail_next_request(&locked, &failing);
	ck_assert_int_eq(dp_thread_pool_map(pool, 100, 1, cover, &coverage),
	                 DP_ENOMEM);
	ck_assert_uint_eq(coverage.calls[0] + coverage.calls[1], 0);

	/* Both failures left everything usable. */
	ck_assert_int_eq(dp_thread_pool_submit(pool, command, &task), DP_OK);
	ck_assert_int_eq(dp_thread_pool_task_wait(task), DP_OK);
	for (int i = 0; i < 100; i++)
		dp_thread_pool_submit(pool, counted_new(&record, i, DP_OK),
		                      NULL);
	dp_thread_pool_destroy(pool);
	ck_assert_uint_eq(atomic_load(&record.executed), 101);
	ck_assert_uint_eq(counter.live_blocks, 0);
	pthread_mutex_destroy(&locked.lock);
	record_deinit(&record);
}
END_TEST

static Suite *parallel_suite(void)
{
	Suite *suite = suite_create("parallel");
	TCase *basics = dp_test_case(suite, "submit and wait");
	tcase_add_test(basics,
	               test_create_rejects_zero_threads_and_null_is_harmless);
	tcase_add_test(basics, test_submitted_task_runs_once_and_is_destroyed);
	tcase_add_test(basics, test_task_error_comes_back_through_its_handle);
	tcase_add_test(basics,
	               test_submit_rejects_bad_arguments_and_keeps_the_command);
	tcase_add_test(basics, test_wait_all_waits_for_every_task);
	tcase_add_test(basics,
	               test_wait_all_reports_the_first_detached_error_once);
	tcase_add_test(basics,
	               test_a_detached_task_returning_enoent_is_reported);
	tcase_add_test(basics, test_one_worker_runs_tasks_in_submission_order);
	tcase_add_test(basics,
	               test_tasks_may_submit_tasks_and_wait_all_sees_them);
	tcase_add_test(basics, test_several_threads_can_submit_at_once);

	TCase *shutdown = dp_test_case(suite, "shutdown");
	tcase_add_test(shutdown, test_drain_shutdown_runs_every_queued_task);
	tcase_add_test(
		shutdown,
		test_cancel_shutdown_destroys_queued_tasks_without_running_them);
	tcase_add_test(
		shutdown,
		test_submit_after_shutdown_is_ebusy_and_keeps_the_command);
	tcase_add_test(shutdown,
	               test_shutdown_rejects_bad_arguments_and_runs_once);
	tcase_add_test(shutdown, test_destroy_drains_pending_tasks);

	TCase *map = dp_test_case(suite, "map");
	tcase_add_loop_test(map, test_map_covers_every_index_exactly_once, 0,
	                    (int)DP_ARRAY_SIZE(MAPS));
	tcase_add_test(
		map,
		test_map_reports_the_lowest_failing_chunk_after_running_all);
	tcase_add_test(map, test_map_rejects_bad_arguments_and_a_stopped_pool);
	tcase_add_test(map, test_parallel_sum_equals_serial_sum);

	TCase *memory = dp_test_case(suite, "memory");
	tcase_add_test(memory, test_create_fails_cleanly_at_every_allocation);
	tcase_add_test(memory, test_submit_and_map_fail_cleanly_without_memory);
	return suite;
}

int main(void)
{
	return dp_test_run(parallel_suite());
}
