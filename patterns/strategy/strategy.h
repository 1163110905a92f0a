/**
 * @file strategy.h
 * @brief Strategy: a set of integer keys whose search algorithm is a table
 *        of function pointers, chosen at creation and changeable at run time.
 *
 * One interface, `dp_set`, and three strategies behind it: a linear scan of
 * an unsorted array (#dp_set_linear), binary search in a sorted array
 * (#dp_set_sorted) and an open-addressing hash table (#dp_set_hash). The
 * caller picks the data structure for the workload without changing a line
 * of the code that uses the set, and can change it when the workload does.
 *
 * Ownership: a set owns the storage of its keys, allocated from the
 * allocator given to dp_set_create(), and frees it in dp_set_destroy().
 * Keys are plain `int64_t` values, copied in. Ops tables are `const` and
 * shared by every set that uses them.
 *
 * Thread-safety: none inside a set. Calls on different sets may run in
 * parallel; calls on one set must be serialised by the caller, though any
 * number of threads may call the read-only functions at once.
 */
#ifndef DP_STRATEGY_H
#define DP_STRATEGY_H

#include "common/dp_common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * @brief The strategy interface: how a set stores and searches its keys.
 *
 * A strategy keeps its data in a *state* that it allocates in #create and
 * frees in #destroy; the set never looks inside it. Every operation takes
 * that state first. Fill a table with designated initialisers:
 *
 * @code
 * const struct dp_set_ops my_set = {
 *         .name = "mine",
 *         .create = mine_create,
 *         ...
 * };
 * @endcode
 *
 * Slots say whether they are required; dp_set_create() refuses a table
 * with a required slot left NULL, so the set never has to check again.
 */
struct dp_set_ops {
	/** Required. A short name for people: "linear", "sorted", "hash". */
	const char *name;

	/**
	 * Required. Allocate an empty state.
	 * @param[out] state Receives the new state.
	 * @param[in]  alloc Where all the state's memory comes from, as the
	 *                   caller gave it: NULL means malloc/free, which
	 *                   dp_alloc() and dp_free() resolve. The state keeps
	 *                   it for later growth and #destroy.
	 * @return #DP_OK, or #DP_ENOMEM with `*state` untouched.
	 */
	int (*create)(void **state, const struct dp_allocator *alloc);

	/** Required. Free the state and everything it holds. */
	void (*destroy)(void *state);

	/**
	 * Required. Add a key.
	 * @return #DP_OK; #DP_EEXIST when the key is present; #DP_ENOMEM
	 *         when growing failed, with the state unchanged.
	 */
	int (*insert)(void *state, int64_t key);

	/**
	 * Required. Remove a key. Never allocates.
	 * @return #DP_OK, or #DP_ENOENT when the key is absent.
	 */
	int (*remove)(void *state, int64_t key);

	/** Required. Whether the key is present. Never allocates. */
	bool (*contains)(const void *state, int64_t key);

	/** Required. The number of keys. */
	size_t (*size)(const void *state);

	/**
	 * Required. Copy every key, in any order, into `out`, which has room
	 * for #size keys.
	 */
	void (*export_keys)(const void *state, int64_t *out);

	/**
	 * Optional: NULL means the set calls #insert once per key. Fill an
	 * empty state with `count` distinct keys given in ascending order.
	 * A strategy provides it when it can do better than one insert at a
	 * time (a sorted array copies them as they are).
	 * @return #DP_OK, or #DP_ENOMEM; the state is then empty again.
	 */
	int (*load_sorted)(void *state, const int64_t *keys, size_t count);
};

/** @brief Unsorted array, linear scan: O(n) lookups, no hashing, tiny constant. */
extern const struct dp_set_ops dp_set_linear;

/** @brief Sorted array, binary search: O(log n) lookups, O(n) inserts. */
extern const struct dp_set_ops dp_set_sorted;

/** @brief Open addressing with linear probing: O(1) expected lookups and inserts. */
extern const struct dp_set_ops dp_set_hash;

/** @brief A set of `int64_t` keys (opaque); see the file comment. */
typedef struct dp_set dp_set;

/**
 * @brief Create an empty set that uses the given strategy.
 * @param[in] ops   The strategy; it must outlive the set (the tables above
 *                  are static). Must not be NULL, and every required slot
 *                  must be filled.
 * @param[in] alloc The allocator for all of the set's memory, or NULL for
 *                  malloc/free. It must outlive the set.
 * @return The new set, which the caller frees with dp_set_destroy(); NULL
 *         when `ops` is NULL or incomplete, or when memory runs out.
 */
dp_set *dp_set_create(const struct dp_set_ops *ops,
                      const struct dp_allocator *alloc);

/**
 * @brief Free a set and its keys.
 * @param[in] set The set; NULL is a no-op.
 */
void dp_set_destroy(dp_set *set);

/**
 * @brief Add a key.
 * @param[in,out] set The set.
 * @param[in]     key Any value.
 * @return #DP_OK; #DP_EEXIST when the key is already present; #DP_EINVAL
 *         when `set` is NULL; #DP_ENOMEM when memory runs out, with the
 *         set unchanged.
 */
int dp_set_add(dp_set *set, int64_t key);

/**
 * @brief Add many keys at once, all or nothing.
 *
 * Keys already present, and repeats within `keys`, are skipped. The keys
 * are sorted once and the state rebuilt, which costs O((n + count) log(n +
 * count)) whatever the strategy: much less than `count` calls of
 * dp_set_add() on a sorted array.
 * @param[in,out] set   The set.
 * @param[in]     keys  The keys to add; may be NULL only when `count` is 0.
 * @param[in]     count The number of keys.
 * @param[out]    added Receives the number of keys that were new; may be NULL.
 * @return #DP_OK; #DP_EINVAL when `set` is NULL or `keys` is NULL with a
 *         non-zero `count`; #DP_ERANGE when the total overflows `size_t`;
 *         #DP_ENOMEM when memory runs out. On any error the set is
 *         unchanged and `*added` is not written.
 */
int dp_set_add_many(dp_set *set, const int64_t *keys, size_t count,
                    size_t *added);

/**
 * @brief Remove a key.
 * @param[in,out] set The set.
 * @param[in]     key The key to remove.
 * @return #DP_OK; #DP_ENOENT when the key is absent; #DP_EINVAL when `set`
 *         is NULL. Never allocates, so never #DP_ENOMEM.
 */
int dp_set_remove(dp_set *set, int64_t key);

/**
 * @brief Whether a key is in the set.
 * @param[in] set The set; NULL is an empty set.
 * @param[in] key The key to look for.
 * @return true when `key` is present.
 */
bool dp_set_contains(const dp_set *set, int64_t key);

/**
 * @brief The number of keys in the set.
 * @param[in] set The set; NULL is an empty set.
 * @return The number of keys.
 */
size_t dp_set_size(const dp_set *set);

/**
 * @brief Copy the keys, in ascending order, into a caller's array.
 * @param[in]  set      The set.
 * @param[out] out      Room for `capacity` keys; may be NULL when `capacity` is 0.
 * @param[in]  capacity How many keys `out` can hold.
 * @return #DP_OK; #DP_EINVAL when `set` is NULL or `out` is NULL with a
 *         non-zero capacity; #DP_ERANGE when `capacity` is less than
 *         dp_set_size(), with nothing written.
 */
int dp_set_copy_keys(const dp_set *set, int64_t *out, size_t capacity);

/**
 * @brief The strategy the set uses now.
 * @param[in] set The set.
 * @return Its ops table, or NULL when `set` is NULL.
 */
const struct dp_set_ops *dp_set_strategy(const dp_set *set);

/**
 * @brief Move the set's keys to another strategy: the contents stay, the
 *        algorithm changes.
 *
 * The new state is built completely before the old one is freed, so the
 * keys briefly exist twice, and a failure leaves the set as it was.
 * Changing to the strategy in use does nothing.
 * @param[in,out] set The set.
 * @param[in]     ops The new strategy, with every required slot filled.
 * @return #DP_OK; #DP_EINVAL when `set` or `ops` is NULL or `ops` is
 *         incomplete; #DP_ENOMEM when memory runs out, with the set
 *         unchanged and still using its old strategy.
 */
int dp_set_change_strategy(dp_set *set, const struct dp_set_ops *ops);

#endif /* DP_STRATEGY_H */
