/**
 * @file memoize.h
 * @brief Exercise 10: an LRU cache of integers and a memoizer built on it,
 *        C's version of Python's `functools.lru_cache`.
 *
 * A cache finds its keys through key operations (#ex_cache_key_ops) that
 * the caller may supply, as a Python dict hashes and compares through
 * `__hash__` and `__eq__`; by default a key is its own identity.
 *
 * Ownership: a cache owns its entries, allocated from the allocator given
 * at creation and freed by ex_cache_destroy(); a memo owns its cache.
 * Thread-safety: none; even a lookup reorders the cache, so serialise
 * every call on one cache or memo.
 */
#ifndef EX_MEMOIZE_H
#define EX_MEMOIZE_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief The `maxsize` of a cache that never evicts: Python's
 *         `lru_cache(maxsize=None)`. */
#define EX_CACHE_UNBOUNDED SIZE_MAX

/** @brief The figures of Python's `cache_info()`, with the same meaning. */
struct ex_cache_info {
	uint64_t hits;   /**< Lookups that found their key. */
	uint64_t misses; /**< Lookups that did not. */
	size_t maxsize;  /**< As created; #EX_CACHE_UNBOUNDED for None. */
	size_t currsize; /**< Entries cached now. */
};

/**
 * @brief How a cache hashes and compares its keys: the key half of Redis's
 *        `dictType`, Python's `__hash__` and `__eq__`. Fill a `static
 *        const` table by field name.
 *
 * The cache calls these, and only these, for every hash and every
 * comparison of keys: two keys are the same key exactly when #equal says
 * so, even if they differ as integers. Both slots are required. Every
 * call receives the `ctx` given to ex_cache_create_with_keys() unchanged.
 */
struct ex_cache_key_ops {
	/**
	 * Required. Hash a key. Keys that #equal calls equal must give equal
	 * hashes; every bit of the result may be used.
	 * @param[in] ctx The cache's key context.
	 * @param[in] key The key.
	 * @return The hash.
	 */
	uint64_t (*hash)(void *ctx, int64_t key);

	/**
	 * Required. Whether two keys are the same key.
	 * @param[in] ctx The cache's key context.
	 * @param[in] a   A cached key.
	 * @param[in] b   The key looked for or stored.
	 * @return true when they are the same key.
	 */
	bool (*equal)(void *ctx, int64_t a, int64_t b);
};

/** @brief An LRU cache from `int64_t` keys to `int64_t` values (opaque). */
typedef struct ex_cache ex_cache;

/**
 * @brief Create an empty cache whose keys are plain integers: the same as
 *        ex_cache_create_with_keys() with `keys` NULL.
 * @param[in] maxsize The most entries kept: 0 caches nothing (every lookup
 *                    misses), #EX_CACHE_UNBOUNDED never evicts.
 * @param[in] alloc   Where entries come from, or NULL for malloc/free. It
 *                    must outlive the cache.
 * @return The cache, freed with ex_cache_destroy(); NULL when memory runs
 *         out.
 */
ex_cache *ex_cache_create(size_t maxsize, const struct dp_allocator *alloc);

/**
 * @brief Create an empty cache that hashes and compares keys through
 *        `keys`.
 *
 * Whatever `maxsize`, a lookup, a put and an eviction each make a small,
 * constant number of #ex_cache_key_ops calls on average (one hash and
 * about one comparison): the entries are never walked to find a key.
 * @param[in] maxsize As for ex_cache_create().
 * @param[in] keys    The key operations, or NULL for integer identity
 *                    (a key equals only itself; the hash is the cache's
 *                    own). A table must outlive the cache.
 * @param[in] ctx     Handed to every key operation unchanged; ignored
 *                    when `keys` is NULL.
 * @param[in] alloc   As for ex_cache_create().
 * @return The cache, freed with ex_cache_destroy(); NULL when `keys` lacks
 *         #ex_cache_key_ops.hash or #ex_cache_key_ops.equal, or memory
 *         runs out.
 */
ex_cache *ex_cache_create_with_keys(size_t maxsize,
                                    const struct ex_cache_key_ops *keys,
                                    void *ctx,
                                    const struct dp_allocator *alloc);

/**
 * @brief Free the cache and every entry.
 * @param[in] cache The cache; NULL is a no-op.
 */
void ex_cache_destroy(ex_cache *cache);

/**
 * @brief Look a key up, counting a hit or a miss; a hit makes the entry
 *        the most recently used.
 * @param[in,out] cache The cache.
 * @param[in]     key   The key.
 * @param[out]    value Receives the value on a hit; untouched on a miss.
 *                      May be NULL when only presence matters.
 * @return #DP_OK on a hit; #DP_ENOENT on a miss; #DP_EINVAL when `cache`
 *         is NULL (nothing counted).
 */
int ex_cache_get(ex_cache *cache, int64_t key, int64_t *value);

/**
 * @brief Store a value as the most recently used entry.
 *
 * A key already cached (one the key operations call equal) gets the new
 * value and keeps its cached key. A new key in a full cache first evicts
 * the least recently used entry. With `maxsize` 0 nothing is stored. Hits
 * and misses are not counted.
 * @param[in,out] cache The cache.
 * @param[in]     key   The key.
 * @param[in]     value The value.
 * @return #DP_OK; #DP_EINVAL when `cache` is NULL; #DP_ENOMEM when memory
 *         runs out, with the cache unchanged: the same keys in the same
 *         order, the same values, the same ex_cache_info() figures.
 */
int ex_cache_put(ex_cache *cache, int64_t key, int64_t value);

/**
 * @brief Copy the cache's figures, as Python's `cache_info()`.
 * @param[in]  cache The cache.
 * @param[out] info  Receives the figures.
 * @return #DP_OK; #DP_EINVAL when `cache` or `info` is NULL.
 */
int ex_cache_info(const ex_cache *cache, struct ex_cache_info *info);

/**
 * @brief List the cached keys from the most to the least recently used,
 *        without counting a hit or changing the order.
 * @param[in]  cache    The cache; NULL has no keys.
 * @param[out] keys     Receives up to `capacity` keys; may be NULL when
 *                      `capacity` is 0.
 * @param[in]  capacity Room in `keys`.
 * @return The number of keys written: the smaller of `capacity` and the
 *         number cached.
 */
size_t ex_cache_keys(const ex_cache *cache, int64_t *keys, size_t capacity);

/**
 * @brief The shape of function a memo wraps: an integer in, an integer
 *        out, and a context for everything else. It must be pure: the
 *        same argument always gives the same result.
 */
typedef int64_t ex_memo_fn(void *ctx, int64_t arg);

/** @brief A memoized function: a function plus its LRU cache (opaque). */
typedef struct ex_memo ex_memo;

/**
 * @brief Wrap a function in an LRU cache of `maxsize` results.
 * @param[in] fn      The function; required.
 * @param[in] ctx     Handed to `fn` unchanged. A recursive function keeps
 *                    the memo in its ctx and recurses through
 *                    ex_memo_call(), as a Python function decorated with
 *                    `@lru_cache` recurses through the decorated name.
 * @param[in] maxsize As for ex_cache_create().
 * @param[in] alloc   Where the memo and its cache come from, or NULL.
 * @return The memo, freed with ex_memo_destroy(); NULL when `fn` is NULL
 *         or memory runs out.
 */
ex_memo *ex_memo_create(ex_memo_fn *fn, void *ctx, size_t maxsize,
                        const struct dp_allocator *alloc);

/**
 * @brief Free the memo and its cache.
 * @param[in] memo The memo; NULL is a no-op.
 */
void ex_memo_destroy(ex_memo *memo);

/**
 * @brief Call the memoized function: return the cached result on a hit,
 *        else call the function once and cache what it returns.
 *
 * Its type is #ex_memo_fn, so ex_memo_call with the memo as context
 * stands in for the wrapped function anywhere. When the result cannot be
 * cached (out of memory) it is still returned, just not remembered.
 * @param[in,out] memo The `ex_memo *`.
 * @param[in]     arg  The argument.
 * @return The function's result for `arg`; 0, calling nothing, when
 *         `memo` is NULL.
 */
int64_t ex_memo_call(void *memo, int64_t arg);

/**
 * @brief Copy the memo's cache figures, as Python's `f.cache_info()`.
 * @param[in]  memo The memo.
 * @param[out] info Receives the figures.
 * @return #DP_OK; #DP_EINVAL when `memo` or `info` is NULL.
 */
int ex_memo_info(const ex_memo *memo, struct ex_cache_info *info);

#endif /* EX_MEMOIZE_H */
