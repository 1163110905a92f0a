/*
 * A worker pool at work on a performance job: checksumming the blocks of
 * a file image in parallel, as a backup tool does before it uploads.
 *
 * 1. dp_thread_pool_map() splits a large array over the workers, and the
 *    parallel result is checked against the serial one.
 * 2. Each block is a Command submitted with a handle; a damaged block's
 *    error comes back through its own handle, in submission order.
 * 3. A small job stays on the calling thread: below `min_chunk` elements
 *    per thread, going parallel costs more than it saves.
 * 4. The same block commands run in a process pool instead (Strategy):
 *    the checksums come back as the declared 8 bytes each, a counter the
 *    commands bump stays in the workers, and a block whose worker crashes
 *    or exits fails alone while the others finish.
 */
/* signal() and raise() are C11; SIGSEGV's default action is POSIX. */
#define _POSIX_C_SOURCE 200809L

#include "parallel/parallel.h"
#include "parallel/process_pool.h"

#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { WORKERS = 2, WORDS = 1 << 20, BLOCKS = 6, BLOCK_WORDS = WORDS / 8 };

/* A cheap mixing checksum of a run of 64-bit words (FNV-1a style). */
static uint64_t checksum(const uint64_t *words, size_t count)
{
	uint64_t hash = 1469598103934665603u;

	for (size_t i = 0; i < count; i++)
		hash = (hash ^ words[i]) * 1099511628211u;
	return hash;
}

/* ---- 1. a map over the whole image ---------------------------------------- */

struct xor_job {
	const uint64_t *words;
	uint64_t partial[WORKERS];
};

/* Each word is hashed alone and the hashes are XORed, so the result does
 * not depend on how the image is split into chunks. */
static int xor_range(void *ctx, size_t chunk, size_t begin, size_t end)
{
	struct xor_job *job = ctx;
	uint64_t value = 0;

	for (size_t i = begin; i < end; i++)
		value ^= checksum(&job->words[i], 1);
	job->partial[chunk] = value;
	return DP_OK;
}

/* ---- 2. one Command per block ---------------------------------------------- */

struct block_task {
	struct dp_command base; /* Base. Must be first. */
	const uint64_t *words;
	size_t count;
	uint64_t *sum;           /* Where the result goes; owned by main. */
	atomic_size_t *executed; /* Bumped by every execute; owned by main. */
};

static int block_execute(struct dp_command *command)
{
	struct block_task *task =
		dp_container_of(command, struct block_task, base);

	/* A block past the end of the image is damaged input. */
	atomic_fetch_add(task->executed, 1);
	if (task->words == NULL)
		return DP_ERANGE;
	*task->sum = checksum(task->words, task->count);
	return DP_OK;
}

static void block_destroy(struct dp_command *command)
{
	free(dp_container_of(command, struct block_task, base));
}

static const struct dp_command_ops block_ops = {
	.name = "checksum block",
	.execute = block_execute,
	.destroy = block_destroy,
};

/* ---- 4. the same commands in worker processes ----------------------------- */

/* A block whose reader faults or gives up the whole process: fatal in a
 * thread, one failed task in a process pool. */
struct fault_task {
	struct dp_command base; /* Base. Must be first. */
	bool crash;
};

static int fault_execute(struct dp_command *command)
{
	struct fault_task *task =
		dp_container_of(command, struct fault_task, base);

	if (task->crash) {
		/* A real invalid access would do; this is the same signal,
		 * and sanitizers cannot turn it into an exit status. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	exit(2);
}

static const struct dp_command_ops fault_ops = {
	.name = "faulty block",
	.execute = fault_execute,
};

static struct block_task *block_new(uint64_t *image, size_t b, uint64_t *sum,
                                    atomic_size_t *executed)
{
	struct block_task *task = malloc(sizeof(*task));
	if (task == NULL)
		return NULL;
	/* Blocks 0-4 are inside the image; block 5 is not. */
	*task = (struct block_task){
		.base = {.ops = &block_ops},
		.words = b < 5 ? image + b * BLOCK_WORDS : NULL,
		.count = BLOCK_WORDS,
		.sum = sum,
		.executed = executed,
	};
	return task;
}

static int process_blocks(uint64_t *image)
{
	dp_process_pool *pool = dp_process_pool_create(WORKERS, 0, NULL);
	if (pool == NULL)
		return EXIT_FAILURE;
	uint64_t sums[BLOCKS + 2] = {0};
	atomic_size_t executed = 0;
	dp_process_pool_task *handles[BLOCKS + 2];
	struct fault_task faults[2] = {
		{.base = {.ops = &fault_ops}, .crash = true},
		{.base = {.ops = &fault_ops}, .crash = false},
	};
	for (size_t b = 0; b < BLOCKS + 2; b++) {
		struct dp_command *command = &faults[b % 2].base;
		if (b < BLOCKS) {
			struct block_task *task =
				block_new(image, b, &sums[b], &executed);
			if (task == NULL)
				return EXIT_FAILURE;
			command = &task->base;
		}
		/* The one difference from the thread pool: the pool is told
		 * where the result is and how big, to copy it back. */
		if (dp_process_pool_submit(pool, command, &sums[b],
		                           sizeof(sums[b]),
		                           &handles[b]) != DP_OK)
			return EXIT_FAILURE;
	}
	for (size_t b = 0; b < BLOCKS + 2; b++) {
		struct dp_process_pool_outcome outcome;
		int rc = dp_process_pool_task_wait(handles[b], &outcome);
		if (rc == DP_OK)
			printf("process block %zu: %016" PRIx64 "\n", b,
			       sums[b]);
		else if (outcome.signal != 0)
			printf("process block %zu: %s, worker killed by "
			       "signal %d (SIGSEGV)\n",
			       b, dp_error_name(rc), outcome.signal);
		else if (outcome.exit_status >= 0)
			printf("process block %zu: %s, worker exited with "
			       "status %d\n",
			       b, dp_error_name(rc), outcome.exit_status);
		else
			printf("process block %zu: %s (%s)\n", b,
			       dp_error_name(rc), dp_strerror(rc));
	}
	struct dp_process_pool_stats stats;
	dp_process_pool_stats(pool, &stats);
	/* How many replacements were forked depends on timing (a worker
	 * lost after the queue emptied is not replaced); losses do not. */
	printf("processes: %zu workers lost; main saw %zu executes (each "
	       "worker bumped its own copy)\n",
	       stats.workers_lost, atomic_load(&executed));
	dp_process_pool_destroy(pool);
	return EXIT_SUCCESS;
}

int main(void)
{
	uint64_t *image = malloc(WORDS * sizeof(*image));
	dp_thread_pool *pool = dp_thread_pool_create(WORKERS, NULL);
	if (image == NULL || pool == NULL)
		return EXIT_FAILURE;
	uint64_t seed = 42;
	for (size_t i = 0; i < WORDS; i++)
		image[i] = dp_random_next(&seed);

	struct xor_job job = {.words = image};
	size_t chunks = dp_thread_pool_map_chunks(pool, WORDS, 4096);
	int rc = dp_thread_pool_map(pool, WORDS, 4096, xor_range, &job);
	uint64_t parallel = 0;
	for (size_t c = 0; c < chunks; c++)
		parallel ^= job.partial[c];
	uint64_t serial = 0;
	for (size_t i = 0; i < WORDS; i++)
		serial ^= checksum(&image[i], 1);
	printf("map: %d words in %zu chunks on %zu threads: %s, %s\n", WORDS,
	       chunks, dp_thread_pool_threads(pool), dp_error_name(rc),
	       parallel == serial ? "same as serial" : "DIFFERENT");

	uint64_t sums[BLOCKS] = {0};
	atomic_size_t executed = 0;
	dp_thread_pool_task *handles[BLOCKS];
	for (size_t b = 0; b < BLOCKS; b++) {
		struct block_task *task =
			block_new(image, b, &sums[b], &executed);
		if (task == NULL)
			return EXIT_FAILURE;
		rc = dp_thread_pool_submit(pool, &task->base, &handles[b]);
		if (rc != DP_OK) {
			free(task);
			return EXIT_FAILURE;
		}
	}
	for (size_t b = 0; b < BLOCKS; b++) {
		rc = dp_thread_pool_task_wait(handles[b]);
		if (rc == DP_OK)
			printf("block %zu: %016" PRIx64 "\n", b, sums[b]);
		else
			printf("block %zu: %s (%s)\n", b, dp_error_name(rc),
			       dp_strerror(rc));
	}

	chunks = dp_thread_pool_map_chunks(pool, 1000, 4096);
	rc = dp_thread_pool_map(pool, 1000, 4096, xor_range, &job);
	printf("map: 1000 words in %zu chunk, on the caller: %s\n", chunks,
	       dp_error_name(rc));

	printf("threads: main saw %zu executes\n", atomic_load(&executed));

	printf("shutdown (drain): %d cancelled\n",
	       dp_thread_pool_shutdown(pool, DP_THREAD_POOL_DRAIN));
	dp_thread_pool_destroy(pool);
	rc = process_blocks(image);
	free(image);
	return rc;
}
