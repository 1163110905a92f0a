/*
 * Exercise 09: the graded tests of the vectorizable kernels. They check
 * RESULTS only: integer kernels exactly, the floating-point sum within the
 * tolerance stated in vectorize.h and in the summation order it fixes.
 * How much faster the loops are is for bench_vectorize.c to show; no test
 * measures time.
 */
#include "grade.h"
#include "vectorize.h"

#include "common/dp_common.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

enum { TAIL_MAX = 40, SENTINELS = 8 };

/* A small deterministic generator, so that every run sees the same data. */
static uint64_t next_random(uint64_t *state)
{
	*state = *state * UINT64_C(6364136223846793005) +
	         UINT64_C(1442695040888963407);
	return *state >> 33;
}

/* Doubles of mixed signs and magnitudes from 1e-6 to 1e6: rounding then
 * depends on the order of the additions. */
static void fill_mixed(double *x, size_t n, uint64_t seed)
{
	for (size_t i = 0; i < n; i++) {
		double unit = (double)next_random(&seed) / 2147483648.0 - 0.5;
		int exponent = (int)(next_random(&seed) % 13) - 6;
		x[i] = unit * pow(10.0, exponent);
	}
}

/* The sum computed with Neumaier's compensation: accurate to about one
 * rounding of the result, whatever n is. */
static double accurate_sum(const double *x, size_t n)
{
	double sum = 0.0, compensation = 0.0;

	for (size_t i = 0; i < n; i++) {
		double t = sum + x[i];
		if (fabs(sum) >= fabs(x[i]))
			compensation += (sum - t) + x[i];
		else
			compensation += (x[i] - t) + sum;
		sum = t;
	}
	return sum + compensation;
}

/* The summation order vectorize.h fixes for dp_vec_sum_f64. */
static double lane_order_sum(const double *x, size_t n)
{
	double s[8] = {0};
	size_t body = n - n % 8, i;

	for (i = 0; i < body; i += 8)
		for (size_t k = 0; k < 8; k++)
			s[k] += x[i + k];
	double sum = ((s[0] + s[1]) + (s[2] + s[3])) +
	             ((s[4] + s[5]) + (s[6] + s[7]));
	for (; i < n; i++)
		sum += x[i];
	return sum;
}

static double plain_sum(const double *x, size_t n)
{
	double sum = 0.0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return sum;
}

START_TEST(test_sum_i32_is_exact)
{
	enum { N = 1001 };
	static int32_t x[N];
	uint64_t seed = 1;
	int64_t expected = 0;

	for (size_t i = 0; i < N; i++) {
		x[i] = (int32_t)(next_random(&seed) % 2000001) - 1000000;
		expected += x[i];
	}
	int64_t got = dp_vec_sum_i32(x, N);
	ck_assert_msg(got == expected,
	              "the sum of %d integers is %lld, got %lld: integer sums "
	              "must be exact, in any order",
	              N, (long long)expected, (long long)got);
}
END_TEST

START_TEST(test_sum_i32_does_not_overflow)
{
	enum { N = 100000 };
	int32_t *x = malloc(N * sizeof(*x));

	ck_assert_ptr_nonnull(x);
	for (size_t i = 0; i < N; i++)
		x[i] = INT32_MAX;
	int64_t expected = (int64_t)N * INT32_MAX;
	int64_t got = dp_vec_sum_i32(x, N);
	free(x);
	ck_assert_msg(got == expected,
	              "%d copies of INT32_MAX sum to %lld, got %lld: "
	              "accumulate in an int64_t, not an int32_t",
	              N, (long long)expected, (long long)got);
}
END_TEST

START_TEST(test_every_length_of_tail_is_summed)
{
	int32_t xi[TAIL_MAX], bi[TAIL_MAX];
	double xd[TAIL_MAX];

	for (size_t i = 0; i < TAIL_MAX; i++) {
		xi[i] = (int32_t)(3 * i + 1);
		bi[i] = (int32_t)(i % 5) - 2;
		xd[i] = (double)(i +
		                 1); /* Small integers: exact in any order. */
	}
	for (size_t n = 0; n <= TAIL_MAX; n++) {
		int64_t sum = 0, dot = 0;
		for (size_t i = 0; i < n; i++) {
			sum += xi[i];
			dot += (int64_t)xi[i] * bi[i];
		}
		double dsum = (double)(n * (n + 1) / 2);
		ck_assert_msg(dp_vec_sum_i32(xi, n) == sum,
		              "dp_vec_sum_i32 is wrong for n = %zu: check the "
		              "elements left over after the last full group",
		              n);
		ck_assert_msg(
			dp_vec_sum_f64(xd, n) == dsum,
			"dp_vec_sum_f64 of 1..%zu should be %.0f, got %.17g: "
			"check the tail of n %% 8 elements",
			n, dsum, dp_vec_sum_f64(xd, n));
		ck_assert_msg(dp_vec_dot_i32(xi, bi, n) == dot,
		              "dp_vec_dot_i32 is wrong for n = %zu", n);
	}
	ck_assert_msg(dp_vec_sum_f64(NULL, 0) == 0.0 &&
	                      dp_vec_sum_i32(NULL, 0) == 0 &&
	                      dp_vec_dot_i32(NULL, NULL, 0) == 0,
	              "with n = 0 the pointers may be NULL and the sum is 0");
}
END_TEST

START_TEST(test_kernels_touch_nothing_past_n)
{
	enum { N = 21 };
	double xd[N + SENTINELS], yd[N + SENTINELS];
	int32_t xi[N + SENTINELS];

	for (size_t i = 0; i < N + SENTINELS; i++) {
		bool past = i >= N;
		xd[i] = past ? NAN : 1.0;
		xi[i] = past ? INT32_MAX : 1;
		yd[i] = past ? -7.0 : 0.0;
	}
	ck_assert_msg(dp_vec_sum_f64(xd, N) == (double)N,
	              "dp_vec_sum_f64 of %d ones should be %d, got %g: an "
	              "unrolled loop must not read past n",
	              N, N, dp_vec_sum_f64(xd, N));
	ck_assert_msg(dp_vec_sum_i32(xi, N) == N,
	              "dp_vec_sum_i32 read past n: got %lld instead of %d",
	              (long long)dp_vec_sum_i32(xi, N), N);
	ck_assert_msg(dp_vec_dot_i32(xi, xi, N) == N,
	              "dp_vec_dot_i32 read past n");
	dp_vec_axpy_f64(2.0, xd, yd, N);
	for (size_t i = 0; i < N; i++)
		ck_assert_msg(yd[i] == 2.0, "axpy: y[%zu] should be 2, got %g",
		              i, yd[i]);
	for (size_t i = N; i < N + SENTINELS; i++)
		ck_assert_msg(yd[i] == -7.0,
		              "dp_vec_axpy_f64 wrote y[%zu], past n = %d", i,
		              N);
}
END_TEST

START_TEST(test_sum_f64_is_within_the_stated_tolerance)
{
	enum { N = 10007 };
	double *x = malloc(N * sizeof(*x));

	ck_assert_ptr_nonnull(x);
	fill_mixed(x, N, 42);
	double magnitude = 0.0;
	for (size_t i = 0; i < N; i++)
		magnitude += fabs(x[i]);
	double exact = accurate_sum(x, N);
	double tolerance = N * DBL_EPSILON * magnitude;
	double got = dp_vec_sum_f64(x, N);
	free(x);
	ck_assert_msg(isfinite(got) && fabs(got - exact) <= tolerance,
	              "the sum should be within n * DBL_EPSILON * sum|x| = %g "
	              "of %.17g, got %.17g (off by %g)",
	              tolerance, exact, got, fabs(got - exact));
}
END_TEST

START_TEST(test_sum_f64_adds_in_eight_lanes_in_the_stated_order)
{
	enum { N = 1003 }; /* 125 groups of 8 and a tail of 3. */
	static double x[N];

	/* One group of 8 chosen by hand. 1e16 + 1 rounds back to 1e16 (the
	 * doubles near 1e16 are 2 apart), so which 1s are lost depends on
	 * the order: exactly 12.75; the plain loop gives 11.75; the stated
	 * order ((1e16 + 1) + (-1e16 + 1)) + ((0.5 + 0.25) + (3 + 7)) gives
	 * 10.75. Both are within the tolerance (about 35 here): reordering
	 * changes the result, not always for the better. */
	static const double group[8] = {1e16, 1, -1e16, 1, 0.5, 0.25, 3, 7};
	double by_hand = dp_vec_sum_f64(group, 8);
	ck_assert_msg(by_hand == 10.75,
	              "dp_vec_sum_f64 of {1e16, 1, -1e16, 1, 0.5, 0.25, 3, 7} "
	              "in the stated order is 10.75 (the plain loop gives "
	              "11.75); yours gives %.17g: combine the lanes exactly as "
	              "vectorize.h says",
	              by_hand);

	fill_mixed(x, N, 7);
	double expected = lane_order_sum(x, N);
	double got = dp_vec_sum_f64(x, N);
	ck_assert_msg(
		got == expected,
		"dp_vec_sum_f64 should give %.17g, the sum in the order "
		"vectorize.h fixes; it gave %.17g (the plain left-to-right "
		"loop gives %.17g). Same data, other order, other "
		"rounding: follow the stated order exactly",
		expected, got, plain_sum(x, N));
}
END_TEST

START_TEST(test_dot_i32_is_exact_beyond_int32)
{
	enum { N = 1000 };
	static int32_t a[N], b[N];
	uint64_t seed = 3;
	int64_t expected = 0;

	for (size_t i = 0; i < N; i++) {
		/* Products up to about 4e18 / N: far beyond INT32_MAX. */
		a[i] = (int32_t)(next_random(&seed) % 100000000) - 50000000;
		b[i] = (int32_t)(next_random(&seed) % 100000000) - 50000000;
		expected += (int64_t)a[i] * b[i];
	}
	int64_t got = dp_vec_dot_i32(a, b, N);
	ck_assert_msg(got == expected,
	              "the dot product is %lld, got %lld: multiply in 64 bits "
	              "(a 32-bit product overflows)",
	              (long long)expected, (long long)got);
	ck_assert_msg(dp_vec_dot_i32(a, a, 3) == (int64_t)a[0] * a[0] +
	                                                 (int64_t)a[1] * a[1] +
	                                                 (int64_t)a[2] * a[2],
	              "a and b may be the same array");
}
END_TEST

START_TEST(test_axpy_updates_every_element)
{
	enum { N = 1000 };
	static double x[N], y[N];

	for (size_t i = 0; i < N; i++) {
		x[i] = (double)i;
		y[i] = (double)(N - i);
	}
	/* 0.5 * i + (N - i) is exact in binary, fused or not. */
	dp_vec_axpy_f64(0.5, x, y, N);
	for (size_t i = 0; i < N; i++) {
		double expected = 0.5 * (double)i + (double)(N - i);
		ck_assert_msg(y[i] == expected,
		              "after y += 0.5 * x, y[%zu] should be %g, got %g",
		              i, expected, y[i]);
	}
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_sum_i32_is_exact", test_sum_i32_is_exact, 2,
         "Start with dp_vec_sum_i32: one plain loop over a typed array. README "
         "step 1."},
	{"test_sum_i32_does_not_overflow", test_sum_i32_does_not_overflow, 3,
         "What type holds the running sum? Its range must cover n times "
         "INT32_MAX."},
	{"test_dot_i32_is_exact_beyond_int32",
         test_dot_i32_is_exact_beyond_int32, 3,
         "The product of two int32_t is computed as int unless one side is "
         "converted first. README step 2."},
	{"test_axpy_updates_every_element", test_axpy_updates_every_element, 3,
         "y[i] += a * x[i]; note what `restrict` in the prototype lets the "
         "compiler assume. README step 3."},
	{"test_sum_f64_is_within_the_stated_tolerance",
         test_sum_f64_is_within_the_stated_tolerance, 3,
         "Any correct order of summation passes this one; read the tolerance "
         "in vectorize.h. README step 4."},
	{"test_sum_f64_adds_in_eight_lanes_in_the_stated_order",
         test_sum_f64_adds_in_eight_lanes_in_the_stated_order, 2,
         "Eight accumulators, element i going to lane i % 8, combined pairwise "
         "as the header says, then the tail in order."},
	{"test_every_length_of_tail_is_summed",
         test_every_length_of_tail_is_summed, 3,
         "Try n = 0, 1, 7, 8, 9 by hand: the loop over groups of 8 must stop "
         "before the tail, and the tail loop must finish it."},
	{"test_kernels_touch_nothing_past_n", test_kernels_touch_nothing_past_n,
         2,
         "An unrolled loop that runs one group too far reads (or writes) past "
         "the end: check its bound."},
};

int main(int argc, char **argv)
{
	return grade_main("09_vectorize", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
