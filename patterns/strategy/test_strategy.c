/*
 * Tests of the Strategy pattern: every strategy behaves the same, the
 * strategy can be changed under the keys, every error path returns its
 * documented code, and every allocation failure leaks nothing.
 *
 * Tests that hold for any strategy are loop tests over STRATEGIES, so each
 * runs once per strategy and a failure names the iteration.
 */
#include "common/dp_test.h"
#include "strategy/strategy.h"

#include <stdint.h>
#include <string.h>

static const struct dp_set_ops *const STRATEGIES[] = {
	&dp_set_linear,
	&dp_set_sorted,
	&dp_set_hash,
};
enum { N_STRATEGIES = DP_ARRAY_SIZE(STRATEGIES) };

/* Whether two sets hold exactly the same keys. */
static bool same_keys(const dp_set *a, const dp_set *b)
{
	size_t n = dp_set_size(a);
	if (n != dp_set_size(b))
		return false;
	int64_t *ka = n ? calloc(n, sizeof(*ka)) : NULL;
	int64_t *kb = n ? calloc(n, sizeof(*kb)) : NULL;
	bool same = dp_set_copy_keys(a, ka, n) == DP_OK &&
	            dp_set_copy_keys(b, kb, n) == DP_OK &&
	            (n == 0 || memcmp(ka, kb, n * sizeof(*ka)) == 0);
	free(ka);
	free(kb);
	return same;
}

/* ---- behaviour, for every strategy ------------------------------------- */

START_TEST(test_new_set_is_empty)
{
	dp_set *set = dp_set_create(STRATEGIES[_i], NULL);

	ck_assert_ptr_nonnull(set);
	ck_assert_uint_eq(dp_set_size(set), 0);
	ck_assert(!dp_set_contains(set, 0));
	ck_assert_ptr_eq(dp_set_strategy(set), STRATEGIES[_i]);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_added_keys_are_found_and_others_are_not)
{
	dp_set *set = dp_set_create(STRATEGIES[_i], NULL);

	for (int64_t key = 0; key < 100; key += 2)
		ck_assert_int_eq(dp_set_add(set, key), DP_OK);
	ck_assert_uint_eq(dp_set_size(set), 50);
	for (int64_t key = -1; key < 101; key++)
		ck_assert_msg(dp_set_contains(set, key) ==
		                      (key >= 0 && key < 100 && key % 2 == 0),
		              "%s: wrong answer for %lld", STRATEGIES[_i]->name,
		              (long long)key);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_adding_a_present_key_returns_eexist)
{
	dp_set *set = dp_set_create(STRATEGIES[_i], NULL);

	ck_assert_int_eq(dp_set_add(set, 7), DP_OK);
	ck_assert_int_eq(dp_set_add(set, 7), DP_EEXIST);
	ck_assert_uint_eq(dp_set_size(set), 1);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_removing_a_key_forgets_it_and_absent_keys_are_enoent)
{
	dp_set *set = dp_set_create(STRATEGIES[_i], NULL);

	ck_assert_int_eq(dp_set_remove(set, 1), DP_ENOENT);
	for (int64_t key = 1; key <= 20; key++)
		dp_set_add(set, key);
	ck_assert_int_eq(dp_set_remove(set, 10), DP_OK);
	ck_assert_int_eq(dp_set_remove(set, 10), DP_ENOENT);
	ck_assert_int_eq(dp_set_remove(set, 99), DP_ENOENT);
	ck_assert(!dp_set_contains(set, 10));
	ck_assert(dp_set_contains(set, 9));
	ck_assert(dp_set_contains(set, 11));
	ck_assert_uint_eq(dp_set_size(set), 19);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_extreme_keys_are_ordinary_keys)
{
	const int64_t keys[] = {INT64_MIN, -1, 0, 1, INT64_MAX};
	dp_set *set = dp_set_create(STRATEGIES[_i], NULL);

	for (size_t i = 0; i < DP_ARRAY_SIZE(keys); i++)
		ck_assert_int_eq(dp_set_add(set, keys[i]), DP_OK);
	int64_t out[DP_ARRAY_SIZE(keys)];
	ck_assert_int_eq(dp_set_copy_keys(set, out, DP_ARRAY_SIZE(out)), DP_OK);
	ck_assert_mem_eq(out, keys, sizeof(keys));
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_copy_keys_gives_ascending_order)
{
	dp_set *set = dp_set_create(STRATEGIES[_i], NULL);
	const int64_t keys[] = {42, -7, 1000, 3, 0};
	const int64_t sorted[] = {-7, 0, 3, 42, 1000};

	for (size_t i = 0; i < DP_ARRAY_SIZE(keys); i++)
		dp_set_add(set, keys[i]);
	int64_t out[8];
	ck_assert_int_eq(dp_set_copy_keys(set, out, DP_ARRAY_SIZE(out)), DP_OK);
	ck_assert_mem_eq(out, sorted, sizeof(sorted));
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_add_many_skips_repeats_and_reports_how_many_were_new)
{
	dp_set *set = dp_set_create(STRATEGIES[_i], NULL);
	const int64_t batch[] = {5, 3, 5, 9, 1, 3};
	size_t added = 99;

	dp_set_add(set, 9);
	ck_assert_int_eq(
		dp_set_add_many(set, batch, DP_ARRAY_SIZE(batch), &added),
		DP_OK);
	ck_assert_uint_eq(added, 3);
	ck_assert_uint_eq(dp_set_size(set), 4);
	ck_assert_ptr_eq(dp_set_strategy(set), STRATEGIES[_i]);
	ck_assert_int_eq(dp_set_add_many(set, NULL, 0, &added), DP_OK);
	ck_assert_uint_eq(added, 0);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_random_operations_match_a_reference_model)
{
	/* Keys are drawn from a small range so that adds, repeats and
	 * removes all happen often, and the hash table wraps and shifts. */
	enum { RANGE = 512, OPS = 20000 };
	bool model[RANGE] = {false};
	size_t model_size = 0;
	uint64_t seed = 1;
	dp_set *set = dp_set_create(STRATEGIES[_i], NULL);

	for (int op = 0; op < OPS; op++) {
		uint64_t r = dp_random_next(&seed);
		int64_t key = (int64_t)(r % RANGE) - RANGE / 2;
		bool *present = &model[key + RANGE / 2];
		if ((r >> 32) % 3 != 0) {
			ck_assert_int_eq(dp_set_add(set, key),
			                 *present ? DP_EEXIST : DP_OK);
			model_size += !*present;
			*present = true;
		} else {
			ck_assert_int_eq(dp_set_remove(set, key),
			                 *present ? DP_OK : DP_ENOENT);
			model_size -= *present;
			*present = false;
		}
		ck_assert_uint_eq(dp_set_size(set), model_size);
	}
	for (int64_t key = -RANGE / 2; key < RANGE / 2; key++)
		ck_assert(dp_set_contains(set, key) == model[key + RANGE / 2]);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_destroy_frees_every_byte)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_set *set = dp_set_create(STRATEGIES[_i], &counter.base);

	for (int64_t key = 0; key < 1000; key++)
		dp_set_add(set, key * 7919);
	for (int64_t key = 0; key < 1000; key += 3)
		dp_set_remove(set, key * 7919);
	ck_assert_uint_gt(counter.live_bytes, 0);
	dp_set_destroy(set);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(counter.live_bytes, 0);
	ck_assert_uint_eq(counter.allocations, counter.frees);
}
END_TEST

/* ---- the same answers from every strategy ------------------------------ */

START_TEST(test_every_strategy_gives_the_same_answers_on_the_same_data)
{
	dp_set *sets[N_STRATEGIES];
	uint64_t seed = 42;

	for (size_t s = 0; s < N_STRATEGIES; s++)
		sets[s] = dp_set_create(STRATEGIES[s], NULL);
	for (int op = 0; op < 5000; op++) {
		uint64_t r = dp_random_next(&seed);
		int64_t key = (int64_t)(r % 1000);
		bool add = (r >> 40) % 4 != 0;
		int expected = add ? dp_set_add(sets[0], key)
		                   : dp_set_remove(sets[0], key);
		for (size_t s = 1; s < N_STRATEGIES; s++) {
			int rc = add ? dp_set_add(sets[s], key)
			             : dp_set_remove(sets[s], key);
			ck_assert_msg(rc == expected, "%s answered %s, %s %s",
			              STRATEGIES[s]->name, dp_error_name(rc),
			              STRATEGIES[0]->name,
			              dp_error_name(expected));
		}
	}
	for (size_t s = 1; s < N_STRATEGIES; s++)
		ck_assert(same_keys(sets[0], sets[s]));
	for (size_t s = 0; s < N_STRATEGIES; s++)
		dp_set_destroy(sets[s]);
}
END_TEST

/* ---- changing strategy at run time -------------------------------------- */

START_TEST(test_changing_strategy_keeps_the_contents)
{
	/* One iteration per ordered pair (from, to). */
	const struct dp_set_ops *from = STRATEGIES[_i / N_STRATEGIES];
	const struct dp_set_ops *to = STRATEGIES[_i % N_STRATEGIES];
	dp_set *set = dp_set_create(from, NULL);
	dp_set *reference = dp_set_create(&dp_set_sorted, NULL);
	uint64_t seed = 7;

	for (int i = 0; i < 300; i++) {
		int64_t key = (int64_t)(dp_random_next(&seed) % 100000);
		dp_set_add(set, key);
		dp_set_add(reference, key);
	}
	ck_assert_int_eq(dp_set_change_strategy(set, to), DP_OK);
	ck_assert_ptr_eq(dp_set_strategy(set), to);
	ck_assert(same_keys(set, reference));
	/* The new strategy is fully working, not just a copy. */
	ck_assert_int_eq(dp_set_add(set, -5), DP_OK);
	ck_assert_int_eq(dp_set_add(set, -5), DP_EEXIST);
	ck_assert_int_eq(dp_set_remove(set, -5), DP_OK);
	dp_set_destroy(set);
	dp_set_destroy(reference);
}
END_TEST

START_TEST(test_changing_to_the_same_strategy_does_nothing)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_set *set = dp_set_create(&dp_set_hash, &counter.base);

	dp_set_add(set, 1);
	size_t allocations = counter.allocations;
	ck_assert_int_eq(dp_set_change_strategy(set, &dp_set_hash), DP_OK);
	ck_assert_uint_eq(counter.allocations, allocations);
	ck_assert(dp_set_contains(set, 1));
	dp_set_destroy(set);
}
END_TEST

/* ---- the hash table's removal keeps every key reachable ----------------- */

START_TEST(test_hash_removal_keeps_colliding_keys_reachable)
{
	/* Seven keys in a 16-slot table form runs of neighbouring slots,
	 * some wrapping past the end; removing every other key forces the
	 * backward shift to move keys across the holes. Fifty rounds with
	 * different keys give many run shapes. The reference-model test
	 * covers the same code with random operations. */
	dp_set *set = dp_set_create(&dp_set_hash, NULL);

	for (int round = 0; round < 50; round++) {
		for (int64_t key = 0; key < 7; key++)
			ck_assert_int_eq(dp_set_add(set, key * 16 + round),
			                 DP_OK);
		for (int64_t key = 0; key < 7; key += 2)
			ck_assert_int_eq(dp_set_remove(set, key * 16 + round),
			                 DP_OK);
		for (int64_t key = 0; key < 7; key++)
			ck_assert(dp_set_contains(set, key * 16 + round) ==
			          (key % 2 == 1));
		for (int64_t key = 1; key < 7; key += 2)
			ck_assert_int_eq(dp_set_remove(set, key * 16 + round),
			                 DP_OK);
		ck_assert_uint_eq(dp_set_size(set), 0);
	}
	dp_set_destroy(set);
}
END_TEST

/* ---- a strategy written outside the library ------------------------------ */

/* A Decorator over the linear strategy that counts lookups: it proves the
 * set reaches its strategy through the table, once per call. */
static size_t lookups;

static bool counted_contains(const void *state, int64_t key)
{
	lookups++;
	return dp_set_linear.contains(state, key);
}

START_TEST(test_a_strategy_defined_by_the_caller_is_used_for_every_lookup)
{
	struct dp_set_ops counted = dp_set_linear;
	counted.name = "counted";
	counted.contains = counted_contains;
	dp_set *set = dp_set_create(&counted, NULL);

	dp_set_add(set, 1);
	lookups = 0;
	ck_assert(dp_set_contains(set, 1));
	ck_assert(!dp_set_contains(set, 2));
	ck_assert_uint_eq(lookups, 2);
	ck_assert_str_eq(dp_set_strategy(set)->name, "counted");
	dp_set_destroy(set);
}
END_TEST

/* ---- invalid arguments ---------------------------------------------------- */

START_TEST(test_create_rejects_missing_or_incomplete_ops)
{
	ck_assert_ptr_null(dp_set_create(NULL, NULL));

	/* Each required slot left NULL in turn (iteration _i). */
	struct dp_set_ops ops = dp_set_linear;
	switch (_i) {
	case 0:
		ops.name = NULL;
		break;
	case 1:
		ops.create = NULL;
		break;
	case 2:
		ops.destroy = NULL;
		break;
	case 3:
		ops.insert = NULL;
		break;
	case 4:
		ops.remove = NULL;
		break;
	case 5:
		ops.contains = NULL;
		break;
	case 6:
		ops.size = NULL;
		break;
	case 7:
		ops.export_keys = NULL;
		break;
	}
	ck_assert_ptr_null(dp_set_create(&ops, NULL));
	dp_set *set = dp_set_create(&dp_set_hash, NULL);
	ck_assert_int_eq(dp_set_change_strategy(set, &ops), DP_EINVAL);
	ck_assert_ptr_eq(dp_set_strategy(set), &dp_set_hash);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_optional_load_sorted_may_be_null)
{
	struct dp_set_ops ops = dp_set_sorted;
	ops.load_sorted = NULL;
	const int64_t keys[] = {3, 1, 2};
	dp_set *set = dp_set_create(&ops, NULL);

	ck_assert_ptr_nonnull(set);
	ck_assert_int_eq(dp_set_add_many(set, keys, 3, NULL), DP_OK);
	ck_assert_uint_eq(dp_set_size(set), 3);
	ck_assert(dp_set_contains(set, 2));
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_null_set_is_rejected_by_every_function)
{
	int64_t key = 1;
	size_t added = 5;

	ck_assert_int_eq(dp_set_add(NULL, 1), DP_EINVAL);
	ck_assert_int_eq(dp_set_remove(NULL, 1), DP_EINVAL);
	ck_assert_int_eq(dp_set_add_many(NULL, &key, 1, &added), DP_EINVAL);
	ck_assert_uint_eq(added, 5);
	ck_assert_int_eq(dp_set_copy_keys(NULL, &key, 1), DP_EINVAL);
	ck_assert_int_eq(dp_set_change_strategy(NULL, &dp_set_hash), DP_EINVAL);
	ck_assert(!dp_set_contains(NULL, 1));
	ck_assert_uint_eq(dp_set_size(NULL), 0);
	ck_assert_ptr_null(dp_set_strategy(NULL));
	dp_set_destroy(NULL);
}
END_TEST

START_TEST(test_add_many_rejects_null_keys_and_an_overflowing_count)
{
	dp_set *set = dp_set_create(&dp_set_sorted, NULL);
	int64_t key = 1;

	ck_assert_int_eq(dp_set_add_many(set, NULL, 3, NULL), DP_EINVAL);
	dp_set_add(set, 1);
	/* The count is checked before any key is read. */
	ck_assert_int_eq(dp_set_add_many(set, &key, SIZE_MAX, NULL), DP_ERANGE);
	ck_assert_uint_eq(dp_set_size(set), 1);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_copy_keys_rejects_a_short_buffer_and_writes_nothing)
{
	dp_set *set = dp_set_create(&dp_set_linear, NULL);
	int64_t out[2] = {-1, -1};

	dp_set_add(set, 10);
	dp_set_add(set, 20);
	dp_set_add(set, 30);
	ck_assert_int_eq(dp_set_copy_keys(set, out, 2), DP_ERANGE);
	ck_assert_int_eq(out[0], -1);
	ck_assert_int_eq(out[1], -1);
	ck_assert_int_eq(dp_set_copy_keys(set, NULL, 3), DP_EINVAL);
	dp_set_destroy(set);
}
END_TEST

START_TEST(test_change_strategy_rejects_null_ops)
{
	dp_set *set = dp_set_create(&dp_set_linear, NULL);

	dp_set_add(set, 3);
	ck_assert_int_eq(dp_set_change_strategy(set, NULL), DP_EINVAL);
	ck_assert_ptr_eq(dp_set_strategy(set), &dp_set_linear);
	ck_assert(dp_set_contains(set, 3));
	dp_set_destroy(set);
}
END_TEST

/* ---- every allocation failure: DP_ENOMEM, no change, no leak ------------- */

/*
 * Each sweep fails the 1st, 2nd, 3rd... allocation of one operation until
 * the operation succeeds without reaching the failure, so every DP_ENOMEM
 * path is taken once. The counting allocator underneath proves that none
 * of them leaks.
 */

START_TEST(test_create_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);

		dp_set *set = dp_set_create(STRATEGIES[_i], &failing.base);
		if (!failing.failed) {
			ck_assert_ptr_nonnull(set);
			dp_set_destroy(set);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		ck_assert_ptr_null(set);
		ck_assert_uint_eq(counter.live_blocks, 0);
	}
}
END_TEST

/* Which operation a sweep fails; the set is prepared without failures. */
enum operation { OP_ADD_GROWING, OP_ADD_MANY, OP_CHANGE_STRATEGY };

static void sweep(const struct dp_set_ops *ops, enum operation operation,
                  const struct dp_set_ops *other)
{
	const int64_t batch[] = {100, 101, 102, 103, 104, 105, 106, 107, 108};

	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		dp_set *set = dp_set_create(ops, &failing.base);
		dp_set *before = dp_set_create(&dp_set_sorted, NULL);
		/* 8 keys fill both the arrays' first block and the hash
		 * table's first 16 slots at load 1/2: the next add grows. */
		for (int64_t key = 0; key < 8; key++) {
			dp_set_add(set, key);
			dp_set_add(before, key);
		}

		failing.fail_at = failing.requests + n;
		int rc = DP_OK;
		switch (operation) {
		case OP_ADD_GROWING:
			rc = dp_set_add(set, 8);
			break;
		case OP_ADD_MANY:
			rc = dp_set_add_many(set, batch, DP_ARRAY_SIZE(batch),
			                     NULL);
			break;
		case OP_CHANGE_STRATEGY:
			rc = dp_set_change_strategy(set, other);
			break;
		}

		if (failing.failed) {
			ck_assert_int_eq(rc, DP_ENOMEM);
			ck_assert_ptr_eq(dp_set_strategy(set), ops);
			ck_assert(same_keys(set, before));
		} else {
			ck_assert_int_eq(rc, DP_OK);
		}
		dp_set_destroy(set);
		dp_set_destroy(before);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
		ck_assert_uint_lt(n, 100); /* Cannot loop forever. */
	}
}

START_TEST(test_add_fails_cleanly_when_growing_fails)
{
	sweep(STRATEGIES[_i], OP_ADD_GROWING, NULL);
}
END_TEST

START_TEST(test_add_many_fails_cleanly_at_every_allocation)
{
	sweep(STRATEGIES[_i], OP_ADD_MANY, NULL);
}
END_TEST

START_TEST(test_change_strategy_fails_cleanly_at_every_allocation)
{
	const struct dp_set_ops *from = STRATEGIES[_i / N_STRATEGIES];
	const struct dp_set_ops *to = STRATEGIES[_i % N_STRATEGIES];

	sweep(from, OP_CHANGE_STRATEGY, to);
}
END_TEST

static Suite *strategy_suite(void)
{
	Suite *suite = suite_create("strategy");
	TCase *tc;

	tc = dp_test_case(suite, "behaviour");
	tcase_add_loop_test(tc, test_new_set_is_empty, 0, N_STRATEGIES);
	tcase_add_loop_test(tc, test_added_keys_are_found_and_others_are_not, 0,
	                    N_STRATEGIES);
	tcase_add_loop_test(tc, test_adding_a_present_key_returns_eexist, 0,
	                    N_STRATEGIES);
	tcase_add_loop_test(
		tc, test_removing_a_key_forgets_it_and_absent_keys_are_enoent,
		0, N_STRATEGIES);
	tcase_add_loop_test(tc, test_extreme_keys_are_ordinary_keys, 0,
	                    N_STRATEGIES);
	tcase_add_loop_test(tc, test_copy_keys_gives_ascending_order, 0,
	                    N_STRATEGIES);
	tcase_add_loop_test(
		tc, test_add_many_skips_repeats_and_reports_how_many_were_new,
		0, N_STRATEGIES);
	tcase_add_loop_test(tc, test_random_operations_match_a_reference_model,
	                    0, N_STRATEGIES);
	tcase_add_loop_test(tc, test_destroy_frees_every_byte, 0, N_STRATEGIES);
	tcase_add_test(
		tc,
		test_every_strategy_gives_the_same_answers_on_the_same_data);
	tcase_add_test(tc, test_hash_removal_keeps_colliding_keys_reachable);
	tcase_add_test(
		tc,
		test_a_strategy_defined_by_the_caller_is_used_for_every_lookup);

	tc = dp_test_case(suite, "change");
	tcase_add_loop_test(tc, test_changing_strategy_keeps_the_contents, 0,
	                    N_STRATEGIES * N_STRATEGIES);
	tcase_add_test(tc, test_changing_to_the_same_strategy_does_nothing);

	tc = dp_test_case(suite, "errors");
	tcase_add_loop_test(tc, test_create_rejects_missing_or_incomplete_ops,
	                    0, 8);
	tcase_add_test(tc, test_optional_load_sorted_may_be_null);
	tcase_add_test(tc, test_null_set_is_rejected_by_every_function);
	tcase_add_test(
		tc, test_add_many_rejects_null_keys_and_an_overflowing_count);
	tcase_add_test(
		tc, test_copy_keys_rejects_a_short_buffer_and_writes_nothing);
	tcase_add_test(tc, test_change_strategy_rejects_null_ops);

	tc = dp_test_case(suite, "out of memory");
	tcase_add_loop_test(tc, test_create_fails_cleanly_at_every_allocation,
	                    0, N_STRATEGIES);
	tcase_add_loop_test(tc, test_add_fails_cleanly_when_growing_fails, 0,
	                    N_STRATEGIES);
	tcase_add_loop_test(tc, test_add_many_fails_cleanly_at_every_allocation,
	                    0, N_STRATEGIES);
	tcase_add_loop_test(
		tc, test_change_strategy_fails_cleanly_at_every_allocation, 0,
		N_STRATEGIES * N_STRATEGIES);

	return suite;
}

int main(void)
{
	return dp_test_run(strategy_suite());
}
