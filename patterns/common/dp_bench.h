/**
 * @file dp_bench.h
 * @brief A small timing harness for the `bench_*.c` programs.
 *
 * Timings are only ever compared as ratios measured in the same run, so
 * the harness aims for repeatable relative figures on a noisy machine: each
 * measurement is calibrated to last a few milliseconds and the best of
 * several rounds is kept. Not for tests: tests assert counts, never time.
 * Thread-safety: call from one thread.
 */
#ifndef DP_BENCH_H
#define DP_BENCH_H

#include <stddef.h>
#include <stdint.h>

/**
 * @brief The work to time: perform the operation `iterations` times.
 * @param[in] ctx        The context given to dp_bench_ns_per_op().
 * @param[in] iterations How many times to repeat the operation.
 */
typedef void dp_bench_fn(void *ctx, size_t iterations);

/**
 * @brief Measure the time of one iteration of `fn`.
 *
 * Doubles the number of iterations until one round lasts at least 10 ms
 * (1 ms when the environment variable `DP_BENCH_QUICK` is set), then keeps
 * the fastest of 5 rounds: the least disturbed by other processes.
 * @param[in] fn  The work; must not be NULL.
 * @param[in] ctx Handed to `fn` unchanged.
 * @return Nanoseconds per iteration; 0 when `fn` is NULL.
 */
double dp_bench_ns_per_op(dp_bench_fn *fn, void *ctx);

/**
 * @brief Keep a result alive, so the compiler cannot delete the loop that
 *        computed it.
 *
 * Call it once per timed batch, with a value that depends on every
 * iteration; it is an out-of-line call to a volatile store.
 * @param[in] value Any result of the timed work.
 */
void dp_bench_keep(uint64_t value);

#endif /* DP_BENCH_H */
