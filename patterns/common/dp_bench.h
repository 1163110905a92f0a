/**
 * @file dp_bench.h
 * @brief A small timing harness for the `bench_*.c` programs.
 *
 * Timings are only ever compared as ratios measured in the same run, so
 * the harness aims for repeatable relative figures on a noisy machine:
 * dp_bench_ns_per_op() keeps the best of a few calibrated rounds, and
 * dp_bench_measure() the best of many short ones with their spread, which
 * dp_bench_cycle_ns() can turn into cycles. Not for tests: tests assert
 * counts, never time.
 * A bench may also write its figures as CSV files for charts, through
 * dp_bench_csv_open(), when the environment variable `DP_BENCH_CSV` names
 * a directory. Thread-safety: call from one thread.
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

/**
 * @brief Hide a value from the optimiser, at no run-time cost.
 *
 * Returns `value` unchanged, but the compiler can no longer know what it
 * is, so it cannot fold a chain of operations on it, nor delete a loop
 * whose only work is to compute it: an empty statement that claims to
 * read and rewrite a register. Unlike dp_bench_keep(), nothing is
 * stored and nothing is called.
 * @param[in] value Any value.
 * @return `value`.
 */
static inline uint64_t dp_bench_opaque(uint64_t value)
{
	__asm__ volatile("" : "+r"(value));
	return value;
}

/** @brief How the repetitions of one measurement spread, in ns per op. */
struct dp_bench_spread {
	double min;    /**< The fastest repetition: the figure to quote. */
	double median; /**< The middle repetition. */
	double max;    /**< The slowest repetition. */
};

/**
 * @brief Measure `fn` in many short repetitions and report their spread.
 *
 * Calibrates a repetition to last about 1 ms (0.1 ms when
 * `DP_BENCH_QUICK` is set), shorter than a scheduler's time slice, then
 * runs `repetitions` of them. Other processes only ever make a
 * repetition slower, and a short one is often left undisturbed, so the
 * minimum is steady from run to run; the median and maximum show how
 * busy the machine was.
 * @param[in]  fn          The work; must not be NULL.
 * @param[in]  ctx         Handed to `fn` unchanged.
 * @param[in]  repetitions How many repetitions, 1 to 1000.
 * @param[out] spread      Receives the figures, in ns per iteration.
 * @return #DP_OK; #DP_EINVAL when `fn` or `spread` is NULL or
 *         `repetitions` is out of range (then `fn` is never called).
 */
int dp_bench_measure(dp_bench_fn *fn, void *ctx, size_t repetitions,
                     struct dp_bench_spread *spread);

/**
 * @brief Combine the spreads of several turns of one measurement.
 *
 * A bench that measures its rows in turns (every row once, then every row
 * again) lets a burst of load from another process spoil one turn of one
 * row, not a whole row; this gives the row's figures over all its turns.
 * @param[in]  turns    The turns' spreads, `count` of them; not NULL.
 * @param[in]  count    How many turns, 1 to 1000.
 * @param[out] combined Receives the fastest minimum, the median of the
 *                      medians and the slowest maximum; not NULL.
 * @return #DP_OK; #DP_EINVAL when a pointer is NULL or `count` is out of
 *         range.
 */
int dp_bench_spread_combine(const struct dp_bench_spread *turns, size_t count,
                            struct dp_bench_spread *combined);

/**
 * @brief Estimate the length of one CPU cycle, so that figures can also
 *        be stated in cycles.
 *
 * Times a chain of dependent integer additions with dp_bench_measure():
 * each waits for the one before, and an addition takes one cycle on
 * every mainstream CPU, so the time of one addition is the time of one
 * cycle at the clock the core runs at right now (which turbo and power
 * saving change; measure it in the same run as the figures).
 * @param[out] spread Receives ns per cycle: min, median and max over the
 *                    repetitions; must not be NULL.
 * @return #DP_OK; #DP_EINVAL when `spread` is NULL.
 */
int dp_bench_cycle_ns(struct dp_bench_spread *spread);

/**
 * @brief A CSV file of bench figures: a header row, then one row per line
 *        of a table. Opaque; made by dp_bench_csv_open().
 *
 * A NULL handle is valid everywhere and writes nothing: it is what
 * dp_bench_csv_open() gives when `DP_BENCH_CSV` is unset, so a bench
 * writes its rows unconditionally and the variable decides.
 */
typedef struct dp_bench_csv dp_bench_csv;

/**
 * @brief Open `<dir>/<name>.csv` for writing when the environment variable
 *        `DP_BENCH_CSV` names a directory `<dir>`, and write its header.
 *
 * When `DP_BENCH_CSV` is unset or empty, nothing is opened: `*csv` is set
 * to NULL and the call succeeds. An existing file is replaced. The
 * directory must exist. The columns are separated by commas and never
 * quoted, so no name or label may contain a comma, a double quote or a
 * line break.
 * @param[out] csv    Receives the handle, to be closed with
 *                    dp_bench_csv_close(); NULL when nothing was opened or
 *                    on error.
 * @param[in]  name   The file's name without `.csv`: letters, digits, '_'
 *                    and '-' only, not empty.
 * @param[in]  header The header row without its line break, e.g.
 *                    `"n,linear,sorted,hash"`: at least two columns, the
 *                    first naming the row labels.
 * @return #DP_OK; #DP_EINVAL when an argument is NULL, `name` is empty or
 *         has a character other than those above, or `header` has fewer
 *         than two columns, an empty column, a double quote or a line
 *         break (checked whether `DP_BENCH_CSV` is set or not);
 *         #DP_ENOMEM when memory runs out; #DP_EIO when the file cannot be
 *         created or its header written (then no file is left behind).
 */
int dp_bench_csv_open(dp_bench_csv **csv, const char *name, const char *header);

/**
 * @brief Write one row: a label, then one number per remaining column.
 *
 * The numbers are written with `%.6g` (six significant digits). A failed
 * row is remembered, and dp_bench_csv_close() reports it, so a bench may
 * check only the close, as with stdio's ferror().
 * @param[in] csv    The file, or NULL to write nothing.
 * @param[in] label  The first column, e.g. `"4096"` or `"hit"`: not
 *                   empty, with no comma, double quote or line break.
 * @param[in] values The numbers, `count` of them; not NULL.
 * @param[in] count  How many numbers: the header's columns less one.
 * @return #DP_OK (also when `csv` is NULL and the arguments are valid);
 *         #DP_EINVAL when `label` or `values` is NULL or `label` is not
 *         a valid column, or when `count` does not match the header of an
 *         open file; #DP_EIO when the row could not be written.
 */
int dp_bench_csv_row(dp_bench_csv *csv, const char *label, const double *values,
                     size_t count);

/**
 * @brief Close the file and free the handle.
 * @param[in] csv The file, or NULL (a no-op that returns #DP_OK). Freed
 *                in every case; do not use it afterwards.
 * @return #DP_OK; #DP_EINVAL when a row was refused as invalid; #DP_EIO
 *         when any row could not be written or the data could not be
 *         flushed to the file.
 */
int dp_bench_csv_close(dp_bench_csv *csv);

#endif /* DP_BENCH_H */
