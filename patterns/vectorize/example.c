/*
 * The course's fast_sum, four ways: what changes when the additions are
 * reordered to run in parallel, and what does not.
 *
 * A till adds up one thousand payments of 0.10. In doubles, every way of
 * adding them rounds differently, all within the stated bound; in integer
 * cents, every way gives exactly the same total.
 */
#include "vectorize/vectorize.h"

#include <math.h>
#include <stdio.h>

enum { N = 1000 };

static const struct dp_vec_ops *const VARIANTS[] = {
	&dp_vec_plain,
	&dp_vec_unrolled,
	&dp_vec_simd,
	&dp_vec_vector,
};

int main(void)
{
	static double euros[N];
	static int64_t cents[N];

	for (size_t i = 0; i < N; i++) {
		euros[i] = 0.10;
		cents[i] = 10;
	}

	double plain = 0.0;
	dp_vec_sum(&dp_vec_plain, euros, N, &plain);
	const double bound = dp_vec_sum_bound(euros, N);
	printf("1000 payments of 0.10 in doubles (exact total 100):\n");
	for (size_t v = 0; v < DP_ARRAY_SIZE(VARIANTS); v++) {
		double total = 0.0;
		dp_vec_sum(VARIANTS[v], euros, N, &total);
		/* The simd variant adds in an order the compiler picks for
		 * the target's vector width, so its digits vary between
		 * builds; the bound does not. */
		if (VARIANTS[v] == &dp_vec_simd)
			printf("  %-9s within the bound of plain: %s\n",
			       VARIANTS[v]->name,
			       fabs(total - plain) <= bound ? "yes" : "no");
		else
			printf("  %-9s %.17g\n", VARIANTS[v]->name, total);
	}
	printf("  bound: n * DBL_EPSILON * sum|x| = %.3g\n\n", bound);

	printf("The same payments in integer cents (exact total 10000):\n");
	for (size_t v = 0; v < DP_ARRAY_SIZE(VARIANTS); v++) {
		int64_t total = 0;
		dp_vec_sum_i64(VARIANTS[v], cents, N, &total);
		printf("  %-9s %lld\n", VARIANTS[v]->name, (long long)total);
	}

	/* Adding a week's interest to balances in place: y = 0.01 * y + y
	 * would pass y as both arrays, which the kernels' restrict forbids. */
	double balances[4] = {100.0, 250.0, 40.0, 10.0};
	int rc = dp_vec_axpy(&dp_vec_simd, 0.01, balances, balances, 4);
	printf("\naxpy with x and y the same array: %s\n", dp_error_name(rc));
	double interest[4];
	for (size_t i = 0; i < 4; i++)
		interest[i] = balances[i];
	rc = dp_vec_axpy(&dp_vec_simd, 0.01, interest, balances, 4);
	printf("axpy from a copy: %s, balances %.2f %.2f %.2f %.2f\n",
	       dp_error_name(rc), balances[0], balances[1], balances[2],
	       balances[3]);
	return 0;
}
