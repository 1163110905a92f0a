/*
 * Exercise 08: the graded tests of the profiler. Times come from a fake
 * clock that only moves when a function "spends" time on it, so every
 * figure is exact and the same on every machine: no test measures real
 * time.
 */
#include "grade.h"
#include "grade_assert.h"
#include "profiler.h"

#include "common/dp_common.h"

#include <string.h>

/* ---- a fake clock ------------------------------------------------------- */

struct fake_clock {
	uint64_t now_ns;
};

static uint64_t fake_now(void *clock_ctx)
{
	return ((struct fake_clock *)clock_ctx)->now_ns;
}

/* ---- the program to profile -------------------------------------------- */

/*
 * A small program, as README.md shows it: main loads its input, processes
 * n items (each process looks up three keys and formats the result) and
 * writes a report. Every function spends a fixed time on the fake clock.
 * Functions call each other through `struct callee` slots, so that the
 * test can put a profiler's wrapper in each slot: that is what rebinding a
 * name to a decorated function does in Python.
 */
struct callee {
	ex_prof_fn *fn;
	void *ctx;
};

struct program {
	struct fake_clock clock;
	struct callee load, process, lookup, format, report;
};

enum { N_ITEMS = 10 };

static void spend(struct program *program, uint64_t ns)
{
	program->clock.now_ns += ns;
}

static int64_t call(const struct callee *callee, int64_t arg)
{
	return callee->fn(callee->ctx, arg);
}

static int64_t program_main(void *ctx, int64_t n)
{
	struct program *program = ctx;
	int64_t sum = 0;

	spend(program, 5);
	n = call(&program->load, n);
	for (int64_t i = 0; i < n && i < 1000; i++)
		sum += call(&program->process, i);
	call(&program->report, sum);
	return sum;
}

static int64_t load(void *ctx, int64_t n)
{
	spend(ctx, 100); /* The slowest call of all: reading the input. */
	return n;
}

static int64_t process(void *ctx, int64_t item)
{
	struct program *program = ctx;

	spend(program, 2);
	int64_t value = call(&program->lookup, item) +
	                call(&program->lookup, item + 1) +
	                call(&program->lookup, item + 2);
	return value + call(&program->format, value);
}

static int64_t lookup(void *ctx, int64_t key)
{
	spend(ctx, 7); /* Cheap, but called three times per item. */
	return key * key;
}

static int64_t format(void *ctx, int64_t value)
{
	spend(ctx, 4);
	return value % 10;
}

static int64_t report(void *ctx, int64_t sum)
{
	spend(ctx, 50);
	return sum;
}

/* The program's functions, in the order they are wrapped. */
enum { MAIN, LOAD, PROCESS, LOOKUP, FORMAT, REPORT, N_FUNCTIONS };

static const struct {
	const char *name;
	ex_prof_fn *fn;
	uint64_t calls, self_ns, cumulative_ns;
} EXPECTED[N_FUNCTIONS] = {
	/* main: 5 + load 100 + 10 process of 27 + report 50. */
	[MAIN] = {"main", program_main, 1, 5, 425},
	[LOAD] = {"load", load, 1, 100, 100},
	/* process: 2 itself + 3 lookups of 7 + 1 format of 4, 10 times. */
	[PROCESS] = {"process", process, N_ITEMS, 20, 270},
	[LOOKUP] = {"lookup", lookup, 3 * N_ITEMS, 210, 210},
	[FORMAT] = {"format", format, N_ITEMS, 40, 40},
	[REPORT] = {"report", report, 1, 50, 50},
};

/* Wrap every function of `program` and rebind its slots to the wrappers. */
static void profile_program(struct ex_profiler *profiler,
                            struct ex_profiled wrappers[N_FUNCTIONS],
                            struct program *program)
{
	*program = (struct program){.clock = {0}};
	grade_assert_code(ex_profiler_init(profiler, fake_now, &program->clock),
	                  DP_OK);
	for (int f = 0; f < N_FUNCTIONS; f++) {
		wrappers[f] = (struct ex_profiled){0};
		grade_assert_code(ex_profiler_wrap(profiler, &wrappers[f],
		                                   EXPECTED[f].name,
		                                   EXPECTED[f].fn, program),
		                  DP_OK);
	}
	struct callee *slots[N_FUNCTIONS] = {
		[LOAD] = &program->load,     [PROCESS] = &program->process,
		[LOOKUP] = &program->lookup, [FORMAT] = &program->format,
		[REPORT] = &program->report,
	};
	for (int f = 0; f < N_FUNCTIONS; f++)
		if (slots[f] != NULL)
			*slots[f] =
				(struct callee){ex_profiled_call, &wrappers[f]};
}

/* ---- small functions for the unit tests --------------------------------- */

/* Spends `arg` ns on the clock in ctx and returns 3 * arg. */
static int64_t triple(void *ctx, int64_t arg)
{
	((struct fake_clock *)ctx)->now_ns += (uint64_t)arg;
	return 3 * arg;
}

struct nested {
	struct fake_clock clock;
	struct ex_profiled *inner; /* outer calls inner through this. */
	struct ex_profiled *self;  /* countdown recurses through this. */
};

static int64_t inner(void *ctx, int64_t arg)
{
	((struct nested *)ctx)->clock.now_ns += 10;
	return arg;
}

static int64_t outer(void *ctx, int64_t arg)
{
	struct nested *nested = ctx;

	nested->clock.now_ns += 5;
	return ex_profiled_call(nested->inner, arg) +
	       ex_profiled_call(nested->inner, arg);
}

static int64_t countdown(void *ctx, int64_t n)
{
	struct nested *nested = ctx;

	nested->clock.now_ns += 1;
	if (n <= 0 || n > 100)
		return 0;
	return 1 + ex_profiled_call(nested->self, n - 1);
}

/* ---- the tests ---------------------------------------------------------- */

START_TEST(test_profiled_call_forwards_argument_and_result)
{
	struct fake_clock clock = {0};
	struct ex_profiler profiler;
	struct ex_profiled wrapped = {0};

	grade_assert_code(ex_profiler_init(&profiler, fake_now, &clock), DP_OK);
	grade_assert_code(
		ex_profiler_wrap(&profiler, &wrapped, "triple", triple, &clock),
		DP_OK);
	int64_t got = ex_profiled_call(&wrapped, 7);
	ck_assert_msg(got == 21,
	              "a decorator must return what the wrapped function "
	              "returns: triple(7) is 21, the wrapper returned %lld",
	              (long long)got);
	ck_assert_msg(clock.now_ns == 7,
	              "the wrapped function must be called once with its own "
	              "ctx and the argument");
}
END_TEST

START_TEST(test_profiled_call_counts_calls)
{
	struct fake_clock clock = {0};
	struct ex_profiler profiler;
	struct ex_profiled wrapped = {0};

	grade_assert_code(ex_profiler_init(&profiler, fake_now, &clock), DP_OK);
	grade_assert_code(
		ex_profiler_wrap(&profiler, &wrapped, "triple", triple, &clock),
		DP_OK);
	for (int64_t i = 0; i < 5; i++)
		ex_profiled_call(&wrapped, i);
	ck_assert_msg(wrapped.calls == 5,
	              "5 calls through the wrapper should count 5, it counted "
	              "%llu",
	              (unsigned long long)wrapped.calls);
}
END_TEST

START_TEST(test_profiled_call_times_with_the_injected_clock)
{
	struct fake_clock clock = {1000};
	struct ex_profiler profiler;
	struct ex_profiled wrapped = {0};

	grade_assert_code(ex_profiler_init(&profiler, fake_now, &clock), DP_OK);
	grade_assert_code(
		ex_profiler_wrap(&profiler, &wrapped, "triple", triple, &clock),
		DP_OK);
	ex_profiled_call(&wrapped, 10);
	ex_profiled_call(&wrapped, 20);
	ex_profiled_call(&wrapped, 30);
	ck_assert_msg(wrapped.cumulative_ns == 60 && wrapped.self_ns == 60,
	              "3 calls spending 10, 20 and 30 ns on the injected clock "
	              "should total 60 ns (self and cumulative), got self %llu "
	              "and cumulative %llu: read the profiler's clock before "
	              "and after the call",
	              (unsigned long long)wrapped.self_ns,
	              (unsigned long long)wrapped.cumulative_ns);
}
END_TEST

START_TEST(test_self_time_excludes_profiled_callees)
{
	struct nested nested = {{0}, NULL, NULL};
	struct ex_profiler profiler;
	struct ex_profiled wrapped_outer = {0}, wrapped_inner = {0};

	grade_assert_code(ex_profiler_init(&profiler, fake_now, &nested.clock),
	                  DP_OK);
	grade_assert_code(ex_profiler_wrap(&profiler, &wrapped_outer, "outer",
	                                   outer, &nested),
	                  DP_OK);
	grade_assert_code(ex_profiler_wrap(&profiler, &wrapped_inner, "inner",
	                                   inner, &nested),
	                  DP_OK);
	nested.inner = &wrapped_inner;
	ex_profiled_call(&wrapped_outer, 1);
	ck_assert_msg(wrapped_outer.cumulative_ns == 25,
	              "outer spends 5 ns and calls inner (10 ns) twice: its "
	              "cumulative time is 25, got %llu",
	              (unsigned long long)wrapped_outer.cumulative_ns);
	ck_assert_msg(wrapped_outer.self_ns == 5,
	              "outer's self time leaves out the 20 ns spent in "
	              "profiled callees: 5 ns, got %llu",
	              (unsigned long long)wrapped_outer.self_ns);
	ck_assert_msg(wrapped_inner.self_ns == 20 &&
	                      wrapped_inner.cumulative_ns == 20,
	              "inner: self and cumulative 20 ns, got %llu and %llu",
	              (unsigned long long)wrapped_inner.self_ns,
	              (unsigned long long)wrapped_inner.cumulative_ns);
}
END_TEST

START_TEST(test_program_call_counts)
{
	struct program program;
	struct ex_profiler profiler;
	struct ex_profiled wrappers[N_FUNCTIONS];

	profile_program(&profiler, wrappers, &program);
	ex_profiled_call(&wrappers[MAIN], N_ITEMS);
	for (int f = 0; f < N_FUNCTIONS; f++) {
		const struct ex_profiled *found =
			ex_profiler_find(&profiler, EXPECTED[f].name);
		ck_assert_msg(found == &wrappers[f],
		              "ex_profiler_find(\"%s\") should return its "
		              "wrapper",
		              EXPECTED[f].name);
		ck_assert_msg(found->calls == EXPECTED[f].calls,
		              "%s should be called %llu times, the profiler "
		              "counted %llu",
		              EXPECTED[f].name,
		              (unsigned long long)EXPECTED[f].calls,
		              (unsigned long long)found->calls);
	}
}
END_TEST

START_TEST(test_program_times_are_exact)
{
	struct program program;
	struct ex_profiler profiler;
	struct ex_profiled wrappers[N_FUNCTIONS];

	profile_program(&profiler, wrappers, &program);
	ex_profiled_call(&wrappers[MAIN], N_ITEMS);
	for (int f = 0; f < N_FUNCTIONS; f++)
		ck_assert_msg(wrappers[f].self_ns == EXPECTED[f].self_ns &&
		                      wrappers[f].cumulative_ns ==
		                              EXPECTED[f].cumulative_ns,
		              "%s: self time should be %llu ns and cumulative "
		              "%llu ns (tottime and cumtime in cProfile), got "
		              "%llu and %llu",
		              EXPECTED[f].name,
		              (unsigned long long)EXPECTED[f].self_ns,
		              (unsigned long long)EXPECTED[f].cumulative_ns,
		              (unsigned long long)wrappers[f].self_ns,
		              (unsigned long long)wrappers[f].cumulative_ns);
}
END_TEST

START_TEST(test_hottest_is_the_function_with_most_self_time)
{
	struct program program;
	struct ex_profiler profiler;
	struct ex_profiled wrappers[N_FUNCTIONS];

	profile_program(&profiler, wrappers, &program);
	ck_assert_msg(ex_profiler_hottest(&profiler) == NULL,
	              "before any call there is no hot function: return NULL");
	ex_profiled_call(&wrappers[MAIN], N_ITEMS);
	const struct ex_profiled *hottest = ex_profiler_hottest(&profiler);
	ck_assert_ptr_nonnull(hottest);
	/* Not main (most cumulative time: it calls everything), not load
	 * (the slowest single call): lookup, cheap but called 30 times. */
	ck_assert_msg(strcmp(hottest->name, "lookup") == 0,
	              "the hot spot is the function with the most SELF time, "
	              "lookup (210 ns); the profiler named %s",
	              hottest->name);
}
END_TEST

START_TEST(test_recursive_cumulative_time_is_counted_once)
{
	struct nested nested = {{0}, NULL, NULL};
	struct ex_profiler profiler;
	struct ex_profiled wrapped = {0};

	grade_assert_code(ex_profiler_init(&profiler, fake_now, &nested.clock),
	                  DP_OK);
	grade_assert_code(ex_profiler_wrap(&profiler, &wrapped, "countdown",
	                                   countdown, &nested),
	                  DP_OK);
	nested.self = &wrapped;
	int64_t got = ex_profiled_call(&wrapped, 4);
	ck_assert_int_eq(got, 4);
	ck_assert_msg(wrapped.calls == 5 && wrapped.self_ns == 5,
	              "countdown(4) makes 5 calls of 1 ns each: 5 calls and 5 "
	              "ns of self time, got %llu calls and %llu ns",
	              (unsigned long long)wrapped.calls,
	              (unsigned long long)wrapped.self_ns);
	ck_assert_msg(wrapped.cumulative_ns == 5,
	              "the whole recursion took 5 ns, so cumulative time is 5 "
	              "ns, not %llu: add it only when the outermost call of "
	              "the function returns",
	              (unsigned long long)wrapped.cumulative_ns);
}
END_TEST

START_TEST(test_wrap_refuses_bad_arguments)
{
	struct fake_clock clock = {0};
	struct ex_profiler profiler;
	struct ex_profiled wrappers[EX_PROFILER_MAX + 1];
	static const char *names[EX_PROFILER_MAX + 1] = {
		"f0", "f1",  "f2",  "f3",  "f4",  "f5",  "f6",  "f7", "f8",
		"f9", "f10", "f11", "f12", "f13", "f14", "f15", "f16"};

	grade_assert_code(ex_profiler_init(NULL, fake_now, &clock), DP_EINVAL);
	grade_assert_code(ex_profiler_init(&profiler, fake_now, &clock), DP_OK);
	grade_assert_code(
		ex_profiler_wrap(&profiler, &wrappers[0], NULL, triple, NULL),
		DP_EINVAL);
	grade_assert_code(
		ex_profiler_wrap(&profiler, &wrappers[0], "f0", NULL, NULL),
		DP_EINVAL);
	for (int i = 0; i < EX_PROFILER_MAX; i++)
		grade_assert_code(ex_profiler_wrap(&profiler, &wrappers[i],
		                                   names[i], triple, &clock),
		                  DP_OK);
	/* A second function named f3. */
	grade_assert_code(ex_profiler_wrap(&profiler,
	                                   &wrappers[EX_PROFILER_MAX], "f3",
	                                   triple, &clock),
	                  DP_EEXIST);
	/* One function more than EX_PROFILER_MAX. */
	grade_assert_code(
		ex_profiler_wrap(&profiler, &wrappers[EX_PROFILER_MAX],
	                         names[EX_PROFILER_MAX], triple, &clock),
		DP_ERANGE);
}
END_TEST

/* ---- memory_profiler: the memory tracker ------------------------------- */

/*
 * The course's my_func, line for line, with its two lists allocated
 * through the tracker and scaled down by 100 so the tests stay fast:
 *
 *     @profile
 *     def my_func():
 *         a = [1] * (10**6)
 *         b = [2] * (2 * 10**7)
 *         del b
 *         return a
 *
 * Each line ends with a mark, as memory_profiler prints one row per line.
 * It returns `a`, which the caller frees.
 */
enum { A_COUNT = 1000000 / 100, B_COUNT = 2 * 10000000 / 100 };
enum { A_BYTES = A_COUNT * 4, B_BYTES = B_COUNT * 4 };

static int32_t *my_func(struct ex_mem_tracker *tracker,
                        struct ex_mem_line lines[3])
{
	const struct dp_allocator *alloc = &tracker->base;

	int32_t *a = dp_alloc_array(alloc, A_COUNT, sizeof(*a));
	ck_assert_msg(a != NULL, "the tracker refused to allocate a");
	for (size_t i = 0; i < A_COUNT; i++)
		a[i] = 1;
	grade_assert_code(ex_mem_tracker_mark(tracker, &lines[0]), DP_OK);

	int32_t *b = dp_alloc_array(alloc, B_COUNT, sizeof(*b));
	ck_assert_msg(b != NULL, "the tracker refused to allocate b");
	for (size_t i = 0; i < B_COUNT; i++)
		b[i] = 2;
	grade_assert_code(ex_mem_tracker_mark(tracker, &lines[1]), DP_OK);

	dp_free(alloc, b);
	grade_assert_code(ex_mem_tracker_mark(tracker, &lines[2]), DP_OK);
	return a;
}

START_TEST(test_tracker_counts_requested_bytes)
{
	struct dp_counting_allocator parent;
	struct ex_mem_tracker tracker;

	dp_counting_allocator_init(&parent, NULL);
	grade_assert_code(ex_mem_tracker_init(&tracker, &parent.base), DP_OK);
	char *small = dp_alloc(&tracker.base, 100);
	char *large = dp_alloc(&tracker.base, 250);
	ck_assert_msg(small != NULL && large != NULL,
	              "the tracker's allocator returned NULL for 100 and 250 "
	              "bytes: forward each request to the parent");
	memset(small, 1, 100);
	memset(large, 2, 250);
	ck_assert_msg(parent.allocations == 2,
	              "2 allocations should reach the parent once each, it saw "
	              "%zu",
	              parent.allocations);
	ck_assert_msg(tracker.current_bytes == 350 && tracker.peak_bytes == 350,
	              "after allocating 100 and 250 bytes the tracker should "
	              "count 350 bytes in use and a peak of 350, the bytes "
	              "REQUESTED (no header, no rounding); got %zu in use and "
	              "a peak of %zu",
	              tracker.current_bytes, tracker.peak_bytes);
	ck_assert_msg(tracker.allocations == 2,
	              "2 blocks allocated, the tracker counted %zu",
	              tracker.allocations);
	dp_free(&tracker.base, small);
	dp_free(&tracker.base, large);
	ck_assert_msg(parent.live_blocks == 0,
	              "every block freed through the tracker must be freed by "
	              "the parent too: %zu still live",
	              parent.live_blocks);
}
END_TEST

START_TEST(test_tracker_free_subtracts_the_block)
{
	struct ex_mem_tracker tracker;

	grade_assert_code(ex_mem_tracker_init(&tracker, NULL), DP_OK);
	char *first = dp_alloc(&tracker.base, 300);
	char *second = dp_alloc(&tracker.base, 40);
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_nonnull(second);
	dp_free(&tracker.base, first);
	ck_assert_msg(tracker.current_bytes == 40,
	              "300 + 40 bytes allocated, then the 300 freed: 40 bytes "
	              "in use, the tracker says %zu",
	              tracker.current_bytes);
	ck_assert_msg(tracker.peak_bytes == 340,
	              "a free does not lower the peak: it was 340, the tracker "
	              "says %zu",
	              tracker.peak_bytes);
	dp_free(&tracker.base, NULL);
	dp_free(&tracker.base, second);
	ck_assert_msg(tracker.current_bytes == 0 && tracker.frees == 2,
	              "everything freed (and freeing NULL, which frees "
	              "nothing): 0 bytes in use and 2 frees, got %zu bytes and "
	              "%zu frees",
	              tracker.current_bytes, tracker.frees);
}
END_TEST

START_TEST(test_tracker_peak_follows_realloc_growth)
{
	struct dp_counting_allocator parent;
	struct ex_mem_tracker tracker;

	dp_counting_allocator_init(&parent, NULL);
	grade_assert_code(ex_mem_tracker_init(&tracker, &parent.base), DP_OK);
	/* A list that grows as Python's does on append, then shrinks. */
	int64_t *list = dp_alloc_array(&tracker.base, 4, sizeof(*list));
	ck_assert_ptr_nonnull(list);
	for (size_t count = 8; count <= 64; count *= 2) {
		int64_t *grown = dp_realloc_array(&tracker.base, list, count,
		                                  sizeof(*list));
		ck_assert_ptr_nonnull(grown);
		list = grown;
		list[count - 1] = (int64_t)count;
	}
	ck_assert_msg(tracker.current_bytes == 512 && tracker.peak_bytes == 512,
	              "a block grown by realloc from 32 to 512 bytes: 512 in "
	              "use and a peak of 512, got %zu and %zu; a resize "
	              "changes the bytes in use by the difference, and growth "
	              "can raise the peak",
	              tracker.current_bytes, tracker.peak_bytes);
	int64_t *shrunk =
		dp_realloc_array(&tracker.base, list, 2, sizeof(*list));
	ck_assert_ptr_nonnull(shrunk);
	ck_assert_msg(tracker.current_bytes == 16 && tracker.peak_bytes == 512,
	              "shrunk to 16 bytes: 16 in use, the peak still 512; got "
	              "%zu and %zu",
	              tracker.current_bytes, tracker.peak_bytes);
	ck_assert_msg(tracker.allocations == 1,
	              "a resize is not a new allocation: 1 block, counted %zu",
	              tracker.allocations);
	dp_free(&tracker.base, shrunk);
	ck_assert_msg(tracker.current_bytes == 0 && parent.live_blocks == 0,
	              "after the free: 0 bytes in use (got %zu) and nothing "
	              "left in the parent (%zu blocks)",
	              tracker.current_bytes, parent.live_blocks);
}
END_TEST

START_TEST(test_tracker_refused_request_changes_nothing)
{
	struct dp_failing_allocator parent;
	struct ex_mem_tracker tracker;

	/* The parent refuses its second request: the resize below. */
	dp_failing_allocator_init(&parent, 2, NULL);
	grade_assert_code(ex_mem_tracker_init(&tracker, &parent.base), DP_OK);
	char *block = dp_alloc(&tracker.base, 64);
	ck_assert_ptr_nonnull(block);
	memset(block, 7, 64);
	char *grown = dp_realloc_array(&tracker.base, block, 1024, 1);
	ck_assert_msg(grown == NULL && parent.failed,
	              "the parent refused the resize, so the tracker must "
	              "return NULL");
	ck_assert_msg(tracker.current_bytes == 64 && tracker.peak_bytes == 64,
	              "a refused resize allocates nothing: still 64 bytes in "
	              "use and a peak of 64, got %zu and %zu",
	              tracker.current_bytes, tracker.peak_bytes);
	ck_assert_msg(block[63] == 7, "a refused resize must keep the block");
	char *refused = dp_alloc(&tracker.base, SIZE_MAX - 8);
	ck_assert_msg(refused == NULL && tracker.current_bytes == 64,
	              "a request too large to add a header to must return "
	              "NULL and count nothing; %zu bytes in use",
	              tracker.current_bytes);
	dp_free(&tracker.base, block);
	ck_assert_msg(tracker.current_bytes == 0 && tracker.allocations == 1,
	              "1 block allocated then freed: 0 bytes in use and 1 "
	              "allocation, got %zu and %zu",
	              tracker.current_bytes, tracker.allocations);
}
END_TEST

START_TEST(test_my_func_line_increments)
{
	struct dp_counting_allocator parent;
	struct ex_mem_tracker tracker;
	struct ex_mem_line lines[3] = {{0}};
	static const char *const code[3] = {"a = [1] * (10**6)",
	                                    "b = [2] * (2 * 10**7)", "del b"};
	static const int64_t increment[3] = {A_BYTES, B_BYTES, -B_BYTES};
	static const size_t in_use[3] = {A_BYTES, A_BYTES + B_BYTES, A_BYTES};

	dp_counting_allocator_init(&parent, NULL);
	grade_assert_code(ex_mem_tracker_init(&tracker, &parent.base), DP_OK);
	int32_t *a = my_func(&tracker, lines);
	for (int i = 0; i < 3; i++)
		ck_assert_msg(
			lines[i].increment == increment[i] &&
				lines[i].current_bytes == in_use[i],
			"line %d, `%s`: memory_profiler shows an increment "
			"of %lld bytes and %zu in use, the tracker %lld and "
			"%zu",
			i + 1, code[i], (long long)increment[i], in_use[i],
			(long long)lines[i].increment, lines[i].current_bytes);
	ck_assert_int_eq(a[A_COUNT - 1], 1);
	dp_free(&tracker.base, a);
	ck_assert_msg(tracker.current_bytes == 0 && parent.live_blocks == 0,
	              "a freed after my_func returned it: 0 bytes in use (got "
	              "%zu) and nothing left in the parent (%zu blocks)",
	              tracker.current_bytes, parent.live_blocks);
}
END_TEST

START_TEST(test_my_func_peak_is_both_lists)
{
	struct ex_mem_tracker tracker;
	struct ex_mem_line lines[3] = {{0}};

	grade_assert_code(ex_mem_tracker_init(&tracker, NULL), DP_OK);
	int32_t *a = my_func(&tracker, lines);
	ck_assert_msg(lines[0].peak_bytes == A_BYTES,
	              "after `a = [1] * (10**6)` the peak is a's %d bytes, the "
	              "tracker says %zu",
	              A_BYTES, lines[0].peak_bytes);
	ck_assert_msg(lines[2].peak_bytes == A_BYTES + B_BYTES,
	              "after `del b` only a is in use (%d bytes), but the peak "
	              "is a and b together, %d bytes: the tracker says %zu",
	              A_BYTES, A_BYTES + B_BYTES, lines[2].peak_bytes);
	dp_free(&tracker.base, a);
	ck_assert_msg(tracker.peak_bytes == A_BYTES + B_BYTES,
	              "freeing a does not lower the peak: %d, got %zu",
	              A_BYTES + B_BYTES, tracker.peak_bytes);
}
END_TEST

START_TEST(test_mem_tracker_refuses_bad_arguments)
{
	struct ex_mem_tracker tracker;
	struct ex_mem_line line = {0};

	grade_assert_code(ex_mem_tracker_init(NULL, NULL), DP_EINVAL);
	grade_assert_code(ex_mem_tracker_init(&tracker, NULL), DP_OK);
	grade_assert_code(ex_mem_tracker_mark(NULL, &line), DP_EINVAL);
	grade_assert_code(ex_mem_tracker_mark(&tracker, NULL), DP_EINVAL);
	char *block = dp_alloc(&tracker.base, 10);
	ck_assert_ptr_nonnull(block);
	grade_assert_code(ex_mem_tracker_mark(&tracker, &line), DP_OK);
	ck_assert_msg(line.increment == 10,
	              "a mark refused for a NULL argument must not start a new "
	              "line: 10 bytes since init, got %lld",
	              (long long)line.increment);
	dp_free(&tracker.base, block);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_profiled_call_forwards_argument_and_result",
         test_profiled_call_forwards_argument_and_result, 2,
         "Start with ex_profiler_init, ex_profiler_wrap and ex_profiled_call: "
         "the wrapper calls fn(ctx, arg) and returns its result. README step "
         "1."},
	{"test_profiled_call_counts_calls", test_profiled_call_counts_calls, 2,
         "Count each completed call in the wrapper's statistics."},
	{"test_profiled_call_times_with_the_injected_clock",
         test_profiled_call_times_with_the_injected_clock, 3,
         "Read the clock given to ex_profiler_init (with its clock_ctx) just "
         "before and just after the call; the difference is the call's time."},
	{"test_self_time_excludes_profiled_callees",
         test_self_time_excludes_profiled_callees, 4,
         "Self time needs to know how long the callees took: see children_ns "
         "in profiler.h and README step 2."},
	{"test_program_call_counts", test_program_call_counts, 3,
         "Implement ex_profiler_find; then check that every wrapped call is "
         "counted, however deep it is."},
	{"test_program_times_are_exact", test_program_times_are_exact, 3,
         "Work the figures out by hand from the program in README.md and "
         "compare with yours, function by function."},
	{"test_hottest_is_the_function_with_most_self_time",
         test_hottest_is_the_function_with_most_self_time, 4,
         "Which figure says where the time goes: calls, cumulative time, time "
         "per call or self time? README step 3."},
	{"test_recursive_cumulative_time_is_counted_once",
         test_recursive_cumulative_time_is_counted_once, 2,
         "A recursive call runs inside an outer call of the same function; use "
         "the `active` field. README step 4."},
	{"test_wrap_refuses_bad_arguments", test_wrap_refuses_bad_arguments, 1,
         "Check arguments before changing anything: NULL pointers, a duplicate "
         "name, a full table, in that order."},
	{"test_tracker_counts_requested_bytes",
         test_tracker_counts_requested_bytes, 3,
         "ex_mem_tracker_init points tracker->base at a function of yours that "
         "forwards to the parent; count the bytes the caller asked for, not "
         "what you ask the parent for. README step 6."},
	{"test_tracker_free_subtracts_the_block",
         test_tracker_free_subtracts_the_block, 2,
         "A free must know how many bytes leave, and the allocator interface "
         "does not say: where can the block keep its own size?"},
	{"test_tracker_peak_follows_realloc_growth",
         test_tracker_peak_follows_realloc_growth, 3,
         "A resize is a request like any other: the bytes in use change by "
         "new size minus old size, and the peak must see it."},
	{"test_tracker_refused_request_changes_nothing",
         test_tracker_refused_request_changes_nothing, 2,
         "Change the figures only after the parent said yes; when it returns "
         "NULL, the old block is still the caller's."},
	{"test_my_func_line_increments", test_my_func_line_increments, 4,
         "Each mark reports the bytes in use minus those at the previous mark "
         "(at init for the first), then remembers them. README step 7."},
	{"test_my_func_peak_is_both_lists", test_my_func_peak_is_both_lists, 3,
         "The peak is the most memory ever in use, reached in the middle of "
         "the function: update it when memory grows, never from the current "
         "figure at a mark."},
	{"test_mem_tracker_refuses_bad_arguments",
         test_mem_tracker_refuses_bad_arguments, 1,
         "Check both pointers before changing anything."},
};

int main(int argc, char **argv)
{
	return grade_main("08_profiler", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
