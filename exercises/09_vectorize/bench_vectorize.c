/*
 * Exercise 09's benchmark: the two answers to "what does compiling a loop
 * buy?", each measured, never assumed. Not graded and not a test: it only
 * prints timings, which depend on the machine, the compiler and its flags.
 *
 * The same 2048 numbers (16 KiB: they stay in the L1 cache, so the loops,
 * not the memory, set the pace) are summed, in nanoseconds per element:
 *   1. by real CPython, when python3 is found: the course's fast_sum loop
 *      (without @jit) and the built-in sum(), over a list of the same
 *      floats;
 *   2. by the plain compiled double loop: one chain of additions;
 *   3. by ex_vec_sum_f64() (your code): eight independent chains;
 *   4. by the plain int32 loop into an int64_t and by ex_vec_sum_i32().
 * It prints two ratios apart: plain C against the Python loop (what
 * compiling buys: Numba's and Cython's typed loop) and the vectorized loop
 * against plain C (what vectorizing adds on top).
 *
 * Build and run with `make bench EX=09_vectorize` (-O3 -march=native; set
 * BENCH_CFLAGS=-O2 to see what the optimisation level changes).
 */
/* popen() and pclose() are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "vectorize.h"

#include "common/dp_bench.h"
#include "common/dp_common.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N = 2048, PYTHON_REPEATS = 200 };

struct data {
	double f64[N];
	int32_t i32[N];
};

/* The numbers, from a formula Python evaluates the same way: multiples of
 * 1/1024 below 1000, whose sums are exact in a double in any order, so C
 * and Python must print the same sum. */
static double course_value(size_t i)
{
	return (double)(((uint64_t)i * 2654435761u) % 1000003u) / 1024.0;
}

static void keep_double(double value)
{
	uint64_t bits;

	memcpy(&bits, &value, sizeof(bits));
	dp_bench_keep(bits);
}

static void run_plain_f64(void *ctx, size_t iterations)
{
	const struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++) {
		double sum = 0.0;
		for (size_t i = 0; i < N; i++)
			sum += data->f64[i];
		keep_double(sum);
	}
}

static void run_lanes_f64(void *ctx, size_t iterations)
{
	const struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++)
		keep_double(ex_vec_sum_f64(data->f64, N));
}

static void run_plain_i32(void *ctx, size_t iterations)
{
	const struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++) {
		int64_t sum = 0;
		for (size_t i = 0; i < N; i++)
			sum += data->i32[i];
		dp_bench_keep((uint64_t)sum);
	}
}

static void run_vec_i32(void *ctx, size_t iterations)
{
	const struct data *data = ctx;

	for (size_t it = 0; it < iterations; it++)
		dp_bench_keep((uint64_t)ex_vec_sum_i32(data->i32, N));
}

/* The course's fast_sum without @jit, and sum(), each the best of three
 * rounds of argv[2] calls; prints ns per element for both, then the sum. */
static const char PYTHON[] =
	"exec python3 -c '\n"
	"import sys, time\n"
	"def fast_sum(arr):\n"
	"    total = 0\n"
	"    for x in arr:\n"
	"        total += x\n"
	"    return total\n"
	"n, reps = int(sys.argv[1]), int(sys.argv[2])\n"
	"arr = [((i * 2654435761) %% 1000003) / 1024.0 for i in range(n)]\n"
	"def best(f):\n"
	"    b = None\n"
	"    for _ in range(3):\n"
	"        t = time.perf_counter()\n"
	"        for _ in range(reps):\n"
	"            s = f(arr)\n"
	"        e = (time.perf_counter() - t) / reps / n * 1e9\n"
	"        b = e if b is None or e < b else b\n"
	"    return b, s\n"
	"loop, s1 = best(fast_sum)\n"
	"builtin, s2 = best(sum)\n"
	"print(loop, builtin, s1 if s1 == s2 else float(\"nan\"))\n"
	"' %d %d 2>/dev/null";

/* Fills ns[0] (the loop) and ns[1] (sum()); false without python3 or when
 * Python's sum differs from C's. */
static bool python_ns(double c_sum, double ns[2])
{
	char command[sizeof(PYTHON) + 32];
	double py_sum = 0.0;

	snprintf(command, sizeof(command), PYTHON, N, PYTHON_REPEATS);
	fflush(stdout);
	FILE *python = popen(command, "r");
	if (python == NULL)
		return false;
	int got = fscanf(python, "%lf %lf %lf", &ns[0], &ns[1], &py_sum);
	pclose(python);
	if (got == 3 && py_sum != c_sum)
		printf("  (Python's sum %.17g differs from C's %.17g: no "
		       "Python "
		       "figures)\n",
		       py_sum, c_sum);
	return got == 3 && py_sum == c_sum && ns[0] > 0 && ns[1] > 0;
}

static void print_row(const char *name, double ns)
{
	printf("  %-44s %9.3f ns\n", name, ns);
}

static void compiling_buys(double plain, double c_sum)
{
	double py[2];

	printf("What compiling buys: the same loop, interpreted and "
	       "compiled\n");
	if (!python_ns(c_sum, py)) {
		printf("  python3 not found or failed: no Python figures, no "
		       "ratio\n\n");
		return;
	}
	print_row("python3: the course's fast_sum loop", py[0]);
	print_row("python3: built-in sum()", py[1]);
	print_row("C: plain double loop (one chain)", plain);
	printf("  -> plain C: %.0fx faster than the Python loop, %.1fx "
	       "faster than Python's sum()\n\n",
	       py[0] / plain, py[1] / plain);
}

static void vectorizing_adds(const struct data *data, double plain)
{
	double lanes = dp_bench_ns_per_op(run_lanes_f64, (void *)data) / N;
	double plain_i = dp_bench_ns_per_op(run_plain_i32, (void *)data) / N;
	double vec_i = dp_bench_ns_per_op(run_vec_i32, (void *)data) / N;

	printf("What vectorizing adds: compiled against compiled\n");
	print_row("C: plain double loop (one chain)", plain);
	print_row("ex_vec_sum_f64 (8 lanes, your code)", lanes);
	printf("  -> your 8 lanes: %.1fx faster than the plain double loop\n",
	       plain / lanes);
	print_row("C: plain int32 loop into int64", plain_i);
	print_row("ex_vec_sum_i32 (your code)", vec_i);
	printf("  -> yours: %.1fx faster than the plain integer loop (which "
	       "the "
	       "compiler may vectorize by itself)\n",
	       plain_i / vec_i);
}

int main(void)
{
	struct data *data = malloc(sizeof(*data));
	double magnitude = 0.0, plain_sum = 0.0;
	int64_t exact = 0;

	if (data == NULL)
		return EXIT_FAILURE;
	for (size_t i = 0; i < N; i++) {
		data->f64[i] = course_value(i);
		data->i32[i] =
			(int32_t)(((uint64_t)i * 40503u) % 65521u) - 32760;
		exact += data->i32[i];
		magnitude += fabs(data->f64[i]);
		plain_sum += data->f64[i];
	}

	/* Timings of a wrong answer mean nothing: check first. */
	double lanes = ex_vec_sum_f64(data->f64, N);
	if (fabs(lanes - plain_sum) > 2 * N * DBL_EPSILON * magnitude ||
	    ex_vec_sum_i32(data->i32, N) != exact) {
		fprintf(stderr, "bench_vectorize: your kernels give wrong "
		                "results; make the tests pass first\n");
		free(data);
		return EXIT_FAILURE;
	}

	printf("Summing the same %d numbers, ns per element (lower is "
	       "better); ratios within this run only\n\n",
	       N);
	double plain = dp_bench_ns_per_op(run_plain_f64, data) / N;
	compiling_buys(plain, plain_sum);
	vectorizing_adds(data, plain);
	free(data);
	return EXIT_SUCCESS;
}
