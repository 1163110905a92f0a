/**
 * @file cache_aside.h
 * @brief Exercise 17: cache-aside over the cache chapter's interface. A
 *        read looks in the cache and, on a miss, reads the slow source and
 *        stores what it read; an update writes the source, then deletes
 *        the cached entry so that the next read fetches the new value.
 *
 * The cache may be in-process or shared (Redis): only cache.h's calls are
 * used, so the same code serves both. A cache failure never fails a read
 * or an update (the source answers, and the failure is counted); a source
 * failure is returned and nothing is cached. Ownership: nothing here
 * allocates; the caller owns the struct, the cache and the source, which
 * must outlive it. Thread-safety: none; serialise the calls on one
 * instance. The source's callbacks may call ex_cache_aside_read() on the
 * same instance (a concurrent reader, simulated).
 */
#ifndef EX_CACHE_ASIDE_H
#define EX_CACHE_ASIDE_H

#include "cache/cache.h"
#include "common/dp_common.h"

#include <stddef.h>
#include <stdint.h>

/**
 * @brief The system of record the cache stands beside (a database, a
 *        service): slow, and always right. Keys are C strings.
 */
struct ex_source_ops {
	/**
	 * Required. Read the current value of a key.
	 * @param[in]  ctx      The `source_ctx` given to ex_cache_aside_init().
	 * @param[in]  key      The key.
	 * @param[out] buffer   Receives the value on #DP_OK; on an error it
	 *                      may hold anything.
	 * @param[in]  capacity The size of `buffer`.
	 * @param[out] size     Receives the value's size on #DP_OK or
	 *                      #DP_ERANGE; on another error, anything.
	 * @return #DP_OK; #DP_ENOENT when the source has no such key;
	 *         #DP_ERANGE when the value needs more than `capacity` bytes;
	 *         any other negative code (#DP_EIO...) when the source failed.
	 */
	int (*read)(void *ctx, const char *key, void *buffer, size_t capacity,
	            size_t *size);

	/**
	 * Required. Replace the value of a key (or create it).
	 * @param[in] ctx   The `source_ctx` given to ex_cache_aside_init().
	 * @param[in] key   The key.
	 * @param[in] value The new value's bytes.
	 * @param[in] size  Their number.
	 * @return #DP_OK, or a negative code when the source failed.
	 */
	int (*write)(void *ctx, const char *key, const void *value,
	             size_t size);
};

/** @brief What an instance has counted since ex_cache_aside_init(). */
struct ex_cache_aside_stats {
	/** Reads the cache answered (#DP_OK or #DP_ERANGE from the cache). */
	uint64_t hits;
	/** Reads the cache could not answer (a miss or a cache failure),
	 *  each of which asked the source. */
	uint64_t misses;
	/** Calls to the cache (get, set or delete) that failed: any code
	 *  but #DP_OK, except #DP_ENOENT from a get or a delete and
	 *  #DP_ERANGE from a get, which are answers, not failures. */
	uint64_t cache_errors;
};

/**
 * @brief A cache-aside instance. Public because the caller allocates it;
 *        set it up with ex_cache_aside_init(). Every field is private:
 *        read the counters with ex_cache_aside_stats().
 */
struct ex_cache_aside {
	dp_cache *cache;                    /**< Private: not owned. */
	const struct ex_source_ops *source; /**< Private: not owned. */
	void *source_ctx; /**< Private: handed to the source. */
	uint64_t ttl_ms;  /**< Private: for every cache set. */
	struct ex_cache_aside_stats stats; /**< Private: the counters. */
};

/**
 * @brief Set up an instance over a cache and a source, counters at zero.
 * @param[out] aside      The instance.
 * @param[in]  cache      The cache; not owned, must outlive `aside`.
 * @param[in]  source     The source's operations; both slots required.
 * @param[in]  source_ctx Handed to the source's operations unchanged.
 * @param[in]  ttl_ms     The time to live of every value cached, in
 *                        milliseconds; #DP_CACHE_NO_TTL for none.
 * @return #DP_OK; #DP_EINVAL, with nothing written, when `aside`, `cache`
 *         or `source` is NULL or a slot of `source` is NULL.
 */
int ex_cache_aside_init(struct ex_cache_aside *aside, dp_cache *cache,
                        const struct ex_source_ops *source, void *source_ctx,
                        uint64_t ttl_ms);

/**
 * @brief Read a key: from the cache when it holds it, else from the
 *        source, caching what the source returned.
 *
 * A cache hit calls the source not at all. On a miss, or when the cache
 * fails (the failure counted), the source is read once; its value is then
 * stored in the cache with the instance's time to live (a failed store is
 * counted and changes nothing else) and returned. An error of the source
 * is returned unchanged and nothing is cached.
 * @param[in,out] aside    The instance.
 * @param[in]     key      The key, a C string.
 * @param[out]    buffer   Receives the value; NULL only when `capacity`
 *                         is 0. On an error it may hold anything.
 * @param[in]     capacity The size of `buffer`.
 * @param[out]    size     Receives the value's size on #DP_OK or
 *                         #DP_ERANGE; required.
 * @return #DP_OK; #DP_ERANGE when the value needs more than `capacity`
 *         bytes (`*size` says how many; a cache hit does not read the
 *         source, and a value from the source is not cached); the
 *         source's own code when it failed or has no such key (#DP_ENOENT,
 *         #DP_EIO...), with nothing cached; #DP_EINVAL for a NULL argument
 *         not allowed above, with nothing called.
 */
int ex_cache_aside_read(struct ex_cache_aside *aside, const char *key,
                        void *buffer, size_t capacity, size_t *size);

/**
 * @brief Update a key: write the new value to the source, then delete the
 *        cached entry, so that the next read fetches the new value.
 *
 * The order matters: deleting first would let a read that comes between
 * the delete and the write cache the old value again, for good. A delete
 * that fails is counted and does not fail the update (the source has the
 * new value; the stale entry lives at most its time to live).
 * @param[in,out] aside The instance.
 * @param[in]     key   The key, a C string.
 * @param[in]     value The new value's bytes; NULL only when `size` is 0.
 * @param[in]     size  Their number.
 * @return #DP_OK when the source was written; the source's code when its
 *         write failed; #DP_EINVAL for a NULL argument not allowed above,
 *         with nothing called.
 */
int ex_cache_aside_update(struct ex_cache_aside *aside, const char *key,
                          const void *value, size_t size);

/**
 * @brief Copy the counters.
 * @param[in]  aside The instance.
 * @param[out] stats Receives them.
 * @return #DP_OK, or #DP_EINVAL when `aside` or `stats` is NULL.
 */
int ex_cache_aside_stats(const struct ex_cache_aside *aside,
                         struct ex_cache_aside_stats *stats);

#endif /* EX_CACHE_ASIDE_H */
