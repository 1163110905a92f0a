/*
 * Exercise 14: the graded tests of the lazy pipeline. Memory is measured
 * by a counting allocator (its peak of bytes in use), laziness by counting
 * the values the source hands out: no test measures time.
 */
#include "grade.h"
#include "grade_assert.h"
#include "pipeline.h"

#include "common/dp_common.h"

enum { N_SMALL = 1000, N_LARGE = 1000000 };

/* ---- a source that counts its pulls ------------------------------------- */

/*
 * A generator of `limit` values: 0, 1, 2... or, with a seed, numbers
 * between -1000 and 1000 from the library's deterministic generator. It
 * counts the values it hands out, the calls of its next and of its
 * close, and can answer `error` at its `fail_at`-th call.
 */
struct numbers {
	int64_t limit;
	uint64_t seed; /* 0: 0, 1, 2...; else random values. */
	int64_t handed_out;
	size_t calls;
	size_t closes;
	size_t fail_at; /* 1-based call of next that answers `error`. */
	int error;
	bool created;
};

static int numbers_next(void *ctx, int64_t *value)
{
	struct numbers *numbers = ctx;

	numbers->calls++;
	if (numbers->fail_at != 0 && numbers->calls == numbers->fail_at)
		return numbers->error;
	if (numbers->handed_out >= numbers->limit)
		return DP_ENOENT;
	if (numbers->seed != 0)
		*value =
			(int64_t)(dp_random_next(&numbers->seed) % 2001) - 1000;
	else
		*value = numbers->handed_out;
	numbers->handed_out++;
	return DP_OK;
}

static void numbers_close(void *ctx)
{
	((struct numbers *)ctx)->closes++;
}

static const struct ex_iter_ops numbers_ops = {
	.next = numbers_next,
	.close = numbers_close,
};

static ex_iter *numbers_iter(struct numbers *numbers, int64_t limit,
                             const struct dp_allocator *alloc)
{
	numbers->limit = limit;
	ex_iter *it = ex_iter_create(&numbers_ops, numbers, alloc);
	numbers->created = it != NULL;
	return it;
}

/* ---- functions for the stages ------------------------------------------- */

/* in * (*ctx) + 1: the context is the multiplier. */
static int times_plus_one(void *ctx, int64_t in, int64_t *out)
{
	*out = in * *(const int64_t *)ctx + 1;
	return DP_OK;
}

/* The identity, except that 4 is out of range. */
static int refuse_four(void *ctx, int64_t in, int64_t *out)
{
	(void)ctx;
	if (in == 4)
		return DP_ERANGE;
	*out = in;
	return DP_OK;
}

/* Whether value is a multiple of *ctx. */
static bool multiple_of(void *ctx, int64_t value)
{
	return value % *(const int64_t *)ctx == 0;
}

static bool is_odd(void *ctx, int64_t value)
{
	(void)ctx;
	return value % 2 != 0;
}

static bool keep_all(void *ctx, int64_t value)
{
	(void)ctx;
	(void)value;
	return true;
}

static const int64_t THREE = 3, TWO = 2, TEN = 10;

/* Pull until anything but DP_OK, keeping up to `capacity` values; return
 * how many values were pulled and the final answer in *end. */
static size_t drain(ex_iter *it, int64_t *values, size_t capacity, int *end)
{
	size_t count = 0;
	int64_t value;
	int rc;

	while ((rc = ex_iter_next(it, &value)) == DP_OK) {
		if (count < capacity)
			values[count] = value;
		count++;
	}
	*end = rc;
	return count;
}

/* ---- memory: the peak at 10^3 and at 10^6 values ------------------------ */

typedef ex_iter *build_fn(ex_iter *source, const struct dp_allocator *alloc);

struct peak {
	size_t bytes;       /* The counting allocator's peak. */
	size_t allocations; /* Blocks allocated by the pipeline. */
	size_t values;      /* Values the consumer pulled. */
};

/* Run `build` over a source of `n` values, drain it, close it, check that
 * everything was freed, and report the peak of bytes in use. */
static struct peak peak_over(build_fn *build, int64_t n)
{
	struct dp_counting_allocator counter;
	struct numbers numbers = {0};
	int end;

	dp_counting_allocator_init(&counter, NULL);
	ex_iter *it =
		build(numbers_iter(&numbers, n, &counter.base), &counter.base);
	ck_assert_msg(it != NULL, "building the pipeline returned NULL");
	size_t values = drain(it, NULL, 0, &end);
	grade_assert_code(end, DP_ENOENT);
	ex_iter_close(it);
	ck_assert_msg(counter.live_blocks == 0,
	              "the pipeline was drained and closed, yet %zu blocks "
	              "are still allocated",
	              counter.live_blocks);
	return (struct peak){counter.peak_bytes, counter.allocations, values};
}

static ex_iter *build_map_filter(ex_iter *source,
                                 const struct dp_allocator *alloc)
{
	return ex_iter_filter(
		ex_iter_map(source, times_plus_one, (void *)&THREE, alloc),
		multiple_of, (void *)&TWO, alloc);
}

static ex_iter *build_window(ex_iter *source, const struct dp_allocator *alloc)
{
	return ex_iter_window_sum(source, 8, alloc);
}

/* Half the values of either size: a take that copies what it hands out
 * grows with the input. */
static ex_iter *build_take(ex_iter *source, const struct dp_allocator *alloc)
{
	return ex_iter_take(source, N_SMALL / 2, alloc);
}

static ex_iter *build_take_large(ex_iter *source,
                                 const struct dp_allocator *alloc)
{
	return ex_iter_take(source, N_LARGE / 2, alloc);
}

static ex_iter *build_everything(ex_iter *source,
                                 const struct dp_allocator *alloc)
{
	return ex_iter_take(
		ex_iter_window_sum(
			ex_iter_map(ex_iter_filter(source, is_odd, NULL, alloc),
	                            times_plus_one, (void *)&THREE, alloc),
			4, alloc),
		SIZE_MAX, alloc);
}

/* ---- the tests ---------------------------------------------------------- */

START_TEST(test_iter_hands_out_the_source_values)
{
	struct dp_counting_allocator counter;
	struct numbers numbers = {0};
	int64_t values[8] = {0};
	int end;

	dp_counting_allocator_init(&counter, NULL);
	ex_iter *it = numbers_iter(&numbers, 5, &counter.base);
	ck_assert_msg(it != NULL, "ex_iter_create returned NULL for a valid "
	                          "table and context");
	ck_assert_msg(counter.allocations >= 1,
	              "the iterator must come from the allocator passed to "
	              "ex_iter_create");
	size_t count = drain(it, values, 8, &end);
	ck_assert_msg(count == 5 && end == DP_ENOENT,
	              "a source of 5 values: 5 values then DP_ENOENT, got %zu "
	              "values then %d",
	              count, end);
	for (int64_t i = 0; i < 5; i++)
		ck_assert_msg(values[i] == i,
		              "value %lld should be %lld, got %lld",
		              (long long)i, (long long)i, (long long)values[i]);
	ex_iter_close(it);
	ck_assert_msg(numbers.closes == 1,
	              "ex_iter_close must call the table's close once, it was "
	              "called %zu times",
	              numbers.closes);
	ck_assert_msg(counter.live_blocks == 0,
	              "ex_iter_close must free the iterator: %zu blocks left",
	              counter.live_blocks);
	ex_iter_close(NULL);
}
END_TEST

START_TEST(test_exhausted_iterator_is_not_pulled_again)
{
	struct numbers numbers = {0};
	int64_t value = 42;

	ex_iter *it = numbers_iter(&numbers, 3, NULL);
	ck_assert_ptr_nonnull(it);
	for (int i = 0; i < 3; i++)
		grade_assert_code(ex_iter_next(it, &value), DP_OK);
	grade_assert_code(ex_iter_next(it, &value), DP_ENOENT);
	ck_assert_msg(value == 2, "DP_ENOENT must leave *value untouched");
	grade_assert_code(ex_iter_next(it, &value), DP_ENOENT);
	grade_assert_code(ex_iter_next(it, &value), DP_ENOENT);
	ck_assert_msg(numbers.calls == 4,
	              "after DP_ENOENT the source's next must not be called "
	              "again: 4 calls expected (3 values and the end), it was "
	              "called %zu times",
	              numbers.calls);
	ex_iter_close(it);
}
END_TEST

START_TEST(test_map_is_lazy_and_correct)
{
	struct numbers numbers = {0};
	int64_t value;

	ex_iter *it = ex_iter_map(numbers_iter(&numbers, N_LARGE, NULL),
	                          times_plus_one, (void *)&THREE, NULL);
	ck_assert_msg(it != NULL, "ex_iter_map returned NULL");
	for (int64_t i = 0; i < 5; i++) {
		grade_assert_code(ex_iter_next(it, &value), DP_OK);
		ck_assert_msg(value == 3 * i + 1,
		              "map(x * 3 + 1) of %lld is %lld, got %lld",
		              (long long)i, (long long)(3 * i + 1),
		              (long long)value);
	}
	ck_assert_msg(numbers.handed_out == 5,
	              "5 values pulled from a map over a million: the source "
	              "should have handed out 5, it handed out %lld: the map "
	              "builds a list of mapped values (list(map(...))) instead "
	              "of mapping one value per pull",
	              (long long)numbers.handed_out);
	ex_iter_close(it);
	ck_assert_msg(numbers.closes == 1,
	              "closing the map must close its upstream once (%zu)",
	              numbers.closes);
}
END_TEST

START_TEST(test_filter_is_lazy_and_correct)
{
	struct numbers numbers = {0};
	int64_t value;

	ex_iter *it = ex_iter_filter(numbers_iter(&numbers, N_LARGE, NULL),
	                             multiple_of, (void *)&TEN, NULL);
	ck_assert_msg(it != NULL, "ex_iter_filter returned NULL");
	for (int64_t i = 0; i < 5; i++) {
		grade_assert_code(ex_iter_next(it, &value), DP_OK);
		ck_assert_msg(value == 10 * i,
		              "the multiples of 10: value %lld should be %lld, "
		              "got %lld",
		              (long long)i, (long long)(10 * i),
		              (long long)value);
	}
	ck_assert_msg(numbers.handed_out == 41,
	              "the first 5 multiples of 10 are 0 to 40: the source "
	              "should have handed out 41 values, it handed out %lld: "
	              "the filter must pull only until it finds one to keep",
	              (long long)numbers.handed_out);
	ex_iter_close(it);
	ck_assert_msg(numbers.closes == 1,
	              "closing the filter must close its upstream once (%zu)",
	              numbers.closes);
}
END_TEST

START_TEST(test_window_sum_is_lazy_and_correct)
{
	struct numbers numbers = {0};
	int64_t value;

	ex_iter *it = ex_iter_window_sum(numbers_iter(&numbers, N_LARGE, NULL),
	                                 4, NULL);
	ck_assert_msg(it != NULL, "ex_iter_window_sum returned NULL");
	for (int64_t i = 0; i < 5; i++) {
		grade_assert_code(ex_iter_next(it, &value), DP_OK);
		/* i + (i+1) + (i+2) + (i+3) */
		ck_assert_msg(
			value == 4 * i + 6,
			"windows of 4 over 0, 1, 2...: sum %lld should be "
			"%lld, got %lld",
			(long long)i, (long long)(4 * i + 6), (long long)value);
	}
	ck_assert_msg(numbers.handed_out == 8,
	              "5 sums of windows of 4 need 4 + 4 values: the source "
	              "handed out %lld",
	              (long long)numbers.handed_out);
	ex_iter_close(it);
	ck_assert_msg(numbers.closes == 1,
	              "closing the window must close its upstream once (%zu)",
	              numbers.closes);
}
END_TEST

START_TEST(test_take_stops_pulling_and_closes_early)
{
	struct dp_counting_allocator counter;
	struct numbers numbers = {0};
	int64_t values[8] = {0};
	int end;

	dp_counting_allocator_init(&counter, NULL);
	ex_iter *it =
		ex_iter_take(numbers_iter(&numbers, N_LARGE, &counter.base), 5,
	                     &counter.base);
	ck_assert_msg(it != NULL, "ex_iter_take returned NULL");
	size_t count = drain(it, values, 8, &end);
	ck_assert_msg(count == 5 && end == DP_ENOENT,
	              "take 5 of a million: 5 values then DP_ENOENT, got %zu "
	              "then %d",
	              count, end);
	ck_assert_msg(values[0] == 0 && values[4] == 4,
	              "take hands out the first values: 0 to 4");
	ck_assert_msg(numbers.handed_out == 5,
	              "take 5 must pull 5 values, not %lld: answer DP_ENOENT "
	              "once the count is reached, without pulling",
	              (long long)numbers.handed_out);
	ck_assert_msg(numbers.closes == 1,
	              "once take has answered DP_ENOENT its source must be "
	              "closed, before the pipeline is: closed %zu times",
	              numbers.closes);
	ex_iter_close(it);
	ck_assert_msg(numbers.closes == 1,
	              "closing take after it closed its source must not close "
	              "it again (%zu closes)",
	              numbers.closes);
	ck_assert_msg(counter.live_blocks == 0,
	              "%zu blocks left after the pipeline was closed",
	              counter.live_blocks);
}
END_TEST

START_TEST(test_pipeline_matches_the_eager_result)
{
	static const size_t widths[] = {1, 3, 7, 2 * N_SMALL};
	static int64_t expected[N_SMALL], got[N_SMALL];

	for (size_t w = 0; w < DP_ARRAY_SIZE(widths); w++) {
		/* The eager version, with lists: odd values, mapped, summed
		 * by windows, the first 400 kept. */
		uint64_t seed = 2024;
		size_t mapped = 0, sums = 0;
		for (int i = 0; i < N_SMALL; i++) {
			int64_t x =
				(int64_t)(dp_random_next(&seed) % 2001) - 1000;
			if (x % 2 != 0)
				expected[mapped++] = 3 * x + 1;
		}
		for (size_t i = 0; i + widths[w] <= mapped; i++) {
			int64_t sum = 0;
			for (size_t k = 0; k < widths[w]; k++)
				sum += expected[i + k];
			expected[sums++] = sum;
		}
		size_t kept = sums < 400 ? sums : 400;

		struct numbers numbers = {.seed = 2024};
		ex_iter *it = ex_iter_take(
			ex_iter_window_sum(
				ex_iter_map(ex_iter_filter(
						    numbers_iter(&numbers,
		                                                 N_SMALL, NULL),
						    is_odd, NULL, NULL),
		                            times_plus_one, (void *)&THREE,
		                            NULL),
				widths[w], NULL),
			400, NULL);
		ck_assert_msg(it != NULL,
		              "building the pipeline returned NULL");
		int end;
		size_t count = drain(it, got, N_SMALL, &end);
		grade_assert_code(end, DP_ENOENT);
		ck_assert_msg(
			count == kept,
			"width %zu: the eager version keeps %zu sums, the "
			"pipeline handed out %zu",
			widths[w], kept, count);
		for (size_t i = 0; i < kept; i++)
			ck_assert_msg(
				got[i] == expected[i],
				"width %zu: sum %zu should be %lld as the "
				"eager version computes it, got %lld",
				widths[w], i, (long long)expected[i],
				(long long)got[i]);
		ex_iter_close(it);
		ck_assert_msg(numbers.closes == 1,
		              "the source must be closed once");
	}
}
END_TEST

START_TEST(test_map_and_filter_memory_does_not_grow)
{
	struct peak small = peak_over(build_map_filter, N_SMALL);
	struct peak large = peak_over(build_map_filter, N_LARGE);

	ck_assert_msg(small.values == N_SMALL / 2 &&
	                      large.values == N_LARGE / 2,
	              "filter(even, map(x * 3 + 1, range(n))) keeps half the "
	              "values: %d and %d expected, got %zu and %zu",
	              N_SMALL / 2, N_LARGE / 2, small.values, large.values);
	ck_assert_msg(small.allocations >= 3,
	              "the source, the map and the filter must each be "
	              "allocated from the allocator they are given: %zu "
	              "allocations seen",
	              small.allocations);
	ck_assert_msg(small.bytes == large.bytes,
	              "peak memory %zu bytes over %d values but %zu over %d: "
	              "map or filter builds a list of the values it hands out "
	              "(list(map(...)), list(filter(...))) instead of passing "
	              "one value on per pull",
	              small.bytes, N_SMALL, large.bytes, N_LARGE);
}
END_TEST

START_TEST(test_window_memory_does_not_grow)
{
	struct peak small = peak_over(build_window, N_SMALL);
	struct peak large = peak_over(build_window, N_LARGE);

	ck_assert_msg(small.values == N_SMALL - 7 &&
	                      large.values == N_LARGE - 7,
	              "windows of 8 over n values: n - 7 sums, got %zu and %zu",
	              small.values, large.values);
	ck_assert_msg(small.bytes >= 8 * sizeof(int64_t),
	              "the window's 8 values must come from the allocator it "
	              "is given: the peak was only %zu bytes",
	              small.bytes);
	ck_assert_msg(small.bytes == large.bytes,
	              "peak memory %zu bytes over %d values but %zu over %d: "
	              "the window keeps a list of every value it pulled, where "
	              "the last `width` values (a ring) are all a sum needs",
	              small.bytes, N_SMALL, large.bytes, N_LARGE);
}
END_TEST

START_TEST(test_take_and_pipeline_memory_does_not_grow)
{
	struct peak small = peak_over(build_take, N_SMALL);
	struct peak large = peak_over(build_take_large, N_LARGE);

	ck_assert_msg(small.values == N_SMALL / 2 &&
	                      large.values == N_LARGE / 2,
	              "take(n / 2) hands out n / 2 values, got %zu and %zu",
	              small.values, large.values);
	ck_assert_msg(small.bytes == large.bytes,
	              "take of %d values peaks at %zu bytes, take of %d at "
	              "%zu: take builds a list of the values it hands out "
	              "(list(islice(...))) instead of passing each one on",
	              N_SMALL / 2, small.bytes, N_LARGE / 2, large.bytes);

	small = peak_over(build_everything, N_SMALL);
	large = peak_over(build_everything, N_LARGE);
	ck_assert_msg(small.allocations >= 5,
	              "source, filter, map, window and take must each be "
	              "allocated from the allocator they are given: %zu "
	              "allocations seen",
	              small.allocations);
	ck_assert_msg(small.bytes == large.bytes,
	              "the whole pipeline peaks at %zu bytes over %d values "
	              "but %zu over %d: a stage keeps a list of what it pulled",
	              small.bytes, N_SMALL, large.bytes, N_LARGE);
}
END_TEST

START_TEST(test_close_mid_stream_frees_everything)
{
	struct dp_counting_allocator counter;
	struct numbers numbers = {0};
	const struct dp_allocator *alloc = &counter.base;
	int64_t value;

	dp_counting_allocator_init(&counter, NULL);
	ex_iter *it = ex_iter_take(
		ex_iter_window_sum(
			ex_iter_map(ex_iter_filter(numbers_iter(&numbers,
	                                                        N_LARGE, alloc),
	                                           keep_all, NULL, alloc),
	                            times_plus_one, (void *)&THREE, alloc),
			5, alloc),
		100, alloc);
	ck_assert_msg(it != NULL, "building the pipeline returned NULL");
	for (int i = 0; i < 3; i++)
		grade_assert_code(ex_iter_next(it, &value), DP_OK);
	ck_assert_msg(numbers.handed_out == 7,
	              "3 sums of windows of 5 need 7 values, %lld were pulled",
	              (long long)numbers.handed_out);
	ex_iter_close(it);
	ck_assert_msg(numbers.closes == 1,
	              "closing the last stage must close every stage down to "
	              "the source: the source was closed %zu times",
	              numbers.closes);
	ck_assert_msg(counter.live_blocks == 0,
	              "the consumer stopped after 3 values and closed the "
	              "pipeline, yet %zu blocks (%zu bytes) are still "
	              "allocated: each stage's close frees what the stage "
	              "allocated",
	              counter.live_blocks, counter.live_bytes);
}
END_TEST

START_TEST(test_failed_construction_closes_upstream)
{
	bool built = false;

	for (size_t fail_at = 1; fail_at <= 64 && !built; fail_at++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		struct numbers numbers = {0};
		const struct dp_allocator *alloc = &failing.base;

		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, fail_at, &counter.base);
		ex_iter *it = ex_iter_take(
			ex_iter_window_sum(
				ex_iter_map(
					ex_iter_filter(numbers_iter(&numbers,
		                                                    100, alloc),
		                                       keep_all, NULL, alloc),
					times_plus_one, (void *)&THREE, alloc),
				3, alloc),
			10, alloc);
		if (failing.failed) {
			ck_assert_msg(
				it == NULL,
				"allocation %zu was refused: the pipeline "
				"must not be built (NULL)",
				fail_at);
			ck_assert_msg(
				numbers.closes == (numbers.created ? 1 : 0),
				"allocation %zu was refused: the source must "
				"be closed once if it was created (it was "
				"closed %zu times): a stage that fails "
				"closes its upstream",
				fail_at, numbers.closes);
		} else {
			built = true;
			ck_assert_msg(it != NULL,
			              "no allocation was refused, yet "
			              "the pipeline is NULL");
			ex_iter_close(it);
		}
		ck_assert_msg(
			counter.live_blocks == 0,
			"refusing allocation %zu left %zu blocks allocated: "
			"free what the stage allocated and close upstream",
			fail_at, counter.live_blocks);
	}
	ck_assert_msg(built, "the pipeline was never built in 64 attempts");
}
END_TEST

START_TEST(test_errors_pass_through_every_stage)
{
	struct numbers numbers = {.fail_at = 3, .error = DP_EIO};
	int64_t value;

	/* The source answers 0, 1, then DP_EIO. */
	ex_iter *it = ex_iter_window_sum(
		ex_iter_filter(ex_iter_map(numbers_iter(&numbers, 10, NULL),
	                                   refuse_four, NULL, NULL),
	                       keep_all, NULL, NULL),
		2, NULL);
	ck_assert_msg(it != NULL, "building the pipeline returned NULL");
	grade_assert_code(ex_iter_next(it, &value), DP_OK);
	ck_assert_int_eq(value, 1);
	grade_assert_code(ex_iter_next(it, &value), DP_EIO);
	grade_assert_code(ex_iter_next(it, &value), DP_ENOENT);
	ck_assert_msg(numbers.calls == 3,
	              "after the error the source must not be pulled again: "
	              "3 calls expected, %zu made",
	              numbers.calls);
	ex_iter_close(it);

	/* The map's function refuses 4. */
	struct numbers counting = {0};
	int end;
	it = ex_iter_map(numbers_iter(&counting, 10, NULL), refuse_four, NULL,
	                 NULL);
	ck_assert_ptr_nonnull(it);
	size_t count = drain(it, NULL, 0, &end);
	ck_assert_msg(count == 4, "the map hands out 0 to 3, got %zu values",
	              count);
	grade_assert_code(end, DP_ERANGE);
	grade_assert_code(ex_iter_next(it, &value), DP_ENOENT);
	ex_iter_close(it);

	/* Take passes an error on, and closes its source at once. */
	struct numbers failing = {.fail_at = 2, .error = DP_EIO};
	it = ex_iter_take(numbers_iter(&failing, 10, NULL), 5, NULL);
	ck_assert_ptr_nonnull(it);
	grade_assert_code(ex_iter_next(it, &value), DP_OK);
	grade_assert_code(ex_iter_next(it, &value), DP_EIO);
	ck_assert_msg(failing.closes == 1,
	              "take passed an error on: its source should be closed "
	              "now (%zu closes)",
	              failing.closes);
	ex_iter_close(it);
	ck_assert_int_eq(failing.closes, 1);
}
END_TEST

START_TEST(test_bad_arguments_are_refused)
{
	static const struct ex_iter_ops no_next = {.close = numbers_close};
	struct dp_counting_allocator counter;
	struct numbers numbers[3] = {{0}};
	int64_t value;

	dp_counting_allocator_init(&counter, NULL);
	ck_assert_msg(ex_iter_create(NULL, NULL, NULL) == NULL,
	              "ex_iter_create(NULL ops) must return NULL");
	ck_assert_msg(ex_iter_create(&no_next, &numbers[0], NULL) == NULL &&
	                      numbers[0].closes == 0,
	              "a table without next: NULL, and close never called");
	grade_assert_code(ex_iter_next(NULL, &value), DP_EINVAL);
	ex_iter *it = numbers_iter(&numbers[0], 10, &counter.base);
	ck_assert_ptr_nonnull(it);
	grade_assert_code(ex_iter_next(it, NULL), DP_EINVAL);
	ck_assert_msg(numbers[0].calls == 0,
	              "a refused call must not pull the source");
	ck_assert_msg(ex_iter_map(it, NULL, NULL, &counter.base) == NULL,
	              "ex_iter_map with a NULL function must return NULL");
	ck_assert_msg(numbers[0].closes == 1,
	              "a stage that refuses its arguments still takes its "
	              "upstream over: it must close it");
	it = numbers_iter(&numbers[1], 10, &counter.base);
	ck_assert_msg(ex_iter_filter(it, NULL, NULL, &counter.base) == NULL &&
	                      numbers[1].closes == 1,
	              "ex_iter_filter with a NULL predicate: NULL, and the "
	              "upstream closed");
	it = numbers_iter(&numbers[2], 10, &counter.base);
	ck_assert_msg(ex_iter_window_sum(it, 0, &counter.base) == NULL &&
	                      numbers[2].closes == 1,
	              "ex_iter_window_sum of width 0: NULL, and the upstream "
	              "closed");
	ck_assert_msg(ex_iter_map(NULL, refuse_four, NULL, NULL) == NULL &&
	                      ex_iter_filter(NULL, keep_all, NULL, NULL) ==
	                              NULL &&
	                      ex_iter_window_sum(NULL, 3, NULL) == NULL &&
	                      ex_iter_take(NULL, 3, NULL) == NULL,
	              "every stage returns NULL for a NULL upstream");
	ck_assert_msg(counter.live_blocks == 0,
	              "%zu blocks left after the refused calls",
	              counter.live_blocks);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_iter_hands_out_the_source_values",
         test_iter_hands_out_the_source_values, 2,
         "Start with ex_iter_create, ex_iter_next and ex_iter_close: the "
         "iterator keeps the table and the context and calls ops->next. "
         "README step 1."},
	{"test_exhausted_iterator_is_not_pulled_again",
         test_exhausted_iterator_is_not_pulled_again, 2,
         "An exhausted Python generator raises StopIteration without running "
         "again: remember that the iterator has finished."},
	{"test_map_is_lazy_and_correct", test_map_is_lazy_and_correct, 3,
         "A stage is an iterator whose context holds its upstream; its next "
         "pulls one value and maps it. README step 2."},
	{"test_filter_is_lazy_and_correct", test_filter_is_lazy_and_correct, 3,
         "Pull from upstream until keep() says yes, and stop there."},
	{"test_window_sum_is_lazy_and_correct",
         test_window_sum_is_lazy_and_correct, 4,
         "The first sum needs `width` values, every later one a single new "
         "value: what must the stage remember between pulls? README step 3."},
	{"test_take_stops_pulling_and_closes_early",
         test_take_stops_pulling_and_closes_early, 4,
         "Count what you hand out; when the count is reached, answer "
         "DP_ENOENT without pulling, close the upstream and forget it. "
         "README step 4."},
	{"test_pipeline_matches_the_eager_result",
         test_pipeline_matches_the_eager_result, 3,
         "Compare your stages with plain loops over arrays on small inputs; "
         "check the window's sums when the width exceeds the values."},
	{"test_map_and_filter_memory_does_not_grow",
         test_map_and_filter_memory_does_not_grow, 4,
         "A lazy stage stores nothing per value: no array that grows with "
         "the input. README step 5."},
	{"test_window_memory_does_not_grow", test_window_memory_does_not_grow,
         4,
         "The window needs the last `width` values, not all of them: "
         "allocate `width` slots once and reuse them as a ring."},
	{"test_take_and_pipeline_memory_does_not_grow",
         test_take_and_pipeline_memory_does_not_grow, 3,
         "Every stage, take included, must hand each value on as it is "
         "pulled; allocate each stage from the allocator it is given."},
	{"test_close_mid_stream_frees_everything",
         test_close_mid_stream_frees_everything, 3,
         "A stage's close closes its upstream, then frees its own state: "
         "closing the last stage reaches the source."},
	{"test_failed_construction_closes_upstream",
         test_failed_construction_closes_upstream, 3,
         "A stage takes its upstream over even when it fails: on every "
         "failure path, free what you allocated and close the upstream."},
	{"test_errors_pass_through_every_stage",
         test_errors_pass_through_every_stage, 3,
         "Pass any answer but DP_OK straight up, from the upstream or from "
         "the map's function; the dispatcher remembers it."},
	{"test_bad_arguments_are_refused", test_bad_arguments_are_refused, 1,
         "Check every argument first; a stage closes its upstream even when "
         "it refuses the other arguments."},
};

int main(int argc, char **argv)
{
	return grade_main("14_pipeline", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
