/*
 * The hash strategy: open addressing with linear probing.
 *
 * A key lives in the first free slot at or after its home slot, hash(key)
 * modulo the capacity, a power of two. Probing walks neighbouring slots, so
 * a lookup usually touches one cache line, which is why linear probing
 * beats chaining on modern hardware despite its longer probe sequences.
 *
 * The table is kept at most half full: the expected probes for a miss are
 * about (1 + 1/(1-a)^2)/2 at load a (Knuth), 2.5 at a = 1/2 but 8.5 at
 * a = 3/4. Removal shifts later keys back instead of leaving tombstones
 * (Knuth's Algorithm R), so a table never fills up with deleted slots.
 *
 * load_sorted is left NULL on purpose: the set then inserts one key at a
 * time, which is already O(1) each here.
 */
#include "strategy/strategy.h"

#include <string.h>

struct slot {
	int64_t key;
	bool used;
};

struct hash_table {
	const struct dp_allocator *alloc;
	struct slot *slots; /* NULL until the first insert. */
	size_t capacity;    /* 0 or a power of two. */
	size_t count;
};

/*
 * Keys are often consecutive ids; taking them modulo a power of two
 * directly would fill runs of neighbouring slots, so every bit of the key
 * is mixed into the low bits first.
 */
static size_t home_slot(const struct hash_table *table, int64_t key)
{
	return (size_t)(dp_mix64((uint64_t)key) & (table->capacity - 1));
}

static int hash_create(void **state, const struct dp_allocator *alloc)
{
	struct hash_table *table = dp_alloc(alloc, sizeof(*table));
	if (table == NULL)
		return DP_ENOMEM;
	*table = (struct hash_table){.alloc = alloc};
	*state = table;
	return DP_OK;
}

static void hash_destroy(void *state)
{
	struct hash_table *table = state;

	dp_free(table->alloc, table->slots);
	dp_free(table->alloc, table);
}

/* The slot holding `key`, or the free slot where it would go. */
static size_t find_slot(const struct hash_table *table, int64_t key)
{
	size_t mask = table->capacity - 1;
	size_t i = home_slot(table, key);

	/* Terminates: the table is never more than half full. */
	while (table->slots[i].used && table->slots[i].key != key)
		i = (i + 1) & mask;
	return i;
}

/* Move every key into a table of `capacity` slots; on failure nothing
 * changes. */
static int resize(struct hash_table *table, size_t capacity)
{
	struct slot *slots =
		dp_alloc_array(table->alloc, capacity, sizeof(*slots));
	if (slots == NULL)
		return DP_ENOMEM;
	memset(slots, 0, capacity * sizeof(*slots));

	struct hash_table grown = *table;
	grown.slots = slots;
	grown.capacity = capacity;
	for (size_t i = 0; i < table->capacity; i++) {
		if (table->slots[i].used)
			slots[find_slot(&grown, table->slots[i].key)] =
				table->slots[i];
	}
	dp_free(table->alloc, table->slots);
	*table = grown;
	return DP_OK;
}

static bool hash_contains(const void *state, int64_t key)
{
	const struct hash_table *table = state;

	return table->count > 0 && table->slots[find_slot(table, key)].used;
}

static int hash_insert(void *state, int64_t key)
{
	struct hash_table *table = state;

	if (hash_contains(table, key))
		return DP_EEXIST;
	if (2 * (table->count + 1) > table->capacity) {
		size_t capacity = table->capacity ? 2 * table->capacity : 16;
		if (capacity > SIZE_MAX / sizeof(struct slot) ||
		    resize(table, capacity) != DP_OK)
			return DP_ENOMEM;
	}
	size_t i = find_slot(table, key);
	table->slots[i] = (struct slot){.key = key, .used = true};
	table->count++;
	return DP_OK;
}

/* Whether a key whose home is `home`, found at `at`, may move back to the
 * hole at `hole`: only if the hole lies on its probe path, that is
 * cyclically in [home, at). */
static bool can_fill(size_t home, size_t hole, size_t at)
{
	if (home <= at)
		return home <= hole && hole < at;
	return home <= hole || hole < at;
}

static int hash_remove(void *state, int64_t key)
{
	struct hash_table *table = state;

	if (table->count == 0)
		return DP_ENOENT;
	size_t hole = find_slot(table, key);
	if (!table->slots[hole].used)
		return DP_ENOENT;

	/* Walk the run after the hole; move back each key whose probe path
	 * passes through the hole, so every key stays reachable. */
	size_t mask = table->capacity - 1;
	for (size_t i = (hole + 1) & mask; table->slots[i].used;
	     i = (i + 1) & mask) {
		if (can_fill(home_slot(table, table->slots[i].key), hole, i)) {
			table->slots[hole] = table->slots[i];
			hole = i;
		}
	}
	table->slots[hole].used = false;
	table->count--;
	return DP_OK;
}

static size_t hash_size(const void *state)
{
	const struct hash_table *table = state;

	return table->count;
}

static void hash_export_keys(const void *state, int64_t *out)
{
	const struct hash_table *table = state;

	for (size_t i = 0; i < table->capacity; i++) {
		if (table->slots[i].used)
			*out++ = table->slots[i].key;
	}
}

const struct dp_set_ops dp_set_hash = {
	.name = "hash",
	.create = hash_create,
	.destroy = hash_destroy,
	.insert = hash_insert,
	.remove = hash_remove,
	.contains = hash_contains,
	.size = hash_size,
	.export_keys = hash_export_keys,
	.load_sorted = NULL, /* insert one at a time: O(1) each */
};
