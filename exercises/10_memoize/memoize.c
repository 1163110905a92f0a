/*
 * Exercise 10: an LRU cache and a memoizer. Read README.md first, then
 * fill in each TODO. Every function below compiles and returns a value
 * that makes the tests fail; replace the bodies one by one.
 */
#include "memoize.h"

#include <stdbool.h>

/* TODO: an entry holds a key, a value, its key's hash (so that moving it
 * between buckets needs no new hash call), a link to the next entry of
 * its hash bucket, and prev/next links of the recency list. */
struct entry {
	int64_t key;
	int64_t value;
};

/* TODO: the cache holds its allocator, its key operations and their ctx,
 * the bucket array, the recency list (a sentinel node makes it simplest),
 * maxsize, currsize, hits, misses. */
struct ex_cache {
	const struct dp_allocator *alloc;
};

/* TODO: the memo holds its allocator, the function, its ctx, its cache. */
struct ex_memo {
	const struct dp_allocator *alloc;
};

/* TODO: the default key operations: a static const struct
 * ex_cache_key_ops whose hash mixes the integer's bits (consecutive keys
 * must not crowd neighbouring buckets) and whose equal is ==. */

ex_cache *ex_cache_create(size_t maxsize, const struct dp_allocator *alloc)
{
	/* TODO: the same as ex_cache_create_with_keys() with no keys. */
	(void)maxsize;
	(void)alloc;
	return NULL;
}

ex_cache *ex_cache_create_with_keys(size_t maxsize,
                                    const struct ex_cache_key_ops *keys,
                                    void *ctx, const struct dp_allocator *alloc)
{
	/* TODO: NULL keys means the default operations; refuse a table
	 * without hash or equal. Allocate the cache and its buckets with
	 * dp_alloc(), freeing what you have if a later allocation fails.
	 * From now on hash and compare keys only through keys->hash and
	 * keys->equal, passing ctx. */
	(void)maxsize;
	(void)keys;
	(void)ctx;
	(void)alloc;
	return NULL;
}

void ex_cache_destroy(ex_cache *cache)
{
	/* TODO: free every entry, the buckets and the cache. */
	(void)cache;
}

int ex_cache_get(ex_cache *cache, int64_t key, int64_t *value)
{
	/* TODO: find the key; count a miss, or count a hit, move the entry
	 * to the front of the recency list and copy its value out. */
	(void)cache;
	(void)key;
	(void)value;
	return DP_ENOTSUP;
}

int ex_cache_put(ex_cache *cache, int64_t key, int64_t value)
{
	/* TODO: update an existing key and move it to the front; else, when
	 * the cache is full, evict the entry at the back of the list; then
	 * insert the new entry at the front. maxsize 0 stores nothing. If
	 * memory runs out, return DP_ENOMEM with the cache exactly as it
	 * was: allocate before changing anything. */
	(void)cache;
	(void)key;
	(void)value;
	return DP_ENOTSUP;
}

int ex_cache_info(const ex_cache *cache, struct ex_cache_info *info)
{
	/* TODO: copy hits, misses, maxsize and currsize into *info. */
	(void)cache;
	(void)info;
	return DP_ENOTSUP;
}

size_t ex_cache_keys(const ex_cache *cache, int64_t *keys, size_t capacity)
{
	/* TODO: walk the recency list from the front, writing at most
	 * `capacity` keys. */
	(void)cache;
	(void)keys;
	(void)capacity;
	return 0;
}

ex_memo *ex_memo_create(ex_memo_fn *fn, void *ctx, size_t maxsize,
                        const struct dp_allocator *alloc)
{
	/* TODO: allocate the memo and create its cache. */
	(void)fn;
	(void)ctx;
	(void)maxsize;
	(void)alloc;
	return NULL;
}

void ex_memo_destroy(ex_memo *memo)
{
	/* TODO: destroy the cache, free the memo. */
	(void)memo;
}

int64_t ex_memo_call(void *memo, int64_t arg)
{
	/* TODO: on a cache hit return the cached result; on a miss call
	 * the function, store its result, return it. */
	(void)memo;
	(void)arg;
	return 0;
}

int ex_memo_info(const ex_memo *memo, struct ex_cache_info *info)
{
	/* TODO: the figures of the memo's cache. */
	(void)memo;
	(void)info;
	return DP_ENOTSUP;
}
