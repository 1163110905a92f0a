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
};

int main(int argc, char **argv)
{
	return grade_main("08_profiler", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
