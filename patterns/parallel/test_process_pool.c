/*
 * Tests of the process pool. None depends on timing: each asserts results,
 * outcomes and counts. The tasks that crash, exit or hang do so inside the
 * pool's own worker, a child of the test's process, which is what is under
 * test; every test ends by checking that no child of the test is left,
 * neither running nor a zombie.
 */
/* kill(), pause() and waitpid() are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "common/dp_test.h"
#include "parallel/process_pool.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* No child of this process is left: every worker was reaped. */
static void assert_no_children(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

/* ---- test commands ------------------------------------------------------ */

enum behaviour { SQUARE, FAIL, CRASH, EXIT, HANG, CLOSE_AND_HANG };

struct job {
	struct dp_command base; /* Base. Must be first. */
	enum behaviour behaviour;
	uint64_t input;
	uint64_t *output;
	/* Written by execute outside its declared result: a worker changes
	 * its own copy only. */
	size_t *side_effect;
	/* Counted in the parent, where destroy runs. */
	size_t *destroyed;
};

static int job_execute(struct dp_command *command)
{
	struct job *job = dp_container_of(command, struct job, base);

	if (job->side_effect != NULL)
		(*job->side_effect)++;
	switch (job->behaviour) {
	case SQUARE:
		*job->output = job->input * job->input;
		return DP_OK;
	case FAIL:
		return DP_ERANGE;
	case CRASH:
		/* The default action, so the signal really kills the worker:
		 * under ASan or valgrind a faulting access would be caught
		 * and turned into an exit status instead. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		return DP_OK;
	case EXIT:
		exit(3);
	case CLOSE_AND_HANG:
		/* Every descriptor past stdio, its result pipe among them:
		 * the parent sees end of file from a worker still alive. */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		for (;;)
			pause();
	case HANG:
		for (;;)
			pause();
	}
	return DP_EINVAL;
}

static void job_destroy(struct dp_command *command)
{
	struct job *job = dp_container_of(command, struct job, base);

	if (job->destroyed != NULL)
		(*job->destroyed)++;
	free(job);
}

static const struct dp_command_ops job_ops = {
	.name = "job",
	.execute = job_execute,
	.destroy = job_destroy,
};

static struct dp_command *job_new(enum behaviour behaviour, uint64_t input,
                                  uint64_t *output, size_t *destroyed)
{
	struct job *job = calloc(1, sizeof(*job));

	ck_assert_ptr_nonnull(job);
	*job = (struct job){
		.base = {.ops = &job_ops},
		.behaviour = behaviour,
		.input = input,
		.output = output,
		.destroyed = destroyed,
	};
	return &job->base;
}

static int submit(dp_process_pool *pool, enum behaviour behaviour,
                  uint64_t input, uint64_t *output, size_t *destroyed,
                  dp_process_pool_task **task)
{
	struct dp_command *command =
		job_new(behaviour, input, output, destroyed);
	int rc = dp_process_pool_submit(pool, command, output,
	                                output ? sizeof(*output) : 0, task);
	if (rc != DP_OK)
		dp_command_destroy(command);
	return rc;
}

/* ---- basics ------------------------------------------------------------- */

START_TEST(test_create_rejects_zero_workers_and_null_is_harmless)
{
	ck_assert_ptr_null(dp_process_pool_create(0, 0, NULL));
	ck_assert_ptr_null(dp_process_pool_create(SIZE_MAX, 0, NULL));
	dp_process_pool_destroy(NULL);
	ck_assert_uint_eq(dp_process_pool_workers(NULL), 0);

	dp_process_pool *pool = dp_process_pool_create(3, 0, NULL);
	ck_assert_ptr_nonnull(pool);
	ck_assert_uint_eq(dp_process_pool_workers(pool), 3);
	struct dp_process_pool_stats stats;
	ck_assert_int_eq(dp_process_pool_stats(pool, &stats), DP_OK);
	/* No process before there is work. */
	ck_assert_uint_eq(stats.workers_started, 0);
	ck_assert_int_eq(dp_process_pool_stats(pool, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_stats(NULL, &stats), DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_run(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_task_wait(NULL, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_run(pool), DP_OK);
	dp_process_pool_destroy(pool);
	assert_no_children();
}
END_TEST

START_TEST(test_results_come_back_and_other_writes_stay_in_the_worker)
{
	enum { N = 20 };
	dp_process_pool *pool = dp_process_pool_create(2, 0, NULL);
	uint64_t out[N] = {0};
	size_t side_effect = 0;
	size_t destroyed = 0;
	dp_process_pool_task *tasks[N];

	for (size_t i = 0; i < N; i++) {
		struct dp_command *command =
			job_new(SQUARE, i + 1, &out[i], &destroyed);
		dp_container_of(command, struct job, base)->side_effect =
			&side_effect;
		ck_assert_int_eq(dp_process_pool_submit(pool, command, &out[i],
		                                        sizeof(out[i]),
		                                        &tasks[i]),
		                 DP_OK);
	}
	for (size_t i = 0; i < N; i++) {
		struct dp_process_pool_outcome outcome;
		ck_assert_int_eq(dp_process_pool_task_wait(tasks[i], &outcome),
		                 DP_OK);
		ck_assert_uint_eq(out[i], (i + 1) * (i + 1));
		ck_assert(outcome.started);
		ck_assert_int_eq(outcome.signal, 0);
		ck_assert_int_eq(outcome.exit_status, -1);
		ck_assert(!outcome.timed_out);
	}
	/* The counter was incremented N times, each in a worker's copy. */
	ck_assert_uint_eq(side_effect, 0);
	/* Each command is destroyed once, in the parent. */
	ck_assert_uint_eq(destroyed, N);
	struct dp_process_pool_stats stats;
	dp_process_pool_stats(pool, &stats);
	ck_assert_uint_eq(stats.workers_started, 2);
	ck_assert_uint_eq(stats.workers_lost, 0);
	ck_assert_uint_eq(stats.tasks_finished, N);
	dp_process_pool_destroy(pool);
	assert_no_children();
}
END_TEST

START_TEST(test_task_error_comes_back_through_its_handle)
{
	dp_process_pool *pool = dp_process_pool_create(2, 0, NULL);
	dp_process_pool_task *failing;
	dp_process_pool_task *fine;
	uint64_t out = 0;

	ck_assert_int_eq(submit(pool, FAIL, 0, NULL, NULL, &failing), DP_OK);
	ck_assert_int_eq(submit(pool, SQUARE, 7, &out, NULL, &fine), DP_OK);
	struct dp_process_pool_outcome outcome;
	ck_assert_int_eq(dp_process_pool_task_wait(failing, &outcome),
	                 DP_ERANGE);
	/* The task failed; its worker did not. */
	ck_assert_int_eq(outcome.signal, 0);
	ck_assert_int_eq(outcome.exit_status, -1);
	ck_assert_int_eq(dp_process_pool_task_wait(fine, NULL), DP_OK);
	ck_assert_uint_eq(out, 49);
	dp_process_pool_destroy(pool);
	assert_no_children();
}
END_TEST

START_TEST(test_submit_rejects_bad_arguments_and_keeps_the_command)
{
	dp_process_pool *pool = dp_process_pool_create(1, 0, NULL);
	size_t destroyed = 0;
	uint64_t out = 0;
	struct dp_command *command = job_new(SQUARE, 2, &out, &destroyed);
	dp_process_pool_task *task = (dp_process_pool_task *)&out;
	static const struct dp_command_ops no_execute = {.name = "none"};
	static const struct dp_command_ops no_name = {.execute = job_execute};
	struct dp_command bad = {.ops = &no_execute};
	struct dp_command nameless = {.ops = &no_name};
	struct dp_command empty = {.ops = NULL};

	ck_assert_int_eq(
		dp_process_pool_submit(NULL, command, &out, sizeof(out), &task),
		DP_EINVAL);
	ck_assert_ptr_null(task);
	ck_assert_int_eq(dp_process_pool_submit(pool, NULL, NULL, 0, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_submit(pool, &bad, NULL, 0, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_submit(pool, &nameless, NULL, 0, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_submit(pool, &empty, NULL, 0, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_submit(pool, command, NULL, 8, &task),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_process_pool_submit(pool, command, &out,
	                                        ((size_t)1 << 30) + 1, &task),
	                 DP_ERANGE);
	ck_assert_ptr_null(task);
	/* Nothing was queued, nothing destroyed, nothing forked. */
	ck_assert_int_eq(dp_process_pool_run(pool), DP_OK);
	ck_assert_uint_eq(destroyed, 0);
	struct dp_process_pool_stats stats;
	dp_process_pool_stats(pool, &stats);
	ck_assert_uint_eq(stats.workers_started, 0);
	/* The caller still owns a usable command. */
	ck_assert_int_eq(
		dp_process_pool_submit(pool, command, &out, sizeof(out), &task),
		DP_OK);
	ck_assert_int_eq(dp_process_pool_task_wait(task, NULL), DP_OK);
	ck_assert_uint_eq(out, 4);
	ck_assert_uint_eq(destroyed, 1);
	dp_process_pool_destroy(pool);
	assert_no_children();
}
END_TEST

START_TEST(test_run_reports_the_first_detached_error_once)
{
	dp_process_pool *pool = dp_process_pool_create(1, 0, NULL);
	uint64_t out = 0;
	size_t destroyed = 0;

	ck_assert_int_eq(submit(pool, SQUARE, 3, &out, &destroyed, NULL),
	                 DP_OK);
	ck_assert_int_eq(submit(pool, FAIL, 0, NULL, &destroyed, NULL), DP_OK);
	ck_assert_int_eq(submit(pool, CRASH, 0, NULL, &destroyed, NULL), DP_OK);
	/* One worker runs them in order: DP_ERANGE comes first. */
	ck_assert_int_eq(dp_process_pool_run(pool), DP_ERANGE);
	ck_assert_int_eq(dp_process_pool_run(pool), DP_OK);
	ck_assert_uint_eq(out, 9);
	ck_assert_uint_eq(destroyed, 3);
	assert_no_children();
	dp_process_pool_destroy(pool);
}
END_TEST

START_TEST(test_destroy_runs_the_queue_and_leaves_no_worker)
{
	dp_process_pool *pool = dp_process_pool_create(2, 0, NULL);
	uint64_t out[5] = {0};
	size_t destroyed = 0;

	for (uint64_t i = 0; i < 5; i++)
		ck_assert_int_eq(
			submit(pool, SQUARE, i + 10, &out[i], &destroyed, NULL),
			DP_OK);
	dp_process_pool_destroy(pool);
	for (uint64_t i = 0; i < 5; i++)
		ck_assert_uint_eq(out[i], (i + 10) * (i + 10));
	ck_assert_uint_eq(destroyed, 5);
	assert_no_children();
}
END_TEST

/* ---- workers that die --------------------------------------------------- */

/* Runs [square, bad, square, square] on one worker, so the replacement
 * count is exact, and returns the bad task's result and outcome. */
static int run_with_one_bad_task(enum behaviour behaviour, unsigned timeout_ms,
                                 struct dp_process_pool_outcome *outcome,
                                 struct dp_process_pool_stats *stats)
{
	dp_process_pool *pool = dp_process_pool_create(1, timeout_ms, NULL);
	uint64_t out[4] = {0};
	size_t destroyed = 0;
	dp_process_pool_task *tasks[4];

	for (uint64_t i = 0; i < 4; i++)
		ck_assert_int_eq(submit(pool, i == 1 ? behaviour : SQUARE,
		                        i + 2, &out[i], &destroyed, &tasks[i]),
		                 DP_OK);
	int rc = DP_OK;
	for (uint64_t i = 0; i < 4; i++) {
		struct dp_process_pool_outcome each;
		int task_rc = dp_process_pool_task_wait(tasks[i], &each);
		if (i == 1) {
			rc = task_rc;
			*outcome = each;
			continue;
		}
		/* The others finished, before and after the bad one. */
		ck_assert_int_eq(task_rc, DP_OK);
		ck_assert_uint_eq(out[i], (i + 2) * (i + 2));
	}
	ck_assert_uint_eq(destroyed, 4);
	dp_process_pool_stats(pool, stats);
	dp_process_pool_destroy(pool);
	assert_no_children();
	return rc;
}

START_TEST(test_a_crashing_task_kills_only_its_worker)
{
	struct dp_process_pool_outcome outcome;
	struct dp_process_pool_stats stats;

	ck_assert_int_eq(run_with_one_bad_task(CRASH, 0, &outcome, &stats),
	                 DP_EIO);
	ck_assert(outcome.started);
	ck_assert_int_eq(outcome.signal, SIGSEGV);
	ck_assert_int_eq(outcome.exit_status, -1);
	ck_assert(!outcome.timed_out);
	/* The lost worker was replaced once. */
	ck_assert_uint_eq(stats.workers_started, 2);
	ck_assert_uint_eq(stats.workers_lost, 1);
	ck_assert_uint_eq(stats.tasks_finished, 4);
}
END_TEST

START_TEST(test_a_task_calling_exit_is_reported_with_its_status)
{
	struct dp_process_pool_outcome outcome;
	struct dp_process_pool_stats stats;

	ck_assert_int_eq(run_with_one_bad_task(EXIT, 0, &outcome, &stats),
	                 DP_EIO);
	ck_assert_int_eq(outcome.signal, 0);
	ck_assert_int_eq(outcome.exit_status, 3);
	ck_assert(!outcome.timed_out);
	ck_assert_uint_eq(stats.workers_started, 2);
	ck_assert_uint_eq(stats.workers_lost, 1);
}
END_TEST

START_TEST(test_a_task_that_never_answers_times_out)
{
	struct dp_process_pool_outcome outcome;
	struct dp_process_pool_stats stats;

	/* The limit only has to be reached by a task that never ends; the
	 * other tasks take microseconds, a thousandth of it even under
	 * valgrind on a loaded machine, and the test case's own limit (10 s,
	 * scaled under valgrind) leaves room for the three seconds. */
	ck_assert_int_eq(run_with_one_bad_task(HANG, 3000, &outcome, &stats),
	                 DP_EIO);
	ck_assert(outcome.timed_out);
	ck_assert_int_eq(outcome.signal, SIGKILL);
	ck_assert_uint_eq(stats.workers_started, 2);
	ck_assert_uint_eq(stats.workers_lost, 1);
}
END_TEST

START_TEST(test_every_task_may_crash_and_the_pool_still_finishes)
{
	enum { N = 6 };
	dp_process_pool *pool = dp_process_pool_create(2, 0, NULL);
	size_t destroyed = 0;

	for (int i = 0; i < N; i++)
		ck_assert_int_eq(submit(pool, CRASH, 0, NULL, &destroyed, NULL),
		                 DP_OK);
	ck_assert_int_eq(dp_process_pool_run(pool), DP_EIO);
	struct dp_process_pool_stats stats;
	dp_process_pool_stats(pool, &stats);
	/* One worker per task: each crash was replaced while tasks remained. */
	ck_assert_uint_eq(stats.workers_started, N);
	ck_assert_uint_eq(stats.workers_lost, N);
	ck_assert_uint_eq(destroyed, N);
	dp_process_pool_destroy(pool);
	assert_no_children();
}
END_TEST

START_TEST(test_a_worker_that_closes_its_pipe_is_killed_not_waited_for)
{
	struct dp_process_pool_outcome outcome;
	struct dp_process_pool_stats stats;

	/* No timeout: only the end of file can end this task. */
	ck_assert_int_eq(
		run_with_one_bad_task(CLOSE_AND_HANG, 0, &outcome, &stats),
		DP_EIO);
	ck_assert_int_eq(outcome.signal, SIGKILL);
	ck_assert(!outcome.timed_out);
	ck_assert_uint_eq(stats.workers_lost, 1);
}
END_TEST

/* ---- memory ------------------------------------------------------------- */

START_TEST(test_create_and_submit_fail_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		size_t destroyed = 0;
		uint64_t out = 0;

		dp_process_pool *pool =
			dp_process_pool_create(2, 0, &failing.base);
		if (pool == NULL) {
			ck_assert(failing.failed);
			ck_assert_uint_eq(counter.live_blocks, 0);
			continue;
		}
		dp_process_pool_task *task = NULL;
		int rc = submit(pool, SQUARE, 5, &out, &destroyed, &task);
		if (rc == DP_ENOMEM) {
			ck_assert(failing.failed);
			ck_assert_ptr_null(task);
			/* The refused command was the caller's to free. */
			ck_assert_uint_eq(destroyed, 1);
			dp_process_pool_destroy(pool);
			ck_assert_uint_eq(counter.live_blocks, 0);
			continue;
		}
		ck_assert_int_eq(rc, DP_OK);
		ck_assert_int_eq(dp_process_pool_task_wait(task, NULL), DP_OK);
		ck_assert_uint_eq(out, 25);
		dp_process_pool_destroy(pool);
		ck_assert(!failing.failed);
		ck_assert_uint_eq(counter.live_blocks, 0);
		/* The pool, its slots, its poll array and one task. */
		ck_assert_uint_eq(n, 5);
		break;
	}
	assert_no_children();
}
END_TEST

static Suite *process_pool_suite(void)
{
	Suite *suite = suite_create("process_pool");
	TCase *basics = dp_test_case(suite, "submit and wait");
	tcase_add_test(basics,
	               test_create_rejects_zero_workers_and_null_is_harmless);
	tcase_add_test(
		basics,
		test_results_come_back_and_other_writes_stay_in_the_worker);
	tcase_add_test(basics, test_task_error_comes_back_through_its_handle);
	tcase_add_test(basics,
	               test_submit_rejects_bad_arguments_and_keeps_the_command);
	tcase_add_test(basics, test_run_reports_the_first_detached_error_once);
	tcase_add_test(basics,
	               test_destroy_runs_the_queue_and_leaves_no_worker);

	TCase *failures = dp_test_case(suite, "workers that die");
	tcase_add_test(failures, test_a_crashing_task_kills_only_its_worker);
	tcase_add_test(failures,
	               test_a_task_calling_exit_is_reported_with_its_status);
	tcase_add_test(failures, test_a_task_that_never_answers_times_out);
	tcase_add_test(
		failures,
		test_a_worker_that_closes_its_pipe_is_killed_not_waited_for);
	tcase_add_test(failures,
	               test_every_task_may_crash_and_the_pool_still_finishes);

	TCase *memory = dp_test_case(suite, "memory");
	tcase_add_test(memory,
	               test_create_and_submit_fail_cleanly_at_every_allocation);
	return suite;
}

int main(void)
{
	return dp_test_run(process_pool_suite());
}
