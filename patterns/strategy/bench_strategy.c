/*
 * What choosing a strategy is worth, and what the indirection costs.
 *
 * Table 1: the cost of one lookup for each strategy as the set grows, half
 * of the lookups hits and half misses. The lesson is the crossover: at
 * small n the "worse" algorithm wins, because constants beat asymptotics.
 *
 * Table 2: the cost of dispatch itself, the price of the pattern: a direct
 * call, a call through a function pointer, the same work inlined, and
 * indirect calls whose target changes in a pattern the branch predictor
 * learns or at random, where it cannot.
 *
 * Run with `make bench`; figures are ratios within this one run. With
 * DP_BENCH_CSV set, table 1 also goes to strategy_lookup.csv there (with
 * the scan's cost over the hash's as a column) and table 2 to
 * strategy_dispatch.csv (each call against a direct call and against the
 * table with one target).
 */
#include "common/dp_bench.h"
#include "strategy/strategy.h"

#include <stdio.h>
#include <stdlib.h>

static const struct dp_set_ops *const STRATEGIES[] = {
	&dp_set_linear,
	&dp_set_sorted,
	&dp_set_hash,
};
enum { N_STRATEGIES = DP_ARRAY_SIZE(STRATEGIES) };

/* ---- table 1: lookups --------------------------------------------------- */

/* A power of two, and large enough that the lookups of a big set touch
 * memory all over it, as real traffic does, rather than a few cached
 * lines. */
enum { QUERIES = 1 << 20 };

/* Each measurement is the best of REPETITIONS short repetitions of about
 * 1 ms (dp_bench_measure()), in ns per call of `fn`. */
enum { REPETITIONS = 20 };

static double best_ns(dp_bench_fn *fn, void *ctx)
{
	struct dp_bench_spread spread;

	dp_bench_measure(fn, ctx, REPETITIONS, &spread);
	return spread.min;
}

struct lookup_bench {
	const dp_set *set;
	const int64_t *queries;
};

static void run_lookups(void *ctx, size_t iterations)
{
	const struct lookup_bench *bench = ctx;
	uint64_t hits = 0;

	for (size_t i = 0; i < iterations; i++)
		hits += dp_set_contains(bench->set,
		                        bench->queries[i & (QUERIES - 1)]);
	dp_bench_keep(hits);
}

static int lookup_table(void)
{
	static const size_t sizes[] = {16, 256, 4096, 65536, 1048576};
	uint64_t seed = 2024;
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "strategy_lookup",
	                           "n,linear,sorted,hash,linear_vs_hash");
	if (rc != DP_OK)
		return rc;

	printf("Lookup cost, ns per lookup (half hits, half misses)\n");
	printf("%9s", "n");
	for (size_t s = 0; s < N_STRATEGIES; s++)
		printf(" %9s", STRATEGIES[s]->name);
	printf("   fastest\n");

	for (size_t z = 0; z < DP_ARRAY_SIZE(sizes); z++) {
		size_t n = sizes[z];
		int64_t *keys = malloc(n * sizeof(*keys));
		int64_t *queries = malloc(QUERIES * sizeof(*queries));
		if (keys == NULL || queries == NULL)
			return DP_ENOMEM;
		for (size_t i = 0; i < n; i++)
			keys[i] = (int64_t)dp_random_next(&seed);
		/* Even queries are present keys, odd ones are fresh random
		 * values, absent but for a 1 in 2^64 chance. */
		for (size_t i = 0; i < QUERIES; i++)
			queries[i] = i % 2 == 0
			                     ? keys[dp_random_next(&seed) % n]
			                     : (int64_t)dp_random_next(&seed);

		double ns[N_STRATEGIES];
		size_t fastest = 0;
		for (size_t s = 0; s < N_STRATEGIES; s++) {
			dp_set *set = dp_set_create(STRATEGIES[s], NULL);
			if (set == NULL ||
			    dp_set_add_many(set, keys, n, NULL) != DP_OK)
				return DP_ENOMEM;
			struct lookup_bench bench = {set, queries};
			ns[s] = best_ns(run_lookups, &bench);
			if (ns[s] < ns[fastest])
				fastest = s;
			dp_set_destroy(set);
		}

		printf("%9zu", n);
		for (size_t s = 0; s < N_STRATEGIES; s++)
			printf(" %9.1f", ns[s]);
		printf("   %s\n", STRATEGIES[fastest]->name);
		fflush(stdout);
		char label[24];
		snprintf(label, sizeof(label), "%zu", n);
		double row[N_STRATEGIES + 1];
		for (size_t s = 0; s < N_STRATEGIES; s++)
			row[s] = ns[s];
		row[N_STRATEGIES] = ns[0] / ns[N_STRATEGIES - 1];
		dp_bench_csv_row(csv, label, row, N_STRATEGIES + 1);
		free(keys);
		free(queries);
	}
	return dp_bench_csv_close(csv);
}

/* ---- table 2: dispatch -------------------------------------------------- */

/*
 * The work is one step of a dependency chain, so calls cannot overlap and
 * the loop measures latency per call. The two out-of-line steps differ so
 * that the compiler cannot fold them into one function, which would give
 * the "random" indirect call a single target.
 */
typedef uint64_t step_fn(uint64_t);

__attribute__((noinline)) static uint64_t step_a(uint64_t x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) static uint64_t step_b(uint64_t x)
{
	return x * 3 + 2;
}

static inline uint64_t step_inline(uint64_t x)
{
	return x * 3 + 1;
}

/* How many times the dispatch table is measured; each row keeps its best. */
enum { DISPATCH_PASSES = 5 };

/* Longer than a branch predictor can memorise. */
enum { TARGETS = 1 << 16 };

struct dispatch_bench {
	step_fn *pointer;        /* opaque to the compiler */
	step_fn *const *targets; /* TARGETS entries */
};

static void run_direct(void *ctx, size_t iterations)
{
	uint64_t x = 1;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++)
		x = step_a(x);
	dp_bench_keep(x);
}

static void run_pointer(void *ctx, size_t iterations)
{
	const struct dispatch_bench *bench = ctx;
	step_fn *step = bench->pointer;
	uint64_t x = 1;

	for (size_t i = 0; i < iterations; i++)
		x = step(x);
	dp_bench_keep(x);
}

static void run_inlined(void *ctx, size_t iterations)
{
	uint64_t x = 1;

	(void)ctx;
	for (size_t i = 0; i < iterations; i++)
		x = step_inline(x);
	dp_bench_keep(x);
}

static void run_table(void *ctx, size_t iterations)
{
	const struct dispatch_bench *bench = ctx;
	uint64_t x = 1;

	for (size_t i = 0; i < iterations; i++)
		x = bench->targets[i & (TARGETS - 1)](x);
	dp_bench_keep(x);
}

static int dispatch_table(void)
{
	step_fn **same = malloc(TARGETS * sizeof(*same));
	step_fn **alternating = malloc(TARGETS * sizeof(*alternating));
	step_fn **random = malloc(TARGETS * sizeof(*random));
	if (same == NULL || alternating == NULL || random == NULL)
		return DP_ENOMEM;
	uint64_t seed = 99;
	for (size_t i = 0; i < TARGETS; i++) {
		same[i] = step_a;
		alternating[i] = i % 2 ? step_b : step_a;
		random[i] = dp_random_next(&seed) % 2 ? step_b : step_a;
	}

	/* Read through a volatile, so the compiler cannot see which function
	 * the pointer holds and turn the call back into a direct one. */
	step_fn *volatile opaque = step_a;
	struct dispatch_bench bench = {.pointer = opaque};

	/* The direct call first and the one-target table before the two
	 * tables whose targets change: the rows after them are divided by
	 * them. */
	struct row {
		const char *name;
		const char *label; /* in the CSV: no comma */
		dp_bench_fn *run;
		step_fn *const *targets;
	} rows[] = {
		{"direct call", "direct", run_direct, NULL},
		{"function pointer, one target", "pointer", run_pointer, NULL},
		{"inlined (no call at all)", "inlined", run_inlined, NULL},
		{"table of pointers, 1 target", "table_one", run_table, same},
		{"table of pointers, 2 targets alternating",
	         "table_alternating", run_table, alternating},
		{"table of pointers, 2 targets at random", "table_random",
	         run_table, random},
	};
	enum { ONE_TARGET = 3 };
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, "strategy_dispatch",
	                           "call,ns_per_call,vs_direct,vs_one_target");

	printf("\nDispatch cost, ns per call (a dependent chain of calls)\n");
	printf("%-42s %9s %10s %10s\n", "call", "ns/call", "vs direct",
	       "vs 1 target");
	/* The rows differ by a nanosecond or two, less than what a busy
	 * neighbour on the same core can add to one measurement: every row is
	 * measured in each of several passes over the table, interleaved, and
	 * its best pass kept, so that each row has had its quiet moment. */
	double best[DP_ARRAY_SIZE(rows)] = {0};
	for (int pass = 0; pass < DISPATCH_PASSES; pass++) {
		for (size_t r = 0; r < DP_ARRAY_SIZE(rows); r++) {
			bench.targets = rows[r].targets;
			double ns = best_ns(rows[r].run, &bench);
			if (pass == 0 || ns < best[r])
				best[r] = ns;
		}
	}
	double direct = 0;
	double one_target = 0;
	for (size_t r = 0; rc == DP_OK && r < DP_ARRAY_SIZE(rows); r++) {
		double ns = best[r];
		if (r == 0)
			direct = ns;
		if (r == ONE_TARGET)
			one_target = ns;
		double vs_one = one_target > 0 ? ns / one_target : 0;
		printf("%-42s %9.2f %9.2fx", rows[r].name, ns, ns / direct);
		if (r >= ONE_TARGET)
			printf(" %9.2fx", vs_one);
		printf("\n");
		fflush(stdout);
		double cells[] = {ns, ns / direct, vs_one};
		dp_bench_csv_row(csv, rows[r].label, cells,
		                 DP_ARRAY_SIZE(cells));
	}
	int closed = dp_bench_csv_close(csv);
	free(same);
	free(alternating);
	free(random);
	return rc != DP_OK ? rc : closed;
}

int main(void)
{
	printf("Strategy bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	int rc = lookup_table();
	if (rc == DP_OK)
		rc = dispatch_table();
	if (rc != DP_OK) {
		fprintf(stderr, "bench_strategy: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
