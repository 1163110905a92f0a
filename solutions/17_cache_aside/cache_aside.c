/*
 * Exercise 17, the reference answer: cache-aside with invalidation.
 *
 * The cache is an optimisation, the source the truth. So every path that
 * involves the cache treats its failure as "no help from the cache" (a
 * miss, a dropped store, a missed delete), counts it, and carries on with
 * the source; and nothing but a value the source returned is ever stored.
 */
#include "cache_aside.h"

#include <string.h>

int ex_cache_aside_init(struct ex_cache_aside *aside, dp_cache *cache,
                        const struct ex_source_ops *source, void *source_ctx,
                        uint64_t ttl_ms)
{
	if (aside == NULL || cache == NULL || source == NULL ||
	    source->read == NULL || source->write == NULL)
		return DP_EINVAL;
	*aside = (struct ex_cache_aside){
		.cache = cache,
		.source = source,
		.source_ctx = source_ctx,
		.ttl_ms = ttl_ms,
	};
	return DP_OK;
}

int ex_cache_aside_read(struct ex_cache_aside *aside, const char *key,
                        void *buffer, size_t capacity, size_t *size)
{
	if (aside == NULL || key == NULL || size == NULL ||
	    (buffer == NULL && capacity > 0))
		return DP_EINVAL;
	size_t key_size = strlen(key);
	int rc = dp_cache_get(aside->cache, key, key_size, buffer, capacity,
	                      size);
	if (rc == DP_OK || rc == DP_ERANGE) {
		aside->stats.hits++;
		return rc;
	}
	/* A failed get is a miss that someone should hear about. */
	if (rc != DP_ENOENT)
		aside->stats.cache_errors++;
	aside->stats.misses++;

	rc = aside->source->read(aside->source_ctx, key, buffer, capacity,
	                         size);
	if (rc != DP_OK)
		return rc; /* Only a value the source vouched for is cached. */
	if (dp_cache_set(aside->cache, key, key_size, buffer, *size,
	                 aside->ttl_ms) != DP_OK)
		aside->stats.cache_errors++;
	return DP_OK;
}

int ex_cache_aside_update(struct ex_cache_aside *aside, const char *key,
                          const void *value, size_t size)
{
	if (aside == NULL || key == NULL || (value == NULL && size > 0))
		return DP_EINVAL;
	/* Source first, delete second: a read that runs between the two can
	 * only cache the old value before the delete, which then removes
	 * it. The other order would let that read cache it after. */
	int rc = aside->source->write(aside->source_ctx, key, value, size);
	if (rc != DP_OK)
		return rc;
	rc = dp_cache_remove(aside->cache, key, strlen(key));
	if (rc != DP_OK && rc != DP_ENOENT)
		aside->stats.cache_errors++;
	return DP_OK;
}

int ex_cache_aside_stats(const struct ex_cache_aside *aside,
                         struct ex_cache_aside_stats *stats)
{
	if (aside == NULL || stats == NULL)
		return DP_EINVAL;
	*stats = aside->stats;
	return DP_OK;
}
