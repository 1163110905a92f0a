/*
 * Exercise 09: loops the compiler can vectorize. Read README.md first,
 * then fill in each TODO. Every function below compiles and returns a
 * value that makes the tests fail; replace the bodies one by one.
 */
#include "vectorize.h"

int64_t ex_vec_sum_i32(const int32_t *x, size_t n)
{
	/* TODO: a plain loop over x, accumulating in an int64_t. */
	(void)x;
	(void)n;
	return 0;
}

double ex_vec_sum_f64(const double *x, size_t n)
{
	/* TODO: EX_VEC_LANES accumulators over the first n - n % 8
	 * elements, combined exactly as vectorize.h says, then the tail. */
	(void)x;
	(void)n;
	return 0.0;
}

int64_t ex_vec_dot_i32(const int32_t *a, const int32_t *b, size_t n)
{
	/* TODO: sum of the products, each computed in 64 bits. */
	(void)a;
	(void)b;
	(void)n;
	return 0;
}

void ex_vec_axpy_f64(double a, const double *restrict x, double *restrict y,
                     size_t n)
{
	/* TODO: y[i] += a * x[i] for i < n. */
	(void)a;
	(void)x;
	(void)y;
	(void)n;
}
