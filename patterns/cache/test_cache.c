/*
 * Tests of the cache interface and its back-ends. The in-process tests
 * run everywhere; the Redis tests talk to a real redis-server, started
 * once for the suite on a Unix socket in a temporary directory (tests that
 * kill or stop a server start their own). Each Redis test uses its own
 * key prefix, so the tests never see each other's keys.
 *
 * Without redis-server the Redis tests become one failing test that names
 * the package, unless SKIP_REDIS=1, which turns them into one passing test
 * that says they were skipped.
 */
#define _XOPEN_SOURCE 700 /* fork, kill, nanosleep */

#include "cache/cache.h"
#include "cache/redis_server.h"
#include "common/dp_test.h"

#include <hiredis/hiredis.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The suite's shared server; started in main() before any test forks. */
static struct dp_redis_server shared;

/* A socket that is never there: every call to it fails at once. */
static const char NO_SERVER[] = "/nonexistent/dp_cache/redis.sock";

static void sleep_ms(long ms)
{
	struct timespec pause = {.tv_sec = ms / 1000,
	                         .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&pause, NULL);
}

static dp_cache *redis_at(const char *socket_path, const char *prefix,
                          const struct dp_allocator *alloc)
{
	struct dp_cache_redis_config config = {
		.unix_path = socket_path,
		.prefix = prefix,
		.command_timeout_ms = 1000,
		.alloc = alloc,
	};
	return dp_cache_redis_create(&config);
}

static dp_cache *lru_of(size_t maxsize, const struct dp_allocator *alloc)
{
	struct dp_cache_lru_config config = {.maxsize = maxsize,
	                                     .alloc = alloc};
	return dp_cache_lru_create(&config);
}

static int put(dp_cache *cache, const char *key, const char *value,
               uint64_t ttl_ms)
{
	return dp_cache_set(cache, key, strlen(key), value, strlen(value),
	                    ttl_ms);
}

/* Get a string value; DP_OK leaves it NUL-terminated in `out`. */
static int fetch(dp_cache *cache, const char *key, char *out, size_t size)
{
	size_t length = 0;
	int rc = dp_cache_get(cache, key, strlen(key), out, size - 1, &length);
	out[rc == DP_OK ? length : 0] = '\0';
	return rc;
}

/* A function whose calls are counted through ctx. */
static int64_t squared_plus_one(dp_cache_memo *memo, void *ctx, int64_t arg)
{
	(void)memo;
	++*(int *)ctx;
	return arg * arg + 1;
}

static int64_t fib(dp_cache_memo *memo, void *ctx, int64_t n)
{
	++*(int *)ctx;
	if (n < 2)
		return n;
	return dp_cache_memo_call(memo, n - 1) +
	       dp_cache_memo_call(memo, n - 2);
}

/* ---- the interface and the in-process back-end ------------------------ */

START_TEST(test_lru_round_trip_and_remove)
{
	dp_cache *cache = lru_of(8, NULL);
	char value[32];

	ck_assert_str_eq(dp_cache_name(cache), "lru");
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_ENOENT);
	ck_assert_int_eq(put(cache, "k", "v1", DP_CACHE_NO_TTL), DP_OK);
	ck_assert_int_eq(put(cache, "k", "value2", DP_CACHE_NO_TTL), DP_OK);
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_OK);
	ck_assert_str_eq(value, "value2");
	ck_assert_int_eq(dp_cache_remove(cache, "k", 1), DP_OK);
	ck_assert_int_eq(dp_cache_remove(cache, "k", 1), DP_ENOENT);
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_ENOENT);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_lru_values_are_bytes)
{
	dp_cache *cache = lru_of(8, NULL);
	const unsigned char bytes[] = {0, 255, 0, 7};
	unsigned char out[4] = {0};
	size_t size = 0;

	ck_assert_int_eq(dp_cache_set(cache, "\0k", 2, bytes, 4, 0), DP_OK);
	ck_assert_int_eq(dp_cache_get(cache, "\0k", 2, out, 4, &size), DP_OK);
	ck_assert_uint_eq(size, 4);
	ck_assert_mem_eq(out, bytes, 4);
	ck_assert_int_eq(dp_cache_get(cache, "\0j", 2, out, 4, &size),
	                 DP_ENOENT);
	ck_assert_int_eq(dp_cache_set(cache, NULL, 0, NULL, 0, 0), DP_OK);
	ck_assert_int_eq(dp_cache_get(cache, NULL, 0, NULL, 0, &size), DP_OK);
	ck_assert_uint_eq(size, 0);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_small_buffer_gives_erange_and_the_size)
{
	dp_cache *cache = lru_of(8, NULL);
	char out[4] = "abc";
	size_t size = 0;

	put(cache, "k", "too long", DP_CACHE_NO_TTL);
	ck_assert_int_eq(dp_cache_get(cache, "k", 1, out, 3, &size), DP_ERANGE);
	ck_assert_uint_eq(size, 8);
	ck_assert_str_eq(out, "abc");
	dp_cache_destroy(cache);
}
END_TEST

static uint64_t fake_clock(void *ctx)
{
	return *(const uint64_t *)ctx;
}

START_TEST(test_lru_ttl_expires_on_its_clock)
{
	uint64_t now = 1000000000u;
	struct dp_cache_lru_config config = {
		.maxsize = 8, .clock = fake_clock, .clock_ctx = &now};
	dp_cache *cache = dp_cache_lru_create(&config);
	char value[8];
	struct dp_cache_info info;

	put(cache, "short", "s", 10);
	put(cache, "forever", "f", DP_CACHE_NO_TTL);
	now += 9 * 1000000u;
	ck_assert_int_eq(fetch(cache, "short", value, sizeof(value)), DP_OK);
	now += 1000000u;
	ck_assert_int_eq(fetch(cache, "short", value, sizeof(value)),
	                 DP_ENOENT);
	ck_assert_int_eq(fetch(cache, "forever", value, sizeof(value)), DP_OK);
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.entries, 1);
	ck_assert_uint_eq(info.hits, 2);
	ck_assert_uint_eq(info.misses, 1);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_lru_counts_and_evicts)
{
	dp_cache *cache = lru_of(2, NULL);
	char value[8];
	struct dp_cache_info info;

	put(cache, "a", "1", 0);
	put(cache, "b", "2", 0);
	put(cache, "c", "3", 0);
	ck_assert_int_eq(fetch(cache, "a", value, sizeof(value)), DP_ENOENT);
	ck_assert_int_eq(fetch(cache, "c", value, sizeof(value)), DP_OK);
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.sets, 3);
	ck_assert_uint_eq(info.hits, 1);
	ck_assert_uint_eq(info.misses, 1);
	ck_assert_uint_eq(info.errors, 0);
	ck_assert_uint_eq(info.connects, 0);
	ck_assert_uint_eq(info.entries, 2);
	ck_assert_int_eq(dp_cache_clear(cache), DP_OK);
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.entries, 0);
	ck_assert_uint_eq(info.hits, 1);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_every_call_rejects_bad_arguments)
{
	dp_cache *cache = lru_of(2, NULL);
	char buffer[4];
	size_t size;
	struct dp_cache_info info;
	struct dp_cache_item item = {.key = NULL, .key_size = 1};

	ck_assert_int_eq(dp_cache_get(NULL, "k", 1, buffer, 4, &size),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_cache_get(cache, NULL, 1, buffer, 4, &size),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_cache_get(cache, "k", 1, NULL, 4, &size),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_cache_get(cache, "k", 1, buffer, 4, NULL),
	                 DP_EINVAL);
	ck_assert_int_eq(dp_cache_set(NULL, "k", 1, "v", 1, 0), DP_EINVAL);
	ck_assert_int_eq(dp_cache_set(cache, NULL, 1, "v", 1, 0), DP_EINVAL);
	ck_assert_int_eq(dp_cache_set(cache, "k", 1, NULL, 1, 0), DP_EINVAL);
	ck_assert_int_eq(dp_cache_remove(NULL, "k", 1), DP_EINVAL);
	ck_assert_int_eq(dp_cache_remove(cache, NULL, 1), DP_EINVAL);
	ck_assert_int_eq(dp_cache_clear(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_cache_info(NULL, &info), DP_EINVAL);
	ck_assert_int_eq(dp_cache_info(cache, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_cache_get_many(NULL, &item, 1), DP_EINVAL);
	ck_assert_int_eq(dp_cache_get_many(cache, NULL, 1), DP_EINVAL);
	ck_assert_int_eq(dp_cache_get_many(cache, &item, 1), DP_EINVAL);
	ck_assert_int_eq(dp_cache_set_many(NULL, &item, 1, 0), DP_EINVAL);
	ck_assert_int_eq(dp_cache_set_many(cache, NULL, 1, 0), DP_EINVAL);
	ck_assert_int_eq(dp_cache_set_many(cache, &item, 1, 0), DP_EINVAL);
	item = (struct dp_cache_item){.key = "k", .key_size = 1, .size = 3};
	ck_assert_int_eq(dp_cache_set_many(cache, &item, 1, 0), DP_EINVAL);
	item = (struct dp_cache_item){.key = "k", .key_size = 1, .capacity = 3};
	ck_assert_int_eq(dp_cache_get_many(cache, &item, 1), DP_EINVAL);
	ck_assert_int_eq(dp_cache_get_many(cache, NULL, 0), DP_OK);
	ck_assert_int_eq(dp_cache_set_many(cache, NULL, 0, 0), DP_OK);
	ck_assert_str_eq(dp_cache_name(NULL), "(null)");
	dp_cache_destroy(NULL);
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.hits + info.misses + info.sets, 0);
	dp_cache_destroy(cache);
}
END_TEST

static int stub_get(void *ctx, const void *key, size_t key_size, void *buffer,
                    size_t capacity, size_t *size)
{
	(void)ctx, (void)key, (void)key_size, (void)buffer, (void)capacity;
	*size = 0;
	return DP_ENOENT;
}

static int stub_set(void *ctx, const void *key, size_t key_size,
                    const void *value, size_t size, uint64_t ttl_ms)
{
	(void)key, (void)key_size, (void)value, (void)size, (void)ttl_ms;
	++*(int *)ctx;
	return DP_OK;
}

static int stub_remove(void *ctx, const void *key, size_t key_size)
{
	(void)ctx, (void)key, (void)key_size;
	return DP_ENOENT;
}

static int stub_clear(void *ctx)
{
	(void)ctx;
	return DP_OK;
}

static void stub_info(void *ctx, struct dp_cache_info *info)
{
	(void)ctx, (void)info;
}

START_TEST(test_create_rejects_incomplete_ops)
{
	int sets = 0;
	struct dp_cache_ops ops = {
		.name = "stub",
		.get = stub_get,
		.set = stub_set,
		.remove = stub_remove,
		.clear = stub_clear,
		.info = stub_info,
	};
	dp_cache *cache = dp_cache_create(&ops, &sets, NULL);
	ck_assert_ptr_nonnull(cache);
	ck_assert_str_eq(dp_cache_name(cache), "stub");
	dp_cache_destroy(cache);

	ck_assert_ptr_null(dp_cache_create(NULL, &sets, NULL));
	struct dp_cache_ops broken = ops;
	broken.name = NULL;
	ck_assert_ptr_null(dp_cache_create(&broken, &sets, NULL));
	broken = ops;
	broken.get = NULL;
	ck_assert_ptr_null(dp_cache_create(&broken, &sets, NULL));
	broken = ops;
	broken.set = NULL;
	ck_assert_ptr_null(dp_cache_create(&broken, &sets, NULL));
	broken = ops;
	broken.remove = NULL;
	ck_assert_ptr_null(dp_cache_create(&broken, &sets, NULL));
	broken = ops;
	broken.clear = NULL;
	ck_assert_ptr_null(dp_cache_create(&broken, &sets, NULL));
	broken = ops;
	broken.info = NULL;
	ck_assert_ptr_null(dp_cache_create(&broken, &sets, NULL));
}
END_TEST

START_TEST(test_bulk_calls_fall_back_to_single_calls)
{
	int sets = 0;
	static const struct dp_cache_ops ops = {
		.name = "stub",
		.get = stub_get,
		.set = stub_set,
		.remove = stub_remove,
		.clear = stub_clear,
		.info = stub_info,
	};
	dp_cache *cache = dp_cache_create(&ops, &sets, NULL);
	struct dp_cache_item items[3] = {
		{.key = "a", .key_size = 1, .value = "1", .size = 1},
		{.key = "b", .key_size = 1, .value = "2", .size = 1},
		{.key = "c", .key_size = 1, .value = "3", .size = 1},
	};

	ck_assert_int_eq(dp_cache_set_many(cache, items, 3, 0), DP_OK);
	ck_assert_int_eq(sets, 3);
	ck_assert_int_eq(items[2].status, DP_OK);
	ck_assert_int_eq(dp_cache_get_many(cache, items, 3), DP_OK);
	ck_assert_int_eq(items[0].status, DP_ENOENT);
	ck_assert_int_eq(items[2].status, DP_ENOENT);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_memo_over_lru_calls_each_argument_once)
{
	int calls = 0;
	dp_cache *cache = lru_of(128, NULL);
	dp_cache_memo *memo = dp_cache_memo_create(cache, "fib", fib, &calls,
	                                           DP_CACHE_NO_TTL, NULL);
	struct dp_cache_memo_stats stats;

	ck_assert_int_eq(dp_cache_memo_call(memo, 80), 23416728348467685);
	ck_assert_int_eq(calls, 81);
	ck_assert_int_eq(dp_cache_memo_call(memo, 80), 23416728348467685);
	ck_assert_int_eq(calls, 81);
	ck_assert_int_eq(dp_cache_memo_stats(memo, &stats), DP_OK);
	ck_assert_uint_eq(stats.calls, 81);
	/* fib(n) misses on n - 1 and hits on n - 2, for n = 3..80; fib(2)
	 * misses on both; then the repeated call hits once. */
	ck_assert_uint_eq(stats.hits, 78 + 1);
	ck_assert_uint_eq(stats.errors, 0);
	dp_cache_memo_destroy(memo);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_memo_recomputes_a_foreign_value)
{
	int calls = 0;
	dp_cache *cache = lru_of(8, NULL);
	dp_cache_memo *memo = dp_cache_memo_create(
		cache, "sq", squared_plus_one, &calls, 0, NULL);
	unsigned char key[10] = {'s', 'q', 3};

	/* Not 8 bytes: written by someone else, so not taken as a result. */
	dp_cache_set(cache, key, 10, "xyz", 3, 0);
	ck_assert_int_eq(dp_cache_memo_call(memo, 3), 10);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(dp_cache_memo_call(memo, 3), 10);
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(dp_cache_memo_call(memo, -3), 10);
	ck_assert_int_eq(calls, 2);
	dp_cache_memo_destroy(memo);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_memo_rejects_bad_arguments)
{
	int calls = 0;
	dp_cache *cache = lru_of(8, NULL);
	struct dp_cache_memo_stats stats;

	ck_assert_ptr_null(dp_cache_memo_create(NULL, "f", squared_plus_one,
	                                        &calls, 0, NULL));
	ck_assert_ptr_null(dp_cache_memo_create(cache, NULL, squared_plus_one,
	                                        &calls, 0, NULL));
	ck_assert_ptr_null(
		dp_cache_memo_create(cache, "f", NULL, &calls, 0, NULL));
	ck_assert_int_eq(dp_cache_memo_call(NULL, 5), 0);
	ck_assert_int_eq(dp_cache_memo_stats(NULL, &stats), DP_EINVAL);
	dp_cache_memo *memo = dp_cache_memo_create(cache, "f", squared_plus_one,
	                                           &calls, 0, NULL);
	ck_assert_int_eq(dp_cache_memo_stats(memo, NULL), DP_EINVAL);
	dp_cache_memo_destroy(memo);
	dp_cache_memo_destroy(NULL);
	ck_assert_int_eq(calls, 0);
	dp_cache_destroy(cache);
}
END_TEST

/* ---- every allocation failure, over a counting allocator -------------- */

enum sweep_target {
	SWEEP_LRU_CREATE,
	SWEEP_LRU_SET,
	SWEEP_REDIS_CREATE,
	SWEEP_TIERED_CREATE,
	SWEEP_MEMO_CREATE,
	N_SWEEPS
};

/* Run one operation with its 1st, 2nd... allocation refused until it
 * succeeds; each failure must return its error and leak nothing. */
START_TEST(test_every_allocation_failure_is_clean)
{
	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, 0, &counter.base);
		const struct dp_allocator *alloc = &failing.base;
		dp_cache *cache = NULL;
		dp_cache *other = NULL;
		dp_cache_memo *memo = NULL;
		bool ok = false;
		int calls = 0;

		switch ((enum sweep_target)_i) {
		case SWEEP_LRU_CREATE:
			failing.fail_at = n;
			cache = lru_of(4, alloc);
			ok = cache != NULL;
			break;
		case SWEEP_LRU_SET:
			cache = lru_of(4, alloc);
			put(cache, "old", "1", 0);
			failing.fail_at = failing.requests + n;
			ok = put(cache, "new", "2", 0) == DP_OK;
			if (!ok) {
				char value[8];
				ck_assert_int_eq(fetch(cache, "new", value, 8),
				                 DP_ENOENT);
				ck_assert_int_eq(fetch(cache, "old", value, 8),
				                 DP_OK);
			}
			break;
		case SWEEP_REDIS_CREATE:
			failing.fail_at = n;
			cache = redis_at(NO_SERVER, "p*[x]:", alloc);
			ok = cache != NULL;
			break;
		case SWEEP_TIERED_CREATE:
			cache = lru_of(4, alloc);
			other = lru_of(4, alloc);
			failing.fail_at = failing.requests + n;
			dp_cache *tiered =
				dp_cache_tiered_create(cache, other, 0, alloc);
			ok = tiered != NULL;
			if (ok) {
				cache = tiered;
				other = NULL;
			}
			break;
		case SWEEP_MEMO_CREATE:
			cache = lru_of(4, alloc);
			failing.fail_at = failing.requests + n;
			memo = dp_cache_memo_create(
				cache, "f", squared_plus_one, &calls, 0, alloc);
			ok = memo != NULL;
			break;
		case N_SWEEPS:
			break;
		}
		ck_assert(ok != failing.failed);
		dp_cache_memo_destroy(memo);
		dp_cache_destroy(cache);
		dp_cache_destroy(other);
		ck_assert_uint_eq(counter.live_blocks, 0);
		if (ok)
			break;
	}
}
END_TEST

/* ---- Redis, without a server ------------------------------------------ */

START_TEST(test_redis_create_rejects_bad_config)
{
	struct dp_cache_redis_config both = {
		.unix_path = NO_SERVER, .host = "127.0.0.1", .port = 6379};
	struct dp_cache_redis_config neither = {.prefix = "p:"};
	struct dp_cache_redis_config low = {.host = "127.0.0.1", .port = 0};
	struct dp_cache_redis_config high = {.host = "127.0.0.1",
	                                     .port = 65536};

	ck_assert_ptr_null(dp_cache_redis_create(NULL));
	ck_assert_ptr_null(dp_cache_redis_create(&both));
	ck_assert_ptr_null(dp_cache_redis_create(&neither));
	ck_assert_ptr_null(dp_cache_redis_create(&low));
	ck_assert_ptr_null(dp_cache_redis_create(&high));
	ck_assert_ptr_null(dp_cache_lru_create(NULL));
	dp_cache *lru = lru_of(2, NULL);
	ck_assert_ptr_null(dp_cache_tiered_create(NULL, lru, 0, NULL));
	ck_assert_ptr_null(dp_cache_tiered_create(lru, NULL, 0, NULL));
	ck_assert_ptr_null(dp_cache_tiered_create(lru, lru, 0, NULL));
	dp_cache_destroy(lru);
}
END_TEST

START_TEST(test_redis_without_server_misses_and_counts_errors)
{
	int calls = 0;
	dp_cache *cache = redis_at(NO_SERVER, "p:", NULL);
	dp_cache_memo *memo = dp_cache_memo_create(
		cache, "sq", squared_plus_one, &calls, 0, NULL);
	struct dp_cache_item items[2] = {
		{.key = "a", .key_size = 1, .value = "1", .size = 1},
		{.key = "b", .key_size = 1, .value = "2", .size = 1},
	};
	struct dp_cache_info info;
	char value[8];

	ck_assert_ptr_nonnull(cache);
	ck_assert_str_eq(dp_cache_name(cache), "redis");
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_EIO);
	ck_assert_int_eq(put(cache, "k", "v", 0), DP_EIO);
	ck_assert_int_eq(dp_cache_remove(cache, "k", 1), DP_EIO);
	ck_assert_int_eq(dp_cache_clear(cache), DP_EIO);
	ck_assert_int_eq(dp_cache_set_many(cache, items, 2, 0), DP_OK);
	ck_assert_int_eq(items[1].status, DP_EIO);
	ck_assert_int_eq(dp_cache_get_many(cache, items, 2), DP_OK);
	ck_assert_int_eq(items[0].status, DP_EIO);
	ck_assert_int_eq(dp_cache_memo_call(memo, 7), 50);
	ck_assert_int_eq(dp_cache_memo_call(memo, 7), 50);
	ck_assert_int_eq(calls, 2);

	dp_cache_info(cache, &info);
	/* create, get, set, delete, clear, set_many, get_many, 2 x (get,
	 * set) of the memo: each tried to connect and failed. */
	ck_assert_uint_eq(info.errors, 11);
	ck_assert_uint_eq(info.misses, 1 + 2 + 2);
	ck_assert_uint_eq(info.hits, 0);
	ck_assert_uint_eq(info.connects, 0);
	dp_cache_memo_destroy(memo);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_redis_retry_interval_limits_connection_attempts)
{
	struct dp_redis_server server;
	ck_assert_int_eq(dp_redis_server_start(&server, 0), DP_OK);
	ck_assert_int_eq(dp_redis_server_kill(&server), DP_OK);
	struct dp_cache_redis_config config = {
		.unix_path = server.socket_path,
		.retry_interval_ms = 60000,
	};
	dp_cache *cache = dp_cache_redis_create(&config);
	char value[8];
	struct dp_cache_info info;

	ck_assert_int_eq(dp_redis_server_restart(&server), DP_OK);
	/* The failed attempt at creation holds off the next one for a
	 * minute: the server is back, but calls still fail fast. */
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_EIO);
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.connects, 0);
	ck_assert_uint_eq(info.errors, 2);
	dp_cache_destroy(cache);
	ck_assert_int_eq(dp_redis_server_stop(&server), DP_OK);
}
END_TEST

START_TEST(test_redis_server_helper_rejects_bad_arguments)
{
	struct dp_redis_server server = {0};
	int port = 0;

	ck_assert_int_eq(dp_redis_server_start(NULL, 0), DP_EINVAL);
	ck_assert_int_eq(dp_redis_server_start(&server, -1), DP_EINVAL);
	ck_assert_int_eq(dp_redis_server_start(&server, 65536), DP_EINVAL);
	ck_assert_int_eq(dp_redis_server_kill(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_redis_server_kill(&server), DP_EINVAL);
	ck_assert_int_eq(dp_redis_server_restart(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_redis_server_restart(&server), DP_EINVAL);
	ck_assert_int_eq(dp_redis_server_stop(NULL), DP_OK);
	ck_assert_int_eq(dp_redis_server_stop(&server), DP_OK);
	ck_assert_int_eq(dp_redis_server_free_port(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_redis_server_free_port(&port), DP_OK);
	ck_assert_int_gt(port, 0);
}
END_TEST

/* ---- Redis, on the suite's server ------------------------------------- */

/* A raw connection to the shared server, to look behind the adapter. */
static redisContext *raw(void)
{
	redisContext *redis = redisConnectUnix(shared.socket_path);
	ck_assert_ptr_nonnull(redis);
	ck_assert_int_eq(redis->err, 0);
	return redis;
}

START_TEST(test_redis_round_trip_remove_and_big_values)
{
	dp_cache *cache = redis_at(shared.socket_path, "round:", NULL);
	char value[32];
	static char big[100000];
	static char back[100000];
	size_t size = 0;

	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_ENOENT);
	ck_assert_int_eq(put(cache, "k", "hello", 0), DP_OK);
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_OK);
	ck_assert_str_eq(value, "hello");
	ck_assert_int_eq(dp_cache_get(cache, "k", 1, value, 2, &size),
	                 DP_ERANGE);
	ck_assert_uint_eq(size, 5);
	ck_assert_int_eq(dp_cache_remove(cache, "k", 1), DP_OK);
	ck_assert_int_eq(dp_cache_remove(cache, "k", 1), DP_ENOENT);

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	ck_assert_int_eq(dp_cache_set(cache, "big", 3, big, sizeof(big), 0),
	                 DP_OK);
	ck_assert_int_eq(
		dp_cache_get(cache, "big", 3, back, sizeof(back), &size),
		DP_OK);
	ck_assert_uint_eq(size, sizeof(big));
	ck_assert_mem_eq(back, big, sizeof(big));
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_redis_ttl_expires)
{
	dp_cache *cache = redis_at(shared.socket_path, "ttl:", NULL);
	redisContext *redis = raw();
	char value[8];

	ck_assert_int_eq(put(cache, "long", "l", 60000), DP_OK);
	redisReply *reply = redisCommand(redis, "PTTL ttl:long");
	ck_assert_int_eq(reply->type, REDIS_REPLY_INTEGER);
	ck_assert_int_gt(reply->integer, 0);
	ck_assert_int_le(reply->integer, 60000);
	freeReplyObject(reply);

	ck_assert_int_eq(put(cache, "short", "s", 20), DP_OK);
	ck_assert_int_eq(put(cache, "forever", "f", DP_CACHE_NO_TTL), DP_OK);
	/* Poll until the server has expired it; bounded, never a guess. */
	int rc = DP_OK;
	for (int tries = 0; tries < 500 && rc == DP_OK; tries++) {
		rc = fetch(cache, "short", value, sizeof(value));
		if (rc == DP_OK)
			sleep_ms(5);
	}
	ck_assert_int_eq(rc, DP_ENOENT);
	ck_assert_int_eq(fetch(cache, "forever", value, sizeof(value)), DP_OK);
	reply = redisCommand(redis, "PTTL ttl:forever");
	ck_assert_int_eq(reply->integer, -1);
	freeReplyObject(reply);
	redisFree(redis);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_redis_prefixes_keep_namespaces_apart)
{
	dp_cache *one = redis_at(shared.socket_path, "ns*1:", NULL);
	dp_cache *two = redis_at(shared.socket_path, "ns*2:", NULL);
	dp_cache *star = redis_at(shared.socket_path, "ns", NULL);
	redisContext *redis = raw();
	char value[8];

	put(one, "k", "1", 0);
	put(two, "k", "2", 0);
	ck_assert_int_eq(fetch(one, "k", value, sizeof(value)), DP_OK);
	ck_assert_str_eq(value, "1");
	ck_assert_int_eq(fetch(two, "k", value, sizeof(value)), DP_OK);
	ck_assert_str_eq(value, "2");

	redisReply *reply = redisCommand(redis, "GET ns*1:k");
	ck_assert_int_eq(reply->type, REDIS_REPLY_STRING);
	ck_assert_str_eq(reply->str, "1");
	freeReplyObject(reply);

	/* The '*' of a prefix is a character, not a pattern, for clear. */
	ck_assert_int_eq(dp_cache_clear(one), DP_OK);
	ck_assert_int_eq(fetch(one, "k", value, sizeof(value)), DP_ENOENT);
	ck_assert_int_eq(fetch(two, "k", value, sizeof(value)), DP_OK);
	/* "ns" is a prefix of the others: clearing it clears them. */
	ck_assert_int_eq(dp_cache_clear(star), DP_OK);
	ck_assert_int_eq(fetch(two, "k", value, sizeof(value)), DP_ENOENT);
	redisFree(redis);
	dp_cache_destroy(one);
	dp_cache_destroy(two);
	dp_cache_destroy(star);
}
END_TEST

START_TEST(test_redis_clear_removes_many_keys)
{
	dp_cache *cache = redis_at(shared.socket_path, "many:", NULL);
	redisContext *redis = raw();
	char key[16];
	char value[8];

	for (int i = 0; i < 2500; i++) {
		snprintf(key, sizeof(key), "%d", i);
		ck_assert_int_eq(put(cache, key, "v", 0), DP_OK);
	}
	ck_assert_int_eq(dp_cache_clear(cache), DP_OK);
	redisReply *reply =
		redisCommand(redis, "SCAN 0 MATCH many:* COUNT 10000");
	ck_assert_uint_eq(reply->element[1]->elements, 0);
	freeReplyObject(reply);
	ck_assert_int_eq(fetch(cache, "7", value, sizeof(value)), DP_ENOENT);
	redisFree(redis);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_redis_info_counts_every_outcome)
{
	dp_cache *cache = redis_at(shared.socket_path, "info:", NULL);
	redisContext *redis = raw();
	char value[8];
	struct dp_cache_info info;

	put(cache, "a", "1", 0);
	put(cache, "b", "2", 0);
	fetch(cache, "a", value, sizeof(value));
	fetch(cache, "a", value, sizeof(value));
	fetch(cache, "z", value, sizeof(value));
	/* A key of the wrong type: the server answers with an error. */
	freeReplyObject(redisCommand(redis, "RPUSH info:list x"));
	ck_assert_int_eq(fetch(cache, "list", value, sizeof(value)), DP_EIO);

	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.sets, 2);
	ck_assert_uint_eq(info.hits, 2);
	ck_assert_uint_eq(info.misses, 2);
	ck_assert_uint_eq(info.errors, 1);
	/* An error reply leaves the connection standing. */
	ck_assert_uint_eq(info.connects, 1);
	ck_assert_uint_eq(info.entries, 0);
	redisFree(redis);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_redis_pipelined_bulk_round_trip)
{
	enum { N = 1000 };
	dp_cache *cache = redis_at(shared.socket_path, "bulk:", NULL);
	static struct dp_cache_item items[N];
	static char keys[N][16];
	static char values[N][16];
	static char buffers[N][8];

	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		snprintf(values[i], sizeof(values[i]), "v%d", i * 3);
		items[i] = (struct dp_cache_item){
			.key = keys[i],
			.key_size = strlen(keys[i]),
			.value = values[i],
			.size = strlen(values[i]),
		};
	}
	ck_assert_int_eq(dp_cache_set_many(cache, items, N - 1, 0), DP_OK);
	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(items[i].status, i < N - 1 ? DP_OK : 0);
		items[i].buffer = buffers[i];
		items[i].capacity = sizeof(buffers[i]);
		items[i].status = 1;
	}
	ck_assert_int_eq(dp_cache_get_many(cache, items, N), DP_OK);
	for (int i = 0; i < N - 1; i++) {
		ck_assert_int_eq(items[i].status, DP_OK);
		ck_assert_uint_eq(items[i].size, strlen(values[i]));
		ck_assert_mem_eq(buffers[i], values[i], items[i].size);
	}
	ck_assert_int_eq(items[N - 1].status, DP_ENOENT);

	struct dp_cache_info info;
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.sets, N - 1);
	ck_assert_uint_eq(info.hits, N - 1);
	ck_assert_uint_eq(info.misses, 1);
	ck_assert_uint_eq(info.connects, 1);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_memo_over_redis_matches_memo_over_lru)
{
	int lru_calls = 0;
	int redis_calls = 0;
	dp_cache *lru = lru_of(256, NULL);
	dp_cache *redis = redis_at(shared.socket_path, "memo:", NULL);
	dp_cache_memo *local =
		dp_cache_memo_create(lru, "fib", fib, &lru_calls, 0, NULL);
	dp_cache_memo *shared_memo =
		dp_cache_memo_create(redis, "fib", fib, &redis_calls, 0, NULL);

	for (int64_t n = 0; n <= 90; n += 10)
		ck_assert_int_eq(dp_cache_memo_call(local, n),
		                 dp_cache_memo_call(shared_memo, n));
	ck_assert_int_eq(lru_calls, 91);
	ck_assert_int_eq(redis_calls, 91);
	dp_cache_memo_destroy(local);
	dp_cache_memo_destroy(shared_memo);
	dp_cache_destroy(lru);
	dp_cache_destroy(redis);
}
END_TEST

START_TEST(test_two_processes_share_results)
{
	enum { N = 100 };
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		/* The other process: its own connection, computes, stores. */
		int calls = 0;
		dp_cache *cache = redis_at(shared.socket_path, "share:", NULL);
		dp_cache_memo *memo = dp_cache_memo_create(
			cache, "sq", squared_plus_one, &calls, 0, NULL);
		for (int64_t i = 0; i < N; i++)
			dp_cache_memo_call(memo, i);
		dp_cache_memo_destroy(memo);
		dp_cache_destroy(cache);
		_exit(calls == N ? 0 : 1);
	}
	int status = 0;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);

	int calls = 0;
	dp_cache *cache = redis_at(shared.socket_path, "share:", NULL);
	dp_cache_memo *memo = dp_cache_memo_create(
		cache, "sq", squared_plus_one, &calls, 0, NULL);
	for (int64_t i = 0; i < N; i++)
		ck_assert_int_eq(dp_cache_memo_call(memo, i), i * i + 1);
	struct dp_cache_memo_stats stats;
	dp_cache_memo_stats(memo, &stats);
	ck_assert_int_eq(calls, 0);
	ck_assert_uint_eq(stats.hits, N);
	dp_cache_memo_destroy(memo);
	dp_cache_destroy(cache);
}
END_TEST

START_TEST(test_tiered_serves_repeats_locally)
{
	dp_cache *back = redis_at(shared.socket_path, "tier:", NULL);
	dp_cache *other = redis_at(shared.socket_path, "tier:", NULL);
	dp_cache *tiered = dp_cache_tiered_create(lru_of(16, NULL), back,
	                                          DP_CACHE_NO_TTL, NULL);
	char value[8];
	struct dp_cache_info info;

	ck_assert_str_eq(dp_cache_name(tiered), "tiered");
	/* Written by another process: the first get goes to Redis. */
	put(other, "k", "v", 0);
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(fetch(tiered, "k", value, sizeof(value)),
		                 DP_OK);
		ck_assert_str_eq(value, "v");
	}
	ck_assert_int_eq(fetch(tiered, "none", value, sizeof(value)),
	                 DP_ENOENT);
	dp_cache_info(back, &info);
	ck_assert_uint_eq(info.hits, 1);
	ck_assert_uint_eq(info.misses, 1);
	dp_cache_info(tiered, &info);
	ck_assert_uint_eq(info.hits, 5);
	ck_assert_uint_eq(info.misses, 1);
	ck_assert_uint_eq(info.entries, 1);
	ck_assert_uint_eq(info.connects, 1);

	/* Writes go to both levels; deletes and clears too. */
	ck_assert_int_eq(put(tiered, "w", "x", 0), DP_OK);
	ck_assert_int_eq(fetch(other, "w", value, sizeof(value)), DP_OK);
	ck_assert_int_eq(dp_cache_remove(tiered, "w", 1), DP_OK);
	ck_assert_int_eq(dp_cache_remove(tiered, "w", 1), DP_ENOENT);
	ck_assert_int_eq(fetch(other, "w", value, sizeof(value)), DP_ENOENT);
	ck_assert_int_eq(dp_cache_clear(tiered), DP_OK);
	ck_assert_int_eq(fetch(tiered, "k", value, sizeof(value)), DP_ENOENT);
	dp_cache_info(tiered, &info);
	ck_assert_uint_eq(info.entries, 0);
	dp_cache_destroy(tiered);
	dp_cache_destroy(other);
}
END_TEST

/* ---- Redis, on a server of the test's own ----------------------------- */

START_TEST(test_server_killed_and_restarted)
{
	struct dp_redis_server server;
	ck_assert_int_eq(dp_redis_server_start(&server, 0), DP_OK);
	int calls = 0;
	dp_cache *cache = redis_at(server.socket_path, "kill:", NULL);
	dp_cache *tiered = dp_cache_tiered_create(
		lru_of(4, NULL), redis_at(server.socket_path, "kill:", NULL),
		DP_CACHE_NO_TTL, NULL);
	dp_cache_memo *memo = dp_cache_memo_create(
		cache, "sq", squared_plus_one, &calls, 0, NULL);
	struct dp_cache_info info;
	char value[8];

	ck_assert_int_eq(dp_cache_memo_call(memo, 4), 17);
	ck_assert_int_eq(dp_cache_memo_call(memo, 4), 17);
	ck_assert_int_eq(calls, 1);
	put(tiered, "t", "1", 0);

	ck_assert_int_eq(dp_redis_server_kill(&server), DP_OK);
	/* Down: every result is still right, computed each time. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(dp_cache_memo_call(memo, 4), 17);
	ck_assert_int_eq(calls, 4);
	ck_assert_int_eq(fetch(cache, "x", value, sizeof(value)), DP_EIO);
	ck_assert_int_eq(put(cache, "x", "1", 0), DP_EIO);
	/* The two-level cache still serves what it holds locally. */
	ck_assert_int_eq(fetch(tiered, "t", value, sizeof(value)), DP_OK);
	ck_assert_int_eq(fetch(tiered, "u", value, sizeof(value)), DP_EIO);
	dp_cache_info(cache, &info);
	ck_assert_uint_ge(info.errors, 6);
	ck_assert_uint_eq(info.connects, 1);

	ck_assert_int_eq(dp_redis_server_restart(&server), DP_OK);
	/* Back, and empty: one computation, then hits again. */
	ck_assert_int_eq(dp_cache_memo_call(memo, 4), 17);
	ck_assert_int_eq(dp_cache_memo_call(memo, 4), 17);
	ck_assert_int_eq(calls, 5);
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.connects, 2);
	ck_assert_int_eq(put(tiered, "u", "2", 0), DP_OK);
	dp_cache_info(tiered, &info);
	ck_assert_uint_eq(info.connects, 2);

	dp_cache_memo_destroy(memo);
	dp_cache_destroy(cache);
	dp_cache_destroy(tiered);
	ck_assert_int_eq(dp_redis_server_stop(&server), DP_OK);
	ck_assert_int_eq(access(server.socket_path, F_OK), -1);
}
END_TEST

START_TEST(test_slow_server_times_out_and_recovers)
{
	struct dp_redis_server server;
	ck_assert_int_eq(dp_redis_server_start(&server, 0), DP_OK);
	struct dp_cache_redis_config config = {
		.unix_path = server.socket_path,
		.prefix = "slow:",
		.command_timeout_ms = 50,
	};
	dp_cache *cache = dp_cache_redis_create(&config);
	int calls = 0;
	dp_cache_memo *memo = dp_cache_memo_create(
		cache, "sq", squared_plus_one, &calls, 0, NULL);
	struct dp_cache_info info;

	ck_assert_int_eq(dp_cache_memo_call(memo, 9), 82);
	/* A stopped process accepts connections (the kernel queues them)
	 * but never answers: the slowest server there is. */
	ck_assert_int_eq(kill(server.pid, SIGSTOP), 0);
	ck_assert_int_eq(dp_cache_memo_call(memo, 9), 82);
	ck_assert_int_eq(calls, 2);
	dp_cache_info(cache, &info);
	ck_assert_uint_ge(info.errors, 1);

	ck_assert_int_eq(kill(server.pid, SIGCONT), 0);
	ck_assert_int_eq(dp_cache_memo_call(memo, 9), 82);
	ck_assert_int_eq(dp_cache_memo_call(memo, 9), 82);
	ck_assert_int_eq(calls, 2);
	dp_cache_info(cache, &info);
	ck_assert_uint_ge(info.connects, 2);

	dp_cache_memo_destroy(memo);
	dp_cache_destroy(cache);
	ck_assert_int_eq(dp_redis_server_stop(&server), DP_OK);
}
END_TEST

/* What the server itself has counted: the connections it has accepted,
 * this question's own included. A stopped server accepts none; the
 * kernel queues them, and it accepts them all when it resumes. */
static long long connections_received(const char *socket_path)
{
	redisContext *redis = redisConnectUnix(socket_path);
	ck_assert_ptr_nonnull(redis);
	ck_assert_int_eq(redis->err, 0);
	redisReply *reply = redisCommand(redis, "INFO stats");
	ck_assert_ptr_nonnull(reply);
	ck_assert_int_eq(reply->type, REDIS_REPLY_STRING);
	const char *field = "total_connections_received:";
	const char *at = strstr(reply->str, field);
	ck_assert_ptr_nonnull(at);
	long long count = atoll(at + strlen(field));
	freeReplyObject(reply);
	redisFree(redis);
	return count;
}

/* The value of a key as the server holds it now; "" when absent. */
static void server_value(const char *socket_path, const char *key, char *out,
                         size_t size)
{
	redisContext *redis = redisConnectUnix(socket_path);
	ck_assert_ptr_nonnull(redis);
	ck_assert_int_eq(redis->err, 0);
	redisReply *reply = redisCommand(redis, "GET %s", key);
	ck_assert_ptr_nonnull(reply);
	ck_assert(reply->type == REDIS_REPLY_STRING ||
	          reply->type == REDIS_REPLY_NIL);
	snprintf(out, size, "%s",
	         reply->type == REDIS_REPLY_STRING ? reply->str : "");
	freeReplyObject(reply);
	redisFree(redis);
}

/* The value of a key once the server has it: a resumed server reads its
 * connections in its own order, so this asks again until the key is
 * there, for 10 s at most (a guard against a hang, not a measurement). */
static void server_value_once_set(const char *socket_path, const char *key,
                                  char *out, size_t size)
{
	server_value(socket_path, key, out, size);
	for (int tries = 0; out[0] == '\0' && tries < 1000; tries++) {
		sleep_ms(10);
		server_value(socket_path, key, out, size);
	}
}

enum {
	/* Long enough that a busy machine never times out a live server. */
	HUNG_TIMEOUT_MS = 500,
	/* Measured on a fake clock: only the test moves it. */
	HUNG_RETRY_MS = 5000,
};
static const uint64_t HUNG_RETRY_NS = (uint64_t)HUNG_RETRY_MS * 1000000u;

/* The fake clock moves only here (and cppcheck then sees it read). */
static void advance(uint64_t *now, uint64_t ns)
{
	*now += ns;
}

static dp_cache *redis_on_clock(const char *socket_path, const char *prefix,
                                uint64_t *now)
{
	struct dp_cache_redis_config config = {
		.unix_path = socket_path,
		.prefix = prefix,
		.command_timeout_ms = HUNG_TIMEOUT_MS,
		.retry_interval_ms = HUNG_RETRY_MS,
		.clock = fake_clock,
		.clock_ctx = now,
	};
	return dp_cache_redis_create(&config);
}

START_TEST(test_hung_server_opens_the_retry_interval_as_a_dead_one_does)
{
	struct dp_redis_server server;
	ck_assert_int_eq(dp_redis_server_start(&server, 0), DP_OK);
	uint64_t now = 1000000000u;
	dp_cache *cache = redis_on_clock(server.socket_path, "hung:", &now);
	struct dp_cache_info info;
	char value[8];

	ck_assert_int_eq(put(cache, "k", "v", 0), DP_OK);
	long long before = connections_received(server.socket_path);
	/* A stopped process: the kernel accepts connections for it, and
	 * nothing ever answers. */
	ck_assert_int_eq(kill(server.pid, SIGSTOP), 0);
	/* The first get times out and loses the connection; the other 19
	 * fail fast, without a new connection, as against a dead server. */
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)),
		                 DP_EIO);
		dp_cache_info(cache, &info);
		ck_assert_uint_eq(info.connects, 1);
	}
	ck_assert_uint_eq(info.errors, 20);
	ck_assert_uint_eq(info.misses, 20);

	/* One nanosecond short of the interval, still nothing; at the
	 * interval, one call connects (the kernel accepts it) and times out,
	 * and the next 19 fail fast again. */
	advance(&now, HUNG_RETRY_NS - 1);
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_EIO);
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.connects, 1);
	advance(&now, 1);
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)),
		                 DP_EIO);
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.connects, 2);
	ck_assert_uint_eq(info.errors, 41);

	/* The server confirms it: one connection of ours was queued, then
	 * this count's own. */
	ck_assert_int_eq(kill(server.pid, SIGCONT), 0);
	ck_assert_int_eq(connections_received(server.socket_path), before + 2);
	/* Back, but the interval of the last loss still runs; after it,
	 * the next call connects and is served. */
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_EIO);
	advance(&now, HUNG_RETRY_NS);
	ck_assert_int_eq(fetch(cache, "k", value, sizeof(value)), DP_OK);
	ck_assert_str_eq(value, "v");
	dp_cache_info(cache, &info);
	ck_assert_uint_eq(info.connects, 3);

	dp_cache_destroy(cache);
	ck_assert_int_eq(dp_redis_server_stop(&server), DP_OK);
}
END_TEST

START_TEST(test_failed_set_is_applied_only_if_it_was_sent)
{
	struct dp_redis_server server;
	ck_assert_int_eq(dp_redis_server_start(&server, 0), DP_OK);
	uint64_t now = 1000000000u;
	dp_cache *cache = redis_on_clock(server.socket_path, "late:", &now);
	struct dp_cache_item sent[2] = {
		{.key = "a", .key_size = 1, .value = "1", .size = 1},
		{.key = "b", .key_size = 1, .value = "2", .size = 1},
	};
	struct dp_cache_item unsent[1] = {
		{.key = "c", .key_size = 1, .value = "3", .size = 1},
	};
	char value[8];

	ck_assert_int_eq(put(cache, "warm", "w", 0), DP_OK);
	ck_assert_int_eq(kill(server.pid, SIGSTOP), 0);
	/* Written to the server's socket, then no reply: both fail. */
	ck_assert_int_eq(dp_cache_set_many(cache, sent, 2, 0), DP_OK);
	ck_assert_int_eq(sent[0].status, DP_EIO);
	ck_assert_int_eq(sent[1].status, DP_EIO);
	/* Within the retry interval: refused before anything is sent. */
	ck_assert_int_eq(put(cache, "unsent", "x", 0), DP_EIO);
	ck_assert_int_eq(dp_cache_set_many(cache, unsent, 1, 0), DP_OK);
	ck_assert_int_eq(unsent[0].status, DP_EIO);
	/* After it, a new connection; written, and no reply again. */
	advance(&now, HUNG_RETRY_NS);
	ck_assert_int_eq(put(cache, "sent", "y", 0), DP_EIO);

	/* The server resumes and reads what was written to it while it was
	 * stopped: those "failed" sets are applied now. What was never sent
	 * never is. */
	ck_assert_int_eq(kill(server.pid, SIGCONT), 0);
	server_value_once_set(server.socket_path, "late:a", value,
	                      sizeof(value));
	ck_assert_str_eq(value, "1");
	server_value_once_set(server.socket_path, "late:b", value,
	                      sizeof(value));
	ck_assert_str_eq(value, "2");
	server_value_once_set(server.socket_path, "late:sent", value,
	                      sizeof(value));
	ck_assert_str_eq(value, "y");
	/* Both connections that carried sets have been read: what is
	 * absent now was never written to either. */
	server_value(server.socket_path, "late:unsent", value, sizeof(value));
	ck_assert_str_eq(value, "");
	server_value(server.socket_path, "late:c", value, sizeof(value));
	ck_assert_str_eq(value, "");

	dp_cache_destroy(cache);
	ck_assert_int_eq(dp_redis_server_stop(&server), DP_OK);
}
END_TEST

/* ---- when there is no server ------------------------------------------ */

START_TEST(test_redis_suites_skipped)
{
	fprintf(stderr, "cache: SKIP_REDIS=1: the Redis tests were skipped\n");
}
END_TEST

START_TEST(test_redis_server_is_installed)
{
	ck_abort_msg("redis-server is missing or would not start: install "
	             "the Debian package redis-server (scripts/deps.sh test), "
	             "or run with SKIP_REDIS=1 to skip the Redis tests");
}
END_TEST

static void add_redis_tests(Suite *suite)
{
	TCase *tc = dp_test_case(suite, "redis");
	tcase_add_test(tc,
	               test_redis_retry_interval_limits_connection_attempts);
	tcase_add_test(tc, test_redis_round_trip_remove_and_big_values);
	tcase_add_test(tc, test_redis_ttl_expires);
	tcase_add_test(tc, test_redis_prefixes_keep_namespaces_apart);
	tcase_add_test(tc, test_redis_clear_removes_many_keys);
	tcase_add_test(tc, test_redis_info_counts_every_outcome);
	tcase_add_test(tc, test_redis_pipelined_bulk_round_trip);
	tcase_add_test(tc, test_memo_over_redis_matches_memo_over_lru);
	tcase_add_test(tc, test_two_processes_share_results);
	tcase_add_test(tc, test_tiered_serves_repeats_locally);
	tcase_add_test(tc, test_server_killed_and_restarted);
	tcase_add_test(tc, test_slow_server_times_out_and_recovers);
	tcase_add_test(
		tc,
		test_hung_server_opens_the_retry_interval_as_a_dead_one_does);
	tcase_add_test(tc, test_failed_set_is_applied_only_if_it_was_sent);
}

int main(void)
{
	Suite *suite = suite_create("cache");

	TCase *tc = dp_test_case(suite, "interface");
	tcase_add_test(tc, test_lru_round_trip_and_remove);
	tcase_add_test(tc, test_lru_values_are_bytes);
	tcase_add_test(tc, test_small_buffer_gives_erange_and_the_size);
	tcase_add_test(tc, test_lru_ttl_expires_on_its_clock);
	tcase_add_test(tc, test_lru_counts_and_evicts);
	tcase_add_test(tc, test_every_call_rejects_bad_arguments);
	tcase_add_test(tc, test_create_rejects_incomplete_ops);
	tcase_add_test(tc, test_bulk_calls_fall_back_to_single_calls);
	tcase_add_test(tc, test_memo_over_lru_calls_each_argument_once);
	tcase_add_test(tc, test_memo_recomputes_a_foreign_value);
	tcase_add_test(tc, test_memo_rejects_bad_arguments);
	tcase_add_loop_test(tc, test_every_allocation_failure_is_clean, 0,
	                    N_SWEEPS);
	tcase_add_test(tc, test_redis_create_rejects_bad_config);
	tcase_add_test(tc, test_redis_without_server_misses_and_counts_errors);
	tcase_add_test(tc, test_redis_server_helper_rejects_bad_arguments);

	const char *skip = getenv("SKIP_REDIS");
	bool started = false;
	if (skip != NULL && strcmp(skip, "1") == 0) {
		fprintf(stderr,
		        "cache: SKIP_REDIS=1: skipping the Redis tests\n");
		tcase_add_test(dp_test_case(suite, "redis skipped"),
		               test_redis_suites_skipped);
	} else if (dp_redis_server_start(&shared, 0) == DP_OK) {
		started = true;
		add_redis_tests(suite);
	} else {
		tcase_add_test(dp_test_case(suite, "redis missing"),
		               test_redis_server_is_installed);
	}

	int status = dp_test_run(suite);
	if (started && dp_redis_server_stop(&shared) != DP_OK)
		status = EXIT_FAILURE;
	return status;
}
