/*
 * The memoizer: Python's @lru_cache wrapper, written out. A call looks the
 * argument up; a miss calls the function and stores its result. The
 * function receives the memo so that its recursive calls come back here,
 * which is what makes fib linear instead of exponential.
 */
#include "lru_cache/lru_cache.h"

enum memo_kind { MEMO_INT64, MEMO_BYTES };

struct dp_memo {
	dp_lru *cache;
	enum memo_kind kind;
	dp_memo_int64_fn *int64_fn; /* set for MEMO_INT64 */
	dp_memo_bytes_fn *bytes_fn; /* set for MEMO_BYTES */
	void *ctx;
	/* Sticky, as ferror(): the first error since creation or clear. */
	int error;
	const struct dp_allocator *alloc; /* never NULL */
};

/* An integer memo takes the chapter's declared tuning, a DP_LRU_INT64
 * cache; a bytes memo, the plain cache with copied keys and values. */
static dp_memo *memo_create(enum memo_kind kind, void *ctx, size_t maxsize,
                            const struct dp_allocator *alloc)
{
	dp_memo *memo = dp_alloc(alloc, sizeof(*memo));
	if (memo == NULL)
		return NULL;
	bool int64 = kind == MEMO_INT64;
	memo->cache = dp_lru_create(&(struct dp_lru_config){
		.kind = int64 ? DP_LRU_INT64 : DP_LRU_BY_OPS,
		.keys = int64 ? NULL : &dp_lru_bytes_key,
		.values = int64 ? NULL : &dp_lru_int64_value,
		.maxsize = maxsize,
		.alloc = alloc,
	});
	if (memo->cache == NULL)
		goto fail_free_memo;
	memo->kind = kind;
	memo->int64_fn = NULL;
	memo->bytes_fn = NULL;
	memo->ctx = ctx;
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
		memo->int64_fn = fn;
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
	dp_lru_destroy(memo->cache);
	dp_free(memo->alloc, memo);
}

static void record(dp_memo *memo, int rc)
{
	if (memo->error == DP_OK)
		memo->error = rc;
}

int64_t dp_memo_int64(dp_memo *memo, int64_t arg)
{
	if (memo == NULL)
		return 0;
	if (memo->kind != MEMO_INT64) {
		record(memo, DP_EINVAL);
		return 0;
	}
	/* The result is copied out of the cache on a hit: the function
	 * called on a miss may evict any entry, so no pointer into the
	 * cache is held across the call. A failed put leaves the cache as
	 * it was, and the result is right whether or not it was stored. */
	int64_t result;
	if (dp_lru_get_int64(memo->cache, arg, &result) == DP_OK)
		return result;
	result = memo->int64_fn(memo, memo->ctx, arg);
	record(memo, dp_lru_put_int64(memo->cache, arg, result));
	return result;
}

int64_t dp_memo_bytes(dp_memo *memo, const void *key, size_t size)
{
	if (memo == NULL)
		return 0;
	if (memo->kind != MEMO_BYTES || (key == NULL && size > 0)) {
		record(memo, DP_EINVAL);
		return 0;
	}
	const struct dp_lru_bytes lookup = {key, size};
	void *cached;
	if (dp_lru_get(memo->cache, &lookup, &cached) == DP_OK)
		return *(const int64_t *)cached;
	int64_t result = memo->bytes_fn(memo, memo->ctx, key, size);
	record(memo, dp_lru_put(memo->cache, &lookup, &result));
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
	return dp_lru_info(memo->cache, info);
}

int dp_memo_clear(dp_memo *memo)
{
	if (memo == NULL)
		return DP_EINVAL;
	memo->error = DP_OK;
	return dp_lru_clear(memo->cache);
}

dp_lru *dp_memo_cache(dp_memo *memo)
{
	return memo == NULL ? NULL : memo->cache;
}
