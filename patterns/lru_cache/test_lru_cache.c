/*
 * Tests of the LRU cache and the memoizer: exact eviction order, the
 * statistics of Python's cache_info() for the same call sequences, one call
 * of the wrapped function per miss, maxsize 0 and unbounded as in Python,
 * copied keys, every error path, and every allocation failure leaving the
 * cache unchanged and leaking nothing.
 */
#include "common/dp_test.h"
#include "lru_cache/lru_cache.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * Figures computed with CPython 3.11 (functools.lru_cache and
 * f.cache_info()) for the same call sequences, committed as constants.
 *
 *   @lru_cache(maxsize=128)
 *   def fib(n): return n if n < 2 else fib(n-1) + fib(n-2)
 *   fib(30)  ->  CacheInfo(hits=28, misses=31, maxsize=128, currsize=31)
 *   fib(90)  ->  CacheInfo(hits=89, misses=91, maxsize=128, currsize=91)
 *   fib(90) == 2880067194370816120
 */
static const struct dp_lru_info PY_FIB30 = {28, 31, 128, 31};
static const struct dp_lru_info PY_FIB30_FIB90 = {89, 91, 128, 91};
static const int64_t PY_FIB90 = INT64_C(2880067194370816120);

/*
 * Sequences with evictions, obtained by running these lines with python3
 * (CPython 3.11.7) on the development machine:
 *
 *   @lru_cache(maxsize=2)
 *   def fib2(n): return n if n < 2 else fib2(n-1) + fib2(n-2)
 *   fib2(20); fib2.cache_info()
 *     -> CacheInfo(hits=344, misses=1657, maxsize=2, currsize=2)
 *
 *   @lru_cache(maxsize=3)
 *   def sq(x): return x * x     # counting its calls: 8
 *   for k in [1, 2, 3, 1, 4, 5, 2, 1, 3, 3]: sq(k)
 *   sq.cache_info()
 *     -> CacheInfo(hits=2, misses=8, maxsize=3, currsize=3)
 *
 *   maxsize=0, calls 1, 1, 2 -> CacheInfo(hits=0, misses=3, maxsize=0,
 *                                         currsize=0)
 *   maxsize=None, calls 1, 1, 2 -> CacheInfo(hits=1, misses=2,
 *                                   maxsize=None, currsize=2)
 *   then cache_clear() -> CacheInfo(hits=0, misses=0, maxsize=None,
 *                                   currsize=0)
 */
static const struct dp_lru_info PY_FIB20_MAXSIZE_2 = {344, 1657, 2, 2};
static const int64_t SQ_CALLS[] = {1, 2, 3, 1, 4, 5, 2, 1, 3, 3};
static const struct dp_lru_info PY_SQ_MAXSIZE_3 = {2, 8, 3, 3};
static const struct dp_lru_info PY_MAXSIZE_0 = {0, 3, 0, 0};
static const struct dp_lru_info PY_UNBOUNDED = {1, 2, DP_LRU_UNBOUNDED, 2};
static const struct dp_lru_info PY_UNBOUNDED_CLEARED = {0, 0, DP_LRU_UNBOUNDED,
                                                        0};

static void assert_info(const struct dp_lru_info *got,
                        const struct dp_lru_info *want)
{
	ck_assert_uint_eq(got->hits, want->hits);
	ck_assert_uint_eq(got->misses, want->misses);
	ck_assert_uint_eq(got->maxsize, want->maxsize);
	ck_assert_uint_eq(got->currsize, want->currsize);
}

static void assert_lru_info(const dp_lru *lru, const struct dp_lru_info *want)
{
	struct dp_lru_info info;
	ck_assert_int_eq(dp_lru_info(lru, &info), DP_OK);
	assert_info(&info, want);
}

static void assert_memo_info(const dp_memo *memo,
                             const struct dp_lru_info *want)
{
	struct dp_lru_info info;
	ck_assert_int_eq(dp_memo_info(memo, &info), DP_OK);
	assert_info(&info, want);
}

/* ---- helpers: int64 caches and their order -------------------------------- */

/*
 * Tests that hold for every way of caching integers run as loop tests:
 * iteration 0 is the plain cache with the library's integer tables, 1 the
 * declared tuning, a DP_LRU_INT64 cache; 2 and 3 are the same two with
 * their entries from a pool (DP_LRU_ENTRIES_POOLED, bit 1 of the
 * variant). Tests that count allocations per entry run 0 and 1 only; the
 * pool's counts have tests of their own. The configuration, to which a
 * test adds what it needs (an eviction callback, an allocator):
 */
enum { POOLED_VARIANT = 2, VARIANTS = 4 };

static struct dp_lru_config int64_config(int variant, size_t maxsize)
{
	int kind = variant & 1;
	bool plain = kind == DP_LRU_BY_OPS;
	return (struct dp_lru_config){
		.kind = (enum dp_lru_kind)kind,
		.entries = (variant & POOLED_VARIANT) != 0
	                           ? DP_LRU_ENTRIES_POOLED
	                           : DP_LRU_ENTRIES_ALLOCATED,
		.keys = plain ? &dp_lru_int64_key : NULL,
		.values = plain ? &dp_lru_int64_value : NULL,
		.maxsize = maxsize,
	};
}

static dp_lru *int64_cache_of(int variant, size_t maxsize,
                              const struct dp_allocator *alloc)
{
	struct dp_lru_config config = int64_config(variant, maxsize);
	config.alloc = alloc;
	return dp_lru_create(&config);
}

static dp_lru *int64_cache(size_t maxsize, const struct dp_allocator *alloc)
{
	return int64_cache_of(DP_LRU_BY_OPS, maxsize, alloc);
}

/* The typed functions on a DP_LRU_INT64 cache, the generic ones on a plain
 * cache, which the typed ones refuse with DP_EINVAL (tested apart). */
static int put_int(dp_lru *lru, int64_t key, int64_t value)
{
	int rc = dp_lru_put_int64(lru, key, value);
	if (rc == DP_EINVAL)
		rc = dp_lru_put(lru, &key, &value);
	return rc;
}

static int get_int(dp_lru *lru, int64_t key, int64_t *value)
{
	int rc = dp_lru_get_int64(lru, key, value);
	if (rc != DP_EINVAL)
		return rc;
	void *stored = NULL;
	rc = dp_lru_get(lru, &key, &stored);
	if (rc == DP_OK && value != NULL)
		*value = *(const int64_t *)stored;
	return rc;
}

/* The pointer a hit hands out, asserted to be there. */
static const void *stored_value(dp_lru *lru, const void *key)
{
	void *stored = NULL;
	ck_assert_int_eq(dp_lru_get(lru, key, &stored), DP_OK);
	ck_assert_ptr_nonnull(stored);
	return stored;
}

enum { MAX_KEYS = 64 };

struct key_list {
	int64_t keys[MAX_KEYS];
	int64_t values[MAX_KEYS];
	size_t count;
};

static bool collect(void *ctx, const void *key, const void *value)
{
	struct key_list *list = ctx;
	ck_assert_uint_lt(list->count, MAX_KEYS);
	list->keys[list->count] = *(const int64_t *)key;
	list->values[list->count] = value ? *(const int64_t *)value : -1;
	list->count++;
	return true;
}

/* The keys from the most to the least recently used. */
static struct key_list order_of(const dp_lru *lru)
{
	struct key_list list = {.count = 0};
	ck_assert_int_eq(dp_lru_for_each(lru, collect, &list), DP_OK);
	return list;
}

static void assert_order(const dp_lru *lru, const int64_t *want, size_t n)
{
	struct key_list list = order_of(lru);
	ck_assert_uint_eq(list.count, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(list.keys[i], want[i]);
}

static void record_eviction(void *ctx, const void *key, const void *value)
{
	(void)value;
	struct key_list *evicted = ctx;
	collect(evicted, key, value);
}

/* ---- memoized functions, with a call counter in ctx ---------------------- */

static int64_t fib(dp_memo *memo, void *ctx, int64_t n)
{
	size_t *calls = ctx;
	(*calls)++;
	if (n < 2)
		return n;
	return dp_memo_int64(memo, n - 1) + dp_memo_int64(memo, n - 2);
}

static int64_t square(dp_memo *memo, void *ctx, int64_t x)
{
	(void)memo;
	size_t *calls = ctx;
	(*calls)++;
	return x * x;
}

/* The number of ways to read a string of digits as letters 1-26 ("226"
 * is BZ, VF or BBF), recursing on suffixes through the cache. */
static int64_t decodings(dp_memo *memo, void *ctx, const void *key, size_t size)
{
	const char *digits = key;
	size_t *calls = ctx;
	(*calls)++;
	if (size == 0)
		return 1;
	if (digits[0] == '0')
		return 0;
	int64_t ways = dp_memo_bytes(memo, digits + 1, size - 1);
	if (size >= 2 &&
	    (digits[0] == '1' || (digits[0] == '2' && digits[1] <= '6')))
		ways += dp_memo_bytes(memo, digits + 2, size - 2);
	return ways;
}

/* ---- the cache ------------------------------------------------------------ */

START_TEST(test_new_cache_is_empty_and_reports_its_maxsize)
{
	dp_lru *lru = int64_cache_of(_i, 128, NULL);
	const struct dp_lru_info empty = {0, 0, 128, 0};

	ck_assert_ptr_nonnull(lru);
	assert_lru_info(lru, &empty);
	ck_assert(!dp_lru_contains(lru, &(int64_t){1}));
	ck_assert_uint_eq(order_of(lru).count, 0);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_get_finds_what_put_stored_and_counts_hits_and_misses)
{
	dp_lru *lru = int64_cache_of(_i, 8, NULL);
	int64_t value = 0;

	ck_assert_int_eq(get_int(lru, 1, &value), DP_ENOENT);
	ck_assert_int_eq(put_int(lru, 1, 100), DP_OK);
	ck_assert_int_eq(put_int(lru, 2, 200), DP_OK);
	ck_assert_int_eq(get_int(lru, 1, &value), DP_OK);
	ck_assert_int_eq(value, 100);
	ck_assert_int_eq(get_int(lru, 2, &value), DP_OK);
	ck_assert_int_eq(value, 200);
	/* A NULL value pointer only asks whether the key is there. */
	ck_assert_int_eq(dp_lru_get(lru, &(int64_t){3}, NULL), DP_ENOENT);
	const struct dp_lru_info after = {2, 2, 8, 2};
	assert_lru_info(lru, &after);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_evicts_in_exact_least_recently_used_order)
{
	/* SQ_CALLS with maxsize 3, worked by hand: 1 2 3 fill the cache, 1
	 * hits, then 4 evicts 2, 5 evicts 3, 2 evicts 1, 1 evicts 4, 3
	 * evicts 5, and 3 hits. */
	struct key_list evicted = {.count = 0};
	struct dp_lru_config config = int64_config(_i, 3);
	config.on_evict = record_eviction;
	config.evict_ctx = &evicted;
	dp_lru *lru = dp_lru_create(&config);
	const int64_t want_evicted[] = {2, 3, 1, 4, 5};
	const int64_t want_order[] = {3, 1, 2};

	for (size_t i = 0; i < DP_ARRAY_SIZE(SQ_CALLS); i++) {
		int64_t key = SQ_CALLS[i];
		if (get_int(lru, key, NULL) == DP_ENOENT)
			ck_assert_int_eq(put_int(lru, key, key * key), DP_OK);
	}
	ck_assert_uint_eq(evicted.count, DP_ARRAY_SIZE(want_evicted));
	for (size_t i = 0; i < evicted.count; i++) {
		ck_assert_int_eq(evicted.keys[i], want_evicted[i]);
		ck_assert_int_eq(evicted.values[i],
		                 want_evicted[i] * want_evicted[i]);
	}
	assert_order(lru, want_order, DP_ARRAY_SIZE(want_order));
	assert_lru_info(lru, &PY_SQ_MAXSIZE_3);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_a_hit_saves_an_entry_from_eviction)
{
	dp_lru *lru = int64_cache_of(_i, 2, NULL);
	const int64_t want[] = {3, 1};

	put_int(lru, 1, 10);
	put_int(lru, 2, 20);
	ck_assert_int_eq(get_int(lru, 1, NULL), DP_OK);
	put_int(lru, 3, 30);
	ck_assert(dp_lru_contains(lru, &(int64_t){1}));
	ck_assert(!dp_lru_contains(lru, &(int64_t){2}));
	assert_order(lru, want, DP_ARRAY_SIZE(want));
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_put_on_a_cached_key_replaces_the_value_and_moves_it_first)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = int64_cache_of(_i, 4, &counter.base);
	int64_t value = 0;
	const int64_t want[] = {1, 2};

	put_int(lru, 1, 10);
	put_int(lru, 2, 20);
	size_t live = counter.live_blocks;
	ck_assert_int_eq(put_int(lru, 1, 11), DP_OK);
	/* The old value's copy was freed, the new one allocated. */
	ck_assert_uint_eq(counter.live_blocks, live);
	ck_assert_int_eq(get_int(lru, 1, &value), DP_OK);
	ck_assert_int_eq(value, 11);
	assert_order(lru, want, DP_ARRAY_SIZE(want));
	ck_assert_uint_eq(order_of(lru).count, 2);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_contains_neither_counts_nor_reorders)
{
	dp_lru *lru = int64_cache_of(_i, 3, NULL);
	const int64_t want[] = {3, 2, 1};
	const struct dp_lru_info none = {0, 0, 3, 3};

	put_int(lru, 1, 1);
	put_int(lru, 2, 2);
	put_int(lru, 3, 3);
	ck_assert(dp_lru_contains(lru, &(int64_t){1}));
	ck_assert(!dp_lru_contains(lru, &(int64_t){4}));
	assert_order(lru, want, DP_ARRAY_SIZE(want));
	assert_lru_info(lru, &none);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_remove_forgets_a_key_without_calling_on_evict)
{
	struct key_list evicted = {.count = 0};
	struct dp_lru_config config = int64_config(_i, 3);
	config.on_evict = record_eviction;
	config.evict_ctx = &evicted;
	dp_lru *lru = dp_lru_create(&config);
	const int64_t want[] = {3, 1};

	put_int(lru, 1, 1);
	put_int(lru, 2, 2);
	put_int(lru, 3, 3);
	ck_assert_int_eq(dp_lru_remove(lru, &(int64_t){2}), DP_OK);
	ck_assert_int_eq(dp_lru_remove(lru, &(int64_t){2}), DP_ENOENT);
	assert_order(lru, want, DP_ARRAY_SIZE(want));
	/* Room again: no eviction for the next key. */
	put_int(lru, 4, 4);
	ck_assert_uint_eq(evicted.count, 0);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(evicted.count, 0);
}
END_TEST

START_TEST(test_clear_empties_resets_statistics_and_never_calls_on_evict)
{
	struct key_list evicted = {.count = 0};
	struct dp_lru_config config = int64_config(_i, DP_LRU_UNBOUNDED);
	config.on_evict = record_eviction;
	config.evict_ctx = &evicted;
	dp_lru *lru = dp_lru_create(&config);
	const int64_t calls[] = {1, 1, 2};

	for (size_t i = 0; i < DP_ARRAY_SIZE(calls); i++)
		if (get_int(lru, calls[i], NULL) == DP_ENOENT)
			put_int(lru, calls[i], calls[i]);
	assert_lru_info(lru, &PY_UNBOUNDED);
	ck_assert_int_eq(dp_lru_clear(lru), DP_OK);
	assert_lru_info(lru, &PY_UNBOUNDED_CLEARED);
	ck_assert(!dp_lru_contains(lru, &(int64_t){1}));
	ck_assert_uint_eq(evicted.count, 0);
	/* Still usable after a clear. */
	ck_assert_int_eq(put_int(lru, 5, 50), DP_OK);
	ck_assert_int_eq(get_int(lru, 5, NULL), DP_OK);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_maxsize_0_stores_nothing_and_every_lookup_misses)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = int64_cache_of(_i, 0, &counter.base);
	const int64_t calls[] = {1, 1, 2};
	size_t live = counter.live_blocks;

	for (size_t i = 0; i < DP_ARRAY_SIZE(calls); i++) {
		ck_assert_int_eq(get_int(lru, calls[i], NULL), DP_ENOENT);
		ck_assert_int_eq(put_int(lru, calls[i], 7), DP_OK);
	}
	assert_lru_info(lru, &PY_MAXSIZE_0);
	ck_assert_uint_eq(counter.live_blocks, live);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_unbounded_cache_grows_and_never_evicts)
{
	struct key_list evicted = {.count = 0};
	struct dp_lru_config config = int64_config(_i, DP_LRU_UNBOUNDED);
	config.on_evict = record_eviction;
	config.evict_ctx = &evicted;
	dp_lru *lru = dp_lru_create(&config);
	enum { N = 5000 };

	for (int64_t key = 0; key < N; key++)
		ck_assert_int_eq(put_int(lru, key * 7919, key), DP_OK);
	for (int64_t key = 0; key < N; key++) {
		int64_t value = -1;
		ck_assert_int_eq(get_int(lru, key * 7919, &value), DP_OK);
		ck_assert_int_eq(value, key);
	}
	const struct dp_lru_info want = {N, 0, DP_LRU_UNBOUNDED, N};
	assert_lru_info(lru, &want);
	ck_assert_uint_eq(evicted.count, 0);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_string_keys_are_copied_so_the_buffer_may_change)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = dp_lru_create(&(struct dp_lru_config){
		.keys = &dp_lru_string_key,
		.maxsize = 4,
		.alloc = &counter.base,
	});
	char buffer[16];
	static const char page[] = "home page";
	void *value = NULL;

	strcpy(buffer, "/index.html");
	ck_assert_int_eq(dp_lru_put(lru, buffer, page), DP_OK);
	strcpy(buffer, "/about.html");
	ck_assert_int_eq(dp_lru_get(lru, buffer, &value), DP_ENOENT);
	ck_assert_int_eq(dp_lru_get(lru, "/index.html", &value), DP_OK);
	/* Values without ops are stored as given: the same pointer. */
	ck_assert_ptr_eq(value, page);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_bytes_keys_and_values_are_copied)
{
	dp_lru *lru = dp_lru_create(&(struct dp_lru_config){
		.keys = &dp_lru_bytes_key,
		.values = &dp_lru_bytes_value,
		.maxsize = 4,
	});
	/* Embedded NUL bytes are part of the key. */
	unsigned char key[4] = {'a', 0, 'b', 0};
	unsigned char data[3] = {1, 2, 3};
	void *found = NULL;

	ck_assert_int_eq(dp_lru_put(lru, &(struct dp_lru_bytes){key, 4},
	                            &(struct dp_lru_bytes){data, 3}),
	                 DP_OK);
	data[0] = 99;
	ck_assert_int_eq(
		dp_lru_get(lru, &(struct dp_lru_bytes){key, 3}, &found),
		DP_ENOENT);
	ck_assert_int_eq(
		dp_lru_get(lru, &(struct dp_lru_bytes){key, 4}, &found), DP_OK);
	const struct dp_lru_bytes *value = found;
	ck_assert_uint_eq(value->size, 3);
	ck_assert_uint_eq(((const unsigned char *)value->data)[0], 1);
	ck_assert_ptr_ne(value->data, data);
	ck_assert_uint_eq(data[0], 99);
	key[0] = 'z';
	ck_assert(!dp_lru_contains(lru, &(struct dp_lru_bytes){key, 4}));
	ck_assert(dp_lru_contains(
		lru, &(struct dp_lru_bytes){
			     (const unsigned char[]){'a', 0, 'b', 0}, 4}));
	/* The empty key is a key like any other. */
	ck_assert_int_eq(dp_lru_put(lru, &(struct dp_lru_bytes){NULL, 0}, NULL),
	                 DP_OK);
	ck_assert(dp_lru_contains(lru, &(struct dp_lru_bytes){"", 0}));
	dp_lru_destroy(lru);
}
END_TEST

/* A caller's key table with only the required slots and a ctx that counts
 * the hashes: keys are stored as given, nothing is copied or freed. */
static uint64_t counted_hash(void *ctx, const void *key)
{
	size_t *hashes = ctx;
	(*hashes)++;
	return (uint64_t) * (const int *)key;
}

static bool int_equal(void *ctx, const void *a, const void *b)
{
	(void)ctx;
	return *(const int *)a == *(const int *)b;
}

START_TEST(test_null_dup_and_free_store_the_callers_pointers)
{
	static const struct dp_lru_key_ops as_given = {
		.hash = counted_hash,
		.equal = int_equal,
	};
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	size_t hashes = 0;
	dp_lru *lru = dp_lru_create(&(struct dp_lru_config){
		.keys = &as_given,
		.ctx = &hashes,
		.maxsize = 4,
		.alloc = &counter.base,
	});
	static int keys[2] = {1, 2};
	static int value = 5;
	void *found = NULL;

	size_t empty = counter.live_blocks;
	ck_assert_int_eq(dp_lru_put(lru, &keys[0], &value), DP_OK);
	/* One block: the entry, and no copy of key or value. */
	ck_assert_uint_eq(counter.live_blocks, empty + 1);
	ck_assert_int_eq(dp_lru_get(lru, &keys[0], &found), DP_OK);
	ck_assert_ptr_eq(found, &value);
	ck_assert_int_eq(dp_lru_get(lru, &keys[1], &found), DP_ENOENT);
	ck_assert_uint_eq(hashes, 3);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_random_operations_match_a_reference_model)
{
	/* The model is an array ordered from most to least recently used,
	 * the obvious O(n) LRU; the cache must agree with it at every step,
	 * including which key each eviction picks. Iterations 0 and 1 are
	 * the plain and the tuned cache (see int64_config()); iteration 2
	 * is the tuned cache through the generic dp_lru_get() and
	 * dp_lru_put(); 3 to 5 are the same three with pooled entries. */
	enum { MAXSIZE = 8, RANGE = 24, OPS = 20000 };
	struct key_list evicted = {.count = 0};
	int way = _i % 3;
	int pooled = _i >= 3 ? POOLED_VARIANT : 0;
	struct dp_lru_config config =
		int64_config((way == 0 ? 0 : 1) | pooled, MAXSIZE);
	config.on_evict = record_eviction;
	config.evict_ctx = &evicted;
	dp_lru *lru = dp_lru_create(&config);
	bool generic = way != 1;
	int64_t model[MAXSIZE] = {0};
	size_t model_size = 0;
	uint64_t seed = 12345;

	for (int op = 0; op < OPS; op++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		int64_t key = (int64_t)((seed >> 33) % RANGE);
		size_t at = 0;
		while (at < model_size && model[at] != key)
			at++;
		bool present = at < model_size;
		int rc = generic ? dp_lru_get(lru, &key, NULL)
		                 : dp_lru_get_int64(lru, key, NULL);
		ck_assert_int_eq(rc, present ? DP_OK : DP_ENOENT);
		if (!present) {
			evicted.count = 0;
			rc = generic ? dp_lru_put(lru, &key, &key)
			             : dp_lru_put_int64(lru, key, key);
			ck_assert_int_eq(rc, DP_OK);
			if (model_size == MAXSIZE) {
				ck_assert_uint_eq(evicted.count, 1);
				ck_assert_int_eq(evicted.keys[0],
				                 model[MAXSIZE - 1]);
				at = MAXSIZE - 1;
			} else {
				ck_assert_uint_eq(evicted.count, 0);
				at = model_size++;
			}
		}
		memmove(&model[1], &model[0], at * sizeof(model[0]));
		model[0] = key;
	}
	assert_order(lru, model, model_size);
	dp_lru_destroy(lru);
}
END_TEST

/* ---- counted: what each way of caching integers allocates ---------------- */

/* Blocks per entry: the entry and, in the plain cache, a copy of the key
 * and one of the value; the tuned cache keeps both inside the entry. */
static size_t blocks_per_entry(int kind)
{
	return kind == DP_LRU_BY_OPS ? 3 : 1;
}

START_TEST(test_each_entry_costs_its_blocks_and_nothing_else)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = int64_cache_of(_i, 16, &counter.base);

	for (int64_t key = 0; key < 10; key++)
		ck_assert_int_eq(put_int(lru, key, key * 10), DP_OK);
	int64_t value = 0;
	ck_assert_int_eq(get_int(lru, 7, &value), DP_OK);
	ck_assert_int_eq(value, 70);
	/* The cache and its bucket array, then the entries. */
	ck_assert_uint_eq(counter.live_blocks, 2 + 10 * blocks_per_entry(_i));
	dp_lru_destroy(lru);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_hits_misses_and_removals_allocate_nothing)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = int64_cache_of(_i, 8, &counter.base);

	for (int64_t key = 0; key < 8; key++)
		put_int(lru, key, key);
	size_t allocations = counter.allocations;
	for (int64_t key = 0; key < 100; key++)
		get_int(lru, key % 12, NULL);
	ck_assert(dp_lru_contains(lru, &(int64_t){3}));
	ck_assert_int_eq(dp_lru_remove(lru, &(int64_t){3}), DP_OK);
	ck_assert_uint_eq(counter.allocations, allocations);
	ck_assert_uint_eq(counter.frees, blocks_per_entry(_i));
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_a_full_cache_recycles_the_victims_entry)
{
	/* A miss on a full cache reuses the evicted entry, as CPython's
	 * bounded lru_cache reuses its oldest link: only the copies of the
	 * new key and value are allocated, and the victim's freed. */
	enum { PUTS = 50 };
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = int64_cache_of(_i, 8, &counter.base);

	for (int64_t key = 0; key < 8; key++)
		put_int(lru, key, key);
	size_t per_entry = blocks_per_entry(_i);
	/* The cache and its bucket array, then the entries. */
	ck_assert_uint_eq(counter.allocations, 2 + 8 * per_entry);
	for (int64_t key = 8; key < 8 + PUTS; key++)
		ck_assert_int_eq(put_int(lru, key, key), DP_OK);
	ck_assert_uint_eq(counter.allocations,
	                  2 + 8 * per_entry + PUTS * (per_entry - 1));
	ck_assert_uint_eq(counter.live_blocks, 2 + 8 * per_entry);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_the_table_doubles_when_entries_reach_its_buckets)
{
	/* 16 buckets at first: the 17th entry doubles them, the 33rd again,
	 * each time one new array for one old, in both ways of caching. */
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = int64_cache_of(_i, DP_LRU_UNBOUNDED, &counter.base);
	size_t per_entry = blocks_per_entry(_i);

	for (int64_t key = 0; key < 16; key++)
		put_int(lru, key, key);
	ck_assert_uint_eq(counter.allocations, 2 + 16 * per_entry);
	put_int(lru, 16, 16);
	ck_assert_uint_eq(counter.allocations, 3 + 17 * per_entry);
	ck_assert_uint_eq(counter.frees, 1);
	for (int64_t key = 17; key < 33; key++)
		put_int(lru, key, key);
	ck_assert_uint_eq(counter.allocations, 4 + 33 * per_entry);
	ck_assert_uint_eq(counter.frees, 2);
	dp_lru_destroy(lru);
}
END_TEST

/* A key table whose hash sends every key to bucket 0 and whose equal()
 * counts its calls: a chain of known length, and the probes it costs. */
static uint64_t same_bucket_hash(void *ctx, const void *key)
{
	(void)ctx;
	return (uint64_t) * (const int64_t *)key << 32;
}

static bool counted_equal(void *ctx, const void *a, const void *b)
{
	size_t *calls = ctx;
	(*calls)++;
	return *(const int64_t *)a == *(const int64_t *)b;
}

START_TEST(test_a_lookup_compares_only_keys_of_the_same_hash)
{
	/* Eight keys in one chain: each lookup walks the chain but calls
	 * equal() once, on the entry whose stored hash matches, and a miss
	 * does not call it at all. */
	static const struct dp_lru_key_ops chained = {
		.hash = same_bucket_hash,
		.equal = counted_equal,
	};
	size_t calls = 0;
	dp_lru *lru = dp_lru_create(&(struct dp_lru_config){
		.keys = &chained,
		.ctx = &calls,
		.maxsize = 8,
	});
	static const int64_t keys[8] = {0, 1, 2, 3, 4, 5, 6, 7};

	for (size_t i = 0; i < 8; i++)
		ck_assert_int_eq(dp_lru_put(lru, &keys[i], NULL), DP_OK);
	ck_assert_uint_eq(calls, 0);
	for (size_t i = 0; i < 8; i++)
		ck_assert_int_eq(dp_lru_get(lru, &keys[i], NULL), DP_OK);
	ck_assert_uint_eq(calls, 8);
	ck_assert_int_eq(dp_lru_get(lru, &(int64_t){8}, NULL), DP_ENOENT);
	ck_assert_uint_eq(calls, 8);
	dp_lru_destroy(lru);
}
END_TEST

/* ---- the declared tuning: DP_LRU_INT64 ------------------------------------ */

START_TEST(test_int64_kind_hands_out_pointers_into_its_entries)
{
	struct key_list evicted = {.count = 0};
	dp_lru *lru = dp_lru_create(&(struct dp_lru_config){
		.kind = DP_LRU_INT64,
		.maxsize = 2,
		.on_evict = record_eviction,
		.evict_ctx = &evicted,
	});

	ck_assert_int_eq(put_int(lru, -5, 50), DP_OK);
	ck_assert_int_eq(put_int(lru, INT64_MAX, INT64_MIN), DP_OK);
	ck_assert_int_eq(put_int(lru, 3, 30), DP_OK);
	ck_assert_uint_eq(evicted.count, 1);
	ck_assert_int_eq(evicted.keys[0], -5);
	ck_assert_int_eq(evicted.values[0], 50);
	struct key_list list = order_of(lru);
	ck_assert_uint_eq(list.count, 2);
	ck_assert_int_eq(list.keys[0], 3);
	ck_assert_int_eq(list.values[0], 30);
	ck_assert_int_eq(list.keys[1], INT64_MAX);
	ck_assert_int_eq(list.values[1], INT64_MIN);
	/* The value pointer leads into the entry, and a put on the same key
	 * writes the new value there. */
	const int64_t *stored = stored_value(lru, &(int64_t){3});
	ck_assert_int_eq(put_int(lru, 3, 31), DP_OK);
	ck_assert_int_eq(*stored, 31);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_int64_kind_values_may_be_null)
{
	dp_lru *lru = int64_cache_of(DP_LRU_INT64, 4, NULL);
	void *stored = &stored;
	int64_t value = -1;

	ck_assert_int_eq(dp_lru_put(lru, &(int64_t){1}, NULL), DP_OK);
	ck_assert_int_eq(dp_lru_get(lru, &(int64_t){1}, &stored), DP_OK);
	ck_assert_ptr_null(stored);
	ck_assert_int_eq(dp_lru_get_int64(lru, 1, &value), DP_OK);
	ck_assert_int_eq(value, 0);
	struct key_list list = order_of(lru);
	ck_assert_uint_eq(list.count, 1);
	ck_assert_int_eq(list.values[0], -1);
	/* A value replaces the NULL, and NULL replaces it again. */
	ck_assert_int_eq(put_int(lru, 1, 9), DP_OK);
	ck_assert_int_eq(get_int(lru, 1, &value), DP_OK);
	ck_assert_int_eq(value, 9);
	ck_assert_int_eq(dp_lru_put(lru, &(int64_t){1}, NULL), DP_OK);
	ck_assert_int_eq(dp_lru_get(lru, &(int64_t){1}, &stored), DP_OK);
	ck_assert_ptr_null(stored);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_typed_functions_refuse_a_plain_cache)
{
	dp_lru *lru = int64_cache(4, NULL);
	int64_t value = 7;

	ck_assert_int_eq(dp_lru_put_int64(lru, 1, 1), DP_EINVAL);
	ck_assert_int_eq(dp_lru_get_int64(lru, 1, &value), DP_EINVAL);
	ck_assert_int_eq(value, 7);
	ck_assert_int_eq(dp_lru_put_int64(NULL, 1, 1), DP_EINVAL);
	ck_assert_int_eq(dp_lru_get_int64(NULL, 1, &value), DP_EINVAL);
	const struct dp_lru_info none = {0, 0, 4, 0};
	assert_lru_info(lru, &none);
	dp_lru_destroy(lru);
}
END_TEST

START_TEST(test_plain_caches_mix_integer_and_other_tables)
{
	/* Integer keys with byte values, string keys with integer values:
	 * every key and value a copy of its own. */
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *by_number = dp_lru_create(&(struct dp_lru_config){
		.keys = &dp_lru_int64_key,
		.values = &dp_lru_bytes_value,
		.maxsize = 1,
		.alloc = &counter.base,
	});
	dp_lru *by_name = dp_lru_create(&(struct dp_lru_config){
		.keys = &dp_lru_string_key,
		.values = &dp_lru_int64_value,
		.maxsize = 1,
		.alloc = &counter.base,
	});
	const struct dp_lru_bytes hello = {"hello", 5};

	ck_assert_int_eq(dp_lru_put(by_number, &(int64_t){42}, &hello), DP_OK);
	const struct dp_lru_bytes *bytes =
		stored_value(by_number, &(int64_t){42});
	ck_assert_uint_eq(bytes->size, 5);
	ck_assert_mem_eq(bytes->data, "hello", 5);
	ck_assert_int_eq(dp_lru_put(by_name, "answer", &(int64_t){42}), DP_OK);
	ck_assert_int_eq(*(const int64_t *)stored_value(by_name, "answer"), 42);
	/* Two caches and tables; in each, an entry and two copies. */
	ck_assert_uint_eq(counter.live_blocks, 4 + 3 + 3);
	/* Eviction frees the copies the cache made, and only those. */
	ck_assert_int_eq(dp_lru_put(by_number, &(int64_t){7}, &hello), DP_OK);
	ck_assert_int_eq(dp_lru_put(by_name, "other", &(int64_t){7}), DP_OK);
	ck_assert_uint_eq(counter.live_blocks, 4 + 3 + 3);
	dp_lru_destroy(by_number);
	dp_lru_destroy(by_name);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_destroy_frees_everything_without_calling_on_evict)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	struct key_list evicted = {.count = 0};
	dp_lru *lru = dp_lru_create(&(struct dp_lru_config){
		.keys = &dp_lru_string_key,
		.values = &dp_lru_int64_value,
		.maxsize = 100,
		.on_evict = record_eviction,
		.evict_ctx = &evicted,
		.alloc = &counter.base,
	});
	char key[16];

	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		ck_assert_int_eq(dp_lru_put(lru, key, &(int64_t){i}), DP_OK);
	}
	/* Entry, key copy and value copy per entry; the table and the
	 * cache. */
	ck_assert_uint_eq(counter.live_blocks, 3 * 100 + 2);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(evicted.count, 0);
}
END_TEST

/* ---- the memoizer --------------------------------------------------------- */

START_TEST(test_fib_info_matches_cpython_lru_cache)
{
	size_t calls = 0;
	dp_memo *memo = dp_memo_create_int64(fib, &calls, 128, NULL);

	ck_assert_int_eq(dp_memo_int64(memo, 30), 832040);
	assert_memo_info(memo, &PY_FIB30);
	ck_assert_uint_eq(calls, PY_FIB30.misses);
	ck_assert_int_eq(dp_memo_int64(memo, 90), PY_FIB90);
	assert_memo_info(memo, &PY_FIB30_FIB90);
	ck_assert_uint_eq(calls, PY_FIB30_FIB90.misses);
	ck_assert_int_eq(dp_memo_error(memo), DP_OK);
	dp_memo_destroy(memo);
}
END_TEST

START_TEST(test_fib_with_evictions_matches_cpython_and_calls_once_per_miss)
{
	size_t calls = 0;
	dp_memo *memo = dp_memo_create_int64(fib, &calls, 2, NULL);

	ck_assert_int_eq(dp_memo_int64(memo, 20), 6765);
	assert_memo_info(memo, &PY_FIB20_MAXSIZE_2);
	ck_assert_uint_eq(calls, PY_FIB20_MAXSIZE_2.misses);
	dp_memo_destroy(memo);
}
END_TEST

START_TEST(test_memo_sequence_matches_cpython_and_calls_once_per_miss)
{
	size_t calls = 0;
	dp_memo *memo = dp_memo_create_int64(square, &calls, 3, NULL);
	const int64_t want_order[] = {3, 1, 2};

	for (size_t i = 0; i < DP_ARRAY_SIZE(SQ_CALLS); i++)
		ck_assert_int_eq(dp_memo_int64(memo, SQ_CALLS[i]),
		                 SQ_CALLS[i] * SQ_CALLS[i]);
	assert_memo_info(memo, &PY_SQ_MAXSIZE_3);
	ck_assert_uint_eq(calls, PY_SQ_MAXSIZE_3.misses);
	assert_order(dp_memo_cache(memo), want_order,
	             DP_ARRAY_SIZE(want_order));
	dp_memo_destroy(memo);
}
END_TEST

START_TEST(test_memo_maxsize_0_and_unbounded_behave_as_python)
{
	const int64_t calls_made[] = {1, 1, 2};
	size_t calls = 0;
	dp_memo *none = dp_memo_create_int64(square, &calls, 0, NULL);
	for (size_t i = 0; i < DP_ARRAY_SIZE(calls_made); i++)
		ck_assert_int_eq(dp_memo_int64(none, calls_made[i]),
		                 calls_made[i] * calls_made[i]);
	assert_memo_info(none, &PY_MAXSIZE_0);
	ck_assert_uint_eq(calls, 3);
	dp_memo_destroy(none);

	calls = 0;
	dp_memo *all =
		dp_memo_create_int64(square, &calls, DP_LRU_UNBOUNDED, NULL);
	for (size_t i = 0; i < DP_ARRAY_SIZE(calls_made); i++)
		dp_memo_int64(all, calls_made[i]);
	assert_memo_info(all, &PY_UNBOUNDED);
	ck_assert_uint_eq(calls, 2);
	ck_assert_int_eq(dp_memo_clear(all), DP_OK);
	assert_memo_info(all, &PY_UNBOUNDED_CLEARED);
	dp_memo_int64(all, 1);
	ck_assert_uint_eq(calls, 3);
	dp_memo_destroy(all);
}
END_TEST

START_TEST(test_memo_bytes_recurses_through_the_cache)
{
	static const char digits[] = "2261121226";
	size_t calls = 0;
	dp_memo *memo = dp_memo_create_bytes(decodings, &calls, 64, NULL);
	const size_t n = sizeof(digits) - 1;

	/* 63, as the same recursion under Python's lru_cache gives. */
	ck_assert_int_eq(dp_memo_bytes(memo, digits, n), 63);
	/* One call per distinct suffix, the empty one included. */
	ck_assert_uint_eq(calls, n + 1);
	struct dp_lru_info info;
	dp_memo_info(memo, &info);
	ck_assert_uint_eq(info.misses, n + 1);
	ck_assert_uint_eq(info.currsize, n + 1);
	/* The key was copied: the same suffix from another buffer hits. */
	char copy[sizeof(digits)];
	memcpy(copy, digits, sizeof(digits));
	ck_assert_int_eq(dp_memo_bytes(memo, copy + 5, n - 5),
	                 dp_memo_bytes(memo, digits + 5, n - 5));
	ck_assert_uint_eq(calls, n + 1);
	ck_assert_int_eq(dp_memo_bytes(memo, NULL, 0), 1);
	ck_assert_int_eq(dp_memo_error(memo), DP_OK);
	dp_memo_destroy(memo);
}
END_TEST

START_TEST(test_memo_wrong_kind_or_arguments_are_sticky_einval)
{
	size_t calls = 0;
	dp_memo *ints = dp_memo_create_int64(square, &calls, 4, NULL);
	dp_memo *bytes = dp_memo_create_bytes(decodings, &calls, 4, NULL);

	ck_assert_int_eq(dp_memo_bytes(ints, "1", 1), 0);
	ck_assert_int_eq(dp_memo_error(ints), DP_EINVAL);
	/* Sticky: a good call afterwards does not clear it. */
	ck_assert_int_eq(dp_memo_int64(ints, 3), 9);
	ck_assert_int_eq(dp_memo_error(ints), DP_EINVAL);
	ck_assert_int_eq(dp_memo_clear(ints), DP_OK);
	ck_assert_int_eq(dp_memo_error(ints), DP_OK);

	ck_assert_int_eq(dp_memo_int64(bytes, 3), 0);
	ck_assert_int_eq(dp_memo_error(bytes), DP_EINVAL);
	dp_memo_clear(bytes);
	ck_assert_int_eq(dp_memo_bytes(bytes, NULL, 2), 0);
	ck_assert_int_eq(dp_memo_error(bytes), DP_EINVAL);
	ck_assert_uint_eq(calls, 1);

	ck_assert_ptr_null(dp_memo_create_int64(NULL, NULL, 4, NULL));
	ck_assert_ptr_null(dp_memo_create_bytes(NULL, NULL, 4, NULL));
	ck_assert_int_eq(dp_memo_int64(NULL, 1), 0);
	ck_assert_int_eq(dp_memo_bytes(NULL, "1", 1), 0);
	ck_assert_int_eq(dp_memo_error(NULL), DP_EINVAL);
	struct dp_lru_info info;
	ck_assert_int_eq(dp_memo_info(NULL, &info), DP_EINVAL);
	ck_assert_int_eq(dp_memo_info(ints, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_memo_clear(NULL), DP_EINVAL);
	ck_assert_ptr_null(dp_memo_cache(NULL));
	dp_memo_destroy(NULL);
	dp_memo_destroy(ints);
	dp_memo_destroy(bytes);
}
END_TEST

/* ---- pooled entries: the object pool chapter's pool behind the cache ----- */

/* What a put allocates besides its entry: the plain cache's copies of the
 * key and the value; the tuned cache keeps both inside the entry. */
static size_t copies_per_entry(int variant)
{
	return (variant & 1) == DP_LRU_BY_OPS ? 2 : 0;
}

START_TEST(test_a_cold_fib_90_allocates_only_on_the_first_fill)
{
	/* The course's fib(90), cleared and called again, as a bench
	 * repeats it: the first fill allocates the pool's chunk and its
	 * free list and doubles the bucket array three times (16 to 128
	 * buckets for 91 entries); every later cold run finds its entries
	 * in the pool and its buckets kept, and calls the allocator not
	 * once. */
	enum { FIRST_FILL_ALLOCATIONS = 5, FIRST_FILL_FREES = 3 };
	const struct dp_lru_info cold = {88, 91, 128, 91};
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	size_t calls = 0;
	dp_memo *memo = dp_memo_create_int64(fib, &calls, 128, &counter.base);
	ck_assert_ptr_nonnull(memo);

	size_t allocations = counter.allocations;
	size_t frees = counter.frees;
	ck_assert_int_eq(dp_memo_int64(memo, 90), PY_FIB90);
	ck_assert_uint_eq(counter.allocations,
	                  allocations + FIRST_FILL_ALLOCATIONS);
	ck_assert_uint_eq(counter.frees, frees + FIRST_FILL_FREES);
	assert_memo_info(memo, &cold);
	for (int run = 0; run < 3; run++) {
		allocations = counter.allocations;
		frees = counter.frees;
		size_t live = counter.live_blocks;
		calls = 0;
		ck_assert_int_eq(dp_memo_clear(memo), DP_OK);
		ck_assert_int_eq(dp_memo_int64(memo, 90), PY_FIB90);
		ck_assert_uint_eq(counter.allocations, allocations);
		ck_assert_uint_eq(counter.frees, frees);
		ck_assert_uint_eq(counter.live_blocks, live);
		ck_assert_uint_eq(calls, cold.misses);
		assert_memo_info(memo, &cold);
	}
	ck_assert_int_eq(dp_memo_error(memo), DP_OK);
	dp_memo_destroy(memo);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_clear_returns_pooled_entries_for_the_next_fill)
{
	/* Iterations 2 and 3 of int64_config(): the plain and the tuned
	 * cache with pooled entries. Clear frees only the copies; refilling
	 * allocates only copies again. */
	enum { ENTRIES = 10 };
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = int64_cache_of(_i, 16, &counter.base);
	size_t copies = copies_per_entry(_i);

	for (int64_t key = 0; key < ENTRIES; key++)
		ck_assert_int_eq(put_int(lru, key, key), DP_OK);
	size_t allocations = counter.allocations;
	size_t frees = counter.frees;
	ck_assert_int_eq(dp_lru_clear(lru), DP_OK);
	ck_assert_uint_eq(counter.frees, frees + ENTRIES * copies);
	ck_assert(!dp_lru_contains(lru, &(int64_t){3}));
	for (int64_t key = 100; key < 100 + ENTRIES; key++)
		ck_assert_int_eq(put_int(lru, key, key * 2), DP_OK);
	ck_assert_uint_eq(counter.allocations, allocations + ENTRIES * copies);
	int64_t value = 0;
	ck_assert_int_eq(get_int(lru, 105, &value), DP_OK);
	ck_assert_int_eq(value, 210);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_eviction_and_removal_reuse_pooled_entries)
{
	/* A full pooled cache recycles its victim's entry, and a removed
	 * entry goes back to the pool for the next put: past the first
	 * fill, only copies are allocated. */
	enum { MAXSIZE = 8, PUTS = 50 };
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_lru *lru = int64_cache_of(_i, MAXSIZE, &counter.base);
	size_t copies = copies_per_entry(_i);

	for (int64_t key = 0; key < MAXSIZE; key++)
		put_int(lru, key, key);
	size_t allocations = counter.allocations;
	size_t live = counter.live_blocks;
	for (int64_t key = MAXSIZE; key < MAXSIZE + PUTS; key++)
		ck_assert_int_eq(put_int(lru, key, key), DP_OK);
	ck_assert_int_eq(dp_lru_remove(lru, &(int64_t){MAXSIZE + PUTS - 1}),
	                 DP_OK);
	ck_assert_int_eq(put_int(lru, -1, -1), DP_OK);
	ck_assert_uint_eq(counter.allocations,
	                  allocations + (PUTS + 1) * copies);
	ck_assert_uint_eq(counter.live_blocks, live);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_a_pooled_put_fails_cleanly_at_every_allocation)
{
	/* A pool of DP_LRU_POOL_CHUNK entries, full: the next put needs a
	 * second chunk, a larger free list, a doubled bucket array and,
	 * in the plain cache, its copies. Each failure in turn leaves the
	 * cache as it was and leaks nothing. */
	enum { FULL = DP_LRU_POOL_CHUNK, NEW_KEY = 100000 };
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		dp_lru *lru = int64_cache_of(_i, FULL + 1, &failing.base);
		ck_assert_ptr_nonnull(lru);
		int failed_fills = 0;
		for (int64_t key = 0; key < FULL; key++)
			failed_fills += put_int(lru, key, key) != DP_OK;
		ck_assert_int_eq(failed_fills, 0);

		failing.fail_at = failing.requests + n;
		int rc = put_int(lru, NEW_KEY, 1);
		struct dp_lru_info info;
		dp_lru_info(lru, &info);
		if (failing.failed) {
			ck_assert_int_eq(rc, DP_ENOMEM);
			ck_assert_uint_eq(info.currsize, FULL);
			ck_assert(!dp_lru_contains(lru, &(int64_t){NEW_KEY}));
		} else {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_uint_eq(info.currsize, FULL + 1);
		}
		ck_assert(dp_lru_contains(lru, &(int64_t){0}));
		dp_lru_destroy(lru);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
		ck_assert_uint_lt(n, 100);
	}
}
END_TEST

/* ---- invalid arguments ------------------------------------------------------ */

START_TEST(test_create_rejects_a_missing_config_or_required_slot)
{
	struct dp_lru_key_ops keys = dp_lru_int64_key;
	struct dp_lru_config config = {.keys = &keys, .maxsize = 4};

	switch (_i) {
	case 0:
		ck_assert_ptr_null(dp_lru_create(NULL));
		return;
	case 1:
		config.keys = NULL;
		break;
	case 2:
		keys.hash = NULL;
		break;
	case 3:
		keys.equal = NULL;
		break;
	case 4:
		config.kind = DP_LRU_INT64;
		break;
	case 5:
		config = int64_config(DP_LRU_INT64, 4);
		config.values = &dp_lru_int64_value;
		break;
	case 6:
		config.kind = (enum dp_lru_kind)2;
		break;
	case 7:
		config.entries = (enum dp_lru_entries)2;
		break;
	}
	ck_assert_ptr_null(dp_lru_create(&config));
}
END_TEST

START_TEST(test_null_arguments_are_rejected_by_every_function)
{
	dp_lru *lru = int64_cache(4, NULL);
	int64_t key = 1;
	void *value = &key;
	struct dp_lru_info info;

	ck_assert_int_eq(dp_lru_get(NULL, &key, &value), DP_EINVAL);
	ck_assert_int_eq(dp_lru_get(lru, NULL, &value), DP_EINVAL);
	ck_assert_ptr_eq(value, &key);
	ck_assert_int_eq(dp_lru_put(NULL, &key, &key), DP_EINVAL);
	ck_assert_int_eq(dp_lru_put(lru, NULL, &key), DP_EINVAL);
	ck_assert_int_eq(dp_lru_remove(NULL, &key), DP_EINVAL);
	ck_assert_int_eq(dp_lru_remove(lru, NULL), DP_EINVAL);
	ck_assert(!dp_lru_contains(NULL, &key));
	ck_assert(!dp_lru_contains(lru, NULL));
	ck_assert_int_eq(dp_lru_clear(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_lru_info(NULL, &info), DP_EINVAL);
	ck_assert_int_eq(dp_lru_info(lru, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_lru_for_each(NULL, collect, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_lru_for_each(lru, NULL, NULL), DP_EINVAL);
	/* Nothing was counted by the rejected calls. */
	const struct dp_lru_info none = {0, 0, 4, 0};
	assert_lru_info(lru, &none);
	dp_lru_destroy(NULL);
	dp_lru_destroy(lru);
}
END_TEST

static bool stop_at_first(void *ctx, const void *key, const void *value)
{
	(void)value;
	*(int64_t *)ctx = *(const int64_t *)key;
	return false;
}

START_TEST(test_for_each_stops_when_the_visitor_says_so)
{
	dp_lru *lru = int64_cache(4, NULL);
	int64_t seen = -1;

	put_int(lru, 1, 1);
	put_int(lru, 2, 2);
	ck_assert_int_eq(dp_lru_for_each(lru, stop_at_first, &seen), DP_OK);
	ck_assert_int_eq(seen, 2);
	dp_lru_destroy(lru);
}
END_TEST

/* ---- every allocation failure: DP_ENOMEM, no change, no leak -------------- */

START_TEST(test_create_fails_cleanly_at_every_allocation)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);

		size_t calls = 0;
		dp_lru *lru = NULL;
		dp_memo *memo = NULL;
		switch (_i) {
		case 0:
			lru = int64_cache(4, &failing.base);
			break;
		case 1:
			memo = dp_memo_create_int64(fib, &calls, 4,
			                            &failing.base);
			break;
		case 2:
			memo = dp_memo_create_bytes(decodings, &calls, 4,
			                            &failing.base);
			break;
		case 3:
			lru = int64_cache_of(DP_LRU_INT64, 4, &failing.base);
			break;
		case 4:
			lru = int64_cache_of(DP_LRU_INT64 | POOLED_VARIANT, 4,
			                     &failing.base);
			break;
		}
		bool made = lru != NULL || memo != NULL;
		ck_assert(made == !failing.failed);
		dp_lru_destroy(lru);
		dp_memo_destroy(memo);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
		ck_assert_uint_lt(n, 100);
	}
}
END_TEST

/* Which put a sweep fails; the cache is prepared without failures. */
enum put_case {
	PUT_GROWING_THE_TABLE,
	PUT_EVICTING,
	PUT_REPLACING,
	PUT_STRING_KEY,
	PUT_TUNED, /* growing, a DP_LRU_INT64 cache */
};

static void sweep_put(enum put_case put_case)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		struct key_list evicted = {.count = 0};
		bool strings = put_case == PUT_STRING_KEY;
		/* 16 entries fill the first 16 buckets: the 17th grows the
		 * table, unless maxsize 16 makes it evict instead. */
		struct dp_lru_config config = int64_config(
			put_case == PUT_TUNED ? DP_LRU_INT64 : DP_LRU_BY_OPS,
			put_case == PUT_EVICTING ? 16 : DP_LRU_UNBOUNDED);
		if (strings)
			config.keys = &dp_lru_string_key;
		config.on_evict = record_eviction;
		config.evict_ctx = &evicted;
		config.alloc = &failing.base;
		dp_lru *lru = dp_lru_create(&config);
		ck_assert_ptr_nonnull(lru);
		static const char *const names[] = {"a", "b", "c"};
		if (strings) {
			for (size_t i = 0; i < DP_ARRAY_SIZE(names); i++)
				dp_lru_put(lru, names[i],
				           &(int64_t){(int64_t)i});
		} else {
			for (int64_t key = 0; key < 16; key++)
				put_int(lru, key, key);
		}
		/* String keys are not int64_t: their order is not read. */
		struct key_list before = {.count = 0};
		if (!strings)
			before = order_of(lru);
		struct dp_lru_info info_before;
		dp_lru_info(lru, &info_before);

		failing.fail_at = failing.requests + n;
		int rc = DP_OK;
		switch (put_case) {
		case PUT_GROWING_THE_TABLE:
		case PUT_EVICTING:
		case PUT_TUNED:
			rc = put_int(lru, 100, 100);
			break;
		case PUT_REPLACING:
			rc = put_int(lru, 3, 300);
			break;
		case PUT_STRING_KEY:
			rc = dp_lru_put(lru, "d", &(int64_t){3});
			break;
		}

		if (failing.failed) {
			ck_assert_int_eq(rc, DP_ENOMEM);
			ck_assert_uint_eq(evicted.count, 0);
			assert_lru_info(lru, &info_before);
			if (strings) {
				ck_assert(!dp_lru_contains(lru, "d"));
			} else {
				struct key_list after = order_of(lru);
				ck_assert_uint_eq(after.count, before.count);
				ck_assert_mem_eq(after.keys, before.keys,
				                 sizeof(before.keys));
				ck_assert_mem_eq(after.values, before.values,
				                 sizeof(before.values));
			}
		} else {
			ck_assert_int_eq(rc, DP_OK);
			ck_assert_uint_eq(evicted.count,
			                  put_case == PUT_EVICTING);
		}
		dp_lru_destroy(lru);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
		ck_assert_uint_lt(n, 100);
	}
}

START_TEST(test_put_fails_cleanly_at_every_allocation)
{
	sweep_put((enum put_case)_i);
}
END_TEST

START_TEST(test_memo_returns_the_right_result_when_caching_fails)
{
	/* Fail each allocation of fib(25) in turn: the answer never
	 * changes, the error is DP_ENOMEM, and nothing leaks. */
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		size_t calls = 0;
		dp_memo *memo =
			dp_memo_create_int64(fib, &calls, 8, &failing.base);
		ck_assert_ptr_nonnull(memo);

		failing.fail_at = failing.requests + n;
		ck_assert_int_eq(dp_memo_int64(memo, 25), 75025);
		ck_assert_int_eq(dp_memo_error(memo),
		                 failing.failed ? DP_ENOMEM : DP_OK);
		dp_memo_destroy(memo);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (!failing.failed)
			break;
		ck_assert_uint_lt(n, 1000);
	}
}
END_TEST

/* Keys handed over without a copy: the cache frees them once it has
 * stored them, and never when the put fails, since the caller still owns
 * them then. */
static uint64_t int_hash(void *ctx, const void *key)
{
	(void)ctx;
	return (uint64_t) * (const int *)key;
}

static void count_free(void *ctx, void *key, const struct dp_allocator *alloc)
{
	(void)key;
	(void)alloc;
	size_t *frees = ctx;
	(*frees)++;
}

START_TEST(test_a_failed_put_never_frees_a_key_it_did_not_copy)
{
	static const struct dp_lru_key_ops handed_over = {
		.hash = int_hash,
		.equal = int_equal,
		.free = count_free,
	};
	struct dp_failing_allocator failing;
	dp_failing_allocator_init(&failing, 0, NULL);
	size_t frees = 0;
	dp_lru *lru = dp_lru_create(&(struct dp_lru_config){
		.keys = &handed_over,
		.values = &dp_lru_int64_value,
		.ctx = &frees,
		.maxsize = 1,
		.alloc = &failing.base,
	});
	static int keys[2] = {1, 2};

	/* The put allocates only the entry (the integer value lives inside
	 * it): fail it, after the key was accepted. Setting the allocator up
	 * again counts requests from zero, from the put's first. */
	dp_failing_allocator_init(&failing, 1, NULL);
	ck_assert_int_eq(dp_lru_put(lru, &keys[0], &(int64_t){10}), DP_ENOMEM);
	ck_assert(failing.failed);
	ck_assert_uint_eq(frees, 0);
	ck_assert_int_eq(dp_lru_put(lru, &keys[0], &(int64_t){10}), DP_OK);
	/* The second key evicts the first, which the cache now frees. */
	ck_assert_int_eq(dp_lru_put(lru, &keys[1], &(int64_t){20}), DP_OK);
	ck_assert_uint_eq(frees, 1);
	dp_lru_destroy(lru);
	ck_assert_uint_eq(frees, 2);
}
END_TEST

static Suite *lru_cache_suite(void)
{
	Suite *suite = suite_create("lru_cache");
	TCase *tc;

	tc = dp_test_case(suite, "cache");
	tcase_add_loop_test(tc, test_new_cache_is_empty_and_reports_its_maxsize,
	                    0, VARIANTS);
	tcase_add_loop_test(
		tc, test_get_finds_what_put_stored_and_counts_hits_and_misses,
		0, VARIANTS);
	tcase_add_loop_test(tc, test_evicts_in_exact_least_recently_used_order,
	                    0, VARIANTS);
	tcase_add_loop_test(tc, test_a_hit_saves_an_entry_from_eviction, 0,
	                    VARIANTS);
	tcase_add_loop_test(
		tc,
		test_put_on_a_cached_key_replaces_the_value_and_moves_it_first,
		0, VARIANTS);
	tcase_add_loop_test(tc, test_contains_neither_counts_nor_reorders, 0,
	                    VARIANTS);
	tcase_add_loop_test(tc,
	                    test_remove_forgets_a_key_without_calling_on_evict,
	                    0, VARIANTS);
	tcase_add_loop_test(
		tc,
		test_clear_empties_resets_statistics_and_never_calls_on_evict,
		0, VARIANTS);
	tcase_add_loop_test(
		tc, test_maxsize_0_stores_nothing_and_every_lookup_misses, 0,
		VARIANTS);
	tcase_add_loop_test(tc, test_unbounded_cache_grows_and_never_evicts, 0,
	                    VARIANTS);
	tcase_add_test(tc,
	               test_string_keys_are_copied_so_the_buffer_may_change);
	tcase_add_test(tc, test_bytes_keys_and_values_are_copied);
	tcase_add_test(tc, test_null_dup_and_free_store_the_callers_pointers);
	tcase_add_loop_test(tc, test_random_operations_match_a_reference_model,
	                    0, 6);
	tcase_add_test(tc, test_plain_caches_mix_integer_and_other_tables);
	tcase_add_test(tc,
	               test_destroy_frees_everything_without_calling_on_evict);
	tcase_add_test(tc, test_for_each_stops_when_the_visitor_says_so);

	tc = dp_test_case(suite, "counted");
	tcase_add_loop_test(
		tc, test_each_entry_costs_its_blocks_and_nothing_else, 0, 2);
	tcase_add_loop_test(tc, test_hits_misses_and_removals_allocate_nothing,
	                    0, 2);
	tcase_add_loop_test(tc, test_a_full_cache_recycles_the_victims_entry, 0,
	                    2);
	tcase_add_loop_test(
		tc, test_the_table_doubles_when_entries_reach_its_buckets, 0,
		2);
	tcase_add_test(tc, test_a_lookup_compares_only_keys_of_the_same_hash);

	tc = dp_test_case(suite, "int64 kind");
	tcase_add_test(tc, test_int64_kind_hands_out_pointers_into_its_entries);
	tcase_add_test(tc, test_int64_kind_values_may_be_null);
	tcase_add_test(tc, test_typed_functions_refuse_a_plain_cache);

	tc = dp_test_case(suite, "pooled entries");
	tcase_add_test(tc, test_a_cold_fib_90_allocates_only_on_the_first_fill);
	tcase_add_loop_test(tc,
	                    test_clear_returns_pooled_entries_for_the_next_fill,
	                    POOLED_VARIANT, VARIANTS);
	tcase_add_loop_test(tc, test_eviction_and_removal_reuse_pooled_entries,
	                    POOLED_VARIANT, VARIANTS);
	tcase_add_loop_test(tc,
	                    test_a_pooled_put_fails_cleanly_at_every_allocation,
	                    POOLED_VARIANT, VARIANTS);

	tc = dp_test_case(suite, "memo");
	tcase_add_test(tc, test_fib_info_matches_cpython_lru_cache);
	tcase_add_test(
		tc,
		test_fib_with_evictions_matches_cpython_and_calls_once_per_miss);
	tcase_add_test(
		tc, test_memo_sequence_matches_cpython_and_calls_once_per_miss);
	tcase_add_test(tc, test_memo_maxsize_0_and_unbounded_behave_as_python);
	tcase_add_test(tc, test_memo_bytes_recurses_through_the_cache);
	tcase_add_test(tc, test_memo_wrong_kind_or_arguments_are_sticky_einval);

	tc = dp_test_case(suite, "errors");
	tcase_add_loop_test(
		tc, test_create_rejects_a_missing_config_or_required_slot, 0,
		8);
	tcase_add_test(tc, test_null_arguments_are_rejected_by_every_function);

	tc = dp_test_case(suite, "out of memory");
	tcase_add_loop_test(tc, test_create_fails_cleanly_at_every_allocation,
	                    0, 5);
	tcase_add_loop_test(tc, test_put_fails_cleanly_at_every_allocation, 0,
	                    5);
	tcase_add_test(tc,
	               test_memo_returns_the_right_result_when_caching_fails);
	tcase_add_test(tc, test_a_failed_put_never_frees_a_key_it_did_not_copy);

	return suite;
}

int main(void)
{
	return dp_test_run(lru_cache_suite());
}
