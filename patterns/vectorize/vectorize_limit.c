/*
 * The bench's yardstick: the fastest sums of doubles this chapter knows
 * how to write, so that every variant can be stated as a percentage of
 * what the machine allows. They are sums like the others (and the tests
 * hold them to the same bound), but not variants: the bench builds
 * compile this file at -O3 -march=native whatever the level of the
 * variants (mk/vectorize.mk), so that one limit stands behind all three
 * builds.
 *
 * Two widths, because the widest loads need not be the fastest
 * everywhere: which one wins may depend on the CPU and on where the array
 * is. The bench times both, prints both, and keeps the faster at each
 * size.
 */
#include "vectorize/vectorize.h"

#include <stdint.h>
#include <string.h>

typedef double v4d __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));

/* Eight vector accumulators: enough independent additions to cover the
 * latency of a vector add (3 to 4 cycles) times the number that start per
 * cycle (2) on current cores, so that only the loads bound the loop. And
 * every vector load aligned to 64 bytes, a cache line: an unaligned
 * 64-byte load touches two lines. */
enum { ACCUMULATORS = 8, ALIGNMENT = 64 };

/* How many elements to add one by one before x + head is aligned. */
static size_t head_length(const double *x, size_t n)
{
	size_t misaligned = (size_t)((uintptr_t)x % ALIGNMENT);
	size_t head =
		misaligned == 0 ? 0 : (ALIGNMENT - misaligned) / sizeof(*x);
	return head < n ? head : n;
}

static double scalar_sum(const double *x, size_t n)
{
	double total = 0.0;
	for (size_t i = 0; i < n; i++)
		total += x[i];
	return total;
}

/* The main loop leaves eight partial vectors; one vector at a time then
 * takes what is left of the array but the last few elements, and the
 * partial sums are added pairwise, a tree of short chains rather than one
 * long one: at 8 KB these fixed costs are a good part of the time. */
static double sum_4_lanes(const double *x, size_t n)
{
	enum { LANES = 4, STEP = LANES * ACCUMULATORS };
	v4d s[ACCUMULATORS] = {{0}};
	size_t head = head_length(x, n), i = head;

	for (; i + STEP <= n; i += STEP) {
		for (size_t a = 0; a < ACCUMULATORS; a++) {
			v4d v;
			memcpy(&v, x + i + a * LANES, sizeof(v));
			s[a] += v;
		}
	}
	for (size_t a = 1; i + LANES <= n;
	     i += LANES, a = (a + 1) % ACCUMULATORS) {
		v4d v;
		memcpy(&v, x + i, sizeof(v));
		s[a] += v;
	}
	for (size_t half = ACCUMULATORS / 2; half > 0; half /= 2)
		for (size_t a = 0; a < half; a++)
			s[a] += s[a + half];
	double lanes[LANES];
	memcpy(lanes, &s[0], sizeof(lanes));
	return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
	       (scalar_sum(x, head) + scalar_sum(x + i, n - i));
}

static double sum_8_lanes(const double *x, size_t n)
{
	enum { LANES = 8, STEP = LANES * ACCUMULATORS };
	v8d s[ACCUMULATORS] = {{0}};
	size_t head = head_length(x, n), i = head;

	for (; i + STEP <= n; i += STEP) {
		for (size_t a = 0; a < ACCUMULATORS; a++) {
			v8d v;
			memcpy(&v, x + i + a * LANES, sizeof(v));
			s[a] += v;
		}
	}
	for (size_t a = 1; i + LANES <= n;
	     i += LANES, a = (a + 1) % ACCUMULATORS) {
		v8d v;
		memcpy(&v, x + i, sizeof(v));
		s[a] += v;
	}
	for (size_t half = ACCUMULATORS / 2; half > 0; half /= 2)
		for (size_t a = 0; a < half; a++)
			s[a] += s[a + half];
	double lanes[LANES];
	memcpy(lanes, &s[0], sizeof(lanes));
	return (((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) +
	        ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))) +
	       (scalar_sum(x, head) + scalar_sum(x + i, n - i));
}

int dp_vec_limit_sum(const double *x, size_t n, size_t lanes, double *out)
{
	if (out == NULL || (x == NULL && n > 0) || (lanes != 4 && lanes != 8))
		return DP_EINVAL;
	if (n == 0)
		*out = 0.0;
	else
		*out = lanes == 4 ? sum_4_lanes(x, n) : sum_8_lanes(x, n);
	return DP_OK;
}
