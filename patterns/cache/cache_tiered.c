/*
 * The two-level cache: a Decorator that keeps the cache interface and puts
 * a small local cache in front of the one it wraps.
 *
 * The front is filled on the way back from a back hit ("read through"),
 * and every write goes to both levels, so a process always sees its own
 * writes. Other processes' writes reach this front only when the local
 * copy expires: front_ttl_ms is the staleness the caller accepts.
 */
#include "cache/cache.h"

struct tiered {
	dp_cache *front;
	dp_cache *back;
	uint64_t front_ttl_ms;
	const struct dp_allocator *alloc;
	struct dp_cache_info counts;
};

/* The local copy may expire sooner than the value, never later. */
static uint64_t front_ttl(const struct tiered *tiered, uint64_t ttl_ms)
{
	if (tiered->front_ttl_ms == DP_CACHE_NO_TTL)
		return ttl_ms;
	if (ttl_ms == DP_CACHE_NO_TTL || tiered->front_ttl_ms < ttl_ms)
		return tiered->front_ttl_ms;
	return ttl_ms;
}

static int tiered_get(void *ctx, const void *key, size_t key_size, void *buffer,
                      size_t capacity, size_t *size)
{
	struct tiered *tiered = ctx;

	int rc = dp_cache_get(tiered->front, key, key_size, buffer, capacity,
	                      size);
	if (rc == DP_OK || rc == DP_ERANGE) {
		tiered->counts.hits++;
		return rc;
	}
	rc = dp_cache_get(tiered->back, key, key_size, buffer, capacity, size);
	if (rc == DP_OK || rc == DP_ERANGE) {
		tiered->counts.hits++;
		/* A failed local copy costs a later back hit, nothing more. */
		if (rc == DP_OK)
			(void)dp_cache_set(tiered->front, key, key_size, buffer,
			                   *size, tiered->front_ttl_ms);
		return rc;
	}
	tiered->counts.misses++;
	if (rc == DP_EIO)
		tiered->counts.errors++;
	return rc;
}

static int tiered_set(void *ctx, const void *key, size_t key_size,
                      const void *value, size_t size, uint64_t ttl_ms)
{
	struct tiered *tiered = ctx;

	int back_rc =
		dp_cache_set(tiered->back, key, key_size, value, size, ttl_ms);
	int front_rc = dp_cache_set(tiered->front, key, key_size, value, size,
	                            front_ttl(tiered, ttl_ms));
	if (back_rc == DP_EIO)
		tiered->counts.errors++;
	if (back_rc == DP_OK || front_rc == DP_OK)
		tiered->counts.sets++;
	/* The shared level's verdict matters more: it is what other
	 * processes will see. */
	return back_rc != DP_OK ? back_rc : front_rc;
}

static int tiered_remove(void *ctx, const void *key, size_t key_size)
{
	struct tiered *tiered = ctx;

	int front_rc = dp_cache_remove(tiered->front, key, key_size);
	int back_rc = dp_cache_remove(tiered->back, key, key_size);
	if (back_rc == DP_EIO) {
		tiered->counts.errors++;
		return DP_EIO;
	}
	return front_rc == DP_OK || back_rc == DP_OK ? DP_OK : DP_ENOENT;
}

static int tiered_clear(void *ctx)
{
	struct tiered *tiered = ctx;

	int front_rc = dp_cache_clear(tiered->front);
	int back_rc = dp_cache_clear(tiered->back);
	if (back_rc == DP_EIO)
		tiered->counts.errors++;
	return back_rc != DP_OK ? back_rc : front_rc;
}

static void tiered_info(void *ctx, struct dp_cache_info *info)
{
	struct tiered *tiered = ctx;
	struct dp_cache_info back;

	*info = tiered->counts;
	dp_cache_info(tiered->back, &back);
	info->connects = back.connects;
	dp_cache_info(tiered->front, &back);
	info->entries = back.entries;
}

static void tiered_destroy(void *ctx)
{
	struct tiered *tiered = ctx;

	dp_cache_destroy(tiered->front);
	dp_cache_destroy(tiered->back);
	dp_free(tiered->alloc, tiered);
}

static const struct dp_cache_ops tiered_ops = {
	.name = "tiered",
	.get = tiered_get,
	.set = tiered_set,
	.remove = tiered_remove,
	.clear = tiered_clear,
	.info = tiered_info,
	.destroy = tiered_destroy,
};

dp_cache *dp_cache_tiered_create(dp_cache *front, dp_cache *back,
                                 uint64_t front_ttl_ms,
                                 const struct dp_allocator *alloc)
{
	if (front == NULL || back == NULL || front == back)
		return NULL;

	struct tiered *tiered = dp_alloc(alloc, sizeof(*tiered));
	if (tiered == NULL)
		return NULL;
	*tiered = (struct tiered){
		.front = front,
		.back = back,
		.front_ttl_ms = front_ttl_ms,
		.alloc = alloc,
	};
	dp_cache *cache = dp_cache_create(&tiered_ops, tiered, alloc);
	if (cache == NULL)
		goto fail_free_tiered;
	return cache;

fail_free_tiered:
	dp_free(alloc, tiered);
	return NULL;
}
