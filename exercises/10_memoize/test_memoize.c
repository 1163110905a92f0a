/*
 * Exercise 10: the graded tests of the LRU cache and the memoizer.
 *
 * The expected cache_info() figures were computed on this machine with
 * Python 3's functools.lru_cache, decorating the same functions:
 *
 *     @lru_cache(maxsize=128)
 *     def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)
 *     fib(30); fib.cache_info()
 *     # CacheInfo(hits=28, misses=31, maxsize=128, currsize=31)
 *
 * with maxsize=2, fib(20) gives CacheInfo(hits=344, misses=1657,
 * maxsize=2, currsize=2); with maxsize=0, CacheInfo(hits=0, misses=21891,
 * maxsize=0, currsize=0); and a square function with maxsize=3 called on
 * 1 2 3 1 4 2 5 1 2 3 3 4 gives CacheInfo(hits=3, misses=9, maxsize=3,
 * currsize=3). A C cache that evicts exactly as lru_cache does gives the
 * same figures.
 */
#include "grade.h"
#include "grade_assert.h"
#include "memoize.h"

#include "common/dp_common.h"

#include <stdint.h>

static void assert_info(const struct ex_cache_info *info, uint64_t hits,
                        uint64_t misses, size_t maxsize, size_t currsize)
{
	ck_assert_msg(info->hits == hits && info->misses == misses &&
	                      info->maxsize == maxsize &&
	                      info->currsize == currsize,
	              "cache_info should be (hits=%llu, misses=%llu, "
	              "maxsize=%zu, currsize=%zu) as Python reports, it is "
	              "(hits=%llu, misses=%llu, maxsize=%zu, currsize=%zu)",
	              (unsigned long long)hits, (unsigned long long)misses,
	              maxsize, currsize, (unsigned long long)info->hits,
	              (unsigned long long)info->misses, info->maxsize,
	              info->currsize);
}

/* Look `key` up as lru_cache does: a miss stores key * key. */
static void lookup(ex_cache *cache, int64_t key)
{
	if (ex_cache_get(cache, key, NULL) == DP_ENOENT)
		grade_assert_code(ex_cache_put(cache, key, key * key), DP_OK);
}

START_TEST(test_cache_get_returns_what_put_stored)
{
	ex_cache *cache = ex_cache_create(8, NULL);
	int64_t value = -1;

	ck_assert_ptr_nonnull(cache);
	for (int64_t key = 1; key <= 3; key++)
		grade_assert_code(ex_cache_put(cache, key, key * 100), DP_OK);
	for (int64_t key = 1; key <= 3; key++) {
		grade_assert_code(ex_cache_get(cache, key, &value), DP_OK);
		ck_assert_msg(value == key * 100,
		              "get(%lld) should find %lld, it found %lld",
		              (long long)key, (long long)(key * 100),
		              (long long)value);
	}
	/* Key 4 was never put. */
	grade_assert_code(ex_cache_get(cache, 4, &value), DP_ENOENT);
	grade_assert_code(ex_cache_put(cache, 2, 7), DP_OK);
	grade_assert_code(ex_cache_get(cache, 2, &value), DP_OK);
	ck_assert_msg(value == 7,
	              "a put of a cached key should replace its value with 7, "
	              "get returned %lld",
	              (long long)value);
	ex_cache_destroy(cache);
}
END_TEST

START_TEST(test_cache_info_counts_hits_and_misses)
{
	ex_cache *cache = ex_cache_create(128, NULL);
	struct ex_cache_info info = {0};

	ck_assert_ptr_nonnull(cache);
	for (int64_t key = 0; key < 10; key++)
		lookup(cache, key % 4);
	grade_assert_code(ex_cache_info(cache, &info), DP_OK);
	/* Keys 0 1 2 3 miss once each; the six lookups after them hit. */
	assert_info(&info, 6, 4, 128, 4);
	ex_cache_destroy(cache);
}
END_TEST

START_TEST(test_cache_evicts_the_least_recently_used)
{
	static const int64_t calls[] = {1, 2, 3, 1, 4, 2, 5, 1, 2, 3, 3, 4};
	ex_cache *cache = ex_cache_create(3, NULL);
	struct ex_cache_info info = {0};
	int64_t keys[8] = {0};

	ck_assert_ptr_nonnull(cache);
	for (size_t i = 0; i < DP_ARRAY_SIZE(calls); i++)
		lookup(cache, calls[i]);
	grade_assert_code(ex_cache_info(cache, &info), DP_OK);
	assert_info(&info, 3, 9, 3, 3);

	size_t count = ex_cache_keys(cache, keys, DP_ARRAY_SIZE(keys));
	ck_assert_msg(count == 3,
	              "a full cache of maxsize 3 should list 3 "
	              "keys, it listed %zu",
	              count);
	ck_assert_msg(keys[0] == 4 && keys[1] == 3 && keys[2] == 2,
	              "after 1 2 3 1 4 2 5 1 2 3 3 4 the keys from most to "
	              "least recent should be 4 3 2, they are %lld %lld %lld",
	              (long long)keys[0], (long long)keys[1],
	              (long long)keys[2]);
	ex_cache_destroy(cache);
}
END_TEST

START_TEST(test_cache_get_makes_an_entry_most_recent)
{
	ex_cache *cache = ex_cache_create(3, NULL);
	int64_t keys[4] = {0};

	ck_assert_ptr_nonnull(cache);
	for (int64_t key = 1; key <= 3; key++)
		grade_assert_code(ex_cache_put(cache, key, key), DP_OK);
	grade_assert_code(ex_cache_get(cache, 1, NULL), DP_OK);
	grade_assert_code(ex_cache_put(cache, 4, 4), DP_OK);
	/* Key 1 was just read, so the put of key 4 evicts key 2, the least
	 * recently used, and keeps key 1. */
	grade_assert_code(ex_cache_get(cache, 1, NULL), DP_OK);
	grade_assert_code(ex_cache_get(cache, 2, NULL), DP_ENOENT);
	size_t count = ex_cache_keys(cache, keys, DP_ARRAY_SIZE(keys));
	ck_assert_msg(count == 3 && keys[0] == 1 && keys[1] == 4 &&
	                      keys[2] == 3,
	              "the keys from most to least recent should be 1 4 3; "
	              "%zu keys listed, starting %lld %lld %lld",
	              count, (long long)keys[0], (long long)keys[1],
	              (long long)keys[2]);
	ex_cache_destroy(cache);
}
END_TEST

START_TEST(test_cache_maxsize_zero_and_unbounded)
{
	ex_cache *none = ex_cache_create(0, NULL);
	ex_cache *all = ex_cache_create(EX_CACHE_UNBOUNDED, NULL);
	struct ex_cache_info info = {0};

	ck_assert_ptr_nonnull(none);
	ck_assert_ptr_nonnull(all);
	for (int64_t key = 0; key < 1000; key++) {
		lookup(none, key % 10);
		lookup(all, key);
	}
	grade_assert_code(ex_cache_info(none, &info), DP_OK);
	/* maxsize=0 caches nothing: every lookup misses. */
	assert_info(&info, 0, 1000, 0, 0);
	grade_assert_code(ex_cache_info(all, &info), DP_OK);
	assert_info(&info, 0, 1000, EX_CACHE_UNBOUNDED, 1000);
	/* An unbounded cache never evicts: key 0 is still there. */
	grade_assert_code(ex_cache_get(all, 0, NULL), DP_OK);
	ex_cache_destroy(none);
	ex_cache_destroy(all);
}
END_TEST

struct counted {
	ex_memo *memo;  /* Where fib recurses: the decorated name. */
	uint64_t calls; /* How many times the real function ran. */
};

static int64_t square(void *ctx, int64_t n)
{
	struct counted *counted = ctx;

	counted->calls++;
	return n * n;
}

static int64_t fib(void *ctx, int64_t n)
{
	struct counted *counted = ctx;

	counted->calls++;
	if (n < 2)
		return n;
	return ex_memo_call(counted->memo, n - 1) +
	       ex_memo_call(counted->memo, n - 2);
}

START_TEST(test_memo_calls_the_function_once_per_argument)
{
	struct counted counted = {0};
	ex_memo *memo = ex_memo_create(square, &counted, 16, NULL);

	ck_assert_ptr_nonnull(memo);
	for (int round = 0; round < 3; round++)
		for (int64_t n = 1; n <= 5; n++) {
			int64_t got = ex_memo_call(memo, n);
			ck_assert_msg(
				got == n * n,
				"memoized square(%lld) should be %lld, it "
				"returned %lld",
				(long long)n, (long long)(n * n),
				(long long)got);
		}
	ck_assert_msg(counted.calls == 5,
	              "15 calls over 5 distinct arguments should run square "
	              "5 times, it ran %llu times",
	              (unsigned long long)counted.calls);
	ex_memo_destroy(memo);
}
END_TEST

START_TEST(test_memo_fib_30_matches_python)
{
	struct counted counted = {0};
	struct ex_cache_info info = {0};

	counted.memo = ex_memo_create(fib, &counted, 128, NULL);
	ck_assert_ptr_nonnull(counted.memo);
	int64_t got = ex_memo_call(counted.memo, 30);
	ck_assert_msg(got == 832040, "fib(30) is 832040, got %lld",
	              (long long)got);
	/* Without a cache fib(30) runs 2 * fib(31) - 1 = 2692537 times. */
	ck_assert_msg(counted.calls == 31,
	              "with lru_cache(maxsize=128) fib(30) runs 31 times "
	              "instead of 2692537; yours ran %llu times",
	              (unsigned long long)counted.calls);
	grade_assert_code(ex_memo_info(counted.memo, &info), DP_OK);
	assert_info(&info, 28, 31, 128, 31);
	ex_memo_destroy(counted.memo);
}
END_TEST

START_TEST(test_memo_fib_20_with_maxsize_2_matches_python)
{
	struct counted counted = {0};
	struct ex_cache_info info = {0};

	counted.memo = ex_memo_create(fib, &counted, 2, NULL);
	ck_assert_ptr_nonnull(counted.memo);
	int64_t got = ex_memo_call(counted.memo, 20);
	ck_assert_msg(got == 6765, "fib(20) is 6765, got %lld", (long long)got);
	ck_assert_msg(counted.calls == 1657,
	              "with lru_cache(maxsize=2) Python runs fib 1657 times "
	              "for fib(20) (21891 uncached); yours ran %llu times",
	              (unsigned long long)counted.calls);
	grade_assert_code(ex_memo_info(counted.memo, &info), DP_OK);
	assert_info(&info, 344, 1657, 2, 2);
	ex_memo_destroy(counted.memo);
}
END_TEST

START_TEST(test_memo_maxsize_zero_saves_nothing)
{
	struct counted counted = {0};
	struct ex_cache_info info = {0};

	counted.memo = ex_memo_create(fib, &counted, 0, NULL);
	ck_assert_ptr_nonnull(counted.memo);
	int64_t got = ex_memo_call(counted.memo, 20);
	ck_assert_msg(got == 6765, "fib(20) is 6765, got %lld", (long long)got);
	ck_assert_msg(counted.calls == 21891,
	              "with maxsize 0 nothing is cached, so fib(20) runs "
	              "21891 times; yours ran %llu times",
	              (unsigned long long)counted.calls);
	grade_assert_code(ex_memo_info(counted.memo, &info), DP_OK);
	assert_info(&info, 0, 21891, 0, 0);
	ex_memo_destroy(counted.memo);
}
END_TEST

START_TEST(test_memory_is_freed_and_out_of_memory_is_survived)
{
	struct dp_counting_allocator counter;
	struct counted counted = {0};

	grade_assert_code(dp_counting_allocator_init(&counter, NULL), DP_OK);
	counted.memo = ex_memo_create(fib, &counted, 64, &counter.base);
	ck_assert_ptr_nonnull(counted.memo);
	ck_assert_int_eq(ex_memo_call(counted.memo, 40), 102334155);
	ck_assert_msg(counter.allocations > 0,
	              "allocate through the allocator given to create");
	ex_memo_destroy(counted.memo);
	ck_assert_msg(counter.live_blocks == 0,
	              "ex_memo_destroy left %zu blocks allocated",
	              counter.live_blocks);

	/* Refuse each allocation in turn: creation fails cleanly or the
	 * memo still computes the right answer, and nothing leaks. */
	for (size_t fail_at = 1; fail_at <= 40; fail_at++) {
		struct dp_failing_allocator failing;
		grade_assert_code(dp_failing_allocator_init(&failing, fail_at,
		                                            &counter.base),
		                  DP_OK);
		counted.calls = 0;
		counted.memo = ex_memo_create(fib, &counted, 64, &failing.base);
		if (counted.memo != NULL) {
			int64_t got = ex_memo_call(counted.memo, 25);
			ck_assert_msg(got == 75025,
			              "with allocation %zu refused, fib(25) "
			              "returned %lld instead of 75025",
			              fail_at, (long long)got);
		}
		ex_memo_destroy(counted.memo);
		ck_assert_msg(counter.live_blocks == 0,
		              "with allocation %zu refused, %zu blocks leaked",
		              fail_at, counter.live_blocks);
	}
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_cache_get_returns_what_put_stored",
         test_cache_get_returns_what_put_stored, 2,
         "Start with ex_cache_create, ex_cache_put and ex_cache_get: a hash "
         "table from key to entry. README step 1."},
	{"test_cache_info_counts_hits_and_misses",
         test_cache_info_counts_hits_and_misses, 2,
         "ex_cache_get counts every lookup as a hit or a miss; ex_cache_put "
         "counts nothing."},
	{"test_cache_get_makes_an_entry_most_recent",
         test_cache_get_makes_an_entry_most_recent, 3,
         "Keep the entries in a doubly linked list in recency order: a hit "
         "moves its entry to the front. README step 2."},
	{"test_cache_evicts_the_least_recently_used",
         test_cache_evicts_the_least_recently_used, 4,
         "When a new key arrives in a full cache, remove the entry at the back "
         "of the list (from the hash table too) first."},
	{"test_cache_maxsize_zero_and_unbounded",
         test_cache_maxsize_zero_and_unbounded, 2,
         "maxsize 0 stores nothing; EX_CACHE_UNBOUNDED never evicts, so the "
         "table must grow or chain without limit."},
	{"test_memo_calls_the_function_once_per_argument",
         test_memo_calls_the_function_once_per_argument, 3,
         "ex_memo_call: look the argument up; only on a miss call the "
         "function, then put its result. README step 3."},
	{"test_memo_fib_30_matches_python", test_memo_fib_30_matches_python, 4,
         "Store a result after the call returns, as Python does; the recursion "
         "goes through ex_memo_call, so every level is looked up."},
	{"test_memo_fib_20_with_maxsize_2_matches_python",
         test_memo_fib_20_with_maxsize_2_matches_python, 4,
         "A tiny cache shows every detail of eviction: check that a hit "
         "refreshes recency and that a put evicts exactly one entry."},
	{"test_memo_maxsize_zero_saves_nothing",
         test_memo_maxsize_zero_saves_nothing, 2,
         "With maxsize 0 every call is a miss and the function always runs; "
         "the misses are still counted."},
	{"test_memory_is_freed_and_out_of_memory_is_survived",
         test_memory_is_freed_and_out_of_memory_is_survived, 2,
         "Allocate only through dp_alloc(alloc, ...), free everything in "
         "destroy, and when a put cannot allocate, return the result "
         "uncached."},
};

int main(int argc, char **argv)
{
	return grade_main("10_memoize", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
