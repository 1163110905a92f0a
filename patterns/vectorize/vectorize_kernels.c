/*
 * The kernels, four ways. Read them side by side: each variant changes
 * one thing, and the comments say what that buys.
 */
#include "vectorize/vectorize.h"

#include <string.h>

/* ---- plain: what the course's fast_sum compiles to ---------------------- */

/* One accumulator: every addition waits for the one before it. The
 * compiler may not split `total` into several partial sums, because
 * floating-point addition is not associative and the result would change.
 * So this stays one scalar add per element, bound by the add's latency,
 * at every optimisation level, unless told -ffast-math. */
static double plain_sum(const double *x, size_t n)
{
	double total = 0.0;
	for (size_t i = 0; i < n; i++)
		total += x[i];
	return total;
}

static double plain_dot(const double *x, const double *y, size_t n)
{
	double total = 0.0;
	for (size_t i = 0; i < n; i++)
		total += x[i] * y[i];
	return total;
}

/* No reduction here: each y[i] is independent, and the compiler vectorizes
 * this at -O3 on its own, after a run-time check that x and y do not
 * overlap. */
static void plain_axpy(double a, const double *x, double *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}

/* Unsigned, because signed overflow is undefined and unsigned addition
 * wraps: modulo 2^64 it is associative, so the compiler may vectorize it
 * (it does at -O3), and every variant gets the same bits. */
static int64_t plain_sum_i64(const int64_t *x, size_t n)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += (uint64_t)x[i];
	return (int64_t)total;
}

const struct dp_vec_ops dp_vec_plain = {
	.name = "plain",
	.sum = plain_sum,
	.dot = plain_dot,
	.axpy = plain_axpy,
	.sum_i64 = plain_sum_i64,
};

/* ---- unrolled: several independent accumulators ------------------------- */

/* Four chains of additions instead of one, so four adds are in flight at
 * once. This is the reassociation the compiler may not do, done by hand:
 * the result is a different rounding of the same sum. Still scalar. */
static double unrolled_sum(const double *x, size_t n)
{
	double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		s0 += x[i];
		s1 += x[i + 1];
		s2 += x[i + 2];
		s3 += x[i + 3];
	}
	for (; i < n; i++)
		s0 += x[i];
	return (s0 + s1) + (s2 + s3);
}

static double unrolled_dot(const double *x, const double *y, size_t n)
{
	double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		s0 += x[i] * y[i];
		s1 += x[i + 1] * y[i + 1];
		s2 += x[i + 2] * y[i + 2];
		s3 += x[i + 3] * y[i + 3];
	}
	for (; i < n; i++)
		s0 += x[i] * y[i];
	return (s0 + s1) + (s2 + s3);
}

/* axpy has no chain to break; unrolling only saves loop overhead. */
static void unrolled_axpy(double a, const double *x, double *y, size_t n)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		y[i] = a * x[i] + y[i];
		y[i + 1] = a * x[i + 1] + y[i + 1];
		y[i + 2] = a * x[i + 2] + y[i + 2];
		y[i + 3] = a * x[i + 3] + y[i + 3];
	}
	for (; i < n; i++)
		y[i] = a * x[i] + y[i];
}

static int64_t unrolled_sum_i64(const int64_t *x, size_t n)
{
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		s0 += (uint64_t)x[i];
		s1 += (uint64_t)x[i + 1];
		s2 += (uint64_t)x[i + 2];
		s3 += (uint64_t)x[i + 3];
	}
	for (; i < n; i++)
		s0 += (uint64_t)x[i];
	return (int64_t)((s0 + s1) + (s2 + s3));
}

const struct dp_vec_ops dp_vec_unrolled = {
	.name = "unrolled",
	.sum = unrolled_sum,
	.dot = unrolled_dot,
	.axpy = unrolled_axpy,
	.sum_i64 = unrolled_sum_i64,
};

/* ---- simd: let the compiler do it --------------------------------------- */

/* `reduction(+ : total)` is the permission the plain loop lacks: it tells
 * the compiler that `total` may be split into one partial sum per vector
 * lane and combined at the end, in an order it chooses. Without
 * -fopenmp-simd (or -fopenmp) the pragma is ignored and this is the plain
 * loop again. */
static double simd_sum(const double *restrict x, size_t n)
{
	double total = 0.0;
#pragma omp simd reduction(+ : total)
	for (size_t i = 0; i < n; i++)
		total += x[i];
	return total;
}

static double simd_dot(const double *restrict x, const double *restrict y,
                       size_t n)
{
	double total = 0.0;
#pragma omp simd reduction(+ : total)
	for (size_t i = 0; i < n; i++)
		total += x[i] * y[i];
	return total;
}

/* `restrict` promises that x and y do not overlap, which spares the
 * run-time overlap check and the scalar fallback the plain loop needs. */
static void simd_axpy(double a, const double *restrict x, double *restrict y,
                      size_t n)
{
#pragma omp simd
	for (size_t i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}

static int64_t simd_sum_i64(const int64_t *restrict x, size_t n)
{
	uint64_t total = 0;
#pragma omp simd reduction(+ : total)
	for (size_t i = 0; i < n; i++)
		total += (uint64_t)x[i];
	return (int64_t)total;
}

const struct dp_vec_ops dp_vec_simd = {
	.name = "simd",
	.sum = simd_sum,
	.dot = simd_dot,
	.axpy = simd_axpy,
	.sum_i64 = simd_sum_i64,
};

/* ---- vector: explicit vectors with GCC/clang extensions ------------------ */

/* Four lanes of 64 bits: one AVX register, or two SSE2 registers where
 * AVX is not enabled; the compiler splits the operations for us. Vectors
 * never cross a function boundary here, which keeps the ABI out of it. */
typedef double v4d __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));

enum { LANES = 4, STEP = 4 * LANES };

/* memcpy is the portable unaligned load: the caller's array need not be
 * 32-byte aligned, and dereferencing a misaligned v4d pointer would be
 * undefined. Compilers turn the memcpy into one unaligned load. Four
 * vector accumulators keep four vector adds in flight, as the unrolled
 * variant does with scalars. */
static double vector_sum(const double *x, size_t n)
{
	v4d s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
	size_t i = 0;

	for (; i + STEP <= n; i += STEP) {
		v4d a, b, c, d;
		memcpy(&a, x + i, sizeof(a));
		memcpy(&b, x + i + LANES, sizeof(b));
		memcpy(&c, x + i + 2 * LANES, sizeof(c));
		memcpy(&d, x + i + 3 * LANES, sizeof(d));
		s0 += a;
		s1 += b;
		s2 += c;
		s3 += d;
	}
	v4d s = (s0 + s1) + (s2 + s3);
	double total = (s[0] + s[1]) + (s[2] + s[3]);
	for (; i < n; i++)
		total += x[i];
	return total;
}

static double vector_dot(const double *x, const double *y, size_t n)
{
	v4d s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
	size_t i = 0;

	for (; i + STEP <= n; i += STEP) {
		v4d xa, xb, xc, xd, ya, yb, yc, yd;
		memcpy(&xa, x + i, sizeof(xa));
		memcpy(&xb, x + i + LANES, sizeof(xb));
		memcpy(&xc, x + i + 2 * LANES, sizeof(xc));
		memcpy(&xd, x + i + 3 * LANES, sizeof(xd));
		memcpy(&ya, y + i, sizeof(ya));
		memcpy(&yb, y + i + LANES, sizeof(yb));
		memcpy(&yc, y + i + 2 * LANES, sizeof(yc));
		memcpy(&yd, y + i + 3 * LANES, sizeof(yd));
		s0 += xa * ya;
		s1 += xb * yb;
		s2 += xc * yc;
		s3 += xd * yd;
	}
	v4d s = (s0 + s1) + (s2 + s3);
	double total = (s[0] + s[1]) + (s[2] + s[3]);
	for (; i < n; i++)
		total += x[i] * y[i];
	return total;
}

static void vector_axpy(double a, const double *x, double *y, size_t n)
{
	const v4d av = {a, a, a, a};
	size_t i = 0;

	for (; i + LANES <= n; i += LANES) {
		v4d xv, yv;
		memcpy(&xv, x + i, sizeof(xv));
		memcpy(&yv, y + i, sizeof(yv));
		yv = av * xv + yv;
		memcpy(y + i, &yv, sizeof(yv));
	}
	for (; i < n; i++)
		y[i] = a * x[i] + y[i];
}

static int64_t vector_sum_i64(const int64_t *x, size_t n)
{
	v4u s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
	size_t i = 0;

	for (; i + STEP <= n; i += STEP) {
		v4u a, b, c, d;
		memcpy(&a, x + i, sizeof(a));
		memcpy(&b, x + i + LANES, sizeof(b));
		memcpy(&c, x + i + 2 * LANES, sizeof(c));
		memcpy(&d, x + i + 3 * LANES, sizeof(d));
		s0 += a;
		s1 += b;
		s2 += c;
		s3 += d;
	}
	v4u s = (s0 + s1) + (s2 + s3);
	uint64_t total = (s[0] + s[1]) + (s[2] + s[3]);
	for (; i < n; i++)
		total += (uint64_t)x[i];
	return (int64_t)total;
}

const struct dp_vec_ops dp_vec_vector = {
	.name = "vector",
	.sum = vector_sum,
	.dot = vector_dot,
	.axpy = vector_axpy,
	.sum_i64 = vector_sum_i64,
};
