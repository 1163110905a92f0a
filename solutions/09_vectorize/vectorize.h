/**
 * @file vectorize.h
 * @brief Exercise 09: four loops written so that the compiler can turn
 *        them into SIMD code: what Numba and Cython give Python, typed
 *        loops over plain arrays with no object per element.
 *
 * Integer kernels are exact whatever the order of the additions, so their
 * results must equal the plain loop's. Floating-point addition is not
 * associative: ex_vec_sum_f64() adds in a different order from the plain
 * loop, on purpose, and its result may differ from it by rounding (the
 * tolerance is stated on the function). Nothing allocates; thread-safe.
 * Every pointer may be NULL when `n` is 0.
 */
#ifndef EX_VECTORIZE_H
#define EX_VECTORIZE_H

#include <stddef.h>
#include <stdint.h>

/** @brief The independent accumulators of ex_vec_sum_f64(). */
#define EX_VEC_LANES 8

/**
 * @brief The exact sum of 32-bit integers.
 *
 * Accumulated in 64 bits, so that no input of up to 2^32 elements can
 * overflow.
 * @param[in] x The values.
 * @param[in] n How many.
 * @return x[0] + ... + x[n-1], exactly; 0 when n is 0.
 */
int64_t ex_vec_sum_i32(const int32_t *x, size_t n);

/**
 * @brief The sum of doubles, in #EX_VEC_LANES independent accumulators.
 *
 * The order of the additions is part of the contract, so that the result
 * is the same on every machine: lane k (0 <= k < 8) adds x[k], x[k+8],
 * x[k+16], ... in that order over the first n - n % 8 elements, starting
 * from 0.0; the lanes are combined as
 * ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); then the last n % 8
 * elements are added to that, in order. Eight separate dependency chains
 * let the processor (and the vectorizer) work on eight additions at once,
 * where the plain loop waits for each addition before the next.
 *
 * Tolerance: like any order of summation, the result differs from the
 * exact sum by at most n * DBL_EPSILON * (|x[0]| + ... + |x[n-1]|).
 * @param[in] x The values.
 * @param[in] n How many.
 * @return The sum, in the order above; 0.0 when n is 0.
 */
double ex_vec_sum_f64(const double *x, size_t n);

/**
 * @brief The exact dot product of two vectors of 32-bit integers.
 *
 * Each product is computed in 64 bits (it can exceed 32), and so is the
 * sum. `a` and `b` may overlap: they are only read.
 * @param[in] a The first vector.
 * @param[in] b The second vector.
 * @param[in] n The length of both.
 * @return a[0] * b[0] + ... + a[n-1] * b[n-1], exactly, provided the true
 *         sum fits in int64_t; 0 when n is 0.
 */
int64_t ex_vec_dot_i32(const int32_t *a, const int32_t *b, size_t n);

/**
 * @brief y[i] = y[i] + a * x[i] for every i < n: BLAS's daxpy.
 *
 * `restrict` promises that `x` and `y` do not overlap, so the compiler
 * need not fear that writing y[i] changes x[i + 1] and may load, multiply
 * and store several elements at once with no run-time overlap check.
 * @param[in]     a The factor.
 * @param[in]     x The vector to add; must not overlap `y`.
 * @param[in,out] y The vector updated in place; elements from n on are
 *                  not touched.
 * @param[in]     n How many elements.
 */
void ex_vec_axpy_f64(double a, const double *restrict x, double *restrict y,
                     size_t n);

#endif /* EX_VECTORIZE_H */
