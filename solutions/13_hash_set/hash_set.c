/*
 * Exercise 13, the answer: open addressing with linear probing, as the
 * chapter's dp_set_hash, but every hash and every comparison goes through
 * the key type.
 *
 * A key lives in the first free slot at or after its home slot, its hash
 * modulo the capacity (a power of two). The table doubles before it is
 * more than half full, so a probe sequence stays a few slots long whatever
 * the number of keys: O(1) expected per operation, and each doubling
 * rehashes n keys once, O(1) amortised per insert. Removal shifts the
 * following keys back (Knuth's Algorithm R) instead of leaving
 * tombstones, so removals never slow the lookups that follow.
 */
#include "hash_set.h"

#include <string.h>

struct slot {
	int64_t key;
	bool used;
};

struct hash_set {
	const struct dp_allocator *alloc;
	struct ex_key_type type;
	struct slot *slots; /* NULL until the first insert. */
	size_t capacity;    /* 0 or a power of two. */
	size_t count;
};

enum { INITIAL_CAPACITY = 16 };

/* The finalizer of SplitMix64: consecutive ids would otherwise fill runs
 * of neighbouring slots. */
static uint64_t default_hash(int64_t key, void *ctx)
{
	uint64_t x = (uint64_t)key;

	(void)ctx;
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

static bool default_equal(int64_t a, int64_t b, void *ctx)
{
	(void)ctx;
	return a == b;
}

static const struct ex_key_type DEFAULT_TYPE = {
	.hash = default_hash,
	.equal = default_equal,
};

int ex_hash_set_create(void **state, const struct dp_allocator *alloc,
                       const struct ex_key_type *type)
{
	if (state == NULL)
		return DP_EINVAL;
	if (type == NULL)
		type = &DEFAULT_TYPE;
	if (type->hash == NULL || type->equal == NULL)
		return DP_EINVAL;
	if (alloc == NULL)
		alloc = dp_allocator_default();

	struct hash_set *set = dp_alloc(alloc, sizeof(*set));
	if (set == NULL)
		return DP_ENOMEM;
	*set = (struct hash_set){.alloc = alloc, .type = *type};
	*state = set;
	return DP_OK;
}

static int hash_create(void **state, const struct dp_allocator *alloc)
{
	return ex_hash_set_create(state, alloc, NULL);
}

static void hash_destroy(void *state)
{
	struct hash_set *set = state;

	if (set == NULL)
		return;
	dp_free(set->alloc, set->slots);
	dp_free(set->alloc, set);
}

static uint64_t hash_of(const struct hash_set *set, int64_t key)
{
	return set->type.hash(key, set->type.ctx);
}

/* The slot holding a key equal to `key`, whose hash is `hash`, or the
 * free slot where it would go. Terminates: the table is never full. */
static size_t find_slot(const struct hash_set *set, int64_t key, uint64_t hash)
{
	size_t mask = set->capacity - 1;
	size_t i = (size_t)hash & mask;

	while (set->slots[i].used &&
	       !set->type.equal(set->slots[i].key, key, set->type.ctx))
		i = (i + 1) & mask;
	return i;
}

/* Move every key into a table of `capacity` slots, hashing each once; the
 * keys are distinct, so placing one needs no comparison. On failure
 * nothing changes. */
static int grow(struct hash_set *set, size_t capacity)
{
	if (capacity > SIZE_MAX / sizeof(struct slot))
		return DP_ENOMEM;
	struct slot *slots =
		dp_alloc_array(set->alloc, capacity, sizeof(*slots));
	if (slots == NULL)
		return DP_ENOMEM;
	memset(slots, 0, capacity * sizeof(*slots));

	size_t mask = capacity - 1;
	for (size_t i = 0; i < set->capacity; i++) {
		if (!set->slots[i].used)
			continue;
		size_t j = (size_t)hash_of(set, set->slots[i].key) & mask;
		while (slots[j].used)
			j = (j + 1) & mask;
		slots[j] = set->slots[i];
	}
	dp_free(set->alloc, set->slots);
	set->slots = slots;
	set->capacity = capacity;
	return DP_OK;
}

static bool hash_contains(const void *state, int64_t key)
{
	const struct hash_set *set = state;

	if (set == NULL || set->count == 0)
		return false;
	return set->slots[find_slot(set, key, hash_of(set, key))].used;
}

static int hash_insert(void *state, int64_t key)
{
	struct hash_set *set = state;

	if (set == NULL)
		return DP_EINVAL;
	uint64_t hash = hash_of(set, key);
	if (set->count > 0 && set->slots[find_slot(set, key, hash)].used)
		return DP_EEXIST;
	/* Keep the load at most 1/2: a miss then probes 2.5 slots on
	 * average (Knuth), against 8.5 at 3/4. */
	if (2 * (set->count + 1) > set->capacity) {
		size_t capacity =
			set->capacity ? 2 * set->capacity : INITIAL_CAPACITY;
		int rc = grow(set, capacity);
		if (rc != DP_OK)
			return rc;
	}
	size_t i = find_slot(set, key, hash);
	set->slots[i] = (struct slot){.key = key, .used = true};
	set->count++;
	return DP_OK;
}

/* Whether a key whose home is `home`, found at `at`, may move back to the
 * hole at `hole`: only when the hole lies on its probe path, cyclically
 * in [home, at). */
static bool can_fill(size_t home, size_t hole, size_t at)
{
	if (home <= at)
		return home <= hole && hole < at;
	return home <= hole || hole < at;
}

static int hash_remove(void *state, int64_t key)
{
	struct hash_set *set = state;

	if (set == NULL)
		return DP_EINVAL;
	if (set->count == 0)
		return DP_ENOENT;
	size_t hole = find_slot(set, key, hash_of(set, key));
	if (!set->slots[hole].used)
		return DP_ENOENT;

	/* Walk the run after the hole and move back each key whose probe
	 * path passes through it, so every key stays reachable. */
	size_t mask = set->capacity - 1;
	for (size_t i = (hole + 1) & mask; set->slots[i].used;
	     i = (i + 1) & mask) {
		size_t home = (size_t)hash_of(set, set->slots[i].key) & mask;
		if (can_fill(home, hole, i)) {
			set->slots[hole] = set->slots[i];
			hole = i;
		}
	}
	set->slots[hole].used = false;
	set->count--;
	return DP_OK;
}

static size_t hash_size(const void *state)
{
	const struct hash_set *set = state;

	return set == NULL ? 0 : set->count;
}

static void hash_export_keys(const void *state, int64_t *out)
{
	const struct hash_set *set = state;

	if (set == NULL || out == NULL)
		return;
	for (size_t i = 0; i < set->capacity; i++) {
		if (set->slots[i].used)
			*out++ = set->slots[i].key;
	}
}

const struct dp_set_ops ex_set_hash = {
	.name = "ex-hash",
	.create = hash_create,
	.destroy = hash_destroy,
	.insert = hash_insert,
	.remove = hash_remove,
	.contains = hash_contains,
	.size = hash_size,
	.export_keys = hash_export_keys,
	.load_sorted = NULL, /* one insert per key: O(1) each */
};
