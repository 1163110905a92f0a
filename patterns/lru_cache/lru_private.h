/**
 * @file lru_private.h
 * @brief Internal to the LRU cache, not part of its contract: the
 *        cache's layout and its integer hit, shared by lru_cache.c,
 *        lru_ops.c (the integer hash) and memo.c (the memoizer's hit).
 *
 * The layout is here, rather than hidden in lru_cache.c, for one reason:
 * so that a memoized call that hits compiles into one function with the
 * lookup inlined, as dp_lru_get() does, instead of calling out to the
 * cache (the bench measures the difference). Same ownership and
 * thread-safety as lru_cache.h.
 */
#ifndef DP_LRU_PRIVATE_H
#define DP_LRU_PRIVATE_H

#include "lru_cache/lru_cache.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** @brief A link of the recency list: circular, around a sentinel in the
 *         cache, so linking needs no NULL checks. */
struct lru_link {
	struct lru_link *prev; /**< Towards the most recent entry. */
	struct lru_link *next; /**< Towards the least recent entry. */
};

/** @brief One cached key and value, in the hash table and in the recency
 *         list at once: one allocation serves both structures. */
struct lru_entry {
	/** Recency list; the entry is recovered with dp_container_of. */
	struct lru_link link;
	/** Hash chain: the next entry in the same bucket. */
	struct lru_entry *next_in_bucket;
	/** Kept so that growing the table and comparing need no rehash. */
	uint64_t hash;
	/** The key. A union, because a smaller entry lets more of the cache
	 *  fit in the CPU's caches; lru_cache.c's key_of() turns either
	 *  member into the pointer that the ops and the callbacks expect. */
	union {
		void *key;         /**< The stored key. */
		int64_t int64_key; /**< With inline integer keys. */
	} key;
	/** The value: &int64_value (or NULL) with inline integer values. */
	void *value;
	/** The value itself, with inline integer values. */
	int64_t int64_value;
};

/** @brief The cache (opaque to its users; see lru_cache.h). */
struct dp_lru {
	/** Sentinel: order.next is the most recently used entry, order.prev
	 *  the least. */
	struct lru_link order;
	struct lru_entry **buckets; /**< Chains of entries, by hash. */
	size_t bucket_count;        /**< A power of two. */
	size_t count;               /**< Entries stored. */
	size_t maxsize;             /**< As configured; #DP_LRU_UNBOUNDED. */
	uint64_t hits;              /**< Lookups that found their key. */
	uint64_t misses;            /**< Lookups that did not. */
	const struct dp_lru_key_ops *keys; /**< As configured. */
	/** As configured, or a table with no slots: never NULL. */
	const struct dp_lru_value_ops *values;
	void *ctx;                        /**< Handed to the ops. */
	dp_lru_evict_fn *on_evict;        /**< Optional eviction callback. */
	void *evict_ctx;                  /**< Handed to on_evict. */
	const struct dp_allocator *alloc; /**< Never NULL. */
	bool int64_keys;                  /**< keys == &dp_lru_int64_key. */
	bool int64_values;                /**< values == &dp_lru_int64_value. */
};

/**
 * @brief The finaliser of splitmix64: consecutive integers, the usual
 *        memoized arguments, land in unrelated buckets although the
 *        table masks low bits.
 * @param[in] x The integer, as unsigned.
 * @return Its hash; every bit depends on every bit of `x`.
 */
static inline uint64_t dp__lru_mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/**
 * @brief Take a link out of the recency list.
 * @param[in,out] link A link in the list.
 */
static inline void dp__lru_list_unlink(struct lru_link *link)
{
	/* Both neighbours read first: after the first store the compiler
	 * could no longer assume link->next unchanged, and would load it
	 * again. */
	struct lru_link *prev = link->prev;
	struct lru_link *next = link->next;

	prev->next = next;
	next->prev = prev;
}

/**
 * @brief Put a link first in the recency list.
 * @param[in,out] head The list's sentinel.
 * @param[in,out] link A link in no list.
 */
static inline void dp__lru_list_push_front(struct lru_link *head,
                                           struct lru_link *link)
{
	struct lru_link *first = head->next;

	link->prev = head;
	link->next = first;
	first->prev = link;
	head->next = link;
}

/**
 * @brief Make an entry the most recently used.
 *
 * The price of exact LRU: every hit rewrites up to six links in up to four
 * entries, and each hit's stores feed the next hit's loads, so hits cannot
 * overlap as plain lookups do (see the bench). An entry that is already
 * the most recent has nothing to move, which makes repeated hits on one
 * key as cheap as a lookup.
 * @param[in,out] lru   The cache.
 * @param[in,out] entry One of its entries.
 */
static inline void dp__lru_move_to_front(dp_lru *lru, struct lru_entry *entry)
{
	if (lru->order.next == &entry->link)
		return;
	dp__lru_list_unlink(&entry->link);
	dp__lru_list_push_front(&lru->order, &entry->link);
}

/**
 * @brief Find an inline integer key: no indirect call, no pointer to a
 *        separate copy of the key.
 * @param[in] lru  A cache created with dp_lru_int64_key.
 * @param[in] hash dp__lru_mix64() of the key.
 * @param[in] key  The key.
 * @return The link that points at the entry with this key, or at NULL
 *         where its chain ends: the caller can read, unlink or test the
 *         entry through it.
 */
static inline struct lru_entry **dp__lru_find_int64(const dp_lru *lru,
                                                    uint64_t hash, int64_t key)
{
	struct lru_entry **slot = &lru->buckets[hash & (lru->bucket_count - 1)];

	while (*slot != NULL && (*slot)->key.int64_key != key)
		slot = &(*slot)->next_in_bucket;
	return slot;
}

/**
 * @brief dp_lru_get() for a cache created with both dp_lru_int64_key and
 *        dp_lru_int64_value, taking and giving integers: the memoizer's
 *        hit, inlined into it, without a pointer to the key or the value.
 * @param[in,out] lru   A cache of inline integers; not NULL.
 * @param[in]     key   The key.
 * @param[out]    value Receives the value on a hit (0 for a NULL value);
 *                      untouched on a miss.
 * @return true on a hit, counted and moved to the front as by
 *         dp_lru_get(); false on a miss, counted.
 */
static inline bool dp__lru_get_int64(dp_lru *lru, int64_t key, int64_t *value)
{
	struct lru_entry *entry =
		*dp__lru_find_int64(lru, dp__lru_mix64((uint64_t)key), key);

	if (entry == NULL) {
		lru->misses++;
		return false;
	}
	lru->hits++;
	dp__lru_move_to_front(lru, entry);
	*value = entry->value != NULL ? entry->int64_value : 0;
	return true;
}

#endif /* DP_LRU_PRIVATE_H */
