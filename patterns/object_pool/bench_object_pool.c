/*
 * What a pool saves over malloc/free, and what counters, a lock or debug
 * mode give back.
 *
 * Every row times one acquire plus one release of a 64-byte object, in
 * four orders: a pair (acquire, release, repeat), LIFO with 1024 objects
 * live, and a random release order (one precomputed permutation) with 1024
 * and 65536 objects live. Columns: malloc/free (the naive way), the pool
 * (its inline fast path, compiled into this loop), the pool with a count
 * of acquires and releases kept around each call (what statistics on the
 * fast path would cost), the pool behind an uncontended mutex (what a
 * "thread-safe" global pool costs), the pool in debug mode (always out of
 * line), and two limits written here with no argument checks, no bounds
 * and no error paths: the classic intrusive free list (each free object
 * holds the next one's address) and a bare stack of addresses, the pool's
 * own design. Each object is written after it is acquired and its pointer
 * stored where the compiler must keep it, so no malloc/free pair can be
 * optimised away.
 *
 * Run with `make bench`; figures are ratios within this one run. With
 * DP_BENCH_CSV set, the table also goes to pool_malloc.csv there, with
 * the ratios the README quotes (malloc, debug mode and the mutex against
 * the pool) as columns of their own.
 */
#include "common/dp_bench.h"
#include "object_pool/object_pool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OBJECT_SIZE = 64, CHUNK_OBJECTS = 1024 };

/* How many times every measurement is repeated, the best kept. */
enum { PASSES = 3, REPETITIONS = 20 };

enum kind {
	MALLOC,
	POOL,
	COUNTED_POOL,
	LOCKED_POOL,
	DEBUG_POOL,
	INLINE_LIST,
	INLINE_STACK
};
enum { KINDS = INLINE_STACK + 1 };

struct bench {
	dp_pool *pool;
	dp_pool *debug_pool;
	uint64_t acquires; /* The counted pool's statistics. */
	uint64_t releases;
	pthread_mutex_t lock;
	void *inline_head;   /* A limit: a bare intrusive free list. */
	void **inline_stack; /* The other: a bare stack of addresses, */
	size_t inline_top;   /* and its count. */
	void **objects;      /* The live objects of a round. */
	const size_t *order; /* Release order; NULL means LIFO. */
	size_t live;         /* Objects live at once in a round. */
};

/* A bench program may stop at the first failure: nothing to recover. */
static void *checked(void *object)
{
	if (object == NULL) {
		fprintf(stderr, "bench_object_pool: %s\n",
		        dp_strerror(DP_ENOMEM));
		exit(EXIT_FAILURE);
	}
	return object;
}

/* Inlined into each caller with `kind` a constant, so the switch costs
 * nothing and each column runs only its own code. */
static inline __attribute__((always_inline)) void *get(struct bench *bench,
                                                       enum kind kind)
{
	void *object;
	int rc = DP_OK;

	switch (kind) {
	case MALLOC:
		object = malloc(OBJECT_SIZE);
		break;
	case POOL:
		rc = dp_pool_acquire(bench->pool, &object);
		break;
	case COUNTED_POOL:
		rc = dp_pool_acquire(bench->pool, &object);
		if (rc == DP_OK)
			bench->acquires++;
		break;
	case LOCKED_POOL:
		pthread_mutex_lock(&bench->lock);
		rc = dp_pool_acquire(bench->pool, &object);
		pthread_mutex_unlock(&bench->lock);
		break;
	case DEBUG_POOL:
		rc = dp_pool_acquire(bench->debug_pool, &object);
		break;
	case INLINE_LIST:
		object = bench->inline_head;
		bench->inline_head = *(void **)object;
		break;
	case INLINE_STACK:
		object = bench->inline_stack[--bench->inline_top];
		break;
	}
	return checked(rc == DP_OK ? object : NULL);
}

static inline __attribute__((always_inline)) void
put(struct bench *bench, enum kind kind, void *object)
{
	switch (kind) {
	case MALLOC:
		free(object);
		break;
	case POOL:
		dp_pool_release(bench->pool, object);
		break;
	case COUNTED_POOL:
		if (dp_pool_release(bench->pool, object) == DP_OK)
			bench->releases++;
		break;
	case LOCKED_POOL:
		pthread_mutex_lock(&bench->lock);
		dp_pool_release(bench->pool, object);
		pthread_mutex_unlock(&bench->lock);
		break;
	case DEBUG_POOL:
		dp_pool_release(bench->debug_pool, object);
		break;
	case INLINE_LIST:
		*(void **)object = bench->inline_head;
		bench->inline_head = object;
		break;
	case INLINE_STACK:
		bench->inline_stack[bench->inline_top++] = object;
		break;
	}
}

/* One iteration: acquire, write, release. */
static inline __attribute__((always_inline)) void
pairs(struct bench *bench, size_t iterations, enum kind kind)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		uint64_t *object = get(bench, kind);
		object[1] = i;
		bench->objects[0] = object;
		sum += object[1];
		put(bench, kind, object);
	}
	dp_bench_keep(sum);
}

/* One iteration: a round of `live` acquires, then `live` releases in
 * reverse (LIFO) or in the order of the permutation. */
static inline __attribute__((always_inline)) void
rounds(struct bench *bench, size_t iterations, enum kind kind)
{
	uint64_t sum = 0;
	size_t live = bench->live;
	/* Read once: the stores below could alias them, so the compiler
	 * would otherwise load them again in every column's loop. */
	void **objects = bench->objects;
	const size_t *order = bench->order;

	for (size_t r = 0; r < iterations; r++) {
		for (size_t i = 0; i < live; i++) {
			uint64_t *object = get(bench, kind);
			object[1] = i;
			objects[i] = object;
		}
		for (size_t i = 0; i < live; i++) {
			size_t k = order ? order[i] : live - 1 - i;
			uint64_t *object = objects[k];
			sum += object[1];
			put(bench, kind, object);
		}
	}
	dp_bench_keep(sum);
}

/* The timed functions, one per column and shape. */
static void pairs_malloc(void *ctx, size_t iterations)
{
	pairs(ctx, iterations, MALLOC);
}

static void rounds_malloc(void *ctx, size_t iterations)
{
	rounds(ctx, iterations, MALLOC);
}

static void pairs_pool(void *ctx, size_t iterations)
{
	pairs(ctx, iterations, POOL);
}

static void rounds_pool(void *ctx, size_t iterations)
{
	rounds(ctx, iterations, POOL);
}

static void pairs_counted_pool(void *ctx, size_t iterations)
{
	pairs(ctx, iterations, COUNTED_POOL);
}

static void rounds_counted_pool(void *ctx, size_t iterations)
{
	rounds(ctx, iterations, COUNTED_POOL);
}

static void pairs_locked_pool(void *ctx, size_t iterations)
{
	pairs(ctx, iterations, LOCKED_POOL);
}

static void rounds_locked_pool(void *ctx, size_t iterations)
{
	rounds(ctx, iterations, LOCKED_POOL);
}

static void pairs_debug_pool(void *ctx, size_t iterations)
{
	pairs(ctx, iterations, DEBUG_POOL);
}

static void rounds_debug_pool(void *ctx, size_t iterations)
{
	rounds(ctx, iterations, DEBUG_POOL);
}

static void pairs_inline_list(void *ctx, size_t iterations)
{
	pairs(ctx, iterations, INLINE_LIST);
}

static void rounds_inline_list(void *ctx, size_t iterations)
{
	rounds(ctx, iterations, INLINE_LIST);
}

static void pairs_inline_stack(void *ctx, size_t iterations)
{
	pairs(ctx, iterations, INLINE_STACK);
}

static void rounds_inline_stack(void *ctx, size_t iterations)
{
	rounds(ctx, iterations, INLINE_STACK);
}

/* One measurement of `fn` with `live` objects, in ns per call. Up to a
 * chunk of live objects, the best of short repetitions of about 1 ms
 * (dp_bench_measure()); with 65536, whose calls last milliseconds and
 * touch 4 MB, the best of five calibrated rounds of at least 10 ms. */
static double best_ns(dp_bench_fn *fn, void *ctx, size_t live)
{
	struct dp_bench_spread spread;

	if (live > CHUNK_OBJECTS)
		return dp_bench_ns_per_op(fn, ctx);
	dp_bench_measure(fn, ctx, REPETITIONS, &spread);
	return spread.min;
}

static dp_pool *make_pool(bool debug)
{
	struct dp_pool_config config = {
		.object_size = OBJECT_SIZE,
		.chunk_objects = CHUNK_OBJECTS,
		.debug = debug,
	};

	return checked(dp_pool_create(&config, NULL));
}

/* The limits' storage: `count` slots of OBJECT_SIZE, threaded as a list
 * and stacked (slot 0 on top) in `stack`. */
static void *make_inline_list(char *slots, size_t count)
{
	void *head = NULL;

	for (size_t i = count; i-- > 0;) {
		void *slot = slots + i * OBJECT_SIZE;
		*(void **)slot = head;
		head = slot;
	}
	return head;
}

static size_t make_inline_stack(char *slots, size_t count, void **stack)
{
	size_t top = 0;

	for (size_t i = count; i-- > 0;)
		stack[top++] = slots + i * OBJECT_SIZE;
	return top;
}

struct row {
	const char *name;
	const char *label; /* In the CSV file: no comma. */
	size_t live;
	bool random;
};

int main(void)
{
	static const struct row rows[] = {
		{"pair (acquire, release)", "pair", 1, false},
		{"LIFO, 1024 live", "LIFO 1024 live", 1024, false},
		{"random order, 1024 live", "random 1024 live", 1024, true},
		{"random order, 65536 live", "random 65536 live", 65536, true},
	};
	dp_bench_fn *const columns[2][KINDS] = {
		{pairs_malloc, pairs_pool, pairs_counted_pool,
	         pairs_locked_pool, pairs_debug_pool, pairs_inline_list,
	         pairs_inline_stack},
		{rounds_malloc, rounds_pool, rounds_counted_pool,
	         rounds_locked_pool, rounds_debug_pool, rounds_inline_list,
	         rounds_inline_stack},
	};
	enum { MAX_LIVE = 65536 };
	struct bench bench = {
		.pool = make_pool(false),
		.debug_pool = make_pool(true),
		.objects = checked(calloc(MAX_LIVE, sizeof(void *))),
		.inline_stack = checked(calloc(MAX_LIVE, sizeof(void *))),
	};
	char *slots =
		checked(aligned_alloc(64, (size_t)MAX_LIVE * OBJECT_SIZE));
	size_t *order = checked(calloc(MAX_LIVE, sizeof(*order)));
	pthread_mutex_init(&bench.lock, NULL);
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "pool_malloc",
	                           "pattern,malloc,pool,pool_count,pool_mutex,"
	                           "pool_debug,free_list,free_stack,speedup,"
	                           "debug_vs_pool,mutex_vs_pool");
	if (rc != DP_OK) {
		fprintf(stderr, "bench_object_pool: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}

	printf("Object pool bench (%s, compiled by %s)\n", "make bench",
	       __VERSION__);
	printf("ns per acquire + release of a %d-byte object; pool chunks of "
	       "%d objects; best of %d passes\n\n",
	       OBJECT_SIZE, CHUNK_OBJECTS, PASSES);
	printf("%-26s %7s %7s %8s %7s %7s %7s %7s %7s\n", "pattern", "malloc",
	       "pool", "speedup", "+count", "+mutex", "debug", "list", "stack");
	for (size_t r = 0; r < DP_ARRAY_SIZE(rows); r++) {
		size_t live = rows[r].live;
		uint64_t seed = 2026;
		/* Fisher-Yates: a uniform random release order. */
		for (size_t i = 0; i < live; i++)
			order[i] = i;
		for (size_t i = live; i > 1; i--) {
			size_t j = (size_t)(dp_random_next(&seed) % i);
			size_t swap = order[i - 1];
			order[i - 1] = order[j];
			order[j] = swap;
		}
		bench.live = live;
		bench.order = rows[r].random ? order : NULL;
		bench.inline_head = make_inline_list(slots, live);
		bench.inline_top =
			make_inline_stack(slots, live, bench.inline_stack);

		/* Passes over the columns, keeping each one's best: a burst of
		 * load from other processes then spoils one pass of a column,
		 * not the column. */
		double ns[KINDS] = {0};
		for (int pass = 0; pass < PASSES; pass++) {
			for (size_t c = 0; c < KINDS; c++) {
				double t = best_ns(columns[live > 1][c], &bench,
				                   live) /
				           (double)live;
				if (pass == 0 || t < ns[c])
					ns[c] = t;
			}
		}
		printf("%-26s %7.2f %7.2f %7.2fx %7.2f %7.2f %7.2f %7.2f "
		       "%7.2f\n",
		       rows[r].name, ns[MALLOC], ns[POOL],
		       ns[MALLOC] / ns[POOL], ns[COUNTED_POOL], ns[LOCKED_POOL],
		       ns[DEBUG_POOL], ns[INLINE_LIST], ns[INLINE_STACK]);
		fflush(stdout);
		/* The ratios the README quotes, computed here, after the
		 * times (the chart reads the time columns by position). */
		double cells[KINDS + 3];
		memcpy(cells, ns, sizeof(ns));
		cells[KINDS] = ns[MALLOC] / ns[POOL];
		cells[KINDS + 1] = ns[DEBUG_POOL] / ns[POOL];
		cells[KINDS + 2] = ns[LOCKED_POOL] / ns[POOL];
		dp_bench_csv_row(csv, rows[r].label, cells, KINDS + 3);
	}

	struct dp_pool_stats stats;
	dp_pool_get_stats(bench.debug_pool, &stats);
	printf("\nspeedup = malloc / pool. +count: %llu acquires and %llu "
	       "releases counted.\nThe debug pool ended with %zu chunks, %llu "
	       "objects damaged, %llu releases refused.\n",
	       (unsigned long long)bench.acquires,
	       (unsigned long long)bench.releases, stats.chunks,
	       (unsigned long long)stats.damaged,
	       (unsigned long long)stats.rejected_releases);

	pthread_mutex_destroy(&bench.lock);
	dp_pool_destroy(bench.pool);
	dp_pool_destroy(bench.debug_pool);
	free(bench.objects);
	free(bench.inline_stack);
	free(slots);
	free(order);
	rc = dp_bench_csv_close(csv);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_object_pool: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
