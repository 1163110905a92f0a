/*
 * Calibrated, best-of-N timing for the benchmarks.
 */
#include "common/dp_bench.h"

#include "common/dp_common.h"

#include <stdlib.h>

enum { ROUNDS = 5 };

/* Written, never read: a volatile store is work the compiler must do. */
static volatile uint64_t sink;

void dp_bench_keep(uint64_t value)
{
	sink = value;
}

double dp_bench_ns_per_op(dp_bench_fn *fn, void *ctx)
{
	if (fn == NULL)
		return 0;
	const uint64_t round_ns = getenv("DP_BENCH_QUICK") ? 1000000 : 10000000;

	/* Calibrate: grow the round until the clock's resolution and the
	 * call overhead no longer matter. */
	size_t iterations = 1;
	for (;;) {
		uint64_t start = dp_now_ns();
		fn(ctx, iterations);
		uint64_t elapsed = dp_now_ns() - start;
		if (elapsed >= round_ns || iterations > SIZE_MAX / 2)
			break;
		iterations *= 2;
	}

	/* Other processes only ever make a round slower, so the fastest
	 * round is the best estimate of the work itself. */
	double best = 0;
	for (int round = 0; round < ROUNDS; round++) {
		uint64_t start = dp_now_ns();
		fn(ctx, iterations);
		double per_op =
			(double)(dp_now_ns() - start) / (double)iterations;
		if (round == 0 || per_op < best)
			best = per_op;
	}
	return best;
}
