/**
 * @file object_pool.h
 * @brief Exercise 12: a fixed-capacity object pool. Objects of one size
 *        live in one block allocated at creation and are handed out and
 *        taken back in O(1) through a free list kept inside the free objects.
 *
 * Ownership: the pool owns its block; an acquired object is lent to the
 * caller until ex_pool_release(), and ex_pool_destroy() frees everything,
 * lent or not. Thread-safety: none; one pool per thread or your own lock.
 */
#ifndef EX_OBJECT_POOL_H
#define EX_OBJECT_POOL_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>

/** @brief A fixed-capacity pool of equal-size objects (opaque). */
typedef struct ex_pool ex_pool;

/**
 * @brief Create a pool of `capacity` objects, all allocated at once.
 * @param[in] object_size Bytes of one object, > 0. Sizes smaller than a
 *                        pointer are rounded up: a free object holds the
 *                        free list's link.
 * @param[in] alignment   0 for "aligned for any type" (`max_align_t`), or
 *                        a power of two; every object is aligned to it.
 * @param[in] capacity    How many objects, > 0. The pool never grows.
 * @param[in] alloc       Where the pool's memory comes from, or NULL for
 *                        malloc/free. It must outlive the pool.
 * @return The pool, freed with ex_pool_destroy(); NULL when `object_size`
 *         or `capacity` is 0, `alignment` is not 0 or a power of two, the
 *         size overflows, or memory runs out (then nothing leaks).
 */
ex_pool *ex_pool_create(size_t object_size, size_t alignment, size_t capacity,
                        const struct dp_allocator *alloc);

/**
 * @brief Free the pool and every object, lent out or not.
 * @param[in] pool The pool; NULL is a no-op.
 */
void ex_pool_destroy(ex_pool *pool);

/**
 * @brief Take a free object in O(1): the most recently released one first
 *        (LIFO), or, before any release, the objects in address order.
 *
 * Never allocates. The object's contents are unspecified.
 * @param[in,out] pool   The pool.
 * @param[out]    object Receives the object; untouched on error.
 * @return #DP_OK; #DP_EINVAL when `pool` or `object` is NULL; #DP_EBUSY
 *         when every object is lent out.
 */
int ex_pool_acquire(ex_pool *pool, void **object);

/**
 * @brief Give an object back in O(1); it becomes the next one acquired.
 *
 * Checked, never trusted: a pointer that is not the start of one of this
 * pool's objects, or an object that is already free, is refused with a
 * code, and the pool is left exactly as it was.
 * @param[in,out] pool   The pool.
 * @param[in]     object An object acquired from `pool`.
 * @return #DP_OK; #DP_EINVAL when `pool` or `object` is NULL or `object` is
 *         not the start of an object of this pool; #DP_EEXIST when the
 *         object is already free (a double release).
 */
int ex_pool_release(ex_pool *pool, void *object);

/**
 * @brief How many objects can be acquired now.
 * @param[in] pool The pool; NULL has none.
 * @return The number of free objects.
 */
size_t ex_pool_available(const ex_pool *pool);

/**
 * @brief How many objects the pool holds in all, lent or free.
 * @param[in] pool The pool; NULL has none.
 * @return The capacity given to ex_pool_create().
 */
size_t ex_pool_capacity(const ex_pool *pool);

#endif /* EX_OBJECT_POOL_H */
