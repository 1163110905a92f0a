/*
 * Tests of the profiler, the memory trace and the course's functions.
 *
 * Times are never asserted on the real clock. With a manual clock, the
 * functions under test move the clock themselves, so every own and
 * cumulative time is exact and the arithmetic of the stack of calls can
 * be checked to the nanosecond.
 */
#include "adapter/adapter.h"
#include "common/dp_test.h"
#include "profiling/profiling.h"

#include <stdio.h>
#include <string.h>

enum { MS = 1000000 };

/*
 * The program under test: functions that take `struct world` as context,
 * move its clock by a fixed cost, and call each other through the
 * profiler's wrappers. `arg` says how many times to call the next one.
 */
struct world {
	struct dp_manual_clock clock;
	dp_profiler *profiler;
	dp_profiled_fn *outer, *inner, *recursive, *ping, *pong, *plain;
	size_t depth_seen;
};

static int64_t inner_fn(void *ctx, int64_t arg)
{
	struct world *w = ctx;

	dp_manual_clock_advance(&w->clock, 2 * MS);
	w->depth_seen = dp_profiler_depth(w->profiler);
	return arg + 1;
}

/* 1 ms, then `arg` calls of inner (2 ms each), then 1 ms. */
static int64_t outer_fn(void *ctx, int64_t arg)
{
	struct world *w = ctx;
	int64_t sum = 0;

	dp_manual_clock_advance(&w->clock, 1 * MS);
	for (int64_t i = 0; i < arg; i++)
		sum += dp_profiled_fn_call(w->inner, i);
	dp_manual_clock_advance(&w->clock, 1 * MS);
	return sum;
}

/* 1 ms per level, `arg` levels. */
static int64_t recursive_fn(void *ctx, int64_t arg)
{
	struct world *w = ctx;

	dp_manual_clock_advance(&w->clock, 1 * MS);
	return arg > 1 ? 1 + dp_profiled_fn_call(w->recursive, arg - 1) : 1;
}

/* ping and pong call each other, 1 ms each, until arg runs out. */
static int64_t ping_fn(void *ctx, int64_t arg)
{
	struct world *w = ctx;

	dp_manual_clock_advance(&w->clock, 1 * MS);
	return arg > 0 ? dp_profiled_fn_call(w->pong, arg - 1) : 0;
}

static int64_t pong_fn(void *ctx, int64_t arg)
{
	struct world *w = ctx;

	dp_manual_clock_advance(&w->clock, 1 * MS);
	return arg > 0 ? dp_profiled_fn_call(w->ping, arg - 1) : 0;
}

/* A function that is not wrapped: its 5 ms belong to its caller. */
static int64_t unwrapped_helper(struct world *w)
{
	dp_manual_clock_advance(&w->clock, 5 * MS);
	return 0;
}

static int64_t plain_fn(void *ctx, int64_t arg)
{
	struct world *w = ctx;

	dp_manual_clock_advance(&w->clock, 1 * MS);
	unwrapped_helper(w);
	return arg;
}

static void world_init(struct world *w, const struct dp_allocator *alloc)
{
	memset(w, 0, sizeof(*w));
	dp_manual_clock_init(&w->clock, 1000);
	w->profiler = dp_profiler_create(&w->clock.base, alloc);
	ck_assert_ptr_nonnull(w->profiler);
	w->outer = dp_profiler_wrap(w->profiler, outer_fn, w, "outer");
	w->inner = dp_profiler_wrap(w->profiler, inner_fn, w, "inner");
	w->recursive =
		dp_profiler_wrap(w->profiler, recursive_fn, w, "recursive");
	w->ping = dp_profiler_wrap(w->profiler, ping_fn, w, "ping");
	w->pong = dp_profiler_wrap(w->profiler, pong_fn, w, "pong");
	w->plain = dp_profiler_wrap(w->profiler, plain_fn, w, "plain");
	ck_assert_ptr_nonnull(w->plain);
}

static struct dp_profile_stats stats_of(const dp_profiled_fn *fn)
{
	struct dp_profile_stats stats;

	ck_assert_int_eq(dp_profiled_fn_stats(fn, &stats), DP_OK);
	return stats;
}

/* The report as a string; the caller frees it. */
static char *report(const dp_profiler *profiler, enum dp_profile_sort sort)
{
	struct dp_stream *out = dp_memory_stream_create(NULL);
	size_t len = 0;

	ck_assert_int_eq(dp_profiler_print(profiler, sort, out), DP_OK);
	const unsigned char *data = dp_memory_stream_data(out, &len);
	char *text = calloc(len + 1, 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, data, len);
	dp_stream_close(out);
	return text;
}

/* The function names of a report's rows, in order, separated by spaces. */
static void row_names(const char *text, char *names, size_t size)
{
	const char *row = strstr(text, "function\n");

	names[0] = '\0';
	ck_assert_ptr_nonnull(row);
	row += strlen("function\n");
	while (*row != '\0') {
		const char *end = strchr(row, '\n');
		const char *name = end;
		while (name > row && name[-1] != ' ')
			name--;
		if (names[0] != '\0')
			strncat(names, " ", size - strlen(names) - 1);
		strncat(names, name, (size_t)(end - name));
		row = end + 1;
	}
}

/* ---- counts and times ------------------------------------------------------- */

START_TEST(test_calls_are_counted_exactly)
{
	struct world w;
	world_init(&w, NULL);

	for (int i = 0; i < 7; i++)
		ck_assert_int_eq(dp_profiled_fn_call(w.outer, 3), 1 + 2 + 3);
	ck_assert_uint_eq(stats_of(w.outer).calls, 7);
	ck_assert_uint_eq(stats_of(w.outer).primitive_calls, 7);
	ck_assert_uint_eq(stats_of(w.inner).calls, 21);
	ck_assert_uint_eq(stats_of(w.recursive).calls, 0);
	ck_assert_str_eq(stats_of(w.inner).name, "inner");
	ck_assert_uint_eq(dp_profiler_count(w.profiler), 6);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_calls_are_counted_on_the_real_clock)
{
	dp_profiler *profiler = dp_profiler_create(NULL, NULL);
	dp_profiled_fn *slow = dp_profiler_wrap(
		profiler, dp_profiling_slow_function, NULL, "slow_function");

	for (int i = 0; i < 25; i++)
		ck_assert_int_eq(dp_profiled_fn_call(slow, 100), 328350);
	struct dp_profile_stats stats = stats_of(slow);
	ck_assert_uint_eq(stats.calls, 25);
	ck_assert_uint_eq(stats.primitive_calls, 25);
	/* Whatever the clock read, a function that calls no profiled one
	 * has all of its time as its own. */
	ck_assert_uint_eq(stats.own_ns, stats.cumulative_ns);
	dp_profiler_destroy(profiler);
}
END_TEST

START_TEST(test_nested_calls_split_own_and_cumulative_time_exactly)
{
	struct world w;
	world_init(&w, NULL);

	dp_profiled_fn_call(w.outer, 2);
	/* outer: 1 + 2 * 2 + 1 = 6 ms in all, 2 of them its own. */
	ck_assert_uint_eq(stats_of(w.outer).cumulative_ns, 6 * MS);
	ck_assert_uint_eq(stats_of(w.outer).own_ns, 2 * MS);
	ck_assert_uint_eq(stats_of(w.inner).cumulative_ns, 4 * MS);
	ck_assert_uint_eq(stats_of(w.inner).own_ns, 4 * MS);
	ck_assert_uint_eq(stats_of(w.inner).calls, 2);
	dp_profiled_fn_call(w.inner, 0);
	ck_assert_uint_eq(stats_of(w.inner).own_ns, 6 * MS);
	ck_assert_uint_eq(stats_of(w.outer).cumulative_ns, 6 * MS);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_recursion_counts_primitive_calls_and_time_once)
{
	struct world w;
	world_init(&w, NULL);

	ck_assert_int_eq(dp_profiled_fn_call(w.recursive, 4), 4);
	ck_assert_int_eq(dp_profiled_fn_call(w.recursive, 2), 2);
	struct dp_profile_stats stats = stats_of(w.recursive);
	ck_assert_uint_eq(stats.calls, 6);
	ck_assert_uint_eq(stats.primitive_calls, 2);
	ck_assert_uint_eq(stats.own_ns, 6 * MS);
	ck_assert_uint_eq(stats.cumulative_ns, 6 * MS);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_mutual_recursion_is_recursion_of_each_function)
{
	struct world w;
	world_init(&w, NULL);

	/* ping pong ping pong ping: 5 calls of 1 ms. */
	dp_profiled_fn_call(w.ping, 4);
	struct dp_profile_stats ping = stats_of(w.ping);
	struct dp_profile_stats pong = stats_of(w.pong);
	ck_assert_uint_eq(ping.calls, 3);
	ck_assert_uint_eq(ping.primitive_calls, 1);
	ck_assert_uint_eq(ping.own_ns, 3 * MS);
	ck_assert_uint_eq(ping.cumulative_ns, 5 * MS);
	ck_assert_uint_eq(pong.calls, 2);
	ck_assert_uint_eq(pong.primitive_calls, 1);
	ck_assert_uint_eq(pong.own_ns, 2 * MS);
	ck_assert_uint_eq(pong.cumulative_ns, 4 * MS);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_time_in_unwrapped_functions_is_the_callers_own)
{
	struct world w;
	world_init(&w, NULL);

	dp_profiled_fn_call(w.plain, 0);
	ck_assert_uint_eq(stats_of(w.plain).own_ns, 6 * MS);
	ck_assert_uint_eq(stats_of(w.plain).cumulative_ns, 6 * MS);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_depth_follows_the_stack_of_calls)
{
	struct world w;
	world_init(&w, NULL);

	ck_assert_uint_eq(dp_profiler_depth(w.profiler), 0);
	dp_profiled_fn_call(w.inner, 0);
	ck_assert_uint_eq(w.depth_seen, 1);
	dp_profiled_fn_call(w.outer, 1);
	ck_assert_uint_eq(w.depth_seen, 2);
	ck_assert_uint_eq(dp_profiler_depth(w.profiler), 0);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_a_profiled_function_stacks_under_a_timed_function)
{
	/* dp_profiled_fn_call has the dp_int64_fn shape, so the Decorator
	 * chapter's timed function can wrap it, and both count the call. */
	struct world w;
	struct dp_timed_fn timed;
	world_init(&w, NULL);

	ck_assert_int_eq(dp_timed_fn_init(&timed, dp_profiled_fn_call, w.inner,
	                                  "timed inner", NULL, NULL),
	                 DP_OK);
	ck_assert_int_eq(dp_timed_fn_call(&timed, 41), 42);
	ck_assert_uint_eq(timed.calls, 1);
	ck_assert_uint_eq(stats_of(w.inner).calls, 1);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_reset_zeroes_every_figure_and_keeps_the_functions)
{
	struct world w;
	world_init(&w, NULL);

	dp_profiled_fn_call(w.outer, 2);
	dp_profiled_fn_call(w.recursive, 3);
	ck_assert_int_eq(dp_profiler_reset(w.profiler), DP_OK);
	ck_assert_uint_eq(dp_profiler_count(w.profiler), 6);
	struct dp_profile_stats stats = stats_of(w.outer);
	ck_assert_uint_eq(stats.calls + stats.primitive_calls + stats.own_ns +
	                          stats.cumulative_ns,
	                  0);
	ck_assert_uint_eq(stats_of(w.recursive).calls, 0);
	dp_profiled_fn_call(w.outer, 1);
	ck_assert_uint_eq(stats_of(w.outer).cumulative_ns, 4 * MS);
	ck_assert_uint_eq(stats_of(w.inner).calls, 1);
	dp_profiler_destroy(w.profiler);
}
END_TEST

/* Reset from inside a profiled call: what it answered, and the figures. */
static int reset_result;

static int64_t resetting_fn(void *ctx, int64_t arg)
{
	reset_result = dp_profiler_reset(ctx);
	return arg;
}

START_TEST(test_reset_during_a_call_is_ebusy)
{
	dp_profiler *profiler = dp_profiler_create(NULL, NULL);
	dp_profiled_fn *fn =
		dp_profiler_wrap(profiler, resetting_fn, profiler, "resetting");

	reset_result = DP_OK;
	dp_profiled_fn_call(fn, 0);
	ck_assert_int_eq(reset_result, DP_EBUSY);
	ck_assert_uint_eq(stats_of(fn).calls, 1);
	dp_profiler_destroy(profiler);
}
END_TEST

/* ---- the report --------------------------------------------------------------- */

START_TEST(test_report_is_formatted_like_pstats)
{
	struct world w;
	world_init(&w, NULL);

	dp_profiled_fn_call(w.outer, 3);
	dp_profiled_fn_call(w.recursive, 3);
	char *text = report(w.profiler, DP_PROFILE_BY_CUMULATIVE);
	ck_assert_str_eq(
		text,
		"7 function calls (5 primitive calls) in 11.000 ms\n"
		"\n"
		"Ordered by: cumulative time\n"
		"\n"
		"   ncalls  tottime  percall  cumtime  percall function\n"
		"        1    2.000    2.000    8.000    8.000 outer\n"
		"        3    6.000    2.000    6.000    2.000 inner\n"
		"      3/1    3.000    1.000    3.000    3.000 recursive\n"
		"        0    0.000    0.000    0.000    0.000 ping\n"
		"        0    0.000    0.000    0.000    0.000 plain\n"
		"        0    0.000    0.000    0.000    0.000 pong\n");
	free(text);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_report_rows_follow_each_sort_order)
{
	/* ncalls / own / cumulative in ms, after the three calls below:
	 * outer 1 / 2 / 8, inner 3 / 6 / 6, plain 1 / 6 / 6, ping 2 / 2 / 3,
	 * pong 1 / 1 / 2, recursive 0 / 0 / 0. Ties fall back on the name. */
	static const char *const expected[] = {
		[DP_PROFILE_BY_CUMULATIVE] =
			"outer inner plain ping pong recursive",
		[DP_PROFILE_BY_OWN] = "inner plain outer ping pong recursive",
		[DP_PROFILE_BY_CALLS] = "inner ping outer plain pong recursive",
		[DP_PROFILE_BY_NAME] = "inner outer ping plain pong recursive",
	};
	struct world w;
	char names[128];
	world_init(&w, NULL);

	dp_profiled_fn_call(w.outer, 3);
	dp_profiled_fn_call(w.plain, 0);
	dp_profiled_fn_call(w.ping, 2); /* ping, pong, ping */
	char *text = report(w.profiler, (enum dp_profile_sort)_i);
	row_names(text, names, sizeof(names));
	ck_assert_str_eq(names, expected[_i]);
	free(text);
	dp_profiler_destroy(w.profiler);
}
END_TEST

START_TEST(test_ties_are_broken_by_name_then_wrapping_order)
{
	dp_profiler *profiler = dp_profiler_create(NULL, NULL);
	char names[128];

	/* Never called: every figure ties. "same" is wrapped twice. */
	dp_profiler_wrap(profiler, dp_profiling_slow_function, NULL, "zeta");
	dp_profiled_fn *first = dp_profiler_wrap(
		profiler, dp_profiling_slow_function, NULL, "same");
	dp_profiler_wrap(profiler, dp_profiling_slow_function, NULL, "alpha");
	dp_profiled_fn *second = dp_profiler_wrap(
		profiler, dp_profiling_slow_function, NULL, "same");
	ck_assert_ptr_ne(first, second);
	char *text = report(profiler, DP_PROFILE_BY_OWN);
	row_names(text, names, sizeof(names));
	ck_assert_str_eq(names, "alpha same same zeta");
	free(text);
	dp_profiler_destroy(profiler);
}
END_TEST

START_TEST(test_empty_profiler_prints_a_header_only)
{
	dp_profiler *profiler = dp_profiler_create(NULL, NULL);
	char *text = report(profiler, DP_PROFILE_BY_NAME);

	ck_assert_str_eq(
		text,
		"0 function calls (0 primitive calls) in 0.000 ms\n"
		"\n"
		"Ordered by: function name\n"
		"\n"
		"   ncalls  tottime  percall  cumtime  percall function\n");
	free(text);
	dp_profiler_destroy(profiler);
}
END_TEST

START_TEST(test_print_file_writes_the_same_report)
{
	struct world w;
	world_init(&w, NULL);
	dp_profiled_fn_call(w.outer, 2);
	char *expected = report(w.profiler, DP_PROFILE_BY_CALLS);
	FILE *file = tmpfile();
	ck_assert_ptr_nonnull(file);

	ck_assert_int_eq(
		dp_profiler_print_file(w.profiler, DP_PROFILE_BY_CALLS, file),
		DP_OK);
	rewind(file);
	char got[1024] = {0};
	size_t n = fread(got, 1, sizeof(got) - 1, file);
	ck_assert_uint_eq(n, strlen(expected));
	ck_assert_str_eq(got, expected);
	fclose(file);
	free(expected);
	dp_profiler_destroy(w.profiler);
}
END_TEST

/* ---- error paths ------------------------------------------------------------------ */

START_TEST(test_null_arguments_are_rejected_by_every_function)
{
	dp_profiler *profiler = dp_profiler_create(NULL, NULL);
	struct dp_stream *out = dp_memory_stream_create(NULL);
	struct dp_profile_stats stats;

	ck_assert_ptr_null(
		dp_profiler_wrap(NULL, dp_profiling_slow_function, NULL, "f"));
	ck_assert_ptr_null(dp_profiler_wrap(profiler, NULL, NULL, "f"));
	ck_assert_ptr_null(dp_profiler_wrap(
		profiler, dp_profiling_slow_function, NULL, NULL));
	ck_assert_uint_eq(dp_profiler_count(profiler), 0);
	ck_assert_int_eq(dp_profiled_fn_call(NULL, 5), 0);
	ck_assert_int_eq(dp_profiled_fn_stats(NULL, &stats), DP_EINVAL);
	dp_profiled_fn *fn = dp_profiler_wrap(
		profiler, dp_profiling_slow_function, NULL, "f");
	ck_assert_int_eq(dp_profiled_fn_stats(fn, NULL), DP_EINVAL);
	ck_assert_uint_eq(dp_profiler_count(NULL), 0);
	ck_assert_uint_eq(dp_profiler_depth(NULL), 0);
	ck_assert_int_eq(dp_profiler_reset(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_profiler_print(NULL, DP_PROFILE_BY_OWN, out),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_profiler_print(profiler, DP_PROFILE_BY_OWN, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(
		dp_profiler_print_file(NULL, DP_PROFILE_BY_OWN, stdout),
		DP_EINVAL);
	ck_assert_int_eq(
		dp_profiler_print_file(profiler, DP_PROFILE_BY_OWN, NULL),
		DP_EINVAL);
	ck_assert_ptr_null(dp_memory_stream_data(out, NULL));
	dp_profiler_destroy(NULL);
	dp_stream_close(out);
	dp_profiler_destroy(profiler);
}
END_TEST

START_TEST(test_print_rejects_an_unknown_sort_and_writes_nothing)
{
	dp_profiler *profiler = dp_profiler_create(NULL, NULL);
	struct dp_stream *out = dp_memory_stream_create(NULL);
	size_t len = 99;

	ck_assert_int_eq(
		dp_profiler_print(profiler, (enum dp_profile_sort)4, out),
		DP_EINVAL);
	ck_assert_int_eq(
		dp_profiler_print(profiler, (enum dp_profile_sort) - 1, out),
		DP_EINVAL);
	dp_memory_stream_data(out, &len);
	ck_assert_uint_eq(len, 0);
	dp_stream_close(out);
	dp_profiler_destroy(profiler);
}
END_TEST

/* A stream that accepts `budget` writes, then fails every one with
 * DP_EIO: the destination that breaks half-way through a report. */
struct broken_stream {
	struct dp_stream base; /* Base. Must be first. */
	int budget;
	int writes;
};

static int broken_write(struct dp_stream *stream, const void *buf, size_t len)
{
	struct broken_stream *self =
		dp_container_of(stream, struct broken_stream, base);

	(void)buf;
	(void)len;
	self->writes++;
	return self->budget-- > 0 ? DP_OK : DP_EIO;
}

static int broken_close(struct dp_stream *stream)
{
	(void)stream;
	return DP_OK;
}

static const struct dp_stream_ops broken_ops = {
	.name = "broken",
	.write = broken_write,
	.close = broken_close,
};

START_TEST(test_a_failing_stream_cuts_the_report_short_with_its_error)
{
	struct world w;
	struct dp_memory_line lines[2];
	struct dp_memory_trace trace;
	struct dp_counting_allocator counter;
	world_init(&w, NULL);
	dp_counting_allocator_init(&counter, NULL);
	dp_memory_trace_init(&trace, &counter, lines, 2);
	dp_memory_trace_mark(&trace, "one");
	dp_memory_trace_mark(&trace, "two");

	/* Fail the 1st, 2nd, ... write: each stops the report there. */
	for (int budget = 0; budget < 4; budget++) {
		struct broken_stream out = {.budget = budget};
		dp_stream_init(&out.base, &broken_ops);
		ck_assert_int_eq(dp_profiler_print(w.profiler,
		                                   DP_PROFILE_BY_NAME,
		                                   &out.base),
		                 DP_EIO);
		ck_assert_int_eq(out.writes, budget + 1);

		struct broken_stream out2 = {.budget = budget};
		dp_stream_init(&out2.base, &broken_ops);
		int rc = dp_memory_trace_print(&trace, &out2.base);
		ck_assert_int_eq(rc, budget < 3 ? DP_EIO : DP_OK);
	}
	dp_profiler_destroy(w.profiler);
}
END_TEST

/* ---- every allocation failure: DP_ENOMEM or NULL, no change, no leak ------ */

START_TEST(test_create_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);

		dp_profiler *profiler = dp_profiler_create(NULL, &failing.base);
		if (!failing.failed) {
			ck_assert_ptr_nonnull(profiler);
			dp_profiler_destroy(profiler);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		ck_assert_ptr_null(profiler);
		ck_assert_uint_eq(counter.live_blocks, 0);
	}
}
END_TEST

/* Which operation a sweep fails; the profiler is prepared without
 * failures, holding `_i` functions, so wrapping crosses a growth. */
enum operation { OP_WRAP, OP_PRINT, OP_PRINT_FILE };

static void sweep(enum operation operation, size_t prepared)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		dp_profiler *profiler = dp_profiler_create(NULL, &failing.base);
		for (size_t i = 0; i < prepared; i++)
			dp_profiled_fn_call(
				dp_profiler_wrap(profiler,
			                         dp_profiling_slow_function,
			                         NULL, "f"),
				10);
		FILE *file = tmpfile();
		ck_assert_ptr_nonnull(file);

		failing.fail_at = failing.requests + n;
		int rc = DP_OK;
		dp_profiled_fn *fn = NULL;
		switch (operation) {
		case OP_WRAP:
			fn = dp_profiler_wrap(profiler,
			                      dp_profiling_slow_function, NULL,
			                      "new");
			rc = fn != NULL ? DP_OK : DP_ENOMEM;
			break;
		case OP_PRINT: {
			struct dp_stream *out = dp_memory_stream_create(NULL);
			rc = dp_profiler_print(profiler, DP_PROFILE_BY_OWN,
			                       out);
			size_t len = 99;
			dp_memory_stream_data(out, &len);
			if (rc != DP_OK)
				ck_assert_uint_eq(len, 0);
			dp_stream_close(out);
			break;
		}
		case OP_PRINT_FILE:
			rc = dp_profiler_print_file(profiler, DP_PROFILE_BY_OWN,
			                            file);
			ck_assert_int_eq(ftell(file) > 0, rc == DP_OK);
			break;
		}
		fclose(file);

		if (failing.failed) {
			ck_assert_int_eq(rc, DP_ENOMEM);
			ck_assert_uint_eq(dp_profiler_count(profiler),
			                  prepared);
		} else {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_uint_eq(dp_profiler_count(profiler),
			                  prepared + (operation == OP_WRAP));
		}
		dp_profiler_destroy(profiler);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
		ck_assert_uint_lt(n, 100); /* Cannot loop forever. */
	}
}

START_TEST(test_wrap_fails_cleanly_at_every_allocation)
{
	/* 0: the registry's first block; 3: a record only; 8: a growth. */
	static const size_t prepared[] = {0, 3, 8};

	sweep(OP_WRAP, prepared[_i]);
}
END_TEST

START_TEST(test_print_fails_cleanly_at_every_allocation)
{
	sweep(OP_PRINT, (size_t)_i * 5);
	sweep(OP_PRINT_FILE, (size_t)_i * 5);
}
END_TEST

START_TEST(test_destroy_frees_every_byte)
{
	struct dp_counting_allocator counter;
	struct world w;
	dp_counting_allocator_init(&counter, NULL);
	world_init(&w, &counter.base);

	for (int i = 0; i < 20; i++)
		dp_profiler_wrap(w.profiler, dp_profiling_slow_function, NULL,
		                 "more");
	dp_profiled_fn_call(w.outer, 2);
	free(report(w.profiler, DP_PROFILE_BY_CUMULATIVE));
	ck_assert_uint_eq(counter.live_blocks, 26 + 2); /* records, registry,
	                                                   profiler */
	dp_profiler_destroy(w.profiler);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(counter.allocations, counter.frees);
}
END_TEST

/* ---- the memory trace and the course's functions ------------------------------ */

START_TEST(test_memory_trace_records_increments_peaks_and_counts)
{
	struct dp_counting_allocator counter;
	struct dp_memory_line lines[3];
	struct dp_memory_trace trace;
	dp_counting_allocator_init(&counter, NULL);
	void *before = dp_alloc(&counter.base, 100);

	ck_assert_int_eq(dp_memory_trace_init(&trace, &counter, lines, 3),
	                 DP_OK);
	void *block = dp_alloc(&counter.base, 1000);
	ck_assert_int_eq(dp_memory_trace_mark(&trace, "alloc 1000"), DP_OK);
	dp_free(&counter.base, block);
	dp_free(&counter.base, before);
	ck_assert_int_eq(dp_memory_trace_mark(&trace, "free both"), DP_OK);

	ck_assert_uint_eq(trace.count, 2);
	ck_assert_str_eq(lines[0].label, "alloc 1000");
	ck_assert_uint_eq(lines[0].live_bytes, 1100);
	ck_assert_int_eq(lines[0].increment, 1000);
	ck_assert_uint_eq(lines[0].peak_bytes, 1100);
	ck_assert_uint_eq(lines[0].allocations, 2);
	ck_assert_uint_eq(lines[0].frees, 0);
	ck_assert_uint_eq(lines[1].live_bytes, 0);
	ck_assert_int_eq(lines[1].increment, -1100);
	ck_assert_uint_eq(lines[1].peak_bytes, 1100);
	ck_assert_uint_eq(lines[1].frees, 2);
}
END_TEST

START_TEST(test_memory_trace_rejects_bad_arguments_and_a_full_array)
{
	struct dp_counting_allocator counter;
	struct dp_memory_line lines[1];
	struct dp_memory_trace trace;
	struct dp_stream *out = dp_memory_stream_create(NULL);
	dp_counting_allocator_init(&counter, NULL);

	ck_assert_int_eq(dp_memory_trace_init(NULL, &counter, lines, 1),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_memory_trace_init(&trace, NULL, lines, 1),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_memory_trace_init(&trace, &counter, NULL, 1),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_memory_trace_init(&trace, &counter, lines, 0),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_memory_trace_init(&trace, &counter, lines, 1),
	                 DP_OK);
	ck_assert_int_eq(dp_memory_trace_mark(NULL, "x"), DP_EINVAL);
	ck_assert_int_eq(dp_memory_trace_mark(&trace, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_memory_trace_mark(&trace, "first"), DP_OK);
	ck_assert_int_eq(dp_memory_trace_mark(&trace, "second"), DP_ERANGE);
	ck_assert_uint_eq(trace.count, 1);
	ck_assert_str_eq(lines[0].label, "first");
	ck_assert_int_eq(dp_memory_trace_print(NULL, out), DP_EINVAL);
	ck_assert_int_eq(dp_memory_trace_print(&trace, NULL), DP_EINVAL);
	dp_stream_close(out);
}
END_TEST

START_TEST(test_my_func_reports_the_exact_peak_and_final_bytes)
{
	struct dp_counting_allocator counter;
	struct dp_memory_line lines[3];
	struct dp_memory_trace trace;
	dp_counting_allocator_init(&counter, NULL);
	dp_memory_trace_init(&trace, &counter, lines, 3);

	ck_assert_int_eq(dp_profiling_my_func(&counter.base, &trace), DP_OK);
	ck_assert_uint_eq(trace.count, 3);
	ck_assert_uint_eq(lines[0].live_bytes, 1000000 * 4);
	ck_assert_uint_eq(lines[1].live_bytes, (1000000 + 20000000) * 4);
	ck_assert_int_eq(lines[1].increment, 20000000 * 4);
	ck_assert_str_eq(lines[2].label, "del b");
	ck_assert_uint_eq(lines[2].live_bytes, 1000000 * 4);
	ck_assert_uint_eq(lines[2].peak_bytes, 84000000);
	ck_assert_uint_eq(lines[2].allocations, 2);
	ck_assert_uint_eq(lines[2].frees, 1);
	/* Returning frees a, as Python does with a local. */
	ck_assert_uint_eq(counter.peak_bytes, 84000000);
	ck_assert_uint_eq(counter.live_bytes, 0);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_memory_trace_prints_one_row_per_line)
{
	struct dp_counting_allocator counter;
	struct dp_memory_line lines[3];
	struct dp_memory_trace trace;
	struct dp_stream *out = dp_memory_stream_create(NULL);
	size_t len = 0;
	dp_counting_allocator_init(&counter, NULL);
	dp_memory_trace_init(&trace, &counter, lines, 3);

	dp_profiling_my_func(&counter.base, &trace);
	ck_assert_int_eq(dp_memory_trace_print(&trace, out), DP_OK);
	const char *text = (const char *)dp_memory_stream_data(out, &len);
	static const char expected[] =
		"Line   live bytes    increment   peak bytes allocs frees  "
		"contents\n"
		"   1      4000000     +4000000      4000000      1     0  "
		"a = [1] * (10**6)\n"
		"   2     84000000    +80000000     84000000      2     0  "
		"b = [2] * (2 * 10**7)\n"
		"   3      4000000    -80000000     84000000      2     1  "
		"del b\n";
	ck_assert_uint_eq(len, strlen(expected));
	ck_assert_mem_eq(text, expected, len);
	dp_stream_close(out);
}
END_TEST

START_TEST(test_my_func_fails_cleanly_at_every_allocation)
{
	/* The trace has room for one line only: a short trace keeps what
	 * fits and is no error of my_func's. Each array costs a few seconds
	 * under the slower sanitizers, so my_func runs as few times as the
	 * sweep needs: a fails, b fails, success. */
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		struct dp_memory_line one[1];
		struct dp_memory_trace trace;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);
		dp_memory_trace_init(&trace, &counter, one, 1);

		int rc = dp_profiling_my_func(&failing.base, &trace);
		ck_assert_uint_eq(counter.live_blocks, 0);
		ck_assert_uint_eq(trace.count, n == 1 ? 0 : 1);
		if (!failing.failed) {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_uint_eq(n, 3);
			ck_assert_str_eq(one[0].label, "a = [1] * (10**6)");
			ck_assert_uint_eq(counter.peak_bytes, 84000000);
			break;
		}
		ck_assert_int_eq(rc, DP_ENOMEM);
	}
}
END_TEST

START_TEST(test_slow_function_sums_the_squares_below_its_bound)
{
	ck_assert_int_eq(dp_profiling_slow_function(NULL, 10000), 333283335000);
	ck_assert_int_eq(dp_profiling_slow_function(NULL, 4), 0 + 1 + 4 + 9);
	ck_assert_int_eq(dp_profiling_slow_function(NULL, 0), 0);
	ck_assert_int_eq(dp_profiling_slow_function(NULL, -5), 0);
}
END_TEST

static Suite *profiling_suite(void)
{
	Suite *suite = suite_create("profiling");
	TCase *tc;

	tc = dp_test_case(suite, "profiler");
	tcase_add_test(tc, test_calls_are_counted_exactly);
	tcase_add_test(tc, test_calls_are_counted_on_the_real_clock);
	tcase_add_test(tc,
	               test_nested_calls_split_own_and_cumulative_time_exactly);
	tcase_add_test(tc, test_recursion_counts_primitive_calls_and_time_once);
	tcase_add_test(tc, test_mutual_recursion_is_recursion_of_each_function);
	tcase_add_test(tc, test_time_in_unwrapped_functions_is_the_callers_own);
	tcase_add_test(tc, test_depth_follows_the_stack_of_calls);
	tcase_add_test(tc,
	               test_a_profiled_function_stacks_under_a_timed_function);
	tcase_add_test(tc,
	               test_reset_zeroes_every_figure_and_keeps_the_functions);
	tcase_add_test(tc, test_reset_during_a_call_is_ebusy);

	tc = dp_test_case(suite, "report");
	tcase_add_test(tc, test_report_is_formatted_like_pstats);
	tcase_add_loop_test(tc, test_report_rows_follow_each_sort_order, 0, 4);
	tcase_add_test(tc, test_ties_are_broken_by_name_then_wrapping_order);
	tcase_add_test(tc, test_empty_profiler_prints_a_header_only);
	tcase_add_test(tc, test_print_file_writes_the_same_report);

	tc = dp_test_case(suite, "errors");
	tcase_add_test(tc, test_null_arguments_are_rejected_by_every_function);
	tcase_add_test(tc,
	               test_print_rejects_an_unknown_sort_and_writes_nothing);
	tcase_add_test(
		tc, test_a_failing_stream_cuts_the_report_short_with_its_error);
	tcase_add_test(tc, test_create_fails_cleanly_at_every_allocation);
	tcase_add_loop_test(tc, test_wrap_fails_cleanly_at_every_allocation, 0,
	                    3);
	tcase_add_loop_test(tc, test_print_fails_cleanly_at_every_allocation, 0,
	                    3);
	tcase_add_test(tc, test_destroy_frees_every_byte);

	tc = dp_test_case(suite, "memory");
	tcase_add_test(tc,
	               test_memory_trace_records_increments_peaks_and_counts);
	tcase_add_test(
		tc, test_memory_trace_rejects_bad_arguments_and_a_full_array);
	tcase_add_test(tc, test_my_func_reports_the_exact_peak_and_final_bytes);
	tcase_add_test(tc, test_memory_trace_prints_one_row_per_line);
	tcase_add_test(tc, test_my_func_fails_cleanly_at_every_allocation);
	tcase_add_test(tc, test_slow_function_sums_the_squares_below_its_bound);
	return suite;
}

int main(void)
{
	return dp_test_run(profiling_suite());
}
