/**
 * @file hash_set.h
 * @brief Exercise 13, choosing the data structure: a hash set of `int64_t`
 *        keys written as one more strategy of the Strategy chapter's
 *        `dp_set`, so a program that scans a list (#dp_set_linear) moves to
 *        O(1) lookups by changing one pointer.
 *
 * The set hashes and compares keys only through a key type
 * (#ex_key_type: a hash function, an equality function and their context,
 * as Redis's `dictType`), so whoever creates the set decides what "the
 * same key" means and can count the work each operation does.
 *
 * Ownership: a set's state owns its table, allocated from the allocator
 * given at creation and freed by #dp_set_ops.destroy; keys are copied in.
 * Thread-safety: none inside a state; calls on one state must be
 * serialised by the caller, calls on different states may run in parallel.
 */
#ifndef DP_EX_HASH_SET_H
#define DP_EX_HASH_SET_H

#include "common/dp_common.h"
#include "strategy/strategy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief How a set hashes and compares its keys: a table of two functions
 *        and their context, copied into the set at creation.
 *
 * Keys that #equal calls the same must get the same #hash. The set calls
 * these two functions for every hash it needs and every comparison of two
 * keys it makes, and never compares keys with `==` itself.
 */
struct ex_key_type {
	/**
	 * Required. The hash of a key: any 64 bits, spread over all of them
	 * (the set may use the low bits only).
	 * @param[in] key The key.
	 * @param[in] ctx #ctx, unchanged.
	 * @return The hash.
	 */
	uint64_t (*hash)(int64_t key, void *ctx);
	/**
	 * Required. Whether two keys are the same key.
	 * @param[in] a   A key.
	 * @param[in] b   Another key.
	 * @param[in] ctx #ctx, unchanged.
	 * @return true when `a` and `b` are the same key.
	 */
	bool (*equal)(int64_t a, int64_t b, void *ctx);
	/** Handed to #hash and #equal unchanged; may be NULL. */
	void *ctx;
};

/**
 * @brief The hash set as a strategy of the chapter's `dp_set`: every slot of
 *        #dp_set_ops filled, `name` "ex-hash", `load_sorted` NULL.
 *
 * Its `create` is ex_hash_set_create() with the default key type: keys are
 * the same when their values are equal, hashed by a mixer of every bit.
 * Each slot, called directly, also accepts a NULL state: `insert` and
 * `remove` then return #DP_EINVAL, `contains` false, `size` 0, and
 * `destroy` and `export_keys` do nothing.
 *
 * - `insert`: #DP_OK; #DP_EEXIST when an equal key is present; #DP_ENOMEM
 *   when the table could not grow, with the set unchanged.
 * - `remove`: #DP_OK, or #DP_ENOENT when no equal key is present. Never
 *   allocates.
 * - `contains`, `size`, `export_keys` (every key once, in any order, into
 *   room for `size` keys): never allocate.
 *
 * Cost: `insert`, `remove` and `contains` do O(1) work on average, whatever
 * the number of keys: a small constant number of calls of the key type's
 * hash and equal per operation (the table grows, so its load stays
 * bounded), and memory in proportion to the number of keys.
 */
extern const struct dp_set_ops ex_set_hash;

/**
 * @brief Create an empty state of #ex_set_hash with a key type of the
 *        caller's: what `ex_set_hash.create` does with the default type.
 *
 * The state is used through the slots of #ex_set_hash and freed with
 * `ex_set_hash.destroy`.
 * @param[out] state Receives the new state; untouched on error.
 * @param[in]  alloc Where all of the state's memory comes from, kept for
 *                   growth and destroy; NULL means dp_allocator_default().
 *                   It must outlive the state.
 * @param[in]  type  The key type, copied; NULL means the default type. Its
 *                   functions and context must outlive the state.
 * @return #DP_OK; #DP_EINVAL when `state` is NULL or `type` has a NULL
 *         `hash` or `equal`; #DP_ENOMEM when memory runs out.
 */
int ex_hash_set_create(void **state, const struct dp_allocator *alloc,
                       const struct ex_key_type *type);

#endif /* DP_EX_HASH_SET_H */
