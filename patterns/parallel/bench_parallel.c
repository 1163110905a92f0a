/*
 * What a worker pool buys, and what it costs.
 *
 * Table 1: a parallel sum over 1..nproc threads, for a compute-bound
 * kernel (32 rounds of mixing per element) and for the memory-bound sum
 * of a large array (a loop the compiler vectorizes), with speedup over
 * the serial loop and efficiency (speedup per thread).
 *
 * Table 2: the cost of a thread: creating and joining one per task
 * against handing a task to a pooled thread and waiting for it.
 *
 * Table 3: the size below which going parallel does not pay: serial
 * against a forced two-way map, for both kernels.
 *
 * Table 4: when python3 is present, multiprocessing.Pool on the same
 * compute-bound kernel, run through popen().
 *
 * Table 5: threads against processes at 2 workers, the same Command
 * tasks through dp_thread_pool and dp_process_pool, next to
 * multiprocessing.Pool(2): start-up, cost per task, cost per MiB of
 * result, and the speedup of a compute-bound sum.
 *
 * Run with `make bench`; figures are ratios within this one run.
 * DP_BENCH_QUICK=1 shrinks everything. With DP_BENCH_CSV set, every table
 * goes to a CSV file there, the ratios the README quotes as columns of
 * their own: table 1 to parallel_speedup.csv, table 2 to
 * parallel_handoff.csv, table 3 to parallel_threshold.csv, table 4 to
 * parallel_python.csv and table 5 to parallel_processes.csv (times in us;
 * nan where Python was skipped).
 */
/* popen(), pclose() and sysconf() are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "common/dp_bench.h"
#include "common/dp_temp.h"
#include "parallel/parallel.h"
#include "parallel/process_pool.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum { MIX_ROUNDS = 32, MAX_THREADS = 64 };

/* The compute-bound kernel: no memory traffic, only arithmetic. */
static uint64_t mix(uint64_t x)
{
	for (int r = 0; r < MIX_ROUNDS; r++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		x ^= x >> 33;
	}
	return x;
}

struct sum_job {
	dp_thread_pool *pool;
	const uint64_t *values;
	size_t count;
	size_t min_chunk;
	uint64_t partial[MAX_THREADS];
};

static int mix_range(void *ctx, size_t chunk, size_t begin, size_t end)
{
	struct sum_job *job = ctx;
	uint64_t sum = 0;

	for (size_t i = begin; i < end; i++)
		sum += mix(i);
	job->partial[chunk] = sum;
	return DP_OK;
}

static int add_range(void *ctx, size_t chunk, size_t begin, size_t end)
{
	struct sum_job *job = ctx;
	uint64_t sum = 0;

	for (size_t i = begin; i < end; i++)
		sum += job->values[i];
	job->partial[chunk] = sum;
	return DP_OK;
}

static void serial_mix(void *ctx, size_t iterations)
{
	struct sum_job *job = ctx;

	for (size_t it = 0; it < iterations; it++) {
		mix_range(job, 0, 0, job->count);
		dp_bench_keep(job->partial[0]);
	}
}

static void serial_add(void *ctx, size_t iterations)
{
	struct sum_job *job = ctx;

	for (size_t it = 0; it < iterations; it++) {
		add_range(job, 0, 0, job->count);
		dp_bench_keep(job->partial[0]);
	}
}

static void pooled(struct sum_job *job, dp_thread_pool_range_fn *fn,
                   size_t iterations)
{
	for (size_t it = 0; it < iterations; it++) {
		dp_thread_pool_map(job->pool, job->count, job->min_chunk, fn,
		                   job);
		uint64_t sum = 0;
		size_t chunks = dp_thread_pool_map_chunks(job->pool, job->count,
		                                          job->min_chunk);
		for (size_t c = 0; c < chunks; c++)
			sum += job->partial[c];
		dp_bench_keep(sum);
	}
}

static void pooled_mix(void *ctx, size_t iterations)
{
	pooled(ctx, mix_range, iterations);
}

static void pooled_add(void *ctx, size_t iterations)
{
	pooled(ctx, add_range, iterations);
}

/* ---- table 1 ------------------------------------------------------------- */

/* Best of `PASSES` interleaved passes: on a shared machine other work
 * comes and goes, and interleaving gives serial and parallel runs the
 * same chances of a quiet moment. */
enum { PASSES = 3 };

static void keep_best(double *best, double ns)
{
	if (*best == 0 || ns < *best)
		*best = ns;
}

static int scaling_table(size_t nproc, uint64_t *values, size_t words,
                         size_t elements)
{
	struct sum_job mix_job = {.count = elements, .min_chunk = 1};
	struct sum_job add_job = {
		.values = values, .count = words, .min_chunk = 1};
	dp_thread_pool *pools[MAX_THREADS + 1] = {NULL};
	double mix_ns[MAX_THREADS + 1] = {0};
	double add_ns[MAX_THREADS + 1] = {0};
	dp_bench_csv *csv = NULL;
	int rc = DP_ENOMEM;

	for (size_t t = 1; t <= nproc; t++) {
		pools[t] = dp_thread_pool_create(t, NULL);
		if (pools[t] == NULL)
			goto out_destroy_pools;
	}
	/* Index 0 is the serial loop. */
	for (int pass = 0; pass < PASSES; pass++) {
		keep_best(&mix_ns[0], dp_bench_ns_per_op(serial_mix, &mix_job));
		keep_best(&add_ns[0], dp_bench_ns_per_op(serial_add, &add_job));
		for (size_t t = 1; t <= nproc; t++) {
			mix_job.pool = pools[t];
			add_job.pool = pools[t];
			keep_best(&mix_ns[t],
			          dp_bench_ns_per_op(pooled_mix, &mix_job));
			keep_best(&add_ns[t],
			          dp_bench_ns_per_op(pooled_add, &add_job));
		}
	}

	printf("Parallel sum, ms per sum (speedup over serial, efficiency)\n");
	printf("compute-bound: %zu elements x %d mixing rounds; "
	       "memory-bound: %zu MB of uint64_t\n",
	       elements, MIX_ROUNDS, words * sizeof(uint64_t) >> 20);
	printf("%8s %26s %26s\n", "threads", "compute-bound", "memory-bound");
	printf("%8s %10.2f %15s %10.2f %15s\n", "serial", mix_ns[0] / 1e6, "",
	       add_ns[0] / 1e6, "");
	rc = dp_bench_csv_open(&csv, "parallel_speedup",
	                       "threads,compute_bound,memory_bound,compute_ms,"
	                       "memory_ms,compute_serial_ms,memory_serial_ms");
	for (size_t t = 1; t <= nproc; t++) {
		printf("%8zu %10.2f (%4.2fx, %3.0f%%) %10.2f (%4.2fx, "
		       "%3.0f%%)\n",
		       t, mix_ns[t] / 1e6, mix_ns[0] / mix_ns[t],
		       100 * mix_ns[0] / mix_ns[t] / (double)t, add_ns[t] / 1e6,
		       add_ns[0] / add_ns[t],
		       100 * add_ns[0] / add_ns[t] / (double)t);
		char label[24];
		snprintf(label, sizeof(label), "%zu", t);
		dp_bench_csv_row(csv, label,
		                 (double[]){mix_ns[0] / mix_ns[t],
		                            add_ns[0] / add_ns[t],
		                            mix_ns[t] / 1e6, add_ns[t] / 1e6,
		                            mix_ns[0] / 1e6, add_ns[0] / 1e6},
		                 6);
	}
	printf("\n");
	if (rc == DP_OK)
		rc = dp_bench_csv_close(csv);
out_destroy_pools:
	for (size_t t = 1; t <= nproc; t++)
		dp_thread_pool_destroy(pools[t]);
	return rc;
}

/* ---- table 2 ------------------------------------------------------------- */

static void *empty_thread(void *arg)
{
	return arg;
}

static void create_join(void *ctx, size_t iterations)
{
	(void)ctx;
	for (size_t i = 0; i < iterations; i++) {
		pthread_t thread;
		if (pthread_create(&thread, NULL, empty_thread, NULL) == 0)
			pthread_join(thread, NULL);
	}
}

static int empty_execute(struct dp_command *command)
{
	(void)command;
	return DP_OK;
}

static const struct dp_command_ops empty_ops = {
	.name = "empty",
	.execute = empty_execute,
};

static void submit_wait(void *ctx, size_t iterations)
{
	dp_thread_pool *pool = ctx;
	struct dp_command command = {.ops = &empty_ops};

	for (size_t i = 0; i < iterations; i++) {
		dp_thread_pool_task *task = NULL;
		if (dp_thread_pool_submit(pool, &command, &task) == DP_OK)
			dp_thread_pool_task_wait(task);
	}
}

static int thread_cost_table(void)
{
	dp_thread_pool *pool = dp_thread_pool_create(1, NULL);
	if (pool == NULL)
		return DP_ENOMEM;
	/* Interleaved passes, each keeping its best: the two differ by what
	 * the other jobs on the machine do to a wake-up. */
	double fresh = 0, reused = 0;
	for (int pass = 0; pass < PASSES; pass++) {
		keep_best(&fresh, dp_bench_ns_per_op(create_join, NULL));
		keep_best(&reused, dp_bench_ns_per_op(submit_wait, pool));
	}
	dp_thread_pool_destroy(pool);

	printf("Running one empty task, us per task\n");
	printf("  a new thread (pthread_create + pthread_join) %8.2f\n",
	       fresh / 1e3);
	printf("  a pooled thread (submit + wait)              %8.2f\n",
	       reused / 1e3);
	printf("  ratio                                        %8.2fx\n\n",
	       fresh / reused);
	dp_bench_csv *csv = NULL;
	int rc =
		dp_bench_csv_open(&csv, "parallel_handoff",
	                          "task,new_thread_us,pooled_us,new_vs_pooled");
	if (rc == DP_OK)
		rc = dp_bench_csv_row(
			csv, "empty task",
			(double[]){fresh / 1e3, reused / 1e3, fresh / reused},
			3);
	int close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

/* ---- table 3 ------------------------------------------------------------- */

static int threshold_table(size_t nproc, uint64_t *values)
{
	static const size_t sizes[] = {64,    256,   1024,   4096,
	                               16384, 65536, 262144, 1048576};
	size_t threads = nproc < 2 ? 2 : nproc;
	dp_thread_pool *pool = dp_thread_pool_create(threads, NULL);
	if (pool == NULL)
		return DP_ENOMEM;
	size_t first_win[2] = {0, 0};
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "parallel_threshold",
	                           "elements,compute_serial_us,"
	                           "compute_parallel_us,compute_ratio,"
	                           "memory_serial_us,memory_parallel_us,"
	                           "memory_ratio");

	printf("Serial against a forced %zu-way map, us per sum "
	       "(parallel/serial; < 1 pays)\n",
	       threads);
	printf("%9s %28s %28s\n", "elements", "compute-bound", "memory-bound");
	for (size_t s = 0; s < DP_ARRAY_SIZE(sizes); s++) {
		struct sum_job job = {.pool = pool,
		                      .values = values,
		                      .count = sizes[s],
		                      .min_chunk = 1};
		const double ns[4] = {
			dp_bench_ns_per_op(serial_mix, &job),
			dp_bench_ns_per_op(pooled_mix, &job),
			dp_bench_ns_per_op(serial_add, &job),
			dp_bench_ns_per_op(pooled_add, &job),
		};
		for (int k = 0; k < 2; k++)
			if (first_win[k] == 0 && ns[2 * k + 1] < ns[2 * k])
				first_win[k] = sizes[s];
		printf("%9zu %8.2f %8.2f (%5.2f)   %8.2f %8.2f (%5.2f)\n",
		       sizes[s], ns[0] / 1e3, ns[1] / 1e3, ns[1] / ns[0],
		       ns[2] / 1e3, ns[3] / 1e3, ns[3] / ns[2]);
		char label[24];
		snprintf(label, sizeof(label), "%zu", sizes[s]);
		dp_bench_csv_row(csv, label,
		                 (double[]){ns[0] / 1e3, ns[1] / 1e3,
		                            ns[1] / ns[0], ns[2] / 1e3,
		                            ns[3] / 1e3, ns[3] / ns[2]},
		                 6);
	}
	for (int k = 0; k < 2; k++) {
		if (first_win[k] != 0)
			printf("%s: parallel first pays at %zu elements\n",
			       k == 0 ? "compute-bound" : "memory-bound",
			       first_win[k]);
		else
			printf("%s: parallel never paid up to %zu elements\n",
			       k == 0 ? "compute-bound" : "memory-bound",
			       sizes[DP_ARRAY_SIZE(sizes) - 1]);
	}
	printf("\n");
	dp_thread_pool_destroy(pool);
	int close_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : close_rc;
}

/* ---- table 4 ------------------------------------------------------------- */

/* The C kernel in Python, shared by the two scripts below: mix() and
 * part(), the sum of mix() over a range. */
#define PYTHON_KERNEL                                                       \
	"import sys, time\n"                                                \
	"from multiprocessing import Pool\n"                                \
	"M = (1 << 64) - 1\n"                                               \
	"def mix(x):\n"                                                     \
	"    for _ in range(32):\n"                                         \
	"        x = (x * 6364136223846793005 + 1442695040888963407) & M\n" \
	"        x ^= x >> 33\n"                                            \
	"    return x\n"                                                    \
	"def part(r):\n"                                                    \
	"    return sum(mix(i) for i in range(r[0], r[1])) & M\n"

/* Table 4's script: `$N` elements, `$P` processes. It prints
 * ns per element for a plain loop and for Pool(1) and Pool(P). */
static const char PYTHON_SCRIPT[] = PYTHON_KERNEL
	"def chunks(n, k):\n"
	"    return [(n * i // k, n * (i + 1) // k) for i in range(k)]\n"
	"if __name__ == '__main__':\n"
	"    n, p = int(sys.argv[1]), int(sys.argv[2])\n"
	"    t = time.perf_counter(); s = part((0, n))\n"
	"    print('serial', (time.perf_counter() - t) * 1e9 / n)\n"
	"    for k in sorted({1, p}):\n"
	"        with Pool(k) as pool:\n"
	"            pool.map(part, chunks(k, k))\n"
	"            t = time.perf_counter()\n"
	"            r = sum(pool.map(part, chunks(n, k))) & M\n"
	"            print('pool%d' % k, (time.perf_counter() - t) * 1e9 / n)\n"
	"        assert r == s\n";

/* Table 4 to parallel_python.csv: ns per element, the speedup over the
 * same language's loop, and the cost against C's serial loop. A failed
 * file is reported by the close and ignored: the table is printed. */
static void python_csv(const double ns[3], double py_top, double c_serial,
                       double c_pool)
{
	static const char *const labels[] = {
		"Python loop", "Python Pool(1)", "Python Pool(nproc)",
		"C serial loop", "C dp_thread_pool_map(nproc)"};
	const double each[] = {ns[0], ns[1], py_top, c_serial, c_pool};
	const double loop[] = {ns[0], ns[0], ns[0], c_serial, c_serial};
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "parallel_python",
	                           "method,ns_per_element,speedup_over_loop,"
	                           "vs_c_serial");
	for (size_t i = 0; rc == DP_OK && i < DP_ARRAY_SIZE(each); i++)
		rc = dp_bench_csv_row(csv, labels[i],
		                      (double[]){each[i], loop[i] / each[i],
		                                 each[i] / c_serial},
		                      3);
	if (dp_bench_csv_close(csv) != DP_OK || rc != DP_OK)
		fprintf(stderr, "bench_parallel: parallel_python.csv not "
		                "written\n");
}

static void python_table(size_t nproc, size_t elements)
{
	char dir[256];
	char path[300];
	if (dp_temp_dir_make(dir, sizeof(dir), "dp_parallel") != DP_OK) {
		printf("multiprocessing.Pool: skipped (no temporary "
		       "directory)\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/pool.py", dir);
	FILE *script = fopen(path, "w");
	if (script == NULL) {
		dp_temp_dir_remove(dir);
		printf("multiprocessing.Pool: skipped (no temporary file)\n");
		return;
	}
	fputs(PYTHON_SCRIPT, script);
	fclose(script);

	char command[512];
	snprintf(command, sizeof(command),
	         "command -v python3 >/dev/null 2>&1 && python3 %s %zu %zu",
	         path, elements, nproc);
	FILE *pipe = popen(command, "r");
	double ns[3] = {0, 0, 0};
	int found = 0;
	if (pipe != NULL) {
		char label[16];
		double value;
		while (found < 3 &&
		       fscanf(pipe, "%15s %lf", label, &value) == 2)
			ns[found++] = value;
		pclose(pipe);
	}
	dp_temp_dir_remove(dir);
	if (found < 2) {
		printf("multiprocessing.Pool: skipped (python3 not found)\n");
		return;
	}

	struct sum_job job = {.count = elements, .min_chunk = 1};
	double c_serial =
		dp_bench_ns_per_op(serial_mix, &job) / (double)elements;
	dp_thread_pool *pool = dp_thread_pool_create(nproc, NULL);
	job.pool = pool;
	double c_pool =
		pool ? dp_bench_ns_per_op(pooled_mix, &job) / (double)elements
		     : 0;
	dp_thread_pool_destroy(pool);

	double py_top = found == 3 ? ns[2] : ns[1];
	printf("The same compute-bound kernel, ns per element "
	       "(%zu elements, %zu workers)\n",
	       elements, nproc);
	printf("  %-34s %10.1f\n", "Python, plain loop", ns[0]);
	printf("  %-34s %10.1f\n", "Python, multiprocessing.Pool(1)", ns[1]);
	printf("  %-34s %10.1f  (%.2fx over the loop)\n",
	       "Python, multiprocessing.Pool(nproc)", py_top, ns[0] / py_top);
	printf("  %-34s %10.2f\n", "C, serial loop", c_serial);
	printf("  %-34s %10.2f  (%.2fx over the loop)\n",
	       "C, dp_thread_pool_map(nproc)", c_pool, c_serial / c_pool);
	printf("  C serial is %.0fx faster than the Python loop\n",
	       ns[0] / c_serial);
	python_csv(ns, py_top, c_serial, c_pool);
}

/* ---- table 5 ------------------------------------------------------------- */

/* One Command for both pools: it sums mix(i) over [begin, end), or fills
 * `bytes` bytes of its result with a pattern; either way it writes only
 * its declared result, so it means the same in a thread and in a
 * process. */
struct swap_task {
	struct dp_command base; /* Base. Must be first. */
	size_t begin;
	size_t end;
	unsigned char *result;
	size_t bytes;
};

static int swap_execute(struct dp_command *command)
{
	struct swap_task *task =
		dp_container_of(command, struct swap_task, base);

	if (task->bytes != 0) {
		memset(task->result, (int)(task->begin & 0xff), task->bytes);
		return DP_OK;
	}
	uint64_t sum = 0;
	for (size_t i = task->begin; i < task->end; i++)
		sum += mix(i);
	memcpy(task->result, &sum, sizeof(sum));
	return DP_OK;
}

/* No destroy: the bench owns the tasks, in arrays. */
static const struct dp_command_ops swap_ops = {
	.name = "swap",
	.execute = swap_execute,
};

enum { SWAP_WORKERS = 2 };

/* One batch: `count` tasks, each either a slice of [0, elements) or a
 * `bytes`-byte fill, on `threads` when it is given (a warm pool), else on
 * a pool created and destroyed in the batch. A process pool forks its
 * workers in every run whatever happens, so it has no warm form. */
struct batch {
	bool processes;
	dp_thread_pool *threads;
	size_t count;
	size_t elements;
	size_t bytes;
	struct swap_task *tasks;
	unsigned char *results;
};

static void run_batch(const struct batch *batch)
{
	size_t slot = batch->bytes ? batch->bytes : sizeof(uint64_t);

	for (size_t i = 0; i < batch->count; i++) {
		batch->tasks[i] = (struct swap_task){
			.base = {.ops = &swap_ops},
			.begin = batch->elements * i / batch->count,
			.end = batch->elements * (i + 1) / batch->count,
			.result = batch->results + i * slot,
			.bytes = batch->bytes,
		};
	}
	if (batch->processes) {
		dp_process_pool *pool =
			dp_process_pool_create(SWAP_WORKERS, 0, NULL);
		for (size_t i = 0; i < batch->count; i++)
			dp_process_pool_submit(pool, &batch->tasks[i].base,
			                       batch->tasks[i].result, slot,
			                       NULL);
		dp_process_pool_run(pool);
		dp_process_pool_destroy(pool);
	} else {
		dp_thread_pool *pool =
			dp_thread_pool_create(SWAP_WORKERS, NULL);
		for (size_t i = 0; i < batch->count; i++)
			dp_thread_pool_submit(pool, &batch->tasks[i].base,
			                      NULL);
		dp_thread_pool_wait_all(pool);
		dp_thread_pool_destroy(pool);
	}
	dp_bench_keep(batch->results[0]);
}

static void batch_bench(void *ctx, size_t iterations)
{
	for (size_t it = 0; it < iterations; it++)
		run_batch(ctx);
}

static double batch_ns(struct batch *batch)
{
	size_t slot = batch->bytes ? batch->bytes : sizeof(uint64_t);
	batch->tasks = calloc(batch->count, sizeof(*batch->tasks));
	batch->results = calloc(batch->count, slot);
	double ns = 0;
	if (batch->tasks != NULL && batch->results != NULL)
		ns = dp_bench_ns_per_op(batch_bench, batch);
	free(batch->results);
	free(batch->tasks);
	return ns;
}

static void serial_sum(void *ctx, size_t iterations)
{
	const size_t *elements = ctx;

	for (size_t it = 0; it < iterations; it++) {
		uint64_t sum = 0;
		for (size_t i = 0; i < *elements; i++)
			sum += mix(i);
		dp_bench_keep(sum);
	}
}

/* multiprocessing.Pool(2) on the same four workloads. */
static const char PYTHON_SWAP_SCRIPT[] = PYTHON_KERNEL
	"def empty(_):\n"
	"    return None\n"
	"def fill(n):\n"
	"    return bytes([n & 0xff]) * (1 << 20)\n"
	"def best(f, k=3):\n"
	"    out = []\n"
	"    for _ in range(k):\n"
	"        t = time.perf_counter(); f()\n"
	"        out.append(time.perf_counter() - t)\n"
	"    return min(out) * 1e9\n"
	"def start():\n"
	"    p = Pool(2); p.map(empty, range(2)); p.close(); p.join()\n"
	"def cold(halves):\n"
	"    p = Pool(2); p.map(part, halves); p.close(); p.join()\n"
	"if __name__ == '__main__':\n"
	"    tasks, mib, n = (int(a) for a in sys.argv[1:4])\n"
	"    print('startup', best(start))\n"
	"    with Pool(2) as p:\n"
	"        p.map(empty, range(2))\n"
	"        print('task', best(lambda: p.map(empty, range(tasks), "
	"chunksize=1)) / tasks)\n"
	"        print('mib', best(lambda: p.map(fill, range(mib), "
	"chunksize=1)) / mib)\n"
	"        serial = best(lambda: part((0, n)))\n"
	"        halves = [(0, n // 2), (n // 2, n)]\n"
	"        two = best(lambda: p.map(part, halves))\n"
	"        print('speedup', serial / two)\n"
	"    print('cold', serial / best(lambda: cold(halves)))\n";

/* Runs the script; fills `py` (startup ns, ns per task, ns per MiB,
 * speedup without and with start-up) and returns true when all five
 * came back. */
static bool python_swap(size_t tasks, size_t mib, size_t elements, double py[5])
{
	char dir[256];
	char path[300];
	if (dp_temp_dir_make(dir, sizeof(dir), "dp_parallel") != DP_OK)
		return false;
	snprintf(path, sizeof(path), "%s/swap.py", dir);
	FILE *script = fopen(path, "w");
	if (script == NULL) {
		dp_temp_dir_remove(dir);
		return false;
	}
	fputs(PYTHON_SWAP_SCRIPT, script);
	fclose(script);
	char command[512];
	snprintf(command, sizeof(command),
	         "command -v python3 >/dev/null 2>&1 && python3 %s %zu %zu %zu",
	         path, tasks, mib, elements);
	FILE *pipe = popen(command, "r");
	int found = 0;
	if (pipe != NULL) {
		char label[16];
		double value;
		while (found < 5 &&
		       fscanf(pipe, "%15s %lf", label, &value) == 2)
			py[found++] = value;
		pclose(pipe);
	}
	dp_temp_dir_remove(dir);
	return found == 5;
}

static size_t page_size(void)
{
	long size = sysconf(_SC_PAGESIZE);
	return size > 0 ? (size_t)size : 4096;
}

static int swap_table(bool quick)
{
	size_t tasks = quick ? 200 : 2000;
	size_t mib = 4;
	size_t elements = quick ? (size_t)1 << 16 : (size_t)1 << 18;
	size_t py_elements = quick ? 20000 : 50000;
	double c[2][5] = {{0}};
	double serial[2] = {0};
	double warm_run[2] = {0};
	double cold[2] = {0};
	dp_thread_pool *warm = dp_thread_pool_create(SWAP_WORKERS, NULL);
	if (warm == NULL)
		return DP_ENOMEM;

	/* Threads: a warm pool for everything but the start-up, so no
	 * figure needs a subtraction. Processes: every run forks, so the
	 * start-up is subtracted from each batch. Best of three passes. */
	for (int pass = 0; pass < PASSES; pass++) {
		for (int p = 0; p < 2; p++) {
			dp_thread_pool *pool = p ? NULL : warm;
			/* Start-up: a pool of two, one empty task each, torn
			 * down. */
			struct batch start = {.processes = p,
			                      .count = SWAP_WORKERS};
			double startup = batch_ns(&start);
			double fixed = p ? startup : 0;
			keep_best(&c[p][0], startup);
			/* Per task: the cost of an empty task in a batch. */
			struct batch many = {.processes = p,
			                     .threads = pool,
			                     .count = tasks};
			keep_best(&c[p][1],
			          (batch_ns(&many) - fixed) / (double)tasks);
			/* Per MiB: tasks that each fill a 1 MiB result. */
			struct batch fill = {.processes = p,
			                     .threads = pool,
			                     .count = mib,
			                     .bytes = (size_t)1 << 20};
			keep_best(&c[p][2],
			          (batch_ns(&fill) - fixed) / (double)mib);
			/* Speedup: the compute-bound sum in two tasks, warm
			 * (start-up left out) and cold (included); the best
			 * time of each, so noise cannot inflate a ratio. */
			struct batch sum = {.processes = p,
			                    .threads = pool,
			                    .count = SWAP_WORKERS,
			                    .elements = elements};
			keep_best(&serial[p],
			          dp_bench_ns_per_op(serial_sum, &elements));
			double run = batch_ns(&sum);
			sum.threads = NULL;
			keep_best(&cold[p], p ? run : batch_ns(&sum));
			keep_best(&warm_run[p], run - fixed);
		}
	}
	for (int p = 0; p < 2; p++) {
		c[p][3] = serial[p] / warm_run[p];
		c[p][4] = serial[p] / cold[p];
	}
	dp_thread_pool_destroy(warm);

	/* Where a MiB of result goes in a process pool: minor page faults
	 * (copy-on-write and first touch) in the parent and in the workers,
	 * over one batch of fills. */
	struct batch fill = {
		.processes = true, .count = mib, .bytes = (size_t)1 << 20};
	fill.tasks = calloc(fill.count, sizeof(*fill.tasks));
	fill.results = calloc(fill.count, fill.bytes);
	double faults[2] = {0, 0};
	if (fill.tasks != NULL && fill.results != NULL) {
		/* Touched once first, as in the timed batches. */
		memset(fill.results, 1, fill.count * fill.bytes);
		struct rusage self0, kids0, self1, kids1;
		getrusage(RUSAGE_SELF, &self0);
		getrusage(RUSAGE_CHILDREN, &kids0);
		run_batch(&fill);
		getrusage(RUSAGE_SELF, &self1);
		getrusage(RUSAGE_CHILDREN, &kids1);
		faults[0] = (double)(self1.ru_minflt - self0.ru_minflt) /
		            (double)mib;
		faults[1] = (double)(kids1.ru_minflt - kids0.ru_minflt) /
		            (double)mib;
	}
	free(fill.results);
	free(fill.tasks);
	double py[5];
	bool have_python = python_swap(tasks, mib, py_elements, py);

	printf("Threads against processes, %d workers, the same Command "
	       "tasks\n",
	       SWAP_WORKERS);
	printf("%-34s %12s %12s %12s\n", "", "threads", "processes",
	       "Python Pool");
	static const char *const rows[] = {
		"start-up (pool, 2 tasks, stop), us",
		"per empty task, us",
		"per MiB of result, us",
		"speedup, start-up left out",
		"speedup, start-up included",
	};
	/* The CSV's labels: the rows' names without their commas. */
	static const char *const measures[] = {
		"start-up us",
		"per empty task us",
		"per MiB of result us",
		"speedup start-up left out",
		"speedup start-up included",
	};
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "parallel_processes",
	                           "measure,threads,processes,python");
	for (int r = 0; r < 5; r++) {
		double scale = r >= 3 ? 1 : 1e3;
		printf("%-34s %12.2f %12.2f", rows[r], c[0][r] / scale,
		       c[1][r] / scale);
		if (have_python)
			printf(" %12.2f\n", py[r] / scale);
		else
			printf(" %12s\n", "skipped");
		dp_bench_csv_row(csv, measures[r],
		                 (double[]){c[0][r] / scale, c[1][r] / scale,
		                            have_python ? py[r] / scale : NAN},
		                 3);
	}
	printf("(%zu empty tasks; %zu tasks of 1 MiB; speedup of the "
	       "compute-bound sum\n over its serial loop, %zu elements in 2 "
	       "tasks, Python %zu)\n",
	       tasks, mib, elements, py_elements);
	printf("processes/threads: start-up %.1fx, per task %.1fx, "
	       "per MiB %.1fx\n",
	       c[1][0] / c[0][0], c[1][1] / c[0][1], c[1][2] / c[0][2]);
	printf("processes, minor page faults per MiB of result: %.0f in the "
	       "parent, %.0f in the workers\n(a MiB is %zu pages)\n\n",
	       faults[0], faults[1], ((size_t)1 << 20) / page_size());
	/* The page faults are the processes' only: nan elsewhere. */
	dp_bench_csv_row(csv, "faults per MiB in the parent",
	                 (double[]){NAN, faults[0], NAN}, 3);
	dp_bench_csv_row(csv, "faults per MiB in the workers",
	                 (double[]){NAN, faults[1], NAN}, 3);
	int csv_rc = dp_bench_csv_close(csv);
	return rc != DP_OK ? rc : csv_rc;
}

int main(void)
{
	bool quick = getenv("DP_BENCH_QUICK") != NULL;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nproc = online < 1 ? 1 : (size_t)online;
	if (nproc > MAX_THREADS)
		nproc = MAX_THREADS;
	size_t words = quick ? (size_t)1 << 20 : (size_t)1 << 22;
	size_t elements = quick ? (size_t)1 << 14 : (size_t)1 << 18;

	uint64_t *values = malloc(words * sizeof(*values));
	if (values == NULL)
		return EXIT_FAILURE;
	uint64_t seed = 99;
	for (size_t i = 0; i < words; i++)
		values[i] = dp_random_next(&seed) >> 8;

	printf("%zu online CPUs\n\n", nproc);
	int rc = scaling_table(nproc, values, words, elements);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_parallel: %s\n", dp_strerror(rc));
		free(values);
		return EXIT_FAILURE;
	}
	rc = thread_cost_table();
	if (rc == DP_OK)
		rc = threshold_table(nproc, values);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_parallel: %s\n", dp_strerror(rc));
		free(values);
		return EXIT_FAILURE;
	}
	python_table(nproc, 20000);
	printf("\n");
	rc = swap_table(quick);
	free(values);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_parallel: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
