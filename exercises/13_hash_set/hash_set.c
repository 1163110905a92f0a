/*
 * Exercise 13: a hash set as a strategy of dp_set. Read README.md first,
 * then hash_set.h, which is the contract: every function below must do
 * what its comment there says. Every hash and every comparison of two keys
 * goes through the key type: set->type.hash(key, set->type.ctx) and
 * set->type.equal(a, b, set->type.ctx), never `==`.
 */
#include "hash_set.h"

/* TODO: the state. A suggestion: the allocator, a copy of the key type,
 * an array of slots (a key and whether the slot is used: 0 is a key like
 * any other, so it cannot mean "empty"), its capacity (a power of two, so
 * that `hash & (capacity - 1)` is the home slot) and the number of keys. */
struct hash_set {
	const struct dp_allocator *alloc;
	struct ex_key_type type;
};

int ex_hash_set_create(void **state, const struct dp_allocator *alloc,
                       const struct ex_key_type *type)
{
	/* TODO: check the arguments (NULL type: a default type of your own,
	 * == and a hash that mixes every bit; NULL alloc:
	 * dp_allocator_default()); allocate the state with dp_alloc(alloc,
	 * ...), copy the type into it, and only then set *state. */
	(void)state;
	(void)alloc;
	(void)type;
	return DP_ENOTSUP;
}

static int hash_create(void **state, const struct dp_allocator *alloc)
{
	/* TODO: ex_hash_set_create() with the default key type. */
	(void)state;
	(void)alloc;
	return DP_ENOTSUP;
}

static void hash_destroy(void *state)
{
	/* TODO: free the slots and the state (NULL: do nothing). */
	(void)state;
}

static int hash_insert(void *state, int64_t key)
{
	/* TODO: DP_EEXIST when an equal key is there; when the table would
	 * be more than half full, grow it first: allocate one twice as big,
	 * re-insert every key at the slot its hash gives there, and free the
	 * old one only then (DP_ENOMEM: nothing changed). */
	(void)state;
	(void)key;
	return DP_ENOTSUP;
}

static int hash_remove(void *state, int64_t key)
{
	/* TODO: DP_ENOENT when absent; otherwise empty the slot and keep the
	 * keys after it in the run reachable (README step 2). */
	(void)state;
	(void)key;
	return DP_ENOTSUP;
}

static bool hash_contains(const void *state, int64_t key)
{
	/* TODO: start at the key's home slot and probe until an equal key
	 * or an empty slot. */
	(void)state;
	(void)key;
	return false;
}

static size_t hash_size(const void *state)
{
	/* TODO: the number of keys (0 for NULL). */
	(void)state;
	return 0;
}

static void hash_export_keys(const void *state, int64_t *out)
{
	/* TODO: write every key once into out. */
	(void)state;
	(void)out;
}

/* The strategy: the same interface as the chapter's dp_set_hash. */
const struct dp_set_ops ex_set_hash = {
	.name = "ex-hash",
	.create = hash_create,
	.destroy = hash_destroy,
	.insert = hash_insert,
	.remove = hash_remove,
	.contains = hash_contains,
	.size = hash_size,
	.export_keys = hash_export_keys,
	.load_sorted = NULL,
};
