/*
 * Exercise 09's benchmark: what a typed, vectorizable loop is worth.
 * Not graded and not a test: it only prints timings, which depend on the
 * machine, the compiler and its flags.
 *
 * Five ways to sum the same N numbers, in nanoseconds per element:
 *   1. "interpreted": every element a tagged value, every addition a call
 *      through a table of functions chosen by the tag, as an interpreter
 *      such as CPython adds two objects;
 *   2. the plain double loop: compiled, but one chain of additions, each
 *      waiting for the last; the compiler may not reorder them;
 *   3. ex_vec_sum_f64(): eight independent chains (your code);
 *   4. the plain int64 sum over int32_t: the compiler reorders integer
 *      additions by itself;
 *   5. ex_vec_sum_i32() (your code).
 *
 * Build and run with `make bench EX=09_vectorize` when the exercises'
 * Makefile provides it, or by hand from the repository's root (see
 * README.md), optimised: -O3 (-march=native to use the widest vectors).
 */
#include "vectorize.h"

#include "common/dp_bench.h"
#include "common/dp_common.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* 16 KiB of doubles: the data stays in the L1 cache, so the loops, not
 * the memory, set the pace. */
enum { N = 2048 };

/* ---- the interpreted baseline -------------------------------------------- */

enum kind { KIND_INT, KIND_FLOAT };

struct boxed {
	enum kind kind;
	union {
		int64_t i;
		double d;
	} as;
};

typedef double boxed_add_fn(double sum, const struct boxed *value);

static double add_int(double sum, const struct boxed *value)
{
	return sum + (double)value->as.i;
}

static double add_float(double sum, const struct boxed *value)
{
	return sum + value->as.d;
}

/* Filled at run time, so the compiler cannot see through the dispatch,
 * just as CPython cannot know an object's type before it runs. */
static boxed_add_fn *add_by_kind[2];

/* ---- the data and the timed loops ------------------------------------- */

struct data {
	struct boxed boxed[N];
	double f64[N];
	int32_t i32[N];
};

static void run_interpreted(void *ctx, size_t iterations)
{
	struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++) {
		double sum = 0.0;
		for (size_t i = 0; i < N; i++)
			sum = add_by_kind[data->boxed[i].kind](sum,
			                                       &data->boxed[i]);
		dp_bench_keep((uint64_t)sum);
	}
}

static void run_plain_f64(void *ctx, size_t iterations)
{
	struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++) {
		double sum = 0.0;
		for (size_t i = 0; i < N; i++)
			sum += data->f64[i];
		dp_bench_keep((uint64_t)sum);
	}
}

static void run_lanes_f64(void *ctx, size_t iterations)
{
	struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++)
		dp_bench_keep((uint64_t)ex_vec_sum_f64(data->f64, N));
}

static void run_plain_i32(void *ctx, size_t iterations)
{
	struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++) {
		int64_t sum = 0;
		for (size_t i = 0; i < N; i++)
			sum += data->i32[i];
		dp_bench_keep((uint64_t)sum);
	}
}

static void run_vec_i32(void *ctx, size_t iterations)
{
	struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++)
		dp_bench_keep((uint64_t)ex_vec_sum_i32(data->i32, N));
}

int main(void)
{
	struct data *data = malloc(sizeof(*data));
	uint64_t seed = 12345;
	double magnitude = 0.0, plain = 0.0;
	int64_t exact = 0;

	if (data == NULL)
		return 1;
	add_by_kind[KIND_INT] = add_int;
	add_by_kind[KIND_FLOAT] = add_float;
	for (size_t i = 0; i < N; i++) {
		seed = seed * UINT64_C(6364136223846793005) + 1;
		int32_t value = (int32_t)(seed >> 44) - (1 << 19);
		data->i32[i] = value;
		data->f64[i] = value / 1000.0;
		data->boxed[i] = (struct boxed){.kind = KIND_FLOAT,
		                                .as.d = data->f64[i]};
		exact += value;
		magnitude += fabs(data->f64[i]);
		plain += data->f64[i];
	}

	/* Timings of a wrong answer mean nothing: check first. */
	double lanes = ex_vec_sum_f64(data->f64, N);
	if (fabs(lanes - plain) > 2 * N * DBL_EPSILON * magnitude ||
	    ex_vec_sum_i32(data->i32, N) != exact) {
		fprintf(stderr, "bench_vectorize: your kernels give wrong "
		                "results; make the tests pass first\n");
		free(data);
		return 1;
	}

	static const struct {
		const char *name;
		dp_bench_fn *run;
	} rows[] = {
		{"interpreted (boxed values, dispatch)", run_interpreted},
		{"plain double loop (one chain)", run_plain_f64},
		{"ex_vec_sum_f64 (8 lanes)", run_lanes_f64},
		{"plain int32 loop into int64", run_plain_i32},
		{"ex_vec_sum_i32", run_vec_i32},
	};
	double baseline = 0.0;

	printf("Summing %d numbers, ns per element (lower is better)\n", N);
	for (size_t r = 0; r < DP_ARRAY_SIZE(rows); r++) {
		double ns = dp_bench_ns_per_op(rows[r].run, data) / N;
		if (r == 1)
			baseline = ns;
		printf("  %-40s %8.3f ns", rows[r].name, ns);
		if (r >= 1 && ns > 0)
			printf("   x%.1f vs the plain double loop",
			       baseline / ns);
		printf("\n");
	}
	printf("Sums: plain loop %.17g, 8 lanes %.17g (same data, other "
	       "order)\n",
	       plain, lanes);
	free(data);
	return 0;
}
