/**
 * @file vectorize.h
 * @brief Vectorize: four ways to write the same numeric kernels (sum, dot
 *        product, a*x+y, integer sum), each a Strategy behind one table.
 *
 * A plain loop, a loop with several independent accumulators, a loop the
 * compiler is allowed to vectorize (`restrict`, `#pragma omp simd`), and
 * explicit vectors with GCC/clang vector extensions. The same tests and the
 * same benchmark drive all of them through `struct dp_vec_ops`; the bench
 * measures them against dp_vec_limit_sum(), its yardstick.
 *
 * Ownership: nothing is allocated; every kernel reads the caller's arrays
 * and writes only where told. Thread-safety: the tables are `const` and the
 * kernels keep no state, so any number of threads may call them at once.
 */
#ifndef DP_VECTORIZE_H
#define DP_VECTORIZE_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief The strategy interface: one implementation of every kernel.
 *
 * The kernels are pure functions of their arguments, so, unlike most ops
 * tables of the library, they take no state or context pointer: there is
 * nothing to carry. Every slot is required; the dp_vec_* functions below
 * check the arguments once and refuse an incomplete table, so a kernel
 * never sees a NULL array with a nonzero length.
 *
 * The floating-point kernels may add in any order (see dp_vec_sum_bound());
 * the integer kernel must return exactly the left-to-right result.
 */
struct dp_vec_ops {
	/** Required. A short name for people: "plain", "unrolled", ... */
	const char *name;

	/** Required. The sum of `x[0..n)`; 0 when `n` is 0. */
	double (*sum)(const double *x, size_t n);

	/** Required. The sum of `x[i] * y[i]` over `i < n`; 0 when `n` is 0. */
	double (*dot)(const double *x, const double *y, size_t n);

	/**
	 * Required. `y[i] = a * x[i] + y[i]` for `i < n` (BLAS's daxpy). `x`
	 * and `y` never overlap: the dispatcher guarantees it.
	 */
	void (*axpy)(double a, const double *x, double *y, size_t n);

	/** Required. The sum of `x[0..n)` modulo 2^64, as two's complement. */
	int64_t (*sum_i64)(const int64_t *x, size_t n);
};

/** @brief One accumulator, left to right: the course's `fast_sum`, in C. */
extern const struct dp_vec_ops dp_vec_plain;

/** @brief Four independent accumulators, combined at the end. */
extern const struct dp_vec_ops dp_vec_unrolled;

/**
 * @brief Plain loops with `restrict` and `#pragma omp simd reduction`,
 *        which allow the compiler to vectorize (needs `-fopenmp-simd`).
 */
extern const struct dp_vec_ops dp_vec_simd;

/**
 * @brief Explicit vectors of four lanes (GCC/clang `vector_size`), four
 *        of them at once, unaligned loads through memcpy, a scalar tail.
 */
extern const struct dp_vec_ops dp_vec_vector;

/**
 * @brief Whether a table can be used: not NULL, and every slot filled.
 * @param[in] ops The table, or NULL.
 * @return true when every dp_vec_* function below accepts it.
 */
bool dp_vec_ops_valid(const struct dp_vec_ops *ops);

/**
 * @brief Sum an array of doubles with a strategy.
 * @param[in]  ops The strategy; see dp_vec_ops_valid().
 * @param[in]  x   The values; may be NULL only when `n` is 0.
 * @param[in]  n   The number of values.
 * @param[out] out Receives the sum (0 for an empty array).
 * @return #DP_OK; #DP_EINVAL when `ops` is not valid, `out` is NULL, or
 *         `x` is NULL with `n` > 0. `*out` is untouched on error.
 */
int dp_vec_sum(const struct dp_vec_ops *ops, const double *x, size_t n,
               double *out);

/**
 * @brief The dot product of two arrays of doubles with a strategy.
 * @param[in]  ops The strategy; see dp_vec_ops_valid().
 * @param[in]  x   The first array; may be NULL only when `n` is 0.
 * @param[in]  y   The second array; may be NULL only when `n` is 0. It may
 *                 be `x` itself (a sum of squares).
 * @param[in]  n   The length of both arrays.
 * @param[out] out Receives the dot product (0 for empty arrays).
 * @return #DP_OK; #DP_EINVAL when `ops` is not valid, `out` is NULL, or an
 *         array is NULL with `n` > 0. `*out` is untouched on error.
 */
int dp_vec_dot(const struct dp_vec_ops *ops, const double *x, const double *y,
               size_t n, double *out);

/**
 * @brief `y = a * x + y`, element by element, with a strategy.
 * @param[in]     ops The strategy; see dp_vec_ops_valid().
 * @param[in]     a   The scale factor.
 * @param[in]     x   The array scaled; may be NULL only when `n` is 0.
 * @param[in,out] y   The array added to and overwritten; may be NULL only
 *                    when `n` is 0.
 * @param[in]     n   The length of both arrays.
 * @return #DP_OK; #DP_EINVAL when `ops` is not valid, an array is NULL
 *         with `n` > 0, or the two arrays overlap (the vectorized kernels
 *         promise the compiler they do not). `y` is untouched on error.
 */
int dp_vec_axpy(const struct dp_vec_ops *ops, double a, const double *x,
                double *y, size_t n);

/**
 * @brief Sum an array of 64-bit integers with a strategy, exactly.
 *
 * Integer addition modulo 2^64 is associative, so every strategy returns
 * the same bits, whatever order it adds in, overflow included.
 * @param[in]  ops The strategy; see dp_vec_ops_valid().
 * @param[in]  x   The values; may be NULL only when `n` is 0.
 * @param[in]  n   The number of values.
 * @param[out] out Receives the sum modulo 2^64 (0 for an empty array).
 * @return #DP_OK; #DP_EINVAL when `ops` is not valid, `out` is NULL, or
 *         `x` is NULL with `n` > 0. `*out` is untouched on error.
 */
int dp_vec_sum_i64(const struct dp_vec_ops *ops, const int64_t *x, size_t n,
                   int64_t *out);

/**
 * @brief The bench's yardstick: the fastest sum of doubles the chapter
 *        knows how to write, eight accumulators of 4- or 8-lane vectors
 *        (32 or 64 bytes), every vector load aligned to 64 bytes.
 *
 * Not a strategy: it has no table and no other kernels. The bench builds
 * compile it at `-O3 -march=native`, whatever the level of the variants,
 * and time both widths like the variants on the same arrays, keeping the
 * faster at each size: in L1 the best sum the compiler emits for the
 * machine, from RAM the read bandwidth of one core. Other builds compile
 * it with their own flags, where it is only a correct sum, within
 * dp_vec_sum_bound() of the plain loop's.
 * @param[in]  x     The values; may be NULL only when `n` is 0.
 * @param[in]  n     The number of values.
 * @param[in]  lanes Doubles per vector: 4 or 8.
 * @param[out] out   Receives the sum (0 for an empty array).
 * @return #DP_OK; #DP_EINVAL when `out` is NULL, `x` is NULL with `n` >
 *         0, or `lanes` is neither 4 nor 8. `*out` is untouched on error.
 */
int dp_vec_limit_sum(const double *x, size_t n, size_t lanes, double *out);

/**
 * @brief How far two strategies' sums of the same terms may differ.
 *
 * Any order of adding `n` terms `t[i]` has an error of at most about
 * `(n - 1) * u * sum(|t[i]|)`, with `u = DBL_EPSILON / 2`; two orders
 * therefore differ by at most twice that. This returns the slightly wider
 * `n * DBL_EPSILON * sum(|t[i]|)`, the tolerance the tests assert for
 * dp_vec_sum() with `t = x`, and for dp_vec_dot() with `t[i] = x[i] *
 * y[i]` (pass the products). It says nothing about NaN or infinity: a NaN
 * term makes every sum NaN, and so does a +inf with a -inf.
 * @param[in] t The terms; may be NULL only when `n` is 0.
 * @param[in] n The number of terms.
 * @return The bound, or 0 when `n` is 0 or `t` is NULL.
 */
double dp_vec_sum_bound(const double *t, size_t n);

#endif /* DP_VECTORIZE_H */
