/**
 * @file lru_cache.h
 * @brief An O(1) least-recently-used cache (a hash table plus an intrusive
 *        doubly linked list) and a memoizer built on it: C's answer to
 *        Python's `functools.lru_cache`.
 *
 * Plain caches use ops tables; #DP_LRU_INT64 and #DP_LRU_ENTRIES_POOLED
 * are the declared tunings. Ownership: a cache owns its entries (and their
 * pool) and, when its ops say so, copies of the keys and values, all from
 * its allocator, freed by dp_lru_destroy().
 * Thread-safety: none; serialise every call on one cache or memo yourself
 * (even a lookup reorders the list).
 */
#ifndef DP_LRU_CACHE_H
#define DP_LRU_CACHE_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief The `maxsize` of a cache that never evicts: Python's
 *        `lru_cache(maxsize=None)`. dp_lru_info() reports it as is.
 */
#define DP_LRU_UNBOUNDED SIZE_MAX

/**
 * @brief How the cache hashes, compares, copies and frees its keys: the
 *        role of the key half of Redis's `dictType`.
 *
 * Every function receives the `ctx` of #dp_lru_config unchanged. Keys are
 * seen as `const void *`; what they point to is the table's business (an
 * `int64_t`, a string, a #dp_lru_bytes). A lookup key and a stored key
 * must hash and compare alike.
 */
struct dp_lru_key_ops {
	/**
	 * Required. Hash a key. Equal keys must give equal hashes.
	 * @param[in] ctx The cache's ctx.
	 * @param[in] key The key; never NULL.
	 * @return The hash; every bit may be used.
	 */
	uint64_t (*hash)(void *ctx, const void *key);

	/**
	 * Required. Whether two keys are equal.
	 * @param[in] ctx The cache's ctx.
	 * @param[in] a   A stored key; never NULL.
	 * @param[in] b   The key looked for; never NULL.
	 * @return true when they are the same key.
	 */
	bool (*equal)(void *ctx, const void *a, const void *b);

	/**
	 * Optional: NULL means the cache stores the caller's pointer as
	 * given, and the caller keeps the key alive and unchanged while it
	 * is cached. Copy a key that is about to be stored.
	 * @param[in] ctx   The cache's ctx.
	 * @param[in] key   The key given to dp_lru_put(); never NULL.
	 * @param[in] alloc The cache's allocator; allocate the copy from it.
	 * @return The copy, or NULL when memory runs out (the put then
	 *         fails with #DP_ENOMEM and changes nothing).
	 */
	void *(*dup)(void *ctx, const void *key,
	             const struct dp_allocator *alloc);

	/**
	 * Optional: NULL means there is nothing to free. Release a stored
	 * key when its entry leaves the cache. With #dup NULL and this slot
	 * set, the cache takes ownership of the caller's key when a put
	 * succeeds, and never frees it when the put fails.
	 * @param[in] ctx   The cache's ctx.
	 * @param[in] key   The stored key (what #dup returned, or the
	 *                  caller's pointer when #dup is NULL).
	 * @param[in] alloc The cache's allocator.
	 */
	void (*free)(void *ctx, void *key, const struct dp_allocator *alloc);
};

/**
 * @brief How the cache copies and frees its values: the value half of
 *        Redis's `dictType`. The table itself may be NULL: values are then
 *        stored as given and never freed.
 */
struct dp_lru_value_ops {
	/**
	 * Optional: NULL means the cache stores the caller's pointer as
	 * given. Copy a value about to be stored. A NULL value is stored as
	 * NULL without calling it.
	 * @param[in] ctx   The cache's ctx.
	 * @param[in] value The value given to dp_lru_put(); never NULL.
	 * @param[in] alloc The cache's allocator; allocate the copy from it.
	 * @return The copy, or NULL when memory runs out.
	 */
	void *(*dup)(void *ctx, const void *value,
	             const struct dp_allocator *alloc);

	/**
	 * Optional: NULL means there is nothing to free. Release a stored
	 * value when it is replaced or its entry leaves the cache; never
	 * called with NULL.
	 * @param[in] ctx   The cache's ctx.
	 * @param[in] value The stored value.
	 * @param[in] alloc The cache's allocator.
	 */
	void (*free)(void *ctx, void *value, const struct dp_allocator *alloc);
};

/**
 * @brief A length-delimited key or value for #dp_lru_bytes_key and
 *        #dp_lru_bytes_value: pass a pointer to one of these.
 */
struct dp_lru_bytes {
	const void *data; /**< The bytes; may be NULL only when #size is 0. */
	size_t size;      /**< How many bytes. */
};

/**
 * @brief Keys point to an `int64_t`, copied into a block of its own and
 *        hashed with dp_lru_int64_hash(). A table like any other: for keys
 *        kept inside the entries, see #DP_LRU_INT64.
 */
extern const struct dp_lru_key_ops dp_lru_int64_key;

/** @brief Keys are NUL-terminated strings, duplicated into the cache, so
 *         the caller's buffer may change afterwards. */
extern const struct dp_lru_key_ops dp_lru_string_key;

/** @brief Keys point to a struct dp_lru_bytes; the bytes are copied. */
extern const struct dp_lru_key_ops dp_lru_bytes_key;

/** @brief Values point to an `int64_t`, copied into a block of their
 *         own. */
extern const struct dp_lru_value_ops dp_lru_int64_value;

/** @brief Values point to a struct dp_lru_bytes; the bytes are copied,
 *         and a lookup returns a pointer to the stored struct. */
extern const struct dp_lru_value_ops dp_lru_bytes_value;

/**
 * @brief Told about each entry that the cache evicts to make room.
 *
 * Called only for capacity evictions, just before the entry's key and
 * value are freed: not by dp_lru_remove(), dp_lru_clear() or
 * dp_lru_destroy(), where the caller already knows what goes. It must not
 * call back into the cache.
 * @param[in] ctx   #dp_lru_config.evict_ctx, unchanged.
 * @param[in] key   The stored key, valid only during the call.
 * @param[in] value The stored value, valid only during the call.
 */
typedef void dp_lru_evict_fn(void *ctx, const void *key, const void *value);

/**
 * @brief What a cache stores, and so how it stores it: the one tuning of
 *        this chapter, declared at creation.
 */
enum dp_lru_kind {
	/** The plain cache: any keys and values, through #dp_lru_key_ops
	 *  and #dp_lru_value_ops. The default (zero). */
	DP_LRU_BY_OPS = 0,
	/**
	 * Tuned for `int64_t` keys and values: each is copied into its
	 * entry, so an entry is one allocation, and dp_lru_get_int64()
	 * finds it with no indirect call. Every other function works as
	 * on a plain cache of #dp_lru_int64_key and #dp_lru_int64_value,
	 * except that the key and value pointers handed out (by
	 * dp_lru_get(), to visitors and to the eviction callback) point
	 * into the entry: valid while it is cached, and a put on the same
	 * key overwrites the value in place.
	 */
	DP_LRU_INT64 = 1,
};

/**
 * @brief Where a cache's entries come from: the second declared tuning,
 *        independent of #dp_lru_kind.
 */
enum dp_lru_entries {
	/** The plain cache: each entry is a block of its own from the
	 *  cache's allocator, freed when the entry leaves (by remove, clear
	 *  or destroy). The default (zero). */
	DP_LRU_ENTRIES_ALLOCATED = 0,
	/**
	 * Entries come from an object pool (the object pool chapter's
	 * dp_pool) that the cache owns and that grows from the cache's
	 * allocator, #DP_LRU_POOL_CHUNK entries at most at a time (fewer
	 * when `maxsize` is smaller). An entry that leaves goes back to the
	 * pool, not to the allocator: dp_lru_clear() keeps the entries'
	 * memory (and the bucket array, as every cache does) for the next
	 * fill, so a cleared cache refilled to its earlier size calls the
	 * allocator only for copies its ops make. The memory of the most
	 * entries the cache has held stays allocated until dp_lru_destroy().
	 */
	DP_LRU_ENTRIES_POOLED = 1,
};

/** @brief The most entries a #DP_LRU_ENTRIES_POOLED cache adds to its
 *         pool at a time: its pool's chunk is `maxsize` entries, or this
 *         many when `maxsize` is larger. */
#define DP_LRU_POOL_CHUNK 256

/**
 * @brief Everything dp_lru_create() needs, filled by field name; fields
 *        left out are zero, which is a valid choice for each optional one.
 */
struct dp_lru_config {
	/** Optional: zero is #DP_LRU_BY_OPS, the plain cache. */
	enum dp_lru_kind kind;
	/** Optional: zero is #DP_LRU_ENTRIES_ALLOCATED, an allocation per
	 *  entry. */
	enum dp_lru_entries entries;
	/** Required for #DP_LRU_BY_OPS: how keys are hashed, compared,
	 *  copied, freed. Must be NULL for #DP_LRU_INT64. */
	const struct dp_lru_key_ops *keys;
	/** Optional for #DP_LRU_BY_OPS: NULL means values are stored as
	 *  given, never freed. Must be NULL for #DP_LRU_INT64. */
	const struct dp_lru_value_ops *values;
	/** Handed to every key and value operation unchanged. */
	void *ctx;
	/** The most entries kept: 0 caches nothing (every lookup misses),
	 *  #DP_LRU_UNBOUNDED never evicts. */
	size_t maxsize;
	/** Optional: NULL means nobody is told about evictions. */
	dp_lru_evict_fn *on_evict;
	/** Handed to #on_evict unchanged. */
	void *evict_ctx;
	/** Optional: NULL means malloc/free. Must outlive the cache. */
	const struct dp_allocator *alloc;
};

/**
 * @brief The figures of Python's `cache_info()`, with the same meaning.
 */
struct dp_lru_info {
	uint64_t hits;   /**< Lookups that found their key. */
	uint64_t misses; /**< Lookups that did not. */
	size_t maxsize;  /**< As configured; #DP_LRU_UNBOUNDED for None. */
	size_t currsize; /**< Entries cached now. */
};

/** @brief An LRU cache (opaque); see the file comment. */
typedef struct dp_lru dp_lru;

/**
 * @brief Create an empty cache.
 * @param[in] config The configuration; read during the call only. Its
 *                   tables must outlive the cache.
 * @return The cache, freed with dp_lru_destroy(); NULL when `config` is
 *         NULL, its kind is unknown, a #DP_LRU_BY_OPS cache has no
 *         `keys` or a required key slot is NULL, a #DP_LRU_INT64 cache
 *         is given `keys` or `values`, `entries` is unknown, or memory
 *         runs out. A #DP_LRU_ENTRIES_POOLED cache creates its (empty)
 *         pool here; the pool's memory is allocated by the first put.
 */
dp_lru *dp_lru_create(const struct dp_lru_config *config);

/**
 * @brief Free the cache, every key and value it stores (through the ops)
 *        and every entry. The eviction callback is not called.
 * @param[in] lru The cache; NULL is a no-op.
 */
void dp_lru_destroy(dp_lru *lru);

/**
 * @brief Look a key up, count a hit or a miss, and on a hit make the entry
 *        the most recently used.
 * @param[in,out] lru   The cache.
 * @param[in]     key   The key.
 * @param[out]    value Receives the stored value on a hit; untouched on a
 *                      miss. May be NULL when only presence matters.
 * @return #DP_OK on a hit; #DP_ENOENT on a miss; #DP_EINVAL when `lru` or
 *         `key` is NULL (nothing counted). Never allocates.
 */
int dp_lru_get(dp_lru *lru, const void *key, void **value);

/**
 * @brief Store a value under a key as the most recently used entry.
 *
 * A key already cached gets the new value (the old one is freed). A new key
 * beyond `maxsize` evicts the least recently used entry first, calling the
 * eviction callback. With `maxsize` 0 nothing is stored. Everything the put
 * needs is allocated before anything changes, so a failure leaves the cache
 * exactly as it was and evicts nothing. Statistics are not counted.
 * @param[in,out] lru   The cache.
 * @param[in]     key   The key; copied when the key ops have a dup.
 * @param[in]     value The value; copied when the value ops have a dup.
 * @return #DP_OK; #DP_EINVAL when `lru` or `key` is NULL; #DP_ENOMEM when
 *         memory runs out, with the cache unchanged.
 */
int dp_lru_put(dp_lru *lru, const void *key, const void *value);

/**
 * @brief Remove a key and free its entry; the eviction callback is not
 *        called.
 * @param[in,out] lru The cache.
 * @param[in]     key The key.
 * @return #DP_OK; #DP_ENOENT when it is not cached; #DP_EINVAL when `lru`
 *         or `key` is NULL.
 */
int dp_lru_remove(dp_lru *lru, const void *key);

/**
 * @brief Whether a key is cached, without counting a hit or a miss and
 *        without changing the order.
 * @param[in] lru The cache; NULL is an empty cache.
 * @param[in] key The key; NULL is never cached.
 * @return true when `key` is cached.
 */
bool dp_lru_contains(const dp_lru *lru, const void *key);

/**
 * @brief Empty the cache and reset hits and misses to zero, as Python's
 *        `cache_clear()` does; the eviction callback is not called.
 * @param[in,out] lru The cache.
 * @return #DP_OK, or #DP_EINVAL when `lru` is NULL. Never allocates.
 */
int dp_lru_clear(dp_lru *lru);

/**
 * @brief Read the statistics, as Python's `cache_info()`.
 * @param[in]  lru  The cache.
 * @param[out] info Receives hits, misses, maxsize and currsize.
 * @return #DP_OK, or #DP_EINVAL when `lru` or `info` is NULL.
 */
int dp_lru_info(const dp_lru *lru, struct dp_lru_info *info);

/**
 * @brief Told about one entry by dp_lru_for_each().
 * @param[in] ctx   The `ctx` given to dp_lru_for_each().
 * @param[in] key   The stored key.
 * @param[in] value The stored value.
 * @return true to go on, false to stop.
 */
typedef bool dp_lru_visit_fn(void *ctx, const void *key, const void *value);

/**
 * @brief Visit every entry from the most to the least recently used,
 *        without changing the order or the statistics. The visitor must
 *        not change the cache.
 * @param[in] lru   The cache.
 * @param[in] visit Called once per entry; required.
 * @param[in] ctx   Handed to `visit` unchanged.
 * @return #DP_OK, or #DP_EINVAL when `lru` or `visit` is NULL (then
 *         `visit` is never called).
 */
int dp_lru_for_each(const dp_lru *lru, dp_lru_visit_fn *visit, void *ctx);

/**
 * @brief The hash of #dp_lru_int64_key and of #DP_LRU_INT64 caches:
 *        dp_mix64(), the finaliser of splitmix64, so that consecutive
 *        integers, the usual memoized arguments, land in unrelated buckets.
 * @param[in] key The integer.
 * @return Its hash; every bit depends on every bit of `key`.
 */
uint64_t dp_lru_int64_hash(int64_t key);

/**
 * @brief dp_lru_get() for a #DP_LRU_INT64 cache, typed: the same hit or
 *        miss, counted, the same move to the front.
 * @param[in,out] lru   A cache created with #DP_LRU_INT64.
 * @param[in]     key   The key.
 * @param[out]    value Receives the value on a hit (0 when a NULL value
 *                      was stored); untouched on a miss. May be NULL.
 * @return #DP_OK on a hit; #DP_ENOENT on a miss; #DP_EINVAL when `lru`
 *         is NULL or not of kind #DP_LRU_INT64 (nothing counted). Never
 *         allocates.
 */
int dp_lru_get_int64(dp_lru *lru, int64_t key, int64_t *value);

/**
 * @brief dp_lru_put() for a #DP_LRU_INT64 cache, typed.
 * @param[in,out] lru   A cache created with #DP_LRU_INT64.
 * @param[in]     key   The key.
 * @param[in]     value The value.
 * @return As dp_lru_put(); #DP_EINVAL also when `lru` is not of kind
 *         #DP_LRU_INT64.
 */
int dp_lru_put_int64(dp_lru *lru, int64_t key, int64_t value);

/**
 * @brief A function wrapped with an LRU cache of its results (opaque), made
 *        by dp_memo_create_int64() or dp_memo_create_bytes(): what
 *        Python's `@lru_cache` makes of a function.
 *
 * Memoized functions receive their memo so that they can recurse through
 * it: C has no name to rebind, as Python's `@lru_cache` rebinds `fib`, so
 * the recursion must be told where the cache is.
 */
typedef struct dp_memo dp_memo;

/**
 * @brief A memoizable function of one integer.
 * @param[in] memo The memo that called it: recurse with dp_memo_int64().
 * @param[in] ctx  The `ctx` given to dp_memo_create_int64().
 * @param[in] arg  The argument.
 * @return The result, which must depend on `arg` (and constant state) only.
 */
typedef int64_t dp_memo_int64_fn(dp_memo *memo, void *ctx, int64_t arg);

/**
 * @brief A memoizable function of a byte string.
 * @param[in] memo The memo that called it: recurse with dp_memo_bytes().
 * @param[in] ctx  The `ctx` given to dp_memo_create_bytes().
 * @param[in] key  The argument's bytes, valid during the call only.
 * @param[in] size Their number.
 * @return The result, which must depend on the bytes only.
 */
typedef int64_t dp_memo_bytes_fn(dp_memo *memo, void *ctx, const void *key,
                                 size_t size);

/**
 * @brief Wrap `int64_t f(int64_t)` with an LRU cache of `maxsize` results:
 *        `@lru_cache(maxsize=...)`.
 * @param[in] fn      The function; required.
 * @param[in] ctx     Handed to `fn` unchanged.
 * @param[in] maxsize As for dp_lru_create(): 0 or #DP_LRU_UNBOUNDED allowed.
 * @param[in] alloc   The allocator, or NULL for malloc/free.
 * @return The memo, freed with dp_memo_destroy(); NULL when `fn` is NULL
 *         or memory runs out.
 */
dp_memo *dp_memo_create_int64(dp_memo_int64_fn *fn, void *ctx, size_t maxsize,
                              const struct dp_allocator *alloc);

/**
 * @brief Wrap `int64_t f(bytes)` with an LRU cache; the key bytes are
 *        copied into the cache.
 * @param[in] fn      The function; required.
 * @param[in] ctx     Handed to `fn` unchanged.
 * @param[in] maxsize As for dp_lru_create().
 * @param[in] alloc   The allocator, or NULL for malloc/free.
 * @return The memo, or NULL when `fn` is NULL or memory runs out.
 */
dp_memo *dp_memo_create_bytes(dp_memo_bytes_fn *fn, void *ctx, size_t maxsize,
                              const struct dp_allocator *alloc);

/**
 * @brief Free a memo and its cache.
 * @param[in] memo The memo; NULL is a no-op.
 */
void dp_memo_destroy(dp_memo *memo);

/**
 * @brief The part of a memo that the inline dp_memo_int64() reads.
 *
 * Public only so that dp_memo_int64() can call the wrapped function from
 * its caller's own frame (see the README's Cost); every memo begins with
 * one. Callers must not touch it: its layout may change with any release.
 */
struct dp_memo_head {
	dp_lru *cache;              /**< The memo's cache. */
	dp_memo_int64_fn *int64_fn; /**< The integer function; NULL for a
	                                 bytes memo. */
	void *ctx;                  /**< Handed to the function. */
};

/**
 * @brief Internal: dp_memo_int64() on a bytes memo records #DP_EINVAL
 *        here. Call dp_memo_int64() instead.
 * @param[in,out] memo A bytes memo; NULL records nothing.
 * @return 0, the result dp_memo_int64() returns for a refused call.
 */
int64_t dp__memo_int64_refuse(dp_memo *memo);

/**
 * @brief Internal: the storing half of dp_memo_int64(). Call
 *        dp_memo_int64() instead.
 * @param[in,out] memo   An integer memo; NULL stores nothing.
 * @param[in]     arg    The argument.
 * @param[in]     result The function's result, cached if memory allows
 *                       (a failure is recorded for dp_memo_error()).
 */
void dp__memo_int64_store(dp_memo *memo, int64_t arg, int64_t result);

/**
 * @brief Call the wrapped integer function through the cache: a hit
 *        returns the cached result, a miss calls the function once and
 *        caches what it returns.
 *
 * Errors do not change the result, so they do not interrupt an expression
 * such as `dp_memo_int64(m, n - 1) + dp_memo_int64(m, n - 2)`: a result
 * that cannot be cached for want of memory is still returned, and the
 * first error is kept for dp_memo_error(), as `ferror()` keeps a stream's.
 *
 * Inline, so that a recursive function and its memo take one stack frame
 * per level, not two: the lookup (dp_lru_get_int64()) and the store are
 * calls into the library, the function is called from the caller's frame.
 * @param[in,out] memo A memo made by dp_memo_create_int64().
 * @param[in]     arg  The argument.
 * @return The function's result for `arg`; 0 without calling anything when
 *         `memo` is NULL or of the bytes kind (the latter recorded as
 *         #DP_EINVAL).
 */
static inline int64_t dp_memo_int64(dp_memo *memo, int64_t arg)
{
	/* Valid because every memo begins with its head. */
	const struct dp_memo_head *head = (const struct dp_memo_head *)memo;
	int64_t result;

	if (memo == NULL)
		return 0;
	if (head->int64_fn == NULL)
		return dp__memo_int64_refuse(memo);
	if (dp_lru_get_int64(head->cache, arg, &result) == DP_OK)
		return result;
	result = head->int64_fn(memo, head->ctx, arg);
	dp__memo_int64_store(memo, arg, result);
	return result;
}

/**
 * @brief Call the wrapped bytes function through the cache; as
 *        dp_memo_int64().
 * @param[in,out] memo A memo made by dp_memo_create_bytes().
 * @param[in]     key  The argument's bytes; may be NULL when `size` is 0.
 * @param[in]     size Their number.
 * @return The function's result; 0 without calling anything when `memo` is
 *         NULL, of the integer kind, or `key` is NULL with a non-zero
 *         `size` (the last two recorded as #DP_EINVAL).
 */
int64_t dp_memo_bytes(dp_memo *memo, const void *key, size_t size);

/**
 * @brief The first error since the memo was created or cleared.
 * @param[in] memo The memo.
 * @return #DP_OK; #DP_ENOMEM when a result could not be cached (it was
 *         still returned); #DP_EINVAL when a call was of the wrong kind or
 *         had bad arguments, or when `memo` is NULL.
 */
int dp_memo_error(const dp_memo *memo);

/**
 * @brief Statistics of the memo's cache, as Python's `f.cache_info()`.
 * @param[in]  memo The memo.
 * @param[out] info Receives the figures.
 * @return #DP_OK, or #DP_EINVAL when `memo` or `info` is NULL.
 */
int dp_memo_info(const dp_memo *memo, struct dp_lru_info *info);

/**
 * @brief Empty the cache, reset its statistics and the sticky error, as
 *        Python's `f.cache_clear()`.
 * @param[in,out] memo The memo.
 * @return #DP_OK, or #DP_EINVAL when `memo` is NULL.
 */
int dp_memo_clear(dp_memo *memo);

/**
 * @brief The cache inside a memo, to inspect its order or look a result up
 *        without calling the function.
 * @param[in] memo The memo.
 * @return The cache, owned by the memo; NULL when `memo` is NULL.
 */
dp_lru *dp_memo_cache(dp_memo *memo);

#endif /* DP_LRU_CACHE_H */
