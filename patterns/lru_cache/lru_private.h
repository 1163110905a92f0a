/**
 * @file lru_private.h
 * @brief Internal to the LRU cache, not part of its contract: what
 *        lru_cache.c shares with lru_ops.c (the integer hash) and with
 *        memo.c (the integer lookup). Same ownership and thread-safety
 *        as lru_cache.h.
 */
#ifndef DP_LRU_PRIVATE_H
#define DP_LRU_PRIVATE_H

#include "lru_cache/lru_cache.h"

#include <stdbool.h>
#include <stdint.h>

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
 * @brief dp_lru_get() for a cache created with both dp_lru_int64_key and
 *        dp_lru_int64_value, taking and giving integers: the memoizer's
 *        hit, without a pointer to the key or to the value.
 * @param[in,out] lru   A cache of inline integers; not NULL.
 * @param[in]     key   The key.
 * @param[out]    value Receives the value on a hit (0 for a NULL value);
 *                      untouched on a miss.
 * @return true on a hit, counted and moved to the front as by
 *         dp_lru_get(); false on a miss, counted.
 */
bool dp__lru_get_int64(dp_lru *lru, int64_t key, int64_t *value);

#endif /* DP_LRU_PRIVATE_H */
