/*
 * Tests of the vectorized kernels: every variant agrees with the plain
 * loop, exactly for integers and within dp_vec_sum_bound() for doubles,
 * at every tail length and alignment; empty arrays, NaN and infinities
 * behave as documented; and every argument error is refused.
 *
 * Tests that hold for any variant are loop tests over VARIANTS, so each
 * runs once per variant and a failure names the iteration.
 */
#include "common/dp_test.h"
#include "vectorize/vectorize.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

static const struct dp_vec_ops *const VARIANTS[] = {
	&dp_vec_plain,
	&dp_vec_unrolled,
	&dp_vec_simd,
	&dp_vec_vector,
};
enum { N_VARIANTS = DP_ARRAY_SIZE(VARIANTS) };

/* Longer than two vector steps (16 elements each) plus every tail, and
 * offsets that move the start off any vector alignment. */
enum { MAX_N = 67, MAX_OFFSET = 7, BUF = MAX_N + MAX_OFFSET + 1 };

/* A double in [-1, 1), from the top 53 bits of a random number. */
static double random_unit(uint64_t *seed)
{
	return (double)(dp_random_next(seed) >> 11) * 0x1p-52 - 1.0;
}

static void fill_random(double *x, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++)
		x[i] = random_unit(&seed);
}

/* ---- agreement with the plain loop -------------------------------------- */

START_TEST(test_every_table_is_valid_and_named)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];

	ck_assert(dp_vec_ops_valid(ops));
	for (size_t j = 0; j < N_VARIANTS; j++)
		if (j != (size_t)_i)
			ck_assert_str_ne(ops->name, VARIANTS[j]->name);
}
END_TEST

START_TEST(test_empty_arrays_give_zero)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double sum = 1.0, dot = 1.0;
	int64_t isum = 1;

	ck_assert_int_eq(dp_vec_sum(ops, NULL, 0, &sum), DP_OK);
	ck_assert(sum == 0.0);
	ck_assert_int_eq(dp_vec_dot(ops, NULL, NULL, 0, &dot), DP_OK);
	ck_assert(dot == 0.0);
	ck_assert_int_eq(dp_vec_sum_i64(ops, NULL, 0, &isum), DP_OK);
	ck_assert_int_eq(isum, 0);
	ck_assert_int_eq(dp_vec_axpy(ops, 2.0, NULL, NULL, 0), DP_OK);
}
END_TEST

/* Small integers are exact in any order: every partial sum is an integer
 * far below 2^53. So here every variant must match the closed form. */
START_TEST(test_sum_of_small_integers_is_exact_at_every_length)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double x[MAX_N];

	for (size_t i = 0; i < MAX_N; i++)
		x[i] = (double)(i + 1);
	for (size_t n = 0; n <= MAX_N; n++) {
		double sum = -1.0;
		ck_assert_int_eq(dp_vec_sum(ops, x, n, &sum), DP_OK);
		ck_assert_msg(sum == (double)(n * (n + 1) / 2), "n=%zu: %g", n,
		              sum);
	}
}
END_TEST

START_TEST(test_sum_matches_plain_within_bound_at_every_tail_and_offset)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double buf[BUF];

	fill_random(buf, BUF, 7);
	for (size_t off = 0; off <= MAX_OFFSET; off++) {
		for (size_t n = 0; n <= MAX_N; n++) {
			const double *x = buf + off;
			double want = 0.0, got = 0.0;
			ck_assert_int_eq(dp_vec_sum(&dp_vec_plain, x, n, &want),
			                 DP_OK);
			ck_assert_int_eq(dp_vec_sum(ops, x, n, &got), DP_OK);
			ck_assert_msg(fabs(got - want) <=
			                      dp_vec_sum_bound(x, n),
			              "off=%zu n=%zu: %.17g vs %.17g", off, n,
			              got, want);
		}
	}
}
END_TEST

START_TEST(test_long_sum_matches_plain_within_bound)
{
	enum { N = 100003 };
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double *x = malloc(N * sizeof(*x));
	double want = 0.0, got = 0.0;

	ck_assert_ptr_nonnull(x);
	fill_random(x, N, 11);
	ck_assert_int_eq(dp_vec_sum(&dp_vec_plain, x, N, &want), DP_OK);
	ck_assert_int_eq(dp_vec_sum(ops, x, N, &got), DP_OK);
	ck_assert(fabs(got - want) <= dp_vec_sum_bound(x, N));
	free(x);
}
END_TEST

/* The bench's yardstick is a sum like the others, in two widths: a scalar
 * head up to a 64-byte boundary, steps of 32 or 64 elements, a tail. Up
 * to LIMIT_N elements covers a head, two steps and every tail. */
enum { LIMIT_N = 200, LIMIT_BUF = LIMIT_N + MAX_OFFSET + 1 };

START_TEST(test_limit_sum_matches_plain_within_bound_at_every_tail_and_offset)
{
	const size_t lanes = _i == 0 ? 4 : 8;
	double buf[LIMIT_BUF];

	fill_random(buf, LIMIT_BUF, 13);
	for (size_t off = 0; off <= MAX_OFFSET; off++) {
		for (size_t n = 0; n <= LIMIT_N; n++) {
			const double *x = buf + off;
			double want = 0.0, got = 1.0;
			ck_assert_int_eq(dp_vec_sum(&dp_vec_plain, x, n, &want),
			                 DP_OK);
			ck_assert_int_eq(dp_vec_limit_sum(x, n, lanes, &got),
			                 DP_OK);
			ck_assert_msg(fabs(got - want) <=
			                      dp_vec_sum_bound(x, n),
			              "lanes=%zu off=%zu n=%zu: %.17g vs %.17g",
			              lanes, off, n, got, want);
		}
	}
}
END_TEST

START_TEST(test_long_limit_sum_matches_plain_within_bound)
{
	enum { N = 100003 };
	const size_t lanes = _i == 0 ? 4 : 8;
	double *x = malloc(N * sizeof(*x));
	double want = 0.0, got = 0.0;

	ck_assert_ptr_nonnull(x);
	fill_random(x, N, 17);
	ck_assert_int_eq(dp_vec_sum(&dp_vec_plain, x, N, &want), DP_OK);
	ck_assert_int_eq(dp_vec_limit_sum(x, N, lanes, &got), DP_OK);
	ck_assert(fabs(got - want) <= dp_vec_sum_bound(x, N));
	free(x);
}
END_TEST

START_TEST(test_dot_matches_plain_within_bound_at_every_tail_and_offset)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double xbuf[BUF], ybuf[BUF], products[MAX_N];

	fill_random(xbuf, BUF, 3);
	fill_random(ybuf, BUF, 5);
	for (size_t off = 0; off <= MAX_OFFSET; off++) {
		/* Offset the two arrays differently, so that they are
		 * never aligned alike. */
		const double *x = xbuf + off;
		const double *y = ybuf + (MAX_OFFSET - off);
		for (size_t n = 0; n <= MAX_N; n++) {
			double want = 0.0, got = 0.0;
			for (size_t i = 0; i < n; i++)
				products[i] = x[i] * y[i];
			ck_assert_int_eq(
				dp_vec_dot(&dp_vec_plain, x, y, n, &want),
				DP_OK);
			ck_assert_int_eq(dp_vec_dot(ops, x, y, n, &got), DP_OK);
			ck_assert_msg(fabs(got - want) <=
			                      dp_vec_sum_bound(products, n),
			              "off=%zu n=%zu", off, n);
		}
	}
}
END_TEST

START_TEST(test_dot_of_small_integers_is_exact)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double x[MAX_N], y[MAX_N];

	for (size_t i = 0; i < MAX_N; i++) {
		x[i] = (double)(i + 1);
		y[i] = 2.0;
	}
	for (size_t n = 0; n <= MAX_N; n++) {
		double dot = -1.0;
		ck_assert_int_eq(dp_vec_dot(ops, x, y, n, &dot), DP_OK);
		ck_assert(dot == (double)(n * (n + 1)));
	}
}
END_TEST

START_TEST(test_dot_of_an_array_with_itself_is_its_sum_of_squares)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double x[MAX_N];

	for (size_t i = 0; i < MAX_N; i++)
		x[i] = (double)i;
	double dot = -1.0;
	ck_assert_int_eq(dp_vec_dot(ops, x, x, MAX_N, &dot), DP_OK);
	/* 0^2 + ... + 66^2 = 66 * 67 * 133 / 6 */
	ck_assert(dot == 98021.0);
}
END_TEST

/* Each y[i] is computed on its own, so every variant does the same
 * operations per element; the tolerance only allows for a fused
 * multiply-add, which rounds once instead of twice. */
START_TEST(test_axpy_matches_plain_at_every_tail_and_offset)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double xbuf[BUF], ybuf[BUF], want[BUF], got[BUF];
	const double a = 0.75;

	fill_random(xbuf, BUF, 13);
	fill_random(ybuf, BUF, 17);
	for (size_t off = 0; off <= MAX_OFFSET; off++) {
		for (size_t n = 0; n <= MAX_N; n++) {
			memcpy(want, ybuf, sizeof(want));
			memcpy(got, ybuf, sizeof(got));
			const double *x = xbuf + (MAX_OFFSET - off);
			ck_assert_int_eq(
				dp_vec_axpy(&dp_vec_plain, a, x, want + off, n),
				DP_OK);
			ck_assert_int_eq(dp_vec_axpy(ops, a, x, got + off, n),
			                 DP_OK);
			for (size_t i = 0; i < n; i++) {
				double scale =
					fabs(a * x[i]) + fabs(ybuf[off + i]);
				ck_assert_msg(
					fabs(got[off + i] - want[off + i]) <=
						DBL_EPSILON * scale,
					"off=%zu n=%zu i=%zu", off, n, i);
			}
		}
	}
}
END_TEST

START_TEST(test_axpy_writes_nothing_outside_its_range)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double x[BUF], y[BUF];

	for (size_t i = 0; i < BUF; i++) {
		x[i] = 1.0;
		y[i] = -5.0;
	}
	for (size_t n = 0; n + 2 <= BUF; n++) {
		for (size_t i = 0; i < BUF; i++)
			y[i] = -5.0;
		ck_assert_int_eq(dp_vec_axpy(ops, 2.0, x, y + 1, n), DP_OK);
		ck_assert(y[0] == -5.0);
		for (size_t i = 1; i <= n; i++)
			ck_assert(y[i] == -3.0);
		for (size_t i = n + 1; i < BUF; i++)
			ck_assert_msg(y[i] == -5.0, "n=%zu i=%zu", n, i);
	}
}
END_TEST

/* ---- integers: exact -------------------------------------------------- */

START_TEST(test_integer_sum_is_exact_at_every_tail_and_offset)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	int64_t buf[BUF];
	uint64_t seed = 19;

	/* Full 64-bit values: the partial sums overflow all the time. */
	for (size_t i = 0; i < BUF; i++)
		buf[i] = (int64_t)dp_random_next(&seed);
	for (size_t off = 0; off <= MAX_OFFSET; off++) {
		for (size_t n = 0; n <= MAX_N; n++) {
			uint64_t want = 0;
			for (size_t i = 0; i < n; i++)
				want += (uint64_t)buf[off + i];
			int64_t got = 0;
			ck_assert_int_eq(
				dp_vec_sum_i64(ops, buf + off, n, &got), DP_OK);
			ck_assert_msg((uint64_t)got == want, "off=%zu n=%zu",
			              off, n);
		}
	}
}
END_TEST

START_TEST(test_integer_sum_wraps_modulo_2_to_the_64)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	int64_t x[20] = {INT64_MAX, 1};
	int64_t got = 0;

	ck_assert_int_eq(dp_vec_sum_i64(ops, x, 2, &got), DP_OK);
	ck_assert_int_eq(got, INT64_MIN);
	/* Twenty times INT64_MIN is 0 modulo 2^64, through the vector path. */
	for (size_t i = 0; i < 20; i++)
		x[i] = INT64_MIN;
	ck_assert_int_eq(dp_vec_sum_i64(ops, x, 20, &got), DP_OK);
	ck_assert_int_eq(got, 0);
}
END_TEST

/* ---- NaN and infinities ------------------------------------------------ */

START_TEST(test_a_nan_anywhere_makes_sum_and_dot_nan)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	enum { N = 37 };
	double x[N], ones[N];

	for (size_t at = 0; at < N; at++) {
		for (size_t i = 0; i < N; i++) {
			x[i] = (double)i;
			ones[i] = 1.0;
		}
		x[at] = NAN;
		double sum = 0.0, dot = 0.0;
		ck_assert_int_eq(dp_vec_sum(ops, x, N, &sum), DP_OK);
		ck_assert_msg(isnan(sum), "NaN at %zu", at);
		ck_assert_int_eq(dp_vec_dot(ops, ones, x, N, &dot), DP_OK);
		ck_assert_msg(isnan(dot), "NaN at %zu", at);
	}
}
END_TEST

START_TEST(test_infinities_follow_ieee_rules_in_any_order)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	enum { N = 37 };
	double x[N];
	double sum = 0.0;

	for (size_t i = 0; i < N; i++)
		x[i] = 1.0;
	x[30] = INFINITY;
	ck_assert_int_eq(dp_vec_sum(ops, x, N, &sum), DP_OK);
	ck_assert(isinf(sum) && sum > 0);
	x[3] = -INFINITY;
	ck_assert_int_eq(dp_vec_sum(ops, x, N, &sum), DP_OK);
	ck_assert(isnan(sum));
}
END_TEST

/* The reason the compiler may not vectorize the plain loop, as a test:
 * the same sixteen numbers summed left to right and in four vector lanes
 * give different answers, both correct roundings of some order. */
START_TEST(test_reassociation_changes_the_result)
{
	double x[16] = {0};
	double plain = 0.0, vector = 0.0;

	x[0] = 1e100;
	x[4] = 1.0;
	x[8] = -1e100;
	x[12] = 1.0;
	ck_assert_int_eq(dp_vec_sum(&dp_vec_plain, x, 16, &plain), DP_OK);
	ck_assert_int_eq(dp_vec_sum(&dp_vec_vector, x, 16, &vector), DP_OK);
	/* ((1e100 + 1) - 1e100) + 1: the first 1 is lost to rounding. */
	ck_assert(plain == 1.0);
	/* (1e100 + 1) + (-1e100 + 1) in one lane: both 1s are lost. */
	ck_assert(vector == 0.0);
	ck_assert(fabs(plain - vector) <= dp_vec_sum_bound(x, 16));
}
END_TEST

START_TEST(test_sum_bound_values)
{
	const double x[] = {1.0, -2.0, 3.0};

	ck_assert(dp_vec_sum_bound(x, 3) == 3 * DBL_EPSILON * 6.0);
	ck_assert(dp_vec_sum_bound(x, 0) == 0.0);
	ck_assert(dp_vec_sum_bound(NULL, 5) == 0.0);
}
END_TEST

/* ---- argument errors ---------------------------------------------------- */

/* A table with slot `_i` emptied: 0 name, 1 sum, 2 dot, 3 axpy, 4 sum_i64,
 * and 5 for no table at all. */
START_TEST(test_missing_or_incomplete_ops_are_refused)
{
	struct dp_vec_ops broken = dp_vec_plain;
	const struct dp_vec_ops *ops = &broken;
	switch (_i) {
	case 0:
		broken.name = NULL;
		break;
	case 1:
		broken.sum = NULL;
		break;
	case 2:
		broken.dot = NULL;
		break;
	case 3:
		broken.axpy = NULL;
		break;
	case 4:
		broken.sum_i64 = NULL;
		break;
	default:
		ops = NULL;
		break;
	}
	double x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 4};
	int64_t ix[4] = {1, 2, 3, 4};
	double out = 42.0;
	int64_t iout = 42;

	ck_assert(!dp_vec_ops_valid(ops));
	ck_assert_int_eq(dp_vec_sum(ops, x, 4, &out), DP_EINVAL);
	ck_assert_int_eq(dp_vec_dot(ops, x, y, 4, &out), DP_EINVAL);
	ck_assert(out == 42.0);
	ck_assert_int_eq(dp_vec_axpy(ops, 2.0, x, y, 4), DP_EINVAL);
	ck_assert(y[3] == 4.0);
	ck_assert_int_eq(dp_vec_sum_i64(ops, ix, 4, &iout), DP_EINVAL);
	ck_assert_int_eq(iout, 42);
}
END_TEST

START_TEST(test_null_arrays_and_outputs_are_refused)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 3, 4};
	int64_t ix[4] = {1, 2, 3, 4};
	double out = 42.0;
	int64_t iout = 42;

	ck_assert_int_eq(dp_vec_sum(ops, NULL, 4, &out), DP_EINVAL);
	ck_assert_int_eq(dp_vec_sum(ops, x, 4, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_vec_dot(ops, NULL, y, 4, &out), DP_EINVAL);
	ck_assert_int_eq(dp_vec_dot(ops, x, NULL, 4, &out), DP_EINVAL);
	ck_assert_int_eq(dp_vec_dot(ops, x, y, 4, NULL), DP_EINVAL);
	ck_assert(out == 42.0);
	ck_assert_int_eq(dp_vec_axpy(ops, 2.0, NULL, y, 4), DP_EINVAL);
	ck_assert_int_eq(dp_vec_axpy(ops, 2.0, x, NULL, 4), DP_EINVAL);
	ck_assert(y[0] == 1.0);
	ck_assert_int_eq(dp_vec_sum_i64(ops, NULL, 4, &iout), DP_EINVAL);
	ck_assert_int_eq(dp_vec_sum_i64(ops, ix, 4, NULL), DP_EINVAL);
	ck_assert_int_eq(iout, 42);
	/* An output is required even for an empty array. */
	ck_assert_int_eq(dp_vec_sum(ops, NULL, 0, NULL), DP_EINVAL);
}
END_TEST

START_TEST(test_axpy_refuses_overlapping_arrays)
{
	const struct dp_vec_ops *ops = VARIANTS[_i];
	double buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	ck_assert_int_eq(dp_vec_axpy(ops, 2.0, buf, buf, 4), DP_EINVAL);
	ck_assert_int_eq(dp_vec_axpy(ops, 2.0, buf, buf + 1, 4), DP_EINVAL);
	ck_assert_int_eq(dp_vec_axpy(ops, 2.0, buf + 3, buf, 4), DP_EINVAL);
	for (size_t i = 0; i < 8; i++)
		ck_assert(buf[i] == (double)(i + 1));
	/* Adjacent is not overlapping. */
	ck_assert_int_eq(dp_vec_axpy(ops, 2.0, buf, buf + 4, 4), DP_OK);
	ck_assert(buf[4] == 7.0 && buf[7] == 16.0);
	ck_assert(buf[0] == 1.0 && buf[3] == 4.0);
}
END_TEST

START_TEST(test_limit_sum_refuses_bad_arguments)
{
	const double x[1] = {1.0};
	double out = 42.0;

	ck_assert_int_eq(dp_vec_limit_sum(x, 1, 4, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_vec_limit_sum(NULL, 1, 4, &out), DP_EINVAL);
	ck_assert_int_eq(dp_vec_limit_sum(x, 1, 2, &out), DP_EINVAL);
	ck_assert_int_eq(dp_vec_limit_sum(x, 1, 16, &out), DP_EINVAL);
	ck_assert(out == 42.0);
	ck_assert_int_eq(dp_vec_limit_sum(NULL, 0, 8, &out), DP_OK);
	ck_assert(out == 0.0);
}
END_TEST

static Suite *vectorize_suite(void)
{
	Suite *suite = suite_create("vectorize");

	TCase *tc = dp_test_case(suite, "doubles");
	tcase_add_loop_test(tc, test_every_table_is_valid_and_named, 0,
	                    N_VARIANTS);
	tcase_add_loop_test(tc, test_empty_arrays_give_zero, 0, N_VARIANTS);
	tcase_add_loop_test(tc,
	                    test_sum_of_small_integers_is_exact_at_every_length,
	                    0, N_VARIANTS);
	tcase_add_loop_test(
		tc,
		test_sum_matches_plain_within_bound_at_every_tail_and_offset, 0,
		N_VARIANTS);
	tcase_add_loop_test(tc, test_long_sum_matches_plain_within_bound, 0,
	                    N_VARIANTS);
	tcase_add_loop_test(
		tc,
		test_dot_matches_plain_within_bound_at_every_tail_and_offset, 0,
		N_VARIANTS);
	tcase_add_loop_test(tc, test_dot_of_small_integers_is_exact, 0,
	                    N_VARIANTS);
	tcase_add_loop_test(
		tc, test_dot_of_an_array_with_itself_is_its_sum_of_squares, 0,
		N_VARIANTS);
	tcase_add_loop_test(tc,
	                    test_axpy_matches_plain_at_every_tail_and_offset, 0,
	                    N_VARIANTS);
	tcase_add_loop_test(tc, test_axpy_writes_nothing_outside_its_range, 0,
	                    N_VARIANTS);
	/* The yardstick's two widths: 4 and 8 lanes. */
	tcase_add_loop_test(
		tc,
		test_limit_sum_matches_plain_within_bound_at_every_tail_and_offset,
		0, 2);
	tcase_add_loop_test(tc, test_long_limit_sum_matches_plain_within_bound,
	                    0, 2);
	tcase_add_test(tc, test_reassociation_changes_the_result);
	tcase_add_test(tc, test_sum_bound_values);

	tc = dp_test_case(suite, "integers");
	tcase_add_loop_test(tc,
	                    test_integer_sum_is_exact_at_every_tail_and_offset,
	                    0, N_VARIANTS);
	tcase_add_loop_test(tc, test_integer_sum_wraps_modulo_2_to_the_64, 0,
	                    N_VARIANTS);

	tc = dp_test_case(suite, "nan and infinity");
	tcase_add_loop_test(tc, test_a_nan_anywhere_makes_sum_and_dot_nan, 0,
	                    N_VARIANTS);
	tcase_add_loop_test(tc, test_infinities_follow_ieee_rules_in_any_order,
	                    0, N_VARIANTS);

	tc = dp_test_case(suite, "errors");
	tcase_add_loop_test(tc, test_missing_or_incomplete_ops_are_refused, 0,
	                    6);
	tcase_add_loop_test(tc, test_null_arrays_and_outputs_are_refused, 0,
	                    N_VARIANTS);
	tcase_add_loop_test(tc, test_axpy_refuses_overlapping_arrays, 0,
	                    N_VARIANTS);
	tcase_add_test(tc, test_limit_sum_refuses_bad_arguments);
	return suite;
}

int main(void)
{
	return dp_test_run(vectorize_suite());
}
