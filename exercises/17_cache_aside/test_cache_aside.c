/*
 * Exercise 17: the graded tests of cache-aside. The source is a fake
 * database that counts its reads and writes; the cache is the chapter's
 * in-process LRU (on a fake clock) or a real redis-server, each seen
 * through a spy: a Decorator that counts the calls, remembers the time to
 * live of the last store, and fails every call when told to.
 *
 * The Redis tests start a redis-server of their own on a Unix socket in a
 * new private directory (no TCP, so no network is needed). Without a
 * redis-server on the PATH (not installed, or hidden, as the class
 * regrade's sandbox hides /usr/bin) they run the same checks against the
 * in-process back-end and say so in the output: the points are earned by
 * the same checks either way.
 *
 * The chapter's code it links (the grader joins these lines):
 *
 * grade-link: cache/cache.c cache/cache_lru.c cache/cache_redis.c
 * grade-link: cache/redis_server.c lru_cache/lru_cache.c lru_cache/lru_ops.c
 * grade-link: common/dp_temp.c object_pool/object_pool.c -lhiredis
 */
#include "cache_aside.h"
#include "grade.h"
#include "grade_assert.h"

#include "cache/cache.h"
#include "cache/redis_server.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROWS = 8, KEY_MAX = 16, VALUE_MAX = 64, TTL_MS = 1000 };

/* ---- The source: a fake database that counts its calls ---------------- */

struct row {
	char key[KEY_MAX];
	char value[VALUE_MAX];
	size_t size;
};

struct source {
	struct row rows[ROWS];
	int count;
	int reads;       /* Calls of read: what the cache must save. */
	int writes;      /* Calls of write. */
	int fail_reads;  /* The next this many reads fail with DP_EIO. */
	int fail_writes; /* The next this many writes fail with DP_EIO. */
	/* When set, a write first reads its key through this instance, as a
	 * reader running at that moment would, and records what it got. */
	struct ex_cache_aside *racer;
	int racer_rc;
	char racer_value[VALUE_MAX];
};

static struct row *find_row(struct source *source, const char *key)
{
	for (int i = 0; i < source->count; i++) {
		if (strcmp(source->rows[i].key, key) == 0)
			return &source->rows[i];
	}
	return NULL;
}

/* What a failed read leaves behind, so that caching it shows. */
static int read_failed(void *buffer, size_t capacity, size_t *size, int rc)
{
	if (capacity >= 4)
		memcpy(buffer, "JUNK", 4);
	*size = 4;
	return rc;
}

static int source_read(void *ctx, const char *key, void *buffer,
                       size_t capacity, size_t *size)
{
	struct source *source = ctx;

	source->reads++;
	if (source->fail_reads > 0) {
		source->fail_reads--;
		return read_failed(buffer, capacity, size, DP_EIO);
	}
	const struct row *row = find_row(source, key);
	if (row == NULL)
		return read_failed(buffer, capacity, size, DP_ENOENT);
	*size = row->size;
	if (row->size > capacity)
		return DP_ERANGE;
	memcpy(buffer, row->value, row->size);
	return DP_OK;
}

static void store_row(struct source *source, const char *key, const void *value,
                      size_t size)
{
	struct row *row = find_row(source, key);

	if (row == NULL && source->count < ROWS) {
		row = &source->rows[source->count++];
		snprintf(row->key, sizeof(row->key), "%s", key);
	}
	ck_assert_msg(row != NULL && size <= VALUE_MAX,
	              "the test's source is full (a bug in the test)");
	memcpy(row->value, value, size);
	row->size = size;
}

static int source_write(void *ctx, const char *key, const void *value,
                        size_t size)
{
	struct source *source = ctx;

	source->writes++;
	if (source->fail_writes > 0) {
		source->fail_writes--;
		return DP_EIO;
	}
	if (source->racer != NULL) {
		struct ex_cache_aside *racer = source->racer;
		size_t got = 0;
		source->racer = NULL; /* once */
		source->racer_rc = ex_cache_aside_read(
			racer, key, source->racer_value, VALUE_MAX - 1, &got);
		source->racer_value[source->racer_rc == DP_OK ? got : 0] = '\0';
	}
	store_row(source, key, value, size);
	return DP_OK;
}

static const struct ex_source_ops SOURCE = {
	.read = source_read,
	.write = source_write,
};

static void source_put(struct source *source, const char *key,
                       const char *value)
{
	store_row(source, key, value, strlen(value));
}

/* ---- The spy: a Decorator over a cache -------------------------------- */

struct spy {
	dp_cache *inner; /* Not owned. */
	bool failing;    /* Every call fails with DP_EIO. */
	int gets, sets, deletes;
	uint64_t last_ttl_ms;
};

static int spy_get(void *ctx, const void *key, size_t key_size, void *buffer,
                   size_t capacity, size_t *size)
{
	struct spy *spy = ctx;

	spy->gets++;
	if (spy->failing)
		return DP_EIO;
	return dp_cache_get(spy->inner, key, key_size, buffer, capacity, size);
}

static int spy_set(void *ctx, const void *key, size_t key_size,
                   const void *value, size_t size, uint64_t ttl_ms)
{
	struct spy *spy = ctx;

	spy->sets++;
	spy->last_ttl_ms = ttl_ms;
	if (spy->failing)
		return DP_EIO;
	return dp_cache_set(spy->inner, key, key_size, value, size, ttl_ms);
}

static int spy_remove(void *ctx, const void *key, size_t key_size)
{
	struct spy *spy = ctx;

	spy->deletes++;
	if (spy->failing)
		return DP_EIO;
	return dp_cache_remove(spy->inner, key, key_size);
}

static int spy_clear(void *ctx)
{
	struct spy *spy = ctx;

	return spy->failing ? DP_EIO : dp_cache_clear(spy->inner);
}

static void spy_info(void *ctx, struct dp_cache_info *info)
{
	struct spy *spy = ctx;

	dp_cache_info(spy->inner, info);
}

static const struct dp_cache_ops SPY_OPS = {
	.name = "spy",
	.get = spy_get,
	.set = spy_set,
	.remove = spy_remove,
	.clear = spy_clear,
	.info = spy_info,
};

/* ---- The stores: an in-process LRU, or a real redis-server ------------- */

/*
 * Two clients of one store, as two processes would have: over Redis, two
 * connections to one server; in-process, two spies over one LRU. Each
 * client is a spy over its own real cache.
 */
struct store {
	bool redis;
	struct dp_redis_server server;
	dp_cache *real[2];
	struct spy spies[2];
	dp_cache *clients[2];
	uint64_t now_ns; /* The in-process LRU's fake clock. */
};

/* The store of the running test (one test per process), stopped at exit
 * even when an assertion ended the test early, so that no server or
 * directory is left behind. Static, so that it outlives the test's frame. */
static struct store the_store;
static bool store_open;

static uint64_t fake_clock(void *ctx)
{
	const struct store *store = ctx;

	return store->now_ns;
}

static void store_close(struct store *store)
{
	for (int i = 0; i < 2; i++) {
		dp_cache_destroy(store->clients[i]);
		dp_cache_destroy(store->real[i]);
		store->clients[i] = NULL;
		store->real[i] = NULL;
	}
	/* SIGKILL first: the server keeps nothing (persistence is off), and
	 * its graceful shutdown would cost a tenth of a second. */
	if (store->server.pid != 0)
		dp_redis_server_kill(&store->server);
	dp_redis_server_stop(&store->server);
	store_open = false;
}

static void close_running_store(void)
{
	if (store_open)
		store_close(&the_store);
}

static void open_clients(struct store *store)
{
	for (int i = 0; i < 2; i++) {
		dp_cache *real = store->real[i] != NULL ? store->real[i]
		                                        : store->real[0];
		store->spies[i] = (struct spy){.inner = real};
		store->clients[i] =
			dp_cache_create(&SPY_OPS, &store->spies[i], NULL);
		ck_assert_msg(store->clients[i] != NULL,
		              "out of memory creating the test's cache");
	}
}

/* An in-process store: one LRU on a fake clock, shared by both clients. */
static struct store *store_open_local(void)
{
	struct store *store = &the_store;

	*store = (struct store){.now_ns = 1000000000u};
	struct dp_cache_lru_config config = {
		.maxsize = 64,
		.clock = fake_clock,
		.clock_ctx = store,
	};
	store->real[0] = dp_cache_lru_create(&config);
	ck_assert_msg(store->real[0] != NULL,
	              "out of memory creating the test's LRU cache");
	store_open = true;
	open_clients(store);
	return store;
}

static dp_cache *redis_client(const struct store *store)
{
	struct dp_cache_redis_config config = {
		.unix_path = store->server.socket_path,
		.prefix = "ex17:",
		.command_timeout_ms = 2000,
		.retry_interval_ms = 0, /* a restarted server is used at once */
	};
	return dp_cache_redis_create(&config);
}

/* A redis-server of the test's own, or, when none is installed, the
 * in-process store, with a line in the output that says so. */
static struct store *store_open_redis(const char *test)
{
	struct store *store = &the_store;

	*store = (struct store){.redis = true};
	int rc = dp_redis_server_start(&store->server, 0);
	if (rc == DP_ENOENT) {
		printf("SKIPPED against Redis: no redis-server on the PATH "
		       "(not installed, or hidden by the sandbox), so %s ran "
		       "its checks against the in-process cache instead, "
		       "for the same points\n",
		       test);
		fflush(stdout);
		return store_open_local();
	}
	ck_assert_msg(rc == DP_OK,
	              "redis-server is installed but did not start: this is "
	              "the grading machine's problem, not your code's (try "
	              "`redis-server --version`)");
	store_open = true;
	for (int i = 0; i < 2; i++) {
		store->real[i] = redis_client(store);
		ck_assert_msg(store->real[i] != NULL,
		              "out of memory creating the test's Redis client");
	}
	open_clients(store);
	return store;
}

/* The server dies (or, in-process, every call fails and the entries are
 * lost, as a restarted server has lost them). */
static void store_kill(struct store *store)
{
	if (store->redis && store->server.pid != 0) {
		grade_assert_code(dp_redis_server_kill(&store->server), DP_OK);
		return;
	}
	store->spies[0].failing = store->spies[1].failing = true;
	dp_cache_clear(store->real[0]);
}

static void store_restart(struct store *store)
{
	if (store->redis && store->server.directory[0] != '\0') {
		ck_assert_msg(dp_redis_server_restart(&store->server) == DP_OK,
		              "redis-server would not start again: this is "
		              "the grading machine's problem, not your code's");
		return;
	}
	store->spies[0].failing = store->spies[1].failing = false;
}

/* ---- Helpers ---------------------------------------------------------- */

/* Read `key` through `aside` and check that it gives `expected`. */
static void read_expect(struct ex_cache_aside *aside, const char *key,
                        const char *expected)
{
	char buffer[VALUE_MAX] = "";
	char text[GRADE_CODE_TEXT_SIZE];
	size_t size = 0;
	int rc = ex_cache_aside_read(aside, key, buffer, sizeof(buffer) - 1,
	                             &size);

	ck_assert_msg(rc == DP_OK,
	              "ex_cache_aside_read(\"%s\") returned %s, expected "
	              "DP_OK and \"%s\"",
	              key, grade_code_text(text, rc), expected);
	ck_assert_msg(size < sizeof(buffer),
	              "ex_cache_aside_read(\"%s\") set *size to %zu, more "
	              "than the buffer holds",
	              key, size);
	buffer[size] = '\0';
	ck_assert_msg(strcmp(buffer, expected) == 0,
	              "ex_cache_aside_read(\"%s\") should give \"%s\", it "
	              "gave \"%s\"",
	              key, expected, buffer);
}

static void init_aside(struct ex_cache_aside *aside, dp_cache *cache,
                       struct source *source, uint64_t ttl_ms)
{
	grade_assert_code(
		ex_cache_aside_init(aside, cache, &SOURCE, source, ttl_ms),
		DP_OK);
}

static struct ex_cache_aside_stats stats_of(const struct ex_cache_aside *aside)
{
	struct ex_cache_aside_stats stats = {0};

	grade_assert_code(ex_cache_aside_stats(aside, &stats), DP_OK);
	return stats;
}

/* Whether `cache` holds `key`, asked directly (no spy, no counting). */
static int cached(dp_cache *cache, const char *key, char *value, size_t room)
{
	size_t size = 0;
	int rc = dp_cache_get(cache, key, strlen(key), value, room - 1, &size);

	value[rc == DP_OK ? size : 0] = '\0';
	return rc;
}

/* ---- The tests over the in-process cache ------------------------------ */

START_TEST(test_init_checks_its_arguments)
{
	struct source source = {0};
	struct ex_cache_aside aside;
	struct ex_cache_aside_stats stats;
	static const struct ex_source_ops NO_READ = {.write = source_write};
	static const struct ex_source_ops NO_WRITE = {.read = source_read};

	struct store *store = store_open_local();
	dp_cache *cache = store->clients[0];
	grade_assert_code(ex_cache_aside_init(NULL, cache, &SOURCE, &source, 0),
	                  DP_EINVAL);
	grade_assert_code(
		ex_cache_aside_init(&aside, NULL, &SOURCE, &source, 0),
		DP_EINVAL);
	grade_assert_code(ex_cache_aside_init(&aside, cache, NULL, &source, 0),
	                  DP_EINVAL);
	grade_assert_code(
		ex_cache_aside_init(&aside, cache, &NO_READ, &source, 0),
		DP_EINVAL);
	grade_assert_code(
		ex_cache_aside_init(&aside, cache, &NO_WRITE, &source, 0),
		DP_EINVAL);
	grade_assert_code(ex_cache_aside_init(&aside, cache, &SOURCE, NULL, 0),
	                  DP_OK); /* the source's context may be NULL */
	init_aside(&aside, cache, &source, TTL_MS);
	grade_assert_code(ex_cache_aside_stats(&aside, NULL), DP_EINVAL);
	grade_assert_code(ex_cache_aside_stats(NULL, &stats), DP_EINVAL);
	stats = stats_of(&aside);
	ck_assert_msg(stats.hits == 0 && stats.misses == 0 &&
	                      stats.cache_errors == 0,
	              "a new instance should count nothing, it counts hits "
	              "%llu, misses %llu, cache errors %llu",
	              (unsigned long long)stats.hits,
	              (unsigned long long)stats.misses,
	              (unsigned long long)stats.cache_errors);

	char buffer[8];
	size_t size = 0;
	grade_assert_code(ex_cache_aside_read(NULL, "a", buffer, 8, &size),
	                  DP_EINVAL);
	grade_assert_code(ex_cache_aside_read(&aside, NULL, buffer, 8, &size),
	                  DP_EINVAL);
	grade_assert_code(ex_cache_aside_read(&aside, "a", NULL, 8, &size),
	                  DP_EINVAL);
	grade_assert_code(ex_cache_aside_read(&aside, "a", buffer, 8, NULL),
	                  DP_EINVAL);
	grade_assert_code(ex_cache_aside_update(NULL, "a", "v", 1), DP_EINVAL);
	grade_assert_code(ex_cache_aside_update(&aside, NULL, "v", 1),
	                  DP_EINVAL);
	grade_assert_code(ex_cache_aside_update(&aside, "a", NULL, 1),
	                  DP_EINVAL);
	ck_assert_msg(source.reads == 0 && source.writes == 0 &&
	                      store->spies[0].gets == 0 &&
	                      store->spies[0].sets == 0 &&
	                      store->spies[0].deletes == 0,
	              "a call refused with DP_EINVAL must call nothing: the "
	              "source was read %d and written %d times, the cache "
	              "got %d gets, %d sets, %d deletes",
	              source.reads, source.writes, store->spies[0].gets,
	              store->spies[0].sets, store->spies[0].deletes);
	store_close(store);
}
END_TEST

START_TEST(test_a_miss_reads_the_source_and_caches_the_value)
{
	struct source source = {0};
	struct ex_cache_aside aside;
	char value[VALUE_MAX];

	struct store *store = store_open_local();
	source_put(&source, "user:1", "Ada Lovelace");
	init_aside(&aside, store->clients[0], &source, TTL_MS);

	read_expect(&aside, "user:1", "Ada Lovelace");
	ck_assert_msg(source.reads == 1,
	              "the first read of a key should read the source once, "
	              "it read it %d times",
	              source.reads);
	int rc = cached(store->real[0], "user:1", value, sizeof(value));
	ck_assert_msg(rc == DP_OK && strcmp(value, "Ada Lovelace") == 0,
	              "after a miss the cache should hold \"Ada Lovelace\" "
	              "under the key \"user:1\" (its bytes, without the "
	              "terminating NUL): dp_cache_get found %s",
	              rc == DP_OK ? value : "nothing");
	struct ex_cache_aside_stats stats = stats_of(&aside);
	ck_assert_msg(stats.misses == 1 && stats.hits == 0,
	              "one read of an empty cache is 1 miss and 0 hits, the "
	              "stats say %llu misses and %llu hits",
	              (unsigned long long)stats.misses,
	              (unsigned long long)stats.hits);
	store_close(store);
}
END_TEST

START_TEST(test_repeated_reads_call_the_source_once)
{
	struct source source = {0};
	struct ex_cache_aside aside;
	static const char *const KEYS[] = {"a", "b", "c"};
	static const char *const VALUES[] = {"apple", "banana", "cherry"};

	struct store *store = store_open_local();
	for (int i = 0; i < 3; i++)
		source_put(&source, KEYS[i], VALUES[i]);
	init_aside(&aside, store->clients[0], &source, TTL_MS);

	for (int i = 0; i < 10; i++)
		read_expect(&aside, "a", "apple");
	ck_assert_msg(source.reads == 1,
	              "10 reads of the same key should read the source once "
	              "(then the cache answers), it was read %d times",
	              source.reads);
	for (int i = 0; i < 30; i++)
		read_expect(&aside, KEYS[i % 3], VALUES[i % 3]);
	ck_assert_msg(source.reads == 3,
	              "after 30 more reads of 3 keys the source should have "
	              "been read 3 times in all (once per key), it was read "
	              "%d times",
	              source.reads);
	struct ex_cache_aside_stats stats = stats_of(&aside);
	ck_assert_msg(stats.hits == 37 && stats.misses == 3,
	              "40 reads of 3 keys are 37 hits and 3 misses, the stats "
	              "say %llu hits and %llu misses",
	              (unsigned long long)stats.hits,
	              (unsigned long long)stats.misses);
	store_close(store);
}
END_TEST

START_TEST(test_values_are_cached_with_the_time_to_live)
{
	struct source source = {0};
	struct ex_cache_aside aside;

	struct store *store = store_open_local();
	source_put(&source, "price", "42");
	init_aside(&aside, store->clients[0], &source, TTL_MS);

	read_expect(&aside, "price", "42");
	ck_assert_msg(store->spies[0].sets == 1 &&
	                      store->spies[0].last_ttl_ms == TTL_MS,
	              "a miss should store the value with the instance's "
	              "time to live, %d ms: the cache got %d stores, the "
	              "last with ttl_ms %llu",
	              TTL_MS, store->spies[0].sets,
	              (unsigned long long)store->spies[0].last_ttl_ms);
	store->now_ns += (TTL_MS - 1) * 1000000ull;
	read_expect(&aside, "price", "42");
	ck_assert_msg(source.reads == 1,
	              "1 ms before the time to live ends the value is still "
	              "cached: expected 1 read of the source, got %d",
	              source.reads);
	store->now_ns += 2 * 1000000ull;
	source_put(&source, "price", "43");
	read_expect(&aside, "price", "43");
	ck_assert_msg(source.reads == 2,
	              "once the time to live has passed, the next read "
	              "should read the source again: expected 2 reads, got "
	              "%d",
	              source.reads);
	store_close(store);
}
END_TEST

START_TEST(test_an_update_invalidates_the_cached_value)
{
	struct source source = {0};
	struct ex_cache_aside aside;
	char value[VALUE_MAX];

	struct store *store = store_open_local();
	source_put(&source, "stock", "7");
	init_aside(&aside, store->clients[0], &source, DP_CACHE_NO_TTL);

	read_expect(&aside, "stock", "7");
	grade_assert_code(ex_cache_aside_update(&aside, "stock", "6", 1),
	                  DP_OK);
	ck_assert_msg(source.writes == 1,
	              "an update should write the source once, it wrote it "
	              "%d times",
	              source.writes);
	ck_assert_msg(cached(store->real[0], "stock", value, sizeof(value)) ==
	                      DP_ENOENT,
	              "after an update the cache should hold nothing for the "
	              "key, so that the next read fetches the new value from "
	              "the source; it holds \"%s\". An entry left there "
	              "after the source changed is a stale read waiting to "
	              "happen: delete it once the source is written",
	              value);
	read_expect(&aside, "stock", "6");
	ck_assert_msg(source.reads == 2,
	              "the read after an update should read the source "
	              "exactly once more (2 in all), got %d",
	              source.reads);
	read_expect(&aside, "stock", "6");
	ck_assert_msg(source.reads == 2,
	              "the new value should be cached again: the read after "
	              "it should not read the source (expected 2 reads in "
	              "all, got %d)",
	              source.reads);

	/* Updating a key nobody read: the delete finds nothing, which is
	 * not an error. */
	grade_assert_code(ex_cache_aside_update(&aside, "fresh", "1", 1),
	                  DP_OK);
	struct ex_cache_aside_stats stats = stats_of(&aside);
	ck_assert_msg(stats.cache_errors == 0,
	              "deleting a key the cache does not hold (DP_ENOENT) is "
	              "not a cache error, yet %llu were counted",
	              (unsigned long long)stats.cache_errors);
	read_expect(&aside, "fresh", "1");
	store_close(store);
}
END_TEST

START_TEST(test_a_read_during_the_update_leaves_no_stale_value)
{
	struct source source = {0};
	struct ex_cache_aside writer, reader;

	struct store *store = store_open_local();
	source_put(&source, "balance", "100");
	init_aside(&writer, store->clients[0], &source, DP_CACHE_NO_TTL);
	init_aside(&reader, store->clients[0], &source, DP_CACHE_NO_TTL);

	read_expect(&reader, "balance", "100");
	/* The reader reads "balance" while the source applies the write. */
	source.racer = &reader;
	grade_assert_code(ex_cache_aside_update(&writer, "balance", "80", 2),
	                  DP_OK);
	ck_assert_msg(source.racer == NULL,
	              "ex_cache_aside_update should call the source's write");
	ck_assert_msg(source.racer_rc == DP_OK &&
	                      strcmp(source.racer_value, "100") == 0,
	              "a read during the write should see the old value "
	              "\"100\", it got \"%s\"",
	              source.racer_value);
	read_expect(&reader, "balance", "80");
	read_expect(&writer, "balance", "80");
	store_close(store);
}
END_TEST

START_TEST(test_a_source_error_is_returned_and_nothing_cached)
{
	struct source source = {0};
	struct ex_cache_aside aside;
	char buffer[VALUE_MAX];
	char value[VALUE_MAX];
	size_t size = 0;

	struct store *store = store_open_local();
	source_put(&source, "order:9", "shipped");
	init_aside(&aside, store->clients[0], &source, TTL_MS);

	source.fail_reads = 1;
	grade_assert_code(ex_cache_aside_read(&aside, "order:9", buffer,
	                                      sizeof(buffer), &size),
	                  DP_EIO);
	int rc = cached(store->real[0], "order:9", value, sizeof(value));
	ck_assert_msg(rc == DP_ENOENT,
	              "after the source failed the cache should hold nothing "
	              "for the key, it holds \"%s\": only a value the source "
	              "returned with DP_OK may be cached",
	              value);
	read_expect(&aside, "order:9", "shipped");
	ck_assert_msg(source.reads == 2,
	              "once the source works again the read should reach it: "
	              "expected 2 reads in all, got %d",
	              source.reads);

	/* A key the source does not have: DP_ENOENT, each time asked. */
	for (int i = 0; i < 2; i++)
		grade_assert_code(ex_cache_aside_read(&aside, "order:404",
		                                      buffer, sizeof(buffer),
		                                      &size),
		                  DP_ENOENT);
	ck_assert_msg(cached(store->real[0], "order:404", value,
	                     sizeof(value)) == DP_ENOENT,
	              "a key the source does not have must not be cached, "
	              "the cache holds \"%s\" for it",
	              value);

	source.fail_writes = 1;
	grade_assert_code(ex_cache_aside_update(&aside, "order:9", "lost", 4),
	                  DP_EIO);
	store_close(store);
}
END_TEST

START_TEST(test_a_failing_cache_does_not_fail_the_read)
{
	struct source source = {0};
	struct ex_cache_aside aside;

	struct store *store = store_open_local();
	source_put(&source, "k", "v1");
	init_aside(&aside, store->clients[0], &source, TTL_MS);
	store->spies[0].failing = true;

	for (int i = 0; i < 3; i++)
		read_expect(&aside, "k", "v1");
	ck_assert_msg(source.reads == 3,
	              "with the cache failing every read should fall back to "
	              "the source: expected 3 reads, got %d",
	              source.reads);
	struct ex_cache_aside_stats stats = stats_of(&aside);
	ck_assert_msg(stats.cache_errors >= 3 && stats.misses == 3 &&
	                      stats.hits == 0,
	              "3 reads with a failing cache are 3 misses and at least "
	              "3 cache errors, the stats say %llu misses, %llu hits "
	              "and %llu cache errors",
	              (unsigned long long)stats.misses,
	              (unsigned long long)stats.hits,
	              (unsigned long long)stats.cache_errors);

	uint64_t errors = stats.cache_errors;
	grade_assert_code(ex_cache_aside_update(&aside, "k", "v2", 2), DP_OK);
	stats = stats_of(&aside);
	ck_assert_msg(source.writes == 1 && stats.cache_errors == errors + 1,
	              "an update with a failing cache should still write the "
	              "source (%d writes, expected 1) and count the failed "
	              "delete (cache errors went from %llu to %llu)",
	              source.writes, (unsigned long long)errors,
	              (unsigned long long)stats.cache_errors);

	store->spies[0].failing = false;
	read_expect(&aside, "k", "v2");
	read_expect(&aside, "k", "v2");
	ck_assert_msg(source.reads == 4,
	              "once the cache works again it should be used: "
	              "expected 4 reads of the source in all, got %d",
	              source.reads);
	store_close(store);
}
END_TEST

START_TEST(test_a_small_buffer_is_erange)
{
	struct source source = {0};
	struct ex_cache_aside aside;
	char small[4];
	size_t size = 0;

	struct store *store = store_open_local();
	source_put(&source, "long", "0123456789");
	source_put(&source, "other", "abcdefghij");
	init_aside(&aside, store->clients[0], &source, TTL_MS);

	read_expect(&aside, "long", "0123456789");
	grade_assert_code(ex_cache_aside_read(&aside, "long", small,
	                                      sizeof(small), &size),
	                  DP_ERANGE);
	ck_assert_msg(size == 10 && source.reads == 1,
	              "a cached value too large for the buffer is DP_ERANGE "
	              "with *size 10 and no read of the source: got *size "
	              "%zu and %d reads",
	              size, source.reads);

	size = 0;
	grade_assert_code(ex_cache_aside_read(&aside, "other", small,
	                                      sizeof(small), &size),
	                  DP_ERANGE);
	ck_assert_msg(size == 10,
	              "DP_ERANGE from the source should leave *size 10, got "
	              "%zu",
	              size);
	read_expect(&aside, "other", "abcdefghij");
	ck_assert_msg(source.reads == 3,
	              "a value the source could not copy (DP_ERANGE) is not "
	              "cached, so the next read reads the source: expected 3 "
	              "reads in all, got %d",
	              source.reads);
	store_close(store);
}
END_TEST

/* ---- The same lessons over a real redis-server ------------------------ */

START_TEST(test_redis_reads_call_the_source_once_for_every_client)
{
	struct source source = {0};
	struct ex_cache_aside first, second;

	struct store *store = store_open_redis(
		"test_redis_reads_call_the_source_once_for_every_"
		"client");
	source_put(&source, "page:/", "<h1>home</h1>");
	init_aside(&first, store->clients[0], &source, TTL_MS);
	init_aside(&second, store->clients[1], &source, TTL_MS);

	for (int i = 0; i < 5; i++)
		read_expect(&first, "page:/", "<h1>home</h1>");
	ck_assert_msg(source.reads == 1,
	              "5 reads through Redis should read the source once, it "
	              "was read %d times",
	              source.reads);
	ck_assert_msg(store->spies[0].last_ttl_ms == TTL_MS,
	              "the value should be stored with the instance's time "
	              "to live, %d ms, not %llu",
	              TTL_MS, (unsigned long long)store->spies[0].last_ttl_ms);
	for (int i = 0; i < 5; i++)
		read_expect(&second, "page:/", "<h1>home</h1>");
	ck_assert_msg(source.reads == 1,
	              "a second client of the same server should find the "
	              "value the first one cached: expected 1 read of the "
	              "source in all, got %d",
	              source.reads);
	store_close(store);
}
END_TEST

START_TEST(test_redis_update_invalidates_for_every_client)
{
	struct source source = {0};
	struct ex_cache_aside first, second;

	struct store *store = store_open_redis(
		"test_redis_update_invalidates_for_every_client");
	source_put(&source, "config", "blue");
	init_aside(&first, store->clients[0], &source, DP_CACHE_NO_TTL);
	init_aside(&second, store->clients[1], &source, DP_CACHE_NO_TTL);

	read_expect(&first, "config", "blue");
	read_expect(&second, "config", "blue");
	grade_assert_code(ex_cache_aside_update(&first, "config", "green", 5),
	                  DP_OK);
	read_expect(&second, "config", "green");
	ck_assert_msg(source.reads == 2,
	              "after an update, the other client's next read should "
	              "read the source exactly once more (2 in all), got %d",
	              source.reads);
	read_expect(&first, "config", "green");
	read_expect(&second, "config", "green");
	ck_assert_msg(source.reads == 2,
	              "the new value is then cached for both clients: "
	              "expected 2 reads of the source in all, got %d",
	              source.reads);
	store_close(store);
}
END_TEST

START_TEST(test_redis_down_falls_back_to_the_source)
{
	struct source source = {0};
	struct ex_cache_aside aside;

	struct store *store =
		store_open_redis("test_redis_down_falls_back_to_the_source");
	source_put(&source, "k", "v1");
	init_aside(&aside, store->clients[0], &source, TTL_MS);
	read_expect(&aside, "k", "v1");

	store_kill(store);
	read_expect(&aside, "k", "v1");
	read_expect(&aside, "k", "v1");
	grade_assert_code(ex_cache_aside_update(&aside, "k", "v2", 2), DP_OK);
	read_expect(&aside, "k", "v2");
	ck_assert_msg(source.reads == 4 && source.writes == 1,
	              "with the server down every read should fall back to "
	              "the source and the update still write it: expected 4 "
	              "reads and 1 write, got %d and %d",
	              source.reads, source.writes);
	struct ex_cache_aside_stats stats = stats_of(&aside);
	ck_assert_msg(stats.cache_errors >= 4,
	              "3 reads and an update with the server down should "
	              "count at least 4 cache errors, the stats say %llu",
	              (unsigned long long)stats.cache_errors);

	store_restart(store);
	read_expect(&aside, "k", "v2");
	read_expect(&aside, "k", "v2");
	ck_assert_msg(source.reads == 5,
	              "once the server is back (empty) one read should refill "
	              "it and the next hit: expected 5 reads in all, got %d",
	              source.reads);
	store_close(store);
}
END_TEST

START_TEST(test_redis_source_error_is_not_cached)
{
	struct source source = {0};
	struct ex_cache_aside first, second;
	char buffer[VALUE_MAX];
	size_t size = 0;

	struct store *store =
		store_open_redis("test_redis_source_error_is_not_cached");
	source_put(&source, "report", "ready");
	init_aside(&first, store->clients[0], &source, TTL_MS);
	init_aside(&second, store->clients[1], &source, TTL_MS);

	source.fail_reads = 1;
	grade_assert_code(ex_cache_aside_read(&first, "report", buffer,
	                                      sizeof(buffer), &size),
	                  DP_EIO);
	read_expect(&second, "report", "ready");
	ck_assert_msg(source.reads == 2,
	              "a source error must not be cached: the other client's "
	              "read should reach the source (2 reads in all), got %d",
	              source.reads);
	read_expect(&first, "report", "ready");
	ck_assert_msg(source.reads == 2,
	              "then the value is cached: expected 2 reads in all, got "
	              "%d",
	              source.reads);
	store_close(store);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_init_checks_its_arguments", test_init_checks_its_arguments, 1,
         "Check every pointer (both slots of the source's ops included) "
         "before using any, and call nothing when one is NULL. README "
         "step 1."},
	{"test_a_miss_reads_the_source_and_caches_the_value",
         test_a_miss_reads_the_source_and_caches_the_value, 2,
         "Ask the cache with dp_cache_get (the key is strlen(key) bytes); "
         "on DP_ENOENT read the source, then dp_cache_set what it gave. "
         "README step 2."},
	{"test_repeated_reads_call_the_source_once",
         test_repeated_reads_call_the_source_once, 3,
         "A hit (DP_OK from dp_cache_get) is the answer: return it "
         "without touching the source, and count it as a hit."},
	{"test_values_are_cached_with_the_time_to_live",
         test_values_are_cached_with_the_time_to_live, 2,
         "dp_cache_set takes a time to live: pass the one given to "
         "ex_cache_aside_init, not DP_CACHE_NO_TTL."},
	{"test_an_update_invalidates_the_cached_value",
         test_an_update_invalidates_the_cached_value, 4,
         "Writing the source does not change the copy in the cache: "
         "remove it (dp_cache_remove), and treat DP_ENOENT from the "
         "remove as fine. README step 4."},
	{"test_a_read_during_the_update_leaves_no_stale_value",
         test_a_read_during_the_update_leaves_no_stale_value, 3,
         "Think of a read that runs between your two steps: which order "
         "of 'write the source' and 'delete the entry' lets it cache the "
         "old value for good? README step 4."},
	{"test_a_source_error_is_returned_and_nothing_cached",
         test_a_source_error_is_returned_and_nothing_cached, 3,
         "When the source's read does not return DP_OK, its buffer holds "
         "no value: return its code and skip dp_cache_set. README step 3."},
	{"test_a_failing_cache_does_not_fail_the_read",
         test_a_failing_cache_does_not_fail_the_read, 4,
         "A cache is an optimisation: when dp_cache_get, set or delete "
         "fails (DP_EIO), count it in cache_errors and carry on as if it "
         "had missed; never return its error. README step 3."},
	{"test_a_small_buffer_is_erange", test_a_small_buffer_is_erange, 1,
         "DP_ERANGE from dp_cache_get is a hit (the value is there, the "
         "buffer is small): return it. From the source it is an error "
         "like any other."},
	{"test_redis_reads_call_the_source_once_for_every_client",
         test_redis_reads_call_the_source_once_for_every_client, 3,
         "Over Redis the value one client stores (with the instance's "
         "ttl_ms) is found by every client: a hit must not read the "
         "source, and a miss must dp_cache_set what the source gave."},
	{"test_redis_update_invalidates_for_every_client",
         test_redis_update_invalidates_for_every_client, 4,
         "Another client's cached copy lives in the server: only the "
         "delete in ex_cache_aside_update removes it."},
	{"test_redis_down_falls_back_to_the_source",
         test_redis_down_falls_back_to_the_source, 3,
         "A dead server makes every cache call return DP_EIO: reads and "
         "updates must still succeed through the source."},
	{"test_redis_source_error_is_not_cached",
         test_redis_source_error_is_not_cached, 2,
         "What one client caches, every client reads: cache only a value "
         "the source returned with DP_OK."},
};

int main(int argc, char **argv)
{
	atexit(close_running_store);
	return grade_main("17_cache_aside", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
