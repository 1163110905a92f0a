/*
 * The process pool. The parent is single-threaded: it forks the workers
 * when a run starts, hands each one a task by pointer through a pipe,
 * poll()s the result pipes, and reaps every worker before the run ends.
 *
 * Why a task can travel as a pointer: a worker is forked after the task
 * was queued, so its copy of the parent's memory holds the task at the
 * same address. That is also why workers live for one run only: a task
 * queued after a worker was forked does not exist in that worker. The
 * alternative, serializing every command as multiprocessing.Pool pickles
 * its arguments, would need a serialize operation that the Command
 * interface does not have; the README weighs the two.
 */
/* fork(), pipe(), poll(), kill(), sigprocmask() and clock_gettime() are
 * POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "parallel/process_pool.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A result larger than this would make one read of the parent wait on a
 * single worker for a long time; such data belongs in shared memory. */
#define DP_PROCESS_POOL_RESULT_MAX ((size_t)1 << 30)

struct dp_process_pool_task {
	/* The next queued task; meaningful only while queued. */
	struct dp_process_pool_task *next;
	struct dp_command *command;
	dp_process_pool *pool;
	void *result;
	size_t result_size;
	int rc;
	struct dp_process_pool_outcome outcome;
	bool done;
	/* Nobody will wait: the task is freed when it finishes. */
	bool detached;
};

struct worker {
	/* 0 when the slot has no process. */
	pid_t pid;
	/* The parent's ends: tasks go down `to_child`, results come up
	 * `from_child`. -1 when closed. */
	int to_child;
	int from_child;
	/* The task the worker is running, or NULL when it is idle. */
	struct dp_process_pool_task *busy;
	/* When `busy` times out, in milliseconds of CLOCK_MONOTONIC. */
	int64_t deadline_ms;
};

struct dp_process_pool {
	const struct dp_allocator *alloc;
	size_t workers;
	unsigned timeout_ms;
	struct dp_process_pool_task *head;
	struct dp_process_pool_task *tail;
	size_t queued;
	/* The first error of a detached task since the last run. */
	int first_error;
	struct dp_process_pool_stats stats;
	/* The signal mask from before the run, restored in each worker so
	 * tasks run with the caller's mask, not the run's. */
	sigset_t caller_mask;
	struct worker *slots;
	/* poll()'s array, allocated with the slots so that a run never
	 * allocates and so cannot fail for lack of memory. */
	struct pollfd *fds;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Both return false on end of file or an error other than EINTR. */
static bool write_full(int fd, const void *data, size_t size)
{
	const char *p = data;

	while (size > 0) {
		ssize_t n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		size -= (size_t)n;
	}
	return true;
}

static bool read_full(int fd, void *data, size_t size)
{
	char *p = data;

	while (size > 0) {
		ssize_t n = read(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		size -= (size_t)n;
	}
	return true;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

dp_process_pool *dp_process_pool_create(size_t workers, unsigned timeout_ms,
                                        const struct dp_allocator *alloc)
{
	/* Beyond a few thousand processes a pool is a fork bomb. */
	if (workers == 0 || workers > 4096)
		return NULL;
	dp_process_pool *pool = dp_alloc(alloc, sizeof(*pool));
	if (pool == NULL)
		return NULL;
	*pool = (struct dp_process_pool){
		.alloc = alloc,
		.workers = workers,
		.timeout_ms = timeout_ms,
		.first_error = DP_OK,
	};
	pool->slots = dp_alloc_array(alloc, workers, sizeof(*pool->slots));
	if (pool->slots == NULL)
		goto fail_free_pool;
	pool->fds = dp_alloc_array(alloc, workers, sizeof(*pool->fds));
	if (pool->fds == NULL)
		goto fail_free_slots;
	for (size_t i = 0; i < workers; i++)
		pool->slots[i] =
			(struct worker){.to_child = -1, .from_child = -1};
	return pool;

fail_free_slots:
	dp_free(alloc, pool->slots);
fail_free_pool:
	dp_free(alloc, pool);
	return NULL;
}

static int run_queue(dp_process_pool *pool);

void dp_process_pool_destroy(dp_process_pool *pool)
{
	if (pool == NULL)
		return;
	if (pool->head != NULL)
		run_queue(pool);
	dp_free(pool->alloc, pool->fds);
	dp_free(pool->alloc, pool->slots);
	dp_free(pool->alloc, pool);
}

static bool task_ops_complete(const struct dp_command *command)
{
	return command != NULL && command->ops != NULL &&
	       command->ops->name != NULL && command->ops->execute != NULL;
}

int dp_process_pool_submit(dp_process_pool *pool, struct dp_command *command,
                           void *result, size_t result_size,
                           dp_process_pool_task **task)
{
	if (task != NULL)
		*task = NULL;
	if (pool == NULL || !task_ops_complete(command) ||
	    (result == NULL && result_size != 0))
		return DP_EINVAL;
	if (result_size > DP_PROCESS_POOL_RESULT_MAX)
		return DP_ERANGE;
	struct dp_process_pool_task *entry =
		dp_alloc(pool->alloc, sizeof(*entry));
	if (entry == NULL)
		return DP_ENOMEM;
	*entry = (struct dp_process_pool_task){
		.command = command,
		.pool = pool,
		.result = result,
		.result_size = result_size,
		.rc = DP_OK,
		.outcome = {.exit_status = -1},
		.detached = task == NULL,
	};
	if (pool->tail != NULL)
		pool->tail->next = entry;
	else
		pool->head = entry;
	pool->tail = entry;
	pool->queued++;
	if (task != NULL)
		*task = entry;
	return DP_OK;
}

/* The command is destroyed here, in the parent, which owns the original;
 * the worker's copy dies with the worker. */
static void finish(dp_process_pool *pool, struct dp_process_pool_task *task,
                   int rc)
{
	dp_command_destroy(task->command);
	task->command = NULL;
	pool->stats.tasks_finished++;
	if (task->detached) {
		if (rc != DP_OK && pool->first_error == DP_OK)
			pool->first_error = rc;
		dp_free(pool->alloc, task);
		return;
	}
	task->rc = rc;
	task->done = true;
}

/* The worker's whole life. It never returns and never runs atexit
 * handlers: those, and stdio buffers, belong to the parent, and under
 * ASan a second leak check at exit() would report on the parent's live
 * memory. (valgrind checks every process as it ends, _exit or not; what
 * a worker holds is reachable or "possibly lost", never an error.) */
static _Noreturn void worker_main(dp_process_pool *pool,
                                  const struct worker *self, int tasks_in,
                                  int results_out)
{
	/* Keep no parent end of any pipe open: a worker holding another
	 * worker's task pipe would keep that worker from seeing the end of
	 * file that tells it to stop. */
	for (size_t i = 0; i < pool->workers; i++) {
		if (&pool->slots[i] == self)
			continue;
		if (pool->slots[i].to_child >= 0)
			close(pool->slots[i].to_child);
		if (pool->slots[i].from_child >= 0)
			close(pool->slots[i].from_child);
	}
	sigprocmask(SIG_SETMASK, &pool->caller_mask, NULL);
	struct dp_process_pool_task *task;
	while (read_full(tasks_in, &task, sizeof(task))) {
		int rc = task->command->ops->execute(task->command);
		if (!write_full(results_out, &rc, sizeof(rc)) ||
		    !write_full(results_out, task->result, task->result_size))
			_exit(1);
	}
	_exit(0);
}

/* Fork a worker into a free slot. */
static bool start_worker(dp_process_pool *pool, struct worker *slot)
{
	int down[2];
	int up[2];

	if (pipe(down) != 0)
		return false;
	if (pipe(up) != 0)
		goto fail_close_down;
	pid_t pid = fork();
	if (pid < 0)
		goto fail_close_up;
	if (pid == 0) {
		close(down[1]);
		close(up[0]);
		worker_main(pool, slot, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	*slot = (struct worker){
		.pid = pid, .to_child = down[1], .from_child = up[0]};
	pool->stats.workers_started++;
	return true;

fail_close_up:
	close(up[0]);
	close(up[1]);
fail_close_down:
	close(down[0]);
	close(down[1]);
	return false;
}

/* Close the worker's pipes and reap it; `kill_first` for one that may
 * still be running. Returns its wait status. */
static int stop_worker(struct worker *slot, bool kill_first)
{
	int status = 0;

	if (kill_first)
		kill(slot->pid, SIGKILL);
	close_fd(&slot->to_child);
	close_fd(&slot->from_child);
	while (waitpid(slot->pid, &status, 0) < 0 && errno == EINTR)
		;
	*slot = (struct worker){.to_child = -1, .from_child = -1};
	return status;
}

/* The worker died, broke its pipe or timed out during its task: report
 * the task failed with what the wait status says, and free the slot. It
 * is killed first in every case: a task that closed its result pipe
 * leaves a live worker that waitpid() would wait for forever, and a kill
 * on a worker that is already dead is harmless, since its pid stays
 * reserved until it is reaped, and its wait status stays its own. */
static void lose_worker(dp_process_pool *pool, struct worker *slot,
                        bool timed_out)
{
	struct dp_process_pool_task *task = slot->busy;
	int status = stop_worker(slot, true);

	task->outcome.timed_out = timed_out;
	if (WIFSIGNALED(status))
		task->outcome.signal = WTERMSIG(status);
	else if (WIFEXITED(status))
		task->outcome.exit_status = WEXITSTATUS(status);
	pool->stats.workers_lost++;
	finish(pool, task, DP_EIO);
}

static void collect(dp_process_pool *pool, struct worker *slot)
{
	struct dp_process_pool_task *task = slot->busy;
	int rc;

	/* End of file before a whole answer: the worker is gone. */
	if (!read_full(slot->from_child, &rc, sizeof(rc)) ||
	    !read_full(slot->from_child, task->result, task->result_size)) {
		lose_worker(pool, slot, false);
		return;
	}
	slot->busy = NULL;
	finish(pool, task, rc);
}

static struct dp_process_pool_task *pop(dp_process_pool *pool)
{
	struct dp_process_pool_task *task = pool->head;

	pool->head = task->next;
	if (pool->head == NULL)
		pool->tail = NULL;
	pool->queued--;
	task->next = NULL;
	return task;
}

/* Fork workers while queued tasks outnumber idle workers. Returns the
 * number of live workers. */
static size_t staff(dp_process_pool *pool)
{
	size_t alive = 0;
	size_t idle = 0;

	for (size_t i = 0; i < pool->workers; i++) {
		if (pool->slots[i].pid != 0) {
			alive++;
			idle += pool->slots[i].busy == NULL;
		}
	}
	for (size_t i = 0; i < pool->workers && pool->queued > idle; i++) {
		if (pool->slots[i].pid == 0 &&
		    start_worker(pool, &pool->slots[i])) {
			alive++;
			idle++;
		}
	}
	return alive;
}

static void dispatch(dp_process_pool *pool)
{
	for (size_t i = 0; i < pool->workers && pool->head != NULL; i++) {
		struct worker *slot = &pool->slots[i];
		if (slot->pid == 0 || slot->busy != NULL)
			continue;
		slot->busy = pop(pool);
		slot->busy->outcome.started = true;
		slot->deadline_ms = now_ms() + pool->timeout_ms;
		/* A pointer is far below PIPE_BUF, so the write is atomic. A
		 * worker that died while idle (killed from outside) fails the
		 * write with EPIPE, SIGPIPE being blocked during a run. */
		if (!write_full(slot->to_child, &slot->busy,
		                sizeof(slot->busy)))
			lose_worker(pool, slot, false);
	}
}

/* Wait for one answer or one timeout. Returns false when nothing is
 * running. */
static bool wait_for_workers(dp_process_pool *pool)
{
	struct pollfd *fds = pool->fds;
	size_t n = 0;
	int64_t first_deadline = INT64_MAX;

	for (size_t i = 0; i < pool->workers; i++) {
		struct worker *slot = &pool->slots[i];
		if (slot->busy == NULL)
			continue;
		fds[n++] = (struct pollfd){.fd = slot->from_child,
		                           .events = POLLIN};
		if (slot->deadline_ms < first_deadline)
			first_deadline = slot->deadline_ms;
	}
	if (n == 0)
		return false;
	int timeout = -1;
	if (pool->timeout_ms != 0) {
		int64_t left = first_deadline - now_ms();
		timeout = left < 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
	}
	if (poll(fds, n, timeout) < 0 && errno != EINTR)
		return true;
	int64_t now = now_ms();
	n = 0;
	for (size_t i = 0; i < pool->workers; i++) {
		struct worker *slot = &pool->slots[i];
		if (slot->busy == NULL)
			continue;
		/* POLLHUP without POLLIN is a worker that died silently. */
		if (fds[n++].revents != 0)
			collect(pool, slot);
		else if (pool->timeout_ms != 0 && now >= slot->deadline_ms)
			lose_worker(pool, slot, true);
	}
	return true;
}

/* Run the queue to the end. Returns DP_OK, or DP_EIO when not one
 * worker could be forked; detached errors stay in first_error. */
static int run_queue(dp_process_pool *pool)
{
	/* A write to a dead worker's pipe must fail, not kill the parent.
	 * The caller's mask comes back at the end, and any SIGPIPE raised
	 * meanwhile is consumed first. */
	sigset_t pipe_only;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_only, &pool->caller_mask);
	/* Each worker gets a copy of the stdio buffers; flushed now, the
	 * copies are empty and nothing can be printed twice. */
	fflush(NULL);

	int rc = DP_OK;
	for (;;) {
		if (pool->head != NULL && staff(pool) == 0) {
			/* Not one worker could be forked. */
			while (pool->head != NULL)
				finish(pool, pop(pool), DP_EIO);
			rc = DP_EIO;
			break;
		}
		dispatch(pool);
		if (!wait_for_workers(pool) && pool->head == NULL)
			break;
	}
	for (size_t i = 0; i < pool->workers; i++)
		if (pool->slots[i].pid != 0)
			stop_worker(&pool->slots[i], false);

	sigset_t pending;
	sigpending(&pending);
	if (sigismember(&pending, SIGPIPE)) {
		int signal_number;
		sigwait(&pipe_only, &signal_number);
	}
	sigprocmask(SIG_SETMASK, &pool->caller_mask, NULL);
	return rc;
}

int dp_process_pool_run(dp_process_pool *pool)
{
	if (pool == NULL)
		return DP_EINVAL;
	int rc = run_queue(pool);
	if (rc == DP_OK)
		rc = pool->first_error;
	pool->first_error = DP_OK;
	return rc;
}

int dp_process_pool_task_wait(dp_process_pool_task *task,
                              struct dp_process_pool_outcome *outcome)
{
	if (task == NULL)
		return DP_EINVAL;
	dp_process_pool *pool = task->pool;
	/* Detached errors of this run stay recorded for the next
	 * dp_process_pool_run(); a run always finishes every task. */
	if (!task->done)
		run_queue(pool);
	int rc = task->rc;
	if (outcome != NULL)
		*outcome = task->outcome;
	dp_free(pool->alloc, task);
	return rc;
}

int dp_process_pool_stats(const dp_process_pool *pool,
                          struct dp_process_pool_stats *stats)
{
	if (pool == NULL || stats == NULL)
		return DP_EINVAL;
	*stats = pool->stats;
	return DP_OK;
}

size_t dp_process_pool_workers(const dp_process_pool *pool)
{
	return pool == NULL ? 0 : pool->workers;
}
