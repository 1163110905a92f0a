/*
 * Exercise 12: the graded tests of the fixed-capacity object pool. Each
 * checks one promise of object_pool.h; none depends on timing.
 */
#include "grade.h"
#include "grade_assert.h"
#include "object_pool.h"

#include "common/dp_common.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

enum { CAPACITY = 8 };

/* Acquire up to `count` objects into `objects`; return how many came. */
static size_t acquire_all(ex_pool *pool, void **objects, size_t count)
{
	size_t got = 0;

	for (size_t i = 0; i < count; i++) {
		objects[i] = NULL;
		if (ex_pool_acquire(pool, &objects[i]) != DP_OK ||
		    objects[i] == NULL)
			break;
		got++;
	}
	return got;
}

START_TEST(test_acquire_hands_out_capacity_distinct_objects)
{
	ex_pool *pool = ex_pool_create(32, 0, CAPACITY, NULL);
	void *objects[CAPACITY];

	ck_assert_ptr_nonnull(pool);
	size_t got = acquire_all(pool, objects, CAPACITY);
	ck_assert_msg(got == CAPACITY,
	              "a pool of capacity %d should hand out %d objects, it "
	              "handed out %zu",
	              CAPACITY, CAPACITY, got);
	for (size_t i = 0; i < CAPACITY; i++)
		for (size_t j = i + 1; j < CAPACITY; j++)
			ck_assert_msg(
				objects[i] != objects[j],
				"objects %zu and %zu are the same pointer: "
				"a free list must pop each slot once",
				i, j);
	void *extra = NULL;
	/* The pool is exhausted, and a fixed pool never grows. */
	grade_assert_code(ex_pool_acquire(pool, &extra), DP_EBUSY);
	ck_assert_msg(extra == NULL, "a failed acquire must not touch *object");
	ck_assert_msg(ex_pool_available(pool) == 0,
	              "with every object lent, available should be 0, it is "
	              "%zu",
	              ex_pool_available(pool));
	ex_pool_destroy(pool);
}
END_TEST

START_TEST(test_objects_do_not_overlap)
{
	enum { SIZE = 40 };
	ex_pool *pool = ex_pool_create(SIZE, 0, CAPACITY, NULL);
	void *objects[CAPACITY];

	ck_assert_ptr_nonnull(pool);
	size_t got = acquire_all(pool, objects, CAPACITY);
	ck_assert_msg(got == CAPACITY, "expected %d objects, got %zu", CAPACITY,
	              got);
	for (size_t i = 0; i < CAPACITY; i++)
		memset(objects[i], (int)('a' + i), SIZE);
	for (size_t i = 0; i < CAPACITY; i++) {
		const unsigned char *bytes = objects[i];
		for (size_t b = 0; b < SIZE; b++)
			ck_assert_msg(
				bytes[b] == 'a' + i,
				"byte %zu of object %zu was overwritten by "
				"another object: slots must be at least "
				"object_size bytes apart",
				b, i);
	}
	ex_pool_destroy(pool);
}
END_TEST

START_TEST(test_objects_are_aligned)
{
	static const size_t alignments[] = {0, 8, 16, 64, 256};

	for (size_t a = 0; a < DP_ARRAY_SIZE(alignments); a++) {
		size_t want = alignments[a] != 0 ? alignments[a]
		                                 : alignof(max_align_t);
		/* 24 bytes: not a multiple of most alignments, so the slot
		 * size must be rounded up, not just the first slot. */
		ex_pool *pool =
			ex_pool_create(24, alignments[a], CAPACITY, NULL);
		void *objects[CAPACITY];

		ck_assert_msg(pool != NULL,
		              "ex_pool_create(24, %zu, %d) returned NULL",
		              alignments[a], CAPACITY);
		size_t got = acquire_all(pool, objects, CAPACITY);
		ck_assert_msg(got == CAPACITY, "expected %d objects, got %zu",
		              CAPACITY, got);
		for (size_t i = 0; i < CAPACITY; i++)
			ck_assert_msg((uintptr_t)objects[i] % want == 0,
			              "object %zu at %p is not aligned to %zu "
			              "(alignment argument %zu)",
			              i, objects[i], want, alignments[a]);
		ex_pool_destroy(pool);
	}
}
END_TEST

START_TEST(test_release_then_acquire_reuses_the_last_released)
{
	ex_pool *pool = ex_pool_create(16, 0, CAPACITY, NULL);
	void *objects[CAPACITY];

	ck_assert_ptr_nonnull(pool);
	size_t got = acquire_all(pool, objects, 5);
	ck_assert_msg(got == 5, "expected 5 objects, got %zu", got);
	grade_assert_code(ex_pool_release(pool, objects[1]), DP_OK);
	grade_assert_code(ex_pool_release(pool, objects[3]), DP_OK);
	grade_assert_code(ex_pool_release(pool, objects[0]), DP_OK);

	/* LIFO: the last released comes back first, still warm in cache. */
	void *expected[] = {objects[0], objects[3], objects[1]};
	for (size_t i = 0; i < DP_ARRAY_SIZE(expected); i++) {
		void *again = NULL;
		grade_assert_code(ex_pool_acquire(pool, &again), DP_OK);
		ck_assert_msg(again == expected[i],
		              "acquire %zu after releasing objects 1, 3, 0 "
		              "should return the object released %zu-th from "
		              "last (LIFO), it returned another",
		              i + 1, i + 1);
	}
	ex_pool_destroy(pool);
}
END_TEST

START_TEST(test_first_acquires_come_in_address_order)
{
	ex_pool *pool = ex_pool_create(16, 0, CAPACITY, NULL);
	void *objects[CAPACITY];

	ck_assert_ptr_nonnull(pool);
	size_t got = acquire_all(pool, objects, CAPACITY);
	ck_assert_msg(got == CAPACITY, "expected %d objects, got %zu", CAPACITY,
	              got);
	for (size_t i = 1; i < CAPACITY; i++)
		ck_assert_msg((uintptr_t)objects[i] > (uintptr_t)objects[i - 1],
		              "object %zu comes before object %zu in memory: "
		              "build the initial free list so that a fresh "
		              "pool hands out slots in address order",
		              i, i - 1);
	ex_pool_destroy(pool);
}
END_TEST

START_TEST(test_double_release_returns_eexist)
{
	ex_pool *pool = ex_pool_create(16, 0, CAPACITY, NULL);
	void *objects[CAPACITY];

	ck_assert_ptr_nonnull(pool);
	size_t got = acquire_all(pool, objects, 2);
	ck_assert_msg(got == 2, "expected 2 objects, got %zu", got);
	grade_assert_code(ex_pool_release(pool, objects[0]), DP_OK);
	/* objects[0] is released already. */
	grade_assert_code(ex_pool_release(pool, objects[0]), DP_EEXIST);
	ck_assert_msg(ex_pool_available(pool) == CAPACITY - 1,
	              "a refused release must leave the pool unchanged: "
	              "available should be %d, it is %zu",
	              CAPACITY - 1, ex_pool_available(pool));

	/* Had the double release been accepted, the slot would be on the
	 * free list twice and handed to two owners at once. */
	void *rest[CAPACITY];
	size_t more = acquire_all(pool, rest, CAPACITY);
	ck_assert_msg(more == CAPACITY - 1,
	              "after the refused release, %d objects should be free, "
	              "%zu could be acquired",
	              CAPACITY - 1, more);
	for (size_t i = 0; i < more; i++)
		ck_assert_msg(rest[i] != objects[1],
		              "an object still lent out was handed out again");
	for (size_t i = 0; i < more; i++)
		for (size_t j = i + 1; j < more; j++)
			ck_assert_msg(
				rest[i] != rest[j],
				"the same object was handed out twice: the "
				"double release corrupted the free list");
	ex_pool_destroy(pool);
}
END_TEST

START_TEST(test_foreign_pointer_release_returns_einval)
{
	ex_pool *pool = ex_pool_create(32, 0, CAPACITY, NULL);
	void *object = NULL;
	long on_the_stack = 0;

	ck_assert_ptr_nonnull(pool);
	grade_assert_code(ex_pool_acquire(pool, &object), DP_OK);
	ck_assert_ptr_nonnull(object);

	/* Not from the pool. */
	grade_assert_code(ex_pool_release(pool, &on_the_stack), DP_EINVAL);
	/* Into the middle of an object. */
	grade_assert_code(ex_pool_release(pool, (char *)object + 8), DP_EINVAL);
	grade_assert_code(ex_pool_release(pool, NULL), DP_EINVAL);
	ck_assert_msg(ex_pool_available(pool) == CAPACITY - 1,
	              "refused releases must leave the pool unchanged: "
	              "available should be %d, it is %zu",
	              CAPACITY - 1, ex_pool_available(pool));
	grade_assert_code(ex_pool_release(pool, object), DP_OK);
	ex_pool_destroy(pool);
}
END_TEST

START_TEST(test_tiny_objects_hold_the_free_list)
{
	ex_pool *pool = ex_pool_create(1, 1, CAPACITY, NULL);
	void *objects[CAPACITY];

	ck_assert_ptr_nonnull(pool);
	for (int round = 0; round < 3; round++) {
		size_t got = acquire_all(pool, objects, CAPACITY);
		ck_assert_msg(got == CAPACITY,
		              "round %d: a pool of 1-byte objects should hand "
		              "out %d objects, it handed out %zu",
		              round, CAPACITY, got);
		for (size_t i = 0; i < got; i++)
			*(unsigned char *)objects[i] = 0xAB;
		for (size_t i = 0; i < got; i++)
			grade_assert_code(ex_pool_release(pool, objects[i]),
			                  DP_OK);
	}
	ck_assert_uint_eq(ex_pool_available(pool), CAPACITY);
	ex_pool_destroy(pool);
}
END_TEST

/* The allocations a counting allocator has seen, read through the
 * allocator the pool was given: the pool changes the count behind the
 * test's back, which a direct read of the struct would hide from readers
 * (and from static analysis). */
static size_t allocations_through(const struct dp_allocator *alloc)
{
	const struct dp_counting_allocator *counter = alloc->ctx;

	return counter->allocations;
}

START_TEST(test_acquire_and_release_never_allocate)
{
	struct dp_counting_allocator counter;
	void *objects[CAPACITY];

	grade_assert_code(dp_counting_allocator_init(&counter, NULL), DP_OK);
	ex_pool *pool = ex_pool_create(64, 0, CAPACITY, &counter.base);
	ck_assert_ptr_nonnull(pool);
	ck_assert_msg(counter.allocations > 0,
	              "ex_pool_create must allocate through the allocator it "
	              "is given");
	size_t after_create = allocations_through(&counter.base);

	for (int round = 0; round < 100; round++) {
		size_t got = acquire_all(pool, objects, CAPACITY);
		ck_assert_msg(got == CAPACITY, "round %d: expected %d, got %zu",
		              round, CAPACITY, got);
		for (size_t i = 0; i < got; i++)
			grade_assert_code(ex_pool_release(pool, objects[i]),
			                  DP_OK);
	}
	size_t after_rounds = allocations_through(&counter.base);
	ck_assert_msg(after_rounds == after_create,
	              "acquire and release must never allocate (that is the "
	              "point of a pool): %zu allocations after create",
	              after_rounds - after_create);
	ck_assert_uint_eq(ex_pool_capacity(pool), CAPACITY);
	ex_pool_destroy(pool);
	ck_assert_msg(counter.live_blocks == 0,
	              "ex_pool_destroy left %zu blocks allocated",
	              counter.live_blocks);
}
END_TEST

START_TEST(test_create_refuses_bad_arguments_and_leaks_nothing)
{
	struct dp_counting_allocator counter;

	grade_assert_code(dp_counting_allocator_init(&counter, NULL), DP_OK);
	ex_pool *good = ex_pool_create(8, 16, 4, &counter.base);
	ck_assert_msg(good != NULL, "a valid pool could not be created");
	ex_pool_destroy(good);

	ck_assert_msg(ex_pool_create(0, 0, 4, &counter.base) == NULL,
	              "object_size 0 must be refused");
	ck_assert_msg(ex_pool_create(8, 0, 0, &counter.base) == NULL,
	              "capacity 0 must be refused");
	ck_assert_msg(ex_pool_create(8, 24, 4, &counter.base) == NULL,
	              "alignment 24 is not a power of two and must be refused");
	ck_assert_msg(ex_pool_create(SIZE_MAX / 2, 0, 4, &counter.base) == NULL,
	              "a size that overflows must be refused");

	/* Fail each allocation of ex_pool_create in turn. */
	for (size_t fail_at = 1; fail_at <= 8; fail_at++) {
		struct dp_failing_allocator failing;
		grade_assert_code(dp_failing_allocator_init(&failing, fail_at,
		                                            &counter.base),
		                  DP_OK);
		ex_pool *pool = ex_pool_create(8, 0, 4, &failing.base);
		ck_assert_msg(pool == NULL || !failing.failed,
		              "allocation %zu failed but ex_pool_create "
		              "returned a pool",
		              fail_at);
		ex_pool_destroy(pool);
	}
	ck_assert_msg(counter.live_blocks == 0,
	              "%zu blocks leaked: free what you allocated when a "
	              "later allocation fails",
	              counter.live_blocks);
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_acquire_hands_out_capacity_distinct_objects",
         test_acquire_hands_out_capacity_distinct_objects, 3,
         "Start with ex_pool_create and ex_pool_acquire: build the free list "
         "over every slot, pop its head, and return DP_EBUSY when it is empty. "
         "README step 1-2."},
	{"test_objects_do_not_overlap", test_objects_do_not_overlap, 2,
         "Each slot must hold object_size bytes: check how you compute the "
         "slot size and each slot's address."},
	{"test_objects_are_aligned", test_objects_are_aligned, 3,
         "Two things must be aligned: the first slot (round the block's "
         "address up) and the slot size (round it up to the alignment). 0 "
         "means alignof(max_align_t)."},
	{"test_first_acquires_come_in_address_order",
         test_first_acquires_come_in_address_order, 1,
         "Push the slots onto the initial free list in the order that makes "
         "the lowest address the head."},
	{"test_release_then_acquire_reuses_the_last_released",
         test_release_then_acquire_reuses_the_last_released, 3,
         "ex_pool_release pushes onto the head of the same list acquire pops "
         "from: a stack. README step 3."},
	{"test_double_release_returns_eexist",
         test_double_release_returns_eexist, 4,
         "Keep a per-slot flag set by acquire and cleared by release; turn the "
         "slot's address into its index to find the flag in O(1)."},
	{"test_foreign_pointer_release_returns_einval",
         test_foreign_pointer_release_returns_einval, 3,
         "Before trusting a pointer, check it lies inside the block and on a "
         "slot boundary (compare as uintptr_t). README step 4."},
	{"test_tiny_objects_hold_the_free_list",
         test_tiny_objects_hold_the_free_list, 2,
         "A free slot stores the free list's link: it must be at least a "
         "pointer wide, and the link must be read and written with memcpy when "
         "the alignment is 1."},
	{"test_acquire_and_release_never_allocate",
         test_acquire_and_release_never_allocate, 2,
         "Allocate everything in ex_pool_create through dp_alloc(alloc, ...) "
         "and free it all in ex_pool_destroy; acquire and release only move "
         "pointers."},
	{"test_create_refuses_bad_arguments_and_leaks_nothing",
         test_create_refuses_bad_arguments_and_leaks_nothing, 2,
         "Validate every argument before allocating, guard the size arithmetic "
         "against overflow, and free what you have when a later allocation "
         "fails (a goto ladder)."},
};

int main(int argc, char **argv)
{
	return grade_main("12_object_pool", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
