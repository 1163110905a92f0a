/*
 * Tests of the object pool: reuse order, alignment, both growth modes with
 * exact statistics, debug mode's checks, the pool as an allocator, every
 * error path, and every allocation failure without a leak.
 */
#include "common/dp_test.h"
#include "object_pool/object_pool.h"
#include "strategy/strategy.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

static dp_pool *make_pool(size_t object_size, size_t chunk_objects, bool fixed,
                          bool debug, const struct dp_allocator *alloc)
{
	struct dp_pool_config config = {
		.object_size = object_size,
		.chunk_objects = chunk_objects,
		.fixed = fixed,
		.debug = debug,
	};
	dp_pool *pool = dp_pool_create(&config, alloc);

	ck_assert_ptr_nonnull(pool);
	return pool;
}

static void *acquire(dp_pool *pool)
{
	void *object = NULL;

	ck_assert_int_eq(dp_pool_acquire(pool, &object), DP_OK);
	ck_assert_ptr_nonnull(object);
	return object;
}

static struct dp_pool_stats stats_of(const dp_pool *pool)
{
	struct dp_pool_stats stats;

	ck_assert_int_eq(dp_pool_get_stats(pool, &stats), DP_OK);
	return stats;
}

/* ---- reuse and layout ----------------------------------------------------- */

START_TEST(test_released_objects_come_back_last_in_first_out)
{
	dp_pool *pool = make_pool(64, 16, false, false, NULL);
	void *a = acquire(pool);
	void *b = acquire(pool);
	void *c = acquire(pool);

	ck_assert_int_eq(dp_pool_release(pool, a), DP_OK);
	ck_assert_int_eq(dp_pool_release(pool, c), DP_OK);
	ck_assert_ptr_eq(acquire(pool), c);
	ck_assert_ptr_eq(acquire(pool), a);
	ck_assert_int_eq(dp_pool_release(pool, b), DP_OK);
	ck_assert_ptr_eq(acquire(pool), b);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_a_fresh_chunk_is_handed_out_in_address_order)
{
	dp_pool *pool = make_pool(40, 8, false, _i == 1, NULL);
	size_t slot = stats_of(pool).slot_size;
	char *first = acquire(pool);

	for (size_t i = 1; i < 8; i++)
		ck_assert_ptr_eq(acquire(pool), first + i * slot);
	dp_pool_destroy(pool);
}
END_TEST

/* Object sizes that are below, at and between alignments. */
static const size_t SIZES[] = {1, 3, 7, 8, 9, 13, 16, 24, 33, 64, 100, 4000};

START_TEST(test_objects_are_aligned_for_any_type_by_default)
{
	size_t size = SIZES[_i];
	dp_pool *pool = make_pool(size, 5, false, false, NULL);

	/* Three chunks: alignment must hold across chunk boundaries too. */
	for (int i = 0; i < 15; i++) {
		void *object = acquire(pool);
		ck_assert_uint_eq((uintptr_t)object % alignof(max_align_t), 0);
		memset(object, 0xAB, size); /* The whole size is usable. */
	}
	ck_assert_uint_ge(stats_of(pool).object_size, size);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_a_caller_alignment_is_honoured)
{
	/* Iteration _i: alignment 1 << _i, up to 4096 (beyond max_align_t). */
	size_t alignment = (size_t)1 << _i;
	size_t expected = alignment;

	for (size_t s = 0; s < DP_ARRAY_SIZE(SIZES); s++) {
		struct dp_pool_config config = {.object_size = SIZES[s],
		                                .alignment = alignment,
		                                .chunk_objects = 3,
		                                .debug = s % 2 == 1};
		dp_pool *pool = dp_pool_create(&config, NULL);
		ck_assert_ptr_nonnull(pool);
		for (int i = 0; i < 7; i++) {
			void *object = acquire(pool);
			ck_assert_uint_eq((uintptr_t)object % expected, 0);
			memset(object, 0x11, SIZES[s]);
		}
		ck_assert_uint_eq(stats_of(pool).slot_size % expected, 0);
		dp_pool_destroy(pool);
	}
}
END_TEST

START_TEST(test_objects_smaller_than_a_pointer_keep_their_size)
{
	/* Nothing is stored in a free object, so nothing rounds it up to a
	 * pointer; only the alignment spaces the slots. */
	dp_pool *pool = make_pool(1, 4, false, false, NULL);
	struct dp_pool_stats stats = stats_of(pool);
	char *a = acquire(pool);
	char *b = acquire(pool);

	ck_assert_uint_eq(stats.object_size, 1);
	ck_assert_uint_eq(stats.slot_size, alignof(max_align_t));
	ck_assert_uint_eq((size_t)(b - a), alignof(max_align_t));
	/* One-byte objects still come back through the free list. */
	*a = 'a';
	*b = 'b';
	ck_assert_int_eq(dp_pool_release(pool, a), DP_OK);
	ck_assert_int_eq(dp_pool_release(pool, b), DP_OK);
	ck_assert_ptr_eq(acquire(pool), b);
	ck_assert_ptr_eq(acquire(pool), a);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_live_objects_never_overlap)
{
	enum { N = 300 };
	dp_pool *pool = make_pool(24, 32, false, _i == 1, NULL);
	unsigned char *objects[N];

	for (int i = 0; i < N; i++) {
		objects[i] = acquire(pool);
		memset(objects[i], i & 0xFF, 24);
	}
	for (int i = 0; i < N; i++) {
		unsigned char expected[24];
		memset(expected, i & 0xFF, sizeof(expected));
		ck_assert_mem_eq(objects[i], expected, sizeof(expected));
	}
	dp_pool_destroy(pool);
}
END_TEST

/* ---- growth modes and statistics ------------------------------------------- */

START_TEST(test_a_fixed_pool_returns_ebusy_when_every_object_is_lent)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_pool *pool = make_pool(32, 4, true, _i == 1, &counter.base);
	void *objects[4];
	void *untouched = &counter;

	/* The pool, its free list's array and its one chunk, all at
	 * creation. */
	ck_assert_uint_eq(counter.allocations, 3);
	for (int i = 0; i < 4; i++)
		objects[i] = acquire(pool);
	void *extra = untouched;
	ck_assert_int_eq(dp_pool_acquire(pool, &extra), DP_EBUSY);
	ck_assert_ptr_eq(extra, untouched);
	ck_assert_uint_eq(counter.allocations, 3);
	struct dp_pool_stats stats = stats_of(pool);
	ck_assert_uint_eq(stats.capacity, 4);
	ck_assert_uint_eq(stats.chunks, 1);
	ck_assert_uint_eq(stats.live, 4);

	ck_assert_int_eq(dp_pool_release(pool, objects[2]), DP_OK);
	ck_assert_ptr_eq(acquire(pool), objects[2]);
	dp_pool_destroy(pool);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_a_growing_pool_adds_one_chunk_each_time_it_runs_dry)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_pool *pool = make_pool(48, 10, false, _i == 1, &counter.base);
	void *objects[25];

	/* Chunks come on demand: none yet, only the pool itself. */
	ck_assert_uint_eq(counter.allocations, 1);
	ck_assert_uint_eq(stats_of(pool).chunks, 0);
	ck_assert_uint_eq(stats_of(pool).capacity, 0);
	for (int i = 0; i < 25; i++) {
		objects[i] = acquire(pool);
		struct dp_pool_stats stats = stats_of(pool);
		ck_assert_uint_eq(stats.chunks, (size_t)i / 10 + 1);
		ck_assert_uint_eq(stats.capacity, stats.chunks * 10);
		/* The pool, the free list's array (allocated with the
		 * first chunk, resized after), and the chunks. */
		ck_assert_uint_eq(counter.allocations, 2 + stats.chunks);
	}
	for (int i = 0; i < 25; i++)
		ck_assert_int_eq(dp_pool_release(pool, objects[i]), DP_OK);
	/* Releasing never frees a chunk; re-acquiring never allocates. */
	for (int i = 0; i < 30; i++)
		acquire(pool);
	ck_assert_uint_eq(counter.allocations, 5);
	ck_assert_uint_eq(stats_of(pool).chunks, 3);
	dp_pool_destroy(pool);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_stats_count_live_peak_and_capacity_exactly)
{
	dp_pool *pool = make_pool(16, 4, false, false, NULL);
	void *objects[6];

	for (int i = 0; i < 6; i++)
		objects[i] = acquire(pool);
	for (int i = 0; i < 4; i++)
		dp_pool_release(pool, objects[i]);
	acquire(pool);
	struct dp_pool_stats stats = stats_of(pool);
	ck_assert_uint_eq(stats.object_size, 16);
	ck_assert_uint_eq(stats.live, 3);
	ck_assert_uint_eq(stats.peak, 6);
	ck_assert_uint_eq(stats.capacity, 8);
	ck_assert_uint_eq(stats.chunks, 2);
	ck_assert_uint_eq(stats.rejected_releases, 0);
	ck_assert_uint_eq(stats.damaged, 0);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_destroy_reclaims_objects_still_lent_out)
{
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_pool *pool = make_pool(64, 7, _i == 1, _i == 2, &counter.base);

	for (int i = 0; i < 7; i++)
		acquire(pool);
	ck_assert_uint_eq(stats_of(pool).live, 7);
	dp_pool_destroy(pool);
	ck_assert_uint_eq(counter.live_blocks, 0);
	ck_assert_uint_eq(counter.allocations, counter.frees);
}
END_TEST

enum { MODEL_MAX_LIVE = 200, MODEL_STEPS = 20000 };

/* Whether `object` is none of the `count` in `live`. */
static bool is_none_of(void *const *live, size_t count, const void *object)
{
	for (size_t i = 0; i < count; i++)
		if (live[i] == object)
			return false;
	return true;
}

/*
 * One step of the model test: acquire or release as `r` says, then
 * compare the pool with the model (the objects lent out, in `live`).
 * Plain C rather than an assertion per comparison, because each passing
 * ck_assert costs Check a write to its pipe: five per step made this
 * test the slowest of its suite on a busy machine.
 */
static bool model_step(dp_pool *pool, void **live, size_t *count, uint64_t r)
{
	if (*count < MODEL_MAX_LIVE && (*count == 0 || r % 2 == 0)) {
		void *object = NULL;
		if (dp_pool_acquire(pool, &object) != DP_OK || object == NULL ||
		    !is_none_of(live, *count, object))
			return false;
		live[(*count)++] = object;
	} else {
		size_t victim = (size_t)(r >> 8) % *count;
		if (dp_pool_release(pool, live[victim]) != DP_OK)
			return false;
		live[victim] = live[--*count];
	}
	struct dp_pool_stats stats;
	return dp_pool_get_stats(pool, &stats) == DP_OK && stats.live == *count;
}

START_TEST(test_random_acquires_and_releases_match_a_model)
{
	void *live[MODEL_MAX_LIVE] = {NULL};
	size_t count = 0, peak = 0;
	uint64_t seed = 11;
	dp_pool *pool = make_pool(20, 16, false, _i == 1, NULL);
	int step = 0;

	while (step < MODEL_STEPS &&
	       model_step(pool, live, &count, dp_random_next(&seed))) {
		peak = count > peak ? count : peak;
		step++;
	}
	ck_assert_msg(step == MODEL_STEPS, "step %d disagrees with the model",
	              step);
	ck_assert_uint_eq(stats_of(pool).peak, peak);
	ck_assert_uint_le(stats_of(pool).capacity, (peak + 15) / 16 * 16);
	dp_pool_destroy(pool);
}
END_TEST

/* ---- debug mode -------------------------------------------------------------- */

static bool all_bytes_are(const unsigned char *bytes, size_t size, int value)
{
	for (size_t i = 0; i < size; i++)
		if (bytes[i] != value)
			return false;
	return true;
}

START_TEST(test_debug_mode_poisons_released_objects)
{
	dp_pool *pool = make_pool(40, 4, false, true, NULL);
	unsigned char *object = acquire(pool);

	ck_assert(dp_pool_is_debug(pool));
	/* Fresh objects carry the poison too: reading them is visible. */
	ck_assert(all_bytes_are(object, 40, DP_POOL_POISON));
	memset(object, 0x42, 40);
	ck_assert_int_eq(dp_pool_release(pool, object), DP_OK);
	/* Reading a released object is a bug; this test does it on purpose
	 * to see the poison, as a debugger would. */
	ck_assert(all_bytes_are(object, 40, DP_POOL_POISON));
	ck_assert_ptr_eq(acquire(pool), object);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_without_debug_mode_released_objects_keep_their_bytes)
{
	dp_pool *pool = make_pool(40, 4, false, false, NULL);
	unsigned char *object = acquire(pool);

	ck_assert(!dp_pool_is_debug(pool));
	memset(object, 0x42, 40);
	dp_pool_release(pool, object);
	ck_assert_ptr_eq(acquire(pool), object);
	/* The pool wrote nothing into it: every byte is as the last user
	 * left it, so the caller must initialise what it acquires. */
	ck_assert(all_bytes_are(object, 40, 0x42));
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_debug_mode_reports_a_double_release_as_eexist)
{
	dp_pool *pool = make_pool(32, 4, false, true, NULL);
	void *a = acquire(pool);
	void *b = acquire(pool);

	ck_assert_int_eq(dp_pool_release(pool, a), DP_OK);
	ck_assert_int_eq(dp_pool_release(pool, a), DP_EEXIST);
	/* The refused release changed nothing: a is on the free list once,
	 * so it comes back once and the next object is a fresh one. */
	struct dp_pool_stats stats = stats_of(pool);
	ck_assert_uint_eq(stats.live, 1);
	ck_assert_uint_eq(stats.rejected_releases, 1);
	ck_assert_ptr_eq(acquire(pool), a);
	void *c = acquire(pool);
	ck_assert_ptr_ne(c, a);
	ck_assert_ptr_ne(c, b);
	/* A never-acquired object of the chunk is free too. */
	void *d = (char *)c + stats.slot_size;
	ck_assert_int_eq(dp_pool_release(pool, d), DP_EEXIST);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_debug_mode_reports_a_foreign_pointer_as_einval)
{
	dp_pool *pool = make_pool(32, 4, false, true, NULL);
	dp_pool *other = make_pool(32, 4, false, true, NULL);
	void *mine = acquire(pool);
	void *theirs = acquire(other);
	void *heap = malloc(32);
	int local = 0;

	ck_assert_int_eq(dp_pool_release(pool, theirs), DP_EINVAL);
	ck_assert_int_eq(dp_pool_release(pool, heap), DP_EINVAL);
	ck_assert_int_eq(dp_pool_release(pool, &local), DP_EINVAL);
	ck_assert_uint_eq(stats_of(pool).rejected_releases, 3);
	ck_assert_uint_eq(stats_of(pool).live, 1);
	ck_assert_int_eq(dp_pool_release(other, theirs), DP_OK);
	ck_assert_int_eq(dp_pool_release(pool, mine), DP_OK);
	free(heap);
	dp_pool_destroy(pool);
	dp_pool_destroy(other);
}
END_TEST

START_TEST(test_debug_mode_reports_a_pointer_inside_an_object_as_einval)
{
	dp_pool *pool = make_pool(32, 4, false, true, NULL);
	char *object = acquire(pool);
	size_t slot = stats_of(pool).slot_size;

	ck_assert_int_eq(dp_pool_release(pool, object + 1), DP_EINVAL);
	ck_assert_int_eq(dp_pool_release(pool, object + 8), DP_EINVAL);
	ck_assert_int_eq(dp_pool_release(pool, object + slot - 1), DP_EINVAL);
	/* Past the chunk's last object. */
	ck_assert_int_eq(dp_pool_release(pool, object + 4 * slot), DP_EINVAL);
	ck_assert_uint_eq(stats_of(pool).rejected_releases, 4);
	ck_assert_int_eq(dp_pool_release(pool, object), DP_OK);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_debug_mode_detects_a_write_after_release_on_acquire)
{
	dp_pool *pool = make_pool(32, 4, false, true, NULL);
	char *a = acquire(pool);
	char *b = acquire(pool);

	dp_pool_release(pool, b);
	dp_pool_release(pool, a);
	/* The bug under test: a stale pointer writes to a freed object. */
	a[31] = 'x';
	/* a is the head of the free list, but damaged: it is set aside and
	 * the next free object is handed out instead. */
	ck_assert_ptr_eq(acquire(pool), b);
	struct dp_pool_stats stats = stats_of(pool);
	ck_assert_uint_eq(stats.damaged, 1);
	ck_assert_uint_eq(stats.live, 1);
	ck_assert_uint_eq(stats.capacity, 4);
	/* a never comes back, and releasing it is still a double release. */
	for (int i = 0; i < 10; i++)
		ck_assert_ptr_ne(acquire(pool), a);
	ck_assert_int_eq(dp_pool_release(pool, a), DP_EEXIST);
	/* live is derived, not counted: the slot set aside is not in it. */
	stats = stats_of(pool);
	ck_assert_uint_eq(stats.live, 11);
	ck_assert_uint_eq(stats.peak, 11);
	ck_assert_uint_eq(stats.capacity, 12);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_debug_mode_sets_aside_a_never_used_slot_written_to)
{
	/* A write past the end of an object lands in the next, never used
	 * slot; debug mode finds it when that slot is first handed out. */
	dp_pool *pool = make_pool(32, 4, false, true, NULL);
	char *a = acquire(pool);
	size_t slot_size = stats_of(pool).slot_size;

	a[slot_size] = 'x';
	char *c = acquire(pool);
	ck_assert_ptr_eq(c, a + 2 * slot_size);
	struct dp_pool_stats stats = stats_of(pool);
	ck_assert_uint_eq(stats.damaged, 1);
	ck_assert_uint_eq(stats.live, 2);
	ck_assert_uint_eq(stats.peak, 2);
	ck_assert_int_eq(dp_pool_release(pool, a + slot_size), DP_EEXIST);
	ck_assert_int_eq(dp_pool_release(pool, a), DP_OK);
	ck_assert_int_eq(dp_pool_release(pool, c), DP_OK);
	ck_assert_uint_eq(stats_of(pool).live, 0);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_debug_mode_keeps_the_object_and_slot_sizes)
{
	dp_pool *plain = make_pool(64, 4, false, false, NULL);
	dp_pool *debug = make_pool(64, 4, false, true, NULL);

	ck_assert_uint_eq(stats_of(plain).object_size, 64);
	ck_assert_uint_eq(stats_of(debug).object_size, 64);
	ck_assert_uint_eq(stats_of(plain).slot_size, 64);
	ck_assert_uint_eq(stats_of(debug).slot_size, 64);
	dp_pool_destroy(plain);
	dp_pool_destroy(debug);
}
END_TEST

/* ---- the inline fast path and the out-of-line slow path ------------------- */

START_TEST(test_the_head_free_list_holds_released_objects_only)
{
	/* A new chunk is not threaded onto the free list: it is handed out
	 * through the slow path, and only released objects feed the inline
	 * path. */
	dp_pool *pool = make_pool(32, 8, _i == 1, false, NULL);
	const struct dp_pool_head *head = (const struct dp_pool_head *)pool;

	ck_assert_ptr_eq(head->free_top, head->free_base);
	void *a = acquire(pool);
	void *b = acquire(pool);
	ck_assert_ptr_eq(head->free_top, head->free_base);
	ck_assert_ptr_eq(head->free_limit, head->free_base + 8);
	ck_assert_int_eq(dp_pool_release(pool, a), DP_OK);
	ck_assert_ptr_eq(head->free_top, head->free_base + 1);
	ck_assert_ptr_eq(head->free_base[0], a);
	ck_assert_int_eq(dp_pool_release(pool, b), DP_OK);
	ck_assert_ptr_eq(head->free_top, head->free_base + 2);
	ck_assert_ptr_eq(head->free_base[1], b);
	ck_assert_ptr_eq(acquire(pool), b);
	ck_assert_ptr_eq(acquire(pool), a);
	ck_assert_ptr_eq(head->free_top, head->free_base);
	ck_assert_uint_eq(stats_of(pool).live, 2);
	ck_assert_int_eq(dp_pool_release(pool, a), DP_OK);
	ck_assert_int_eq(dp_pool_release(pool, b), DP_OK);
	ck_assert_uint_eq(stats_of(pool).live, 0);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_debug_mode_keeps_the_head_free_list_empty)
{
	/* Every call of a debug pool must reach the checks: with the head's
	 * top and limit at its base, neither inline path can serve one. */
	dp_pool *pool = make_pool(32, 4, false, true, NULL);
	const struct dp_pool_head *head = (const struct dp_pool_head *)pool;

	ck_assert(dp_pool_is_debug(pool));
	void *a = acquire(pool);
	ck_assert_ptr_eq(head->free_limit, head->free_base);
	ck_assert_int_eq(dp_pool_release(pool, a), DP_OK);
	ck_assert_ptr_eq(head->free_top, head->free_base);
	ck_assert_int_eq(dp_pool_release(pool, a), DP_EEXIST);
	ck_assert_ptr_eq(acquire(pool), a);
	ck_assert_ptr_eq(head->free_top, head->free_base);
	ck_assert_ptr_eq(head->free_limit, head->free_base);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_more_releases_than_objects_are_refused_without_debug_mode)
{
	/* Outside debug mode a double release goes unnoticed, but the free
	 * list cannot take more addresses than the pool has objects: the
	 * release past that is refused instead of written past its end. */
	dp_pool *pool = make_pool(32, 2, true, false, NULL);
	void *a = acquire(pool);
	void *b = acquire(pool);

	ck_assert_int_eq(dp_pool_release(pool, a), DP_OK);
	ck_assert_int_eq(dp_pool_release(pool, b), DP_OK);
	ck_assert_int_eq(dp_pool_release(pool, a), DP_EEXIST);
	ck_assert_uint_eq(stats_of(pool).live, 0);
	ck_assert_ptr_eq(acquire(pool), b);
	ck_assert_ptr_eq(acquire(pool), a);
	ck_assert_uint_eq(stats_of(pool).live, 2);
	dp_pool_destroy(pool);
}
END_TEST

static size_t allocator_calls(const struct dp_counting_allocator *counting)
{
	return counting->allocations + counting->reallocations +
	       counting->frees + counting->failures;
}

START_TEST(test_the_free_list_grows_with_the_chunks)
{
	/* Five chunks of three: every object lent, then every one released
	 * through the inline path, which never allocates. */
	enum { CHUNK = 3, COUNT = 15 };
	struct dp_counting_allocator counting;
	dp_counting_allocator_init(&counting, NULL);
	dp_pool *pool = make_pool(24, CHUNK, false, false, &counting.base);
	void *objects[COUNT];

	for (size_t i = 0; i < COUNT; i++)
		objects[i] = acquire(pool);
	ck_assert_uint_eq(stats_of(pool).chunks, COUNT / CHUNK);
	size_t calls = allocator_calls(&counting);
	for (size_t i = 0; i < COUNT; i++)
		ck_assert_int_eq(dp_pool_release(pool, objects[i]), DP_OK);
	ck_assert_uint_eq(allocator_calls(&counting), calls);
	for (size_t i = COUNT; i-- > 0;)
		ck_assert_ptr_eq(acquire(pool), objects[i]);
	ck_assert_uint_eq(allocator_calls(&counting), calls);
	dp_pool_destroy(pool);
	ck_assert_uint_eq(counting.live_blocks, 0);
}
END_TEST

START_TEST(test_the_slow_paths_serve_every_call_they_are_given)
{
	/* Called directly, the out-of-line functions behave as the inline
	 * ones do, whatever the state: they are complete, not fragments. */
	dp_pool *pool = make_pool(32, 4, false, false, NULL);
	void *object = NULL;

	ck_assert_int_eq(dp__pool_acquire_slow(NULL, &object), DP_EINVAL);
	ck_assert_int_eq(dp__pool_acquire_slow(pool, NULL), DP_EINVAL);
	ck_assert_int_eq(dp__pool_release_slow(NULL, &object), DP_EINVAL);
	ck_assert_int_eq(dp__pool_release_slow(pool, NULL), DP_EINVAL);
	void *a = acquire(pool);
	ck_assert_int_eq(dp__pool_acquire_slow(pool, &object), DP_OK);
	ck_assert_ptr_eq(object, (char *)a + stats_of(pool).slot_size);
	ck_assert_int_eq(dp__pool_release_slow(pool, a), DP_OK);
	ck_assert_int_eq(dp__pool_acquire_slow(pool, &object), DP_OK);
	ck_assert_ptr_eq(object, a);
	struct dp_pool_stats stats = stats_of(pool);
	ck_assert_uint_eq(stats.live, 2);
	ck_assert_uint_eq(stats.peak, 2);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_peak_is_exact_although_only_the_slow_path_records_it)
{
	/* The peak is written on slow acquires only; rises and falls that
	 * reuse released objects must not hide a new high. */
	dp_pool *pool = make_pool(16, 4, false, _i == 1, NULL);
	void *objects[6];

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 3; i++)
			objects[i] = acquire(pool);
		for (int i = 0; i < 3; i++)
			ck_assert_int_eq(dp_pool_release(pool, objects[i]),
			                 DP_OK);
	}
	ck_assert_uint_eq(stats_of(pool).peak, 3);
	for (int i = 0; i < 6; i++)
		objects[i] = acquire(pool);
	ck_assert_uint_eq(stats_of(pool).peak, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(dp_pool_release(pool, objects[i]), DP_OK);
	for (int i = 0; i < 5; i++)
		objects[i] = acquire(pool);
	struct dp_pool_stats stats = stats_of(pool);
	ck_assert_uint_eq(stats.peak, 6);
	ck_assert_uint_eq(stats.live, 5);
	ck_assert_uint_eq(stats.capacity, 8);
	dp_pool_destroy(pool);
}
END_TEST

/* ---- the pool as an allocator ------------------------------------------------- */

START_TEST(test_the_pool_allocator_serves_small_blocks_and_refuses_large_ones)
{
	dp_pool *pool = make_pool(32, 4, false, false, NULL);
	const struct dp_allocator *alloc = dp_pool_allocator(pool);

	char *block = dp_alloc(alloc, 20);
	ck_assert_ptr_nonnull(block);
	ck_assert_uint_eq(stats_of(pool).live, 1);
	/* Within the object size, a resize keeps the block. */
	ck_assert_ptr_eq(dp_realloc_array(alloc, block, 4, 8), block);
	/* Beyond it, allocations and resizes fail and leave the block. */
	ck_assert_ptr_null(dp_alloc(alloc, 33));
	ck_assert_ptr_null(dp_realloc_array(alloc, block, 5, 8));
	ck_assert_uint_eq(stats_of(pool).live, 1);
	dp_free(alloc, block);
	dp_free(alloc, NULL);
	ck_assert_uint_eq(stats_of(pool).live, 0);
	dp_pool_destroy(pool);
}
END_TEST

START_TEST(test_the_pool_allocator_backs_another_module)
{
	/* The Strategy chapter's set, every byte of it from the pool: the
	 * set, its state and its keys fit 128-byte objects until the key
	 * array needs 256 bytes for its 17th key. */
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);
	dp_pool *pool = make_pool(128, 8, false, true, &counter.base);
	dp_set *set = dp_set_create(&dp_set_linear, dp_pool_allocator(pool));

	ck_assert_ptr_nonnull(set);
	for (int64_t key = 0; key < 16; key++)
		ck_assert_int_eq(dp_set_add(set, key), DP_OK);
	ck_assert_uint_eq(stats_of(pool).live, 3);
	ck_assert_int_eq(dp_set_add(set, 16), DP_ENOMEM);
	ck_assert_uint_eq(dp_set_size(set), 16);
	ck_assert(dp_set_contains(set, 15));
	ck_assert_int_eq(dp_set_remove(set, 3), DP_OK);
	dp_set_destroy(set);
	struct dp_pool_stats stats = stats_of(pool);
	ck_assert_uint_eq(stats.live, 0);
	ck_assert_uint_eq(stats.rejected_releases, 0);
	ck_assert_uint_eq(stats.chunks, 1);
	dp_pool_destroy(pool);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

START_TEST(test_a_bad_free_through_the_allocator_is_counted_in_debug_mode)
{
	dp_pool *pool = make_pool(32, 4, false, true, NULL);
	const struct dp_allocator *alloc = dp_pool_allocator(pool);
	void *block = dp_alloc(alloc, 8);
	int local = 0;

	dp_free(alloc, block);
	dp_free(alloc, block);
	dp_free(alloc, &local);
	ck_assert_uint_eq(stats_of(pool).rejected_releases, 2);
	ck_assert_uint_eq(stats_of(pool).live, 0);
	dp_pool_destroy(pool);
}
END_TEST

/* ---- invalid arguments --------------------------------------------------------- */

START_TEST(test_create_rejects_an_invalid_configuration)
{
	/* Iteration _i breaks one field. */
	struct dp_pool_config config = {.object_size = 16, .chunk_objects = 4};
	switch (_i) {
	case 0:
		config.object_size = 0;
		break;
	case 1:
		config.chunk_objects = 0;
		break;
	case 2:
		config.alignment = 3;
		break;
	case 3:
		config.alignment = 48;
		break;
	case 4:
		config.alignment = SIZE_MAX;
		break;
	case 5:
		config.object_size = SIZE_MAX;
		break;
	case 6:
		config.object_size = SIZE_MAX / 2;
		break;
	case 7:
		config.chunk_objects = SIZE_MAX / 8;
		break;
	case 8:
		config.alignment = (size_t)1 << (sizeof(size_t) * 8 - 1);
		break;
	}
	struct dp_counting_allocator counter;
	dp_counting_allocator_init(&counter, NULL);

	ck_assert_ptr_null(dp_pool_create(&config, &counter.base));
	ck_assert_int_eq(dp_pool_config_check(&config), DP_EINVAL);
	ck_assert_uint_eq(counter.allocations, 0);
}
END_TEST

START_TEST(test_null_arguments_are_rejected_by_every_function)
{
	struct dp_pool_config config = {.object_size = 16, .chunk_objects = 4};
	void *object = NULL;
	struct dp_pool_stats stats;

	ck_assert_ptr_null(dp_pool_create(NULL, NULL));
	ck_assert_int_eq(dp_pool_config_check(NULL), DP_EINVAL);
	ck_assert_int_eq(dp_pool_acquire(NULL, &object), DP_EINVAL);
	ck_assert_int_eq(dp_pool_release(NULL, &object), DP_EINVAL);
	ck_assert_int_eq(dp_pool_get_stats(NULL, &stats), DP_EINVAL);
	ck_assert(!dp_pool_is_debug(NULL));
	ck_assert_ptr_null(dp_pool_allocator(NULL));
	dp_pool_destroy(NULL);

	dp_pool *pool = make_pool(16, 4, false, _i == 1, NULL);
	ck_assert_int_eq(dp_pool_config_check(&config), DP_OK);
	ck_assert_int_eq(dp_pool_acquire(pool, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_pool_release(pool, NULL), DP_EINVAL);
	ck_assert_int_eq(dp_pool_get_stats(pool, NULL), DP_EINVAL);
	ck_assert_uint_eq(stats_of(pool).live, 0);
	ck_assert_uint_eq(stats_of(pool).peak, 0);
	dp_pool_destroy(pool);
}
END_TEST

/* ---- every allocation failure: DP_ENOMEM, no change, no leak --------------- */

START_TEST(test_create_fails_cleanly_at_every_allocation)
{
	/* Iterations: growing, fixed, growing debug, fixed debug. */
	struct dp_pool_config config = {.object_size = 24,
	                                .chunk_objects = 8,
	                                .fixed = _i % 2 == 1,
	                                .debug = _i >= 2};

	for (size_t n = 1;; n++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, n, &counter.base);

		dp_pool *pool = dp_pool_create(&config, &failing.base);
		if (!failing.failed) {
			ck_assert_ptr_nonnull(pool);
			dp_pool_destroy(pool);
			ck_assert_uint_eq(counter.live_blocks, 0);
			break;
		}
		/* NULL for want of memory: the configuration itself is good. */
		ck_assert_ptr_null(pool);
		ck_assert_int_eq(dp_pool_config_check(&config), DP_OK);
		ck_assert_uint_eq(counter.live_blocks, 0);
		ck_assert_uint_lt(n, 10);
	}
}
END_TEST

START_TEST(test_acquire_fails_cleanly_when_a_chunk_cannot_be_allocated)
{
	/* Growing makes two requests: room in the free list's array, then
	 * the chunk. Over three chunks of four, fail each request after the
	 * pool's own (request 1) in turn, and see the pool recover. */
	for (size_t fail_at = 2; fail_at <= 7; fail_at++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, fail_at, &counter.base);
		dp_pool *pool = make_pool(16, 4, false, _i == 1, &failing.base);
		void *object = NULL;
		struct dp_pool_stats before = stats_of(pool);
		int rc;

		while ((rc = dp_pool_acquire(pool, &object)) == DP_OK) {
			ck_assert_uint_lt(stats_of(pool).live, 12);
			before = stats_of(pool);
			object = NULL;
		}
		ck_assert_int_eq(rc, DP_ENOMEM);
		ck_assert(failing.failed);
		ck_assert_ptr_null(object);
		struct dp_pool_stats after = stats_of(pool);
		ck_assert_mem_eq(&before, &after, sizeof(before));
		/* The failure was one request: the next acquire grows. */
		acquire(pool);
		ck_assert_uint_eq(stats_of(pool).chunks, before.chunks + 1);
		dp_pool_destroy(pool);
		ck_assert_uint_eq(counter.live_blocks, 0);
	}
}
END_TEST

START_TEST(test_the_pool_allocator_returns_null_when_the_pool_cannot_grow)
{
	struct dp_counting_allocator counter;
	struct dp_failing_allocator failing;
	dp_counting_allocator_init(&counter, NULL);
	dp_failing_allocator_init(&failing, 2, &counter.base);
	dp_pool *pool = make_pool(16, 4, false, false, &failing.base);

	ck_assert_ptr_null(dp_alloc(dp_pool_allocator(pool), 16));
	ck_assert(failing.failed);
	void *block = dp_alloc(dp_pool_allocator(pool), 16);
	ck_assert_ptr_nonnull(block);
	dp_free(dp_pool_allocator(pool), block);
	dp_pool_destroy(pool);
	ck_assert_uint_eq(counter.live_blocks, 0);
}
END_TEST

static Suite *object_pool_suite(void)
{
	Suite *suite = suite_create("object_pool");
	TCase *tc;

	tc = dp_test_case(suite, "reuse and layout");
	tcase_add_test(tc, test_released_objects_come_back_last_in_first_out);
	tcase_add_loop_test(
		tc, test_a_fresh_chunk_is_handed_out_in_address_order, 0, 2);
	tcase_add_loop_test(tc,
	                    test_objects_are_aligned_for_any_type_by_default, 0,
	                    DP_ARRAY_SIZE(SIZES));
	tcase_add_loop_test(tc, test_a_caller_alignment_is_honoured, 0, 13);
	tcase_add_test(tc, test_objects_smaller_than_a_pointer_keep_their_size);
	tcase_add_loop_test(tc, test_live_objects_never_overlap, 0, 2);

	tc = dp_test_case(suite, "growth and stats");
	tcase_add_loop_test(
		tc, test_a_fixed_pool_returns_ebusy_when_every_object_is_lent,
		0, 2);
	tcase_add_loop_test(
		tc, test_a_growing_pool_adds_one_chunk_each_time_it_runs_dry, 0,
		2);
	tcase_add_test(tc, test_stats_count_live_peak_and_capacity_exactly);
	tcase_add_loop_test(tc, test_destroy_reclaims_objects_still_lent_out, 0,
	                    3);
	tcase_add_loop_test(tc, test_random_acquires_and_releases_match_a_model,
	                    0, 2);

	tc = dp_test_case(suite, "debug mode");
	tcase_add_test(tc, test_debug_mode_poisons_released_objects);
	tcase_add_test(
		tc, test_without_debug_mode_released_objects_keep_their_bytes);
	tcase_add_test(tc, test_debug_mode_reports_a_double_release_as_eexist);
	tcase_add_test(tc, test_debug_mode_reports_a_foreign_pointer_as_einval);
	tcase_add_test(
		tc,
		test_debug_mode_reports_a_pointer_inside_an_object_as_einval);
	tcase_add_test(
		tc, test_debug_mode_detects_a_write_after_release_on_acquire);
	tcase_add_test(tc,
	               test_debug_mode_sets_aside_a_never_used_slot_written_to);
	tcase_add_test(tc, test_debug_mode_keeps_the_object_and_slot_sizes);

	tc = dp_test_case(suite, "allocator");
	tcase_add_test(
		tc,
		test_the_pool_allocator_serves_small_blocks_and_refuses_large_ones);
	tcase_add_test(tc, test_the_pool_allocator_backs_another_module);
	tcase_add_loop_test(
		tc, test_the_head_free_list_holds_released_objects_only, 0, 2);
	tcase_add_test(tc, test_debug_mode_keeps_the_head_free_list_empty);
	tcase_add_test(
		tc,
		test_more_releases_than_objects_are_refused_without_debug_mode);
	tcase_add_test(tc, test_the_free_list_grows_with_the_chunks);
	tcase_add_test(tc, test_the_slow_paths_serve_every_call_they_are_given);
	tcase_add_loop_test(
		tc, test_peak_is_exact_although_only_the_slow_path_records_it,
		0, 2);
	tcase_add_test(
		tc,
		test_a_bad_free_through_the_allocator_is_counted_in_debug_mode);

	tc = dp_test_case(suite, "errors");
	tcase_add_loop_test(tc, test_create_rejects_an_invalid_configuration, 0,
	                    9);
	tcase_add_loop_test(
		tc, test_null_arguments_are_rejected_by_every_function, 0, 2);

	tc = dp_test_case(suite, "out of memory");
	tcase_add_loop_test(tc, test_create_fails_cleanly_at_every_allocation,
	                    0, 4);
	tcase_add_loop_test(
		tc, test_acquire_fails_cleanly_when_a_chunk_cannot_be_allocated,
		0, 2);
	tcase_add_test(
		tc,
		test_the_pool_allocator_returns_null_when_the_pool_cannot_grow);

	return suite;
}

int main(void)
{
	return dp_test_run(object_pool_suite());
}
