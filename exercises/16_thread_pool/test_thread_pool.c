/*
 * The graded tests of exercise 16. Each test runs in its own process. No
 * test measures time: where an order of events matters, the tasks wait
 * for each other on condition variables and barriers, so the same events
 * happen in the same order on every machine. Run them with
 * `make test EX=16_thread_pool`, and the race test under ThreadSanitizer
 * with `make tsan EX=16_thread_pool`.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t, sched_yield */

#include "grade.h"
#include "grade_assert.h"
#include "thread_pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

/* ---- a gate: a task waits until another one has started ------------------ */

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool open;
};

static void gate_init(struct gate *gate)
{
	pthread_mutex_init(&gate->lock, NULL);
	pthread_cond_init(&gate->changed, NULL);
	gate->open = false;
}

static void gate_open(struct gate *gate)
{
	pthread_mutex_lock(&gate->lock);
	gate->open = true;
	pthread_cond_broadcast(&gate->changed);
	pthread_mutex_unlock(&gate->lock);
}

static void gate_pass(struct gate *gate)
{
	pthread_mutex_lock(&gate->lock);
	while (!gate->open)
		pthread_cond_wait(&gate->changed, &gate->lock);
	pthread_mutex_unlock(&gate->lock);
}

static void gate_deinit(struct gate *gate)
{
	pthread_cond_destroy(&gate->changed);
	pthread_mutex_destroy(&gate->lock);
}

/* ---- a counted task ------------------------------------------------------ */

/*
 * A task that counts its runs and its destroys, returns a chosen code and
 * writes a payload that the submitter reads after waiting: the pool must
 * order that write before the read (ThreadSanitizer checks it).
 */
struct counted_task {
	struct ex_task base; /* Base. Must be first. */
	int id;
	int code;        /* what execute returns */
	atomic_int runs; /* executes, exact even if two ran at once */
	atomic_int destroys;
	long payload;          /* written by execute: id * 3 + 1 */
	atomic_int *total;     /* optional: every execute of a group */
	ex_thread_pool *probe; /* optional: spin until it is stopping */
	struct gate *started;  /* optional: opened when execute starts */
};

static int counted_execute(struct ex_task *task)
{
	struct counted_task *t =
		dp_container_of(task, struct counted_task, base);

	atomic_fetch_add(&t->runs, 1);
	if (t->started != NULL)
		gate_open(t->started);
	if (t->total != NULL)
		atomic_fetch_add(t->total, 1);
	/* A blocker holds its worker until the shutdown has begun, so the
	 * tasks queued behind it are still queued when it does. It waits
	 * for an event, not for a time: no pass depends on the clock. */
	if (t->probe != NULL)
		while (!ex_thread_pool_is_stopping(t->probe))
			sched_yield();
	t->payload = (long)t->id * 3 + 1;
	return t->code;
}

static void counted_destroy(struct ex_task *task)
{
	struct counted_task *t =
		dp_container_of(task, struct counted_task, base);

	atomic_fetch_add(&t->destroys, 1);
}

static const struct ex_task_ops counted_ops = {
	.name = "counted",
	.execute = counted_execute,
	.destroy = counted_destroy,
};

static void counted_init(struct counted_task *t, int id, int code)
{
	t->base.ops = &counted_ops;
	t->id = id;
	t->code = code;
	atomic_init(&t->runs, 0);
	atomic_init(&t->destroys, 0);
	t->payload = 0;
	t->total = NULL;
	t->probe = NULL;
	t->started = NULL;
}

/* The codes the counted tasks of a group return, by id. */
static int code_for(int id)
{
	static const int codes[] = {DP_OK, DP_ENOENT, DP_EEXIST, DP_ERANGE,
	                            DP_EIO};

	return codes[id % (int)DP_ARRAY_SIZE(codes)];
}

/* A poison for a ticket the call must set to NULL on an error. */
#define POISON_TICKET ((ex_thread_pool_ticket *)(uintptr_t)0x5a5a5a5a)

/* A task that may wait at one gate before it returns, and may open
 * another as it starts. */
struct gated_task {
	struct ex_task base; /* Base. Must be first. */
	int code;
	struct gate *wait_for; /* optional */
	struct gate *opens;    /* optional */
};

static int gated_execute(struct ex_task *task)
{
	struct gated_task *t = dp_container_of(task, struct gated_task, base);

	if (t->opens != NULL)
		gate_open(t->opens);
	if (t->wait_for != NULL)
		gate_pass(t->wait_for);
	return t->code;
}

static const struct ex_task_ops gated_ops = {
	.name = "gated",
	.execute = gated_execute,
};

/* ---- tickets ------------------------------------------------------------- */

START_TEST(test_submitted_task_runs_and_its_ticket_returns_the_result)
{
	ex_thread_pool *pool = ex_thread_pool_create(2, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(2, NULL) failed");
	struct counted_task ok, failing;
	counted_init(&ok, 1, DP_OK);
	counted_init(&failing, 2, DP_ERANGE);
	ex_thread_pool_ticket *ok_ticket = NULL, *failing_ticket = NULL;

	grade_assert_code(ex_thread_pool_submit(pool, &ok.base, &ok_ticket),
	                  DP_OK);
	ck_assert_msg(ok_ticket != NULL,
	              "ex_thread_pool_submit returned DP_OK but set no ticket");
	grade_assert_code(
		ex_thread_pool_submit(pool, &failing.base, &failing_ticket),
		DP_OK);
	ck_assert_msg(failing_ticket != NULL,
	              "ex_thread_pool_submit returned DP_OK but set no ticket");
	grade_assert_code(ex_thread_pool_wait(ok_ticket), DP_OK);
	grade_assert_code(ex_thread_pool_wait(failing_ticket), DP_ERANGE);
	ck_assert_msg(atomic_load(&ok.runs) == 1 &&
	                      atomic_load(&failing.runs) == 1,
	              "each task should have run once before its ticket "
	              "returned, they ran %d and %d times",
	              atomic_load(&ok.runs), atomic_load(&failing.runs));
	ck_assert_msg(atomic_load(&ok.destroys) == 1 &&
	                      atomic_load(&failing.destroys) == 1,
	              "each task should have been destroyed once after it "
	              "ran, they were destroyed %d and %d times",
	              atomic_load(&ok.destroys),
	              atomic_load(&failing.destroys));
	ck_assert_msg(ok.payload == 4 && failing.payload == 7,
	              "the tasks' own writes should be visible after their "
	              "tickets returned: payloads 4 and 7, got %ld and %ld",
	              ok.payload, failing.payload);
	ex_thread_pool_destroy(pool);
}
END_TEST

START_TEST(test_submit_wait_and_shutdown_reject_bad_arguments)
{
	static const struct ex_task_ops no_execute = {.name = "no execute"};
	static const struct ex_task_ops no_name = {.execute = counted_execute};
	ex_thread_pool *pool = ex_thread_pool_create(1, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(1, NULL) failed");
	struct counted_task task;
	counted_init(&task, 1, DP_OK);
	struct ex_task no_ops = {.ops = NULL};
	struct ex_task bad_execute = {.ops = &no_execute};
	struct ex_task bad_name = {.ops = &no_name};
	ex_thread_pool_ticket *ticket = POISON_TICKET;

	grade_assert_code(ex_thread_pool_submit(NULL, &task.base, &ticket),
	                  DP_EINVAL);
	ck_assert_msg(ticket == NULL, "a failed submit must set *ticket to "
	                              "NULL");
	ticket = POISON_TICKET;
	grade_assert_code(ex_thread_pool_submit(pool, NULL, &ticket),
	                  DP_EINVAL);
	ck_assert_msg(ticket == NULL, "a failed submit must set *ticket to "
	                              "NULL");
	grade_assert_code(ex_thread_pool_submit(pool, &no_ops, &ticket),
	                  DP_EINVAL);
	grade_assert_code(ex_thread_pool_submit(pool, &bad_execute, &ticket),
	                  DP_EINVAL);
	grade_assert_code(ex_thread_pool_submit(pool, &bad_name, &ticket),
	                  DP_EINVAL);
	grade_assert_code(ex_thread_pool_submit(pool, &task.base, NULL),
	                  DP_EINVAL);
	grade_assert_code(ex_thread_pool_wait(NULL), DP_EINVAL);
	grade_assert_code(ex_thread_pool_shutdown(NULL, EX_THREAD_POOL_DRAIN),
	                  DP_EINVAL);
	grade_assert_code(ex_thread_pool_shutdown(
				  pool, (enum ex_thread_pool_shutdown_mode)7),
	                  DP_EINVAL);
	ck_assert_msg(!ex_thread_pool_is_stopping(NULL),
	              "ex_thread_pool_is_stopping(NULL) should be false");
	ck_assert_msg(atomic_load(&task.runs) == 0 &&
	                      atomic_load(&task.destroys) == 0,
	              "a refused task belongs to its caller: it must not run "
	              "or be destroyed, it ran %d and was destroyed %d times",
	              atomic_load(&task.runs), atomic_load(&task.destroys));

	/* A shutdown with a bad mode must not have stopped the pool. */
	ck_assert_msg(!ex_thread_pool_is_stopping(pool),
	              "a shutdown refused with DP_EINVAL must change nothing, "
	              "but the pool is stopping");
	grade_assert_code(ex_thread_pool_submit(pool, &task.base, &ticket),
	                  DP_OK);
	grade_assert_code(ex_thread_pool_wait(ticket), DP_OK);
	ex_thread_pool_destroy(pool);
}
END_TEST

enum { ORDER_TASKS = 40 };

/* Tasks that log their ids: with one worker they run one at a time. */
struct order_log {
	int ids[ORDER_TASKS];
	int length;
};

struct logged_task {
	struct ex_task base; /* Base. Must be first. */
	int id;
	struct order_log *log;
};

static int logged_execute(struct ex_task *task)
{
	struct logged_task *t = dp_container_of(task, struct logged_task, base);

	if (t->log->length < ORDER_TASKS)
		t->log->ids[t->log->length] = t->id;
	t->log->length++;
	return DP_OK;
}

static const struct ex_task_ops logged_ops = {
	.name = "logged",
	.execute = logged_execute,
};

START_TEST(test_tasks_start_in_submission_order)
{
	ex_thread_pool *pool = ex_thread_pool_create(1, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(1, NULL) failed");
	struct order_log log = {.length = 0};
	struct logged_task tasks[ORDER_TASKS];
	ex_thread_pool_ticket *tickets[ORDER_TASKS];

	for (int i = 0; i < ORDER_TASKS; i++) {
		tasks[i] = (struct logged_task){
			.base = {.ops = &logged_ops}, .id = i, .log = &log};
		grade_assert_code(ex_thread_pool_submit(pool, &tasks[i].base,
		                                        &tickets[i]),
		                  DP_OK);
	}
	for (int i = 0; i < ORDER_TASKS; i++)
		grade_assert_code(ex_thread_pool_wait(tickets[i]), DP_OK);
	ck_assert_msg(log.length == ORDER_TASKS,
	              "%d tasks were submitted and waited for, %d ran",
	              ORDER_TASKS, log.length);
	for (int i = 0; i < ORDER_TASKS; i++)
		ck_assert_msg(log.ids[i] == i,
		              "with one worker, tasks must run in the order "
		              "submitted (first in, first out): run number %d "
		              "was task %d",
		              i, log.ids[i]);
	ex_thread_pool_destroy(pool);
}
END_TEST

enum { ONCE_TASKS = 300 };

START_TEST(test_every_task_runs_exactly_once)
{
	ex_thread_pool *pool = ex_thread_pool_create(4, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(4, NULL) failed");
	static struct counted_task tasks[ONCE_TASKS];
	static ex_thread_pool_ticket *tickets[ONCE_TASKS];
	atomic_int total;
	atomic_init(&total, 0);

	for (int i = 0; i < ONCE_TASKS; i++) {
		counted_init(&tasks[i], i, code_for(i));
		tasks[i].total = &total;
		grade_assert_code(ex_thread_pool_submit(pool, &tasks[i].base,
		                                        &tickets[i]),
		                  DP_OK);
	}
	for (int i = 0; i < ONCE_TASKS; i++) {
		int rc = ex_thread_pool_wait(tickets[i]);
		ck_assert_msg(rc == code_for(i),
		              "the ticket of task %d should return what that "
		              "task's execute returned, %s, it returned %s",
		              i, dp_error_name(code_for(i)), dp_error_name(rc));
	}
	for (int i = 0; i < ONCE_TASKS; i++) {
		int runs = atomic_load(&tasks[i].runs);
		int destroys = atomic_load(&tasks[i].destroys);
		ck_assert_msg(runs == 1 && destroys == 1,
		              "task %d of %d ran %d times and was destroyed %d "
		              "times; each must run once and be destroyed once",
		              i, ONCE_TASKS, runs, destroys);
		ck_assert_msg(tasks[i].payload == (long)i * 3 + 1,
		              "task %d's write is not visible after its ticket "
		              "returned",
		              i);
	}
	ck_assert_int_eq(atomic_load(&total), ONCE_TASKS);
	ex_thread_pool_destroy(pool);
}
END_TEST

START_TEST(test_each_ticket_keeps_its_own_result_whatever_order_tasks_finish)
{
	ex_thread_pool *pool = ex_thread_pool_create(2, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(2, NULL) failed");
	struct gate third_started;
	gate_init(&third_started);
	/* The first task waits until the third has started: with two
	 * workers, the second has then finished, so they finish in the
	 * order second, first (or second, third, first). */
	struct gated_task tasks[3] = {
		{.base = {.ops = &gated_ops},
	         .code = DP_ERANGE,
	         .wait_for = &third_started},
		{.base = {.ops = &gated_ops}, .code = DP_ENOENT},
		{.base = {.ops = &gated_ops},
	         .code = DP_EEXIST,
	         .opens = &third_started},
	};
	ex_thread_pool_ticket *tickets[3];

	for (int i = 0; i < 3; i++)
		grade_assert_code(ex_thread_pool_submit(pool, &tasks[i].base,
		                                        &tickets[i]),
		                  DP_OK);
	int first = ex_thread_pool_wait(tickets[0]);
	int second = ex_thread_pool_wait(tickets[1]);
	int third = ex_thread_pool_wait(tickets[2]);
	ck_assert_msg(first == DP_ERANGE && second == DP_ENOENT &&
	                      third == DP_EEXIST,
	              "three tasks returned DP_ERANGE, DP_ENOENT and "
	              "DP_EEXIST and finished in another order; their "
	              "tickets returned %s, %s and %s: each ticket must "
	              "hold its own task's result",
	              dp_error_name(first), dp_error_name(second),
	              dp_error_name(third));
	ex_thread_pool_destroy(pool);
	gate_deinit(&third_started);
}
END_TEST

/* ---- map ----------------------------------------------------------------- */

enum { MAP_COUNT = 12 };

/* The map's context: which element waits for which, and calls counted. */
struct map_probe {
	long in[MAP_COUNT];
	atomic_int calls[MAP_COUNT];
	int fail_at[2];      /* indexes whose fn fails, or -1 */
	int fail_code[2];    /* their codes */
	int waiter;          /* this element waits ... */
	int waited_for;      /* ... until this one has started */
	struct gate started; /* opened when `waited_for` starts */
};

static long map_value(size_t i)
{
	return (long)i * 10 + 3;
}

static long map_result(long value)
{
	return value * value - 1;
}

static int index_of(const struct map_probe *probe, long value)
{
	for (int i = 0; i < MAP_COUNT; i++)
		if (probe->in[i] == value)
			return i;
	return -1;
}

static int probe_fn(void *ctx, long value, long *result)
{
	struct map_probe *probe = ctx;
	int i = index_of(probe, value);

	if (i < 0)
		return DP_ERANGE;
	atomic_fetch_add(&probe->calls[i], 1);
	if (i == probe->waited_for)
		gate_open(&probe->started);
	if (i == probe->waiter)
		gate_pass(&probe->started);
	for (int k = 0; k < 2; k++)
		if (i == probe->fail_at[k])
			return probe->fail_code[k];
	*result = map_result(value);
	return DP_OK;
}

static int square_fn(void *ctx, long value, long *result)
{
	(void)ctx;
	*result = value * value;
	return DP_OK;
}

static void probe_init(struct map_probe *probe, int waiter, int waited_for)
{
	for (int i = 0; i < MAP_COUNT; i++) {
		probe->in[i] = map_value((size_t)i);
		atomic_init(&probe->calls[i], 0);
	}
	probe->fail_at[0] = probe->fail_at[1] = -1;
	probe->fail_code[0] = probe->fail_code[1] = DP_OK;
	probe->waiter = waiter;
	probe->waited_for = waited_for;
	gate_init(&probe->started);
}

/* Each element's fn must have been called exactly once. */
static void assert_each_called_once(struct map_probe *probe)
{
	for (int i = 0; i < MAP_COUNT; i++) {
		int calls = atomic_load(&probe->calls[i]);
		ck_assert_msg(calls == 1,
		              "fn should be called once for each of the %d "
		              "elements, it was called %d times for element %d",
		              MAP_COUNT, calls, i);
	}
}

START_TEST(test_map_returns_results_in_index_order)
{
	ex_thread_pool *pool = ex_thread_pool_create(2, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(2, NULL) failed");
	static struct map_probe probe;
	/* Element 0 waits until element 2 has started: with two workers,
	 * element 1 has then finished, so element 0 finishes after it. */
	probe_init(&probe, 0, 2);
	long out[MAP_COUNT];
	for (int i = 0; i < MAP_COUNT; i++)
		out[i] = -1;

	grade_assert_code(ex_thread_pool_map(pool, probe_fn, &probe, probe.in,
	                                     out, MAP_COUNT),
	                  DP_OK);
	assert_each_called_once(&probe);
	for (int i = 0; i < MAP_COUNT; i++) {
		long expected = map_result(probe.in[i]);
		int from = -1;
		for (int j = 0; j < MAP_COUNT; j++)
			if (out[i] == map_result(probe.in[j]))
				from = j;
		ck_assert_msg(out[i] == expected,
		              "out[%d] should be fn(in[%d]) = %ld, it is %ld "
		              "(%s%d): results go in index order, not in the "
		              "order the elements finished (element 0 finished "
		              "after element 1)",
		              i, i, expected, out[i],
		              from >= 0 ? "the result of element "
		                        : "no element ",
		              from);
	}
	ex_thread_pool_destroy(pool);
	gate_deinit(&probe.started);
}
END_TEST

START_TEST(test_map_reports_the_lowest_failing_index)
{
	ex_thread_pool *pool = ex_thread_pool_create(2, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(2, NULL) failed");
	static struct map_probe probe;
	/* Elements 3 and 7 fail; 3 waits until 8 has started, so 7 fails
	 * first. */
	probe_init(&probe, 3, 8);
	probe.fail_at[0] = 3;
	probe.fail_code[0] = DP_ERANGE;
	probe.fail_at[1] = 7;
	probe.fail_code[1] = DP_ENOENT;
	long out[MAP_COUNT];
	for (int i = 0; i < MAP_COUNT; i++)
		out[i] = -1;

	int rc = ex_thread_pool_map(pool, probe_fn, &probe, probe.in, out,
	                            MAP_COUNT);
	ck_assert_msg(rc == DP_ERANGE,
	              "elements 3 (DP_ERANGE) and 7 (DP_ENOENT) failed, 7 "
	              "first; the map should report the lowest index's "
	              "error, DP_ERANGE, it returned %s",
	              dp_error_name(rc));
	assert_each_called_once(&probe);
	for (int i = 0; i < MAP_COUNT; i++) {
		long expected = i == 3 || i == 7 ? -1 : map_result(probe.in[i]);
		ck_assert_msg(out[i] == expected,
		              "out[%d] should be %ld (%s), it is %ld", i,
		              expected,
		              expected == -1 ? "untouched: its fn failed"
		                             : "fn(in[i])",
		              out[i]);
	}
	ex_thread_pool_destroy(pool);
	gate_deinit(&probe.started);
}
END_TEST

START_TEST(test_map_checks_its_arguments)
{
	ex_thread_pool *pool = ex_thread_pool_create(2, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(2, NULL) failed");
	static struct map_probe probe;
	probe_init(&probe, -1, -1);
	long out[MAP_COUNT];

	grade_assert_code(
		ex_thread_pool_map(NULL, probe_fn, &probe, probe.in, out, 3),
		DP_EINVAL);
	grade_assert_code(
		ex_thread_pool_map(pool, NULL, &probe, probe.in, out, 3),
		DP_EINVAL);
	grade_assert_code(
		ex_thread_pool_map(pool, probe_fn, &probe, NULL, out, 3),
		DP_EINVAL);
	grade_assert_code(
		ex_thread_pool_map(pool, probe_fn, &probe, probe.in, NULL, 3),
		DP_EINVAL);
	grade_assert_code(
		ex_thread_pool_map(pool, probe_fn, &probe, NULL, NULL, 0),
		DP_OK);
	for (int i = 0; i < MAP_COUNT; i++)
		ck_assert_msg(atomic_load(&probe.calls[i]) == 0,
		              "fn must not be called when the map is refused "
		              "or has no elements");
	/* In place: `out` may be `in`. */
	long values[4] = {1, 2, 3, 4};
	grade_assert_code(
		ex_thread_pool_map(pool, square_fn, NULL, values, values, 4),
		DP_OK);
	ck_assert_msg(values[0] == 1 && values[1] == 4 && values[2] == 9 &&
	                      values[3] == 16,
	              "a map in place (out == in) of the squares of 1 2 3 4 "
	              "should give 1 4 9 16, it gave %ld %ld %ld %ld",
	              values[0], values[1], values[2], values[3]);
	ex_thread_pool_destroy(pool);
	gate_deinit(&probe.started);
}
END_TEST

/* ---- shutdown ------------------------------------------------------------ */

enum { PENDING = 20 };

/*
 * One worker, busy with a blocker that returns only once the shutdown has
 * begun, and PENDING counted tasks queued behind it: they are all still
 * queued when `mode`'s shutdown is called. Returns what it returned.
 */
struct pending_run {
	struct gate started; /* opened when the blocker starts */
	struct counted_task blocker;
	struct counted_task tasks[PENDING];
	ex_thread_pool_ticket *blocker_ticket;
	ex_thread_pool_ticket *tickets[PENDING];
};

static int shutdown_with_pending(ex_thread_pool *pool, struct pending_run *run,
                                 enum ex_thread_pool_shutdown_mode mode)
{
	gate_init(&run->started);
	counted_init(&run->blocker, -1, DP_OK);
	run->blocker.probe = pool;
	run->blocker.started = &run->started;
	grade_assert_code(ex_thread_pool_submit(pool, &run->blocker.base,
	                                        &run->blocker_ticket),
	                  DP_OK);
	/* The blocker is running, not queued, before anything else is. */
	gate_pass(&run->started);
	for (int i = 0; i < PENDING; i++) {
		counted_init(&run->tasks[i], i, code_for(i));
		grade_assert_code(ex_thread_pool_submit(pool,
		                                        &run->tasks[i].base,
		                                        &run->tickets[i]),
		                  DP_OK);
	}
	return ex_thread_pool_shutdown(pool, mode);
}

START_TEST(test_drain_shutdown_runs_every_pending_task)
{
	ex_thread_pool *pool = ex_thread_pool_create(1, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(1, NULL) failed");
	static struct pending_run run;

	grade_assert_code(
		shutdown_with_pending(pool, &run, EX_THREAD_POOL_DRAIN), 0);
	/* Counted before any wait, so that a lost task fails here rather
	 * than hanging its waiter. */
	for (int i = 0; i < PENDING; i++) {
		int runs = atomic_load(&run.tasks[i].runs);
		int destroys = atomic_load(&run.tasks[i].destroys);
		ck_assert_msg(
			runs == 1 && destroys == 1,
			"a drain must run every queued task once before "
			"it returns: task %d of %d, queued at the "
			"shutdown, ran %d times and was destroyed %d times",
			i, PENDING, runs, destroys);
	}
	grade_assert_code(ex_thread_pool_wait(run.blocker_ticket), DP_OK);
	for (int i = 0; i < PENDING; i++) {
		int rc = ex_thread_pool_wait(run.tickets[i]);
		ck_assert_msg(rc == code_for(i),
		              "after a drain, task %d's ticket should return "
		              "its result %s, it returned %s",
		              i, dp_error_name(code_for(i)), dp_error_name(rc));
	}
	ex_thread_pool_destroy(pool);
}
END_TEST

START_TEST(test_cancel_shutdown_destroys_pending_tasks_unrun)
{
	ex_thread_pool *pool = ex_thread_pool_create(1, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(1, NULL) failed");
	static struct pending_run run;

	int cancelled =
		shutdown_with_pending(pool, &run, EX_THREAD_POOL_CANCEL);
	ck_assert_msg(cancelled == PENDING,
	              "%d tasks were queued behind a running one when the "
	              "cancelling shutdown was called: it should return %d, "
	              "it returned %d",
	              PENDING, PENDING, cancelled);
	for (int i = 0; i < PENDING; i++) {
		int runs = atomic_load(&run.tasks[i].runs);
		int destroys = atomic_load(&run.tasks[i].destroys);
		ck_assert_msg(runs == 0 && destroys == 1,
		              "a cancelled task is destroyed once and never "
		              "run: task %d ran %d times and was destroyed %d "
		              "times",
		              i, runs, destroys);
	}
	grade_assert_code(ex_thread_pool_wait(run.blocker_ticket), DP_OK);
	ck_assert_msg(atomic_load(&run.blocker.runs) == 1 &&
	                      atomic_load(&run.blocker.destroys) == 1,
	              "the task running at the shutdown must finish and be "
	              "destroyed once");
	for (int i = 0; i < PENDING; i++)
		grade_assert_code(ex_thread_pool_wait(run.tickets[i]),
		                  DP_ECANCELED);
	ex_thread_pool_destroy(pool);
}
END_TEST

enum { JOIN_THREADS = 4 };

/* Each worker that ran a task sets this key: its destructor runs when the
 * worker thread ends, before a pthread_join of it can return. */
static pthread_key_t exit_key;
static atomic_int workers_ended;

static void count_ended(void *value)
{
	(void)value;
	/* A longer way out: a shutdown that does not join its workers then
	 * returns before they count themselves, almost always. One that
	 * joins them waits for this, so it passes whatever the machine. */
	for (int i = 0; i < 200; i++)
		sched_yield();
	atomic_fetch_add(&workers_ended, 1);
}

struct marking_task {
	struct ex_task base; /* Base. Must be first. */
	pthread_barrier_t *all_busy;
};

static int marking_execute(struct ex_task *task)
{
	struct marking_task *t =
		dp_container_of(task, struct marking_task, base);

	pthread_setspecific(exit_key, &workers_ended);
	/* Every task waits for the others, so each worker runs one. */
	pthread_barrier_wait(t->all_busy);
	return DP_OK;
}

static const struct ex_task_ops marking_ops = {
	.name = "marking",
	.execute = marking_execute,
};

START_TEST(test_shutdown_joins_every_worker)
{
	ck_assert_int_eq(pthread_key_create(&exit_key, count_ended), 0);
	atomic_init(&workers_ended, 0);
	pthread_barrier_t all_busy;
	ck_assert_int_eq(pthread_barrier_init(&all_busy, NULL, JOIN_THREADS),
	                 0);
	ex_thread_pool *pool = ex_thread_pool_create(JOIN_THREADS, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(%d, NULL) failed",
	              JOIN_THREADS);
	struct marking_task tasks[JOIN_THREADS];
	ex_thread_pool_ticket *tickets[JOIN_THREADS];

	for (int i = 0; i < JOIN_THREADS; i++) {
		tasks[i] = (struct marking_task){.base = {.ops = &marking_ops},
		                                 .all_busy = &all_busy};
		grade_assert_code(ex_thread_pool_submit(pool, &tasks[i].base,
		                                        &tickets[i]),
		                  DP_OK);
	}
	for (int i = 0; i < JOIN_THREADS; i++)
		grade_assert_code(ex_thread_pool_wait(tickets[i]), DP_OK);
	grade_assert_code(ex_thread_pool_shutdown(pool, EX_THREAD_POOL_DRAIN),
	                  0);
	int ended = atomic_load(&workers_ended);
	ck_assert_msg(ended == JOIN_THREADS,
	              "when ex_thread_pool_shutdown returns, all %d workers "
	              "must have ended (joined), but %d had",
	              JOIN_THREADS, ended);
	ex_thread_pool_destroy(pool);
	pthread_barrier_destroy(&all_busy);
	pthread_key_delete(exit_key);
}
END_TEST

START_TEST(test_after_shutdown_new_work_is_refused)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	ex_thread_pool *pool = ex_thread_pool_create(2, &counter.base);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(2, ...) failed");
	static struct map_probe probe;
	probe_init(&probe, -1, -1);
	long out[MAP_COUNT];
	struct counted_task task;
	counted_init(&task, 1, DP_OK);
	ex_thread_pool_ticket *ticket = POISON_TICKET;

	ck_assert_msg(!ex_thread_pool_is_stopping(pool),
	              "a new pool should not be stopping");
	grade_assert_code(ex_thread_pool_shutdown(pool, EX_THREAD_POOL_DRAIN),
	                  0);
	ck_assert_msg(ex_thread_pool_is_stopping(pool),
	              "after a shutdown the pool should say it is stopping");
	grade_assert_code(ex_thread_pool_submit(pool, &task.base, &ticket),
	                  DP_EBUSY);
	ck_assert_msg(ticket == NULL, "a failed submit must set *ticket to "
	                              "NULL");
	ck_assert_msg(atomic_load(&task.runs) == 0 &&
	                      atomic_load(&task.destroys) == 0,
	              "a task refused with DP_EBUSY stays its caller's: it "
	              "must not run or be destroyed");
	grade_assert_code(
		ex_thread_pool_map(pool, probe_fn, &probe, probe.in, out, 3),
		DP_EBUSY);
	ck_assert_msg(atomic_load(&probe.calls[0]) == 0,
	              "a map refused with DP_EBUSY must call nothing");
	grade_assert_code(ex_thread_pool_shutdown(pool, EX_THREAD_POOL_CANCEL),
	                  0);
	ex_thread_pool_destroy(pool);
	ck_assert_msg(counter.live_blocks == 0,
	              "%zu blocks (%zu bytes) were still allocated after "
	              "ex_thread_pool_destroy: free what a refused submit or "
	              "map allocated",
	              counter.live_blocks, counter.live_bytes);
	gate_deinit(&probe.started);
}
END_TEST

/* ---- memory -------------------------------------------------------------- */

START_TEST(test_no_leak_and_out_of_memory_is_reported)
{
	struct dp_failing_allocator failing;
	struct dp_counting_allocator counter;
	dp_failing_allocator_init(&failing, 0, NULL);
	dp_counting_allocator_init(&counter, &failing.base);
	ex_thread_pool *pool = ex_thread_pool_create(2, &counter.base);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(2, ...) failed");
	size_t baseline = counter.live_blocks;
	static struct map_probe probe;
	probe_init(&probe, -1, -1);
	long out[MAP_COUNT];
	struct counted_task tasks[8];
	ex_thread_pool_ticket *tickets[8];

	for (int i = 0; i < 8; i++) {
		counted_init(&tasks[i], i, DP_OK);
		grade_assert_code(ex_thread_pool_submit(pool, &tasks[i].base,
		                                        &tickets[i]),
		                  DP_OK);
	}
	for (int i = 0; i < 8; i++)
		grade_assert_code(ex_thread_pool_wait(tickets[i]), DP_OK);
	ck_assert_msg(counter.live_blocks == baseline,
	              "after every ticket was waited for, %zu blocks more "
	              "than the pool's own were allocated: "
	              "ex_thread_pool_wait frees the ticket",
	              counter.live_blocks - baseline);

	struct counted_task refused;
	counted_init(&refused, 9, DP_OK);
	ex_thread_pool_ticket *ticket = POISON_TICKET;
	failing.fail_at = failing.requests + 1;
	grade_assert_code(ex_thread_pool_submit(pool, &refused.base, &ticket),
	                  DP_ENOMEM);
	ck_assert_msg(ticket == NULL && atomic_load(&refused.runs) == 0 &&
	                      atomic_load(&refused.destroys) == 0,
	              "a submit that runs out of memory must set *ticket to "
	              "NULL and neither run nor destroy the task");

	/* Fail each allocation of a map in turn, until one succeeds. */
	for (size_t nth = 1; nth <= 2 * MAP_COUNT + 2; nth++) {
		failing.fail_at = failing.requests + nth;
		failing.failed = false;
		int rc = ex_thread_pool_map(pool, probe_fn, &probe, probe.in,
		                            out, MAP_COUNT);
		ck_assert_msg(rc == (failing.failed ? DP_ENOMEM : DP_OK),
		              "a map whose allocation number %zu failed should "
		              "return DP_ENOMEM, it returned %s",
		              nth, dp_error_name(rc));
		ck_assert_msg(counter.live_blocks == baseline,
		              "a map whose allocation number %zu failed left "
		              "%zu blocks allocated: wait for the elements "
		              "already submitted, then free everything",
		              nth, counter.live_blocks - baseline);
		if (!failing.failed)
			break;
	}
	/* The destroy only frees, and frees are never refused. */
	ex_thread_pool_destroy(pool);
	ck_assert_msg(counter.live_blocks == 0,
	              "%zu blocks were still allocated after "
	              "ex_thread_pool_destroy",
	              counter.live_blocks);
	gate_deinit(&probe.started);
}
END_TEST

/* ---- the race ------------------------------------------------------------ */

enum { SUBMITTERS = 4, RACE_WORKERS = 4, PER_SUBMITTER = 400 };

struct submitter {
	pthread_barrier_t *start;
	ex_thread_pool *pool;
	atomic_int *total;
	int first_id;
	struct counted_task tasks[PER_SUBMITTER];
	ex_thread_pool_ticket *tickets[PER_SUBMITTER];
	int submitted;    /* tasks submitted with DP_OK */
	int wrong_result; /* the first task whose ticket lied, or -1 */
};

static void *submit_all(void *arg)
{
	struct submitter *s = arg;

	pthread_barrier_wait(s->start);
	for (int i = 0; i < PER_SUBMITTER; i++) {
		counted_init(&s->tasks[i], s->first_id + i,
		             code_for(s->first_id + i));
		s->tasks[i].total = s->total;
		if (ex_thread_pool_submit(s->pool, &s->tasks[i].base,
		                          &s->tickets[i]) != DP_OK)
			break;
		s->submitted++;
	}
	for (int i = 0; i < s->submitted; i++) {
		int rc = ex_thread_pool_wait(s->tickets[i]);
		if (rc != s->tasks[i].code && s->wrong_result < 0)
			s->wrong_result = i;
	}
	return NULL;
}

START_TEST(test_concurrent_submitters_share_the_pool_without_a_race)
{
	ex_thread_pool *pool = ex_thread_pool_create(RACE_WORKERS, NULL);
	ck_assert_msg(pool != NULL, "ex_thread_pool_create(%d, NULL) failed",
	              RACE_WORKERS);
	static struct submitter submitters[SUBMITTERS];
	pthread_t threads[SUBMITTERS];
	pthread_barrier_t start;
	atomic_int total;
	atomic_init(&total, 0);
	ck_assert_int_eq(pthread_barrier_init(&start, NULL, SUBMITTERS), 0);

	/* The test's own thread is submitter 0: with the workers, 8
	 * threads in all. */
	for (int s = 0; s < SUBMITTERS; s++)
		submitters[s] = (struct submitter){
			.start = &start,
			.pool = pool,
			.total = &total,
			.first_id = s * PER_SUBMITTER,
			.wrong_result = -1,
		};
	for (int s = 1; s < SUBMITTERS; s++)
		ck_assert_int_eq(pthread_create(&threads[s], NULL, submit_all,
		                                &submitters[s]),
		                 0);
	submit_all(&submitters[0]);
	for (int s = 1; s < SUBMITTERS; s++)
		pthread_join(threads[s], NULL);
	pthread_barrier_destroy(&start);

	for (int s = 0; s < SUBMITTERS; s++) {
		struct submitter *sub = &submitters[s];
		ck_assert_msg(
			sub->submitted == PER_SUBMITTER,
			"submitter %d had a submit refused after %d of %d", s,
			sub->submitted, PER_SUBMITTER);
		ck_assert_msg(sub->wrong_result < 0,
		              "task %d's ticket returned another result than "
		              "the task's own",
		              sub->first_id + sub->wrong_result);
		for (int i = 0; i < PER_SUBMITTER; i++) {
			int runs = atomic_load(&sub->tasks[i].runs);
			int destroys = atomic_load(&sub->tasks[i].destroys);
			ck_assert_msg(
				runs == 1 && destroys == 1,
				"%d threads submitted %d tasks each: task "
				"%d ran %d times and was destroyed %d "
				"times, not once",
				SUBMITTERS, PER_SUBMITTER, sub->first_id + i,
				runs, destroys);
			ck_assert_msg(
				sub->tasks[i].payload ==
					(long)(sub->first_id + i) * 3 + 1,
				"task %d's write is not visible after its "
				"ticket returned",
				sub->first_id + i);
		}
	}
	ck_assert_int_eq(atomic_load(&total), SUBMITTERS * PER_SUBMITTER);
	ex_thread_pool_destroy(pool);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_submitted_task_runs_and_its_ticket_returns_the_result",
         test_submitted_task_runs_and_its_ticket_returns_the_result, 3,
         "Steps 1 to 3: submit appends a ticket to the queue under the "
         "lock and signals work_ready; the worker pops it, runs execute "
         "then destroy with the lock released, and publishes the result "
         "under the lock; wait sleeps on task_done until its ticket is "
         "done."},
	{"test_submit_wait_and_shutdown_reject_bad_arguments",
         test_submit_wait_and_shutdown_reject_bad_arguments, 2,
         "Check every argument first, as thread_pool.h lists them, and "
         "set *ticket to NULL before anything can fail. A shutdown with "
         "a bad mode must not touch the pool."},
	{"test_tasks_start_in_submission_order",
         test_tasks_start_in_submission_order, 2,
         "The queue is first in, first out: append at the tail, pop at "
         "the head (and keep tail right when the queue empties)."},
	{"test_every_task_runs_exactly_once", test_every_task_runs_exactly_once,
         3,
         "A task must leave the queue in the same locked step in which a "
         "worker takes it; each ticket keeps its own result. If it passes "
         "here but not always, run make tsan EX=16_thread_pool."},
	{"test_each_ticket_keeps_its_own_result_whatever_order_tasks_finish",
         test_each_ticket_keeps_its_own_result_whatever_order_tasks_finish, 3,
         "The result belongs in the ticket of the task that produced it, "
         "not in a field of the pool; wait returns its own ticket's "
         "result."},
	{"test_map_returns_results_in_index_order",
         test_map_returns_results_in_index_order, 4,
         "Step 5: give each element a task with its own result slot, "
         "submit them in index order, then wait for the tickets in index "
         "order and copy each result to out[i]. Never write results in "
         "the order elements finish."},
	{"test_map_reports_the_lowest_failing_index",
         test_map_reports_the_lowest_failing_index, 2,
         "Wait for every element, even after one failed; keep the first "
         "error in index order, and leave out[i] alone when element i "
         "failed."},
	{"test_map_checks_its_arguments", test_map_checks_its_arguments, 1,
         "Refuse NULL pool, fn, in or out (the arrays may be NULL only "
         "when count is 0) before submitting anything; count 0 is DP_OK. "
         "Copy in[i] into the element's task before submitting it."},
	{"test_drain_shutdown_runs_every_pending_task",
         test_drain_shutdown_runs_every_pending_task, 3,
         "Step 4: a worker may stop only when the pool is stopping AND "
         "the queue is empty; shutdown joins the workers before it "
         "returns. ex_thread_pool_is_stopping reads the flag under the "
         "lock (the test's blocker waits on it)."},
	{"test_cancel_shutdown_destroys_pending_tasks_unrun",
         test_cancel_shutdown_destroys_pending_tasks_unrun, 3,
         "Set stopping and unlink the whole queue in one locked step, "
         "then destroy each unlinked task and complete its ticket with "
         "DP_ECANCELED (read ticket->next before: a done ticket can be "
         "freed at once). Return how many."},
	{"test_shutdown_joins_every_worker", test_shutdown_joins_every_worker,
         3,
         "Setting the flag and broadcasting is not enough: shutdown must "
         "pthread_join every worker before it returns (once, even if "
         "called again)."},
	{"test_after_shutdown_new_work_is_refused",
         test_after_shutdown_new_work_is_refused, 2,
         "Once stopping, submit and map return DP_EBUSY, free what they "
         "allocated and leave the task alone; a second shutdown "
         "returns 0."},
	{"test_no_leak_and_out_of_memory_is_reported",
         test_no_leak_and_out_of_memory_is_reported, 3,
         "Allocate through pool->alloc (dp_alloc, dp_free). wait frees "
         "its ticket; a map whose submit fails must still wait for the "
         "elements already queued (they point into its array) before "
         "freeing it."},
	{"test_concurrent_submitters_share_the_pool_without_a_race",
         test_concurrent_submitters_share_the_pool_without_a_race, 5,
         "Every read and write of the queue, the stopping flag and a "
         "ticket's done and result must hold pool->lock. A race may pass "
         "by luck here: run make tsan EX=16_thread_pool, which shows the "
         "two accesses."},
};

int main(int argc, char **argv)
{
	return grade_main("16_thread_pool", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
