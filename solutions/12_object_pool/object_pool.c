/*
 * Exercise 12, the answer: one block of `capacity` slots, a free list
 * threaded through the free slots, and one "lent" byte per slot so that a
 * release is checked in O(1) rather than trusted.
 */
#include "object_pool.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

struct ex_pool {
	const struct dp_allocator *alloc;
	char *block; /* What the allocator returned; freed at destroy. */
	char *slots; /* The first slot: `block` rounded up to the alignment. */
	bool *lent;  /* One flag per slot: true while the slot is acquired. */
	char *free;  /* The free list's head, NULL when every slot is lent. */
	size_t slot_size;
	size_t capacity;
	size_t available;
};

/* The link lives in the free slot's first bytes. memcpy reads and writes
 * it whatever the slot held before and whatever its alignment, and
 * compiles to one load or store. */
static char *next_free(const char *slot)
{
	char *next;

	memcpy(&next, slot, sizeof(next));
	return next;
}

static void push_free(ex_pool *pool, char *slot)
{
	memcpy(slot, &pool->free, sizeof(pool->free));
	pool->free = slot;
	pool->available++;
}

ex_pool *ex_pool_create(size_t object_size, size_t alignment, size_t capacity,
                        const struct dp_allocator *alloc)
{
	if (object_size == 0 || capacity == 0)
		return NULL;
	if (alignment == 0)
		alignment = alignof(max_align_t);
	if ((alignment & (alignment - 1)) != 0)
		return NULL;

	size_t slot_size =
		object_size < sizeof(char *) ? sizeof(char *) : object_size;
	if (slot_size > SIZE_MAX - (alignment - 1))
		return NULL;
	slot_size = (slot_size + alignment - 1) & ~(alignment - 1);
	/* Slack of alignment - 1 bytes lets the first slot be rounded up
	 * when the allocator aligns less than asked. */
	if (capacity > (SIZE_MAX - (alignment - 1)) / slot_size)
		return NULL;

	ex_pool *pool = dp_alloc(alloc, sizeof(*pool));
	if (pool == NULL)
		return NULL;
	pool->block = dp_alloc(alloc, capacity * slot_size + alignment - 1);
	if (pool->block == NULL)
		goto fail_free_pool;
	pool->lent = dp_alloc_array(alloc, capacity, sizeof(*pool->lent));
	if (pool->lent == NULL)
		goto fail_free_block;

	uintptr_t address = (uintptr_t)pool->block;
	size_t skip = (alignment - address % alignment) % alignment;

	pool->alloc = alloc;
	pool->slots = pool->block + skip;
	pool->slot_size = slot_size;
	pool->capacity = capacity;
	pool->available = 0;
	pool->free = NULL;
	/* Pushed from the last slot down, so the first acquires come out
	 * in address order. */
	for (size_t i = capacity; i-- > 0;) {
		pool->lent[i] = false;
		push_free(pool, pool->slots + i * slot_size);
	}
	return pool;

fail_free_block:
	dp_free(alloc, pool->block);
fail_free_pool:
	dp_free(alloc, pool);
	return NULL;
}

void ex_pool_destroy(ex_pool *pool)
{
	if (pool == NULL)
		return;
	dp_free(pool->alloc, pool->lent);
	dp_free(pool->alloc, pool->block);
	dp_free(pool->alloc, pool);
}

int ex_pool_acquire(ex_pool *pool, void **object)
{
	if (pool == NULL || object == NULL)
		return DP_EINVAL;
	if (pool->free == NULL)
		return DP_EBUSY;

	char *slot = pool->free;

	pool->free = next_free(slot);
	pool->available--;
	pool->lent[(size_t)(slot - pool->slots) / pool->slot_size] = true;
	*object = slot;
	return DP_OK;
}

int ex_pool_release(ex_pool *pool, void *object)
{
	if (pool == NULL || object == NULL)
		return DP_EINVAL;

	/* Compared as integers: relational operators on pointers into
	 * different objects are undefined, and a foreign pointer is
	 * exactly what this check is for. */
	uintptr_t first = (uintptr_t)pool->slots;
	uintptr_t address = (uintptr_t)object;

	if (address < first)
		return DP_EINVAL;
	uintptr_t offset = address - first;
	if (offset % pool->slot_size != 0 ||
	    offset / pool->slot_size >= pool->capacity)
		return DP_EINVAL;

	size_t index = offset / pool->slot_size;

	if (!pool->lent[index])
		return DP_EEXIST;
	pool->lent[index] = false;
	push_free(pool, pool->slots + index * pool->slot_size);
	return DP_OK;
}

size_t ex_pool_available(const ex_pool *pool)
{
	return pool != NULL ? pool->available : 0;
}

size_t ex_pool_capacity(const ex_pool *pool)
{
	return pool != NULL ? pool->capacity : 0;
}
