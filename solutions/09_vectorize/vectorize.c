/*
 * Exercise 09, the answer. Each loop is the simplest loop over a typed
 * array that says what it means; the only trick is in ex_vec_sum_f64(),
 * where eight accumulators give the compiler (and the processor) eight
 * independent chains of additions that it may run side by side without
 * changing the result, which it is not allowed to do to one chain.
 */
#include "vectorize.h"

int64_t ex_vec_sum_i32(const int32_t *x, size_t n)
{
	int64_t sum = 0;

	/* Integer addition is associative, even with wrap-around, so the
	 * compiler reorders this loop into SIMD lanes by itself. */
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return sum;
}

double ex_vec_sum_f64(const double *x, size_t n)
{
	double lane[EX_VEC_LANES] = {0};
	size_t body = n - n % EX_VEC_LANES;
	size_t i;

	for (i = 0; i < body; i += EX_VEC_LANES)
		for (size_t k = 0; k < EX_VEC_LANES; k++)
			lane[k] += x[i + k];

	double sum = ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
	             ((lane[4] + lane[5]) + (lane[6] + lane[7]));

	for (; i < n; i++)
		sum += x[i];
	return sum;
}

int64_t ex_vec_dot_i32(const int32_t *a, const int32_t *b, size_t n)
{
	int64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (int64_t)a[i] * b[i];
	return sum;
}

void ex_vec_axpy_f64(double a, const double *restrict x, double *restrict y,
                     size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += a * x[i];
}
