/**
 * @file object_pool.h
 * @brief Object pool: fixed-size objects handed out and taken back in O(1)
 *        through a free list kept as a stack of addresses.
 *
 * Ownership: the pool owns every object it hands out. An acquired object is
 * lent to the caller until dp_pool_release(); dp_pool_destroy() frees every
 * chunk, so objects still lent out become dangling pointers. Acquire and
 * release are inline: their fast path is compiled into the caller, and only
 * the rare cases (an empty free list, debug mode) call into the library.
 * Thread-safety: none; one pool per thread, or the caller's own lock.
 */
#ifndef DP_OBJECT_POOL_H
#define DP_OBJECT_POOL_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief How a pool is built: the caller fills one on the stack, the pool
 *        copies what it needs.
 *
 * @code
 * struct dp_pool_config config = {
 *         .object_size = sizeof(struct request),
 *         .chunk_objects = 256,
 * };
 * @endcode
 */
struct dp_pool_config {
	/** Required, > 0. Bytes of one object. The pool never writes into
	 * a free object (outside debug mode), so any size is kept as is. */
	size_t object_size;
	/** Optional: 0 means aligned for any type (`max_align_t`). Otherwise
	 * a power of two. */
	size_t alignment;
	/** Required, > 0. Growing pool: objects per chunk, allocated when the
	 * free list runs dry. Fixed pool: the capacity, allocated at once. */
	size_t chunk_objects;
	/** false: grow by a chunk when empty. true: one chunk, never grows;
	 * dp_pool_acquire() returns #DP_EBUSY when every object is lent. */
	bool fixed;
	/** true: debug mode. Released objects are poisoned with
	 * #DP_POOL_POISON and checked on the next acquire; releases are
	 * checked against a live bitmap per chunk. Slower; see the README. */
	bool debug;
};

/** @brief The byte that fills a released object in debug mode. */
#define DP_POOL_POISON 0xDD

/** @brief A pool's counters, copied out by dp_pool_get_stats(). */
struct dp_pool_stats {
	size_t object_size; /**< Usable bytes of an object, as configured. */
	size_t slot_size;   /**< Bytes an object occupies in its chunk. */
	size_t live;        /**< Objects acquired and not yet released. */
	size_t peak;        /**< The highest #live has been. */
	size_t capacity;    /**< Objects in all chunks, lent or free. */
	size_t chunks;      /**< Chunks allocated. */
	/** Debug mode: releases refused as double or foreign (also counted
	 * when the refusal came through the pool's allocator, which cannot
	 * return the code). Always 0 otherwise. */
	uint64_t rejected_releases;
	/** Debug mode: free objects whose poison was found overwritten on
	 * acquire (a write after release). Each is set aside for good and
	 * counted in #capacity, not in #live. Always 0 otherwise. */
	uint64_t damaged;
};

/** @brief A pool of fixed-size objects (opaque but for its head, struct
 *         dp_pool_head); see the file comment. */
typedef struct dp_pool dp_pool;

/**
 * @brief The part of a pool that the inline fast paths read and write.
 *
 * Public only so that dp_pool_acquire() and dp_pool_release() can be
 * compiled into the caller; every pool begins with one, so a `dp_pool *`
 * converts to a `struct dp_pool_head *`. Callers must not touch it: its
 * layout may change with any release of the library, which then needs
 * every caller recompiled, the price of an inline fast path.
 */
struct dp_pool_head {
	/** The free list: an array of the addresses of released objects, a
	 * stack that grows upwards from here. */
	void **free_base;
	/** One past the top of the stack: free_top[-1] is the most recently
	 * released object; free_top == free_base when none is free. */
	void **free_top;
	/** How far the stack may grow: room for every object of the pool,
	 * so that a release never has to allocate, and a release beyond it
	 * (more releases than objects) is refused rather than written past
	 * the end. Equal to free_base in debug mode, which sends every call
	 * to the checked, out-of-line path. */
	void **free_limit;
};

/**
 * @brief Check a configuration by the rules dp_pool_create() applies.
 *
 * For the caller who must tell a bad configuration from a lack of
 * memory, both of which make dp_pool_create() return NULL: check first,
 * or after a NULL. Allocates nothing.
 * @param[in] config The configuration; read during the call only.
 * @return #DP_OK; #DP_EINVAL when `config` is NULL, the object size or
 *         chunk_objects is 0, the alignment is not 0 or a power of two,
 *         or a chunk's size would overflow `size_t`.
 */
int dp_pool_config_check(const struct dp_pool_config *config);

/**
 * @brief Create a pool.
 * @param[in] config The configuration; read during the call only.
 * @param[in] alloc  Where chunks come from, or NULL for malloc/free. It
 *                   must outlive the pool.
 * @return The pool, which the caller frees with dp_pool_destroy(); NULL
 *         when dp_pool_config_check() refuses `config` or when memory
 *         runs out (a fixed pool allocates its one chunk here).
 */
dp_pool *dp_pool_create(const struct dp_pool_config *config,
                        const struct dp_allocator *alloc);

/**
 * @brief Free the pool and every chunk, including objects still lent out.
 *
 * Lent objects are reclaimed without notice: every pointer to one
 * dangles afterwards. This is the region-like "free everything at once"
 * that makes a pool cheap to tear down.
 * @param[in] pool The pool; NULL is a no-op.
 */
void dp_pool_destroy(dp_pool *pool);

/**
 * @brief Internal: dp_pool_acquire() when its inline fast path cannot
 *        serve, because the free list is empty, the pool is in debug mode
 *        or an argument is NULL. Call dp_pool_acquire() instead.
 * @param[in,out] pool   The pool.
 * @param[out]    object Receives the object; untouched on error.
 * @return As dp_pool_acquire().
 */
int dp__pool_acquire_slow(dp_pool *pool, void **object);

/**
 * @brief Internal: dp_pool_release() in debug mode, with a NULL argument
 *        or with a full free list. Call dp_pool_release() instead.
 * @param[in,out] pool   The pool.
 * @param[in]     object The object.
 * @return As dp_pool_release().
 */
int dp__pool_release_slow(dp_pool *pool, void *object);

/**
 * @brief Take an object from the pool: O(1), the top of the free list.
 *
 * Inline: popping a released object costs no call, and does not read the
 * object's memory. When none is left, a
 * call into the library hands out the next never-used object (in address
 * order), adding a chunk first if need be; debug mode always calls. The
 * most recently released object comes back first (LIFO), still warm in
 * the cache. Its contents are unspecified: the previous user's bytes,
 * or #DP_POOL_POISON bytes in debug mode. In debug mode, a free object
 * whose poison is overwritten is set aside and counted in
 * dp_pool_stats::damaged, and the next free object is handed out instead.
 * @param[in,out] pool   The pool.
 * @param[out]    object Receives the object; untouched on error.
 * @return #DP_OK; #DP_EINVAL when `pool` or `object` is NULL; #DP_EBUSY
 *         when a fixed pool has every object lent; #DP_ENOMEM when a
 *         growing pool needed a chunk and the allocator refused.
 */
static inline int dp_pool_acquire(dp_pool *pool, void **object)
{
	/* Valid because every pool begins with its head. */
	struct dp_pool_head *head = (struct dp_pool_head *)pool;

	/* In debug mode the free list here stays empty: one test sends
	 * both rare cases out of line. */
	if (pool == NULL || object == NULL ||
	    head->free_top == head->free_base) {
		/* Through a local of its own: were `object` handed to the
		 * call, the caller's variable would have to live in memory,
		 * and the fast path would store to it on every acquire. */
		void *slow = NULL;
		int rc = dp__pool_acquire_slow(pool, object ? &slow : NULL);
		if (rc == DP_OK)
			*object = slow;
		return rc;
	}
	head->free_top--;
	*object = *head->free_top;
	return DP_OK;
}

/**
 * @brief Give an object back: O(1), it becomes the top of the free list.
 *
 * Inline, with no call, except in debug mode; the object's memory is not
 * touched. Without debug mode nothing is checked beyond NULL and the
 * count: releasing a pointer that is not lent out by this pool corrupts
 * the pool, as free() of a bad pointer does, except that more releases
 * than the pool has objects are refused instead of written past the end
 * of the free list. In debug mode the object is found in its chunk (a walk
 * over the chunks), checked against the live bitmap and filled with
 * #DP_POOL_POISON.
 * @param[in,out] pool   The pool.
 * @param[in]     object An object acquired from `pool` and not released since.
 * @return #DP_OK; #DP_EINVAL when `pool` or `object` is NULL, or, in debug
 *         mode, when `object` is not the start of an object of this pool;
 *         #DP_EEXIST in debug mode when the object is already free (a
 *         double release), and in any mode when every object of the pool
 *         is already free. On error the pool is unchanged.
 */
static inline int dp_pool_release(dp_pool *pool, void *object)
{
	struct dp_pool_head *head = (struct dp_pool_head *)pool;

	/* In debug mode the limit is the base: one test for both rare cases. */
	if (pool == NULL || object == NULL ||
	    head->free_top == head->free_limit)
		return dp__pool_release_slow(pool, object);
	*head->free_top = object;
	head->free_top++;
	return DP_OK;
}

/**
 * @brief Copy the pool's counters.
 * @param[in]  pool  The pool.
 * @param[out] stats Receives the counters.
 * @return #DP_OK, or #DP_EINVAL when `pool` or `stats` is NULL.
 */
int dp_pool_get_stats(const dp_pool *pool, struct dp_pool_stats *stats);

/**
 * @brief Whether a pool was created in debug mode.
 * @param[in] pool The pool; NULL is not.
 * @return true in debug mode.
 */
bool dp_pool_is_debug(const dp_pool *pool);

/**
 * @brief The pool seen as an allocator, for modules that take a
 *        `const struct dp_allocator *`.
 *
 * A request of up to the object size takes an object (dp_pool_acquire());
 * a free gives it back (dp_pool_release()); a resize within the object
 * size returns the same block. Anything larger fails with NULL, the block
 * left as it was, and so does any acquire failure. Blocks are aligned as
 * the pool's objects are, which is "for any type" only with the default
 * alignment. The allocator lives inside the pool.
 * @param[in] pool The pool.
 * @return The allocator, valid until dp_pool_destroy(); NULL when `pool`
 *         is NULL.
 */
const struct dp_allocator *dp_pool_allocator(dp_pool *pool);

#endif /* DP_OBJECT_POOL_H */
