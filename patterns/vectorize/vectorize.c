/*
 * The dispatcher: every argument is checked here, once, so that the
 * kernels can be the bare loops a reader compares side by side.
 */
#include "vectorize/vectorize.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

bool dp_vec_ops_valid(const struct dp_vec_ops *ops)
{
	return ops != NULL && ops->name != NULL && ops->sum != NULL &&
	       ops->dot != NULL && ops->axpy != NULL && ops->sum_i64 != NULL;
}

int dp_vec_sum(const struct dp_vec_ops *ops, const double *x, size_t n,
               double *out)
{
	if (!dp_vec_ops_valid(ops) || out == NULL || (x == NULL && n > 0))
		return DP_EINVAL;
	*out = n == 0 ? 0.0 : ops->sum(x, n);
	return DP_OK;
}

int dp_vec_dot(const struct dp_vec_ops *ops, const double *x, const double *y,
               size_t n, double *out)
{
	if (!dp_vec_ops_valid(ops) || out == NULL ||
	    ((x == NULL || y == NULL) && n > 0))
		return DP_EINVAL;
	*out = n == 0 ? 0.0 : ops->dot(x, y, n);
	return DP_OK;
}

/* Compared as integers: relational operators on pointers into different
 * arrays are undefined in C, and the caller's two arrays usually are. */
static bool overlap(const double *x, const double *y, size_t n)
{
	uintptr_t xa = (uintptr_t)x;
	uintptr_t ya = (uintptr_t)y;
	uintptr_t bytes = (uintptr_t)n * sizeof(double);

	return xa < ya + bytes && ya < xa + bytes;
}

int dp_vec_axpy(const struct dp_vec_ops *ops, double a, const double *x,
                double *y, size_t n)
{
	if (!dp_vec_ops_valid(ops) || ((x == NULL || y == NULL) && n > 0))
		return DP_EINVAL;
	if (n == 0)
		return DP_OK;
	/* The simd kernel declares its arrays `restrict`; overlapping ones
	 * would make its result undefined, not merely different. */
	if (n > SIZE_MAX / sizeof(double) || overlap(x, y, n))
		return DP_EINVAL;
	ops->axpy(a, x, y, n);
	return DP_OK;
}

int dp_vec_sum_i64(const struct dp_vec_ops *ops, const int64_t *x, size_t n,
                   int64_t *out)
{
	if (!dp_vec_ops_valid(ops) || out == NULL || (x == NULL && n > 0))
		return DP_EINVAL;
	*out = n == 0 ? 0 : ops->sum_i64(x, n);
	return DP_OK;
}

double dp_vec_sum_bound(const double *t, size_t n)
{
	if (t == NULL)
		return 0.0;
	double magnitude = 0.0;
	for (size_t i = 0; i < n; i++)
		magnitude += fabs(t[i]);
	return (double)n * DBL_EPSILON * magnitude;
}
