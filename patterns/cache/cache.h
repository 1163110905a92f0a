/**
 * @file cache.h
 * @brief A cache interface (an ops table of get, set with a time to live,
 *        remove, clear, info, bulk get and set) with an in-process LRU
 *        back-end, a Redis back-end (an Adapter over hiredis), a two-level
 *        Decorator (a local LRU in front of another cache), and a memoizer
 *        that works over any of them.
 *
 * Keys and values are bytes, copied in and out: nothing the caller passes
 * is kept. A back-end failure never changes a result: a get is then a
 * miss, a set fails, and the error is counted in dp_cache_info(). A
 * failed set is not stored, except on a shared back-end that sent it and
 * got no reply: see dp_cache_set() for exactly what it may then be.
 * Ownership: a cache owns its back-end state; the two-level cache owns the
 * two caches it joins. Thread-safety: none; one thread per cache.
 */
#ifndef DP_CACHE_H
#define DP_CACHE_H

#include "common/dp_common.h"

#include <stddef.h>
#include <stdint.h>

/** @brief The `ttl_ms` of an entry that never expires. */
#define DP_CACHE_NO_TTL 0

/**
 * @brief What a cache has counted since it was created. Each back-end
 *        counts its own operations; the two-level cache counts what its
 *        callers saw (ask each level for its own figures).
 */
struct dp_cache_info {
	uint64_t hits;     /**< Gets that found their key. */
	uint64_t misses;   /**< Gets that did not, failures included. */
	uint64_t sets;     /**< Values stored. */
	uint64_t errors;   /**< Back-end failures: a refused connection, a
	                        timeout, an error reply, a failed set. */
	uint64_t connects; /**< Connections made: 1 after a good start, one
	                        more for each reconnect (0 when in-process). */
	size_t entries;    /**< Entries held now, for an in-process cache;
	                        0 for a shared one, which cannot know. */
};

/**
 * @brief One key of a bulk operation, dp_cache_get_many() or
 *        dp_cache_set_many(); the caller owns the array and every buffer.
 */
struct dp_cache_item {
	const void *key; /**< The key's bytes; NULL only when #key_size is 0. */
	size_t key_size; /**< Their number. */
	const void
		*value;  /**< set_many: the bytes to store; get_many: unused. */
	void *buffer;    /**< get_many: where the value is copied; NULL only
	                        when #capacity is 0. set_many: unused. */
	size_t capacity; /**< get_many: the size of #buffer. */
	size_t size;     /**< set_many: the value's size, in. get_many: the
	                        stored value's size, out, on DP_OK or DP_ERANGE. */
	int status;      /**< Out: this key's result, as the single call
	                        dp_cache_get() or dp_cache_set() would return. */
};

/**
 * @brief The interface every back-end implements: the role of SQLite's
 *        `sqlite3_io_methods`. Every slot receives the `ctx` given to
 *        dp_cache_create() unchanged; the dispatchers (dp_cache_get() and
 *        the rest) check the arguments first, so no slot sees a NULL
 *        pointer it was not promised.
 */
struct dp_cache_ops {
	/** Required. The back-end's name, e.g. "lru" or "redis". */
	const char *name;

	/**
	 * Required. Look a key up and copy its value into `buffer`.
	 * @param[in]  ctx      The back-end's state.
	 * @param[in]  key      The key's bytes.
	 * @param[in]  key_size Their number.
	 * @param[out] buffer   Receives the value on DP_OK.
	 * @param[in]  capacity The size of `buffer`.
	 * @param[out] size     Receives the value's size on DP_OK or DP_ERANGE.
	 * @return #DP_OK on a hit; #DP_ENOENT on a miss; #DP_ERANGE when the
	 *         value is larger than `capacity` (nothing copied); #DP_EIO
	 *         when the back-end failed (to be taken as a miss).
	 */
	int (*get)(void *ctx, const void *key, size_t key_size, void *buffer,
	           size_t capacity, size_t *size);

	/**
	 * Required. Store a copy of a value under a key, replacing any.
	 * @param[in] ctx      The back-end's state.
	 * @param[in] key      The key's bytes.
	 * @param[in] key_size Their number.
	 * @param[in] value    The value's bytes.
	 * @param[in] size     Their number.
	 * @param[in] ttl_ms   Milliseconds the entry lives; #DP_CACHE_NO_TTL
	 *                     for ever.
	 * @return #DP_OK; #DP_ENOMEM (nothing changed); #DP_EIO when the
	 *         back-end failed, with the meaning dp_cache_set() gives it.
	 */
	int (*set)(void *ctx, const void *key, size_t key_size,
	           const void *value, size_t size, uint64_t ttl_ms);

	/**
	 * Required. Remove a key.
	 * @param[in] ctx      The back-end's state.
	 * @param[in] key      The key's bytes.
	 * @param[in] key_size Their number.
	 * @return #DP_OK; #DP_ENOENT when it was not there; #DP_EIO.
	 */
	int (*remove)(void *ctx, const void *key, size_t key_size);

	/**
	 * Required. Remove every key of this cache (of its namespace, for a
	 * shared one); the counters are kept.
	 * @param[in] ctx The back-end's state.
	 * @return #DP_OK or #DP_EIO.
	 */
	int (*clear)(void *ctx);

	/**
	 * Required. Report the counters.
	 * @param[in]  ctx  The back-end's state.
	 * @param[out] info Receives them.
	 */
	void (*info)(void *ctx, struct dp_cache_info *info);

	/**
	 * Optional: NULL means dp_cache_get_many() calls #get once per item.
	 * Look many keys up at once (a back-end over a network sends them in
	 * one round trip), setting every item's status and size.
	 * @param[in]     ctx   The back-end's state.
	 * @param[in,out] items The items; `count` of them.
	 * @param[in]     count Their number, at least 1.
	 */
	void (*get_many)(void *ctx, struct dp_cache_item *items, size_t count);

	/**
	 * Optional: NULL means dp_cache_set_many() calls #set once per item.
	 * Store many values at once, setting every item's status.
	 * @param[in]     ctx    The back-end's state.
	 * @param[in,out] items  The items; `count` of them.
	 * @param[in]     count  Their number, at least 1.
	 * @param[in]     ttl_ms As for #set, for every item.
	 */
	void (*set_many)(void *ctx, struct dp_cache_item *items, size_t count,
	                 uint64_t ttl_ms);

	/**
	 * Optional: NULL means the state needs no freeing. Free the
	 * back-end's state; called once, by dp_cache_destroy().
	 * @param[in] ctx The back-end's state.
	 */
	void (*destroy)(void *ctx);
};

/** @brief A cache: an ops table and its state (opaque). */
typedef struct dp_cache dp_cache;

/**
 * @brief Wrap a back-end's ops and state as a cache: how a new back-end
 *        plugs in. The back-ends below call it.
 * @param[in] ops   The ops; must outlive the cache.
 * @param[in] ctx   The state, handed to every slot; owned by the cache
 *                  when this succeeds (freed through `ops->destroy`).
 * @param[in] alloc The allocator for the cache itself, or NULL.
 * @return The cache, freed with dp_cache_destroy(); NULL when `ops`, its
 *         name or a required slot is NULL, or memory runs out (then
 *         `ops->destroy` is not called and the caller still owns `ctx`).
 */
dp_cache *dp_cache_create(const struct dp_cache_ops *ops, void *ctx,
                          const struct dp_allocator *alloc);

/**
 * @brief Free a cache and its state (the stored entries of a shared
 *        back-end stay on the server).
 * @param[in] cache The cache; NULL is a no-op.
 */
void dp_cache_destroy(dp_cache *cache);

/**
 * @brief The back-end's name.
 * @param[in] cache The cache.
 * @return Its ops' name; "(null)" when `cache` is NULL.
 */
const char *dp_cache_name(const dp_cache *cache);

/**
 * @brief Look a key up and copy its value out.
 * @param[in,out] cache    The cache.
 * @param[in]     key      The key's bytes; NULL only when `key_size` is 0.
 * @param[in]     key_size Their number.
 * @param[out]    buffer   Receives the value; NULL only when `capacity`
 *                         is 0.
 * @param[in]     capacity The size of `buffer`.
 * @param[out]    size     Receives the value's size on #DP_OK or
 *                         #DP_ERANGE; required.
 * @return #DP_OK on a hit; #DP_ENOENT on a miss; #DP_ERANGE when the value
 *         needs more than `capacity` bytes (`*size` says how many; nothing
 *         copied); #DP_EIO when the back-end failed: take it as a miss;
 *         #DP_EINVAL for a NULL argument not allowed above.
 */
int dp_cache_get(dp_cache *cache, const void *key, size_t key_size,
                 void *buffer, size_t capacity, size_t *size);

/**
 * @brief Store a copy of a value under a key.
 *
 * A shared back-end can fail after it has sent the command: no reply
 * within its timeout, or the connection lost while waiting. The server
 * may then have stored the value, or may still store it when it reads
 * the command (a stopped server does when it resumes): #DP_EIO means
 * "not known to be stored", not "not stored". Such a value lives until
 * it is replaced, deleted or expires, so a time to live bounds it.
 * @param[in,out] cache    The cache.
 * @param[in]     key      The key's bytes; NULL only when `key_size` is 0.
 * @param[in]     key_size Their number.
 * @param[in]     value    The value's bytes; NULL only when `size` is 0.
 * @param[in]     size     Their number.
 * @param[in]     ttl_ms   Milliseconds the entry lives, or
 *                         #DP_CACHE_NO_TTL.
 * @return #DP_OK; #DP_EIO when the back-end failed: the value is not
 *         stored if the command was never sent (a shared back-end
 *         without a connection), and may or may not be stored if it
 *         was (see above); #DP_ENOMEM (nothing changed); #DP_EINVAL for
 *         a NULL argument not allowed above.
 */
int dp_cache_set(dp_cache *cache, const void *key, size_t key_size,
                 const void *value, size_t size, uint64_t ttl_ms);

/**
 * @brief Remove a key.
 * @param[in,out] cache    The cache.
 * @param[in]     key      The key's bytes; NULL only when `key_size` is 0.
 * @param[in]     key_size Their number.
 * @return #DP_OK; #DP_ENOENT when it was not cached; #DP_EIO when the
 *         back-end failed (the key may or may not be gone, as a failed
 *         dp_cache_set() may or may not have stored); #DP_EINVAL for a
 *         NULL argument.
 */
int dp_cache_remove(dp_cache *cache, const void *key, size_t key_size);

/**
 * @brief Remove every key of the cache (its namespace only, on a shared
 *        server). The counters are kept.
 * @param[in,out] cache The cache.
 * @return #DP_OK; #DP_EIO when the back-end failed (some keys may be
 *         gone); #DP_EINVAL when `cache` is NULL.
 */
int dp_cache_clear(dp_cache *cache);

/**
 * @brief Read the counters.
 * @param[in]  cache The cache.
 * @param[out] info  Receives them.
 * @return #DP_OK, or #DP_EINVAL when `cache` or `info` is NULL.
 */
int dp_cache_info(dp_cache *cache, struct dp_cache_info *info);

/**
 * @brief Look many keys up at once: one round trip on a back-end that
 *        pipelines. Each item gets its own status and size, as
 *        dp_cache_get() would return them.
 * @param[in,out] cache The cache.
 * @param[in,out] items The items.
 * @param[in]     count Their number; 0 does nothing.
 * @return #DP_OK when every item was looked at (hits and misses alike);
 *         #DP_EINVAL, with no item looked at, when `cache` is NULL,
 *         `items` is NULL with a non-zero count, or an item has a NULL
 *         key or buffer not allowed by #dp_cache_item.
 */
int dp_cache_get_many(dp_cache *cache, struct dp_cache_item *items,
                      size_t count);

/**
 * @brief Store many values at once, all with the same time to live.
 * @param[in,out] cache  The cache.
 * @param[in,out] items  The items; each gets its own status.
 * @param[in]     count  Their number; 0 does nothing.
 * @param[in]     ttl_ms As for dp_cache_set().
 * @return #DP_OK when every item was tried (see each status); #DP_EINVAL,
 *         with nothing stored, for the NULL arguments of
 *         dp_cache_get_many() or an item with a NULL value and a non-zero
 *         size.
 */
int dp_cache_set_many(dp_cache *cache, struct dp_cache_item *items,
                      size_t count, uint64_t ttl_ms);

/* ---- The in-process back-end ------------------------------------------ */

/**
 * @brief A clock: the in-process back-end's expiry times, the Redis
 *        back-end's retry interval.
 * @param[in] ctx The `clock_ctx` of the configuration, unchanged.
 * @return Nanoseconds on a clock that never goes back.
 */
typedef uint64_t dp_cache_clock_fn(void *ctx);

/** @brief Everything dp_cache_lru_create() needs, filled by field name. */
struct dp_cache_lru_config {
	/** The most entries kept before the least recently used goes;
	 *  0 caches nothing. */
	size_t maxsize;
	/** Optional: NULL means dp_now_ns(). Tests pass a fake clock. */
	dp_cache_clock_fn *clock;
	/** Handed to #clock unchanged. */
	void *clock_ctx;
	/** Optional: NULL means malloc/free. Must outlive the cache. */
	const struct dp_allocator *alloc;
};

/**
 * @brief Create an in-process cache over the LRU of lru_cache.h. It never
 *        fails a get with #DP_EIO: its only error is #DP_ENOMEM on a set.
 *        An entry past its time to live is a miss, and is removed when
 *        it is looked at or when the LRU evicts it.
 * @param[in] config The configuration; read during the call only.
 * @return The cache; NULL when `config` is NULL or memory runs out.
 */
dp_cache *dp_cache_lru_create(const struct dp_cache_lru_config *config);

/* ---- The Redis back-end --------------------------------------------- */

/** @brief The connect and command timeout of a Redis cache whose
 *         configuration leaves them 0, in milliseconds. */
#define DP_CACHE_REDIS_TIMEOUT_MS 100

/**
 * @brief Everything dp_cache_redis_create() needs, filled by field name.
 *        Exactly one of #unix_path and #host must be set.
 */
struct dp_cache_redis_config {
	/** The server's Unix socket, or NULL to use #host and #port. */
	const char *unix_path;
	/** The server's address for TCP, or NULL to use #unix_path. */
	const char *host;
	/** The TCP port, 1 to 65535, when #host is set. */
	int port;
	/** Put before every key, e.g. "app:fib:", so that several caches
	 *  share one server without meeting; NULL means "". */
	const char *prefix;
	/** How long a connection attempt may take; 0 means
	 *  #DP_CACHE_REDIS_TIMEOUT_MS. */
	uint32_t connect_timeout_ms;
	/** How long one command may wait for its reply, and a write for
	 *  room in the socket; 0 means #DP_CACHE_REDIS_TIMEOUT_MS. */
	uint32_t command_timeout_ms;
	/** After a connection failed or was lost (refused, timed out,
	 *  broken), how long calls fail fast before one call tries again;
	 *  0 tries again on the next call. */
	uint32_t retry_interval_ms;
	/** Optional: NULL means dp_now_ns(). Measures the retry interval;
	 *  tests pass a fake clock. */
	dp_cache_clock_fn *clock;
	/** Handed to #clock unchanged. */
	void *clock_ctx;
	/** Optional: NULL means malloc/free. hiredis allocates its own
	 *  buffers with malloc; this allocator serves the adapter. */
	const struct dp_allocator *alloc;
};

/**
 * @brief Create a cache whose entries live in a Redis server, through
 *        hiredis: an Adapter from hiredis's commands and replies to the
 *        cache interface.
 *
 * It connects at once, but a server that does not answer is not an error
 * here: the cache then fails each call (a miss, a failed set, an error
 * counted) and connects again when the server is back. A dead server and
 * a hung one cost the same: a refused connection, a command that times
 * out and a broken connection each close the connection, without reading
 * on, and open the retry interval, during which calls fail fast without
 * touching the network; then one call tries a new connection. So there is
 * at most one attempt per `retry_interval_ms`. An error reply keeps the
 * connection. A set (or a delete, or a set_many item) that fails without
 * a connection never reaches the server; one that timed out or lost its
 * connection may or may not be applied, as dp_cache_set() says.
 * @param[in] config The configuration; read during the call only (the
 *                   strings are copied).
 * @return The cache; NULL when `config` is NULL, both or neither of
 *         `unix_path` and `host` are set, the port is out of range, or
 *         memory runs out.
 */
dp_cache *dp_cache_redis_create(const struct dp_cache_redis_config *config);

/* ---- The two-level Decorator ------------------------------------------ */

/**
 * @brief Join a small local cache in front of a shared one: a Decorator
 *        that keeps the interface of the cache it wraps.
 *
 * A get asks `front` first; on a front miss it asks `back` and copies a
 * hit into `front` for `front_ttl_ms`, which bounds how long a value
 * changed by another process can be seen stale. A set and a delete go to
 * both; clear empties both. Its info counts what its callers saw: hits
 * from either level, misses, sets, and the errors of `back`.
 * @param[in] front        The local cache; owned by the result on success.
 * @param[in] back         The shared cache; owned by the result on success.
 * @param[in] front_ttl_ms The time to live of local copies, or
 *                         #DP_CACHE_NO_TTL.
 * @param[in] alloc        The allocator, or NULL.
 * @return The two-level cache; NULL when `front` or `back` is NULL, they
 *         are the same cache, or memory runs out (the caller then still
 *         owns both).
 */
dp_cache *dp_cache_tiered_create(dp_cache *front, dp_cache *back,
                                 uint64_t front_ttl_ms,
                                 const struct dp_allocator *alloc);

/* ---- Memoize over any cache ------------------------------------------- */

/**
 * @brief A function memoized through a cache (opaque), made by
 *        dp_cache_memo_create(): the generic form of lru_cache.h's
 *        dp_memo, whose results may live outside the process.
 */
typedef struct dp_cache_memo dp_cache_memo;

/**
 * @brief A memoizable function of one integer.
 * @param[in] memo The memo that called it: recurse with dp_cache_memo_call().
 * @param[in] ctx  The `ctx` given to dp_cache_memo_create().
 * @param[in] arg  The argument.
 * @return The result, which must depend on `arg` only.
 */
typedef int64_t dp_cache_memo_fn(dp_cache_memo *memo, void *ctx, int64_t arg);

/**
 * @brief What a memo has counted since it was created.
 */
struct dp_cache_memo_stats {
	uint64_t calls;  /**< Times the function itself ran. */
	uint64_t hits;   /**< Results found in the cache. */
	uint64_t errors; /**< Cache failures met (the result was computed). */
};

/**
 * @brief Memoize `int64_t f(int64_t)` through a cache. Keys are the
 *        memo's name followed by the argument, values the result, both in
 *        little-endian bytes so that machines of either byte order share
 *        them.
 * @param[in] cache  The cache; not owned, must outlive the memo.
 * @param[in] name   Names the function within the cache, e.g. "fib";
 *                   copied. Two memos over one cache need two names.
 * @param[in] fn     The function; required.
 * @param[in] ctx    Handed to `fn` unchanged.
 * @param[in] ttl_ms The results' time to live, or #DP_CACHE_NO_TTL.
 * @param[in] alloc  The allocator, or NULL.
 * @return The memo, freed with dp_cache_memo_destroy(); NULL when
 *         `cache`, `name` or `fn` is NULL, or memory runs out.
 */
dp_cache_memo *dp_cache_memo_create(dp_cache *cache, const char *name,
                                    dp_cache_memo_fn *fn, void *ctx,
                                    uint64_t ttl_ms,
                                    const struct dp_allocator *alloc);

/**
 * @brief Free a memo (not its cache).
 * @param[in] memo The memo; NULL is a no-op.
 */
void dp_cache_memo_destroy(dp_cache_memo *memo);

/**
 * @brief Call the function through the cache: a hit returns the stored
 *        result; a miss, a failure of the cache or a malformed stored
 *        value calls the function and stores what it returns. A cache
 *        failure is counted, never returned: the result is always right.
 * @param[in,out] memo The memo.
 * @param[in]     arg  The argument.
 * @return The function's result; 0, calling nothing, when `memo` is NULL.
 */
int64_t dp_cache_memo_call(dp_cache_memo *memo, int64_t arg);

/**
 * @brief Read a memo's counters.
 * @param[in]  memo  The memo.
 * @param[out] stats Receives them.
 * @return #DP_OK, or #DP_EINVAL when `memo` or `stats` is NULL.
 */
int dp_cache_memo_stats(const dp_cache_memo *memo,
                        struct dp_cache_memo_stats *stats);

#endif /* DP_CACHE_H */
