/*
 * Tests of the Singleton pattern: the explicit configuration on its own,
 * every error path, the clocks, and the default instance: built lazily,
 * exactly once under a race, replaceable and restorable.
 *
 * The default instance is process-wide state. Check runs each test in a
 * forked child, so every test starts with the default unbuilt, and main()
 * never touches it. (With CK_FORK=no the default tests would see each
 * other's state: run them in fork mode.)
 */
#define _POSIX_C_SOURCE 200809L

#include "common/dp_test.h"
#include "singleton/singleton.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A source of settings from a table, so most tests never touch the
 * environment. A NULL value is a variable that is not set. */
struct table_source {
	struct dp_config_source base;
	const char *log_level;
	const char *cache_capacity;
	const char *data_dir;
};

static const char *table_lookup(void *ctx, const char *name)
{
	const struct table_source *source = ctx;

	if (strcmp(name, "DP_LOG_LEVEL") == 0)
		return source->log_level;
	if (strcmp(name, "DP_CACHE_CAPACITY") == 0)
		return source->cache_capacity;
	if (strcmp(name, "DP_DATA_DIR") == 0)
		return source->data_dir;
	return NULL;
}

static struct table_source make_table(const char *log_level,
                                      const char *cache_capacity,
                                      const char *data_dir)
{
	struct table_source source = {
		.log_level = log_level,
		.cache_capacity = cache_capacity,
		.data_dir = data_dir,
	};
	source.base.lookup = table_lookup;
	return source;
}

/* Init from a table and return the code; frees the config on success. */
static int init_code(const char *log_level, const char *cache_capacity,
                     const char *data_dir)
{
	struct table_source source =
		make_table(log_level, cache_capacity, data_dir);
	struct dp_counting_allocator counter;
	struct dp_config config;

	dp_counting_allocator_init(&counter, NULL);
	source.base.ctx = &source;
	int rc = dp_config_init(&config, &source.base, NULL, &counter.base);
	if (rc == DP_OK)
		dp_config_deinit(&config);
	ck_assert_uint_eq(counter.live_blocks, 0);
	return rc;
}

/* Clear the variables, so that a test's environment is only what it sets. */
static void clear_environment(void)
{
	unsetenv("DP_LOG_LEVEL");
	unsetenv("DP_CACHE_CAPACITY");
	unsetenv("DP_DATA_DIR");
}

/* ---- the explicit instance ---------------------------------------------- */

START_TEST(test_unset_variables_take_their_defaults)
{
	struct table_source source = make_table(NULL, NULL, NULL);
	struct dp_config config;

	source.base.ctx = &source;
	ck_assert_int_eq(dp_config_init(&config, &source.base, NULL, NULL),
	                 DP_OK);
	ck_assert_int_eq(config.log_level, DP_LOG_INFO);
	ck_assert_uint_eq(config.cache_capacity,
	                  DP_CONFIG_DEFAULT_CACHE_CAPACITY);
	ck_assert_str_eq(config.data_dir, ".");
	ck_assert_ptr_eq(config.clock, &dp_clock_monotonic);
	ck_assert_ptr_null(config.alloc);
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_every_variable_is_read_from_the_source)
{
	struct table_source source =
		make_table("debug", "4096", "/var/lib/todo");
	struct dp_config config;

	source.base.ctx = &source;
	ck_assert_int_eq(dp_config_init(&config, &source.base, NULL, NULL),
	                 DP_OK);
	ck_assert_int_eq(config.log_level, DP_LOG_DEBUG);
	ck_assert_uint_eq(config.cache_capacity, 4096);
	ck_assert_str_eq(config.data_dir, "/var/lib/todo");
	/* The config owns a copy, not the source's string. */
	ck_assert_ptr_ne(config.data_dir, source.data_dir);
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_null_source_reads_the_process_environment)
{
	struct dp_config config;

	clear_environment();
	setenv("DP_LOG_LEVEL", "warn", 1);
	setenv("DP_DATA_DIR", "/srv/cache", 1);
	ck_assert_int_eq(dp_config_init(&config, NULL, NULL, NULL), DP_OK);
	ck_assert_int_eq(config.log_level, DP_LOG_WARN);
	ck_assert_uint_eq(config.cache_capacity,
	                  DP_CONFIG_DEFAULT_CACHE_CAPACITY);
	ck_assert_str_eq(config.data_dir, "/srv/cache");
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_each_log_level_name_is_accepted_and_named_back)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};
	struct table_source source = make_table(names[_i], NULL, NULL);
	struct dp_config config;

	source.base.ctx = &source;
	ck_assert_int_eq(dp_config_init(&config, &source.base, NULL, NULL),
	                 DP_OK);
	ck_assert_int_eq(config.log_level, _i);
	ck_assert_str_eq(dp_config_log_level_name(config.log_level), names[_i]);
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_an_unknown_log_level_has_a_name_too)
{
	ck_assert_str_eq(dp_config_log_level_name((enum dp_log_level)4),
	                 "unknown");
	ck_assert_str_eq(dp_config_log_level_name((enum dp_log_level) - 1),
	                 "unknown");
}
END_TEST

START_TEST(test_capacity_limits_and_leading_zeros_are_accepted)
{
	static const struct {
		const char *text;
		size_t value;
	} cases[] = {{"1", 1}, {"1048576", 1048576}, {"007", 7}};
	struct table_source source = make_table(NULL, cases[_i].text, NULL);
	struct dp_config config;

	source.base.ctx = &source;
	ck_assert_int_eq(dp_config_init(&config, &source.base, NULL, NULL),
	                 DP_OK);
	ck_assert_uint_eq(config.cache_capacity, cases[_i].value);
	dp_config_deinit(&config);
}
END_TEST

START_TEST(test_deinit_frees_the_copy_and_null_is_a_no_op)
{
	struct table_source source = make_table(NULL, NULL, "/srv/data");
	struct dp_counting_allocator counter;
	struct dp_config config;

	dp_counting_allocator_init(&counter, NULL);
	source.base.ctx = &source;
	ck_assert_int_eq(
		dp_config_init(&config, &source.base, NULL, &counter.base),
		DP_OK);
	ck_assert_uint_eq(counter.allocations, 1);
	ck_assert_uint_eq(counter.live_bytes, strlen("/srv/data") + 1);
	dp_config_deinit(&config);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_ptr_null(config.data_dir);
	dp_config_deinit(NULL);
}
END_TEST

START_TEST(test_explicit_instances_need_no_default)
{
	struct table_source source = make_table("error", "8", "/a");
	struct dp_config first;
	struct dp_config second;

	source.base.ctx = &source;
	ck_assert_int_eq(dp_config_init(&first, &source.base, NULL, NULL),
	                 DP_OK);
	source.cache_capacity = "16";
	ck_assert_int_eq(dp_config_init(&second, &source.base, NULL, NULL),
	                 DP_OK);
	/* Two independent instances side by side, as parallel tests need. */
	ck_assert_uint_eq(first.cache_capacity, 8);
	ck_assert_uint_eq(second.cache_capacity, 16);
	dp_config_deinit(&first);
	dp_config_deinit(&second);
	ck_assert_uint_eq(dp_config_default_initialisations(), 0);
}
END_TEST

/* ---- every error path of dp_config_init --------------------------------- */

static uint64_t always_42(void *ctx)
{
	(void)ctx;
	return 42;
}

START_TEST(test_init_rejects_null_config_and_incomplete_source_or_clock)
{
	static const struct dp_clock_ops no_now = {.name = "broken"};
	static const struct dp_clock_ops no_name = {.now_ns = always_42};
	const struct dp_clock no_ops = {.ops = NULL};
	const struct dp_clock missing_now = {.ops = &no_now};
	const struct dp_clock missing_name = {.ops = &no_name};
	const struct dp_config_source no_lookup = {.lookup = NULL};
	struct dp_counting_allocator counter;
	struct dp_config config;

	dp_counting_allocator_init(&counter, NULL);
	ck_assert_int_eq(dp_config_init(NULL, NULL, NULL, &counter.base),
	                 DP_EINVAL);
	ck_assert_int_eq(
		dp_config_init(&config, &no_lookup, NULL, &counter.base),
		DP_EINVAL);
	ck_assert_int_eq(dp_config_init(&config, NULL, &no_ops, &counter.base),
	                 DP_EINVAL);
	ck_assert_int_eq(
		dp_config_init(&config, NULL, &missing_now, &counter.base),
		DP_EINVAL);
	ck_assert_int_eq(
		dp_config_init(&config, NULL, &missing_name, &counter.base),
		DP_EINVAL);
	ck_assert_uint_eq(counter.allocations, 0);
}
END_TEST

START_TEST(test_a_bad_log_level_is_einval)
{
	static const char *const bad[] = {"", "INFO", "verbose", "info ", "2"};

	ck_assert_int_eq(init_code(bad[_i], NULL, NULL), DP_EINVAL);
}
END_TEST

START_TEST(test_a_capacity_that_is_not_a_plain_number_is_einval)
{
	static const char *const bad[] = {"",   "12abc", "-5", "+5",
	                                  " 5", "0x10",  "5 "};

	ck_assert_int_eq(init_code(NULL, bad[_i], NULL), DP_EINVAL);
}
END_TEST

START_TEST(test_a_capacity_out_of_range_is_erange)
{
	static const char *const bad[] = {"0", "000", "1048577",
	                                  "99999999999999999999999999"};

	ck_assert_int_eq(init_code(NULL, bad[_i], NULL), DP_ERANGE);
}
END_TEST

START_TEST(test_data_dir_must_be_non_empty_and_shorter_than_the_limit)
{
	char path[DP_CONFIG_MAX_PATH + 1];

	ck_assert_int_eq(init_code(NULL, NULL, ""), DP_EINVAL);
	memset(path, 'a', DP_CONFIG_MAX_PATH);
	path[DP_CONFIG_MAX_PATH] = '\0';
	ck_assert_int_eq(init_code(NULL, NULL, path), DP_ERANGE);
	path[DP_CONFIG_MAX_PATH - 1] = '\0';
	ck_assert_int_eq(init_code(NULL, NULL, path), DP_OK);
}
END_TEST

START_TEST(test_a_bad_setting_fails_the_whole_init_before_any_allocation)
{
	struct table_source source = make_table("debug", "0", "/ok");
	struct dp_counting_allocator counter;
	struct dp_config config;

	dp_counting_allocator_init(&counter, NULL);
	source.base.ctx = &source;
	ck_assert_int_eq(
		dp_config_init(&config, &source.base, NULL, &counter.base),
		DP_ERANGE);
	ck_assert_uint_eq(counter.allocations, 0);
}
END_TEST

START_TEST(test_init_fails_cleanly_at_every_allocation)
{
	struct table_source source = make_table("warn", "64", "/var/tmp");

	source.base.ctx = &source;
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		struct dp_config config;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);

		int rc = dp_config_init(&config, &source.base, NULL,
		                        &failing.base);
		if (!failing.failed) {
			ck_assert_int_eq(rc, DP_OK);
			dp_config_deinit(&config);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		ck_assert_int_eq(rc, DP_ENOMEM);
		ck_assert_uint_eq(counter.live_blocks, 0);
		ck_assert_uint_lt(n, 10);
	}
}
END_TEST

/* ---- clocks -------------------------------------------------------------- */

START_TEST(test_manual_clock_moves_only_when_advanced)
{
	struct dp_manual_clock clock;

	ck_assert_int_eq(dp_manual_clock_init(&clock, 1000), DP_OK);
	ck_assert_uint_eq(dp_clock_now_ns(&clock.base), 1000);
	ck_assert_uint_eq(dp_clock_now_ns(&clock.base), 1000);
	ck_assert_int_eq(dp_manual_clock_advance(&clock, 0), DP_OK);
	ck_assert_int_eq(dp_manual_clock_advance(&clock, 250), DP_OK);
	ck_assert_uint_eq(dp_clock_now_ns(&clock.base), 1250);
	ck_assert_str_eq(clock.base.ops->name, "manual");
}
END_TEST

START_TEST(test_manual_clock_refuses_to_wrap_and_null)
{
	struct dp_manual_clock clock;

	dp_manual_clock_init(&clock, UINT64_MAX - 10);
	ck_assert_int_eq(dp_manual_clock_advance(&clock, 11), DP_ERANGE);
	ck_assert_uint_eq(dp_clock_now_ns(&clock.base), UINT64_MAX - 10);
	ck_assert_int_eq(dp_manual_clock_advance(&clock, 10), DP_OK);
	ck_assert_uint_eq(dp_clock_now_ns(&clock.base), UINT64_MAX);
	ck_assert_int_eq(dp_manual_clock_init(NULL, 0), DP_EINVAL);
	ck_assert_int_eq(dp_manual_clock_advance(NULL, 1), DP_EINVAL);
}
END_TEST

START_TEST(test_monotonic_clock_never_goes_back_and_is_the_null_clock)
{
	uint64_t before = dp_clock_now_ns(&dp_clock_monotonic);

	for (int i = 0; i < 1000; i++) {
		uint64_t now =
			dp_clock_now_ns(i % 2 ? NULL : &dp_clock_monotonic);
		ck_assert_uint_ge(now, before);
		before = now;
	}
	ck_assert_str_eq(dp_clock_monotonic.ops->name, "monotonic");
}
END_TEST

START_TEST(test_a_config_reads_time_from_the_clock_it_was_given)
{
	struct dp_manual_clock clock;
	struct dp_config config;

	dp_manual_clock_init(&clock, 5);
	ck_assert_int_eq(dp_config_init(&config, NULL, &clock.base, NULL),
	                 DP_OK);
	ck_assert_ptr_eq(config.clock, &clock.base);
	dp_manual_clock_advance(&clock, 7);
	ck_assert_uint_eq(dp_clock_now_ns(config.clock), 12);
	dp_config_deinit(&config);
}
END_TEST

/* ---- the default instance ------------------------------------------------ */

START_TEST(test_default_is_built_on_first_use_and_then_reused)
{
	int status = 1;

	clear_environment();
	ck_assert_uint_eq(dp_config_default_initialisations(), 0);
	const struct dp_config *first = dp_config_default(&status);
	ck_assert_ptr_nonnull(first);
	ck_assert_int_eq(status, DP_OK);
	ck_assert_uint_eq(dp_config_default_initialisations(), 1);
	ck_assert_ptr_eq(dp_config_default(NULL), first);
	ck_assert_uint_eq(dp_config_default_initialisations(), 1);
	ck_assert_uint_eq(first->cache_capacity,
	                  DP_CONFIG_DEFAULT_CACHE_CAPACITY);
	ck_assert_ptr_eq(first->clock, &dp_clock_monotonic);
}
END_TEST

START_TEST(test_default_reads_the_environment_once)
{
	clear_environment();
	setenv("DP_CACHE_CAPACITY", "1024", 1);
	const struct dp_config *config = dp_config_default(NULL);
	ck_assert_ptr_nonnull(config);
	ck_assert_uint_eq(config->cache_capacity, 1024);
	/* Read once: a later change of the environment is not seen. */
	setenv("DP_CACHE_CAPACITY", "2048", 1);
	ck_assert_uint_eq(dp_config_default(NULL)->cache_capacity, 1024);
}
END_TEST

START_TEST(test_an_invalid_environment_fails_once_and_for_all)
{
	int status = DP_OK;

	clear_environment();
	setenv("DP_CACHE_CAPACITY", "0", 1);
	ck_assert_ptr_null(dp_config_default(&status));
	ck_assert_int_eq(status, DP_ERANGE);
	/* Fixing the environment does not help: it was read once. */
	setenv("DP_CACHE_CAPACITY", "10", 1);
	status = DP_OK;
	ck_assert_ptr_null(dp_config_default(&status));
	ck_assert_int_eq(status, DP_ERANGE);
	ck_assert_uint_eq(dp_config_default_initialisations(), 1);
}
END_TEST

/* The race: every thread waits at the barrier, then all ask at once. */
enum { RACERS = 32 };

struct racer {
	pthread_barrier_t *start;
	const struct dp_config *seen;
	int status;
};

static void *race_to_the_default(void *arg)
{
	struct racer *racer = arg;

	pthread_barrier_wait(racer->start);
	racer->seen = dp_config_default(&racer->status);
	return NULL;
}

START_TEST(test_racing_threads_build_the_default_exactly_once)
{
	pthread_barrier_t start;
	pthread_t threads[RACERS];
	struct racer racers[RACERS];

	clear_environment();
	setenv("DP_LOG_LEVEL", "debug", 1);
	ck_assert_int_eq(pthread_barrier_init(&start, NULL, RACERS), 0);
	for (size_t i = 0; i < RACERS; i++) {
		racers[i] = (struct racer){.start = &start, .status = 1};
		ck_assert_int_eq(pthread_create(&threads[i], NULL,
		                                race_to_the_default,
		                                &racers[i]),
		                 0);
	}
	for (size_t i = 0; i < RACERS; i++)
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
	pthread_barrier_destroy(&start);

	ck_assert_uint_eq(dp_config_default_initialisations(), 1);
	ck_assert_ptr_nonnull(racers[0].seen);
	for (size_t i = 0; i < RACERS; i++) {
		ck_assert_ptr_eq(racers[i].seen, racers[0].seen);
		ck_assert_int_eq(racers[i].status, DP_OK);
	}
	/* Every thread saw a complete object, not a half-built one. */
	ck_assert_int_eq(racers[RACERS - 1].seen->log_level, DP_LOG_DEBUG);
	ck_assert_str_eq(racers[RACERS - 1].seen->data_dir, ".");
}
END_TEST

START_TEST(test_a_substitute_replaces_the_default_until_removed)
{
	struct table_source source = make_table(NULL, "3", NULL);
	struct dp_config mine;

	clear_environment();
	source.base.ctx = &source;
	dp_config_init(&mine, &source.base, NULL, NULL);
	ck_assert_ptr_null(dp_config_set_default(&mine));
	ck_assert_ptr_eq(dp_config_default(NULL), &mine);
	/* Installing a substitute built nothing from the environment. */
	ck_assert_uint_eq(dp_config_default_initialisations(), 0);

	ck_assert_ptr_eq(dp_config_set_default(NULL), &mine);
	const struct dp_config *restored = dp_config_default(NULL);
	ck_assert_ptr_nonnull(restored);
	ck_assert_ptr_ne(restored, &mine);
	ck_assert_uint_eq(restored->cache_capacity,
	                  DP_CONFIG_DEFAULT_CACHE_CAPACITY);
	ck_assert_uint_eq(dp_config_default_initialisations(), 1);
	dp_config_deinit(&mine);
}
END_TEST

START_TEST(test_substitutes_nest_and_restore_in_order)
{
	struct table_source source = make_table(NULL, NULL, NULL);
	struct dp_config outer;
	struct dp_config inner;

	source.base.ctx = &source;
	dp_config_init(&outer, &source.base, NULL, NULL);
	dp_config_init(&inner, &source.base, NULL, NULL);

	const struct dp_config *saved_outer = dp_config_set_default(&outer);
	const struct dp_config *saved_inner = dp_config_set_default(&inner);
	ck_assert_ptr_null(saved_outer);
	ck_assert_ptr_eq(saved_inner, &outer);
	ck_assert_ptr_eq(dp_config_default(NULL), &inner);
	ck_assert_ptr_eq(dp_config_set_default(saved_inner), &inner);
	ck_assert_ptr_eq(dp_config_default(NULL), &outer);
	ck_assert_ptr_eq(dp_config_set_default(saved_outer), &outer);
	dp_config_deinit(&outer);
	dp_config_deinit(&inner);
}
END_TEST

START_TEST(test_a_substitute_hides_an_invalid_environment)
{
	struct table_source source = make_table(NULL, NULL, NULL);
	struct dp_config mine;
	int status = 1;

	clear_environment();
	setenv("DP_LOG_LEVEL", "chatty", 1);
	source.base.ctx = &source;
	dp_config_init(&mine, &source.base, NULL, NULL);
	dp_config_set_default(&mine);
	ck_assert_ptr_eq(dp_config_default(&status), &mine);
	ck_assert_int_eq(status, DP_OK);
	dp_config_set_default(NULL);
	ck_assert_ptr_null(dp_config_default(&status));
	ck_assert_int_eq(status, DP_EINVAL);
	dp_config_deinit(&mine);
}
END_TEST

/* Readers use the default while the main thread swaps substitutes: each
 * reader must always see one complete config, never a mix. */
enum { READERS = 8, SWAPS = 2000 };

struct swap_race {
	atomic_bool stop;
	atomic_uint mixed;
};

static void *read_the_default_until_stopped(void *arg)
{
	struct swap_race *race = arg;

	while (!atomic_load(&race->stop)) {
		const struct dp_config *config = dp_config_default(NULL);
		/* Both substitutes pair the capacity with the log level. */
		bool consistent = (config->cache_capacity == 1 &&
		                   config->log_level == DP_LOG_ERROR) ||
		                  (config->cache_capacity == 2 &&
		                   config->log_level == DP_LOG_DEBUG);
		if (!consistent)
			atomic_fetch_add(&race->mixed, 1);
	}
	return NULL;
}

START_TEST(test_readers_see_whole_substitutes_while_they_are_swapped)
{
	struct table_source a = make_table("error", "1", NULL);
	struct table_source b = make_table("debug", "2", NULL);
	struct dp_config configs[2];
	struct swap_race race;
	pthread_t readers[READERS];

	a.base.ctx = &a;
	b.base.ctx = &b;
	dp_config_init(&configs[0], &a.base, NULL, NULL);
	dp_config_init(&configs[1], &b.base, NULL, NULL);
	atomic_init(&race.stop, false);
	atomic_init(&race.mixed, 0);
	dp_config_set_default(&configs[0]);
	for (size_t i = 0; i < READERS; i++)
		ck_assert_int_eq(pthread_create(&readers[i], NULL,
		                                read_the_default_until_stopped,
		                                &race),
		                 0);
	for (int i = 0; i < SWAPS; i++)
		dp_config_set_default(&configs[i % 2]);
	atomic_store(&race.stop, true);
	for (size_t i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);

	ck_assert_uint_eq(atomic_load(&race.mixed), 0);
	ck_assert_uint_eq(dp_config_default_initialisations(), 0);
	dp_config_set_default(NULL);
	dp_config_deinit(&configs[0]);
	dp_config_deinit(&configs[1]);
}
END_TEST

static Suite *singleton_suite(void)
{
	Suite *suite = suite_create("singleton");
	TCase *tc;

	tc = dp_test_case(suite, "explicit instance");
	tcase_add_test(tc, test_unset_variables_take_their_defaults);
	tcase_add_test(tc, test_every_variable_is_read_from_the_source);
	tcase_add_test(tc, test_null_source_reads_the_process_environment);
	tcase_add_loop_test(
		tc, test_each_log_level_name_is_accepted_and_named_back, 0, 4);
	tcase_add_test(tc, test_an_unknown_log_level_has_a_name_too);
	tcase_add_loop_test(
		tc, test_capacity_limits_and_leading_zeros_are_accepted, 0, 3);
	tcase_add_test(tc, test_deinit_frees_the_copy_and_null_is_a_no_op);
	tcase_add_test(tc, test_explicit_instances_need_no_default);

	tc = dp_test_case(suite, "errors");
	tcase_add_test(
		tc,
		test_init_rejects_null_config_and_incomplete_source_or_clock);
	tcase_add_loop_test(tc, test_a_bad_log_level_is_einval, 0, 5);
	tcase_add_loop_test(
		tc, test_a_capacity_that_is_not_a_plain_number_is_einval, 0, 7);
	tcase_add_loop_test(tc, test_a_capacity_out_of_range_is_erange, 0, 4);
	tcase_add_test(
		tc, test_data_dir_must_be_non_empty_and_shorter_than_the_limit);
	tcase_add_test(
		tc,
		test_a_bad_setting_fails_the_whole_init_before_any_allocation);
	tcase_add_test(tc, test_init_fails_cleanly_at_every_allocation);

	tc = dp_test_case(suite, "clocks");
	tcase_add_test(tc, test_manual_clock_moves_only_when_advanced);
	tcase_add_test(tc, test_manual_clock_refuses_to_wrap_and_null);
	tcase_add_test(
		tc, test_monotonic_clock_never_goes_back_and_is_the_null_clock);
	tcase_add_test(tc,
	               test_a_config_reads_time_from_the_clock_it_was_given);

	tc = dp_test_case(suite, "default instance");
	tcase_add_test(tc, test_default_is_built_on_first_use_and_then_reused);
	tcase_add_test(tc, test_default_reads_the_environment_once);
	tcase_add_test(tc, test_an_invalid_environment_fails_once_and_for_all);
	tcase_add_test(tc, test_racing_threads_build_the_default_exactly_once);
	tcase_add_test(tc,
	               test_a_substitute_replaces_the_default_until_removed);
	tcase_add_test(tc, test_substitutes_nest_and_restore_in_order);
	tcase_add_test(tc, test_a_substitute_hides_an_invalid_environment);
	tcase_add_test(
		tc, test_readers_see_whole_substitutes_while_they_are_swapped);

	return suite;
}

int main(void)
{
	return dp_test_run(singleton_suite());
}
