/*
 * The graded tests of exercise 13. Run them with `make test EX=13_hash_set`.
 *
 * grade-link: strategy/strategy.c strategy/strategy_array.c
 *
 * The work of an operation is counted, never timed: the tests give the set
 * a key type of their own whose hash and equal functions count their
 * calls, and an allocator that counts bytes. The set must hash and compare
 * only through the key type (the key-type test proves that it does), so
 * every probe of a slot holding a key is a call the test sees. What the
 * counts cannot see is work done without the key type, such as a scan
 * that compares stored hash values before it calls equal; the contract
 * rules that out, and the tests do not try to catch it.
 */
#include "grade.h"
#include "grade_assert.h"
#include "hash_set.h"

#include <stdlib.h>
#include <string.h>

/* ck_assert_msg() records where it was on every call, which costs about a
 * microsecond; the loops over 100 000 keys test first and call Check only
 * to fail. */
#define check_msg(condition, ...)                  \
	do {                                       \
		if (!(condition))                  \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

/* ---- keys ---------------------------------------------------------------- */

/* The i-th key of a test: distinct for distinct i (an odd multiplier is a
 * bijection on 64 bits), spread over the whole range, negatives included.
 * key_at(n + i) is a key that a set of the first n keys does not hold. */
static int64_t key_at(size_t i)
{
	return (int64_t)((uint64_t)i * UINT64_C(0x9E3779B97F4A7C15));
}

/* The test's own hash: a good one, so that any sound table does well. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

/* ---- a key type that counts ---------------------------------------------- */

struct work {
	uint64_t hashes; /* Calls of the key type's hash. */
	uint64_t equals; /* Calls of its equal: one per probe of a key. */
};

/* The context the key type was given, and the calls that got another:
 * a set must hand its key type's ctx back unchanged. */
static struct work *given_ctx;
static uint64_t wrong_ctx_calls;

static struct work *work_of(void *ctx)
{
	static struct work ignored;

	if (ctx == given_ctx)
		return ctx;
	wrong_ctx_calls++;
	return &ignored;
}

static uint64_t counted_hash(int64_t key, void *ctx)
{
	work_of(ctx)->hashes++;
	return mix((uint64_t)key);
}

static bool counted_equal(int64_t a, int64_t b, void *ctx)
{
	work_of(ctx)->equals++;
	return a == b;
}

static struct ex_key_type counted_type(struct work *work)
{
	*work = (struct work){0};
	given_ctx = work;
	return (struct ex_key_type){
		.hash = counted_hash, .equal = counted_equal, .ctx = work};
}

static void assert_ctx_unchanged(void)
{
	ck_assert_msg(wrong_ctx_calls == 0,
	              "the key type's functions were called %llu times with "
	              "another ctx than the type's own: hand type->ctx to "
	              "them unchanged",
	              (unsigned long long)wrong_ctx_calls);
}

/* ---- an allocator that also adds up every byte requested ----------------- */

struct metered {
	struct dp_allocator base;
	struct dp_counting_allocator counter;
	size_t requested; /* Bytes of every allocation and resize, summed. */
};

static void *metered_reallocate(void *ctx, void *ptr, size_t size)
{
	struct metered *metered = ctx;

	if (size > 0)
		metered->requested += size;
	return metered->counter.base.reallocate(metered->counter.base.ctx, ptr,
	                                        size);
}

static void metered_init(struct metered *metered)
{
	*metered = (struct metered){
		.base = {.reallocate = metered_reallocate, .ctx = metered}};
	dp_counting_allocator_init(&metered->counter, NULL);
}

/* ---- calling the strategy ------------------------------------------------ */

/* Every slot the tests call, checked before the first call so that a
 * missing one fails instead of crashing. */
static void assert_slots(void)
{
	ck_assert_msg(ex_set_hash.name != NULL && ex_set_hash.create != NULL &&
	                      ex_set_hash.destroy != NULL &&
	                      ex_set_hash.insert != NULL &&
	                      ex_set_hash.remove != NULL &&
	                      ex_set_hash.contains != NULL &&
	                      ex_set_hash.size != NULL &&
	                      ex_set_hash.export_keys != NULL,
	              "ex_set_hash must fill every required slot of struct "
	              "dp_set_ops (name, create, destroy, insert, remove, "
	              "contains, size, export_keys)");
}

static void *open_set(const struct dp_allocator *alloc,
                      const struct ex_key_type *type)
{
	void *state = NULL;

	assert_slots();
	grade_assert_code(ex_hash_set_create(&state, alloc, type), DP_OK);
	ck_assert_msg(state != NULL,
	              "ex_hash_set_create returned DP_OK but left *state NULL");
	return state;
}

/* Assert that an operation on key number `i` returned `expected`. */
static void assert_op(const char *op, size_t i, int rc, int expected)
{
	char got[GRADE_CODE_TEXT_SIZE], want[GRADE_CODE_TEXT_SIZE];

	if (rc == expected)
		return;
	ck_abort_msg("%s(key number %zu) returned %s, expected %s", op, i,
	             grade_code_text(got, rc), grade_code_text(want, expected));
}

static void insert_keys(void *state, size_t first, size_t count)
{
	for (size_t i = first; i < first + count; i++)
		assert_op("insert", i, ex_set_hash.insert(state, key_at(i)),
		          DP_OK);
}

static int compare_keys(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* ---- correctness --------------------------------------------------------- */

START_TEST(test_insert_then_contains)
{
	static const int64_t keys[] = {0,         1,  -1,   16,       32,
	                               INT64_MIN, 42, 4096, INT64_MAX};
	const size_t n = DP_ARRAY_SIZE(keys);
	void *set = open_set(NULL, NULL);

	ck_assert_msg(ex_set_hash.size(set) == 0,
	              "a new set should be empty, size() says %zu",
	              ex_set_hash.size(set));
	ck_assert_msg(!ex_set_hash.contains(set, 0),
	              "an empty set contains nothing, yet contains(0) is true");
	for (size_t i = 0; i < n; i++)
		grade_assert_code(ex_set_hash.insert(set, keys[i]), DP_OK);
	for (size_t i = 0; i < n; i++) {
		check_msg(ex_set_hash.contains(set, keys[i]),
		          "key %lld was inserted, contains() says it is "
		          "absent",
		          (long long)keys[i]);
	}
	ck_assert_msg(!ex_set_hash.contains(set, 7) &&
	                      !ex_set_hash.contains(set, -16),
	              "contains() must be false for keys never inserted "
	              "(7, -16)");
	ck_assert_msg(ex_set_hash.size(set) == n,
	              "after %zu inserts size() should be %zu, got %zu", n, n,
	              ex_set_hash.size(set));
	grade_assert_code(ex_set_hash.insert(set, 42), DP_EEXIST);
	grade_assert_code(ex_set_hash.insert(set, 0), DP_EEXIST);
	ck_assert_msg(ex_set_hash.size(set) == n,
	              "a refused duplicate must not change the size: expected "
	              "%zu, got %zu",
	              n, ex_set_hash.size(set));
	ex_set_hash.destroy(set);
}
END_TEST

/* Of the first `count` keys of key_at(), those with `i % step == 0` were
 * removed: they must be absent, the others present. */
static void assert_after_removal(void *set, size_t count, size_t step)
{
	for (size_t i = 0; i < count; i++) {
		bool expected = i % step != 0;
		check_msg(ex_set_hash.contains(set, key_at(i)) == expected,
		          "after removing every %zu-th key, key number %zu "
		          "should be %s, contains() says the opposite",
		          step, i, expected ? "present" : "absent");
	}
}

/* A key type whose hash sends every key to one of 4 home slots: long runs
 * of collisions, where a careless removal cuts a key off. */
static uint64_t clumped_hash(int64_t key, void *ctx)
{
	(void)ctx;
	return (uint64_t)key & 3;
}

static bool plain_equal(int64_t a, int64_t b, void *ctx)
{
	(void)ctx;
	return a == b;
}

START_TEST(test_remove)
{
	static const struct ex_key_type clumped = {.hash = clumped_hash,
	                                           .equal = plain_equal};
	void *set = open_set(NULL, NULL);

	grade_assert_code(ex_set_hash.remove(set, 5), DP_ENOENT);
	insert_keys(set, 0, 300);
	for (size_t i = 0; i < 300; i += 3)
		assert_op("remove", i, ex_set_hash.remove(set, key_at(i)),
		          DP_OK);
	grade_assert_code(ex_set_hash.remove(set, key_at(3)), DP_ENOENT);
	grade_assert_code(ex_set_hash.remove(set, key_at(1000)), DP_ENOENT);
	ck_assert_msg(ex_set_hash.size(set) == 200,
	              "300 keys, 100 removed: size() should be 200, got %zu",
	              ex_set_hash.size(set));
	assert_after_removal(set, 300, 3);
	grade_assert_code(ex_set_hash.insert(set, key_at(3)), DP_OK);
	ck_assert_msg(ex_set_hash.contains(set, key_at(3)),
	              "a key removed and inserted again must be present");
	ex_set_hash.destroy(set);

	/* The same with every key colliding: keys 0..79 in 4 runs. */
	set = open_set(NULL, &clumped);
	for (int64_t k = 0; k < 80; k++)
		grade_assert_code(ex_set_hash.insert(set, k), DP_OK);
	for (int64_t k = 0; k < 80; k += 2)
		grade_assert_code(ex_set_hash.remove(set, k), DP_OK);
	for (int64_t k = 0; k < 80; k++) {
		check_msg(ex_set_hash.contains(set, k) == (k % 2 != 0),
		          "with a hash that makes keys collide, after "
		          "removing the even keys of 0..79, key %lld should "
		          "be %s: a removal must keep the keys after it in "
		          "the same chain or run reachable",
		          (long long)k, k % 2 ? "present" : "absent");
	}
	ex_set_hash.destroy(set);
}
END_TEST

START_TEST(test_errors_are_reported)
{
	static const struct ex_key_type no_hash = {.equal = plain_equal};
	static const struct ex_key_type no_equal = {.hash = clumped_hash};
	void *sentinel = &sentinel;
	void *state = sentinel;
	int64_t out[1] = {12345};

	grade_assert_code(ex_hash_set_create(NULL, NULL, NULL), DP_EINVAL);
	grade_assert_code(ex_hash_set_create(&state, NULL, &no_hash),
	                  DP_EINVAL);
	grade_assert_code(ex_hash_set_create(&state, NULL, &no_equal),
	                  DP_EINVAL);
	ck_assert_msg(
		state == sentinel,
		"a failed ex_hash_set_create must leave *state as it was");
	assert_slots();
	grade_assert_code(ex_set_hash.insert(NULL, 1), DP_EINVAL);
	grade_assert_code(ex_set_hash.remove(NULL, 1), DP_EINVAL);
	ck_assert_msg(!ex_set_hash.contains(NULL, 1),
	              "contains(NULL, key) must be false");
	ck_assert_msg(ex_set_hash.size(NULL) == 0, "size(NULL) must be 0");
	ex_set_hash.export_keys(NULL, out);
	ck_assert_msg(out[0] == 12345, "export_keys(NULL, out) must write "
	                               "nothing");
	ex_set_hash.destroy(NULL);

	/* NULL for the allocator and the type mean the defaults. */
	grade_assert_code(ex_hash_set_create(&state, NULL, NULL), DP_OK);
	ck_assert_msg(state != sentinel && state != NULL,
	              "ex_hash_set_create returned DP_OK without setting "
	              "*state");
	ex_set_hash.destroy(state);
	state = NULL;
	grade_assert_code(ex_set_hash.create(&state, dp_allocator_default()),
	                  DP_OK);
	ck_assert_msg(state != NULL, "ex_set_hash.create returned DP_OK "
	                             "without setting *state");
	ex_set_hash.destroy(state);
}
END_TEST

/* The key type of a table of versioned ids: the low 32 bits are the id,
 * the high 32 bits a version, and two keys are the same id whatever their
 * versions. Its context must come back unchanged. */
static uint64_t id_hash(int64_t key, void *ctx)
{
	work_of(ctx)->hashes++;
	return mix((uint32_t)key);
}

static bool id_equal(int64_t a, int64_t b, void *ctx)
{
	work_of(ctx)->equals++;
	return (uint32_t)a == (uint32_t)b;
}

static int64_t versioned(uint32_t id, uint32_t version)
{
	return (int64_t)(((uint64_t)version << 32) | id);
}

START_TEST(test_the_key_type_decides_which_keys_are_equal)
{
	struct work work;
	struct ex_key_type type = counted_type(&work);

	type.hash = id_hash;
	type.equal = id_equal;
	void *set = open_set(NULL, &type);

	grade_assert_code(ex_set_hash.insert(set, versioned(7, 1)), DP_OK);
	/* Id 7 again, another version: the key type says it is there. */
	grade_assert_code(ex_set_hash.insert(set, versioned(7, 2)), DP_EEXIST);
	ck_assert_msg(ex_set_hash.contains(set, versioned(7, 3)),
	              "contains(id 7, version 3) must be true after inserting "
	              "id 7 version 1: keys are compared with the key type's "
	              "equal, never with ==");
	for (uint32_t id = 100; id < 1100; id++)
		grade_assert_code(ex_set_hash.insert(set, versioned(id, id)),
		                  DP_OK);
	for (uint32_t id = 100; id < 1100; id++) {
		check_msg(ex_set_hash.contains(set, versioned(id, 9)),
		          "id %u was inserted with version %u; contains() "
		          "of version 9 must be true: the set must hash with "
		          "the key type's hash and compare with its equal",
		          id, id);
	}
	grade_assert_code(ex_set_hash.remove(set, versioned(7, 9)), DP_OK);
	ck_assert_msg(!ex_set_hash.contains(set, versioned(7, 1)) &&
	                      ex_set_hash.size(set) == 1000,
	              "removing id 7 (any version) must leave 1000 ids and "
	              "not id 7; size() says %zu",
	              ex_set_hash.size(set));
	assert_ctx_unchanged();
	ck_assert_msg(work.hashes > 0 && work.equals > 0,
	              "the key type's functions were never called (hash %llu "
	              "times, equal %llu times)",
	              (unsigned long long)work.hashes,
	              (unsigned long long)work.equals);
	ex_set_hash.destroy(set);
}
END_TEST

START_TEST(test_growth_keeps_every_key)
{
	enum { N = 10000 };
	struct dp_counting_allocator counter;
	struct work work;
	const struct ex_key_type type = counted_type(&work);

	dp_counting_allocator_init(&counter, NULL);
	void *set = open_set(&counter.base, &type);
	insert_keys(set, 0, N);
	ck_assert_msg(ex_set_hash.size(set) == N,
	              "after %d inserts size() should be %d, got %zu", N, N,
	              ex_set_hash.size(set));
	for (size_t i = 0; i < 2 * N; i++) {
		check_msg(ex_set_hash.contains(set, key_at(i)) == (i < N),
		          "after %d inserts, key number %zu should be %s: "
		          "when the table grows, every key must move to the "
		          "new table, to the slot its hash gives there",
		          N, i, i < N ? "present" : "absent");
	}

	int64_t *exported = calloc(N, sizeof(*exported));
	int64_t *expected = calloc(N, sizeof(*expected));
	ck_assert_ptr_nonnull(exported);
	ck_assert_ptr_nonnull(expected);
	for (size_t i = 0; i < N; i++)
		expected[i] = key_at(i);
	ex_set_hash.export_keys(set, exported);
	qsort(exported, N, sizeof(*exported), compare_keys);
	qsort(expected, N, sizeof(*expected), compare_keys);
	bool same = memcmp(exported, expected, N * sizeof(*exported)) == 0;
	free(exported);
	free(expected);
	ck_assert_msg(same, "export_keys must write every key once, and "
	                    "nothing else, into room for size() keys");
	assert_ctx_unchanged();
	ex_set_hash.destroy(set);
	ck_assert_msg(counter.live_blocks == 0,
	              "destroy must free everything: %zu blocks (%zu bytes) "
	              "still allocated",
	              counter.live_blocks, counter.live_bytes);
}
END_TEST

/* ---- the lesson: swap the strategy --------------------------------------- */

/* Compare the keys of two sets, in the ascending order dp_set gives. */
static void assert_same_keys(const dp_set *a, const dp_set *b, const char *when)
{
	size_t n = dp_set_size(a);
	int64_t *ka = calloc(n + 1, sizeof(*ka));
	int64_t *kb = calloc(n + 1, sizeof(*kb));

	ck_assert_ptr_nonnull(ka);
	ck_assert_ptr_nonnull(kb);
	ck_assert_msg(dp_set_size(b) == n,
	              "%s: the sets should hold the same number of keys, %zu "
	              "(%s) and %zu (%s)",
	              when, n, dp_set_strategy(a)->name, dp_set_size(b),
	              dp_set_strategy(b)->name);
	grade_assert_code(dp_set_copy_keys(a, ka, n), DP_OK);
	grade_assert_code(dp_set_copy_keys(b, kb, n), DP_OK);
	bool same = memcmp(ka, kb, n * sizeof(*ka)) == 0;
	free(ka);
	free(kb);
	ck_assert_msg(same, "%s: the sets should hold the same keys", when);
}

START_TEST(test_swap_the_strategy_behind_dp_set)
{
	struct dp_counting_allocator counter;
	uint64_t seed = 13;

	assert_slots();
	dp_counting_allocator_init(&counter, NULL);
	dp_set *list = dp_set_create(&dp_set_linear, &counter.base);
	dp_set *hash = dp_set_create(&ex_set_hash, &counter.base);
	ck_assert_ptr_nonnull(list);
	ck_assert_msg(hash != NULL,
	              "dp_set_create(&ex_set_hash, ...) returned NULL: it "
	              "refuses a table with an empty required slot, and fails "
	              "when create does not return DP_OK");
	/* One program, two data structures: the same calls must give the
	 * same answers. Keys from a small range repeat and miss often. */
	for (int step = 0; step < 3000; step++) {
		int64_t key = (int64_t)(dp_random_next(&seed) % 512) - 256;
		int op = (int)(dp_random_next(&seed) % 3);
		int expected = op == 0   ? dp_set_add(list, key)
		               : op == 1 ? dp_set_remove(list, key)
		                         : dp_set_contains(list, key);
		int got = op == 0   ? dp_set_add(hash, key)
		          : op == 1 ? dp_set_remove(hash, key)
		                    : dp_set_contains(hash, key);
		ck_assert_msg(got == expected,
		              "step %d, %s(%lld): dp_set_linear answered %d, "
		              "ex_set_hash %d; the strategy may change how, "
		              "never what",
		              step,
		              op == 0   ? "add"
		              : op == 1 ? "remove"
		                        : "contains",
		              (long long)key, expected, got);
	}
	assert_same_keys(list, hash, "after the same 3000 calls");
	grade_assert_code(dp_set_change_strategy(list, &ex_set_hash), DP_OK);
	grade_assert_code(dp_set_change_strategy(hash, &dp_set_linear), DP_OK);
	assert_same_keys(list, hash, "after swapping their strategies");
	dp_set_destroy(list);
	dp_set_destroy(hash);
	ck_assert_msg(counter.live_blocks == 0,
	              "after destroying both sets %zu blocks are still "
	              "allocated",
	              counter.live_blocks);
}
END_TEST

/* ---- the growth of the work: O(1) against O(n) --------------------------- */

enum { SIZES = 3 };
static const size_t SIZE_N[SIZES] = {1000, 10000, 100000};

/* Fail unless `per_op[at]`, the calls per operation at SIZE_N[at], is at
 * most `limit`; once the last size is in, fail too when the work grew
 * with n. The message says how it grew. */
static void assert_constant(const char *what, const double *per_op, int at,
                            double limit)
{
	size_t n = SIZE_N[at];

	if (per_op[at] > limit && per_op[at] >= (double)n / 8) {
		ck_abort_msg(
			"%s: %.1f calls of the key type per operation with "
			"n = %zu keys, about n/2: every operation walks "
			"through the keys, O(n) work, a list scan. A hash "
			"table goes straight to the key's slot: O(1)",
			what, per_op[at], n);
	}
	if (per_op[at] > limit && at > 0) {
		ck_abort_msg(
			"%s: %.1f calls of the key type per operation with "
			"n = %zu keys (%.1f with n = %zu), more than %.0f: "
			"the work grows with n, O(n): chains or runs that "
			"lengthen (a table that never grows), or growth by "
			"a fixed step, which rehashes every key again and "
			"again. Double the table when it is half full",
			what, per_op[at], n, per_op[0], SIZE_N[0], limit);
	}
	ck_assert_msg(per_op[at] <= limit,
	              "%s: %.1f calls of the key type per operation with n = "
	              "%zu keys, more than %.0f: keep the table at most half "
	              "(or 3/4) full",
	              what, per_op[at], n, limit);
	if (at > 0) {
		ck_assert_msg(per_op[at] <= 2 * per_op[at - 1] + 2,
		              "%s: %.1f calls per operation with n = %zu keys, "
		              "%.1f with n = %zu: the work grows with n, O(n) "
		              "(chains or runs that lengthen, or growth by a "
		              "fixed step). Constant work means about the same "
		              "number at every size",
		              what, per_op[at], n, per_op[at - 1],
		              SIZE_N[at - 1]);
	}
	if (at == SIZES - 1) {
		ck_assert_msg(per_op[at] <= 3 * per_op[0] + 1,
		              "%s: %.1f, %.1f, %.1f calls per operation with n "
		              "= 1000, 10000, 100000 keys: the work grows with "
		              "n. Constant work means about the same number at "
		              "every size",
		              what, per_op[0], per_op[1], per_op[2]);
	}
}

static double per_op(uint64_t calls, size_t ops)
{
	return (double)calls / (double)ops;
}

START_TEST(test_lookups_do_constant_work)
{
	double hits[SIZES], misses[SIZES], inserts[SIZES];

	for (int at = 0; at < SIZES; at++) {
		size_t n = SIZE_N[at];
		struct work work;
		const struct ex_key_type type = counted_type(&work);
		void *set = open_set(NULL, &type);

		insert_keys(set, 0, n);
		inserts[at] = per_op(work.hashes + work.equals, n);
		work = (struct work){0};
		for (size_t i = 0; i < n; i++)
			check_msg(ex_set_hash.contains(set, key_at(i)),
			          "key number %zu of %zu was inserted, "
			          "contains() says it is absent",
			          i, n);
		ck_assert_msg(work.equals >= n && work.hashes >= n,
		              "%zu lookups that found their key called hash "
		              "%llu times and equal %llu times: hash each key "
		              "looked up, and compare keys only with equal",
		              n, (unsigned long long)work.hashes,
		              (unsigned long long)work.equals);
		hits[at] = per_op(work.equals, n);
		work = (struct work){0};
		for (size_t i = n; i < 2 * n; i++)
			check_msg(!ex_set_hash.contains(set, key_at(i)),
			          "contains() is true for a key never "
			          "inserted");
		misses[at] = per_op(work.equals, n);
		ex_set_hash.destroy(set);
		assert_constant("contains() of a present key", hits, at, 8);
		assert_constant("contains() of an absent key", misses, at, 8);
		/* Inserts whose work grows with n (growth by a fixed step)
		 * are test_inserts_and_removes_do_constant_work's to fail;
		 * building a bigger set with them would only take long. */
		if (at > 0 && inserts[at] > 2 * inserts[at - 1] + 2)
			break;
	}
}
END_TEST

START_TEST(test_inserts_and_removes_do_constant_work)
{
	double inserts[SIZES], removes[SIZES];

	for (int at = 0; at < SIZES; at++) {
		size_t n = SIZE_N[at];
		struct work work;
		const struct ex_key_type type = counted_type(&work);
		void *set = open_set(NULL, &type);

		insert_keys(set, 0, n);
		inserts[at] = per_op(work.hashes + work.equals, n);
		ck_assert_msg(
			work.hashes >= n,
			"%zu inserts called the key type's hash only %llu "
			"times: hash every key inserted with it",
			n, (unsigned long long)work.hashes);
		work = (struct work){0};
		for (size_t i = 0; i < n; i++)
			assert_op("remove", i,
			          ex_set_hash.remove(set, key_at(i)), DP_OK);
		removes[at] = per_op(work.hashes + work.equals, n);
		ck_assert_msg(ex_set_hash.size(set) == 0,
		              "every key was removed, size() says %zu",
		              ex_set_hash.size(set));
		ex_set_hash.destroy(set);
		/* An insert may hash a key twice and rehash on growth: the
		 * limit is looser than a lookup's. */
		assert_constant("insert(), growth included", inserts, at, 16);
		assert_constant("remove()", removes, at, 16);
	}
}
END_TEST

START_TEST(test_memory_grows_in_proportion_to_the_keys)
{
	static const size_t sizes[] = {10, 100, 1000, 10000, 100000};

	for (size_t s = 0; s < DP_ARRAY_SIZE(sizes); s++) {
		size_t n = sizes[s];
		struct metered metered;
		struct work work;
		const struct ex_key_type type = counted_type(&work);

		metered_init(&metered);
		void *set = open_set(&metered.base, &type);
		insert_keys(set, 0, n);
		size_t live = metered.counter.live_bytes;
		ck_assert_msg(live >= n * sizeof(int64_t),
		              "%zu keys in %zu bytes from the set's allocator: "
		              "take every byte of the table from it, with "
		              "dp_alloc(alloc, ...)",
		              n, live);
		ck_assert_msg(
			live <= 128 * n + 1024,
			"%zu keys hold %zu bytes, %.0f per key, more than "
			"128 per key + 1 KiB: start small and grow with "
			"the keys (a big fixed table wastes memory on few "
			"keys, and fills up with many)",
			n, live, (double)live / (double)n);
		ck_assert_msg(
			metered.requested <= 256 * n + 4096,
			"building a set of %zu keys requested %zu bytes in "
			"all, %.0f per key: growing by a fixed step copies "
			"the table O(n) times, O(n^2) work; double it "
			"instead, O(1) amortised per key",
			n, metered.requested,
			(double)metered.requested / (double)n);
		ex_set_hash.destroy(set);
		ck_assert_msg(metered.counter.live_blocks == 0,
		              "destroy must free everything: %zu blocks still "
		              "allocated",
		              metered.counter.live_blocks);
		/* Memory is what this test grades; the work per insert is
		 * test_inserts_and_removes_do_constant_work's. An O(n) insert
		 * stops here rather than take minutes over 100 000 keys. */
		if (per_op(work.hashes + work.equals, n) > 64)
			break;
	}
}
END_TEST

START_TEST(test_removals_do_not_wear_the_table_out)
{
	enum { N = 1000, ROUNDS = 60 };
	struct metered metered;
	struct work work;
	const struct ex_key_type type = counted_type(&work);

	metered_init(&metered);
	void *set = open_set(&metered.base, &type);
	insert_keys(set, 0, N);
	size_t peak = metered.counter.live_bytes;
	/* Each round replaces the N keys by N new ones: the set never
	 * holds more than 2N keys, however long it lives. */
	for (size_t round = 1; round <= ROUNDS; round++) {
		insert_keys(set, round * N, N);
		for (size_t i = (round - 1) * N; i < round * N; i++)
			assert_op("remove", i,
			          ex_set_hash.remove(set, key_at(i)), DP_OK);
		ck_assert_msg(
			metered.counter.live_bytes <= 4 * peak + 1024,
			"after %zu rounds of inserting %d keys and "
			"removing %d, the set of %d keys holds %zu bytes "
			"(%zu at the start): removed keys must give their "
			"room back",
			round, N, N, N, metered.counter.live_bytes, peak);
	}
	work = (struct work){0};
	for (size_t i = 0; i < N; i++)
		check_msg(!ex_set_hash.contains(set, key_at(i)),
		          "a removed key is still present");
	for (size_t i = ROUNDS * N; i < (ROUNDS + 1) * N; i++)
		check_msg(ex_set_hash.contains(set, key_at(i)),
		          "a key of the last round is absent");
	double lookup = per_op(work.equals, 2 * N);
	ck_assert_msg(lookup <= 8,
	              "after %d rounds of inserts and removals a lookup in a "
	              "set of %d keys makes %.1f comparisons on average: %s",
	              ROUNDS, N, lookup,
	              lookup >= N / 8 ? "about n/2 or more, a scan of the "
	                                "keys, O(n)"
	                              : "removed keys still cost work "
	                                "(markers that are never cleared?)");
	ex_set_hash.destroy(set);
}
END_TEST

/* ---- out of memory ------------------------------------------------------- */

/* Insert the first `n` keys into a set whose allocator refuses one
 * request: a refused insert must return DP_ENOMEM, leave the set as it
 * was, and work when tried again. Returns how many inserts were refused. */
static int insert_through_failure(void *set, size_t n)
{
	int refused = 0;

	for (size_t i = 0; i < n; i++) {
		int rc = ex_set_hash.insert(set, key_at(i));
		if (rc == DP_OK)
			continue;
		assert_op("insert", i, rc, DP_ENOMEM);
		refused++;
		ck_assert_msg(ex_set_hash.size(set) == i &&
		                      !ex_set_hash.contains(set, key_at(i)),
		              "an insert refused with DP_ENOMEM must leave the "
		              "set unchanged: size should stay %zu (got %zu), "
		              "the key absent",
		              i, ex_set_hash.size(set));
		for (size_t j = 0; j < i; j++)
			check_msg(ex_set_hash.contains(set, key_at(j)),
			          "key number %zu was lost when the table "
			          "could not grow: build the new table first, "
			          "free the old one only when that worked",
			          j);
		assert_op("insert (tried again)", i,
		          ex_set_hash.insert(set, key_at(i)), DP_OK);
	}
	return refused;
}

/* Refuse the allocator's first, second, third... request, one per run,
 * until a run goes through without reaching the refusal. Returns how
 * many inserts were refused over all the runs. */
static int refuse_each_request(size_t n)
{
	int refused = 0;

	for (size_t fail_at = 1; fail_at < 64; fail_at++) {
		struct dp_counting_allocator counter;
		struct dp_failing_allocator failing;
		void *sentinel = &sentinel;
		void *set = sentinel;

		dp_counting_allocator_init(&counter, NULL);
		dp_failing_allocator_init(&failing, fail_at, &counter.base);
		int create_rc = ex_hash_set_create(&set, &failing.base, NULL);
		if (create_rc != DP_OK) {
			grade_assert_code(create_rc, DP_ENOMEM);
			ck_assert_msg(
				set == sentinel && counter.live_blocks == 0,
				"a create refused with DP_ENOMEM must leave "
				"*state untouched and free what it took");
			continue;
		}
		refused += insert_through_failure(set, n);
		ck_assert_msg(ex_set_hash.size(set) == n,
		              "with the allocator refusing request %zu, %zu "
		              "inserts should leave %zu keys, got %zu",
		              fail_at, n, n, ex_set_hash.size(set));
		ex_set_hash.destroy(set);
		ck_assert_msg(counter.live_blocks == 0,
		              "a set that went through a refused allocation "
		              "leaks %zu blocks after destroy",
		              counter.live_blocks);
		if (!failing.failed)
			break;
	}
	return refused;
}

START_TEST(test_out_of_memory_leaves_the_set_unchanged)
{
	assert_slots();
	ck_assert_msg(refuse_each_request(200) > 0,
	              "no insert ever returned DP_ENOMEM, though the allocator "
	              "refused its requests one by one: grow the table through "
	              "the set's allocator, dp_alloc(alloc, ...)");
}
END_TEST

/* The graded tests, in the order students should tackle them. */
static const struct grade_test TESTS[] = {
	{"test_insert_then_contains", test_insert_then_contains, 2,
         "README step 1: ex_hash_set_create, then insert and contains "
         "through the table's slots. Beware of 0: it is a key like any "
         "other, so it cannot mark an empty slot."},
	{"test_remove", test_remove, 3,
         "README step 2. With open addressing, emptying a slot can cut "
         "the keys after it off from their home slot: move them back (or "
         "leave a marker), and test with keys that collide."},
	{"test_errors_are_reported", test_errors_are_reported, 2,
         "Check every pointer argument first; NULL for the allocator or "
         "the type means the default. hash_set.h lists what each slot "
         "returns for a NULL state."},
	{"test_the_key_type_decides_which_keys_are_equal",
         test_the_key_type_decides_which_keys_are_equal, 3,
         "Copy the key type into the state and use its hash for the home "
         "slot and its equal for every comparison, passing its ctx; never "
         "compare two keys with ==."},
	{"test_growth_keeps_every_key", test_growth_keeps_every_key, 3,
         "README step 3: when the table is too full, allocate one twice "
         "as big and re-insert every key at the slot its hash gives in the "
         "new table (the old slot numbers mean nothing there)."},
	{"test_swap_the_strategy_behind_dp_set",
         test_swap_the_strategy_behind_dp_set, 3,
         "ex_set_hash is a struct dp_set_ops: dp_set_create() refuses it "
         "if a required slot is empty or create fails, and the same calls "
         "must give dp_set_linear's answers."},
	{"test_lookups_do_constant_work", test_lookups_do_constant_work, 5,
         "A lookup must cost about the same with 1000 keys as with "
         "100000: O(1). A list scan is O(n); so is a hash table that never "
         "grows, whose chains or runs lengthen with n. README step 3."},
	{"test_inserts_and_removes_do_constant_work",
         test_inserts_and_removes_do_constant_work, 4,
         "Grow by doubling, so that rehashing costs O(1) per insert "
         "amortised, and let remove find its key as a lookup does."},
	{"test_memory_grows_in_proportion_to_the_keys",
         test_memory_grows_in_proportion_to_the_keys, 3,
         "Start with a small table and double it: memory O(n), and the "
         "bytes copied over all the growths O(n) too. A fixed huge table, "
         "or growth by a fixed step, fails here."},
	{"test_removals_do_not_wear_the_table_out",
         test_removals_do_not_wear_the_table_out, 2,
         "After many inserts and removals a table must still have free "
         "slots and short probes: if you leave markers for removed keys, "
         "count them in the load and clear them when you rebuild."},
	{"test_out_of_memory_leaves_the_set_unchanged",
         test_out_of_memory_leaves_the_set_unchanged, 3,
         "README step 4: allocate the bigger table first; only when that "
         "worked move the keys and free the old one. On failure return "
         "DP_ENOMEM with nothing changed."},
};

int main(int argc, char **argv)
{
	return grade_main("13_hash_set", TESTS, DP_ARRAY_SIZE(TESTS), argc,
	                  argv);
}
