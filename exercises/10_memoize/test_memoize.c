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
 *
 * The O(1) of the hash table plus list is graded by counting, never by
 * timing: the tests supply the key operations (hash and equal) and count
 * how many times the cache calls them, per operation, in caches of 10^4
 * and 10^5 entries. A cache that walks its entries to find a key makes
 * thousands of equal calls per lookup at those sizes; a hash table makes
 * about one hash and one equal.
 */
#include "grade.h"
#include "grade_assert.h"
#include "memoize.h"

#include "common/dp_common.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/* ---- key operations the tests supply, counting their calls -------------- */

struct key_counts {
	uint64_t hashes; /* hash calls so far */
	uint64_t equals; /* equal calls so far */
};

/* SplitMix64's finaliser: every bit of the hash depends on every bit of
 * the input, so any way of picking a bucket from it spreads the keys. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xBF58476D1CE4E5B9);
	x ^= x >> 27;
	x *= UINT64_C(0x94D049BB133111EB);
	return x ^ (x >> 31);
}

static uint64_t counted_hash(void *ctx, int64_t key)
{
	struct key_counts *counts = ctx;

	counts->hashes++;
	return mix((uint64_t)key);
}

static bool counted_equal(void *ctx, int64_t a, int64_t b)
{
	struct key_counts *counts = ctx;

	counts->equals++;
	return a == b;
}

static const struct ex_cache_key_ops counted_keys = {
	.hash = counted_hash,
	.equal = counted_equal,
};

/* Keys that are the same key when their low 32 bits are: 5 and 5 + 2^32
 * are one key, as 1 and 1.0 are one key of a Python dict. */
static uint64_t low32_hash(void *ctx, int64_t key)
{
	struct key_counts *counts = ctx;

	counts->hashes++;
	return mix((uint32_t)key);
}

static bool low32_equal(void *ctx, int64_t a, int64_t b)
{
	struct key_counts *counts = ctx;

	counts->equals++;
	return (uint32_t)a == (uint32_t)b;
}

static const struct ex_cache_key_ops low32_keys = {
	.hash = low32_hash,
	.equal = low32_equal,
};

#define HIGH INT64_C(0x100000000) /* 2^32: adding it keeps the same key */

START_TEST(test_cache_hashes_and_compares_through_the_key_ops)
{
	static const struct ex_cache_key_ops no_equal = {.hash = low32_hash};
	struct key_counts counts = {0};
	struct ex_cache_info info = {0};
	int64_t value = -1;
	int64_t keys[4] = {0};

	ck_assert_msg(ex_cache_create_with_keys(8, &no_equal, &counts, NULL) ==
	                      NULL,
	              "a key ops table without equal must be refused (NULL)");
	ex_cache *cache =
		ex_cache_create_with_keys(8, &low32_keys, &counts, NULL);
	ck_assert_msg(cache != NULL, "ex_cache_create_with_keys returned NULL");
	grade_assert_code(ex_cache_put(cache, 5, 50), DP_OK);
	grade_assert_code(ex_cache_get(cache, 5 + HIGH, &value), DP_OK);
	ck_assert_msg(value == 50,
	              "under the test's key ops 5 + 2^32 is the same key as 5: "
	              "get should find 50, it found %lld",
	              (long long)value);
	grade_assert_code(ex_cache_get(cache, 6 + HIGH, NULL), DP_ENOENT);
	grade_assert_code(ex_cache_put(cache, 7 + HIGH, 70), DP_OK);
	grade_assert_code(ex_cache_put(cache, 7 - 3 * HIGH, 71), DP_OK);
	grade_assert_code(ex_cache_info(cache, &info), DP_OK);
	ck_assert_msg(info.currsize == 2,
	              "7 + 2^32 and 7 - 3 * 2^32 are one key under the test's "
	              "key ops: 2 entries, not %zu",
	              info.currsize);
	grade_assert_code(ex_cache_get(cache, 7, &value), DP_OK);
	ck_assert_msg(value == 71,
	              "the second put of key 7 (mod 2^32) should have replaced "
	              "its value with 71; get found %lld",
	              (long long)value);
	size_t count = ex_cache_keys(cache, keys, DP_ARRAY_SIZE(keys));
	ck_assert_msg(count == 2 && keys[0] == 7 + HIGH && keys[1] == 5,
	              "the keys should be 7 + 2^32 (the cached key stays when "
	              "its value is replaced) then 5; %zu keys, starting "
	              "%lld %lld",
	              count, (long long)keys[0], (long long)keys[1]);
	ex_cache_destroy(cache);

	/* No key ops: a key is its own integer. */
	cache = ex_cache_create_with_keys(4, NULL, &counts, NULL);
	ck_assert_msg(cache != NULL,
	              "ex_cache_create_with_keys with NULL keys returned NULL");
	grade_assert_code(ex_cache_put(cache, 5, 50), DP_OK);
	grade_assert_code(ex_cache_get(cache, 5 + HIGH, NULL), DP_ENOENT);
	grade_assert_code(ex_cache_get(cache, 5, NULL), DP_OK);
	ex_cache_destroy(cache);
}
END_TEST

/*
 * The bound: in a cache of n entries, each kind of operation (a put that
 * fills, a hit, a miss, a put that evicts) makes at most OPS_AVERAGE hash
 * plus equal calls on average, and no single operation more than
 * OPS_WORST equal calls (or hash calls, once the cache is full: growing
 * the table may rehash every entry in one put, which the average pays
 * for). The average at 10^5 entries may exceed the one at 10^4 by at
 * most OPS_GROWTH. A hash table with about one entry per bucket makes
 * 1 to 3 calls; walking the entries makes n / 2.
 */
enum { OPS_AVERAGE = 8, OPS_WORST = 64 };
#define OPS_GROWTH 2.0

enum { PHASE_FILL, PHASE_HIT, PHASE_MISS, PHASE_EVICT, PHASES };

static const char *const PHASE_NAMES[PHASES] = {
	"a put of a new key while the cache fills",
	"a get that hits",
	"a get that misses",
	"a put that evicts",
};

/* Check one operation's calls; `before` are the counts before it. Check
 * records every assertion that passes, so the million checks of this test
 * assert only when they fail. */
static void check_operation(const struct key_counts *counts,
                            struct key_counts before, int phase, size_t n)
{
	uint64_t hashes = counts->hashes - before.hashes;
	uint64_t equals = counts->equals - before.equals;

	if (equals <= OPS_WORST &&
	    (phase == PHASE_FILL || hashes <= OPS_WORST) &&
	    (hashes >= 1 || phase == PHASE_EVICT || phase == PHASE_FILL))
		return;
	ck_assert_msg(equals <= OPS_WORST &&
	                      (phase == PHASE_FILL || hashes <= OPS_WORST),
	              "%s made %llu equal and %llu hash calls in a cache of "
	              "maxsize %zu: a lookup must not walk the entries, it "
	              "hashes to the one bucket that can hold the key",
	              PHASE_NAMES[phase], (unsigned long long)equals,
	              (unsigned long long)hashes, n);
	ck_assert_msg(hashes >= 1 || phase == PHASE_EVICT ||
	                      phase == PHASE_FILL,
	              "%s made no hash call: every key is hashed through the "
	              "key ops given to ex_cache_create_with_keys",
	              PHASE_NAMES[phase]);
}

/* The average calls per operation of a phase of n operations. */
static double phase_average(const struct key_counts *counts,
                            struct key_counts start, int phase, size_t n)
{
	uint64_t hashes = counts->hashes - start.hashes;
	uint64_t equals = counts->equals - start.equals;
	double average = (double)(hashes + equals) / (double)n;

	ck_assert_msg(average <= OPS_AVERAGE,
	              "%s made %.2f hash + equal calls on average in a cache "
	              "of %zu entries (%llu hash, %llu equal for %zu "
	              "operations); the bound is %d, whatever the size",
	              PHASE_NAMES[phase], average, n,
	              (unsigned long long)hashes, (unsigned long long)equals, n,
	              OPS_AVERAGE);
	ck_assert_msg(hashes >= n,
	              "%s: %llu hash calls for %zu operations; every put and "
	              "get hashes its key through the key ops",
	              PHASE_NAMES[phase], (unsigned long long)hashes, n);
	return average;
}

/* Fill a cache of maxsize n (or an unbounded one, `bounded` false, with n
 * keys), then hit, miss and, when bounded, evict n times each, checking
 * every operation. Keys are spread (odd multiples of a large odd number)
 * and visited in a scrambled order; the values are the keys' indexes. */
static void measure(size_t n, bool bounded, double averages[PHASES])
{
	struct key_counts counts = {0};
	ex_cache *cache = ex_cache_create_with_keys(
		bounded ? n : EX_CACHE_UNBOUNDED, &counted_keys, &counts, NULL);
	const int64_t stride = INT64_C(0x2545F491);

	ck_assert_msg(cache != NULL, "ex_cache_create_with_keys returned NULL");
	struct key_counts start = counts;
	for (size_t i = 0; i < n; i++) {
		struct key_counts before = counts;
		int rc = ex_cache_put(cache, (int64_t)i * stride, (int64_t)i);
		if (rc != DP_OK)
			grade_assert_code(rc, DP_OK);
		check_operation(&counts, before, PHASE_FILL, n);
	}
	averages[PHASE_FILL] = phase_average(&counts, start, PHASE_FILL, n);

	start = counts;
	for (size_t i = 0; i < n; i++) {
		size_t index =
			(i * 7919) % n; /* 7919 is prime: a permutation */
		int64_t value = -1;
		struct key_counts before = counts;
		int rc = ex_cache_get(cache, (int64_t)index * stride, &value);
		if (rc != DP_OK)
			grade_assert_code(rc, DP_OK);
		check_operation(&counts, before, PHASE_HIT, n);
		if (value != (int64_t)index)
			ck_abort_msg("get of the key number %zu found the "
			             "value %lld",
			             index, (long long)value);
	}
	averages[PHASE_HIT] = phase_average(&counts, start, PHASE_HIT, n);

	start = counts;
	for (size_t i = n; i < 2 * n; i++) {
		struct key_counts before = counts;
		int rc = ex_cache_get(cache, (int64_t)i * stride, NULL);
		if (rc != DP_ENOENT)
			grade_assert_code(rc, DP_ENOENT);
		check_operation(&counts, before, PHASE_MISS, n);
	}
	averages[PHASE_MISS] = phase_average(&counts, start, PHASE_MISS, n);

	averages[PHASE_EVICT] = 0;
	if (bounded) {
		start = counts;
		for (size_t i = 2 * n; i < 3 * n; i++) {
			struct key_counts before = counts;
			int rc = ex_cache_put(cache, (int64_t)i * stride,
			                      (int64_t)i);
			if (rc != DP_OK)
				grade_assert_code(rc, DP_OK);
			check_operation(&counts, before, PHASE_EVICT, n);
		}
		averages[PHASE_EVICT] =
			phase_average(&counts, start, PHASE_EVICT, n);
	}
	ex_cache_destroy(cache);
}

START_TEST(test_cache_work_per_operation_does_not_grow_with_size)
{
	double small[PHASES], large[PHASES], unbounded[PHASES];

	measure(10000, true, small);
	measure(100000, true, large);
	measure(20000, false, unbounded);
	for (int phase = 0; phase < PHASES; phase++)
		ck_assert_msg(large[phase] <= small[phase] + OPS_GROWTH,
		              "%s made %.2f hash + equal calls on average at "
		              "10^4 entries and %.2f at 10^5: the work per "
		              "operation must not grow with the size (grow the "
		              "bucket array as the cache fills)",
		              PHASE_NAMES[phase], small[phase], large[phase]);
}
END_TEST

/* The state a failed put must leave untouched. */
struct snapshot {
	int64_t keys[16];
	size_t count;
	struct ex_cache_info info;
};

static void take_snapshot(const ex_cache *cache, struct snapshot *snapshot)
{
	snapshot->count = ex_cache_keys(cache, snapshot->keys,
	                                DP_ARRAY_SIZE(snapshot->keys));
	grade_assert_code(ex_cache_info(cache, &snapshot->info), DP_OK);
}

static void assert_unchanged(ex_cache *cache, const struct snapshot *before,
                             const char *what)
{
	struct snapshot after;

	take_snapshot(cache, &after);
	ck_assert_msg(after.count == before->count &&
	                      memcmp(after.keys, before->keys,
	                             before->count * sizeof(int64_t)) == 0,
	              "%s returned DP_ENOMEM but changed the keys: %zu keys "
	              "before, %zu after, or another order. Allocate before "
	              "changing anything",
	              what, before->count, after.count);
	ck_assert_msg(
		after.info.hits == before->info.hits &&
			after.info.misses == before->info.misses &&
			after.info.currsize == before->info.currsize,
		"%s returned DP_ENOMEM but changed cache_info from "
		"(hits=%llu, misses=%llu, currsize=%zu) to (hits=%llu, "
		"misses=%llu, currsize=%zu)",
		what, (unsigned long long)before->info.hits,
		(unsigned long long)before->info.misses, before->info.currsize,
		(unsigned long long)after.info.hits,
		(unsigned long long)after.info.misses, after.info.currsize);
	for (size_t i = 0; i < before->count; i++) {
		int64_t value = -1;
		grade_assert_code(ex_cache_get(cache, before->keys[i], &value),
		                  DP_OK);
		ck_assert_msg(value == before->keys[i] * 10,
		              "%s returned DP_ENOMEM but key %lld now holds "
		              "%lld instead of %lld",
		              what, (long long)before->keys[i],
		              (long long)value,
		              (long long)(before->keys[i] * 10));
	}
}

/* A cache of `maxsize` holding keys 1..`count` (value key * 10), with key
 * 2 read last; then a put of `key` with the `fail`-th allocation from now
 * refused. DP_ENOMEM must leave everything as it was; DP_OK (nothing to
 * allocate, or a failure the cache could live with) must store the key. */
static void put_with_failure(size_t maxsize, int64_t count, int64_t key,
                             size_t fail)
{
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	struct snapshot before;
	char what[96];

	grade_assert_code(dp_counting_allocator_init(&counter, NULL), DP_OK);
	grade_assert_code(dp_failing_allocator_init(&failing, 0, &counter.base),
	                  DP_OK);
	ex_cache *cache = ex_cache_create(maxsize, &failing.base);
	ck_assert_ptr_nonnull(cache);
	for (int64_t k = 1; k <= count; k++)
		grade_assert_code(ex_cache_put(cache, k, k * 10), DP_OK);
	grade_assert_code(ex_cache_get(cache, 2, NULL), DP_OK);
	grade_assert_code(ex_cache_get(cache, 99, NULL), DP_ENOENT);
	take_snapshot(cache, &before);
	failing.fail_at = failing.requests + fail;
	snprintf(what, sizeof(what),
	         "a put of key %lld into a cache of maxsize %zu holding %lld",
	         (long long)key, maxsize, (long long)count);
	int rc = ex_cache_put(cache, key, key * 10);
	if (rc == DP_ENOMEM) {
		assert_unchanged(cache, &before, what);
	} else {
		grade_assert_code(rc, DP_OK);
		int64_t value = -1;
		grade_assert_code(ex_cache_get(cache, key, &value), DP_OK);
		ck_assert_int_eq(value, key * 10);
	}
	ex_cache_destroy(cache);
	ck_assert_msg(counter.live_blocks == 0, "%zu blocks leaked",
	              counter.live_blocks);
}

START_TEST(test_cache_is_unchanged_when_put_runs_out_of_memory)
{
	for (size_t fail = 1; fail <= 3; fail++) {
		put_with_failure(64, 5, 100, fail);  /* room left */
		put_with_failure(64, 15, 100, fail); /* room; 16 entries */
		put_with_failure(4, 4, 100, fail);   /* full: evicts key 1 */
		put_with_failure(4, 4, 3, fail);     /* replaces a value */
	}
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
	{"test_cache_hashes_and_compares_through_the_key_ops",
         test_cache_hashes_and_compares_through_the_key_ops, 3,
         "Every hash and every comparison of keys goes through keys->hash and "
         "keys->equal with the ctx given at creation, never through ==: two "
         "different integers may be the same key; a put of a cached key keeps "
         "the cached key."},
	{"test_cache_work_per_operation_does_not_grow_with_size",
         test_cache_work_per_operation_does_not_grow_with_size, 5,
         "Lookups must not walk the entries (a recency array scanned on each "
         "get is O(n)): a hash table from key to list node finds a key with "
         "one hash and about one equal; grow the buckets as the cache fills. "
         "README steps 1-2."},
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
	{"test_cache_is_unchanged_when_put_runs_out_of_memory",
         test_cache_is_unchanged_when_put_runs_out_of_memory, 2,
         "A put that returns DP_ENOMEM leaves the keys, their order, the "
         "values and the figures as they were: allocate the entry before you "
         "evict, count or link anything (or recycle the evicted entry)."},
};

int main(int argc, char **argv)
{
	return grade_main("10_memoize", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
