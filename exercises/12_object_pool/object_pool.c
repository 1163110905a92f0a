/*
 * Exercise 12: a fixed-capacity object pool. Read README.md first, then
 * fill in each TODO. Every function below compiles and returns a value
 * that makes the tests fail; replace the bodies one by one.
 */
#include "object_pool.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

/* TODO: decide what a pool holds: the allocator, the block of slots (and
 * where the first aligned slot starts), the slot size, the capacity, the
 * free list's head, how many are free, and one "lent" flag per slot so a
 * release can be checked in O(1). */
struct ex_pool {
	const struct dp_allocator *alloc;
};

ex_pool *ex_pool_create(size_t object_size, size_t alignment, size_t capacity,
                        const struct dp_allocator *alloc)
{
	/* TODO: validate the arguments; round the slot size up to a
	 * pointer and to the alignment; allocate the pool, the block (with
	 * room to round its start up to the alignment) and the flags
	 * through dp_alloc(), freeing what you have on failure; then push
	 * every slot onto the free list so that the first acquires come
	 * out in address order. */
	(void)object_size;
	(void)alignment;
	(void)capacity;
	(void)alloc;
	return NULL;
}

void ex_pool_destroy(ex_pool *pool)
{
	/* TODO: free everything ex_pool_create() allocated, with dp_free()
	 * on the same allocator. NULL is a no-op. */
	(void)pool;
}

int ex_pool_acquire(ex_pool *pool, void **object)
{
	/* TODO: pop the head of the free list (its link is stored inside
	 * the free slot: read it with memcpy), mark the slot lent. */
	(void)pool;
	(void)object;
	return DP_ENOTSUP;
}

int ex_pool_release(ex_pool *pool, void *object)
{
	/* TODO: check that `object` is the start of a slot of this pool
	 * (compare addresses as uintptr_t), refuse a slot that is not lent
	 * with DP_EEXIST, else push it onto the free list. */
	(void)pool;
	(void)object;
	return DP_ENOTSUP;
}

size_t ex_pool_available(const ex_pool *pool)
{
	/* TODO: the number of free objects. */
	(void)pool;
	return 0;
}

size_t ex_pool_capacity(const ex_pool *pool)
{
	/* TODO: the capacity given at creation. */
	(void)pool;
	return 0;
}
