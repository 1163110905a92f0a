/*
 * The cache interface's dispatchers, and the memoizer that uses only them.
 *
 * Every argument is checked here, once, so that a back-end's slots can
 * trust what they are given; the optional bulk slots fall back to loops
 * over the single ones, so a back-end that cannot batch still offers the
 * bulk calls.
 */
#include "cache/cache.h"

#include <string.h>

struct dp_cache {
	const struct dp_cache_ops *ops;
	void *ctx;
	const struct dp_allocator *alloc;
};

dp_cache *dp_cache_create(const struct dp_cache_ops *ops, void *ctx,
                          const struct dp_allocator *alloc)
{
	if (ops == NULL || ops->name == NULL || ops->get == NULL ||
	    ops->set == NULL || ops->remove == NULL || ops->clear == NULL ||
	    ops->info == NULL)
		return NULL;

	dp_cache *cache = dp_alloc(alloc, sizeof(*cache));
	if (cache == NULL)
		return NULL;
	cache->ops = ops;
	cache->ctx = ctx;
	cache->alloc = alloc;
	return cache;
}

void dp_cache_destroy(dp_cache *cache)
{
	if (cache == NULL)
		return;
	if (cache->ops->destroy != NULL)
		cache->ops->destroy(cache->ctx);
	dp_free(cache->alloc, cache);
}

const char *dp_cache_name(const dp_cache *cache)
{
	return cache == NULL ? "(null)" : cache->ops->name;
}

/* A pointer may be NULL only when there are no bytes behind it. */
static bool bytes_ok(const void *data, size_t size)
{
	return data != NULL || size == 0;
}

int dp_cache_get(dp_cache *cache, const void *key, size_t key_size,
                 void *buffer, size_t capacity, size_t *size)
{
	if (cache == NULL || !bytes_ok(key, key_size) ||
	    !bytes_ok(buffer, capacity) || size == NULL)
		return DP_EINVAL;
	return cache->ops->get(cache->ctx, key, key_size, buffer, capacity,
	                       size);
}

int dp_cache_set(dp_cache *cache, const void *key, size_t key_size,
                 const void *value, size_t size, uint64_t ttl_ms)
{
	if (cache == NULL || !bytes_ok(key, key_size) || !bytes_ok(value, size))
		return DP_EINVAL;
	return cache->ops->set(cache->ctx, key, key_size, value, size, ttl_ms);
}

int dp_cache_remove(dp_cache *cache, const void *key, size_t key_size)
{
	if (cache == NULL || !bytes_ok(key, key_size))
		return DP_EINVAL;
	return cache->ops->remove(cache->ctx, key, key_size);
}

int dp_cache_clear(dp_cache *cache)
{
	if (cache == NULL)
		return DP_EINVAL;
	return cache->ops->clear(cache->ctx);
}

int dp_cache_info(dp_cache *cache, struct dp_cache_info *info)
{
	if (cache == NULL || info == NULL)
		return DP_EINVAL;
	memset(info, 0, sizeof(*info));
	cache->ops->info(cache->ctx, info);
	return DP_OK;
}

int dp_cache_get_many(dp_cache *cache, struct dp_cache_item *items,
                      size_t count)
{
	if (cache == NULL || (items == NULL && count > 0))
		return DP_EINVAL;
	for (size_t i = 0; i < count; i++) {
		if (!bytes_ok(items[i].key, items[i].key_size) ||
		    !bytes_ok(items[i].buffer, items[i].capacity))
			return DP_EINVAL;
	}
	if (count == 0)
		return DP_OK;
	if (cache->ops->get_many != NULL) {
		cache->ops->get_many(cache->ctx, items, count);
		return DP_OK;
	}
	for (size_t i = 0; i < count; i++) {
		struct dp_cache_item *item = &items[i];
		item->status = cache->ops->get(cache->ctx, item->key,
		                               item->key_size, item->buffer,
		                               item->capacity, &item->size);
	}
	return DP_OK;
}

int dp_cache_set_many(dp_cache *cache, struct dp_cache_item *items,
                      size_t count, uint64_t ttl_ms)
{
	if (cache == NULL || (items == NULL && count > 0))
		return DP_EINVAL;
	for (size_t i = 0; i < count; i++) {
		if (!bytes_ok(items[i].key, items[i].key_size) ||
		    !bytes_ok(items[i].value, items[i].size))
			return DP_EINVAL;
	}
	if (count == 0)
		return DP_OK;
	if (cache->ops->set_many != NULL) {
		cache->ops->set_many(cache->ctx, items, count, ttl_ms);
		return DP_OK;
	}
	for (size_t i = 0; i < count; i++) {
		struct dp_cache_item *item = &items[i];
		item->status =
			cache->ops->set(cache->ctx, item->key, item->key_size,
		                        item->value, item->size, ttl_ms);
	}
	return DP_OK;
}

/* ---- Memoize ---------------------------------------------------------- */

struct dp_cache_memo {
	dp_cache *cache;
	dp_cache_memo_fn *fn;
	void *ctx;
	uint64_t ttl_ms;
	struct dp_cache_memo_stats stats;
	const struct dp_allocator *alloc;
	size_t name_size;
	/* The key of the current call: the name, then 8 argument bytes.
	 * Kept here so that a call never allocates; a recursive call
	 * rewrites it, which is why every call copies what it needs first. */
	unsigned char key[];
};

enum { MEMO_WORD = 8 };

/* Little-endian on every machine, so two hosts sharing a server agree. */
static void put_le64(unsigned char *out, uint64_t value)
{
	for (int i = 0; i < MEMO_WORD; i++)
		out[i] = (unsigned char)(value >> (8 * i));
}

static uint64_t get_le64(const unsigned char *in)
{
	uint64_t value = 0;
	for (int i = 0; i < MEMO_WORD; i++)
		value |= (uint64_t)in[i] << (8 * i);
	return value;
}

dp_cache_memo *dp_cache_memo_create(dp_cache *cache, const char *name,
                                    dp_cache_memo_fn *fn, void *ctx,
                                    uint64_t ttl_ms,
                                    const struct dp_allocator *alloc)
{
	if (cache == NULL || name == NULL || fn == NULL)
		return NULL;

	size_t name_size = strlen(name);
	dp_cache_memo *memo =
		dp_alloc(alloc, sizeof(*memo) + name_size + MEMO_WORD);
	if (memo == NULL)
		return NULL;
	memo->cache = cache;
	memo->fn = fn;
	memo->ctx = ctx;
	memo->ttl_ms = ttl_ms;
	memset(&memo->stats, 0, sizeof(memo->stats));
	memo->alloc = alloc;
	memo->name_size = name_size;
	memcpy(memo->key, name, name_size);
	return memo;
}

void dp_cache_memo_destroy(dp_cache_memo *memo)
{
	if (memo != NULL)
		dp_free(memo->alloc, memo);
}

int64_t dp_cache_memo_call(dp_cache_memo *memo, int64_t arg)
{
	if (memo == NULL)
		return 0;

	size_t key_size = memo->name_size + MEMO_WORD;
	unsigned char stored[MEMO_WORD];
	size_t size = 0;

	put_le64(memo->key + memo->name_size, (uint64_t)arg);
	int rc = dp_cache_get(memo->cache, memo->key, key_size, stored,
	                      sizeof(stored), &size);
	if (rc == DP_OK && size == MEMO_WORD) {
		memo->stats.hits++;
		return (int64_t)get_le64(stored);
	}
	/* A value of the wrong size (another program wrote the key) or too
	 * large for the buffer is not ours: recompute and overwrite it. */
	if (rc == DP_EIO)
		memo->stats.errors++;

	memo->stats.calls++;
	int64_t result = memo->fn(memo, memo->ctx, arg);

	/* The function may have recursed through the memo and rewritten
	 * the key: write this call's argument back before storing. */
	put_le64(memo->key + memo->name_size, (uint64_t)arg);
	put_le64(stored, (uint64_t)result);
	if (dp_cache_set(memo->cache, memo->key, key_size, stored,
	                 sizeof(stored), memo->ttl_ms) != DP_OK)
		memo->stats.errors++;
	return result;
}

int dp_cache_memo_stats(const dp_cache_memo *memo,
                        struct dp_cache_memo_stats *stats)
{
	if (memo == NULL || stats == NULL)
		return DP_EINVAL;
	*stats = memo->stats;
	return DP_OK;
}
