/*
 * The object pool: chunks of equal slots, and a free list kept as a stack
 * of the released slots' addresses, so acquire and release are a pop and a
 * push, and neither reads nor writes the object itself.
 *
 * Why a stack of addresses rather than the classic intrusive list, whose
 * links live inside the free slots and cost no memory: with the list, an
 * acquire must load the slot to learn the next free one, and the next
 * acquire waits for that load, a chain of dependent loads that also walks
 * cold memory when the free slots are scattered. With the stack, the next
 * address is already at hand, at the next index down; what the stack costs
 * is one pointer per object, allocated up front so that a release never
 * has to grow it. The bench measures both (see the README).
 *
 * Layout of a chunk, one allocation:
 *
 *   struct chunk | live bitmap (debug) | padding | slot 0 | slot 1 | ...
 *
 * The free list holds released objects only. A new chunk's slots are
 * handed out in address order from a bump pointer (fresh .. fresh_end)
 * when the free list is empty, so adding a chunk pushes nothing, and the
 * fast path in the header never has to know about chunks.
 *
 * Debug mode keeps its free list in the same array with its own count,
 * and leaves the head's limit at 0, so the inline paths always fall
 * through to the checked ones.
 *
 * The statistics cost the fast path nothing: they are counted on the slow
 * path or derived. Live objects are the slots handed out fresh, less
 * those on the free list, less those debug mode set aside as damaged.
 * The peak is updated on the slow path only, which is exact: live can
 * rise above every earlier value only when every slot handed out so far
 * is lent, that is when the free list is empty and the acquire is a slow
 * one. (Counting every acquire and release instead makes a pair about a
 * quarter dearer: the bench's +count column, and the README's Cost.)
 */
#include "object_pool/object_pool.h"

#include <stdalign.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	char *objects; /* Slot 0, aligned to the pool's alignment. */
	size_t count;
	unsigned char live[]; /* Debug mode only: bit set = lent out. */
};

/* What a configuration works out to; computed once, before allocating. */
struct layout {
	size_t object_size;
	size_t alignment;
	size_t slot_size;
	size_t header_size;
	size_t chunk_bytes;
};

struct dp_pool {
	/* Base. Must be first: the inline fast paths cast to it. */
	struct dp_pool_head head;
	struct dp_allocator
		as_allocator; /* Handed out by dp_pool_allocator(). */
	const struct dp_allocator *alloc;
	/* Room in the free list's array, head.free_base: at least the
	 * capacity. */
	size_t free_slots_size;
	/* Debug mode's count of free objects in head.free_base; the head's
	 * top and limit stay at the base. */
	size_t checked_free_count;
	bool debug;
	char *fresh;       /* The newest chunk's first never-used slot. */
	char *fresh_end;   /* Where that chunk's slots end. */
	size_t handed_out; /* Slots taken fresh since creation. */
	struct chunk *chunks;
	struct layout layout;
	size_t chunk_objects;
	bool fixed;
	/* The counters that are not derived; live is (live_objects()). */
	struct dp_pool_stats stats;
};

static size_t round_up(size_t size, size_t alignment)
{
	return (size + alignment - 1) & ~(alignment - 1);
}

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

/*
 * The one place where a configuration is judged: dp_pool_config_check()
 * and dp_pool_create() both call it, so they cannot disagree.
 */
static int plan_layout(const struct dp_pool_config *config,
                       struct layout *layout)
{
	if (config == NULL || config->object_size == 0 ||
	    config->chunk_objects == 0)
		return DP_EINVAL;

	size_t alignment = config->alignment;
	if (alignment == 0)
		alignment = alignof(max_align_t);
	if ((alignment & (alignment - 1)) != 0)
		return DP_EINVAL;
	/* Leaves room for the rounding below without overflow. */
	if (config->object_size > SIZE_MAX - alignment)
		return DP_EINVAL;

	size_t object_size = config->object_size;
	size_t slot_size = round_up(object_size, alignment);
	size_t header_size = offsetof(struct chunk, live);
	if (config->debug)
		header_size += config->chunk_objects / 8 + 1;
	/* The allocator promises max_align_t only: room to align up. */
	size_t fixed_bytes = header_size + alignment - 1;
	if (config->chunk_objects > (SIZE_MAX - fixed_bytes) / slot_size)
		return DP_EINVAL;
	/* The free list's array must be able to hold one chunk. */
	if (config->chunk_objects > SIZE_MAX / sizeof(void *))
		return DP_EINVAL;

	*layout = (struct layout){
		.object_size = object_size,
		.alignment = alignment,
		.slot_size = slot_size,
		.header_size = header_size,
		.chunk_bytes = fixed_bytes + config->chunk_objects * slot_size,
	};
	return DP_OK;
}

/*
 * Make room in the free list's array for `capacity` addresses, before a
 * chunk is added, so that no release ever has to allocate. Doubling keeps
 * the copies linear in the pool's final size. On failure nothing changes.
 */
static int reserve_free_slots(dp_pool *pool, size_t capacity)
{
	if (capacity <= pool->free_slots_size)
		return DP_OK;
	size_t size = max_size(capacity, pool->free_slots_size * 2);
	if (size < capacity || size > SIZE_MAX / sizeof(void *))
		size = capacity;
	struct dp_pool_head *head = &pool->head;
	/* Positions, not pointers, survive the move (and C defines no
	 * arithmetic on the null pointers of a pool without an array yet). */
	size_t count = 0;
	size_t limit = 0;
	if (head->free_base != NULL) {
		count = (size_t)(head->free_top - head->free_base);
		limit = (size_t)(head->free_limit - head->free_base);
	}
	void **slots = dp_realloc_array(pool->alloc, head->free_base, size,
	                                sizeof(*slots));
	if (slots == NULL)
		return DP_ENOMEM;
	head->free_base = slots;
	head->free_top = slots + count;
	head->free_limit = slots + limit;
	pool->free_slots_size = size;
	return DP_OK;
}

static int add_chunk(dp_pool *pool)
{
	if (pool->chunk_objects > SIZE_MAX - pool->stats.capacity)
		return DP_ENOMEM;
	size_t capacity = pool->stats.capacity + pool->chunk_objects;
	int rc = reserve_free_slots(pool, capacity);
	if (rc != DP_OK)
		return rc;
	struct chunk *chunk = dp_alloc(pool->alloc, pool->layout.chunk_bytes);
	if (chunk == NULL)
		return DP_ENOMEM;

	size_t alignment = pool->layout.alignment;
	char *first = (char *)chunk + pool->layout.header_size;
	first += (alignment - (uintptr_t)first % alignment) % alignment;
	chunk->next = pool->chunks;
	chunk->objects = first;
	chunk->count = pool->chunk_objects;
	if (pool->debug) {
		memset(chunk->live, 0, chunk->count / 8 + 1);
		memset(first, DP_POOL_POISON,
		       chunk->count * pool->layout.slot_size);
	}
	pool->fresh = first;
	pool->fresh_end = first + chunk->count * pool->layout.slot_size;
	pool->chunks = chunk;
	pool->stats.chunks++;
	pool->stats.capacity = capacity;
	if (!pool->debug)
		pool->head.free_limit = pool->head.free_base + capacity;
	return DP_OK;
}

/* ---- the pool as an allocator ------------------------------------------- */

/*
 * Follows the dp_allocator contract. A free cannot report an error, so a
 * bad free in debug mode is only counted (rejected_releases); a resize
 * within the object size keeps the block, since the slot is that big.
 */
static void *pool_reallocate(void *ctx, void *ptr, size_t size)
{
	dp_pool *pool = ctx;
	void *object;

	if (size == 0) {
		if (ptr != NULL)
			(void)dp_pool_release(pool, ptr);
		return NULL;
	}
	if (size > pool->layout.object_size)
		return NULL;
	if (ptr != NULL)
		return ptr;
	return dp_pool_acquire(pool, &object) == DP_OK ? object : NULL;
}

/* ---- lifecycle ---------------------------------------------------------- */

int dp_pool_config_check(const struct dp_pool_config *config)
{
	struct layout layout;

	return plan_layout(config, &layout);
}

dp_pool *dp_pool_create(const struct dp_pool_config *config,
                        const struct dp_allocator *alloc)
{
	struct layout layout;

	if (plan_layout(config, &layout) != DP_OK)
		return NULL;

	dp_pool *pool = dp_alloc(alloc, sizeof(*pool));
	if (pool == NULL)
		return NULL;
	*pool = (struct dp_pool){
		.alloc = alloc,
		.debug = config->debug,
		.layout = layout,
		.chunk_objects = config->chunk_objects,
		.fixed = config->fixed,
		.stats = {.object_size = layout.object_size,
	                  .slot_size = layout.slot_size},
	};
	pool->as_allocator.ctx = pool;
	pool->as_allocator.reallocate = pool_reallocate;
	if (config->fixed && add_chunk(pool) != DP_OK)
		goto fail_free_pool;
	return pool;

fail_free_pool:
	dp_free(alloc, pool->head.free_base);
	dp_free(alloc, pool);
	return NULL;
}

void dp_pool_destroy(dp_pool *pool)
{
	if (pool == NULL)
		return;
	struct chunk *chunk = pool->chunks;
	while (chunk != NULL) {
		struct chunk *next = chunk->next;
		dp_free(pool->alloc, chunk);
		chunk = next;
	}
	dp_free(pool->alloc, pool->head.free_base);
	dp_free(pool->alloc, pool);
}

/* ---- debug mode --------------------------------------------------------- */

/*
 * Finding an object's chunk is a walk over the chunks: O(chunks), paid
 * only in debug mode. Addresses are compared as integers because
 * comparing pointers into different allocations is undefined in C.
 */
static struct chunk *chunk_of(const dp_pool *pool, const void *object,
                              size_t *index)
{
	uintptr_t address = (uintptr_t)object;
	size_t slot_size = pool->layout.slot_size;

	for (struct chunk *chunk = pool->chunks; chunk != NULL;
	     chunk = chunk->next) {
		uintptr_t start = (uintptr_t)chunk->objects;
		if (address < start ||
		    address - start >= chunk->count * slot_size)
			continue;
		*index = (address - start) / slot_size;
		return chunk;
	}
	return NULL;
}

static bool is_live(const struct chunk *chunk, size_t index)
{
	return (chunk->live[index / 8] >> (index % 8)) & 1u;
}

static void set_live(struct chunk *chunk, size_t index, bool live)
{
	unsigned char bit = (unsigned char)(1u << (index % 8));

	if (live)
		chunk->live[index / 8] |= bit;
	else
		chunk->live[index / 8] &= (unsigned char)~bit;
}

/* Every byte equals the first, and the first is the poison: one memcmp
 * of the object against itself shifted by a byte, instead of a loop. */
static bool poison_intact(const dp_pool *pool, const unsigned char *object)
{
	return object[0] == DP_POOL_POISON &&
	       memcmp(object, object + 1, pool->layout.object_size - 1) == 0;
}

/* ---- acquire and release ------------------------------------------------ */

/* The free list is empty: a fresh slot, from a new chunk if need be. */
static int take_fresh(dp_pool *pool, char **slot)
{
	if (pool->fresh == pool->fresh_end) {
		if (pool->fixed)
			return DP_EBUSY;
		int rc = add_chunk(pool);
		if (rc != DP_OK)
			return rc;
	}
	*slot = pool->fresh;
	pool->fresh += pool->layout.slot_size;
	pool->handed_out++;
	return DP_OK;
}

/* Derived, not counted: see the file comment. */
static size_t live_objects(const dp_pool *pool)
{
	size_t free_count = pool->checked_free_count;

	if (!pool->debug)
		free_count =
			(size_t)(pool->head.free_top - pool->head.free_base);
	return pool->handed_out - free_count - (size_t)pool->stats.damaged;
}

/* Called on every slow acquire, which is enough: see the file comment. */
static void record_peak(dp_pool *pool)
{
	size_t live = live_objects(pool);

	if (live > pool->stats.peak)
		pool->stats.peak = live;
}

/*
 * Debug mode's acquire. A free slot is always inside a chunk, so the
 * lookup cannot fail; its poison tells whether someone wrote to it while
 * it was free. A damaged slot stays out of the free list and out of the
 * live bitmap, so releasing it again is still reported as a double release.
 */
static int acquire_checked(dp_pool *pool, void **object)
{
	for (;;) {
		char *slot;
		if (pool->checked_free_count > 0) {
			pool->checked_free_count--;
			slot = pool->head.free_base[pool->checked_free_count];
		} else {
			int rc = take_fresh(pool, &slot);
			if (rc != DP_OK)
				return rc;
		}
		size_t index = 0;
		struct chunk *chunk = chunk_of(pool, slot, &index);
		if (poison_intact(pool, (const unsigned char *)slot)) {
			set_live(chunk, index, true);
			record_peak(pool);
			*object = slot;
			return DP_OK;
		}
		pool->stats.damaged++;
	}
}

int dp__pool_acquire_slow(dp_pool *pool, void **object)
{
	if (pool == NULL || object == NULL)
		return DP_EINVAL;
	if (pool->debug)
		return acquire_checked(pool, object);
	/* The inline path serves whatever is on the free list. */
	if (pool->head.free_top != pool->head.free_base)
		return dp_pool_acquire(pool, object);
	char *slot;
	int rc = take_fresh(pool, &slot);
	if (rc != DP_OK)
		return rc;
	record_peak(pool);
	*object = slot;
	return DP_OK;
}

static int check_release(dp_pool *pool, void *object)
{
	size_t index = 0;
	struct chunk *chunk = chunk_of(pool, object, &index);

	if (chunk == NULL ||
	    (char *)object != chunk->objects + index * pool->layout.slot_size)
		return DP_EINVAL;
	if (!is_live(chunk, index))
		return DP_EEXIST;
	set_live(chunk, index, false);
	memset(object, DP_POOL_POISON, pool->layout.object_size);
	return DP_OK;
}

int dp__pool_release_slow(dp_pool *pool, void *object)
{
	if (pool == NULL || object == NULL)
		return DP_EINVAL;
	if (!pool->debug) {
		/* Only a full free list comes here: every object is free
		 * already, so this release is at least the second of one. */
		if (pool->head.free_top != pool->head.free_limit)
			return dp_pool_release(pool, object);
		return DP_EEXIST;
	}
	int rc = check_release(pool, object);
	if (rc != DP_OK) {
		pool->stats.rejected_releases++;
		return rc;
	}
	/* check_release() proved the object lent, so there is room. */
	pool->head.free_base[pool->checked_free_count] = object;
	pool->checked_free_count++;
	return DP_OK;
}

int dp_pool_get_stats(const dp_pool *pool, struct dp_pool_stats *stats)
{
	if (pool == NULL || stats == NULL)
		return DP_EINVAL;
	*stats = pool->stats;
	stats->live = live_objects(pool);
	return DP_OK;
}

bool dp_pool_is_debug(const dp_pool *pool)
{
	return pool != NULL && pool->debug;
}

const struct dp_allocator *dp_pool_allocator(dp_pool *pool)
{
	return pool != NULL ? &pool->as_allocator : NULL;
}
