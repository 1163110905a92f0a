/*
 * The memoizer: Python's @lru_cache wrapper, written out. A call looks the
 * argument up; a miss calls the function and stores its result. The
 * function receives the memo so that its recursive calls come back here,
 * which is what makes fib linear instead of exponential.
 */
#include "lru_cache/lru_cache.h"

enum memo_kind { MEMO_INT64, MEMO_BYTES };

struct dp_memo {
	/* Base. Must be first: the inline dp_memo_int64() casts to it. It
	 * holds the integer function (NULL for MEMO_BYTES) and the ctx. */
	struct dp_memo_head head;
	/* The bytes function; NULL for an integer memo. Exactly one of
	 * head.int64_fn and bytes_fn is set: that is the memo's kind. */
	dp_memo_bytes_fn *bytes_fn;
	/* Sticky, as ferror(): the first error since creation or clear. */
	int error;
	const struct dp_allocator *alloc; /* as given; NULL is the default */
};

/* An integer memo takes the chapter's declared tunings, a DP_LRU_INT64
 * cache; a bytes memo, the plain cache with copied keys and values. Both
 * draw their entries from a pool, because a memo is cleared and refilled
 * (cache_clear() between runs) more than any other cache: a refill then
 * takes its entries back from the pool instead of the allocator. */
static dp_memo *memo_create(enum memo_kind kind, void *ctx, size_t maxsize,
                            const struct dp_allocator *alloc)
{
	dp_memo *memo = dp_alloc(alloc, sizeof(*memo));
	if (memo == NULL)
		return NULL;
	bool int64 = kind == MEMO_INT64;
	memo->head.cache = dp_lru_create(&(struct dp_lru_config){
		.kind = int64 ? DP_LRU_INT64 : DP_LRU_BY_OPS,
		.entries = DP_LRU_ENTRIES_POOLED,
		.keys = int64 ? NULL : &dp_lru_bytes_key,
		.values = int64 ? NULL : &dp_lru_int64_value,
		.maxsize = maxsize,
		.alloc = alloc,
	});
	if (memo->head.cache == NULL)
		goto fail_free_memo;
	memo->head.int64_fn = NULL;
	memo->head.ctx = ctx;
	memo->bytes_fn = NULL;
	memo->error = DP_OK;
	memo->alloc = alloc;
	return memo;

fail_free_memo:
	dp_free(alloc, memo);
	return NULL;
}

dp_memo *dp_memo_create_int64(dp_memo_int64_fn *fn, void *ctx, size_t maxsize,
                              const struct dp_allocator *alloc)
{
	if (fn == NULL)
		return NULL;
	dp_memo *memo = memo_create(MEMO_INT64, ctx, maxsize, alloc);
	if (memo != NULL)
		memo->head.int64_fn = fn;
	return memo;
}

dp_memo *dp_memo_create_bytes(dp_memo_bytes_fn *fn, void *ctx, size_t maxsize,
                              const struct dp_allocator *alloc)
{
	if (fn == NULL)
		return NULL;
	dp_memo *memo = memo_create(MEMO_BYTES, ctx, maxsize, alloc);
	if (memo != NULL)
		memo->bytes_fn = fn;
	return memo;
}

void dp_memo_destroy(dp_memo *memo)
{
	if (memo == NULL)
		return;
	dp_lru_destroy(memo->head.cache);
	dp_free(memo->alloc, memo);
}

static void record(dp_memo *memo, int rc)
{
	if (memo->error == DP_OK)
		memo->error = rc;
}

/* dp_memo_int64() itself is inline in the header: it looks up with
 * dp_lru_get_int64(), which copies the result out of the cache (the
 * function called on a miss may evict any entry, so no pointer into the
 * cache is held across the call), and calls these for the rest. */
int64_t dp__memo_int64_refuse(dp_memo *memo)
{
	if (memo != NULL)
		record(memo, DP_EINVAL);
	return 0;
}

/* A failed put leaves the cache as it was, and the result is right
 * whether or not it was stored. */
void dp__memo_int64_store(dp_memo *memo, int64_t arg, int64_t result)
{
	if (memo != NULL)
		record(memo, dp_lru_put_int64(memo->head.cache, arg, result));
}

int64_t dp_memo_bytes(dp_memo *memo, const void *key, size_t size)
{
	if (memo == NULL)
		return 0;
	if (memo->bytes_fn == NULL || (key == NULL && size > 0)) {
		record(memo, DP_EINVAL);
		return 0;
	}
	const struct dp_lru_bytes lookup = {key, size};
	void *cached;
	if (dp_lru_get(memo->head.cache, &lookup, &cached) == DP_OK)
		return *(const int64_t *)cached;
	int64_t result = memo->bytes_fn(memo, memo->head.ctx, key, size);
	record(memo, dp_lru_put(memo->head.cache, &lookup, &result));
	return result;
}

int dp_memo_error(const dp_memo *memo)
{
	return memo == NULL ? DP_EINVAL : memo->error;
}

int dp_memo_info(const dp_memo *memo, struct dp_lru_info *info)
{
	if (memo == NULL)
		return DP_EINVAL;
	return dp_lru_info(memo->head.cache, info);
}

int dp_memo_clear(dp_memo *memo)
{
	if (memo == NULL)
		return DP_EINVAL;
	memo->error = DP_OK;
	return dp_lru_clear(memo->head.cache);
}

dp_lru *dp_memo_cache(dp_memo *memo)
{
	return memo == NULL ? NULL : memo->head.cache;
}
