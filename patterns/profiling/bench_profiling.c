/*
 * What a profiler costs per call: the observer effect in nanoseconds.
 *
 * A tiny function (one step of a dependency chain) is called bare through a
 * function pointer, through the Decorator chapter's dp_timed_fn (two clock
 * readings per call), through the profiler on a manual clock (the
 * bookkeeping alone: the stack of frames, own and cumulative time, with
 * clock reads that cost almost nothing) and through the profiler on the
 * monotonic clock (what a real profile pays). Then the same for the
 * course's slow_function(10000), where the work per call is large.
 *
 * Each table's rows are timed in turn, three times over, each keeping
 * its best (measure_rows()). Run with `make bench`; figures are ratios
 * within this one run. With
 * DP_BENCH_CSV set, the first table also goes to profiling_tiny.csv there
 * and the second to profiling_large.csv, one row per way of calling (the
 * label in parentheses in the source), the overhead also in percent and
 * the time also in microseconds, so that the README's prose quotes
 * columns too.
 */
#include "common/dp_bench.h"
#include "profiling/profiling.h"

#include <stdio.h>
#include <stdlib.h>

static int64_t step(void *ctx, int64_t x)
{
	(void)ctx;
	return x * 3 + 1;
}

struct target {
	dp_int64_fn *fn; /* The function, or a decorator's call function. */
	void *ctx;
	int64_t arg; /* The argument of the first call. */
	bool chain;  /* Feed each result into the next call. */
};

static void run_calls(void *ctx, size_t iterations)
{
	const struct target *target = ctx;
	int64_t x = target->arg;
	uint64_t sum = 0;

	for (size_t i = 0; i < iterations; i++) {
		int64_t result = target->fn(target->ctx, x);
		sum += (uint64_t)result;
		if (target->chain)
			x = result;
	}
	dp_bench_keep(sum);
}

struct row {
	const char *name;
	const char *label; /* the row's label in the CSV file */
	struct target target;
};

enum { MAX_ROWS = 8, PASSES = 3 };

/* Times every row in turn, PASSES times, and keeps each row's best in
 * ns[r]: a slow spell of a shared machine then falls on every row alike,
 * not on the one measured while it lasted, and the overhead, a small
 * difference of two times, stays a difference of like with like. */
static void measure_rows(struct row *rows, size_t count, double *ns)
{
	for (int pass = 0; pass < PASSES; pass++)
		for (size_t r = 0; r < count; r++) {
			double t =
				dp_bench_ns_per_op(run_calls, &rows[r].target);
			if (pass == 0 || t < ns[r])
				ns[r] = t;
		}
}

/* Prints a table and writes it to `<csv_name>.csv` when DP_BENCH_CSV
 * is set. */
static int table(const char *title, const char *csv_name, struct row *rows,
                 size_t count)
{
	double ns_of[MAX_ROWS];
	if (count == 0 || count > MAX_ROWS)
		return DP_EINVAL;
	measure_rows(rows, count, ns_of);
	double bare = ns_of[0];
	dp_bench_csv *csv = NULL;
	int rc = dp_bench_csv_open(&csv, csv_name,
	                           "call,ns_per_call,overhead,vs_bare,"
	                           "overhead_pct,us_per_call");
	if (rc != DP_OK)
		return rc;

	printf("%s\n%-44s %10s %10s %10s\n", title, "call", "ns/call",
	       "overhead", "vs bare");
	for (size_t r = 0; r < count; r++) {
		double ns = ns_of[r];
		double row[] = {ns, ns - bare, ns / bare,
		                (ns - bare) / bare * 100, ns / 1000};
		printf("%-44s %10.2f %10.2f %9.2fx\n", rows[r].name, ns, row[1],
		       row[2]);
		fflush(stdout);
		dp_bench_csv_row(csv, rows[r].label, row, DP_ARRAY_SIZE(row));
	}
	printf("\n");
	return dp_bench_csv_close(csv);
}

int main(void)
{
	struct dp_manual_clock manual;
	dp_manual_clock_init(&manual, 0);
	dp_profiler *real = dp_profiler_create(NULL, NULL);
	dp_profiler *fake = dp_profiler_create(&manual.base, NULL);
	dp_profiled_fn *step_real = dp_profiler_wrap(real, step, NULL, "step");
	dp_profiled_fn *step_fake = dp_profiler_wrap(fake, step, NULL, "step");
	dp_profiled_fn *slow_real = dp_profiler_wrap(
		real, dp_profiling_slow_function, NULL, "slow_function");
	struct dp_timed_fn step_timed, slow_timed;
	dp_timed_fn_init(&step_timed, step, NULL, "step", NULL, NULL);
	dp_timed_fn_init(&slow_timed, dp_profiling_slow_function, NULL,
	                 "slow_function", NULL, NULL);
	if (step_real == NULL || step_fake == NULL || slow_real == NULL) {
		fprintf(stderr, "bench_profiling: %s\n",
		        dp_strerror(DP_ENOMEM));
		return EXIT_FAILURE;
	}

	/* Read through a volatile, so the compiler cannot inline the bare
	 * call: every row pays one indirect call. */
	dp_int64_fn *volatile opaque = step;
	struct row tiny[] = {
		{"bare call through a function pointer",
	         "bare",
	         {opaque, NULL, 1, true}},
		{"dp_timed_fn (count + 2 clock reads)",
	         "timed",
	         {dp_timed_fn_call, &step_timed, 1, true}},
		{"profiler, manual clock (bookkeeping)",
	         "manual",
	         {dp_profiled_fn_call, step_fake, 1, true}},
		{"profiler, monotonic clock (a real profile)",
	         "monotonic",
	         {dp_profiled_fn_call, step_real, 1, true}},
	};
	dp_int64_fn *volatile slow = dp_profiling_slow_function;
	struct row large[] = {
		{"bare slow_function(10000)",
	         "bare",
	         {slow, NULL, 10000, false}},
		{"dp_timed_fn",
	         "timed",
	         {dp_timed_fn_call, &slow_timed, 10000, false}},
		{"profiler, monotonic clock",
	         "monotonic",
	         {dp_profiled_fn_call, slow_real, 10000, false}},
	};

	printf("Profiling bench (%s, compiled by %s)\n\n", "make bench",
	       __VERSION__);
	int rc = table("A tiny function (x * 3 + 1), ns per call",
	               "profiling_tiny", tiny, DP_ARRAY_SIZE(tiny));
	int large_rc = table("The course's slow_function(10000), ns per call",
	                     "profiling_large", large, DP_ARRAY_SIZE(large));
	rc = rc != DP_OK ? rc : large_rc;
	dp_profiler_destroy(real);
	dp_profiler_destroy(fake);
	if (rc != DP_OK) {
		fprintf(stderr, "bench_profiling: %s\n", dp_strerror(rc));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
