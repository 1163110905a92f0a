/*
 * What a cache hit and a miss cost, against the limit and against Python.
 *
 * The limit: a bare lookup in a plain chained hash table of the same keys,
 * called out of line, with no recency list, no ops table and no counters.
 * Two caches are measured side by side: the plain one, created with the
 * library's int64 tables (dp_lru_int64_key, dp_lru_int64_value: each key
 * and value a block of its own, hashed and compared through the table),
 * and the declared tuning, a DP_LRU_INT64 cache (the integers inside the
 * entries, found by dp_lru_get_int64() with no indirect call).
 *
 * Python: when python3 is installed, the bench runs CPython's
 * functools.lru_cache on the same key sequence (a script passed with -c)
 * and prints the ratio of a memoized call in each language. CPython's
 * lru_cache is itself written in C (the _functools module); the script
 * also loads functools.py with that module hidden, to time the
 * pure-Python lru_cache that the C one replaces.
 *
 * The course's own example last: `fib(90)` cold, the cache cleared and
 * then fib(90) called through it, maxsize 128 as in the course, in C
 * (with entries allocated one by one, with entries from a pool, the
 * same with the memo's wrapper out of line, and through the memo, which
 * pools them) and in CPython (cache_clear(), then
 * fib(90)), each the best of several repetitions.
 *
 * Run with `make bench`; the figures are ratios within this one run. With
 * DP_BENCH_CSV set, every figure printed also goes to CSV files there:
 * lru_cache_ops.csv (the C table), lru_cache_python.csv (CPython),
 * lru_cache_fib.csv (fib(90) cold), and lru_python.csv (the memoized hit
 * and miss in C and CPython, for the chart); nan for Python when python3
 * did not run.
 */
/* popen() and pclose() are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "common/dp_bench.h"
#include "lru_cache/lru_cache.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys 0..N-1 visited with an odd stride: every key once per N queries,
 * in an order that jumps about the table. Python uses the same formula. */
enum { N = 1024, STRIDE = 7919 };

/* How many times every measurement is repeated, the best kept; each
 * measurement is itself the best of REPETITIONS short repetitions of
 * about 1 ms (dp_bench_measure()). */
enum { PASSES = 5, REPETITIONS = 20 };

static int64_t key_at(size_t i)
{
	return (int64_t)((i * STRIDE) % N);
}

/* ---- the limit: a plain hash table --------------------------------------- */

struct bare_node {
	int64_t key;
	int64_t value;
	struct bare_node *next;
};

struct bare_table {
	struct bare_node *buckets[N];
	struct bare_node nodes[N];
};

/* Out of line, like dp_lru_get(): the comparison is call against call. */
__attribute__((noinline)) static const struct bare_node *
bare_lookup(const struct bare_table *table, int64_t key)
{
	const struct bare_node *node =
		table->buckets[dp_mix64((uint64_t)key) & (N - 1)];

	while (node != NULL && node->key != key)
		node = node->next;
	return node;
}

static void bare_fill(struct bare_table *table)
{
	for (size_t i = 0; i < N; i++)
		table->buckets[i] = NULL;
	for (size_t i = 0; i < N; i++) {
		struct bare_node *node = &table->nodes[i];
		struct bare_node **head =
			&table->buckets[dp_mix64((uint64_t)i) & (N - 1)];
		node->key = (int64_t)i;
		node->value = (int64_t)i;
		node->next = *head;
		*head = node;
	}
}

static void run_bare(void *ctx, size_t iterations)
{
	const struct bare_table *table = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++)
		sum += (uint64_t)bare_lookup(table, key_at(i))->value;
	dp_bench_keep(sum);
}

/* ---- the LRU cache ---------------------------------------------------------- */

/* The declared tuning: the same lookup, typed, on a DP_LRU_INT64 cache. */
static void run_int64_hits(void *ctx, size_t iterations)
{
	dp_lru *lru = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		int64_t value;
		if (dp_lru_get_int64(lru, key_at(i), &value) == DP_OK)
			sum += (uint64_t)value;
	}
	dp_bench_keep(sum);
}

/* The same lookup without the recency update or the counter. */
static void run_lru_contains(void *ctx, size_t iterations)
{
	const dp_lru *lru = ctx;
	uint64_t found = 0;

	for (size_t i = 0; i < iterations; i++) {
		int64_t key = key_at(i);
		found += dp_lru_contains(lru, &key);
	}
	dp_bench_keep(found);
}

static void run_lru_hits(void *ctx, size_t iterations)
{
	dp_lru *lru = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		int64_t key = key_at(i);
		void *value;
		if (dp_lru_get(lru, &key, &value) == DP_OK)
			sum += (uint64_t) * (const int64_t *)value;
	}
	dp_bench_keep(sum);
}

/* Every key is new, so every get misses and every put evicts the least
 * recently used entry: the steady state of a cache too small for its
 * working set. */
struct miss_bench {
	dp_lru *lru;
	dp_memo *memo;
	int64_t next_key;
};

static void run_lru_misses(void *ctx, size_t iterations)
{
	struct miss_bench *bench = ctx;
	uint64_t failures = 0;

	for (size_t i = 0; i < iterations; i++) {
		int64_t key = bench->next_key++;
		if (dp_lru_get(bench->lru, &key, NULL) == DP_ENOENT)
			failures += dp_lru_put(bench->lru, &key, &key) != DP_OK;
	}
	dp_bench_keep(failures);
}

static void run_int64_misses(void *ctx, size_t iterations)
{
	struct miss_bench *bench = ctx;
	uint64_t failures = 0;

	for (size_t i = 0; i < iterations; i++) {
		int64_t key = bench->next_key++;
		if (dp_lru_get_int64(bench->lru, key, NULL) == DP_ENOENT)
			failures +=
				dp_lru_put_int64(bench->lru, key, key) != DP_OK;
	}
	dp_bench_keep(failures);
}

/* The function behind the memo: as cheap as possible, so that what is
 * measured is the wrapper, as in the Python run. */
static int64_t identity(dp_memo *memo, void *ctx, int64_t arg)
{
	(void)memo;
	(void)ctx;
	return arg;
}

static void run_memo_hits(void *ctx, size_t iterations)
{
	dp_memo *memo = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++)
		sum += (uint64_t)dp_memo_int64(memo, key_at(i));
	dp_bench_keep(sum);
}

static void run_memo_misses(void *ctx, size_t iterations)
{
	struct miss_bench *bench = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++)
		sum += (uint64_t)dp_memo_int64(bench->memo, bench->next_key++);
	dp_bench_keep(sum);
}

/* ---- fib(90) cold, the course's example ----------------------------------- */

enum { FIB_N = 90, FIB_MAXSIZE = 128 };

/* A memo written out over a bare cache, as dp_memo_int64() is: the same
 * work, on a cache whose entries can be allocated or pooled. */
static int64_t fib_through(dp_lru *lru, int64_t n)
{
	int64_t result;

	if (dp_lru_get_int64(lru, n, &result) == DP_OK)
		return result;
	result = n < 2 ? n : fib_through(lru, n - 1) + fib_through(lru, n - 2);
	dp_lru_put_int64(lru, n, result);
	return result;
}

static void run_fib_lru_cold(void *ctx, size_t iterations)
{
	dp_lru *lru = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		dp_lru_clear(lru);
		sum += (uint64_t)fib_through(lru, FIB_N);
	}
	dp_bench_keep(sum);
}

/* The same memo with the wrapper out of line, as dp_memo_int64() was
 * before it became inline: the function and its wrapper then take two
 * stack frames per level of the recursion instead of one. */
__attribute__((noinline)) static int64_t fib_body(dp_lru *lru, int64_t n);

__attribute__((noinline)) static int64_t fib_wrapper(dp_lru *lru, int64_t n)
{
	int64_t result;

	if (dp_lru_get_int64(lru, n, &result) == DP_OK)
		return result;
	result = fib_body(lru, n);
	dp_lru_put_int64(lru, n, result);
	return result;
}

__attribute__((noinline)) static int64_t fib_body(dp_lru *lru, int64_t n)
{
	if (n < 2)
		return n;
	return fib_wrapper(lru, n - 1) + fib_wrapper(lru, n - 2);
}

static void run_fib_two_frames_cold(void *ctx, size_t iterations)
{
	dp_lru *lru = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		dp_lru_clear(lru);
		sum += (uint64_t)fib_wrapper(lru, FIB_N);
	}
	dp_bench_keep(sum);
}

static int64_t fib(dp_memo *memo, void *ctx, int64_t n)
{
	(void)ctx;
	if (n < 2)
		return n;
	return dp_memo_int64(memo, n - 1) + dp_memo_int64(memo, n - 2);
}

static void run_fib_memo_cold(void *ctx, size_t iterations)
{
	dp_memo *memo = ctx;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		dp_memo_clear(memo);
		sum += (uint64_t)dp_memo_int64(memo, FIB_N);
	}
	dp_bench_keep(sum);
}

/* ---- CPython ------------------------------------------------------------------ */

/*
 * The same work in Python: a hit over the same key sequence, a miss that
 * evicts, and the bare `for` loop that both include. Python's loop
 * overhead is part of any Python call site, so it is kept in the ratio
 * and printed apart. No single quote may appear: it goes inside '...'.
 */
static const char python_script[] =
	"import functools, timeit\n"
	"N, STRIDE = 1024, 7919\n"
	"seq = [(i * STRIDE) % N for i in range(N)]\n"
	"@functools.lru_cache(maxsize=N)\n"
	"def f(x):\n"
	"    return x\n"
	"def hits():\n"
	"    for k in seq:\n"
	"        f(k)\n"
	"def loop():\n"
	"    for k in seq:\n"
	"        pass\n"
	"@functools.lru_cache(maxsize=N)\n"
	"def g(x):\n"
	"    return x\n"
	"start = [N]\n"
	"def misses():\n"
	"    s = start[0]\n"
	"    start[0] = s + N\n"
	"    for k in range(s, s + N):\n"
	"        g(k)\n"
	"import importlib.util, sys\n"
	"spec = importlib.util.find_spec(\"functools\")\n"
	"pure = importlib.util.module_from_spec(spec)\n"
	"saved = sys.modules.get(\"_functools\")\n"
	"sys.modules[\"_functools\"] = None\n"
	"spec.loader.exec_module(pure)\n"
	"sys.modules[\"_functools\"] = saved\n"
	"@pure.lru_cache(maxsize=N)\n"
	"def p(x):\n"
	"    return x\n"
	"def pure_hits():\n"
	"    for k in seq:\n"
	"        p(k)\n"
	"@functools.lru_cache(maxsize=128)\n"
	"def fib(n):\n"
	"    if n < 2:\n"
	"        return n\n"
	"    return fib(n-1) + fib(n-2)\n"
	"def fib_cold():\n"
	"    fib.cache_clear()\n"
	"    fib(90)\n"
	"hits()\n"
	"misses()\n"
	"pure_hits()\n"
	"fib_cold()\n"
	"def best(fn, n=N, number=100):\n"
	"    return min(timeit.repeat(fn, number=number, repeat=5)) / "
	"(number * n) * 1e9\n"
	"print(best(hits), best(misses), best(loop), best(pure_hits, N, 10), "
	"best(fib_cold, 1))\n"
	"print(sys.version.split()[0], sys.executable)\n";

struct python_figures {
	double hit_ns;
	double miss_ns;
	double loop_ns;
	double pure_hit_ns;
	double fib_cold_ns; /* fib.cache_clear(); fib(90) */
	char version[128];  /* "3.11.2 /usr/bin/python3": which CPython */
};

static bool run_python(struct python_figures *figures)
{
	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		printf("\npython3 not found: the CPython comparison is "
		       "skipped.\n");
		return false;
	}
	char command[sizeof(python_script) + 32];
	snprintf(command, sizeof(command), "python3 -c '%s'", python_script);
	FILE *pipe = popen(command, "r");
	if (pipe == NULL) {
		printf("\npython3 could not be started: skipped.\n");
		return false;
	}
	int read = fscanf(pipe, "%lf %lf %lf %lf %lf ", &figures->hit_ns,
	                  &figures->miss_ns, &figures->loop_ns,
	                  &figures->pure_hit_ns, &figures->fib_cold_ns);
	if (fgets(figures->version, sizeof(figures->version), pipe) == NULL)
		read = 0;
	figures->version[strcspn(figures->version, "\n")] = '\0';
	int status = pclose(pipe);
	if (read != 5 || status != 0) {
		printf("\npython3 did not give its figures: skipped.\n");
		return false;
	}
	return true;
}

/* ---- the report ---------------------------------------------------------------- */

/* The caches under test: the first six filled with the keys 0..N-1, the
 * fib caches left for each cold run to fill. */
struct caches {
	struct bare_table *table;
	dp_lru *plain;          /* dp_lru_int64_key and _value tables */
	dp_lru *plain_evicting; /* the same, for the miss rows */
	dp_lru *tuned;          /* DP_LRU_INT64 */
	dp_lru *tuned_evicting;
	dp_memo *memo;
	dp_memo *memo_evicting;
	dp_lru *fib_allocated; /* DP_LRU_INT64, maxsize 128, as the plain */
	dp_lru *fib_pooled;    /* the same with DP_LRU_ENTRIES_POOLED */
	dp_memo *fib_memo;     /* dp_memo_create_int64(fib, ..., 128) */
};

static dp_lru *plain_cache(void)
{
	return dp_lru_create(&(struct dp_lru_config){
		.keys = &dp_lru_int64_key,
		.values = &dp_lru_int64_value,
		.maxsize = N,
	});
}

static dp_lru *tuned_cache(void)
{
	return dp_lru_create(&(struct dp_lru_config){
		.kind = DP_LRU_INT64,
		.maxsize = N,
	});
}

static dp_lru *fib_cache(enum dp_lru_entries entries)
{
	return dp_lru_create(&(struct dp_lru_config){
		.kind = DP_LRU_INT64,
		.entries = entries,
		.maxsize = FIB_MAXSIZE,
	});
}

/* One cache at a time, so that each one's entries lie together in memory
 * as the bare table's nodes do, rather than interleaved with the other
 * caches' (which spreads a cache over several times the memory and makes
 * its figures depend on the allocator's layout). */
static int fill(struct caches *c)
{
	dp_lru *caches[] = {c->plain, c->plain_evicting, c->tuned,
	                    c->tuned_evicting};
	dp_memo *memos[] = {c->memo, c->memo_evicting};

	bare_fill(c->table);
	for (size_t i = 0; i < DP_ARRAY_SIZE(caches); i++)
		for (int64_t key = 0; key < N; key++)
			if (dp_lru_put(caches[i], &key, &key) != DP_OK)
				return DP_ENOMEM;
	for (size_t i = 0; i < DP_ARRAY_SIZE(memos); i++)
		for (int64_t key = 0; key < N; key++)
			dp_memo_int64(memos[i], key);
	return dp_memo_error(c->memo) == DP_OK &&
	                       dp_memo_error(c->memo_evicting) == DP_OK
	               ? DP_OK
	               : DP_ENOMEM;
}

static bool all_created(const struct caches *c)
{
	return c->table != NULL && c->plain != NULL &&
	       c->plain_evicting != NULL && c->tuned != NULL &&
	       c->tuned_evicting != NULL && c->memo != NULL &&
	       c->memo_evicting != NULL && c->fib_allocated != NULL &&
	       c->fib_pooled != NULL && c->fib_memo != NULL;
}

static void free_caches(struct caches *c)
{
	dp_memo_destroy(c->fib_memo);
	dp_lru_destroy(c->fib_pooled);
	dp_lru_destroy(c->fib_allocated);
	dp_memo_destroy(c->memo_evicting);
	dp_memo_destroy(c->memo);
	dp_lru_destroy(c->tuned_evicting);
	dp_lru_destroy(c->tuned);
	dp_lru_destroy(c->plain_evicting);
	dp_lru_destroy(c->plain);
	free(c->table);
}

/* A printed row and its label in the CSV files (no comma, no colon, so
 * that a README figure can name it). */
struct row {
	const char *name;
	const char *label;
	dp_bench_fn *run;
	void *ctx;
	double ns;
};

/* One pass over the rows, keeping each row's best so far. */
static void run_pass(struct row *rows, size_t count, int pass)
{
	for (size_t r = 0; r < count; r++) {
		struct dp_bench_spread spread;
		dp_bench_measure(rows[r].run, rows[r].ctx, REPETITIONS,
		                 &spread);
		double ns = spread.min;
		if (pass == 0 || ns < rows[r].ns)
			rows[r].ns = ns;
	}
}

/* Passes over all the rows, keeping each row's best: a burst of load from
 * other processes then spoils one pass of a row, not the row, and the
 * ratios compare figures taken minutes apart less. */
static void run_rows(struct row *rows, size_t count)
{
	for (int pass = 0; pass < PASSES; pass++)
		run_pass(rows, count, pass);
}

static double smaller(double a, double b)
{
	return a < b ? a : b;
}

/* CPython's figures, the best of PASSES runs. Each run follows a pass
 * over `fib` (the fib(90) rows), so that the C and the Python cold runs,
 * whose ratio is the chapter's goal, are taken side by side: a stretch
 * of load then weighs on both, not on one. */
static bool best_python(struct python_figures *python, struct row *fib,
                        size_t fib_count)
{
	run_pass(fib, fib_count, 0);
	if (!run_python(python)) {
		run_rows(fib, fib_count);
		return false;
	}
	for (int pass = 1; pass < PASSES; pass++) {
		struct python_figures again;
		run_pass(fib, fib_count, pass);
		if (!run_python(&again))
			break;
		python->hit_ns = smaller(python->hit_ns, again.hit_ns);
		python->miss_ns = smaller(python->miss_ns, again.miss_ns);
		python->loop_ns = smaller(python->loop_ns, again.loop_ns);
		python->pure_hit_ns =
			smaller(python->pure_hit_ns, again.pure_hit_ns);
		python->fib_cold_ns =
			smaller(python->fib_cold_ns, again.fib_cold_ns);
	}
	return true;
}

/* The rows of the C table, as the README's Cost table quotes them. */
enum {
	BARE,
	PLAIN_HIT,
	PLAIN_CONTAINS,
	TUNED_GET_HIT,
	TUNED_HIT,
	MEMO_HIT,
	PLAIN_MISS,
	TUNED_MISS,
	MEMO_MISS,
	OPS_ROWS
};

/* The rows of the fib(90) table. */
enum { FIB_ALLOCATED, FIB_POOLED, FIB_TWO_FRAMES, FIB_MEMO, FIB_ROWS };

/* Every figure the bench prints, kept for the CSV files. */
struct figures {
	struct row ops[OPS_ROWS];
	struct row fib[FIB_ROWS];
	bool have_python;
	struct python_figures python;
};

static double python_or_nan(const struct figures *f, double value)
{
	return f->have_python ? value : NAN;
}

/* The chart's file, docs/charts/lru_python.gp: its columns stay. */
static int write_chart_csv(const struct figures *f)
{
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(
		&csv, "lru_python",
		"operation,c_dp_memo_int64,cpython_lru_cache");
	if (rc != DP_OK)
		return rc;
	dp_bench_csv_row(csv, "hit",
	                 (double[]){f->ops[MEMO_HIT].ns,
	                            python_or_nan(f, f->python.hit_ns)},
	                 2);
	dp_bench_csv_row(csv, "miss (evicting)",
	                 (double[]){f->ops[MEMO_MISS].ns,
	                            python_or_nan(f, f->python.miss_ns)},
	                 2);
	return dp_bench_csv_close(csv);
}

static int write_ops_csv(const struct figures *f)
{
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "lru_cache_ops",
	                           "operation,ns_per_op,vs_bare");
	if (rc != DP_OK)
		return rc;
	for (size_t r = 0; r < OPS_ROWS; r++)
		dp_bench_csv_row(csv, f->ops[r].label,
		                 (double[]){f->ops[r].ns,
		                            f->ops[r].ns / f->ops[BARE].ns},
		                 2);
	return dp_bench_csv_close(csv);
}

/* CPython's figures; c_faster divides each by the matching memo row. */
static int write_python_csv(const struct figures *f)
{
	const struct python_figures *py = &f->python;
	double hit = f->ops[MEMO_HIT].ns;
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "lru_cache_python",
	                           "operation,ns_per_op,c_faster");
	if (rc != DP_OK)
		return rc;
	dp_bench_csv_row(csv, "loop",
	                 (double[]){python_or_nan(f, py->loop_ns), NAN}, 2);
	dp_bench_csv_row(csv, "hit",
	                 (double[]){python_or_nan(f, py->hit_ns),
	                            python_or_nan(f, py->hit_ns / hit)},
	                 2);
	dp_bench_csv_row(
		csv, "miss",
		(double[]){
			python_or_nan(f, py->miss_ns),
			python_or_nan(f, py->miss_ns / f->ops[MEMO_MISS].ns)},
		2);
	dp_bench_csv_row(csv, "pure_hit",
	                 (double[]){python_or_nan(f, py->pure_hit_ns),
	                            python_or_nan(f, py->pure_hit_ns / hit)},
	                 2);
	return dp_bench_csv_close(csv);
}

/* fib(90) cold: each C variant against CPython, and against the cache
 * whose entries are allocated one by one. */
static int write_fib_csv(const struct figures *f)
{
	double python = python_or_nan(f, f->python.fib_cold_ns);
	double allocated = f->fib[FIB_ALLOCATED].ns;
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(
		&csv, "lru_cache_fib",
		"variant,ns_per_call,vs_allocated,faster_than_cpython");
	if (rc != DP_OK)
		return rc;
	for (size_t r = 0; r < FIB_ROWS; r++) {
		double ns = f->fib[r].ns;
		dp_bench_csv_row(csv, f->fib[r].label,
		                 (double[]){ns, allocated / ns, python / ns},
		                 3);
	}
	dp_bench_csv_row(csv, "cpython", (double[]){python, NAN, 1.0}, 3);
	return dp_bench_csv_close(csv);
}

static int write_csv(const struct figures *f)
{
	int rc = write_chart_csv(f);
	if (rc == DP_OK)
		rc = write_ops_csv(f);
	if (rc == DP_OK)
		rc = write_python_csv(f);
	if (rc == DP_OK)
		rc = write_fib_csv(f);
	return rc;
}

static void print_ops(const struct figures *f)
{
	double bare = f->ops[BARE].ns;
	double plain_hit = f->ops[PLAIN_HIT].ns;
	double tuned_hit = f->ops[TUNED_HIT].ns;

	printf("%d int64 keys, cache maxsize %d, ns per operation, best of "
	       "%d passes\n",
	       N, N, PASSES);
	printf("%-44s %9s %10s\n", "operation", "ns/op", "vs bare");
	for (size_t r = 0; r < OPS_ROWS; r++)
		printf("%-44s %9.1f %9.2fx\n", f->ops[r].name, f->ops[r].ns,
		       f->ops[r].ns / bare);
	printf("target: a hit within 2x the bare lookup: plain %s (%.2fx), "
	       "tuned %s (%.2fx)\n",
	       plain_hit <= 2 * bare ? "met" : "NOT met", plain_hit / bare,
	       tuned_hit <= 2 * bare ? "met" : "NOT met", tuned_hit / bare);
}

static void print_python(const struct figures *f)
{
	const struct python_figures *py = &f->python;
	double memo_hit = f->ops[MEMO_HIT].ns;

	printf("\nCPython %s: functools.lru_cache, same keys, same "
	       "maxsize\n",
	       py->version);
	printf("%-44s %9s %10s\n", "operation", "ns/op", "C faster");
	printf("%-44s %9.1f\n", "python: bare for loop (in each figure)",
	       py->loop_ns);
	printf("%-44s %9.1f %9.1fx\n", "python: f(k), hit", py->hit_ns,
	       py->hit_ns / memo_hit);
	printf("%-44s %9.1f %9.1fx\n", "python: f(k), miss, evicting",
	       py->miss_ns, py->miss_ns / f->ops[MEMO_MISS].ns);
	printf("%-44s %9.1f %9.1fx\n",
	       "python: f(k), hit, pure-Python lru_cache", py->pure_hit_ns,
	       py->pure_hit_ns / memo_hit);
	printf("target: C hit at least 10x faster than CPython: memoized %s "
	       "(%.1fx); a plain dp_lru_get hit alone %.1fx\n",
	       py->hit_ns >= 10 * memo_hit ? "met" : "NOT met",
	       py->hit_ns / memo_hit, py->hit_ns / f->ops[PLAIN_HIT].ns);
}

static void print_fib(const struct figures *f)
{
	double python = python_or_nan(f, f->python.fib_cold_ns);
	double allocated = f->fib[FIB_ALLOCATED].ns;
	double memo = f->fib[FIB_MEMO].ns;

	printf("\nfib(%d) cold: clear the cache, then call fib(%d) through "
	       "it; maxsize %d, ns per cold call, best of %d passes\n",
	       FIB_N, FIB_N, FIB_MAXSIZE, PASSES);
	printf("%-44s %9s %10s %10s\n", "variant", "ns", "vs alloc",
	       "vs CPython");
	for (size_t r = 0; r < FIB_ROWS; r++)
		printf("%-44s %9.0f %9.2fx %9.1fx\n", f->fib[r].name,
		       f->fib[r].ns, allocated / f->fib[r].ns,
		       python / f->fib[r].ns);
	printf("%-44s %9.0f\n", "python: fib.cache_clear(); fib(90)", python);
	if (f->have_python)
		printf("target: cold fib(90) through the memo at least 10x "
		       "faster than CPython: %s (%.1fx)\n",
		       python >= 10 * memo ? "met" : "NOT met", python / memo);
}

static void set_rows(struct figures *f, struct caches *c,
                     struct miss_bench misses[3])
{
	const struct row ops[OPS_ROWS] = {
		{"bare hash lookup (out of line)", "bare", run_bare, c->table,
	         0},
		{"plain: dp_lru_get, hit", "plain_get_hit", run_lru_hits,
	         c->plain, 0},
		{"plain: dp_lru_contains, hit", "plain_contains_hit",
	         run_lru_contains, c->plain, 0},
		{"tuned: dp_lru_get, hit", "tuned_get_hit", run_lru_hits,
	         c->tuned, 0},
		{"tuned: dp_lru_get_int64, hit", "tuned_get_int64_hit",
	         run_int64_hits, c->tuned, 0},
		{"tuned: dp_memo_int64, hit", "memo_hit", run_memo_hits,
	         c->memo, 0},
		{"plain: get miss + put, evicting", "plain_miss",
	         run_lru_misses, &misses[0], 0},
		{"tuned: get_int64 miss + put_int64, evicting", "tuned_miss",
	         run_int64_misses, &misses[1], 0},
		{"tuned: dp_memo_int64, miss, evicting", "memo_miss",
	         run_memo_misses, &misses[2], 0},
	};
	const struct row fib_rows[FIB_ROWS] = {
		{"C: DP_LRU_INT64, entries allocated", "allocated",
	         run_fib_lru_cold, c->fib_allocated, 0},
		{"C: DP_LRU_INT64, DP_LRU_ENTRIES_POOLED", "pooled",
	         run_fib_lru_cold, c->fib_pooled, 0},
		{"C: the same, two frames per level", "pooled_two_frames",
	         run_fib_two_frames_cold, c->fib_pooled, 0},
		{"C: dp_memo_int64 (pooled entries)", "memo", run_fib_memo_cold,
	         c->fib_memo, 0},
	};
	for (size_t r = 0; r < OPS_ROWS; r++)
		f->ops[r] = ops[r];
	for (size_t r = 0; r < FIB_ROWS; r++)
		f->fib[r] = fib_rows[r];
}

static int measure(void)
{
	struct caches c = {
		.table = malloc(sizeof(*c.table)),
		.plain = plain_cache(),
		.plain_evicting = plain_cache(),
		.tuned = tuned_cache(),
		.tuned_evicting = tuned_cache(),
		.memo = dp_memo_create_int64(identity, NULL, N, NULL),
		.memo_evicting = dp_memo_create_int64(identity, NULL, N, NULL),
		.fib_allocated = fib_cache(DP_LRU_ENTRIES_ALLOCATED),
		.fib_pooled = fib_cache(DP_LRU_ENTRIES_POOLED),
		.fib_memo = dp_memo_create_int64(fib, NULL, FIB_MAXSIZE, NULL),
	};
	int rc = DP_ENOMEM;
	if (!all_created(&c) || fill(&c) != DP_OK)
		goto done;
	struct miss_bench misses[3] = {
		{.lru = c.plain_evicting, .next_key = N},
		{.lru = c.tuned_evicting, .next_key = N},
		{.memo = c.memo_evicting, .next_key = N},
	};
	struct figures f;
	set_rows(&f, &c, misses);
	run_rows(f.ops, OPS_ROWS);
	if (dp_memo_error(c.memo_evicting) != DP_OK)
		goto done;
	print_ops(&f);
	fflush(stdout);
	f.have_python = best_python(&f.python, f.fib, FIB_ROWS);
	if (dp_memo_error(c.fib_memo) != DP_OK)
		goto done;
	if (f.have_python)
		print_python(&f);
	print_fib(&f);
	rc = write_csv(&f);
done:
	free_caches(&c);
	return rc;
}

int main(void)
{
	printf("LRU cache bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	int rc = measure();
	if (rc != DP_OK) {
		fprintf(stderr, "bench_lru_cache: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
