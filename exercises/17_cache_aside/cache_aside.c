/*
 * Exercise 17: cache-aside. Read README.md first, then cache_aside.h,
 * which is the contract: every function below must do what its comment
 * there says. The cache is reached only through patterns/cache/cache.h
 * (dp_cache_get, dp_cache_set, dp_cache_remove), the source only through
 * aside->source->read and aside->source->write.
 */
#include "cache_aside.h"

#include <string.h>

int ex_cache_aside_init(struct ex_cache_aside *aside, dp_cache *cache,
                        const struct ex_source_ops *source, void *source_ctx,
                        uint64_t ttl_ms)
{
	/* TODO: check the arguments (both slots of `source` are required),
	 * then store them and zero the counters (a compound literal does
	 * both). */
	(void)aside;
	(void)cache;
	(void)source;
	(void)source_ctx;
	(void)ttl_ms;
	return DP_ENOTSUP;
}

int ex_cache_aside_read(struct ex_cache_aside *aside, const char *key,
                        void *buffer, size_t capacity, size_t *size)
{
	/* TODO, README steps 1 to 3: check the arguments; ask the cache
	 * first and return what a hit gives; on a miss, or when the cache
	 * fails (count it), read the source once; cache its value with the
	 * instance's time to live only when the source returned DP_OK. */
	(void)aside;
	(void)key;
	(void)buffer;
	(void)capacity;
	(void)size;
	return DP_ENOTSUP;
}

int ex_cache_aside_update(struct ex_cache_aside *aside, const char *key,
                          const void *value, size_t size)
{
	/* TODO, README step 4: check the arguments; write the source; when
	 * that worked, delete the cached entry (in that order), counting a
	 * delete that failed without failing the update. */
	(void)aside;
	(void)key;
	(void)value;
	(void)size;
	return DP_ENOTSUP;
}

int ex_cache_aside_stats(const struct ex_cache_aside *aside,
                         struct ex_cache_aside_stats *stats)
{
	/* TODO: check the arguments and copy the counters. */
	(void)aside;
	(void)stats;
	return DP_ENOTSUP;
}
