/*
 * The object pool: chunks of equal slots, and a singly linked free list
 * whose links live inside the free slots, so a free object costs no memory
 * beyond its own and acquire and release are one pointer swap each.
 *
 * Layout of a chunk, one allocation:
 *
 *   struct chunk | live bitmap (debug) | padding | slot 0 | slot 1 | ...
 *
 * Without debug mode a free slot's link overlays the object's first bytes,
 * which is why an object is at least a pointer long. In debug mode the
 * link sits after the object, so that poisoning and checking the object's
 * bytes never touches the link, and a stray write into a free object
 * cannot send the free list into arbitrary memory.
 *
 * The free list holds released objects only. A new chunk's slots are
 * handed out in address order from a bump pointer (fresh .. fresh_end)
 * when the free list is empty, so adding a chunk writes no links, and the
 * fast path in the header never has to know about chunks.
 *
 * The statistics cost the fast path two increments. The rest is derived:
 * live is acquires - releases, and the peak is updated on the slow path
 * only. That is exact: live can rise above every earlier value only when
 * every slot handed out so far is lent, that is when the free list is
 * empty and the acquire is a slow one.
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
	size_t link_offset;
	size_t header_size;
	size_t chunk_bytes;
};

struct dp_pool {
	/* Base. Must be first: the inline fast paths cast to it. */
	struct dp_pool_head head;
	struct dp_allocator
		as_allocator; /* Handed out by dp_pool_allocator(). */
	const struct dp_allocator *alloc;
	/* Debug mode's free list; the head's stays empty, so that the
	 * inline paths always fall through to the checked ones. */
	void *checked_free_list;
	char *fresh;     /* The newest chunk's first never-used slot. */
	char *fresh_end; /* Where that chunk's slots end. */
	struct chunk *chunks;
	struct layout layout;
	size_t chunk_objects;
	bool fixed;
	/* Only the counters not kept in the head or derived. */
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

static int plan_layout(const struct dp_pool_config *config,
                       struct layout *layout)
{
	size_t alignment = config->alignment;

	if (config->object_size == 0 || config->chunk_objects == 0)
		return DP_EINVAL;
	if (alignment == 0)
		alignment = alignof(max_align_t);
	if ((alignment & (alignment - 1)) != 0)
		return DP_EINVAL;
	/* The link is stored in the slot, so the slot must suit a pointer. */
	alignment = max_size(alignment, alignof(void *));
	/* Leaves room for every rounding below without overflow. */
	if (config->object_size > SIZE_MAX - alignment - 2 * sizeof(void *))
		return DP_EINVAL;

	size_t object_size = max_size(config->object_size, sizeof(void *));
	size_t link_offset = 0;
	size_t slot_size = round_up(object_size, alignment);
	if (config->debug) {
		link_offset = round_up(object_size, alignof(void *));
		slot_size = round_up(link_offset + sizeof(void *), alignment);
	}
	size_t header_size = offsetof(struct chunk, live);
	if (config->debug)
		header_size += config->chunk_objects / 8 + 1;
	/* The allocator promises max_align_t only: room to align up. */
	size_t fixed_bytes = header_size + alignment - 1;
	if (config->chunk_objects > (SIZE_MAX - fixed_bytes) / slot_size)
		return DP_EINVAL;

	*layout = (struct layout){
		.object_size = object_size,
		.alignment = alignment,
		.slot_size = slot_size,
		.link_offset = link_offset,
		.header_size = header_size,
		.chunk_bytes = fixed_bytes + config->chunk_objects * slot_size,
	};
	return DP_OK;
}

/* memcpy, because the slot's bytes had another type while it was lent. */
static void *next_free(const dp_pool *pool, const char *slot)
{
	void *next;

	memcpy(&next, slot + pool->layout.link_offset, sizeof(next));
	return next;
}

static void push_free(dp_pool *pool, char *slot)
{
	memcpy(slot + pool->layout.link_offset, &pool->checked_free_list,
	       sizeof(pool->checked_free_list));
	pool->checked_free_list = slot;
}

static int add_chunk(dp_pool *pool)
{
	struct chunk *chunk = dp_alloc(pool->alloc, pool->layout.chunk_bytes);
	if (chunk == NULL)
		return DP_ENOMEM;

	size_t alignment = pool->layout.alignment;
	char *first = (char *)chunk + pool->layout.header_size;
	first += (alignment - (uintptr_t)first % alignment) % alignment;
	chunk->next = pool->chunks;
	chunk->objects = first;
	chunk->count = pool->chunk_objects;
	if (pool->head.debug) {
		memset(chunk->live, 0, chunk->count / 8 + 1);
		memset(first, DP_POOL_POISON,
		       chunk->count * pool->layout.slot_size);
	}
	pool->fresh = first;
	pool->fresh_end = first + chunk->count * pool->layout.slot_size;
	pool->chunks = chunk;
	pool->stats.chunks++;
	pool->stats.capacity += chunk->count;
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

int dp_pool_create(dp_pool **pool, const struct dp_pool_config *config,
                   const struct dp_allocator *alloc)
{
	struct layout layout;
	int rc;

	if (pool == NULL || config == NULL)
		return DP_EINVAL;
	rc = plan_layout(config, &layout);
	if (rc != DP_OK)
		return rc;
	if (alloc == NULL)
		alloc = dp_allocator_default();

	dp_pool *created = dp_alloc(alloc, sizeof(*created));
	if (created == NULL)
		return DP_ENOMEM;
	*created = (struct dp_pool){
		.head = {.debug = config->debug},
		.alloc = alloc,
		.layout = layout,
		.chunk_objects = config->chunk_objects,
		.fixed = config->fixed,
		.stats = {.object_size = layout.object_size,
	                  .slot_size = layout.slot_size},
	};
	created->as_allocator.ctx = created;
	created->as_allocator.reallocate = pool_reallocate;
	if (config->fixed) {
		rc = add_chunk(created);
		if (rc != DP_OK)
			goto fail_free_pool;
	}
	*pool = created;
	return DP_OK;

fail_free_pool:
	dp_free(alloc, created);
	return rc;
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
	return DP_OK;
}

/* Called on every slow acquire, which is enough: see the file comment. */
static void record_peak(dp_pool *pool)
{
	size_t live = (size_t)(pool->head.acquires - pool->head.releases);

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
		char *slot = pool->checked_free_list;
		if (slot != NULL) {
			pool->checked_free_list = next_free(pool, slot);
		} else {
			int rc = take_fresh(pool, &slot);
			if (rc != DP_OK)
				return rc;
		}
		size_t index = 0;
		struct chunk *chunk = chunk_of(pool, slot, &index);
		if (poison_intact(pool, (const unsigned char *)slot)) {
			set_live(chunk, index, true);
			pool->head.acquires++;
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
	if (pool->head.debug)
		return acquire_checked(pool, object);
	/* The inline path serves whatever is on the free list. */
	if (pool->head.free_list != NULL)
		return dp_pool_acquire(pool, object);
	char *slot;
	int rc = take_fresh(pool, &slot);
	if (rc != DP_OK)
		return rc;
	pool->head.acquires++;
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
	if (!pool->head.debug)
		return dp_pool_release(pool, object);
	int rc = check_release(pool, object);
	if (rc != DP_OK) {
		pool->stats.rejected_releases++;
		return rc;
	}
	push_free(pool, object);
	pool->head.releases++;
	return DP_OK;
}

int dp_pool_get_stats(const dp_pool *pool, struct dp_pool_stats *stats)
{
	if (pool == NULL || stats == NULL)
		return DP_EINVAL;
	*stats = pool->stats;
	stats->acquires = pool->head.acquires;
	stats->releases = pool->head.releases;
	stats->live = (size_t)(pool->head.acquires - pool->head.releases);
	return DP_OK;
}

bool dp_pool_is_debug(const dp_pool *pool)
{
	return pool != NULL && pool->head.debug;
}

const struct dp_allocator *dp_pool_allocator(dp_pool *pool)
{
	return pool != NULL ? &pool->as_allocator : NULL;
}
